/**
 * The design system shared by every email. Colours are picked for contrast
 * >= 4.5:1 on their own background in both schemes (see theme.test.ts), and so
 * that clients which invert colours themselves (Gmail app, Outlook) still get
 * dark text on light ground or light text on dark ground, never grey on grey.
 */
export const palette = {
  light: {
    page: '#f2efe9',
    card: '#ffffff',
    text: '#1d1f23',
    muted: '#555b63',
    accent: '#a3361a',
    onAccent: '#ffffff',
    rule: '#e2dcd0',
    note: '#f7f3ec',
  },
  dark: {
    page: '#141518',
    card: '#1f2125',
    text: '#ececec',
    muted: '#b3b8bf',
    accent: '#ff9d7a',
    onAccent: '#141518',
    rule: '#3a3d42',
    note: '#292b30',
  },
} as const;

export const fonts = {
  // System fonts only: no web-font request leaves the reader's mail client.
  // Unquoted names: React escapes quotes inside attributes, which breaks CSS.
  sans: '-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif',
  serif: 'Georgia,Times New Roman,serif',
};

export const WIDTH = 600;

const L = palette.light;
const D = palette.dark;

/**
 * Inlined into every element by MJML (juice), so clients that drop <style>
 * blocks still get readable, spaced text. Kept short: inline styles repeat per
 * element and count against Gmail's clipping budget.
 */
export const inlineCss = `
.md p{margin:0 0 10px}
.md a{color:${L.accent}}
.card h3{margin:0;font-family:${fonts.serif};font-size:21px;line-height:1.3}
.card h3 a{display:block;padding:9px 0;color:${L.text};text-decoration:none}
.meta{margin:0 0 10px;font-size:14px;color:${L.muted}}
.why{padding:12px 14px;background:${L.note};border-left:3px solid ${L.accent}}
.why p{margin:0}
.label{margin:0;font-size:14px;font-family:${fonts.sans};font-weight:700;color:${L.accent}}
.src{display:inline-block;padding:12px 0;color:${L.accent}}
.toc a{color:${L.text}}
.lead h2{margin:0;font-family:${fonts.serif};font-size:26px;line-height:1.25}
.lead h2 a{display:block;padding:6px 0 8px;color:${L.text};text-decoration:none}
.lead-img img{display:block;width:100%;max-width:544px;height:auto;margin:0 0 16px;border:1px solid ${L.rule};border-radius:6px}
.more h3{margin:16px 0 2px;font-size:14px;font-weight:700}
.more ul{margin:0;padding-left:18px}
.more li{margin:6px 0}
.more a{color:${L.text}}
.foot a{display:inline-block;padding:12px 8px;color:${L.muted}}
`;

/**
 * Dark mode for clients that honour prefers-color-scheme (Apple Mail, iOS
 * Mail, Outlook for Mac). Only class and descendant selectors: caniemail lists
 * child and attribute selectors as unsupported by Gmail and Outlook, and we
 * add nothing MJML's own boilerplate does not already need. Clients that
 * invert colours on their own (Gmail app, Outlook.com) get the light palette,
 * whose text/background pairs stay readable when inverted.
 */
export const darkCss = `
:root{color-scheme:light dark;supported-color-schemes:light dark}
@media (prefers-color-scheme:dark){
.dm-page,.dm-page div,.dm-page td{background:${D.page}!important}
.dm-page .dm-card,.dm-page .dm-card div,.dm-page .dm-card td{background:${D.card}!important}
.dm-card div,.dm-card h1 a,.dm-card h2 a,.dm-card h3 a,.toc a,.more a{color:${D.text}!important}
.dm-card .meta,.dm-muted div,.dm-muted p,.foot a{color:${D.muted}!important}
.dm-card .label,.md a,.src{color:${D.accent}!important}
.dm-page .dm-card .why,.dm-page .dm-card .why div{background:${D.note}!important;border-color:${D.accent}!important}
.card,.lead-img img{border-color:${D.rule}!important}
.section{border-color:${D.accent}!important}
.dm-page .dm-card .bar,.dm-page .dm-card .btn td,.dm-page .dm-card .btn a{background:${D.accent}!important;color:${D.onAccent}!important}
}
`;

/** Phones: slightly smaller headlines, TOC entries tall enough to tap (>= 44 px). */
export const mobileCss = `
@media only screen and (max-width:480px){
.card h3{font-size:20px!important}
.lead h2{font-size:23px!important}
.toc a{display:block;padding:9px 0}
.more a{display:block;padding:10px 0 9px}
}
`;
