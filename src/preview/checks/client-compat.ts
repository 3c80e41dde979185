/**
 * Which HTML and CSS features of this email each major client drops or only
 * partly supports, by client family, beyond what every MJML email has.
 *
 * Every MJML output carries a `<style>` block, media queries, class
 * selectors… that caniemail flags for Gmail or Outlook, and that MJML already
 * works around (inline styles, MSO conditionals). Listing them every time
 * would bury what the template itself added, so the issues of a minimal MJML
 * document, compiled as we compile (strict, minified, no web fonts), are the
 * baseline taken away from every report.
 *
 * caniemail's tables ship inside the package: nothing is fetched, so the
 * check works offline. It knows features, not rendering: a feature listed
 * may be harmless where the email has a fallback for it.
 */
import { type CompatIssue, checkEmailCompat } from '../../render/email-compat.ts';
import { escapeHtml as e } from '../../render/slots.ts';
import { checkSection, plural } from './panel-html.ts';

export const CLIENT_FAMILIES = [
  { id: 'gmail', name: 'Gmail' },
  { id: 'outlook', name: 'Outlook' },
  { id: 'apple-mail', name: 'Apple Mail' },
  { id: 'yahoo', name: 'Yahoo' },
] as const;

/** The smallest MJML document: what it compiles to is in every email we send. */
export const MINIMAL_MJML = '<mjml><mj-body><mj-section><mj-column><mj-text>x</mj-text></mj-column></mj-section></mj-body></mjml>';

/** One feature a client family drops (`error`) or supports in part (`warning`), with the variants concerned. */
export interface FamilyIssue {
  feature: string;
  level: CompatIssue['level'];
  /** caniemail's platform variants, e.g. `ios`, `desktop-webmail`, `windows`, each with its note. */
  variants: { variant: string; message: string }[];
}

export interface ClientCompat {
  family: (typeof CLIENT_FAMILIES)[number]['name'];
  issues: FamilyIssue[];
}

let baseline: Promise<Set<string>> | null = null;

const keyOf = (issue: CompatIssue): string => `${issue.client}\u0000${issue.feature}`;

/**
 * The client+feature pairs of the minimal document, computed once per
 * process. Compiled with the options `compile-mjml.ts` uses that change the
 * output's features: strict, minified, and no web fonts (MJML's default font
 * list would add a Google Fonts `<link>` and `@import` our emails never have).
 */
function mjmlBaseline(): Promise<Set<string>> {
  baseline ??= (async () => {
    const { default: mjml2html } = await import('mjml');
    const { html } = await mjml2html(MINIMAL_MJML, { validationLevel: 'strict', minify: true, fonts: {} });
    const { errors, warnings } = checkEmailCompat(html);
    return new Set([...errors, ...warnings].map(keyOf));
  })();
  return baseline;
}

function familyIssues(issues: CompatIssue[], familyId: string): FamilyIssue[] {
  const byFeature = new Map<string, FamilyIssue>();
  for (const issue of issues) {
    const [family, variant = ''] = issue.client.split('.');
    if (family !== familyId) continue;
    const key = `${issue.level}\u0000${issue.feature}`;
    const entry = byFeature.get(key) ?? { feature: issue.feature, level: issue.level, variants: [] };
    entry.variants.push({ variant, message: issue.message });
    byFeature.set(key, entry);
  }
  // Dropped features before partial ones, then by name.
  return [...byFeature.values()].sort((a, b) => a.level.localeCompare(b.level) || a.feature.localeCompare(b.feature));
}

/**
 * The features of `html` (compiled email HTML) that Gmail, Outlook, Apple
 * Mail and Yahoo drop or support in part, less MJML's own baseline.
 *
 * @example
 * const [gmail] = await compatByClient(html);
 * gmail.issues // [{ feature: 'display:grid', level: 'error', variants: [{ variant: 'ios', … }, …] }]
 */
export async function compatByClient(html: string): Promise<ClientCompat[]> {
  const known = await mjmlBaseline();
  const { errors, warnings } = checkEmailCompat(html);
  const beyond = [...errors, ...warnings].filter((issue) => !known.has(keyOf(issue)));
  return CLIENT_FAMILIES.map(({ id, name }) => ({ family: name, issues: familyIssues(beyond, id) }));
}

/**
 * caniemail's note without the sentences that repeat the feature and client
 * ("position is only partially supported by yahoo.ios Note about position
 * support for yahoo.ios: Partial. Supports relative…" → "Partial. Supports relative…").
 */
function noteOf(message: string): string {
  return message
    .replace(/^.*? is only partially supported by \S+\s*/, '')
    .replace(/Note about .*? support for \S+: /g, '')
    .trim();
}

function issueItem(issue: FamilyIssue): string {
  const verb = issue.level === 'error' ? 'not supported' : 'partly supported';
  const variants = issue.variants.map((v) => v.variant).join(', ');
  // caniemail's notes say what "partly" means (e.g. "supports relative but not absolute").
  const note = (v: FamilyIssue['variants'][number]) => `<li><small>${e(v.variant)}: ${e(noteOf(v.message) || v.message)}</small></li>`;
  const notes = issue.level === 'warning' ? `<ul>${issue.variants.map(note).join('')}</ul>` : '';
  return `<li><strong>${e(issue.feature)}</strong>: ${verb} in ${e(variants)}${notes}</li>`;
}

/** The per-client lists for the checks panel. */
export function compatHtml(clients: readonly ClientCompat[]): string {
  const dropped = new Set(clients.flatMap((c) => c.issues.filter((i) => i.level === 'error').map((i) => i.feature)));
  const summary =
    dropped.size === 0
      ? 'Nothing beyond what every MJML email has is dropped by Gmail, Outlook, Apple Mail or Yahoo.'
      : `${plural(dropped.size, 'feature')} dropped by at least one client: ${[...dropped].join(', ')}.`;
  const body = clients
    .map((c) => `<h4>${e(c.family)}</h4>${c.issues.length === 0 ? '<p>Nothing beyond MJML’s baseline.</p>' : `<ul>${c.issues.map(issueItem).join('')}</ul>`}`)
    .join('');
  return checkSection('compat', 'Client support', summary, body);
}
