// The first-boot steps on the real scripts (issue 13): set_keyboard.sh against this system's
// list of layouts, keeping every other line of /etc/default/keyboard; set_password.sh handing
// the password to the real chpasswd on its stdin, for a user the test makes (removed whatever
// happens), checked against the real shadow hash; refusals change nothing; the demo never runs
// chpasswd or setupcon on the host.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { auditEntries, cc, demoRoot, makeRoot, readOr, REPO, removeRoots, runScript, runScriptInput, treeSnapshot, type Root } from './helpers.js';

const why = missing('system: first boot (keyboard layout, admin password with chpasswd)', ['root', 'useradd', 'userdel', 'chpasswd', 'getent', 'python3']);

const USER = `ccfb${randomBytes(3).toString('hex')}`;
const KB = 'etc/default/keyboard';
const RECORD = 'var/lib/confconsole/firstboot.done';
const shadowHash = (user: string) => execFileSync('getent', ['shadow', user], { encoding: 'utf8' }).split(':')[1] ?? '';
/** Whether `pw` is the user's password, by the system's own crypt (libxcrypt: yescrypt too). */
const isPassword = (user: string, pw: string) =>
  execFileSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; h=sys.argv[1]; print(crypt.crypt(sys.stdin.read(), h) == h)', shadowHash(user)], { input: pw, encoding: 'utf8' }).trim() === 'True';

function vsensor(opts: { demo?: boolean; admin?: string; keyboard?: string } = {}): Root {
  const r = makeRoot({ demo: opts.demo ?? false });
  writeFileSync(r.ini, `[appliance]\nprofile = vsensor\n${opts.demo ? 'demo = true\n' : ''}${opts.admin ? `\n[console]\nadmin_user = ${opts.admin}\n` : ''}`);
  if (opts.keyboard !== undefined) {
    mkdirSync(join(r.dir, 'etc/default'), { recursive: true });
    writeFileSync(join(r.dir, KB), opts.keyboard);
  }
  return r;
}
const skip = (rel: string) => rel === '.test' || rel.startsWith('.test/') || rel === 'run/confconsole/lock';

/** The wrapped sbin/ folders of the tests (countingSbin), removed at the end. */
const sbins: string[] = [];

describe.skipIf(why !== undefined)('system: first boot', () => {
  beforeAll(() => {
    const add = spawnSync('useradd', ['-M', '-s', '/usr/sbin/nologin', USER], { encoding: 'utf8' });
    if (add.status !== 0) throw new Error(add.stderr);
  });
  afterAll(() => {
    spawnSync('userdel', [USER]);
    expect(spawnSync('id', [USER]).status).not.toBe(0);
    removeRoots();
    for (const d of sbins) rmSync(d, { recursive: true, force: true });
  });

  const SITE = '# site keyboard, kept\nXKBMODEL="pc104"\nXKBLAYOUT="us"\nXKBVARIANT="intl"\nXKBOPTIONS="ctrl:nocaps"\n\nBACKSPACE="guess"\n';
  it.each([
    ['gb', 'English (UK)'],
    ['DE', 'German'],
    ['fr', 'French'],
  ])('keyboard set %s: only XKBLAYOUT (and the old layout variant) change; other lines kept; audited', async (given, desc) => {
    const r = vsensor({ keyboard: SITE });
    const res = await runScript('set_keyboard.sh', [given], r.dir);
    expect(res.code, res.stderr).toBe(0);
    const layout = given.toLowerCase();
    expect(res.json).toMatchObject({ ok: true, layout, description: desc, previous: 'us', changed: true, applied: false });
    expect(readFileSync(join(r.dir, KB), 'utf8')).toBe(SITE.replace('XKBLAYOUT="us"', `XKBLAYOUT="${layout}"`).replace('XKBVARIANT="intl"', 'XKBVARIANT=""'));
    expect(auditEntries(r).at(-1)).toMatchObject({ action: 'keyboard.set', detail: `layout us -> ${layout}`, result: 'ok' });
  });

  it('a file without the key gets it added; no file gets a whole console-setup file', async () => {
    const r = vsensor({ keyboard: '# only a comment\nXKBMODEL="pc105"\n' });
    expect((await runScript('set_keyboard.sh', ['gb'], r.dir)).code).toBe(0);
    expect(readOr(join(r.dir, KB))).toBe('# only a comment\nXKBMODEL="pc105"\nXKBLAYOUT="gb"\n');
    const r2 = vsensor();
    expect((await runScript('set_keyboard.sh', ['us'], r2.dir)).code).toBe(0);
    expect(readOr(join(r2.dir, KB))).toMatch(/^XKBLAYOUT="us"$/m);
    expect(readOr(join(r2.dir, KB))).toMatch(/^XKBMODEL="pc105"$/m);
  });

  it.each(['zz', 'us dvorak', '1us', 'xx-nope'])('keyboard set %j is refused (field layout), nothing written', async (bad) => {
    const r = vsensor({ keyboard: SITE });
    const before = treeSnapshot(r.dir, skip);
    const res = await runScript('set_keyboard.sh', [bad], r.dir);
    expect(res.code).toBe(2);
    expect(res.json).toMatchObject({ ok: false, field: 'layout' });
    expect(treeSnapshot(r.dir, skip)).toEqual(before);
  });

  it('--list is the system list (base.lst)', async () => {
    const res = await runScript('set_keyboard.sh', ['--list'], vsensor().dir);
    const names = (res.json.layouts as [string, string][]).map((x) => x[0]);
    expect(names).toEqual(expect.arrayContaining(['us', 'gb', 'de', 'fr']));
  });

  it('password set: chpasswd gets it on stdin; the shadow hash is the new password; nothing of it in any file or log', async () => {
    const r = vsensor({ admin: USER });
    for (const pw of ['First-pass-1', 'ab:cd:ef:gh', 'ünïcödé pässwörd']) {
      const res = await runScriptInput('set_password.sh', [], r.dir, pw + '\n');
      expect(res.code, res.stderr).toBe(0);
      expect(res.json).toMatchObject({ ok: true, user: USER, first_boot: false });
      expect(isPassword(USER, pw)).toBe(true);
      const all = Object.values(treeSnapshot(r.dir)).join('\n') + res.stderr + res.stdout;
      expect(all).not.toContain(pw);
    }
    expect(existsSync(join(r.dir, RECORD))).toBe(false);
    expect(auditEntries(r).filter((e) => e.action === 'password.set').map((e) => e.result)).toEqual(['ok', 'ok', 'ok']);
  });

  it.each([
    ['short', 'password'],
    ['tab\there!', 'password'],
  ])('a bad password (%j) is refused before chpasswd: the hash unchanged, nothing written', async (pw, field) => {
    const r = vsensor({ admin: USER });
    expect((await runScriptInput('set_password.sh', [], r.dir, 'Known-pass-9\n')).code).toBe(0);
    const hash = shadowHash(USER);
    const before = treeSnapshot(r.dir, skip);
    const res = await runScriptInput('set_password.sh', ['--first-boot'], r.dir, pw + '\n');
    expect(res.code).toBe(2);
    expect(res.json).toMatchObject({ field });
    expect(shadowHash(USER)).toBe(hash);
    expect(treeSnapshot(r.dir, skip)).toEqual(before);
  });

  it('a password in the arguments is refused; an admin user that does not exist is named', async () => {
    const r = vsensor({ admin: USER });
    expect((await runScriptInput('set_password.sh', ['Secret-pass-1'], r.dir, '')).code).toBe(2);
    const r2 = vsensor({ admin: `${USER}x` });
    const res = await runScriptInput('set_password.sh', [], r2.dir, 'Secret-pass-1\n');
    expect(res.code).toBe(2);
    expect(res.json).toMatchObject({ field: 'user', error: expect.stringContaining(`no user "${USER}x"`) });
  });

  it('--first-boot records the steps done once the password is set', async () => {
    const r = vsensor({ admin: USER });
    const res = await runScriptInput('set_password.sh', ['--first-boot'], r.dir, 'Boot-pass-77\n');
    expect(res.code, res.stderr).toBe(0);
    expect(readOr(join(r.dir, RECORD))).toContain(`admin user ${USER}`);
    expect(isPassword(USER, 'Boot-pass-77')).toBe(true);
  });

  it('the demo runs neither chpasswd nor setupcon on the host: it records them', async () => {
    const r = vsensor({ demo: true, admin: USER });
    const hash = shadowHash(USER);
    expect((await runScriptInput('set_password.sh', ['--first-boot'], r.dir, 'Demo-pass-123\n')).code).toBe(0);
    expect((await runScript('set_keyboard.sh', ['gb'], r.dir)).code).toBe(0);
    expect(shadowHash(USER)).toBe(hash);
    const effects = readOr(r.hostEffects);
    expect(effects).toMatch(/chpasswd \(a new password for ccfb\w+, 13 bytes\)/);
    expect(effects).toContain('setupcon -k --force (console keyboard layout gb)');
    expect(effects).not.toContain('Demo-pass-123');
    expect(existsSync(join(r.dir, RECORD))).toBe(true);
  });
  /**
   * sbin/ as the console runs it, but set_password.sh and set_keyboard.sh wrapped: each run
   * appends its name to `runs` first. → the folder (CONFCONSOLE_SBIN) and the file of runs.
   */
  function countingSbin(): { sbin: string; runs: string } {
    const dir = mkdtempSync(join(tmpdir(), 'cc-fb-sbin-'));
    sbins.push(dir);
    const runs = join(dir, '.runs');
    const real = join(REPO, 'sbin');
    for (const n of readdirSync(real)) {
      if (n === 'set_password.sh' || n === 'set_keyboard.sh') writeFileSync(join(dir, n), `#!/bin/sh\necho ${n} >>'${runs}'\nexec '${join(real, n)}' "$@"\n`, { mode: 0o755 });
      else symlinkSync(join(real, n), join(dir, n));
    }
    return { sbin: dir, runs };
  }
  const lines = (file: string) => readOr(file).split('\n').filter(Boolean);

  // netfix item 4: the command ran the password step once, but through a copy of the step's apply;
  // now through the step itself. Whatever the keyboard step does (a new layout, the same one, --json),
  // one command is one set_password.sh run, one audit line, one chpasswd.
  it.each([
    { what: 'a new layout', args: ['--layout', 'gb'] },
    { what: 'the layout in place', args: ['--layout', 'us'], before: 'us' },
    { what: 'with --json', args: ['--json', '--layout', 'de'] },
  ])('confconsole firstboot ($what): the password step applied exactly once', async ({ args, before }) => {
    const root = await demoRoot('vsensor', 'cc-fb-');
    const { sbin, runs } = countingSbin();
    const env = { CONFCONSOLE_SBIN: sbin };
    if (before) expect(cc(root, ['keyboard', 'set', before], '', { env }).code).toBe(0);
    const runsBefore = lines(runs).filter((l) => l === 'set_password.sh').length;
    const audit = join(root, 'var/log/confconsole/audit.log');
    const effects = join(root, 'var/log/confconsole/host-effects.log');
    const [auditBefore, chpasswdBefore] = [lines(audit).length, lines(effects).filter((l) => l.includes(' chpasswd ')).length];
    const r = cc(root, ['firstboot', ...args], 'Once-pass-123\n', { env });
    expect(r.code, r.err).toBe(0);
    expect(lines(runs).filter((l) => l === 'set_password.sh').length - runsBefore, readOr(runs)).toBe(1);
    expect(lines(runs).filter((l) => l === 'set_keyboard.sh').length, 'the keyboard step: its check and its apply').toBeGreaterThanOrEqual(2);
    const added = lines(audit).slice(auditBefore).map((l) => JSON.parse(l) as { action: string });
    expect(added.filter((e) => e.action === 'password.set')).toHaveLength(1);
    expect(lines(effects).filter((l) => l.includes(' chpasswd ')).length - chpasswdBefore).toBe(1);
    if (args.includes('--json')) expect(JSON.parse(r.out)).toMatchObject({ ok: true, password: { user: 'darktrace' } });
    else expect(r.out).toMatch(/First boot done: keyboard layout \w+ .*the password of darktrace is set\./);
  });

  it('confconsole firstboot with a password under 8 characters: refused (exit 2) before either step applies', async () => {
    const root = await demoRoot('vsensor', 'cc-fb-');
    const { sbin, runs } = countingSbin();
    // the command's own check (the rule set_password.sh shares) refuses it before any script runs
    const r = cc(root, ['firstboot', '--layout', 'fr'], 'short\n', { env: { CONFCONSOLE_SBIN: sbin } });
    expect(r.code, r.err).toBe(2);
    expect(lines(runs), 'only the layout check ran').toEqual(['set_keyboard.sh']);
    expect(readOr(join(root, KB))).not.toMatch(/XKBLAYOUT="fr"/);
    expect(r.err).toMatch(/password/);
  });
});
