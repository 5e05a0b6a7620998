// The rules an operator can break, as the console decides them (src/rules/). Their twins in the
// scripts are proven to agree by test/system/rules-agree.test.ts.
import { describe, expect, it } from 'vitest';
import { endpoint, host, isHostname, isIPv4, isIPv6, isNowhere, port } from '../../src/rules/address.js';
import { password, proxyAddress, proxyUser } from '../../src/rules/callhome.js';
import { masterHost, proxyUrl } from '../../src/rules/master.js';
import { checkStatic, dnsServers, ipv4, netmask, optionalIpv4, searchDomains } from '../../src/rules/network.js';
import { ntpServers } from '../../src/rules/ntp.js';
import { pcapGb } from '../../src/rules/pcap.js';
import { hmacToken, pushToken } from '../../src/rules/tokens.js';

describe('addresses and host names', () => {
  it.each(['0.0.0.0', '192.0.2.1', '255.255.255.255', '10.0.0.2'])('IPv4 %s is valid', (a) => expect(isIPv4(a)).toBe(true));
  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1..2.3', '', 'a.b.c.d', '1.2.3.4 '])('IPv4 %j is invalid', (a) => expect(isIPv4(a)).toBe(false));
  it.each(['::', '::1', '2001:db8::1', 'fe80::1:2:3:4', '1:2:3:4:5:6:7:8', '::ffff:192.0.2.1', '2001:DB8:0:0:8:800:200C:417A'])('IPv6 %s is valid', (a) =>
    expect(isIPv6(a)).toBe(true),
  );
  it.each([':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::1', 'g::1', '1:2:3:4:5:6:7', ':1:2:3:4:5:6:7', '::1.2.3', '1'])('IPv6 %j is invalid', (a) =>
    expect(isIPv6(a)).toBe(false),
  );
  it.each(['ntp.ubuntu.com', 'a', 'x-1.example.org', 'example.org.', '0.pool.ntp.org'])('host %s is valid', (h) => expect(isHostname(h)).toBe(true));
  it.each(['-a.com', 'a-.com', 'a..b', 'a_b.com', '1.2.3.4', 'a'.repeat(64) + '.com', '', 'exa mple.com'])('host %j is invalid', (h) =>
    expect(isHostname(h)).toBe(false),
  );
  it('an address nothing answers at, in every spelling', () => {
    for (const a of ['0.0.0.0', '0.1.2.3', '224.0.0.1', '239.1.1.1', '240.0.0.1', '255.255.255.255', '::', '0:0::0', '0::0', '::0', '0:0:0:0:0:0:0:0', '::0.0.0.0', 'ff02::1', 'FF05::2'])
      expect(isNowhere(a), a).toBe(true);
    for (const a of ['1.0.0.1', '127.0.0.1', '223.255.255.255', '::1', '2001:db8::', 'fe80::1', 'example.com']) expect(isNowhere(a), a).toBe(false);
  });
  it('a host a connection goes to: names lower-cased; nowhere refused', () => {
    expect(host(' Example.COM ')).toEqual({ ok: true, value: 'example.com' });
    for (const h of ['0.0.0.0', '255.255.255.255', '224.0.0.1', '::', '0:0::0', 'ff02::1'])
      expect(host(h), h).toEqual({ ok: false, message: `"${h}" is not a server address (unspecified, broadcast or multicast)` });
    expect(host('192.0.2.1')).toEqual({ ok: true, value: '192.0.2.1' });
  });
  it('ports: 1-65535, leading zeros decimal', () => {
    expect(port('022')).toEqual({ ok: true, value: '22' });
    for (const p of ['0', '65536', '', '2 2', '-1']) expect(port(p).ok, p).toBe(false);
  });
  it('endpoints: [v6]:port, v6 without a port, host:port', () => {
    expect(endpoint('[2001:db8::5]:123')).toEqual({ ok: true, value: { host: '2001:db8::5', port: 123 } });
    expect(endpoint('2001:db8::123')).toEqual({ ok: true, value: { host: '2001:db8::123' } });
    expect(endpoint('[not-v6]:123').ok).toBe(false);
    expect(endpoint('Host.Example:08080')).toEqual({ ok: true, value: { host: 'host.example', port: 8080 } });
  });
});

describe('NTP servers', () => {
  it('accepts hosts, IPv4, IPv6 and ports, separated by spaces', () => {
    expect(ntpServers(' pool.ntp.org  192.0.2.1 2001:db8::1 ntp.example.org:1123 [::1]:11123 ')).toEqual({
      ok: true,
      value: ['pool.ntp.org', '192.0.2.1', '2001:db8::1', 'ntp.example.org:1123', '[::1]:11123'],
    });
  });
  it('lower-cases host names and finds repeats after that', () => {
    expect(ntpServers('NTP.Example.org ntp.example.org')).toEqual({ ok: false, message: '"ntp.example.org" is listed twice' });
  });
  it('names every bad entry and why', () => {
    const r = ntpServers('good.example bad..host 1.2.3 host:0 ::1::2');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('"bad..host" is not a valid host name');
    expect(r.message).toContain('"1.2.3" is not a valid IPv4 address');
    expect(r.message).toContain('"host:0": port must be a number from 1 to 65535');
    expect(r.message).toContain('"::1::2" is not a valid IPv6 address');
    expect(r.message).not.toContain('good.example');
  });
  it('needs at least one and at most eight servers', () => {
    expect(ntpServers('   ').ok).toBe(false);
    expect(ntpServers(Array.from({ length: 9 }, (_, i) => `n${i}.example`).join(' ')).ok).toBe(false);
    expect(ntpServers(Array.from({ length: 8 }, (_, i) => `n${i}.example`).join(' ')).ok).toBe(true);
  });
});

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

describe('interface addresses, DNS and search domains', () => {
  it('IPv4 and optional IPv4', () => {
    expect(ipv4('192.0.2.10')).toEqual({ ok: true, value: '192.0.2.10' });
    expect(ipv4('192.0.2.256').ok).toBe(false);
    expect(optionalIpv4('  ')).toEqual({ ok: true, value: '' });
    expect(optionalIpv4('x').ok).toBe(false);
  });
  it('DNS servers are addresses, at most 3, never nowhere in any spelling', () => {
    expect(dnsServers('192.0.2.53  2001:db8::53')).toEqual({ ok: true, value: '192.0.2.53 2001:db8::53' });
    expect(dnsServers('')).toEqual({ ok: true, value: '' });
    expect(dnsServers('dns.example 192.0.2.1')).toMatchObject({ ok: false, message: expect.stringMatching(/"dns.example"/) });
    expect(dnsServers('1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4').ok).toBe(false);
    for (const w of ['0.0.0.0', '255.255.255.255', '224.0.0.251', '::', '0:0::0', '0::0', 'ff02::fb', '0.1.2.3'])
      expect(dnsServers(`192.0.2.53 ${w}`), w).toEqual({ ok: false, message: `Not a DNS server address: "${w}" (unspecified, broadcast or multicast)` });
  });
  it('search domains follow RFC 1123, at most 6, and may be empty', () => {
    expect(searchDomains('')).toEqual({ ok: true, value: '' });
    expect(searchDomains('Corp.Example lab.example')).toEqual({ ok: true, value: 'corp.example lab.example' });
    expect(searchDomains('bad_domain').ok).toBe(false);
    const six = Array.from({ length: 6 }, (_, i) => `d${i}.example`).join(' ');
    expect(searchDomains(six).ok).toBe(true);
    expect(searchDomains(`${six} d6.example`)).toEqual({ ok: false, message: 'At most 6 search domains' });
  });
});

describe('rules across the interface fields', () => {
  const cs = checkStatic;
  it('a host address inside its subnet, with a gateway there too, is fine', () => {
    expect(cs({ address: '192.0.2.10', prefix: 24, gateway: '192.0.2.1' })).toEqual([]);
    expect(cs({ address: '192.0.2.10', prefix: 24 })).toEqual([]);
    expect(cs({ address: '192.0.2.1', prefix: 31 })).toEqual([]); // point-to-point: both usable
  });
  it('the network and broadcast addresses are not host addresses', () => {
    expect(cs({ address: '192.0.2.0', prefix: 24 })).toEqual([{ field: 'address', severity: 'error', message: '192.0.2.0 is the network address of 192.0.2.0/24, not a host address' }]);
    expect(cs({ address: '192.0.2.255', prefix: 24 })).toEqual([{ field: 'address', severity: 'error', message: '192.0.2.255 is the broadcast address of 192.0.2.0/24, not a host address' }]);
  });
  it('a gateway outside the subnet is a warning (typed, never read from the words); itself is an error', () => {
    expect(cs({ address: '192.0.2.10', prefix: 24, gateway: '198.51.100.1' })).toEqual([{ field: 'gateway', severity: 'warning', message: expect.stringMatching(/outside 192.0.2.0\/24/) }]);
    expect(cs({ address: '192.0.2.10', prefix: 24, gateway: '192.0.2.10' })).toEqual([{ field: 'gateway', severity: 'error', message: 'The gateway cannot be the address itself' }]);
    expect(cs({ address: '10.0.0.2', prefix: 16, gateway: '10.0.255.254' })).toEqual([]);
  });
  it('loopback, link-local, multicast, reserved and 0/8 are no interface addresses (as set_network.sh says)', () => {
    for (const a of ['127.0.0.5', '169.254.1.1', '224.0.0.1', '240.0.0.1', '0.0.0.0', '0.1.2.3'])
      expect(cs({ address: a, prefix: 24 }), a).toEqual([{ field: 'address', severity: 'error', message: `${a} cannot be an interface address (loopback, multicast, link-local or reserved)` }]);
    for (const a of ['126.255.255.1', '169.253.0.1', '223.255.255.1', '1.0.0.1']) expect(cs({ address: a, prefix: 8 }), a).toEqual([]);
  });
  it('the gateway is not the network or broadcast address; no address twice', () => {
    expect(cs({ address: '10.0.0.2', prefix: 24, gateway: '10.0.0.0' })[0]?.message).toBe('10.0.0.0 is the network or broadcast address of 10.0.0.0/24, not a router');
    expect(cs({ address: '10.0.0.2', prefix: 24, gateway: '10.0.0.255' })[0]?.message).toBe('10.0.0.255 is the network or broadcast address of 10.0.0.0/24, not a router');
    expect(cs({ address: '192.0.2.10', prefix: 24 }, ['192.0.2.10'])).toEqual([{ field: 'address', severity: 'error', message: '192.0.2.10 is already used by another interface' }]);
  });
});

describe('tokens, master, proxies, PCAP size', () => {
  it('push token: label:secret as the master shows it', () => {
    expect(pushToken(' NewLabelMarch:K7GHXWxHCMn2y8zr ')).toEqual({ ok: true, value: 'NewLabelMarch:K7GHXWxHCMn2y8zr' });
    expect(pushToken('site-1.a_b:abc+/=_-12').ok).toBe(true);
    for (const [t, msg] of [
      ['', /Enter the push token/],
      ['K7GHXWxHCMn2y8zr', /label:secret/],
      [':K7GHXWxHCMn2y8zr', /label before ':'/],
      ['my label:K7GHXWxHCMn2y8zr', /label before ':'/],
      ['lab:short', /secret after ':'/],
      ['lab:has space inside', /secret after ':'/],
      ['lab:semi;colon12', /secret after ':'/],
    ] as const)
      expect(pushToken(t), t).toMatchObject({ ok: false, message: expect.stringMatching(msg) });
  });
  it('HMAC: 5-63 alphanumerics, a warning below 20', () => {
    expect(hmacToken('abc12')).toEqual({ ok: true, value: 'abc12', warning: '5 characters: 20 or more are recommended' });
    expect(hmacToken('a'.repeat(20))).toEqual({ ok: true, value: 'a'.repeat(20) });
    for (const bad of ['abcd', 'a'.repeat(64), 'abc de', 'abc-def', '']) expect(hmacToken(bad).ok).toBe(false);
  });
  it('master host: name, IP, with a port; never a URL or a nowhere address', () => {
    expect(masterHost('Master.Example.com')).toEqual({ ok: true, value: 'master.example.com' });
    expect(masterHost('[2001:db8::1]:8443')).toEqual({ ok: true, value: '[2001:db8::1]:8443' });
    expect(masterHost('bad_host').ok).toBe(false);
    expect(masterHost('')).toEqual({ ok: false, message: "Enter the master's IP address or host name" });
    expect(masterHost('https://master.example.com')).toEqual({ ok: false, message: 'Enter the host name or IP address only, without https:// (the connection is always HTTPS)' });
    for (const h of ['0.0.0.0', '224.0.0.1', '255.255.255.255', '0:0::0', '[ff02::1]:443']) expect(masterHost(h).ok, h).toBe(false);
  });
  it('proxy: optional http://HOST:PORT, no credentials, no other scheme, never nowhere', () => {
    expect(proxyUrl('')).toEqual({ ok: true, value: '' });
    expect(proxyUrl('proxy.example:3128')).toEqual({ ok: true, value: 'http://proxy.example:3128' });
    expect(proxyUrl('http://10.1.2.3:8080/')).toEqual({ ok: true, value: 'http://10.1.2.3:8080' });
    expect(proxyUrl('http://u:p@proxy:3128')).toMatchObject({ ok: false, message: expect.stringMatching(/credentials/) });
    expect(proxyUrl('socks5://proxy:1080')).toMatchObject({ ok: false, message: expect.stringMatching(/HTTP proxy/) });
    expect(proxyUrl('http://proxy')).toMatchObject({ ok: false });
    for (const h of ['http://0.0.0.0:3128', 'http://224.0.0.1:3128', 'http://255.255.255.255:3128']) expect(proxyUrl(h).ok, h).toBe(false);
  });
  it('Call-Home proxy address, user and password', () => {
    expect(proxyAddress('Proxy.Example:3128')).toEqual({ ok: true, value: 'proxy.example:3128' });
    expect(proxyAddress('proxy.example').ok).toBe(false);
    expect(proxyAddress('0.0.0.0:3128').ok).toBe(false);
    expect(proxyUser('ops+1@corp.example')).toEqual({ ok: true, value: 'ops+1@corp.example' });
    expect(proxyUser('with space').ok).toBe(false);
    expect(password('p@ss w0rd;#').ok).toBe(true);
    expect(password('a\tb').ok).toBe(false);
  });
  it('PCAP size: whole GB, 0 disables', () => {
    expect(pcapGb(' 016 ')).toEqual({ ok: true, value: '16' });
    expect(pcapGb('0')).toEqual({ ok: true, value: '0' });
    for (const bad of ['-1', '1.5', 'ten', '', '1234567']) expect(pcapGb(bad).ok).toBe(false);
    // a whole number too long is "too large", not "Enter a whole number" (as the CLI and the form say)
    for (const n of ['1234567', '99999999999999999999', '0001000000']) expect(pcapGb(` ${n} `)).toEqual({ ok: false, message: `${n} GB is too large: at most 6 digits (the disk decides the largest buffer that fits)` });
    expect(pcapGb('ten')).toEqual({ ok: false, message: 'Enter a whole number of GB (0 disables packet capture)' });
  });
});

// Answers a script once gave differently (found by test/system/rules-agree.test.ts): both sides
// now give these.
describe('answers the console and the scripts once disagreed on', () => {
  it('a file name pattern is no host name (bash expanded `*` in the current directory)', () => {
    for (const h of ['*', 'a.*', '?lob', '[g]lob']) {
      expect(isHostname(h), h).toBe(false);
      expect(host(h).ok, h).toBe(false);
      expect(ntpServers(h).ok, h).toBe(false);
      expect(masterHost(h).ok, h).toBe(false);
    }
  });
  it('multicast is ff00::/8: ff::1 is 00ff::1, an address like any other', () => {
    for (const a of ['ff::1', 'f::1', 'FF::', 'ff:1::2', '0ff0::1']) {
      expect(isNowhere(a), a).toBe(false);
      expect(host(a), a).toEqual({ ok: true, value: a.toLowerCase() });
      expect(dnsServers(a), a).toEqual({ ok: true, value: a });
    }
    for (const a of ['ff00::', 'ff02::1', 'FF05::1:3', 'ff0e::1.2.3.4']) expect(isNowhere(a), a).toBe(true);
  });
  it('IPv6 is lower-cased like a host name (RFC 5952 §4.3), as the scripts write it', () => {
    expect(host('2001:DB8::A')).toEqual({ ok: true, value: '2001:db8::a' });
    expect(endpoint('[2001:DB8::A]:123')).toEqual({ ok: true, value: { host: '2001:db8::a', port: 123 } });
    expect(masterHost('2001:DB8::1')).toEqual({ ok: true, value: '2001:db8::1' });
    expect(ntpServers('2001:DB8::A 2001:db8::a')).toEqual({ ok: false, message: '"2001:db8::a" is listed twice' });
    expect(proxyAddress('[2001:DB8::1]:3128')).toEqual({ ok: true, value: '[2001:db8::1]:3128' });
  });
  it('the master in its canonical form: the port in plain decimal, [v6] without a port bare', () => {
    expect(masterHost('Master.Example.com:08443')).toEqual({ ok: true, value: 'master.example.com:8443' });
    expect(masterHost('[2001:DB8::1]:08443')).toEqual({ ok: true, value: '[2001:db8::1]:8443' });
    expect(masterHost('[2001:db8::1]')).toEqual({ ok: true, value: '2001:db8::1' });
  });
  it('a proxy: brackets hold IPv6 only, the port in plain decimal', () => {
    for (const a of ['[192.0.2.1]:3128', '[cafe]:3128', '[proxy.example]:3128']) {
      expect(proxyAddress(a).ok, a).toBe(false);
      expect(proxyUrl(`http://${a}`).ok, a).toBe(false);
    }
    expect(proxyAddress('Proxy.Example:03128')).toEqual({ ok: true, value: 'proxy.example:3128' });
    expect(proxyUrl('http://[2001:DB8::1]:03128')).toEqual({ ok: true, value: 'http://[2001:db8::1]:3128' });
  });
  it('the scheme of a proxy URL is case-insensitive (RFC 3986 §3.1)', () => {
    expect(proxyUrl('HTTP://proxy.example:3128')).toEqual({ ok: true, value: 'http://proxy.example:3128' });
    expect(proxyUrl('Http://proxy.example:3128/')).toEqual({ ok: true, value: 'http://proxy.example:3128' });
  });
  it("a Call-Home proxy's trailing / is the URL's empty path, as set_callhome.sh reads it", () => {
    expect(proxyAddress('proxy.example:3128/')).toEqual({ ok: true, value: 'proxy.example:3128' });
    expect(proxyAddress('proxy.example:3128//').ok).toBe(false);
    expect(proxyAddress('proxy.example/').ok).toBe(false);
  });
  it('a password is at most 256 bytes in UTF-8, what the script counts', () => {
    expect(password('x'.repeat(256)).ok).toBe(true);
    expect(password('x'.repeat(257)).ok).toBe(false);
    expect(password('é'.repeat(128)).ok).toBe(true);
    expect(password('é'.repeat(129))).toEqual({ ok: false, message: 'One line of printable characters, at most 256 bytes (an accented letter takes 2)' });
    expect(password('🙂'.repeat(65)).ok).toBe(false);
  });
  it('list fields are separated by ASCII white space and commas only, as set_network.sh splits them', () => {
    expect(dnsServers('192.0.2.53\t198.51.100.53,\v2001:db8::53')).toEqual({ ok: true, value: '192.0.2.53 198.51.100.53 2001:db8::53' });
    for (const sep of ['\u00a0', '\ufeff', '\u2028', '\x1c', '\x85']) {
      expect(dnsServers(`192.0.2.53${sep}198.51.100.53`).ok, JSON.stringify(sep)).toBe(false);
      expect(searchDomains(`corp.example${sep}lab.example`).ok, JSON.stringify(sep)).toBe(false);
      expect(ntpServers(`a.example${sep}b.example`).ok, JSON.stringify(sep)).toBe(false);
    }
  });
  it('a / goes with a prefix length only, as set_network.sh reads a mask', () => {
    expect(netmask('/24')).toEqual({ ok: true, value: '24' });
    for (const m of ['/255.255.255.0', '//24', '255.255.255.00']) expect(netmask(m).ok, m).toBe(false);
  });
  it('no DNS server in 0.0.0.0/8, "this network" (set_network.sh refused 0.0.0.0 only)', () => {
    for (const d of ['0.1.2.3', '0.0.0.1', '0.255.255.255']) expect(dnsServers(d).ok, d).toBe(false);
    expect(dnsServers('1.0.0.1')).toEqual({ ok: true, value: '1.0.0.1' });
  });
  it('a leading zero is refused in a dotted quad only: in an IPv6 group it is plain hex', () => {
    for (const d of ['0123::1', '1:0db8::1', '2001:db8::0001']) expect(dnsServers(d), d).toEqual({ ok: true, value: d });
    for (const d of ['01.2.3.4', '1.2.3.04', '::ffff:1.2.3.04']) expect(dnsServers(d).ok, d).toBe(false);
  });
  it('search domains in lower case (set_network.sh wrote them as typed)', () => {
    expect(searchDomains('Corp.EXAMPLE, Lab.example.')).toEqual({ ok: true, value: 'corp.example lab.example.' });
  });
  it('white space inside a list word or after http:// is no part of a server', () => {
    for (const w of ['\u00a0ntp.example', 'ntp.example\ufeff', '192.0.2.1:123\u2028']) expect(ntpServers(w).ok, JSON.stringify(w)).toBe(false);
    for (const u of ['http://\nproxy.example:3128', 'http://\ufeffproxy.example:3128', 'http:// proxy.example:3128']) expect(proxyUrl(u).ok, JSON.stringify(u)).toBe(false);
    expect(masterHost(' Master.Example ')).toEqual({ ok: true, value: 'master.example' });
    expect(proxyUrl(' http://proxy.example:3128 ')).toEqual({ ok: true, value: 'http://proxy.example:3128' });
  });
});
