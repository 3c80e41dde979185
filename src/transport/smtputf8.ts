import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';

/**
 * The code of a delivery refused before it was tried because its address
 * needs SMTPUTF8 (RFC 6531: letters beyond ASCII before the @) and the SMTP
 * server does not offer it. The reader's address is valid and no server
 * refused it: this is not their bounce.
 */
export const SMTPUTF8_UNAVAILABLE = 'ESMTPUTF8' as const;

export function smtpUtf8Unavailable(address: string): Error & { code: typeof SMTPUTF8_UNAVAILABLE } {
  return Object.assign(new Error(`not sent to ${address}: the address needs SMTPUTF8 (RFC 6531), which the SMTP server does not offer`), {
    code: SMTPUTF8_UNAVAILABLE,
  });
}

export interface ProbeTimeouts {
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

/**
 * Whether the server at `url` lists SMTPUTF8 in its EHLO reply, read on a
 * connection of our own that ends after the handshake. nodemailer's pool
 * asks its servers too, but when one does not offer SMTPUTF8 it sends the
 * UTF-8 address anyway (smtp-connection's `_setEnvelope`), and the
 * server's refusal would read as the reader's hard bounce.
 * A connection failure rejects with nodemailer's error (ECONNECTION...).
 */
export function probeSmtpUtf8(url: string, timeouts: ProbeTimeouts): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const connection = new SMTPConnection({ ...parseConnectionUrl(url), ...timeouts, logger: false });
    let settled = false;
    const settle = (error: Error | null, offered = false) => {
      if (settled) return;
      settled = true;
      if (error) {
        connection.close();
        reject(error);
      } else {
        connection.quit();
        resolve(offered);
      }
    };
    // Whatever the closing session still says is of no interest once settled.
    connection.on('error', (error: Error) => settle(error));
    connection.connect((error?: Error | null) => {
      if (error) return settle(error);
      // After connect the last reply is the EHLO (the second one after STARTTLS): its extension lines.
      settle(null, /^250[ -]SMTPUTF8\b/im.test(String(connection.lastServerResponse || '')));
    });
  });
}

/**
 * probeSmtpUtf8, asked once per transport: the first message that needs it
 * waits for the answer, the rest reuse it. A failed probe is asked again
 * next time.
 */
export function smtpUtf8Support(url: string, timeouts: ProbeTimeouts): () => Promise<boolean> {
  let answer: Promise<boolean> | undefined;
  return () => {
    answer ??= probeSmtpUtf8(url, timeouts).catch((error: unknown) => {
      answer = undefined;
      throw error;
    });
    return answer;
  };
}
