import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/*
 * A feed on the internet must not be able to point our fetch at the
 * operator's own network (SSRF): a redirect from a public source to a
 * loopback, private or link-local address is refused. A source that is itself
 * such an address (an intranet feed, a test server) was chosen by the
 * operator, and its redirects are followed wherever they go.
 */

/** Every address a host name resolves to, as `dns.lookup(name, { all: true })` gives them. */
export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), as Node's own fetch uses it. */
export const systemLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export type NonPublicKind = 'loopback' | 'private' | 'link-local' | 'unique-local' | 'unspecified';

const RANGES: [NonPublicKind, string, number, 'ipv4' | 'ipv6'][] = [
  // 0.0.0.0 and :: reach this host when connected to.
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['loopback', '::1', 128, 'ipv6'],
  // RFC 1918, and RFC 6598's carrier-grade NAT space, which is as internal.
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'],
  // Cloud metadata services live at 169.254.169.254.
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['unique-local', 'fc00::', 7, 'ipv6'],
];

const LISTS = new Map<NonPublicKind, BlockList>();
for (const [kind, network, prefix, family] of RANGES) {
  if (!LISTS.has(kind)) LISTS.set(kind, new BlockList());
  LISTS.get(kind)!.addSubnet(network, prefix, family);
}

/**
 * The kind of non-public address `address` is, or null for a public one (or
 * not an IP address). An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is
 * judged by the IPv4 address it carries: connecting to it reaches that one.
 *
 * @example
 * nonPublicKind('10.1.2.3') // 'private'
 * nonPublicKind('::ffff:127.0.0.1') // 'loopback'
 * nonPublicKind('93.184.216.34') // null
 */
export function nonPublicKind(address: string): NonPublicKind | null {
  const family = isIP(address);
  if (family === 0) return null;
  // BlockList.check matches an IPv4-mapped IPv6 address against IPv4 ranges (both ::ffff:7f00:1 and ::ffff:127.0.0.1 forms).
  for (const [kind, list] of LISTS) if (list.check(address, family === 6 ? 'ipv6' : 'ipv4')) return kind;
  return null;
}

/** A URL's host as an address or a name, without the brackets of an IPv6 literal. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** The addresses `url` leads to: its IP literal, or what its name resolves to. */
async function addressesOf(url: URL, lookup: LookupAll): Promise<string[]> {
  const host = bareHost(url);
  return isIP(host) ? [host] : (await lookup(host)).map((a) => a.address);
}

/**
 * Whether `url` is itself a loopback, private or link-local address, or a
 * name all of whose addresses are: then its redirects are not checked. All,
 * not any: a public feed whose DNS also lists a private address must not
 * unlock redirects into the operator's network.
 *
 * @example
 * await isNonPublicSource(new URL('http://127.0.0.1:8080/feed.xml')) // true
 */
export async function isNonPublicSource(url: URL, lookup: LookupAll = systemLookup): Promise<boolean> {
  try {
    const addresses = await addressesOf(url, lookup);
    return addresses.length > 0 && addresses.every((address) => nonPublicKind(address) !== null);
  } catch {
    // Unresolvable now (it answered a moment ago): treat it as public, the stricter choice.
    return false;
  }
}

/**
 * Why a redirect from a public source to `hop` is refused, or null when it
 * may be followed. A name is refused when any of its addresses is non-public:
 * fetch may connect to any of them. A name that does not resolve throws the
 * resolver's error.
 *
 * @example
 * await refusedHop(new URL('http://localhost/admin')) // 'localhost resolves to 127.0.0.1, a loopback address'
 * await refusedHop(new URL('http://[::ffff:10.0.0.1]/')) // '::ffff:10.0.0.1 is a private address'
 */
export async function refusedHop(hop: URL, lookup: LookupAll = systemLookup): Promise<string | null> {
  const host = bareHost(hop);
  for (const address of await addressesOf(hop, lookup)) {
    const kind = nonPublicKind(address);
    if (kind) return address === host ? `${address} is ${article(kind)} ${kind} address` : `${host} resolves to ${address}, ${article(kind)} ${kind} address`;
  }
  return null;
}

function article(kind: NonPublicKind): string {
  return kind === 'unspecified' ? 'an' : 'a';
}
