import type { Config } from '../config/config.ts';
import type { SlotTemplate } from './slots.ts';

/*
 * The light half of rendering: what a compiled digest is, and the links it
 * carries. Compiling (React, MJML) lives in render-digest.ts and is loaded
 * only where it runs, so a sending process never holds the template toolchain.
 */

/** A digest compiled for one segment: plain data, so it can cross a process boundary. */
export interface CompiledDigest {
  subject: string;
  preheader: string;
  mjml: string;
  html: SlotTemplate;
  text: SlotTemplate;
}

export function archiveUrl(config: Config, weekId: string): string {
  return `${config.publicUrl}/archive/${weekId}`;
}

/** RFC 2919 list identifier, so readers can filter the digest: its description and id (encoded by the MIME writer). */
export function listId(config: Config): { name: string; id: string } {
  return { name: `${config.publicationName} weekly digest`, id: `weekly-digest.${config.senderDomain}` };
}
