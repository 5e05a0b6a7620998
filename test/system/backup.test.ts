// Scheduled backups for real (issue 15): a private sshd on 127.0.0.1 (its own config, host keys
// and authorized_keys, the internal sftp subsystem) is the SFTP server. A backup goes there and
// is restored on a fresh demo root, whose export is then the same document; a server whose host
// key changed is refused, naming the field; an encrypted backup cannot be restored without its
// passphrase and can with it; keep N prunes (on the server and in a directory); the timer unit
// passes systemd-analyze verify and its OnCalendar systemd-analyze calendar.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo.js';
import { missing } from '../support/requires.js';
import { REPO, waitFor } from './helpers.js';
import { freeTcpPort, sshdFixture, type Sshd } from './sshd-fixture.js';

const why = missing('system: backups to a loopback SFTP server', ['bash', 'python3', 'flock', '/usr/sbin/sshd', 'sftp', 'ssh-keyscan', 'ssh-keygen', 'gpg']);
const CLI = join(REPO, 'bin/confconsole');
const dirs: string[] = [];

interface Ran {
  code: number;
  out: string;
  err: string;
}
function cc(root: string, args: string[], input = ''): Ran {
  const r = spawnSync(process.execPath, [CLI, '--demo', '--root', root, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? '' };
}
const json = (r: Ran) => JSON.parse(r.out) as Record<string, unknown> & { host_key?: { fingerprint: string; pinned: string; now?: string } };

async function demo(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'cc-backup-'));
  dirs.push(root);
  await seedDemo(root, 'appliance');
  return root;
}

/** export --secrets, as a backup holds it, into a file only its owner reads. */
function exportOf(root: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'cc-backup-x-')), 'doc.yaml');
  dirs.push(f.slice(0, f.lastIndexOf('/')));
  const fd = openSync(f, 'w', 0o600);
  const r = spawnSync(process.execPath, [CLI, '--demo', '--root', root, 'export', '--secrets'], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
  closeSync(fd);
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(f, 'utf8');
}


const fingerprint = (pub: string) => spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pub], { encoding: 'utf8' }).stdout.split(' ')[1]!;

describe.skipIf(why !== undefined)('backups to a loopback SFTP server', () => {
  const srv = mkdtempSync(join(tmpdir(), 'cc-backup-srv-'));
  dirs.push(srv);
  const store = join(srv, 'store');
  let sshd: Sshd;
  let dest = '';
  let [noRename, noRemove] = [0, 0];
  let a = ''; // the appliance backed up
  const keys: string[] = [];

  // its log straight into a file (the tests run the console with spawnSync: sshd-fixture.ts)
  const startSshd = (hostKey: string) => sshd.start(join(srv, hostKey));
  const stopSshd = () => sshd.stop();
  /** The appliance key of `root` authorized on the server (backup show gives it). */
  const authorize = (root: string) => {
    const k = readFileSync(join(root, 'etc/confconsole/callhome/id_rsa.pub'), 'utf8').trim();
    expect(k).toMatch(/^ssh-rsa /);
    keys.push(k);
    writeFileSync(join(srv, 'authorized_keys'), keys.join('\n') + '\n');
  };

  beforeAll(async () => {
    for (const k of ['hk1', 'hk2']) spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(srv, k)]);
    mkdirSync(store, { mode: 0o700 });
    const port = await freeTcpPort();
    [noRename, noRemove] = [await freeTcpPort([port]), 0];
    noRemove = await freeTcpPort([port, noRename]);
    sshd = await sshdFixture(
      srv,
      [
        'AllowTcpForwarding no',
        'Subsystem sftp internal-sftp',
        // many short connections in a row (a key scan opens one per key type): none dropped as a flood
        'MaxStartups 100:30:200',
        // two more ports whose SFTP refuses the last rename of an upload (and the removal)
        `Port ${noRename}`,
        `Port ${noRemove}`,
        `Match LocalPort ${noRename}`,
        '  ForceCommand internal-sftp -P rename,posix-rename',
        `Match LocalPort ${noRemove}`,
        '  ForceCommand internal-sftp -P rename,posix-rename,remove',
      ],
      port,
    );
    await startSshd('hk1');
    dest = `sftp://root@127.0.0.1:${sshd.port}${store}`;
  }, 30_000);

  afterAll(async () => {
    await sshd?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('pins the host key on first use, backs up, and a fresh appliance restored from it exports the same document', async () => {
    a = await demo();
    expect(cc(a, ['ntp', 'set', '192.0.2.11', '192.0.2.12']).code).toBe(0);
    const set = cc(a, ['backup', 'set', '--destination', dest, '--keep', '2', '--json']);
    expect(set.code, set.err).toBe(0);
    expect(json(set).changed).toBe(true);
    expect(json(set).host_key).toEqual({ fingerprint: fingerprint(join(srv, 'hk1.pub')), pinned: 'new' });
    // the same again: nothing is rewritten or recorded
    const ini = statSync(join(a, 'etc/confconsole/appliance.ini')).mtimeMs;
    const audit = readFileSync(join(a, 'var/log/confconsole/audit.log'), 'utf8');
    const again = cc(a, ['backup', 'set', '--destination', dest, '--keep', '2', '--json']);
    expect(json(again)).toMatchObject({ changed: false, host_key: { pinned: 'same' } });
    expect(statSync(join(a, 'etc/confconsole/appliance.ini')).mtimeMs).toBe(ini);
    expect(readFileSync(join(a, 'var/log/confconsole/audit.log'), 'utf8')).toBe(audit);
    authorize(a);
    const now = cc(a, ['backup', 'now', '--json']);
    expect(now.code, now.out + now.err).toBe(0);
    const id = json(now).id as string;
    const file = join(store, `confconsole-backup-${id}.yaml`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const docA = exportOf(a);
    expect(readFileSync(file, 'utf8')).toBe(docA); // the export with secrets, as it is
    const shown = json(cc(a, ['backup', 'show', '--json']));
    expect(shown.last).toMatchObject({ ok: true, id, destination: dest });

    const b = await demo();
    expect(cc(b, ['backup', 'set', '--destination', dest, '--json']).code).toBe(0);
    authorize(b);
    const listed = json(cc(b, ['backup', 'list', '--json'])).backups as { id: string }[];
    expect(listed.map((x) => x.id)).toEqual([id]);
    const dry = cc(b, ['backup', 'restore', id, '--dry-run', '--json']);
    expect(dry.code, dry.err).toBe(0);
    expect(json(dry).areas).toContainEqual(expect.objectContaining({ area: 'ntp', result: 'would change' }));
    const restored = cc(b, ['backup', 'restore', id, '--json']);
    expect(restored.code, restored.out + restored.err).toBe(0);
    expect(exportOf(b)).toBe(docA);
  }, 240_000);

  it('keeps the newest N: older backups are deleted after a successful one (on the server and in a directory)', () => {
    for (let i = 0; i < 3; i++) expect(cc(a, ['backup', 'now', '--json']).code).toBe(0);
    const names = readdirSync(store).filter((n) => n.startsWith('confconsole-backup-'));
    expect(names).toHaveLength(2);
    const listed = json(cc(a, ['backup', 'list', '--json'])).backups as { name: string }[];
    expect(listed.map((x) => x.name)).toEqual([...names].sort().reverse());

    const local = `/var/backups/cc-${process.pid}`;
    expect(cc(a, ['backup', 'set', '--destination', local, '--keep', '1', '--json']).code).toBe(0);
    const ids = [0, 1, 2].map(() => json(cc(a, ['backup', 'now', '--json'])).id as string);
    expect(readdirSync(join(a, local))).toEqual([`confconsole-backup-${ids[2]}.yaml`]);
    expect(statSync(join(a, local)).mode & 0o777).toBe(0o700);
    expect(cc(a, ['backup', 'set', '--destination', dest, '--keep', '2', '--json']).code).toBe(0);
  }, 240_000);

  it('an encrypted backup cannot be restored without its passphrase, and can with it', async () => {
    const pass = 'correct horse battery staple';
    const set = cc(a, ['backup', 'set', '--encrypt', 'yes', '--passphrase-stdin', '--json'], `${pass}\n`);
    expect(set.code, set.err).toBe(0);
    const sec = join(a, 'etc/confconsole/secrets/backup_passphrase');
    expect(statSync(sec).mode & 0o777).toBe(0o600);
    // the export describes it only: never the passphrase without --secrets
    const plain = cc(a, ['export', '--json']);
    expect(plain.out).not.toContain(pass);
    expect((JSON.parse(plain.out) as { areas: { backup: { passphrase: unknown } } }).areas.backup.passphrase).toMatchObject({ secret: 'omitted', length: pass.length });
    const now = cc(a, ['backup', 'now', '--json']);
    expect(now.code, now.out + now.err).toBe(0);
    const id = json(now).id as string;
    const body = readFileSync(join(store, `confconsole-backup-${id}.yaml.gpg`));
    expect(body.toString('latin1')).not.toContain('confconsole-settings');

    const c = await demo();
    expect(cc(c, ['backup', 'set', '--destination', dest, '--json']).code).toBe(0);
    authorize(c);
    const without = cc(c, ['backup', 'restore', id, '--json']);
    expect(without.code, without.out + without.err).toBe(2);
    expect(json(without).field).toBe('passphrase');
    const wrong = cc(c, ['backup', 'restore', id, '--passphrase-stdin', '--json'], 'not the passphrase\n');
    expect(wrong.code, wrong.out + wrong.err).toBe(2);
    expect(json(wrong)).toMatchObject({ field: 'passphrase' });
    expect(json(wrong).error).toContain('does not decrypt');
    const right = cc(c, ['backup', 'restore', id, '--passphrase-stdin', '--json'], `${pass}\n`);
    expect(right.code, right.out + right.err).toBe(0);
    expect(exportOf(c)).toBe(exportOf(a));
    expect(readFileSync(join(c, 'etc/confconsole/secrets/backup_passphrase'), 'utf8')).toBe(`${pass}\n`);
  }, 240_000);

  it('refuses a server whose host key is not the pinned one, naming the field, until it is re-pinned', async () => {
    const before = readdirSync(store).sort();
    await stopSshd();
    await startSshd('hk2');
    const now = cc(a, ['backup', 'now', '--json']);
    expect(now.code).toBe(1);
    const j = json(now);
    expect(j.field).toBe('destination');
    expect(j.host_key).toEqual({ pinned: fingerprint(join(srv, 'hk1.pub')), now: fingerprint(join(srv, 'hk2.pub')) });
    expect(readdirSync(store).sort()).toEqual(before); // nothing sent
    const last = json(cc(a, ['backup', 'show', '--json'])).last as { ok: boolean; cause: string };
    expect(last.ok).toBe(false);
    expect(last.cause).toContain('is not the one pinned');
    expect(cc(a, ['backup', 'list', '--json']).code).toBe(1);
    // setting the same destination again does not quietly accept the new key
    const set = cc(a, ['backup', 'set', '--destination', dest, '--json']);
    expect(set.code).toBe(1);
    expect(json(set).field).toBe('destination');
    // a fingerprint confirmed is required to be the server's
    const other = cc(a, ['backup', 'set', '--repin', '--fingerprint', fingerprint(join(srv, 'hk1.pub')), '--json']);
    expect(other.code).toBe(2);
    expect(json(other).field).toBe('fingerprint');
    const repin = cc(a, ['backup', 'set', '--repin', '--fingerprint', fingerprint(join(srv, 'hk2.pub')), '--json']);
    expect(repin.code, repin.err).toBe(0);
    expect(json(repin).host_key).toEqual({ fingerprint: fingerprint(join(srv, 'hk2.pub')), pinned: 'new' });
    expect(cc(a, ['backup', 'now', '--json']).code).toBe(0);
  }, 240_000);

  it("a server that does not take the appliance's key: the cause is ssh's (Permission denied), not sftp's last word", () => {
    const keys = readFileSync(join(srv, 'authorized_keys'), 'utf8');
    writeFileSync(join(srv, 'authorized_keys'), '');
    try {
      const now = cc(a, ['backup', 'now', '--json']);
      expect(now.code).toBe(1);
      const j = json(now) as { error?: string };
      expect(j.error).toMatch(/Permission denied/);
      expect(j.error).not.toMatch(/\r|Connection closed$/);
      const last = json(cc(a, ['backup', 'show', '--json'])).last as { cause: string };
      expect(last.cause).toMatch(/Permission denied/);
    } finally {
      writeFileSync(join(srv, 'authorized_keys'), keys);
    }
    expect(cc(a, ['backup', 'now', '--json']).code).toBe(0);
  }, 120_000);

  it('an upload that fails after it began leaves no .NAME.part on the server; one that cannot be removed is said', () => {
    const parts = (d: string) => readdirSync(d).filter((n) => n.endsWith('.part'));
    const dests: [number, string][] = [[noRename, 'nr1'], [noRename, 'nr2'], [noRemove, 'nrm']];
    for (const [port, dir] of dests) {
      mkdirSync(join(srv, dir), { mode: 0o700 });
      const set = cc(a, ['backup', 'set', '--destination', `sftp://root@127.0.0.1:${port}${join(srv, dir)}`, '--json']);
      expect(set.code, set.out + set.err).toBe(0);
      const now = cc(a, ['backup', 'now', '--json']);
      expect(now.code, now.err).toBe(1);
      const err = (json(now) as { error?: string }).error!;
      if (port === noRename) {
        expect(parts(join(srv, dir)), `${dir}: ${now.err}`).toEqual([]);
        expect(err).not.toMatch(/partial/);
      } else {
        expect(parts(join(srv, dir))).toHaveLength(1);
        expect(err).toMatch(/the partial upload \/\S+\.part could not be removed from the server \(.+\): remove it by hand/);
        expect((json(cc(a, ['backup', 'show', '--json'])).last as { cause: string }).cause).toMatch(/could not be removed/);
      }
      expect(readdirSync(join(srv, dir)).filter((n) => !n.endsWith('.part'))).toEqual([]);
    }
    expect(cc(a, ['backup', 'set', '--destination', dest, '--json']).code).toBe(0);
  }, 180_000);
});

describe.skipIf(missing('system: the backup timer unit', ['bash', 'python3', 'flock', 'systemd-analyze']))('the backup timer', () => {
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a directory that was there keeps its mode and owner (/etc, /tmp, /srv/bk 0755); one made for backups is 0700; a file is refused', async () => {
    const root = await demo();
    for (const [dir, mode] of [['/etc', 0o755], ['/tmp', 0o1777], ['/srv/bk', 0o755]] as const) {
      mkdirSync(join(root, dir), { recursive: true });
      chmodSync(join(root, dir), mode);
      expect(cc(root, ['backup', 'set', '--destination', dir, '--json']).code, dir).toBe(0);
      const r = cc(root, ['backup', 'now', '--json']);
      expect(r.code, `${dir}: ${r.err}`).toBe(0);
      expect(statSync(join(root, dir)).mode & 0o7777, dir).toBe(mode);
    }
    expect(cc(root, ['backup', 'set', '--destination', '/var/backups/new-cc', '--json']).code).toBe(0);
    expect(cc(root, ['backup', 'now', '--json']).code).toBe(0);
    expect(statSync(join(root, 'var/backups/new-cc')).mode & 0o777).toBe(0o700);
    // a file where the directory would be (or on its way) is refused when set, named by its appliance path (a demo's host path never shown)
    writeFileSync(join(root, 'srv/afile'), 'x');
    for (const [d, said] of <[string, string][]>[['/srv/afile', 'the backup destination /srv/afile is not a directory'], ['/srv/afile/bk/x', 'the backup destination /srv/afile/bk/x cannot be a directory: /srv/afile is a file']]) {
      const set = cc(root, ['backup', 'set', '--destination', d, '--json']);
      expect(set.code, d).toBe(2);
      expect(json(set), d).toMatchObject({ field: 'destination', error: said });
    }
    // one that became a file after it was set: backup now, list and the recorded cause say so, by the appliance path
    expect(cc(root, ['backup', 'set', '--destination', '/srv/later', '--json']).code).toBe(0);
    writeFileSync(join(root, 'srv/later'), 'x');
    const f = cc(root, ['backup', 'now', '--json']);
    expect(f.code).toBe(1);
    expect(json(f)).toMatchObject({ field: 'destination', error: 'the backup destination /srv/later is not a directory' });
    expect(f.err).not.toContain(root);
    expect((json(cc(root, ['backup', 'show', '--json'])).last as { cause: string }).cause).toBe('the backup destination /srv/later is not a directory');
    const l = cc(root, ['backup', 'list', '--json']);
    expect(l.code).toBe(1);
    expect(json(l)).toMatchObject({ field: 'destination', error: expect.stringContaining('cannot list /srv/later: the backup destination /srv/later is not a directory') });
    // a directory that cannot be made (its parent is a file): the cause names the appliance path
    rmSync(join(root, 'srv/later'));
    mkdirSync(join(root, 'srv/later'));
    expect(cc(root, ['backup', 'set', '--destination', '/srv/later/in', '--json']).code).toBe(0);
    rmSync(join(root, 'srv/later'), { recursive: true });
    writeFileSync(join(root, 'srv/later'), 'x');
    const m = cc(root, ['backup', 'now', '--json']);
    expect(json(m)).toMatchObject({ field: 'destination', error: 'the backup destination /srv/later/in cannot be a directory: /srv/later is a file' });
    expect(m.err).not.toContain(root);
  }, 180_000);

  it("a demo's failures name the appliance's paths, never the demo root's host path (any script: the kind is in fail and log)", async () => {
    const root = await demo();
    const conf = join(root, 'etc/chrony/chrony.conf');
    rmSync(conf);
    mkdirSync(conf);
    const r = cc(root, ['ntp', 'set', '192.0.2.5', '--json']);
    expect(r.code).not.toBe(0);
    expect((json(r) as { error?: string }).error).toContain("chrony's configuration /etc/chrony/chrony.conf");
    expect(r.out + r.err).not.toContain(root);
    // the scripts on a root that is no demo (an appliance tree given with --root) name it as it is
    const env: NodeJS.ProcessEnv = { ...process.env, CONFCONSOLE_ROOT: root };
    delete env.CONFCONSOLE_DEMO;
    const s = spawnSync(join(REPO, 'sbin/set_ntp.sh'), ['192.0.2.5'], { env, encoding: 'utf8' });
    expect(s.stdout).toContain(`${root}/etc/chrony/chrony.conf`);
  }, 60_000);

  it('an encrypted backup cut short is said to be damaged, not a wrong passphrase (which is still said for a whole one)', async () => {
    const root = await demo();
    const pass = 'correct horse battery staple';
    expect(cc(root, ['backup', 'set', '--destination', '/srv/bk', '--encrypt', 'yes', '--passphrase-stdin', '--json'], `${pass}\n`).code).toBe(0);
    const id = (json(cc(root, ['backup', 'now', '--json'])) as { id?: string }).id!;
    const file = join(root, 'srv/bk', readdirSync(join(root, 'srv/bk')).find((n) => n.includes(id))!);
    const whole = readFileSync(file);
    for (const cut of [200, Math.floor(whole.length / 2), whole.length - 20]) {
      writeFileSync(file, whole.subarray(0, cut));
      const r = cc(root, ['backup', 'restore', id, '--dry-run', '--passphrase-stdin', '--json'], `${pass}\n`);
      expect(r.code, `${cut}: ${r.out}`).toBe(1);
      expect((json(r) as { error?: string }).error, String(cut)).toMatch(/is damaged: gpg could not decrypt it to its end/);
    }
    writeFileSync(file, whole);
    // --passphrase-stdin with nothing (or an empty line) on stdin: said as such, not "none is stored"
    for (const input of ['', '\n', '\r\n']) {
      const empty = cc(root, ['backup', 'restore', id, '--dry-run', '--passphrase-stdin', '--json'], input);
      expect(empty.code, JSON.stringify(input)).toBe(2);
      expect(json(empty), JSON.stringify(input)).toMatchObject({ field: 'passphrase', error: expect.stringContaining('the passphrase given was empty') });
    }
    const wrong = cc(root, ['backup', 'restore', id, '--dry-run', '--passphrase-stdin', '--json'], 'not it\n');
    expect(wrong.code).toBe(2);
    expect((json(wrong) as { field?: string }).field).toBe('passphrase');
  }, 120_000);

  it('a damaged backup (empty, not YAML, not a settings document, cut YAML) is named by its id, never by a private temporary file', async () => {
    const root = await demo();
    expect(cc(root, ['backup', 'set', '--destination', '/srv/bk', '--json']).code).toBe(0);
    const id = (json(cc(root, ['backup', 'now', '--json'])) as { id?: string }).id!;
    const file = join(root, 'srv/bk', `confconsole-backup-${id}.yaml`);
    for (const bad of ['', 'garbage', 'format: x\n', 'format: "confconsole-settings"\nareas: {a: b: c}\n']) {
      writeFileSync(file, bad);
      const r = cc(root, ['backup', 'restore', id, '--dry-run']);
      expect(r.code, JSON.stringify(bad)).toBe(1);
      expect(r.err, JSON.stringify(bad)).toContain(`backup ${id} is damaged: it is not a settings document`);
      expect(r.err).not.toMatch(/\/tmp\/|cc-restore-/);
    }
  }, 120_000);

  it('values of [backup] edited by hand that the rules refuse are said with what is used instead, never used quietly', async () => {
    const root = await demo();
    expect(cc(root, ['backup', 'set', '--destination', '/srv/bk', '--json']).code).toBe(0);
    const ini = join(root, 'etc/confconsole/appliance.ini');
    const text = readFileSync(ini, 'utf8');
    writeFileSync(ini, text.replace(/^time = .*$/m, 'time = "25:99"').replace(/^keep = .*$/m, 'keep = "abc"').replace(/^day = .*$/m, 'day = "someday"'));
    const j = json(cc(root, ['backup', 'show', '--json'])) as { refused: string[]; backup: { time: string; keep: number } };
    expect(j.backup).toMatchObject({ time: '02:00', keep: 7 });
    expect(j.refused.map((r) => r.split(' = ')[0])).toEqual(['[backup] day', '[backup] time', '[backup] keep']);
    expect(j.refused[1]).toContain('02:00 is used');
    expect(cc(root, ['backup', 'show']).out).toMatch(/Warning: \[backup\] keep = "abc" in \/etc\/confconsole\/appliance.ini is refused .*: 7 is used/);
  }, 120_000);

  it('a damaged record of the last backup is said as damaged, never as "none yet"; the next backup writes it again', async () => {
    const root = await demo();
    expect(cc(root, ['backup', 'set', '--destination', '/srv/bk', '--json']).code).toBe(0);
    const state = join(root, 'var/lib/confconsole/backup-state.json');
    for (const bad of ['{bad', '[]', 'null', '', '{"ok":"yes"}']) {
      writeFileSync(state, bad);
      const j = json(cc(root, ['backup', 'show', '--json'])) as { last: unknown; last_damaged?: string };
      expect(j.last, bad).toBeNull();
      expect(j.last_damaged, bad).toContain('backup-state.json) is damaged');
      expect(cc(root, ['backup', 'show']).out, bad).toContain('Last backup: unknown: the record of the last backup');
    }
    expect(cc(root, ['backup', 'now', '--json']).code).toBe(0);
    const j = json(cc(root, ['backup', 'show', '--json'])) as { last: { ok: boolean }; last_damaged: unknown };
    expect(j.last.ok).toBe(true);
    expect(j.last_damaged).toBeNull();
  }, 120_000);

  it('a vSensor backup taken before a keyboard layout and an update key were set restores: both in place are kept, with a warning', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cc-backup-'));
    dirs.push(root);
    await seedDemo(root, 'vsensor');
    expect(cc(root, ['backup', 'set', '--destination', '/srv/bk', '--json']).code).toBe(0);
    const id = (json(cc(root, ['backup', 'now', '--json'])) as { id?: string }).id!;
    expect(id).toBeTruthy();
    expect(cc(root, ['keyboard', 'set', 'de']).code).toBe(0);
    expect(cc(root, ['updates', 'set-key'], 'Upd8Key-0123456789\n').code).toBe(0);
    for (const dry of [true, false]) {
      const r = cc(root, ['backup', 'restore', id, ...(dry ? ['--dry-run'] : []), '--json']);
      expect(r.code, `${dry}: ${r.out} ${r.err}`).toBe(0);
      expect(r.out + r.err, 'kept, said').toMatch(/a layout cannot be unset: the one in place \(de\) is kept/);
      expect(r.out + r.err).toMatch(/an update key cannot be removed: the one in place is kept/);
    }
    const after = JSON.parse(cc(root, ['export', '--json']).out) as { areas: { keyboard: { layout: string }; updates: { key: unknown } } };
    expect(after.areas.keyboard.layout).toBe('de');
    expect(after.areas.updates.key).not.toBeNull();
  }, 180_000);

  it('a backup stopped midway (Esc: TERM to its group) says so as the last result and leaves nothing', async () => {
    const root = await demo();
    expect(cc(root, ['backup', 'set', '--destination', '/var/backups/cc', '--json']).code).toBe(0);
    const p = spawn(join(REPO, 'sbin/backup.sh'), ['now'], { env: { ...process.env, CONFCONSOLE_ROOT: root, CONFCONSOLE_DEMO: '1' }, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const ended = new Promise<number | null>((res) => p.on('exit', (c) => res(c)));
    p.stdin!.write('format: confconsole-settings\n'); // the document is still coming when it is stopped
    const lock = join(root, 'run/confconsole/backup.lock');
    let exited = false;
    void ended.then(() => (exited = true));
    // the lock held (or the backup ended early: said with its output); a busy machine may take long
    await waitFor('the backup to hold its lock', () => {
      if (exited) throw new Error(`backup.sh ended before it was stopped: ${out}`);
      return spawnSync('flock', ['-n', lock, 'true']).status === 1;
    }, 60_000);
    process.kill(-p.pid!, 'SIGTERM');
    expect(await ended).toBe(1);
    expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ ok: false, error: expect.stringContaining('cancelled') });
    expect(json(cc(root, ['backup', 'show', '--json'])).last).toMatchObject({ ok: false, cause: expect.stringContaining('cancelled') });
    const d = join(root, 'var/backups/cc');
    expect(existsSync(d) ? readdirSync(d) : []).toEqual([]);
    expect(spawnSync('flock', ['-n', lock, 'true']).status).toBe(0); // the lock is free again
  });

  it('choice options are taken in any case, as the day always was (command line, script, imported document)', async () => {
    const root = await demo();
    const show = () => json(cc(root, ['backup', 'show', '--json'])).backup;
    for (const [sched, day, enc] of [['Weekly', 'Mon', 'No'], ['DAILY', 'fri', 'no'], ['wEEKLY', 'SUN', 'NO']] as const) {
      const r = cc(root, ['backup', 'set', '--destination', '/srv/bk', '--schedule', sched, '--day', day, '--encrypt', enc, '--json']);
      expect(r.code, `${sched}: ${r.out}${r.err}`).toBe(0);
      expect(show()).toMatchObject({ schedule: sched.toLowerCase(), day: day.toLowerCase(), encrypt: false });
    }
    // the script itself (its twin check; rules-agree fuzzes the two)
    const env = { ...process.env, CONFCONSOLE_ROOT: root, CONFCONSOLE_DEMO: '1' };
    const s = spawnSync(join(REPO, 'sbin/set_backup.sh'), ['--schedule', 'Daily', '--encrypt', 'No'], { env, input: '\n', encoding: 'utf8' });
    expect(s.status, s.stderr).toBe(0);
    expect(show()).toMatchObject({ schedule: 'daily' });
    // a document with choice values in another case imports as its lower-case values
    const doc = exportOf(root).replace('schedule: "daily"', 'schedule: "Weekly"').replace(/day: "[a-z]+"/, 'day: "Tue"');
    const f = join(root, 'doc.yaml');
    writeFileSync(f, doc, { mode: 0o600 });
    const imp = cc(root, ['import', f, '--json']);
    expect(imp.code, imp.out + imp.err).toBe(0);
    expect(show()).toMatchObject({ schedule: 'weekly', day: 'tue' });
    expect(cc(root, ['backup', 'set', '--schedule', 'hourly']).code).toBe(2);
  }, 120_000);

  it('--destination none clears the destination and turns the schedule off; with a schedule asked for it is refused', async () => {
    const root = await demo();
    const show = () => json(cc(root, ['backup', 'show', '--json'])).backup;
    for (const none of ['none', 'None', 'NONE']) {
      expect(cc(root, ['backup', 'set', '--destination', '/srv/bk', '--schedule', 'daily']).code).toBe(0);
      const r = cc(root, ['backup', 'set', '--destination', none, '--json']);
      expect(r.code, r.out + r.err).toBe(0);
      expect(show()).toMatchObject({ schedule: 'off', destination: '' });
      expect(readdirSync(join(root, 'etc/systemd/system')).filter((n) => n.startsWith('confconsole-backup'))).toEqual([]);
    }
    expect(cc(root, ['backup', 'set', '--destination', '/srv/bk', '--schedule', 'weekly']).code).toBe(0);
    const refused = cc(root, ['backup', 'set', '--destination', 'none', '--schedule', 'daily', '--json']);
    expect(refused.code).toBe(2);
    expect(json(refused)).toMatchObject({ field: 'destination' });
    expect(show()).toMatchObject({ schedule: 'weekly', destination: '/srv/bk' });
    // the script's twin
    const env = { ...process.env, CONFCONSOLE_ROOT: root, CONFCONSOLE_DEMO: '1' };
    const s = spawnSync(join(REPO, 'sbin/set_backup.sh'), ['--destination', 'none'], { env, input: '\n', encoding: 'utf8' });
    expect(s.status, s.stderr).toBe(0);
    expect(show()).toMatchObject({ schedule: 'off', destination: '' });
  }, 120_000);

  it.each([
    [['--schedule', 'weekly', '--day', 'wed', '--time', '4:05'], 'Wed *-*-* 04:05:00'],
    [['--schedule', 'daily', '--time', '23:59'], '*-*-* 23:59:00'],
    [['--schedule', 'weekly', '--day', 'SUN', '--time', '00:00'], 'Sun *-*-* 00:00:00'],
  ])('%j: the units pass systemd-analyze verify, the calendar systemd-analyze calendar', async (args, calendar) => {
    const root = await demo();
    const r = cc(root, ['backup', 'set', '--destination', '/var/backups/cc', ...args, '--json']);
    expect(r.code, r.err).toBe(0);
    const units = join(root, 'etc/systemd/system');
    const timer = readFileSync(join(units, 'confconsole-backup.timer'), 'utf8');
    expect(timer).toContain(`OnCalendar=${calendar}\n`);
    const service = readFileSync(join(units, 'confconsole-backup.service'), 'utf8');
    // the package's /usr/sbin/confconsole is this checkout's bin/confconsole here
    expect(service).toMatch(/^ExecStart=\/usr\/sbin\/confconsole backup now --json$/m);
    const t = mkdtempSync(join(tmpdir(), 'cc-backup-unit-'));
    dirs.push(t);
    writeFileSync(join(t, 'confconsole-backup.timer'), timer);
    writeFileSync(join(t, 'confconsole-backup.service'), service.replaceAll('/usr/sbin/confconsole', join(REPO, 'bin/confconsole')));
    chmodSync(t, 0o755);
    const v = spawnSync('systemd-analyze', ['verify', '--man=no', join(t, 'confconsole-backup.timer'), join(t, 'confconsole-backup.service')], { encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr).not.toContain('confconsole-backup.');
    const c = spawnSync('systemd-analyze', ['calendar', calendar], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/Next elapse:/);
    // the demo never calls the host's systemctl: the effect is recorded instead
    expect(readFileSync(join(root, 'var/log/confconsole/host-effects.log'), 'utf8')).toContain('timer confconsole-backup.timer enable');
    // off: the units go, the timer is disabled
    const off = cc(root, ['backup', 'set', '--schedule', 'off', '--json']);
    expect(json(off).changed).toBe(true);
    expect(readdirSync(units).filter((n) => n.startsWith('confconsole-backup'))).toEqual([]);
    expect(readFileSync(join(root, 'var/log/confconsole/host-effects.log'), 'utf8')).toContain('timer confconsole-backup.timer disable');
    // the schedule is in the history: restoring the revision that set it brings the timer back
    const revs = json(cc(root, ['history', '--area', 'backup', '--json'])).revisions as { id: number }[];
    expect(revs).toHaveLength(2);
    expect(cc(root, ['history', 'restore', String(revs[1]!.id)]).code).toBe(0);
    expect(readFileSync(join(units, 'confconsole-backup.timer'), 'utf8')).toBe(timer);
    expect(readFileSync(join(root, 'var/log/confconsole/host-effects.log'), 'utf8').trimEnd().split('\n').pop()).toMatch(/timer confconsole-backup.timer enable$/);
  });
});
