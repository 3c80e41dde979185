import type { Config } from '../config/config.ts';
import type { SubscriberRow } from '../db/schema.ts';
import { composeNoticeMessage } from '../personalize/compose-message.ts';
import { type LinkHolder, type Recipient, linkToken, preferencesUrl, recipientValues, unsubscribeUrl } from '../personalize/recipient-values.ts';
import type { ConfirmSubscriptionProps } from '../../emails/confirm-subscription.tsx';
import type { WelcomeProps } from '../../emails/welcome.tsx';
import type { Transport } from '../domain.ts';
import { describeSchedule } from '../config/cron-times.ts';
import { subscriberTopics } from './subscriber-store.ts';

/** How long a confirmation link works: long enough for a weekend away, short enough that an old email cannot sign someone up. */
export const CONFIRM_LINK_DAYS = 7;

export function confirmUrl(config: Config, holder: LinkHolder, now = new Date()): string {
  return `${config.publicUrl}/confirm?token=${linkToken(config, 'confirm', holder, now)}`;
}

/** Whether a confirmation token made at `issuedAt` still works (one from before links expired, without a date, does not). */
export function confirmLinkFresh(issuedAt: Date | null, now = new Date()): boolean {
  return issuedAt !== null && now.getTime() - issuedAt.getTime() <= CONFIRM_LINK_DAYS * 86_400_000;
}

function publication(config: Config): ConfirmSubscriptionProps['publication'] {
  return { name: config.publicationName, homeUrl: config.publicUrl, postalAddress: config.postalAddress };
}

/** What the confirmation email shows `recipient` (also the preview's, and a test copy's). */
export function confirmationProps(config: Config, recipient: LinkHolder & { email: string }, now = new Date()): ConfirmSubscriptionProps {
  return { publication: publication(config), email: recipient.email, confirmUrl: confirmUrl(config, recipient, now), validDays: CONFIRM_LINK_DAYS };
}

/** What the welcome email shows `recipient`. */
export function welcomeProps(config: Config, recipient: Recipient, topics: string[]): WelcomeProps {
  return {
    publication: publication(config),
    greeting: recipientValues(config, recipient).greeting,
    email: recipient.email,
    topics,
    schedule: describeSchedule(config.cron, config.timeZone),
    archiveUrl: `${config.publicUrl}/archive`,
    preferencesUrl: preferencesUrl(config, recipient),
    unsubscribeUrl: unsubscribeUrl(config, recipient),
  };
}

/**
 * The double opt-in email with the signed confirmation link. Addressed to
 * the bare address: the name came from whoever posted the form, and a
 * stranger's words must not reach someone's inbox in a header of ours.
 */
export async function sendConfirmationEmail(config: Config, transport: Transport, subscriber: SubscriberRow): Promise<void> {
  // Loaded on first use: long-running processes that never send one keep the template toolchain out of memory.
  const { renderConfirmSubscription } = await import('../render/render-notice.ts');
  const notice = await renderConfirmSubscription(confirmationProps(config, subscriber));
  await transport.send(composeNoticeMessage(config, notice, { name: '', address: subscriber.email }, `confirm/${subscriber.id}-${subscriber.email}`));
}

/** Sent once, when a subscription is confirmed. */
export async function sendWelcomeEmail(config: Config, transport: Transport, subscriber: SubscriberRow): Promise<void> {
  const { renderWelcome } = await import('../render/render-notice.ts');
  const notice = await renderWelcome(welcomeProps(config, subscriber, subscriberTopics(subscriber)));
  await transport.send(
    composeNoticeMessage(config, notice, { name: subscriber.name, address: subscriber.email }, `welcome/${subscriber.id}-${subscriber.email}`),
  );
}
