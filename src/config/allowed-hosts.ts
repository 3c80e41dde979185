import { isIP } from 'node:net';

/**
 * The names a browser on this machine uses for the preview. A page on
 * another site that rebinds its own name to 127.0.0.1 (DNS rebinding) still
 * sends its own name in Host, never one of these, so they are always allowed.
 */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** RFC 1123 labels: letters, digits, inner hyphens; at most 253 characters. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Why `entry` of PREVIEW_HOSTS is not a host name or IP address; null when it is. */
export function previewHostProblem(entry: string): string | null {
  const bare = /^\[(.*)\]$/.exec(entry)?.[1] ?? entry;
  if (isIP(bare) === 6 || (bare === entry && (isIP(entry) === 4 || HOST_NAME.test(entry)))) return null;
  return `"${entry}" is not a host name or IP address`;
}

/** An entry as a Host header writes it: lower case, an IPv6 address in brackets. */
export function hostEntry(entry: string): string {
  return (isIP(entry) === 6 ? `[${entry}]` : entry).toLowerCase();
}

/**
 * The host a Host header names, lower case and without its port; null
 * unless the header is exactly `host` or `host:port` (no user info, path or
 * second value that a lenient URL parser would read differently).
 *
 * @example
 * hostOf('Evil.example:3000') // 'evil.example'
 * hostOf('[::1]:3000')        // '[::1]'
 */
export function hostOf(header: string | undefined): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(header ?? '');
  return match ? match[1]!.toLowerCase() : null;
}

/** The loopback names and `extra` (PREVIEW_HOSTS); `allows` checks a request's Host header against them. */
export class AllowedHosts {
  readonly names: readonly string[];
  readonly #set: Set<string>;

  constructor(extra: readonly string[] = []) {
    this.names = [...new Set([...LOOPBACK_HOSTS, ...extra.map(hostEntry)])];
    this.#set = new Set(this.names);
  }

  allows(hostHeader: string | undefined): boolean {
    const host = hostOf(hostHeader);
    return host !== null && this.#set.has(host);
  }
}
