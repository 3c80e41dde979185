import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchArticles } from './fixtures.ts';
import type { MessageParts } from './run-raw.ts';
import { mustRunDigest } from './run-ours.ts';

export const WEEK = '2026-W47';
export const ARTICLES = 20;
const FROM = 'The Harm Ledger <digest@harmledger.example>';

/** The first group of `re` in `text`; a bench that cannot read the CLI's output must stop. */
export function match(text: string, re: RegExp, what: string): string {
  const m = re.exec(text);
  if (!m) throw new Error(`could not find ${what} in:\n${text}`);
  return m[1]!;
}

/**
 * The environment of every `digest` child: the store, a scratch outbox and
 * secret, and none of the caller's mail settings (SEND_RATE would throttle
 * the send, SEND_BATCH_SIZE and NODE_OPTIONS would change what is measured).
 */
export function benchEnv(scratch: string, databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    OUTBOX_DIR: join(scratch, 'outbox'),
    APP_SECRET: 'bench-secret-0123456789',
    LOG_LEVEL: 'warn',
  };
  for (const name of [
    'SMTP_URL',
    'SEND_RATE',
    'SEND_HOURLY_LIMIT',
    'SEND_BATCH_SIZE',
    'DKIM_DOMAIN',
    'DKIM_SELECTOR',
    'DKIM_PRIVATE_KEY_FILE',
    'MAIL_FROM',
    'MAIL_REPLY_TO',
    'NODE_OPTIONS',
  ])
    delete env[name];
  return env;
}

/** `digest migrate` and the import of the bench's articles for WEEK: a store ready for subscribers. */
export async function prepareStore(root: string, scratch: string, env: NodeJS.ProcessEnv): Promise<void> {
  await mustRunDigest(root, ['migrate'], env);
  const articles = join(scratch, 'articles.json');
  writeFileSync(articles, JSON.stringify(benchArticles(ARTICLES), null, 2));
  await mustRunDigest(root, ['articles', 'import', articles], env);
}

/**
 * Builds (freezes) the digest with `send --dry-run`, which also times one
 * compilation, and renders it for a sample reader: the bytes the raw side
 * sends.
 */
export async function digestParts(root: string, scratch: string, env: NodeJS.ProcessEnv): Promise<{ parts: MessageParts; compileMs: number }> {
  const dry = await mustRunDigest(root, ['send', '--dry-run', '--week', WEEK], env);
  const compileMs = Number(match(dry, /compiled in (\d+) ms/, 'the compile time'));
  await mustRunDigest(root, ['render', '--week', WEEK, '--out', join(scratch, 'render')], env);
  return {
    parts: {
      from: FROM,
      subject: match(dry, /^\s*subject:\s+(.*)$/m, 'the subject'),
      html: readFileSync(join(scratch, 'render/digest.html'), 'utf8'),
      text: readFileSync(join(scratch, 'render/digest.txt'), 'utf8'),
    },
    compileMs,
  };
}

/** Runs `statements` on the bench's SQLite store, outside any `digest` process. */
function execOn(dbPath: string, statements: string): void {
  const db = new Database(dbPath);
  try {
    db.exec(statements);
  } finally {
    db.close();
  }
}

/** Deletes the compiled digest `send --dry-run` kept in the store (--cold). */
export const forgetCompiledSegments = (dbPath: string) => execOn(dbPath, 'delete from compiled_segments');

/** Puts the built digest back as it was before its send: no deliveries, still a draft (for the next --rounds). */
export const resetSend = (dbPath: string) =>
  execOn(
    dbPath,
    "delete from deliveries; update digests set status = 'draft', started_at = null, finished_at = null; delete from leases; delete from send_grants",
  );
