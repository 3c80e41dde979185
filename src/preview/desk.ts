import type { Db } from '../db/connect.ts';
import type { DigestEditRow } from '../db/schema.ts';
import { listArticlesInWeek } from '../articles/article-store.ts';
import { orderArticles } from '../digests/digest-content.ts';
import { findDigest } from '../digests/digest-store.ts';
import { listEdits } from '../digests/edit-store.ts';
import { type EditorChoices, type Move, applyChoices, describeEdit, foldEdits, placesOf } from '../digests/editor-choices.ts';
import type { Week } from '../week.ts';
import type { Config } from '../config/config.ts';
import { type ApprovalStatus, approvalStatus } from '../digests/approval.ts';
import { escapeHtml as e } from '../render/slots.ts';

/** What the editor's desk on a week's page shows: every story of the week, the choices, and who changed what. */
export interface Desk {
  week: string;
  /** The issue's stories in its order (section, position), then the ones left out. */
  stories: { url: string; title: string; category: string; position: number | null }[];
  /** The week's sections, the editor's new ones included. */
  sections: string[];
  choices: EditorChoices;
  history: DigestEditRow[];
  /** Sending started: the issue can no longer change. */
  frozen: boolean;
  /** Where the issue stands with DIGEST_APPROVAL (automatic: no approval asked). */
  approval: ApprovalStatus;
}

export async function loadDesk(db: Db, config: Config, week: Week, now = new Date()): Promise<Desk | null> {
  const articles = orderArticles(await listArticlesInWeek(db, week));
  if (articles.length === 0) return null;
  const history = await listEdits(db, week.id);
  const digest = await findDigest(db, week.id);
  const choices = foldEdits(history);
  const shaped = applyChoices(articles, choices);
  const places = placesOf(shaped);
  const left = articles.filter((a) => !places.has(a.url));
  return {
    week: week.id,
    stories: [...shaped, ...left].map((a) => ({ url: a.url, title: a.title, category: a.category, position: places.get(a.url)?.position ?? null })),
    sections: [...new Set([...shaped, ...articles].map((a) => a.category))],
    choices,
    history,
    frozen: Boolean(digest && digest.status !== 'draft'),
    approval: approvalStatus(config, week, digest, history, now),
  };
}

/** The choices a posted desk form describes (every field is on the form, so it is the whole state). */
export function choicesFromForm(form: URLSearchParams, desk: Desk): EditorChoices {
  const known = new Set(desk.stories.map((s) => s.url));
  const text = (name: string) => (form.get(name) ?? '').replace(/\r\n?/g, '\n').trim() || null;
  const stories = (name: string) => form.getAll(name).filter((url) => known.has(url));
  const lead = form.get('lead') ?? '';
  return {
    lead: known.has(lead) ? lead : null,
    excluded: stories('exclude'),
    pinned: stories('pin'),
    moves: [...desk.choices.moves, ...movesFromForm(form, desk)],
    subject: text('subject')?.replace(/\s+/g, ' ') ?? null,
    preheader: text('preheader')?.replace(/\s+/g, ' ') ?? null,
    note: text('note'),
    signoff: text('signoff')?.replace(/\s+/g, ' ') ?? null,
  };
}

/**
 * The stories the editor placed elsewhere: each row posts its story, section
 * and position; a row that names another place than the story has is a move.
 */
function movesFromForm(form: URLSearchParams, desk: Desk): Move[] {
  const [urls, sections, positions] = [form.getAll('story'), form.getAll('section'), form.getAll('position')];
  const moves: Move[] = [];
  urls.forEach((url, i) => {
    const story = desk.stories.find((s) => s.url === url);
    const section = sections[i]?.trim();
    const position = Number(positions[i]);
    if (!story || story.position === null || !section || !desk.sections.includes(section) || !Number.isInteger(position) || position < 1) return;
    if (section !== story.category || position !== story.position) moves.push({ url, section, position });
  });
  return moves;
}

/** The desk as a plain form (no JavaScript): posting it records what changed and shows the result at once. */
export function deskSection(desk: Desk, view = ''): string {
  const { choices } = desk;
  const disabled = desk.frozen ? ' disabled' : '';
  const field = (name: 'subject' | 'preheader' | 'signoff', label: string) =>
    `<label for="desk-${name}">${label}</label><input id="desk-${name}" name="${name}" type="text" maxlength="300" value="${e(choices[name] ?? '')}" placeholder="automatic"${disabled}>`;
  const rows = desk.stories.map((s) => storyRow(desk, s, disabled)).join('');
  const history = desk.history
    .map((h) => {
      const said = describeEdit(h);
      return `<li>${e(h.at.slice(0, 16).replace('T', ' '))} · ${e(h.editor)} · ${e(said.length > 120 ? `${said.slice(0, 119)}…` : said)}</li>`;
    })
    .join('');
  return `<h2>Editor’s desk</h2>${desk.frozen ? '<p class="muted">Sending has started: this issue can no longer change.</p>' : ''}
<form method="post" action="/edit" id="desk"><input type="hidden" name="week" value="${e(desk.week)}">${view}
${field('subject', 'Subject')}${field('preheader', 'Preheader')}
<label for="desk-note">Intro note <span class="muted">(Markdown, shown first)</span></label><textarea id="desk-note" name="note" rows="4"${disabled}>${e(choices.note ?? '')}</textarea>
${field('signoff', 'Sign-off')}
<table id="desk-stories"><thead><tr><th>Leave out</th><th>Pin</th><th>Lead</th><th>Section</th><th>Place</th><th>Story</th></tr></thead><tbody>
<tr><td></td><td></td><td><input type="radio" name="lead" value="" aria-label="Automatic lead"${choices.lead ? '' : ' checked'}${disabled}></td><td></td><td></td><td class="muted">Lead: automatic (the first in reading order)</td></tr>${rows}</tbody></table>
<label for="desk-editor">Changed by <span class="muted">(named in the log)</span></label><input id="desk-editor" name="editor" type="text" maxlength="80" autocomplete="name"${disabled}>
<button type="submit"${disabled}>Save the issue</button></form>
${approvalSection(desk, view)}
<h3>History</h3><ol id="desk-history">${history || '<li class="muted">No changes yet.</li>'}</ol>`;
}

/** Approve (or withdraw) the issue as built, with DIGEST_APPROVAL=required; what the approval is, either way. */
function approvalSection(desk: Desk, view: string): string {
  const a = desk.approval;
  if (a.state === 'automatic')
    return '<p class="muted" id="approval-state">Approval: not required (DIGEST_APPROVAL=auto): the scheduled run sends the issue as built.</p>';
  const deadline = a.deadline ? ` Deadline: ${e(a.deadline.slice(0, 16).replace('T', ' '))} UTC${a.overdue ? ' (passed: the issue is held)' : ''}.` : '';
  const review = a.reviewSentAt ? ` Review copy sent ${e(a.reviewSentAt.slice(0, 16).replace('T', ' '))} to ${e(a.reviewSentTo ?? '')}.` : '';
  const said =
    a.state === 'approved'
      ? `Approved by ${e(a.approvedBy ?? '')} at ${e((a.approvedAt ?? '').slice(0, 16).replace('T', ' '))}: the next scheduled run sends it. Any change withdraws the approval.`
      : a.state === 'awaiting approval'
        ? `Awaiting approval: the scheduled run sends nothing until the issue as built is approved.${review}${deadline}`
        : a.state === 'not built'
          ? 'Not built yet: save the desk or run <code>digest build</code>, then approve what you see.'
          : `The issue is ${e(a.state)}.`;
  const open = a.state === 'awaiting approval' || a.state === 'approved';
  const button =
    a.state === 'approved' ? '<button type="submit" name="withdraw" value="1">Withdraw approval</button>' : '<button type="submit">Approve this issue</button>';
  const form = open
    ? `<form method="post" action="/approve" id="approve"><input type="hidden" name="week" value="${e(desk.week)}">${view}<label for="approve-editor">Approved by <span class="muted">(named in the log)</span></label><input id="approve-editor" name="editor" type="text" maxlength="80" autocomplete="name">${button}</form>`
    : '';
  return `<h3>Approval</h3><p id="approval-state">${said}</p>${form}`;
}

/** One story's row: leave out, pin, lead, its section and place (a story left out has none), each control labelled with the story. */
function storyRow(desk: Desk, s: Desk['stories'][number], disabled: string): string {
  const { choices } = desk;
  const title = e(s.title);
  const check = (name: 'exclude' | 'pin', label: string, on: boolean) =>
    `<input type="checkbox" name="${name}" value="${e(s.url)}" aria-label="${label}: ${title}"${on ? ' checked' : ''}${disabled}>`;
  const lead = `<input type="radio" name="lead" value="${e(s.url)}" aria-label="Lead with: ${title}"${choices.lead === s.url ? ' checked' : ''}${disabled}>`;
  const options = desk.sections.map((name) => `<option${name === s.category ? ' selected' : ''}>${e(name)}</option>`).join('');
  const placed =
    s.position === null
      ? '<td></td><td></td>'
      : `<td><input type="hidden" name="story" value="${e(s.url)}"><select name="section" aria-label="Section of: ${title}"${disabled}>${options}</select></td><td><input type="number" name="position" min="1" value="${s.position}" aria-label="Place in its section: ${title}" class="place"${disabled}></td>`;
  return `<tr><td>${check('exclude', 'Leave out', choices.excluded.includes(s.url))}</td><td>${check('pin', 'Pin', choices.pinned.includes(s.url))}</td><td>${lead}</td>${placed}<td>${title} <span class="muted">${e(s.category)}</span></td></tr>`;
}
