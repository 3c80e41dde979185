import { describe, expect, it } from 'vitest';
import type { ArticleRow } from '../db/schema.ts';
import { applyChoices, editsToReach, foldEdits, moveValue, placesOf } from './editor-choices.ts';

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
      moves: [],
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

  it('place stories within their section and across sections, in the order the moves were made, after the pins', () => {
    const move = (id: number, section: string, position: number) => ({ action: 'move' as const, value: moveValue({ url: url(id), section, position }) });
    // Within a section: 3 to the top of Labor.
    expect(ids(applyChoices(ordered, foldEdits([move(3, 'Labor', 1)])))).toEqual([3, 1, 2, 4, 5]);
    // Across: 1 into Privacy, second place; the story carries its new section.
    const across = applyChoices(ordered, foldEdits([move(1, 'Privacy', 2)]));
    expect(ids(across)).toEqual([2, 3, 4, 1, 5]);
    expect(across.find((a) => a.id === 1)!.category).toBe('Privacy');
    expect(placesOf(across).get(url(1))).toEqual({ section: 'Privacy', position: 2 });
    // Past the end is the end; a later move of the same story replaces the earlier; a pin comes first, then the moves.
    expect(ids(applyChoices(ordered, foldEdits([move(1, 'Labor', 99)])))).toEqual([2, 3, 1, 4, 5]);
    expect(ids(applyChoices(ordered, foldEdits([move(1, 'Privacy', 1), move(1, 'Labor', 2)])))).toEqual([2, 1, 3, 4, 5]);
    expect(ids(applyChoices(ordered, foldEdits([{ action: 'pin', value: url(3) }, move(2, 'Labor', 1)])))).toEqual([2, 3, 1, 4, 5]);
    // A section emptied by moves is gone; an excluded story's move is dropped.
    expect(ids(applyChoices(ordered, foldEdits([move(4, 'Labor', 1), move(5, 'Labor', 1)])))).toEqual([5, 4, 1, 2, 3]);
    expect(foldEdits([move(1, 'Privacy', 1), { action: 'exclude', value: url(1) }]).moves).toEqual([]);
  });

  it('record from a form only the moves not made before', () => {
    const current = foldEdits([{ action: 'move', value: moveValue({ url: url(1), section: 'Privacy', position: 1 }) }]);
    const next = { url: url(2), section: 'Labor', position: 3 };
    expect(editsToReach(current, { ...current, moves: [...current.moves, next] })).toEqual([{ action: 'move', value: moveValue(next) }]);
    expect(editsToReach(current, current)).toEqual([]);
  });
});
