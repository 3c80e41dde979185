import type { Command } from 'commander';
import { migrateToLatest, openDatabase } from '../../db/connect.ts';
import { COPIED_TABLES, copyStore, sameStore } from '../../db/copy-store.ts';
import { describeStore, isPostgresUrl } from '../../db/dialect.ts';
import { UserError } from '../../errors.ts';
import { withContext } from '../context.ts';
import { plural } from '../output.ts';

/** The same forms DATABASE_URL accepts (src/config/config.ts); anything else would be taken for a file name. */
function checkTargetUrl(url: string): void {
  const valid = isPostgresUrl(url) ? URL.canParse(url) : /^file:./.test(url);
  if (!valid) throw new UserError(`--to must be postgres://user:pass@host:5432/db?schema=name or file:PATH, got "${describeStore(url)}"`, 'EINPUT');
}

export function registerCopyStoreCommand(program: Command): void {
  program
    .command('copy-store')
    .description('copy the store into an empty one, ids kept (e.g. SQLite → PostgreSQL)')
    .requiredOption('--to <DATABASE_URL>', 'the target store, migrated first; must hold no articles, subscribers or digests')
    .addHelpText(
      'after',
      `
Copies articles, subscribers, digests, deliveries, imported feedback reports and the feed sources
from DATABASE_URL with their ids, so delivery history (statuses, attempts, Message-IDs) stays
attached to its digest and subscriber.
One transaction on the target: a failure leaves it as it was. Not copied: leases, send_clock and
send_grants, the state of running senders, compiled_segments, which the next send fills again,
and confirmation_sends, the last day's confirmation emails (the subscribe form's limit).
Stop the service and any sender before copying.`,
    )
    .action(async (options: { to: string }) => {
      await withContext(async ({ db, config }) => {
        checkTargetUrl(options.to);
        const from = describeStore(config.databaseUrl);
        const to = describeStore(options.to);
        if (sameStore(config.databaseUrl, options.to))
          throw new UserError(`--to ${to} is the configured store itself (DATABASE_URL); name another one`, 'EINPUT');
        const started = performance.now();
        const target = openDatabase(options.to);
        try {
          await migrateToLatest(target);
          const counts = await copyStore(db, target);
          console.log(`copied ${from} → ${to}`);
          for (const table of COPIED_TABLES) console.log(`  ${`${table}:`.padEnd(18)}${plural(counts[table], 'row')}`);
          console.log(
            `in ${((performance.now() - started) / 1000).toFixed(1)} s, one transaction; leases, send_clock and send_grants were not copied (running senders' state)`,
          );
        } finally {
          await target.destroy();
        }
      });
    });
}
