// set_network.sh's checks, table-driven on a demo root (link data from demo-links.json, the
// apply recorded as a host effect): every rule has a refused case (exit 2, the field named,
// the appliance's files byte for byte as before) and an accepted one (exit 0, then rolled back).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { makeRoot, readOr, removeRoots, runScript, treeSnapshot, type Root } from './helpers.js';

const why = missing('system: network checks (set_network.sh on a demo root)', ['bash', 'flock', 'setsid', '/usr/bin/python3']);
const whyNetplan = missing('system: network checks (netplan generate as validator)', ['netplan']);

const TWO = `network:
  version: 2
  renderer: networkd
  ethernets:
    eth0:
      addresses: [10.0.0.2/24]
      routes:
        - to: 0.0.0.0/0
          via: 10.0.0.1
      nameservers:
        addresses: [10.0.0.1]
    eth1:
      dhcp4: false
      dhcp6: false
      link-local: []
      accept-ra: false
      optional: true
    eth2:
      addresses: [192.0.2.5/24]
`;
const ONE = TWO.slice(0, TWO.indexOf('    eth2:'));

afterAll(async () => removeRoots());

const skip = (rel: string) => rel === '.test' || rel.startsWith('.test/') || rel === 'run/confconsole/lock';

/** a demo root with the YAML and live links (eth3 is live only: 198.51.100.7) */
async function demoRoot(yaml: string): Promise<Root & { yaml: string }> {
  const r = makeRoot({ demo: true });
  const y = join(r.dir, 'etc/netplan/01-netcfg.yaml');
  mkdirSync(join(r.dir, 'etc/netplan'), { recursive: true });
  writeFileSync(y, yaml, { mode: 0o600 });
  const show = await runScript('show_network.sh', [], r.dir); // creates demo-links.json from the YAML
  expect(show.code, show.stderr).toBe(0);
  const links = join(r.dir, 'var/lib/confconsole/demo-links.json');
  const l = JSON.parse(readFileSync(links, 'utf8'));
  l.push({ ifindex: 9, ifname: 'eth3', address: '52:54:00:00:00:03', operstate: 'UP', flags: ['UP'], addr_info: [{ family: 'inet', local: '198.51.100.7', prefixlen: 24 }] });
  writeFileSync(links, JSON.stringify(l));
  return { ...r, yaml: y };
}

const S = (addr: string, mask: string, ...rest: string[]) => ['--static', '--address', addr, '--netmask', mask, ...rest];
interface Case { rule: string; args: string[]; field: string; env?: Record<string, string>; yaml?: string; code?: number }
const refused: Case[] = [
  { rule: 'contiguous mask', args: ['eth0', ...S('10.0.0.3', '255.0.255.0')], field: 'netmask' },
  { rule: 'prefix length out of range', args: ['eth0', ...S('10.0.0.3', '33')], field: 'netmask' },
  { rule: 'missing netmask', args: ['eth0', '--static', '--address', '10.0.0.3'], field: 'netmask' },
  { rule: 'network address', args: ['eth0', ...S('10.0.5.0', '24')], field: 'address' },
  { rule: 'broadcast address', args: ['eth0', ...S('10.0.5.255', '255.255.255.0')], field: 'address' },
  { rule: 'address not IPv4', args: ['eth0', ...S('10.0.5.256', '24')], field: 'address' },
  { rule: 'gateway outside the subnet', args: ['eth0', ...S('10.0.0.3', '24', '--gateway', '10.9.9.1')], field: 'gateway' },
  { rule: 'gateway = address', args: ['eth0', ...S('10.0.0.3', '24', '--gateway', '10.0.0.3')], field: 'gateway' },
  { rule: 'address of another interface (YAML)', args: ['eth0', ...S('192.0.2.5', '24')], field: 'address' },
  { rule: 'address of another interface (live)', args: ['eth0', ...S('198.51.100.7', '24')], field: 'address' },
  { rule: 'bad DNS server', args: ['eth0', ...S('10.0.0.3', '24', '--dns', '10.0.0.1 dns.example')], field: 'dns' },
  { rule: 'more than 3 DNS servers', args: ['eth0', ...S('10.0.0.3', '24', '--dns', '10.0.0.1 10.0.0.4 10.0.0.5 10.0.0.6')], field: 'dns' },
  { rule: 'unspecified DNS server', args: ['eth0', ...S('10.0.0.3', '24', '--dns', '0.0.0.0')], field: 'dns' },
  { rule: 'multicast DNS server', args: ['eth0', ...S('10.0.0.3', '24', '--dns', '10.0.0.1 ff02::fb')], field: 'dns' },
  { rule: 'bad domain', args: ['eth0', ...S('10.0.0.3', '24', '--domain', 'ok.example bad_name.example')], field: 'domain' },
  { rule: 'domain label with a leading hyphen', args: ['eth0', ...S('10.0.0.3', '24', '--domain', '-x.example')], field: 'domain' },
  { rule: 'unknown interface', args: ['eth9', '--dhcp'], field: 'interface' },
  { rule: 'not an interface name', args: ['eth0;id', '--dhcp'], field: 'interface' },
  { rule: 'capture of the last management interface', args: ['eth0', '--capture'], field: 'interface', yaml: ONE },
  { rule: 'capture of the interface of the SSH session', args: ['eth2', '--capture'], field: 'interface', env: { SSH_CONNECTION: '198.51.100.200 50000 192.0.2.5 22' } },
  { rule: 'confirm timeout too short', args: ['eth0', '--dhcp', '--confirm-timeout', '4'], field: 'confirm-timeout' },
  { rule: 'confirm timeout too long', args: ['eth0', '--dhcp', '--confirm-timeout', '3601'], field: 'confirm-timeout' },
  { rule: 'static option without --static', args: ['eth0', '--dhcp', '--address', '10.0.0.3'], field: 'address' },
  { rule: 'two modes', args: ['eth0', '--dhcp', '--capture'], field: 'mode' },
  { rule: 'no mode', args: ['eth0'], field: 'mode' },
  { rule: 'factory address held by another interface', args: ['eth2', '--factory'], field: 'address' },
  { rule: 'nothing confirmed to restore', args: ['eth0', '--restore-confirmed'], field: 'mode', code: 1 },
];
const accepted: { rule: string; args: string[]; env?: Record<string, string>; yaml?: string; expectYaml?: RegExp }[] = [
  { rule: 'contiguous dotted mask', args: ['eth0', ...S('10.0.0.3', '255.255.0.0')], expectYaml: /addresses: \[10\.0\.0\.3\/16\]/ },
  { rule: 'prefix length with a slash', args: ['eth0', ...S('10.0.0.3', '/24')], expectYaml: /addresses: \[10\.0\.0\.3\/24\]/ },
  { rule: 'network address of a /31 is a host', args: ['eth0', ...S('10.0.5.0', '31')], expectYaml: /addresses: \[10\.0\.5\.0\/31\]/ },
  { rule: 'gateway outside the subnet, allowed', args: ['eth0', ...S('10.0.0.3', '24', '--gateway', '10.9.9.1', '--allow-offsubnet-gateway')], expectYaml: /via: 10\.9\.9\.1\n\s+on-link: true/ },
  { rule: 'gateway inside the subnet', args: ['eth0', ...S('10.0.0.3', '24', '--gateway', '10.0.0.254')], expectYaml: /via: 10\.0\.0\.254/ },
  { rule: 'the interface keeps its own address', args: ['eth2', ...S('192.0.2.5', '24', '--gateway', '192.0.2.1')], expectYaml: /eth2:\n\s+addresses: \[192\.0\.2\.5\/24\]\n\s+routes/ },
  { rule: 'IPv4 and IPv6 DNS servers', args: ['eth0', ...S('10.0.0.3', '24', '--dns', '10.0.0.1 2001:db8::53')], expectYaml: /addresses: \[10\.0\.0\.1, '?2001:db8::53'?\]/ },
  { rule: 'search domains', args: ['eth0', ...S('10.0.0.3', '24', '--domain', 'a.example b.example')], expectYaml: /search:\n\s+- a\.example\n\s+- b\.example/ },
  { rule: 'empty domain', args: ['eth0', ...S('10.0.0.3', '24', '--domain', '')], expectYaml: /^(?![\s\S]*search:)/ },
  { rule: 'DHCP', args: ['eth0', '--dhcp', '--confirm-timeout', '5'], expectYaml: /eth0:\n\s+dhcp4: true\n\s+dhcp4-overrides:/ },
  { rule: 'capture when another management interface remains', args: ['eth0', '--capture'], expectYaml: /eth0:\n\s+dhcp4: false/ },
  { rule: 'capture of an interface the SSH session does not use', args: ['eth0', '--capture'], env: { SSH_CONNECTION: '198.51.100.200 50000 192.0.2.5 22' } },
  { rule: 'factory settings (the gateway goes)', args: ['eth0', '--factory', '--confirm-timeout', '3600'], expectYaml: /eth0:\n\s+addresses: \[10\.0\.0\.2\/24\]\n(?!\s+routes)/ },
];

describe.skipIf(why !== undefined)('set_network.sh checks (demo root)', () => {
  it.each(refused)('refused: $rule', async (c) => {
    const r = await demoRoot(c.yaml ?? TWO);
    const before = treeSnapshot(r.dir, skip);
    const res = await runScript('set_network.sh', c.args, r.dir, c.env ?? {});
    expect(res.code, res.stderr).toBe(c.code ?? 2);
    expect(res.json).toMatchObject({ ok: false, code: c.code ?? 2, field: c.field });
    expect(res.json.error).toBeTypeOf('string');
    expect(res.stderr).toContain(res.json.error);
    expect(treeSnapshot(r.dir, skip)).toEqual(before);
  });

  it.each(accepted)('accepted: $rule', async (c) => {
    const r = await demoRoot(c.yaml ?? TWO);
    const before = readFileSync(r.yaml);
    const res = await runScript('set_network.sh', c.args, r.dir, c.env ?? {});
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ ok: true, iface: c.args[0], pending: { id: expect.any(String), deadline: expect.any(Number) } });
    const y = readFileSync(r.yaml, 'utf8');
    if (c.expectYaml) expect(y).toMatch(c.expectYaml);
    expect(readOr(r.hostEffects)).toContain('netplan apply');
    const rb = await runScript('net_rollback.sh', [], r.dir);
    expect(rb.json).toEqual({ ok: true, rolled_back: true });
    expect(readFileSync(r.yaml).equals(before)).toBe(true);
  });

  it('show_network.sh run 8 times at once on a fresh demo root: every run sees every interface (the demo links are seeded atomically)', async () => {
    for (let round = 0; round < 3; round++) {
      const r = makeRoot({ demo: true });
      mkdirSync(join(r.dir, 'etc/netplan'), { recursive: true });
      writeFileSync(join(r.dir, 'etc/netplan/01-netcfg.yaml'), TWO, { mode: 0o600 });
      const runs = await Promise.all(Array.from({ length: 8 }, () => runScript('show_network.sh', [], r.dir)));
      for (const x of runs) {
        expect(x.code, x.stderr).toBe(0);
        expect(x.json.interfaces.map((i: { name: string }) => i.name)).toEqual(['eth0', 'eth1', 'eth2']);
      }
    }
  });

  it('a second change while one waits for confirmation is refused (exit 4), files untouched', async () => {
    const r = await demoRoot(TWO);
    const first = await runScript('set_network.sh', ['eth0', ...S('10.0.0.3', '24')], r.dir);
    expect(first.code, first.stderr).toBe(0);
    const before = treeSnapshot(r.dir, skip);
    const second = await runScript('set_network.sh', ['eth2', '--dhcp'], r.dir);
    expect(second.code).toBe(4);
    expect(second.json).toMatchObject({ ok: false, code: 4, field: 'pending' });
    expect(second.json.error).toContain(first.json.pending.id);
    expect(treeSnapshot(r.dir, skip)).toEqual(before);
    const show = await runScript('show_network.sh', [], r.dir);
    expect(show.json.pending).toMatchObject({ id: first.json.pending.id, iface: 'eth0', address: '10.0.0.3/24' });
    expect(show.json.interfaces.map((i: { name: string; role: string }) => `${i.name}:${i.role}`)).toEqual(['eth0:management', 'eth1:capture', 'eth2:management', 'eth3:unused']);
    expect((await runScript('net_confirm.sh', [], r.dir)).json).toMatchObject({ ok: true, confirmed: true });
    expect(existsSync(join(r.dir, 'var/lib/confconsole/net-pending.json'))).toBe(false);
  });

  it.skipIf(whyNetplan !== undefined)('netplan itself rejects the result: its file:line error is reported, nothing changed', async () => {
    const r = await demoRoot(TWO);
    writeFileSync(join(r.dir, 'etc/netplan/50-broken.yaml'), 'network:\n  ethernets:\n    eth0: [unclosed\n', { mode: 0o600 });
    const before = treeSnapshot(r.dir, skip);
    const res = await runScript('set_network.sh', ['eth0', '--dhcp'], r.dir);
    expect(res.code, res.stderr).toBe(2);
    expect(res.json).toMatchObject({ ok: false, field: 'netplan' });
    expect(res.json.error).toMatch(new RegExp(`${r.dir}/etc/netplan/50-broken.yaml:\\d+`));
    expect(treeSnapshot(r.dir, skip)).toEqual(before);
  });
});
