// The PCAP rolling buffer for real: set_pcap.sh's disk check (computed here from df/du the way
// sbin/lib/pcap.sh does) and pcap_ring.sh running tcpdump in a network namespace of the test's
// own, on a veth pair with ~20 MB of ping flood across it: the ring stays within its size.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIni } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import {
  auditEntries,
  listDir,
  makeRoot,
  read,
  removeRoots,
  runScript,
  script,
  scriptEnv,
  serviceCmd,
  stopPid,
  treeSnapshot,
  waitFor,
  type Root,
} from './helpers.js';

const whySize = missing('system: PCAP size (set_pcap.sh disk check)', ['bash', 'awk', 'flock', 'df', 'du']);
const whyRing = missing('system: PCAP ring (tcpdump in a network namespace)', ['root', 'ip', 'tcpdump', 'ping']);

afterAll(() => {
  for (const m of mounts.splice(0)) execFileSync('umount', [m]);
  removeRoots();
});

const mounts: string[] = [];
/**
 * A root whose var/lib/confconsole is a disk of its own (a 20 GB tmpfs, which uses memory only for
 * what is written), so the free space the size checks read moves only with this test's writes,
 * never with other tests' (a busy machine moved it across a GB boundary mid-test). Without root
 * rights, the machine's own disk, with the retries below.
 */
function rootOnOwnDisk(): Root {
  const root = makeRoot({ demo: true });
  if (process.getuid?.() !== 0) return root;
  const at = join(root.dir, 'var/lib/confconsole');
  mkdirSync(at, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20g,mode=0755', 'tmpfs', at]);
  mounts.push(at);
  return root;
}

const pcapDir = (r: Root) => join(r.dir, 'var/lib/confconsole/pcap');
/** the appliance's state: everything but the test's own files and the writers' lock file */
const settingsOnly = (rel: string) => rel === '.test' || rel.startsWith('.test/') || rel === 'run/confconsole/lock';
const sizeGb = (r: Root) => (parseIni(read(r.ini)).pcap ?? {}).size_gb;

/** What lib/pcap.sh computes: (avail + bytes of the current ring) / 1e9 - reserve, reserve = max(1, size/20/1e9). */
function expectedMax(r: Root): { max: number; reserve: number } {
  let d = pcapDir(r);
  while (!existsSync(d)) d = dirname(d);
  const [avail, size] = execFileSync('df', ['-B1', '--output=avail,size', d], { encoding: 'utf8' }).trim().split('\n').pop()!.trim().split(/\s+/).map(Number);
  const used = existsSync(pcapDir(r)) ? Number(execFileSync('du', ['-sb', pcapDir(r)], { encoding: 'utf8' }).split('\t')[0]) : 0;
  const reserve = Math.max(1, Math.floor(size! / 20 / 1e9));
  return { max: Math.max(0, Math.floor((avail! + used) / 1e9) - reserve), reserve };
}

describe.skipIf(whySize !== undefined)('set_pcap.sh: the buffer size must fit the disk', () => {
  it('N that fits is set and the capture service restarted; 0 disables it and stops the service', async () => {
    const root = makeRoot({ demo: false });
    const svc = serviceCmd(root);
    const env = { CONFCONSOLE_SERVICE_CMD: svc.cmd };
    const m0 = expectedMax(root);
    expect(m0.max, 'this disk has room for at least 1 GB of capture').toBeGreaterThanOrEqual(1);

    const r1 = await runScript('set_pcap.sh', ['1'], root.dir, env);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.json).toMatchObject({ ok: true, size_gb: 1, enabled: true });
    expect([m0.max, expectedMax(root).max]).toContain(r1.json.max_gb);
    expect(sizeGb(root)).toBe('1');

    const r0 = await runScript('set_pcap.sh', ['0'], root.dir, env);
    expect(r0.code, r0.stderr).toBe(0);
    expect(r0.json).toMatchObject({ ok: true, size_gb: 0, enabled: false });
    expect(sizeGb(root)).toBe('0');

    expect(read(svc.log).split('\n').filter(Boolean)).toEqual(['restart vsensor-pcap', 'stop vsensor-pcap']);
    expect(auditEntries(root).map((a) => [a.action, a.detail, a.result])).toEqual([
      ['pcap.set', 'PCAP buffer 0 GB -> 1 GB', 'ok'],
      ['pcap.set', 'PCAP buffer 1 GB -> disabled', 'ok'],
    ]);
  });

  it('the largest size that fits is accepted; one more is refused (exit 2) naming the largest', async () => {
    const root = rootOnOwnDisk();
    let { max, reserve } = expectedMax(root);
    let refused;
    for (let attempt = 0; ; attempt++) {
      // free space moves while other tests write: retry if it crossed a GB boundary meanwhile
      const before = treeSnapshot(root.dir, settingsOnly);
      refused = await runScript('set_pcap.sh', [String(max + 1)], root.dir);
      const now = expectedMax(root);
      if (now.max === max || attempt === 2) {
        expect(refused.code, refused.stderr).toBe(2);
        expect(treeSnapshot(root.dir, settingsOnly)).toEqual(before);
        break;
      }
      ({ max, reserve } = now);
    }
    expect(refused.json).toMatchObject({ ok: false, code: 2 });
    expect(refused.json.error).toBe(
      `${max + 1} GB does not fit on the disk: the largest PCAP buffer that fits is ${max} GB (free space plus the current buffer, less a reserve of ${reserve} GB)`,
    );
    expect(refused.stderr).toContain(`the largest PCAP buffer that fits is ${max} GB`);

    const huge = await runScript('set_pcap.sh', ['999999'], root.dir);
    expect(huge.code).toBe(2);
    expect(huge.json.error).toMatch(/^999999 GB does not fit on the disk: the largest PCAP buffer that fits is \d+ GB/);

    const ok = await runScript('set_pcap.sh', [String(max)], root.dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toEqual({ ok: true, changed: true, size_gb: max, enabled: true, max_gb: max });
    expect(sizeGb(root)).toBe(String(max));
  });

  it('what the current ring holds counts as free: a 3 GB ring raises the largest size by 3', async () => {
    const root = rootOnOwnDisk();
    const without = expectedMax(root);
    mkdirSync(pcapDir(root), { recursive: true });
    // a sparse file: 3 GB as du -sb (what lib/pcap.sh reads) counts it, no real disk used
    writeFileSync(join(pcapDir(root), 'ring.pcap0'), '');
    truncateSync(join(pcapDir(root), 'ring.pcap0'), 3e9);
    const withRing = expectedMax(root);
    expect(withRing.max).toBe(without.max + 3);
    const r = await runScript('set_pcap.sh', [String(withRing.max + 1)], root.dir);
    expect(r.code, r.stderr).toBe(2);
    expect([withRing.max, expectedMax(root).max].map((m) => `the largest PCAP buffer that fits is ${m} GB`)).toContain(
      /the largest PCAP buffer that fits is \d+ GB/.exec(r.json.error)![0],
    );
    const ok = await runScript('set_pcap.sh', [String(without.max + 1)], root.dir); // fits only thanks to the ring
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('refuses what is not a whole number of GB, and extra arguments: exit 2, nothing changed', async () => {
    const root = makeRoot({ demo: true });
    const before = treeSnapshot(root.dir);
    for (const args of [['abc'], ['-1'], ['1.5'], [''], [' 5'], ['5 '], ['1e3'], ['0x10'], ['5GB'], ['١']]) {
      const r = await runScript('set_pcap.sh', args, root.dir);
      expect(r.code, `${JSON.stringify(args)}: ${r.stderr}`).toBe(2);
      expect(r.json.error).toMatch(/is not a whole number of GB \(0 disables packet capture\)/);
    }
    // a whole number, too long: said so, not "not a whole number"
    for (const n of ['1234567', '99999999999999999999', '0001000000']) {
      const r = await runScript('set_pcap.sh', [n], root.dir);
      expect(r.code, `${n}: ${r.stderr}`).toBe(2);
      expect(r.json).toMatchObject({ field: 'gb', error: `${n} GB is too large: at most 6 digits (the disk decides the largest buffer that fits)` });
    }
    for (const args of [[], ['1', '2']]) {
      const r = await runScript('set_pcap.sh', args, root.dir);
      expect(r.code).toBe(2);
      expect(r.json.error).toMatch(/usage: set_pcap\.sh (\[--check\] )?GB/);
    }
    expect(treeSnapshot(root.dir)).toEqual(before);
  });

  it('--check says whether a size fits and changes nothing (not even the lock)', async () => {
    const root = rootOnOwnDisk();
    const before = treeSnapshot(root.dir);
    const { max, reserve } = expectedMax(root);
    const ok = await runScript('set_pcap.sh', ['--check', '1'], root.dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, size_gb: 1 });
    expect([max, expectedMax(root).max]).toContain(ok.json.max_gb);
    const no = await runScript('set_pcap.sh', ['--check', '999999'], root.dir);
    expect(no.code).toBe(2);
    expect(no.json.error).toMatch(new RegExp(`^999999 GB does not fit on the disk: the largest PCAP buffer that fits is \\d+ GB \\(free space plus the current buffer, less a reserve of ${reserve} GB\\)$`));
    expect(treeSnapshot(root.dir)).toEqual(before);
  });

  it('a capture service that does not restart: exit 3, the size restored', async () => {
    const root = makeRoot({ demo: false });
    const svc = serviceCmd(root, ['vsensor-pcap'], 'service', { failTimes: 1 });
    const before = read(root.ini);
    const r = await runScript('set_pcap.sh', ['1'], root.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
    expect(r.code, r.stderr).toBe(3);
    expect(r.json.error).toMatch(/vsensor-pcap did not restart/);
    expect(read(root.ini)).toBe(before);
  });
});

/** ICMP echo-request sequence numbers and record sizes in a pcap file (Ethernet, IPv4). */
function parsePcap(file: string) {
  const b = readFileSync(file);
  const seqs: number[] = [];
  let packets = 0;
  let truncated = 0;
  if (b.length === 0) return { ok: true, seqs, packets, truncated };
  if (b.length < 24 || b.readUInt32LE(0) !== 0xa1b2c3d4) return { ok: false, seqs, packets, truncated };
  for (let o = 24; o + 16 <= b.length; ) {
    const incl = b.readUInt32LE(o + 8);
    const orig = b.readUInt32LE(o + 12);
    const p = o + 16;
    if (p + incl > b.length) break; // the last record may be cut when tcpdump was stopped
    packets++;
    if (incl !== orig) truncated++;
    if (incl >= 42 && b.readUInt16BE(p + 12) === 0x0800 && b[p + 23] === 1) {
      const icmp = p + 14 + (b[p + 14]! & 0x0f) * 4;
      if (b[icmp] === 8) seqs.push(b.readUInt16BE(icmp + 6));
    }
    o = p + incl;
  }
  return { ok: true, seqs, packets, truncated };
}

describe.skipIf(whyRing !== undefined)('pcap_ring.sh: a real tcpdump ring in a network namespace', () => {
  const tag = `${process.pid % 100000}`;
  const NS_A = `cc-pcap-${tag}-a`;
  const NS_B = `cc-pcap-${tag}-b`;
  const IF_A = `ccp${tag}a`;
  const IF_B = `ccp${tag}b`;
  const ADDR_A = '198.51.100.1';
  const ADDR_B = '198.51.100.2';
  const children: ChildProcess[] = [];
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

  beforeAll(() => {
    for (const ns of [NS_A, NS_B]) {
      try {
        ip('netns', 'del', ns); // a leftover of an earlier run with the same pid
      } catch {
        /* none */
      }
      ip('netns', 'add', ns);
    }
    // the veth pair is made inside A, one end moved to B at once: the host's namespace is never touched
    ip('-n', NS_A, 'link', 'add', IF_A, 'type', 'veth', 'peer', 'name', IF_B, 'netns', NS_B);
    ip('-n', NS_A, 'addr', 'add', `${ADDR_A}/24`, 'dev', IF_A);
    ip('-n', NS_B, 'addr', 'add', `${ADDR_B}/24`, 'dev', IF_B);
    for (const [ns, dev] of [[NS_A, IF_A], [NS_B, IF_B], [NS_A, 'lo'], [NS_B, 'lo']]) ip('-n', ns!, 'link', 'set', dev!, 'up');
    execFileSync('ip', ['netns', 'exec', NS_B, 'ping', '-c', '1', '-W', '3', ADDR_A], { stdio: 'ignore' });
  });

  afterAll(async () => {
    for (const c of children) await stopPid(c.pid);
    for (const ns of [NS_A, NS_B]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        /* already gone */
      }
    }
  });

  /** pcap_ring.sh in namespace A; resolves once tcpdump listens. `ip netns exec` and the script exec: the pid is tcpdump's. */
  async function startRing(root: Root, sizeMb: number) {
    const child = spawn('ip', ['netns', 'exec', NS_A, script('pcap_ring.sh'), '--size-mb', String(sizeMb), '--iface', IF_A], {
      env: scriptEnv(root.dir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    await waitFor(`tcpdump to listen on ${IF_A} (${stderr})`, () => stderr.includes('listening on') || child.exitCode !== null, 10_000, 20);
    expect(child.exitCode, stderr).toBeNull();
    const stop = async () => {
      child.kill('SIGTERM');
      const code = await exited;
      return { code, stderr };
    };
    return { child, stop, stderr: () => stderr };
  }

  it('a 4 MB ring: at most 4 files, about 4 MB, after ~20 MB of traffic (the oldest overwritten)', async () => {
    const root = makeRoot({ demo: false });
    mkdirSync(pcapDir(root), { recursive: true });
    writeFileSync(join(pcapDir(root), 'ring.pcap7'), 'left by a larger ring\n'); // K >= 4: removed on start
    const ring = await startRing(root, 4);
    expect(ring.stderr()).toContain(`capturing on ${IF_A} into 4 files of 1 MB`);
    expect(listDir(pcapDir(root))).toEqual(['ring.pcap0']);

    const stat = (what: string) => Number(execFileSync('ip', ['netns', 'exec', NS_A, 'cat', `/sys/class/net/${IF_A}/statistics/${what}`], { encoding: 'utf8' }));
    const bytes0 = stat('rx_bytes') + stat('tx_bytes');
    const COUNT = 7000; // 7000 requests + 7000 replies of 1442 bytes on the wire: ~20 MB
    execFileSync('ip', ['netns', 'exec', NS_B, 'ping', '-f', '-q', '-s', '1400', '-c', String(COUNT), ADDR_A], { stdio: 'ignore', timeout: 20_000 });
    const traffic = stat('rx_bytes') + stat('tx_bytes') - bytes0;
    // tcpdump may be seconds behind on a loaded machine: what the kernel still holds for it is
    // lost on SIGTERM, so wait until the ring stops changing before stopping it
    let last = '';
    let since = Date.now();
    await waitFor('the ring to stop growing', () => {
      const now = listDir(pcapDir(root)).map((f) => `${f}:${statSync(join(pcapDir(root), f)).size}`).join(' ');
      if (now !== last) [last, since] = [now, Date.now()];
      return Date.now() - since > 1000;
    }, 20_000, 100);
    const { code, stderr } = await ring.stop();
    expect(code, stderr).toBe(0);

    expect(traffic).toBeGreaterThan(19e6);
    const captured = Number(/(\d+) packets captured/.exec(stderr)?.[1] ?? 0);
    expect(captured * 1442, `tcpdump: ${stderr}`).toBeGreaterThan(4.5e6); // more than the ring holds

    const files = listDir(pcapDir(root));
    expect(files).toEqual(['ring.pcap0', 'ring.pcap1', 'ring.pcap2', 'ring.pcap3']);
    const sizes = files.map((f) => statSync(join(pcapDir(root), f)).size);
    for (const s of sizes) expect(s).toBeLessThanOrEqual(1e6 + 1500 + 16); // -C 1: rotated after the packet that passes 1 MB
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4.5e6);

    const parsed = files.map((f) => parsePcap(join(pcapDir(root), f)));
    expect(parsed.every((p) => p.ok)).toBe(true);
    expect(parsed.reduce((a, p) => a + p.truncated, 0)).toBe(0); // -s 0: whole packets
    const seqs = parsed.flatMap((p) => p.seqs);
    expect(seqs.length).toBeGreaterThan(500);
    // wrapped: the first requests were overwritten, the last ones are kept
    // (how much is kept depends on how many pings got through: the first fifth is surely gone)
    expect(Math.min(...seqs)).toBeGreaterThan(COUNT / 5);
    expect(Math.max(...seqs), `tcpdump: ${stderr}`).toBeGreaterThan(COUNT * 0.9);
  });

  it('a ring that changed size: every file tcpdump will not overwrite is removed on start', async () => {
    // 2000 MB = 20 files of 100 MB: tcpdump names them ring.pcap00 ... ring.pcap19. The files of
    // a 1 GB ring (ring.pcap0 ... ring.pcap9) or a 20 GB one (ring.pcap000 ...) would stay forever
    const root = makeRoot({ demo: false });
    mkdirSync(pcapDir(root), { recursive: true });
    const stale = [...Array.from({ length: 10 }, (_, i) => `ring.pcap${i}`), 'ring.pcap000', 'ring.pcap019', 'ring.pcap150', 'ring.pcap25'];
    for (const f of stale) writeFileSync(join(pcapDir(root), f), 'old capture\n');
    const ring = await startRing(root, 2000);
    expect(ring.stderr()).toContain('into 20 files of 100 MB');
    const files = listDir(pcapDir(root));
    const { code } = await ring.stop();
    expect(code).toBe(0);
    expect(files).toEqual(['ring.pcap00']);
  });
});
