/**
 * `npm run bench [-- --subscribers N --concurrency C --compose --json --cpu-prof DIR --keep]`
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
import { type BenchResult, formatReport, side } from './report.ts';
import { measureDigest, mustRunDigest, procCpuSeconds } from './run-ours.ts';
import { composeRawMessage, composedMessages, rawMessages, sendThroughPool } from './run-raw.ts';
import { startSinkProcess } from './sink-client.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WEEK = '2026-W47';
const ARTICLES = 20;
const FROM = 'The Harm Ledger <digest@harmledger.example>';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '5' },
    compose: { type: 'boolean', default: false },
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
const log = (line: string) => console.error(line);
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};
const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
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
  log(`bench: scratch ${dir}, SMTP sink pid ${sink.pid} on 127.0.0.1:${sink.port}`);
  await mustRunDigest(ROOT, ['migrate'], env);
  writeFileSync(join(dir, 'articles.json'), JSON.stringify(benchArticles(ARTICLES), null, 2));
  await mustRunDigest(ROOT, ['articles', 'import', join(dir, 'articles.json')], env);
  insertSubscribers(join(dir, 'bench.db'), N);
  // The dry run builds (freezes) the digest and times one compilation.
  const dry = await mustRunDigest(ROOT, ['send', '--dry-run', '--week', WEEK], env);
  const compileMs = Number(match(dry, /compiled in (\d+) ms/, 'the compile time'));
  const parts = { from: FROM, subject: match(dry, /^\s*subject:\s+(.*)$/m, 'the subject'), html: '', text: '' };
  await mustRunDigest(ROOT, ['render', '--week', WEEK, '--out', join(dir, 'render')], env);
  parts.html = readFileSync(join(dir, 'render/digest.html'), 'utf8');
  parts.text = readFileSync(join(dir, 'render/digest.txt'), 'utf8');

  log(`ours: digest send --week ${WEEK} to ${N} subscribers, SEND_CONCURRENCY=${C}`);
  await sink.reset();
  let sinkCpu = procCpuSeconds(sink.pid);
  const profileDir = args['cpu-prof'] ? resolve(args['cpu-prof']) : undefined;
  const sendEnv = { ...env, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SEND_CONCURRENCY: String(C) };
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const ours = await measureDigest(ROOT, ['send', '--week', WEEK], { env: sendEnv, scratch: dir, nodeFlags, mark: /^sending /m });
  if (ours.code !== 0) throw new Error(`digest send exited with code ${ours.code}:\n${ours.stdout}${ours.stderr}`);
  const oursSent = Number(match(ours.stdout, /this run sent (\d+),/, 'the sent count'));
  const oursMs = Number(match(ours.stdout, /this run sent .* in ([\d.]+) s/, 'the send time')) * 1000;
  const oursSink = await sink.count();
  const oursCpu = { sender: minus(ours.cpuSeconds, ours.cpuAtMark), sink: minus(procCpuSeconds(sink.pid), sinkCpu) };

  log(`raw: ${N} pre-built messages through a nodemailer pool of ${C}`);
  const raw = rawMessages(await composeRawMessage(parts), N);
  await sink.reset();
  sinkCpu = procCpuSeconds(sink.pid);
  let cpu = process.cpuUsage();
  const rawMs = await sendThroughPool(sink.port, raw, C);
  const rawCpu = { sender: cpuSince(cpu), sink: minus(procCpuSeconds(sink.pid), sinkCpu) };
  const rawSink = await sink.count();

  let compose: BenchResult['compose'] = null;
  if (args.compose) {
    log(`compose: ${N} messages composed by nodemailer through a pool of ${C}`);
    const messages = composedMessages(parts, N);
    await sink.reset();
    sinkCpu = procCpuSeconds(sink.pid);
    cpu = process.cpuUsage();
    const composeMs = await sendThroughPool(sink.port, messages, C);
    const composeCpu = { sender: cpuSince(cpu), sink: minus(procCpuSeconds(sink.pid), sinkCpu) };
    compose = side(await sink.count(), composeMs, N, composeCpu);
  }

  const result: BenchResult = {
    date: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
    machine: { nproc: cpus().length, node: process.version, cpu: cpus()[0]?.model ?? '' },
    week: WEEK,
    articles: ARTICLES,
    subscribers: N,
    concurrency: C,
    ours: { ...side(oursSink, oursMs, oursSent, oursCpu), sent: oursSent, processSeconds: ours.processMs / 1000, peakRssMb: ours.peakRssKb / 1024, peakRssWithChildrenMb: ours.peakRssWithChildrenKb === null ? null : ours.peakRssWithChildrenKb / 1024, rssMethod: ours.rssMethod, compileMs },
    raw: side(rawSink, rawMs, N, rawCpu),
    compose,
    ratio: 0,
    verified: oursSent === N && oursSink.count === N && rawSink.count === N && (!compose || compose.sinkCount === N),
  };
  result.ratio = result.raw.msgsPerSec > 0 ? result.ours.msgsPerSec / result.raw.msgsPerSec : 0;
  failed = !result.verified;
  console.log(args.json ? JSON.stringify(result, null, 2) : `\n${formatReport(result)}`);
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
