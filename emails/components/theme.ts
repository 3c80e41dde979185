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
  sans: "-apple-system, BlinkMacSystemFont, Segoe UI, Roboto, Helvetica, Arial, sans-serif",
  serif: "Georgia, Times New Roman, Times, serif",
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
.md a{color:${L.accent};text-decoration:underline}
.card h2{margin:0 0 6px;font-family:${fonts.serif};font-size:21px;line-height:1.3;font-weight:700}
.card h2 a{color:${L.text};text-decoration:none}
.meta{margin:0 0 10px;font-size:14px;color:${L.muted}}
.why{margin:12px 0 0;padding:12px 14px;background:${L.note};border-left:3px solid ${L.accent}}
.why .md p{margin:0}
.label{margin:0 0 4px;font-size:14px;font-weight:700;color:${L.accent}}
.actions{margin:14px 0 0}
.btn{display:inline-block;padding:12px 18px;border-radius:6px;background:${L.accent};color:${L.onAccent};font-weight:600;text-decoration:none;line-height:20px}
.src{display:inline-block;padding:12px 0 12px 14px;color:${L.accent};line-height:20px}
.toc a{color:${L.text};text-decoration:underline}
.foot a{color:${L.muted};text-decoration:underline}
`;

/**
 * Dark mode for clients that honour prefers-color-scheme (Apple Mail, iOS,
 * Outlook for Mac) and Outlook.com's [data-ogsc]/[data-ogsb] rewrites. MJML
 * puts backgrounds on a div and a td, so both are targeted.
 */
export const darkCss = `
:root{color-scheme:light dark;supported-color-schemes:light dark}
@media (prefers-color-scheme:dark){
.dm-page,.dm-page>div{background:${D.page}!important}
.dm-card,.dm-card>table,.dm-card>table>tbody>tr>td{background:${D.card}!important}
.dm-card div,.dm-card h2 a,.toc a{color:${D.text}!important}
.dm-card .meta,.dm-muted div,.foot a{color:${D.muted}!important}
.dm-card .label,.md a,.src{color:${D.accent}!important}
.why{background:${D.note}!important;border-color:${D.accent}!important}
.btn{background:${D.accent}!important;color:${D.onAccent}!important}
.dm-rule p{border-color:${D.rule}!important}
}
[data-ogsc] .dm-card div,[data-ogsc] .dm-card h2 a{color:${D.text}!important}
[data-ogsc] .md a,[data-ogsc] .src,[data-ogsc] .label{color:${D.accent}!important}
[data-ogsb] .dm-card,[data-ogsb] .dm-card>table>tbody>tr>td{background:${D.card}!important}
`;

/** Phones: less padding, same readable type, tap targets stay >= 44 px. */
export const mobileCss = `
@media only screen and (max-width:480px){
.pad>table>tbody>tr>td{padding-left:18px!important;padding-right:18px!important}
.card h2{font-size:20px!important}
}
`;
