import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkspace, runCli } from './helpers/cli.ts';
import { copyProject } from './helpers/project-copy.ts';

const project = copyProject();
const ws = createWorkspace();
afterAll(() => {
  ws.cleanup();
  project.cleanup();
});

/**
 * A `digest send` with nothing left to send (run again after the week went
 * out) compiles nothing: proven by a template made to throw in between,
 * which any compile would trip over.
 */
describe('digest send with nothing to send', () => {
  it('finishes without compiling', { timeout: 120_000 }, async () => {
    const cli = (args: string[]) => runCli(args, ws.env, project.dir);
    expect((await cli(['articles', 'import', 'data/sample/articles.json'])).code).toBe(0);
    expect((await cli(['subscribers', 'add', 'reader@example.com', '--confirmed'])).code).toBe(0);
    expect((await cli(['send', '--week', '2026-W47'])).stdout).toContain('this run sent 1');

    const template = join(project.dir, 'emails/weekly-digest.tsx');
    const source = readFileSync(template, 'utf8');
    const opening = 'export default function WeeklyDigest(given: WeeklyDigestProps) {';
    expect(source).toContain(opening);
    writeFileSync(template, source.replace(opening, `${opening}\n  throw new Error('this template was compiled');`));
    const again = await cli(['send', '--week', '2026-W47']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('this run sent 0');
    expect(again.stdout).toContain('1 sent, 0 pending');
  });
});
