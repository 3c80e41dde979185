import { describe, expect, it } from 'vitest';
import { maskCredentials } from './mask-credentials.ts';

describe('maskCredentials', () => {
  it('masks the password of well-formed URLs of any scheme, alone or inside a message', () => {
    expect(maskCredentials('postgres://digest:hunter2@db.example.com:5432/news?schema=weekly')).toBe(
      'postgres://digest:***@db.example.com:5432/news?schema=weekly',
    );
    expect(maskCredentials('smtps://mailer:hunter2@mail.example.com:465')).toBe('smtps://mailer:***@mail.example.com:465');
    expect(maskCredentials('cannot fetch https://ann:hunter2@feeds.example/rss.xml: 401 Unauthorized')).toBe(
      'cannot fetch https://ann:***@feeds.example/rss.xml: 401 Unauthorized',
    );
    expect(maskCredentials('got "postgres://digest:hunter2@db"; expected …')).toBe('got "postgres://digest:***@db"; expected …');
    expect(maskCredentials('from postgres://a:hunter1@h1/x to postgres://b:hunter2@h2/y')).toBe('from postgres://a:***@h1/x to postgres://b:***@h2/y');
    expect(maskCredentials('https://:hunter2@feeds.example/')).toBe('https://:***@feeds.example/');
  });

  it('masks a password holding @, : or a space whole', () => {
    expect(maskCredentials('postgres://digest:hun@ter2@db/news')).toBe('postgres://digest:***@db/news');
    expect(maskCredentials('postgres://digest:hun:ter2@db/news')).toBe('postgres://digest:***@db/news');
    expect(maskCredentials('postgres://digest:hun ter2@db/news')).toBe('postgres://digest:***@db/news');
  });

  it('masks mistyped URLs that lost their scheme or slashes', () => {
    expect(maskCredentials('postgress://digest:hunter2@db/news')).toBe('postgress://digest:***@db/news');
    expect(maskCredentials('postgres//digest:hunter2@db/news')).toBe('postgres//digest:***@db/news');
    expect(maskCredentials('postgres:/digest:hunter2@db/news')).toBe('postgres:/digest:***@db/news');
    expect(maskCredentials('postgres:digest:hunter2@db/news')).toBe('postgres:digest:***@db/news');
    expect(maskCredentials('digest:hunter2@db/news')).toBe('digest:***@db/news');
    expect(maskCredentials('got "digest:hunter2@db/news"')).toBe('got "digest:***@db/news"');
  });

  it('leaves text without a password as written', () => {
    for (const text of [
      'postgres://digest@db/news',
      'file:data/digest.db',
      'https://feeds.example/rss.xml?a=b:c@d',
      'line 3: ann@example.com appears earlier in the file',
      'line 4: invalid email address "not-an-email"',
      'Ada@example.com is unsubscribed since 2026-11-18T09:30:00.000Z; they must subscribe again themselves',
      'error ×3: 550 5.1.1 <bob@example.org>: user unknown',
      'connect ECONNREFUSED ::1:5432',
      'http://[::1]:8080/healthz',
    ]) {
      expect(maskCredentials(text)).toBe(text);
    }
  });

  it('is idempotent', () => {
    const once = maskCredentials('postgres://digest:hunter2@db/news and u:pw@h');
    expect(maskCredentials(once)).toBe(once);
  });
});
