import { describe, expect, it } from 'vitest';
import { AllowedHosts, hostOf, previewHostProblem } from './allowed-hosts.ts';

describe('the preview’s Host allow-list', () => {
  it('allows the loopback names with any port, in any case', () => {
    const hosts = new AllowedHosts();
    for (const host of ['localhost', 'localhost:3000', 'LocalHost:3000', '127.0.0.1', '127.0.0.1:41234', '[::1]', '[::1]:3000'])
      expect(hosts.allows(host), host).toBe(true);
  });

  it('refuses what a DNS-rebinding page sends, and anything that only looks like a loopback name', () => {
    const hosts = new AllowedHosts();
    for (const host of [
      'evil.example:3000',
      'evil.example',
      'localhost.evil.example:3000',
      '127.0.0.1.nip.io:3000',
      'evil.example@localhost:3000',
      'localhost:3000@evil.example',
      'localhost/evil',
      'localhost:3000, evil.example',
      'localhost.',
      'localhost:',
      '127.0.0.2:3000',
      '',
      undefined,
    ]) {
      expect(hosts.allows(host), String(host)).toBe(false);
    }
  });

  it('adds the names of PREVIEW_HOSTS (an IPv6 address with or without brackets)', () => {
    const hosts = new AllowedHosts(['Preview.LAN', '192.168.1.20', 'fd00::20']);
    expect(hosts.names).toEqual(['localhost', '127.0.0.1', '[::1]', 'preview.lan', '192.168.1.20', '[fd00::20]']);
    for (const host of ['preview.lan:3000', 'PREVIEW.lan', '192.168.1.20:3000', '[fd00::20]:3000', 'localhost:3000'])
      expect(hosts.allows(host), host).toBe(true);
    expect(hosts.allows('other.lan:3000')).toBe(false);
  });

  it('reads the host of a Host header without its port', () => {
    expect(hostOf('Evil.example:3000')).toBe('evil.example');
    expect(hostOf('[::1]:3000')).toBe('[::1]');
    expect(hostOf('a b')).toBeNull();
  });

  it('accepts host names and IP addresses as PREVIEW_HOSTS entries, nothing else', () => {
    for (const entry of ['preview.lan', 'localhost', '10.0.0.5', '::1', '[::1]', 'xn--bcher-kva.example']) expect(previewHostProblem(entry), entry).toBeNull();
    for (const entry of ['http://preview.lan', 'preview.lan:3000', '*.lan', 'preview.lan/x', '-bad.lan', '[10.0.0.5]', 'a b']) {
      expect(previewHostProblem(entry), entry).toBe(`"${entry}" is not a host name or IP address`);
    }
  });
});
