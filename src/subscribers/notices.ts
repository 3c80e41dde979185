import type { Config } from '../config.ts';
import type { SubscriberRow } from '../db/schema.ts';
import { composeNoticeMessage } from '../delivery/compose-message.ts';
import { preferencesUrl, recipientValues, unsubscribeUrl } from '../delivery/recipient-values.ts';
import type { Transport } from '../transport/transport.ts';
import { signToken } from './tokens.ts';
import { describeSchedule } from '../schedule/cron-times.ts';
import { subscriberTopics } from './subscriber-store.ts';

export function confirmUrl(config: Config, subscriberId: number): string {
  return `${config.publicUrl}/confirm?token=${signToken(config.appSecret, 'confirm', subscriberId)}`;
}

function publication(config: Config) {
  return { name: config.publicationName, homeUrl: config.publicUrl, postalAddress: config.postalAddress };
}

/** The double opt-in email with the signed confirmation link. */
export async function sendConfirmationEmail(config: Config, transport: Transport, subscriber: SubscriberRow): Promise<void> {
  // Loaded on first use: long-running processes that never send one keep the template toolchain out of memory.
  const { renderConfirmSubscription } = await import('../render/render-notice.ts');
  const notice = await renderConfirmSubscription({ publication: publication(config), email: subscriber.email, confirmUrl: confirmUrl(config, subscriber.id) });
  await transport.send(composeNoticeMessage(config, notice, { name: subscriber.name, address: subscriber.email }, `confirm/${subscriber.id}-${subscriber.email}`));
}

/** Sent once, when a subscription is confirmed. */
export async function sendWelcomeEmail(config: Config, transport: Transport, subscriber: SubscriberRow): Promise<void> {
  const { renderWelcome } = await import('../render/render-notice.ts');
  const notice = await renderWelcome({
    publication: publication(config),
    greeting: recipientValues(config, subscriber).greeting,
    email: subscriber.email,
    topics: subscriberTopics(subscriber),
    schedule: describeSchedule(config.cron, config.timeZone),
    archiveUrl: `${config.publicUrl}/archive`,
    preferencesUrl: preferencesUrl(config, subscriber.id),
    unsubscribeUrl: unsubscribeUrl(config, subscriber.id),
  });
  await transport.send(composeNoticeMessage(config, notice, { name: subscriber.name, address: subscriber.email }, `welcome/${subscriber.id}-${subscriber.email}`));
}
