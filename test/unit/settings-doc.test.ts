// The settings document's checks (issue 15), pure: a generated corpus of invalid documents is
// refused whole with the key path of each error; the diff masks secrets.
import { describe, expect, it } from 'vitest';
import { settingsAreas } from '../../src/features/settings.js';
import { createHash } from 'node:crypto';
import { describeSecret } from '../../src/settings/area.js';

const KEY = 'a3f1e2d4c5b6a7980112233445566778899aabbccddeeff00112233445566778';
import { checkDocument, diffArea, FORMAT, keptSecretWarnings, VERSION } from '../../src/settings/document.js';

const appliance = {
  format: FORMAT,
  version: VERSION,
  profile: 'appliance',
  areas: {
    ntp: { servers: ['192.0.2.1', 'pool:pool.example.org'] },
    callhome: {
      enabled: true,
      host: 'support.example.com',
      port: '443',
      ssl: true,
      proxy: 'http://192.0.2.8:3128',
      user: 'autossh',
      proxy_user: 'ops',
      proxy_password: 'secret pass',
      partner: { enabled: true, host: 'partner.example.net', port: '2222' },
    },
    topology: { role: 'probe', master: { mode: 'push-token', host: '192.0.2.50', proxy: 'http://192.0.2.8:3128', token: 'Label1:Secret0123456789' }, retain_search: false },
    updates: { key: 'Upd8Key-0123456789', proxy: 'http://192.0.2.8:3128', proxy_user: 'ops', proxy_password: 'pass-1' },
    network: {
      interfaces: {
        eth0: { kind: 'ethernet', mode: 'static', address: '10.0.0.2', prefix: 24, gateway: '10.0.0.1', dns: ['10.0.0.1'], search: ['lab.example'], address6: '2001:db8::2/64', gateway6: 'fe80::1' },
        eth1: { kind: 'ethernet', mode: 'capture', address: null, prefix: null, gateway: null, dns: [], search: [], address6: null, gateway6: null },
        bond0: { kind: 'bond', mode: 'dhcp', address: null, prefix: null, gateway: null, dns: [], search: [], address6: null, gateway6: null, bond: { members: ['eth2', 'eth3'], mode: 'active-backup' } },
        vlan10: { kind: 'vlan', mode: 'static', address: '192.0.2.50', prefix: 24, gateway: null, dns: [], search: [], address6: null, gateway6: null, vlan: { link: 'eth0', id: 10 } },
      },
    },
  },
};
const vsensor = { format: FORMAT, version: VERSION, profile: 'vsensor', areas: { ntp: { servers: ['192.0.2.1'] }, master: { mode: 'pull', token: 'Pullpullpull0123456789' }, ossensor: { hmac_key: 'Abcdefghij0123456789' }, pcap: { size_gb: 4 }, updates: { key: null, proxy: '', proxy_user: '' }, keyboard: { layout: 'de' } } };

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const paths = (doc: unknown, profile: 'appliance' | 'vsensor') => {
  const r = checkDocument(doc, settingsAreas, profile);
  return r.ok ? undefined : r.errors.map((e) => e.path);
};

/** Every leaf (and object) of a document by key path. */
function* nodes(v: unknown, path: (string | number)[] = []): Generator<(string | number)[]> {
  if (v !== null && typeof v === 'object') {
    if (path.length > 0) yield path;
    for (const [k, x] of Object.entries(v)) yield* nodes(x, [...path, Array.isArray(v) ? Number(k) : k]);
  } else yield path;
}
const setAt = (doc: unknown, path: (string | number)[], value: unknown) => {
  const d = clone(doc) as Record<string | number, unknown>;
  let o = d;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path.at(-1)!] = value;
  return d;
};

describe('the settings document', () => {
  it('accepts the good documents of both consoles, in apply order', () => {
    const a = checkDocument(appliance, settingsAreas, 'appliance');
    expect(a.ok && [...a.areas.keys()]).toEqual(['ntp', 'callhome', 'topology', 'updates', 'network']);
    const v = checkDocument(vsensor, settingsAreas, 'vsensor');
    expect(v.ok && [...v.areas.keys()]).toEqual(['ntp', 'master', 'ossensor', 'pcap', 'updates', 'keyboard']);
    // canonical forms: what set_ntp.sh stores, so that what is in place compares equal
    const n = checkDocument({ ...vsensor, areas: { ntp: { servers: ['192.0.2.1', 'POOL:pool.example.org'] } } }, settingsAreas, 'vsensor');
    expect(n.ok && n.areas.get('ntp')).toEqual({ servers: ['192.0.2.1', 'pool:pool.example.org'] });
  });

  it('refuses every leaf of the wrong type, at its own key path (generated corpus)', () => {
    let cases = 0;
    for (const [good, profile] of [
      [appliance, 'appliance'],
      [vsensor, 'vsensor'],
    ] as const) {
      for (const path of nodes(good)) {
        if (path[0] === 'profile') continue; // its own case below
        for (const wrong of [null, 12345, true, ['x'], { x: 1 }, '']) {
          const cur = path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], good);
          if (Array.isArray(cur) === Array.isArray(wrong) && typeof cur === typeof wrong && wrong !== '' && cur !== null) continue;
          if (wrong === '' && (typeof cur !== 'string' || /(proxy_user|master\.proxy|updates\.proxy|keyboard\.layout)$/.test(path.join('.')) || path.join('.') === 'areas.callhome.host')) continue; // "" is a valid value there
          if (wrong === null && (cur === null || /(updates\.key|\.gateway|\.address6|\.gateway6)$/.test(path.join('.')))) continue; // null is a valid value there
          const got = paths(setAt(good, path, wrong), profile);
          const where = path.join('.');
          expect(got, `${where} = ${JSON.stringify(wrong)}`).toBeDefined();
          // the error is at the key or inside it (an object replaced by another names its keys)
          expect(
            got!.some((p) => p === where || p.startsWith(`${where}.`) || where.startsWith(`${p}.`) || (where === 'format' && p === 'format')),
            `${where} = ${JSON.stringify(wrong)}: ${got!.join(', ')}`,
          ).toBe(true);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(100);
  });

  it('refuses an unknown key at every level, naming that level', () => {
    for (const [good, profile] of [
      [appliance, 'appliance'],
      [vsensor, 'vsensor'],
    ] as const) {
      for (const path of [...nodes(good)].filter((p) => {
        const v = p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], good);
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      })) {
        const got = paths(setAt(good, [...path, 'surplus_key'], 1), profile);
        const where = path.join('.');
        expect(got, where).toBeDefined();
        if (where === 'areas') expect(got).toContain('areas.surplus_key');
        else expect(got!.some((p) => p === where || p.startsWith(where)), `${where}: ${got!.join(', ')}`).toBe(true);
      }
      expect(paths({ ...good, surplus: 1 }, profile)).toEqual(['surplus']);
    }
  });

  const ch = appliance.areas.callhome;
  const cases: [string, unknown, 'appliance' | 'vsensor', string][] = [
    ['another format', { ...appliance, format: 'other' }, 'appliance', 'format'],
    ['a newer version', { ...appliance, version: 2 }, 'appliance', 'version'],
    ['no format at all', { version: 1, areas: {} }, 'appliance', 'format'],
    ['not an object', ['a'], 'appliance', '(document)'],
    ['a vSensor document on an appliance', vsensor, 'appliance', 'profile'],
    ['an appliance document on a vSensor', appliance, 'vsensor', 'profile'],
    ['PCAP on an appliance', { ...appliance, areas: { pcap: { size_gb: 1 } } }, 'appliance', 'areas.pcap'],
    ['Call-Home on a vSensor', { ...vsensor, areas: { callhome: ch } }, 'vsensor', 'areas.callhome'],
    ['an unknown area', { ...appliance, areas: { wifi: {} } }, 'appliance', 'areas.wifi'],
    ['no NTP server', { ...appliance, areas: { ntp: { servers: [] } } }, 'appliance', 'areas.ntp.servers'],
    ['nine NTP servers', { ...appliance, areas: { ntp: { servers: Array.from({ length: 9 }, (_, i) => `192.0.2.${i + 1}`) } } }, 'appliance', 'areas.ntp.servers'],
    ['a bad NTP server', { ...appliance, areas: { ntp: { servers: ['192.0.2.1', 'bad host!'] } } }, 'appliance', 'areas.ntp.servers.1'],
    ['an option as a server', { ...appliance, areas: { ntp: { servers: ['-v'] } } }, 'appliance', 'areas.ntp.servers.0'],
    ['two servers in one entry', { ...appliance, areas: { ntp: { servers: ['192.0.2.1 192.0.2.2'] } } }, 'appliance', 'areas.ntp.servers.0'],
    ['a server twice', { ...appliance, areas: { ntp: { servers: ['192.0.2.1', '192.0.2.1'] } } }, 'appliance', 'areas.ntp.servers'],
    ['a pool of an address', { ...appliance, areas: { ntp: { servers: ['pool:192.0.2.1'] } } }, 'appliance', 'areas.ntp.servers.0'],
    ['port 8022', { ...appliance, areas: { callhome: { ...ch, port: '8022' } } }, 'appliance', 'areas.callhome.port'],
    ['SSL on port 22', { ...appliance, areas: { callhome: { ...ch, port: '22', ssl: true } } }, 'appliance', 'areas.callhome.ssl'],
    ['an FTP proxy', { ...appliance, areas: { callhome: { ...ch, proxy: 'ftp://192.0.2.1:21' } } }, 'appliance', 'areas.callhome.proxy'],
    ['a proxy without port', { ...appliance, areas: { callhome: { ...ch, proxy: 'http://proxy.example.com' } } }, 'appliance', 'areas.callhome.proxy'],
    ['a proxy user with SOCKS', { ...appliance, areas: { callhome: { ...ch, proxy: 'socks5://192.0.2.8:1080' } } }, 'appliance', 'areas.callhome.proxy_user'],
    ['a proxy user without password', { ...appliance, areas: { callhome: { ...ch, proxy_password: undefined } } }, 'appliance', 'areas.callhome.proxy_password'],
    ['a proxy user beginning with -', { ...appliance, areas: { callhome: { ...ch, proxy_user: '-x' } } }, 'appliance', 'areas.callhome.proxy_user'],
    ['a password on two lines', { ...appliance, areas: { callhome: { ...ch, proxy_password: 'a\nb' } } }, 'appliance', 'areas.callhome.proxy_password'],
    ['a forged secret description', { ...appliance, areas: { callhome: { ...ch, proxy_password: { secret: 'omitted', length: 3 } } } }, 'appliance', 'areas.callhome.proxy_password'],
    ['a partner port of 70000', { ...appliance, areas: { callhome: { ...ch, partner: { enabled: true, host: 'p.example.com', port: '70000' } } } }, 'appliance', 'areas.callhome.partner.port'],
    ['a partner without host', { ...appliance, areas: { callhome: { ...ch, partner: { enabled: true, port: '22' } } } }, 'appliance', 'areas.callhome.partner.host'],
    ['a disabled partner with a host', { ...appliance, areas: { callhome: { ...ch, partner: { enabled: false, host: 'p.example.com' } } } }, 'appliance', 'areas.callhome.partner.host'],
    ['a Call-Home host with a space', { ...appliance, areas: { callhome: { ...ch, host: 'a b' } } }, 'appliance', 'areas.callhome.host'],
    ['Call-Home enabled without host', { ...appliance, areas: { callhome: { ...ch, host: '' } } }, 'appliance', 'areas.callhome.host'],
    ['a login with a capital', { ...appliance, areas: { callhome: { ...ch, user: 'Root' } } }, 'appliance', 'areas.callhome.user'],
    ['a short osSensor key', { ...vsensor, areas: { ossensor: { hmac_key: 'abc' } } }, 'vsensor', 'areas.ossensor.hmac_key'],
    ['an osSensor key with a symbol', { ...vsensor, areas: { ossensor: { hmac_key: 'abcdef-ghij' } } }, 'vsensor', 'areas.ossensor.hmac_key'],
    ['a negative PCAP size', { ...vsensor, areas: { pcap: { size_gb: -1 } } }, 'vsensor', 'areas.pcap.size_gb'],
    ['a master connection removed', { ...vsensor, areas: { master: { mode: 'carrier-pigeon' } } }, 'vsensor', 'areas.master.mode'],
    ['a pull token too short', { ...vsensor, areas: { master: { mode: 'pull', token: 'abc' } } }, 'vsensor', 'areas.master.token'],
    ['a push token without label', { ...vsensor, areas: { master: { mode: 'push-token', host: '192.0.2.5', proxy: '', token: 'nolabel' } } }, 'vsensor', 'areas.master.token'],
    ['a master given as a URL', { ...vsensor, areas: { master: { mode: 'push', host: 'https://master.example.com' } } }, 'vsensor', 'areas.master.host'],
    ['a pull vSensor with a host', { ...vsensor, areas: { master: { mode: 'pull', host: '192.0.2.5', token: 'Pullpullpull0123456789' } } }, 'vsensor', 'areas.master.host'],
    ['a probe without master', { ...appliance, areas: { topology: { role: 'probe', retain_search: true } } }, 'appliance', 'areas.topology.master'],
    ['a probe whose proxy has a login', { ...appliance, areas: { topology: { role: 'probe', master: { mode: 'push-token', host: 'm.example.com', proxy: 'http://u:p@192.0.2.8:3128', token: 'L:Secret0123456789' }, retain_search: true } } }, 'appliance', 'areas.topology.master.proxy'],
    ['a master with a master connection', { ...appliance, areas: { topology: { role: 'master', master: { mode: 'push', host: 'm.example.com' } } } }, 'appliance', 'areas.topology.master'],
    ['Advanced Search as a word', { ...appliance, areas: { topology: { role: 'probe', master: { mode: 'push', host: 'm.example.com' }, retain_search: 'no' } } }, 'appliance', 'areas.topology.retain_search'],
    ['a server with a space', { ...appliance, areas: { ntp: { servers: ['bad host!'] } } }, 'appliance', 'areas.ntp.servers.0'],
    ['an update key with a space', { ...vsensor, areas: { updates: { key: 'a b c d e f g h', proxy: '', proxy_user: '' } } }, 'vsensor', 'areas.updates.key'],
    ['an FTP proxy for updates', { ...vsensor, areas: { updates: { key: null, proxy: 'ftp://192.0.2.8:21', proxy_user: '' } } }, 'vsensor', 'areas.updates.proxy'],
    ['a proxy user for updates without proxy', { ...vsensor, areas: { updates: { key: null, proxy: '', proxy_user: 'ops', proxy_password: 'x1' } } }, 'vsensor', 'areas.updates.proxy_user'],
    ['a keyboard layout with a space', { ...vsensor, areas: { keyboard: { layout: 'us intl' } } }, 'vsensor', 'areas.keyboard.layout'],
    ['a keyboard on an appliance', { ...appliance, areas: { keyboard: { layout: 'us' } } }, 'appliance', 'areas.keyboard'],
    ['an interface name with a space', { ...appliance, areas: { network: { interfaces: { 'eth 0': appliance.areas.network.interfaces.eth1 } } } }, 'appliance', 'areas.network.interfaces.eth 0'],
    ['a static address of 300', { ...appliance, areas: { network: { interfaces: { eth0: { ...appliance.areas.network.interfaces.eth0, address: '10.0.0.300' } } } } }, 'appliance', 'areas.network.interfaces.eth0.address'],
    ['a static address without prefix', { ...appliance, areas: { network: { interfaces: { eth0: { ...appliance.areas.network.interfaces.eth0, prefix: null } } } } }, 'appliance', 'areas.network.interfaces.eth0.prefix'],
    ['a prefix of 33', { ...appliance, areas: { network: { interfaces: { eth0: { ...appliance.areas.network.interfaces.eth0, prefix: 33 } } } } }, 'appliance', 'areas.network.interfaces.eth0.prefix'],
    ['the network address as the address', { ...appliance, areas: { network: { interfaces: { eth0: { ...appliance.areas.network.interfaces.eth0, address: '10.0.0.0' } } } } }, 'appliance', 'areas.network.interfaces.eth0.address'],
    ['four DNS servers', { ...appliance, areas: { network: { interfaces: { eth0: { ...appliance.areas.network.interfaces.eth0, dns: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'] } } } } }, 'appliance', 'areas.network.interfaces.eth0.dns'],
    ['a gateway on DHCP', { ...appliance, areas: { network: { interfaces: { eth1: { ...appliance.areas.network.interfaces.eth1, mode: 'dhcp', gateway: '10.0.0.1' } } } } }, 'appliance', 'areas.network.interfaces.eth1.gateway'],
    ['an IPv6 gateway off the link', { ...appliance, areas: { network: { interfaces: { eth0: { ...appliance.areas.network.interfaces.eth0, gateway6: '2001:db9::1' } } } } }, 'appliance', 'areas.network.interfaces.eth0.gateway6'],
    ['a bond of an unknown mode', { ...appliance, areas: { network: { interfaces: { bond0: { ...appliance.areas.network.interfaces.bond0, bond: { members: ['eth2'], mode: 'fastest' } } } } } }, 'appliance', 'areas.network.interfaces.bond0.bond.mode'],
    ['a bond without members', { ...appliance, areas: { network: { interfaces: { bond0: { ...appliance.areas.network.interfaces.bond0, bond: { members: [], mode: 'active-backup' } } } } } }, 'appliance', 'areas.network.interfaces.bond0.bond.members'],
    ['a VLAN id of 4095', { ...appliance, areas: { network: { interfaces: { vlan10: { ...appliance.areas.network.interfaces.vlan10, vlan: { link: 'eth0', id: 4095 } } } } } }, 'appliance', 'areas.network.interfaces.vlan10.vlan.id'],
    ['an Ethernet port with VLAN settings', { ...appliance, areas: { network: { interfaces: { eth1: { ...appliance.areas.network.interfaces.eth1, vlan: { link: 'eth0', id: 5 } } } } } }, 'appliance', 'areas.network.interfaces.eth1.vlan'],
    ['a mode of wifi', { ...appliance, areas: { network: { interfaces: { eth1: { ...appliance.areas.network.interfaces.eth1, mode: 'wifi' } } } } }, 'appliance', 'areas.network.interfaces.eth1.mode'],
    ['a fractional PCAP size', { ...vsensor, areas: { pcap: { size_gb: 1.5 } } }, 'vsensor', 'areas.pcap.size_gb'],
    ['a PCAP size of 7 digits', { ...vsensor, areas: { pcap: { size_gb: 1234567 } } }, 'vsensor', 'areas.pcap.size_gb'],
  ];
  it.each(cases)('refuses %s, naming the key path', (_what, doc, profile, path) => {
    expect(paths(doc, profile)).toContain(path);
  });

  it("says every error in an operator's words (the rule's own message or what the key must hold), never zod's", () => {
    const docs: [unknown, 'appliance' | 'vsensor'][] = cases.map(([, doc, profile]) => [doc, profile]);
    for (const [good, profile] of [
      [appliance, 'appliance'],
      [vsensor, 'vsensor'],
    ] as const) {
      for (const path of nodes(good)) for (const wrong of [null, 12345, true, ['x'], { x: 1 }, 'bad host!', undefined]) docs.push([setAt(good, path, wrong), profile]);
    }
    let n = 0;
    for (const [doc, profile] of docs) {
      const r = checkDocument(doc, settingsAreas, profile);
      if (r.ok) continue;
      for (const e of r.errors) {
        n++;
        expect(e.message, `${e.path}: ${e.message}`).not.toMatch(/^(Invalid|Too (small|big)|Unrecognized key|Expected)\b|expected \w+, received/);
        expect(e.message.length, e.path).toBeGreaterThan(5);
        expect(e.path, e.message).not.toBe('');
      }
    }
    expect(n).toBeGreaterThan(300);
  });

  it('says what a key must hold and what it was given', () => {
    const said = (doc: unknown, profile: 'appliance' | 'vsensor') => {
      const r = checkDocument(doc, settingsAreas, profile);
      return r.ok ? {} : Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
    };
    expect(said({ ...appliance, version: 2 }, 'appliance')).toEqual({ version: 'must be 1, not the number 2' });
    expect(said({ ...appliance, areas: { callhome: { ...ch, enabled: 'yes' } } }, 'appliance')).toEqual({ 'areas.callhome.enabled': 'must be true or false, not the text "yes"' });
    expect(said({ ...appliance, areas: { topology: { role: 'slave' } } }, 'appliance')).toEqual({ 'areas.topology.role': 'must be one of "master", "probe", not the text "slave"' });
    expect(said({ ...appliance, areas: { ntp: { servers: ['bad host!'] } } }, 'appliance')).toEqual({ 'areas.ntp.servers.0': '"bad host!": one server per entry, and a server has no spaces' });
    expect(said({ ...appliance, areas: { ntp: { servers: ['192.0.2.1'], sever: 1 } } }, 'appliance')).toEqual({ 'areas.ntp.sever': 'not a setting here (misspelt, or of another version of the console)' });
    expect(said({ ...vsensor, areas: { pcap: {} } }, 'vsensor')['areas.pcap.size_gb']).toMatch(/^missing: it must be given \(a number\)/);
    expect(said({ ...vsensor, areas: { ossensor: { hmac_key: 5 } } }, 'vsensor')['areas.ossensor.hmac_key']).toMatch(/the secret as text, or the description an export gives/);
  });

  it('collects every error of a document, not only the first', () => {
    const doc = { ...appliance, areas: { ntp: { servers: ['bad!'] }, callhome: { ...ch, port: '1', user: 'X' } } };
    expect(paths(doc, 'appliance')!.sort()).toEqual(['areas.callhome.port', 'areas.callhome.user', 'areas.ntp.servers.0']);
  });

  it('says a change old -> new, a secret only as **** and only when its value differs', () => {
    const have = { ...ch, partner: { enabled: false } };
    expect(diffArea(have, { ...have }, ['proxy_password'])).toEqual([]);
    expect(diffArea(have, { ...have, proxy_password: describeSecret('whatever', KEY) }, ['proxy_password'])).toEqual([]);
    expect(diffArea(have, { ...have, proxy_password: 'new pass' }, ['proxy_password'])).toEqual([{ path: 'proxy_password', old: '****', new: '**** (new)' }]);
    expect(diffArea({ ...have, proxy_password: undefined }, { ...have, proxy_password: 'p' }, ['proxy_password'])).toEqual([{ path: 'proxy_password', old: '(none)', new: '**** (new)' }]);
    const d = diffArea(have, { ...have, port: '22', ssl: false, partner: { enabled: true, host: 'p.example.net', port: '22' } }, ['proxy_password']);
    expect(d).toEqual([
      { path: 'port', old: '443', new: '22' },
      { path: 'ssl', old: 'true', new: 'false' },
      { path: 'partner.enabled', old: 'false', new: 'true' },
      { path: 'partner.host', old: '(none)', new: 'p.example.net' },
      { path: 'partner.port', old: '(none)', new: '22' },
    ]);
    // what a value holds is said escaped: a control character is shown, never obeyed
    expect(diffArea({ servers: ['a'] }, { servers: ['b\u001b[2J'] })[0]!.new).not.toContain('\u001b');
  });

  it('warns when a described secret is not the one in place (it is kept), never showing either', () => {
    const have = { hmac_key: 'TheKeyInPlace0123456789' };
    expect(keptSecretWarnings(have, { hmac_key: describeSecret('TheKeyInPlace0123456789', KEY) }, ['hmac_key'], KEY)).toEqual([]);
    const w = keptSecretWarnings(have, { hmac_key: describeSecret('AnotherKey0123456789', KEY) }, ['hmac_key'], KEY);
    expect(w).toHaveLength(1);
    expect(w[0]!.path).toBe('hmac_key');
    expect(JSON.stringify(w)).not.toMatch(/TheKeyInPlace|AnotherKey/);
    // a value (not a description) is a change, said by the diff instead; nothing in place: nothing to warn of
    expect(keptSecretWarnings(have, { hmac_key: 'AnotherKey0123456789' }, ['hmac_key'], KEY)).toEqual([]);
    expect(keptSecretWarnings({}, { hmac_key: describeSecret('x', KEY) }, ['hmac_key'], KEY)).toEqual([]);
    // another appliance's description (another key) of the same secret is not taken for it
    expect(keptSecretWarnings(have, { hmac_key: describeSecret('TheKeyInPlace0123456789', 'another appliance') }, ['hmac_key'], KEY)).toHaveLength(1);
    // a document exported before the keyed fingerprint (an unsalted sha256 prefix) still compares
    const legacy = { secret: 'omitted', length: 23, sha256: createHash('sha256').update('TheKeyInPlace0123456789').digest('hex').slice(0, 8) };
    expect(keptSecretWarnings(have, { hmac_key: legacy }, ['hmac_key'], KEY)).toEqual([]);
    expect(keptSecretWarnings(have, { hmac_key: { ...legacy, sha256: '00000000' } }, ['hmac_key'], KEY)).toHaveLength(1);
  });

  it('a secret is described by its length and a keyed fingerprint: short secrets cannot be found from it without the key', () => {
    // the review's example: a 6-character token and a 2-character password; and a 5-character one
    for (const v of ['abc123', 'pw', 'x9Y8z']) {
      const d = describeSecret(v, KEY);
      expect(d).toEqual({ secret: 'omitted', length: v.length, hmac: expect.stringMatching(/^[0-9a-f]{8}$/) });
      expect(JSON.stringify(d)).not.toContain(createHash('sha256').update(v).digest('hex').slice(0, 8));
      expect(describeSecret(v, 'another key').hmac).not.toBe(d.hmac);
    }
  });
});
