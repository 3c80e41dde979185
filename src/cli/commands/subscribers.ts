import { type Command, Option } from 'commander';
import type { SubscriberStatus } from '../../db/schema.ts';
import { addSubscriber, listSubscribers, parseTopics, unsubscribe } from '../../subscribers/subscriber-store.ts';
import { withContext } from '../context.ts';
import { printJson, printTable } from '../output.ts';

const STATUSES: SubscriberStatus[] = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'];

export function registerSubscriberCommands(program: Command): void {
  const subscribers = program.command('subscribers').description('add, list and remove subscribers');

  subscribers
    .command('add <email>')
    .description('add an active subscriber (or update the name/topics of one)')
    .option('--name <name>', "the subscriber's name, used in the greeting")
    .option('--topics <list>', 'comma-separated categories to receive (default: all)')
    .action(async (email: string, options: { name?: string; topics?: string }) => {
      await withContext(async ({ db }) => {
        const topics = options.topics === undefined ? undefined : parseTopics(options.topics);
        const { outcome, subscriber } = await addSubscriber(db, { email, name: options.name, topics });
        console.log(`${outcome} ${subscriber.email} (${subscriber.status})`);
      });
    });

  subscribers
    .command('list')
    .description('list subscribers')
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .option('--json', 'print JSON')
    .action(async (options: { status?: SubscriberStatus; json?: boolean }) => {
      await withContext(async ({ db }) => {
        const rows = await listSubscribers(db, options.status);
        if (options.json) return printJson(rows.map((r) => ({ ...r, topics: JSON.parse(r.topics) as string[] })));
        printTable(
          ['ID', 'EMAIL', 'NAME', 'STATUS', 'TOPICS'],
          rows.map((r) => [String(r.id), r.email, r.name, r.status, (JSON.parse(r.topics) as string[]).join(',') || 'all']),
        );
        console.log(`${rows.length} subscribers`);
      });
    });

  subscribers
    .command('remove <email>')
    .description('unsubscribe an address at once (no later digest goes to it)')
    .action(async (email: string) => {
      await withContext(async ({ db }) => {
        const subscriber = await unsubscribe(db, email);
        console.log(`unsubscribed ${subscriber.email}`);
      });
    });
}
