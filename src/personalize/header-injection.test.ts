import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { DIGEST_HEADERS, decodedHeader, headerBlockProblems } from '../../test/helpers/header-block.ts';
import { HOSTILE, INJECTED } from '../../test/helpers/hostile-text.ts';
import { articleRow, digestOf, testConfig } from '../../test/helpers/fixtures.ts';
import { orderArticles } from '../digests/digest-content.ts';
import { renderDigest } from './personalize.ts';
import { createOutboxTransport } from '../transport/outbox.ts';
import { composeDigestMessage, composeNoticeMessage } from './compose-message.ts';
import { HeaderValueError } from './header-fields.ts';
import { type MimeHeaders, type PersonalFields, buildMessage, prepareMime } from './mime-message.ts';

/*
 * Issue 14, "no header injection, whatever the address": every header the
 * writers produce, fed every hostile character in every field that reaches
 * it, read back from the raw bytes.
 */

const NOTICE_HEADERS = ['Content-Type', 'From', 'To', 'Reply-To', 'Subject', 'Message-ID', 'Date', 'MIME-Version'];

const mailbox = (field: AddressObject | AddressObject[] | undefined) => (Array.isArray(field) ? field[0] : field)?.value[0];

/** What a reader sees of `Ada<chars>Reply-To: …`: controls and line breaks as one space, letters as they are. */
const readAs = (chars: string, text: string) => (chars === '\u010d\u010a' ? `Ada${chars}${text}` : `Ada ${text}`);

const headers = (overrides: Partial<MimeHeaders> = {}): MimeHeaders => ({
  from: { name: 'The Ledger', address: 'digest@ledger.example' },
  replyTo: { name: 'The Desk', address: 'desk@ledger.example' },
  subject: 'Week 47',
  listId: { name: 'The Ledger weekly digest', id: 'weekly-digest.ledger.example' },
  ...overrides,
});

const recipient = (overrides: Partial<PersonalFields> = {}): PersonalFields => ({
  to: { name: 'Ada', address: 'ada@example.com' },
  messageId: '<2026-W47.7.abc@ledger.example>',
  date: new Date('2026-11-23T08:00:00Z'),
  unsubscribeUrl: 'https://ledger.example/unsubscribe?token=abc',
  values: {
    greeting: 'Hi Ada,',
    email: 'ada@example.com',
    unsubscribeUrl: 'https://ledger.example/unsubscribe?token=abc',
    preferencesUrl: 'https://ledger.example/p',
  },
  ...overrides,
});

const body = { text: { parts: ['Hello\n', '\n'], slots: ['greeting' as const] }, html: { parts: ['<p>', '</p>'], slots: ['greeting' as const] } };

function message(h: MimeHeaders, r: PersonalFields): Buffer {
  return buildMessage(prepareMime(h, body.text, body.html), r);
}

function expectClean(raw: Buffer, utf8 = false) {
  const { problems, names } = headerBlockProblems(raw, { known: DIGEST_HEADERS, utf8Fields: utf8 ? ['To'] : [] });
  expect(problems).toEqual([]);
  return names;
}

describe('the digest MIME writer', () => {
  for (const [label, chars] of Object.entries(HOSTILE)) {
    const hostile = `Ada${chars}${INJECTED}`;

    describe(`with ${label}`, () => {
      it('in the subscriber name: one encoded To, no Reply-To but the configured one', async () => {
        const raw = message(headers(), recipient({ to: { name: hostile, address: 'ada@example.com' } }));
        expect(expectClean(raw)).toEqual(DIGEST_HEADERS);
        const parsed = await simpleParser(raw);
        expect(mailbox(parsed.to)).toEqual({ name: readAs(chars, INJECTED), address: 'ada@example.com' });
        expect(mailbox(parsed.replyTo)).toEqual({ name: 'The Desk', address: 'desk@ledger.example' });
        // Without a configured Reply-To there is none at all.
        const bare = message(headers({ replyTo: undefined }), recipient({ to: { name: hostile, address: 'ada@example.com' } }));
        expect(expectClean(bare)).toEqual(DIGEST_HEADERS.filter((name) => name !== 'Reply-To'));
        expect((await simpleParser(bare)).replyTo).toBeUndefined();
      });

      it('in the subject (article titles, the editor)', async () => {
        const raw = message(headers({ subject: `Week 47: ${hostile}` }), recipient());
        expect(expectClean(raw)).toEqual(DIGEST_HEADERS);
        expect((await simpleParser(raw)).subject).toBe(`Week 47: ${readAs(chars, INJECTED)}`);
      });

      it('in the MAIL_FROM and MAIL_REPLY_TO names', async () => {
        const raw = message(
          headers({ from: { name: hostile, address: 'digest@ledger.example' }, replyTo: { name: hostile, address: 'desk@ledger.example' } }),
          recipient(),
        );
        expect(expectClean(raw)).toEqual(DIGEST_HEADERS);
        const parsed = await simpleParser(raw);
        expect(mailbox(parsed.from)).toEqual({ name: readAs(chars, INJECTED), address: 'digest@ledger.example' });
        expect(mailbox(parsed.replyTo)).toEqual({ name: readAs(chars, INJECTED), address: 'desk@ledger.example' });
      });

      it('in PUBLICATION_NAME (List-Id)', async () => {
        const raw = message(headers({ listId: { name: `${hostile} weekly digest`, id: 'weekly-digest.ledger.example' } }), recipient());
        expect(expectClean(raw)).toEqual(DIGEST_HEADERS);
        // mailparser leaves List-Id's encoded words as they are.
        expect(decodedHeader(raw, 'List-Id')).toBe(
          chars === '\u010d\u010a'
            ? `${readAs(chars, INJECTED)} weekly digest <weekly-digest.ledger.example>`
            : `"${readAs(chars, INJECTED)} weekly digest" <weekly-digest.ledger.example>`,
        );
      });

      it('in an address, URL, Message-ID or list id: refused, nothing written', () => {
        const refused: [string, () => Buffer][] = [
          ['To', () => message(headers(), recipient({ to: { name: 'Ada', address: `ada${chars}${INJECTED}` } }))],
          ['To', () => message(headers(), recipient({ to: { name: 'Ada', address: `ada@example.com${chars}${INJECTED}` } }))],
          ['From', () => message(headers({ from: { name: 'L', address: `digest${chars}@ledger.example` } }), recipient())],
          ['Reply-To', () => message(headers({ replyTo: { name: 'D', address: `desk@ledger.example${chars}${INJECTED}` } }), recipient())],
          ['List-Unsubscribe', () => message(headers(), recipient({ unsubscribeUrl: `https://ledger.example/u?t=1${chars}${INJECTED}` }))],
          ['Message-ID', () => message(headers(), recipient({ messageId: `<1@ledger.example>${chars}${INJECTED}` }))],
          ['List-Id', () => message(headers({ listId: { name: 'L', id: `weekly-digest.ledger.example>${chars}${INJECTED}` } }), recipient())],
        ];
        for (const [field, write] of refused) {
          expect(write, field).toThrow(HeaderValueError);
          expect(write, field).toThrow(`refusing to write the ${field} header`);
        }
      });
    });
  }

  it('writes an RFC 6531 address in UTF-8, so Č Ċ (U+010D U+010A) are the bytes C4 8D C4 8A, never CR LF', async () => {
    // The reproduction as the old check let it in: Ĭ ĺ Ġ ŀ were, in latin1, ':' ' ' '@'.
    const address = 'ada\u010d\u010aReply-To\u013a\u0120attacker\u0140evil.example@example.com';
    const raw = message(headers({ replyTo: undefined }), recipient({ to: { name: 'Ada', address } }));
    expect(expectClean(raw, true)).toEqual(DIGEST_HEADERS.filter((name) => name !== 'Reply-To'));
    expect(raw.includes(Buffer.from('\u010d\u010a', 'utf8'))).toBe(true);
    const parsed = await simpleParser(raw);
    expect(mailbox(parsed.to)).toEqual({ name: 'Ada', address });
    expect(parsed.replyTo).toBeUndefined();
    // An ASCII address keeps every header byte below 0x80.
    expect(headerBlockProblems(message(headers(), recipient()), { known: DIGEST_HEADERS }).problems).toEqual([]);
  });

  it('refuses a UTF-8 address that holds a control or line separator even where SMTPUTF8 could carry it', () => {
    for (const chars of ['\u0085', '\u2028', '\u2029', '\u200b']) {
      expect(() => message(headers(), recipient({ to: { name: 'Zoë', address: `zoë${chars}@example.com` } }))).toThrow(
        expect.objectContaining({ code: 'EADDRESS' }),
      );
    }
  });
});

describe('through the sender: composeDigestMessage', () => {
  const all = Object.values(HOSTILE).join('');
  const config = testConfig({
    PUBLICATION_NAME: `The Ledger${all}${INJECTED}`,
    MAIL_FROM: 'Zoë’s Ledger <digest@bücher.example>',
    MAIL_REPLY_TO: 'The Desk <desk@ledger.example>',
  });
  const rendered = (async () => {
    const articles = orderArticles([articleRow(1, { title: `Lead story${all}${INJECTED}` }), articleRow(2)]);
    // A subject as an editor could set it, beside the one built from the titles.
    return renderDigest({ ...digestOf(articles, config), subject: `Week 47${all}${INJECTED}` }, config);
  })();

  const people = [
    ...Object.entries(HOSTILE).map(([label, chars], i) => ({
      label,
      utf8: false,
      person: { id: i + 1, email: 'ada@example.com', name: `Ada${chars}${INJECTED}` },
    })),
    { label: 'an RFC 6531 address', utf8: true, person: { id: 40, email: 'zoë@example.com', name: 'Zoë' } },
    { label: 'an IDN address', utf8: false, person: { id: 41, email: 'ada@xn--bcher-kva.example', name: 'Ada' } },
    // The reproduction as the old address check let it in: in latin1, Č Ċ ĺ Ġ ŀ were CR LF ':' ' ' '@'.
    {
      label: 'the Č Ċ address',
      utf8: true,
      person: { id: 42, email: 'ada\u010d\u010aReply-To\u013a\u0120attacker\u0140evil.example@example.com', name: 'Ada' },
    },
  ];
  for (const { label, utf8, person } of people) {
    it(`writes only the intended headers for a subscriber with ${label}`, async () => {
      const raw = composeDigestMessage(config, await rendered, '2026-W47', person, new Date('2026-11-23T08:00:00Z')).raw!;
      expect(expectClean(raw, utf8)).toEqual(DIGEST_HEADERS);
      const parsed = await simpleParser(raw);
      expect(decodedHeader(raw, 'To')).toMatch(new RegExp(`<${person.email.replace(/\./g, '\\.')}>$`));
      expect(mailbox(parsed.to)?.name).not.toMatch(/[\u0000-\u001f\u0085\u2028\u2029]/);
      // The IDN is on the wire in ASCII; mailparser shows it in Unicode.
      expect(decodedHeader(raw, 'From')).toBe('Zoë’s Ledger <digest@xn--bcher-kva.example>');
      expect(mailbox(parsed.replyTo)).toEqual({ name: 'The Desk', address: 'desk@ledger.example' });
      expect(parsed.subject).toBe(`Week 47 \u010d\u010a${INJECTED}`);
      expect(decodedHeader(raw, 'List-Id')).toBe(`The Ledger \u010d\u010a${INJECTED} weekly digest <weekly-digest.xn--bcher-kva.example>`);
      expect(decodedHeader(raw, 'List-Unsubscribe')).toMatch(/^<https:\/\/harmledger\.example\/unsubscribe\?token=[\w.-]+>$/);
    });
  }
});

describe('notices (nodemailer): composeNoticeMessage through the outbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'notice-headers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = testConfig({ MAIL_FROM: 'Zoë’s Ledger <digest@ledger.example>', MAIL_REPLY_TO: 'The Desk <desk@ledger.example>' });
  const outbox = createOutboxTransport(dir);

  const cases = [
    ...Object.entries(HOSTILE).map(([label, chars]) => ({ label, chars, address: 'ada@example.com', utf8: false })),
    { label: 'an RFC 6531 address', chars: ' ', address: 'zoë@example.com', utf8: true },
  ];
  for (const { label, chars, address, utf8 } of cases) {
    it(`writes only the intended headers with ${label} in the name and subject`, async () => {
      const email = { subject: `Confirm${chars}${INJECTED}`, text: 'Click.', html: '<p>Click.</p>' };
      const notice = composeNoticeMessage(config, email, { name: `Ada${chars}${INJECTED}`, address }, `notices/${label.replace(/\W/g, '_')}`);
      const { response } = await outbox.send(notice);
      const raw = readFileSync(response.replace(/^written /, ''));
      const { problems, names } = headerBlockProblems(raw, { known: NOTICE_HEADERS, eol: '\n', utf8Fields: utf8 ? ['To'] : [] });
      expect(problems).toEqual([]);
      expect([...names].sort()).toEqual([...NOTICE_HEADERS].sort());
      const parsed = await simpleParser(raw);
      expect(mailbox(parsed.to)).toEqual({ name: readAs(chars, INJECTED), address });
      expect(parsed.subject).toBe(chars === '\u010d\u010a' ? `Confirm${chars}${INJECTED}` : `Confirm ${INJECTED}`);
      expect(mailbox(parsed.replyTo)).toEqual({ name: 'The Desk', address: 'desk@ledger.example' });
      expect(mailbox(parsed.from)).toEqual({ name: 'Zoë’s Ledger', address: 'digest@ledger.example' });
    });
  }

  it('refuses a stored address that the checks of issue 14 would not let in (EADDRESS), before anything is written', () => {
    for (const address of [`ada\r\n${INJECTED}@example.com`, 'ada\u0085@example.com', 'ada\u2028@example.com']) {
      expect(() => composeNoticeMessage(config, { subject: 'Hi', text: '', html: '' }, { name: 'Ada', address }, 'notices/x')).toThrow(
        expect.objectContaining({ code: 'EADDRESS' }),
      );
    }
  });
});
