/**
 * Client-compatibility check of compiled email HTML against the caniemail.com
 * support tables (shipped inside the `caniemail` package; nothing is fetched).
 *
 * Why: Gmail and Outlook do not reject unsupported CSS/HTML, they drop it
 * silently (a `<style>` block, `display:grid`, `position`…), so a template can
 * look fine in a browser preview and break in the inbox. Running this on the
 * compiled HTML turns that into a reviewable list per client.
 */
import { caniemail, formatIssue } from 'caniemail';
import type { CanIEmailOptions } from 'caniemail';

export interface CompatIssue {
  /** caniemail client id, e.g. `gmail.desktop-webmail`, `outlook.windows`. */
  client: string;
  /** caniemail feature title, e.g. `display:grid`, `<style> element`. */
  feature: string;
  /** `error`: not supported at all; `warning`: partial support. */
  level: 'error' | 'warning';
  message: string;
}

export interface CompatResult {
  errors: CompatIssue[];
  warnings: CompatIssue[];
}

/** Clients we care about, every platform variant (desktop, webmail, iOS, Android…). */
export const COMPAT_CLIENTS: CanIEmailOptions['clients'] = ['gmail.*', 'outlook.*', 'apple-mail.*', 'yahoo.*'];

type IssueMap = ReturnType<typeof caniemail>['issues']['errors'];

const keyOf = (issue: Pick<CompatIssue, 'client' | 'feature'>): string => `${issue.client}\u0000${issue.feature}`;

/** Flattens caniemail's per-client map, one entry per client+feature (repeat occurrences collapsed). */
function collect(map: IssueMap, level: CompatIssue['level']): CompatIssue[] {
  const out = new Map<string, CompatIssue>();
  for (const [client, issues] of map) {
    for (const issue of issues) {
      const feature = issue.title;
      const key = keyOf({ client, feature });
      if (out.has(key)) continue;
      const { message, notes } = formatIssue({ client, issue, issueType: level });
      const text = [message.replaceAll('`', ''), ...notes.map((n) => n.replaceAll('`', ''))].join(' ');
      out.set(key, { client, feature, level, message: text });
    }
  }
  return [...out.values()].sort((a, b) => a.client.localeCompare(b.client) || a.feature.localeCompare(b.feature));
}

/**
 * Lints compiled email HTML (its `<style>` blocks, inline `style` attributes and
 * HTML features) for Gmail, Outlook, Apple Mail and Yahoo, all variants.
 * `errors` = unsupported by that client, `warnings` = partially supported.
 */
export function checkEmailCompat(html: string): CompatResult {
  if (html.trim() === '') return { errors: [], warnings: [] };
  const { issues } = caniemail({ clients: COMPAT_CLIENTS, html });
  return {
    errors: collect(issues.errors, 'error'),
    warnings: collect(issues.warnings, 'warning'),
  };
}

/** Errors in `ours` whose client+feature pair is absent from `baseline` (e.g. the bare MJML boilerplate). */
export function newCompatErrors(baseline: CompatIssue[], ours: CompatIssue[]): CompatIssue[] {
  const known = new Set(baseline.map(keyOf));
  return ours.filter((i) => i.level === 'error' && !known.has(keyOf(i)));
}
