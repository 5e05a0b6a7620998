// Settings as data (issue 15): export → import on a fresh appliance → export gives the same
// document; an import of what is in place changes, restarts and audits nothing; every set
// command says "changed"; every invalid document of a generated corpus is refused with its key
// path and nothing changed; secrets leave only for a pipe or a file its owner alone reads.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo.js';
import { missing } from '../support/requires.js';
import { REPO } from './helpers.js';

const why = missing('system: settings export and import', ['bash', 'python3', 'flock']);
const CLI = join(REPO, 'bin/confconsole');
const roots: string[] = [];
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function demo(profile: 'appliance' | 'vsensor'): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'cc-settings-doc-'));
  roots.push(root);
  await seedDemo(root, profile);
  return root;
}

interface Ran {
  code: number;
  out: string;
  err: string;
}
function cc(root: string, args: string[], input?: string, stdout?: number): Ran {
  const r = spawnSync(process.execPath, [CLI, '--demo', '--root', root, ...args], {
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    ...(stdout !== undefined ? { stdio: ['pipe', stdout, 'pipe'] } : {}),
  });
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? '' };
}
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
  const r = cc(root, ['export', '--json', '--secrets', ...args], undefined, fd);
  closeSync(fd);
  expect(r.code, r.err).toBe(0);
  return f;
}

describe.skipIf(why)('settings export and import', () => {
  it('appliance: export, import on a fresh appliance, export again: the same document (secrets included)', async () => {
    const a = await demo('appliance');
    expect(cc(a, ['ntp', 'set', '192.0.2.10', 'pool:pool.example.org']).code).toBe(0);
    expect(cc(a, ['callhome', 'set', '--host', 'support.example.com', '--port', '443', '--ssl', '--proxy', 'http://192.0.2.8:3128', '--proxy-user', 'ops'], 'pr0xy pass\n').code).toBe(0);
    expect(cc(a, ['callhome', 'partner', 'set', '--host', 'partner.example.net', '--port', '2222']).code).toBe(0);
    const docA = readFileSync(exportTo(a), 'utf8');
    expect(docA).toContain('pr0xy pass');

    const b = await demo('appliance');
    const imp = cc(b, ['import', '--json', join(a, readdirSync(a).find((n) => n.startsWith('.export-'))!)]);
    expect(imp.code, imp.err + imp.out).toBe(0);
    expect((json(imp).areas as { area: string; result: string }[]).map((x) => `${x.area}:${x.result}`)).toEqual(['ntp:changed', 'callhome:changed', 'topology:unchanged']);
    expect(readFileSync(exportTo(b), 'utf8')).toBe(docA);
    // the secret went to its file 0600, never through argv or the audit log
    expect(statSync(join(b, 'etc/confconsole/secrets/callhome_proxy')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(b, 'var/log/confconsole/audit.log'), 'utf8')).not.toContain('pr0xy pass');
  });

  it('vSensor: the PCAP buffer and the osSensor key round trip; without --secrets the key is only described', async () => {
    const a = await demo('vsensor');
    expect(cc(a, ['pcap', 'set', '2']).code).toBe(0);
    expect(cc(a, ['ossensor-hmac', 'set'], 'Abcdefghij0123456789xyz\n').code).toBe(0);
    const shown = cc(a, ['export']);
    expect(shown.code).toBe(0);
    expect(shown.out).not.toContain('Abcdefghij0123456789xyz');
    expect(shown.out).toMatch(/hmac_key:\n\s+secret: omitted\n\s+length: 23\n\s+hmac: [0-9a-f]{8}/);
    const file = exportTo(a);
    const b = await demo('vsensor');
    expect(cc(b, ['import', file]).code).toBe(0);
    expect(readFileSync(exportTo(b), 'utf8')).toBe(readFileSync(file, 'utf8'));
    // the described key (export without --secrets) keeps the key in place on import
    const described = join(a, 'described.yaml');
    writeFileSync(described, shown.out);
    const before = snapshot(b);
    const again = cc(b, ['import', '--json', described]);
    expect(again.code, again.err).toBe(0);
    expect(json(again).changed).toBe(false);
    expect(snapshot(b)).toEqual(before);
  });

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
    const r = cc(a, ['export', '--secrets'], undefined, fd);
    closeSync(fd);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/can be read by others \(mode 644\)/);
    expect(readFileSync(f, 'utf8')).toBe('');
  });
});
