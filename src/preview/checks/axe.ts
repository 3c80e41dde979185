/**
 * Accessibility findings for the email, computed by axe-core in the editor's
 * own browser (axe needs layout and computed styles, which only a browser
 * has; nothing is sent anywhere).
 *
 * axe-core checks the document of its own window: handed the iframe's
 * document from the page, `axe.run` refuses it (the nodes belong to another
 * realm). So the panel script loads axe into the email's frame (same origin)
 * and runs the frame's `axe.run(frame.contentDocument)`. The frame's bytes
 * stay the sender's; only its live DOM gains the script element.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { projectRoot } from '../../project-root.ts';

/** Where the preview serves `axeScriptPath()`; the panel script loads axe from here. */
export const AXE_SCRIPT_URL = '/checks/axe.min.js';

/**
 * Rules about pages, not emails: an email has no landmarks or page heading
 * of its own (the client wraps it in its own page), so these would fire on
 * every digest and bury the findings that matter.
 */
const PAGE_ONLY_RULES = ['region', 'landmark-one-main', 'page-has-heading-one'];

/** The file path of axe-core's browser build, from this project's node_modules. */
export function axeScriptPath(): string {
  // From the project's root: this code may run from a bundle in a cache folder (bin/digest.js).
  return createRequire(join(projectRoot(), 'package.json')).resolve('axe-core/axe.min.js');
}

/**
 * The panel's browser code (plain JavaScript, it runs as sent). It expects
 * `AXE_URL` and `OPTIONS` in scope: axePanelScript defines them before it.
 */
const PANEL_CODE = `const ORDER = { critical: 0, serious: 1, moderate: 2, minor: 3 };
const frame = document.getElementById('email');
const out = document.getElementById('axe-results');
if (!frame || !out) return;
const el = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};
const short = (html) => (html.length > 160 ? html.slice(0, 159) + '…' : html);
const say = (text) => out.replaceChildren(el('p', text, 'check-summary'));
function loadAxe(doc) {
  const win = doc.defaultView;
  if (win.axe) return Promise.resolve(win.axe);
  return new Promise((resolve, reject) => {
    const script = doc.createElement('script');
    script.src = AXE_URL;
    script.onload = () => resolve(win.axe);
    script.onerror = () => reject(new Error('could not load ' + AXE_URL));
    doc.head.appendChild(script);
  });
}
function violationItem(v) {
  const item = el('li');
  item.dataset.rule = v.id;
  item.append(el('strong', (v.impact || 'minor') + ': ' + v.id), document.createTextNode(' — ' + v.help));
  const nodes = el('ul');
  for (const node of v.nodes) {
    const li = el('li');
    li.append(el('code', node.target.join(' '), 'target'), document.createTextNode(' '), el('small', short(node.html), 'html'));
    nodes.append(li);
  }
  item.append(nodes);
  return item;
}
function show(violations) {
  const sorted = [...violations].sort((a, b) => (ORDER[a.impact] ?? 4) - (ORDER[b.impact] ?? 4));
  const serious = sorted.filter((v) => v.impact === 'serious' || v.impact === 'critical').length;
  say(serious + ' serious or critical finding' + (serious === 1 ? '' : 's') + ' (' + sorted.length + ' in all)');
  const list = el('ol');
  list.append(...sorted.map(violationItem));
  out.append(list);
}
async function check() {
  const doc = frame.contentDocument;
  if (!doc || !doc.head) return say('Accessibility check not available: the email frame cannot be read.');
  say('Checking accessibility…');
  try {
    const axe = await loadAxe(doc);
    show((await axe.run(doc, OPTIONS)).violations);
  } catch (error) {
    say('Accessibility check failed: ' + (error && error.message ? error.message : String(error)));
  }
}
// One run at a time: axe refuses to start while it is running, and a save can reload the frame mid-run.
let queue = Promise.resolve();
const audit = () => {
  queue = queue.then(check);
};
frame.addEventListener('load', audit);
const doc = frame.contentDocument;
if (doc && doc.readyState === 'complete' && doc.URL !== 'about:blank') audit();`;

/** JSON that can sit inside a `<script>` element: no `</script>` can close it early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * A browser script for the checks panel: whenever the iframe `#email` loads,
 * it runs axe over the email and fills `#axe-results` with a count line and
 * each violation (impact, rule id, help, and each element's selector and
 * HTML). Every text goes in with textContent: the email's own HTML is shown,
 * never parsed.
 *
 * @example
 * `<iframe id="email" src="…"></iframe><div id="axe-results"></div><script>${axePanelScript()}</script>`
 */
export function axePanelScript(axeUrl: string = AXE_SCRIPT_URL): string {
  const options = { resultTypes: ['violations'], rules: Object.fromEntries(PAGE_ONLY_RULES.map((id) => [id, { enabled: false }])) };
  return `(() => {\nconst AXE_URL = ${scriptJson(axeUrl)};\nconst OPTIONS = ${scriptJson(options)};\n${PANEL_CODE}\n})();`;
}
