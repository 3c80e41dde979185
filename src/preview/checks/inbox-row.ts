/**
 * How an inbox list cuts the sender, subject and preheader before a reader
 * opens anything: the editor sees the row as a phone and a desktop inbox show
 * it, with the ellipsis where the text stops.
 *
 * Clients cut in pixels, not characters, and the width depends on the font,
 * the letters (W is wider than i) and the reader's text size, so these are
 * rules of thumb, not measurements of one client.
 */
import { escapeHtml as e } from '../../render/slots.ts';
import { checkSection } from './panel-html.ts';

/*
 * Character counts at which the common inbox layouts cut, as email-design
 * guides (Litmus, Campaign Monitor, Email on Acid) give them for the default
 * text size:
 * - a phone in portrait, 375 px wide (iPhone; iOS Mail and the Gmail app lay
 *   out alike): the sender on one line (~25), the subject on one line
 *   (35–40), the preheader on two lines under it (80–90);
 * - Gmail on the web at a common laptop width: a sender column (~20), then
 *   subject and preheader share one line (110–130 in all).
 */
export const PHONE_SENDER_CHARS = 25;
export const PHONE_SUBJECT_CHARS = 38;
export const PHONE_PREHEADER_CHARS = 85;
export const DESKTOP_SENDER_CHARS = 20;
export const DESKTOP_LINE_CHARS = 120;

/** Gmail on the web puts this between the subject and the greyed preheader. */
const DESKTOP_SEPARATOR = ' - ';

const ELLIPSIS = '…';

export interface InboxFields {
  fromName: string;
  subject: string;
  preheader: string;
}

/** One inbox's rendering of the row: the text as shown, and which parts were cut. */
export interface InboxRow {
  layout: 'phone' | 'desktop';
  label: string;
  shown: InboxFields;
  cut: Record<keyof InboxFields, boolean>;
}

export interface InboxRows {
  phone: InboxRow;
  desktop: InboxRow;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Characters as a reader counts them: an emoji with its modifiers is one, not four code units. */
function charactersOf(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

/** Whitespace collapsed as an inbox shows it (line breaks in a subject render as spaces). */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `text` cut to `max` characters, the last one an ellipsis when anything was dropped. */
function cutTo(text: string, max: number): { text: string; cut: boolean } {
  const chars = charactersOf(text);
  if (chars.length <= max) return { text, cut: false };
  return {
    text:
      chars
        .slice(0, Math.max(0, max - 1))
        .join('')
        .trimEnd() + ELLIPSIS,
    cut: true,
  };
}

function phoneRow(fields: InboxFields): InboxRow {
  const fromName = cutTo(fields.fromName, PHONE_SENDER_CHARS);
  const subject = cutTo(fields.subject, PHONE_SUBJECT_CHARS);
  const preheader = cutTo(fields.preheader, PHONE_PREHEADER_CHARS);
  return {
    layout: 'phone',
    label: 'Phone, 375 px (iOS Mail, Gmail app)',
    shown: { fromName: fromName.text, subject: subject.text, preheader: preheader.text },
    cut: { fromName: fromName.cut, subject: subject.cut, preheader: preheader.cut },
  };
}

/** Subject first; the preheader gets what is left of the line after the separator, if anything. */
function desktopRow(fields: InboxFields): InboxRow {
  const fromName = cutTo(fields.fromName, DESKTOP_SENDER_CHARS);
  const subject = cutTo(fields.subject, DESKTOP_LINE_CHARS);
  const room = DESKTOP_LINE_CHARS - charactersOf(subject.text).length - DESKTOP_SEPARATOR.length;
  const preheader = room > 1 ? cutTo(fields.preheader, room) : { text: '', cut: fields.preheader !== '' };
  return {
    layout: 'desktop',
    label: 'Desktop, Gmail on the web',
    shown: { fromName: fromName.text, subject: subject.text, preheader: preheader.text },
    cut: { fromName: fromName.cut, subject: subject.cut, preheader: preheader.cut },
  };
}

/**
 * The inbox rows a phone and a desktop show for a message.
 *
 * @example
 * inboxRows({ fromName: 'The Harm Ledger', subject: 'Week 47: …', preheader: 'Exam-proctoring…' }).phone.shown.subject
 */
export function inboxRows(fields: InboxFields): InboxRows {
  const clean = { fromName: oneLine(fields.fromName), subject: oneLine(fields.subject), preheader: oneLine(fields.preheader) };
  return { phone: phoneRow(clean), desktop: desktopRow(clean) };
}

function phoneRowHtml(row: InboxRow): string {
  const { fromName, subject, preheader } = row.shown;
  return (
    `<figure class="inbox-row inbox-phone" style="width:375px;margin:8px 0;padding:10px 16px;background:#fff;border:1px solid #ddd;font:15px/1.35 -apple-system,Helvetica,Arial,sans-serif">` +
    `<figcaption style="font-size:12px;color:#777">${e(row.label)}</figcaption>` +
    `<div style="font-weight:600">${e(fromName)}</div><div>${e(subject)}</div>` +
    `<div style="color:#666;max-height:2.7em;overflow:hidden">${e(preheader)}</div></figure>`
  );
}

function desktopRowHtml(row: InboxRow): string {
  const { fromName, subject, preheader } = row.shown;
  const rest = preheader === '' ? '' : `<span style="color:#666">${e(DESKTOP_SEPARATOR + preheader)}</span>`;
  return (
    `<figure class="inbox-row inbox-desktop" style="margin:8px 0;padding:8px 12px;background:#fff;border:1px solid #ddd;font:14px/1.4 Arial,sans-serif;white-space:nowrap;overflow-x:auto">` +
    `<figcaption style="font-size:12px;color:#777">${e(row.label)}</figcaption>` +
    `<span style="display:inline-block;width:13em;font-weight:700">${e(fromName)}</span><span style="font-weight:700">${e(subject)}</span>${rest}</figure>`
  );
}

/** "sender", "sender and subject", "sender, subject and preheader". */
function listed(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** The two rows as mock inbox lines for the checks panel, with a note of what each cut. */
export function inboxRowsHtml(rows: InboxRows): string {
  const cutParts = (row: InboxRow) => (Object.keys(row.cut) as (keyof InboxFields)[]).filter((k) => row.cut[k]);
  const names: Record<keyof InboxFields, string> = { fromName: 'sender', subject: 'subject', preheader: 'preheader' };
  const notes = [rows.phone, rows.desktop]
    .map((row) => ({ row, parts: cutParts(row).map((k) => names[k]) }))
    .filter(({ parts }) => parts.length > 0)
    .map(({ row, parts }) => `${row.layout === 'phone' ? 'Phone' : 'Desktop'} cuts the ${listed(parts)}.`);
  const summary = notes.length === 0 ? 'Everything fits on a phone and on a desktop.' : notes.join(' ');
  return checkSection('inbox', 'Inbox row', summary, phoneRowHtml(rows.phone) + desktopRowHtml(rows.desktop));
}
