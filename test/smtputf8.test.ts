import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.ts';
import type { Db } from '../src/db/connect.ts';
import { composeDigestMessage, composeNoticeMessage } from '../src/personalize/compose-message.ts';
import { BackgroundWork } from '../src/http/background-work.ts';
import { type HttpServer, startHttpServer } from '../src/http/server.ts';
import { audienceRoutes } from '../src/http/subscription-routes.ts';
import type { RenderedDigest } from '../src/personalize/personalize.ts';
import { orderArticles } from '../src/digests/digest-content.ts';
import { renderDigest } from '../src/personalize/personalize.ts';
import { createSmtpTransport } from '../src/transport/smtp.ts';
import type { Transport } from '../src/domain.ts';
import { articleRow, digestOf, testConfig } from './helpers/fixtures.ts';
import { DIGEST_HEADERS, headerBlockProblems } from './helpers/header-block.ts';
import { HOSTILE, INJECTED } from './helpers/hostile-text.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { openScratchDb } from './helpers/store.ts';

/*
 * RFC 6531 addresses (letters beyond ASCII before the @) over a real SMTP
 * server: sent with SMTPUTF8 and UTF-8 headers where the server offers it,
 * refused with ESMTPUTF8, before any RCPT TO, where it does not.
 */

// mailauth is CommonJS without type definitions for this entry point.
const { dkimVerify } = createRequire(import.meta.url)('mailauth') as {
  dkimVerify: (message: Buffer, options: { resolver: () => Promise<string[][]> }) => Promise<{ results: { status: { result: string } }[] }>;
};

const NOTICE_HEADERS = ['Content-Type', 'From', 'To', 'Reply-To', 'Subject', 'Message-ID', 'Date', 'MIME-Version'];
const zoe = { id: 40, email: 'zoë@example.com', name: 'Zoë' };
const ada = { id: 41, email: 'ada@example.com', name: 'Ada' };

describe('SMTPUTF8', () => {
  const config = testConfig({ MAIL_REPLY_TO: 'The Desk <desk@harmledger.example>' });
  let rendered: RenderedDigest;
  const date = new Date('2026-11-23T08:00:00Z');

  beforeAll(async () => {
    rendered = await renderDigest(digestOf(orderArticles([articleRow(1), articleRow(2)]), config), config);
  });

  describe('with a server that offers it', () => {
    let sink: SmtpSink;
    let transport: Transport;
    beforeAll(async () => {
      sink = await startSmtpSink();
      transport = createSmtpTransport({ url: sink.url, connections: 1 });
    });
    afterAll(async () => {
      await transport?.close();
      await sink?.close();
    });

    it('sends the digest to zoë@ with SMTPUTF8 in the envelope and her address in UTF-8 in To; an ASCII address goes without it', async () => {
      await transport.send(composeDigestMessage(config, rendered, '2026-W47', zoe, date));
      await transport.send(composeDigestMessage(config, rendered, '2026-W47', ada, date));
      const [toZoe, toAda] = sink.received;
      expect(toZoe).toMatchObject({ envelopeTo: ['zoë@example.com'], smtpUtf8: true });
      expect(headerBlockProblems(toZoe!.raw, { known: DIGEST_HEADERS, utf8Fields: ['To'] }).problems).toEqual([]);
      expect(toZoe!.raw.includes(Buffer.from('To: =?UTF-8?Q?Zo=C3=AB?= <zoë@example.com>\r\n', 'utf8'))).toBe(true);
      expect((await simpleParser(toZoe!.raw)).to).toMatchObject({ value: [{ name: 'Zoë', address: 'zoë@example.com' }] });
      expect(toAda).toMatchObject({ envelopeTo: ['ada@example.com'], smtpUtf8: false });
      expect(headerBlockProblems(toAda!.raw, { known: DIGEST_HEADERS }).problems).toEqual([]);
    });

    it('DKIM-signs a message with a UTF-8 To verifiably (the signature covers the bytes as sent)', async () => {
      const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const dkim = { domainName: 'harmledger.example', keySelector: 's1', privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
      const signing = createSmtpTransport({ url: sink.url, connections: 1, dkim });
      sink.received.length = 0;
      try {
        await signing.send(composeDigestMessage(config, rendered, '2026-W47', zoe, date));
      } finally {
        await signing.close();
      }
      const publicKey = keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      const { results } = await dkimVerify(sink.received[0]!.raw, { resolver: async () => [[`v=DKIM1; k=rsa; p=${publicKey}`]] });
      expect(results.map((r) => r.status.result)).toEqual(['pass']);
    });

    it('sends a notice (nodemailer) to zoë@ the same way, and a notice with hostile name and subject as clean CRLF headers', async () => {
      sink.received.length = 0;
      const email = { subject: 'Confirm', text: 'Click.', html: '<p>Click.</p>' };
      await transport.send(composeNoticeMessage(config, email, { name: 'Zoë', address: zoe.email }, 'notice/zoe'));
      for (const chars of Object.values(HOSTILE)) {
        await transport.send(
          composeNoticeMessage(
            config,
            { ...email, subject: `Confirm${chars}${INJECTED}` },
            { name: `Ada${chars}${INJECTED}`, address: ada.email },
            'notice/ada',
          ),
        );
      }
      const [toZoe, ...toAda] = sink.received;
      expect(toZoe).toMatchObject({ envelopeTo: ['zoë@example.com'], smtpUtf8: true });
      expect(headerBlockProblems(toZoe!.raw, { known: NOTICE_HEADERS, utf8Fields: ['To'] }).problems).toEqual([]);
      expect(toAda).toHaveLength(Object.keys(HOSTILE).length);
      for (const message of toAda) {
        const { problems, names } = headerBlockProblems(message.raw, { known: NOTICE_HEADERS });
        expect(problems).toEqual([]);
        expect(names.filter((n) => n === 'Reply-To')).toHaveLength(1);
        expect((await simpleParser(message.raw)).replyTo).toMatchObject({ value: [{ address: 'desk@harmledger.example' }] });
      }
    });
  });

  describe('with a server that does not offer it', () => {
    let sink: SmtpSink;
    let transport: Transport;
    beforeAll(async () => {
      sink = await startSmtpSink({ smtpUtf8: false });
      transport = createSmtpTransport({ url: sink.url, connections: 1 });
    });
    afterAll(async () => {
      await transport?.close();
      await sink?.close();
    });

    // nodemailer alone would send `RCPT TO:<zoë@example.com>` without SMTPUTF8; a strict server's
    // 5xx to it would then count as Zoë's hard bounce, though her address is fine.
    it('refuses the delivery to zoë@ with ESMTPUTF8 before any RCPT TO, and still sends to ASCII addresses', async () => {
      const failure = await transport.send(composeDigestMessage(config, rendered, '2026-W47', zoe, date)).then(
        () => null,
        (error: unknown) => error as Error & { code?: string; responseCode?: number },
      );
      expect(failure).toMatchObject({
        code: 'ESMTPUTF8',
        message: 'not sent to zoë@example.com: the address needs SMTPUTF8 (RFC 6531), which the SMTP server does not offer',
      });
      expect(failure?.responseCode).toBeUndefined();
      const notice = composeNoticeMessage(config, { subject: 'Confirm', text: '', html: '' }, { name: 'Zoë', address: zoe.email }, 'notice/zoe');
      await expect(transport.send(notice)).rejects.toMatchObject({ code: 'ESMTPUTF8' });
      expect(sink.attempts.has('zoë@example.com')).toBe(false);
      await transport.send(composeDigestMessage(config, rendered, '2026-W47', ada, date));
      expect(sink.received.map((m) => m.envelopeTo)).toEqual([['ada@example.com']]);
    });
  });

  it('asks a server that could not be reached again on the next message', async () => {
    const sink = await startSmtpSink();
    const transport = createSmtpTransport({ url: sink.url, connections: 1 });
    try {
      await sink.stop();
      // The probe's own connection error, as the send's would be: the server, not the reader.
      await expect(transport.send(composeDigestMessage(config, rendered, '2026-W47', zoe, date))).rejects.toThrow(/ECONNREFUSED/);
      await sink.start();
      await transport.send(composeDigestMessage(config, rendered, '2026-W47', zoe, date));
      expect(sink.received.map((m) => m.envelopeTo)).toEqual([['zoë@example.com']]);
    } finally {
      await transport.close();
      await sink.close();
    }
  });
});

describe('POST /subscribe over a real socket', () => {
  let sink: SmtpSink;
  let db: Db;
  let config: Config;
  let transport: Transport;
  let http: HttpServer;
  const errors: string[] = [];
  const background = new BackgroundWork((e) => errors.push(String(e)));
  let client = 0;
  const post = async (email: string) => {
    // Each from a client of its own (behind the proxy on this host), under the form's rate limit.
    const headers = { 'x-forwarded-for': `198.51.100.${++client}` };
    const response = await fetch(`${http.url}/subscribe`, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ email, name: `Zoë${HOSTILE.CRLF}${INJECTED}` }),
    });
    await background.settled();
    return response;
  };
  const stored = async () => (await db.selectFrom('subscribers').select(['email', 'name']).orderBy('id').execute()).map((r) => [r.email, r.name]);

  beforeAll(async () => {
    sink = await startSmtpSink();
    db = await openScratchDb();
    config = testConfig({ SMTP_URL: sink.url });
    transport = createSmtpTransport({ url: sink.url, connections: 1 });
    http = await startHttpServer(config, audienceRoutes({ db, config, transport, onError: (e) => errors.push(String(e)), background }), {
      host: '127.0.0.1',
      port: 0,
    });
  });
  afterAll(async () => {
    await http?.close();
    await transport?.close();
    await db?.destroy();
    await sink?.close();
  });

  it('refuses addresses with hostile characters with a 400 that says why, and takes RFC 6531 and IDN addresses', async () => {
    for (const [label, chars] of Object.entries(HOSTILE)) {
      const response = await post(label === 'U+010D U+010A' ? `zoe${chars}${INJECTED}` : `zoe${chars}@example.com`);
      expect(response.status, label).toBe(400);
      expect(await response.text()).toMatch(
        /That does not look like an email address: it contains (a control character|a line break|a space) \(U\+[0-9A-F]{4}\)\./,
      );
    }
    expect(await stored()).toEqual([]);
    expect((await post('zoë@example.com')).status).toBe(200);
    expect((await post('ada@bücher.example')).status).toBe(200);
    expect(await stored()).toEqual([
      ['zoë@example.com', `Zoë ${INJECTED}`],
      ['ada@xn--bcher-kva.example', `Zoë ${INJECTED}`],
    ]);
    // Both confirmations went out, Zoë's with SMTPUTF8, each with only the intended headers. The IDN
    // went in ASCII, so without SMTPUTF8, though the server offers it (smtp-server shows it in Unicode).
    expect(errors).toEqual([]);
    expect(sink.received.map((m) => [m.envelopeTo[0], m.smtpUtf8])).toEqual([
      ['zoë@example.com', true],
      ['ada@bücher.example', false],
    ]);
    // The name a post gave goes to no header: a confirmation is addressed to the bare address (the form may be anyone's).
    expect((await simpleParser(sink.received[1]!.raw)).to).toMatchObject({ value: [{ name: '' }] });
    for (const message of sink.received) {
      expect(headerBlockProblems(message.raw, { known: NOTICE_HEADERS, utf8Fields: ['To'] }).problems).toEqual([]);
    }
  });
});
