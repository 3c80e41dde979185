/**
 * `npm run bench [-- --subscribers N --concurrency C --json --cpu-prof DIR --keep]`
 *
 * Sends one week's digest to N subscribers through `digest send` and, in the
 * same run, N pre-built messages of the same size through a bare nodemailer
 * pool, both to a loopback SMTP sink in its own process. See bench/README.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchArticles, insertSubscribers } from './fixtures.ts';
import { findProfile, formatSummary } from './profile-summary.ts';
import { measureDigest, mustRunDigest } from './run-ours.ts';
import { composeRawMessage, sendRaw } from './run-raw.ts';
import { type SinkCount, startSinkProcess } from './sink-client.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WEEK = '2026-W47';
const FROM = 'The Harm Ledger <digest@harmledger.example>';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.subscribers);
const C = Number(args.concurrency);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(C) || C < 1) {
  console.error('--subscribers and --concurrency must be positive integers');
  process.exit(2);
}

const log = (line: string) => {
  if (!args.json) console.error(line);
};
const rate = (count: number, ms: number) => (ms > 0 ? (count * 1000) / ms : 0);
/** Messages per second between the first and the last message the sink accepted. */
const sinkRate = (c: SinkCount) => (c.count > 1 && c.lastAt > c.firstAt ? ((c.count - 1) * 1000) / (c.lastAt - c.firstAt) : 0);
const match = (text: string, re: RegExp, what: string): string => {
  const m = re.exec(text);
  if (!m) throw new Error(`could not find ${what} in:\n${text}`);
  return m[1]!;
};

const dir = mkdtempSync(join(tmpdir(), 'digest-bench-'));
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${join(dir, 'bench.db')}`, OUTBOX_DIR: join(dir, 'outbox'), APP_SECRET: 'bench-secret-0123456789', LOG_LEVEL: 'warn' };
for (const name of ['SMTP_URL', 'SEND_RATE', 'SEND_HOURLY_LIMIT', 'DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY_FILE', 'MAIL_FROM', 'MAIL_REPLY_TO', 'NODE_OPTIONS']) delete env[name];
const sink = await startSinkProcess(ROOT);
let failed = false;

try {
  log(`bench: ${dir}, sink pid ${sink.pid} on port ${sink.port}`);
  await mustRunDigest(ROOT, ['migrate'], env);
  writeFileSync(join(dir, 'articles.json'), JSON.stringify(benchArticles(20), null, 2));
  await mustRunDigest(ROOT, ['articles', 'import', join(dir, 'articles.json')], env);
  insertSubscribers(join(dir, 'bench.db'), N);
  // The dry run builds (freezes) the digest and times one compilation.
  const dry = await mustRunDigest(ROOT, ['send', '--dry-run', '--week', WEEK], env);
  const compileMs = Number(match(dry, /compiled in (\d+) ms/, 'the compile time'));
  const subject = match(dry, /^\s*subject:\s+(.*)$/m, 'the subject');
  await mustRunDigest(ROOT, ['render', '--week', WEEK, '--out', join(dir, 'render')], env);
  const html = readFileSync(join(dir, 'render/digest.html'), 'utf8');
  const text = readFileSync(join(dir, 'render/digest.txt'), 'utf8');

  // 1. Our pipeline: `digest send` as its own process.
  log(`ours: digest send --week ${WEEK} to ${N} subscribers, SEND_CONCURRENCY=${C}`);
  await sink.reset();
  const profileDir = args['cpu-prof'] ? resolve(args['cpu-prof']) : undefined;
  const sendEnv = { ...env, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SEND_CONCURRENCY: String(C) };
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const ours = await measureDigest(ROOT, ['send', '--week', WEEK], sendEnv, dir, nodeFlags);
  if (ours.code !== 0) throw new Error(`digest send exited with code ${ours.code}:\n${ours.stdout}${ours.stderr}`);
  const oursSent = Number(match(ours.stdout, /this run sent (\d+),/, 'the sent count'));
  const oursMs = Number(match(ours.stdout, /this run sent .* in ([\d.]+) s/, 'the send time')) * 1000;
  const oursSink = await sink.count();

  // 2. The raw wire limit: the same bytes, pre-built, through a bare pool.
  log(`raw: ${N} pre-built messages through a nodemailer pool of ${C}`);
  const raw = await composeRawMessage({ from: FROM, subject, html, text });
  await sink.reset();
  const rawMs = await sendRaw(sink.port, raw, N, C);
  const rawSink = await sink.count();

  const oursRate = rate(oursSent, oursMs);
  const rawRate = rate(N, rawMs);
  const result = {
    date: new Date().toISOString(),
    machine: { nproc: cpus().length, node: process.version, cpu: cpus()[0]?.model ?? '' },
    week: WEEK,
    articles: 20,
    subscribers: N,
    concurrency: C,
    ours: {
      sent: oursSent,
      sinkCount: oursSink.count,
      sendSeconds: oursMs / 1000,
      processSeconds: ours.processMs / 1000,
      msgsPerSec: oursRate,
      sinkMsgsPerSec: sinkRate(oursSink),
      avgMessageBytes: oursSink.count ? Math.round(oursSink.bytes / oursSink.count) : 0,
      peakRssMb: ours.peakRssKb / 1024,
      rssMethod: ours.rssMethod,
      compileMs,
    },
    raw: {
      sinkCount: rawSink.count,
      sendSeconds: rawMs / 1000,
      msgsPerSec: rawRate,
      sinkMsgsPerSec: sinkRate(rawSink),
      avgMessageBytes: rawSink.count ? Math.round(rawSink.bytes / rawSink.count) : 0,
    },
    ratio: rawRate > 0 ? oursRate / rawRate : 0,
    verified: oursSent === N && oursSink.count === N && rawSink.count === N,
  };
  failed = !result.verified;

  if (args.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const f0 = (x: number) => x.toFixed(0);
    const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
    console.log(`\nweek ${WEEK}, 20 articles, ${N} subscribers, concurrency ${C}; ${result.machine.nproc} CPUs, node ${process.version}\n`);
    console.log(row(['', 'ours (digest send)', 'raw (nodemailer pool)', 'ours/raw']));
    console.log(row(['---', '---:', '---:', '---:']));
    console.log(row(['messages at the sink', `${oursSink.count} of ${N}`, `${rawSink.count} of ${N}`, '']));
    console.log(row(['send time', `${(oursMs / 1000).toFixed(1)} s`, `${(rawMs / 1000).toFixed(2)} s`, '']));
    console.log(row(['**msgs/s**', `**${f0(oursRate)}**`, `**${f0(rawRate)}**`, `**${result.ratio.toFixed(2)}**`]));
    console.log(row(['msgs/s at the sink, first→last', f0(result.ours.sinkMsgsPerSec), f0(result.raw.sinkMsgsPerSec), (result.ours.sinkMsgsPerSec / (result.raw.sinkMsgsPerSec || 1)).toFixed(2)]));
    console.log(row(['avg message size', `${(result.ours.avgMessageBytes / 1024).toFixed(1)} KB`, `${(result.raw.avgMessageBytes / 1024).toFixed(1)} KB`, '']));
    console.log(row(['peak RSS', `${result.ours.peakRssMb.toFixed(0)} MB`, '—', '']));
    console.log(
      `\nours: "send time" is the CLI's own figure (render + plan ${N} deliveries + send, 0.1 s resolution); the whole process took ${(ours.processMs / 1000).toFixed(1)} s with startup and migrations.` +
        `\none compilation (React → MJML → HTML + text) takes ${compileMs} ms (dry run); peak RSS by ${ours.rssMethod}.` +
        `\nraw: the same message bytes composed once before timing, sent with { envelope, raw }; no DB, no personalisation, no MIME building.`,
    );
    if (!result.verified) console.log(`\nFAILED: expected ${N} messages from each side (ours sent ${oursSent}).`);
    if (result.ratio < 0.8) console.log(`\nour pipeline reaches ${(result.ratio * 100).toFixed(0)}% of the raw rate (below 80%); run with --cpu-prof DIR to see where the time goes.`);
  }
  if (profileDir) log(`\n${formatSummary(findProfile(profileDir), 25)}`);
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? error.message : String(error));
} finally {
  await sink.stop();
  if (args.keep) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
