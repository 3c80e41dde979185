import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TIME = '/usr/bin/time';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/digest.js ...args` from the project root and collects its output. */
export function runDigest(root: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/digest.js'), ...args], { cwd: root, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Like runDigest, but exits non-zero with the child's output when the command failed. */
export async function mustRunDigest(root: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const run = await runDigest(root, args, env);
  if (run.code !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    throw new Error(`digest ${args.join(' ')} exited with code ${run.code}`);
  }
  return run.stdout;
}

export interface MeasuredRun extends CliRun {
  /** Wall time from spawn to exit. */
  processMs: number;
  /** Peak resident set size of the node process. */
  peakRssKb: number;
  rssMethod: string;
}

function readStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // the process is gone
  }
}

/**
 * Runs the CLI and measures its peak RSS: under GNU time (`-v`, its
 * "Maximum resident set size") when /usr/bin/time exists, else by polling
 * VmHWM in /proc every 100 ms.
 */
export function measureDigest(root: string, args: string[], env: NodeJS.ProcessEnv, scratch: string, nodeFlags: string[] = []): Promise<MeasuredRun> {
  const useTime = existsSync(TIME);
  const timeFile = join(scratch, 'time-v.txt');
  const command = [process.execPath, ...nodeFlags, join(root, 'bin/digest.js'), ...args];
  const [file, ...argv] = useTime ? [TIME, '-v', '-o', timeFile, ...command] : command;
  const started = performance.now();
  const child = spawn(file!, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  let polledKb = 0;
  const poll = useTime ? undefined : setInterval(() => (polledKb = Math.max(polledKb, readStatusKb(child.pid!, 'VmHWM'))), 100);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const processMs = performance.now() - started;
      clearInterval(poll);
      let peakRssKb = polledKb;
      if (useTime && existsSync(timeFile)) {
        const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
        peakRssKb = match ? Number(match[1]) : 0;
      }
      resolve({ code: code ?? 1, stdout, stderr, processMs, peakRssKb, rssMethod: useTime ? 'GNU time -v' : 'VmHWM polled every 100 ms' });
    });
  });
}
