import { escapeHtml as e } from '../render/slots.ts';
import { HTML_BUDGET_BYTES, formatKb, htmlBytes } from '../render/size-budget.ts';
import { type Desk, deskSection } from './desk.ts';
import type { CompileFailure } from './load-fresh.ts';
import { inboxRows, inboxRowsHtml } from './checks/inbox-row.ts';
import { axePanelScript } from './checks/axe.ts';
import type { PreviewResult, TemplateName } from './render-preview.ts';

export interface WeekEntry {
  id: string;
  range: string;
  articles: number;
  status: string | null;
  upcoming: boolean;
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1d1f23;background:#f2efe9}
a{color:#a3361a}header{padding:14px 24px;background:#1d1f23;color:#fff}header a{color:#fff;text-decoration:none;font-weight:700}
main{padding:20px 24px}h1{font:700 24px/1.2 Georgia,serif;margin:0 0 12px}h2{font-size:15px;margin:18px 0 6px;text-transform:uppercase;letter-spacing:.5px;color:#555b63}
ul{padding-left:20px}li{margin:4px 0}.muted{color:#555b63}.grid{display:grid;grid-template-columns:320px 1fr;gap:24px;align-items:start}
aside{background:#fff;border-radius:8px;padding:16px;overflow-wrap:anywhere}dl{margin:0}dt{font-weight:600;margin-top:8px}dd{margin:0}
.bar{height:8px;background:#e2dcd0;border-radius:4px;overflow:hidden}.bar span{display:block;height:100%;background:#2f7d4f}.bar.over span{background:#a3361a}
.tools{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:12px}.tools button{font:inherit;padding:8px 14px;border:1px solid #b9b2a5;background:#fff;border-radius:6px;cursor:pointer}
.tools button[aria-pressed=true],.tools button[aria-selected=true]{background:#1d1f23;color:#fff;border-color:#1d1f23}
.frame{background:#fff;border-radius:8px;padding:12px;overflow:auto}iframe{display:block;border:0;height:80vh;margin:0 auto;background:#fff}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;padding:12px;border-radius:8px;max-height:80vh;overflow:auto;font-size:13px}
.error{background:#fff0ed;border:2px solid #a3361a;border-radius:8px;padding:16px}.note{background:#e8f4ec;border-radius:6px;padding:8px 12px}
form input{font:inherit;padding:8px;width:100%;margin:4px 0 8px;border:1px solid #b9b2a5;border-radius:6px}form button{font:inherit;padding:8px 14px}
`;

/**
 * Reloads the page when the server says a template (or data) changed; keeps
 * width, scheme and tab in the URL. Dark mode is emulated in the viewer by
 * applying the email's own prefers-color-scheme:dark rules inside the iframe
 * (browsers evaluate that media query for the whole window, not per frame);
 * the bytes served to the iframe stay exactly the sender's.
 */
const SCRIPT = `
const params = new URLSearchParams(location.search);
function applyScheme(frame, scheme) {
  const doc = frame.contentDocument;
  if (!doc || !doc.head) return;
  doc.getElementById('preview-dark')?.remove();
  doc.documentElement.style.colorScheme = scheme;
  if (scheme !== 'dark') return;
  let css = '';
  for (const sheet of doc.styleSheets) for (const rule of (() => { try { return sheet.cssRules; } catch { return []; } })())
    // The rules live in the iframe's realm: instanceof CSSMediaRule would be false.
    if (rule.media && /prefers-color-scheme:\\s*dark/.test(rule.media.mediaText)) for (const inner of rule.cssRules) css += inner.cssText;
  const style = doc.createElement('style');
  style.id = 'preview-dark';
  style.textContent = css;
  doc.head.appendChild(style);
}
function simulate(frame, scheme) {
  // Gmail's app and Outlook.com recolour emails themselves: the frame shows the server's simulation of it.
  const simulated = scheme === 'gmail' || scheme === 'outlook';
  const src = simulated ? '/simulate/' + scheme + '/' + frame.dataset.template + '?' + frame.dataset.query : frame.dataset.src;
  if (frame.getAttribute('src') !== src) frame.setAttribute('src', src);
  const note = document.getElementById('simulation-note');
  if (note) note.hidden = !simulated;
  return simulated ? 'light' : scheme;
}
function apply() {
  const width = params.get('width') || 'desktop', tab = params.get('tab') || 'preview';
  const frame = document.getElementById('email');
  let scheme = params.get('scheme') || 'light';
  if (frame) { scheme = simulate(frame, scheme); frame.style.width = width === 'mobile' ? '375px' : '700px'; frame.style.colorScheme = scheme; applyScheme(frame, scheme); frame.onload = () => applyScheme(frame, scheme); }
  for (const b of document.querySelectorAll('[data-set]')) {
    const [k, v] = b.dataset.set.split('=');
    const on = (params.get(k) || {width:'desktop',scheme:'light',tab:'preview'}[k]) === v;
    b.setAttribute(b.getAttribute('role') === 'tab' ? 'aria-selected' : 'aria-pressed', String(on));
  }
  for (const p of document.querySelectorAll('[data-tab]')) p.hidden = p.dataset.tab !== tab;
  for (const input of document.querySelectorAll('input[data-view]')) if (['width', 'scheme', 'tab'].includes(input.name)) input.value = params.get(input.name) || '';
}
for (const b of document.querySelectorAll('[data-set]')) b.addEventListener('click', () => {
  const [k, v] = b.dataset.set.split('='); params.set(k, v); history.replaceState(null, '', '?' + params); apply();
});
apply();
new EventSource('/events').addEventListener('reload', () => location.reload());
// The slow checks (links, pictures, client support) once the email is on screen; the spam score on request.
function fill(box, src) {
  box.setAttribute('aria-busy', 'true');
  return fetch(src)
    .then((r) => r.ok ? r.text() : Promise.reject(new Error('status ' + r.status)))
    .then((html) => { box.innerHTML = html; box.setAttribute('aria-busy', 'false'); })
    .catch((error) => { box.querySelector('.check-summary').textContent = 'The check could not run: ' + error.message; });
}
const checks = document.getElementById('checks');
const emailFrame = document.getElementById('email');
if (checks && emailFrame) emailFrame.addEventListener('load', () => fill(checks, checks.dataset.src), { once: true });
const spam = document.getElementById('spam-check');
if (spam) spam.querySelector('a').addEventListener('click', (event) => { event.preventDefault(); spam.querySelector('.check-summary').textContent = 'Scoring with SpamAssassin (a few seconds)…'; fill(spam, spam.dataset.src); });
${axePanelScript()}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)}</title><style>${STYLE}</style></head><body><header><a href="/">weekly-digest preview</a></header><main>${body}</main><script>${SCRIPT}</script></body></html>`;
}

export function indexPage(templates: readonly { name: string; title: string; file: string }[], weeks: WeekEntry[]): string {
  const weekItems = weeks
    .map(
      (w) =>
        `<li><a href="/preview/weekly-digest?week=${e(w.id)}">${e(w.id)}</a> <span class="muted">${e(w.range)} · ${w.articles} ${w.articles === 1 ? 'article' : 'articles'}${w.upcoming ? ' · upcoming, goes out next Monday' : ''}${w.status ? ` · digest ${e(w.status)}` : ''}</span></li>`,
    )
    .join('');
  const templateItems = templates.map((t) => `<li><a href="/preview/${e(t.name)}">${e(t.title)}</a> <span class="muted">${e(t.file)}</span></li>`).join('');
  return page(
    'Email preview',
    `<h1>Email preview</h1><p class="muted">Every email goes through the sender's own pipeline (React → MJML → HTML → personalised message). Saving a file under emails/ updates open pages.</p>
<h2>Templates</h2><ul id="templates">${templateItems}</ul>
<h2>Weekly digest by week</h2><ul id="weeks">${weekItems}</ul>`,
  );
}

function extractLinks(html: string): { href: string; text: string }[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({
    href: m[1]!.replace(/&amp;/g, '&'),
    text: m[2]!
      .replace(/<[^>]+>/g, '')
      .replace(/&[#\w]+;/g, (x) => ({ '&amp;': '&', '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&lt;': '<', '&gt;': '>' })[x] ?? x)
      .trim(),
  }));
}

/** The hidden preview text MJML puts first in the body: what an inbox shows after the subject. */
export function extractPreheader(html: string): string {
  const match = /<body[^>]*>\s*<div style="display:none[^"]*">([^<]*)<\/div>/.exec(html);
  return match
    ? match[1]!
        .replace(/&#x27;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
    : '';
}

export interface PreviewPageState {
  template: TemplateName;
  title: string;
  week: string | null;
  weeks: WeekEntry[];
  query: string;
  notice: string | null;
  /** The week's editor's desk (digest pages of a week with articles). */
  desk?: Desk | null;
  /** The id of this page's render, kept for its iframe. */
  frame?: string;
}

function toolbar(): string {
  const button = (set: string, label: string, role = '') => `<button type="button" data-set="${set}"${role ? ` role="${role}"` : ''}>${label}</button>`;
  return `<div class="tools" aria-label="View">${button('width=desktop', 'Desktop 700 px')}${button('width=mobile', 'Mobile 375 px')}${button('scheme=light', 'Light')}${button('scheme=dark', 'Dark')}${button('scheme=gmail', 'Gmail app dark')}${button('scheme=outlook', 'Outlook.com dark')}</div>
<div class="tools" role="tablist">${button('tab=preview', 'Preview', 'tab')}${button('tab=html', 'HTML', 'tab')}${button('tab=text', 'Plain text', 'tab')}${button('tab=mjml', 'MJML', 'tab')}</div>`;
}

function weekPicker(state: PreviewPageState): string {
  if (state.template !== 'weekly-digest') return '';
  const options = state.weeks.map((w) => `<option value="${e(w.id)}"${w.id === state.week ? ' selected' : ''}>${e(w.id)} (${w.articles})</option>`).join('');
  return `<form method="get" class="tools"><label>Week <select name="week" onchange="this.form.submit()">${options}</select></label>${viewFields(state.query)}</form>`;
}

/** What the editor is looking at, besides the week: kept by every form, so a save, a test send or a reload changes none of it. */
export const VIEW_PARAMS = ['reader', 'segment', 'width', 'scheme', 'tab'] as const;

/**
 * The view as hidden fields of a form (`names`: which of them); the page's
 * script keeps their values in step with the toolbar, which changes the view
 * without a request.
 */
export function viewFields(query: string, names: readonly string[] = VIEW_PARAMS): string {
  const params = new URLSearchParams(query);
  return names.map((name) => `<input type="hidden" name="${name}" value="${e(params.get(name) ?? '')}" data-view>`).join('');
}

/** Which reader, and which version of the issue, the page shows: a GET form, so the address says it (and reloads keep it). */
function readerPicker(state: PreviewPageState, result: PreviewResult): string {
  if (!result.segments || !state.week) return '';
  const params = new URLSearchParams(state.query);
  const options = [
    `<option value="">Their version</option>`,
    ...result.segments.map(
      (s) =>
        `<option value="${e(s.key)}"${params.get('segment') === s.key ? ' selected' : ''}>${e(s.key === 'all' ? 'Full digest' : s.key.replaceAll('|', ', '))} (${s.readers} ${s.readers === 1 ? 'reader' : 'readers'})</option>`,
    ),
  ].join('');
  return `<h2>Reader and version</h2><form method="get" id="reader-form"><input type="hidden" name="week" value="${e(state.week)}">
<label for="reader">Reader <span class="muted">(address, or part of one)</span></label><input id="reader" name="reader" type="search" value="${e(params.get('reader') ?? '')}" placeholder="${e(result.recipient)}">
<label for="segment">Version</label><select id="segment" name="segment">${options}</select>${viewFields(state.query, ['width', 'scheme', 'tab'])}<button type="submit">Show</button></form>`;
}

function withParam(query: string, name: string, value: string): string {
  const params = new URLSearchParams(query);
  params.set(name, value);
  return params.toString();
}

/** The iframe's query: the page's own, and the id of the render the page kept for it. */
function frameQuery(state: PreviewPageState): string {
  const params = new URLSearchParams(state.query);
  if (state.frame) params.set('frame', state.frame);
  return params.toString();
}

export function previewPage(state: PreviewPageState, result: PreviewResult): string {
  const { message } = result;
  const bytes = htmlBytes(message.html);
  const share = Math.min(100, Math.round((bytes / HTML_BUDGET_BYTES) * 100));
  const links = extractLinks(message.html)
    .map((l) => `<li><a href="${e(l.href)}" rel="noreferrer">${e(l.text || '(no text)')}</a><br><span class="muted">${e(l.href)}</span></li>`)
    .join('');
  const aside = `<aside>
<dl><dt>Subject</dt><dd id="subject">${e(message.subject)}</dd><dt>Preheader</dt><dd id="preheader">${e(extractPreheader(message.html))}</dd>
<dt>From</dt><dd>${e(`${message.from.name} <${message.from.address}>`.trim())}</dd><dt>To (sample)</dt><dd>${e(result.recipient)}</dd><dt>Content</dt><dd>${e(result.source)}</dd>
<dt>HTML size</dt><dd id="size">${formatKb(bytes)} of ${formatKb(HTML_BUDGET_BYTES)} (${share}%)</dd></dl>
<div class="bar${bytes > HTML_BUDGET_BYTES ? ' over' : ''}"><span style="width:${share}%"></span></div>
${readerPicker(state, result)}
<h2>MJML</h2><p id="mjml-status">Valid at strict level: no errors or warnings.</p>
<h2>Checks</h2>${inboxRowsHtml(inboxRows({ fromName: message.from.name || message.from.address, subject: message.subject, preheader: extractPreheader(message.html) }))}
<div id="checks" aria-live="polite" data-src="/checks/${e(state.template)}?${e(withParam(state.query, 'fragment', '1'))}"><p class="check-summary">Links, pictures and client support are checked once the email is on screen (<a href="/checks/${e(state.template)}?${e(state.query)}">open them on a page</a>).</p></div>
<section class="check check-spam" id="spam-check" aria-live="polite" data-src="/checks/${e(state.template)}?${e(withParam(withParam(state.query, 'spam', '1'), 'fragment', '1'))}"><h3>Spam score</h3><p class="check-summary">SpamAssassin, local tests only: <a href="/checks/${e(state.template)}?${e(withParam(state.query, 'spam', '1'))}">score this email</a> (a few seconds).</p></section>
<section class="check check-axe"><h3>Accessibility</h3><div id="axe-results"><p class="check-summary">axe-core runs on the email once it is on screen (needs JavaScript).</p></div></section>
${state.desk ? deskSection(state.desk, viewFields(state.query)) : ''}
<h2>Send a test</h2>
<form method="post" action="/send-test"><input type="hidden" name="template" value="${e(state.template)}"><input type="hidden" name="week" value="${e(state.week ?? '')}">${viewFields(state.query)}
<label for="to">To</label><input id="to" name="to" type="email" required placeholder="you@example.com">
<label for="name">Your name <span class="muted">(optional, for the greeting)</span></label><input id="name" name="name" type="text" maxlength="80" autocomplete="name"><button type="submit">Send test email</button></form>
<p class="muted">A test copy greets you, and its unsubscribe, preferences and confirm links only explain what they do: they change no reader.</p>
<h2>Links (${extractLinks(message.html).length})</h2><ul id="links">${links}</ul></aside>`;
  const main = `<section>${toolbar()}
<p class="note" id="simulation-note" hidden>A simulation of how this client recolours the email in dark mode (its own algorithm is unpublished): where colours flip, not the exact shades. The bytes sent are unchanged.</p>
<div data-tab="preview" class="frame"><iframe id="email" title="Email preview" src="/render/${e(state.template)}?${e(frameQuery(state))}" data-src="/render/${e(state.template)}?${e(frameQuery(state))}" data-template="${e(state.template)}" data-query="${e(state.query)}"></iframe></div>
<pre data-tab="html" id="html-source">${e(message.html)}</pre><pre data-tab="text" id="text-source">${e(message.text)}</pre><pre data-tab="mjml" id="mjml-source">${e(result.mjml)}</pre></section>`;
  const said = [state.notice, result.notice].filter(Boolean).join(' ');
  const notice = said ? `<p class="note" role="status">${e(said)}</p>` : '';
  return page(
    `${state.title} · preview`,
    `<h1>${e(state.title)}${state.week ? ` · ${e(state.week)}` : ''}</h1>${weekPicker(state)}${notice}<div class="grid">${aside}${main}</div>`,
  );
}

/**
 * A page with a message and no reload script: refusals, bad addresses, and
 * a failed render inside the iframe (the page around it reloads).
 */
export function messagePage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** A `week` in a preview address that is not an ISO week: what was wrong, escaped, and the form that works. */
export function badWeekPage(problem: string): string {
  return messagePage(
    'Not a week',
    `<h1>Not a week</h1><p id="problem">${e(problem)}.</p><p>Name a week as its ISO week, like <code>2026-W48</code>, or <a href="/">pick one from the list</a>.</p>`,
  );
}

/** Where the template broke and why; `details`: HTML of our own (MJML's errors placed in the templates). */
function failureSection(failure: CompileFailure, details = ''): string {
  const where = failure.file ? `${failure.file}${failure.line ? `, line ${failure.line}${failure.column ? `:${failure.column}` : ''}` : ''}` : 'the template';
  return `<section class="error" role="alert" id="error"><h2>Cannot render: error in ${e(where)}</h2><pre>${e(failure.message)}</pre>${details}<p>Fix the file and save: this page reloads by itself.</p></section>`;
}

export function failurePage(state: PreviewPageState, failure: CompileFailure, details = ''): string {
  return page(`${state.title} · error`, `<h1>${e(state.title)}</h1>${failureSection(failure, details)}`);
}

/** What the iframe shows when the template does not render (the page around it has the reload script). */
export function renderFailurePage(failure: CompileFailure, details = ''): string {
  return messagePage('Cannot render', failureSection(failure, details));
}
