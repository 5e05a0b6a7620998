// A refusal names its field: every script's refusal of a value (exit 2) prints
// {"ok":false,"code":2,"error":MESSAGE,"field":FIELD}, FIELD being the option the value came
// from without its dashes (the console puts the message under that field). The real scripts,
// on a demo root; a refusal writes nothing. Wrong usage (unknown option, a missing argument)
// is field "usage".
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { makeRoot, removeRoots, runScriptInput, treeSnapshot } from './helpers.js';

const why = missing('system: refusals name their field', ['bash', 'awk', 'flock']);

afterAll(() => removeRoots());

const TOKEN = 'lab:Abcdefgh12345678\n';
const HMAC = 'Abcdefghij0123456789\n';

// [script, args, stdin, field]. (A secret given as an argument, the manual's older form, is
// accepted with a warning since the secrets work: test/system/master.test.ts.)
const cases: [string, string[], string | undefined, string][] = [
  ['set_ntp.sh', [], undefined, 'servers'],
  ['set_ntp.sh', ['bad..host'], undefined, 'servers'],
  ['test_ntp.sh', ['--timeout', '0', '127.0.0.1'], undefined, 'timeout'],
  ['test_ntp.sh', ['ntp.example.org:0'], undefined, 'servers'],
  ['set_pcap.sh', ['5GB'], undefined, 'gb'],
  ['set_pcap.sh', ['--check', '999999'], undefined, 'gb'],
  ['set_pcap.sh', [], undefined, 'usage'],
  ['set_pushtoken.sh', ['two words'], TOKEN, 'host'],
  ['set_pushtoken.sh', ['master.example.com', 'socks5://proxy.example.com:1080'], TOKEN, 'proxy'],
  ['set_pushtoken.sh', ['master.example.com'], 'no-colon-here\n', 'token'],
  ['set_pushtoken.sh', [TOKEN.trim(), 'bad host'], undefined, 'host'], // the manual's TOKEN HOST form
  ['trust_master.sh', ['--fingerprint', 'ab:cd', '192.0.2.10'], undefined, 'fingerprint'],
  ['trust_master.sh', ['--show', 'bad host'], undefined, 'host'],
  ['trust_master.sh', ['192.0.2.10'], undefined, 'usage'],
  ['set_pushtoken.sh', [], TOKEN, 'usage'],
  ['set_push.sh', ['http://192.0.2.10'], undefined, 'host'],
  ['set_push.sh', [], undefined, 'usage'],
  ['test_master.sh', ['--timeout', '121', '192.0.2.10'], undefined, 'timeout'],
  ['test_master.sh', ['bad host'], undefined, 'host'],
  ['test_master.sh', ['192.0.2.10', 'http://u:p@proxy.example.com:3128'], undefined, 'proxy'],
  ['test_master.sh', ['192.0.2.10'], 'lab:has a space\n', 'token'],
  ['test_master.sh', ['--bogus', '192.0.2.10'], undefined, 'usage'],
  ['set_dcip_hmac.sh', [], 'Ab3\n', 'token'],
  ['set_dcip_hmac.sh', ['Ab3'], undefined, 'token'], // the manual's TOKEN form
  ['set_dcip_hmac.sh', [HMAC.trim(), HMAC.trim()], undefined, 'usage'],
  ['set_ossensor_hmac.sh', [], 'Ab3-x\n', 'key'],
  ['set_ossensor_hmac.sh', ['Ab3-x'], undefined, 'key'],
  ['set_ossensor_hmac.sh', ['--bogus'], undefined, 'usage'],
  ['set_callhome.sh', ['--host', 'bad host', '--port', '22'], undefined, 'host'],
  ['set_callhome.sh', ['--host', '192.0.2.1', '--port', '2222'], undefined, 'port'],
  ['set_callhome.sh', ['--host', '192.0.2.1', '--port', '22', '--ssl'], undefined, 'ssl'],
  ['set_callhome.sh', ['--host', '192.0.2.1', '--port', '22', '--proxy', 'ftp://192.0.2.2:21'], undefined, 'proxy'],
  ['set_callhome.sh', ['--host', '192.0.2.1', '--port', '22', '--proxy', 'socks5://192.0.2.2:1080', '--proxy-user', 'bob'], 'pw\n', 'proxy-user'],
  ['set_callhome.sh', ['--host', '192.0.2.1', '--port', '22', '--proxy', 'http://192.0.2.2:3128', '--proxy-user', 'bo b'], 'pw\n', 'proxy-user'],
  ['set_callhome.sh', ['--host', '192.0.2.1', '--port', '22', '--proxy', 'http://192.0.2.2:3128', '--proxy-user', 'bob'], '', 'password'],
  ['set_callhome.sh', ['--host', '192.0.2.1', '--port', '22', '--proxy-password', 'x'], undefined, 'password'],
  ['set_callhome.sh', ['--host', '192.0.2.1', '--port', '22', '--user', 'Bad User'], undefined, 'user'],
  ['set_callhome.sh', ['--host'], undefined, 'host'],
  ['set_callhome.sh', ['--bogus'], undefined, 'usage'],
  ['set_partner.sh', ['--host', 'bad_name', '--port', '22'], undefined, 'host'],
  ['set_partner.sh', ['--host', '192.0.2.7', '--port', '70000'], undefined, 'port'],
  ['set_partner.sh', ['--disable', '--host', '192.0.2.7'], undefined, 'usage'],
  ['callhome.sh', ['ports', 'dt-123'], undefined, 'hostname'],
  ['callhome.sh', ['frobnicate'], undefined, 'usage'],
  ['set_network.sh', ['--dhcp'], undefined, 'interface'],
  ['set_network.sh', ['eth0'], undefined, 'mode'],
  ['set_network.sh', ['eth0', '--dhcp', '--confirm-timeout', '4'], undefined, 'confirm-timeout'],
  ['set_network.sh', ['eth0', '--dhcp', '--dns', '192.0.2.53'], undefined, 'dns'],
  ['set_network.sh', ['eth0', '--static', '--address'], undefined, 'address'],
  ['set_network.sh', ['eth0', '--bogus'], undefined, 'usage'],
  ['net_rollback.sh', ['--timer', 'not an id'], undefined, 'timer'],
  ['net_rollback.sh', ['--reason', 'x'.repeat(201)], undefined, 'reason'],
  ['pcap_ring.sh', ['--size-mb', 'lots'], undefined, 'size-mb'],
  ['pcap_ring.sh', ['--iface', 'eth0/1'], undefined, 'iface'],
  ['power.sh', ['sleep'], undefined, 'usage'],
  ['restart_services.sh', ['now'], undefined, 'usage'],
];

describe.skipIf(why !== undefined)('a refusal names its field (exit 2, nothing written)', () => {
  it.each(cases)('%s %j → field', async (script, args, input, field) => {
    const r = makeRoot({ demo: true });
    const before = treeSnapshot(r.dir);
    const res = await runScriptInput(script, args, r.dir, input);
    expect(res.code, res.stdout + res.stderr).toBe(2);
    expect(res.json).toMatchObject({ ok: false, code: 2, field });
    expect(res.json.error).toBeTypeOf('string');
    expect(res.stderr).toContain(`${script}: ${res.json.error}`);
    expect(treeSnapshot(r.dir)).toEqual(before);
  });
});

// A refusal that says what to do first names what the operator has: the console's item and the
// confconsole command, never an internal script (callhome.sh, set_callhome.sh) they do not run.
describe.skipIf(why !== undefined)('a refusal says what to do in the console and with confconsole', () => {
  const names = (error: unknown, item: string, command: string) => {
    expect(error).toBeTypeOf('string');
    expect(error).toContain(item);
    expect(error).toContain(command);
    expect(error).not.toMatch(/[a-z_]+\.sh\b/);
  };
  // the lock (run/) is taken before the settings are read; the settings are what stays unwritten
  const settings = (dir: string) => treeSnapshot(dir, (rel) => rel === '.test' || rel.startsWith('.test/') || rel === 'run' || rel.startsWith('run/'));
  it('clear-cache while Call-Home is enabled: disable it first (exit 2, nothing written)', async () => {
    const r = makeRoot({ demo: true });
    expect((await runScriptInput('set_callhome.sh', ['--host', 'callhome.example.com', '--port', '22'], r.dir, undefined)).code).toBe(0);
    expect((await runScriptInput('callhome.sh', ['enable'], r.dir, undefined)).code).toBe(0);
    const before = settings(r.dir);
    const res = await runScriptInput('callhome.sh', ['clear-cache'], r.dir, undefined);
    expect(res.code, res.stdout + res.stderr).toBe(2);
    names(res.json.error, 'Enable/Disable Call-Home', 'confconsole callhome disable');
    expect(settings(r.dir)).toEqual(before);
  });
  it('enable with no Call-Home host: set one first (exit 2, nothing written)', async () => {
    const r = makeRoot({ demo: true });
    // the seed has no [callhome]: no host
    expect(readFileSync(r.ini, 'utf8')).not.toContain('[callhome]');
    const before = settings(r.dir);
    const res = await runScriptInput('callhome.sh', ['enable'], r.dir, undefined);
    expect(res.code, res.stdout + res.stderr).toBe(2);
    names(res.json.error, 'Call-Home configuration', 'confconsole callhome set');
    expect(settings(r.dir)).toEqual(before);
  });
});

// Every check of a host a connection goes TO (master, its proxy, call-home, its proxy, partner,
// NTP server) refuses an address nothing answers at, through the one is_nowhere.
const NOWHERE = ['0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255', '::', '0:0::0', '0::0', '::0', '0:0:0:0:0:0:0:0', '::0.0.0.0', 'ff02::1', 'FF05::1:3'];
const v6 = (a: string) => (a.includes(':') ? `[${a}]` : a);
const targets: [string, string, (a: string) => string[], string][] = [
  ['set_push.sh', 'HOST', (a) => [a], 'host'],
  ['set_push.sh', 'HOST:PORT', (a) => [`${v6(a)}:8443`], 'host'],
  ['set_pushtoken.sh', 'HOST', (a) => [a], 'host'],
  ['set_pushtoken.sh', 'PROXY', (a) => ['master.example.com', `http://${v6(a)}:3128`], 'proxy'],
  ['test_master.sh', 'HOST', (a) => [a], 'host'],
  ['test_master.sh', 'PROXY', (a) => ['master.example.com', `http://${v6(a)}:3128`], 'proxy'],
  ['set_callhome.sh', '--host', (a) => ['--host', a, '--port', '22'], 'host'],
  ['set_callhome.sh', '--proxy http://', (a) => ['--host', 'ch.example.com', '--port', '22', '--proxy', `http://${v6(a)}:3128`], 'proxy'],
  ['set_callhome.sh', '--proxy socks5://', (a) => ['--host', 'ch.example.com', '--port', '22', '--proxy', `socks5://${v6(a)}:1080`], 'proxy'],
  ['set_partner.sh', '--host', (a) => ['--host', a, '--port', '22'], 'host'],
  ['set_ntp.sh', 'SERVER', (a) => [a], 'servers'],
  ['test_ntp.sh', 'SERVER:PORT', (a) => [`${v6(a)}:123`], 'servers'],
];

describe.skipIf(why !== undefined)('a host a connection goes to is never a nowhere address', () => {
  it.each(targets)('%s %s: every nowhere address refused', async (script, _what, args, field) => {
    const r = makeRoot({ demo: true });
    const before = treeSnapshot(r.dir);
    for (const a of NOWHERE) {
      const res = await runScriptInput(script, args(a), r.dir, TOKEN);
      expect(res.code, `${a}: ${res.stdout}${res.stderr}`).toBe(2);
      expect(res.json, a).toMatchObject({ ok: false, code: 2, field });
      expect(res.json.error, a).toMatch(/is not a server address \(unspecified, broadcast or multicast\)/);
    }
    expect(treeSnapshot(r.dir)).toEqual(before);
  });

  it('addresses next to them are still accepted as hosts (--check, nothing written)', async () => {
    const r = makeRoot({ demo: true });
    for (const a of ['1.0.0.1', '223.255.255.254', '::1', '::ffff:192.0.2.1', 'fe80::1', '2001:db8::1']) {
      const res = await runScriptInput('set_push.sh', ['--check', a], r.dir, undefined);
      expect(res.code, `${a}: ${res.stdout}${res.stderr}`).toBe(0);
    }
  });
});
