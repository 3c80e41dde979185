import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scratchDatabaseUrl } from './store.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A scratch folder with its own database and outbox, removed by `cleanup`. */
export interface Workspace {
  dir: string;
  env: Record<string, string>;
  cleanup(): void;
}

export function createWorkspace(env: Record<string, string> = {}): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'digest-test-'));
  return {
    dir,
    env: {
      DATABASE_URL: scratchDatabaseUrl(dir),
      OUTBOX_DIR: join(dir, 'outbox'),
      APP_SECRET: 'test-secret-0123456789abcdef',
      ...env,
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The environment a CLI child process gets: only what the test sets, plus PATH and HOME. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
}

/** Runs `digest ...args` as a real process from the project root (or another copy of the project). */
export function runCli(args: string[], env: Record<string, string>, root = ROOT): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [join(root, 'bin/digest.js'), ...args], { cwd: root, env: childEnv(env), timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}
