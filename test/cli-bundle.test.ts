import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, childEnv } from './helpers/cli.ts';
import { copyProject } from './helpers/project-copy.ts';
import { waitFor } from './helpers/serve.ts';

const cache = join(ROOT, 'node_modules/.cache/weekly-digest');
const tag = randomBytes(4).toString('hex');
const running = join(cache, `cli-test-running-${tag}`);
const idle = join(cache, `cli-test-idle-${tag}`);
const project = copyProject();
afterAll(() => {
  rmSync(running, { recursive: true, force: true });
  rmSync(idle, { recursive: true, force: true });
  project.cleanup();
});

/** A bundle folder last built two days ago, marked as run by `pid`. */
function oldBundle(dir: string, pid: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.js'), '');
  writeFileSync(join(dir, `.in-use-${pid}`), '');
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
  utimesSync(dir, twoDaysAgo, twoDaysAgo);
}

describe('bin/digest.js bundle cache', () => {
  it('prunes old bundles, except one a live process still runs (a long-running serve loads parts of it later)', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid!; // a process that has exited
    oldBundle(running, process.pid); // this test process stands for the serve
    oldBundle(idle, gone);
    // The copy's sources are new to the cache: its first command builds a bundle, then prunes.
    // `compile-segments` waits for its request on stdin: a process that runs for as long as we like.
    const command = spawn(process.execPath, [join(project.dir, 'bin/digest.js'), 'compile-segments'], {
      cwd: project.dir,
      env: childEnv({}),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const exited = new Promise((resolve) => command.on('exit', resolve));
    const marks = () => readdirSync(cache).filter((name) => existsSync(join(cache, name, `.in-use-${command.pid}`)));
    await waitFor(() => marks().length === 1, 30_000, 'the running command to mark its bundle');
    expect(existsSync(running)).toBe(true);
    expect(existsSync(idle)).toBe(false);
    command.stdin.end();
    expect(await exited).toBe(0);
    // The mark goes with the process.
    expect(marks()).toEqual([]);
  });
});
