// Count active devices and Interface stats for real, in two network namespaces of the test's
// own joined by a veth pair (documentation addresses only, IPv6 off so no neighbour discovery
// adds a host): a sender in namespace S sends from exactly N source addresses to the capture
// port in namespace C, and `confconsole traffic devices` (count_devices.sh in C through
// CONFCONSOLE_NETNS) counts exactly N; a paced sender's known rate is what `traffic stats`
// (the console run inside C, reading C's /sys/class/net) reports, within 10 %.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { REPO, makeRoot, removeRoots, runCommand, scriptEnv, waitFor, type Root } from './helpers.js';

const CLI = join(REPO, 'bin/confconsole');
const built = existsSync(join(REPO, 'dist/cli.js'));
const why = missing('system: traffic (count devices, interface stats in network namespaces)', ['root', 'ip', '/usr/bin/python3']) ?? (built ? undefined : 'system: traffic: needs the build (npm run build)');

const TAG = randomBytes(3).toString('hex');
const NS_C = `cctr-${TAG}-c`;
const NS_S = `cctr-${TAG}-s`;
const CAP = 'tcap0';
const SRC = 'tsrc0';
const DST = '198.51.100.254';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

// Sends UDP to DST from each source address in turn, forever, paced at PPS packets a second
// (an absolute schedule: a late start catches up, so the average rate holds), SIZE bytes of payload.
const SENDER = `
import socket, sys, time
dst, pps, size = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
socks = []
for a in sys.argv[4:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((a, 0)); socks.append(s)
data = bytes(size); t0 = time.monotonic(); i = 0
while True:
    socks[i % len(socks)].sendto(data, (dst, 9)); i += 1
    d = t0 + i / pps - time.monotonic()
    if d > 0: time.sleep(d)
`;

let sender: ChildProcess | undefined;
function startSender(pps: number, size: number, sources: string[]): void {
  sender = spawn('ip', ['netns', 'exec', NS_S, '/usr/bin/python3', '-c', SENDER, DST, String(pps), String(size), ...sources], { stdio: 'ignore' });
}
async function stopSender(): Promise<void> {
  const s = sender;
  sender = undefined;
  if (!s || s.exitCode !== null) return;
  const gone = new Promise((r) => s.once('exit', r));
  s.kill('SIGKILL');
  await gone;
}

/** The capture port's received packets (the kernel's counter in C). */
const rxPackets = (): number => (JSON.parse(ip('-n', NS_C, '-j', '-s', 'link', 'show', 'dev', CAP)) as { stats64: { rx: { packets: number } } }[])[0]!.stats64.rx.packets;

/** The N source addresses of a test: 198.51.100.1..N (192.0.2.x after 100). */
const sourcesOf = (n: number) => Array.from({ length: n }, (_, i) => (i < 100 ? `198.51.100.${i + 1}` : `192.0.2.${i - 99}`));

let root: Root;

describe.skipIf(why !== undefined)('traffic in namespaces', () => {
  beforeAll(() => {
    ip('netns', 'add', NS_C);
    ip('netns', 'add', NS_S);
    for (const ns of [NS_C, NS_S]) {
      // no IPv6: router solicitations and MLD reports would be hosts of their own
      spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    ip('link', 'add', SRC, 'netns', NS_S, 'type', 'veth', 'peer', 'name', CAP, 'netns', NS_C);
    ip('-n', NS_C, 'link', 'set', CAP, 'up', 'promisc', 'on');
    ip('-n', NS_S, 'link', 'set', SRC, 'up');
    // the destination's MAC is known: no ARP request is ever sent, only the UDP packets
    ip('-n', NS_S, 'addr', 'add', '198.51.100.200/24', 'dev', SRC);
    ip('-n', NS_S, 'neigh', 'replace', DST, 'lladdr', '02:00:00:00:00:fe', 'dev', SRC, 'nud', 'permanent');
    root = makeRoot({ demo: false });
  });
  afterAll(async () => {
    await stopSender();
    for (const ns of [NS_C, NS_S]) spawnSync('ip', ['netns', 'del', ns]);
    removeRoots();
  });

  const cli = (args: string[], ns?: string, json = true) => {
    const argv = [CLI, '--root', root.dir, '--profile', 'appliance', ...(json ? ['--json'] : []), ...args];
    return ns ? runCommand('ip', ['netns', 'exec', ns, process.execPath, ...argv], scriptEnv(root.dir)) : runCommand(process.execPath, argv, scriptEnv(root.dir, { CONFCONSOLE_NETNS: NS_C }));
  };

  it.each([1, 7, 40])('traffic from exactly %d source addresses: traffic devices counts exactly that many', async (n) => {
    const sources = sourcesOf(n);
    // the addresses of this case only (the primary 198.51.100.200 sends nothing: every packet is bound to a source)
    for (const a of sources) ip('-n', NS_S, 'addr', 'replace', `${a}/32`, 'dev', SRC);
    try {
      const before = rxPackets();
      startSender(Math.max(50, n * 10), 64, sources);
      // the sender is running when the capture side has seen a round from every source
      await waitFor('the sender running', () => rxPackets() >= before + n, 15_000);
      const r = await cli(['traffic', 'devices', '--iface', CAP, '--seconds', '3']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.json).toMatchObject({ ok: true, count: n, ifaces: [CAP], demo: false, untracked: 0 });
      const ips = (r.json.hosts as { ip: string; packets: number }[]).map((h) => h.ip).sort();
      expect(ips).toEqual([...sources].sort());
      // sorted by packets, most first
      const packets = (r.json.hosts as { packets: number }[]).map((h) => h.packets);
      expect(packets).toEqual([...packets].sort((a, b) => b - a));
    } finally {
      await stopSender();
      for (const a of sources) ip('-n', NS_S, 'addr', 'del', `${a}/32`, 'dev', SRC);
    }
  }, 60_000);

  it('nothing sent: no device, exit 5, and what to check with the packet counter', async () => {
    const r = await cli(['traffic', 'devices', '--iface', CAP, '--seconds', '1']);
    expect(r.code, r.stdout + r.stderr).toBe(5);
    expect(r.json).toMatchObject({ ok: false, code: 5, count: 0, rx_packets: { [CAP]: 0 } });
    expect(r.json.summary).toMatch(/no active device seen on tcap0/);
  }, 30_000);

  it.each([
    [500, 1000],
    [2000, 200],
  ])('a paced sender at %d packets/s of %d bytes: traffic stats reports its rate within 10 per cent', async (pps, size) => {
    const before = rxPackets();
    startSender(pps, size, ['198.51.100.200']);
    try {
      await waitFor('the sender running', () => rxPackets() >= before + pps / 4, 15_000);
      const r = await cli(['traffic', 'stats', '--iface', CAP, '--seconds', '3'], NS_C);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const row = (r.json.interfaces as { name: string; rx_bps: number; rx_pps: number }[]).find((x) => x.name === CAP)!;
      // on the wire: UDP 8 + IPv4 20 + Ethernet 14 bytes around the payload
      const bps = pps * (size + 42) * 8;
      expect(row.rx_pps).toBeGreaterThan(pps * 0.9);
      expect(row.rx_pps).toBeLessThan(pps * 1.1);
      expect(row.rx_bps).toBeGreaterThan(bps * 0.9);
      expect(row.rx_bps).toBeLessThan(bps * 1.1);
      expect(r.json.interfaces.map((x: { name: string }) => x.name)).toEqual([CAP]);
    } finally {
      await stopSender();
    }
  }, 60_000);

  it('bad input is refused before anything runs, the field named', async () => {
    for (const [args, field] of [
      [['traffic', 'devices', '--iface', 'x'.repeat(16)], 'iface'],
      [['traffic', 'devices', '--iface', CAP, '--seconds', '0'], 'seconds'],
      [['traffic', 'stats', '--seconds', '3601'], 'seconds'],
      [['traffic', 'stats', '--iface', 'a/b'], 'iface'],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.json).toMatchObject({ ok: false, code: 2, field });
    }
    const gone = await cli(['traffic', 'devices', '--iface', 'nosuch0', '--seconds', '1']);
    expect(gone.code).toBe(2);
    expect(gone.json).toMatchObject({ field: 'iface', error: '--iface: there is no interface nosuch0' });
    const none = await cli(['traffic', 'stats', '--iface', 'nosuch0']);
    expect(none.code).toBe(2);
    expect(none.json).toMatchObject({ field: 'iface', error: '--iface: there is no interface nosuch0' });
    // the text form names the option once, whichever check refused it (the console's or the script's)
    for (const [args, said] of [
      [['traffic', 'devices', '--iface', 'nosuch0', '--seconds', '1'], /^confconsole: --iface: there is no interface nosuch0$/m],
      [['traffic', 'devices', '--seconds', '1.5'], /^confconsole: --seconds: whole seconds from 1 to 3600 \(got '1\.5'\)$/m],
      [['traffic', 'stats', '--iface', 'a b'], /^confconsole: --iface: an interface name \(1-15 letters, digits, \. _ @ -\)$/m],
    ] as const) {
      const r = await cli([...args], undefined, false);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(said);
    }
  }, 30_000);
});
