import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.ts';
import { createOutboxTransport } from './outbox.ts';
import { createSmtpTransport } from './smtp.ts';
import type { Transport } from '../domain.ts';

// nodemailer's default DKIM header list leaves out List-Unsubscribe-Post;
// RFC 8058 §4 asks for both list headers to be covered by the signature.
const DKIM_HEADERS = 'From:Sender:Reply-To:To:Cc:Subject:Date:Message-ID:MIME-Version:Content-Type:List-Id:List-Unsubscribe:List-Unsubscribe-Post';

/** The transport config asks for: SMTP when SMTP_URL is set, else the .eml outbox. */
export function createConfiguredTransport(config: Config): Transport {
  if (!config.smtpUrl) return createOutboxTransport(config.outboxDir);
  const dkim = config.dkim
    ? {
        domainName: config.dkim.domain,
        keySelector: config.dkim.selector,
        privateKey: readFileSync(config.dkim.privateKeyFile, 'utf8'),
        headerFieldNames: DKIM_HEADERS,
      }
    : undefined;
  return createSmtpTransport({ url: config.smtpUrl, connections: config.sendConcurrency, dkim });
}
