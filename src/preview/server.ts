import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { type Week, formatWeekRange, weekContaining, weekOf } from '../articles/week.ts';
import { checkAddress } from '../mailbox.ts';
import type { Transport } from '../transport/transport.ts';
import { FreshModule, describeFailure } from './load-fresh.ts';
import { type WeekEntry, failurePage, indexPage, previewPage } from './pages.ts';
import type * as RenderPreview from './render-preview.ts';

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
}

export interface PreviewServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Weeks with articles, newest first, and the current (upcoming) week on top. */
async function listWeeks(db: Db, config: Config, now: Date): Promise<WeekEntry[]> {
  const rows = await db.selectFrom('articles').select('published_at').execute();
  const counts = new Map<string, number>();
  for (const { published_at } of rows) {
    const local = DateTime.fromISO(published_at, { zone: config.timeZone });
    const id = `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const current = weekContaining(now, config.timeZone).id;
  const digests = new Map((await db.selectFrom('digests').select(['week', 'status']).execute()).map((d) => [d.week, d.status]));
  const ids = [current, ...[...counts.keys()].filter((id) => id !== current).sort().reverse()];
  return ids.map((id) => ({
    id,
    range: formatWeekRange(weekOf(id, config.timeZone)),
    articles: counts.get(id) ?? 0,
    status: digests.get(id) ?? null,
    upcoming: id === current,
  }));
}

function send(res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}

/**
 * The editors' preview: a local web app (127.0.0.1 only) that renders every
 * template through the sender's own code, reloads open pages when a file
 * under emails/ changes, and sends test copies.
 */
export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const { db, config, root } = options;
  const now = options.now ?? (() => new Date());
  // An absolute file URL: this code may run from a bundle in a cache folder (bin/digest.js).
  const renderer = new FreshModule<typeof RenderPreview>(pathToFileURL(join(root, 'src/preview/render-preview.ts')).href, import.meta.url);
  const listeners = new Set<ServerResponse>();

  let debounce: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(`${root}/emails`, { recursive: true }, () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      renderer.invalidate();
      for (const res of listeners) res.write(`event: reload\ndata: ${renderer.version}\n\n`);
    }, 40);
  });

  const resolveWeek = (param: string | null): Week => (param ? weekOf(param, config.timeZone) : weekContaining(now(), config.timeZone));

  async function render(template: string, weekParam: string | null) {
    const module = await renderer.get();
    const known = module.TEMPLATES.find((t) => t.name === template);
    if (!known) return null;
    return { known, result: await module.renderPreview(db, config, known.name, resolveWeek(weekParam), now()) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://preview.local');
    const [, section, template = 'weekly-digest'] = url.pathname.split('/');
    const week = url.searchParams.get('week');

    if (req.method === 'GET' && url.pathname === '/') {
      const module = await renderer.get().catch(() => null);
      const templates = module?.TEMPLATES ?? [];
      return send(res, 200, indexPage(templates, await listWeeks(db, config, now())));
    }
    if (req.method === 'GET' && url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      listeners.add(res);
      req.on('close', () => listeners.delete(res));
      return;
    }
    if (req.method === 'GET' && (section === 'preview' || section === 'render')) {
      const state = {
        template: template as RenderPreview.TemplateName,
        title: template,
        week: template === 'weekly-digest' ? resolveWeek(week).id : null,
        weeks: template === 'weekly-digest' ? await listWeeks(db, config, now()) : [],
        query: url.searchParams.toString(),
        notice: url.searchParams.get('sent') ? `Test sent to ${url.searchParams.get('sent')}.` : url.searchParams.get('failed'),
      };
      try {
        const rendered = await render(template, week);
        if (!rendered) return send(res, 404, `unknown template ${template}`, 'text/plain; charset=utf-8');
        // The iframe gets the exact HTML string of the message the sender would send.
        if (section === 'render') return send(res, 200, rendered.result.message.html);
        return send(res, 200, previewPage({ ...state, title: rendered.known.title }, rendered.result));
      } catch (error) {
        const failure = describeFailure(error, root);
        return section === 'render'
          ? send(res, 500, `${failure.file ?? ''}:${failure.line ?? ''} ${failure.message}`, 'text/plain; charset=utf-8')
          : send(res, 500, failurePage(state, failure));
      }
    }
    if (req.method === 'POST' && url.pathname === '/send-test') {
      // Only forms from this page: a page on another site must not make us send mail.
      const origin = req.headers.origin;
      if (origin && origin !== `http://${req.headers.host}`) return send(res, 403, 'cross-site form refused', 'text/plain');
      const form = await readForm(req);
      const check = checkAddress(form.get('to') ?? '');
      const name = form.get('template') ?? 'weekly-digest';
      const back = new URLSearchParams(form.get('week') ? { week: form.get('week')! } : {});
      if (!check.ok) {
        back.set('failed', `Not an email address we can send to: it ${check.problem}`);
      } else {
        const to = check.address;
        const rendered = await render(name, form.get('week') || null).catch(() => null);
        if (!rendered) {
          back.set('failed', 'The template does not render; fix it first.');
        } else {
          const transport = options.createTransport();
          try {
            const { message } = rendered.result;
            // A new message (new subject and recipient), so not the pre-encoded bytes.
            await transport.send({ ...message, raw: undefined, key: `test/${Date.now()}-${to}`, to: { name: '', address: to }, subject: `[TEST] ${message.subject}`, messageId: message.messageId.replace('@', `.test${Date.now()}@`) });
            back.set('sent', to);
          } catch (error) {
            back.set('failed', `Test send failed: ${(error as Error).message}`);
          } finally {
            await transport.close();
          }
        }
      }
      res.writeHead(303, { location: `/preview/${encodeURIComponent(name)}?${back}` });
      return void res.end();
    }
    send(res, 404, 'not found', 'text/plain; charset=utf-8');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${(error as Error).message}`, 'text/plain; charset=utf-8');
      else res.end();
    });
  });
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
      for (const res of listeners) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
