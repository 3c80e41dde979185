import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type FSWatcher, watch } from 'node:fs';
import { join, relative } from 'node:path';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import { type Week, formatWeekRange, weekContaining, weekOf } from '../week.ts';
import { isUserError } from '../errors.ts';
import { checkAddress } from '../mailbox.ts';
import { escapeHtml as e } from '../render/slots.ts';
import type { OutgoingMessage, Transport } from '../domain.ts';
import { AllowedHosts } from '../config/allowed-hosts.ts';
import { type CompileFailure, FreshModule, describeFailure } from './load-fresh.ts';
import { locateMjmlErrors, mjmlErrorsHtml } from './checks/mjml-errors.ts';
import type { MjmlWarning } from '../render/compile-mjml.ts';
import { VIEW_PARAMS, type WeekEntry, badWeekPage, failurePage, indexPage, messagePage, previewPage, renderFailurePage } from './pages.ts';
import type * as RenderPreview from './render-preview.ts';
import { listPublishedDates } from '../articles/article-store.ts';
import { digestStatuses } from '../digests/digest-store.ts';
import { approveIssue, editIssue } from '../digests/edit-issue.ts';
import { editorName, editsToReach } from '../digests/editor-choices.ts';
import { measureSampleCopy } from '../personalize/sample-copy.ts';
import { choicesFromForm, loadDesk } from './desk.ts';
import type { CheckCaches } from './checks-panel.ts';
import { LinkCache } from './checks/link-check.ts';
import type { ImageFetch } from './checks/image-check.ts';
import { gmailAppDark, outlookComDark } from './checks/dark-inversion.ts';
import { AXE_SCRIPT_URL, axeScriptPath } from './checks/axe.ts';

export interface PreviewServerOptions {
  db: Db;
  config: Config;
  /** Used by the test-send form only. */
  createTransport: () => Transport;
  /** The project root: emails/ under it is watched. */
  root: string;
  host?: string;
  port?: number;
  now?: () => Date;
  /** How long a client may take to send its request headers, and the whole request (body included). */
  timeouts?: { headersMs: number; requestMs: number };
}

/**
 * A client on this machine sends a request in milliseconds; one that takes
 * longer is stuck or hostile, and Node's default holds it for 300 s.
 */
const DEFAULT_TIMEOUTS = { headersMs: 10_000, requestMs: 15_000 };

/** How long after start the preview compiles once to warm up, leaving the first page the CPU. */
const WARM_UP_AFTER_MS = 1500;

/** The test-send form is two short fields; anything bigger is not ours. */
const MAX_FORM_BYTES = 10_000;

export interface PreviewServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Weeks with articles, newest first, and the current (upcoming) week on top. */
async function listWeeks(db: Db, config: Config, now: Date): Promise<WeekEntry[]> {
  const counts = new Map<string, number>();
  for (const published_at of await listPublishedDates(db)) {
    const local = DateTime.fromISO(published_at, { zone: config.timeZone });
    const id = `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const current = weekContaining(now, config.timeZone).id;
  const digests = await digestStatuses(db);
  const ids = [
    current,
    ...[...counts.keys()]
      .filter((id) => id !== current)
      .sort()
      .reverse(),
  ];
  return ids.map((id) => ({
    id,
    range: formatWeekRange(weekOf(id, config.timeZone)),
    articles: counts.get(id) ?? 0,
    status: digests.get(id) ?? null,
    upcoming: id === current,
  }));
}

/**
 * Answers GET and HEAD alike: HEAD gets the same status and headers, among
 * them the body's length, and no body.
 */
function send(req: IncomingMessage, res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The test-send form, or null when it is larger than any form of ours. The
 * rest of a large body is read and dropped (requestTimeout bounds how long):
 * closing with unread data resets the connection, and the client would lose
 * the answer.
 */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_FORM_BYTES) chunks.push(chunk);
  }
  return size > MAX_FORM_BYTES ? null : new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The editors' preview: a local web app (127.0.0.1 only) that renders every
 * template through the sender's own code, reloads open pages when a file
 * under emails/ changes, and sends test copies with inert links.
 *
 * Listening on loopback does not keep other sites out: a page elsewhere can
 * rebind its own name to 127.0.0.1 and read the answers (DNS rebinding), so
 * every request must name an allowed host (loopback names, PREVIEW_HOSTS).
 */
export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const { config, root } = options;
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const app: PreviewApp = {
    ...options,
    now: options.now ?? (() => new Date()),
    hosts: new AllowedHosts(config.previewHosts),
    // By path under the root: this code may run from a bundle in a cache folder (bin/digest.js).
    renderer: new FreshModule<typeof RenderPreview>(join(root, 'src/preview/render-preview.ts'), root),
    listeners: new Set<ServerResponse>(),
    renders: new Map(),
    checks: { links: new LinkCache(), images: new LinkCache<ImageFetch>() },
  };
  // Loading the templates and the render path takes half a second: begin now, while the server starts and
  // the editor opens the page, instead of on the first request (a failure shows on that page). The first
  // compile loads MJML's minifier (another half second): done once the first page had its turn.
  app.renderer
    .get()
    .then(() => new Promise((resolve) => setTimeout(resolve, WARM_UP_AFTER_MS).unref()))
    .then(() => app.renderer.get())
    .then((module) => module.warmUp())
    .catch(() => undefined);
  const watcher = watchTemplates(app);
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // Node checks both limits on this interval (30 s by default), which would stretch a short limit.
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(timeouts.headersMs / 4))),
    },
    (req, res) => {
      handle(app, req, res).catch((error: unknown) => {
        // A client that was cut off (408, or gone) gets nothing more.
        if (req.destroyed && !req.complete) return void res.destroy();
        if (!res.headersSent) send(req, res, 500, messagePage('Internal error', `<h1>Internal error</h1><pre>${e((error as Error).message)}</pre>`));
        else res.end();
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    async close() {
      watcher.close();
      for (const res of app.listeners) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What the preview's handlers share. */
interface PreviewApp extends PreviewServerOptions {
  now: () => Date;
  hosts: AllowedHosts;
  /** render-preview.ts, loaded afresh after a template changed. */
  renderer: FreshModule<typeof RenderPreview>;
  /** Open pages waiting for `reload` events. */
  listeners: Set<ServerResponse>;
  /** What the checks panel remembers between page loads (links and pictures by address). */
  checks: CheckCaches;
  /** HTML a page just rendered, kept briefly for its iframe (by the id in the iframe's URL), so a page load renders once. */
  renders: Map<string, { html: string; until: number }>;
}

/** How long a page's render waits for its iframe to ask for it. */
const RENDER_KEPT_MS = 30_000;

/** Keeps `html` for the iframe of the page being sent; drops what expired. */
function keepRender(app: PreviewApp, html: string): string {
  const now = Date.now();
  for (const [id, kept] of app.renders) if (kept.until < now) app.renders.delete(id);
  const id = randomUUID();
  app.renders.set(id, { html, until: now + RENDER_KEPT_MS });
  return id;
}

/** The HTML the page rendered for this iframe, once; null when gone (expired, or the frame reloaded alone). */
function takeRender(app: PreviewApp, id: string | null): string | null {
  const kept = id ? app.renders.get(id) : undefined;
  if (!kept || !id) return null;
  app.renders.delete(id);
  return kept.until >= Date.now() ? kept.html : null;
}

/** Reloads open pages when a file under emails/ changes. */
function watchTemplates(app: PreviewApp): FSWatcher {
  let debounce: NodeJS.Timeout | undefined;
  return watch(`${app.root}/emails`, { recursive: true }, () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      app.renderer.invalidate();
      for (const res of app.listeners) res.write(`event: reload\ndata: ${app.renderer.version}\n\n`);
    }, 40);
  });
}

/** The week a URL or form names (none: the current week), or why it is not a week (a UserError's one line). */
function resolveWeek(app: PreviewApp, param: string | null): Week | { problem: string } {
  try {
    return param ? weekOf(param, app.config.timeZone) : weekContaining(app.now(), app.config.timeZone);
  } catch (error) {
    if (isUserError(error)) return { problem: error.message };
    throw error;
  }
}

async function loadTemplate(app: PreviewApp, template: string) {
  const module = await app.renderer.get();
  const known = module.TEMPLATES.find((t) => t.name === template);
  return known ? { module, known } : null;
}

async function handle(app: PreviewApp, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // First, before anything is read or done: a request for another host is refused.
  if (!app.hosts.allows(req.headers.host)) return refuseHost(req, res);
  const url = new URL(req.url ?? '/', 'http://preview.local');
  const [, section, template = 'weekly-digest'] = url.pathname.split('/');
  // HEAD is GET without the body (send() leaves it out).
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  if (method === 'GET' && url.pathname === '/') {
    const module = await app.renderer.get().catch(() => null);
    return send(req, res, 200, indexPage(module?.TEMPLATES ?? [], await listWeeks(app.db, app.config, app.now())));
  }
  if (method === 'GET' && url.pathname === '/events') return openEvents(app, req, res);
  if (method === 'GET' && (section === 'preview' || section === 'render')) return showPreview(app, req, res, url, section, template);
  if (method === 'GET' && url.pathname === AXE_SCRIPT_URL) return sendAxe(req, res);
  if (method === 'GET' && section === 'checks') return showChecks(app, req, res, url, template);
  if (method === 'GET' && section === 'simulate') return showSimulation(app, req, res, url);
  if (method === 'POST' && url.pathname === '/send-test') return sendTestCopy(app, req, res);
  if (method === 'POST' && url.pathname === '/edit') return saveDesk(app, req, res);
  if (method === 'POST' && url.pathname === '/approve') return approveFromDesk(app, req, res);
  send(req, res, 404, messagePage('Not found', '<h1>Not found</h1><p><a href="/">The preview’s index</a></p>'));
}

function refuseHost(req: IncomingMessage, res: ServerResponse): void {
  send(
    req,
    res,
    403,
    messagePage(
      'Host not allowed',
      `<h1>Host not allowed</h1><p>This preview answers only to localhost, 127.0.0.1, [::1] and the names in PREVIEW_HOSTS; this request was for ${e(req.headers.host ?? 'no host')}. A page on another site that points its own name at this machine looks the same, so nothing was done.</p>`,
    ),
    { connection: 'close' },
  );
}

/** Server-sent events: `reload` after a template changed. */
function openEvents(app: PreviewApp, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
  if (req.method === 'HEAD') return void res.end();
  res.write(': connected\n\n');
  app.listeners.add(res);
  req.on('close', () => app.listeners.delete(res));
}

/** A template's page (`/preview/T`) or the exact HTML the sender would send (`/render/T`, the page's iframe). */
async function showPreview(app: PreviewApp, req: IncomingMessage, res: ServerResponse, url: URL, section: string, template: string): Promise<void> {
  const { db, config } = app;
  // The iframe of a page just rendered: the same bytes, not a second render.
  const kept = section === 'render' ? takeRender(app, url.searchParams.get('frame')) : null;
  if (kept !== null) return send(req, res, 200, kept);
  const week = resolveWeek(app, url.searchParams.get('week'));
  if ('problem' in week) return send(req, res, 400, badWeekPage(week.problem));
  const state = {
    template: template as RenderPreview.TemplateName,
    title: template,
    week: template === 'weekly-digest' ? week.id : null,
    weeks: template === 'weekly-digest' ? await listWeeks(db, config, app.now()) : [],
    query: url.searchParams.toString(),
    notice: pageNotice(url.searchParams),
    desk: template === 'weekly-digest' ? await loadDesk(db, config, week, app.now()) : null,
  };
  try {
    const loaded = await loadTemplate(app, template);
    if (!loaded) {
      const body = `<h1>Unknown template</h1><p>There is no template called ${e(template)}. <a href="/">See the list</a>.</p>`;
      return send(req, res, 404, messagePage('Unknown template', body));
    }
    const choice = { reader: url.searchParams.get('reader'), segment: url.searchParams.get('segment') };
    const result = await loaded.module.renderPreview(db, config, loaded.known.name, week, app.now(), choice);
    // The iframe gets the exact HTML string of the message the sender would send.
    if (section === 'render') return send(req, res, 200, result.message.html);
    const frame = keepRender(app, result.message.html);
    return send(req, res, 200, previewPage({ ...state, title: loaded.known.title, frame }, result));
  } catch (error) {
    const { failure, details } = await explainFailure(app, error);
    return send(req, res, 500, section === 'render' ? renderFailurePage(failure, details) : failurePage(state, failure, details));
  }
}

/** Where a form sends the editor back: the week and the view it was posted from, and `said` (what happened). */
function backTo(form: URLSearchParams, week: string | null, said: [string, string] | null = null): URLSearchParams {
  const back = new URLSearchParams(week ? { week } : {});
  for (const name of VIEW_PARAMS) {
    const value = form.get(name);
    if (value) back.set(name, value);
  }
  if (said) back.set(...said);
  return back;
}

/**
 * Where a render failed, for the editor: a build or run-time error names its
 * template file and line (through the bundle's source map); MJML's
 * validation errors, which name a line of the generated MJML nobody sees,
 * are placed in the templates that produced them (checks/mjml-errors.ts).
 */
async function explainFailure(app: PreviewApp, error: unknown): Promise<{ failure: CompileFailure; details: string }> {
  const failure = describeFailure(app.renderer.original(error), app.root);
  // By its code, not instanceof: the error comes from a bundle with its own copy of the class.
  const mjml = error as { code?: string; warnings?: MjmlWarning[]; mjml?: string };
  if (mjml.code !== 'EMJML' || !mjml.warnings || !mjml.mjml) return { failure, details: '' };
  const located = (await locateMjmlErrors(mjml.warnings, { mjml: mjml.mjml, templateDir: join(app.root, 'emails') })).map((l) => ({
    ...l,
    candidates: l.candidates.map((c) => ({ ...c, file: relative(app.root, c.file) })),
  }));
  const best = located[0]?.candidates[0];
  return { failure: best ? { ...failure, file: best.file, line: best.line, column: null } : failure, details: mjmlErrorsHtml(located) };
}

/** The template rendered as the page shows it (same week, reader and version), or why not (a page to send). */
async function renderAsShown(app: PreviewApp, url: URL, template: string): Promise<RenderPreview.PreviewResult | { status: number; page: string }> {
  const week = resolveWeek(app, url.searchParams.get('week'));
  if ('problem' in week) return { status: 400, page: badWeekPage(week.problem) };
  try {
    const loaded = await loadTemplate(app, template);
    if (!loaded) return { status: 404, page: messagePage('Unknown template', `<h1>Unknown template</h1><p>There is no template called ${e(template)}.</p>`) };
    const choice = { reader: url.searchParams.get('reader'), segment: url.searchParams.get('segment') };
    return await loaded.module.renderPreview(app.db, app.config, loaded.known.name, week, app.now(), choice);
  } catch (error) {
    const { failure, details } = await explainFailure(app, error);
    return { status: 500, page: renderFailurePage(failure, details) };
  }
}

/**
 * The checks that take time or the network (links, pictures, client support,
 * spam score) for what the page shows: the page fetches this fragment after
 * it is visible (`fragment=1`); without JavaScript it is a page of its own.
 */
async function showChecks(app: PreviewApp, req: IncomingMessage, res: ServerResponse, url: URL, template: string): Promise<void> {
  const result = await renderAsShown(app, url, template);
  if ('page' in result) return send(req, res, result.status, result.page);
  // Loaded on the first check (caniemail's tables and the rest): the preview's start does not wait for them.
  const { slowChecks, spamCheck } = await import('./checks-panel.ts');
  const fragment = url.searchParams.get('spam') === '1' ? await spamCheck(result.message) : await slowChecks(result.message, app.checks);
  if (url.searchParams.get('fragment') === '1') return send(req, res, 200, fragment);
  send(req, res, 200, messagePage('Checks', `<h1>Checks · ${e(template)}</h1>${fragment}`));
}

/** axe-core's browser build, which the checks panel loads into the email's frame. */
async function sendAxe(req: IncomingMessage, res: ServerResponse): Promise<void> {
  send(req, res, 200, await readFile(axeScriptPath(), 'utf8'), { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' });
}

/** The email as Gmail's app (`gmail`) or Outlook.com (`outlook`) would recolour it in dark mode: a simulation, for the iframe. */
async function showSimulation(app: PreviewApp, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const client = url.pathname.split('/')[2];
  const simulate = client === 'gmail' ? gmailAppDark : client === 'outlook' ? outlookComDark : null;
  const name = url.pathname.split('/')[3] ?? 'weekly-digest';
  if (!simulate) return send(req, res, 404, messagePage('Not found', '<h1>No such simulation</h1><p>gmail or outlook.</p>'));
  const result = await renderAsShown(app, url, name);
  if ('page' in result) return send(req, res, result.status, result.page);
  send(req, res, 200, simulate(result.message.html));
}

/** What the page says after a form sent it back: a test sent, the issue saved, or what failed. */
function pageNotice(params: URLSearchParams): string | null {
  if (params.get('sent')) return `Test sent to ${params.get('sent')}.`;
  const edited = params.get('edited');
  if (edited) return edited === '0' ? 'Nothing changed.' : `Saved: ${edited} ${edited === '1' ? 'change' : 'changes'}.`;
  const approval = params.get('approval');
  if (approval) return approval === 'approved' ? 'Approved: the next scheduled run sends this issue as it is.' : 'Approval withdrawn.';
  return params.get('failed');
}

/**
 * A posted form of the preview's own pages, or null once the refusal is sent:
 * 403 for a form from another site (`why` says what it would have done), 413
 * for one larger than any form of ours.
 */
async function ownForm(req: IncomingMessage, res: ServerResponse, why: string): Promise<URLSearchParams | null> {
  if (crossSite(req)) {
    send(req, res, 403, messagePage('Refused', `<h1>Cross-site form refused</h1><p>${e(why)}</p>`));
    return null;
  }
  const form = await readForm(req);
  if (!form) send(req, res, 413, messagePage('Too large', '<h1>Request too large</h1>'), { connection: 'close' });
  return form;
}

/** Only forms from the preview's own pages: a page on another site must not act through the editor's browser. */
function crossSite(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return Boolean(origin && origin !== `http://${req.headers.host}`);
}

/** The editor's desk form: records what changed (with who), rebuilds a built draft, and shows the page again. */
async function saveDesk(app: PreviewApp, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await ownForm(req, res, 'The issue is edited only from the preview’s own pages.');
  if (!form) return;
  const week = resolveWeek(app, form.get('week') || null);
  if ('problem' in week) return send(req, res, 400, badWeekPage(week.problem));
  const desk = await loadDesk(app.db, app.config, week, app.now());
  const back = backTo(form, week.id);
  if (!desk) back.set('failed', `${week.id} has no articles: nothing to edit.`);
  else if (desk.frozen) back.set('failed', 'Sending has started: this issue can no longer change.');
  else {
    const edits = editsToReach(desk.choices, choicesFromForm(form, desk));
    const editor = editorName(form.get('editor') ?? '', app.config.editorName);
    // Sending may start between the page and the post: then the refusal is the page's notice.
    const refused =
      edits.length === 0
        ? null
        : await editIssue(app.db, app.config, week, edits, editor, measureSampleCopy).then(
            () => null,
            (error: unknown) => (isUserError(error) ? error.message : Promise.reject(error)),
          );
    if (refused) back.set('failed', refused);
    else back.set('edited', String(edits.length));
  }
  res.writeHead(303, { location: `/preview/weekly-digest?${back}` });
  res.end();
}

/** The desk's Approve (or Withdraw) button: the same step as `digest approve`; back to the page with what happened. */
async function approveFromDesk(app: PreviewApp, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await ownForm(req, res, 'Issues are approved only from the preview’s own pages.');
  if (!form) return;
  const week = resolveWeek(app, form.get('week') || null);
  if ('problem' in week) return send(req, res, 400, badWeekPage(week.problem));
  const withdraw = form.get('withdraw') === '1';
  const editor = editorName(form.get('editor') ?? '', app.config.editorName);
  const back = backTo(form, week.id);
  const refused = await approveIssue(app.db, week, editor, withdraw, app.now()).then(
    () => null,
    (error: unknown) => (isUserError(error) ? error.message : Promise.reject(error)),
  );
  if (refused) back.set('failed', refused);
  else back.set('approval', withdraw ? 'withdrawn' : 'approved');
  res.writeHead(303, { location: `/preview/weekly-digest?${back}` });
  res.end();
}

/** The test-send form: a copy of what the page shows, to the editor, with inert links; then back to the page with what happened. */
async function sendTestCopy(app: PreviewApp, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Only forms from this page: a page on another site must not make us send mail.
  const form = await ownForm(req, res, 'Test copies are sent only from the preview’s own pages.');
  if (!form) return;
  const check = checkAddress(form.get('to') ?? '');
  const to = check.ok ? check.address : (form.get('to') ?? '').trim();
  const name = form.get('template') ?? 'weekly-digest';
  const week = resolveWeek(app, form.get('week') || null);
  if ('problem' in week) return send(req, res, 400, badWeekPage(week.problem));
  const back = backTo(form, form.get('week') ? week.id : null);
  const choice = { reader: form.get('reader'), segment: form.get('segment') };
  const loaded = check.ok ? await loadTemplate(app, name).catch(() => null) : null;
  // The sender's own message for the editor: To, greeting and inert links are theirs (render-preview.ts).
  const editor = { email: to, name: (form.get('name') ?? '').trim() };
  const message = loaded && (await loaded.module.renderTestCopy(app.db, app.config, loaded.known.name, week, editor, app.now(), choice).catch(() => null));
  if (!check.ok) back.set('failed', `Not an email address we can send to: it ${check.problem}`);
  else if (!message) back.set('failed', 'The template does not render; fix it first.');
  else back.set(...(await sendThrough(app, message, to)));
  res.writeHead(303, { location: `/preview/${encodeURIComponent(name)}?${back}` });
  res.end();
}

/** Sends one test copy through a transport of its own; the query parameter that reports how it went. */
async function sendThrough(app: PreviewApp, message: OutgoingMessage, to: string): Promise<[string, string]> {
  const transport = app.createTransport();
  try {
    await transport.send(message);
    return ['sent', to];
  } catch (error) {
    return ['failed', `Test send failed: ${(error as Error).message}`];
  } finally {
    await transport.close();
  }
}
