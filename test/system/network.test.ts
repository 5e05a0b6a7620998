// The network back end for real, in two network namespaces of the test's own joined by veth
// pairs (documentation ranges only, never the host's interfaces): set_network.sh applies the
// netplan YAML to namespace A with iproute2 (CONFCONSOLE_NETNS), a peer in namespace B pings
// it or serves DHCP (dnsmasq), and the rollback timer, armed outside the script, puts the old
// settings back when nobody confirms — also when the console was SIGKILLed, and at boot.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { auditEntries, alive, makeRoot, readOr, removeRoots, runScript, script, scriptEnv, sleep, stopPid, waitFor, type Root } from './helpers.js';

const why = missing('system: network (set_network.sh in network namespaces)', ['root', 'ip', 'ping', 'dnsmasq', 'dhclient', 'setsid', '/usr/bin/python3']);

const TAG = randomBytes(3).toString('hex');
const NS_A = `ccnet-${TAG}-a`;
const NS_B = `ccnet-${TAG}-b`;
// A: the appliance (ccm0, ccm1 management; cap0 not configured). B: its neighbours.
const SEED_YAML = `# seeded by the network system test
network:
  version: 2
  renderer: networkd
  ethernets:
    ccm0:
      addresses: [192.0.2.10/24]
      routes:
        - to: 0.0.0.0/0
          via: 192.0.2.1
      nameservers:
        addresses: [192.0.2.1]
    ccm1:
      addresses: [203.0.113.10/24]
`;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const inA = (...args: string[]) => ip('-n', NS_A, ...args);
const v4Of = (ifc: string) =>
  (JSON.parse(inA('-j', '-4', 'addr', 'show', 'dev', ifc)) as { addr_info: { local: string; prefixlen: number }[] }[])
    .flatMap((l) => l.addr_info)
    .map((a) => `${a.local}/${a.prefixlen}`);
const pingFromB = (addr: string) => spawnSync('ip', ['netns', 'exec', NS_B, 'ping', '-c', '1', '-W', '2', addr], { stdio: 'ignore' }).status === 0;
const timers: number[] = [];

/** the live state the seed YAML describes (what the appliance booted with) */
function resetLive() {
  killIn(NS_A);
  for (const ifc of ['ccm0', 'ccm1', 'cap0']) {
    inA('addr', 'flush', 'dev', ifc);
    inA('link', 'set', ifc, 'up', 'promisc', 'off');
  }
  inA('addr', 'add', '192.0.2.10/24', 'dev', 'ccm0');
  inA('route', 'replace', 'default', 'via', '192.0.2.1', 'dev', 'ccm0');
  inA('addr', 'add', '203.0.113.10/24', 'dev', 'ccm1');
}

/** kills every process running in namespace NS (dhclient, dnsmasq) */
function killIn(ns: string) {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  for (const pid of (r.stdout ?? '').split('\n').filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

function netRoot(): Root & { yaml: string; pending: string } {
  const r = makeRoot({ demo: false });
  const yaml = join(r.dir, 'etc/netplan/01-netcfg.yaml');
  execFileSync('mkdir', ['-p', join(r.dir, 'etc/netplan')]);
  writeFileSync(yaml, SEED_YAML, { mode: 0o600 });
  return { ...r, yaml, pending: join(r.dir, 'var/lib/confconsole/net-pending.json') };
}
// the veth pairs stand for the appliance's ports (no real device can be made in a namespace)
const env = { CONFCONSOLE_NETNS: NS_A, CONFCONSOLE_NET_PORT_KINDS: 'veth' };
const run = (r: Root, name: string, args: string[], extra: Record<string, string> = {}) => runScript(name, args, r.dir, { ...env, ...extra });

/** the rollback timer's pid from the pending file (remembered, to be sure it is gone in afterAll) */
function timerPid(r: { pending: string }): number {
  const p = JSON.parse(readFileSync(r.pending, 'utf8'));
  const pid = Number(String(p.timer).replace(/^pid:/, ''));
  timers.push(pid);
  return pid;
}

describe.skipIf(why !== undefined)('network: set_network.sh applied in a namespace of the test', () => {
  beforeAll(() => {
    for (const ns of [NS_A, NS_B]) ip('netns', 'add', ns);
    // pairs made inside A, one end moved to B at once: the host's namespace is never touched
    for (const [a, b] of [['ccm0', 'ccm0p'], ['ccm1', 'ccm1p'], ['cap0', 'cap0p']]) {
      inA('link', 'add', a!, 'type', 'veth', 'peer', 'name', b!, 'netns', NS_B);
      ip('-n', NS_B, 'link', 'set', b!, 'up');
    }
    ip('-n', NS_B, 'addr', 'add', '192.0.2.1/24', 'dev', 'ccm0p');
    ip('-n', NS_B, 'addr', 'add', '198.51.100.1/24', 'dev', 'ccm0p');
    ip('-n', NS_B, 'addr', 'add', '203.0.113.1/24', 'dev', 'ccm1p');
    inA('link', 'set', 'lo', 'up');
    resetLive();
  });
  afterAll(async () => {
    for (const pid of timers) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const ns of [NS_A, NS_B]) {
      killIn(ns);
      spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    }
    removeRoots();
  });
  beforeEach(() => resetLive());

  it('a static address applies: B pings the new address, the YAML has it, the default route follows; show_network lists it as pending', async () => {
    const r = netRoot();
    const res = await run(r, 'set_network.sh', ['ccm0', '--static', '--address', '192.0.2.20', '--netmask', '255.255.255.0', '--gateway', '192.0.2.1', '--dns', '192.0.2.1 192.0.2.2', '--domain', 'Lab.Example', '--confirm-timeout', '60']);
    expect(res.code, res.stderr).toBe(0);
    timerPid(r);
    expect(res.json).toMatchObject({ ok: true, iface: 'ccm0', address: '192.0.2.20/24', pending: { timeout: 60 } });
    expect(v4Of('ccm0')).toEqual(['192.0.2.20/24']);
    expect(pingFromB('192.0.2.20')).toBe(true);
    expect(pingFromB('192.0.2.10')).toBe(false);
    expect(inA('route', 'show', 'default')).toContain('via 192.0.2.1 dev ccm0');
    const y = readFileSync(r.yaml, 'utf8');
    expect(y).toContain('192.0.2.20/24');
    expect(y).not.toContain('192.0.2.10');
    expect(y).toMatch(/to: 0\.0\.0\.0\/0\n\s+via: 192\.0\.2\.1/);
    expect(y).toContain('lab.example'); // in lower case, as the console writes it
    expect(y).not.toContain('Lab.Example');
    expect(y).not.toContain('gateway4');

    const show = await run(r, 'show_network.sh', []);
    expect(show.code, show.stderr).toBe(0);
    const byName = Object.fromEntries(show.json.interfaces.map((i: { name: string }) => [i.name, i]));
    expect(Object.keys(byName).sort()).toEqual(['cap0', 'ccm0', 'ccm1']);
    expect(byName.ccm0).toMatchObject({ role: 'management', mode: 'static', address: '192.0.2.20', prefix: 24, gateway: '192.0.2.1', dns: ['192.0.2.1', '192.0.2.2'], search: ['lab.example'], addresses: ['192.0.2.20/24'], up: true });
    expect(byName.ccm0.mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(byName.ccm1).toMatchObject({ role: 'management', mode: 'static', address: '203.0.113.10' });
    expect(byName.cap0).toMatchObject({ role: 'unused', mode: 'none', addresses: [] });
    expect(show.json.pending).toMatchObject({ id: res.json.pending.id, iface: 'ccm0', deadline: res.json.pending.deadline, timeout: 60 });
    expect(show.json.rollbacks_unseen).toEqual([]);
    expect(auditEntries(r).map((e) => e.action)).toEqual(['net.set']);

    // the operator rolls back at once: the seed is back, byte for byte, live too
    const rb = await run(r, 'net_rollback.sh', []);
    expect(rb.json).toEqual({ ok: true, rolled_back: true });
    expect(readFileSync(r.yaml, 'utf8')).toBe(SEED_YAML);
    expect(v4Of('ccm0')).toEqual(['192.0.2.10/24']);
    expect(existsSync(r.pending)).toBe(false);
  });

  it('DHCP from a dnsmasq in B gives the interface a 198.51.100.x address; the rollback stops the client', async () => {
    const r = netRoot();
    const lease = join(r.testDir, 'dnsmasq.leases');
    const dns: ChildProcess = spawn('ip', ['netns', 'exec', NS_B, 'dnsmasq', '-k', '--conf-file=/dev/null', '--port=0', '--user=root',
      '--interface=ccm0p', '--bind-interfaces', '--dhcp-range=198.51.100.50,198.51.100.99,255.255.255.0,1h', '--dhcp-option=3,198.51.100.1',
      `--dhcp-leasefile=${lease}`, `--pid-file=${join(r.testDir, 'dnsmasq.pid')}`], { stdio: 'ignore' });
    try {
      await sleep(300);
      const res = await run(r, 'set_network.sh', ['ccm0', '--dhcp']);
      expect(res.code, res.stderr).toBe(0);
      timerPid(r);
      expect(res.json.address).toMatch(/^198\.51\.100\.(5\d|[6-9]\d)\/24$/);
      expect(v4Of('ccm0')).toEqual([res.json.address]);
      expect(inA('route', 'show', 'default')).toContain('via 198.51.100.1 dev ccm0');
      expect(pingFromB(res.json.address.split('/')[0])).toBe(true);
      expect(readFileSync(r.yaml, 'utf8')).toMatch(/dhcp4: true\n\s+dhcp4-overrides:\n\s+use-dns: true\n\s+use-domains: true/);
      const show = await run(r, 'show_network.sh', []);
      expect(show.json.interfaces.find((i: { name: string }) => i.name === 'ccm0')).toMatchObject({ mode: 'dhcp', role: 'management', address: res.json.address.split('/')[0], prefix: 24 });
      expect(spawnSync('ip', ['netns', 'pids', NS_A], { encoding: 'utf8' }).stdout.trim()).not.toBe('');

      const rb = await run(r, 'net_rollback.sh', ['--reason', 'test']);
      expect(rb.json).toEqual({ ok: true, rolled_back: true });
      expect(v4Of('ccm0')).toEqual(['192.0.2.10/24']);
      expect(spawnSync('ip', ['netns', 'pids', NS_A], { encoding: 'utf8' }).stdout.trim(), 'dhclient stopped').toBe('');
    } finally {
      await stopPid(dns.pid);
    }
  });

  it('an unconfirmed change rolls back by itself in its window, even with the console SIGKILLed right after', async () => {
    const r = netRoot();
    const before = readFileSync(r.yaml);
    // the "console": a shell that runs set_network.sh and lives on; killed (group) when the result arrives
    const con = spawn('bash', ['-c', '"$0" "$@"; exec sleep 60', script('set_network.sh'), 'ccm0', '--static', '--address', '192.0.2.30', '--netmask', '/24', '--gateway', '192.0.2.1', '--confirm-timeout', '5'],
      { env: scriptEnv(r.dir, env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    con.stdout!.on('data', (d) => (out += d));
    await waitFor('the set_network.sh result', () => out.includes('\n'), 15_000, 20);
    process.kill(-con.pid!, 'SIGKILL');
    const t0 = Date.now();
    const res = JSON.parse(out.trim());
    expect(res).toMatchObject({ ok: true, address: '192.0.2.30/24', pending: { timeout: 5 } });
    const tp = timerPid(r);
    expect(alive(tp), 'the timer outlives the console').toBe(true);
    expect(v4Of('ccm0')).toEqual(['192.0.2.30/24']);

    await waitFor('the rollback', () => !existsSync(r.pending), 12_000, 100);
    expect(Date.now() - t0).toBeLessThan(9_000);
    expect(readFileSync(r.yaml).equals(before), 'YAML byte for byte').toBe(true);
    expect(v4Of('ccm0')).toEqual(['192.0.2.10/24']);
    expect(pingFromB('192.0.2.10')).toBe(true);
    const logged = readOr(join(r.dir, 'var/log/confconsole/net-rollbacks.log')).trim().split('\n').map((l) => JSON.parse(l));
    expect(logged).toEqual([expect.objectContaining({ id: res.pending.id, iface: 'ccm0', reason: 'not confirmed in time' })]);
    const show = await run(r, 'show_network.sh', []);
    expect(show.json.pending).toBeNull();
    expect(show.json.rollbacks_unseen).toEqual(logged);
    expect(auditEntries(r).map((e) => `${e.action} ${e.result}`)).toEqual(['net.set ok', 'net.rollback ok']);
    const ack = await run(r, 'net_ack_rollbacks.sh', []);
    expect(ack.json).toEqual({ ok: true, acknowledged: 1 });
    expect((await run(r, 'show_network.sh', [])).json.rollbacks_unseen).toEqual([]);
  });

  it('a confirmed change stays after its window; the confirmed copy is saved and restorable', async () => {
    const r = netRoot();
    const res = await run(r, 'set_network.sh', ['ccm1', '--static', '--address', '203.0.113.40', '--netmask', '24', '--confirm-timeout', '5']);
    expect(res.code, res.stderr).toBe(0);
    const tp = timerPid(r);
    const conf = await run(r, 'net_confirm.sh', []);
    expect(conf.code, conf.stderr).toBe(0);
    expect(conf.json).toEqual({ ok: true, confirmed: true, id: res.json.pending.id, iface: 'ccm1' });
    await waitFor('the timer to be stopped', () => !alive(tp), 2000, 50);
    const after = readFileSync(r.yaml, 'utf8');
    expect(readFileSync(join(r.dir, 'var/lib/confconsole/netplan-confirmed.yaml'), 'utf8')).toBe(after);
    // past the change's own deadline (the timer is already gone: nothing is left to fire)
    await waitFor('the confirmation window to pass', () => Date.now() / 1000 > res.json.pending.deadline + 1, 15_000, 100);
    expect(readFileSync(r.yaml, 'utf8')).toBe(after);
    expect(v4Of('ccm1')).toEqual(['203.0.113.40/24']);
    expect(existsSync(join(r.dir, 'var/log/confconsole/net-rollbacks.log'))).toBe(false);
    expect((await run(r, 'net_confirm.sh', [])).code).toBe(1);

    // --factory applies 10.0.0.2/24 (rolled back here); --restore-confirmed puts the confirmed file back
    const fac = await run(r, 'set_network.sh', ['ccm1', '--factory']);
    expect(fac.code, fac.stderr).toBe(0);
    timerPid(r);
    expect(v4Of('ccm1')).toEqual(['10.0.0.2/24']);
    expect(readFileSync(r.yaml, 'utf8')).toMatch(/ccm1:\n\s+addresses: \[10\.0\.0\.2\/24\]\n(?!\s+routes)/);
    expect((await run(r, 'net_rollback.sh', [])).json.rolled_back).toBe(true);
    expect(readFileSync(r.yaml, 'utf8')).toBe(after);
    writeFileSync(r.yaml, SEED_YAML); // the file went back to the seed some other way
    resetLive();
    const back = await run(r, 'set_network.sh', ['ccm1', '--restore-confirmed']);
    expect(back.code, back.stderr).toBe(0);
    timerPid(r);
    expect(readFileSync(r.yaml, 'utf8')).toBe(after);
    expect(v4Of('ccm1')).toEqual(['203.0.113.40/24']);
    expect(v4Of('ccm0')).toEqual(['192.0.2.10/24']);
    expect((await run(r, 'net_rollback.sh', [])).json.rolled_back).toBe(true);
    expect(readFileSync(r.yaml, 'utf8')).toBe(SEED_YAML);
    expect(v4Of('ccm1')).toEqual(['203.0.113.10/24']);
  });

  it('a capture interface is up, promiscuous and has no IPv4 address', async () => {
    const r = netRoot();
    inA('addr', 'add', '192.0.2.99/24', 'dev', 'cap0'); // left over: the capture apply removes it
    const res = await run(r, 'set_network.sh', ['cap0', '--capture']);
    expect(res.code, res.stderr).toBe(0);
    timerPid(r);
    expect(res.json).toMatchObject({ ok: true, mode: 'capture', address: null });
    const link = inA('-d', 'link', 'show', 'dev', 'cap0');
    expect(link).toMatch(/promiscuity 1\b/);
    expect(link).toMatch(/[<,]UP[,>]/);
    expect(v4Of('cap0')).toEqual([]);
    expect(readFileSync(r.yaml, 'utf8')).toMatch(/cap0:\n\s+dhcp4: false\n\s+dhcp6: false\n\s+link-local: \[\]\n\s+accept-ra: false\n\s+optional: true/);
    const show = await run(r, 'show_network.sh', []);
    expect(show.json.interfaces.find((i: { name: string }) => i.name === 'cap0')).toMatchObject({ role: 'capture', mode: 'capture', addresses: [] });
    expect((await run(r, 'net_confirm.sh', [])).code).toBe(0);
  });

  it('recover.sh at boot rolls back a change left pending by a power loss (timer gone)', async () => {
    const r = netRoot();
    const res = await run(r, 'set_network.sh', ['ccm0', '--static', '--address', '192.0.2.50', '--netmask', '24', '--confirm-timeout', '3600']);
    expect(res.code, res.stderr).toBe(0);
    const tp = timerPid(r);
    process.kill(-tp, 'SIGKILL'); // the power loss: no timer any more
    await waitFor('the timer to die', () => !alive(tp), 2000, 20);
    const rec = await run(r, 'recover.sh', []);
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stdout.trim().split('\n')).toHaveLength(1);
    expect(rec.json).toEqual({ ok: true, recovered: true });
    expect(readFileSync(r.yaml, 'utf8')).toBe(SEED_YAML);
    expect(v4Of('ccm0')).toEqual(['192.0.2.10/24']);
    expect(existsSync(r.pending)).toBe(false);
    expect(readOr(join(r.dir, 'var/lib/confconsole/net-rollbacks-unseen.json'))).toContain('unconfirmed at boot');
    expect((await run(r, 'recover.sh', [])).json).toEqual({ ok: true, recovered: false });
  });
});
