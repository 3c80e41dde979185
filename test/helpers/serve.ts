import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, childEnv } from './cli.ts';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Every line the process printed (JSON log lines, mostly). */
  output: string[];
  exited: Promise<number | null>;
}

/** Starts `digest serve` as a real process and waits for its "service started" log line. */
export function startServe(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/digest.js'), 'serve', ...args], { cwd: ROOT, env: childEnv({ HTTP_PORT: '0', ...env }) });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output.join('\n')}`)), 30_000);
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(line)?.[1];
        if (url && line.includes('service started')) {
          clearTimeout(timer);
          resolve({ child, url, output, exited });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`serve exited with ${code}:\n${output.join('\n')}`)));
  });
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
