/** An email address with an optional display name: `The Harm Ledger <news@example.com>`. */
export interface Mailbox {
  name: string;
  address: string;
}

// Deliberately stricter than RFC 5322: one @, no spaces or control characters,
// a dotted domain. Real subscribers' addresses pass; typos and injections don't.
const ADDRESS = /^[^\s@<>()[\]\\,;:"\x00-\x1f\x7f]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value);
}

/** Parses `addr@x.y` or `Name <addr@x.y>`; null when it is neither. */
export function parseMailbox(value: string): Mailbox | null {
  const trimmed = value.trim();
  const angled = /^(.*?)\s*<([^<>]+)>$/.exec(trimmed);
  const name = angled ? angled[1]!.replace(/^"(.*)"$/, '$1').trim() : '';
  const address = angled ? angled[2]!.trim() : trimmed;
  if (/[\r\n]/.test(name) || !isEmailAddress(address)) return null;
  return { name, address };
}

/** Trims and lower-cases the domain; the local part keeps its case (RFC 5321 §2.4). */
export function normalizeEmail(value: string): string {
  const trimmed = value.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed;
  return trimmed.slice(0, at) + '@' + trimmed.slice(at + 1).toLowerCase();
}
