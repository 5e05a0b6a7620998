// NTP for real: a local chronyd NTP server on loopback, test_ntp.sh asking it for the time,
// set_ntp.sh rewriting chrony.conf and the settings, and a real chronyd client restarted through
// CONFCONSOLE_SERVICE_CMD that then syncs with the servers the script wrote.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIni, parseSettings } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import {
  CHRONY_HEAD,
  CHRONY_TAIL,
  alive,
  auditEntries,
  cmdline,
  fixture,
  freeUdpPort,
  listDir,
  makeRoot,
  ntpAnswers,
  read,
  readOr,
  removeRoots,
  runScript,
  serviceCmd,
  state,
  stopPid,
  waitFor,
  type Root,
} from './helpers.js';

const why = missing('system: NTP with a real chronyd', ['root', 'chronyd', 'chronyc', 'flock', 'getent']);

const whyInput = missing('system: set_ntp.sh input checks', ['bash', 'awk', 'flock']);

const HEADER = '# NTP servers, set by confconsole (set_ntp.sh)';

afterAll(() => removeRoots());

describe.skipIf(why !== undefined)('NTP against a real local chronyd server', () => {
  let srvDir = '';
  let serverPid: number | undefined;
  let PORT = 0; // the local NTP server
  let CLOSED = 0; // nothing listens here
  const clientPids: number[] = [];

  beforeAll(async () => {
    srvDir = mkdtempSync(join(tmpdir(), 'cc-ntpd-'));
    PORT = await freeUdpPort();
    CLOSED = await freeUdpPort([PORT]);
    const conf = join(srvDir, 'server.conf');
    writeFileSync(
      conf,
      [
        'local stratum 8',
        'allow all',
        `port ${PORT}`,
        'bindaddress 127.0.0.1',
        'bindaddress ::1',
        'cmdport 0',
        `pidfile ${srvDir}/chronyd.pid`,
        `driftfile ${srvDir}/chrony.drift`,
      ].join('\n') + '\n',
    );
    // -x: never touch the clock; chronyd forks into the background and writes its pid file
    const r = spawnSync('chronyd', ['-x', '-u', 'root', '-f', conf], { encoding: 'utf8' });
    expect(r.status, `chronyd server did not start: ${r.stderr}`).toBe(0);
    serverPid = await waitFor('the NTP server pid file', () => Number(readOr(join(srvDir, 'chronyd.pid')).trim()) || undefined, 5000, 50);
    await waitFor('the NTP server to answer on 127.0.0.1', () => ntpAnswers('127.0.0.1', PORT), 10_000, 100);
    await waitFor('the NTP server to answer on ::1', () => ntpAnswers('::1', PORT), 10_000, 100);
  });

  afterAll(async () => {
    for (const pid of clientPids) await stopPid(pid);
    await stopPid(serverPid ?? (srvDir ? Number(readOr(join(srvDir, 'chronyd.pid')).trim()) || undefined : undefined));
    if (srvDir) rmSync(srvDir, { recursive: true, force: true });
  });

  describe('test_ntp.sh', () => {
    it('reports OK with the clock offset for a server that answers (IPv4 and IPv6), touching nothing', async () => {
      const root = makeRoot({ demo: true });
      const before = state(root);
      const r = await runScript('test_ntp.sh', ['--timeout', '3', `127.0.0.1:${PORT}`, `[::1]:${PORT}`], root.dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toMatchObject({
        ok: true,
        results: [
          { server: `127.0.0.1:${PORT}`, ok: true },
          { server: `[::1]:${PORT}`, ok: true },
        ],
      });
      for (const res of r.json.results) {
        expect(typeof res.offset).toBe('number');
        expect(Math.abs(res.offset)).toBeLessThan(0.5); // same clock on both ends
      }
      expect(r.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${PORT}: OK, answered \\(clock offset -?[0-9.]+ s\\)`));
      expect(r.stderr).toMatch(new RegExp(`\\[::1\\]:${PORT}: OK`));
      // a test changes nothing: no settings, no audit entry, no backup
      expect(state(root)).toEqual(before);
      expect(readOr(root.audit)).toBe('');
      expect(listDir(root.backups)).toEqual([]);
    });

    it('asks a pool (pool:NAME) as chrony would: a pool line, every address of the name', async () => {
      const root = makeRoot({ demo: true });
      // localhost is a name (from /etc/hosts: no DNS query leaves the machine)
      const r = await runScript('test_ntp.sh', ['--timeout', '3', `pool:localhost:${PORT}`], root.dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toMatchObject({ ok: true, results: [{ server: `pool:localhost:${PORT}`, ok: true }] });
      expect(typeof r.json.results[0].offset).toBe('number');
    });

    it('fails with exit 5 and "no answer" for a port where nothing answers', async () => {
      const root = makeRoot({ demo: true });
      const r = await runScript('test_ntp.sh', ['--timeout', '2', `127.0.0.1:${CLOSED}`], root.dir);
      expect(r.code, r.stderr).toBe(5);
      expect(r.json).toEqual({
        ok: false,
        results: [{ server: `127.0.0.1:${CLOSED}`, ok: false, error: 'no answer within 2 s' }],
      });
      expect(r.stderr).toContain(`127.0.0.1:${CLOSED}: FAILED, no answer`);
      expect(r.ms).toBeGreaterThan(1500); // it did wait for the answer...
      expect(r.ms).toBeLessThan(8000); // ...but no longer than --timeout asks
    });

    it('fails with exit 5 for a name that does not resolve, and still reports the good server', async () => {
      const root = makeRoot({ demo: true });
      const r = await runScript('test_ntp.sh', ['--timeout', '2', 'nothing.invalid', `127.0.0.1:${PORT}`], root.dir, {}, { loopbackDns: true });
      expect(r.code, r.stderr).toBe(5);
      expect(r.json.ok).toBe(false);
      expect(r.json.results).toHaveLength(2);
      expect(r.json.results[0]).toEqual({ server: 'nothing.invalid', ok: false, error: 'name does not resolve' });
      expect(r.json.results[1]).toMatchObject({ server: `127.0.0.1:${PORT}`, ok: true });
      expect(r.stderr).toMatch(/nothing\.invalid: FAILED, the name does not resolve/);
    });

    it.each([
      [['--timeout', '0', '127.0.0.1'], /--timeout takes 1 to 60 seconds/],
      [['bad..host'], /"bad\.\.host" is not a valid host name/],
      [[], /at least one NTP server/],
    ])('rejects bad arguments %j with exit 2', async (args, msg) => {
      const root = makeRoot({ demo: true });
      const r = await runScript('test_ntp.sh', args, root.dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.json).toMatchObject({ ok: false, code: 2 });
      expect(r.json.error).toMatch(msg);
    });
  });

  describe('set_ntp.sh with a real chronyd client restarted through CONFCONSOLE_SERVICE_CMD', () => {
    let root: Root;
    let sock = '';
    let pidFile = '';
    let svcLog = '';
    let svcCmd = '';

    /** Restarts chrony as the appliance would: stop the running chronyd, start one on the root's conf. */
    function chronyServiceCmd(r: Root): string {
      svcLog = join(r.testDir, 'service.log');
      return fixture(
        r,
        'service',
        `log='${svcLog}'
pidf='${pidFile}'
printf '%s\\n' "$*" >>"$log"
[ "$1 $2" = "restart chrony" ] || exit 0
if [ -s "$pidf" ]; then
  kill "$(cat "$pidf")" 2>/dev/null
  n=0; while [ -e "$pidf" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
fi
chronyd -x -u root -f "$CONFCONSOLE_ROOT/etc/chrony/chrony.conf" || exit 1
n=0; while [ ! -s "$pidf" ] && [ $n -lt 30 ]; do sleep 0.1; n=$((n + 1)); done
echo "started $(cat "$pidf")" >>"$log"
`,
      );
    }

    const chronyc = (...args: string[]) => {
      const r = spawnSync('chronyc', ['-h', sock, '-n', '-c', ...args], { encoding: 'utf8' });
      return r.status === 0 ? r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(',')) : [];
    };
    /** address → reach register (octal text) of the client's sources */
    const sources = () => Object.fromEntries(chronyc('sources').map((f) => [f[2], f[5]]));
    /** address → remote port the client sends to */
    const remotePorts = () => Object.fromEntries(chronyc('ntpdata').map((f) => [f[0], Number(f[2])]));
    const clientPid = () => Number(readOr(pidFile).trim()) || undefined;

    beforeAll(() => {
      let dir = '';
      root = makeRoot({
        demo: false,
        iniMode: 0o640,
        chronyTail: (d) => {
          dir = d;
          return [
            'port 0',
            'cmdport 0',
            `pidfile ${d}/run/chrony/chronyd.pid`,
            `bindcmdaddress ${d}/run/chrony/chronyd.sock`,
            `driftfile ${d}/var/lib/chrony/chrony.drift`,
          ];
        },
      });
      mkdirSync(join(dir, 'run/chrony'), { recursive: true, mode: 0o700 });
      mkdirSync(join(dir, 'var/lib/chrony'), { recursive: true });
      sock = join(dir, 'run/chrony/chronyd.sock');
      pidFile = join(dir, 'run/chrony/chronyd.pid');
      svcCmd = chronyServiceCmd(root);
    });

    afterAll(async () => {
      await stopPid(clientPid());
    });

    it('writes chrony.conf server lines in place of the pool line, [ntp] servers, the audit entry, and restarts chrony', async () => {
      const servers = [`127.0.0.1:${PORT}`, `[::1]:${PORT}`];
      const r = await runScript('set_ntp.sh', servers, root.dir, { CONFCONSOLE_SERVICE_CMD: svcCmd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toEqual({ ok: true, changed: true, servers });
      expect(r.stderr).toContain('restarting chrony');

      // chrony.conf: the pool line became the server block, every other line kept in order
      const tail = root.seedConf.split('\n').slice(CHRONY_HEAD.length + 1).join('\n');
      expect(read(root.conf)).toBe(
        [...CHRONY_HEAD, HEADER, `server 127.0.0.1 port ${PORT} iburst`, `server ::1 port ${PORT} iburst`].join('\n') + '\n' + tail,
      );
      expect(read(root.conf)).not.toContain('pool ');
      for (const l of CHRONY_TAIL) expect(read(root.conf)).toContain(`\n${l}\n`);

      // the settings: [ntp] servers added, the rest untouched, mode kept; the console reads it back
      const ini = read(root.ini);
      expect(ini.startsWith(root.seedIni), ini).toBe(true);
      expect(ini).toMatch(new RegExp(`\\n\\[ntp\\]\\nservers = "127\\.0\\.0\\.1:${PORT} \\[::1\\]:${PORT}"\\n$`));
      expect(parseSettings(ini).ntp.servers).toEqual(servers);
      expect(parseSettings(ini).services.names).toEqual(['chrony', 'x-core']);
      expect(parseIni(ini).appliance).toEqual({ profile: 'appliance' });
      expect(statSync(root.ini).mode & 0o777).toBe(0o640);
      expect(statSync(root.conf).mode & 0o777).toBe(0o644);

      // audit: one line, the change and its result; backups hold the previous files
      const audit = auditEntries(root);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        user: 'system-test',
        script: 'set_ntp.sh',
        action: 'ntp.set',
        detail: `servers: (none) -> ${servers.join(' ')}`,
        result: 'ok',
      });
      expect(audit[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const backups = listDir(root.backups);
      const iniBackup = backups.find((b) => b.startsWith('etc_confconsole_appliance.ini.'));
      const confBackup = backups.find((b) => b.startsWith('etc_chrony_chrony.conf.'));
      expect(backups).toHaveLength(2);
      expect(readFileSync(join(root.backups, iniBackup!), 'utf8')).toBe(root.seedIni);
      expect(readFileSync(join(root.backups, confBackup!), 'utf8')).toBe(root.seedConf);
      expect(listDir(join(root.dir, 'etc/chrony')).filter((f) => f !== 'chrony.conf')).toEqual([]);

      // chrony was restarted once, and the daemon runs on the root's chrony.conf...
      const log = read(svcLog).split('\n').filter(Boolean);
      expect(log[0]).toBe('restart chrony');
      expect(log.filter((l) => l.startsWith('restart'))).toEqual(['restart chrony']);
      const pid = clientPid();
      expect(pid).toBeDefined();
      clientPids.push(pid!);
      expect(alive(pid!)).toBe(true);
      expect(log).toContain(`started ${pid}`);
      expect(cmdline(pid!)).toEqual(['chronyd', '-x', '-u', 'root', '-f', root.conf]);
      // ...with exactly the new servers, which it reaches: the local server answers it
      await waitFor('the chronyd client to hear from both servers', () => {
        const s = sources();
        return s['127.0.0.1'] && s['127.0.0.1'] !== '0' && s['::1'] && s['::1'] !== '0' ? s : undefined;
      }, 15_000, 200);
      expect(Object.keys(sources()).sort()).toEqual(['127.0.0.1', '::1']);
      expect(remotePorts()).toEqual({ '127.0.0.1': PORT, '::1': PORT });
    });

    it('replaces the servers on a second run and restarts chrony again (the old daemon stops)', async () => {
      const first = clientPid();
      expect(first, 'the previous test left no client').toBeDefined();
      const r = await runScript('set_ntp.sh', [`127.0.0.1:${PORT}`], root.dir, { CONFCONSOLE_SERVICE_CMD: svcCmd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toEqual({ ok: true, changed: true, servers: [`127.0.0.1:${PORT}`] });

      const conf = read(root.conf);
      expect(conf.split('\n').filter((l) => /^(server|pool|peer)\s/.test(l))).toEqual([`server 127.0.0.1 port ${PORT} iburst`]);
      expect(conf.split('\n').filter((l) => l === HEADER)).toHaveLength(1);
      expect(parseSettings(read(root.ini)).ntp.servers).toEqual([`127.0.0.1:${PORT}`]);
      expect(read(root.ini).match(/^servers = /gm)).toHaveLength(1);

      const audit = auditEntries(root);
      expect(audit).toHaveLength(2);
      expect(audit[1]).toMatchObject({
        action: 'ntp.set',
        detail: `servers: 127.0.0.1:${PORT} [::1]:${PORT} -> 127.0.0.1:${PORT}`,
        result: 'ok',
      });

      const pid = clientPid();
      expect(pid).toBeDefined();
      clientPids.push(pid!);
      expect(pid).not.toBe(first);
      expect(alive(first!)).toBe(false);
      await waitFor('the restarted client to hear from 127.0.0.1', () => {
        const s = sources();
        return s['127.0.0.1'] && s['127.0.0.1'] !== '0' ? s : undefined;
      }, 15_000, 200);
      expect(Object.keys(sources())).toEqual(['127.0.0.1']);
      expect(remotePorts()).toEqual({ '127.0.0.1': PORT });
    });
  });
});

describe.skipIf(whyInput !== undefined)('set_ntp.sh rejects bad input before touching anything', () => {
  const nine = Array.from({ length: 9 }, (_, i) => `10.0.0.${i + 1}`);
  it.each([
    [['bad..host'], /"bad\.\.host" is not a valid host name/],
    [['1.2.3'], /"1\.2\.3" is not a valid IPv4 address/],
    [['host:99999'], /"host:99999": port must be a number from 1 to 65535/],
    [['::1::2'], /"::1::2" is not a valid IPv6 address/],
    [['[::1]:0'], /"\[::1\]:0": port must be a number/],
    [[], /give at least one NTP server/],
    [nine, /at most 8 NTP servers/],
    [['ntp.example.org', 'bad..host'], /^"bad\.\.host" is not a valid host name[^;]*$/],
    [['a.example.org', 'A.example.org'], /"A\.example\.org" is listed twice/],
    // a host name with an empty label, like bad..host (the console's isHostname rejects it)
    [['a..'], /"a\.\." is not a valid host name/],
  ])('%j → exit 2, a JSON error naming it, files unchanged, no backup', async (args, msg) => {
    const root = makeRoot({ demo: true });
    const { cmd, log } = serviceCmd(root);
    const before = state(root);
    const r = await runScript('set_ntp.sh', args, root.dir, { CONFCONSOLE_SERVICE_CMD: cmd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.json).toMatchObject({ ok: false, code: 2 });
    expect(r.json.error).toMatch(msg);
    expect(r.stderr).toContain(`set_ntp.sh: ${r.json.error}`);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(state(root)).toEqual(before);
    expect(listDir(root.backups)).toEqual([]);
    expect(readOr(root.audit)).toBe('');
    expect(readOr(root.hostEffects)).toBe('');
    expect(readOr(log)).toBe('');
    expect(listDir(join(root.dir, 'etc/chrony'))).toEqual(['chrony.conf']);
    expect(listDir(join(root.dir, 'etc/confconsole'))).toEqual(['appliance.ini']);
  });
});
