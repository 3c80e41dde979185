import { createTransport } from 'nodemailer';
import { maskCredentials } from '../text/mask-credentials.ts';
import { needsSmtpUtf8 } from '../mailbox.ts';
import { smtpUtf8Support, smtpUtf8Unavailable } from './smtputf8.ts';
import type { Transport } from '../domain.ts';
import { toMailOptions } from './mail-options.ts';

export interface SmtpOptions {
  url: string;
  connections: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string; headerFieldNames?: string };
}

/** A pooled SMTP transport: `connections` parallel sessions, reused for many messages. */
export function createSmtpTransport(options: SmtpOptions): Transport {
  const timeouts = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 };
  const pool = createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.connections,
    maxMessages: Infinity,
    ...timeouts,
    dkim: options.dkim,
  });
  const offersSmtpUtf8 = smtpUtf8Support(options.url, timeouts);
  return {
    description: `SMTP ${maskCredentials(options.url)}`,
    async send(message) {
      // Only a server that offers SMTPUTF8 may have an internationalised local part (RFC 6531), in
      // the envelope (nodemailer adds the SMTPUTF8 parameter) and in UTF-8 headers (RFC 6532).
      if (needsSmtpUtf8(message.to.address) && !(await offersSmtpUtf8())) throw smtpUtf8Unavailable(message.to.address);
      const info = await pool.sendMail(toMailOptions(message));
      return { response: String(info.response ?? '') };
    },
    async close() {
      pool.close();
    },
  };
}
