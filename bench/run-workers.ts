import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { watchPeakRss } from './run-ours.ts';
import { WEEK } from './setup.ts';

export interface WorkerResult {
  pid: number;
  /** Exit code; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the worker's "this run sent N, … in X s" line; null when it printed none. */
  sent: number | null;
  sendSeconds: number | null;
  /** From the start of the run (all workers spawned together) to this worker's exit. */
  exitMs: number;
  /** VmHWM of the worker's node process, polled every 50 ms (its compile child not included). */
  peakRssKb: number;
  stdout: string;
  stderr: string;
}

export interface WorkersRun {
  /** Epoch ms when the workers were spawned (the sink stamps messages in epoch ms). */
  startedAt: number;
  /** From spawning the first worker to the exit of the last. */
  wallMs: number;
  workers: WorkerResult[];
}

/** Workers still running, so that an interrupted bench can stop them before it drops their stores. */
const live = new Set<ChildProcess>();

/** SIGTERM to every worker still running: each finishes its messages in flight, records them and exits. */
export function stopWorkers(): void {
  for (const child of live) child.kill('SIGTERM');
}

function runOne(root: string, args: string[], env: NodeJS.ProcessEnv, started: number): Promise<WorkerResult> {
  const child = spawn(process.execPath, [join(root, 'bin/digest.js'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const rss = watchPeakRss(() => child.pid!);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      live.delete(child);
      const exitMs = performance.now() - started;
      const line = /this run sent (\d+),.* in ([\d.]+) s/.exec(stdout);
      resolve({
        pid: child.pid ?? -1,
        code,
        signal,
        sent: line ? Number(line[1]) : null,
        sendSeconds: line ? Number(line[2]) : null,
        exitMs,
        peakRssKb: rss.stop(),
        stdout,
        stderr,
      });
    });
  });
}

/** What each worker runs; `digest send` alone (SQLite) for the reference row. */
export const WORKER_ARGS = ['send', '--worker', '--week', WEEK];

/**
 * Starts `count` `digest send --worker` processes (or `args`) together on one
 * store and waits for the last to exit. When `stop` resolves, sends each one
 * still running a SIGTERM (they finish what is in flight and exit 130).
 */
export async function runWorkers(
  root: string,
  count: number,
  env: NodeJS.ProcessEnv,
  options: { args?: string[]; stop?: Promise<void> } = {},
): Promise<WorkersRun> {
  const startedAt = Date.now();
  const started = performance.now();
  const running = Array.from({ length: count }, () => runOne(root, options.args ?? WORKER_ARGS, env, started));
  let finished = false;
  void options.stop?.then(() => finished || stopWorkers());
  const workers = await Promise.all(running);
  finished = true;
  return { startedAt, wallMs: performance.now() - started, workers };
}

/** One line on a worker that failed: how it ended and the last lines it printed. */
export function describeFailure(w: WorkerResult): string {
  return `worker ${w.pid} exited ${w.code ?? w.signal}: ${(w.stderr || w.stdout).trim().split('\n').slice(-3).join(' / ')}`;
}
