import { describe, expect, it } from 'vitest';
import { isHostname, isIPv4, isIPv6, ntpServers, parseNtpServer } from '../../src/validators.js';

describe('address validators', () => {
  it.each(['0.0.0.0', '192.0.2.1', '255.255.255.255', '10.0.0.2'])('IPv4 %s is valid', (a) => expect(isIPv4(a)).toBe(true));
  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1..2.3', '', 'a.b.c.d', '1.2.3.4 '])('IPv4 %j is invalid', (a) => expect(isIPv4(a)).toBe(false));
  it.each(['::', '::1', '2001:db8::1', 'fe80::1:2:3:4', '1:2:3:4:5:6:7:8', '::ffff:192.0.2.1', '2001:DB8:0:0:8:800:200C:417A'])('IPv6 %s is valid', (a) =>
    expect(isIPv6(a)).toBe(true),
  );
  it.each([':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::1', 'g::1', '1:2:3:4:5:6:7', ':1:2:3:4:5:6:7', '::1.2.3'])('IPv6 %j is invalid', (a) =>
    expect(isIPv6(a)).toBe(false),
  );
  it.each(['ntp.ubuntu.com', 'a', 'x-1.example.org', 'example.org.', '0.pool.ntp.org'])('host %s is valid', (h) => expect(isHostname(h)).toBe(true));
  it.each(['-a.com', 'a-.com', 'a..b', 'a_b.com', '1.2.3.4', 'a'.repeat(64) + '.com', '', 'exa mple.com'])('host %j is invalid', (h) =>
    expect(isHostname(h)).toBe(false),
  );
});

describe('NTP servers field', () => {
  it('accepts hosts, IPv4, IPv6 and ports, separated by spaces', () => {
    expect(ntpServers(' pool.ntp.org  192.0.2.1 2001:db8::1 ntp.example.org:1123 [::1]:11123 ')).toEqual({
      ok: true,
      value: ['pool.ntp.org', '192.0.2.1', '2001:db8::1', 'ntp.example.org:1123', '[::1]:11123'],
    });
  });
  it('lower-cases host names and finds repeats after that', () => {
    const r = ntpServers('NTP.Example.org ntp.example.org');
    expect(r).toEqual({ ok: false, message: '"ntp.example.org" is listed twice' });
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
  it('parses [v6]:port and rejects a bare v6 with a port-like tail as plain v6', () => {
    expect(parseNtpServer('[2001:db8::5]:123')).toEqual({ ok: true, value: { host: '2001:db8::5', port: 123 } });
    expect(parseNtpServer('2001:db8::123')).toEqual({ ok: true, value: { host: '2001:db8::123' } });
    expect(parseNtpServer('[not-v6]:123').ok).toBe(false);
  });
});
