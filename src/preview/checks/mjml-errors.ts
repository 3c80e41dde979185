/**
 * MJML's validation errors name a line of the generated MJML, which nobody
 * sees (React Email writes the whole body on one line). This points each
 * error at the template source that produced it: the element at the error's
 * line gives its tag (`mj-button` → `<MjmlButton>` of `@faire/mjml-react`) and
 * its attributes and text; the template files' usages of that component are
 * ranked by how well they match (the illegal attribute itself, the other
 * attributes, the text).
 *
 * It reads the source as text, not as TypeScript: a usage built by a helper
 * (props spread from a variable, a component chosen at run time) is found by
 * its component name only, and ranked lower.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Parser } from 'htmlparser2';
import type { MjmlWarning } from '../../render/compile-mjml.ts';
import { escapeHtml as e } from '../../render/slots.ts';
import { checkSection, plural } from './panel-html.ts';

/** A place in a template that may have produced the error; higher `score`, better match. */
export interface SourceCandidate {
  file: string;
  line: number;
  snippet: string;
  score: number;
}

export interface LocatedMjmlError {
  error: MjmlWarning;
  /** The error's line in the generated MJML, and the element's opening tag there. */
  mjmlLine: number;
  mjmlSnippet: string;
  /** The `@faire/mjml-react` component that renders the tag. */
  component: string;
  candidates: SourceCandidate[];
}

export interface LocateOptions {
  /** The generated MJML the errors refer to (`CompiledMjml.mjml`, or the text compiled). */
  mjml: string;
  /** Where the templates are (`emails/`); every `.tsx` below it is read. */
  templateDir: string;
}

interface MjmlElement {
  tagName: string;
  line: number;
  attributes: Record<string, string>;
  text: string;
  openingTag: string;
}

interface JsxUsage {
  file: string;
  /** Where the usage starts, and where each prop is, as 1-based lines. */
  line: number;
  props: Map<string, { value: string | null; line: number }>;
  text: string;
  openingTag: string;
}

const MAX_CANDIDATES = 5;
const MAX_SNIPPET = 160;

function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > MAX_SNIPPET ? `${one.slice(0, MAX_SNIPPET - 1)}…` : one;
}

/** `mj-navbar-link` → `MjmlNavbarLink`, `mjml` → `Mjml`: how `@faire/mjml-react` names its components. */
export function componentFor(tagName: string): string {
  const words = tagName.split('-').slice(1);
  return `Mjml${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`;
}

/** `background-color` → `backgroundColor`: mjml-react turns camelCase props into these attributes. */
function camelCase(attribute: string): string {
  return attribute.replace(/-([a-z])/g, (_all, letter: string) => letter.toUpperCase());
}

/** Counts lines as the parser moves forward through the text (its indexes only grow). */
function lineCounter(text: string): (index: number) => number {
  let at = 0;
  let line = 1;
  return (index) => {
    for (; at < index; at++) if (text.charCodeAt(at) === 10) line++;
    return line;
  };
}

/** Every `mj-*` element of the generated MJML with its line, attributes and own text. */
function mjmlElements(mjml: string): MjmlElement[] {
  const elements: MjmlElement[] = [];
  const open: MjmlElement[] = [];
  const lineAt = lineCounter(mjml);
  const parser = new Parser(
    {
      onopentag(tagName, attributes) {
        if (!tagName.startsWith('mj')) return;
        const openingTag = mjml.slice(parser.startIndex, parser.endIndex + 1);
        const element = { tagName, line: lineAt(parser.startIndex), attributes, text: '', openingTag };
        elements.push(element);
        open.push(element);
      },
      ontext(text) {
        const innermost = open.at(-1);
        if (innermost) innermost.text += text;
      },
      onclosetag(tagName) {
        if (tagName.startsWith('mj')) open.pop();
      },
    },
    { recognizeSelfClosing: true, lowerCaseAttributeNames: false, decodeEntities: true },
  );
  parser.end(mjml);
  return elements;
}

/** The attribute an error message is about, with the value it refused if it says so. */
function attributeOf(message: string): { name: string; value: string | null } | null {
  const match = /^Attribute (\S+) (?:is illegal|has invalid value: (.*?) for type)/.exec(message);
  return match ? { name: match[1]!, value: match[2] ?? null } : null;
}

/** The element(s) the error is about: its tag at its line, narrowed by the attribute it names. */
function elementsFor(error: MjmlWarning, elements: MjmlElement[]): MjmlElement[] {
  const sameTag = elements.filter((el) => el.tagName === error.tagName);
  const atLine = sameTag.filter((el) => el.line === error.line);
  const pool = atLine.length > 0 ? atLine : sameTag;
  const attribute = attributeOf(error.message);
  if (!attribute) return pool;
  const named = pool.filter((el) => attribute.name in el.attributes);
  const valued = named.filter((el) => attribute.value === null || el.attributes[attribute.name] === attribute.value);
  return valued.length > 0 ? valued : named.length > 0 ? named : pool;
}

/** The index just past a `{…}` expression starting at `from`, skipping braces inside JS strings. */
function skipExpression(source: string, from: number): number {
  let depth = 0;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return source.length;
}

/** A prop's value starting at `from`: a string literal's text, or null for an `{expression}`; `end` is past it (0 when unreadable). */
function propValue(source: string, from: number): { value: string | null; end: number } {
  const quote = source[from];
  if (quote === '{') return { value: null, end: skipExpression(source, from) };
  if (quote !== '"' && quote !== "'") return { value: null, end: 0 };
  const close = source.indexOf(quote, from + 1);
  return close === -1 ? { value: null, end: 0 } : { value: source.slice(from + 1, close), end: close + 1 };
}

/** Reads the props of the JSX opening tag whose name ends at `from`; returns them and the index of its `>`. */
function jsxProps(source: string, from: number, lineAt: (index: number) => number): { props: JsxUsage['props']; end: number } {
  const props: JsxUsage['props'] = new Map();
  let i = from;
  while (i < source.length) {
    while (/\s/.test(source[i] ?? '')) i++;
    const c = source[i];
    if (c === undefined || c === '>' || c === '/') break;
    if (c === '{') {
      i = skipExpression(source, i); // a spread: {...props}
      continue;
    }
    const name = /^[A-Za-z_$][\w$-]*/.exec(source.slice(i, i + 100))?.[0];
    if (!name) break;
    const at = i;
    i += name.length;
    if (source[i] !== '=') {
      props.set(name, { value: null, line: lineAt(at) }); // a boolean prop
      continue;
    }
    const assigned = propValue(source, i + 1);
    if (assigned.end <= i) break;
    props.set(name, { value: assigned.value, line: lineAt(at) });
    i = assigned.end;
  }
  return { props, end: source.indexOf('>', i) };
}

/** The literal words between an opening and its closing tag, expressions and tags left out. */
function literalText(source: string, from: number, component: string): string {
  const close = source.indexOf(`</${component}>`, from);
  if (close === -1) return '';
  return source
    .slice(from, close)
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function usagesIn(file: string, source: string, component: string): JsxUsage[] {
  const usages: JsxUsage[] = [];
  const lineAt = lineCounter(source);
  for (const match of source.matchAll(new RegExp(`<${component}(?=[\\s/>])`, 'g'))) {
    const line = lineAt(match.index);
    const { props, end } = jsxProps(source, match.index + match[0].length, lineAt);
    const selfClosing = source[end - 1] === '/';
    const text = selfClosing ? '' : literalText(source, end + 1, component);
    usages.push({ file, line, props, text, openingTag: source.slice(match.index, end + 1) });
  }
  return usages;
}

async function templateFiles(templateDir: string): Promise<string[]> {
  const entries = await readdir(templateDir, { recursive: true });
  return entries.filter((f) => f.endsWith('.tsx') && !f.endsWith('.test.tsx')).map((f) => join(templateDir, f));
}

/** The JSX prop that renders `attribute`: camelCase (`backgroundColor`), or as written for `data-*`, `aria-*` and other dashed names React passes on. */
function propFor(usage: JsxUsage, attribute: string): { value: string | null; line: number } | undefined {
  return usage.props.get(camelCase(attribute)) ?? usage.props.get(attribute);
}

/** How well a usage matches the element: the refused attribute counts most, then shared attributes and values, then text. */
function matchScore(usage: JsxUsage, element: MjmlElement, refused: string | null): number {
  let score = refused !== null && propFor(usage, refused) ? 10 : 0;
  for (const [attribute, value] of Object.entries(element.attributes)) {
    const prop = propFor(usage, attribute);
    if (prop) score += prop.value === value ? 2 : 1;
  }
  if (usage.text !== '' && element.text.toLowerCase().includes(usage.text.toLowerCase())) score += 3;
  return score;
}

function rankUsages(usages: JsxUsage[], elements: MjmlElement[], refused: string | null): SourceCandidate[] {
  return usages
    .map((usage) => {
      const score = Math.max(0, ...elements.map((el) => matchScore(usage, el, refused)));
      const propLine = refused === null ? undefined : propFor(usage, refused)?.line;
      return { file: usage.file, line: propLine ?? usage.line, snippet: snippet(usage.openingTag), score };
    })
    .sort((a, b) => b.score - a.score || a.file.localeCompare(b.file) || a.line - b.line)
    .slice(0, MAX_CANDIDATES);
}

/**
 * Each MJML error with the template places that most likely produced it,
 * best first. Never throws for an error it cannot place: its candidate list
 * is empty.
 *
 * @example
 * catch (error) {
 *   if (error instanceof MjmlCompileError) await locateMjmlErrors(error.warnings, { mjml, templateDir: 'emails' });
 * }
 */
export async function locateMjmlErrors(errors: readonly MjmlWarning[], options: LocateOptions): Promise<LocatedMjmlError[]> {
  const elements = mjmlElements(options.mjml);
  const sources = await Promise.all((await templateFiles(options.templateDir)).map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
  return errors.map((error) => {
    const matching = elementsFor(error, elements);
    const component = componentFor(error.tagName);
    const usages = sources.flatMap(({ file, text }) => usagesIn(file, text, component));
    const refused = attributeOf(error.message)?.name ?? null;
    const mjmlSnippet = snippet(matching[0]?.openingTag ?? '');
    return { error, mjmlLine: error.line, mjmlSnippet, component, candidates: rankUsages(usages, matching, refused) };
  });
}

function locatedItem(located: LocatedMjmlError): string {
  const { error, candidates } = located;
  const places = candidates.map((c) => `<li><code>${e(c.file)}:${c.line}</code> <small>${e(c.snippet)}</small></li>`).join('');
  const where = candidates.length === 0 ? `<p>No &lt;${e(located.component)}&gt; found in the templates.</p>` : `<ol>${places}</ol>`;
  return (
    `<li><strong>&lt;${e(error.tagName)}&gt;: ${e(error.message)}</strong>` +
    `<br><small>generated MJML line ${located.mjmlLine}: <code>${e(located.mjmlSnippet)}</code></small>${where}</li>`
  );
}

/** The errors for the checks panel, each with its likely places in the templates. */
export function mjmlErrorsHtml(located: readonly LocatedMjmlError[]): string {
  const summary = located.length === 0 ? 'MJML found no errors.' : `MJML refused the template: ${plural(located.length, 'error')}.`;
  return checkSection('mjml', 'MJML validation', summary, located.length === 0 ? '' : `<ul>${located.map(locatedItem).join('')}</ul>`);
}
