import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import { weekOf } from '../week.ts';
import { loadDigestContent } from '../digests/find-digest.ts';
import { findDigest, listSentDigests } from '../digests/digest-store.ts';
import { escapeHtml as e } from '../render/slots.ts';
import { type Reply, page } from './pages.ts';
import type { Route } from './subscription-routes.ts';

/**
 * The public archive: sent digests as web pages with no personal data (the
 * web edition has no greeting and no personal links), and an Atom feed.
 * Every email's "view in browser" link points here.
 */
export function archiveRoutes(db: Db, config: Config): Record<string, Route> {
  // A sent digest never changes: compile its web edition once.
  const editions = new Map<string, Promise<string>>();
  const notFound = () => page(config, 404, 'Not found', '<h1>No such issue</h1><p><a href="/archive">All issues</a></p>');

  return {
    'GET /archive': async () => {
      const digests = await listSentDigests(db);
      const items = digests.map((d) => `<li><a href="/archive/${e(d.week)}">${e(d.week)}</a>: ${e(d.subject)}</li>`).join('');
      return page(
        config,
        200,
        'Archive',
        `<h1>Past issues</h1>${items ? `<ul>${items}</ul>` : '<p>No issue has been sent yet.</p>'}<p><a href="/archive/feed.xml">Atom feed</a> · <a href="/subscribe">Subscribe</a></p>`,
      );
    },

    'GET /archive/feed.xml': async (): Promise<Reply> => {
      const digests = await listSentDigests(db);
      const updated = digests[0]?.finished_at ?? new Date(0).toISOString();
      const entries = digests
        .map(
          (d) =>
            `<entry><id>${e(config.publicUrl)}/archive/${e(d.week)}</id><title>${e(d.subject)}</title><link href="${e(config.publicUrl)}/archive/${e(d.week)}"/><updated>${e(d.finished_at ?? updated)}</updated><summary>${e(d.preheader)}</summary></entry>`,
        )
        .join('');
      const body = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>${e(config.publicUrl)}/archive</id><title>${e(config.publicationName)}: weekly digest</title><link rel="self" href="${e(config.publicUrl)}/archive/feed.xml"/><link href="${e(config.publicUrl)}/archive"/><updated>${e(updated)}</updated>${entries}</feed>`;
      return { status: 200, type: 'application/atom+xml; charset=utf-8', body };
    },

    'GET /archive/*': async ({ url }) => {
      const week = url.pathname.slice('/archive/'.length);
      if (!/^\d{4}-W\d{2}$/.test(week)) return notFound();
      // Only sent digests are cached, and a sent digest never changes: a cached week needs no query.
      let edition = editions.get(week);
      if (!edition) {
        const digest = await findDigest(db, week);
        if (digest?.status !== 'sent') return notFound();
        edition = (async () => {
          const { renderWebEdition } = await import('../render/render-digest.ts');
          return renderWebEdition(await loadDigestContent(db, digest, weekOf(week, config.timeZone)), config);
        })();
        editions.set(week, edition);
        edition.catch(() => editions.delete(week));
      }
      return { status: 200, type: 'text/html; charset=utf-8', body: await edition };
    },
  };
}
