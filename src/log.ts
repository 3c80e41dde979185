import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.ts';

export type { Logger };

/** Every secret the configuration holds: none may appear in a log line or an error we print. */
function secretsOf(config: Config): string[] {
  const secrets = [config.appSecret];
  if (config.smtpUrl) {
    try {
      const url = new URL(config.smtpUrl);
      if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
    } catch {
      // An unparsable SMTP_URL never got past config validation.
    }
  }
  return secrets.filter((s) => s.length >= 4);
}

/** Replaces each secret in `text` with [redacted]. */
function redact(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

/**
 * Structured JSON lines at LOG_LEVEL; readable, coloured lines when stdout
 * is a terminal. Every string that goes out passes through `redact`, so a
 * secret quoted in an error message (an SMTP URL with its password, say)
 * never reaches the log.
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
