import { describe, expect, it } from 'vitest';
import { describeStore } from './dialect.ts';

describe('describeStore', () => {
  it('masks the password of any store URL, well-formed or not, and leaves the rest as written', () => {
    expect(describeStore('postgres://digest:hunter2@db.example.com:5432/news?schema=weekly')).toBe(
      'postgres://digest:***@db.example.com:5432/news?schema=weekly',
    );
    // A malformed URL (here: a space), as `copy-store --to` may be given: still masked, not thrown on.
    expect(describeStore('postgres://digest:hun ter2@db/news')).toBe('postgres://digest:***@db/news');
    expect(describeStore('mysql://root:hunter2@localhost/x')).toBe('mysql://root:***@localhost/x');
    expect(describeStore('postgres://digest@db/news')).toBe('postgres://digest@db/news');
    expect(describeStore('file:data/digest.db')).toBe('file:data/digest.db');
  });
});
