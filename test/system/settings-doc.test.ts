// Settings as data (issue 15): export → import on a fresh appliance → export gives the same
// document; an import of what is in place changes, restarts and audits nothing; every set
// command says "changed"; every invalid document of a generated corpus is refused with its key
// path and nothing changed; secrets leave only for a pipe or a file its owner alone reads.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { cc, demoRoot, removeRoots, rng, testSeed, type Ran } from './helpers.js';

const why = missing('system: settings export and import', ['bash', 'python3', 'flock']);
afterAll(removeRoots);

const demo = (profile: 'appliance' | 'vsensor') => demoRoot(profile, 'cc-settings-doc-');
const json = (r: Ran) => JSON.parse(r.out) as Record<string, unknown>;

/** Every file under the root (but the console's own log) with its hash: to prove nothing changed. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !p.endsWith('console.log')) out[p.slice(root.length)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root);
  return out;
}

/** A file only its owner reads, for export --secrets. */
function privateFile(dir: string, name: string): string {
  const f = join(dir, name);
  closeSync(openSync(f, 'w', 0o600));
  return f;
}

function exportTo(root: string, args: string[] = []): string {
  const f = privateFile(root, `.export-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(f, 'w');
  const r = cc(root, ['export', '--json', '--secrets', ...args], '', { stdout: fd });
  closeSync(fd);
  expect(r.code, r.err).toBe(0);
  return f;
}

// the round trips run many commands (each a process): on a busy machine they get their own time
describe.skipIf(why)('settings export and import', () => {
  it('appliance: export, import on a fresh appliance, export again: the same document (secrets included)', async () => {
    const a = await demo('appliance');
    expect(cc(a, ['ntp', 'set', '192.0.2.10', 'pool:pool.example.org']).code).toBe(0);
    expect(cc(a, ['callhome', 'set', '--host', 'support.example.com', '--port', '443', '--ssl', '--proxy', 'http://192.0.2.8:3128', '--proxy-user', 'ops'], 'pr0xy pass\n').code).toBe(0);
    expect(cc(a, ['callhome', 'partner', 'set', '--host', 'partner.example.net', '--port', '2222']).code).toBe(0);
    // the update key and proxy; the network: a VLAN created here, the capture port made DHCP (each confirmed)
    expect(cc(a, ['updates', 'set-key'], 'Upd8Key-0123456789\n').code).toBe(0);
    expect(cc(a, ['updates', 'set-proxy', 'http://192.0.2.9:3128', '--user', 'upd'], 'upd-pass1\n').code).toBe(0);
    for (const args of [['network', 'vlan', 'create', '--link', 'eth0', '--id', '10', '--static', '--address', '192.0.2.50', '--netmask', '24'], ['network', 'set', 'eth1', '--dhcp']]) {
      expect(cc(a, args).code, args.join(' ')).toBe(0);
      expect(cc(a, ['network', 'confirm']).code).toBe(0);
    }
    const docA = readFileSync(exportTo(a), 'utf8');
    expect(docA).toContain('pr0xy pass');
    expect(docA).toContain('Upd8Key-0123456789');
    expect(JSON.parse(docA).areas.network.interfaces.vlan10).toMatchObject({ kind: 'vlan', mode: 'static', address: '192.0.2.50', prefix: 24, vlan: { link: 'eth0', id: 10 } });

    const b = await demo('appliance');
    const imp = cc(b, ['import', '--json', join(a, readdirSync(a).find((n) => n.startsWith('.export-'))!)]);
    expect(imp.code, imp.err + imp.out).toBe(0);
    // every other area (topology, backup, the ones added later) is as on a fresh appliance: unchanged
    const said = (json(imp).areas as { area: string; result: string }[]).map((x) => `${x.area}:${x.result}`);
    expect(said.filter((x) => !x.endsWith(':unchanged'))).toEqual(['ntp:changed', 'callhome:changed', 'updates:changed', 'network:changed']);
    expect(said).toContain('topology:unchanged');
    // the network last, commit-confirmed: the import says how to keep it
    expect(json(imp).confirm).toMatch(/confconsole network confirm.* within \d+ s, or the previous settings return by themselves/);
    expect(readFileSync(exportTo(b), 'utf8')).toBe(docA);
    expect(cc(b, ['network', 'confirm']).code).toBe(0);
    expect(readFileSync(exportTo(b), 'utf8')).toBe(docA);
    // the secret went to its file 0600, never through argv or the audit log
    expect(statSync(join(b, 'etc/confconsole/secrets/callhome_proxy')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(b, 'var/log/confconsole/audit.log'), 'utf8')).not.toContain('pr0xy pass');
  }, 180_000);

  it('vSensor: the PCAP buffer and the osSensor key round trip; without --secrets the key is only described', async () => {
    const a = await demo('vsensor');
    expect(cc(a, ['pcap', 'set', '2']).code).toBe(0);
    expect(cc(a, ['ossensor-hmac', 'set'], 'Abcdefghij0123456789xyz\n').code).toBe(0);
    expect(cc(a, ['keyboard', 'set', 'gb']).code).toBe(0);
    expect(cc(a, ['network', 'set', 'eth0', '--static', '--address', '10.0.0.9', '--netmask', '255.255.255.0', '--gateway', '10.0.0.1', '--dns', '10.0.0.1 10.0.0.53', '--domain', 'lab.example']).code).toBe(0);
    expect(cc(a, ['network', 'confirm']).code).toBe(0);
    const shown = cc(a, ['export']);
    expect(shown.code).toBe(0);
    expect(shown.out).not.toContain('Abcdefghij0123456789xyz');
    expect(shown.out).toMatch(/hmac_key:\n\s+secret: "omitted"\n\s+length: 23\n\s+hmac: "[0-9a-f]{8}"/); // every string quoted (documentYaml)
    const file = exportTo(a);
    const b = await demo('vsensor');
    expect(cc(b, ['import', file]).code).toBe(0);
    expect(readFileSync(exportTo(b), 'utf8')).toBe(readFileSync(file, 'utf8'));
    // the network change kept (its rollback timer disarmed)
    expect(cc(b, ['network', 'confirm']).code).toBe(0);
    // the described key (export without --secrets) keeps the key in place on import
    const described = join(a, 'described.yaml');
    writeFileSync(described, shown.out);
    const before = snapshot(b);
    const again = cc(b, ['import', '--json', described]);
    expect(again.code, again.err).toBe(0);
    expect(json(again).changed).toBe(false);
    expect(snapshot(b)).toEqual(before);
  }, 180_000);

  it('the master connection (vSensor) and the role (appliance: a probe, then a master again) round trip', async () => {
    const v = await demo('vsensor');
    expect(cc(v, ['master', 'set', 'push-token', '--host', '192.0.2.60'], 'Lab1:Secret0123456789ab\n').code).toBe(0);
    const fileV = exportTo(v);
    expect(readFileSync(fileV, 'utf8')).toContain('"master":{"mode":"push-token","host":"192.0.2.60","proxy":"","token":"Lab1:Secret0123456789ab"}');
    const v2 = await demo('vsensor');
    const rv = cc(v2, ['import', fileV]);
    expect(rv.code, rv.err).toBe(0);
    expect(readFileSync(exportTo(v2), 'utf8')).toBe(readFileSync(fileV, 'utf8'));

    const a = await demo('appliance');
    const conv = cc(a, ['topology', 'convert-to-probe', '--mode', 'pull', '--master', '192.0.2.61', '--retain-search', 'no'], 'Pullpullpull0123456789\n');
    expect(conv.code, conv.err).toBe(0);
    const fileA = exportTo(a);
    const a2 = await demo('appliance');
    const ra = cc(a2, ['import', '--json', fileA]);
    expect(ra.code, ra.err).toBe(0);
    expect((json(ra).areas as { area: string; result: string }[]).find((x) => x.area === 'topology')?.result).toBe('changed');
    expect(readFileSync(exportTo(a2), 'utf8')).toBe(readFileSync(fileA, 'utf8'));
    // and back: a document saying master converts the probe, with the master's services
    const doc = JSON.parse(readFileSync(fileA, 'utf8')) as { areas: Record<string, unknown> };
    const back = join(a2, 'master.json');
    writeFileSync(back, JSON.stringify({ ...doc, areas: { topology: { role: 'master' } } }));
    const rb = cc(a2, ['import', '--json', back]);
    expect(rb.code, rb.err).toBe(0);
    expect(cc(a2, ['topology', 'show']).out).toMatch(/Role: master/);
  });

  it('an import of what is in place writes, restarts and audits nothing; so does a set command given the current value', async () => {
    const a = await demo('appliance');
    expect(cc(a, ['ntp', 'set', '192.0.2.20']).code).toBe(0);
    const doc = exportTo(a);
    const before = snapshot(a);
    const r = cc(a, ['import', '--json', doc]);
    expect(r.code, r.err).toBe(0);
    expect(json(r)).toMatchObject({ ok: true, changed: false });
    const after = snapshot(a);
    delete after[doc.slice(a.length)];
    delete before[doc.slice(a.length)];
    expect(after).toEqual(before);
    // the set commands: changed true, then false with nothing restarted (host-effects.log is the demo's record of restarts)
    const effects = () => readFileSync(join(a, 'var/log/confconsole/host-effects.log'), 'utf8');
    for (const [args, stdin] of [
      [['ntp', 'set', '192.0.2.21', '192.0.2.22'], ''],
      [['callhome', 'partner', 'set', '--host', 'p.example.net', '--port', '22'], ''],
      [['callhome', 'set', '--host', 'ch.example.com', '--port', '22'], ''],
    ] as [string[], string][]) {
      const first = cc(a, [...args, '--json'], stdin);
      expect(first.code, first.err).toBe(0);
      expect(json(first).changed, args.join(' ')).toBe(true);
      const mark = effects();
      const audit = readFileSync(join(a, 'var/log/confconsole/audit.log'), 'utf8');
      const second = cc(a, [...args, '--json'], stdin);
      expect(second.code, second.err).toBe(0);
      expect(json(second).changed, args.join(' ')).toBe(false);
      expect(effects()).toBe(mark);
      expect(readFileSync(join(a, 'var/log/confconsole/audit.log'), 'utf8')).toBe(audit);
    }
  });

  it('vSensor set commands say changed, and the same value again restarts nothing', async () => {
    const a = await demo('vsensor');
    const effects = () => readFileSync(join(a, 'var/log/confconsole/host-effects.log'), 'utf8');
    for (const [args, stdin] of [
      [['pcap', 'set', '1'], ''],
      [['pcap', 'set', '0'], ''],
      [['ossensor-hmac', 'set'], 'Key0123456789abcdefXY\n'],
    ] as [string[], string][]) {
      expect(json(cc(a, [...args, '--json'], stdin)).changed, args.join(' ')).toBe(true);
      const mark = effects();
      expect(json(cc(a, [...args, '--json'], stdin)).changed, args.join(' ')).toBe(false);
      expect(effects()).toBe(mark);
    }
  });

  it('an invalid document is refused whole through the command: errors by key path, nothing changed (the corpus: test/unit/settings-doc.test.ts)', async () => {
    const a = await demo('appliance');
    const good = JSON.parse(cc(a, ['export', '--json']).out) as { areas: Record<string, Record<string, unknown>> };
    const before = snapshot(a);
    // one good area and two bad ones: nothing of any is applied, both errors are named
    const doc = { ...good, areas: { ntp: { servers: ['192.0.2.99'] }, callhome: { ...good.areas.callhome, port: 'x', ssl: 'yes' } } };
    const f = join(a, 'bad.json');
    writeFileSync(f, JSON.stringify(doc));
    const r = cc(a, ['import', '--json', f]);
    expect(r.code).toBe(2);
    expect((json(r).errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['areas.callhome.port', 'areas.callhome.ssl']);
    const text = cc(a, ['import', f]);
    expect(text.code).toBe(2);
    expect(text.err).toMatch(/2 error\(s\), nothing was changed:\n\s+areas\.callhome\.port: .*\n\s+areas\.callhome\.ssl: /);
    // not JSON/YAML at all, duplicate keys, YAML aliases: refused before anything is read
    for (const t of ['{', 'format: a\nformat: b\n', 'a: &x [1]\nb: *x\n']) {
      writeFileSync(f, t);
      const x = cc(a, ['import', f]);
      expect(x.code, t).toBe(2);
      expect(x.err, t).toMatch(/not JSON or YAML/);
    }
    rmSync(f);
    expect(snapshot(a)).toEqual(before);
  });

  it('a generated corpus of invalid documents through the command: each refused in words at its key path, nothing changed', async () => {
    const a = await demo('appliance');
    const good = JSON.parse(cc(a, ['export', '--json']).out) as { areas: Record<string, Record<string, unknown>> };
    const before = snapshot(a);
    const seed = testSeed();
    const r = rng(seed);
    // a good change of NTP goes with every bad document: nothing of it may be applied either
    const withNtp = (areas: Record<string, unknown>) => ({ ...good, areas: { ntp: { servers: ['192.0.2.99'] }, ...areas } });
    const eth = (over: Record<string, unknown>) => ({ kind: 'ethernet', mode: 'static', address: '192.0.2.20', prefix: 24, gateway: null, dns: [], search: [], address6: null, gateway6: null, ...over });
    const corpus: [string, unknown, string][] = [
      // what only the appliance can judge (the network's check: its interfaces, set_network.sh --dry-run)
      ['an interface this appliance lacks', withNtp({ network: { interfaces: { eth9: eth({}) } } }), 'areas.network.interfaces.eth9'],
      ["another interface's address", withNtp({ network: { interfaces: { eth1: eth({ address: '10.0.0.2' }) } } }), 'areas.network.interfaces.eth1.address'],
      ['a VLAN on a link this appliance lacks', withNtp({ network: { interfaces: { vlan20: { ...eth({}), kind: 'vlan', vlan: { link: 'eth7', id: 20 } } } } }), 'areas.network.interfaces.vlan20.vlan.link'],
    ];
    // and one wrong value at a random leaf of each area (seeded)
    const leaves = (v: unknown, path: string[] = []): string[][] =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k])) : [path];
    const wrongs: unknown[] = [12345, 'bad host!', ['x', 'y'], { surplus: 1 }, -1, true];
    for (const [id, section] of Object.entries(good.areas)) {
      const path = r.pick(leaves(section));
      const copy = JSON.parse(JSON.stringify(section)) as Record<string, unknown>;
      let o = copy;
      for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
      const cur = o[path.at(-1)!];
      // a value of another type than the one in place (a value of the same type may be valid)
      const wrong = r.pick(wrongs.filter((w) => typeof w !== typeof cur || Array.isArray(w) !== Array.isArray(cur) || cur === null));
      o[path.at(-1)!] = wrong;
      corpus.push([`${id}.${path.join('.')} = ${JSON.stringify(wrong)}`, withNtp({ [id]: copy }), `areas.${id}`]);
    }
    const f = join(a, 'bad.json');
    for (const [what, doc, where] of corpus) {
      writeFileSync(f, JSON.stringify(doc));
      const res = cc(a, ['import', '--json', f]);
      const out = json(res) as { errors?: { path: string; message: string }[] };
      // a wrong value that is a valid one after all (true where a boolean goes) is no case
      if (res.code === 0) throw new Error(`seed ${seed}: ${what}: accepted`);
      expect(res.code, `seed ${seed}: ${what}: ${res.out}`).toBe(2);
      expect(out.errors!.some((e) => e.path === where || e.path.startsWith(`${where}.`)), `seed ${seed}: ${what}: ${res.out}`).toBe(true);
      for (const e of out.errors!) expect(e.message, `seed ${seed}: ${what}`).not.toMatch(/^(Invalid|Too (small|big)|Unrecognized key|Expected)\b|expected \w+, received/);
    }
    rmSync(f);
    expect(snapshot(a)).toEqual(before);
  });

  it("the YAML export reads the same in a YAML 1.1 reader (PyYAML, as Ansible): 12:30 stays text, Norway's layout 'no' is not false", async () => {
    const root = await demo('vsensor');
    expect(cc(root, ['backup', 'set', '--destination', '/srv/bk', '--time', '12:30']).code).toBe(0);
    expect(cc(root, ['keyboard', 'set', 'no']).code).toBe(0);
    expect(cc(root, ['ntp', 'set', 'on.example.org', '10.0.0.1']).code).toBe(0);
    const yaml = cc(root, ['export', '--yaml']);
    expect(yaml.code, yaml.err).toBe(0);
    const py = spawnSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: yaml.out, encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const viaPy = JSON.parse(py.stdout) as { areas: { backup: { time: unknown }; keyboard: { layout: unknown } } };
    expect(viaPy.areas.backup.time).toBe('12:30');
    expect(viaPy.areas.keyboard.layout).toBe('no');
    expect(viaPy).toEqual(json(cc(root, ['export', '--json'])));
  }, 120_000);

  it('a new gateway outside the interface\'s subnet is refused at its key, as network set refuses it without --allow-offsubnet-gateway', async () => {
    const root = await demo('appliance');
    const doc = json(cc(root, ['export', '--json'])) as { areas: { network: { interfaces: Record<string, { gateway?: string }> } } };
    for (const [gw, ok] of [['192.168.9.1', false], ['10.0.1.1', false], ['172.16.0.1', false], ['10.0.0.254', true]] as const) {
      const d = JSON.parse(JSON.stringify(doc)) as typeof doc;
      d.areas.network.interfaces.eth0!.gateway = gw;
      const f = join(root, `gw-${gw}.json`);
      writeFileSync(f, JSON.stringify(d));
      const r = cc(root, ['import', '--dry-run', '--json', f]);
      if (ok) expect(r.code, `${gw}: ${r.out}`).toBe(0);
      else {
        expect(r.code, gw).toBe(2);
        expect((json(r) as { errors: { path: string; message: string }[] }).errors).toEqual([{ path: 'areas.network.interfaces.eth0.gateway', message: expect.stringContaining('--allow-offsubnet-gateway') }]);
      }
    }
  }, 120_000);

  it('--dry-run shows old -> new and changes nothing', async () => {
    const a = await demo('appliance');
    const doc = JSON.parse(cc(a, ['export', '--json']).out) as { areas: Record<string, unknown> };
    (doc.areas.ntp as { servers: string[] }).servers = ['192.0.2.30'];
    const f = join(a, 'dry.json');
    writeFileSync(f, JSON.stringify(doc));
    const before = snapshot(a);
    const r = cc(a, ['import', '--dry-run', f]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/ntp: would change\n\s+ntp\.servers: .* -> 192\.0\.2\.30/);
    expect(r.out).toContain('callhome: unchanged');
    expect(snapshot(a)).toEqual(before);
  });

  it('--secrets is refused into a file others can read, and says why', async () => {
    const a = await demo('vsensor');
    const f = join(a, 'open.json');
    closeSync(openSync(f, 'w', 0o644));
    const fd = openSync(f, 'w');
    const r = cc(a, ['export', '--secrets'], '', { stdout: fd });
    closeSync(fd);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/can be read by others \(mode 644\)/);
    expect(readFileSync(f, 'utf8')).toBe('');
  });
});
