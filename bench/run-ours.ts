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
  /** Peak resident set size of the sending node process itself (VmHWM, polled). */
  peakRssKb: number;
  /** GNU time's figure: the largest of the process and the children it waited for (the compile child). */
  peakRssWithChildrenKb: number | null;
  rssMethod: string;
  /** User + system CPU seconds of the process (GNU time only; else null). */
  cpuSeconds: number | null;
  /** CPU seconds the process had used when `mark` first appeared on stdout (null: not seen or unreadable). */
  cpuAtMark: number | null;
}

/** User + system CPU seconds of a live process, from /proc/<pid>/stat (clock ticks of 1/100 s); null when unreadable. */
export function procCpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** The node process: the child itself, or GNU time's only child. */
function nodePid(pid: number, underTime: boolean): number {
  if (!underTime) return pid;
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]) || pid;
  } catch {
    return pid;
  }
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
 * Polls the high-water mark of a process's resident set (VmHWM in
 * /proc/<pid>/status) every `everyMs`; `stop()` returns the largest seen, in
 * kB. A process that exits between two polls loses at most its last 50 ms.
 */
export function watchPeakRss(pid: () => number, everyMs = 50): { stop(): number } {
  let peakKb = 0;
  const poll = setInterval(() => (peakKb = Math.max(peakKb, readStatusKb(pid(), 'VmHWM'))), everyMs);
  return {
    stop: () => {
      clearInterval(poll);
      return peakKb;
    },
  };
}

/**
 * Runs the CLI and measures its peak RSS: under GNU time (`-v`, its
 * "Maximum resident set size") when /usr/bin/time exists, else by polling
 * VmHWM in /proc every 100 ms.
 */
export function measureDigest(
  root: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; scratch: string; nodeFlags?: string[]; mark?: RegExp },
): Promise<MeasuredRun> {
  const { env, scratch, nodeFlags = [], mark } = options;
  const useTime = existsSync(TIME);
  const timeFile = join(scratch, 'time-v.txt');
  const command = [process.execPath, ...nodeFlags, join(root, 'bin/digest.js'), ...args];
  const [file, ...argv] = useTime ? [TIME, '-v', '-o', timeFile, ...command] : command;
  const started = performance.now();
  const child = spawn(file!, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let cpuAtMark: number | null = null;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    if (mark && cpuAtMark === null && mark.test(stdout)) cpuAtMark = procCpuSeconds(nodePid(child.pid!, useTime)) ?? -1;
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  // The sender's own high-water mark: GNU time reports the largest of it and its children,
  // and the digest is compiled in a short-lived child process.
  const rss = watchPeakRss(() => nodePid(child.pid!, useTime));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const processMs = performance.now() - started;
      const peakRssKb = rss.stop();
      let peakRssWithChildrenKb: number | null = null;
      let cpuSeconds: number | null = null;
      if (useTime && existsSync(timeFile)) {
        const report = readFileSync(timeFile, 'utf8');
        const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(report)?.[1] ?? NaN);
        peakRssWithChildrenKb = field('Maximum resident set size \\(kbytes\\)') || null;
        const cpu = field('User time \\(seconds\\)') + field('System time \\(seconds\\)');
        cpuSeconds = Number.isFinite(cpu) ? cpu : null;
      }
      resolve({
        code: code ?? 1,
        stdout,
        stderr,
        processMs,
        peakRssKb,
        peakRssWithChildrenKb,
        cpuSeconds,
        cpuAtMark: cpuAtMark === -1 ? null : cpuAtMark,
        rssMethod: 'VmHWM of the sender process, polled every 50 ms',
      });
    });
  });
}
