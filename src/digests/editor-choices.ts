import { userInfo } from 'node:os';
import type { ArticleRow, DigestEditRow } from '../db/schema.ts';
import type { EditInput } from './edit-store.ts';
import { toOneLine } from '../text/one-line.ts';

/**
 * What an editor chose for a week's issue, read from its edits in order (the
 * last word on each thing wins). Articles are named by URL, which an editor
 * can copy from the preview or the feed and which survives re-imports.
 */
export interface EditorChoices {
  /** The story shown first and large; null: the first in reading order. */
  lead: string | null;
  excluded: string[];
  /** Stories kept at the top of their section, in the order pinned. */
  pinned: string[];
  /** Overrides of the automatic subject and preheader; null: automatic. */
  subject: string | null;
  preheader: string | null;
  /** The editor's note above the stories (Markdown) and sign-off; null: none. */
  note: string | null;
  signoff: string | null;
}

export const NO_CHOICES: EditorChoices = { lead: null, excluded: [], pinned: [], subject: null, preheader: null, note: null, signoff: null };

export function foldEdits(edits: Pick<DigestEditRow, 'action' | 'value'>[]): EditorChoices {
  const choices: EditorChoices = { ...NO_CHOICES, excluded: [], pinned: [] };
  const without = (list: string[], url: string) => list.filter((u) => u !== url);
  for (const { action, value } of edits) {
    if (action === 'lead') choices.lead = value || null;
    else if (action === 'subject') choices.subject = value || null;
    else if (action === 'preheader') choices.preheader = value || null;
    else if (action === 'note') choices.note = value || null;
    else if (action === 'signoff') choices.signoff = value || null;
    else if (action === 'exclude') choices.excluded = [...without(choices.excluded, value), value];
    else if (action === 'include') choices.excluded = without(choices.excluded, value);
    else if (action === 'pin') choices.pinned = [...without(choices.pinned, value), value];
    else if (action === 'unpin') choices.pinned = without(choices.pinned, value);
  }
  // An excluded story is neither the lead nor pinned: excluding wins, whatever the order of the edits.
  if (choices.lead && choices.excluded.includes(choices.lead)) choices.lead = null;
  choices.pinned = choices.pinned.filter((url) => !choices.excluded.includes(url));
  return choices;
}

/**
 * The week's stories as the editor shaped them, from the automatic reading
 * order (articles grouped by section): excluded ones left out, pinned ones at
 * the top of their section, and the lead first. Choices naming a story the
 * week no longer has are ignored (a rebuild shows what is there).
 */
export function applyChoices(ordered: ArticleRow[], choices: EditorChoices): ArticleRow[] {
  const kept = ordered.filter((a) => !choices.excluded.includes(a.url));
  const pinRank = (a: ArticleRow) => {
    const i = choices.pinned.indexOf(a.url);
    return i === -1 ? choices.pinned.length : i;
  };
  // Sections keep their order; inside each, pinned stories first (stable sort keeps the rest as they were).
  const sections = new Map<string, ArticleRow[]>();
  for (const article of kept) sections.set(article.category, [...(sections.get(article.category) ?? []), article]);
  const shaped = [...sections.values()].flatMap((list) => [...list].sort((a, b) => pinRank(a) - pinRank(b)));
  const lead = choices.lead ? shaped.find((a) => a.url === choices.lead) : undefined;
  return lead ? [lead, ...shaped.filter((a) => a !== lead)] : shaped;
}

/**
 * The edits that take `current` to `desired` (a form that shows every choice
 * at once): only what changed, so the history says what the editor did.
 */
export function editsToReach(current: EditorChoices, desired: EditorChoices): EditInput[] {
  const edits: EditInput[] = [];
  for (const field of ['subject', 'preheader', 'note', 'signoff', 'lead'] as const) {
    if ((current[field] ?? '') !== (desired[field] ?? '')) edits.push({ action: field, value: desired[field] ?? '' });
  }
  for (const url of desired.excluded) if (!current.excluded.includes(url)) edits.push({ action: 'exclude', value: url });
  for (const url of current.excluded) if (!desired.excluded.includes(url)) edits.push({ action: 'include', value: url });
  for (const url of desired.pinned) if (!current.pinned.includes(url)) edits.push({ action: 'pin', value: url });
  for (const url of current.pinned) if (!desired.pinned.includes(url)) edits.push({ action: 'unpin', value: url });
  return edits;
}

/** Who is editing: the name given, else EDITOR_NAME, else the OS user (EDITOR names the text editor on most systems). */
export function editorName(given: string | undefined, configured: string): string {
  const name = toOneLine(given || configured);
  if (name) return name;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
