import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { SubscriberRow } from '../db/schema.ts';
import { checkAddress } from '../mailbox.ts';
import { escapeHtml as e } from '../render/slots.ts';
import { describeSchedule } from '../config/cron-times.ts';
import { confirmSubscription, requestSubscription } from '../subscribers/lifecycle.ts';
import { CONFIRM_LINK_DAYS, confirmLinkFresh, sendConfirmationEmail, sendWelcomeEmail } from '../subscribers/notices.ts';
import type { BackgroundWork } from './background-work.ts';
import { findSubscriberById, parseTopics, setTopics, subscriberTopics, unsubscribeSubscriber } from '../subscribers/subscriber-store.ts';
import { type TokenPurpose, readToken } from '../personalize/tokens.ts';
import type { Transport } from '../domain.ts';
import { ClientLimiter } from './client-limiter.ts';
import { type Reply, badLinkPage, page, testCopyLinkPage, topicsFieldset } from './pages.ts';
import { listCategories } from '../articles/article-store.ts';

export interface AudienceDeps {
  db: Db;
  config: Config;
  /** For confirmation and welcome emails. */
  transport: Transport;
  /** Reports a failure the reader must not see (a down SMTP server); the app logs it. */
  onError?: (error: unknown, context: string) => void;
  /** Where subscription requests are handled, after the answer (see background-work.ts); a shutdown waits for it. */
  background: BackgroundWork;
  /** The clock of the per-address limits (tests move it on). */
  now?: () => Date;
}

/** What a route receives: the parsed request. */
export interface RouteRequest {
  method: string;
  url: URL;
  form: URLSearchParams;
  client: string;
}

export type Route = (request: RouteRequest) => Promise<Reply>;

function subscribeForm(config: Config, categories: string[], error = '', values: { email?: string; name?: string } = {}): string {
  const schedule = describeSchedule(config.cron, config.timeZone);
  return `<h1>Subscribe to the weekly digest</h1>
<p>${e(schedule[0]!.toUpperCase() + schedule.slice(1))}, the week's stories on ${e(config.publicationTopic)}, with why they matter and the original sources. No tracking, one-click unsubscribe.</p>
${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}
<form method="post" action="/subscribe">
<label for="email">Email address</label><input id="email" name="email" type="email" required autocomplete="email" value="${e(values.email ?? '')}">
<label for="name">Name <span class="muted">(optional, for the greeting)</span></label><input id="name" name="name" type="text" autocomplete="name" value="${e(values.name ?? '')}">
${categories.length ? topicsFieldset(categories, [], 'Topics (tick none to get them all)') : ''}
<button type="submit">Subscribe</button></form>
<p class="muted">We will send one email to confirm the address. ${e(config.publicationName)} never shares it.</p>`;
}

/** The one answer to every well-formed subscription request, whatever the address's state. */
function checkInboxPage(config: Config, email: string): Reply {
  return page(
    config,
    200,
    'Check your inbox',
    `<h1>Check your inbox</h1><p>If ${e(email)} can receive the digest, a message with a confirmation link is on its way. Click it and you are subscribed.</p>`,
  );
}

function alreadyConfirmedPage(config: Config, email: string) {
  return page(config, 200, 'Already subscribed', `<h1>Already confirmed</h1><p>${e(email)} is subscribed. Nothing else to do.</p>`);
}

/** The answer to every way of leaving, and to a second visit after it: the way back in is one click away. */
function unsubscribedPage(config: Config, email: string) {
  return page(
    config,
    200,
    'Unsubscribed',
    `<h1>You're unsubscribed</h1><p>${e(email)} gets no more digests. Changed your mind? <a href="/subscribe">Subscribe again</a>.</p>`,
  );
}

/** What the route handlers share: the deps, the clock and the subscribe form's per-client limit. */
interface Audience extends AudienceDeps {
  now: () => Date;
  subscribeLimit: ClientLimiter;
}

/**
 * The reader-facing routes: subscribe (double opt-in), confirm, unsubscribe
 * (RFC 8058 one-click) and preferences. Every token is checked for its
 * purpose and signature before anything changes.
 */
export function audienceRoutes(deps: AudienceDeps): Record<string, Route> {
  const audience: Audience = { ...deps, now: deps.now ?? (() => new Date()), subscribeLimit: new ClientLimiter(5, 10 * 60_000) };
  const routes: Record<string, Route> = {
    'GET /subscribe': () => showSubscribeForm(audience),
    'POST /subscribe': (request) => postSubscribe(audience, request),
    'GET /confirm': (request) => showConfirmForm(audience, request),
    'POST /confirm': (request) => postConfirm(audience, request),
    'GET /unsubscribe': (request) => showUnsubscribeForm(audience, request),
    'POST /unsubscribe': (request) => postUnsubscribe(audience, request),
    'GET /preferences': (request) => showPreferences(audience, request),
    'POST /preferences': (request) => postPreferences(audience, request),
  };
  // An editor's test copy carries the inert `test` token in every personal link: each link route,
  // GET and POST, explains what the link does for a reader instead of doing it.
  for (const [key, route] of Object.entries(routes)) {
    const whatItDoes = WHAT_LINKS_DO[key.slice(key.indexOf(' ') + 1)];
    if (whatItDoes)
      routes[key] = async (request) => (isTestCopyLink(audience.config, request.url) ? testCopyLinkPage(audience.config, whatItDoes) : route(request));
  }
  return routes;
}

/** The subscriber a link's token names (signature and purpose checked), with when the token was made. */
async function tokenHolder({ db, config }: Audience, url: URL, purpose: TokenPurpose) {
  const token = readToken(config.appSecret, url.searchParams.get('token') ?? '', purpose);
  const subscriber = token ? await findSubscriberById(db, token.subscriberId) : undefined;
  return token && subscriber ? { subscriber, issuedAt: token.issuedAt } : undefined;
}

async function subscriberFor(audience: Audience, url: URL, purpose: TokenPurpose) {
  return (await tokenHolder(audience, url, purpose))?.subscriber;
}

/** The pending subscriber a confirmation link names, or the page that answers instead: a bad, expired or spent link. */
async function confirmTarget(audience: Audience, url: URL): Promise<SubscriberRow | Reply> {
  const { config } = audience;
  const holder = await tokenHolder(audience, url, 'confirm');
  if (!holder) return badLinkPage(config);
  const { subscriber, issuedAt } = holder;
  // However old the link, it can still say that the address is on the list.
  if (subscriber.status === 'active') return alreadyConfirmedPage(config, subscriber.email);
  if (subscriber.status !== 'pending') {
    return page(
      config,
      200,
      'Link expired',
      `<h1>This link is no longer valid</h1><p>The address left the list since. <a href="/subscribe">Subscribe again</a> if you would like the digest.</p>`,
    );
  }
  if (!confirmLinkFresh(issuedAt)) {
    return page(
      config,
      410,
      'Link expired',
      `<h1>This link has expired</h1><p>Confirmation links work for ${CONFIRM_LINK_DAYS} days. <a href="/subscribe">Subscribe again</a> and we will send you a new one.</p>`,
    );
  }
  return subscriber;
}

function isTestCopyLink(config: Config, url: URL): boolean {
  return readToken(config.appSecret, url.searchParams.get('token') ?? '', 'test') !== null;
}

function tokenQuery(url: URL): string {
  return `?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`;
}

/** The topics in a posted form that the publication has (`categories`, read when not given), as the reader spelled them. */
async function chosenTopics(db: Db, form: URLSearchParams, categories?: string[]): Promise<string[]> {
  const known = categories ?? (await listCategories(db));
  return parseTopics(form.getAll('topics').join(',')).filter((t) => known.includes(t));
}

/**
 * The part of a subscription request that depends on the address's state,
 * run after the answer: what it finds, changes and sends must not show in
 * the answer or in how long it took. Failures go to onError.
 */
async function handleSubscriptionRequest(audience: Audience, email: string, name: string, form: URLSearchParams): Promise<void> {
  const { db, config, transport } = audience;
  const { outcome, subscriber } = await requestSubscription(db, { email, name, topics: await chosenTopics(db, form) }, audience.now());
  if (outcome === 'confirmation') audience.background.start(() => sendConfirmationEmail(config, transport, subscriber), 'confirmation email');
}

async function showSubscribeForm({ db, config }: Audience): Promise<Reply> {
  return page(config, 200, 'Subscribe', subscribeForm(config, await listCategories(db)));
}

async function postSubscribe(audience: Audience, { form, client }: RouteRequest): Promise<Reply> {
  const { db, config } = audience;
  if (!audience.subscribeLimit.allow(client)) {
    return page(config, 429, 'Too many requests', '<h1>Too many requests</h1><p>Please wait a few minutes before trying again.</p>');
  }
  const check = checkAddress(form.get('email') ?? '');
  const name = (form.get('name') ?? '').slice(0, 120);
  if (!check.ok) {
    const error = `That does not look like an email address: it ${check.problem}.`;
    return page(config, 400, 'Subscribe', subscribeForm(config, await listCategories(db), error, { email: form.get('email') ?? '', name }));
  }
  const email = check.address;
  // Only the input is checked before answering; the same answer, as quick, for a new address, one on the list, one that left or bounced or complained.
  audience.background.start(() => handleSubscriptionRequest(audience, email, name, form), 'subscription request');
  return checkInboxPage(config, email);
}

// Mail scanners (Safe Links and the like) open every link: a GET only shows the button, so that
// nobody is signed up because their employer's scanner followed a link they never asked for.
// Anyone may have posted the form for this address: its owner sees the name and topics and settles them here.
async function showConfirmForm(audience: Audience, { url }: RouteRequest): Promise<Reply> {
  const { db, config } = audience;
  const target = await confirmTarget(audience, url);
  if (!('email' in target)) return target;
  const categories = await listCategories(db);
  return page(
    config,
    200,
    'Confirm your subscription',
    `<h1>Confirm your subscription</h1><p>The weekly digest of ${e(config.publicationName)} will go to ${e(target.email)}.</p>
<form method="post" action="/confirm${e(tokenQuery(url))}"><input type="hidden" name="choices" value="1">
<label for="name">Name <span class="muted">(optional, for the greeting)</span></label><input id="name" name="name" type="text" autocomplete="name" value="${e(target.name)}">
${categories.length ? topicsFieldset(categories, subscriberTopics(target), 'Topics (tick none to get them all)') : ''}
<button type="submit">Confirm my subscription</button></form>`,
  );
}

async function postConfirm(audience: Audience, { url, form }: RouteRequest): Promise<Reply> {
  const { db, config, transport } = audience;
  const target = await confirmTarget(audience, url);
  if (!('email' in target)) return target;
  // A POST without the page's fields (an older page, a client of its own) keeps what is stored.
  const choices = form.get('choices') === '1' ? { name: (form.get('name') ?? '').slice(0, 120), topics: await chosenTopics(db, form) } : undefined;
  const { outcome, subscriber: updated } = await confirmSubscription(db, target.id, new Date(), choices);
  if (outcome === 'confirmed') {
    await sendWelcomeEmail(config, transport, updated!).catch((error: unknown) => audience.onError?.(error, 'welcome email'));
    return page(
      config,
      200,
      'Subscribed',
      `<h1>You're subscribed</h1><p>The weekly digest will reach ${e(updated!.email)} every week. A welcome email explains how to choose topics or leave.</p>`,
    );
  }
  // Another click got there a moment before this one.
  return alreadyConfirmedPage(config, target.email);
}

// Link scanners follow GET links: a GET only shows the button.
async function showUnsubscribeForm(audience: Audience, { url }: RouteRequest): Promise<Reply> {
  const { config } = audience;
  const subscriber = await subscriberFor(audience, url, 'unsubscribe');
  if (!subscriber) return badLinkPage(config);
  if (subscriber.status === 'unsubscribed') return unsubscribedPage(config, subscriber.email);
  return page(
    config,
    200,
    'Unsubscribe',
    `<h1>Unsubscribe?</h1><p>${e(subscriber.email)} will get no more weekly digests from ${e(config.publicationName)}.</p>
<form method="post" action="/unsubscribe${e(tokenQuery(url))}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

// RFC 8058: mailbox providers POST `List-Unsubscribe=One-Click` here; 200, no redirect, no cookie.
async function postUnsubscribe(audience: Audience, { url }: RouteRequest): Promise<Reply> {
  const { db, config } = audience;
  const subscriber = await subscriberFor(audience, url, 'unsubscribe');
  if (!subscriber) return badLinkPage(config);
  await unsubscribeSubscriber(db, subscriber.id);
  return unsubscribedPage(config, subscriber.email);
}

async function showPreferences(audience: Audience, { url }: RouteRequest): Promise<Reply> {
  const { db, config } = audience;
  const subscriber = await subscriberFor(audience, url, 'preferences');
  if (!subscriber) return badLinkPage(config);
  return preferencesPage(config, tokenQuery(url), subscriber.email, await listCategories(db), subscriberTopics(subscriber), '');
}

async function postPreferences(audience: Audience, { url, form }: RouteRequest): Promise<Reply> {
  const { db, config } = audience;
  const subscriber = await subscriberFor(audience, url, 'preferences');
  if (!subscriber) return badLinkPage(config);
  if (form.get('action') === 'unsubscribe') {
    await unsubscribeSubscriber(db, subscriber.id);
    return unsubscribedPage(config, subscriber.email);
  }
  const categories = await listCategories(db);
  const topics = await chosenTopics(db, form, categories);
  await setTopics(db, subscriber.id, topics);
  return preferencesPage(config, tokenQuery(url), subscriber.email, categories, topics, topics.length ? `Saved: ${topics.join(', ')}.` : 'Saved: every topic.');
}

/** The routes of the personal links in an email, and what each does in a reader's copy. */
const WHAT_LINKS_DO: Record<string, string> = {
  '/confirm': 'confirms their subscription',
  '/unsubscribe': 'unsubscribes them in one click',
  '/preferences': 'opens their topic choices',
};

function preferencesPage(config: Config, query: string, email: string, categories: string[], chosen: string[], notice: string): Reply {
  return page(
    config,
    200,
    'Your topics',
    `<h1>Your topics</h1><p>Choose what the digest to ${e(email)} covers. Tick none to get every topic.</p>
${notice ? `<p role="status">${e(notice)}</p>` : ''}
<form method="post" action="/preferences${e(query)}"><input type="hidden" name="action" value="save">${topicsFieldset(categories, chosen, 'Topics')}<button type="submit">Save topics</button></form>
<form method="post" action="/preferences${e(query)}"><input type="hidden" name="action" value="unsubscribe"><p><button type="submit" class="secondary">Unsubscribe from the digest</button></p></form>`,
  );
}
