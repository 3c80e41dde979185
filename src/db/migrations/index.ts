import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.ts';
import * as m002 from './002-open-deliveries-index.ts';
import * as m003 from './003-workers.ts';
import * as m004 from './004-compiled-segments.ts';
import * as m005 from './005-feedback-reports.ts';
import * as m006 from './006-confirmation-sends.ts';
import * as m007 from './007-article-identity.ts';
import * as m008 from './008-sources.ts';
import * as m009 from './009-digest-edits.ts';

/**
 * Migrations are listed here rather than read from the folder, so they work the
 * same under tsx, vitest and a bundler. Names sort in order; never rename one.
 */
const migrations: Record<string, Migration> = {
  '001-initial': m001,
  '002-open-deliveries-index': m002,
  '003-workers': m003,
  '004-compiled-segments': m004,
  '005-feedback-reports': m005,
  '006-confirmation-sends': m006,
  '007-article-identity': m007,
  '008-sources': m008,
  '009-digest-edits': m009,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
