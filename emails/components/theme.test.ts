import { describe, expect, it } from 'vitest';
import { palette } from './theme.ts';

/** WCAG 2.x relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('palette contrast (WCAG AA, 4.5:1 for body text)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    const p = palette[scheme];
    const pairs: [string, string, string][] = [
      ['text on card', p.text, p.card],
      ['muted on card', p.muted, p.card],
      ['accent on card', p.accent, p.card],
      ['text on note', p.text, p.note],
      ['accent on note', p.accent, p.note],
      ['muted on page (footer)', p.muted, p.page],
      ['button text on accent', p.onAccent, p.accent],
    ];
    for (const [what, fg, bg] of pairs) {
      it(`${scheme}: ${what} is at least 4.5:1`, () => {
        expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
      });
    }
  }

  it('computes known ratios', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});
