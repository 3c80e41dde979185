import type { SideResult } from './report.ts';

/** W `digest send --worker` processes on one fresh store, started together (on SQLite: one `digest send`). */
export interface WorkersRow {
  store: 'sqlite' | 'postgres';
  workers: number;
  /** From spawning the workers to the exit of the last one: start-up, migrations, build, planning and sending. */
  wallSeconds: number;
  /** subscribers ÷ wallSeconds. */
  msgsPerSec: number;
  /** msgsPerSec ÷ the raw side's msgs/s. */
  ratio: number;
  sinkCount: number;
  sinkMsgsPerSec: number;
  /** From spawning to the first message at the sink. */
  firstMessageSeconds: number | null;
  /** Each worker's own "this run sent N" and "in X s" (null: it printed no such line). */
  sent: (number | null)[];
  sendSeconds: (number | null)[];
  peakRssMb: number[];
  exitCodes: (number | null)[];
  /** Every worker exited 0, their sent counts add up to the subscribers, and the sink received exactly that many. */
  verified: boolean;
  failures: string[];
}

export interface PlanResult {
  subscribers: number;
  seedSeconds: number;
  /** Rows the first planDeliveries created, and how long it took. */
  planned: number;
  planSeconds: number;
  /** Deliveries by status after planning. */
  byStatus: Record<string, number>;
  /** The same call again with every row there (what each later worker runs), which creates none. */
  replanned: number;
  replanSeconds: number;
  /** Workers sending from that store for a fixed time (null: not run). */
  send: {
    workers: number;
    /** SIGTERM this long after the first message reached the sink. */
    sendSeconds: number;
    wallSeconds: number;
    sinkCount: number;
    firstMessageSeconds: number | null;
    sinkMsgsPerSec: number;
    /** When the deliveries table was last vacuumed and analyzed, in seconds after the start (null: not during the run). */
    deliveriesMaintenance: { vacuumed: number | null; analyzed: number | null };
    sent: (number | null)[];
    exitCodes: (number | null)[];
    peakRssMb: number[];
    failures: string[];
  } | null;
}

export interface PgBenchResult {
  date: string;
  command: string;
  machine: { nproc: number; node: string; cpu: string; loadAverage: number };
  /** HEAD, and whether src/ had uncommitted changes: the CLI bundles src/ as it is when each process starts. */
  code: string;
  week: string;
  articles: number;
  subscribers: number;
  /** SEND_CONCURRENCY of each worker, and the raw pool's connections. */
  concurrency: number;
  compileMs: number | null;
  runs: WorkersRow[];
  raw: SideResult | null;
  compose: SideResult | null;
  plan: PlanResult | null;
  verified: boolean;
}

const mb = (values: number[]) => values.map((v) => v.toFixed(0)).join(' / ');
const counts = (values: (number | null)[]) => values.map((v) => v ?? '—').join(' + ');
const when = (seconds: number | null) => (seconds === null ? 'never' : `${seconds.toFixed(0)} s after the start`);

/** What does not add up in the planning run: every subscriber planned once, none the second time, each message the workers counted at the sink. */
export function planProblems(plan: PlanResult): string[] {
  const problems = [];
  if (plan.planned !== plan.subscribers) problems.push(`planDeliveries created ${plan.planned} rows for ${plan.subscribers} subscribers`);
  if (plan.replanned !== 0) problems.push(`planDeliveries created ${plan.replanned} rows the second time`);
  const send = plan.send;
  if (send) {
    problems.push(...send.failures);
    const sent = send.sent.reduce<number>((sum, n) => sum + (n ?? 0), 0);
    if (send.sinkCount !== sent) problems.push(`the workers report ${sent} sent, the sink received ${send.sinkCount}`);
  }
  return problems;
}

function formatPlan(p: PlanResult): string[] {
  const statuses = Object.entries(p.byStatus)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const lines = [
    '',
    `Planning a digest's deliveries, PostgreSQL, ${p.subscribers} active subscribers (80 % all topics, the rest one or two of eight, two of which the digest lacks):`,
    '',
    '| step | rows | seconds |',
    '| --- | ---: | ---: |',
    `| seed: multi-row INSERTs of 20,000, then ANALYZE | ${p.subscribers} | ${p.seedSeconds.toFixed(1)} |`,
    `| **planDeliveries**, no rows yet (as the first worker runs it) | ${p.planned} (${statuses}) | **${p.planSeconds.toFixed(2)}** |`,
    `| planDeliveries again, every row there (each later worker) | ${p.replanned} | ${p.replanSeconds.toFixed(2)} |`,
  ];
  const s = p.send;
  if (s) {
    lines.push(
      '',
      `Before the timing above, ${s.workers} workers sent from that store as migrations and \`digest build\` left it (the first worker planned the deliveries itself; the bench emptied the table after), SIGTERM ${s.sendSeconds} s after the first message, all exited ${s.wallSeconds.toFixed(1)} s after the start: ` +
        `${s.sinkCount} messages at the sink (sent ${counts(s.sent)}), first message ${s.firstMessageSeconds === null ? 'never' : `after ${s.firstMessageSeconds.toFixed(1)} s`}, ` +
        `${s.sinkMsgsPerSec.toFixed(0)} msgs/s at the sink first→last; exit codes ${s.exitCodes.join(', ')}; peak RSS of each worker ${mb(s.peakRssMb)} MB. ` +
        `During the run PostgreSQL vacuumed the deliveries table ${when(s.deliveriesMaintenance.vacuumed)} and analyzed it ${when(s.deliveriesMaintenance.analyzed)} (the claim query's plan depends on what the planner knows of the rows just planned).`,
    );
  }
  const problems = planProblems(p);
  if (problems.length) lines.push('', ...problems.map((problem) => `FAILED: ${problem}`));
  return lines;
}

/** The table printed by `npm run bench -- --store postgres`. */
export function formatPgReport(r: PgBenchResult): string {
  const lines = [
    `${r.date}: week ${r.week}, ${r.articles} articles, ${r.runs.length ? `${r.subscribers} subscribers, ` : ''}SEND_CONCURRENCY ${r.concurrency} per worker; ` +
      `${r.machine.nproc} CPUs (${r.machine.cpu}), load average ${r.machine.loadAverage.toFixed(1)} at the start, node ${r.machine.node}; code ${r.code}`,
  ];
  if (r.runs.length > 0 && r.raw) {
    const raw = r.raw;
    lines.push(
      '',
      '| store | workers | **msgs/s** | **ratio to raw** | max worker peak RSS | wall time | first message after | msgs/s at the sink, first→last | sent by each worker | each one\'s own "in X s" | peak RSS of each worker |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...r.runs.map(
        (w) =>
          `| ${w.store} | ${w.store === 'sqlite' ? '1 (`digest send`)' : w.workers} | **${w.msgsPerSec.toFixed(0)}** | **${w.ratio.toFixed(2)}** | ${Math.max(...w.peakRssMb).toFixed(0)} MB | ${w.wallSeconds.toFixed(1)} s | ` +
          `${w.firstMessageSeconds === null ? '—' : `${w.firstMessageSeconds.toFixed(1)} s`} | ${w.sinkMsgsPerSec.toFixed(0)} | ${counts(w.sent)} | ${w.sendSeconds.map((v) => (v === null ? '—' : `${v.toFixed(1)} s`)).join(' / ')} | ${mb(w.peakRssMb)} MB |`,
      ),
      `| raw (pre-built bytes) | pool of ${r.concurrency} | **${raw.msgsPerSec.toFixed(0)}** | 1.00 | — | ${raw.sendSeconds.toFixed(1)} s | — | ${raw.sinkMsgsPerSec.toFixed(0)} | — | — | — |`,
      ...(r.compose
        ? [
            `| nodemailer compose | pool of ${r.concurrency} | ${r.compose.msgsPerSec.toFixed(0)} | ${(r.compose.msgsPerSec / raw.msgsPerSec).toFixed(2)} | — | ${r.compose.sendSeconds.toFixed(1)} s | — | ${r.compose.sinkMsgsPerSec.toFixed(0)} | — | — | — |`,
          ]
        : []),
      '',
      `- msgs/s = ${r.subscribers} ÷ wall time, from spawning the senders together to the last one's exit: it includes node start-up, migrations, building the digest (on PostgreSQL one worker, under the build lease), planning ${r.subscribers} deliveries, compiling and sending. Each run has a fresh store with the same subscribers (all topics) and no digest yet, no SEND_RATE.`,
      `- own "in X s": each sender's "this run sent N … in X s" (planning, compiling, sending; not start-up or the build). The default SQLite bench divides by this one, so its msgs/s is higher than this table's SQLite row.`,
      `- peak RSS: VmHWM of each worker's node process, polled every 50 ms (its short-lived compile child not included).`,
      `- raw: ${r.subscribers} copies of one pre-built message (${(raw.avgMessageBytes / 1024).toFixed(1)} KB, the digest as \`digest render\` writes it${r.compileMs === null ? '' : `; one compilation ${r.compileMs} ms`}) through one nodemailer pool of ${r.concurrency} connections, in the same process as the bench.`,
    );
    for (const w of r.runs) for (const failure of w.failures) lines.push(`- FAILED with ${w.workers} workers: ${failure}`);
  }
  if (r.plan) lines.push(...formatPlan(r.plan));
  if (!r.verified) lines.push('', 'FAILED: see above.');
  return lines.join('\n');
}
