import { describe, expect, it } from 'vitest';
import { articleRow, digestOf } from '../../test/helpers/fixtures.ts';
import { segmentContent, segmentFor } from './segments.ts';

describe('segmentFor', () => {
  const categories = ['Privacy', 'Labor', 'Bias', 'Privacy'];
  it('gives everything to subscribers without topics, or whose topics cover the week', () => {
    expect(segmentFor([], categories)).toBe('all');
    expect(segmentFor(['privacy', 'LABOR', 'Bias', 'Safety'], categories)).toBe('all');
  });
  it('names the shared categories, whatever their case', () => {
    expect(segmentFor(['labor', 'Privacy', 'Safety'], categories)).toBe('labor|privacy');
  });
  it('is null when nothing this week matches', () => {
    expect(segmentFor(['Safety'], categories)).toBeNull();
  });
});

describe('segmentContent', () => {
  it('keeps only the segment’s articles, with a subject led by its first story', () => {
    const content = digestOf([
      articleRow(1, { category: 'Privacy', title: 'Cameras' }),
      articleRow(2, { category: 'Labor', title: 'Couriers' }),
      articleRow(3, { category: 'Labor', title: 'Call centres' }),
    ]);
    const labor = segmentContent(content, 'labor', 'The Harm Ledger');
    expect(labor.articles.map((a) => a.title)).toEqual(['Couriers', 'Call centres']);
    expect(labor.subject).toBe('The Harm Ledger · Week 47: Couriers');
    expect(segmentContent(content, 'all', 'The Harm Ledger')).toBe(content);
  });

  it('keeps the editor’s subject, note and sign-off in every topic version; an automatic preheader follows the version', () => {
    const content = {
      ...digestOf([articleRow(1, { category: 'Privacy', title: 'Cameras' }), articleRow(2, { category: 'Labor', title: 'Couriers' })]),
      editorial: { note: 'A *quiet* week.', signoff: '— The desk', subject: 'Chosen by hand', preheader: null },
    };
    const labor = segmentContent(content, 'labor', 'The Harm Ledger');
    expect(labor.subject).toBe('Chosen by hand');
    expect(labor.preheader).toBe('Couriers');
    expect(labor.editorial).toEqual(content.editorial);
  });
});
