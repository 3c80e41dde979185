import type { Config } from '../config/config.ts';
import type { DigestContent } from '../digests/digest-content.ts';
import { type CompiledDigest, listId } from '../render/rendered-digest.ts';
import { type SlotValues, escapeHtml, fillSlots } from '../render/slots.ts';
import { type MimeTemplate, prepareMime } from './mime-message.ts';

/** A compiled digest with its wire encoding, ready to be personalised per subscriber. */
export interface RenderedDigest extends CompiledDigest {
  /** The same text and HTML, encoded for the wire once (see personalize/mime-message.ts). */
  mime: MimeTemplate;
}

export interface PersonalizedEmail {
  html: string;
  text: string;
}

/** Adds the once-per-segment wire encoding to a compiled digest. */
export function withMime(config: Config, compiled: CompiledDigest): RenderedDigest {
  const mime = prepareMime(
    { from: config.mailFrom, replyTo: config.mailReplyTo, subject: compiled.subject, listId: listId(config) },
    compiled.text,
    compiled.html,
  );
  return { ...compiled, mime };
}

/** Fills one subscriber's values in: cheap string joins, no compilation. */
export function personalize(rendered: CompiledDigest, values: SlotValues): PersonalizedEmail {
  return { html: fillSlots(rendered.html, values, escapeHtml), text: fillSlots(rendered.text, values) };
}

/**
 * Compiles the digest once (React → MJML → HTML, and the text part), leaving
 * slots for the per-subscriber values, and encodes it for the wire. The
 * template toolchain is loaded here, on first use, never by a sender that
 * is handed compiled segments.
 *
 * @example
 * const rendered = await renderDigest(content, config);
 * const { html, text } = personalize(rendered, recipientValues(config, subscriber));
 */
export async function renderDigest(content: DigestContent, config: Config): Promise<RenderedDigest> {
  const { compileDigest } = await import('../render/render-digest.ts');
  return withMime(config, await compileDigest(content, config));
}
