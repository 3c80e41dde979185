import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { toOneLine } from '../../text/one-line.ts';
import { failingSources } from '../../articles/source-store.ts';
import { type Week, formatWeekRange, resolveWeek, weekOf } from '../../week.ts';
import type { Db } from '../../db/connect.ts';
import type { Config } from '../../config/config.ts';
import type { BuildResult } from '../../digests/build-digest.ts';
import { buildDigest } from '../../digests/build-digest.ts';
import { SAMPLE_RECIPIENT, sampleCopyMeasure } from '../../personalize/sample-copy.ts';
import { draftContent, loadDigestContent } from '../../digests/find-digest.ts';
import { findDigest } from '../../digests/digest-store.ts';
import { type ApprovalStatus, approvalStatus } from '../../digests/approval.ts';
import { listEdits } from '../../digests/edit-store.ts';
import { requeueFailed } from '../../delivery/delivery-store.ts';
import { type SendStatus, describeSend } from '../../delivery/send-status.ts';
import { createProgressReporter } from '../progress.ts';
import { recipientValues } from '../../personalize/recipient-values.ts';
import type { SendProgress, SendSummary } from '../../delivery/send-digest.ts';
import { runWeeklySend, runWorkerSend } from '../../schedule/weekly-job.ts';
import { UserError } from '../../errors.ts';
import type { CompiledDigest } from '../../render/rendered-digest.ts';
import { personalize } from '../../personalize/personalize.ts';
import { type SegmentCompiler, compileInProcess, serveCompileRequest, startChildCompiler, warmUpToolchain } from '../../render/segment-compiler.ts';
import { storedCompiler } from '../../render/stored-segments.ts';
import { HTML_BUDGET_BYTES, formatKb, htmlBytes } from '../../render/size-budget.ts';
import { createConfiguredTransport } from '../../transport/create-transport.ts';
import type { DigestRow } from '../../db/schema.ts';
import { type CliContext, loadCliConfig, withContext } from '../context.ts';
import { forTerminal, plural, printJson } from '../output.ts';
import { failingSourcesJson, printFailingSources } from './sources.ts';
import { countSent } from '../../delivery/delivery-store.ts';
import { countActiveSubscribers } from '../../subscribers/subscriber-store.ts';

const WEEK_HELP = 'ISO week, e.g. 2026-W48 (default: the last completed week)';

/** Prints what a build did; used by `build`, `send` and `demo`. */
export function reportBuild(result: BuildResult): void {
  if (result.outcome === 'empty') {
    console.log(`${result.week.id} (${formatWeekRange(result.week)}) has no articles: no digest built.`);
    return;
  }
  const { digest, content } = result;
  console.log(`digest ${digest.week} ${result.outcome}: ${plural(content.articles.length, 'article')}`);
  console.log(forTerminal(`  subject:   ${digest.subject}`));
  console.log(forTerminal(`  preheader: ${digest.preheader}`));
  if (result.arrived.length > 0) {
    console.log(`  new since the last build: ${plural(result.arrived.length, 'story', 'stories')}`);
    for (const article of result.arrived) console.log(forTerminal(`    + ${toOneLine(article.title)} (${article.category}) ${article.url}`));
  }
  const over = digest.html_bytes > HTML_BUDGET_BYTES;
  console.log(`  HTML size: ${formatKb(digest.html_bytes)} of the ${formatKb(HTML_BUDGET_BYTES)} budget${over ? '' : ' (ok)'}`);
  if (over) {
    console.warn(
      `warning: the HTML is over ${formatKb(HTML_BUDGET_BYTES)}; Gmail clips messages over ~102 KB and hides the unsubscribe link. Move some articles to another week.`,
    );
  }
}

/**
 * The week's digest: the frozen one when built, else built now (with the
 * full digest it compiled, for the send to reuse). Null for a week without articles.
 */
export async function ensureDigest(
  db: Db,
  config: Config,
  week: Week,
  compiler?: SegmentCompiler,
): Promise<{ digest: DigestRow; compiledAll?: CompiledDigest } | null> {
  const existing = await findDigest(db, week.id);
  if (existing) return { digest: existing };
  const result = await buildDigest(db, config, week, sampleCopyMeasure(compiler));
  reportBuild(result);
  return result.outcome === 'empty' ? null : { digest: result.digest, compiledAll: result.compiled };
}

export function printSendSummary(summary: SendSummary, transportDescription: string): void {
  const c = summary.counts;
  if (summary.uncertainFound > 0) {
    console.log(`found ${plural(summary.uncertainFound, 'delivery', 'deliveries')} interrupted mid-send (now uncertain)`);
  }
  console.log(
    `${summary.week}: this run sent ${summary.sent}, deferred ${summary.deferred}, failed ${summary.failed}, skipped ${summary.skipped} via ${transportDescription} in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `  all deliveries: ${c.sent} sent, ${c.pending} pending, ${c.deferred} deferred, ${c.failed} failed, ${c.skipped} skipped, ${c.uncertain} uncertain`,
  );
  if (summary.bounced > 0) console.log(`  ${plural(summary.bounced, 'subscriber')} marked bounced (HARD_BOUNCE_LIMIT reached)`);
  if (summary.finished) console.log(`  the ${summary.week} digest is sent to everyone it can reach.`);
  else if (summary.stopped) console.log('  stopped before the end; run `digest send` again to continue.');
  else if (summary.nextRetryAt && !summary.halted && !summary.serverDownSince)
    console.log(`  deferred deliveries fall due at ${summary.nextRetryAt}; run \`digest send\` again after that (the service retries on its own).`);
}

/**
 * Why a send could not go on, as the error its command exits with (one line,
 * non-zero): a failure that needs a fix, or a server that stayed away. Null
 * when it finished, was stopped, or only waits for retries.
 */
export function unfinishedSendError(summary: SendSummary): UserError | null {
  if (summary.halted) return new UserError(summary.halted, 'ESENDHALTED');
  if (summary.serverDownSince) {
    return new UserError(
      `the SMTP server has been unavailable since ${summary.serverDownSince} (${summary.serverDownReason ?? 'no answer'}); nothing was lost: run \`digest send\` again once it is back`,
      'ESMTPDOWN',
    );
  }
  return null;
}

export function registerDigestCommands(program: Command): void {
  program.command('compile-segments', { hidden: true }).action(compileSegmentsCommand);

  program
    .command('build')
    .description("freeze a week's digest: article list, subject, preheader (refreshes a draft)")
    .option('--week <week>', WEEK_HELP)
    .action(buildCommand);

  program
    .command('render')
    .description('write digest.mjml, digest.html and digest.txt for a sample reader into a folder')
    .option('--week <week>', WEEK_HELP)
    .requiredOption('--out <dir>', 'folder to write into')
    .action(renderCommand);

  program
    .command('send')
    .description("send a week's digest to every active subscriber not yet sent (builds it first if needed)")
    .option('--week <week>', WEEK_HELP)
    .option('--dry-run', 'render and count, send nothing')
    .option('--leave-uncertain', 'do not resend deliveries interrupted by a crash (default: resend them, same Message-ID)')
    .option('--retry-failed', "put the week's failed deliveries back in the queue first")
    .addOption(
      new Option('--worker', 'one of several senders sharing the store (PostgreSQL): claims batches alongside the others, no sender lock').conflicts([
        'dryRun',
        'retryFailed',
      ]),
    )
    .action(sendAction);

  program
    .command('status')
    .description("show a week's digest (deliveries, rate, ETA, errors) and failing sources")
    .option('--week <week>', WEEK_HELP)
    .option('--json', 'print JSON')
    .action(statusCommand);
}

function printDigestStatus(config: Config, week: Week, digest: DigestRow, status: SendStatus): void {
  console.log(`${week.id} (${formatWeekRange(weekOf(week.id, config.timeZone))}): ${digest.status}`);
  console.log(forTerminal(`  subject:    ${digest.subject}`));
  console.log(
    `  built:      ${digest.built_at}${digest.started_at ? `, sending since ${digest.started_at}` : ''}${digest.finished_at ? `, finished ${digest.finished_at}` : ''}`,
  );
  console.log(`  HTML:       ${formatKb(digest.html_bytes)}`);
  console.log(
    `  deliveries: ${Object.entries(status.counts)
      .map(([state, n]) => `${n} ${state}`)
      .join(', ')}`,
  );
  if (status.perMinute > 0)
    console.log(
      `  rate:       ${status.perMinute} sent in the last minute${status.etaSeconds ? `, about ${Math.ceil(status.etaSeconds / 60)} min to go` : ''}`,
    );
  if (status.hourlyResumeAt) console.log(`  paused:     SEND_HOURLY_LIMIT (${config.sendHourlyLimit}/h) reached; sending resumes at ${status.hourlyResumeAt}`);
  if (status.nextRetryAt) console.log(`  next retry: ${status.nextRetryAt}`);
  for (const s of status.senders) console.log(`  sender:     ${s.owner} holds ${plural(s.claimed, 'delivery', 'deliveries')}`);
  for (const e of status.topErrors) console.log(forTerminal(`  error ×${e.count}: ${e.error}`));
  const { complaints, lateBounces } = status.feedback;
  if (complaints + lateBounces > 0) {
    // Gmail asks bulk senders to stay under 0.3 % of spam complaints.
    const rate = status.counts.sent > 0 ? ` (${((complaints / status.counts.sent) * 100).toFixed(2)} % of those sent)` : '';
    console.log(`  feedback:   ${plural(complaints, 'spam complaint')}${rate}, ${plural(lateBounces, 'late bounce')} (digest feedback import)`);
  }
}

/** The approval line of `digest status` (DIGEST_APPROVAL=required only). */
function printApproval(a: ApprovalStatus): void {
  if (a.state === 'automatic') return;
  const review = a.reviewSentAt ? `; review copy sent ${a.reviewSentAt} to ${a.reviewSentTo}` : '';
  const deadline = a.deadline ? `; deadline ${a.deadline}${a.overdue ? ' (passed: held)' : ''}` : '';
  if (a.state === 'approved') console.log(forTerminal(`  approval:   approved by ${a.approvedBy} at ${a.approvedAt}`));
  else if (a.state === 'awaiting approval') console.log(forTerminal(`  approval:   awaiting approval${review}${deadline} (digest approve --week ${a.week})`));
  else console.log(forTerminal(`  approval:   ${a.state}${review}`));
}

async function dryRun(db: Db, config: Config, digest: DigestRow, week: Week): Promise<void> {
  const { renderDigest } = await import('../../personalize/personalize.ts');
  const started = performance.now();
  const rendered = await renderDigest(await loadDigestContent(db, digest, week), config);
  const compileMs = performance.now() - started;
  const active = await countActiveSubscribers(db);
  const sent = await countSent(db, digest.id);
  const sample = personalize(rendered, recipientValues(config, SAMPLE_RECIPIENT));
  console.log(`dry run for ${week.id}: compiled in ${compileMs.toFixed(0)} ms, ${formatKb(htmlBytes(sample.html))} HTML`);
  console.log(`  ${active} active subscribers, ${sent} already sent; nothing was sent.`);
}

interface SendCommandOptions {
  week?: string;
  dryRun?: boolean;
  leaveUncertain?: boolean;
  retryFailed?: boolean;
  worker?: boolean;
}

/** `digest send`: build if needed (not as a worker), then send alone under the lease or as one of several workers. */
async function sendCommand({ db, config }: CliContext, options: SendCommandOptions, compiler: SegmentCompiler): Promise<void> {
  const week = resolveWeek(options.week, new Date(), config.timeZone);
  // Workers build under a lease instead, so that only one of them does.
  const ensured = options.worker ? null : await ensureDigest(db, config, week, compiler);
  const digest = options.worker ? await findDigest(db, week.id) : ensured?.digest;
  if (!digest && !options.worker) return;
  if (digest && options.dryRun) return dryRun(db, config, digest, week);
  if (digest && options.retryFailed) console.log(`re-queued ${plural(await requeueFailed(db, digest.id), 'failed delivery', 'failed deliveries')}`);
  const transport = createConfiguredTransport(config);
  const controller = new AbortController();
  const stop = (signal: string) => {
    if (controller.signal.aborted) process.exit(130);
    console.error(`${signal}: finishing messages in flight, then stopping (again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  try {
    console.log(forTerminal(`sending ${week.id}${digest ? ` "${digest.subject}"` : ''} via ${transport.description}${options.worker ? ' as a worker' : ''}`));
    const progress = createProgressReporter();
    const sendOptions = {
      resendUncertain: !options.leaveUncertain,
      signal: controller.signal,
      onProgress: (p: SendProgress) => progress.update(p),
      compiler,
      compiledAll: ensured?.compiledAll,
    };
    // Alone, under the same lease as `digest serve`: two senders never work on a digest at once.
    // As a worker, alongside the others: claims keep them apart.
    const job = options.worker
      ? await runWorkerSend({ db, config, transport }, week, sendOptions)
      : await runWeeklySend({ db, config, transport }, week, { ...sendOptions, build: false });
    progress.done();
    if (job.outcome === 'busy' && controller.signal.aborted) {
      console.log('stopped while waiting for another worker to build the digest; nothing was sent');
      process.exitCode = 130;
      return;
    }
    if (job.outcome === 'busy') throw new UserError(`another sender is at work (${job.holder}, lease until ${job.until}); try again later`, 'EBUSY');
    if (job.outcome === 'empty') return void (options.worker && console.log(`${job.week} has no articles: nothing to send.`));
    if (job.outcome === 'awaiting-approval') {
      throw new UserError(
        `the digest for ${job.week} awaits approval (DIGEST_APPROVAL=required): approve it with \`digest approve --week ${job.week}\` or in the preview`,
        'EAPPROVAL',
      );
    }
    if (job.built) reportBuild(job.built);
    const summary = job.summary;
    printSendSummary(summary, transport.description);
    if (summary.stopped) process.exitCode = 130;
    const unfinished = unfinishedSendError(summary);
    if (unfinished) throw unfinished;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    await transport.close();
  }
}

/** Internal: `digest send` compiles in a child process through this (see render/segment-compiler.ts). */
async function compileSegmentsCommand(): Promise<void> {
  // The request carries the content: the configuration is all this needs, not the store.
  const config = loadCliConfig();
  // Started before the parent knows what to ask (startChildCompiler): load while it prepares the request.
  const warm = warmUpToolchain();
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  // Let go unused (the store had the digest): stop loading at once, the sender needs the CPU.
  if (!input) process.exit(0);
  await warm;
  process.stdout.write(await serveCompileRequest(config, input));
}

async function buildCommand(options: { week?: string }): Promise<void> {
  await withContext(async ({ db, config }) => {
    // Kept in the store: the send that follows starts without compiling.
    const compiler = storedCompiler(db, compileInProcess);
    reportBuild(await buildDigest(db, config, resolveWeek(options.week, new Date(), config.timeZone), sampleCopyMeasure(compiler)));
  });
}

async function renderCommand(options: { week?: string; out: string }): Promise<void> {
  const { renderDigest } = await import('../../personalize/personalize.ts');
  await withContext(async ({ db, config }) => {
    const week = resolveWeek(options.week, new Date(), config.timeZone);
    const digest = await findDigest(db, week.id);
    const content = digest ? await loadDigestContent(db, digest, week) : await draftContent(db, config, week);
    if (!content) return console.log(`${week.id} has no articles: nothing to render.`);
    const rendered = await renderDigest(content, config);
    const { html, text } = personalize(rendered, recipientValues(config, SAMPLE_RECIPIENT));
    await mkdir(options.out, { recursive: true });
    await writeFile(join(options.out, 'digest.mjml'), rendered.mjml);
    await writeFile(join(options.out, 'digest.html'), html);
    await writeFile(join(options.out, 'digest.txt'), text);
    console.log(
      `${week.id}${digest ? '' : ' (not built yet: current articles)'}: wrote digest.mjml, digest.html (${formatKb(htmlBytes(html))}), digest.txt to ${resolve(options.out)}`,
    );
  });
}

async function sendAction(options: SendCommandOptions): Promise<void> {
  // The sender keeps the template toolchain out of its memory: compiling runs in a child process,
  // the first one started now so that it loads while this one opens the store and plans.
  const compiler = startChildCompiler();
  try {
    // A digest built before (or a send resumed) is usually in the store already: then the warm child can go.
    await withContext((ctx) => sendCommand(ctx, options, storedCompiler(ctx.db, compiler.compile, { onAllStored: () => compiler.close() })));
  } finally {
    compiler.close();
  }
}

async function statusCommand(options: { week?: string; json?: boolean }): Promise<void> {
  await withContext(async ({ db, config }) => {
    const week = resolveWeek(options.week, new Date(), config.timeZone);
    const digest = await findDigest(db, week.id);
    const status = digest ? await describeSend(db, config, digest.id) : null;
    const failing = await failingSources(db);
    const approval = approvalStatus(config, week, digest, await listEdits(db, week.id), new Date());
    if (options.json) return printJson({ week: week.id, digest: digest ?? null, ...(status ?? {}), approval, failedSources: failingSourcesJson(failing) });
    // The sources feed next week's digest: a failing one is news whether or not this week's is built.
    if (!digest || !status) console.log(`${week.id}: no digest built yet (run \`digest build --week ${week.id}\`)`);
    else printDigestStatus(config, week, digest, status);
    printApproval(approval);
    printFailingSources(failing);
  });
}
