import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';

/** Logs `write` through a logger for `env` and returns the JSON lines it wrote. */
function logged(env: Record<string, string>, write: (log: ReturnType<typeof createLogger>) => void): string {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const log = createLogger(loadConfig({ APP_SECRET: 'app-secret-0123456789', ...env }), out);
  write(log);
  log.flush();
  return Buffer.concat(chunks).toString('utf8');
}

describe('createLogger', () => {
  it('scrubs the store and SMTP passwords, whether quoted in a URL or alone', () => {
    const text = logged(
      { DATABASE_URL: 'postgres://digest:db-hunter2@db.example.com/news', SMTP_URL: 'smtp://mailer:smtp-hunter2@mail.example.com:587' },
      (log) => {
        log.error({ err: new Error('cannot reach PostgreSQL at postgres://digest:db-hunter2@db.example.com/news') }, 'run failed');
        log.warn({ detail: 'auth failed with password db-hunter2 / smtp-hunter2' }, 'store');
      },
    );
    expect(text).toContain('postgres://digest:***@db.example.com/news');
    expect(text).not.toContain('hunter2');
  });

  it('masks the credentials of any URL, a feed’s included, and escapes control characters', () => {
    const text = logged({}, (log) =>
      log.error(
        { feed: 'https://ann:feed-hunter2@feeds.example/rss.xml' },
        'import of \x1b[2Jhttps://ann:feed-hunter2@feeds.example/rss.xml \u009b failed\u202e',
      ),
    );
    expect(text).not.toContain('hunter2');
    expect(text).toContain('https://ann:***@feeds.example/rss.xml');
    expect(text.trim()).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(JSON.parse(text.trim()).msg).toBe('import of \\x1b[2Jhttps://ann:***@feeds.example/rss.xml \\x9b failed\\u202e');
  });
});
