// chrony.conf as distributions ship it and people edit it (issue 9 item 5, issue 10 item 7):
// set_ntp.sh changes only the server/pool lines it owns (a pool stays a pool, options kept,
// every other line kept byte for byte), show_ntp.sh names every source chrony reads and where
// it comes from, and a missing or unreadable chrony.conf is refused with the file and the cause.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import { auditEntries, listDir, makeRoot, read, readOr, removeRoots, runCommand, runScript, script, scriptEnv, serviceCmd, treeSnapshot, type Root } from './helpers.js';
import { DEBIAN } from './ntp-fixtures.js';

const why = missing('system: chrony.conf shapes', ['bash', 'python3', 'flock']);
const whyUser = missing('system: chrony.conf unreadable for a user', ['root', 'setpriv', 'python3', 'flock']);

afterAll(() => removeRoots());

const HEADER = '# NTP servers, set by confconsole (set_ntp.sh)';

/** Ubuntu 22.04's stock chrony.conf (sources part): four pools with maxsources, two sourcedirs. */
const UBUNTU = `# Welcome to the chrony configuration file. See chrony.conf(5) for more
# information about usable directives.

# Include configuration files found in /etc/chrony/conf.d.
confdir /etc/chrony/conf.d

# This will use (up to):
# - 4 sources from ntp.ubuntu.com which some are ipv6 enabled
# - 2 sources from 2.ubuntu.pool.ntp.org which is ipv6 enabled as well
# - 1 source from [01].ubuntu.pool.ntp.org each (ipv4 only atm)
# This means by default, up to 6 dual-stack and up to 2 additional IPv4-only
# sources will be used.
# At the same time it retains some protection against one of the entries being
# down (compare to just using one of the lines). See (LP: #1754358) for the
# discussion.
#
# About using servers from the NTP Pool Project in general see (LP: #104525).
# Approved by Ubuntu Technical Board on 2011-02-08.
# See http://www.pool.ntp.org/join.html for more information.
pool ntp.ubuntu.com        iburst maxsources 4
pool 0.ubuntu.pool.ntp.org iburst maxsources 1
pool 1.ubuntu.pool.ntp.org iburst maxsources 1
pool 2.ubuntu.pool.ntp.org iburst maxsources 2

# Use time sources from DHCP.
sourcedir /run/chrony-dhcp

# Use NTP sources found in /etc/chrony/sources.d.
sourcedir /etc/chrony/sources.d

keyfile /etc/chrony/chrony.keys
driftfile /var/lib/chrony/chrony.drift
ntsdumpdir /var/lib/chrony
logdir /var/log/chrony
maxupdateskew 100.0
rtcsync
makestep 1 3
leapsectz right/UTC
`;

/** Hand-edited: upper-case directive, other comment characters, include, peer and refclock lines. */
const HAND = `! hand-edited on site
Server ntp1.site.example iburst minpoll 4 maxpoll 8 prefer
; the lab clock
server 192.0.2.20 port 1123 iburst
include /etc/chrony/site-*.conf
peer 192.0.2.50 minpoll 6
refclock SHM 0 refid GPS precision 1e-1 offset 0.9999 delay 0.2
% keep the drift
driftfile /var/lib/chrony/chrony.drift
makestep 1 3
`;

/** A root whose chrony.conf is `conf`, with `files` (path under the root → text) around it. */
function rootWith(conf: string, files: Record<string, string> = {}, demo = true): Root {
  const r = makeRoot({ demo });
  writeFileSync(r.conf, conf);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(r.dir, p, '..'), { recursive: true });
    writeFileSync(join(r.dir, p), text);
  }
  return r;
}

/** The lines of `text` that are not source lines (server/pool, any case) nor our header. */
const others = (text: string) => text.split('\n').filter((l) => !/^\s*(server|pool)\s/i.test(l) && l !== HEADER);
const sourceLines = (text: string) => text.split('\n').filter((l) => /^\s*(server|pool)\s/i.test(l));

describe.skipIf(why !== undefined)('set_ntp.sh keeps what it does not own in chrony.conf', () => {
  it("Debian's stock file: the pool stays a pool, the site server keeps its options, every other line kept", async () => {
    const r = rootWith(DEBIAN);
    const res = await runScript('set_ntp.sh', ['2.debian.pool.ntp.org', 'ntp.site.example', '192.0.2.10'], r.dir);
    expect(res.code, res.stderr).toBe(0);
    const conf = read(r.conf);
    expect(sourceLines(conf)).toEqual(['pool 2.debian.pool.ntp.org iburst', 'server ntp.site.example iburst minpoll 4 maxpoll 8 prefer', 'server 192.0.2.10 iburst']);
    // the new lines take the place of the first source line; everything else byte for byte
    expect(others(conf)).toEqual(others(DEBIAN));
    expect(conf.split('\n').indexOf(HEADER)).toBe(DEBIAN.split('\n').indexOf('pool 2.debian.pool.ntp.org iburst'));
    expect(res.stderr).toContain('kept as it was: pool 2.debian.pool.ntp.org iburst');
    expect(res.stderr).toContain('kept as it was: server ntp.site.example iburst minpoll 4 maxpoll 8 prefer');
    expect(parseSettings(read(r.ini)).ntp.servers).toEqual(['2.debian.pool.ntp.org', 'ntp.site.example', '192.0.2.10']);

    // a second run with the pool only: the site line goes, the pool is still a pool
    const again = await runScript('set_ntp.sh', ['2.debian.pool.ntp.org'], r.dir);
    expect(again.code, again.stderr).toBe(0);
    expect(sourceLines(read(r.conf))).toEqual(['pool 2.debian.pool.ntp.org iburst']);
    expect(others(read(r.conf))).toEqual(others(DEBIAN));
  });

  it("Ubuntu's stock file: a kept pool keeps its spacing and maxsources; the pools not listed go; sourcedir/confdir stay", async () => {
    const r = rootWith(UBUNTU);
    const res = await runScript('set_ntp.sh', ['ntp.ubuntu.com', '2.ubuntu.pool.ntp.org', '[2001:db8::123]:1123'], r.dir);
    expect(res.code, res.stderr).toBe(0);
    const conf = read(r.conf);
    expect(sourceLines(conf)).toEqual(['pool ntp.ubuntu.com        iburst maxsources 4', 'pool 2.ubuntu.pool.ntp.org iburst maxsources 2', 'server 2001:db8::123 port 1123 iburst']);
    expect(others(conf)).toEqual(others(UBUNTU));
    for (const l of ['confdir /etc/chrony/conf.d', 'sourcedir /run/chrony-dhcp', 'sourcedir /etc/chrony/sources.d']) expect(conf).toContain(`\n${l}\n`);
  });

  it('a hand-edited file: a Server line in upper case and one with a port are kept when listed; include, peer, refclock kept', async () => {
    const r = rootWith(HAND);
    const res = await runScript('set_ntp.sh', ['NTP1.site.example', '192.0.2.20:1123', '192.0.2.21'], r.dir);
    expect(res.code, res.stderr).toBe(0);
    const conf = read(r.conf);
    expect(sourceLines(conf)).toEqual(['Server ntp1.site.example iburst minpoll 4 maxpoll 8 prefer', 'server 192.0.2.20 port 1123 iburst', 'server 192.0.2.21 iburst']);
    expect(others(conf)).toEqual(others(HAND));
    // the same host on another port is another server: a new line, the old one goes
    const other = await runScript('set_ntp.sh', ['192.0.2.20'], r.dir);
    expect(other.code, other.stderr).toBe(0);
    expect(sourceLines(read(r.conf))).toEqual(['server 192.0.2.20 iburst']);
    expect(read(r.conf)).toContain('\npeer 192.0.2.50 minpoll 6\n');
    expect(read(r.conf)).toContain('\nrefclock SHM 0 refid GPS precision 1e-1 offset 0.9999 delay 0.2\n');
  });

  it('a file with no source line at all: the servers are added at its end, nothing else changes', async () => {
    const conf = 'driftfile /var/lib/chrony/chrony.drift\nsourcedir /run/chrony-dhcp\nmakestep 1 3\n';
    const r = rootWith(conf);
    const res = await runScript('set_ntp.sh', ['192.0.2.1'], r.dir);
    expect(res.code, res.stderr).toBe(0);
    expect(read(r.conf)).toBe(conf + HEADER + '\nserver 192.0.2.1 iburst\n');
  });
});

describe.skipIf(why !== undefined)('show_ntp.sh: every source chrony reads, with its origin', () => {
  it("Debian's stock file with a DHCP lease file, a confdir file and a sources.d file", async () => {
    const r = rootWith(DEBIAN, {
      'run/chrony-dhcp/eth0.sources': 'server 192.0.2.67 iburst\n',
      'etc/chrony/conf.d/site.conf': '# a site file\npeer 192.0.2.50\n',
      'etc/chrony/conf.d/notes.txt': 'server 192.0.2.99 iburst\n', // not *.conf: chrony does not read it
      'etc/chrony/sources.d/lab.sources': 'server 198.51.100.5 iburst\npool pool.lab.example maxsources 2\n',
    });
    const res = await runScript('show_ntp.sh', [], r.dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.servers).toEqual(['2.debian.pool.ntp.org', 'ntp.site.example']);
    expect(res.json.sources.map((s: any) => [s.name, s.kind, s.origin, s.file, s.line])).toEqual([
      ['192.0.2.50', 'peer', 'file', '/etc/chrony/conf.d/site.conf', 2],
      ['2.debian.pool.ntp.org', 'pool', 'ours', '/etc/chrony/chrony.conf', 8],
      ['ntp.site.example', 'server', 'ours', '/etc/chrony/chrony.conf', 11],
      ['192.0.2.67', 'server', 'dhcp', '/run/chrony-dhcp/eth0.sources', 1],
      ['198.51.100.5', 'server', 'file', '/etc/chrony/sources.d/lab.sources', 1],
      ['pool.lab.example', 'pool', 'file', '/etc/chrony/sources.d/lab.sources', 2],
    ]);
    expect(res.json.sources[2].options).toBe('iburst minpoll 4 maxpoll 8 prefer');
    // the demo appliance never asks a daemon
    expect(res.json.daemon).toEqual({ running: false, asked: false, error: 'the demo appliance has no chronyd to ask' });
  });

  it('a hand-edited file: include by pattern, peer and refclock lines of chrony.conf itself', async () => {
    const r = rootWith(HAND, { 'etc/chrony/site-a.conf': 'server ntp2.site.example iburst\n', 'etc/chrony/site-b.conf': 'confdir /etc/chrony/more\n', 'etc/chrony/more/x.conf': 'server 192.0.2.30\n' });
    const res = await runScript('show_ntp.sh', [], r.dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.sources.map((s: any) => [s.name, s.kind, s.origin, s.file])).toEqual([
      ['ntp1.site.example', 'server', 'ours', '/etc/chrony/chrony.conf'],
      ['192.0.2.20:1123', 'server', 'ours', '/etc/chrony/chrony.conf'],
      ['ntp2.site.example', 'server', 'file', '/etc/chrony/site-a.conf'],
      ['192.0.2.30', 'server', 'file', '/etc/chrony/more/x.conf'],
      ['192.0.2.50', 'peer', 'line', '/etc/chrony/chrony.conf'],
      ['SHM 0', 'refclock', 'line', '/etc/chrony/chrony.conf'],
    ]);
  });

  it("Ubuntu's stock file with no DHCP directory yet: four pools, nothing else, no problem reported", async () => {
    const r = rootWith(UBUNTU);
    const res = await runScript('show_ntp.sh', [], r.dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.sources.map((s: any) => [s.name, s.kind, s.origin])).toEqual([
      ['ntp.ubuntu.com', 'pool', 'ours'],
      ['0.ubuntu.pool.ntp.org', 'pool', 'ours'],
      ['1.ubuntu.pool.ntp.org', 'pool', 'ours'],
      ['2.ubuntu.pool.ntp.org', 'pool', 'ours'],
    ]);
    expect(res.json.problems).toEqual([]);
  });
});

describe.skipIf(why !== undefined)('a missing or unreadable chrony.conf is refused, never written partially', () => {
  const cases: [string, (r: Root) => void, RegExp][] = [
    ['missing', (r) => rmSync(r.conf), /chrony's configuration .*etc\/chrony\/chrony\.conf does not exist: it is not the console's to create .*\/usr\/share\/chrony\/chrony\.conf/],
    ['a directory', (r) => { rmSync(r.conf); mkdirSync(r.conf); writeFileSync(join(r.conf, 'x'), 'server 192.0.2.1\n'); }, /cannot read chrony's configuration .*chrony\.conf: it is a directory, not a file/],
    ['a dangling link', (r) => { rmSync(r.conf); spawnSync('ln', ['-s', join(r.dir, 'nowhere.conf'), r.conf]); }, /cannot read chrony's configuration .*chrony\.conf: No such file or directory/],
  ];
  it.each(cases)('chrony.conf %s: set_ntp.sh exits 1 naming it, nothing written, no service restarted; show_ntp.sh says the same', async (_what, damage, msg) => {
    const r = makeRoot({ demo: false });
    damage(r);
    const svc = serviceCmd(r);
    const before = treeSnapshot(r.dir);
    const res = await runScript('set_ntp.sh', ['192.0.2.1'], r.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
    expect(res.code, res.stderr).toBe(1);
    expect(res.json.error).toMatch(msg);
    expect(treeSnapshot(r.dir, (p) => p === '.test' || p.startsWith('.test/') || p.startsWith('run/confconsole'))).toEqual(
      Object.fromEntries(Object.entries(before).filter(([p]) => !p.startsWith('run/confconsole'))),
    );
    expect(readOr(svc.log)).toBe('');
    expect(listDir(r.backups)).toEqual([]);
    const show = await runScript('show_ntp.sh', [], r.dir);
    expect(show.code, show.stderr).toBe(1);
    expect(show.json.error).toMatch(msg);
  });
});

describe.skipIf(whyUser !== undefined)('chrony.conf without read permission, as a user who may write the rest', () => {
  it('set_ntp.sh and show_ntp.sh name the file and "Permission denied"; nothing written', async () => {
    const r = makeRoot({ demo: true });
    // the root belongs to nobody, except chrony.conf (root's, 0600)
    spawnSync('chown', ['-R', 'nobody:nogroup', r.dir]);
    chownSync(r.conf, 0, 0);
    chmodSync(r.conf, 0o600);
    chmodSync(r.dir, 0o755);
    const asNobody = (name: string, args: string[]) =>
      runCommand('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', script(name), ...args], scriptEnv(r.dir), undefined, { cwd: '/' });
    const before = treeSnapshot(r.dir);
    const res = await asNobody('set_ntp.sh', ['192.0.2.1']);
    expect(res.code, res.stderr).toBe(1);
    expect(res.json.error).toMatch(/cannot read chrony's configuration .*etc\/chrony\/chrony\.conf: Permission denied \(run sudo confconsole/);
    expect(treeSnapshot(r.dir, (p) => p === '.test' || p.startsWith('.test/') || p.startsWith('run/confconsole'))).toEqual(
      Object.fromEntries(Object.entries(before).filter(([p]) => !p.startsWith('run/confconsole'))),
    );
    const show = await asNobody('show_ntp.sh', []);
    expect(show.code, show.stderr).toBe(1);
    expect(show.json.error).toMatch(/Permission denied/);
    expect(auditEntries(r)).toEqual([]);
    expect(existsSync(join(r.dir, 'var/lib/confconsole/txn'))).toBe(false);
  });
});
