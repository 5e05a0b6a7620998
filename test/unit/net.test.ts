import { describe, expect, it } from 'vitest';
import { checkStatic, dnsServers, ipv4, netmask, optionalIpv4, searchDomains } from '../../src/net.js';

describe('network mask', () => {
  it.each([
    ['255.255.255.0', '24'],
    ['255.255.254.0', '23'],
    ['255.255.255.252', '30'],
    ['255.255.255.255', '32'],
    ['24', '24'],
    ['/16', '16'],
    [' 8 ', '8'],
  ])('%s is /%s', (m, p) => expect(netmask(m)).toEqual({ ok: true, value: p }));
  it.each([
    ['', /never guessed/],
    ['255.0.255.0', /not a contiguous mask/],
    ['255.255.255.1', /not a contiguous mask/],
    ['0.0.0.0', /not a contiguous mask/],
    ['33', /1 to 32/],
    ['0', /1 to 32/],
    ['255.255.255', /not a network mask/],
  ])('%j is refused', (m, msg) => expect(netmask(m)).toMatchObject({ ok: false, message: expect.stringMatching(msg) }));
});

describe('addresses, DNS and domains', () => {
  it('IPv4 and optional IPv4', () => {
    expect(ipv4('192.0.2.10')).toEqual({ ok: true, value: '192.0.2.10' });
    expect(ipv4('192.0.2.256').ok).toBe(false);
    expect(optionalIpv4('  ')).toEqual({ ok: true, value: '' });
    expect(optionalIpv4('x').ok).toBe(false);
  });
  it('DNS servers are addresses, at most 3', () => {
    expect(dnsServers('192.0.2.53  2001:db8::53')).toEqual({ ok: true, value: '192.0.2.53 2001:db8::53' });
    expect(dnsServers('')).toEqual({ ok: true, value: '' });
    expect(dnsServers('dns.example 192.0.2.1')).toMatchObject({ ok: false, message: expect.stringMatching(/"dns.example"/) });
    expect(dnsServers('1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4').ok).toBe(false);
    for (const w of ['0.0.0.0', '255.255.255.255', '224.0.0.251', '::', 'ff02::fb'])
      expect(dnsServers(`192.0.2.53 ${w}`), w).toEqual({ ok: false, message: `Not a DNS server address: "${w}" (unspecified, broadcast or multicast)` });
  });
  it('search domains follow RFC 1123 and may be empty', () => {
    expect(searchDomains('')).toEqual({ ok: true, value: '' });
    expect(searchDomains('Corp.Example lab.example')).toEqual({ ok: true, value: 'corp.example lab.example' });
    expect(searchDomains('bad_domain').ok).toBe(false);
  });
});

describe('rules across fields', () => {
  it('a host address inside its subnet, with a gateway there too, is fine', () => {
    expect(checkStatic({ address: '192.0.2.10', prefix: 24, gateway: '192.0.2.1' })).toEqual({});
    expect(checkStatic({ address: '192.0.2.10', prefix: 24 })).toEqual({});
  });
  it('the network and broadcast addresses are not host addresses', () => {
    expect(checkStatic({ address: '192.0.2.0', prefix: 24 })).toEqual({ address: '192.0.2.0 is the network address of 192.0.2.0/24, not a host address' });
    expect(checkStatic({ address: '192.0.2.255', prefix: 24 })).toEqual({ address: '192.0.2.255 is the broadcast address of 192.0.2.0/24, not a host address' });
    expect(checkStatic({ address: '192.0.2.1', prefix: 31 })).toEqual({}); // point-to-point: both usable
  });
  it('the gateway is in the subnet and is not the address', () => {
    expect(checkStatic({ address: '192.0.2.10', prefix: 24, gateway: '198.51.100.1' }).gateway).toMatch(/outside 192.0.2.0\/24/);
    expect(checkStatic({ address: '192.0.2.10', prefix: 24, gateway: '192.0.2.10' }).gateway).toMatch(/cannot be the address itself/);
    expect(checkStatic({ address: '10.0.0.2', prefix: 16, gateway: '10.0.255.254' })).toEqual({});
  });
  it('loopback, link-local, multicast, reserved and 0/8 are no interface addresses (as set_network.sh says)', () => {
    for (const a of ['127.0.0.5', '169.254.1.1', '224.0.0.1', '240.0.0.1', '0.0.0.0', '0.1.2.3'])
      expect(checkStatic({ address: a, prefix: 24 }), a).toEqual({ address: `${a} cannot be an interface address (loopback, multicast, link-local or reserved)` });
    for (const a of ['126.255.255.1', '169.253.0.1', '223.255.255.1', '1.0.0.1']) expect(checkStatic({ address: a, prefix: 8 }), a).toEqual({});
  });
  it('the gateway is not the network or broadcast address', () => {
    expect(checkStatic({ address: '10.0.0.2', prefix: 24, gateway: '10.0.0.0' }).gateway).toBe('10.0.0.0 is the network or broadcast address of 10.0.0.0/24, not a router');
    expect(checkStatic({ address: '10.0.0.2', prefix: 24, gateway: '10.0.0.255' }).gateway).toBe('10.0.0.255 is the network or broadcast address of 10.0.0.0/24, not a router');
  });
  it('an address another interface has is refused', () => {
    expect(checkStatic({ address: '192.0.2.10', prefix: 24 }, ['192.0.2.10'])).toEqual({ address: '192.0.2.10 is already used by another interface' });
  });
});
