/**
 * What an email looks like in the dark modes we cannot preview with
 * `prefers-color-scheme`: clients that ignore the email's own dark rules and
 * recolour it themselves.
 *
 * - Gmail's iOS and Android apps: full colour inversion. Every background and
 *   every text colour has its lightness flipped, dark ones too, so a dark
 *   button turns light and its white label dark.
 * - Outlook.com: partial inversion. Only light backgrounds are darkened and
 *   only dark text is lightened; what is already dark (a button, a banner)
 *   keeps its colour.
 *
 * Both keep hue and saturation (a red stays a red) and leave images alone.
 * The simulation rewrites the colours the HTML states (inline `style`,
 * `bgcolor`/`color` attributes, `<style>` blocks); the clients' real
 * algorithms are unpublished and also adjust contrast, so this shows where
 * colours will flip, not the exact shades. See Litmus, "The ultimate guide to
 * dark mode for email marketers" (no-change / partial / full inversion).
 */

/** Which colours a client flips, given where the colour is used and its HSL lightness (0–1). */
type InversionRule = (role: ColourRole, lightness: number) => boolean;

/** Backgrounds (and the borders that frame them) versus text. */
type ColourRole = 'background' | 'text';

interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

const fullInversion: InversionRule = () => true;

/** Outlook.com darkens what is light behind and lightens what is dark in front; the rest stays. */
const partialInversion: InversionRule = (role, lightness) => (role === 'background' ? lightness > 0.5 : lightness < 0.5);

/** The CSS basic colour keywords (CSS Color 4 §6.1) plus grey and orange, the names emails use. */
const NAMED_COLOURS: Record<string, string> = {
  black: '#000000',
  silver: '#c0c0c0',
  gray: '#808080',
  grey: '#808080',
  white: '#ffffff',
  maroon: '#800000',
  red: '#ff0000',
  purple: '#800080',
  fuchsia: '#ff00ff',
  green: '#008000',
  lime: '#00ff00',
  olive: '#808000',
  yellow: '#ffff00',
  navy: '#000080',
  blue: '#0000ff',
  teal: '#008080',
  aqua: '#00ffff',
  orange: '#ffa500',
};

function parseHex(hex: string): Rgba | null {
  const digits = hex.length <= 4 ? [...hex].map((d) => d + d).join('') : hex;
  if (!/^[0-9a-f]+$/i.test(digits) || (digits.length !== 6 && digits.length !== 8)) return null;
  const byte = (i: number) => Number.parseInt(digits.slice(i, i + 2), 16);
  return { r: byte(0), g: byte(2), b: byte(4), a: digits.length === 8 ? byte(6) / 255 : 1 };
}

/** `rgb(1, 2, 3)`, `rgba(1,2,3,.5)`, `rgb(1 2 3 / 50%)` and percentages. */
function parseRgbFunction(args: string): Rgba | null {
  const parts = args.split(/[\s,/]+/).filter(Boolean);
  if (parts.length !== 3 && parts.length !== 4) return null;
  const channel = (p: string) => (p.endsWith('%') ? (Number.parseFloat(p) * 255) / 100 : Number.parseFloat(p));
  const alpha = (p: string | undefined) => (p === undefined ? 1 : p.endsWith('%') ? Number.parseFloat(p) / 100 : Number.parseFloat(p));
  const [r, g, b, a] = [channel(parts[0]!), channel(parts[1]!), channel(parts[2]!), alpha(parts[3])];
  return [r, g, b, a].some(Number.isNaN) ? null : { r, g, b, a };
}

/** A CSS colour token, or null for what this simulation does not recolour (`transparent`, `currentColor`, hsl()…). */
function parseColour(token: string): Rgba | null {
  const lower = token.trim().toLowerCase();
  if (lower.startsWith('#')) return parseHex(lower.slice(1));
  const fn = /^rgba?\(([^)]*)\)$/.exec(lower);
  if (fn) return parseRgbFunction(fn[1]!);
  const named = NAMED_COLOURS[lower];
  return named ? parseHex(named.slice(1)) : null;
}

function toHsl({ r, g, b }: Rgba): { h: number; s: number; l: number } {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255];
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0, l };
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === rn ? ((gn - bn) / d + 6) % 6 : max === gn ? (bn - rn) / d + 2 : (rn - gn) / d + 4;
  return { h: h * 60, s, l };
}

function fromHsl(h: number, s: number, l: number, a: number): Rgba {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  const byte = (v: number) => Math.round((v + m) * 255);
  return { r: byte(r), g: byte(g), b: byte(b), a };
}

function formatColour({ r, g, b, a }: Rgba): string {
  if (a < 1) return `rgba(${r}, ${g}, ${b}, ${Number(a.toFixed(3))})`;
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** The token as the client would paint it: lightness flipped (1 − L) when the rule says so, hue and saturation kept. */
function recolour(token: string, role: ColourRole, rule: InversionRule): string {
  const colour = parseColour(token);
  if (!colour) return token;
  const { h, s, l } = toHsl(colour);
  return rule(role, l) ? formatColour(fromHsl(h, s, 1 - l, colour.a)) : token;
}

/** Colour tokens in a CSS value; `url(...)` is matched first so that an image's address is never touched. */
const COLOUR_TOKEN = new RegExp(`url\\([^)]*\\)|#[0-9a-f]{3,8}\\b|rgba?\\([^)]*\\)|\\b(?:${Object.keys(NAMED_COLOURS).join('|')})\\b`, 'gi');

/** `prop: value` where prop carries a colour; the value may hold parentheses with `;` inside (`url(data:…;base64,…)`). */
const COLOUR_DECLARATION = /(^|[\s;{])(background-color|background|color|border(?:-(?:top|right|bottom|left))?(?:-color)?)(\s*:\s*)((?:[^;}()]|\([^()]*\))*)/gi;

/** Recolours the declarations of a CSS text: an inline `style` value or a `<style>` block's rules. */
function recolourCss(css: string, rule: InversionRule): string {
  return css.replace(COLOUR_DECLARATION, (_all, before: string, prop: string, colon: string, value: string) => {
    const role: ColourRole = prop.toLowerCase() === 'color' ? 'text' : 'background';
    const recoloured = value.replace(COLOUR_TOKEN, (token) => (token.toLowerCase().startsWith('url(') ? token : recolour(token, role, rule)));
    return before + prop + colon + recoloured;
  });
}

/** The index just past the block opened by the `{` at `open`, or the end of the text if it never closes. */
function endOfBlock(css: string, open: number): number {
  let depth = 0;
  for (let i = open; i < css.length; i++) {
    if (css[i] === '{') depth++;
    else if (css[i] === '}' && --depth === 0) return i + 1;
  }
  return css.length;
}

/** Removes `@media (prefers-color-scheme: dark) {…}` blocks: these clients never apply them. */
function dropDarkSchemeRules(css: string): string {
  const atMedia = /@media[^{]*prefers-color-scheme\s*:\s*dark[^{]*\{/gi;
  let out = '';
  let from = 0;
  for (let match = atMedia.exec(css); match; match = atMedia.exec(css)) {
    const end = endOfBlock(css, match.index + match[0].length - 1);
    out += css.slice(from, match.index);
    from = end;
    atMedia.lastIndex = end;
  }
  return out + css.slice(from);
}

/** A start tag with its attributes (quoted values may hold `>`). */
const START_TAG = /<([a-z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)(\s*\/?>)/gi;
const COLOUR_ATTRIBUTE = /(\s)(style|bgcolor|color)(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;

/** Recolours a start tag's `style`, `bgcolor` and `color` attributes; an `<img>` is left as it is, as the clients leave pictures. */
function recolourTag(tag: string, name: string, attributes: string, close: string, rule: InversionRule): string {
  if (name.toLowerCase() === 'img') return tag;
  const recoloured = attributes.replace(COLOUR_ATTRIBUTE, (_all, space: string, attr: string, equals: string, dq?: string, sq?: string, bare?: string) => {
    const value = dq ?? sq ?? bare ?? '';
    const lower = attr.toLowerCase();
    const next = lower === 'style' ? recolourCss(value, rule) : recolour(value, lower === 'bgcolor' ? 'background' : 'text', rule);
    const quote = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
    return `${space}${attr}${equals}${quote}${next}${quote}`;
  });
  return `<${name}${recoloured}${close}`;
}

/**
 * The client's own dark page behind the email: what has no colour of its own
 * (a transparent body, text that inherits) shows the app's dark theme.
 */
const CLIENT_DARK_DEFAULTS = '<style>html,body{background-color:#000000;color:#ffffff}</style>';

function darken(html: string, rule: InversionRule): string {
  const styled = html.replace(/(<style\b[^>]*>)([\s\S]*?)(<\/style>)/gi, (_all, open: string, css: string, close: string) => {
    return open + recolourCss(dropDarkSchemeRules(css), rule) + close;
  });
  const recoloured = styled.replace(START_TAG, (tag, name: string, attributes: string, close: string) => recolourTag(tag, name, attributes, close, rule));
  return /<head\b[^>]*>/i.test(recoloured) ? recoloured.replace(/<head\b[^>]*>/i, (head) => head + CLIENT_DARK_DEFAULTS) : CLIENT_DARK_DEFAULTS + recoloured;
}

/**
 * The email as Gmail's iOS and Android apps show it in dark mode: every
 * colour's lightness flipped, dark ones included. A full HTML document for
 * the preview's iframe.
 *
 * @example
 * gmailAppDark('<body style="background:#ffffff;color:#222222">…') // background #000000, text #dddddd
 */
export function gmailAppDark(html: string): string {
  return darken(html, fullInversion);
}

/**
 * The email as Outlook.com shows it in dark mode: light backgrounds darkened,
 * dark text lightened, already-dark colours and images kept.
 *
 * @example
 * outlookComDark('<td bgcolor="#a3361a" style="color:#ffffff">') // both kept: a dark button stays dark
 */
export function outlookComDark(html: string): string {
  return darken(html, partialInversion);
}
