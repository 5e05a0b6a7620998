// End to end on a vSensor demo: the first start asks the keyboard layout, then (its own screen)
// the admin password (a layout the system lacks and a short password are refused at their
// fields), then the welcome with the status, then the main menu; Esc on the password step leaves
// the first boot for the next start, the layout kept; the next start asks nothing; Setup > 5 redoes
// the layout. The password is in no file of the root.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { bin, consoles, repo, type Console } from './support.js';


const why = missing('e2e', ['tmux']);
const PASSWORD = 'Fresh-boot-pw-42';

function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((rel) => join(dir, rel))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'latin1'))
    .join('\n');
}

/** From the focused field on (a form back with an error focuses the first field in error): each emptied and typed. */
function fill(c: Console, ...values: string[]) {
  values.forEach((v, i) => {
    if (i > 0) c.keys('Down');
    c.keys('C-u');
    c.type(v);
  });
  c.keys('Enter');
}

describe.skipIf(why !== undefined)('e2e: vSensor first boot', () => {
  const open = consoles();
  afterEach(() => open.closeAll());

  it('asks layout and password first, refuses at the fields, applies, then welcome and menu; not asked again', async () => {
    const c = open.open();
    // a seeded vSensor demo, its first-boot record removed: a first start
    spawnSync(process.execPath, [bin, '--root', c.root, '--demo', '--profile', 'vsensor', 'firstboot', '--show'], { cwd: repo });
    rmSync(join(c.root, 'var/lib/confconsole/firstboot.done'));
    await c.start({ ready: 'Console keyboard layout' });
    // step 1, its own screen: the layout alone (no password field on it)
    expect(c.screen()).not.toContain('New password');
    fill(c, 'zz');
    await c.waitFor('no keyboard layout "zz"', 20_000);
    fill(c, 'gb');
    let s = await c.waitFor('Set this console keyboard layout?', 20_000);
    expect(s).toContain('gb (English (UK))');
    c.keys('y');
    await c.waitFor('Step 1 of 2 done', 20_000);
    expect(c.file('etc/default/keyboard')).toMatch(/^XKBLAYOUT="gb"$/m);
    c.keys('Enter');
    // step 2, its own screen: the password, typed twice
    await c.waitFor('New password of the admin user');
    fill(c, 'short', 'short');
    await c.waitFor('must have 8 or more characters');
    fill(c, PASSWORD, PASSWORD + 'x');
    const mismatch = await c.waitFor(/differ|match|not the same/i);
    expect(mismatch).not.toContain('must have 8 or more characters');
    fill(c, PASSWORD);
    s = await c.waitFor('Set this password for the admin user?', 20_000);
    expect(s).not.toContain(PASSWORD);
    c.keys('y');
    s = await c.waitFor('First boot done', 20_000);
    c.keys('Enter');
    s = await c.waitFor('Welcome');
    c.keys('Enter');
    await c.menu('Main Menu');
    expect(c.file('etc/default/keyboard')).toMatch(/^XKBLAYOUT="gb"$/m);
    expect(existsSync(join(c.root, 'var/lib/confconsole/firstboot.done'))).toBe(true);
    expect(c.file('var/log/confconsole/host-effects.log')).toMatch(/chpasswd \(a new password for darktrace, 16 bytes\)/);
    expect(allText(c.root)).not.toContain(PASSWORD);

    // Setup > 5 Keyboard layout: prefilled, changed to de
    c.keys('2');
    c.keys('Enter');
    await c.menu('Setup');
    c.keys('5');
    c.keys('Enter');
    await c.waitFor('Console keyboard layout');
    c.keys('C-u');
    c.type('de');
    c.keys('Enter');
    await c.waitFor('Set this console keyboard layout?', 20_000);
    c.keys('y');
    await c.waitFor(/keyboard layout is de \(German\)/, 20_000);
    expect(c.file('etc/default/keyboard')).toMatch(/^XKBLAYOUT="de"$/m);
  }, 120_000);

  it('Esc on the password step: the welcome; the next start asks again from the layout, prefilled with the one chosen', async () => {
    const c = open.open();
    spawnSync(process.execPath, [bin, '--root', c.root, '--demo', '--profile', 'vsensor', 'firstboot', '--show'], { cwd: repo });
    rmSync(join(c.root, 'var/lib/confconsole/firstboot.done'));
    await c.start({ ready: 'Console keyboard layout' });
    fill(c, 'fr');
    await c.waitFor('Set this console keyboard layout?', 20_000);
    c.keys('y');
    await c.waitFor('Step 1 of 2 done', 20_000);
    c.keys('Enter');
    await c.waitFor('New password of the admin user');
    c.keys('Escape');
    await c.waitFor('Welcome');
    expect(existsSync(join(c.root, 'var/lib/confconsole/firstboot.done'))).toBe(false);
    // the next start (a second console on the same root): from the layout again, prefilled
    const again = await open.open(c.root).start({ ready: 'Console keyboard layout' });
    expect(again.screen()).toMatch(/\bfr\b/);
  }, 120_000);

  it('a console started again asks nothing: straight to the welcome', async () => {
    const c = await open.open().start({ args: ['--profile', 'vsensor'] });
    expect(c.screen()).not.toContain('Console keyboard layout');
  }, 60_000);
});
