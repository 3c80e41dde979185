import { type Config, loadConfig, loadDotEnv } from '../config/config.ts';
import { type Db, migrateToLatest, openDatabase } from '../db/connect.ts';

/** What every command works with: the config and a migrated store. */
export interface CliContext {
  config: Config;
  db: Db;
  /** Migrations applied by this start (usually none). */
  migrated: string[];
}

/** Loads `.env` and the environment; a bad value stops here, before anything is touched. */
export function loadCliConfig(): Config {
  loadDotEnv();
  return loadConfig();
}

/** The configuration (loadCliConfig), then the store opened and pending migrations run. */
export async function openContext(): Promise<CliContext> {
  const config = loadCliConfig();
  const db = openDatabase(config.databaseUrl);
  try {
    const migrated = await migrateToLatest(db);
    return { config, db, migrated };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** Runs `action` with a context and always closes the store. */
export async function withContext<T>(action: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = await openContext();
  try {
    return await action(ctx);
  } finally {
    await ctx.db.destroy();
  }
}
