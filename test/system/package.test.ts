// The Debian package, for real: built with `npm run package`'s script, checked by lintian,
// built twice to the same bytes, installed with dpkg -i into a throwaway Debian root made by
// test/package/make-root.sh (cached as a tar; never this machine's /usr), and used there the
// way an appliance is: the console user logging in through `login` in tmux, `ssh console@…` to
// a loopback sshd running in that root, scp refused, every script's --help, the units verified,
// sudoers checked; then purged, leaving nothing of the package behind.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';

const top = new URL('../..', import.meta.url).pathname;
const cache = process.env.CONFCONSOLE_PKGTEST_CACHE ?? '/var/tmp/confconsole-pkgtest';
const why = missing('package (dpkg -i into a throwaway root)', ['root', 'dpkg-deb', 'mmdebstrap', 'lintian', 'tmux', 'ssh', 'scp', 'ssh-keygen', 'unshare', 'chroot']);
const SDE = '1700000000';

let work = '';
let root = '';
let deb = '';
let sshd: ChildProcess | undefined;
let port = 0;
const sock = `pkg-${process.pid}`;

/** Runs CMD inside the throwaway root (test/package/inroot.sh); returns code and output. */
function inroot(cmd: string[], input?: string) {
  const r = spawnSync(join(top, 'test/package/inroot.sh'), [root, ...cmd], { encoding: 'utf8', input, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every path under dir, relative ('.'-less), sorted. */
function listing(dir: string): string[] {
  const r = spawnSync('find', ['.', '-xdev'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.stdout.split('\n').filter(Boolean).sort();
}

const tmux = (...a: string[]) => spawnSync('tmux', ['-L', sock, ...a], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'pkg').stdout ?? '';

/** The test's tmux session 'pkg' running CMD at 80xROWS: one left by a test before is gone first. */
async function session(cmd: string, rows = '25'): Promise<void> {
  if (tmux('has-session', '-t', 'pkg').status === 0) {
    tmux('kill-session', '-t', 'pkg');
    expect(await waitGone(), 'the session before is gone').toBe(true);
  }
  const r = tmux('new-session', '-d', '-s', 'pkg', '-x', '80', '-y', rows, cmd);
  expect(r.status, `tmux new-session: ${r.stderr}`).toBe(0);
}

/** Waits until `test` holds for the pane's text (polls; the machine may be busy). */
async function waitScreen(test: (s: string) => boolean, what: string, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  let s = '';
  while (Date.now() < end) {
    s = screen();
    if (test(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${s}\n(tmux sessions: ${tmux('ls').stdout.trim() || 'none'})`);
}

/** The main menu, past the Welcome note the console opens with. */
async function mainMenu(): Promise<string> {
  const s = await waitScreen((x) => /Networking and Traffic Analysis|< OK >/.test(x), 'the console', 45_000);
  if (/Networking and Traffic Analysis/.test(s)) return s;
  tmux('send-keys', '-t', 'pkg', 'Enter');
  return waitScreen((x) => /Networking and Traffic Analysis/.test(x), 'the main menu');
}

async function waitGone(ms = 20_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (tmux('has-session', '-t', 'pkg').status !== 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const sshArgs = () => ['-p', String(port), '-i', join(work, 'key'), '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${join(work, 'known')}`, '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR'];

describe.skipIf(why !== undefined)('the Debian package installed in a throwaway root', () => {
  let before: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'cc-pkg-'));
    root = join(work, 'root');
    deb = join(work, 'confconsole.deb');
    const t0 = Date.now();
    execFileSync('bash', [join(top, 'packaging/build-deb.sh'), deb], { env: { ...process.env, SOURCE_DATE_EPOCH: SDE }, stdio: ['ignore', 'ignore', 'inherit'] });
    const t1 = Date.now();
    execFileSync('bash', [join(top, 'test/package/make-root.sh'), cache, root], { stdio: ['ignore', 'ignore', 'inherit'] });
    process.stderr.write(`package test: build ${((t1 - t0) / 1000).toFixed(0)} s, root ${((Date.now() - t1) / 1000).toFixed(0)} s\n`);
    writeFileSync(join(root, 'etc/hosts'), `127.0.0.1 localhost\n127.0.1.1 ${readFileSync(join(root, 'etc/hostname'), 'utf8').trim() || 'localhost'}\n`);
    before = listing(root);
    execFileSync('cp', [deb, join(root, 'tmp/confconsole.deb')]);
    const i = inroot(['dpkg', '-i', '/tmp/confconsole.deb']);
    if (i.code !== 0) throw new Error(`dpkg -i failed: ${i.out}${i.err}`);
    rmSync(join(root, 'tmp/confconsole.deb'));
    // the admin's part: a password for the VGA console, a key for SSH
    expect(inroot(['chpasswd'], 'console:console-test-pw\n').code).toBe(0);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'key')]);
    const home = inroot(['sh', '-c', 'getent passwd console | cut -d: -f6']).out.trim();
    mkdirSync(join(root, home, '.ssh'), { recursive: true });
    writeFileSync(join(root, home, '.ssh/authorized_keys'), readFileSync(join(work, 'key.pub')));
    chmodSync(join(root, home, '.ssh/authorized_keys'), 0o600);
    expect(inroot(['chown', '-R', 'console:', `${home}/.ssh`]).code).toBe(0);
    expect(inroot(['ssh-keygen', '-A']).code).toBe(0);
    port = 20000 + (process.pid % 20000);
    sshd = spawn(join(top, 'test/package/inroot.sh'), [root, '/usr/sbin/sshd', '-D', '-e', '-p', String(port), '-o', 'ListenAddress=127.0.0.1', '-o', 'PidFile=none'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    sshd.stderr?.on('data', (d) => (log += String(d)));
    const end = Date.now() + 20_000;
    while (!/Server listening/.test(log)) {
      if (Date.now() > end || sshd.exitCode !== null) throw new Error(`sshd did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 900_000);

  afterAll(() => {
    tmux('kill-server');
    if (sshd?.pid) sshd.kill('SIGTERM');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lintian finds no error in it', () => {
    const r = spawnSync('lintian', ['--fail-on', 'error', '--suppress-tags', 'no-manual-page', deb], { encoding: 'utf8', timeout: 300_000 });
    expect(r.stdout.split('\n').filter((l) => l.startsWith('E:'))).toEqual([]);
    expect(r.status).toBe(0);
  }, 300_000);

  it('is reproducible: built again from the same input, the same bytes (the executable and its start-up snapshot too)', () => {
    const again = join(work, 'again.deb');
    execFileSync('bash', [join(top, 'packaging/build-deb.sh'), again], { env: { ...process.env, SOURCE_DATE_EPOCH: SDE }, stdio: ['ignore', 'ignore', 'inherit'] });
    if (readFileSync(again).equals(readFileSync(deb))) return;
    // not the same bytes: say which files differ and by how many bytes (README "The package": reproducible)
    const unpack = (d: string, to: string) => execFileSync('dpkg-deb', ['-R', d, to]);
    unpack(deb, join(work, 'u1'));
    unpack(again, join(work, 'u2'));
    const diff = spawnSync('diff', ['-rq', join(work, 'u1'), join(work, 'u2')], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const differing = diff.map((l) => {
      const m = /^Files (\S+) and (\S+) differ$/.exec(l);
      if (!m) return l;
      const [x, y] = [readFileSync(m[1]!), readFileSync(m[2]!)];
      let n = Math.abs(x.length - y.length);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) n++;
      return `${m[1]!.slice(join(work, 'u1').length)}: ${n} of ${x.length} bytes differ`;
    });
    expect({ same: false, differing }).toEqual({ same: true, differing: [] });
  }, 600_000);

  it('a signal in its first moments, the first stage frame up, ends it with the terminal left once', () => {
    // The first stage draws the frame, then compiles the console (~100 ms, more on a busy machine);
    // a signal then was lost (the console ran on, ignoring SIGTERM) or left the terminal twice.
    // Sent 0 to 300 ms after the frame: early, mid-compile and after the console took over.
    const exe = join(root, 'usr/lib/confconsole/confconsole');
    for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
      for (const delay of ['0', '0.005', '0.03', '0.1', '0.3']) {
        const demo = join(work, `early-${signal}-${delay}`);
        const r = spawnSync('python3', [join(top, 'test/package/early-signal.py'), exe, demo, signal, delay], {
          encoding: 'utf8', timeout: 60_000, env: { ...process.env, CONFCONSOLE_SBIN: join(top, 'sbin') },
        });
        expect({ sent: signal, delay, ...JSON.parse(r.stdout) }).toEqual({ sent: signal, delay, signalled: true, hung: false, exit: code, signal: null, enters: 1, leaves: 1 });
      }
    }
    // SIGHUP: the terminal is gone; it must end by SIGHUP, not run on
    for (const delay of ['0', '0.03', '0.3']) {
      const r = spawnSync('python3', [join(top, 'test/package/early-signal.py'), exe, join(work, `early-hup-${delay}`), 'SIGHUP', delay], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CONFCONSOLE_SBIN: join(top, 'sbin') } });
      expect({ delay, ...JSON.parse(r.stdout) }).toMatchObject({ delay, signalled: true, hung: false, exit: null, signal: 1 });
    }
  }, 300_000);

  it('keys typed while the console loads behind the first frame are read in order, as a plain start reads them', async () => {
    // tmux's own variables removed (with TMUX or TERM_PROGRAM set, the first stage leaves the frame to the console)
    const exe = join(root, 'usr/lib/confconsole/confconsole');
    const demo = join(work, 'early-keys');
    const start = async (oneStage: boolean) =>
      await session(`env -u TMUX -u TERM_PROGRAM -u TERM_PROGRAM_VERSION -u COLORTERM TERM=xterm-256color CONFCONSOLE_SBIN=${join(top, 'sbin')} ${oneStage ? 'CONFCONSOLE_ONE_STAGE=1' : ''} ${exe} --demo --root ${demo}`, '24');
    const cells = () => tmux('capture-pane', '-p', '-e', '-t', 'pkg').stdout ?? '';
    // the reference: a plain (one-stage) start, each key sent once the one before has been drawn
    await start(true);
    await waitScreen((x) => /Welcome/.test(x), 'the Welcome dialog (one stage)');
    tmux('send-keys', '-t', 'pkg', 'Enter');
    await waitScreen((x) => /Networking and Traffic Analysis/.test(x), 'the main menu (one stage)');
    for (let i = 0; i < 2; i++) {
      const before = cells();
      tmux('send-keys', '-t', 'pkg', 'Down');
      await waitScreen(() => cells() !== before, 'the Down key drawn (one stage)');
    }
    const want = cells();
    tmux('send-keys', '-t', 'pkg', 'C-c', 'C-c');
    expect(await waitGone()).toBe(true);
    // the two-stage start: the keys sent the moment the first stage's frame is up, all at once
    await start(false);
    await waitScreen((x) => /Welcome/.test(x), 'the first frame');
    tmux('send-keys', '-t', 'pkg', 'Enter', 'Down', 'Down');
    await waitScreen(() => cells() === want, 'the same screen as the plain start after Enter, Down, Down');
    tmux('send-keys', '-t', 'pkg', 'C-c', 'C-c');
    expect(await waitGone()).toBe(true);
  }, 120_000);

  it('the installed executable draws Interface stats as the checkout does: braille where the terminal has Unicode (the canvas bundled), ASCII where not', async () => {
    const exe = join(root, 'usr/lib/confconsole/confconsole');
    for (const [lang, want, not] of [['C.UTF-8', /[\u2801-\u28ff]/, /\|#/], ['C', /\|[#+]|\+-{3}/, /[\u2800-\u28ff]/]] as const) {
      const demo = join(work, `stats-${lang}`);
      await session(`env -u TMUX TERM=xterm-256color LANG=${lang} LC_ALL=${lang} CONFCONSOLE_SBIN=${join(top, 'sbin')} ${exe} --demo --root ${demo}`, '24');
      await waitScreen((x) => /Welcome/.test(x), 'the Welcome dialog');
      tmux('send-keys', '-t', 'pkg', 'Enter');
      await waitScreen((x) => /Networking and Traffic Analysis/.test(x), 'the main menu');
      tmux('send-keys', '-t', 'pkg', '1', 'Enter');
      await waitScreen((x) => /Interface stats/.test(x), 'the Network Settings menu');
      tmux('send-keys', '-t', 'pkg', '3', 'Enter');
      // the chart needs two samples (one a second)
      const s = await waitScreen((x) => /receive rate/.test(x) && want.test(x.slice(x.indexOf('receive rate'))), `the chart (${lang})`);
      expect(s.slice(s.indexOf('receive rate')), lang).not.toMatch(not);
      tmux('send-keys', '-t', 'pkg', 'C-c', 'C-c');
      expect(await waitGone()).toBe(true);
    }
  }, 120_000);

  it('confconsole runs without Node: --version, --help, the manual page', () => {
    expect(inroot(['sh', '-c', 'command -v node nodejs || echo no-node']).out.trim()).toBe('no-node');
    const v = inroot(['confconsole', '--version']);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^confconsole \d+\.\d+\.\d+\n$/);
    // the second stage's code cache is taken although V8 is made lean after it (flags set before
    // the compile would change V8's flag hash: the cache refused, a full parse, 9 MB more RSS)
    const d = inroot(['env', 'CONFCONSOLE_DEBUG_START=1', 'confconsole', '--version']);
    // and its source, code cache and first frames are read from the executable's file, not mapped
    // (src/seafile.ts: 2 MB less RSS); node:sea's mapping when asked, as where no /proc is
    expect(d.err).toContain('confconsole: code cache accepted; V8 lean; assets read');
    const mapped = inroot(['env', 'CONFCONSOLE_DEBUG_START=1', 'CONFCONSOLE_SEA_MAPPED=1', 'confconsole', '--version']);
    expect(mapped.err).toContain('confconsole: code cache accepted; V8 lean; assets mapped');
    expect(mapped.out).toBe(v.out);
    // the internal-error log's stacks are told in the sources' terms by the map beside the executable
    const map = JSON.parse(readFileSync(join(root, 'usr/lib/confconsole/confconsole.cjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources).toContain('../../src/system/log.ts');
    expect(map.sources.filter((f) => f.startsWith('/'))).toEqual([]);
    expect(map.sourcesContent).toBeUndefined();
    const h = inroot(['/usr/lib/confconsole/confconsole', '--help']);
    expect(h.out).toContain('ntp show');
    expect(existsSync(join(root, 'usr/share/man/man8/confconsole.8.gz'))).toBe(true);
    const man = execFileSync('sh', ['-c', `gzip -dc "${join(root, 'usr/share/man/man8/confconsole.8.gz')}"`], { encoding: 'utf8' });
    // the manual carries the generated usage: every command --help names is in it
    for (const line of h.out.split('\n').filter((l) => /^  [a-z]/.test(l)).slice(0, 10)) expect(man).toContain(line.trim().split(/\s{2,}/)[0]);
  });

  it('every script is in /usr/sbin under its name and answers --help (its library found from there)', () => {
    const scripts = readdirSync(join(top, 'sbin')).filter((f) => f.endsWith('.sh'));
    expect(scripts.length).toBeGreaterThan(10);
    for (const s of scripts) {
      const r = inroot([`/usr/sbin/${s}`, '--help']);
      expect({ s, code: r.code, err: r.err }).toEqual({ s, code: 0, err: expect.any(String) });
      expect(r.out + r.err).toMatch(/\w/);
    }
    expect(existsSync(join(root, 'usr/lib/confconsole/sbin/lib/common.sh'))).toBe(true);
  });

  it('the units pass systemd-analyze verify; the recovery unit is enabled', () => {
    const units = readdirSync(join(top, 'sbin/systemd')).map((u) => `/lib/systemd/system/${u.replace('@.service', '@eth0.service')}`);
    const r = inroot(['systemd-analyze', 'verify', '--man=no', ...units]);
    expect(r.err.split('\n').filter((l) => l && !/ethtool|autossh|tcpdump|chrony/.test(l))).toEqual([]);
    // (the link is absolute inside the root: look at the link, not through it)
    expect(lstatSync(join(root, 'etc/systemd/system/multi-user.target.wants/confconsole-recover.service')).isSymbolicLink()).toBe(true);
  });

  it('the console user: a system account, login shell in /etc/shells, sudoers drop-in that visudo accepts', () => {
    const pw = inroot(['getent', 'passwd', 'console']).out.split(':');
    expect(Number(pw[2])).toBeLessThan(1000);
    expect(pw[6]?.trim()).toBe('/usr/sbin/confconsole');
    expect(readFileSync(join(root, 'etc/shells'), 'utf8')).toMatch(/^\/usr\/sbin\/confconsole$/m);
    expect(inroot(['visudo', '-c']).code).toBe(0);
    const l = inroot(['sudo', '-l', '-U', 'console']).out;
    expect(l).toContain('(root) NOPASSWD: /usr/sbin/confconsole');
  });

  it('sudo confconsole from an admin shell gets the main menu; sudo confconsole ntp show runs that command as root', async () => {
    await session(`${join(top, 'test/package/inroot.sh')} ${root} sudo confconsole`);
    expect(await mainMenu()).toContain('Appliance Admin');
    tmux('send-keys', '-t', 'pkg', 'C-c', 'C-c');
    expect(await waitGone()).toBe(true);
    const viaSudo = inroot(['sudo', 'confconsole', 'ntp', 'show']);
    const direct = inroot(['confconsole', 'ntp', 'show']);
    expect(viaSudo.code).toBe(0);
    expect({ code: viaSudo.code, out: viaSudo.out }).toEqual({ code: direct.code, out: direct.out });
  }, 120_000);

  it('logs in through login on a terminal, gets the main menu; Ctrl+C/Z/\\ do not leave it; leaving ends the session', async () => {
    await session(`${join(top, 'test/package/inroot.sh')} ${root} /bin/login`);
    await waitScreen((s) => /login:/.test(s), 'the login prompt');
    tmux('send-keys', '-t', 'pkg', 'console', 'Enter');
    await waitScreen((s) => /Password:/.test(s), 'the password prompt');
    tmux('send-keys', '-t', 'pkg', 'console-test-pw', 'Enter');
    const s = await mainMenu();
    expect(s).toContain('Appliance Admin');
    // Ctrl+Z and Ctrl+\ do nothing; Ctrl+C asks before leaving: the console is still there
    for (const k of ['C-z', 'C-\\', 'C-c']) tmux('send-keys', '-t', 'pkg', k);
    await waitScreen((x) => /Leave|leave|Quit|quit|Exit|exit/.test(x), 'the question before leaving');
    expect(screen()).not.toMatch(/^\S*[$#] *$/m);
    // a second Ctrl+C leaves: the login session ends with it (no shell behind it)
    tmux('send-keys', '-t', 'pkg', 'C-c');
    expect(await waitGone()).toBe(true);
  }, 120_000);

  it('the console killed -9 under the front door (sh -c, no shell restoring the tty): the tty is sane again, exit 137', async () => {
    const cmd = `${join(top, 'test/package/inroot.sh')} ${root} sh -c 'confconsole; echo EXITED:$?; stty -a; echo STTY-DONE; sleep 60'`;
    await session(cmd);
    await waitScreen((x) => /Networking and Traffic Analysis|< OK >/.test(x), 'the console');
    // the executable itself (the front door is a sh waiting for it); only this test runs it here
    const pid = spawnSync('pgrep', ['-f', '-x', '/usr/lib/confconsole/confconsole'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    expect(Number(pid)).toBeGreaterThan(0);
    process.kill(Number(pid), 'SIGKILL');
    const s = await waitScreen((x) => /^STTY-DONE$/m.test(x), 'stty after the kill');
    expect(s).toContain('EXITED:137');
    const flags = new Set(s.slice(s.indexOf('EXITED:')).split(/[\s;]+/));
    expect(flags.has('echo') && flags.has('icanon') && flags.has('isig') && flags.has('icrnl'), s).toBe(true);
    expect(tmux('display-message', '-p', '-t', 'pkg', '#{alternate_on} #{cursor_flag}').stdout.trim()).toBe('0 1');
    tmux('kill-session', '-t', 'pkg');
  }, 60_000);

  it('ssh console@host gets the console; ssh console@host ntp show runs that one command', async () => {
    await session(['ssh', '-tt', ...sshArgs(), 'console@127.0.0.1'].join(' '));
    await mainMenu();
    tmux('send-keys', '-t', 'pkg', 'C-c', 'C-c');
    expect(await waitGone()).toBe(true);
    const r = spawnSync('ssh', [...sshArgs(), 'console@127.0.0.1', 'ntp show'], { encoding: 'utf8', timeout: 60_000 });
    const direct = inroot(['confconsole', 'ntp', 'show']);
    expect({ code: r.status, out: r.stdout }).toEqual({ code: direct.code, out: direct.out });
    expect(r.stdout).toMatch(/\w/);
  }, 120_000);

  it('a shell command, scp and sftp are refused with one line, exit 2', () => {
    for (const cmd of ['id', 'sh -c id', 'ntp set 192.0.2.1', 'ntp show; id']) {
      const r = spawnSync('ssh', [...sshArgs(), 'console@127.0.0.1', cmd], { encoding: 'utf8', timeout: 60_000 });
      expect({ cmd, code: r.status }).toEqual({ cmd, code: 2 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^confconsole: refused/);
    }
    writeFileSync(join(work, 'f.txt'), 'x');
    for (const legacy of [[], ['-O']]) {
      const r = spawnSync('scp', ['-P', String(port), '-i', join(work, 'key'), '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${join(work, 'known')}`, '-o', 'BatchMode=yes', ...legacy, join(work, 'f.txt'), 'console@127.0.0.1:/tmp/f.txt'], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).not.toBe(0);
      expect(existsSync(join(root, 'tmp/f.txt'))).toBe(false);
    }
    const sftp = spawnSync('sftp', ['-P', String(port), '-i', join(work, 'key'), '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${join(work, 'known')}`, '-o', 'BatchMode=yes', 'console@127.0.0.1'], { input: 'ls\n', encoding: 'utf8', timeout: 60_000 });
    expect(sftp.status).not.toBe(0);
  }, 120_000);

  it('dpkg --purge leaves no file of the package behind', () => {
    sshd?.kill('SIGTERM');
    tmux('kill-server');
    const r = inroot(['dpkg', '--purge', 'confconsole']);
    expect(r.code).toBe(0);
    const after = new Set(listing(root));
    const gone = (p: string) => !after.has(p);
    const contents = spawnSync('sh', ['-c', 'dpkg-deb -c "$1" | awk \'{print $6}\'', 'sh', deb], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(contents.length).toBeGreaterThan(20);
    const own = contents.map((p) => p.replace(/\/$/, '')).filter((p) => !before.includes(p));
    expect(own.filter((p) => !gone(p))).toEqual([]);
    // nothing new anywhere but dpkg's and the tests' own bookkeeping (sshd keys, logs, the password)
    const extra = [...after].filter((p) => !before.includes(p) && !/^\.\/(var\/lib\/dpkg|var\/log|var\/cache|etc\/ssh\/ssh_host|tmp|run|etc\/(shadow|gshadow|passwd|group|subuid|subgid)-?$)/.test(p));
    expect(extra).toEqual([]);
    expect(readFileSync(join(root, 'etc/shells'), 'utf8')).not.toContain('/usr/sbin/confconsole');
    expect(inroot(['getent', 'passwd', 'console']).code).not.toBe(0);
  });
});
