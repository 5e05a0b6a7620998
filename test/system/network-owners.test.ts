// Real appliances (issue 9 items 1-4, issue 10 item 7), on real netplan and iproute2 in network
// namespaces of the test's own (documentation ranges only):
//   - a change rewrites only the keys it manages: every other key, comment and file survives;
//   - another netplan file that configures the interface: shown, merged as netplan merges (the
//     same as `netplan get`), moved into our file (cloud-init) or refused (any other owner);
//   - only the machine's ports are configurable, decided by what the kernel says (bridges, TUN/TAP,
//     VXLAN, a veth named like a port: listed read-only with their kind, refused);
//   - IPv6 addresses and routes are shown and set (--address6, --gateway6);
//   - our file missing: reported, and a change refused rather than a partial file written.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { makeRoot, removeRoots, runScript, treeSnapshot, type Root } from './helpers.js';

const why = missing('system: network owners, kept keys, link kinds, IPv6 (namespaces)', ['root', 'ip', 'ping', 'setsid', 'netplan', '/usr/bin/python3']);

const TAG = randomBytes(3).toString('hex');
const NS_A = `ccown-${TAG}-a`;
const NS_B = `ccown-${TAG}-b`;
const NS_C = `ccown-${TAG}-c`;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const inA = (...args: string[]) => ip('-n', NS_A, ...args);
const inC = (...args: string[]) => ip('-n', NS_C, ...args);
const addrsOf = (ns: string, ifc: string, fam: '-4' | '-6') =>
  (JSON.parse(ip('-n', ns, '-j', fam, 'addr', 'show', 'dev', ifc)) as { addr_info: { local: string; prefixlen: number; scope: string }[] }[])
    .flatMap((l) => l.addr_info)
    .filter((a) => a.scope !== 'link')
    .map((a) => `${a.local}/${a.prefixlen}`);
const timers: number[] = [];

/** YAML → JSON with python's yaml (what netplan.py reads), for comparing meanings. */
const yamlOf = (text: string): unknown => JSON.parse(execFileSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))'], { input: text, encoding: 'utf8' }));
/** What the real netplan computes for one key under root (netplan get --root-dir). */
const netplanGet = (root: string, key: string): unknown => yamlOf(execFileSync('netplan', ['get', '--root-dir', root, key], { encoding: 'utf8' }));

const OUR = 'etc/netplan/01-netcfg.yaml';
const CLOUD = 'etc/netplan/50-cloud-init.yaml';
const DROPIN = 'etc/cloud/cloud.cfg.d/99-disable-network-config.cfg';

function root(files: Record<string, string>): Root {
  const r = makeRoot({ demo: false });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(r.dir, rel, '..'), { recursive: true });
    writeFileSync(join(r.dir, rel), text, { mode: 0o600 });
  }
  return r;
}
const read = (r: Root, rel: string) => readFileSync(join(r.dir, rel), 'utf8');
const PORTS = { CONFCONSOLE_NET_PORT_KINDS: 'veth' };
const runA = (r: Root, name: string, args: string[], extra: Record<string, string> = PORTS) => runScript(name, args, r.dir, { CONFCONSOLE_NETNS: NS_A, ...extra });
const runC = (r: Root, name: string, args: string[], extra: Record<string, string> = {}) => runScript(name, args, r.dir, { CONFCONSOLE_NETNS: NS_C, ...extra });
const skip = (rel: string) => rel === '.test' || rel.startsWith('.test/') || rel === 'run/confconsole/lock';
type Iface = Record<string, unknown> & { name: string };
const byName = (show: { json: { interfaces: Iface[] } }) => Object.fromEntries(show.json.interfaces.map((i) => [i.name, i]));

/** set_network.sh, remembering its rollback timer (stopped in afterAll whatever happens) */
async function set(r: Root, args: string[], extra: Record<string, string> = PORTS) {
  const res = await runA(r, 'set_network.sh', [...args, '--confirm-timeout', '600'], extra);
  if (res.code === 0) {
    const p = JSON.parse(readFileSync(join(r.dir, 'var/lib/confconsole/net-pending.json'), 'utf8'));
    timers.push(Number(String(p.timer).replace(/^pid:/, '')));
  }
  return res;
}
const rollback = (r: Root) => runA(r, 'net_rollback.sh', []);

function resetA() {
  for (const ifc of ['ccm0', 'ccm1']) {
    inA('addr', 'flush', 'dev', ifc, 'scope', 'global');
    inA('link', 'set', ifc, 'up', 'promisc', 'off');
  }
  inA('addr', 'add', '192.0.2.10/24', 'dev', 'ccm0');
  inA('addr', 'add', '203.0.113.10/24', 'dev', 'ccm1');
}

// ---- item 2: keep what we don't manage -----------------------------------------------------
const KEEP = `# the appliance's network (hand-edited)
network:
  version: 2
  renderer: networkd
  ethernets:
    ccm0:
      # management: the lab network
      addresses:
        - 192.0.2.10/24
        - "2001:db8:1::2/64"
      routes:
        - to: 0.0.0.0/0
          via: 192.0.2.1
        - to: 192.168.50.0/24   # the lab behind .254
          via: 192.0.2.254
      critical: true
      dhcp6: false
      accept-ra: false
      nameservers:
        addresses: [192.0.2.1]
    ccm1:
      addresses: [203.0.113.10/24]
# end of the site's file
`;

describe.skipIf(why !== undefined)('real appliances: owners, kept keys, link kinds, IPv6', () => {
  beforeAll(() => {
    for (const ns of [NS_A, NS_B, NS_C]) ip('netns', 'add', ns);
    for (const [a, b] of [['ccm0', 'ccm0p'], ['ccm1', 'ccm1p']]) {
      inA('link', 'add', a!, 'type', 'veth', 'peer', 'name', b!, 'netns', NS_B);
      ip('-n', NS_B, 'link', 'set', b!, 'up');
    }
    ip('-n', NS_B, 'addr', 'add', '192.0.2.1/24', 'dev', 'ccm0p');
    ip('-n', NS_B, 'addr', 'add', '203.0.113.1/24', 'dev', 'ccm1p');
    ip('-n', NS_B, 'addr', 'add', '2001:db8:3::1/64', 'dev', 'ccm1p', 'nodad');
    inA('link', 'set', 'lo', 'up');
    // C: a container host's links, none of them a port
    inC('link', 'add', 'docker0', 'type', 'bridge');
    inC('addr', 'add', '192.0.2.1/24', 'dev', 'docker0');
    inC('link', 'set', 'docker0', 'up');
    inC('tuntap', 'add', 'mode', 'tap', 'name', 'tap0');
    inC('link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789');
    inC('link', 'add', 'eth7', 'type', 'veth', 'peer', 'name', 'veth7c');
    inC('link', 'set', 'eth7', 'up');
    resetA();
  });
  afterAll(() => {
    for (const pid of timers) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const ns of [NS_A, NS_B, NS_C]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    removeRoots();
  });
  beforeEach(() => resetA());

  describe('a change rewrites only the keys it manages', () => {
    it('the issue example: route, IPv6 address, critical, dhcp6, accept-ra and comments survive an IPv4 change; the plan lists them; the rollback is byte for byte', async () => {
      const r = root({ [OUR]: KEEP });
      const dry = await runA(r, 'set_network.sh', ['ccm0', '--static', '--address', '192.0.2.20', '--netmask', '24', '--gateway', '192.0.2.1', '--dns', '192.0.2.1', '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.json.plan.kept).toEqual(['IPv6 address 2001:db8:1::2/64', 'route 192.168.50.0/24 via 192.0.2.254', 'critical: true', 'dhcp6: false', 'accept-ra: false']);
      expect(read(r, OUR)).toBe(KEEP); // a dry run writes nothing
      const res = await set(r, ['ccm0', '--static', '--address', '192.0.2.20', '--netmask', '24', '--gateway', '192.0.2.1', '--dns', '192.0.2.1']);
      expect(res.code, res.stderr).toBe(0);
      // only the addresses key is written again (it holds the changed IPv4 address)
      expect(read(r, OUR)).toBe(KEEP.replace('      addresses:\n        - 192.0.2.10/24\n        - "2001:db8:1::2/64"\n', '      addresses:\n      - 192.0.2.20/24\n      - 2001:db8:1::2/64\n'));
      expect(addrsOf(NS_A, 'ccm0', '-4')).toEqual(['192.0.2.20/24']);
      expect(addrsOf(NS_A, 'ccm0', '-6')).toEqual(['2001:db8:1::2/64']);
      expect(inA('route', 'show', '192.168.50.0/24')).toContain('via 192.0.2.254 dev ccm0');
      const show = byName(await runA(r, 'show_network.sh', []));
      expect(show.ccm0).toMatchObject({ mode: 'static', address: '192.0.2.20', address6: '2001:db8:1::2', prefix6: 64, routes: ['192.168.50.0/24 via 192.0.2.254'], addresses: ['192.0.2.20/24', '2001:db8:1::2/64'] });
      expect((await rollback(r)).json).toEqual({ ok: true, rolled_back: true });
      expect(read(r, OUR)).toBe(KEEP);
    });

    it('a flow-style file: the stanza stays one line, its trailing comment and the other keys (mtu, optional) stay', async () => {
      const flow = '# site\nnetwork: {version: 2, renderer: networkd, ethernets: {ccm0: {addresses: [192.0.2.10/24]}}}\n';
      const ours = `network:\n  version: 2\n  ethernets:\n    ccm0: {addresses: [192.0.2.10/24]}\n    ccm1: {addresses: [203.0.113.10/24], mtu: 1400, optional: true}  # uplink, do not touch the MTU\n`;
      const r = root({ [OUR]: ours });
      const res = await set(r, ['ccm1', '--static', '--address', '203.0.113.11', '--netmask', '24', '--gateway', '203.0.113.1']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.json.plan.kept).toEqual(['mtu: 1400', 'optional: true']);
      expect(read(r, OUR)).toBe(ours.replace('{addresses: [203.0.113.10/24], mtu: 1400, optional: true}', '{addresses: [203.0.113.11/24], mtu: 1400, optional: true, routes: [{to: 0.0.0.0/0, via: 203.0.113.1}]}'));
      expect(inA('route', 'show', 'default')).toContain('via 203.0.113.1 dev ccm1');
      expect((await rollback(r)).json.rolled_back).toBe(true);
      expect(read(r, OUR)).toBe(ours);
      // a whole document in flow style is written again in flow style, its comment kept
      const r2 = root({ [OUR]: flow });
      const res2 = await set(r2, ['ccm0', '--static', '--address', '192.0.2.21', '--netmask', '24']);
      expect(res2.code, res2.stderr).toBe(0);
      expect(read(r2, OUR)).toMatch(/^# site\nnetwork: \{.*192\.0\.2\.21\/24.*\}\n$/);
      expect((await rollback(r2)).json.rolled_back).toBe(true);
    });

    it('capture → static: the capture keys go, match/set-name/wakeonlan/mtu and a vlans: section stay byte for byte', async () => {
      const mac = (JSON.parse(inA('-j', 'link', 'show', 'dev', 'ccm1')) as { address: string }[])[0]!.address;
      const ours = `network:
  version: 2
  renderer: networkd
  ethernets:
    ccm0:
      addresses: [192.0.2.10/24]
    ccm1:
      match:
        macaddress: "${mac}"
      set-name: ccm1
      wakeonlan: true
      mtu: 9000
      dhcp4: false
      dhcp6: false
      link-local: []
      accept-ra: false
      optional: true
  vlans:
    # the storage VLAN
    vlan15:
      id: 15
      link: ccm1
      addresses: [198.51.100.10/24]
`;
      const r = root({ [OUR]: ours });
      const res = await set(r, ['ccm1', '--static', '--address', '203.0.113.12', '--netmask', '24']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.json.plan.kept).toEqual([`match: {"macaddress": "${mac}"}`, 'set-name: "ccm1"', 'wakeonlan: true', 'mtu: 9000']);
      const after = read(r, OUR);
      expect(after).toContain('  vlans:\n    # the storage VLAN\n    vlan15:\n      id: 15\n      link: ccm1\n      addresses: [198.51.100.10/24]\n');
      expect(yamlOf(after)).toEqual({ network: { version: 2, renderer: 'networkd', ethernets: { ccm0: { addresses: ['192.0.2.10/24'] }, ccm1: { match: { macaddress: mac }, 'set-name': 'ccm1', wakeonlan: true, mtu: 9000, addresses: ['203.0.113.12/24'] } }, vlans: { vlan15: { id: 15, link: 'ccm1', addresses: ['198.51.100.10/24'] } } } });
      expect(addrsOf(NS_A, 'ccm1', '-4')).toEqual(['203.0.113.12/24']);
      expect((await rollback(r)).json.rolled_back).toBe(true);
      expect(read(r, OUR)).toBe(ours);
    });
  });

  describe('other owners of an interface', () => {
    const CLOUD_DHCP = '{network: {version: 2, ethernets: {ccm0: {dhcp4: true}}}}\n';
    const OURS_BOTH = 'network:\n  version: 2\n  renderer: networkd\n  ethernets:\n    ccm0:\n      addresses: [192.0.2.10/24]\n    ccm1:\n      addresses: [203.0.113.10/24]\n';

    it('the issue example: show names both files and what netplan merges (= netplan get); the change moves cloud-init\'s stanza, disables its network config, and the rollback puts all three back', async () => {
      const r = root({ [OUR]: OURS_BOTH, [CLOUD]: CLOUD_DHCP });
      const before = byName(await runA(r, 'show_network.sh', []));
      expect(before.ccm0).toMatchObject({ files: [OUR, CLOUD], mode: 'dhcp' }); // DHCP on *and* the static address: the truth
      expect(before.ccm0!.config).toEqual(netplanGet(r.dir, 'ethernets.ccm0'));
      expect(before.ccm1).toMatchObject({ files: [OUR], mode: 'static' });
      expect(before.ccm1!.config).toEqual(netplanGet(r.dir, 'ethernets.ccm1'));

      const res = await set(r, ['ccm0', '--static', '--address', '192.0.2.5', '--netmask', '24', '--gateway', '192.0.2.1']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.json.plan).toMatchObject({ moved: [{ from: CLOUD, id: 'ccm0' }], dropin: DROPIN, files: [OUR, CLOUD, DROPIN] });
      expect(netplanGet(r.dir, 'ethernets.ccm0')).toEqual({ addresses: ['192.0.2.5/24'], routes: [{ to: '0.0.0.0/0', via: '192.0.2.1' }] });
      expect(yamlOf(read(r, CLOUD))).toEqual({ network: { version: 2, ethernets: {} } });
      expect(read(r, DROPIN)).toContain('network: {config: disabled}');
      const after = byName(await runA(r, 'show_network.sh', []));
      expect(after.ccm0).toMatchObject({ files: [OUR], mode: 'static', address: '192.0.2.5' });
      expect(addrsOf(NS_A, 'ccm0', '-4')).toEqual(['192.0.2.5/24']);

      expect((await rollback(r)).json.rolled_back).toBe(true);
      expect(read(r, OUR)).toBe(OURS_BOTH);
      expect(read(r, CLOUD)).toBe(CLOUD_DHCP);
      expect(existsSync(join(r.dir, DROPIN))).toBe(false);
    });

    it('cloud-init matching by MAC under another id: moved with its match and set-name; show found it by the MAC', async () => {
      const mac = (JSON.parse(inA('-j', 'link', 'show', 'dev', 'ccm1')) as { address: string }[])[0]!.address;
      const cloud = `# This file is generated from information provided by the datasource.\nnetwork:\n    version: 2\n    ethernets:\n        nic1:\n            match:\n                macaddress: '${mac}'\n            set-name: ccm1\n            addresses: [203.0.113.10/24]\n            mtu: 1450\n`;
      const r = root({ [OUR]: 'network:\n  version: 2\n  ethernets:\n    ccm0:\n      addresses: [192.0.2.10/24]\n', [CLOUD]: cloud });
      expect(byName(await runA(r, 'show_network.sh', [])).ccm1).toMatchObject({ files: [CLOUD], mode: 'static', address: '203.0.113.10' });
      const res = await set(r, ['ccm1', '--static', '--address', '203.0.113.20', '--netmask', '24']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.json.plan.moved).toEqual([{ from: CLOUD, id: 'nic1' }]);
      expect(res.json.plan.kept).toEqual([`match: {"macaddress": "${mac}"}`, 'set-name: "ccm1"', 'mtu: 1450']);
      expect(read(r, CLOUD)).toMatch(/^# This file is generated/);
      expect(netplanGet(r.dir, 'ethernets.ccm1')).toMatchObject({ addresses: ['203.0.113.20/24'], mtu: 1450, 'set-name': 'ccm1' });
      expect(netplanGet(r.dir, 'ethernets.nic1')).toBeNull();
      expect((await rollback(r)).json.rolled_back).toBe(true);
      expect(read(r, CLOUD)).toBe(cloud);
    });

    it.each([
      ['a site file', { '60-site.yaml': 'network:\n  version: 2\n  ethernets:\n    ccm1:\n      mtu: 1400\n      dhcp4: true\n' }, /also configured in etc\/netplan\/60-site\.yaml \(mtu, dhcp4\)/],
      ['a generated file in /run', { '../../run/netplan/10-gen.yaml': 'network: {version: 2, ethernets: {ccm1: {dhcp4: true}}}\n' }, /also configured in run\/netplan\/10-gen\.yaml/],
      ['NetworkManager as the renderer', { '01-network-manager-all.yaml': 'network:\n  version: 2\n  renderer: NetworkManager\n' }, /managed by NetworkManager \(renderer: NetworkManager in etc\/netplan\/01-network-manager-all\.yaml\)/],
    ])('%s: the change is refused with the file named, nothing written', async (_what, extra, message) => {
      const files: Record<string, string> = { [OUR]: OURS_BOTH };
      for (const [name, text] of Object.entries(extra)) files[join('etc/netplan', name)] = text;
      const r = root(files);
      const snap = treeSnapshot(r.dir, skip);
      const res = await set(r, ['ccm1', '--static', '--address', '203.0.113.30', '--netmask', '24']);
      expect(res.code, res.stderr).toBe(2);
      expect(res.json).toMatchObject({ ok: false, field: 'interface' });
      expect(res.json.error).toMatch(message);
      expect(treeSnapshot(r.dir, skip)).toEqual(snap);
      expect(addrsOf(NS_A, 'ccm1', '-4')).toEqual(['203.0.113.10/24']);
    });
  });

  describe('real NICs only: decided by what the kernel says', () => {
    const OURS_C = 'network:\n  version: 2\n  ethernets:\n    eth7:\n      addresses: [198.51.100.7/24]\n';

    it('the issue example and three more kinds: listed read-only with their kind, a change refused, docker0 keeps its address', async () => {
      const r = root({ [OUR]: OURS_C });
      const show = await runC(r, 'show_network.sh', []);
      expect(show.code, show.stderr).toBe(0);
      const i = byName(show);
      expect(i.docker0).toMatchObject({ kind: 'bridge', configurable: false, addresses: ['192.0.2.1/24'] });
      expect(i.tap0).toMatchObject({ kind: 'tun', configurable: false });
      expect(i.vx0).toMatchObject({ kind: 'vxlan', configurable: false });
      expect(i.eth7).toMatchObject({ kind: 'veth', configurable: false }); // named like a port, but a veth
      const snap = treeSnapshot(r.dir, skip);
      for (const [ifc, reason] of [['docker0', /bridge/], ['tap0', /TUN\/TAP/], ['vx0', /vxlan/], ['eth7', /veth/]] as const) {
        const res = await runC(r, 'set_network.sh', [ifc, '--static', '--address', '192.0.2.5', '--netmask', '24']);
        expect(res.code, `${ifc}: ${res.stderr}`).toBe(2);
        expect(res.json).toMatchObject({ ok: false, field: 'interface' });
        expect(res.json.error).toMatch(reason);
      }
      expect(treeSnapshot(r.dir, skip)).toEqual(snap);
      expect((await runC(r, 'net_rollback.sh', [])).json).toEqual({ ok: true, rolled_back: false });
      expect(addrsOf(NS_C, 'docker0', '-4')).toEqual(['192.0.2.1/24']);
    });
  });

  describe('IPv6', () => {
    it('the issue example: an interface with only dhcp6 is a management interface, so the other one may become the capture interface', async () => {
      const r = root({ [OUR]: 'network:\n  version: 2\n  ethernets:\n    ccm0:\n      addresses: [192.0.2.10/24]\n    ccm1:\n      dhcp6: true\n' });
      const i = byName(await runA(r, 'show_network.sh', []));
      expect(i.ccm1).toMatchObject({ role: 'management', mode: 'ipv6', dhcp6: true });
      const res = await set(r, ['ccm0', '--capture']);
      expect(res.code, res.stderr).toBe(0);
      expect((await rollback(r)).json.rolled_back).toBe(true);
      // with ccm1 a capture interface, the refusal names the interface that would be the last
      const r2 = root({ [OUR]: 'network:\n  version: 2\n  ethernets:\n    ccm0:\n      addresses: ["2001:db8:1::2/64"]\n    ccm1:\n      dhcp4: false\n      dhcp6: false\n' });
      expect(byName(await runA(r2, 'show_network.sh', [])).ccm0).toMatchObject({ role: 'management', mode: 'ipv6', address6: '2001:db8:1::2' });
      const no = await set(r2, ['ccm0', '--capture']);
      expect(no.code).toBe(2);
      expect(no.json.error).toMatch(/^ccm0 is the last management interface/);
    });

    it('a static IPv6 address and gateway: written, applied, pinged from the neighbour, shown; a link-local gateway too', async () => {
      const r = root({ [OUR]: 'network:\n  version: 2\n  ethernets:\n    ccm0:\n      addresses: [192.0.2.10/24]\n    ccm1:\n      addresses: [203.0.113.10/24]\n' });
      const res = await set(r, ['ccm1', '--static', '--address', '203.0.113.10', '--netmask', '24', '--address6', '2001:db8:3::10/64', '--gateway6', '2001:db8:3::1']);
      expect(res.code, res.stderr).toBe(0);
      expect(yamlOf(read(r, OUR))).toMatchObject({ network: { ethernets: { ccm1: { addresses: ['203.0.113.10/24', '2001:db8:3::10/64'], routes: [{ to: '::/0', via: '2001:db8:3::1' }] } } } });
      expect(addrsOf(NS_A, 'ccm1', '-6')).toEqual(['2001:db8:3::10/64']);
      expect(inA('-6', 'route', 'show', 'default')).toContain('via 2001:db8:3::1 dev ccm1');
      expect(spawnSync('ip', ['netns', 'exec', NS_B, 'ping', '-6', '-c', '1', '-W', '2', '2001:db8:3::10'], { stdio: 'ignore' }).status).toBe(0);
      expect(byName(await runA(r, 'show_network.sh', [])).ccm1).toMatchObject({ address6: '2001:db8:3::10', prefix6: 64, gateway6: '2001:db8:3::1', addresses: ['203.0.113.10/24', '2001:db8:3::10/64'] });
      expect((await rollback(r)).json.rolled_back).toBe(true);
      expect(addrsOf(NS_A, 'ccm1', '-6')).toEqual([]);

      const ll = await set(r, ['ccm1', '--static', '--address', '203.0.113.10', '--netmask', '24', '--address6', '2001:db8:4::10/64', '--gateway6', 'fe80::1']);
      expect(ll.code, ll.stderr).toBe(0);
      expect(inA('-6', 'route', 'show', 'default')).toContain('via fe80::1 dev ccm1');
      expect((await rollback(r)).json.rolled_back).toBe(true);
    });
  });

  describe('our file missing (issue 10 item 7)', () => {
    it('no netplan file at all: show says so, a change is refused, nothing is written', async () => {
      const r = root({});
      const show = await runA(r, 'show_network.sh', []);
      expect(show.code, show.stderr).toBe(0);
      expect(show.json.netplan).toMatchObject({ exists: false, problem: expect.stringContaining('01-netcfg.yaml is missing') });
      const snap = treeSnapshot(r.dir, skip);
      const res = await set(r, ['ccm1', '--dhcp']);
      expect(res.code).toBe(2);
      expect(res.json).toMatchObject({ field: 'netplan' });
      expect(treeSnapshot(r.dir, skip)).toEqual(snap);
    });

    it('lost after a confirmed change: refused, pointing at the restore; the restore brings the whole file back', async () => {
      const r = root({});
      const conf = join(r.dir, 'var/lib/confconsole/netplan-confirmed.yaml');
      mkdirSync(join(conf, '..'), { recursive: true });
      const whole = 'network:\n  version: 2\n  ethernets:\n    ccm0:\n      addresses: [192.0.2.10/24]\n    ccm1:\n      addresses: [203.0.113.10/24]\n';
      writeFileSync(conf, whole, { mode: 0o600 });
      const res = await set(r, ['ccm1', '--dhcp']);
      expect(res.code).toBe(2);
      expect(res.json.error).toMatch(/missing .*restore the last confirmed settings/);
      expect(existsSync(join(r.dir, OUR))).toBe(false);
      const back = await set(r, ['ccm1', '--restore-confirmed']);
      expect(back.code, back.stderr).toBe(0);
      expect(read(r, OUR)).toBe(whole);
      expect((await rollback(r)).json.rolled_back).toBe(true);
      expect(existsSync(join(r.dir, OUR))).toBe(false);
    });

    it('a cloud image (cloud-init\'s file only): the change creates our file with the moved stanza, said in the plan', async () => {
      const cloud = 'network:\n  version: 2\n  ethernets:\n    ccm0:\n      addresses: [192.0.2.10/24]\n    ccm1:\n      addresses: [203.0.113.10/24]\n';
      const r = root({ [CLOUD]: cloud });
      const res = await set(r, ['ccm1', '--static', '--address', '203.0.113.40', '--netmask', '24']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.json.plan).toMatchObject({ creates: true, moved: [{ from: CLOUD, id: 'ccm1' }] });
      expect(yamlOf(read(r, OUR))).toEqual({ network: { version: 2, renderer: 'networkd', ethernets: { ccm1: { addresses: ['203.0.113.40/24'] } } } });
      expect(netplanGet(r.dir, 'ethernets.ccm0')).toEqual({ addresses: ['192.0.2.10/24'] });
      expect((await rollback(r)).json.rolled_back).toBe(true);
      expect(existsSync(join(r.dir, OUR))).toBe(false);
      expect(read(r, CLOUD)).toBe(cloud);
    });
  });
});
