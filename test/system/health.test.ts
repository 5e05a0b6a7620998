// The Healthcheck (sbin/vsensor-health-check.sh) for real: the manual's example output
// reproduced row for row on a demo root set up as the manual's vSensor (a loopback master that
// something on 127.0.0.1:443 answers without HTTPS, a capture interface bond0 that receives
// nothing, no update key, no osSensors), in a network namespace of this test; then each row
// turns OK when its cause is fixed (the test master of master-fixture.ts, packets sent to a
// veth in namespaces of this test, an apt history entry, an osSensor registry, AppArmor's
// files under the root). Each kind of damage is a named row, never a crash.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { makeRoot, removeRoots, runCommand, runScript, script, scriptEnv, serviceCmd, waitFor, type Root, type RunResult } from './helpers.js';
import { startMaster, type MasterFixture } from './master-fixture.js';

const why = missing('system: healthcheck', ['root', 'ip', 'ping', 'curl', 'openssl', 'python3', 'getent']);

/** The manual's Healthcheck output (seeds 004, ch. 8 "Configuring an HMAC token", step 6), verbatim. */
const MANUAL = `Healthcheck results  
all_services : [OK]  
master_connectivity : [ERROR]  
IP given is within 127.0.0.0/8 - Not a valid master  
Connection to 127.0.0.1 443 port [tcp/https] succeeded!  
Failed to connect to master over HTTPS - check networking  
incoming_data : [WARNING]  
No incoming packets seen on device bond0  
last_software_update : [ERROR]  
Software updates not enabled - set updatekey in confconsole  
ossensor_registered : [OK]  
ossensor_count : [OK]  
No osSensors registered  
apparmor : [OK]  
  
< OK >`;
/** Its lines as text (the Markdown line breaks and the dialog's button left out). */
const manualLines = MANUAL.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '' && l !== '< OK >');

const tag = String(process.pid % 100000);
const NS_M = `cchm${tag}`; // the manual's vSensor: bond0 with nothing behind it, a non-HTTPS listener on 127.0.0.1:443
const NS_A = `ccha${tag}`; // a vSensor whose capture interface cap0 receives packets…
const NS_B = `cchb${tag}`; // …sent by its peer here (192.0.2.0/24)
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const children: ChildProcess[] = [];

const captureYaml = (ifc: string) =>
  `network:\n  version: 2\n  renderer: networkd\n  ethernets:\n    eth0:\n      addresses: [198.51.100.10/24]\n    ${ifc}:\n      dhcp4: false\n      dhcp6: false\n      link-local: []\n      accept-ra: false\n      optional: true\n`;

const put = (r: Root, rel: string, text: string | Buffer, mode = 0o644) => {
  const f = join(r.dir, rel);
  mkdirSync(dirname(f), { recursive: true });
  writeFileSync(f, text, { mode });
  chmodSync(f, mode);
  return f;
};

const iniOf = (o: { profile?: string; services?: string; master?: string; mode?: string; hmac?: boolean; demo?: boolean }) =>
  `[appliance]\nprofile = ${o.profile ?? 'vsensor'}\n${o.demo ? 'demo = true\n' : ''}\n[services]\nnames = "${o.services ?? 'chrony vsensor-probe'}"\n` +
  (o.master !== undefined ? `\n[master]\nmode = ${o.mode ?? 'push-token'}\nhost = ${o.master}\n` : '') +
  (o.hmac ? '\n[ossensor]\nhmac_set = yes\n' : '');

/** AppArmor as the kernel shows it, under the root: enabled with `profiles` loaded. */
const apparmor = (r: Root, enabled = 'Y', profiles = ['/usr/sbin/tcpdump (enforce)', '/usr/sbin/chronyd (enforce)']) => {
  put(r, 'sys/module/apparmor/parameters/enabled', enabled + '\n');
  put(r, 'sys/kernel/security/apparmor/profiles', profiles.map((p) => p + '\n').join(''));
};

/** The manual's vSensor as a demo root. */
function manualRoot(): Root {
  const r = makeRoot({ demo: true });
  writeFileSync(r.ini, iniOf({ master: '127.0.0.1', demo: true }));
  put(r, 'etc/netplan/01-netcfg.yaml', captureYaml('bond0'), 0o600);
  apparmor(r);
  return r;
}

const rowsOf = (res: RunResult) => (res.json as { rows: { name: string; level: string; details: string[] }[] }).rows;
const row = (res: RunResult, name: string) => rowsOf(res).find((x) => x.name === name)!;
const textLines = (res: RunResult) => res.stderr.split('\n').filter((l) => l !== '');
const health = (r: Root, env: Record<string, string> = {}) => runScript('vsensor-health-check.sh', ['--json'], r.dir, env);

const isoAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
/** An apt history entry as apt writes it, ended `days` ago; `error` adds apt's Error: line. */
const aptEntry = (days: number, opts: { error?: boolean; pkg?: string } = {}) => {
  const d = new Date(Date.now() - days * 86400_000);
  const t = (x: Date) => `${x.toISOString().slice(0, 10)}  ${x.toISOString().slice(11, 19)}`;
  return `\nStart-Date: ${t(new Date(d.getTime() - 5000))}\nCommandline: apt-get -y upgrade\nUpgrade: ${opts.pkg ?? 'vsensor-probe'}:amd64 (6.1.1, 6.1.2)\n${opts.error ? 'Error: Sub-process /usr/bin/dpkg returned an error code (1)\n' : ''}End-Date: ${t(d)}\n`;
};
const dayOf = (days: number) => new Date(Date.now() - days * 86400_000).toISOString().slice(0, 10);

describe.skipIf(why)('Healthcheck (vsensor-health-check.sh)', () => {
  let fx: MasterFixture;

  beforeAll(async () => {
    for (const ns of [NS_M, NS_A, NS_B]) ip('netns', 'add', ns);
    ip('-n', NS_M, 'link', 'set', 'lo', 'up');
    // bond0's peer stays down: nothing can ever arrive on it
    ip('-n', NS_M, 'link', 'add', 'bond0', 'type', 'veth', 'peer', 'name', 'bond0p');
    ip('-n', NS_M, 'link', 'set', 'bond0', 'up');
    ip('-n', NS_A, 'link', 'add', 'cap0', 'type', 'veth', 'peer', 'name', 'cap0p', 'netns', NS_B);
    ip('-n', NS_A, 'addr', 'add', '192.0.2.10/24', 'dev', 'cap0');
    ip('-n', NS_B, 'addr', 'add', '192.0.2.1/24', 'dev', 'cap0p');
    ip('-n', NS_A, 'link', 'set', 'cap0', 'up');
    ip('-n', NS_B, 'link', 'set', 'cap0p', 'up');
    // something on 127.0.0.1:443 that is no HTTPS server (plain HTTP): TCP succeeds, HTTPS fails
    children.push(spawn('ip', ['netns', 'exec', NS_M, 'python3', '-m', 'http.server', '443', '--bind', '127.0.0.1'], { stdio: 'ignore' }));
    // traffic towards the capture interface for as long as the tests run
    children.push(spawn('ip', ['netns', 'exec', NS_B, 'ping', '-q', '-i', '0.2', '192.0.2.10'], { stdio: 'ignore' }));
    await waitFor('the listener on 127.0.0.1:443 in the namespace', () =>
      spawnSync('ip', ['netns', 'exec', NS_M, 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/443'], { stdio: 'ignore' }).status === 0, 20_000);
    fx = await startMaster();
  }, 60_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGTERM');
    for (const ns of [NS_M, NS_A, NS_B]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    await fx?.close();
    removeRoots();
  });

  it("reproduces the manual's example row for row on a demo root set up as the manual's vSensor", async () => {
    const r = manualRoot();
    // the whole check in the manual's vSensor's own network (its loopback, its bond0)
    const res = await runCommand('ip', ['netns', 'exec', NS_M, script('vsensor-health-check.sh'), '--json'], scriptEnv(r.dir, { CONFCONSOLE_NETNS: NS_M }));
    expect(textLines(res)).toEqual(manualLines);
    expect(res.code).toBe(5);
    expect(rowsOf(res).map((x) => `${x.name}:${x.level}`)).toEqual([
      'all_services:ok',
      'master_connectivity:error',
      'incoming_data:warning',
      'last_software_update:error',
      'ossensor_registered:ok',
      'ossensor_count:ok',
      'apparmor:ok',
    ]);
    expect(res.json).toMatchObject({ ok: false, profile: 'vsensor', errors: 2, warnings: 1 });
  }, 60_000);

  it('each row turns OK when its cause is fixed: real master, packets, an update, active osSensors, AppArmor', async () => {
    const r = makeRoot();
    const svc = serviceCmd(r);
    writeFileSync(r.ini, iniOf({ master: `localhost:${fx.port}`, hmac: true }));
    put(r, 'etc/confconsole/master-ca.pem', fx.caPem);
    put(r, 'etc/confconsole/secrets/push_token', fx.token + '\n', 0o600);
    put(r, 'etc/netplan/01-netcfg.yaml', captureYaml('cap0'), 0o600);
    put(r, 'etc/apt/auth.conf.d/confconsole-updates.conf', 'machine updates.example login vsensor password x\n', 0o600);
    put(r, 'var/log/apt/history.log', aptEntry(40) + aptEntry(2));
    put(r, 'var/lib/confconsole/ossensors.json', JSON.stringify([
      { host: 'web-01', ip: '10.0.0.21', last_seen: isoAgo(5) },
      { host: 'db-01', ip: '10.0.0.22', last_seen: isoAgo(30) },
    ]));
    apparmor(r);
    const seen = fx.requests.length;
    const res = await health(r, { CONFCONSOLE_NETNS: NS_A, CONFCONSOLE_SERVICE_CMD: svc.cmd });
    expect(rowsOf(res).map((x) => `${x.name}:${x.level}`)).toEqual([
      'all_services:ok',
      'master_connectivity:ok',
      'incoming_data:ok',
      'last_software_update:ok',
      'ossensor_registered:ok',
      'ossensor_count:ok',
      'apparmor:ok',
    ]);
    expect(res.code).toBe(0);
    expect(row(res, 'master_connectivity').details).toEqual([
      `Connection to localhost ${fx.port} port [tcp/*] succeeded!`,
      expect.stringMatching(/^Connected to master over HTTPS - .*the master accepted the push token/),
    ]);
    // HTTPS with the stored token, really sent to the master
    expect(fx.requests.slice(seen).some((q) => q.authorization === `Bearer ${fx.token}`)).toBe(true);
    expect(row(res, 'incoming_data').details).toEqual(['Incoming packets seen on device cap0']);
    expect(row(res, 'last_software_update').details).toEqual([expect.stringMatching(new RegExp(`^Last software update on ${dayOf(2)} `))]);
    expect(row(res, 'ossensor_count').details).toEqual(['2 osSensors registered, 2 active']);
    // every service asked, read only (is-active, nothing restarted)
    expect(new Set(execFileSync('cat', [svc.log], { encoding: 'utf8' }).trim().split('\n'))).toEqual(new Set(['is-active chrony', 'is-active vsensor-probe']));
  }, 60_000);

  describe('each row, more causes of the same kind', () => {
    // no master, no capture interface: the network rows answer at once
    const quick = (ini: string) => {
      const r = makeRoot();
      writeFileSync(r.ini, ini);
      apparmor(r);
      return r;
    };

    it('all_services: a stopped service is named; none listed is a warning; a demo service stopped by a script is down', async () => {
      const r = quick(iniOf({ services: 'chrony vsensor-probe vsensor-pcap' }));
      const svc = serviceCmd(r, ['vsensor-pcap', 'chrony']);
      let res = await health(r, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
      expect(row(res, 'all_services')).toEqual({ name: 'all_services', level: 'error', details: ['Service chrony is not running', 'Service vsensor-pcap is not running'] });
      expect(res.code).toBe(5);
      writeFileSync(r.ini, iniOf({ services: '' }));
      res = await health(r, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
      expect(row(res, 'all_services').level).toBe('warning');
      expect(row(res, 'all_services').details[0]).toContain('No services are listed in');
      const d = quick(iniOf({ services: 'chrony vsensor-pcap', demo: true }));
      writeFileSync(join(d.dir, '.confconsole-demo'), 'demo\n');
      put(d, 'var/log/confconsole/host-effects.log', '2026-11-30T10:00:00Z service vsensor-pcap restart\n2026-11-30T10:01:00Z service vsensor-pcap stop\n');
      res = await health(d);
      expect(row(res, 'all_services').details).toEqual(['Service vsensor-pcap is not running']);
    }, 120_000);

    it('master_connectivity: none configured, a refused port, a refused token, a master loopback by IPv6', async () => {
      let res = await health(quick(iniOf({})));
      expect(row(res, 'master_connectivity')).toEqual({ name: 'master_connectivity', level: 'error', details: ['No master configured - set it in Setup > Master'] });
      const r = quick(iniOf({ master: `localhost:${fx.closedPort}` }));
      res = await health(r);
      expect(row(res, 'master_connectivity').level).toBe('error');
      expect(row(res, 'master_connectivity').details).toEqual([
        `nc: connect to localhost port ${fx.closedPort} (tcp) failed: Connection refused`,
        'Failed to connect to master over HTTPS - check networking',
        expect.stringContaining('refused'),
      ]);
      writeFileSync(r.ini, iniOf({ master: `localhost:${fx.port}` }));
      put(r, 'etc/confconsole/master-ca.pem', fx.caPem);
      put(r, 'etc/confconsole/secrets/push_token', `${fx.label}:wrongwrongwrongwrong\n`, 0o600);
      res = await health(r);
      expect(row(res, 'master_connectivity').details.slice(1)).toEqual(['The master refused the push token - set it again in Setup > Master', expect.stringContaining('HTTP 401')]);
      writeFileSync(r.ini, iniOf({ master: `[::1]:${fx.closedPort}` }));
      res = await health(r);
      expect(row(res, 'master_connectivity').details[0]).toBe('IP given is ::1 - Not a valid master');
    }, 120_000);

    it('incoming_data: no capture interface, a capture interface that does not exist, one that receives nothing', async () => {
      const r = quick(iniOf({}));
      let res = await health(r, { CONFCONSOLE_NETNS: NS_A });
      expect(row(res, 'incoming_data')).toEqual({ name: 'incoming_data', level: 'warning', details: ['No capture interface configured - set one in Network > Interfaces'] });
      put(r, 'etc/netplan/01-netcfg.yaml', captureYaml('nosuch0'), 0o600);
      res = await health(r, { CONFCONSOLE_NETNS: NS_A });
      expect(row(res, 'incoming_data').level).toBe('error');
      expect(row(res, 'incoming_data').details[0]).toMatch(/^Device nosuch0 not found/);
      // the counters under the root (no namespace): a fake sysfs whose counter never moves
      put(r, 'etc/netplan/01-netcfg.yaml', captureYaml('eth1'), 0o600);
      put(r, 'sys/class/net/eth1/statistics/rx_packets', '12\n');
      res = await health(r, { CONFCONSOLE_HEALTH_WINDOW: '1' });
      expect(row(res, 'incoming_data')).toEqual({ name: 'incoming_data', level: 'warning', details: ['No incoming packets seen on device eth1'] });
    }, 120_000);

    it('last_software_update: too old, only failed runs, a newer rotated .gz, a damaged .gz, the dpkg log when apt kept none', async () => {
      const r = quick(iniOf({}));
      put(r, 'etc/apt/auth.conf.d/confconsole-updates.conf', 'machine m login l password p\n', 0o600);
      let res = await health(r);
      expect(row(res, 'last_software_update').details[0]).toMatch(/^No successful software update recorded in .*dpkg\.log/);
      put(r, 'var/log/apt/history.log', aptEntry(45));
      res = await health(r);
      expect(row(res, 'last_software_update').level).toBe('warning');
      expect(row(res, 'last_software_update').details[0]).toMatch(new RegExp(`^Last software update on ${dayOf(45)} .*\\(45 days ago, more than 30\\)`));
      put(r, 'var/log/apt/history.log', aptEntry(45) + aptEntry(1, { error: true }));
      res = await health(r);
      expect(row(res, 'last_software_update').details[0]).toContain(`on ${dayOf(45)}`); // the failed run does not count
      put(r, 'var/log/apt/history.log.1.gz', gzipSync(aptEntry(3)));
      res = await health(r);
      expect(row(res, 'last_software_update')).toMatchObject({ level: 'ok', details: [expect.stringContaining(`on ${dayOf(3)}`)] });
      const bad = put(r, 'var/log/apt/history.log.2.gz', 'this is not gzip\n');
      res = await health(r);
      expect(row(res, 'last_software_update').level).toBe('warning');
      expect(row(res, 'last_software_update').details[1]).toContain(`Cannot read ${bad}`);
      rmSync(join(r.dir, 'var/log/apt'), { recursive: true });
      put(r, 'var/log/dpkg.log', `${dayOf(4)} 09:00:00 status half-configured vsensor-probe:amd64 6.1.2\n${dayOf(4)} 09:00:01 status installed vsensor-probe:amd64 6.1.2\n`);
      res = await health(r);
      expect(row(res, 'last_software_update')).toMatchObject({ level: 'ok', details: [`Last software update on ${dayOf(4)} 09:00:01`] });
    }, 120_000);

    it('ossensor rows: a stale osSensor, none active, a damaged registry named, no HMAC key', async () => {
      const r = quick(iniOf({ hmac: true }));
      const reg = 'var/lib/confconsole/ossensors.json';
      put(r, reg, JSON.stringify([{ host: 'web-01', ip: '10.0.0.21', last_seen: isoAgo(10) }, { host: 'db-01', ip: '10.0.0.22', last_seen: '2026-01-01T00:00:00Z' }]));
      let res = await health(r);
      expect(row(res, 'ossensor_registered')).toEqual({ name: 'ossensor_registered', level: 'warning', details: ['osSensor db-01 (10.0.0.22) not active - last seen 2026-01-01T00:00:00Z'] });
      expect(row(res, 'ossensor_count')).toEqual({ name: 'ossensor_count', level: 'ok', details: ['2 osSensors registered, 1 active'] });
      put(r, reg, JSON.stringify([{ host: 'db-01' }]));
      res = await health(r);
      expect(row(res, 'ossensor_count')).toEqual({ name: 'ossensor_count', level: 'warning', details: ['1 osSensor registered, none active'] });
      for (const [text, said] of [
        ['[{"host": "web-01", ', 'not valid JSON'],
        ['{"host": "web-01"}', 'not a JSON array of osSensors'],
        ['[{"host": "web-01", "last_seen": "yesterday"}]', 'entry 1 (web-01): last_seen "yesterday" is not a UTC time'],
        ['\xff\xfe', 'not UTF-8 text'],
      ] as const) {
        const f = put(r, reg, Buffer.from(text, 'latin1'));
        res = await health(r);
        expect(row(res, 'ossensor_registered').level).toBe('error');
        expect(row(res, 'ossensor_registered').details[0]).toContain(`${f}: ${said}`);
        expect(row(res, 'ossensor_count').level).toBe('error');
        expect(res.code).toBe(5);
      }
      writeFileSync(r.ini, iniOf({}));
      put(r, reg, JSON.stringify([{ host: 'web-01', last_seen: isoAgo(1) }]));
      res = await health(r);
      expect(row(res, 'ossensor_registered').details[0]).toBe('osSensor HMAC key not set - osSensors cannot register (Setup > osSensor HMAC)');
    }, 120_000);

    it('apparmor: disabled, not in the kernel, no profiles, complain mode only', async () => {
      const r = quick(iniOf({}));
      apparmor(r, 'N');
      let res = await health(r);
      expect(row(res, 'apparmor')).toMatchObject({ level: 'error', details: [expect.stringMatching(/^AppArmor is disabled/)] });
      rmSync(join(r.dir, 'sys/module'), { recursive: true });
      res = await health(r);
      expect(row(res, 'apparmor')).toMatchObject({ level: 'error', details: [expect.stringMatching(/^AppArmor is not available/)] });
      apparmor(r, 'Y', []);
      res = await health(r);
      expect(row(res, 'apparmor')).toEqual({ name: 'apparmor', level: 'warning', details: ['AppArmor is enabled, but no profiles are loaded'] });
      apparmor(r, 'Y', ['/usr/sbin/tcpdump (complain)']);
      res = await health(r);
      expect(row(res, 'apparmor').details[0]).toMatch(/complain mode only/);
    }, 120_000);

    it('master_connectivity in Pull mode (no host: the master connects in): OK with the token stored, else an error saying what is missing', async () => {
      const pull = (profile: string) => `[appliance]\nprofile = ${profile}\n\n[services]\nnames = "chrony"\n\n[master]\nmode = pull\n` + (profile === 'appliance' ? '\n[topology]\nrole = probe\n' : '');
      const r = quick(pull('vsensor'));
      let res = await health(r);
      expect(row(res, 'master_connectivity')).toEqual({ name: 'master_connectivity', level: 'error', details: ['Pull mode without an HMAC token - set it in Setup > Master'] });
      put(r, 'etc/confconsole/secrets/pull_hmac', 'abcdefghij1234567890\n', 0o600);
      res = await health(r);
      expect(row(res, 'master_connectivity')).toEqual({
        name: 'master_connectivity',
        level: 'ok',
        details: ["Pull mode - the master connects to this vSensor over HTTPS with the HMAC token (check it on the master's System Status page)"],
      });
      // a probe appliance in Pull mode: the same, in its own words
      writeFileSync(r.ini, pull('appliance'));
      res = await health(r);
      expect(row(res, 'master_connectivity')?.details).toEqual(["Pull mode - the master connects to this probe over HTTPS with the HMAC token (check it on the master's System Status page)"]);
      // a probe names its master in every mode: in Pull mode too, a loopback address is never one
      // (the manual's words); any other host is the master that connects in
      for (const [host, want] of [
        ['127.0.0.1', { level: 'error', details: ['IP given is within 127.0.0.0/8 - Not a valid master'] }],
        ['127.8.9.10:8443', { level: 'error', details: ['IP given is within 127.0.0.0/8 - Not a valid master'] }],
        ['[::1]:443', { level: 'error', details: ['IP given is ::1 - Not a valid master'] }],
        ['192.0.2.7', { level: 'ok' }],
        ['master.example', { level: 'ok' }],
      ] as const) {
        writeFileSync(r.ini, pull('appliance').replace('mode = pull\n', `mode = pull\nhost = ${host}\n`));
        res = await health(r);
        expect(row(res, 'master_connectivity'), host).toMatchObject(want);
      }
    }, 120_000);

    it('an appliance has its own four rows; a damaged appliance.ini is an error row naming it', async () => {
      const r = quick(iniOf({ profile: 'appliance' }));
      let res = await health(r);
      expect(rowsOf(res).map((x) => x.name)).toEqual(['all_services', 'incoming_data', 'last_software_update', 'apparmor']);
      expect(textLines(res)[0]).toBe('Healthcheck results');
      writeFileSync(r.ini, '[appliance\nprofile = vsensor\n');
      res = await health(r);
      expect(res.json).toMatchObject({ ok: false });
      expect(row(res, 'all_services').level).toBe('error');
      expect(row(res, 'all_services').details[0]).toContain(r.ini);
    }, 120_000);
  });
});
