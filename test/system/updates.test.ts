// Updates for real, never the internet (issue 13): a package repository made here and served on
// loopback over HTTPS behind basic authentication (updates-fixture.ts), the update key set
// through the console's command line and the scripts, wrong keys refused by the repository, the
// vSensor package installed the first time and upgraded from 1.0 to 2.0 — into the test's
// appliance root with APT's Dir and dpkg --root, never the machine's own packages — a download
// cancelled before anything is unpacked, and the proxy for updates (tinyproxy with a login).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { filesContaining, makeRoot, modeOf, readOr, removeRoots, REPO, runCommand, runScript, runScriptInput, scriptEnv, treeSnapshot, waitFor, type Root } from './helpers.js';
import { configureRoot, hostDpkgStatus, hostPackages, makeRepo, PKG, type Repo } from './updates-fixture.js';

const why = missing('system: updates against a loopback package repository', ['root', 'bash', 'apt-get', 'dpkg-deb', 'dpkg-scanpackages', 'gpg', 'openssl', 'tinyproxy']);
const CLI = join(REPO, 'bin/confconsole');
const built = existsSync(join(REPO, 'dist/cli.js'));

const AUTH = 'etc/apt/auth.conf.d/confconsole-updates.conf';
const LIST = 'etc/apt/sources.list.d/confconsole-updates.list';
const PROXY = 'etc/apt/apt.conf.d/80confconsole-proxy';
const PROXY_AUTH = 'etc/apt/auth.conf.d/confconsole-proxy.conf';

describe.skipIf(missing('system: the proxy for updates on a demo root', ['bash', 'python3']) ?? (existsSync(join(REPO, 'dist/cli.js')) ? undefined : 'dist/ is not built'))('set-proxy says when nothing changed, as every set does', () => {
  it('--none with no proxy, then a proxy set twice, then --none twice: "Nothing changed" exactly when changed is false', async () => {
    const r = makeRoot({ demo: true });
    const cli = (args: string[]) => runCommand(process.execPath, [CLI, '--root', r.dir, '--demo', '--profile', 'vsensor', '--json', 'updates', 'set-proxy', ...args], scriptEnv(r.dir));
    const said: [boolean, string][] = [];
    for (const args of [['--none'], ['http://proxy.example:3128'], ['http://proxy.example:3128'], ['--none'], ['--none']]) {
      const x = await cli(args);
      expect(x.code, x.stderr).toBe(0);
      said.push([x.json.changed as boolean, x.json.summary as string]);
    }
    expect(said).toEqual([
      [false, 'Nothing changed: No proxy for updates: the package manager connects directly'],
      [true, 'The package manager uses the proxy http://proxy.example:3128'],
      [false, 'Nothing changed: The package manager uses the proxy http://proxy.example:3128'],
      [true, 'No proxy for updates: the package manager connects directly'],
      [false, 'Nothing changed: No proxy for updates: the package manager connects directly'],
    ]);
  });
});

describe.skipIf(why)('Updates: update key, upgrade and proxy against a loopback repository', () => {
  let repo: Repo;
  let hostBefore: string;
  let statusBefore: string;
  beforeAll(async () => {
    hostBefore = hostPackages();
    statusBefore = hostDpkgStatus();
    repo = await makeRepo();
    repo.publish('1.0');
  }, 60_000);
  afterAll(async () => {
    await repo?.close();
    removeRoots();
    // the machine's own packages are exactly as they were
    expect(hostDpkgStatus()).toBe(statusBefore);
    expect(hostPackages()).toBe(hostBefore);
  });

  const root = (demo = false): Root => {
    const r = makeRoot({ demo });
    configureRoot(r.dir, repo);
    return r;
  };
  const cli = (r: Root, args: string[], input?: string) => runCommand(process.execPath, [CLI, '--root', r.dir, '--profile', 'vsensor', '--json', ...args], scriptEnv(r.dir), input);
  const installed = (r: Root) => readOr(join(r.dir, 'usr/share', PKG, 'version')).trim();

  it('wrong keys are refused by the repository, naming the key; nothing is stored', async () => {
    const r = root();
    const before = treeSnapshot(r.dir);
    // a key the repository does not know (401), a revoked one (403), and the right key for another login's realm
    for (const [key, http] of [
      ['not-the-key-1234', 401],
      [repo.revoked, 403],
      [repo.key.toUpperCase(), 401],
    ] as const) {
      const res = await runScriptInput('set_updatekey.sh', [], r.dir, key + '\n');
      expect(res.code, res.stderr).toBe(5);
      expect(res.json).toMatchObject({ ok: false, field: 'key', cause: 'refused', http, accepted: false });
      expect(res.json.error).toMatch(/^the update key was refused/);
      expect(existsSync(join(r.dir, AUTH))).toBe(false);
      expect(existsSync(join(r.dir, LIST))).toBe(false);
    }
    // every file the change wrote is gone again (its directories may stay); the audit says why,
    // with the key's keyed fingerprint (the appliance's fingerprint key, made on first use, is no setting)
    expect(Object.entries(treeSnapshot(join(r.dir, 'etc'))).filter(([k, v]) => !v.startsWith('dir') && k !== 'confconsole/secrets/fingerprint.key')).toEqual(Object.entries(before).filter(([k, v]) => k.startsWith('etc/') && !v.startsWith('dir')).map(([k, v]) => [k.slice(4), v]));
    expect(readOr(r.audit)).toMatch(/"result":"refused \(HTTP 403\), not changed"/);
    // a key that is not one (a space in it) never reaches the repository: exit 2, the field named
    const n = repo.requests.length;
    const badForm = await runScriptInput('set_updatekey.sh', [], r.dir, 'has a space in it\n');
    expect(badForm.code).toBe(2);
    expect(badForm.json).toMatchObject({ field: 'key' });
    expect(repo.requests.length).toBe(n);
  }, 60_000);

  it.skipIf(!built)('the key is accepted, stored 0600 in auth.conf.d only; the first time installs 1.0, then Upgrade takes it to 2.0 with progress', async () => {
    const r = root();
    const setKey = await cli(r, ['updates', 'set-key'], repo.key + '\n');
    expect(setKey.code, setKey.stderr).toBe(0);
    expect(JSON.parse(setKey.stdout)).toMatchObject({ ok: true, checked: true, accepted: true, first_time: true });
    expect(modeOf(join(r.dir, AUTH))).toBe(0o600);
    expect(readFileSync(join(r.dir, LIST), 'utf8')).not.toContain(repo.key);
    // the key is in the credential file and nowhere else under the root (not the audit log, not APT's lists or log)
    expect(filesContaining(r.dir, repo.key)).toEqual([AUTH]);

    const first = await cli(r, ['updates', 'upgrade']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, phase: 'install', changed: true, restart_console: true, packages: [{ package: PKG, version: '1.0' }] });
    expect(installed(r)).toBe('1.0');

    repo.publish('2.0');
    const up = await cli(r, ['updates', 'upgrade']);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout).summary).toMatch(new RegExp(`Upgraded: ${PKG} 1\\.0 -> 2\\.0\\. Restart the confconsole`));
    expect(installed(r)).toBe('2.0');
    // progress, from APT's status lines: the download, then the unpack
    const text = await runCommand(process.execPath, [CLI, '--root', r.dir, '--profile', 'vsensor', 'updates', 'upgrade'], scriptEnv(r.dir));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/up to date: cc-test-vsensor 2\.0/);
    expect(up.stderr).toBe(''); // --json: no progress lines
    const plain = first.stderr + up.stderr;
    expect(plain).not.toContain(repo.key);

    const show = await cli(r, ['updates', 'show']);
    const s = JSON.parse(show.stdout);
    expect(s).toMatchObject({ key_set: true, key: { length: repo.key.length }, packages: [{ package: PKG, version: '2.0' }], proxy: null });
    expect(s.last_upgrade).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(s.last_index_update).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(show.stdout).not.toContain(repo.key);
    // the install went into the root: its dpkg database and APT's history there
    expect(readFileSync(join(r.dir, 'var/log/apt/history.log'), 'utf8')).toMatch(new RegExp(`Upgrade: ${PKG}:\\w+ \\(1\\.0, 2\\.0\\)`));
  }, 120_000);

  it('progress lines name the download and the unpack; a download stopped midway installs nothing', async () => {
    const r = root();
    expect((await runScriptInput('set_updatekey.sh', [], r.dir, repo.key + '\n')).code).toBe(0);
    const all = await runScript('upgrade_vsensor.sh', [], r.dir);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/^download: \d+% /m);
    expect(all.stderr).toMatch(/^install: \d+% Unpacking cc-test-vsensor/m);
    expect(installed(r)).toBe('2.0');

    // a fresh root: the .deb answers slowly, the download phase is stopped while it waits
    const c = root();
    expect((await runScriptInput('set_updatekey.sh', [], c.dir, repo.key + '\n')).code).toBe(0);
    repo.debDelayMs = 20_000;
    try {
      let pid = 0;
      const debsBefore = repo.requests.filter((q) => q.path.endsWith('.deb')).length;
      const p = runScript('upgrade_vsensor.sh', ['--phase', 'download'], c.dir, {}, { onSpawn: (x) => (pid = x) });
      await waitFor('the download to start', () => repo.requests.filter((q) => q.path.endsWith('.deb')).length > debsBefore || undefined, 30_000);
      process.kill(pid, 'SIGTERM');
      const res = await p;
      expect(res.code).toBe(1);
      expect(res.json.error).toMatch(/^cancelled before anything was installed/);
    } finally {
      repo.debDelayMs = 0;
    }
    expect(installed(c)).toBe('');
    expect(readOr(join(c.dir, 'var/lib/dpkg/status'))).not.toContain(PKG);
  }, 120_000);

  it('the proxy for updates: a wrong password is not kept (407), the right one is (0600, auth.conf.d), and the repository is reached through it', async () => {
    const r = root();
    expect((await runScriptInput('set_updatekey.sh', [], r.dir, repo.key + '\n')).code).toBe(0);
    const url = `http://127.0.0.1:${repo.proxy.port}`;
    // a wrong password, no login at all, and a proxy where none listens: refused, nothing kept
    for (const [args, input, cause, field] of [
      [[url, '--user', repo.proxy.user], 'wrong-password\n', 'proxy_refused', 'password'],
      [[url], undefined, 'proxy_refused', 'password'],
      [['http://127.0.0.1:1'], undefined, 'proxy_unreachable', 'proxy'],
    ] as const) {
      const res = await runScriptInput('set_update_proxy.sh', [...args], r.dir, input);
      expect(res.code, res.stderr).toBe(5);
      expect(res.json).toMatchObject({ ok: false, cause, field });
      expect(existsSync(join(r.dir, PROXY))).toBe(false);
      expect(existsSync(join(r.dir, PROXY_AUTH))).toBe(false);
    }
    const ok = await runScriptInput('set_update_proxy.sh', [url, '--user', repo.proxy.user], r.dir, repo.proxy.password + '\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, proxy: url, user: repo.proxy.user, checked: true });
    expect(readFileSync(join(r.dir, PROXY), 'utf8')).toContain(`Acquire::https::Proxy "${url}/";`);
    // the password: 0600 in auth.conf.d, nowhere else (apt.conf.d is world-readable)
    expect(modeOf(join(r.dir, PROXY_AUTH))).toBe(0o600);
    expect(filesContaining(r.dir, repo.proxy.password)).toEqual([PROXY_AUTH]);
    const up = await runScript('upgrade_vsensor.sh', [], r.dir);
    expect(up.code, up.stderr).toBe(0);
    expect(installed(r)).toBe('2.0');
    // the repository is reached through the proxy: with the proxy gone, the upgrade says so
    await repo.stopProxy();
    const gone = await runScript('upgrade_vsensor.sh', [], r.dir);
    expect(gone.code).toBe(1);
    expect(gone.json).toMatchObject({ cause: 'proxy_unreachable' });
    // --none removes both files
    const none = await runScript('set_update_proxy.sh', ['--none'], r.dir);
    expect(none.code).toBe(0);
    expect(readdirSync(join(r.dir, 'etc/apt/apt.conf.d'))).not.toContain('80confconsole-proxy');
    expect(existsSync(join(r.dir, PROXY_AUTH))).toBe(false);
  }, 120_000);

  it('the demo appliance stores the key but runs no package manager: upgrade is refused, naming the demo', async () => {
    const r = root(true);
    const n = repo.requests.length;
    const set = await runScriptInput('set_updatekey.sh', [], r.dir, repo.key + '\n');
    expect(set.code, set.stderr).toBe(0);
    expect(set.json).toMatchObject({ ok: true, checked: false, demo: true });
    const up = await runScript('upgrade_vsensor.sh', [], r.dir);
    expect(up.code).toBe(1);
    // said as the appliance's own words: no root path (a demo root's paths read as "/", which said nothing)
    expect(up.json.error).toMatch(/^this is the demo appliance: it runs no package manager, so nothing was downloaded or installed \(an appliance would run apt-get install \S+ from \S+\)$/);
    expect(repo.requests.length).toBe(n);
    expect(existsSync(join(r.dir, 'var/lib/apt/lists'))).toBe(false);
    // no key: Upgrade says so, the field named
    const none = root();
    const refused = await runScript('upgrade_vsensor.sh', [], none.dir);
    expect(refused.code).toBe(2);
    expect(refused.json).toMatchObject({ field: 'key' });
  }, 60_000);
});
