/**
 * What the preview shows, produced by the sender's own code: the digest goes
 * through renderDigest → composeDigestMessage exactly as in `digest send`, so
 * the HTML in the preview is the HTML a sample subscriber receives.
 *
 * The preview server imports this module afresh after every change under
 * emails/ (see load-fresh.ts), so it always renders the templates on disk.
 */
import { createElement } from 'react';
import WeeklyDigest, { PreviewProps as digestPreviewProps } from '../../emails/weekly-digest.tsx';
import { PreviewProps as confirmPreviewProps } from '../../emails/confirm-subscription.tsx';
import { PreviewProps as welcomePreviewProps } from '../../emails/welcome.tsx';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import type { Week } from '../articles/week.ts';
import { SAMPLE_RECIPIENT } from '../digests/build-digest.ts';
import { draftContent, findDigest, loadDigestContent } from '../digests/find-digest.ts';
import { composeDigestMessage, composeNoticeMessage } from '../delivery/compose-message.ts';
import type { Recipient } from '../delivery/recipient-values.ts';
import { compileMjml } from '../render/compile-mjml.ts';
import { digestText } from '../render/digest-text.ts';
import { renderDigest } from '../render/render-digest.ts';
import { renderConfirmSubscription, renderWelcome } from '../render/render-notice.ts';
import { confirmationProps, welcomeProps } from '../subscribers/notices.ts';
import type { OutgoingMessage } from '../transport/transport.ts';

export const TEMPLATES = [
  { name: 'weekly-digest', title: 'Weekly digest', file: 'emails/weekly-digest.tsx' },
  { name: 'confirm-subscription', title: 'Confirm subscription', file: 'emails/confirm-subscription.tsx' },
  { name: 'welcome', title: 'Welcome', file: 'emails/welcome.tsx' },
] as const;

export type TemplateName = (typeof TEMPLATES)[number]['name'];

export interface PreviewResult {
  template: TemplateName;
  /** Where the content came from: the database, or the template's PreviewProps. */
  source: string;
  recipient: string;
  message: OutgoingMessage;
  mjml: string;
}

/** The first active subscriber stands in for "a sample subscriber"; else a made-up one. */
async function sampleRecipient(db: Db): Promise<Recipient> {
  const row = await db.selectFrom('subscribers').select(['id', 'email', 'name']).where('status', '=', 'active').orderBy('id').limit(1).executeTakeFirst();
  return row ?? SAMPLE_RECIPIENT;
}

async function previewDigest(db: Db, config: Config, week: Week, now: Date): Promise<PreviewResult> {
  const recipient = await sampleRecipient(db);
  const digest = await findDigest(db, week.id);
  const content = digest ? await loadDigestContent(db, digest, week) : await draftContent(db, config, week);
  if (!content) {
    const { mjml, html } = await compileMjml(createElement(WeeklyDigest, digestPreviewProps));
    const message = composeNoticeMessage(config, { subject: digestPreviewProps.subject, html, text: digestText(digestPreviewProps) }, { name: '', address: digestPreviewProps.recipient.email }, 'preview');
    return { template: 'weekly-digest', source: `PreviewProps (${week.id} has no articles)`, recipient: digestPreviewProps.recipient.email, message, mjml };
  }
  const rendered = await renderDigest(content, config);
  const message = composeDigestMessage(config, rendered, week.id, recipient, now);
  const source = digest ? `the ${digest.status} digest built ${digest.built_at}` : `the ${content.articles.length} articles of ${week.id} (not built yet)`;
  return { template: 'weekly-digest', source, recipient: recipient.email, message, mjml: rendered.mjml };
}

/**
 * Renders `template` as it would be sent now. For the digest, `week` picks
 * the week; the frozen digest is shown when it was built.
 */
export async function renderPreview(db: Db, config: Config, template: TemplateName, week: Week, now = new Date()): Promise<PreviewResult> {
  if (template === 'weekly-digest') return previewDigest(db, config, week, now);
  const recipient = await sampleRecipient(db);
  const fromDb = recipient !== SAMPLE_RECIPIENT;
  if (template === 'confirm-subscription') {
    const props = fromDb ? confirmationProps(config, recipient, now) : confirmPreviewProps;
    const notice = await renderConfirmSubscription(props);
    const message = composeNoticeMessage(config, notice, { name: '', address: props.email }, 'preview');
    return { template, source: fromDb ? 'the first active subscriber' : 'PreviewProps', recipient: props.email, message, mjml: notice.mjml };
  }
  const props = fromDb ? welcomeProps(config, recipient, []) : welcomePreviewProps;
  const notice = await renderWelcome(props);
  const message = composeNoticeMessage(config, notice, { name: '', address: props.email }, 'preview');
  return { template, source: fromDb ? 'the first active subscriber' : 'PreviewProps', recipient: props.email, message, mjml: notice.mjml };
}
