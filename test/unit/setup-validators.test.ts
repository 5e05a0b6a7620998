import { describe, expect, it } from 'vitest';
import { hmacToken, hostOnly, masterHost, pcapGb, proxyUrl, pushToken } from '../../src/validators.js';
import { validateFields } from '../../src/flow/model.js';
import { fillText as fill } from '../../src/flow/model.js';
import { describeMaster, masterState } from '../../src/actions/master.js';
import { describePcap } from '../../src/actions/pcap.js';
import { parseSettings } from '../../src/system/settings.js';

describe('push token', () => {
  it('accepts label:secret as the master shows it', () => {
    expect(pushToken(' NewLabelMarch:K7GHXWxHCMn2y8zr ')).toEqual({ ok: true, value: 'NewLabelMarch:K7GHXWxHCMn2y8zr' });
    expect(pushToken('site-1.a_b:abc+/=_-12').ok).toBe(true);
  });
  it.each([
    ['', /Enter the push token/],
    ['K7GHXWxHCMn2y8zr', /label:secret/],
    [':K7GHXWxHCMn2y8zr', /label before ':'/],
    ['my label:K7GHXWxHCMn2y8zr', /label before ':'/],
    ['lab:short', /secret after ':'/],
    ['lab:has space inside', /secret after ':'/],
    ['lab:semi;colon12', /secret after ':'/],
  ])('refuses %j', (t, msg) => {
    const r = pushToken(t);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(msg);
  });
});

describe('HMAC tokens, hosts, proxies, PCAP size', () => {
  it('HMAC: 5-63 alphanumerics, a warning below 20', () => {
    expect(hmacToken('abc12')).toEqual({ ok: true, value: 'abc12', warning: '5 characters: 20 or more are recommended' });
    expect(hmacToken('a'.repeat(20))).toEqual({ ok: true, value: 'a'.repeat(20) });
    for (const bad of ['abcd', 'a'.repeat(64), 'abc de', 'abc-def', '']) expect(hmacToken(bad).ok).toBe(false);
  });
  it('master host: name, IP, with a port', () => {
    expect(masterHost('Master.Example.com')).toEqual({ ok: true, value: 'master.example.com' });
    expect(masterHost('[2001:db8::1]:8443')).toEqual({ ok: true, value: '[2001:db8::1]:8443' });
    expect(masterHost('bad_host').ok).toBe(false);
    expect(masterHost('')).toEqual({ ok: false, message: "Enter the master's IP address or host name" });
    expect(masterHost('https://master.example.com')).toEqual({ ok: false, message: 'Enter the host name or IP address only, without https:// (the connection is always HTTPS)' });
  });
  it('hosts and servers nothing answers at are refused: unspecified, broadcast, multicast', () => {
    for (const h of ['0.0.0.0', '255.255.255.255', '224.0.0.1', '::', 'ff02::1'])
      expect(hostOnly(h), h).toEqual({ ok: false, message: `"${h}" is not a server address (unspecified, broadcast or multicast)` });
    expect(masterHost('0.0.0.0').ok).toBe(false);
    expect(hostOnly('192.0.2.1')).toEqual({ ok: true, value: '192.0.2.1' });
  });
  it('proxy: optional http://HOST:PORT, no credentials, no other scheme', () => {
    expect(proxyUrl('')).toEqual({ ok: true, value: '' });
    expect(proxyUrl('proxy.example:3128')).toEqual({ ok: true, value: 'http://proxy.example:3128' });
    expect(proxyUrl('http://10.1.2.3:8080/')).toEqual({ ok: true, value: 'http://10.1.2.3:8080' });
    expect(proxyUrl('http://u:p@proxy:3128')).toMatchObject({ ok: false, message: expect.stringMatching(/credentials/) });
    expect(proxyUrl('socks5://proxy:1080')).toMatchObject({ ok: false, message: expect.stringMatching(/HTTP proxy/) });
    expect(proxyUrl('http://proxy')).toMatchObject({ ok: false });
  });
  it('PCAP size: whole GB, 0 disables', () => {
    expect(pcapGb(' 016 ')).toEqual({ ok: true, value: '16' });
    expect(pcapGb('0')).toEqual({ ok: true, value: '0' });
    for (const bad of ['-1', '1.5', 'ten', '', '1234567']) expect(pcapGb(bad).ok).toBe(false);
  });
});

describe('flow helpers for setup', () => {
  const fields = [
    { name: 'token', label: 'Token', validator: 'hmac', masked: true, help: 'The token.' },
    { name: 'token2', label: 'Again', validator: 'hmac', masked: true, same: 'token', help: 'Again.' },
  ];
  it('a secret typed twice must match; warnings are collected', () => {
    expect(validateFields(fields, { token: 'abcdef', token2: 'abcdeg' })).toEqual({ ok: false, errors: { token2: 'The two entries differ: type the same value twice' } });
    expect(validateFields(fields, { token: 'abcdef', token2: 'abcdef' })).toEqual({
      ok: true,
      values: { token: 'abcdef', token2: 'abcdef' },
      warnings: ['Token: 6 characters: 20 or more are recommended'],
    });
  });
  it('fills entered values into a question', () => {
    expect(fill('Do you want to test the connection to https://{host}?', { host: 'm.example' })).toBe('Do you want to test the connection to https://m.example?');
    expect(fill('{missing} stays', {})).toBe('{missing} stays');
  });
  it('describes the master connection and PCAP state without secrets', () => {
    const s = parseSettings('[master]\nmode = "push-token"\nhost = "m.example"\nproxy = ""\ntoken_label = "Lab"\n');
    expect(describeMaster(masterState(s))).toBe('Current mode: Push Token\nPush Token: Lab:****\nDCIP master: https://m.example');
    expect(describeMaster(masterState(parseSettings('')))).toMatch(/No master connection/);
    expect(describePcap(16)).toMatch(/enabled: 16 GB/);
    expect(describePcap(0)).toBe('Packet capture is disabled.');
  });
});

describe('choice fields and fields asked only when another has a value', () => {
  const fields = [
    { name: 'mode', label: 'Address', validator: 'choice', choices: [{ value: 'static', label: 'Static' }, { value: 'dhcp', label: 'DHCP' }], help: 'Static or DHCP.' },
    { name: 'host', label: 'Host', validator: 'hostname', when: { field: 'mode', is: ['static'] }, help: 'The host.' },
  ];
  it('a field not in play is neither checked nor kept', () => {
    expect(validateFields(fields, { mode: 'dhcp', host: 'not a host!' })).toEqual({ ok: true, values: { mode: 'dhcp' }, warnings: [] });
    expect(validateFields(fields, { mode: 'static', host: 'not a host!' })).toMatchObject({ ok: false, errors: { host: expect.any(String) } });
    expect(validateFields(fields, { mode: 'static', host: 'H.example' })).toEqual({ ok: true, values: { mode: 'static', host: 'h.example' }, warnings: [] });
  });
  it('a choice must be one of its values', () => {
    expect(validateFields(fields, { mode: 'bogus' })).toEqual({ ok: false, errors: { mode: 'Choose one of: Static, DHCP' } });
  });
  it('fieldActive follows chains of conditions', async () => {
    const { fieldActive } = await import('../../src/flow/model.js');
    const chain = [...fields, { name: 'gw', label: 'Gateway', validator: 'hostname', when: { field: 'host', is: ['h.example'] }, help: 'The gateway.' }];
    expect(fieldActive(chain, { mode: 'static', host: 'h.example' }, 'gw')).toBe(true);
    expect(fieldActive(chain, { mode: 'dhcp', host: 'h.example' }, 'gw')).toBe(false);
  });
});
