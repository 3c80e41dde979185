// Placeholder until the feed-date branch lands (it replaces this file whole).
export type FeedDate = { ok: true; iso: string; zoneAssumed: boolean } | { ok: false; reason: string };
export function parseFeedDate(text: string, timeZone: string): FeedDate {
  void timeZone;
  const time = Date.parse(text);
  return Number.isNaN(time) ? { ok: false, reason: `unreadable date "${text}"` } : { ok: true, iso: new Date(time).toISOString(), zoneAssumed: false };
}
