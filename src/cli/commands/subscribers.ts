import { type Command, Option } from 'commander';
import { readFileText } from '../../articles/fetch-source.ts';
import { type Config, durationMs } from '../../config/config.ts';
import type { SubscriberRow, SubscriberStatus } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { subscribersToCsv } from '../../subscribers/export-csv.ts';
import { forgetSubscriber } from '../../subscribers/subscriber-store.ts';
import { importSubscribersCsv } from '../../subscribers/import-csv.ts';
import { bouncedSince, reactivateBounced } from '../../subscribers/bounce-store.ts';
import { sendConfirmationEmail } from '../../subscribers/notices.ts';
import { addSubscriber, listSubscribers, parseTopics, subscriberTopics, unsubscribe } from '../../subscribers/subscriber-store.ts';
import { createConfiguredTransport } from '../../transport/create-transport.ts';
import { withContext } from '../context.ts';
import { forTerminal, plural, printJson, printTable } from '../output.ts';

const STATUSES: SubscriberStatus[] = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'];

/** Sends the double opt-in email to each; returns how many went out (failures are reported, not fatal). */
async function sendConfirmations(config: Config, subscribers: SubscriberRow[]): Promise<number> {
  if (subscribers.length === 0) return 0;
  const transport = createConfiguredTransport(config);
  let sent = 0;
  try {
    for (const subscriber of subscribers) {
      try {
        await sendConfirmationEmail(config, transport, subscriber);
        sent++;
      } catch (error) {
        console.error(forTerminal(`could not send the confirmation email to ${subscriber.email}: ${(error as Error).message}`));
      }
    }
  } finally {
    await transport.close();
  }
  return sent;
}

/** `--bounced-since`: an ISO date or time, or a duration ago with its unit (`90m`, `6h`, `2d`, as CATCHUP_WINDOW reads them). */
export function parseSince(value: string, now: Date): Date {
  const ago = /[smhd]$/.test(value.trim()) ? durationMs(value) : null;
  if (ago !== null) return new Date(now.getTime() - ago);
  const at = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim()) ? new Date(value.trim()) : null;
  if (!at || Number.isNaN(at.getTime())) {
    throw new UserError(`--bounced-since must be a time (2026-12-01, 2026-12-01T08:00Z) or how long ago (90m, 6h, 2d), got "${value}"`, 'EINPUT');
  }
  return at;
}

export function registerSubscriberCommands(program: Command): void {
  const subscribers = program.command('subscribers').description('add, import, export, list and remove subscribers');

  subscribers
    .command('add <email>')
    .description('add a subscriber: pending with a confirmation email, or active with --confirmed')
    .option('--name <name>', "the subscriber's name, used in the greeting")
    .option('--topics <list>', 'comma-separated categories to receive (default: all)')
    .option('--confirmed', 'the person already gave consent: active at once, no confirmation email')
    .action(addSubscriberCommand);

  subscribers
    .command('import <file.csv>')
    .description('import subscribers from CSV (email,name,topics); bad lines reported, the rest imported in one transaction')
    .option('--confirmed', 'the people already gave consent: active at once, no confirmation emails')
    .action(importSubscribersCommand);

  subscribers
    .command('export')
    .description('print subscribers as CSV')
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .action(exportSubscribersCommand);

  subscribers
    .command('list')
    .description('list subscribers')
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .option('--json', 'print JSON')
    .action(listSubscribersCommand);

  subscribers
    .command('reactivate')
    .description('undo a mistaken mass bounce: make subscribers bounced since a time active again (--dry-run lists them)')
    .requiredOption('--bounced-since <time>', 'a time (2026-12-01, 2026-12-01T08:00Z) or how long ago (90m, 6h, 2d)')
    .option('--dry-run', 'list who would be reactivated, change nothing')
    .action(reactivateSubscribersCommand);

  subscribers
    .command('remove <email>')
    .description('unsubscribe an address at once; with --forget, erase the person (anonymous delivery counts stay)')
    .option('--forget', 'erase the subscriber and every personal trace in delivery records')
    .action(removeSubscriberCommand);
}

async function addSubscriberCommand(email: string, options: { name?: string; topics?: string; confirmed?: boolean }): Promise<void> {
  await withContext(async ({ db, config }) => {
    const topics = options.topics === undefined ? undefined : parseTopics(options.topics);
    const { outcome, subscriber } = await addSubscriber(db, { email, name: options.name, topics }, { confirmed: Boolean(options.confirmed) });
    console.log(forTerminal(`${outcome} ${subscriber.email} (${subscriber.status})`));
    if (subscriber.status === 'pending' && (await sendConfirmations(config, [subscriber])) === 1) {
      console.log(forTerminal(`confirmation email sent to ${subscriber.email}`));
    }
  });
}

async function importSubscribersCommand(file: string, options: { confirmed?: boolean }): Promise<void> {
  const text = await readFileText(file);
  await withContext(async ({ db, config }) => {
    const result = await importSubscribersCsv(db, text, { confirmed: Boolean(options.confirmed) });
    for (const r of result.rejected) console.error(forTerminal(`line ${r.line}: ${r.reason}`));
    for (const s of result.skipped) console.error(forTerminal(`line ${s.line}: skipped: ${s.reason}`));
    console.log(`subscribers: ${result.created} created, ${result.updated} updated, ${result.skipped.length} skipped, ${result.rejected.length} rejected`);
    const confirmations = await sendConfirmations(config, result.pending);
    if (result.pending.length > 0) console.log(`${plural(confirmations, 'confirmation email')} sent; the new subscribers are pending until they confirm`);
    if (result.rejected.length > 0) process.exitCode = 1;
  });
}

async function exportSubscribersCommand(options: { status?: SubscriberStatus }): Promise<void> {
  await withContext(async ({ db }) => {
    process.stdout.write(subscribersToCsv(await listSubscribers(db, options.status)));
  });
}

async function listSubscribersCommand(options: { status?: SubscriberStatus; json?: boolean }): Promise<void> {
  await withContext(async ({ db }) => {
    const rows = await listSubscribers(db, options.status);
    if (options.json) return printJson(rows.map((r) => ({ ...r, topics: subscriberTopics(r) })));
    printTable(
      ['ID', 'EMAIL', 'NAME', 'STATUS', 'TOPICS'],
      rows.map((r) => [String(r.id), r.email, r.name, r.status, subscriberTopics(r).join(',') || 'all']),
    );
    console.log(`${rows.length} subscribers`);
  });
}

async function reactivateSubscribersCommand(options: { bouncedSince: string; dryRun?: boolean }): Promise<void> {
  const since = parseSince(options.bouncedSince, new Date());
  await withContext(async ({ db }) => {
    const bounced = await bouncedSince(db, since);
    if (bounced.length === 0) return console.log(`no subscriber has bounced since ${since.toISOString()}`);
    printTable(
      ['EMAIL', 'BOUNCED AT', 'BOUNCES', 'LAST ERROR'],
      bounced.map((b) => [b.email, b.bouncedAt, String(b.bounceCount), (b.lastError ?? '').slice(0, 100)]),
    );
    if (options.dryRun)
      return console.log(`dry run: would reactivate ${plural(bounced.length, 'subscriber')} bounced since ${since.toISOString()}; nothing changed`);
    const { reactivated, weeks } = await reactivateBounced(
      db,
      bounced.map((b) => b.id),
    );
    console.log(`reactivated ${plural(reactivated, 'subscriber')} bounced since ${since.toISOString()} (active again, bounce counts reset)`);
    for (const week of weeks) console.log(`  they have failed deliveries in ${week}: \`digest send --week ${week} --retry-failed\` sends them that digest`);
  });
}

async function removeSubscriberCommand(email: string, options: { forget?: boolean }): Promise<void> {
  await withContext(async ({ db }) => {
    if (options.forget) {
      const forgotten = await forgetSubscriber(db, email);
      return console.log(forTerminal(`erased ${forgotten.email}; ${plural(forgotten.deliveries, 'delivery record')} kept without personal data`));
    }
    const subscriber = await unsubscribe(db, email);
    console.log(forTerminal(`unsubscribed ${subscriber.email}`));
  });
}
