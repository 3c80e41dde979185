import type { Config } from '../config/config.ts';
import { toOneLine, truncate } from '../text/one-line.ts';
import type { SlotValues } from '../render/slots.ts';
import { type TokenPurpose, signToken } from './tokens.ts';

export interface Recipient {
  id: number;
  email: string;
  name: string;
  /**
   * An editor receiving a test copy, not a subscriber: every personal link
   * carries the inert `test` token (see testRecipient).
   */
  test?: boolean;
}

/** Whose links a token is for: a subscriber, or an editor's test copy. */
export type LinkHolder = Pick<Recipient, 'id' | 'test'>;

/**
 * The editor who asked for a test copy, as its recipient: To and greeting
 * are theirs (a neutral greeting without a name), and no link in the copy
 * can act on a real reader, whoever the copy is forwarded to.
 *
 * @example
 * composeDigestMessage(config, rendered, week.id, testRecipient({ email: 'ed@example.org', name: 'Ed' }), now)
 */
export function testRecipient(editor: { email: string; name?: string }): Recipient {
  return { id: 0, email: editor.email, name: editor.name ?? '', test: true };
}

/** The token of one of `holder`'s links: signed for `purpose` and the subscriber, or the inert `test` token. */
export function linkToken(config: Config, purpose: TokenPurpose, holder: LinkHolder, issuedAt?: Date): string {
  return holder.test ? signToken(config.appSecret, 'test', 0) : signToken(config.appSecret, purpose, holder.id, issuedAt);
}

export function unsubscribeUrl(config: Config, holder: LinkHolder): string {
  return `${config.publicUrl}/unsubscribe?token=${linkToken(config, 'unsubscribe', holder)}`;
}

export function preferencesUrl(config: Config, holder: LinkHolder): string {
  return `${config.publicUrl}/preferences?token=${linkToken(config, 'preferences', holder)}`;
}

/** The subscriber's name as the greeting and the To header show it: one line, no tags, at most 80 characters. */
export function displayName(recipient: Recipient): string {
  return truncate(toOneLine(recipient.name), 80);
}

/** The per-subscriber slot values: greeting, address and signed links. */
export function recipientValues(config: Config, recipient: Recipient): SlotValues {
  const name = displayName(recipient);
  return {
    greeting: name ? `Hi ${name},` : 'Hello,',
    email: recipient.email,
    unsubscribeUrl: unsubscribeUrl(config, recipient),
    preferencesUrl: preferencesUrl(config, recipient),
  };
}
