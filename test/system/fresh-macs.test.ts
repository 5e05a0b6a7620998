// Initialize fresh MAC addresses (issue 13), on real netplan and iproute2 in network namespaces
// of the test's own (documentation ranges only): a cloned VM's netplan names MACs no interface
// has; net_fresh_macs.sh binds those stanzas to the present ports (by name, then by order),
// rewriting only `match: macaddress`, applies, arms the rollback; net_rollback.sh puts the file
// back byte for byte. Shapes: set-name with match (cloud-init's), two interfaces swapped in the
// file's order, one still present; nothing offered when every MAC is present.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { makeRoot, removeRoots, runScript, treeSnapshot, type Root } from './helpers.js';
import { networkFreshMacs } from '../../src/features/network/freshmacs.js';
import { noticeOf } from '../../src/features/network/notice.js';
import { networkState, pendingLine } from '../../src/features/network/state.js';
import { init } from '../../src/flow/model.js';
import { view } from '../../src/flow/view.js';
import { loadTree } from '../../src/menu/trees.js';
import { makePaths } from '../../src/system/paths.js';
import { makeRunner } from '../../src/system/runner.js';
import { drive } from '../support/drive.js';

const why = missing('system: fresh MAC addresses (namespaces)', ['root', 'ip', 'setsid', 'netplan', '/usr/bin/python3']);

const TAG = randomBytes(3).toString('hex');
const NS_A = `ccfm-${TAG}-a`;
const NS_B = `ccfm-${TAG}-b`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const PORTS = ['ccf0', 'ccf1', 'ccf2'];
const MAC = (i: number) => `02:cc:${TAG.slice(0, 2)}:${TAG.slice(2, 4)}:${TAG.slice(4, 6)}:0${i}`;
const GONE = (i: number) => `02:aa:bb:cc:dd:0${i}`;
const OUR = 'etc/netplan/01-netcfg.yaml';
const CLOUD = 'etc/netplan/50-cloud-init.yaml';
const timers: number[] = [];
const env = { CONFCONSOLE_NETNS: NS_A, CONFCONSOLE_NET_PORT_KINDS: 'veth' };
const skip = (rel: string) => rel === '.test' || rel.startsWith('.test/') || rel === 'run/confconsole/lock';

function root(files: Record<string, string>): Root {
  const r = makeRoot({ demo: false });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(r.dir, rel, '..'), { recursive: true });
    writeFileSync(join(r.dir, rel), text, { mode: 0o600 });
  }
  return r;
}
const read = (r: Root, rel: string) => readFileSync(join(r.dir, rel), 'utf8');
const fresh = (r: Root, args: string[] = []) => runScript('net_fresh_macs.sh', args, r.dir, env);
async function apply(r: Root) {
  const res = await fresh(r, ['--confirm-timeout', '600']);
  if (res.code === 0) timers.push(Number(String(JSON.parse(read(r, 'var/lib/confconsole/net-pending.json')).timer).replace(/^pid:/, '')));
  return res;
}
const ctxOf = (r: Root) => {
  const paths = makePaths(r.dir);
  return { paths, runner: makeRunner(paths, env) };
};
/** The first screens' network notice on the real state ('' when it says nothing). */
const noticeText = async (r: Root) => {
  const n = noticeOf(await networkState(ctxOf(r)), undefined);
  return n.kind === 'text' ? n.text : '';
};
const pairsOf = (res: { json: { pairs: { id: string; iface: string; new: string; by: string }[] } }) => res.json.pairs.map((p) => `${p.id}->${p.iface}/${p.new}/${p.by}`);

/** cloud-init's shape: match by MAC with set-name, a comment and keys we do not manage. */
const CLONED = `# This file is generated from information provided by the datasource.
network:
    version: 2
    ethernets:
        ccf0:
            match:
                macaddress: '${GONE(1)}'
            set-name: ccf0
            addresses: [192.0.2.10/24]
            mtu: 1400 # kept
        ccf1:
            dhcp4: false
            match:
                macaddress: ${GONE(2).toUpperCase()}
            set-name: ccf1
            optional: true
`;

describe.skipIf(why !== undefined)('system: initialize fresh MAC addresses', () => {
  beforeAll(() => {
    for (const ns of [NS_A, NS_B]) ip('netns', 'add', ns);
    PORTS.forEach((p, i) => {
      ip('-n', NS_A, 'link', 'add', p, 'address', MAC(i), 'type', 'veth', 'peer', 'name', `${p}p`, 'netns', NS_B);
      ip('-n', NS_B, 'link', 'set', `${p}p`, 'up');
    });
  });
  afterAll(() => {
    for (const pid of timers) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const ns of [NS_A, NS_B]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    removeRoots();
  });

  it('set-name with match (cloud-init): paired by name, only the MAC lines change, applied, rolled back byte for byte', async () => {
    const r = root({ [CLOUD]: CLONED, [OUR]: 'network:\n  version: 2\n  renderer: networkd\n' });
    const dry = await fresh(r, ['--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json.stale.map((s: { mac: string }) => s.mac)).toEqual([GONE(1), GONE(2)]);
    expect(pairsOf(dry)).toEqual([`ccf0->ccf0/${MAC(0)}/name`, `ccf1->ccf1/${MAC(1)}/name`]);
    const before = treeSnapshot(r.dir, skip);
    const res = await apply(r);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.pending.id).toBeTruthy();
    // the audit names each rebinding (the script's own Python, as old as Ubuntu 20.04's 3.8)
    expect(res.stderr).not.toMatch(/SyntaxError|Traceback/);
    expect(readFileSync(r.audit, 'utf8')).toMatch(new RegExp(`net\\.fresh-macs.*${GONE(1)} -> ${MAC(0)}`, 'i'));
    expect(read(r, CLOUD)).toBe(CLONED.replace(`'${GONE(1)}'`, MAC(0)).replace(GONE(2).toUpperCase(), MAC(1)));
    // the stanza applies again: ccf0 has its address
    expect(ip('-n', NS_A, '-4', '-o', 'addr', 'show', 'dev', 'ccf0')).toContain('192.0.2.10/24');
    // the change waiting for confirmation is said with every interface it changed, not the first
    expect(await noticeText(r)).toMatch(/^A network change of ccf0 and ccf1 waits for confirmation: /);
    expect(pendingLine(await networkState(ctxOf(r)))).toMatch(/^A change of ccf0 and ccf1 waits for confirmation: /);
    const second = await fresh(r);
    expect(second.code).toBe(4);
    expect(second.json.error).toMatch(/on ccf0, ccf1 is waiting for confirmation/);
    const rb = await runScript('net_rollback.sh', [], r.dir, env);
    expect(rb.json).toMatchObject({ ok: true, rolled_back: true });
    // the rollback since the last login: both interfaces
    expect(await noticeText(r)).toMatch(/UTC {2}ccf0 and ccf1: /);
    expect(read(r, CLOUD)).toBe(CLONED);
    const after = treeSnapshot(r.dir, skip);
    for (const rel of [CLOUD, OUR]) expect(after[rel]).toBe(before[rel]);
    expect(existsSync(join(r.dir, 'var/lib/confconsole/net-pending.json'))).toBe(false);
  });

  it('three stanzas to three ports: the pending change names all three (record, notice, the rollback)', async () => {
    const text = `network:\n  version: 2\n  ethernets:\n${[0, 1, 2].map((i) => `    ccf${i}:\n      match: {macaddress: "${GONE(7 + i)}"}\n      set-name: ccf${i}\n      optional: true\n`).join('')}`;
    const r = root({ [OUR]: text });
    const res = await apply(r);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(read(r, 'var/lib/confconsole/net-pending.json'))).toMatchObject({ iface: 'ccf0', ifaces: ['ccf0', 'ccf1', 'ccf2'] });
    expect(await noticeText(r)).toMatch(/^A network change of ccf0, ccf1 and ccf2 waits for confirmation: /);
    // rolled back (the namespace's ports as they were for the next tests): said and recorded with all three
    const rb = await runScript('net_rollback.sh', [], r.dir, env);
    expect(rb.code, rb.stderr).toBe(0);
    expect(readFileSync(r.audit, 'utf8')).toMatch(/"action":"net\.rollback","detail":"ccf0, ccf1, ccf2: change /);
    expect(JSON.parse(read(r, 'var/log/confconsole/net-rollbacks.log').trim())).toMatchObject({ iface: 'ccf0', ifaces: ['ccf0', 'ccf1', 'ccf2'] });
    expect(await noticeText(r)).toMatch(/UTC {2}ccf0, ccf1 and ccf2: /);
  });

  it('two interfaces swapped in the file order: the names decide, not the order', async () => {
    const text = `network:\n  version: 2\n  ethernets:\n    lan:\n      match: {macaddress: "${GONE(3)}"}\n      set-name: ccf1\n      dhcp4: false\n    wan:\n      match:\n        macaddress: "${GONE(4)}"\n      set-name: ccf0\n      addresses: [198.51.100.7/24]\n`;
    const r = root({ [OUR]: text });
    const dry = await fresh(r, ['--dry-run']);
    expect(pairsOf(dry)).toEqual([`lan->ccf1/${MAC(1)}/name`, `wan->ccf0/${MAC(0)}/name`]);
    const res = await apply(r);
    expect(res.code, res.stderr).toBe(0);
    expect(read(r, OUR)).toBe(text.replace(`{macaddress: "${GONE(3)}"}`, `{macaddress: '${MAC(1)}'}`).replace(`"${GONE(4)}"`, MAC(0)));
    expect((await runScript('net_rollback.sh', [], r.dir, env)).code).toBe(0);
    expect(read(r, OUR)).toBe(text);
  });

  it('one still present: only the stale stanza moves, to the first free port by name (ids without set-name)', async () => {
    const text = `network:\n  version: 2\n  ethernets:\n    mgmt:\n      match:\n        macaddress: ${MAC(0)}\n      addresses: [192.0.2.20/24]\n    sniff:\n      match:\n        macaddress: ${GONE(5)}\n      optional: true\n`;
    const r = root({ [OUR]: text });
    const dry = await fresh(r, ['--dry-run']);
    expect(dry.json.stale.map((s: { id: string }) => s.id)).toEqual(['sniff']);
    expect(pairsOf(dry)).toEqual([`sniff->ccf1/${MAC(1)}/order`]);
    const res = await apply(r);
    expect(res.code, res.stderr).toBe(0);
    expect(read(r, OUR)).toBe(text.replace(GONE(5), MAC(1)));
    expect((await runScript('net_rollback.sh', [], r.dir, env)).code).toBe(0);
    expect(read(r, OUR)).toBe(text);
  });

  it('Interfaces lists "Initialize fresh MAC addresses" only while a MAC is stale; its question is the pairing', async () => {
    const stale = root({ [CLOUD]: CLONED });
    const present = root({ [OUR]: `network:\n  version: 2\n  ethernets:\n    a:\n      match: {macaddress: "${MAC(2)}"}\n` });
    const offered = { stale: await networkFreshMacs.read(ctxOf(stale), {}), present: await networkFreshMacs.read(ctxOf(present), {}) };
    expect(offered).toEqual({ stale: { offered: 'yes' }, present: { offered: 'no' } });
    const asked = await networkFreshMacs.ask(ctxOf(stale), {});
    expect('question' in asked && asked.question).toContain(`ccf0 (${CLOUD}): ${GONE(1)} -> ${MAC(0)}, interface ccf0 (same name)`);
    expect(await networkFreshMacs.ask(ctxOf(present), {})).toEqual({ blocked: expect.stringContaining('nothing to initialize') });
    // the menu: the offer is read with it; listed for the one, not for the other
    const at = drive(init(loadTree('vsensor')), { type: 'ok' }, { type: 'hotkey', key: '1' }, { type: 'ok' }, { type: 'hotkey', key: '1' }, { type: 'ok' });
    expect(at.effects).toContainEqual(expect.objectContaining({ type: 'offer', key: 'm', op: networkFreshMacs }));
    const labels = (yes: boolean) => {
      const v = view(drive(at.m, { type: 'offered', key: 'm', offered: yes }).m);
      return v.kind === 'menu' ? v.items.map((i) => `${i.key}. ${i.label}`) : [];
    };
    expect(labels(offered.stale.offered === 'yes')).toContain('m. Initialize fresh MAC addresses');
    expect(labels(offered.present.offered === 'yes')).not.toContain('m. Initialize fresh MAC addresses');
  });

  it.each([
    ['every MAC present', `network:\n  version: 2\n  ethernets:\n    a:\n      match: {macaddress: "${MAC(2)}"}\n      dhcp4: true\n`],
    ['no match at all', 'network:\n  version: 2\n  ethernets:\n    ccf0:\n      dhcp4: true\n'],
  ])('%s: nothing stale, nothing offered; the change is refused and nothing written', async (_, text) => {
    const r = root({ [OUR]: text });
    const dry = await fresh(r, ['--dry-run']);
    expect(dry.json).toMatchObject({ ok: true, stale: [], pairs: [] });
    const before = treeSnapshot(r.dir, skip);
    const res = await fresh(r);
    expect(res.code).toBe(1);
    expect(res.json.error).toContain('every MAC address the netplan files name is present');
    expect(treeSnapshot(r.dir, skip)).toEqual(before);
  });

  // the review's example: a stale stanza with set-name (eth7) paired in order with the capture
  // port (eth1) renamed it and made it DHCP; the same kind: a port a stanza configures by its
  // name (match: name), a rename to the name of a present interface or of a configured one
  describe('pairing in order never renames the capture port nor takes a configured name', () => {
    const refusedCases: [string, string, RegExp][] = [
      ['the capture port (promiscuous) and a set-name', `    extra:\n      match: {macaddress: "${GONE(6)}"}\n      set-name: ccf7\n      dhcp4: true\n`, /ccf1 is the capture interface: set-name ccf7 would rename it/],
      ['the capture port and a stanza that does not capture', `    extra:\n      match: {macaddress: "${GONE(6)}"}\n      dhcp4: true\n`, /ccf1 is the capture interface: the stanza extra \(dhcp\) would end its capture/],
    ];
    const base = `network:\n  version: 2\n  ethernets:\n    mgmt:\n      match: {macaddress: "${MAC(0)}"}\n      addresses: [10.0.0.2/24]\n    ccf2:\n      dhcp4: true\n`;
    it.each(refusedCases)('%s: left unpaired with the reason; the change is refused and nothing written', async (_n, extra, why) => {
      ip('-n', NS_A, 'link', 'set', 'ccf1', 'promisc', 'on');
      try {
        const r = root({ [OUR]: base + extra });
        const dry = await fresh(r, ['--dry-run']);
        expect(dry.code, dry.stderr).toBe(0);
        expect(dry.json.pairs).toEqual([]);
        expect(dry.json.unpaired).toEqual([expect.objectContaining({ id: 'extra', why: expect.stringMatching(why) })]);
        const before = treeSnapshot(r.dir, skip);
        const res = await fresh(r);
        expect(res.code).toBe(1);
        expect(res.json.error).toMatch(why);
        expect(treeSnapshot(r.dir, skip)).toEqual(before);
      } finally {
        ip('-n', NS_A, 'link', 'set', 'ccf1', 'promisc', 'off');
      }
    });

    it.each([
      // ccf1 is configured by its name through a match: (it was counted free before)
      ['a port configured by match: name', `    byname:\n      match: {name: ccf1}\n      dhcp4: false\n    extra:\n      match: {macaddress: "${GONE(6)}"}\n      set-name: ccf7\n      dhcp4: true\n`, /no free interface is left for it/],
      // ccf1 is free, but renaming it ccf0 would give two links the name of the present ccf0
      ['a rename to a present interface\'s name', `    extra:\n      match: {macaddress: "${GONE(6)}"}\n      set-name: ccf0\n      dhcp4: true\n`, /set-name ccf0 would rename ccf1 to the name of the present interface ccf0/],
      // ccf1 is free, but ccf9 is what the stanza ccf9 configures
      ['a rename to a name a stanza configures', `    ccf9:\n      dhcp4: true\n    extra:\n      match: {macaddress: "${GONE(6)}"}\n      set-name: ccf9\n      dhcp4: true\n`, /set-name ccf9 would rename ccf1 to ccf9, which the stanza ccf9 already configures/],
    ])('%s: left unpaired with the reason', async (_n, extra, why) => {
      const r = root({ [OUR]: base + extra });
      const dry = await fresh(r, ['--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.json.pairs).toEqual([]);
      expect(dry.json.unpaired).toEqual([expect.objectContaining({ id: 'extra', why: expect.stringMatching(why) })]);
    });

    // the kind (issue 13 review): a port the rest of the configuration relies on by its name is
    // never renamed: the capture port even while not promiscuous (its unit is enabled by name),
    // the SSH session's port, a port another stanza names; nor two stale stanzas given one name
    const stale7 = `    extra:\n      match: {macaddress: "${GONE(6)}"}\n      set-name: ccf7\n      dhcp4: true\n`;
    const dryOf = async (text: string, setup: (r: Root) => void = () => {}, extraEnv: Record<string, string> = {}) => {
      const r = root({ [OUR]: text });
      setup(r);
      const dry = await runScript('net_fresh_macs.sh', ['--dry-run'], r.dir, { ...env, ...extraEnv });
      expect(dry.code, dry.stderr).toBe(0);
      return { r, dry };
    };
    it('the capture port with its promisc unit enabled but not promiscuous now: not renamed', async () => {
      const { r, dry } = await dryOf(base + stale7, (r) => {
        const wants = join(r.dir, 'etc/systemd/system/multi-user.target.wants');
        mkdirSync(wants, { recursive: true });
        symlinkSync('/etc/systemd/system/confconsole-promisc@.service', join(wants, 'confconsole-promisc@ccf1.service'));
      });
      expect(dry.json.pairs).toEqual([]);
      expect(dry.json.unpaired).toEqual([expect.objectContaining({ id: 'extra', why: expect.stringMatching(/ccf1 is the capture interface: set-name ccf7 would rename it/) })]);
      const before = treeSnapshot(r.dir, skip);
      expect((await fresh(r)).code).toBe(1);
      expect(treeSnapshot(r.dir, skip)).toEqual(before);
    });
    it("the SSH session's port (an address nothing in netplan gives): not renamed, and said so", async () => {
      ip('-n', NS_A, 'addr', 'add', '192.0.2.99/24', 'dev', 'ccf1');
      try {
        const { dry } = await dryOf(base + stale7, () => {}, { SSH_CONNECTION: '192.0.2.1 50000 192.0.2.99 22' });
        expect(dry.json.pairs).toEqual([]);
        expect(dry.json.unpaired[0].why).toMatch(/ccf1 carries your SSH session \(192\.0\.2\.99\): set-name ccf7 would rename it/);
        const other = await dryOf(base + stale7);
        expect(other.dry.json.unpaired[0].why).toMatch(/ccf1 is in use \(it has the address 192\.0\.2\.99\/24\): set-name ccf7 would rename it/);
      } finally {
        ip('-n', NS_A, 'addr', 'del', '192.0.2.99/24', 'dev', 'ccf1');
      }
    });
    it('a port a VLAN stanza names as its link: not renamed (the VLAN would lose its parent)', async () => {
      const { dry } = await dryOf(base + stale7 + '  vlans:\n    v10:\n      id: 10\n      link: ccf1\n');
      expect(dry.json.pairs).toEqual([]);
      expect(dry.json.unpaired[0].why).toMatch(/the vlans stanza v10 names ccf1 \(link\): set-name ccf7 would rename it/);
    });
    it('two stale stanzas with one set-name (a collision): neither is paired', async () => {
      const r = root({ [OUR]: `network:\n  version: 2\n  ethernets:\n    mgmt:\n      match: {macaddress: "${MAC(0)}"}\n` + stale7 + `    extra2:\n      match: {macaddress: "${GONE(7)}"}\n      set-name: ccf7\n      dhcp4: false\n` });
      const dry = await fresh(r, ['--dry-run']);
      expect(dry.json.pairs).toEqual([]);
      expect(dry.json.unpaired.map((u: { id: string; why: string }) => `${u.id}: ${u.why}`)).toEqual([
        expect.stringMatching(/^extra: .*set-name ccf7 is also the set-name of the stanza extra2: two interfaces would claim the name ccf7/),
        expect.stringMatching(/^extra2: .*set-name ccf7 is also the set-name of the stanza extra: two interfaces would claim the name ccf7/),
      ]);
    });
    it('two stale stanzas, one free port: the first in file order takes it, the second is left (the same each run)', async () => {
      const text = base + stale7 + `    extra2:\n      match: {macaddress: "${GONE(7)}"}\n      set-name: ccf8\n      dhcp4: false\n`;
      const runs = [await dryOf(text), await dryOf(text)].map(({ dry }) => dry.json);
      expect(runs[1]).toEqual(runs[0]);
      expect(pairsOf({ json: runs[0] })).toEqual([`extra->ccf1/${MAC(1)}/order`]);
      expect(runs[0].unpaired).toEqual([expect.objectContaining({ id: 'extra2', why: 'no free interface is left for it' })]);
    });
    it('a stale stanza for the management port: never renames another port to its name; one without set-name passes the capture port, and the review says why', async () => {
      const mg = `    mgmt2:\n      match: {macaddress: "${GONE(8)}"}\n      set-name: ccf0\n      addresses: [192.0.2.30/24]\n`;
      const named = await dryOf(base + mg);
      expect(named.dry.json.unpaired).toEqual([expect.objectContaining({ id: 'mgmt2', why: expect.stringMatching(/set-name ccf0 would rename ccf1 to the name of the present interface ccf0/) })]);
      ip('-n', NS_A, 'link', 'set', 'ccf1', 'promisc', 'on');
      try {
        const office = `network:\n  version: 2\n  ethernets:\n    mgmt:\n      match: {macaddress: "${MAC(0)}"}\n    office:\n      match: {macaddress: "${GONE(8)}"}\n      addresses: [192.0.2.30/24]\n`;
        const { r, dry } = await dryOf(office);
        expect(pairsOf(dry)).toEqual([`office->ccf2/${MAC(2)}/order`]);
        const ctx = { paths: makePaths(r.dir), runner: makeRunner(makePaths(r.dir), env) };
        const asked = await networkFreshMacs.ask(ctx, {});
        expect('question' in asked && asked.question).toContain('why ccf2: no free interface is named office; ccf2 is the first free one by name it may take (ccf1 is the capture interface: the stanza office (static) would end its capture)');
      } finally {
        ip('-n', NS_A, 'link', 'set', 'ccf1', 'promisc', 'off');
      }
    });

    it('a free port that does not capture may be renamed: the review says so', async () => {
      const r = root({ [OUR]: base + `    extra:\n      match: {macaddress: "${GONE(6)}"}\n      set-name: ccf7\n      dhcp4: true\n` });
      const ctx = { paths: makePaths(r.dir), runner: makeRunner(makePaths(r.dir), env) };
      const asked = await networkFreshMacs.ask(ctx, {});
      expect('question' in asked && asked.question).toContain(`extra (${OUR}): ${GONE(6)} -> ${MAC(1)}, interface ccf1 (in order), renamed ccf7 at the next boot (its set-name)`);
    });
  });
});
