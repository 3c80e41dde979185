import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  envelopeTo: string[];
  /** MAIL FROM carried the SMTPUTF8 parameter (RFC 6531). */
  smtpUtf8: boolean;
  raw: Buffer;
  /** The Message-ID header, read from the raw message. */
  messageId: string;
}

/** What a faulty server does to one recipient on its n-th attempt (1-based). */
export type Fault = { reply: number; message: string } | 'drop' | undefined;

export interface SinkOptions {
  /** Refuse a recipient at RCPT TO with an SMTP reply, e.g. `{ reply: 550, message: 'No such user' }`. */
  onRcpt?: (address: string, attempt: number) => Fault;
  /** After the message data arrived: refuse it with a reply, or 'drop' the connection before answering. */
  onData?: (address: string, attempt: number) => Fault;
  /** Called after each accepted message (e.g. to kill a sender mid-run). */
  onAccepted?: (count: number) => void;
  /** A slow server: wait this long before answering each DATA. */
  delayMs?: number;
  /** Keep only each message's header block (for runs of many thousands, where bodies would fill memory). */
  headersOnly?: boolean;
  /** Require AUTH with these credentials (535 for any other); read at each login, so a test can change them. */
  auth?: { user: string; pass: string };
  /** Refuse the sender at MAIL FROM with an SMTP reply, on the n-th MAIL FROM of the whole run. */
  onMailFrom?: (address: string, attempt: number) => Fault;
  /** Answer the connection itself with this reply instead of the 220 greeting. */
  onConnect?: () => Fault;
  /** TLS from the first byte (smtps), with smtp-server's built-in certificate, which no client trusts. */
  secure?: boolean;
  /** Offer SMTPUTF8 (RFC 6531) in the EHLO reply, as smtp-server does by default (default true). */
  smtpUtf8?: boolean;
}

export interface SmtpSink {
  port: number;
  url: string;
  received: ReceivedMessage[];
  /** Per address, how many times RCPT TO was tried. */
  attempts: Map<string, number>;
  parsed(): Promise<ParsedMail[]>;
  /** Stops listening (connections are refused) until `start` is called again. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface ConnectionLike {
  session?: { id?: string };
  _socket?: { destroy(): void };
}

/** A real SMTP server on a loopback port that keeps what it accepts and injects faults on demand. */
export async function startSmtpSink(options: SinkOptions = {}, fixedPort = 0): Promise<SmtpSink> {
  const received: ReceivedMessage[] = [];
  const attempts = new Map<string, number>();
  let server: SMTPServer;
  let port = fixedPort;

  let mailFroms = 0;
  const refusal = (fault: Fault) => (fault && fault !== 'drop' ? Object.assign(new Error(fault.message), { responseCode: fault.reply }) : null);
  const create = () =>
    new SMTPServer({
      authOptional: !options.auth,
      disabledCommands: ['STARTTLS'],
      // Plain-text AUTH on loopback, as a local relay allows.
      allowInsecureAuth: true,
      secure: options.secure ?? false,
      hideSMTPUTF8: options.smtpUtf8 === false,
      logger: false,
      size: 10 * 1024 * 1024,
      onAuth(auth, _session, callback) {
        const ok = options.auth && auth.username === options.auth.user && auth.password === options.auth.pass;
        if (!ok) return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
        callback(null, { user: auth.username });
      },
      onConnect(_session, callback) {
        callback(refusal(options.onConnect?.()));
      },
      onMailFrom(address, _session, callback) {
        callback(refusal(options.onMailFrom?.(address.address, ++mailFroms)));
      },
      onRcptTo(address, _session, callback) {
        const n = (attempts.get(address.address) ?? 0) + 1;
        attempts.set(address.address, n);
        const fault = options.onRcpt?.(address.address, n);
        if (fault && fault !== 'drop') return callback(Object.assign(new Error(fault.message), { responseCode: fault.reply }));
        callback();
      },
      onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const to = session.envelope.rcptTo.map((r) => r.address);
          const fault = options.onData?.(to[0]!, attempts.get(to[0]!) ?? 1);
          if (fault === 'drop') {
            // Hang up mid-transaction, before the 250: the client must not count it as sent.
            const connections = (server as unknown as { connections: Set<ConnectionLike> }).connections;
            for (const connection of connections) if (connection.session?.id === session.id) connection._socket?.destroy();
            return;
          }
          if (fault) return callback(Object.assign(new Error(fault.message), { responseCode: fault.reply }));
          const whole = Buffer.concat(chunks);
          const raw = options.headersOnly ? whole.subarray(0, whole.indexOf('\r\n\r\n') + 4) : whole;
          const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('latin1'))?.[1] ?? '';
          const accept = () => {
            const smtpUtf8 = (session.envelope as { smtpUtf8?: boolean }).smtpUtf8 === true;
            received.push({ envelopeTo: to, smtpUtf8, raw, messageId });
            callback(null);
            options.onAccepted?.(received.length);
          };
          if (options.delayMs) setTimeout(accept, options.delayMs);
          else accept();
        });
      },
    });

  const listen = async () => {
    server = create();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.server.address() as AddressInfo).port;
    // A client killed mid-session resets its connection; that is the point of some tests.
    server.on('error', () => {});
  };
  const closeServer = () =>
    new Promise<void>((resolve) => {
      const connections = (server as unknown as { connections: Set<ConnectionLike> }).connections;
      for (const connection of connections) connection._socket?.destroy();
      server.close(() => resolve());
    });

  await listen();
  return {
    get port() {
      return port;
    },
    get url() {
      return `${options.secure ? 'smtps' : 'smtp'}://127.0.0.1:${port}`;
    },
    received,
    attempts,
    parsed: () => Promise.all(received.map((m) => simpleParser(m.raw))),
    stop: closeServer,
    start: listen,
    close: closeServer,
  };
}
