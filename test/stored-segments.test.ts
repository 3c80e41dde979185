import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Workspace, createWorkspace, runCli } from './helpers/cli.ts';
import { copyProject } from './helpers/project-copy.ts';
import { openTestDb } from './helpers/store.ts';

/**
 * `digest build` keeps the compiled digest in the store and `digest send`
 * starts from it; a new release compiles again. Run in a copy of the
 * project, whose templates this test edits.
 */
describe('compiled segments kept in the store', () => {
  let project: ReturnType<typeof copyProject>;
  let ws: Workspace;
  const cli = async (...args: string[]) => {
    const result = await runCli(args, ws.env, project.dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout;
  };
  /** Stands for the compile: marks the copy the store holds, so a message shows whether it was made from it. */
  const markStoredCopy = async (week: string) => {
    const db = await openTestDb(ws.env.DATABASE_URL!);
    try {
      const result = await sql`update compiled_segments set compiled = replace(compiled, 'The Harm Ledger', 'The Stored Ledger') where week = ${week}`.execute(
        db,
      );
      expect(Number(result.numAffectedRows)).toBe(1);
    } finally {
      await db.destroy();
    }
  };
  /** Whether the message holds `text`, as a boolean: a failure then prints one line, not the whole email. */
  const holds = (part: string, text: string) => part.includes(text);
  const sentHtml = async (week: string) => {
    const [file] = readdirSync(join(ws.dir, 'outbox', week));
    const parsed = await simpleParser(readFileSync(join(ws.dir, 'outbox', week, file!)));
    return { html: String(parsed.html), text: parsed.text ?? '' };
  };

  beforeAll(async () => {
    project = copyProject();
    ws = createWorkspace();
    await cli('articles', 'import', 'data/sample/articles.json');
    await cli('subscribers', 'add', 'reader@example.org', '--confirmed');
  });
  afterAll(() => {
    ws?.cleanup();
    project?.cleanup();
  });

  it('sends what `digest build` compiled, without compiling again', async () => {
    await cli('build', '--week', '2026-W42');
    await markStoredCopy('2026-W42');
    await cli('send', '--week', '2026-W42');
    const { html, text } = await sentHtml('2026-W42');
    expect(holds(html, 'The Stored Ledger'), 'HTML made from the stored compile').toBe(true);
    expect(holds(text, 'The Stored Ledger'), 'text made from the stored compile').toBe(true);
  });

  it('compiles again after the templates changed (a new release)', async () => {
    await cli('build', '--week', '2026-W43');
    await markStoredCopy('2026-W43');
    const footer = join(project.dir, 'emails/components/footer.tsx');
    writeFileSync(footer, readFileSync(footer, 'utf8').replace('No tracking pixels, no click tracking', 'No tracking pixels at all, no click tracking'));
    await cli('send', '--week', '2026-W43');
    const { html } = await sentHtml('2026-W43');
    expect(holds(html, 'No tracking pixels at all'), 'the changed template').toBe(true);
    expect(holds(html, 'The Stored Ledger'), 'the stale stored compile').toBe(false);
  });
});
