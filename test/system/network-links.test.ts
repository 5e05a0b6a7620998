// Issue 17: every link netplan defines shown for what it is; bonds and VLANs created, addressed,
// made the capture interface and deleted through set_network.sh (demo root: the apply is recorded,
// the rollback real). This kernel has no bonding or 802.1q module: every change is validated by
// `netplan generate --root-dir` and the networkd files it renders are read; the one live part
// (the namespace apply making the bond) runs where the kernel allows and otherwise must fail
// cleanly and restore (exit 3). Read-only kinds (bridges, tunnels, wifi, wireguard, vrf)
// survive every change byte for byte.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { makeRoot, removeRoots, runScript, SBIN, type Root } from './helpers.js';

const why = missing('system: bonds and VLANs (set_network.sh on a demo root, netplan generate)', ['bash', 'flock', 'setsid', '/usr/bin/python3', 'netplan']);
const whyNs = missing('system: a bond in a namespace of our own', ['root', 'ip']);

const OUR = 'etc/netplan/01-netcfg.yaml';
// what most tests start from: eth0, the management port, at 10.0.0.2/24 (the text after it goes on
// from there: more of eth0's keys, other ports, other sections); NO_SITE: a site file of no links
const MGMT = 'network:\n  version: 2\n  renderer: networkd\n  ethernets:\n    eth0:\n      addresses: [10.0.0.2/24]\n';
const NO_SITE = 'network:\n  version: 2\n';
// netplan(5)'s documented shapes: a bond (active-backup with primary), a VLAN on a port
const DOC_BOND = `${MGMT}    eth1: {}
    eth2: {}
    eth3:
      dhcp4: false
  bonds:
    bond9:
      interfaces: [eth1, eth2]
      parameters:
        mode: active-backup
        primary: eth1
  vlans:
    vlan15:
      id: 15
      link: eth3
      addresses: ["10.3.99.5/24"]
`;
// the kinds the console does not configure, in a site file of their own (and a match: stanza)
const SITE = `# site links: the console must never touch this file
network:
  version: 2
  ethernets:
    lan:
      match: {name: "eth9*"}
      dhcp4: true
  bridges:
    br0:
      interfaces: []
      addresses: [198.51.100.1/24]
  tunnels:
    he-ipv6:
      mode: sit
      remote: 203.0.113.9
      local: 10.0.0.2
      addresses: ["2001:db8:9::2/64"]
    wg0:
      mode: wireguard
      key: {private: "4GgaQCy68nzNsUE5aJ9fuLzHhB65tAlwbmA72MWnOm8="}
      port: 51820
      addresses: [10.9.0.1/24]
      peers:
        - keys: {public: "M9nt4YujIOmNrRmpIRTmYSfMdrpvE7u6WkG8FY8WjG4="}
          allowed-ips: [10.9.0.0/24]
          endpoint: 203.0.113.10:51820
  wifis:
    wlan0:
      dhcp4: true
      access-points:
        "lab": {password: "correct horse battery"}
  vrfs:
    vrf1:
      table: 1001
      interfaces: [br0]
`;

afterAll(() => removeRoots());

interface Root2 extends Root { our: string; site: string }
async function demo(our: string, site = SITE): Promise<Root2> {
  const r = makeRoot({ demo: true });
  mkdirSync(join(r.dir, 'etc/netplan'), { recursive: true });
  writeFileSync(join(r.dir, OUR), our, { mode: 0o600 });
  writeFileSync(join(r.dir, 'etc/netplan/60-site.yaml'), site, { mode: 0o600 });
  const show = await runScript('show_network.sh', [], r.dir);
  expect(show.code, show.stderr).toBe(0);
  return { ...r, our: join(r.dir, OUR), site: join(r.dir, 'etc/netplan/60-site.yaml') };
}
const set = (r: Root, args: string[], env: Record<string, string> = {}) => runScript('set_network.sh', args, r.dir, env);
const show = async (r: Root) => {
  const s = await runScript('show_network.sh', [], r.dir);
  expect(s.code, s.stderr).toBe(0);
  return { ...s.json, by: Object.fromEntries(s.json.interfaces.map((i: { name: string }) => [i.name, i])) };
};
const confirm = async (r: Root) => expect((await runScript('net_confirm.sh', [], r.dir)).code).toBe(0);
const rollback = async (r: Root) => expect((await runScript('net_rollback.sh', [], r.dir)).json.rolled_back).toBe(true);
const read = (f: string) => readFileSync(f, 'utf8');

/** netplan generate on a copy of the root's netplan files → {file name: text} of what it renders for networkd. */
function rendered(r: Root): Record<string, string> {
  const w = join(r.dir, '.test', `gen-${randomBytes(3).toString('hex')}`);
  mkdirSync(join(w, 'etc'), { recursive: true });
  cpSync(join(r.dir, 'etc/netplan'), join(w, 'etc/netplan'), { recursive: true });
  const g = spawnSync('netplan', ['generate', '--root-dir', w], { encoding: 'utf8' });
  expect(g.status, g.stderr).toBe(0);
  const d = join(w, 'run/systemd/network');
  const out = Object.fromEntries(readdirSync(d).map((f) => [f.replace(/^10-netplan-/, ''), read(join(d, f))]));
  rmSync(w, { recursive: true, force: true });
  return out;
}

describe.skipIf(why !== undefined)('every link netplan defines, for what it is', { timeout: 240_000 }, () => {
  it("netplan's documented bond and VLAN, with bridges, tunnels, wifi, wireguard, vrf and a match: stanza", async () => {
    const r = await demo(DOC_BOND);
    const s = await show(r);
    expect(s.by.bond9).toMatchObject({ kind: 'bond', configurable: true, members: ['eth1', 'eth2'], bond_mode: 'active-backup', role: 'capture', created_here: false });
    expect(s.by.eth1).toMatchObject({ kind: 'ethernet', role: 'member', role_text: 'member of bond9', configurable: false });
    expect(s.by.eth3).toMatchObject({ role: 'parent', role_text: 'VLAN parent of vlan15' });
    expect(s.by.vlan15).toMatchObject({ kind: 'vlan', role: 'management', parent: 'eth3', vlan_id: 15, addresses: ['10.3.99.5/24'], configurable: true });
    for (const [n, kind] of [['br0', 'bridge'], ['he-ipv6', 'tunnel'], ['wg0', 'wireguard'], ['wlan0', 'wifi'], ['vrf1', 'vrf']]) {
      expect(s.by[n!], n).toMatchObject({ kind, configurable: false });
      expect(s.by[n!].why).toMatch(/the console does not configure/);
    }
    expect(s.by.br0).toMatchObject({ role: 'member', role_text: 'member of vrf1' });
    // the match: stanza is no interface of its own: said with the links it matches (none here)
    expect(s.by.lan).toBeUndefined();
    expect(s.matches).toEqual([{ id: 'lan', section: 'ethernets', match: 'name eth9*', links: [], stale: false }]);
    // a read-only kind is refused by name, nothing written
    const before = read(r.our);
    for (const n of ['br0', 'wg0', 'wlan0']) {
      const res = await set(r, [n, '--dhcp']);
      expect(res.code, n).toBe(2);
      expect(res.json.error).toMatch(/the console does not configure/);
    }
    // a member is configured through its bond
    const m = await set(r, ['eth1', '--dhcp']);
    expect(m.json).toMatchObject({ field: 'interface' });
    expect(m.json.error).toMatch(/member of bond bond9: .*configure bond9/);
    expect(read(r.our)).toBe(before);
  });

  it('an address on an existing bond and VLAN is written in their own section; netplan renders it; every other key and file stays', async () => {
    const r = await demo(DOC_BOND);
    const site = read(r.site);
    const res = await set(r, ['bond9', '--static', '--address', '192.0.2.20', '--netmask', '24', '--gateway', '192.0.2.1']);
    expect(res.code, res.stderr).toBe(0);
    const y = read(r.our);
    expect(y).toContain('  bonds:\n    bond9:\n      interfaces: [eth1, eth2]\n      parameters:\n        mode: active-backup\n        primary: eth1\n      addresses:\n      - 192.0.2.20/24\n');
    expect(y).not.toMatch(/ethernets:[^]*bond9:[^]*bonds:/); // never under ethernets ("changes device type")
    const g = rendered(r);
    expect(g['bond9.netdev']).toMatch(/Kind=bond[^]*Mode=active-backup[^]*PrimaryReselectPolicy|Kind=bond[^]*Mode=active-backup/);
    expect(g['bond9.network']).toContain('Address=192.0.2.20/24');
    expect(g['eth1.network']).toContain('Bond=bond9');
    await confirm(r);
    // managed over the bond (and the VLAN): eth0 is no longer the last management interface
    const cap = await set(r, ['eth0', '--capture', '--dry-run']);
    expect(cap.code, cap.stderr).toBe(0);
    const v = await set(r, ['vlan15', '--dhcp']);
    expect(v.code, v.stderr).toBe(0);
    expect(read(r.our)).toContain('  vlans:\n    vlan15:\n      id: 15\n      link: eth3\n      dhcp4: true\n');
    expect(rendered(r)['vlan15.netdev']).toMatch(/Kind=vlan[^]*Id=15/);
    await rollback(r);
    expect(read(r.site)).toBe(site);
    expect((await show(r)).by.bond9).toMatchObject({ role: 'management', address: '192.0.2.20' });
  });
});

describe.skipIf(why !== undefined)('match: stanzas and SR-IOV', { timeout: 240_000 }, () => {
  it('a match: stanza is shown with the links it matches (name glob, MAC), which take its role; an SR-IOV parent is no capture interface', async () => {
    const our = `network:
  version: 2
  ethernets:
    mgmt:
      match: {name: "ens*"}
      dhcp4: true
    bymac:
      match: {macaddress: "52:54:00:aa:bb:cc"}
      set-name: lan7
      addresses: [198.51.100.7/24]
    enp1s0f0:
      virtual-function-count: 2
    vf1:
      link: enp1s0f0
      addresses: [203.0.113.7/24]
`;
    const r = await demo(our, NO_SITE);
    const links = join(r.dir, 'var/lib/confconsole/demo-links.json');
    const l = JSON.parse(read(links));
    for (const [i, [name, mac]] of [['ens3', '52:54:00:00:00:03'], ['ens4', '52:54:00:00:00:04'], ['lan7', '52:54:00:aa:bb:cc']].entries())
      l.push({ ifindex: 20 + i, ifname: name, address: mac, operstate: 'UP', flags: ['UP'], addr_info: [] });
    writeFileSync(links, JSON.stringify(l));
    const s = await show(r);
    expect(s.matches).toEqual([
      { id: 'mgmt', section: 'ethernets', match: 'name ens*', links: ['ens3', 'ens4'], stale: false },
      { id: 'bymac', section: 'ethernets', match: 'macaddress 52:54:00:aa:bb:cc', links: ['lan7'], stale: false },
    ]);
    expect(s.by.mgmt).toBeUndefined();
    expect(s.by.ens3).toMatchObject({ kind: 'ethernet', role: 'management', mode: 'dhcp', matched_by: ['mgmt (match: name ens*)'] });
    expect(s.by.lan7).toMatchObject({ role: 'management', address: '198.51.100.7', matched_by: ['bymac (match: macaddress 52:54:00:aa:bb:cc)'] });
    expect(s.by.enp1s0f0).toMatchObject({ role: 'parent', role_text: 'SR-IOV parent of vf1' });
    expect(s.by.vf1).toMatchObject({ parent: 'enp1s0f0', role: 'management' });
    // a match: stanza configuring other links too: a VLAN or bond naming its id would take them all
    const both = await set(r, ['vlan5', '--create-vlan', '--link', 'ens3', '--id', '5', '--static', '--address', '192.0.2.50', '--netmask', '24']);
    expect(both.json).toMatchObject({ ok: false, field: 'link' });
    expect(both.json.error).toMatch(/^ens3 is configured by mgmt \(match: name ens\*\), which also configures ens4: netplan would put the VLAN on all of them/);
    for (const members of ['ens3', 'ens4,lan7']) {
      const b = await set(r, ['bond0', '--create-bond', '--members', members, '--bond-mode', 'active-backup', '--dhcp']);
      expect(b.json, members).toMatchObject({ ok: false, field: 'members' });
      expect(b.json.error).toMatch(/which also configures ens[34]: netplan would make members of the bond all of them/);
    }
    expect(read(r.our)).toBe(our);
    // all of them chosen: the bond takes the stanza's id
    const all = await set(r, ['bond0', '--create-bond', '--members', 'ens3,ens4', '--bond-mode', 'active-backup', '--dhcp', '--dry-run']);
    expect(all.code, all.stderr).toBe(0);
    // a VLAN on a link its match: stanza configures alone names that netplan id (netplan needs the link defined)
    const v = await set(r, ['vlan5', '--create-vlan', '--link', 'lan7', '--id', '5', '--static', '--address', '192.0.2.50', '--netmask', '24', '--dry-run']);
    expect(v.code, v.stderr).toBe(0);
    const w = await set(r, ['vlan5', '--create-vlan', '--link', 'lan7', '--id', '5', '--static', '--address', '192.0.2.50', '--netmask', '24']);
    expect(w.code, w.stderr).toBe(0);
    expect(read(r.our)).toContain('  vlans:\n    vlan5:\n      id: 5\n      link: bymac\n');
    expect(rendered(r)['vlan5.netdev']).toMatch(/Id=5/);
    await rollback(r);
    expect(read(r.our)).toBe(our);
  });
});

describe.skipIf(why !== undefined)('bonds and VLANs made, captured, deleted', { timeout: 240_000 }, () => {
  const PORTS = `${MGMT}      routes:
        - to: 0.0.0.0/0
          via: 10.0.0.1
    eth1: {}
    eth2:
      mtu: 9000   # jumbo frames for the mirror
`;

  it('a bond of two NICs with a VLAN on top, managed over the VLAN: rendered by netplan; deleting both gives the file back byte for byte', async () => {
    const r = await demo(PORTS);
    const site = read(r.site);
    const dry = await set(r, ['bond0', '--create-bond', '--members', 'eth1,eth2', '--bond-mode', '802.3ad', '--lacp-rate', 'fast', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(read(r.our)).toBe(PORTS); // the review writes nothing
    const b = await set(r, ['bond0', '--create-bond', '--members', 'eth1,eth2', '--bond-mode', '802.3ad', '--lacp-rate', 'fast']);
    expect(b.code, b.stderr).toBe(0);
    await confirm(r);
    const v = await set(r, ['vlan10', '--create-vlan', '--link', 'bond0', '--id', '10', '--static', '--address', '192.0.2.10', '--netmask', '24']);
    expect(v.code, v.stderr).toBe(0);
    await confirm(r);
    const y = read(r.our);
    expect(y).toContain('    eth2:\n      mtu: 9000   # jumbo frames for the mirror\n'); // the member's other keys stay
    expect(y).toMatch(/# confconsole created: bonds\/bond0\n# confconsole created: vlans\/vlan10\n$/);
    const g = rendered(r);
    expect(g['bond0.netdev']).toMatch(/Kind=bond[^]*Mode=802\.3ad[^]*LACPTransmitRate=fast[^]*MIIMonitorSec=100ms/);
    expect(g['vlan10.netdev']).toMatch(/Kind=vlan[^]*Id=10/);
    expect(g['bond0.network']).toContain('VLAN=vlan10');
    expect(g['vlan10.network']).toContain('Address=192.0.2.10/24');
    for (const m of ['eth1', 'eth2']) expect(g[`${m}.network`]).toContain('Bond=bond0');
    const s = await show(r);
    expect(s.by.vlan10).toMatchObject({ kind: 'vlan', role: 'management', parent: 'bond0', vlan_id: 10, created_here: true });
    expect(s.by.bond0).toMatchObject({ kind: 'bond', role: 'parent', role_text: 'VLAN parent of vlan10', members: ['eth1', 'eth2'], bond_mode: '802.3ad', created_here: true });
    expect(s.by.eth2).toMatchObject({ role: 'member', role_text: 'member of bond0' });
    // a VLAN on top: the bond cannot go first; the session's VLAN cannot go at all
    expect((await set(r, ['bond0', '--delete'])).json.error).toMatch(/vlan10 sits on bond0: delete it first/);
    const mine = await set(r, ['vlan10', '--delete'], { SSH_CONNECTION: '198.51.100.9 50000 192.0.2.10 22' });
    expect(mine.json).toMatchObject({ field: 'interface' });
    expect(mine.json.error).toMatch(/connected through vlan10/);
    for (const n of ['vlan10', 'bond0']) {
      const d = await set(r, [n, '--delete']);
      expect(d.code, d.stderr).toBe(0);
      await confirm(r);
    }
    expect(read(r.our)).toBe(PORTS.replace('    eth1: {}\n', '    eth1: {}\n')); // byte for byte
    expect(read(r.site)).toBe(site);
    expect((await show(r)).by.bond0).toBeUndefined();
  });

  it('a capture bond: the bond and its members promiscuous, no address; the last management interface is never enslaved', async () => {
    const r = await demo(PORTS);
    const c = await set(r, ['cap0', '--create-bond', '--members', 'eth1,eth2', '--bond-mode', 'balance-rr', '--capture']);
    expect(c.code, c.stderr).toBe(0);
    const y = read(r.our);
    // each member gets the capture keys in its own stanza, its style and other keys kept
    expect(y).toContain('    eth1: {dhcp4: false, dhcp6: false, link-local: [], accept-ra: false, optional: true}\n');
    expect(y).toContain('    eth2:\n      mtu: 9000   # jumbo frames for the mirror\n      dhcp4: false\n      dhcp6: false\n      link-local: []\n      accept-ra: false\n      optional: true\n  bonds:\n');
    expect(y).toMatch(/cap0:\n {6}interfaces:\n {6}- eth1\n {6}- eth2\n[^]*dhcp4: false/);
    const g = rendered(r);
    expect(g['cap0.network']).not.toMatch(/Address=/);
    expect(g['eth1.network']).toContain('Bond=cap0');
    const s = await show(r);
    expect(s.by.cap0).toMatchObject({ kind: 'bond', role: 'capture', mode: 'capture' });
    await rollback(r);
    expect(read(r.our)).toBe(PORTS);
    // eth0 is the only management interface (no site file with an addressed bridge): a capture bond of it is refused
    const r1 = await demo(PORTS, NO_SITE);
    // the message names the management port only (eth1 captures), in a sentence (not "eth0, eth1 carry")
    for (const members of ['eth0,eth1', 'eth1,eth0', 'eth0']) {
      const last = await set(r1, ['cap0', '--create-bond', '--members', members, '--bond-mode', 'balance-rr', '--capture']);
      expect(last.json, members).toMatchObject({ field: 'members', error: 'eth0 is the last management interface: in a bond without an address the appliance would be unreachable' });
    }
    // an existing bond made the capture interface takes its members with it
    const r2 = await demo(DOC_BOND);
    const c2 = await set(r2, ['bond9', '--capture']);
    expect(c2.code, c2.stderr).toBe(0);
    expect(c2.json.plan.kept).toContain('members eth1, eth2: promiscuous, no address');
    expect(rendered(r2)['eth2.network']).toContain('Bond=bond9');
  });

  it("a bond whose member is the SSH session's interface: refused unless the bond keeps that address", async () => {
    const r = await demo(PORTS);
    const me = { SSH_CONNECTION: '10.0.0.99 50000 10.0.0.2 22' };
    for (const addressing of [[], ['--dhcp'], ['--static', '--address', '10.0.0.3', '--netmask', '24']]) {
      const no = await set(r, ['bond0', '--create-bond', '--members', 'eth0,eth1', '--bond-mode', 'active-backup', ...addressing], me);
      expect(no.code, addressing.join(' ')).toBe(2);
      expect(no.json).toMatchObject({ field: 'members' });
      expect(no.json.error).toMatch(/connected through eth0 \(10\.0\.0\.2\).*--static --address 10\.0\.0\.2/);
    }
    expect(read(r.our)).toBe(PORTS);
    const ok = await set(r, ['bond0', '--create-bond', '--members', 'eth0,eth1', '--bond-mode', 'active-backup', '--primary', 'eth0', '--static', '--address', '10.0.0.2', '--netmask', '24', '--gateway', '10.0.0.1'], me);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json.plan.members_lose).toEqual(['eth0: addresses', 'eth0: routes']);
    const g = rendered(r);
    expect(g['bond0.network']).toMatch(/Address=10\.0\.0\.2\/24[^]*Gateway=10\.0\.0\.1/);
    expect(g['eth0.network']).not.toContain('Address=');
    await rollback(r);
  });

  it("a session over IPv6: the bond keeps it with that static IPv6 address (DHCP or static IPv4 beside it), else refused naming --address6", async () => {
    const r = await demo(PORTS.replace('addresses: [10.0.0.2/24]', 'addresses: [10.0.0.2/24, "2001:db8:5::2/64"]'), NO_SITE);
    const me = { SSH_CONNECTION: '2001:db8:5::99 50000 2001:db8:5::2 22' };
    const bond = ['bond0', '--create-bond', '--members', 'eth0,eth1', '--bond-mode', 'active-backup'];
    for (const addressing of [['--dhcp'], ['--static', '--address', '10.0.0.2', '--netmask', '24'], ['--dhcp', '--address6', '2001:db8:5::3/64']]) {
      const no = await set(r, [...bond, ...addressing], me);
      expect(no.json, addressing.join(' ')).toMatchObject({ ok: false, field: 'members' });
      expect(no.json.error).toMatch(/connected through eth0 \(2001:db8:5::2\).*--address6 2001:db8:5::2\/PREFIX/);
    }
    for (const addressing of [['--dhcp', '--address6', '2001:db8:5::2/64'], ['--static', '--address', '10.0.0.2', '--netmask', '24', '--address6', '2001:db8:5::2/64']]) {
      const ok = await set(r, [...bond, ...addressing, '--dry-run'], me);
      expect(ok.code, `${addressing.join(' ')}: ${ok.stderr}`).toBe(0);
    }
  });

  it.each([
    ['an unknown mode', ['b1', '--create-bond', '--members', 'eth1', '--bond-mode', 'lacp'], 'bond-mode'],
    ['a primary that is no member', ['b1', '--create-bond', '--members', 'eth1,eth2', '--bond-mode', 'active-backup', '--primary', 'eth0'], 'primary'],
    ['a primary in balance-rr', ['b1', '--create-bond', '--members', 'eth1,eth2', '--bond-mode', 'balance-rr', '--primary', 'eth1'], 'primary'],
    ['a LACP rate outside 802.3ad', ['b1', '--create-bond', '--members', 'eth1', '--bond-mode', 'active-backup', '--lacp-rate', 'fast'], 'lacp-rate'],
    ['a bridge as member', ['b1', '--create-bond', '--members', 'eth1,br0', '--bond-mode', 'balance-rr'], 'members'],
    ['a name taken', ['eth2', '--create-bond', '--members', 'eth1', '--bond-mode', 'balance-rr'], 'name'],
    ['VLAN id 0', ['v0', '--create-vlan', '--link', 'eth1', '--id', '0', '--dhcp'], 'id'],
    ['VLAN id 4095', ['v1', '--create-vlan', '--link', 'eth1', '--id', '4095', '--dhcp'], 'id'],
    ['VLAN id 010', ['v1', '--create-vlan', '--link', 'eth1', '--id', '010', '--dhcp'], 'id'],
    ['a VLAN on a bridge', ['v1', '--create-vlan', '--link', 'br0', '--id', '5', '--dhcp'], 'link'],
    ['a capture VLAN', ['v1', '--create-vlan', '--link', 'eth1', '--id', '5', '--capture'], 'mode'],
    ['deleting what the console did not create', ['br0', '--delete'], 'interface'],
    ['deleting a port', ['eth1', '--delete'], 'interface'],
  ])('refused: %s (the field named, nothing written)', async (_what, args, field) => {
    const r = await demo(PORTS);
    const res = await set(r, args);
    expect(res.code, res.stderr).toBe(2);
    expect(res.json).toMatchObject({ ok: false, field });
    expect(read(r.our)).toBe(PORTS);
  });

  it('a hand-written bond (no mark) is never deleted; a duplicate VLAN id on one parent is refused', async () => {
    const r = await demo(DOC_BOND);
    const res = await set(r, ['bond9', '--delete']);
    expect(res.json.error).toMatch(/not created by the console/);
    const dup = await set(r, ['vlan99', '--create-vlan', '--link', 'eth3', '--id', '15', '--dhcp']);
    expect(dup.json).toMatchObject({ field: 'id' });
    expect(dup.json.error).toMatch(/VLAN 15 is already on eth3 \(vlan15\)/);
    expect(read(r.our)).toBe(DOC_BOND);
  });
});

// netplan's own examples (canonical/netplan examples/: sriov_vlan.yaml, vlan.yaml, bonding.yaml,
// bridge_vlan.yaml, vxlan.yaml), each as our file of a demo root: what each link is, and which
// are capture interfaces (netplan.py capture-names: the health check's "incoming packets" list)
describe.skipIf(why !== undefined)("netplan's examples: roles and the capture interfaces", { timeout: 240_000 }, () => {
  const captureNames = (r: Root) =>
    execFileSync('/usr/bin/python3', ['sbin/lib/netplan.py', 'capture-names', '--root', r.dir], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const SRIOV_VLAN = `network:
  version: 2
  renderer: networkd
  ethernets:
    eno1:
      mtu: 9000
    enp1s16f1:
      link: eno1
      addresses : [ "10.15.98.25/24" ]
  vlans:
    vlan1:
      id: 15
      link: enp1s16f1
      addresses: [ "10.3.99.5/24" ]
    vlan2_hw:
      id: 10
      link: enp1s16f1
      renderer: sriov
`;
  const BONDING = `network:
  version: 2
  renderer: networkd
  ethernets:
    enp3s0: {}
    enp4s0: {}
  bonds:
    bond0:
      dhcp4: yes
      interfaces:
        - enp3s0
        - enp4s0
      parameters:
        mode: active-backup
        primary: enp3s0
`;
  const BRIDGE_VLAN = `network:
  version: 2
  renderer: networkd
  ethernets:
    enp0s25:
      dhcp4: true
  bridges:
    br0:
      addresses: [ 10.3.99.25/24 ]
      interfaces: [ vlan15 ]
  vlans:
    vlan15:
      accept-ra: no
      id: 15
      link: enp0s25
`;

  it('an address-less VLAN (a hardware filter on an SR-IOV function) is no capture interface, nor is the SR-IOV parent', async () => {
    const r = await demo(SRIOV_VLAN, NO_SITE);
    const s = await show(r);
    expect(s.by.vlan2_hw).toMatchObject({ kind: 'vlan', role: 'unused', mode: 'none', parent: 'enp1s16f1' });
    expect(s.by.eno1).toMatchObject({ role: 'parent', role_text: 'SR-IOV parent of enp1s16f1' });
    expect(captureNames(r)).toEqual([]);
    // nor made promiscuous by an apply (ip-plan's and iface's mode)
    const mode = execFileSync('/usr/bin/python3', ['sbin/lib/netplan.py', 'iface', '--root', r.dir, '--iface', 'vlan2_hw'], { encoding: 'utf8' });
    expect(mode.split('\t')[0]).toBe('none');
    // its renderer is sriov: read-only, said as the refusal of a change says it
    expect(s.by.vlan2_hw).toMatchObject({ configurable: false, why: expect.stringMatching(/^managed by sriov \(renderer: sriov in etc\/netplan\/01-netcfg\.yaml\)/) });
    const before = read(r.our);
    expect((await set(r, ['vlan2_hw', '--dhcp'])).json.error).toMatch(/managed by sriov/);
    // the SR-IOV parent is no capture port while a function sits on it, named for what it is
    const cap = await set(r, ['eno1', '--capture']);
    expect(cap.json).toMatchObject({ field: 'interface' });
    expect(cap.json.error).toMatch(/^enp1s16f1 \(SR-IOV function\) sits on eno1/);
    expect(read(r.our)).toBe(before);
  });

  it.each([
    ['bonding.yaml: the members of a DHCP bond', BONDING, []],
    ['bridge_vlan.yaml: a VLAN that is a bridge member, the bridge', BRIDGE_VLAN, []],
    ['the factory shape: its capture port', 'network:\n  version: 2\n  ethernets:\n    eth0:\n      addresses: [10.0.0.2/24]\n    eth1:\n      dhcp4: false\n      dhcp6: false\n      link-local: []\n      accept-ra: false\n      optional: true\n', ['eth1']],
  ] as [string, string, string[]][])('the capture interfaces are those shown as capture: %s', async (_what, yaml, names) => {
    const r = await demo(yaml, NO_SITE);
    const s = await show(r);
    expect(captureNames(r)).toEqual(s.interfaces.filter((i: { role: string }) => i.role === 'capture').map((i: { name: string }) => i.name));
    expect(captureNames(r)).toEqual(names);
  });

  it('a capture bond is the capture interface, its members are not', async () => {
    const r = await demo(MGMT + '    eth1: {}\n    eth2: {}\n', NO_SITE);
    const c = await set(r, ['bond0', '--create-bond', '--members', 'eth1,eth2', '--bond-mode', 'balance-rr', '--capture']);
    expect(c.code, c.stderr).toBe(0);
    expect(captureNames(r)).toEqual(['bond0']);
  });

  it("vlan.yaml: a match: by MAC with set-name is the link it renames, with that stanza's addresses and role (present or absent)", async () => {
    const VLAN = `network:
  version: 2
  renderer: networkd
  ethernets:
    mainif:
      match:
        macaddress: "de:ad:be:ef:ca:fe"
      set-name: mainif
      addresses: [ "10.3.0.5/23" ]
      routes:
        - to: default
          via: 10.3.0.1
  vlans:
    vlan15:
      id: 15
      link: mainif
      addresses: [ "10.3.99.5/24" ]
`;
    const r = await demo(VLAN, NO_SITE);
    const s = await show(r);
    expect(s.by.mainif).toMatchObject({ mac: 'de:ad:be:ef:ca:fe', mode: 'static', address: '10.3.0.5', gateway: '10.3.0.1', addresses: ['10.3.0.5/23'], role: 'management' });
    // the NIC absent (no link of that MAC): still what its stanza says
    const links = join(r.dir, 'var/lib/confconsole/demo-links.json');
    writeFileSync(links, JSON.stringify(JSON.parse(read(links)).filter((l: { ifname: string }) => l.ifname !== 'mainif')));
    const absent = await show(r);
    expect(absent.by.mainif).toMatchObject({ state: 'ABSENT', mode: 'static', address: '10.3.0.5', role: 'management' });
    // its stanza is stale: no link has its MAC (what Initialize fresh MAC addresses is for)
    expect(absent.matches).toEqual([expect.objectContaining({ id: 'mainif', stale: true, mac: 'de:ad:be:ef:ca:fe' })]);
    // and a second shape: a name glob with set-name, by MAC too
    const r2 = await demo(VLAN.replace('macaddress: "de:ad:be:ef:ca:fe"', 'macaddress: "52:54:00:12:34:56"\n        name: "enp*"').replace(/vlans:[^]*$/, ''), NO_SITE);
    expect((await show(r2)).by.mainif).toMatchObject({ mac: '52:54:00:12:34:56', mode: 'static', role: 'management' });
  });

  it('vxlan.yaml: a lo stanza is the loopback interface, listed read-only, never an Ethernet port', async () => {
    const r = await demo(MGMT + '    lo:\n      addresses:\n        - 192.168.10.10/32\n', NO_SITE);
    const s = await show(r);
    expect(s.by.lo).toMatchObject({ kind: 'loopback', configurable: false, addresses: ['127.0.0.1/8', '192.168.10.10/32'] });
    expect(s.by.lo.why).toMatch(/loopback interface/);
    const before = read(r.our);
    const res = await set(r, ['lo', '--dhcp']);
    expect(res.code).toBe(2);
    expect(read(r.our)).toBe(before);
  });
});

// netplan reads 01-netcfg.yaml before 50-cloud-init.yaml and needs a bond's members and a VLAN's
// parent defined in the same file or an earlier one: what cloud-init defined moves with them
describe.skipIf(why !== undefined)("a bond or VLAN on links cloud-init's file defines", { timeout: 240_000 }, () => {
  const CLOUD = 'etc/netplan/50-cloud-init.yaml';
  const CLOUD_YAML = `# This file is generated from information provided by the datasource.
network:
  version: 2
  ethernets:
    eth2: {}
    eth3:
      mtu: 9000
    eth4:
      dhcp4: true
  bonds:
    bond7:
      interfaces: [eth2, eth3]
      parameters: {mode: 802.3ad}
      dhcp4: true
`;
  async function cloudRoot(): Promise<Root2> {
    const r = await demo(MGMT, NO_SITE);
    writeFileSync(join(r.dir, CLOUD), CLOUD_YAML, { mode: 0o600 });
    rmSync(join(r.dir, 'var/lib/confconsole/demo-links.json'));
    expect((await runScript('show_network.sh', [], r.dir)).code).toBe(0);
    return r;
  }

  it.each([
    ['an address on the bond: its members move with it', ['bond7', '--static', '--address', '192.0.2.7', '--netmask', '24'], 'bond7.network', /Address=192\.0\.2\.7\/24/, ['eth2', 'eth3', 'bond7']],
    ['the bond made the capture interface', ['bond7', '--capture'], 'eth3.network', /Bond=bond7/, ['eth2', 'eth3', 'bond7']],
    ['a VLAN on a port cloud-init defines: the port moves', ['vlan9', '--create-vlan', '--link', 'eth4', '--id', '9', '--dhcp'], 'eth4.network', /VLAN=vlan9/, ['eth4']],
  ] as [string, string[], string, RegExp, string[]][])('%s: netplan renders it; the rollback gives cloud-init its file back', async (_what, args, file, rendersAs, moved) => {
    const r = await cloudRoot();
    const res = await set(r, args);
    expect(res.code, `${res.stderr}\n${JSON.stringify(res.json)}`).toBe(0);
    expect(res.json.plan.moved.map((m: { id: string }) => m.id).sort()).toEqual([...moved].sort());
    expect(rendered(r)[file]).toMatch(rendersAs);
    if (moved.includes('eth3')) expect(read(r.our)).toMatch(/eth3:\n {6}mtu: 9000/);
    await rollback(r);
    expect(read(join(r.dir, CLOUD))).toBe(CLOUD_YAML);
  });

  it.each([['60-site.yaml', 'eth5'], ['90-late.yaml', 'eth6']])('a VLAN on a port only %s defines (read after ours) is refused naming the file, nothing written', async (file, port) => {
    const r = await demo(MGMT, NO_SITE);
    writeFileSync(join(r.dir, 'etc/netplan', file), `network:\n  version: 2\n  ethernets:\n    ${port}:\n      mtu: 1500\n`, { mode: 0o600 });
    rmSync(join(r.dir, 'var/lib/confconsole/demo-links.json'));
    const before = read(r.our);
    const res = await set(r, ['vlan3', '--create-vlan', '--link', port, '--id', '3', '--dhcp']);
    expect(res.json).toMatchObject({ ok: false, field: 'link' });
    expect(res.json.error).toContain(`${port} is defined in etc/netplan/${file}, which netplan reads after etc/netplan/01-netcfg.yaml`);
    expect(read(r.our)).toBe(before);
  });
});

// the live part: a namespace of our own with two veth ports; on a kernel with the bonding module
// the bond is made and applied, on one without (this machine) the apply fails and is restored
describe.skipIf(why !== undefined)('an existing bond changed: mode, parameters, members (--change-bond)', { timeout: 240_000 }, () => {
  // a hand-written bond with keys we do not manage (mtu, up-delay, a comment), a VLAN on top, and a
  // port with its own address that joins
  const LIVE = `${MGMT}    eth1: {}
    eth2:
      mtu: 9000   # jumbo frames
    eth3:
      addresses: [192.0.2.33/24]
  bonds:
    bond0:
      interfaces: [eth1, eth2]
      mtu: 9000
      addresses: [198.51.100.2/24]
      parameters:
        mode: 802.3ad
        lacp-rate: fast
        transmit-hash-policy: layer3+4
        up-delay: 200
        mii-monitor-interval: 100
  vlans:
    vlan10:
      id: 10
      link: bond0
      addresses: [203.0.113.10/24]
`;

  it('mode, primary and members changed: parameters the new mode does not take go (the review says so), every other key and the VLAN stay; netplan renders it; a rollback gives the file back', async () => {
    const r = await demo(LIVE);
    const site = read(r.site);
    const args = ['bond0', '--change-bond', '--bond-mode', 'active-backup', '--members', 'eth2,eth3', '--primary', 'eth3'];
    const dry = await set(r, [...args, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(read(r.our)).toBe(LIVE);
    expect(dry.json.plan.bond_changes).toEqual(['eth1 leaves the bond: a port without an address', 'lacp-rate removed: mode active-backup does not take it', 'transmit-hash-policy removed: mode active-backup does not take it']);
    expect(dry.json.plan.members_lose).toEqual(['eth3: addresses']);
    const c = await set(r, args);
    expect(c.code, c.stderr).toBe(0);
    expect(c.json).toMatchObject({ changed: true, mode: 'keep', pending: { id: expect.any(String) } });
    const y = read(r.our);
    expect(y).toContain('    eth2:\n      mtu: 9000   # jumbo frames\n'); // untouched
    expect(y).toContain('    eth3: {}\n');
    expect(y).toContain('      mtu: 9000\n      addresses: [198.51.100.2/24]\n      parameters:\n        mode: active-backup\n        up-delay: 200\n        mii-monitor-interval: 100\n        primary: eth3\n');
    const g = rendered(r);
    expect(g['bond0.netdev']).toMatch(/Mode=active-backup/);
    expect(g['bond0.netdev']).not.toMatch(/LACPTransmitRate|TransmitHashPolicy/);
    expect(g['bond0.netdev']).toMatch(/UpDelaySec=200ms/);
    expect(g['bond0.network']).toContain('Address=198.51.100.2/24');
    expect(g['bond0.network']).toContain('VLAN=vlan10');
    expect(g['eth3.network']).toContain('Bond=bond0');
    expect(g['eth3.network']).toContain('PrimarySlave=true');
    expect(g['eth1.network'] ?? '').not.toContain('Bond=');
    const s = await show(r);
    expect(s.by.bond0).toMatchObject({ members: ['eth2', 'eth3'], bond_mode: 'active-backup', role: 'management', on_top: [{ kind: 'vlan', name: 'vlan10' }] });
    expect(s.by.eth1).toMatchObject({ role: 'capture', member_of: null });
    await rollback(r);
    expect(read(r.our)).toBe(LIVE);
    expect(read(r.site)).toBe(site);
    // nothing given that differs: nothing applied
    const same = await set(r, ['bond0', '--change-bond', '--bond-mode', '802.3ad']);
    expect(same.json).toMatchObject({ changed: false, pending: null });
  });

  it.each([
    ['a member of another bond', [], 'network:\n  version: 2\n  ethernets:\n    eth5: {}\n    eth6: {}\n  bonds:\n    bond5:\n      interfaces: [eth5, eth6]\n', ['--members', 'eth1,eth2,eth5'], 'members', /eth5 is already a member of bond5/],
    ["the SSH session's port, the bond having another address", [], NO_SITE, ['--members', 'eth1,eth2,eth0'], 'members', /connected through eth0 \(10\.0\.0\.2\).*keeps that address/],
    ['a port carrying a VLAN', [], 'network:\n  version: 2\n  vlans:\n    vlan30:\n      id: 30\n      link: eth3\n', ['--members', 'eth1,eth3'], 'members', /vlan30 sits on eth3: delete it first/],
    ['a primary that leaves', [], NO_SITE, ['--bond-mode', 'active-backup', '--primary', 'eth3'], 'primary', /not one of the members/],
    ['a LACP rate outside 802.3ad', [], NO_SITE, ['--bond-mode', 'balance-xor', '--lacp-rate', 'slow'], 'lacp-rate', /802\.3ad only/],
    ['an addressing option', ['--dhcp'], NO_SITE, [], 'mode', /keeps the bond's addressing/],
  ] as [string, string[], string, string[], string, RegExp][])('refused: %s (the field named, nothing written)', async (_what, extra, site, opts, field, err) => {
    const r = await demo(LIVE, site);
    const res = await set(r, ['bond0', '--change-bond', ...opts, ...extra], { SSH_CONNECTION: '10.0.0.9 50000 10.0.0.2 22' });
    expect(res.code, res.stderr).toBe(2);
    expect(res.json).toMatchObject({ field });
    expect(res.json.error).toMatch(err);
    expect(read(r.our)).toBe(LIVE);
  });

  it('a port that leaves gets back what it had before a bond took it (kept in a mark), unless a link has its address now; else it is an address-less port', async () => {
    const OWN = MGMT + '    eth1: {}\n    eth2:\n      dhcp4: true\n    eth3:\n      addresses: [192.0.2.33/24]\n      routes:\n        - to: 198.18.0.0/15\n          via: 192.0.2.1\n';
    const r = await demo(OWN, NO_SITE);
    const step = async (args: string[], env: Record<string, string> = {}) => {
      const x = await set(r, args, env);
      expect(x.code, x.stderr).toBe(0);
      await confirm(r);
      return x.json.plan.bond_changes as string[] | undefined;
    };
    await step(['bond0', '--create-bond', '--members', 'eth1,eth2', '--bond-mode', 'active-backup', '--static', '--address', '10.0.9.2', '--netmask', '24']);
    expect(read(r.our)).toContain('# confconsole bond member: bond0/eth2 had: {"dhcp4":true}\n');
    expect(await step(['bond0', '--change-bond', '--members', 'eth1,eth3'])).toEqual(['eth2 leaves the bond and gets back what it had: dhcp4: true']);
    expect(await step(['bond0', '--change-bond', '--members', 'eth2'])).toEqual([
      'eth1 leaves the bond: a port without an address',
      'eth3 leaves the bond and gets back what it had: addresses: ["192.0.2.33/24"], routes: [{"to": "198.18.0.0/15", "via": "192.0.2.1"}]',
    ]);
    const g = rendered(r);
    expect(g['eth3.network']).toContain('Address=192.0.2.33/24');
    expect(g['eth3.network']).toMatch(/Destination=198\.18\.0\.0\/15[^]*Gateway=192\.0\.2\.1|Gateway=192\.0\.2\.1[^]*Destination=198\.18\.0\.0\/15/);
    expect(g['eth2.network']).toContain('Bond=bond0');
    expect((await show(r)).by.eth3).toMatchObject({ role: 'management', address: '192.0.2.33' });
    expect(read(r.our)).not.toContain('bond0/eth3 had');
    // the session's port joined with the bond keeping its address: leaving, it does not take that address back
    const me = { SSH_CONNECTION: '10.0.0.99 50000 10.0.0.2 22' };
    const r2 = await demo(OWN, NO_SITE);
    const x = await set(r2, ['bond1', '--create-bond', '--members', 'eth0,eth1', '--bond-mode', 'active-backup', '--static', '--address', '10.0.0.2', '--netmask', '24'], me);
    expect(x.code, x.stderr).toBe(0);
    await confirm(r2);
    const y = await set(r2, ['bond1', '--change-bond', '--members', 'eth1'], me);
    expect(y.code, y.stderr).toBe(0);
    expect(y.json.plan.bond_changes).toEqual(['eth0 leaves the bond: a port without an address (what it had, 10.0.0.2, is now the address of bond1)']);
    expect(rendered(r2)['eth0.network'] ?? '').not.toContain('Address=10.0.0.2');
    // deleting the bond drops its members' marks (they stay as they are)
    await confirm(r2);
    const d = await set(r2, ['bond1', '--delete'], me);
    expect(d.json.error).toMatch(/connected through bond1/);
    await step(['bond0', '--delete']);
    expect(read(r.our)).not.toMatch(/confconsole bond member: bond0/);
  });

  it('a bond another file defines, or a port, is not changed here: refused with the reason', async () => {
    const r = await demo(LIVE, 'network:\n  version: 2\n  ethernets:\n    eth5: {}\n    eth6: {}\n  bonds:\n    bond5:\n      interfaces: [eth5, eth6]\n      parameters: {mode: balance-rr}\n');
    const other = await set(r, ['bond5', '--change-bond', '--bond-mode', 'active-backup']);
    expect(other.json).toMatchObject({ field: 'interface' });
    expect(other.json.error).toMatch(/60-site\.yaml/);
    const port = await set(r, ['eth1', '--change-bond', '--bond-mode', 'active-backup']);
    expect(port.json.error).toMatch(/eth1 is no bond/);
    expect(read(r.our)).toBe(LIVE);
  });

  it("a bond created without an address is unused (not capture) in the list and for the health check until a VLAN or an address is on it; a capture bond stays the capture interface", async () => {
    const r = await demo(MGMT + '    eth1: {}\n    eth2: {}\n    eth3:\n      dhcp4: false\n      dhcp6: false\n      link-local: []\n      accept-ra: false\n      optional: true\n', NO_SITE);
    const c = await set(r, ['bond0', '--create-bond', '--members', 'eth1,eth2', '--bond-mode', 'active-backup']);
    expect(c.code, c.stderr).toBe(0);
    await confirm(r);
    const names = () => execFileSync('/usr/bin/python3', ['sbin/lib/netplan.py', 'capture-names', '--root', r.dir], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect((await show(r)).by.bond0).toMatchObject({ role: 'unused', mode: 'none' });
    expect(names()).toEqual(['eth3']);
    // changing its members keeps it so; made the capture interface, it is one
    expect((await set(r, ['bond0', '--change-bond', '--members', 'eth1'])).code).toBe(0);
    await confirm(r);
    expect((await show(r)).by.bond0).toMatchObject({ role: 'unused', members: ['eth1'] });
    expect((await set(r, ['bond0', '--capture'])).code).toBe(0);
    await confirm(r);
    expect((await show(r)).by.bond0).toMatchObject({ role: 'capture' });
    expect(names()).toEqual(['eth2', 'eth3', 'bond0']); // eth2 left the bond: an address-less port
  });

  it('a bond whose members are match: stanzas (netplan ids, not link names): its mode and members changed, its primary kept as the id; show names the primary by its link', async () => {
    // the links first, by name, to learn their MAC addresses; then the bond made of match: stanzas
    const r = await demo(MGMT + '    eth2: {}\n    eth3: {}\n    eth4: {}\n');
    const macs = (await show(r)).by as Record<string, { mac: string }>;
    const byMac = `${MGMT}    p2:
      match: {macaddress: "${macs.eth2!.mac}"}
    p3:
      match: {macaddress: "${macs.eth3!.mac}"}
    eth4: {}
  bonds:
    bond0:
      interfaces: [p2, p3]
      addresses: [198.51.100.2/24]
      parameters:
        mode: active-backup
        primary: p2
`;
    writeFileSync(r.our, byMac, { mode: 0o600 });
    expect((await show(r)).by.bond0).toMatchObject({ members: ['eth2', 'eth3'], bond_primary: 'eth2' });
    // the mode alone (was refused: netplan "interface 'eth3' is not defined", the links' names written)
    const mode = await set(r, ['bond0', '--change-bond', '--bond-mode', 'balance-xor']);
    expect(mode.code, mode.stderr).toBe(0);
    expect(read(r.our)).toContain('      interfaces: [p2, p3]\n');
    expect(rendered(r)['bond0.netdev']).toMatch(/Mode=balance-xor/);
    await rollback(r);
    expect(read(r.our)).toBe(byMac);
    // a member added and the primary kept (was refused: the primary "p2" is not one of the members)
    const add = await set(r, ['bond0', '--change-bond', '--members', 'eth2,eth3,eth4']);
    expect(add.code, add.stderr).toBe(0);
    const y = read(r.our);
    expect(y).toContain('      interfaces: [p2, p3, eth4]\n');
    expect(y).toContain('        primary: p2\n');
    expect(rendered(r)['eth4.network']).toContain('Bond=bond0');
    // the apply's plan of the device names the members by their links (net_apply compares it with the kernel's)
    const links = join(r.dir, '.test-links.json');
    writeFileSync(links, JSON.stringify(Object.values(macs).map((l) => ({ ifname: (l as unknown as { name: string }).name, address: l.mac }))));
    const plan = execFileSync('/usr/bin/python3', ['sbin/lib/netplan.py', 'dev-plan', '--root', r.dir, '--iface', 'bond0', '--links', links], { encoding: 'utf8' }).trim();
    expect(plan.split('\t')).toEqual(['bond', 'active-backup', 'eth2', 'eth3', 'eth4']);
    await rollback(r);
  });
});

describe.skipIf(why !== undefined || whyNs !== undefined)('a bond in a namespace of our own', { timeout: 240_000 }, () => {
  const NS = `ccbond-${randomBytes(3).toString('hex')}`;
  const ip = (...a: string[]) => execFileSync('ip', a, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  beforeAll(() => {
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'peer0');
    ip('-n', NS, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'peer1');
    ip('-n', NS, 'link', 'add', 'eth2', 'type', 'veth', 'peer', 'name', 'peer2');
    ip('-n', NS, 'addr', 'add', '192.0.2.2/24', 'dev', 'eth0');
    for (const l of ['eth0', 'eth1', 'eth2', 'peer0', 'peer1', 'peer2']) ip('-n', NS, 'link', 'set', l, 'up');
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
  });

  it('created and applied where the kernel has bonding; else the apply fails and everything is put back (exit 3)', async () => {
    const r = makeRoot({ demo: false });
    const yaml = 'network:\n  version: 2\n  renderer: networkd\n  ethernets:\n    eth0:\n      addresses: [192.0.2.2/24]\n    eth1: {}\n    eth2: {}\n';
    mkdirSync(join(r.dir, 'etc/netplan'), { recursive: true });
    writeFileSync(join(r.dir, OUR), yaml, { mode: 0o600 });
    const env = { CONFCONSOLE_NETNS: NS, CONFCONSOLE_NET_PORT_KINDS: 'veth' };
    const hasBonding = spawnSync('ip', ['-n', NS, 'link', 'add', 'probe0', 'type', 'bond']).status === 0;
    if (hasBonding) ip('-n', NS, 'link', 'del', 'probe0');
    const res = await runScript('set_network.sh', ['bond0', '--create-bond', '--members', 'eth1,eth2', '--bond-mode', 'active-backup', '--static', '--address', '198.51.100.2', '--netmask', '24'], r.dir, env);
    if (hasBonding) {
      expect(res.code, res.stderr).toBe(0);
      expect(ip('-n', NS, '-br', 'addr', 'show', 'dev', 'bond0')).toContain('198.51.100.2/24');
      expect((await runScript('net_rollback.sh', [], r.dir, env)).json.rolled_back).toBe(true);
      expect(spawnSync('ip', ['-n', NS, 'link', 'show', 'dev', 'bond0']).status).not.toBe(0);
    } else {
      expect(res.code, res.stderr).toBe(3);
      expect(res.stderr).toMatch(/cannot make bond bond0/);
      expect(res.json.error).toMatch(/did not apply.*previous settings restored/);
    }
    expect(read(join(r.dir, OUR))).toBe(yaml);
    expect(ip('-n', NS, '-br', 'addr', 'show', 'dev', 'eth0')).toContain('192.0.2.2/24');
  });
  it('a bond changed (mode and members) in the namespace: applied where the kernel has bonding (made again); else it fails and everything is put back (exit 3)', async () => {
    const r = makeRoot({ demo: false });
    const yaml = 'network:\n  version: 2\n  renderer: networkd\n  ethernets:\n    eth0:\n      addresses: [192.0.2.2/24]\n    eth1: {}\n    eth2: {}\n  bonds:\n    bond0:\n      interfaces: [eth1, eth2]\n      addresses: [198.51.100.2/24]\n      parameters: {mode: 802.3ad, lacp-rate: fast}\n';
    mkdirSync(join(r.dir, 'etc/netplan'), { recursive: true });
    writeFileSync(join(r.dir, OUR), yaml, { mode: 0o600 });
    const env = { CONFCONSOLE_NETNS: NS, CONFCONSOLE_NET_PORT_KINDS: 'veth' };
    const hasBonding = spawnSync('ip', ['-n', NS, 'link', 'add', 'probe0', 'type', 'bond']).status === 0;
    if (hasBonding) ip('-n', NS, 'link', 'del', 'probe0');
    const res = await runScript('set_network.sh', ['bond0', '--change-bond', '--bond-mode', 'active-backup', '--members', 'eth1'], r.dir, env);
    if (hasBonding) {
      expect(res.code, res.stderr).toBe(0);
      expect(ip('-n', NS, '-d', 'link', 'show', 'dev', 'bond0')).toMatch(/bond mode active-backup/);
      expect((await runScript('net_rollback.sh', [], r.dir, env)).json.rolled_back).toBe(true);
    } else {
      expect(res.code, res.stderr).toBe(3);
      expect(res.stderr).toMatch(/cannot make bond bond0/);
      expect(res.json.error).toMatch(/did not apply.*previous settings restored/);
    }
    expect(read(join(r.dir, OUR))).toBe(yaml);
    expect(ip('-n', NS, '-br', 'addr', 'show', 'dev', 'eth0')).toContain('192.0.2.2/24');
  });

  it("net_bond_differs: a live bond whose mode or members are not the plan's is made again; the same members in another order are the same", () => {
    const differs = (plan: string, mode: string, slaves: string) =>
      spawnSync('bash', ['-c', `. "$1/lib/net.sh"; net_bond_differs "$2" "$3" "$4"`, '-', SBIN, plan, mode, slaves]).status;
    expect(differs('bond\tactive-backup\teth1\teth2', 'active-backup', 'eth2 eth1')).toBe(1);
    expect(differs('bond\tactive-backup\teth1\teth2', '802.3ad', 'eth1 eth2')).toBe(0);
    expect(differs('bond\tactive-backup\teth1', 'active-backup', 'eth1 eth2')).toBe(0);
    expect(differs('bond\tbalance-rr\teth1\teth3', 'balance-rr', 'eth1 eth2')).toBe(0);
    expect(differs('vlan\teth0\t10', 'x', '')).toBe(1);
  });
});

describe.skipIf(missing('system: one walk over netplan stanzas', ['/usr/bin/python3']))('netplan stanzas: one walker for links and the model', () => {
  // links.definitions, model.stanzas_of, configured_names and devices all read model.stanzas:
  // the same stanzas in the same order, and a damaged file (a section or network: that is not
  // a mapping) is skipped by all of them rather than crashing one
  const walk = (files: [string, unknown][]) =>
    JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', `
import json, sys
sys.path.insert(0, 'sbin/lib')
from ccnet import model, links
files = json.load(sys.stdin)
print(json.dumps({
  'walk': [[t, sid] for _, t, sid, _ in model.stanzas(files)],
  'defs': [list(k) for k in links.definitions(files)],
  'names': model.configured_names(files),
  'of_eth1': [[rel, t, sid] for rel, t, sid, _ in model.stanzas_of(files, 'eth1', '52:54:00:00:00:01')],
  'devices': sorted(model.devices(files[0][1]) if files else []),
}))`], { input: JSON.stringify(files), encoding: 'utf8' }),
    ) as { walk: string[][]; defs: string[][]; names: string[]; of_eth1: string[][]; devices: string[] };

  it.each([
    ['two files, three sections', [['a.yaml', { network: { ethernets: { eth0: {}, eth1: { dhcp4: true } }, bonds: { bond0: { interfaces: ['eth2'] } } } }], ['b.yaml', { network: { vlans: { v5: { id: 5, link: 'eth0' } }, ethernets: { eth1: { mtu: 9000 } } } }]]],
    ['a match: stanza by MAC', [['a.yaml', { network: { ethernets: { lan: { match: { macaddress: '52:54:00:00:00:01' }, 'set-name': 'eth1' }, eth0: {} } } }]]],
    ['damaged sections', [['a.yaml', { network: { ethernets: ['eth0'], bonds: 'x', vlans: { v1: { id: 1, link: 'eth1' } } } }], ['b.yaml', { network: 'text' }], ['c.yaml', {}]]],
  ] as [string, [string, unknown][]][])('%s', (_name, files) => {
    const w = walk(files);
    const unique = [...new Map(w.walk.map((k) => [k.join('/'), k])).values()];
    expect(w.defs).toEqual(unique);
    expect(w.names.length).toBeGreaterThan(0);
    expect(w.devices.length).toBeLessThanOrEqual(w.walk.length);
    for (const [, t, sid] of w.of_eth1) expect(w.walk).toContainEqual([t, sid]);
  });
});
