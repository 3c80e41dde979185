import { createTransport } from 'nodemailer';

export interface RawMessageParts {
  from: string;
  subject: string;
  html: string;
  text: string;
}

/**
 * Composes one message shaped like ours (multipart/alternative, same bodies,
 * same list headers) and returns its RFC 5322 bytes.
 */
export async function composeRawMessage(parts: RawMessageParts): Promise<Buffer> {
  const composer = createTransport({ streamTransport: true, buffer: true });
  const info = await composer.sendMail({
    from: parts.from,
    to: { name: 'Reader 1', address: 'reader1@example.com' },
    subject: parts.subject,
    html: parts.html,
    text: parts.text,
    messageId: '<2026-W47.1.0123456789ab@harmledger.example>',
    date: new Date(),
    headers: {
      'List-Id': 'The Harm Ledger weekly digest <weekly-digest.harmledger.example>',
      'List-Unsubscribe': '<https://harmledger.example/unsubscribe?token=0123456789abcdef0123456789abcdef0123456789abcdef>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
  return info.message as Buffer;
}

/**
 * Sends the pre-built `raw` bytes to `count` envelopes through a nodemailer
 * pool of `concurrency` connections, with `concurrency` sendMail calls in
 * flight: the wire and SMTP-client cost alone. Returns the sending time.
 */
export async function sendRaw(port: number, raw: Buffer, count: number, concurrency: number): Promise<number> {
  const envelopes = Array.from({ length: count }, (_, i) => ({ from: 'digest@harmledger.example', to: [`reader${i + 1}@example.com`] }));
  const pool = createTransport({ pool: true, maxConnections: concurrency, maxMessages: Infinity, host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  let next = 0;
  const worker = async () => {
    while (next < envelopes.length) await pool.sendMail({ envelope: envelopes[next++]!, raw });
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    return performance.now() - started;
  } finally {
    pool.close();
  }
}
