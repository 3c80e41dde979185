import type { Config } from '../config.ts';
import { toOneLine, truncate } from '../render/one-line.ts';
import type { SlotValues } from '../render/slots.ts';
import { signToken } from '../subscribers/tokens.ts';

export interface Recipient {
  id: number;
  email: string;
  name: string;
}

export function unsubscribeUrl(config: Config, subscriberId: number): string {
  return `${config.publicUrl}/unsubscribe?token=${signToken(config.appSecret, 'unsubscribe', subscriberId)}`;
}

export function preferencesUrl(config: Config, subscriberId: number): string {
  return `${config.publicUrl}/preferences?token=${signToken(config.appSecret, 'preferences', subscriberId)}`;
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
    unsubscribeUrl: unsubscribeUrl(config, recipient.id),
    preferencesUrl: preferencesUrl(config, recipient.id),
  };
}
