// net_apply's appliance path (sbin/lib/net.sh: netplan apply, then the bonds and VLANs against a
// temp file of the live links) leaves no temp file behind on any path: done, a bond made again
// (and at boot only deleted), each failure, and an exit in the middle, in the script's shell and
// in a subshell (set_network.sh runs err=$(net_apply ...)). This kernel makes no bond, so the run
// is in a mount and network namespace of its own whose /sys/class/net is a tmpfs holding the
// kernel's bonding files; netplan, systemctl and `ip link delete` are recorded, never run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTree } from '../support/cleanup.js';
import { missing } from '../support/requires.js';
import { SBIN } from './helpers.js';

const why = missing('system: net_apply temp files (a mount namespace of our own)', ['root', 'unshare', 'mount', '/usr/bin/python3']);

const YAML = `network:
  version: 2
  ethernets:
    eth1: {}
    eth2: {}
  bonds:
    bond0:
      interfaces: [eth1, eth2]
      parameters: {mode: active-backup}
`;

// The driver: the real library, its host effects replaced by functions that write what they
// were asked and which temp files exist at that moment. FAIL names the step that fails (or
// exits, or is TERMed); SUB=1 runs net_apply in a command substitution.
const DRIVER = `. "$SBIN/lib/common.sh" || exit 9
. "$SBIN/lib/net.sh" || exit 9
mount -t tmpfs cc-test /sys/class/net || exit 9
mkdir -p /sys/class/net/bond0/bonding
echo "$MODE 1" >/sys/class/net/bond0/bonding/mode; echo "eth2 eth1" >/sys/class/net/bond0/bonding/slaves
# a bond the netplan files no longer have (deleted by the first loop)
[[ -n \${GONE:-} ]] && mkdir -p /sys/class/net/bond7/bonding
seen() { echo "$1 [$(ls -A "$TMPDIR" | tr '\\n' ' ')]" >>"$LOG"; }
stop() { case \${FAIL:-} in "exit $1") exit 7 ;; "term $1") kill -TERM "$BASHPID" ;; "$1") return 1 ;; esac; }
netplan() { seen "netplan $1"; [[ $1 == apply ]] && ((++applies > 1)) && { stop apply || return 1; }; return 0; }
systemctl() { seen "systemctl $1"; }
ip() { if [[ $1 == link && $2 == delete ]]; then seen "delete $4"; stop delete || return 1; else command ip "$@"; fi; }
netpy() { [[ $1 == dev-plan ]] && { seen "dev-plan $5"; stop dev-plan || return 1; }; "$NET_PY" "$NET_LIB" "$@"; }
applies=0
if [[ \${SUB:-} == 1 ]]; then err=$(net_apply "$@" 2>&1); rc=$?; printf '%s\\n' "$err" >&2; else net_apply "$@"; rc=$?; fi
echo "rc $rc" >>"$LOG"
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeTree));

interface Run { status: number | string | null; log: string[]; left: string[]; stderr: string }

function run(env: Record<string, string>, ifaces = ['bond0']): Run {
  const dir = mkdtempSync(join(tmpdir(), 'cc-net-temps-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'root/etc/netplan'), { recursive: true });
  mkdirSync(join(dir, 'tmp'));
  writeFileSync(join(dir, 'root/etc/netplan/01-netcfg.yaml'), YAML, { mode: 0o600 });
  const log = join(dir, 'log');
  writeFileSync(log, '');
  const r = spawnSync('unshare', ['--mount', '--net', 'bash', '-c', DRIVER, 'net-temps', ...ifaces], {
    env: { PATH: process.env.PATH, SBIN, CONFCONSOLE_ROOT: join(dir, 'root'), TMPDIR: join(dir, 'tmp'), LOG: log, MODE: 'active-backup', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status ?? r.signal, log: readFileSync(log, 'utf8').split('\n').filter(Boolean), left: readdirSync(join(dir, 'tmp')), stderr: r.stderr };
}

// the links file was there while the bonds were looked at, and is gone now
function madeAndGone(r: Run): void {
  expect(r.log.find((l) => l.startsWith('dev-plan bond0'))).toMatch(/\[tmp\.\w+ \]$/);
  expect(r.left, r.stderr).toEqual([]);
}

describe.skipIf(why !== undefined)('net_apply: the live links temp file never stays', { timeout: 120_000 }, () => {
  it('a bond as planned: nothing is made again', () => {
    const r = run({});
    madeAndGone(r);
    expect(r.log.filter((l) => !l.startsWith('dev-plan'))).toEqual(['netplan apply []', 'systemctl enable []', 'rc 0']);
  });

  it('a bond whose mode changes: deleted and applied again; at boot only deleted', () => {
    const r = run({ MODE: 'balance-rr' });
    madeAndGone(r);
    expect(r.log.slice(-4).map((l) => l.replace(/\[.*\]/, ''))).toEqual(['delete bond0 ', 'netplan apply ', 'systemctl enable ', 'rc 0']);
    const boot = run({ MODE: 'balance-rr', CC_BOOT: '1' });
    madeAndGone(boot);
    expect(boot.log.map((l) => l.replace(/ \[.*\]/, '')).filter((l) => !l.startsWith('dev-plan'))).toEqual(['netplan generate', 'delete bond0', 'systemctl enable', 'rc 0']);
  });

  it.each([
    ['a changed bond cannot be deleted', { MODE: 'balance-rr', FAIL: 'delete' }, 'delete bond0'],
    ['a changed bond cannot be deleted at boot', { MODE: 'balance-rr', FAIL: 'delete', CC_BOOT: '1' }, 'delete bond0'],
    ['the second apply fails', { MODE: 'balance-rr', FAIL: 'apply' }, 'netplan apply'],
    ["a bond's plan cannot be read", { FAIL: 'dev-plan' }, 'dev-plan bond0'],
    ['a bond no longer configured cannot be deleted', { GONE: '1', FAIL: 'delete' }, 'delete bond7'],
  ] as [string, Record<string, string>, string][])('%s: net_apply fails, the file is gone', (_name, env, last) => {
    const r = run(env, env.GONE ? ['bond7', 'bond0'] : ['bond0']);
    expect(r.left, r.stderr).toEqual([]);
    expect(r.log.at(-2)).toMatch(new RegExp(`^${last} \\[tmp\\.\\w+ \\]$`));
    expect(r.log.at(-1)).toBe('rc 1');
  });

  it.each([
    ['an exit in the middle', { FAIL: 'exit delete' }, 7, false],
    ['a TERM in the middle', { FAIL: 'term delete' }, 'SIGTERM', false],
    ['an exit in the middle of err=$(net_apply ...)', { FAIL: 'exit delete', SUB: '1' }, 0, 'rc 7'],
    ['a TERM in the middle of err=$(net_apply ...)', { FAIL: 'term delete', SUB: '1' }, 0, 'rc 143'],
  ] as const)('%s: the file is gone', (_name, env, status, rc) => {
    const r = run({ MODE: 'balance-rr', ...env });
    expect(r.status).toBe(status);
    expect(r.log.find((l) => l.startsWith('delete bond0'))).toMatch(/\[tmp\.\w+ \]$/);
    // the script's shell ended there, or it goes on after its subshell did
    expect(r.log.at(-1)).toBe(rc === false ? r.log.find((l) => l.startsWith('delete')) : rc);
    expect(r.left, r.stderr).toEqual([]);
  });
});

// net_do_rollback's copy of the settings in use (a temp file): a step that fails returns at once
// and net_rollback.sh fails: the script's EXIT trap removes the copy (it was left before)
const ROLLBACK = `. "$SBIN/lib/common.sh" || exit 9
. "$SBIN/lib/net.sh" || exit 9
seen() { echo "$1 [$(ls -A "$TMPDIR" | tr '\\n' ' ')]" >>"$LOG"; }
txn_begin() { seen txn_begin; [[ $FAIL != txn_begin ]]; }
restore() { seen "restore \${1##*/}"; return 1; }
net_apply() { seen net_apply; }
net_do_rollback "a test" || fail "$EX_FAIL" "the rollback failed"
`;

describe.skipIf(why !== undefined)('net_do_rollback: its copy of the settings in use never stays', { timeout: 120_000 }, () => {
  it.each(['txn_begin', 'restore'])('%s fails: the rollback fails, the copy is gone', (fail) => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-net-temps-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'root/etc/netplan'), { recursive: true });
    mkdirSync(join(dir, 'root/var/lib/confconsole'), { recursive: true });
    mkdirSync(join(dir, 'tmp'));
    writeFileSync(join(dir, 'root/etc/netplan/01-netcfg.yaml'), YAML, { mode: 0o600 });
    writeFileSync(join(dir, 'backup.yaml'), YAML.replace('active-backup', 'balance-rr'), { mode: 0o600 });
    writeFileSync(join(dir, 'root/var/lib/confconsole/net-pending.json'), JSON.stringify({ id: 't1', iface: 'bond0', backup: join(dir, 'backup.yaml'), deadline: 1 }));
    const log = join(dir, 'log');
    writeFileSync(log, '');
    const r = spawnSync('bash', ['-c', ROLLBACK, 'net-temps'], {
      env: { PATH: process.env.PATH, SBIN, CONFCONSOLE_ROOT: join(dir, 'root'), TMPDIR: join(dir, 'tmp'), LOG: log, FAIL: fail },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('the rollback failed');
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    // the copy was there when the step failed, and the step was the last one
    expect(lines.at(-1)).toMatch(new RegExp(`^${fail}\\b.* \\[tmp\\.\\w+ \\]$`));
    expect(lines.some((l) => l.startsWith('net_apply'))).toBe(false);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });
});
