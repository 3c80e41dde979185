import { existsSync } from 'node:fs';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { type Mailbox, checkAddress, checkMailbox } from '../mailbox.ts';
import { quoteForMessage } from '../text/escape-controls.ts';
import { isValidCron } from './cron-times.ts';
import { proxyEntryProblem } from './trusted-proxies.ts';
import { maskCredentials } from '../text/mask-credentials.ts';
import { previewHostProblem } from './allowed-hosts.ts';

/**
 * One environment variable: an empty string counts as unset (as in most
 * tools), and an unset variable takes `fallback`, written as it would be in
 * the environment so it goes through the same parsing.
 */
function setting<T extends z.ZodType>(schema: T, fallback: string) {
  return z.preprocess((value) => (value === undefined || value === '' ? fallback : value), schema);
}

/** A variable with no default: empty or unset is `undefined`. */
function optionalSetting<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, { error: (issue) => `must be a whole number, got "${String(issue.input)}"` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

const positiveNumber = z
  .string()
  .regex(/^\d+(\.\d+)?$/, { error: (issue) => `must be a positive number, got "${String(issue.input)}"` })
  .transform(Number)
  .pipe(z.number().positive({ error: 'must be greater than 0' }));

// The sender's own address must be ASCII before the @: every message carries it, and a server without
// SMTPUTF8 (RFC 6531) would refuse them all. Its name may be any Unicode but controls and line breaks.
// Parsed here, once: every message carries it, and the sender needs its address for each envelope.
const mailbox = z.string().transform((value, ctx): Mailbox => {
  const check = checkMailbox(value, { asciiOnly: true });
  if (check.ok) return check.mailbox;
  ctx.addIssue({ code: 'custom', message: `must be an email address like "Name <news@example.com>", got ${quoteForMessage(value)}: ${check.problem}` });
  return z.NEVER;
});

// URL.canParse drops tabs and line breaks wherever they are (WHATWG URL), so a PUBLIC_URL holding
// them would pass and reach the List-Unsubscribe header: refuse them here. Its serialisation (ASCII:
// punycode host, percent-encoded path) is what links and headers use.
const httpUrl = z.string().superRefine((value, ctx) => {
  if (!/^https?:\/\/[^\s/]+/i.test(value) || !URL.canParse(value)) {
    ctx.addIssue({ code: 'custom', message: `must be an http(s) URL, got ${quoteForMessage(value)}` });
  } else if (/[\p{C}\p{Z}]/u.test(value)) {
    ctx.addIssue({ code: 'custom', message: `must be an http(s) URL without spaces, control characters or line breaks, got ${quoteForMessage(value)}` });
  }
});

const smtpUrl = z.string().refine((value) => /^smtps?:\/\/[^\s]+/i.test(value) && URL.canParse(value), {
  // Never echo the value: it usually carries a password.
  error: 'must be an smtp:// or smtps:// URL (smtp://user:pass@host:587)',
});

// A PostgreSQL URL must parse here, or opening the store crashes later with the URL, password and all, beside the stack trace.
// The value is echoed masked: a mistyped URL still carries its password.
const databaseUrl = z.string().refine((value) => /^file:/.test(value) || value === ':memory:' || (/^postgres(ql)?:\/\//.test(value) && URL.canParse(value)), {
  error: (issue) => `must be file:PATH, :memory: or postgres://..., got "${maskCredentials(String(issue.input))}"`,
});

const timeZone = z.string().refine((value) => IANAZone.isValidZone(value), {
  error: (issue) => `must be an IANA time zone such as Europe/Berlin or UTC, got "${String(issue.input)}"`,
});

const cronExpression = z.string().refine((value) => /^\s*(\S+\s+){4,5}\S+\s*$/.test(value) && isValidCron(value), {
  error: (issue) => `must be a cron expression with 5 or 6 fields, got "${String(issue.input)}"`,
});

/** A comma-separated list whose every entry `problemOf` accepts (null); else the first problem and what is `expected`. */
const commaList = (problemOf: (entry: string) => string | null, expected: string) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .superRefine((entries, ctx) => {
      const problem = entries.map(problemOf).find(Boolean);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; expected ${expected}` });
    });

/** `loopback, 10.0.0.0/8, 2001:db8::1`: the reverse proxies whose X-Forwarded-For is believed. */
const proxyList = commaList(proxyEntryProblem, 'addresses or CIDR ranges separated by commas, or loopback');

/** `preview.lan, 10.0.0.5`: names the editors' preview answers to besides the loopback names. */
const hostList = commaList(previewHostProblem, 'host names or IP addresses separated by commas, without scheme or port');

/** `editor@example.com, chief@example.com`: who gets the review copy of an issue awaiting approval. */
const addressList = commaList((entry) => {
  const check = checkAddress(entry);
  return check.ok ? null : `"${entry}" ${check.problem}`;
}, 'email addresses separated by commas');

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** When an issue must be approved by: a weekday (1 = Monday) and a time of day, in DIGEST_TZ, after the issue's week ended. */
export interface WeeklyTime {
  weekday: number;
  hour: number;
  minute: number;
}

/** `Mon 12:00`, `tue 9:30` → a WeeklyTime. */
const weeklyTime = z.string().transform((value, ctx): WeeklyTime => {
  const match = /^\s*([a-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})\s*$/i.exec(value);
  const weekday = match ? WEEKDAYS.indexOf(match[1]!.toLowerCase() as (typeof WEEKDAYS)[number]) + 1 : 0;
  const [hour, minute] = match ? [Number(match[2]), Number(match[3])] : [99, 99];
  if (weekday > 0 && hour < 24 && minute < 60) return { weekday, hour, minute };
  ctx.addIssue({ code: 'custom', message: `must be a weekday and a time like "Mon 12:00", got ${quoteForMessage(value)}` });
  return z.NEVER;
});

const UNITS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/**
 * `90s`, `15m`, `24h`, `2d` or plain seconds → milliseconds; null when it is
 * not a duration.
 *
 * @example
 * durationMs('15m') // 900000
 */
export function durationMs(value: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(value.trim());
  if (!match) return null;
  return Math.round(parseFloat(match[1]!) * UNITS[(match[2] || 's') as keyof typeof UNITS] * 1000);
}

const duration = z.string().transform((value, ctx) => {
  const ms = durationMs(value);
  if (ms !== null) return ms;
  ctx.addIssue({ code: 'custom', message: `must be a duration like 30s, 15m or 24h, got "${value}"` });
  return z.NEVER;
});

export const DEFAULT_APP_SECRET = 'dev-only-secret-change-me-in-production';

const schema = z
  .object({
    DATABASE_URL: setting(databaseUrl, 'file:data/digest.db'),
    SMTP_URL: optionalSetting(smtpUrl),
    OUTBOX_DIR: setting(z.string(), 'data/outbox'),
    MAIL_FROM: setting(mailbox, 'The Harm Ledger <digest@harmledger.example>'),
    MAIL_REPLY_TO: optionalSetting(mailbox),
    PUBLICATION_NAME: setting(z.string(), 'The Harm Ledger'),
    POSTAL_ADDRESS: setting(z.string(), 'The Harm Ledger, 42 Example Street, Springfield 01234'),
    PUBLICATION_TOPIC: setting(
      z.string().regex(/^[^\x00-\x1f\x7f]{1,120}$/, { error: 'must be one line of at most 120 characters' }),
      'the harms and risks of AI',
    ),
    PUBLIC_URL: setting(httpUrl, 'https://harmledger.example'),
    APP_SECRET: setting(z.string().min(16, { error: 'must be at least 16 characters long' }), DEFAULT_APP_SECRET),
    DIGEST_TZ: setting(timeZone, 'UTC'),
    DIGEST_CRON: setting(cronExpression, '0 8 * * 1'),
    FETCH_CRON: optionalSetting(cronExpression),
    SEND_CONCURRENCY: setting(wholeNumber(1, 100), '5'),
    SEND_BATCH_SIZE: setting(wholeNumber(1, 10_000), '500'),
    SEND_RATE: optionalSetting(positiveNumber),
    SEND_HOURLY_LIMIT: optionalSetting(wholeNumber(1)),
    MAX_ATTEMPTS: setting(wholeNumber(1, 50), '5'),
    RETRY_BASE_SECONDS: setting(wholeNumber(1), '30'),
    HARD_BOUNCE_LIMIT: setting(wholeNumber(1, 100), '2'),
    CONSECUTIVE_FAILURE_LIMIT: setting(wholeNumber(0, 100_000), '20'),
    DKIM_DOMAIN: optionalSetting(z.string()),
    DKIM_SELECTOR: optionalSetting(z.string()),
    DKIM_PRIVATE_KEY_FILE: optionalSetting(z.string()),
    CATCHUP_WINDOW: setting(duration, '24h'),
    SHUTDOWN_TIMEOUT: setting(duration, '30s'),
    HTTP_HOST: setting(z.string(), '127.0.0.1'),
    HTTP_PORT: setting(wholeNumber(0, 65535), '8080'),
    TRUSTED_PROXIES: setting(proxyList, 'loopback'),
    PREVIEW_HOSTS: setting(hostList, ''),
    DIGEST_FULL_CARDS: setting(wholeNumber(0, 100), '8'),
    EDITOR_NAME: setting(z.string(), ''),
    EDITOR_EMAILS: setting(addressList, ''),
    DIGEST_APPROVAL: setting(z.enum(['auto', 'required']), 'auto'),
    APPROVAL_DEADLINE: optionalSetting(weeklyTime),
    APPROVAL_FALLBACK: setting(z.enum(['hold', 'send']), 'hold'),
    LOG_LEVEL: setting(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  })
  .superRefine((env, ctx) => {
    const dkim = [env.DKIM_DOMAIN, env.DKIM_SELECTOR, env.DKIM_PRIVATE_KEY_FILE];
    if (dkim.some(Boolean) && !dkim.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['DKIM_DOMAIN'],
        message: 'must be set together with DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE',
      });
    }
    if (env.DIGEST_APPROVAL === 'required' && env.EDITOR_EMAILS.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['EDITOR_EMAILS'], message: 'must name who reviews each issue when DIGEST_APPROVAL=required' });
    }
    if (env.DKIM_PRIVATE_KEY_FILE && !existsSync(env.DKIM_PRIVATE_KEY_FILE)) {
      ctx.addIssue({ code: 'custom', path: ['DKIM_PRIVATE_KEY_FILE'], message: `no such file: ${env.DKIM_PRIVATE_KEY_FILE}` });
    }
  });

type Env = z.infer<typeof schema>;

/** The typed configuration every module receives; built once, in the CLI. */
export interface Config {
  databaseUrl: string;
  smtpUrl: string | undefined;
  outboxDir: string;
  /** MAIL_FROM, parsed: its address (ASCII) is every envelope's sender. */
  mailFrom: Mailbox;
  /** The domain of MAIL_FROM: Message-IDs and List-Id are made under it. */
  senderDomain: string;
  mailReplyTo: Mailbox | undefined;
  publicationName: string;
  postalAddress: string;
  /** Stories after the lead shown as full cards; the rest one line each under "More this week" (DIGEST_FULL_CARDS). */
  fullCards: number;
  /** Who `digest edit` records as the editor (EDITOR_NAME); empty: the OS user. */
  editorName: string;
  /** Who gets the review copy of an issue awaiting approval (EDITOR_EMAILS). */
  editorEmails: string[];
  /**
   * DIGEST_APPROVAL: `auto` sends the scheduled issue as built; `required`
   * builds it, sends a review copy to the editors and sends it only once
   * approved (or past `deadline` with `fallback: 'send'`).
   */
  approval: { mode: 'auto' | 'required'; deadline: WeeklyTime | undefined; fallback: 'hold' | 'send' };
  /** What the publication covers, as in "the week's stories on …" (the digest's opening line, the subscribe page). */
  publicationTopic: string;
  publicUrl: string;
  appSecret: string;
  timeZone: string;
  cron: string;
  /** When the service fetches the sources besides before each weekly build (FETCH_CRON); unset: only then. */
  fetchCron: string | undefined;
  sendConcurrency: number;
  /** Deliveries a sender claims at a time; smaller batches spread a small or slow send across workers. */
  sendBatchSize: number;
  sendRate: number | undefined;
  sendHourlyLimit: number | undefined;
  maxAttempts: number;
  retryBaseSeconds: number;
  /** Consecutive 5xx replies after which a subscriber is marked bounced. */
  hardBounceLimit: number;
  /** Readers in a row refused with the same reply after which a send stops instead of bouncing the rest (0: never). */
  consecutiveFailureLimit: number;
  dkim: { domain: string; selector: string; privateKeyFile: string } | undefined;
  /** How late a missed weekly run may still be sent at start, in ms. */
  catchUpWindowMs: number;
  /** How long a stopping service waits for messages in flight, in ms. */
  shutdownTimeoutMs: number;
  httpHost: string;
  httpPort: number;
  /** Addresses and CIDR ranges (`loopback` included as is) whose X-Forwarded-For the HTTP app believes. */
  trustedProxies: string[];
  /** Host names the editors' preview answers to besides localhost, 127.0.0.1 and [::1] (DNS rebinding: see preview/allowed-hosts.ts). */
  previewHosts: string[];
  logLevel: Env['LOG_LEVEL'];
}

/**
 * Reads the configuration from an environment (process.env by default).
 * Throws a UserError naming the first bad variable, e.g.
 * `SEND_CONCURRENCY must be a whole number, got "abc"`.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new UserError(`invalid configuration: ${name} ${issue.message}`, 'ECONFIG');
  }
  const e = result.data;
  return {
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    outboxDir: e.OUTBOX_DIR,
    mailFrom: e.MAIL_FROM,
    senderDomain: e.MAIL_FROM.address.split('@')[1]!,
    mailReplyTo: e.MAIL_REPLY_TO,
    publicationName: e.PUBLICATION_NAME,
    postalAddress: e.POSTAL_ADDRESS,
    fullCards: e.DIGEST_FULL_CARDS,
    editorName: e.EDITOR_NAME.trim(),
    editorEmails: e.EDITOR_EMAILS,
    approval: { mode: e.DIGEST_APPROVAL, deadline: e.APPROVAL_DEADLINE, fallback: e.APPROVAL_FALLBACK },
    publicationTopic: e.PUBLICATION_TOPIC,
    publicUrl: new URL(e.PUBLIC_URL).href.replace(/\/+$/, ''),
    appSecret: e.APP_SECRET,
    timeZone: e.DIGEST_TZ,
    cron: e.DIGEST_CRON,
    fetchCron: e.FETCH_CRON,
    sendConcurrency: e.SEND_CONCURRENCY,
    sendBatchSize: e.SEND_BATCH_SIZE,
    sendRate: e.SEND_RATE,
    sendHourlyLimit: e.SEND_HOURLY_LIMIT,
    maxAttempts: e.MAX_ATTEMPTS,
    retryBaseSeconds: e.RETRY_BASE_SECONDS,
    hardBounceLimit: e.HARD_BOUNCE_LIMIT,
    consecutiveFailureLimit: e.CONSECUTIVE_FAILURE_LIMIT,
    dkim:
      e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY_FILE
        ? { domain: e.DKIM_DOMAIN, selector: e.DKIM_SELECTOR, privateKeyFile: e.DKIM_PRIVATE_KEY_FILE }
        : undefined,
    catchUpWindowMs: e.CATCHUP_WINDOW,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT,
    httpHost: e.HTTP_HOST,
    httpPort: e.HTTP_PORT,
    trustedProxies: e.TRUSTED_PROXIES,
    previewHosts: e.PREVIEW_HOSTS,
    logLevel: e.LOG_LEVEL,
  };
}

/** Loads `.env` from the working directory into process.env when present (real env wins). */
export function loadDotEnv(path = '.env'): void {
  if (!existsSync(path)) return;
  try {
    process.loadEnvFile(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`, 'ECONFIG');
  }
}
