import { describe, expect, it } from 'vitest';
import type { ArticleRow } from '../db/schema.ts';
import { applyChoices, editsToReach, foldEdits } from './editor-choices.ts';

const article = (id: number, category: string): ArticleRow =>
  ({ id, url: `https://news.example/${id}`, category, title: `Story ${id}` }) as unknown as ArticleRow;
const url = (id: number) => `https://news.example/${id}`;
// The automatic reading order: sections in order, stories in order inside each.
const ordered = [article(1, 'Labor'), article(2, 'Labor'), article(3, 'Labor'), article(4, 'Privacy'), article(5, 'Privacy')];
const ids = (articles: ArticleRow[]) => articles.map((a) => a.id);

describe('the editor’s choices', () => {
  it('are the edits read in order: the last word on each thing wins', () => {
    const choices = foldEdits([
      { action: 'lead', value: url(4) },
      { action: 'exclude', value: url(2) },
      { action: 'subject', value: 'First try' },
      { action: 'exclude', value: url(3) },
      { action: 'include', value: url(2) },
      { action: 'pin', value: url(5) },
      { action: 'subject', value: 'Second try' },
      { action: 'preheader', value: 'Teaser' },
      { action: 'preheader', value: '' },
      { action: 'note', value: 'A *quiet* week.' },
      { action: 'signoff', value: '— The desk' },
      { action: 'signoff', value: '' },
    ]);
    expect(choices).toEqual({
      lead: url(4),
      excluded: [url(3)],
      pinned: [url(5)],
      subject: 'Second try',
      preheader: null,
      note: 'A *quiet* week.',
      signoff: null,
    });
  });

  it('never lead with or pin a story that is excluded', () => {
    const choices = foldEdits([
      { action: 'lead', value: url(1) },
      { action: 'pin', value: url(2) },
      { action: 'exclude', value: url(1) },
      { action: 'exclude', value: url(2) },
    ]);
    expect(choices.lead).toBeNull();
    expect(choices.pinned).toEqual([]);
  });

  it('shape the reading order: excluded out, pinned first in their section, the lead first of all', () => {
    expect(ids(applyChoices(ordered, foldEdits([])))).toEqual([1, 2, 3, 4, 5]);
    const shaped = applyChoices(
      ordered,
      foldEdits([
        { action: 'exclude', value: url(2) },
        { action: 'pin', value: url(3) },
        { action: 'lead', value: url(5) },
      ]),
    );
    expect(ids(shaped)).toEqual([5, 3, 1, 4]);
  });

  it('ignore stories the week no longer has', () => {
    expect(ids(applyChoices(ordered, foldEdits([{ action: 'lead', value: 'https://gone.example/' }])))).toEqual([1, 2, 3, 4, 5]);
  });

  it('are reached from a whole form by recording only what changed', () => {
    const current = foldEdits([
      { action: 'exclude', value: url(1) },
      { action: 'pin', value: url(2) },
      { action: 'subject', value: 'Kept' },
    ]);
    const desired = { ...current, excluded: [url(3)], pinned: [url(2)], note: 'New note', lead: url(4) };
    const edits = editsToReach(current, desired);
    expect(edits).toEqual([
      { action: 'note', value: 'New note' },
      { action: 'lead', value: url(4) },
      { action: 'exclude', value: url(3) },
      { action: 'include', value: url(1) },
    ]);
    expect(
      foldEdits([
        ...[
          { action: 'exclude' as const, value: url(1) },
          { action: 'pin' as const, value: url(2) },
          { action: 'subject' as const, value: 'Kept' },
        ],
        ...edits,
      ]),
    ).toEqual(desired);
    expect(editsToReach(desired, desired)).toEqual([]);
  });
});
