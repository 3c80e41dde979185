import { randomBytes } from 'node:crypto';

/**
 * Per-subscriber values are not known when MJML compiles (once per segment),
 * so templates receive placeholders and the compiled output is cut at them.
 * A placeholder is letters, digits and underscores only, so it survives React
 * escaping, MJML, CSS/HTML minification and URL attributes unchanged; its
 * random nonce means article text cannot forge one.
 */
export type SlotName = 'greeting' | 'email' | 'unsubscribeUrl' | 'preferencesUrl';
export type SlotValues = Record<SlotName, string>;

export const SLOT_NAMES: readonly SlotName[] = ['greeting', 'email', 'unsubscribeUrl', 'preferencesUrl'];

/** A compiled string cut at its slots: literal parts alternate with slot names. */
export interface SlotTemplate {
  parts: string[];
  slots: SlotName[];
}

export function createPlaceholders(nonce = randomBytes(6).toString('hex')): {
  values: SlotValues;
  cut: (compiled: string) => SlotTemplate;
} {
  const values = Object.fromEntries(SLOT_NAMES.map((name) => [name, `SLOT${nonce}x${name}x`])) as SlotValues;
  const pattern = new RegExp(`SLOT${nonce}x(${SLOT_NAMES.join('|')})x`, 'g');
  return {
    values,
    cut(compiled) {
      const parts: string[] = [];
      const slots: SlotName[] = [];
      let last = 0;
      for (const match of compiled.matchAll(pattern)) {
        parts.push(compiled.slice(last, match.index));
        slots.push(match[1] as SlotName);
        last = match.index + match[0].length;
      }
      parts.push(compiled.slice(last));
      return { parts, slots };
    },
  };
}

/** Joins a cut template with per-subscriber values; `escapeValue` fits each value to its context. */
export function fillSlots(template: SlotTemplate, values: SlotValues, escapeValue: (value: string) => string = (v) => v): string {
  // join() yields one flat string; a += chain leaves a rope that is slow to scan later.
  const out: string[] = [template.parts[0]!];
  for (let i = 0; i < template.slots.length; i++) out.push(escapeValue(values[template.slots[i]!]), template.parts[i + 1]!);
  return out.join('');
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
