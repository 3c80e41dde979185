import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { importArticles } from '../../articles/import-json.ts';
import { formatWeekRange, lastCompletedWeek, weekContaining } from '../../week.ts';
import type { Db } from '../../db/connect.ts';
import { describeStore } from '../../db/dialect.ts';
import { buildDigest } from '../../digests/build-digest.ts';
import { measureSampleCopy } from '../../personalize/sample-copy.ts';
import type { CompiledDigest } from '../../render/rendered-digest.ts';
import { sendDigest } from '../../delivery/send-digest.ts';
import { UserError } from '../../errors.ts';
import { addSubscriber, findSubscriberByEmail, parseTopics } from '../../subscribers/subscriber-store.ts';
import { createConfiguredTransport } from '../../transport/create-transport.ts';
import { withContext } from '../context.ts';
import { plural } from '../output.ts';
import { printSendSummary, reportBuild, unfinishedSendError } from './digest.ts';
import { hasArticles, hasArticlesOutside } from '../../articles/article-store.ts';
import { digestStatuses, findDigest } from '../../digests/digest-store.ts';
import { wipePublication } from '../../subscribers/subscriber-store.ts';

const SAMPLE_DIR = 'data/sample';
const SAMPLE_HOST = 'https://harmledger.example/';

/**
 * Moves the sample articles by whole weeks so that their newest week becomes
 * the last completed week: the demo always has a fresh "last week" to send.
 */
export function shiftToLastWeek(items: unknown[], now: Date, timeZone: string): { items: unknown[]; weeks: number } {
  const dates = items.map((item) => String((item as { publishedAt?: unknown }).publishedAt));
  const newest = dates.reduce((a, b) => (Date.parse(a) > Date.parse(b) ? a : b));
  const from = weekContaining(new Date(newest), timeZone).start;
  const to = lastCompletedWeek(now, timeZone).start;
  const weeks = Math.round(to.diff(from, 'weeks').weeks);
  const shifted = items.map((item) => {
    const article = item as { publishedAt: string };
    const moved = DateTime.fromISO(article.publishedAt, { zone: timeZone }).plus({ weeks });
    return { ...article, publishedAt: moved.toUTC().toISO() };
  });
  return { items: shifted, weeks };
}

async function startOver(db: Db, outboxDir: string): Promise<void> {
  if (await hasArticlesOutside(db, SAMPLE_HOST)) {
    throw new UserError('--fresh refuses to wipe a database that holds articles other than the sample publication', 'ESTATE');
  }
  const weeks = [...(await digestStatuses(db)).keys()];
  await wipePublication(db);
  for (const week of weeks) await rm(join(outboxDir, week), { recursive: true, force: true });
}

interface CsvSubscriber {
  email: string;
  name: string;
  topics: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description("load the sample publication, build last week's digest and send it (outbox unless SMTP_URL)")
    .option('--fresh', 'start the demo over: delete the sample data and its outbox files first')
    .action(async (options: { fresh?: boolean }) => {
      await withContext(async ({ db, config, migrated }) => {
        const now = new Date();
        console.log(`Demo: ${config.publicationName}, a sample publication tracking the harms and risks of AI`);
        console.log(`- database: ${describeStore(config.databaseUrl)}${migrated.length ? ` (created, ${plural(migrated.length, 'migration')} applied)` : ''}`);
        const hasData = await hasArticles(db);
        if (options.fresh && hasData) {
          await startOver(db, config.outboxDir);
          console.log('- starting over: sample data and its outbox files deleted');
        } else if (hasData) {
          console.log('- reusing the data already there (run `npm run demo -- --fresh` to start over)');
        }

        const [{ readFileText }, { parseArticleSource }] = await Promise.all([
          import('../../articles/fetch-source.ts'),
          import('../../articles/import-feed.ts'),
        ]);
        const samplePath = join(SAMPLE_DIR, 'articles.json');
        const raw = parseArticleSource(await readFileText(samplePath), samplePath, { timeZone: config.timeZone }).items;
        const { items, weeks } = shiftToLastWeek(raw, now, config.timeZone);
        const imported = await importArticles(db, items, now);
        const week = lastCompletedWeek(now, config.timeZone);
        console.log(
          `- articles: ${raw.length} from ${SAMPLE_DIR}/articles.json, dates moved ${weeks} weeks so the newest fall in last week, ${week.id} (${formatWeekRange(week)}); ${imported.created} created, ${imported.updated} updated, ${imported.unchanged} unchanged`,
        );

        const rows = parse(await readFile(join(SAMPLE_DIR, 'subscribers.csv'), 'utf8'), {
          columns: true,
          skip_empty_lines: true,
          trim: true,
        }) as CsvSubscriber[];
        let created = 0;
        for (const row of rows) {
          if (await findSubscriberByEmail(db, row.email)) continue;
          await addSubscriber(db, { email: row.email, name: row.name, topics: parseTopics(row.topics) }, { confirmed: true, now });
          created++;
        }
        console.log(`- subscribers: ${rows.length} in ${SAMPLE_DIR}/subscribers.csv; ${created} added, ${rows.length - created} already there`);

        const existing = await findDigest(db, week.id);
        let digest = existing && existing.status !== 'draft' ? existing : undefined;
        let compiledAll: CompiledDigest | undefined;
        if (digest) {
          console.log(`- digest ${week.id}: already ${digest.status === 'sent' ? 'sent' : 'being sent'}, reusing it`);
        } else {
          const built = await buildDigest(db, config, week, measureSampleCopy, now);
          reportBuild(built);
          if (built.outcome === 'empty') return;
          ({ digest, compiled: compiledAll } = built);
        }

        const transport = createConfiguredTransport(config);
        try {
          const summary = await sendDigest({ db, config, transport }, digest, week, { compiledAll });
          printSendSummary(summary, transport.description);
          if (!config.smtpUrl) {
            console.log(`- the messages are .eml files in ${resolve(config.outboxDir, week.id)}/ (open one in any mail client)`);
          }
          if (summary.sent === 0 && summary.finished) console.log('- nothing new to send: every subscriber already has this digest.');
          const unfinished = unfinishedSendError(summary);
          if (unfinished) throw unfinished;
        } finally {
          await transport.close();
        }
      });
    });
}
