import { BlockList, isIP } from 'node:net';

/** `loopback` (the default: a reverse proxy on the same host): 127.0.0.0/8 and ::1. */
const LOOPBACK = ['127.0.0.0/8', '::1'];

/** Why `entry` of TRUSTED_PROXIES is not an address, a CIDR range or `loopback`; null when it is. */
export function proxyEntryProblem(entry: string): string | null {
  if (entry === 'loopback') return null;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))) return `"${entry}" has a bad prefix length`;
  return null;
}

/**
 * The peers whose X-Forwarded-For is believed. The client is the last
 * address in the chain that is not a trusted proxy, read from the right:
 * proxies append the address they received from, so everything left of the
 * first untrusted one may have been written by the client itself (nginx's
 * `$proxy_add_x_forwarded_for` keeps a forged header and adds to it).
 */
export class TrustedProxies {
  readonly #list = new BlockList();

  constructor(entries: string[]) {
    for (const entry of entries.flatMap((e) => (e === 'loopback' ? LOOPBACK : [e]))) {
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.#list.addAddress(address, type);
      else this.#list.addSubnet(address, Number(prefix), type);
    }
  }

  #trusts(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const plain = mapped ?? address;
    const family = isIP(plain);
    return family !== 0 && this.#list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** The client's address, from the socket's peer and the request's X-Forwarded-For. */
  clientOf(peer: string, forwardedFor: string | undefined): string {
    if (!this.#trusts(peer) || !forwardedFor) return peer;
    const chain = forwardedFor
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    for (let i = chain.length - 1; i >= 0; i--) {
      if (!this.#trusts(chain[i]!)) return chain[i]!;
    }
    // Every hop is a proxy we trust: the first one is as close to the client as we can tell.
    return chain[0] ?? peer;
  }
}
