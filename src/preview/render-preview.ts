/**
 * What the preview shows, produced by the sender's own code: the digest goes
 * through compileDigest → withMime → composeDigestMessage exactly as in
 * `digest send`, so the HTML in the preview is the HTML a sample subscriber
 * receives. A test copy takes the same path with the editor as recipient.
 *
 * The preview server imports this module afresh after every change under
 * emails/ (see load-fresh.ts), so it always renders the templates on disk.
 */
import { createElement } from 'react';
import WeeklyDigest, { PreviewProps as digestPreviewProps } from '../../emails/weekly-digest.tsx';
import ConfirmSubscription, { PreviewProps as confirmPreviewProps } from '../../emails/confirm-subscription.tsx';
import Welcome, { PreviewProps as welcomePreviewProps } from '../../emails/welcome.tsx';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { Week } from '../week.ts';
import { SAMPLE_RECIPIENT } from '../personalize/sample-copy.ts';
import { draftContent, loadDigestContent } from '../digests/find-digest.ts';
import { findDigest } from '../digests/digest-store.ts';
import { composeDigestMessage, composeNoticeMessage, testCopyKey } from '../personalize/compose-message.ts';
import { type Recipient, displayName, recipientValues, testRecipient } from '../personalize/recipient-values.ts';
import { compileMjml } from '../render/compile-mjml.ts';
import { digestText } from '../render/digest-text.ts';
import { compileInProcess } from '../render/segment-compiler.ts';
import { storedCompiler } from '../render/stored-segments.ts';
import { withMime } from '../personalize/personalize.ts';
import { renderConfirmSubscription, renderWelcome } from '../render/render-notice.ts';
import { confirmationProps, welcomeProps } from '../subscribers/notices.ts';
import type { OutgoingMessage } from '../domain.ts';
import { activeTopicChoices, firstActiveSubscriber, searchSubscribers } from '../subscribers/subscriber-store.ts';
import { ALL, type SegmentKey, segmentFor } from '../digests/segments.ts';

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
  /** The digest's versions this week (topic segments of active readers), each with how many get it; the one shown. */
  segments?: { key: SegmentKey; readers: number }[];
  segment?: SegmentKey;
  /** Said above the preview: a reader not found, or one who gets nothing this week. */
  notice?: string | null;
}

/** Whom and which version the editor asked to see: a reader by address (or part of one), a topic segment. */
export interface PreviewChoice {
  reader?: string | null;
  segment?: string | null;
}

/** A test copy says so where every inbox shows it. */
function subjectFor(recipient: Recipient, subject: string): string {
  return recipient.test ? `[TEST] ${subject}` : subject;
}

/** A one-off message: to the editor (named, with a key of its own) for a test copy; else to the sample address. */
function composeNotice(config: Config, recipient: Recipient, notice: { subject: string; html: string; text: string }, address: string) {
  const to = recipient.test ? { name: displayName(recipient), address: recipient.email } : { name: '', address };
  return composeNoticeMessage(
    config,
    { ...notice, subject: subjectFor(recipient, notice.subject) },
    to,
    recipient.test ? testCopyKey(recipient.email) : 'preview',
  );
}

/** The week's versions: every topic segment an active reader gets (the full digest always listed), with its readers. */
async function weekSegments(db: Db, categories: string[]): Promise<{ key: SegmentKey; readers: number }[]> {
  const counts = new Map<SegmentKey, number>([[ALL, 0]]);
  for (const { topics, readers } of await activeTopicChoices(db)) {
    const key = segmentFor(topics, categories);
    if (key) counts.set(key, (counts.get(key) ?? 0) + readers);
  }
  return [...counts].map(([key, readers]) => ({ key, readers }));
}

async function previewDigest(db: Db, config: Config, week: Week, now: Date, reader: Reader, choice: PreviewChoice): Promise<PreviewResult> {
  const { recipient } = reader;
  const digest = await findDigest(db, week.id);
  const content = digest ? await loadDigestContent(db, digest, week) : await draftContent(db, config, week);
  if (!content) {
    const props = recipient.test ? { ...digestPreviewProps, recipient: recipientValues(config, recipient) } : digestPreviewProps;
    const { mjml, html } = await compileMjml(createElement(WeeklyDigest, props));
    const message = composeNotice(config, recipient, { subject: props.subject, html, text: digestText(props) }, props.recipient.email);
    return { template: 'weekly-digest', source: `PreviewProps (${week.id} has no articles)`, recipient: message.to.address, message, mjml };
  }
  const categories = content.articles.map((a) => a.category);
  const segments = await weekSegments(db, categories);
  const readerKey = reader.topics ? segmentFor(reader.topics, categories) : ALL;
  const asked = segments.find((s) => s.key === choice.segment)?.key;
  const segment = asked ?? readerKey ?? ALL;
  const notice =
    reader.notice ?? (readerKey === null && !asked ? `${recipient.email} gets no digest this week: no stories in their topics. Shown: the full digest.` : null);
  // A built issue's versions are in the store once compiled (the sender's own cache, keyed by everything they
  // are compiled from, templates included): the same bytes, without compiling on every page load.
  const compiled = (await storedCompiler(db, compileInProcess)(content, [segment], config)).get(segment)!;
  // withMime encodes the subject into the shared headers: a test copy's is marked before that.
  const rendered = withMime(config, { ...compiled, subject: subjectFor(recipient, compiled.subject) });
  const message = composeDigestMessage(config, rendered, week.id, recipient, now);
  const built = digest ? `the ${digest.status} digest built ${digest.built_at}` : `the ${content.articles.length} articles of ${week.id} (not built yet)`;
  const source = segment === ALL ? built : `${built}, the ${segment.replaceAll('|', ', ')} version`;
  return { template: 'weekly-digest', source, recipient: recipient.email, message, mjml: rendered.mjml, segments, segment, notice };
}

/** A reader to render for: their link values, their topics (null: a made-up or test recipient, who gets everything), and what to say. */
interface Reader {
  recipient: Recipient;
  topics: string[] | null;
  notice: string | null;
}

/**
 * Whom a render is for on the preview page: the reader the editor searched
 * for (by address or part of one), else the first active subscriber, else
 * SAMPLE_RECIPIENT (shown with the template's PreviewProps). A test copy is
 * for the editor who asked (testRecipient).
 */
async function chosenReader(db: Db, query: string | null | undefined): Promise<Reader> {
  const wanted = query?.trim();
  const row = wanted ? (await searchSubscribers(db, wanted, 1))[0] : await firstActiveSubscriber(db);
  if (row) return { recipient: { id: row.id, email: row.email, name: row.name }, topics: JSON.parse(row.topics) as string[], notice: null };
  return { recipient: SAMPLE_RECIPIENT, topics: null, notice: wanted ? `No subscriber matches "${wanted}": shown for a sample reader.` : null };
}

async function renderFor(
  db: Db,
  config: Config,
  template: TemplateName,
  week: Week,
  now: Date,
  reader: Reader,
  choice: PreviewChoice = {},
): Promise<PreviewResult> {
  const { recipient } = reader;
  if (template === 'weekly-digest') return previewDigest(db, config, week, now, reader, choice);
  // No subscriber to show: the templates' PreviewProps stand in.
  const madeUp = recipient === SAMPLE_RECIPIENT;
  const source = recipient.test ? 'a test copy' : madeUp ? 'PreviewProps' : 'the first active subscriber';
  if (template === 'confirm-subscription') {
    const props = madeUp ? confirmPreviewProps : confirmationProps(config, recipient, now);
    const notice = await renderConfirmSubscription(props);
    return { template, source, recipient: props.email, message: composeNotice(config, recipient, notice, props.email), mjml: notice.mjml };
  }
  const props = madeUp ? welcomePreviewProps : welcomeProps(config, recipient, []);
  const notice = await renderWelcome(props);
  return { template, source, recipient: props.email, message: composeNotice(config, recipient, notice, props.email), mjml: notice.mjml };
}

/**
 * Renders `template` as it would be sent now. For the digest, `week` picks
 * the week; the frozen digest is shown when it was built.
 */
export async function renderPreview(
  db: Db,
  config: Config,
  template: TemplateName,
  week: Week,
  now = new Date(),
  choice: PreviewChoice = {},
): Promise<PreviewResult> {
  return renderFor(db, config, template, week, now, await chosenReader(db, choice.reader), choice);
}

/**
 * A test copy of what renderPreview shows, for the editor who asked: the same
 * template and bytes, with `[TEST]` before the subject, the editor in To and
 * the greeting, and inert `test` tokens in every personal link (List-Unsubscribe
 * too), so that no click in it can act on a real reader.
 */
export async function renderTestCopy(
  db: Db,
  config: Config,
  template: TemplateName,
  week: Week,
  editor: { email: string; name?: string },
  now = new Date(),
  choice: PreviewChoice = {},
): Promise<OutgoingMessage> {
  // The version on the editor's screen: the chosen reader's (by their topics) or the chosen one; sent to the editor.
  const topics = choice.reader?.trim() ? (await chosenReader(db, choice.reader)).topics : null;
  return (await renderFor(db, config, template, week, now, { recipient: testRecipient(editor), topics, notice: null }, choice)).message;
}

/**
 * Compiles the digest's PreviewProps once and throws the result away: the
 * first compile in a process loads the rest of the toolchain (the minifier,
 * CSS tools) and costs ten times a later one, and the preview pays it at
 * start instead of on the editor's first page.
 */
export async function warmUp(): Promise<void> {
  await compileMjml(createElement(WeeklyDigest, digestPreviewProps));
}

const COMPONENTS = { 'weekly-digest': WeeklyDigest, 'confirm-subscription': ConfirmSubscription, welcome: Welcome } as const;

/**
 * A template compiled with the props given, by the sender's compile (strict
 * MJML): what React Email's tools show (react-email/, scripts/email-dev.ts).
 * Props missing are the template's PreviewProps.
 */
export async function compileTemplate(name: string, props: object): Promise<string> {
  if (!Object.hasOwn(COMPONENTS, name)) throw new Error(`no template called ${name}`);
  const Template = COMPONENTS[name as TemplateName] as (props: object) => ReturnType<typeof WeeklyDigest>;
  return (await compileMjml(createElement(Template, props))).html;
}
