// A damaged, unreadable or missing appliance.ini, through the real command line and scripts:
// every reader that needs it says the file and the line (exit ≠ 0, never defaults), every writer
// refuses and leaves it byte for byte, the areas that do not need it work, and the last good copy
// can be put back after a review (issue 9 item 6, issue 10 items 4 and 6). A machine that was
// never set up as an appliance takes no change without --root (issue 9 item 10).
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo.js';
import { parseIni } from '../../src/system/settings.js';
import { SettingsProblem } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import { REPO, readOr, runCommand, runScript, scriptEnv, type RunResult } from './helpers.js';

const CLI = join(REPO, 'bin/confconsole');
const built = existsSync(join(REPO, 'dist/cli.js'));
const why = missing('system: damaged settings', ['root', 'bash', 'python3', 'flock']) ?? (built ? undefined : 'dist/ is not built (npm run build)');

const roots: string[] = [];
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A demo appliance root seeded as the console seeds it (with its demo marker), 0755 so another user may look. */
async function demoRoot(profile: 'appliance' | 'vsensor' = 'appliance'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-damage-'));
  roots.push(dir);
  await seedDemo(dir, profile);
  chmodSync(dir, 0o755);
  return dir;
}

const iniOf = (root: string) => join(root, 'etc/confconsole/appliance.ini');
const sha = (f: string) => (existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'missing');
const cli = (root: string, args: string[], extra: Record<string, string> = {}): Promise<RunResult> => runCommand(process.execPath, [CLI, '--root', root, ...args], scriptEnv(root, extra));

/** Every file the console may write in a root, by content: what "nothing was written" compares. */
const snapshot = (root: string) =>
  ['etc/confconsole/appliance.ini', 'etc/chrony/chrony.conf', 'etc/netplan/01-netcfg.yaml', 'var/log/confconsole/host-effects.log'].map((f) => `${f} ${sha(join(root, f))}`);

/** The damages of one kind (a file that cannot be read one way only), each with the line named. */
const SEED = (root: string) => readFileSync(iniOf(root), 'utf8');
const DAMAGES: { name: string; make: (seed: string) => Buffer | string; line: number }[] = [
  { name: 'truncated mid-value', make: (s) => s.slice(0, s.indexOf('pool.ntp.org') + 5), line: 7 },
  { name: 'random bytes', make: (s) => Buffer.concat([Buffer.from(s.slice(0, 100)), Buffer.from([0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a]), Buffer.from(s.slice(100))]), line: 3 },
  { name: '0 bytes', make: () => '', line: 0 },
  { name: 'a key given twice', make: (s) => s.replace('port = 22\n', 'port = 22\nport = 2222\n'), line: 14 },
  { name: 'port = abc in [callhome]', make: (s) => s.replace('port = 22\n', 'port = abc\n'), line: 13 },
  { name: 'an indented continuation line', make: (s) => s.replace('ssl = no\n', 'ssl = no\n   yes\n'), line: 15 },
];

/**
 * The message names the file and (when there is one) the line: by the appliance's path when a
 * script says it in the demo (core.sh demo_paths), else by the path under the root.
 */
const names = (text: string, root: string, line: number) => {
  const at = `/etc/confconsole/appliance.ini${line ? ` line ${line}` : ''}: `;
  void root; // `${root}${at}` ends with `at` too
  expect(text).toContain(at);
};

describe.skipIf(why !== undefined)('a damaged appliance.ini is never believed nor written over', () => {
  it.each(DAMAGES)('$name: reads exit 1 naming file and line, writes refuse, network and power work', async ({ make, line }) => {
    const root = await demoRoot();
    const damaged = make(SEED(root));
    writeFileSync(iniOf(root), damaged);
    // the same line the readers' own grammar names (src/system/ccini.ts), as a check of the table above
    let said = -1;
    try {
      parseIni(readFileSync(iniOf(root)));
    } catch (e) {
      said = e instanceof SettingsProblem ? e.line : -2;
    }
    expect(said).toBe(line);
    const before = snapshot(root);

    const reads = [['ntp', 'show'], ['appliance', 'info'], ['callhome', 'show'], ['callhome', 'status'], ['master', 'show']];
    const writes = [['ntp', 'set', '192.0.2.1'], ['callhome', 'enable'], ['services', 'restart'], ['pcap', 'set', '1']];
    const results = await Promise.all([...reads, ...writes].map((a) => cli(root, ['--json', ...a])));
    results.forEach((r, i) => {
      const what = [...reads, ...writes][i]!.join(' ');
      expect(r.code, `${what}: ${r.stderr}`).toBe(1);
      // the reason is in the JSON answer and on stderr, with the file and the line
      expect(r.json?.ok, what).toBe(false);
      names(String(r.json?.error), root, line);
    });
    // nothing was written: not the INI, not chrony.conf, no service was asked
    expect(snapshot(root)).toEqual(before);

    // the areas that do not need the settings work
    const net = await cli(root, ['--json', 'network', 'show']);
    expect(net.code, net.stderr).toBe(0);
    expect(JSON.stringify(net.json)).toContain('10.0.0.2');
    names(net.stderr, root, line); // and say once that the settings are damaged
    const audit = await cli(root, ['audit', 'show']);
    expect(audit.code, audit.stderr).toBe(0);
  });

  it('the last good copy is reviewed (the lines that change), then put back; the damaged file is kept', async () => {
    const root = await demoRoot();
    // a change makes the copy of the good file
    const set = await cli(root, ['ntp', 'set', '192.0.2.1']);
    expect(set.code, set.stderr).toBe(0);
    const good = readFileSync(iniOf(root), 'utf8');
    const damaged = `${good}[ntp]\nservers = "x\x1b]0;owned\x07"\n`;
    writeFileSync(iniOf(root), damaged);

    const review = await cli(root, ['appliance', 'restore-settings']);
    expect(review.code, review.stderr).toBe(0);
    // the copy is the file as it was before the last change: the review shows that change going too
    expect(review.stdout).toContain('Lines that go (-) and come back (+):\n- servers = "192.0.2.1"\n+ servers = "0.ubuntu.pool.ntp.org 1.ubuntu.pool.ntp.org"\n');
    expect(review.stdout).toContain('\n- [ntp]\n- servers = "x\\x1b]0;owned\\x07"\n');
    expect(review.stdout).toContain('Nothing was changed: run again with --yes');
    expect(review.stdout).not.toContain('\x1b'); // the escape sequence is shown, not sent to the terminal
    expect(readFileSync(iniOf(root), 'utf8')).toBe(damaged);

    const json = await cli(root, ['--json', 'appliance', 'restore-settings']);
    expect(json.json).toMatchObject({ ok: true, restored: false, values: { ntp: { servers: '0.ubuntu.pool.ntp.org 1.ubuntu.pool.ntp.org' } } });

    const done = await cli(root, ['--json', 'appliance', 'restore-settings', '--yes']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.json.ok).toBe(true);
    const back = readFileSync(iniOf(root), 'utf8');
    expect(parseIni(back).ntp).toEqual({ servers: '0.ubuntu.pool.ntp.org 1.ubuntu.pool.ntp.org' });
    // the damaged file is among the backups, and the audit log says what happened
    const kept = String(done.json.data?.kept ?? done.json.kept ?? '');
    expect(readOr(kept)).toBe(damaged);
    expect(readFileSync(join(root, 'var/log/confconsole/audit.log'), 'utf8')).toMatch(/"action":"settings.restore"/);
    const show = await cli(root, ['ntp', 'show']);
    expect(show.code, show.stderr).toBe(0);
  });

  it('restore_settings.sh takes only a readable copy of appliance.ini from the backups (exit 2, nothing changed)', async () => {
    const root = await demoRoot();
    const backups = join(root, 'var/backups/confconsole');
    mkdirSync(backups, { recursive: true });
    writeFileSync(join(backups, 'etc_confconsole_appliance.ini.20260101T000000.1'), '[a]\nk = "cut');
    writeFileSync(join(backups, 'etc_chrony_chrony.conf.20260101T000000.1'), '[a]\n');
    const before = snapshot(root);
    for (const arg of [join(backups, 'etc_confconsole_appliance.ini.20260101T000000.1'), join(backups, 'etc_chrony_chrony.conf.20260101T000000.1'), '/etc/passwd', `${backups}/../../../etc/confconsole/appliance.ini`]) {
      const r = await runScript('restore_settings.sh', [arg], root);
      expect(r.code, `${arg}: ${r.stderr}`).toBe(2);
      expect(r.json).toMatchObject({ ok: false, code: 2, field: 'backup' });
    }
    expect(snapshot(root)).toEqual(before);
    // and the console has nothing to offer: no good copy
    const r = await cli(root, ['appliance', 'restore-settings']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/There is no good copy of the settings/);
    expect(r.stdout).toContain('The settings file reads well: there is nothing to put back.'); // not "fix it by hand"
  });
});

describe.skipIf(why !== undefined)('an unreadable appliance.ini is named with its cause, never a raw errno', () => {
  it.each([
    ['a directory', (f: string) => mkdirSync(f), 'it is a directory, not a file', false],
    ['a dangling symbolic link loop', (f: string) => execLink(f), 'too many symbolic links', false],
    ['no read permission (another user)', (f: string) => chmodSync(f, 0o000), 'permission denied', true],
  ] as const)('%s: every show exits 1 naming the file and the cause; network works', async (_n, make, cause, asNobody) => {
    const root = await demoRoot();
    if (!asNobody) rmSync(iniOf(root));
    make(iniOf(root));
    // 65534 (nobody) cannot read a 0000 file; root can, so that case runs as nobody
    const as = (args: string[]) => (asNobody ? runCommand('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, '--root', root, ...args], scriptEnv(root)) : cli(root, args));
    for (const args of [['ntp', 'show'], ['appliance', 'info'], ['callhome', 'show'], ['master', 'show']]) {
      const r = await as(['--json', ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(String(r.json?.error)).toContain(`/etc/confconsole/appliance.ini: cannot read it: ${cause}`); // the appliance path in the demo (demo_paths)
      expect(r.stderr).not.toMatch(/internal error|EISDIR|EACCES|ELOOP/);
    }
    // (another user cannot read the netplan file either: the network is tested as root above)
    if (!asNobody) {
      const net = await as(['--json', 'network', 'show']);
      expect(net.code, net.stderr).toBe(0);
    }
  });
});

/** A symbolic link to itself (ELOOP). */
const execLink = (f: string) => symlinkSync(f, f);
