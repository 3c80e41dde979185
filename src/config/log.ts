import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.ts';
import { escapeControls } from '../text/escape-controls.ts';
import { maskCredentials } from '../text/mask-credentials.ts';
import { urlCredentials } from '../text/url-credentials.ts';

export type { Logger };

/** Every secret the configuration holds: none may appear in a log line or an error we print. */
function secretsOf(config: Config): string[] {
  const secrets = [config.appSecret];
  for (const url of [config.smtpUrl, config.databaseUrl]) {
    // A password quoted without its URL (by a driver, say) is not caught by maskCredentials.
    if (!url || !URL.canParse(url)) continue;
    const parsed = new URL(url);
    if (parsed.password) secrets.push(parsed.password, urlCredentials(parsed).password);
  }
  return secrets.filter((s) => s.length >= 4);
}

/**
 * `text` fit for a log line: each secret replaced with [redacted], the
 * password of any URL in it masked (a feed's, say), and control characters
 * escaped so a line read on a terminal cannot drive it.
 */
function redact(text: string, secrets: string[]): string {
  return escapeControls(maskCredentials(secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text)));
}

/**
 * Structured JSON lines at LOG_LEVEL; readable, coloured lines when stdout
 * is a terminal. Every string that goes out passes through `redact`, so a
 * secret quoted in an error message (a store or SMTP URL with its password,
 * say) never reaches the log.
 */
export function createLogger(config: Config, destination: NodeJS.WritableStream = process.stdout): Logger {
  const secrets = secretsOf(config);
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value, secrets);
    if (value instanceof Error) return { type: value.name, message: redact(value.message, secrets), code: (value as { code?: unknown }).code };
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
    return value;
  };
  const options = {
    level: config.logLevel,
    base: { pid: process.pid },
    hooks: {
      logMethod(args: Parameters<Logger['info']>, method: (...a: unknown[]) => void) {
        method.apply(this, args.map(scrub));
      },
    },
  };
  if ((destination as NodeJS.WriteStream).isTTY) {
    return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true }));
  }
  return pino(options, destination as pino.DestinationStream);
}
