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
  /** Stories the editor placed: into a section (their own or another) at a position (1 = first), applied in order after the pins. */
  moves: Move[];
  /** Overrides of the automatic subject and preheader; null: automatic. */
  subject: string | null;
  preheader: string | null;
  /** The editor's note above the stories (Markdown) and sign-off; null: none. */
  note: string | null;
  signoff: string | null;
}

/** A story placed by the editor: `section` is a category of the week, or a new one for this issue. */
export interface Move {
  url: string;
  section: string;
  position: number;
}

export const NO_CHOICES: EditorChoices = { lead: null, excluded: [], pinned: [], moves: [], subject: null, preheader: null, note: null, signoff: null };

/** A move as the edit log stores it (JSON: the log's value is text). */
export function moveValue(move: Move): string {
  return JSON.stringify({ url: move.url, section: move.section, position: move.position });
}

function parseMove(value: string): Move | null {
  try {
    const m = JSON.parse(value) as Partial<Move>;
    return typeof m.url === 'string' && typeof m.section === 'string' && Number.isInteger(m.position) ? (m as Move) : null;
  } catch {
    return null;
  }
}

export function foldEdits(edits: Pick<DigestEditRow, 'action' | 'value'>[]): EditorChoices {
  const choices: EditorChoices = { ...NO_CHOICES, excluded: [], pinned: [], moves: [] };
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
    else if (action === 'move') {
      const move = parseMove(value);
      // The latest placement of a story replaces its earlier ones.
      if (move) choices.moves = [...choices.moves.filter((m) => m.url !== move.url), move];
    }
  }
  // An excluded story is neither the lead nor pinned: excluding wins, whatever the order of the edits.
  if (choices.lead && choices.excluded.includes(choices.lead)) choices.lead = null;
  choices.pinned = choices.pinned.filter((url) => !choices.excluded.includes(url));
  choices.moves = choices.moves.filter((m) => !choices.excluded.includes(m.url));
  return choices;
}

/**
 * The week's stories as the editor shaped them, from the automatic reading
 * order (articles grouped by section): excluded ones left out, pinned ones at
 * the top of their section, then each placed story moved (into another
 * section, as a copy of its row with that category), and the lead first.
 * Choices naming a story the week no longer has are ignored (a rebuild shows
 * what is there).
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
  for (const [name, list] of sections)
    sections.set(
      name,
      [...list].sort((a, b) => pinRank(a) - pinRank(b)),
    );
  for (const move of choices.moves) place(sections, move);
  const shaped = [...sections.values()].flat();
  const lead = choices.lead ? shaped.find((a) => a.url === choices.lead) : undefined;
  return lead ? [lead, ...shaped.filter((a) => a !== lead)] : shaped;
}

/** Moves a story to `position` (clamped) of `section`, a new section at the end when the week has none by that name. */
function place(sections: Map<string, ArticleRow[]>, move: Move): void {
  for (const [name, list] of sections) {
    const story = list.find((a) => a.url === move.url);
    if (!story) continue;
    const rest = list.filter((a) => a !== story);
    if (rest.length > 0 || name === move.section) sections.set(name, rest);
    else sections.delete(name);
    const target = sections.get(move.section) ?? [];
    const at = Math.min(Math.max(move.position, 1), target.length + 1) - 1;
    sections.set(move.section, [...target.slice(0, at), { ...story, category: move.section }, ...target.slice(at)]);
    return;
  }
}

/** Where each story sits in a shaped issue: its section and position (1 = first), the lead left where its section has it. */
export function placesOf(shaped: ArticleRow[]): Map<string, { section: string; position: number }> {
  const places = new Map<string, { section: string; position: number }>();
  const counts = new Map<string, number>();
  for (const a of shaped) {
    const position = (counts.get(a.category) ?? 0) + 1;
    counts.set(a.category, position);
    places.set(a.url, { section: a.category, position });
  }
  return places;
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
  // A form keeps the moves made before: only the new ones are edits.
  const made = new Set(current.moves.map(moveValue));
  for (const move of desired.moves) if (!made.has(moveValue(move))) edits.push({ action: 'move', value: moveValue(move) });
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

/** One step of an issue's history in words, for `digest edit --show` and the desk. */
export function describeEdit(edit: Pick<DigestEditRow, 'action' | 'value'>): string {
  const { action, value } = edit;
  if (action === 'move') {
    const move = parseMove(value);
    return move ? `move ${move.url} to ${move.section}, place ${move.position}` : 'move (unreadable)';
  }
  if (action === 'approve') return `approve the issue built ${value}`;
  if (action === 'withdraw') return 'withdraw the approval';
  if (action === 'review') return `review copy of the issue built ${value.replace(' ', ' sent to ')}`;
  return `${action} ${value ? JSON.stringify(value) : '(cleared)'}`;
}
