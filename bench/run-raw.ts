import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SendMailOptions } from 'nodemailer';
import { createTransport } from 'nodemailer';
import { type SideResult, side } from './report.ts';
import { procCpuSeconds } from './run-ours.ts';
import type { SinkProcess } from './sink-client.ts';

export interface MessageParts {
  from: string;
  subject: string;
  html: string;
  text: string;
}

const LIST_HEADERS = {
  'List-Id': 'The Harm Ledger weekly digest <weekly-digest.harmledger.example>',
  'List-Unsubscribe': '<https://harmledger.example/unsubscribe?token=0123456789abcdef0123456789abcdef0123456789abcdef>',
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
};

/** Mail options shaped like ours (multipart/alternative, same bodies and list headers) for reader `i`. */
export function mailOptions(parts: MessageParts, i: number): SendMailOptions {
  return {
    from: parts.from,
    to: { name: `Reader ${i}`, address: `reader${i}@example.com` },
    subject: parts.subject,
    html: parts.html,
    text: parts.text,
    messageId: `<2026-W47.${i}.0123456789ab@harmledger.example>`,
    date: new Date(),
    headers: LIST_HEADERS,
  };
}

/** The RFC 5322 bytes of one such message, composed by nodemailer. */
export async function composeRawMessage(parts: MessageParts): Promise<Buffer> {
  const composer = createTransport({ streamTransport: true, buffer: true });
  return (await composer.sendMail(mailOptions(parts, 1))).message as Buffer;
}

/**
 * Sends `messages` (built before the clock starts) through a nodemailer pool
 * of `concurrency` connections, keeping `concurrency` sendMail calls in
 * flight. Returns the sending time in ms.
 */
export async function sendThroughPool(port: number, messages: SendMailOptions[], concurrency: number): Promise<number> {
  const pool = createTransport({ pool: true, maxConnections: concurrency, maxMessages: Infinity, host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  let next = 0;
  const worker = async () => {
    while (next < messages.length) await pool.sendMail(messages[next++]!);
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, worker));
    return performance.now() - started;
  } finally {
    pool.close();
  }
}

/** The wire limit: the same pre-built bytes for every reader, only the envelope differs. */
export function rawMessages(raw: Buffer, count: number): SendMailOptions[] {
  return Array.from({ length: count }, (_, i) => ({ envelope: { from: 'digest@harmledger.example', to: [`reader${i + 1}@example.com`] }, raw }));
}

/** nodemailer builds and encodes the MIME of every message (as our transport does), but no DB and no personalisation. */
export function composedMessages(parts: MessageParts, count: number): SendMailOptions[] {
  return Array.from({ length: count }, (_, i) => mailOptions(parts, i + 1));
}

/** One baseline (bench/baseline-process.ts, in a process of its own) to a freshly reset sink, with the CPU each process spent. */
async function measurePool(
  sink: SinkProcess,
  request: { parts: MessageParts; count: number; concurrency: number; kind: 'raw' | 'compose' },
): Promise<SideResult> {
  await sink.reset();
  const sinkCpu = procCpuSeconds(sink.pid);
  const out = await new Promise<{ sendMs: number; cpuSeconds: number }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'baseline-process.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as { sendMs: number; cpuSeconds: number })
        : reject(new Error(`the ${request.kind} baseline exited with code ${code}`)),
    );
    child.stdin.end(JSON.stringify({ ...request, port: sink.port }));
  });
  const sinkNow = procCpuSeconds(sink.pid);
  const cpuSeconds = { sender: out.cpuSeconds, sink: sinkNow === null || sinkCpu === null ? null : sinkNow - sinkCpu };
  return side(await sink.count(), out.sendMs, request.count, cpuSeconds);
}

/**
 * The wire limit (raw) and, with `compose`, nodemailer's own MIME building,
 * each sending `count` messages shaped like `parts` through a pool of
 * `concurrency` connections, one after the other, each in a fresh process.
 */
export async function measureBaselines(
  sink: SinkProcess,
  parts: MessageParts,
  options: { count: number; concurrency: number; compose: boolean; log: (line: string) => void },
): Promise<{ raw: SideResult; compose: SideResult | null }> {
  const { count, concurrency, log } = options;
  log(`raw: ${count} pre-built messages through a nodemailer pool of ${concurrency}`);
  const raw = await measurePool(sink, { parts, count, concurrency, kind: 'raw' });
  if (!options.compose) return { raw, compose: null };
  log(`compose: ${count} messages composed by nodemailer through a pool of ${concurrency}`);
  return { raw, compose: await measurePool(sink, { parts, count, concurrency, kind: 'compose' }) };
}
