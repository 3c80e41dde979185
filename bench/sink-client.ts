import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SinkCount {
  count: number;
  bytes: number;
  /** Epoch ms when the first / last message since the last reset was accepted (0: none). */
  firstAt: number;
  lastAt: number;
}

/** The SMTP sink running in a child process (bench/smtp-sink-process.ts). */
export interface SinkProcess {
  port: number;
  pid: number;
  count(): Promise<SinkCount>;
  reset(): Promise<SinkCount>;
  stop(): Promise<void>;
}

/** Starts the sink with tsx and waits for the port it prints. */
export async function startSinkProcess(root: string): Promise<SinkProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/smtp-sink-process.ts')], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr.pipe(process.stderr);
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.resolve(line));
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`SMTP sink exited with code ${code}`));
  });
  const next = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  const ask = async (command: string): Promise<SinkCount> => {
    const answer = next();
    child.stdin.write(`${command}\n`);
    return JSON.parse(await answer) as SinkCount;
  };
  const { port } = JSON.parse(await next()) as { port: number };
  return {
    port,
    pid: child.pid ?? -1,
    count: () => ask('count'),
    reset: () => ask('reset'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end('quit\n');
      }),
  };
}
