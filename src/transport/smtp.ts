import { createTransport } from 'nodemailer';
import { maskCredentials } from '../text/mask-credentials.ts';
import type { Transport } from './transport.ts';
import { toMailOptions } from './transport.ts';

export interface SmtpOptions {
  url: string;
  connections: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string; headerFieldNames?: string };
}

/** A pooled SMTP transport: `connections` parallel sessions, reused for many messages. */
export function createSmtpTransport(options: SmtpOptions): Transport {
  const pool = createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.connections,
    maxMessages: Infinity,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    dkim: options.dkim,
  });
  return {
    description: `SMTP ${maskCredentials(options.url)}`,
    async send(message) {
      const info = await pool.sendMail(toMailOptions(message));
      return { response: String(info.response ?? '') };
    },
    async close() {
      pool.close();
    },
  };
}
