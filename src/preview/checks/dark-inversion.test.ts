import { describe, expect, it } from 'vitest';
import { gmailAppDark, outlookComDark } from './dark-inversion.ts';

const EMAIL = `<!doctype html><html><head><style>
body{background-color:#f2efe9}
.card{background:#ffffff;color:#222}
.btn a{background-color:#a3361a;color:#ffffff}
@media only screen and (max-width:480px){.card{padding:8px}}
@media (prefers-color-scheme: dark){.card{background:#1d1f23 !important;color:#eeeeee !important}.inner{color:#fff}}
</style></head><body style="background-color:white;color:#222222">
<table bgcolor="#FFFFFF"><tr><td class="card" style="color:#222;border:1px solid #e2dcd0">Story</td></tr>
<tr><td bgcolor="#a3361a" style="background-color:#a3361a;color:#ffffff"><a href="https://example.org" style="color:#ffffff">Read</a></td></tr>
<tr><td style="background:url(https://example.org/bg.png) #ffffff no-repeat"><font color="black">old</font></td></tr>
</table><img src="https://example.org/a.png" style="background-color:#ffffff;border:0" width="600" alt="A picture"></body></html>`;

/** The first value of `prop` in an inline style attribute that follows `marker` in the HTML. */
function styleAfter(html: string, marker: string, prop: string): string | undefined {
  const rest = html.slice(html.indexOf(marker));
  return new RegExp(`[;"\\s]${prop}\\s*:\\s*([^;"]+)`).exec(rest)?.[1]?.trim();
}

function lightness(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
  return (Math.max(r!, g!, b!) + Math.min(r!, g!, b!)) / 2;
}

describe('gmailAppDark (full inversion)', () => {
  const dark = gmailAppDark(EMAIL);

  it('turns white backgrounds near-black and #222 text near-white', () => {
    expect(dark).toContain('<body style="background-color:#000000;color:#dddddd">');
    expect(dark).toContain('<table bgcolor="#000000">');
    expect(dark).toContain('.card{background:#000000;color:#ddd');
    expect(lightness('#dddddd')).toBeGreaterThan(0.8);
  });

  it('also flips an already dark button, and its white label turns dark', () => {
    expect(dark).toContain('<td bgcolor="#e5785c" style="background-color:#e5785c;color:#000000">');
    expect(dark).toContain('.btn a{background-color:#e5785c;color:#000000}');
  });

  it('keeps the hue of a coloured background', () => {
    // #a3361a is hue 12°; its inversion #e5785c is hue 12° too (within rounding)
    const hue = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
      return (Math.atan2(Math.sqrt(3) * (g! - b!), 2 * r! - g! - b!) * 180) / Math.PI;
    };
    expect(Math.abs(hue('#e5785c') - hue('#a3361a'))).toBeLessThan(2);
  });

  it('recolours named colours and <font color>, but never an image or a url()', () => {
    expect(dark).toContain('<font color="#ffffff">old</font>');
    expect(dark).toContain('background:url(https://example.org/bg.png) #000000 no-repeat');
    expect(dark).toContain('<img src="https://example.org/a.png" style="background-color:#ffffff;border:0" width="600" alt="A picture">');
  });

  it("removes the email's own prefers-color-scheme rules and keeps its other media queries", () => {
    expect(dark).not.toContain('prefers-color-scheme');
    expect(dark).not.toContain('#1d1f23');
    expect(dark).toContain('@media only screen and (max-width:480px){.card{padding:8px}}');
  });

  it("puts the app's dark page behind what has no colour of its own", () => {
    expect(dark).toMatch(/<head><style>html,body\{background-color:#000000;color:#ffffff\}<\/style>/);
  });
});

describe('outlookComDark (partial inversion)', () => {
  const dark = outlookComDark(EMAIL);

  it('darkens light backgrounds and lightens dark text', () => {
    expect(dark).toContain('<body style="background-color:#000000;color:#dddddd">');
    expect(styleAfter(dark, 'class="card"', 'color')).toBe('#dddddd');
    expect(dark).toContain('border:1px solid #2f291d');
  });

  it('keeps a dark button and its light label as they are', () => {
    expect(dark).toContain('<td bgcolor="#a3361a" style="background-color:#a3361a;color:#ffffff">');
    expect(dark).toContain('<a href="https://example.org" style="color:#ffffff">Read</a>');
    expect(dark).toContain('.btn a{background-color:#a3361a;color:#ffffff}');
  });

  it('leaves images alone and drops the dark-scheme block', () => {
    expect(dark).toContain('<img src="https://example.org/a.png" style="background-color:#ffffff;border:0" width="600" alt="A picture">');
    expect(dark).not.toContain('prefers-color-scheme');
  });

  it('keeps alpha and reads rgb() and short hex', () => {
    const out = outlookComDark('<div style="background-color:rgba(255, 255, 255, 0.5);color:rgb(34 34 34)"><p style="color:#fff">x</p></div>');
    expect(out).toContain('background-color:rgba(0, 0, 0, 0.5);color:#dddddd');
    expect(out).toContain('<p style="color:#fff">');
  });

  it('leaves what it cannot read untouched', () => {
    const html = '<div style="color:currentColor;background:transparent;background-color:#12345">x</div>';
    expect(outlookComDark(html)).toContain(html);
  });
});
