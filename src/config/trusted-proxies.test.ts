import { describe, expect, it } from 'vitest';
import { TrustedProxies, proxyEntryProblem } from './trusted-proxies.ts';

describe('TrustedProxies', () => {
  it('by default believes a proxy on this host, and takes the client the proxy saw, not what the client wrote', () => {
    const proxies = new TrustedProxies(['loopback']);
    // nginx's $proxy_add_x_forwarded_for keeps the client's own header and appends the real peer.
    expect(proxies.clientOf('127.0.0.1', '198.51.100.9, 203.0.113.7')).toBe('203.0.113.7');
    expect(proxies.clientOf('::ffff:127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    expect(proxies.clientOf('::1', '2001:db8::7')).toBe('2001:db8::7');
    expect(proxies.clientOf('127.0.0.1', undefined)).toBe('127.0.0.1');
    // Anyone else can write the header: it is not believed.
    expect(proxies.clientOf('203.0.113.50', '198.51.100.9')).toBe('203.0.113.50');
  });

  it('believes the ranges given, through a chain of proxies', () => {
    const proxies = new TrustedProxies(['10.0.0.0/8', '2001:db8:ffff::/48', '192.0.2.1']);
    expect(proxies.clientOf('10.0.0.6', '198.51.100.9, 203.0.113.7, 10.0.0.5')).toBe('203.0.113.7');
    expect(proxies.clientOf('2001:db8:ffff::2', '203.0.113.7, 192.0.2.1')).toBe('203.0.113.7');
    expect(proxies.clientOf('127.0.0.1', '203.0.113.7')).toBe('127.0.0.1'); // loopback not listed: not believed
    expect(proxies.clientOf('10.0.0.6', '10.0.0.5')).toBe('10.0.0.5');
  });

  it('says what is wrong with an entry', () => {
    expect(proxyEntryProblem('loopback')).toBeNull();
    expect(proxyEntryProblem('10.0.0.0/8')).toBeNull();
    expect(proxyEntryProblem('2001:db8::/32')).toBeNull();
    expect(proxyEntryProblem('proxy.internal')).toBe('"proxy.internal" is not an IP address or CIDR range');
    expect(proxyEntryProblem('10.0.0.0/33')).toBe('"10.0.0.0/33" has a bad prefix length');
  });
});
