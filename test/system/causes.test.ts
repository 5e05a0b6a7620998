// The true cause of a failed change (issue 9 item 7): permission is not a busy lock. A writer
// run by a user without rights on a root-owned appliance root exits 1 "… permission denied
// (user nobody): changes need root rights: run sudo confconsole", never 4 "another console";
// the same for each thing every change writes besides its own files (the lock, the journal,
// the backups, the audit log), a read-only mount names itself, and an audit line that cannot
// be written after a change is not a plain success (exit 6). Real scripts, run as `nobody`
// with setpriv; mounts only in private mount namespaces (unshare -m).
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { makeRoot, read, REPO, removeRoots, runCommand, script, scriptEnv, treeSnapshot, type Root } from './helpers.js';

const why = missing('system: the true cause of a failed change', ['root', 'setpriv', 'unshare', 'flock', 'findmnt']);
const CLI = join(REPO, 'bin/confconsole');
const built = existsSync(join(REPO, 'dist/cli.js'));
const NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];
const SUDO = /permission denied \(user nobody\): changes need root rights: run sudo confconsole/;

afterAll(() => removeRoots());

/** A demo root owned by root that everybody may read (the temp dir itself is 0700). */
function rootOwned(): Root {
  const r = makeRoot({ demo: true });
  chmodSync(r.dir, 0o755);
  return r;
}
const asNobody = (r: Root, name: string, args: string[]) => runCommand('setpriv', [...NOBODY, script(name), ...args], scriptEnv(r.dir));
/** NAME ARGS in a private mount namespace after the shell commands `setup` ($R: the root). */
const mounted = (r: Root, setup: string, name: string, args: string[]) =>
  runCommand('unshare', ['-m', 'sh', '-c', `set -e; R="$0"; ${setup}; exec "$@"`, r.dir, script(name), ...args], scriptEnv(r.dir));

// [script, args]: writers that take the lock
const writers: [string, string[]][] = [
  ['set_ntp.sh', ['192.0.2.1']],
  ['set_partner.sh', ['--host', '192.0.2.7', '--port', '22']],
  ['callhome.sh', ['pubkey']],
  ['set_pcap.sh', ['2']],
  ['power.sh', ['reboot']],
  ['net_ack_rollbacks.sh', []],
];

describe.skipIf(why !== undefined)('a change that cannot be written names the real cause', () => {
  it.each(writers)('%s %j as a user without rights: exit 1, run sudo, nothing written', async (name, args) => {
    const r = rootOwned();
    const before = treeSnapshot(r.dir);
    const res = await asNobody(r, name, args);
    expect(res.code, res.stdout + res.stderr).toBe(1);
    expect(res.json).toMatchObject({ ok: false, code: 1 });
    expect(res.json.error).toMatch(SUDO);
    expect(res.json.error).toContain(`${r.dir}/run/confconsole/lock`);
    expect(res.stdout + res.stderr).not.toMatch(/another console/);
    expect(treeSnapshot(r.dir)).toEqual(before);
  });

  it('the lock open to the user, but the journal, the backups or the audit log not: each named', async () => {
    const r = rootOwned();
    const give = (rel: string) => {
      mkdirSync(join(r.dir, rel), { recursive: true });
      chownSync(join(r.dir, rel), 65534, 65534);
    };
    give('run/confconsole');
    let res = await asNobody(r, 'set_ntp.sh', ['192.0.2.1']);
    expect(res.code, res.stderr).toBe(1);
    expect(res.json.error).toMatch(new RegExp(`^cannot write the change journal ${r.dir}/var/lib/confconsole/txn: `));
    expect(res.json.error).toMatch(SUDO);
    give('var/lib/confconsole');
    res = await asNobody(r, 'set_ntp.sh', ['192.0.2.1']);
    expect(res.json.error).toMatch(new RegExp(`^cannot write the backups in ${r.dir}/var/backups/confconsole/: `));
    expect(res.json.error).toMatch(SUDO);
    give('var/backups/confconsole');
    res = await asNobody(r, 'set_ntp.sh', ['192.0.2.1']);
    expect(res.json.error).toMatch(new RegExp(`^cannot write the audit log ${r.dir}/var/log/confconsole/audit.log: `));
    expect(res.json.error).toMatch(SUDO);
    expect(res.code).toBe(1);
    expect(read(r.conf)).toBe(r.seedConf);
  });

  it('the command line too: confconsole ntp set as a user without rights → exit 1 and run sudo', async () => {
    if (!built) return; // needs dist/ (npm run build), like the other command-line system tests
    const r = rootOwned();
    const res = await runCommand('setpriv', [...NOBODY, process.execPath, CLI, '--root', r.dir, '--json', 'ntp', 'set', '192.0.2.1'], { PATH: process.env.PATH, HOME: '/nonexistent' });
    expect(res.code, res.stdout + res.stderr).toBe(1);
    expect(res.json).toMatchObject({ ok: false, code: 1 });
    expect(res.json.error).toMatch(SUDO);
    expect(read(r.conf)).toBe(r.seedConf);
  });

  it('root on a read-only appliance root: "read-only file system", not sudo, not a busy lock', async () => {
    const r = rootOwned();
    const before = treeSnapshot(r.dir);
    const res = await mounted(r, 'mount --bind "$R" "$R" && mount -o remount,bind,ro "$R"', 'set_ntp.sh', ['192.0.2.1']);
    expect(res.code, res.stdout + res.stderr).toBe(1);
    expect(res.json.error).toMatch(/: read-only file system$/);
    expect(res.json.error).not.toMatch(/sudo|another console/);
    expect(treeSnapshot(r.dir)).toEqual(before);
  });

  it('the audit log cannot take the line after the change is made (disk full): exit 6, never a plain success', async () => {
    const r = rootOwned();
    const log = 'var/log/confconsole';
    rmSync(join(r.dir, log), { recursive: true, force: true });
    mkdirSync(join(r.dir, log));
    const res = await mounted(r, `mount -t tmpfs -o size=16k tmpfs "$R/${log}" && (dd if=/dev/zero of="$R/${log}/fill" bs=1k count=64 2>/dev/null || true)`, 'set_ntp.sh', ['192.0.2.1']);
    expect(res.code, res.stdout + res.stderr).toBe(6);
    expect(res.json).toMatchObject({ ok: false, code: 6 });
    expect(res.json.error).toMatch(/ntp\.set .*audit log .*: no space left on device/);
    // the change itself is made (and said): only its record is missing
    expect(read(r.conf)).toMatch(/^server 192\.0\.2\.1 iburst$/m);
    expect(existsSync(join(r.dir, 'var/lib/confconsole/txn'))).toBe(false);
  });

  it('a lock really held by another writer is still exit 4 "another console"', async () => {
    const r = rootOwned();
    mkdirSync(join(r.dir, 'run/confconsole'), { recursive: true });
    // flock(1) holds the lock while the script (its child) waits for it on an open file of its own
    const res = await runCommand('flock', [join(r.dir, 'run/confconsole/lock'), script('set_ntp.sh'), '192.0.2.1'], scriptEnv(r.dir, { CONFCONSOLE_LOCK_WAIT: '1' }));
    expect(res.code, res.stderr).toBe(4);
    expect(res.json.error).toMatch(/^another console is applying a change/);
  });
});
