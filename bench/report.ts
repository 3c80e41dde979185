import type { SinkCount } from './sink-client.ts';

export interface SideResult {
  /** Messages the sink accepted. */
  sinkCount: number;
  sendSeconds: number;
  msgsPerSec: number;
  /** Rate between the first and the last message the sink accepted. */
  sinkMsgsPerSec: number;
  avgMessageBytes: number;
  /** CPU the sending process spent per message while sending, in ms (null: not measured). */
  senderCpuMsPerMsg: number | null;
  /** CPU the sink process spent per message, in ms. */
  sinkCpuMsPerMsg: number | null;
}

export interface BenchResult {
  date: string;
  command: string;
  /** V8/Node options the sender ran with (`--node-flags`), '' for none. */
  nodeFlags: string;
  machine: { nproc: number; node: string; cpu: string };
  week: string;
  articles: number;
  subscribers: number;
  concurrency: number;
  ours: SideResult & {
    cold: boolean;
    sent: number;
    processSeconds: number;
    peakRssMb: number;
    peakRssWithChildrenMb: number | null;
    rssMethod: string;
    compileMs: number;
  };
  raw: SideResult;
  /** Only with --compose. */
  compose: SideResult | null;
  /** ours msgs/s ÷ raw msgs/s. */
  ratio: number;
  /**
   * What a user waits for: the raw pool's send time over the whole `digest send`
   * process (start to exit: startup, store, planning, sending); with --rounds,
   * the median of the rounds' figures.
   */
  wholeCommandRatio: number;
  /** With --rounds: every round in order, ours and raw msgs/s and their ratio (the rest of the result is the median round). */
  rounds: { ours: number; raw: number; ratio: number; wholeCommandRatio: number }[];
  verified: boolean;
}

/** Messages per second at the sink between its first and its last message (0 with fewer than two). */
export function sinkRate(count: SinkCount): number {
  return count.count > 1 && count.lastAt > count.firstAt ? ((count.count - 1) * 1000) / (count.lastAt - count.firstAt) : 0;
}

/** One column of the table; CPU figures are seconds over the whole phase. */
export function side(count: SinkCount, sendMs: number, sent: number, cpu: { sender: number | null; sink: number | null }): SideResult {
  const perMessage = (seconds: number | null) => (seconds === null || sent === 0 ? null : (seconds * 1000) / sent);
  return {
    sinkCount: count.count,
    sendSeconds: sendMs / 1000,
    msgsPerSec: sendMs > 0 ? (sent * 1000) / sendMs : 0,
    sinkMsgsPerSec: sinkRate(count),
    avgMessageBytes: count.count ? Math.round(count.bytes / count.count) : 0,
    senderCpuMsPerMsg: perMessage(cpu.sender),
    sinkCpuMsPerMsg: perMessage(cpu.sink),
  };
}

/** The side-by-side table (Markdown) and notes, as printed by `npm run bench`. */
export function formatReport(r: BenchResult): string {
  const sides = [r.ours, r.raw, ...(r.compose ? [r.compose] : [])];
  const row = (label: string, cells: string[], ratio = '') => `| ${label} | ${cells.join(' | ')} | ${ratio} |`;
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '');
  const lines = [
    `${r.date}: week ${r.week}, ${r.articles} articles, ${r.subscribers} subscribers, concurrency ${r.concurrency}; ${r.machine.nproc} CPUs (${r.machine.cpu}), node ${r.machine.node}${r.nodeFlags ? `; sender started with \`node ${r.nodeFlags}\`` : ''}`,
    '',
    row('', ['ours (`digest send`)', 'raw (pre-built bytes)', ...(r.compose ? ['nodemailer compose'] : [])], 'ours/raw'),
    row(
      '---',
      sides.map(() => '---:'),
      '---:',
    ),
    row(
      'messages at the sink',
      sides.map((s) => `${s.sinkCount} of ${r.subscribers}`),
    ),
    row(
      'send time',
      sides.map((s) => `${s.sendSeconds.toFixed(2)} s`),
    ),
    row(
      '**msgs/s**',
      sides.map((s) => `**${s.msgsPerSec.toFixed(0)}**`),
      `**${r.ratio.toFixed(2)}**`,
    ),
    row(
      'msgs/s at the sink, first→last',
      sides.map((s) => s.sinkMsgsPerSec.toFixed(0)),
      ratio(r.ours.sinkMsgsPerSec, r.raw.sinkMsgsPerSec),
    ),
    row(
      'avg message size',
      sides.map((s) => `${(s.avgMessageBytes / 1024).toFixed(1)} KB`),
    ),
    row(
      'sender CPU per message',
      sides.map((s) => (s.senderCpuMsPerMsg === null ? '—' : `${s.senderCpuMsPerMsg.toFixed(2)} ms`)),
      ratio(r.ours.senderCpuMsPerMsg ?? 0, r.raw.senderCpuMsPerMsg ?? 0),
    ),
    row(
      'sink CPU per message',
      sides.map((s) => (s.sinkCpuMsPerMsg === null ? '—' : `${s.sinkCpuMsPerMsg.toFixed(2)} ms`)),
    ),
    row(
      'whole command, start to exit',
      [`${r.ours.processSeconds.toFixed(2)} s`, `${r.raw.sendSeconds.toFixed(2)} s (send time)`, ...(r.compose ? ['—'] : [])],
      `**${r.wholeCommandRatio.toFixed(2)}**`,
    ),
    row('peak RSS of the sender', [`${r.ours.peakRssMb.toFixed(0)} MB`, '—', ...(r.compose ? ['—'] : [])]),
    ...(r.ours.peakRssWithChildrenMb === null
      ? []
      : [
          row('peak RSS of its compile child', [
            `${r.ours.peakRssWithChildrenMb.toFixed(0)} MB (GNU time: largest of sender and children)`,
            '—',
            ...(r.compose ? ['—'] : []),
          ]),
        ]),
    '',
    `- ours: send time is the CLI's "this run sent N … in X s" (plan ${r.subscribers} deliveries, ${r.ours.cold ? "compile the digest in a child process (--cold: the dry run's stored compile deleted)" : 'the compiled digest from the store as the dry run built it'}, send; printed to 0.1 s); the whole process took ${r.ours.processSeconds.toFixed(1)} s with startup and migrations. Its CPU counts from the "sending …" line to exit; peak RSS by ${r.ours.rssMethod}.`,
    `- one compilation of the digest (React → MJML → HTML + text): ${r.ours.compileMs} ms (\`send --dry-run\`); personalisation is slot filling per message.`,
    '- raw: one message of the same bytes composed before the clock starts, sent with `{ envelope, raw }` from a fresh process: no DB, no personalisation, no MIME building.',
  ];
  if (r.rounds.length > 1)
    lines.push(
      `- ${r.rounds.length} rounds, ours then raw in each (msgs/s ours / raw = ratio): ${r.rounds.map((x) => `${x.ours.toFixed(0)} / ${x.raw.toFixed(0)} = ${x.ratio.toFixed(2)} (whole command ${x.wholeCommandRatio.toFixed(2)})`).join(', ')}; the table is the median round (the lower of the middle two for an even count); the whole-command ratio is the median of the rounds'.`,
    );
  if (r.compose)
    lines.push(
      '- nodemailer compose: `sendMail({ html, text, headers, … })` per message, so nodemailer builds and QP-encodes each MIME message as our transport does; no DB, no personalisation.',
    );
  if (!r.verified) lines.push('', `FAILED: expected ${r.subscribers} messages at the sink from each side (ours reported ${r.ours.sent} sent).`);
  if (r.ratio < 0.8)
    lines.push('', `Our pipeline reaches ${(r.ratio * 100).toFixed(0)}% of the raw rate (below 80%); \`--cpu-prof DIR\` shows where the time goes.`);
  return lines.join('\n');
}
