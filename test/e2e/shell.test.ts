// End to end, as root: vSensor main menu > 5 Shell prints the manual's lines and runs the real
// `login` on the terminal. A user made for the test (useradd, password through chpasswd on
// stdin) logs in, runs a command, sees a sane terminal (stty -a), types exit and is back in the
// console; Ctrl+C at the login prompt comes back too; the console still works and leaves a
// sane terminal. The user is removed whatever happens.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { consoles, STTY, STTY_DONE, sttyFlags, type Console } from './support.js';

const why = missing('e2e: Shell login (root, a test user)', ['root', 'tmux', 'login', 'useradd', 'userdel', 'chpasswd']);

const USER = `ccsh${randomBytes(3).toString('hex')}`;
const PASSWORD = `Pw-${randomBytes(6).toString('hex')}`;

/** A vSensor appliance root (not a demo): login really runs. */
function vsensorRoot(root: string): void {
  mkdirSync(join(root, 'etc/confconsole'), { recursive: true });
  mkdirSync(join(root, 'var/lib/confconsole'), { recursive: true });
  writeFileSync(join(root, 'etc/confconsole/appliance.ini'), `[appliance]\nprofile = vsensor\n\n[console]\nadmin_user = ${USER}\n`);
  writeFileSync(join(root, 'etc/hostname'), 'vsensor-e2e\n');
  // set up already: the first-boot steps are not what this test is about
  writeFileSync(join(root, 'var/lib/confconsole/firstboot.done'), 'done by the test\n');
}

/** `stty -a` flags printed in the logged-in shell, from the marker on. */
function flagsAfter(screen: string, marker: string): Set<string> {
  return new Set(screen.slice(screen.lastIndexOf(marker)).split(/[\s;]+/).filter(Boolean));
}

async function openShell(c: Console): Promise<string> {
  c.keys('5');
  await c.waitFor(/> *5\. Shell|5\. Shell/);
  c.keys('Enter');
  return c.waitFor(/login: *$/m, 20_000);
}

describe.skipIf(why !== undefined)('e2e: Shell is the real login prompt (as root)', () => {
  const open = consoles();
  beforeAll(() => {
    const add = spawnSync('useradd', ['-m', '-s', '/bin/bash', USER], { encoding: 'utf8' });
    if (add.status !== 0) throw new Error(`useradd: ${add.stderr}`);
    // the password on stdin, never argv
    const pw = spawnSync('chpasswd', [], { input: `${USER}:${PASSWORD}\n`, encoding: 'utf8' });
    if (pw.status !== 0) throw new Error(`chpasswd: ${pw.stderr}`);
  });
  afterAll(() => {
    spawnSync('pkill', ['-KILL', '-u', USER]);
    const del = spawnSync('userdel', ['-r', USER], { encoding: 'utf8' });
    // gone whatever the test did
    expect(spawnSync('id', [USER]).status, del.stderr).not.toBe(0);
  });
  afterEach(() => open.closeAll());

  it('prints the manual lines, logs in, runs a command on a sane tty, exit comes back; Ctrl+C at login comes back', async () => {
    const cc = open.open();
    vsensorRoot(cc.root);
    // wide enough for the manual's line unwrapped
    await cc.start({ demo: false, after: STTY, cols: 160 });
    cc.keys('Enter');
    await cc.menu('Main Menu');

    let s = await openShell(cc);
    expect(s).toContain('*** Starting login shell - press "Ctrl+c" to return to confconsole before successful login and type "exit" to return to confconsole after login');
    expect(s).toContain(`*** To login, enter the username ${USER}, then enter the password when prompted`);
    expect(s).not.toContain('Main Menu'); // the console's screen is gone
    cc.type(USER);
    cc.keys('Enter');
    await cc.waitFor(/Password: *$/m);
    cc.type(PASSWORD);
    cc.keys('Enter');
    await cc.waitFor(new RegExp(`${USER}@[^ ]*:.*\\$ *$`, 'm'), 20_000);
    cc.type('echo WHO=$(id -un); stty -a; echo TTY-OK');
    cc.keys('Enter');
    s = await cc.waitFor(/^TTY-OK$/m);
    expect(s).toContain(`WHO=${USER}`);
    const flags = flagsAfter(s, 'WHO=');
    for (const f of ['echo', 'icanon', 'isig', 'icrnl', 'opost']) expect(flags.has(f), `stty -a in the login shell:\n${s}`).toBe(true);
    for (const f of ['-echo', '-icanon', '-isig']) expect(flags.has(f), s).toBe(false);
    cc.type('exit');
    cc.keys('Enter');
    s = await cc.menu('Main Menu');
    expect(s).toContain('5. Shell');

    // again, and Ctrl+C at the login prompt: back in the console, which still takes keys
    await openShell(cc);
    cc.keys('C-c');
    await cc.menu('Main Menu');
    cc.keys('2');
    cc.keys('Enter');
    await cc.menu('Setup');
    cc.keys('Escape');
    await cc.menu('Main Menu');
    // leaving: the console's terminal is sane after it too
    cc.keys('C-c');
    await cc.waitFor('Leave the vSensor Console?');
    cc.keys('C-c');
    expect(await cc.exitCode()).toBe(130);
    s = await cc.waitFor(STTY_DONE);
    const after = sttyFlags(s);
    expect(after.has('echo') && after.has('icanon') && after.has('isig'), s).toBe(true);
  }, 120_000);
});
