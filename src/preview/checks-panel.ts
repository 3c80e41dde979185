import type { OutgoingMessage } from '../domain.ts';
import { escapeHtml as e } from '../render/slots.ts';
import { messageBytes } from '../transport/mail-options.ts';
import { compatByClient, compatHtml } from './checks/client-compat.ts';
import { type ImageFetch, checkImages, imageCheckHtml } from './checks/image-check.ts';
import { type LinkCache, checkLinks, extractLinks, linkCheckHtml } from './checks/link-check.ts';
import { spamScore, spamScoreHtml } from './checks/spam-score.ts';

/** What the checks remember between page loads (a template save reloads every page): links and pictures, by address. */
export interface CheckCaches {
  links: LinkCache;
  images: LinkCache<ImageFetch>;
}

/**
 * A reader's own links (unsubscribe, preferences, confirm) carry their
 * signed token: the preview never requests them (a GET on someone's
 * unsubscribe link is not a check), it lists them as personal.
 */
function isPersonal(href: string): boolean {
  return /[?&]token=/.test(href);
}

/**
 * The checks that take time or the network, for the side panel: links,
 * pictures, client support. Each is offline-tolerant (no answer is
 * "unknown"), and they run at once.
 */
export async function slowChecks(message: OutgoingMessage, caches: CheckCaches): Promise<string> {
  const links = extractLinks(message.html);
  const personal = links.filter((l) => isPersonal(l.href));
  const checked = links.filter((l) => !isPersonal(l.href));
  const [linkResults, images, compat] = await Promise.all([
    checkLinks(
      checked.map((l) => l.href),
      { cache: caches.links },
    ),
    checkImages(message.html, { cache: caches.images }),
    compatByClient(message.html),
  ]);
  const personalNote =
    personal.length === 0
      ? ''
      : `<p class="muted">${personal.length} personal ${personal.length === 1 ? 'link' : 'links'} (the reader's own unsubscribe and preferences) not requested: ${personal.map((l) => e(l.text || l.href)).join(', ')}.</p>`;
  return linkCheckHtml(linkResults, links) + personalNote + imageCheckHtml(images) + compatHtml(compat);
}

/**
 * SpamAssassin's score for the message as it would be sent: on request (a
 * button in the panel), as it costs seconds of CPU, which a check on every
 * save would take from the preview itself. Not available without SpamAssassin.
 */
export async function spamCheck(message: OutgoingMessage): Promise<string> {
  return spamScoreHtml(await spamScore(await messageBytes(message)));
}
