import { describe, expect, it } from 'vitest';
import { isNonPublicSource, nonPublicKind, refusedHop } from './redirect-guard.ts';

describe('nonPublicKind', () => {
  it('names loopback, private, link-local, unique-local and unspecified addresses, IPv4 and IPv6', () => {
    expect(nonPublicKind('127.0.0.1')).toBe('loopback');
    expect(nonPublicKind('127.200.0.9')).toBe('loopback');
    expect(nonPublicKind('::1')).toBe('loopback');
    expect(nonPublicKind('10.0.0.1')).toBe('private');
    expect(nonPublicKind('172.16.0.1')).toBe('private');
    expect(nonPublicKind('172.31.255.255')).toBe('private');
    expect(nonPublicKind('192.168.1.1')).toBe('private');
    expect(nonPublicKind('100.64.0.1')).toBe('private');
    expect(nonPublicKind('169.254.169.254')).toBe('link-local');
    expect(nonPublicKind('fe80::1')).toBe('link-local');
    expect(nonPublicKind('fd12:3456::1')).toBe('unique-local');
    expect(nonPublicKind('fc00::1')).toBe('unique-local');
    expect(nonPublicKind('0.0.0.0')).toBe('unspecified');
    expect(nonPublicKind('::')).toBe('unspecified');
  });

  it('judges an IPv4-mapped IPv6 address by the IPv4 address it carries, in either notation', () => {
    expect(nonPublicKind('::ffff:127.0.0.1')).toBe('loopback');
    expect(nonPublicKind('::ffff:7f00:1')).toBe('loopback');
    expect(nonPublicKind('::ffff:10.1.2.3')).toBe('private');
    expect(nonPublicKind('::ffff:93.184.216.34')).toBeNull();
  });

  it('lets public addresses through, next to the edges of the private ranges', () => {
    for (const address of ['93.184.216.34', '172.15.255.255', '172.32.0.1', '192.169.0.1', '100.128.0.1', '11.0.0.1', '2606:4700:4700::1111', 'fe00::1']) {
      expect(nonPublicKind(address), address).toBeNull();
    }
  });
});

describe('refusedHop', () => {
  it('refuses an address literal, and a name any of whose addresses is not public', async () => {
    const lookup = async (host: string) =>
      ({
        'mixed.test': [
          { address: '203.0.113.8', family: 4 },
          { address: '10.0.0.8', family: 4 },
        ],
        'public.test': [{ address: '203.0.113.9', family: 4 }],
      })[host] ?? [];
    expect(await refusedHop(new URL('http://[::ffff:127.0.0.1]:8080/'), lookup)).toBe('::ffff:7f00:1 is a loopback address');
    expect(await refusedHop(new URL('http://10.0.0.1/feed'), lookup)).toBe('10.0.0.1 is a private address');
    expect(await refusedHop(new URL('http://0.0.0.0/'), lookup)).toBe('0.0.0.0 is an unspecified address');
    expect(await refusedHop(new URL('http://mixed.test/'), lookup)).toBe('mixed.test resolves to 10.0.0.8, a private address');
    expect(await refusedHop(new URL('http://public.test/'), lookup)).toBeNull();
  });

  it('resolves a name with the system resolver by default: localhost is loopback', async () => {
    expect(await refusedHop(new URL('http://localhost:8080/admin'))).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
  });
});

describe('isNonPublicSource', () => {
  it('is true for a loopback or private source, and for a name only when all its addresses are non-public', async () => {
    const lookup = async (host: string) =>
      ({
        'intranet.test': [{ address: '10.0.0.5', family: 4 }],
        'mixed.test': [
          { address: '203.0.113.8', family: 4 },
          { address: '10.0.0.8', family: 4 },
        ],
      })[host] ?? [];
    expect(await isNonPublicSource(new URL('http://127.0.0.1:8080/feed.xml'), lookup)).toBe(true);
    expect(await isNonPublicSource(new URL('http://[::1]/feed.xml'), lookup)).toBe(true);
    expect(await isNonPublicSource(new URL('http://intranet.test/feed.xml'), lookup)).toBe(true);
    expect(await isNonPublicSource(new URL('http://mixed.test/feed.xml'), lookup)).toBe(false);
    expect(await isNonPublicSource(new URL('http://unknown.test/feed.xml'), lookup)).toBe(false);
    expect(await isNonPublicSource(new URL('http://localhost/feed.xml'))).toBe(true);
  });
});
