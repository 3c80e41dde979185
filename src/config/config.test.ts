import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults for the embedded set-up', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('file:data/digest.db');
    expect(config.smtpUrl).toBeUndefined();
    expect(config.outboxDir).toBe('data/outbox');
    expect(config.timeZone).toBe('UTC');
    expect(config.cron).toBe('0 8 * * 1');
    // No schedule of its own: sources are fetched before each weekly build only.
    expect(config.fetchCron).toBeUndefined();
    expect(loadConfig({ FETCH_CRON: '*/30 * * * *' }).fetchCron).toBe('*/30 * * * *');
    expect(config.sendConcurrency).toBe(5);
    expect(config.maxAttempts).toBe(5);
    expect(config.retryBaseSeconds).toBe(30);
    expect(config.httpPort).toBe(8080);
    expect(config.catchUpWindowMs).toBe(24 * 3_600_000);
    expect(config.shutdownTimeoutMs).toBe(30_000);
    expect(loadConfig({ CATCHUP_WINDOW: '90m', SHUTDOWN_TIMEOUT: '5' }).catchUpWindowMs).toBe(5_400_000);
    expect(config.previewHosts).toEqual([]);
    expect(loadConfig({ PREVIEW_HOSTS: 'preview.lan, 10.0.0.5' }).previewHosts).toEqual(['preview.lan', '10.0.0.5']);
  });

  it('reads typed values and treats empty strings as unset', () => {
    const config = loadConfig({ SEND_CONCURRENCY: '12', SEND_RATE: '2.5', DIGEST_TZ: 'Europe/Berlin', SMTP_URL: '', PUBLIC_URL: 'https://news.example.org/' });
    expect(config.sendConcurrency).toBe(12);
    expect(config.sendRate).toBe(2.5);
    expect(config.timeZone).toBe('Europe/Berlin');
    expect(config.smtpUrl).toBeUndefined();
    expect(config.publicUrl).toBe('https://news.example.org');
  });

  it.each([
    [{ SEND_CONCURRENCY: 'abc' }, 'invalid configuration: SEND_CONCURRENCY must be a whole number, got "abc"'],
    [{ SEND_CONCURRENCY: '0' }, 'invalid configuration: SEND_CONCURRENCY must be at least 1'],
    [{ DIGEST_TZ: 'Mars/Base' }, 'invalid configuration: DIGEST_TZ must be an IANA time zone such as Europe/Berlin or UTC, got "Mars/Base"'],
    [{ MAIL_FROM: 'nope' }, 'invalid configuration: MAIL_FROM must be an email address like "Name <news@example.com>", got "nope"'],
    [{ PUBLIC_URL: 'ftp://x' }, 'invalid configuration: PUBLIC_URL must be an http(s) URL, got "ftp://x"'],
    [{ DATABASE_URL: 'mysql://x' }, 'invalid configuration: DATABASE_URL must be file:PATH, :memory: or postgres://..., got "mysql://x"'],
    [{ APP_SECRET: 'short' }, 'invalid configuration: APP_SECRET must be at least 16 characters long'],
    [{ LOG_LEVEL: 'loud' }, 'invalid configuration: LOG_LEVEL'],
    [{ DIGEST_CRON: '0 99 * * 1' }, 'invalid configuration: DIGEST_CRON must be a cron expression with 5 or 6 fields, got "0 99 * * 1"'],
    [{ FETCH_CRON: 'hourly' }, 'invalid configuration: FETCH_CRON must be a cron expression with 5 or 6 fields, got "hourly"'],
    [{ CATCHUP_WINDOW: 'soon' }, 'invalid configuration: CATCHUP_WINDOW must be a duration like 30s, 15m or 24h, got "soon"'],
    [{ PUBLICATION_TOPIC: 'AI\r\nBcc: x@example.com' }, 'invalid configuration: PUBLICATION_TOPIC must be one line of at most 120 characters'],
    // Issue 14: nothing from the environment can add a header line.
    [
      { MAIL_FROM: 'Ledger\u2028Reply-To: a@evil.example <news@example.com>' },
      'MAIL_FROM must be an email address like "Name <news@example.com>", got "Ledger\\u2028Reply-To: a@evil.example <news@example.com>": its name holds a control character or a line break',
    ],
    [
      { MAIL_REPLY_TO: 'Desk\u0085 <desk@example.com>' },
      'MAIL_REPLY_TO must be an email address like "Name <news@example.com>", got "Desk\\u0085 <desk@example.com>": its name holds a control character or a line break',
    ],
    [{ MAIL_FROM: 'Ledger <news\r\n@example.com>' }, 'its address contains a control character (U+000D)'],
    [{ MAIL_FROM: 'Ledger <zoë@example.com>' }, 'its address has letters beyond ASCII before the @, which only servers offering SMTPUTF8 (RFC 6531) accept'],
    [
      { PUBLIC_URL: 'https://news.example.org/\r\nBcc: x@evil.example' },
      'PUBLIC_URL must be an http(s) URL without spaces, control characters or line breaks, got "https://news.example.org/\\r\\nBcc: x@evil.example"',
    ],
    [{ PUBLIC_URL: 'https://news.example.org/\u2028' }, 'PUBLIC_URL must be an http(s) URL without spaces, control characters or line breaks'],
    [
      { TRUSTED_PROXIES: 'loopback, proxy.internal' },
      'invalid configuration: TRUSTED_PROXIES "proxy.internal" is not an IP address or CIDR range; expected addresses or CIDR ranges separated by commas, or loopback',
    ],
    [
      { PREVIEW_HOSTS: 'preview.lan, http://evil.example:3000' },
      'invalid configuration: PREVIEW_HOSTS "http://evil.example:3000" is not a host name or IP address; expected host names or IP addresses separated by commas, without scheme or port',
    ],
    [{ DKIM_DOMAIN: 'example.com' }, 'invalid configuration: DKIM_DOMAIN must be set together with DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE'],
  ])('rejects %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('sends an internationalised sender domain and PUBLIC_URL in their ASCII forms', () => {
    const config = loadConfig({ MAIL_FROM: 'Bücher Ledger <news@bücher.example>', PUBLIC_URL: 'https://bücher.example/news/ä/' });
    expect(config.senderDomain).toBe('xn--bcher-kva.example');
    expect(config.publicUrl).toBe('https://xn--bcher-kva.example/news/%C3%A4');
  });

  it('never echoes an SMTP URL, which may carry a password', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://user:hunter2@mail.example.com' })).toThrow(/SMTP_URL must be an smtp/);
    try {
      loadConfig({ SMTP_URL: 'http://user:hunter2@mail.example.com' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('echoes a mistyped or unparsable DATABASE_URL with its password masked', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgress://digest:hunter2@db.example.com/news' })).toThrow(
      'invalid configuration: DATABASE_URL must be file:PATH, :memory: or postgres://..., got "postgress://digest:***@db.example.com/news"',
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://digest:hunter2@[db.example.com/news' })).toThrow(
      'invalid configuration: DATABASE_URL must be file:PATH, :memory: or postgres://..., got "postgres://digest:***@[db.example.com/news"',
    );
    expect(() => loadConfig({ DATABASE_URL: 'digest:hunter2@db.example.com/news' })).toThrow('got "digest:***@db.example.com/news"');
  });
});

describe('.env.example', () => {
  it('parses line by line to exactly the defaults (empty values mean "default")', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseEnv } = await import('node:util');
    const env = parseEnv(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')) as Record<string, string>;
    expect(Object.keys(env)).toHaveLength(37);
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });
});
