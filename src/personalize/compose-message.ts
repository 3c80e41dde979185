import { createHmac, randomUUID } from 'node:crypto';
import type { Config } from '../config/config.ts';
import { type RenderedDigest, personalize } from './personalize.ts';
import { needsSmtpUtf8 } from '../mailbox.ts';
import { checkedAddress, headerText } from './header-fields.ts';
import { buildMessage } from './mime-message.ts';
import type { MessageBuffers } from './message-buffers.ts';
import type { OutgoingMessage } from '../domain.ts';
import { type Recipient, displayName, recipientValues } from './recipient-values.ts';

/**
 * The Message-ID of a (digest, subscriber) pair is the same on every attempt,
 * so a copy resent after a crash carries the first copy's id and mail
 * providers can fold the two.
 */
export function digestMessageId(config: Config, weekId: string, subscriberId: number): string {
  const tag = createHmac('sha256', config.appSecret).update(`${weekId}:${subscriberId}`).digest('hex').slice(0, 12);
  return `<${weekId}.${subscriberId}.${tag}@${config.senderDomain}>`;
}

/** Every Message-ID in `text` that this publication gave a digest (its tag checked): whose copy, of which week. */
export function digestMessageIdsIn(config: Config, text: string): { weekId: string; subscriberId: number }[] {
  const found: { weekId: string; subscriberId: number }[] = [];
  for (const [id, weekId, subscriber] of text.matchAll(/<(\d{4}-W\d{2})\.(\d+)\.[0-9a-f]{12}@[^>\s]+>/g)) {
    const subscriberId = Number(subscriber);
    if (id === digestMessageId(config, weekId!, subscriberId)) found.push({ weekId: weekId!, subscriberId });
  }
  return found;
}

/** A test copy is a new message every time: mailboxes fold copies that share a Message-ID. */
function testMessageId(config: Config): string {
  return `<test.${randomUUID()}@${config.senderDomain}>`;
}

/** Where a test copy files (the outbox names files by key): apart from the week's copies, one file a send. */
export function testCopyKey(address: string): string {
  return `test/${Date.now()}-${address}`;
}

/**
 * One subscriber's copy of the digest (or an editor's test copy, see
 * testRecipient), with every header the design requires. With `buffers`,
 * its bytes (`raw`) are written into pooled memory, which the caller gives
 * back once the message was accepted.
 */
export function composeDigestMessage(
  config: Config,
  rendered: RenderedDigest,
  weekId: string,
  recipient: Recipient,
  date: Date,
  buffers?: MessageBuffers,
): OutgoingMessage {
  const values = recipientValues(config, recipient);
  const to = { name: displayName(recipient), address: recipient.email };
  const messageId = recipient.test ? testMessageId(config) : digestMessageId(config, weekId, recipient.id);
  let personalized: ReturnType<typeof personalize> | undefined;
  // The wire bytes are spliced from the segment's pre-encoded parts; the
  // decoded html/text are only built when someone reads them (preview, tests).
  const body = () => (personalized ??= personalize(rendered, values));
  return {
    key: recipient.test ? testCopyKey(recipient.email) : `${weekId}/${recipient.id}-${recipient.email}`,
    from: config.mailFrom,
    to,
    replyTo: config.mailReplyTo,
    // As the Subject header reads it (one line); `raw` has it encoded.
    subject: headerText(rendered.subject),
    get text() {
      return body().text;
    },
    get html() {
      return body().html;
    },
    messageId,
    date,
    headers: {
      'List-Id': rendered.mime.listId,
      // RFC 8058 one-click unsubscribe: mailbox providers POST to this URL.
      'List-Unsubscribe': `<${values.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    raw: buildMessage(rendered.mime, { to, messageId, date, unsubscribeUrl: values.unsubscribeUrl, values }, buffers),
  };
}

/**
 * A one-off email (confirmation, welcome, test send) to one address;
 * nodemailer encodes its headers. Name and subject go to it as one line
 * (no controls or line separators): nodemailer encodes what is beyond
 * ASCII, but would put ASCII controls such as NUL inside a quoted name.
 */
export function composeNoticeMessage(
  config: Config,
  email: { subject: string; html: string; text: string },
  to: { name: string; address: string },
  key: string,
  date = new Date(),
): OutgoingMessage {
  return {
    key,
    from: config.mailFrom,
    // A stored address from before the checks of issue 14 may not pass them: refused (EADDRESS), not sent.
    to: { name: headerText(to.name), address: checkedAddress('To', to.address, needsSmtpUtf8(to.address)) },
    replyTo: config.mailReplyTo,
    subject: headerText(email.subject),
    text: email.text,
    html: email.html,
    messageId: `<notice.${randomUUID()}@${config.senderDomain}>`,
    date,
    headers: {},
  };
}
