// The time sources shown are the ones the daemon uses (issue 9 item 5), with a real chronyd:
// Debian's stock chrony.conf (confdir, pool, sourcedir /run/chrony-dhcp and sources.d, a site
// server with options), a DHCP lease file, a confdir peer, a sources.d server and a source added
// at run time (chronyc add). The client chronyd runs in a private mount namespace that sees the
// test root as its /etc/chrony, /run and /var/lib/chrony, and a resolv.conf naming only
// 127.0.0.1 (no name resolves, no query leaves the machine); `port 0` and `cmdport 0` make it
// serve nothing. Everything it talks to is on loopback.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ntpShow } from '../../src/features/ntp/index.js';
import { makePaths } from '../../src/system/paths.js';
import { makeRunner } from '../../src/system/runner.js';
import { missing } from '../support/requires.js';
import { fixture, freeUdpPort, makeRoot, ntpAnswers, read, readOr, removeRoots, runScript, stopPid, waitFor, type Root } from './helpers.js';
import { DEBIAN } from './ntp-fixtures.js';

const why = missing('system: NTP sources of a real chronyd', ['root', 'chronyd', 'chronyc', 'unshare', 'mount', 'python3', 'flock']);

afterAll(() => removeRoots());

describe.skipIf(why !== undefined)("ntp show lists what a real chronyd uses, from Debian's stock chrony.conf", () => {
  let srvDir = '';
  let serverPid: number | undefined;
  let PORT = 0;
  let CLOSED = 0;
  let root: Root;
  let svcCmd = '';
  const pidFile = () => join(root.dir, 'run/chrony/chronyd.pid');
  const sock = () => join(root.dir, 'run/chrony/chronyd.sock');

  beforeAll(async () => {
    srvDir = mkdtempSync(join(tmpdir(), 'cc-ntpd-'));
    PORT = await freeUdpPort();
    CLOSED = await freeUdpPort([PORT]);
    const conf = join(srvDir, 'server.conf');
    writeFileSync(
      conf,
      ['local stratum 8', 'allow all', `port ${PORT}`, 'bindaddress 127.0.0.1', 'bindaddress ::1', 'cmdport 0', `pidfile ${srvDir}/chronyd.pid`, `driftfile ${srvDir}/chrony.drift`].join('\n') + '\n',
    );
    const r = spawnSync('chronyd', ['-x', '-u', 'root', '-f', conf], { encoding: 'utf8' });
    expect(r.status, `chronyd server did not start: ${r.stderr}`).toBe(0);
    serverPid = await waitFor('the NTP server pid file', () => Number(readOr(join(srvDir, 'chronyd.pid')).trim()) || undefined, 5000, 50);
    await waitFor('the NTP server to answer', () => ntpAnswers('127.0.0.1', PORT), 10_000, 100);
    await waitFor('the NTP server to answer on ::1', () => ntpAnswers('::1', PORT), 10_000, 100);

    root = makeRoot({ demo: false });
    writeFileSync(root.conf, DEBIAN + '\n# the test daemon serves nothing\nport 0\ncmdport 0\n');
    const files: Record<string, string> = {
      'etc/chrony/chrony.keys': '',
      'run/chrony-dhcp/eth0.sources': `server ::1 port ${PORT} iburst\n`,
      'etc/chrony/conf.d/lab.conf': `peer 127.0.0.2 port ${CLOSED}\n`,
      'etc/chrony/sources.d/lab.sources': `server 127.0.0.3 port ${CLOSED} iburst\n`,
    };
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(root.dir, p, '..'), { recursive: true });
      writeFileSync(join(root.dir, p), text);
    }
    mkdirSync(join(root.dir, 'run/chrony'), { recursive: true });
    chmodSync(join(root.dir, 'run/chrony'), 0o700);
    mkdirSync(join(root.dir, 'var/lib/chrony'), { recursive: true });
    writeFileSync(join(root.testDir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    // the service manager: stop the running client, start one that sees the root as its system
    svcCmd = fixture(
      root,
      'service',
      `R='${root.dir}'
printf '%s\\n' "$*" >>"$R/.test/service.log"
[ "$1 $2" = "restart chrony" ] || exit 0
if [ -s "$R/run/chrony/chronyd.pid" ]; then
  kill "$(cat "$R/run/chrony/chronyd.pid")" 2>/dev/null
  n=0; while [ -e "$R/run/chrony/chronyd.pid" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
fi
unshare -m sh -c 'mount --make-rprivate / && mount --bind "$0/etc/chrony" /etc/chrony && mount --bind "$0/run" /run && mount --bind "$0/var/lib/chrony" /var/lib/chrony && mount --bind "$0/.test/resolv.conf" /etc/resolv.conf && exec chronyd -x -u root -f /etc/chrony/chrony.conf' "$R" || exit 1
n=0; while [ ! -S "$R/run/chrony/chronyd.sock" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
`,
    );
  });

  afterAll(async () => {
    if (root) await stopPid(Number(readOr(pidFile()).trim()) || undefined);
    await stopPid(serverPid);
    if (srvDir) rmSync(srvDir, { recursive: true, force: true });
  });

  it('before: the daemon is not running, and show_ntp.sh says so with every configured source', async () => {
    const res = await runScript('show_ntp.sh', [], root.dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.daemon).toEqual({ running: false, asked: true, error: 'chronyd is not running (no command socket /run/chrony/chronyd.sock)' });
    expect(res.json.sources.map((s: any) => s.origin)).toEqual(['file', 'ours', 'ours', 'dhcp', 'file']);
  });

  it('ntp set keeps the pool and the sourcedirs; the running daemon uses the servers set here, the DHCP one, the peer, sources.d and one added at run time, and ntp show lists each with its origin', async () => {
    const set = await runScript('set_ntp.sh', ['2.debian.pool.ntp.org', `127.0.0.1:${PORT}`], root.dir, { CONFCONSOLE_SERVICE_CMD: svcCmd });
    expect(set.code, set.stderr).toBe(0);
    expect(read(root.conf)).toContain(`\npool 2.debian.pool.ntp.org iburst\nserver 127.0.0.1 port ${PORT} iburst\n`);
    expect(read(root.conf)).toContain('\nsourcedir /run/chrony-dhcp\n');
    const pid = Number(readOr(pidFile()).trim());
    expect(pid).toBeGreaterThan(0);

    // a source nobody wrote in a file: added at run time, as chrony 3's DHCP hook does
    const add = spawnSync('chronyc', ['-h', sock(), 'add', 'server', '127.0.0.4', 'port', String(CLOSED)], { encoding: 'utf8' });
    expect(add.status, add.stderr + add.stdout).toBe(0);

    const reached = (s: any) => s.daemon.length > 0 && s.daemon[0].reach !== '0';
    const st = await waitFor(
      'the daemon to hear from the server set here and the DHCP one',
      async () => {
        const r = await runScript('show_ntp.sh', [], root.dir);
        const byName = Object.fromEntries((r.json?.sources ?? []).map((s: any) => [s.name, s]));
        return r.code === 0 && byName[`127.0.0.1:${PORT}`] && reached(byName[`127.0.0.1:${PORT}`]) && byName[`[::1]:${PORT}`] && reached(byName[`[::1]:${PORT}`]) ? r.json : undefined;
      },
      30_000,
      300,
    );
    expect(st.daemon).toEqual({ running: true, asked: true });
    expect(st.servers).toEqual(['2.debian.pool.ntp.org', `127.0.0.1:${PORT}`]);
    expect(st.sources.map((s: any) => [s.name, s.kind, s.origin, s.file])).toEqual([
      [`127.0.0.2:${CLOSED}`, 'peer', 'file', '/etc/chrony/conf.d/lab.conf'],
      ['2.debian.pool.ntp.org', 'pool', 'ours', '/etc/chrony/chrony.conf'],
      [`127.0.0.1:${PORT}`, 'server', 'ours', '/etc/chrony/chrony.conf'],
      [`[::1]:${PORT}`, 'server', 'dhcp', '/run/chrony-dhcp/eth0.sources'],
      [`127.0.0.3:${CLOSED}`, 'server', 'file', '/etc/chrony/sources.d/lab.sources'],
      ['127.0.0.4', 'server', 'daemon', ''],
    ]);
    const by = Object.fromEntries(st.sources.map((s: any) => [s.name, s]));
    // the pool's name does not resolve here: configured, not used
    expect(by['2.debian.pool.ntp.org'].daemon).toEqual([]);
    expect(by[`127.0.0.1:${PORT}`].daemon).toMatchObject([{ mode: 'server', name: '127.0.0.1', address: '127.0.0.1', stratum: 8 }]);
    expect(by[`[::1]:${PORT}`].daemon).toMatchObject([{ mode: 'server', name: '::1', address: '::1', stratum: 8 }]);
    expect(by[`127.0.0.2:${CLOSED}`].daemon).toMatchObject([{ mode: 'peer', address: '127.0.0.2', reach: '0' }]);
    expect(by[`127.0.0.3:${CLOSED}`].daemon).toMatchObject([{ mode: 'server', address: '127.0.0.3', reach: '0' }]);
    expect(by['127.0.0.4'].daemon).toMatchObject([{ mode: 'server', address: '127.0.0.4' }]);
    // what chronyc itself lists: every address is in the answer, none left out
    const listed = spawnSync('chronyc', ['-h', sock(), '-c', '-n', 'sources'], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.split(',')[2]).sort();
    expect(st.sources.flatMap((s: any) => s.daemon.map((d: any) => d.address)).sort()).toEqual(listed);

    // the console's NTP view shows the same: one row each, its origin and what the daemon does
    const paths = makePaths(root.dir);
    const shown = await ntpShow.show!({ paths, runner: makeRunner(paths) }, {});
    expect(shown.kind).toBe('table');
    if (shown.kind !== 'table') return;
    expect(shown.text).toContain('2 NTP server(s) set here, and 4 other source(s) chrony also uses.');
    expect(shown.text).toContain('chronyd is running');
    expect(shown.rows.map((r) => [r[1], r[3]])).toEqual([
      [`127.0.0.2:${CLOSED}`, 'other file (/etc/chrony/conf.d/lab.conf:1)'],
      ['2.debian.pool.ntp.org', 'set here'],
      [`127.0.0.1:${PORT}`, 'set here'],
      [`[::1]:${PORT}`, 'DHCP (/run/chrony-dhcp/eth0.sources:1)'],
      [`127.0.0.3:${CLOSED}`, 'other file (/etc/chrony/sources.d/lab.sources:1)'],
      ['127.0.0.4', 'daemon only'],
    ]);
    expect(shown.rows[1]![4]).toBe('not used');
    expect(shown.rows[2]![4]).toMatch(/^(selected|combined|not combined|not usable), reach [1-7][0-7]*$/);
  });
});
