/**
 * `npm run bench [-- --subscribers N --concurrency C --rounds R --cold --compose --json --cpu-prof DIR --node-flags=--max-semi-space-size=2 --keep]`
 * `npm run bench -- --store postgres [--workers 1,2,4] [--plan 1000000 --plan-workers 4 --plan-seconds 60] [--pg-url URL]`
 *
 * Sends one week's digest to N subscribers through `digest send` (or, on
 * PostgreSQL, W `digest send --worker` processes) and, in the same run, N
 * pre-built messages of the same size through a bare nodemailer pool, both to
 * a loopback SMTP sink in its own process. See bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { insertSubscribers } from './fixtures.ts';
import { findProfile, formatSummary } from './profile-summary.ts';
import { type BenchResult, formatReport, side } from './report.ts';
import { measureDigest, procCpuSeconds } from './run-ours.ts';
import { measureBaselines } from './run-raw.ts';
import { ARTICLES, WEEK, benchEnv, digestParts, match, forgetCompiledSegments, prepareStore, resetSend } from './setup.ts';
import { startSinkProcess } from './sink-client.ts';

const ROOT = resolve(import.meta.dirname, '..');

const usage = (message: string): never => {
  console.error(message);
  process.exit(2);
};
const options = {
  subscribers: { type: 'string', default: '20000' },
  concurrency: { type: 'string', default: '5' },
  rounds: { type: 'string', default: '1' },
  compose: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'cpu-prof': { type: 'string' },
  'node-flags': { type: 'string', default: '' },
  keep: { type: 'boolean', default: false },
  cold: { type: 'boolean', default: false },
  store: { type: 'string', default: 'sqlite' },
  workers: { type: 'string' },
  plan: { type: 'string' },
  'plan-workers': { type: 'string', default: '4' },
  'plan-seconds': { type: 'string', default: '60' },
  'pg-url': { type: 'string', default: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
} as const;
let parsed: ReturnType<typeof parseArgs<{ options: typeof options }>>;
try {
  parsed = parseArgs({ options });
} catch (error) {
  usage((error as Error).message);
}
const args = parsed!.values;
const N = Number(args.subscribers);
const C = Number(args.concurrency);
const R = Number(args.rounds);
if (![N, C, R].every((n) => Number.isInteger(n) && n >= 1)) usage('--subscribers, --concurrency and --rounds must be positive integers');
const wholeNumbers = (text: string, what: string, min = 1): number[] => {
  const values = text.split(',').map(Number);
  return values.every((v) => Number.isInteger(v) && v >= min)
    ? values
    : usage(`${what} must be ${min > 0 ? 'positive' : 'non-negative'} integers, got "${text}"`);
};

if (args.store === 'postgres') {
  if (R > 1 || args.cold) usage('--rounds and --cold apply to --store sqlite');
  if (args['cpu-prof'] || args['node-flags'])
    usage('--cpu-prof and --node-flags apply to the single `digest send` of --store sqlite; they are not supported with --store postgres');
  const { runPostgresBench } = await import('./pg-bench.ts');
  process.exit(
    await runPostgresBench({
      root: ROOT,
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      pgUrl: args['pg-url'],
      subscribers: N,
      concurrency: C,
      // --plan on its own measures planning only; --workers (default 1,2,4) runs the send comparison too.
      workers: args.workers !== undefined ? wholeNumbers(args.workers, '--workers') : args.plan !== undefined ? [] : [1, 2, 4],
      plan: args.plan === undefined ? null : wholeNumbers(args.plan, '--plan')[0]!,
      planWorkers: wholeNumbers(args['plan-workers'], '--plan-workers')[0]!,
      planSeconds: wholeNumbers(args['plan-seconds'], '--plan-seconds', 0)[0]!,
      compose: args.compose,
      json: args.json,
      keep: args.keep,
    }),
  );
}
if (args.store !== 'sqlite') usage(`--store must be sqlite or postgres, got "${args.store}"`);
if (R > 1 && args['cpu-prof']) usage('--cpu-prof profiles one round: leave out --rounds');
if (args.workers !== undefined || args.plan !== undefined) {
  usage('--workers and --plan need --store postgres: on SQLite one `digest send` sends alone, under the sender lock');
}

const log = (line: string) => console.error(line);
const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

const dir = mkdtempSync(join(tmpdir(), 'digest-bench-'));
const env = benchEnv(dir, `file:${join(dir, 'bench.db')}`);
const sink = await startSinkProcess(ROOT);
let failed = false;

try {
  log(`bench: scratch ${dir}, SMTP sink pid ${sink.pid} on 127.0.0.1:${sink.port}`);
  await prepareStore(ROOT, dir, env);
  insertSubscribers(join(dir, 'bench.db'), N);
  const { parts, compileMs } = await digestParts(ROOT, dir, env);

  const profileDir = args['cpu-prof'] ? resolve(args['cpu-prof']) : undefined;
  const sendEnv = { ...env, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SEND_CONCURRENCY: String(C) };
  // --node-flags: V8 options for the sender (e.g. the young generation's size, which only a start flag sets).
  const nodeFlags = [...args['node-flags'].split(' ').filter(Boolean), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];

  /** Ours, then raw (and compose), against the same sink: one side-by-side measurement. */
  const measureRound = async (round: number): Promise<BenchResult> => {
    const label = R > 1 ? `round ${round} of ${R}: ` : '';
    if (round > 1) resetSend(join(dir, 'bench.db'));
    // --cold: the send compiles the digest itself, as the first send of a digest nobody built does.
    if (args.cold) forgetCompiledSegments(join(dir, 'bench.db'));
    log(`${label}ours: digest send --week ${WEEK} to ${N} subscribers, SEND_CONCURRENCY=${C}`);
    await sink.reset();
    const sinkCpu = procCpuSeconds(sink.pid);
    const ours = await measureDigest(ROOT, ['send', '--week', WEEK], { env: sendEnv, scratch: dir, nodeFlags, mark: /^sending /m });
    if (ours.code !== 0) throw new Error(`digest send exited with code ${ours.code}:\n${ours.stdout}${ours.stderr}`);
    const oursSent = Number(match(ours.stdout, /this run sent (\d+),/, 'the sent count'));
    const oursMs = Number(match(ours.stdout, /this run sent .* in ([\d.]+) s/, 'the send time')) * 1000;
    const oursSink = await sink.count();
    const oursCpu = { sender: minus(ours.cpuSeconds, ours.cpuAtMark), sink: minus(procCpuSeconds(sink.pid), sinkCpu) };

    const { raw, compose } = await measureBaselines(sink, parts, { count: N, concurrency: C, compose: args.compose, log: (line) => log(label + line) });

    const oursSide = side(oursSink, oursMs, oursSent, oursCpu);
    return {
      date: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
      nodeFlags: args['node-flags'].trim(),
      machine: { nproc: cpus().length, node: process.version, cpu: cpus()[0]?.model ?? '' },
      week: WEEK,
      articles: ARTICLES,
      subscribers: N,
      concurrency: C,
      ours: {
        ...oursSide,
        cold: args.cold,
        sent: oursSent,
        processSeconds: ours.processMs / 1000,
        peakRssMb: ours.peakRssKb / 1024,
        peakRssWithChildrenMb: ours.peakRssWithChildrenKb === null ? null : ours.peakRssWithChildrenKb / 1024,
        rssMethod: ours.rssMethod,
        compileMs,
      },
      raw,
      compose,
      ratio: raw.msgsPerSec > 0 ? oursSide.msgsPerSec / raw.msgsPerSec : 0,
      wholeCommandRatio: ours.processMs > 0 ? (raw.sendSeconds * 1000) / ours.processMs : 0,
      rounds: [],
      verified: oursSent === N && oursSink.count === N && raw.sinkCount === N && (!compose || compose.sinkCount === N),
    };
  };
  const results: BenchResult[] = [];
  for (let round = 1; round <= R; round++) results.push(await measureRound(round));
  // The machine is shared and noisy: with several rounds, the round with the median ratio stands for the run.
  const result = [...results].sort((a, b) => a.ratio - b.ratio)[Math.floor((results.length - 1) / 2)]!;
  result.rounds = results.map((r) => ({ ours: r.ours.msgsPerSec, raw: r.raw.msgsPerSec, ratio: r.ratio, wholeCommandRatio: r.wholeCommandRatio }));
  const whole = results.map((r) => r.wholeCommandRatio).sort((a, b) => a - b);
  result.wholeCommandRatio = whole[Math.floor((whole.length - 1) / 2)]!;
  result.verified = results.every((r) => r.verified);
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
