import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    schemaPrefix: string;
  }
}

const url = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function query(text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return await client.query(text);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The PostgreSQL half of the suite: every store a test makes is a schema
 * named with this run's prefix, all dropped at the end. An unreachable server
 * fails the run with one line; it is never skipped silently.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The CLI bundle, built once before any test spawns the CLI: otherwise the first few spawns,
  // started at once by files running side by side, each build it.
  execFileSync(process.execPath, [join(resolve(import.meta.dirname, '..'), 'bin/digest.js'), '--help'], { stdio: 'ignore', timeout: 120_000 });
  const prefix = `wdt_${randomBytes(4).toString('hex')}_`;
  project.provide('schemaPrefix', prefix);
  if (project.name !== 'postgres') return async () => {};
  try {
    await query('select 1');
  } catch (error) {
    const reason = (error as Error).message || (error as { code?: string }).code;
    throw new Error(
      `PostgreSQL at ${url} is unreachable (${reason}); start it (pg_ctlcluster --skip-systemctl-redirect 15 main start) or point TEST_POSTGRES_URL at one`,
    );
  }
  return async () => {
    const { rows } = await query(`select nspname from pg_namespace where nspname like '${prefix}%'`);
    for (const { nspname } of rows as { nspname: string }[]) await query(`drop schema "${nspname}" cascade`);
  };
}
