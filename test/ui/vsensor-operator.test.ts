// The vSensor console as a new operator meets it (a fresh pair of eyes): what the review promised
// is what the apply does; a value refused is refused at its field, before the question.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo } from '../../src/demo.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
/** The screen's text with its lines joined (a dialog's text wraps). */
const flat = (x: Harness) => x.lines().map((l) => l.replace(/[│]/g, ' ').trim()).join(' ').replace(/\s+/g, ' ');
afterEach(() => {
  h?.close();
  h = undefined;
});

async function proxyForm(x: Harness) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '3', KEYS.enter);
  await x.waitFor('1. UpdateKey');
  await x.press('3', KEYS.enter);
  await x.waitFor('Proxy for updates (http://HOST:PORT');
}

describe('Updates > Proxy for updates: a login the script would refuse is refused before the review', () => {
  // [url, user, the field's error]
  const cases: [string, string, string][] = [
    ['http://proxy.example:3128', 'user', '! Enter the password of the proxy user'],
    ['http://192.0.2.7:8080', 'px.user@corp', '! Enter the password of the proxy user'],
    ['', 'user', '! A proxy user needs a proxy'],
  ];
  for (const [url, user, error] of cases) {
    it(`${url || '(no proxy)'} with user ${user} and no password`, async () => {
      h = await startConsole({ profile: 'vsensor' });
      await proxyForm(h);
      await h.type(url);
      await h.press(KEYS.enter);
      await h.type(user);
      await h.press(KEYS.enter, KEYS.enter);
      await h.waitFor(error);
      // the form, with what was typed, not the review nor a question
      expect(h.text()).not.toContain('Set the proxy for updates?');
      expect(h.text()).toContain(user);
      expect(existsSync(join(h.root, 'etc/apt/apt.conf.d/80confconsole-proxy'))).toBe(false);
    });
  }
});


describe('a secret typed over a stored one is reviewed as a change, never "Nothing changes ... Unchanged: ****"', () => {
  it('Setup > Admin password (the admin user always has one)', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '2', KEYS.enter);
    await h.waitFor('6. Admin password');
    await h.press('6', KEYS.enter);
    await h.waitFor('New password of the admin user');
    await h.type('Pässwört 1');
    await h.press(KEYS.tab);
    await h.type('Pässwört 1');
    await h.press(KEYS.enter);
    await h.waitFor('Set this password for the admin user?');
    expect(flat(h)).toContain('Review the change before it is applied: Admin password current: **** new: **** (typed: replaces the stored one)');
    expect(flat(h)).not.toMatch(/Nothing changes|Unchanged/);
    expect(h.text()).not.toContain('Pässwört');
  });
});

describe('Setup > History: "older ones" only when some are not listed', () => {
  const script = (root: string, name: string, args: string[], input = '') => {
    const r = spawnSync(join(import.meta.dirname, '../../sbin', name), args, { input, env: { ...process.env, CONFCONSOLE_ROOT: root, CONFCONSOLE_DEMO: '1' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  };
  it('three revisions, all listed: no "older ones: confconsole history"; at 80x24 nothing past the edge', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cc-ui-fresh-history-'));
    await seedDemo(root, 'vsensor');
    script(root, 'set_ossensor_hmac.sh', [], 'abcdefghij1234567890\n');
    script(root, 'set_pcap.sh', ['16']);
    script(root, 'set_dcip_hmac.sh', [], 'Pullpullpull12345678\n');
    h = await startConsole({ root, profile: 'vsensor', cols: 100, rows: 30 });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '2', KEYS.enter);
    await h.waitFor('7. History');
    await h.press('7', KEYS.enter);
    await h.waitFor('3 revision(s) kept');
    expect(h.text()).toMatch(/1\. +3 .*master +mode pull, hmac \(20 chars, hmac [0-9a-f]{8}\)/);
    expect(h.text()).toMatch(/2\. +2 .*pcap +PCAP buffer 0 GB -> 16 GB/);
    expect(h.text()).toMatch(/3\. +1 .*ossensor +osSensor HMAC key \(20 chars, hmac/);
    expect(h.text()).not.toMatch(/older ones/i);
    // at 80x24 the lines are cut at the dialog's edge, nothing past it
    await h.resize(80, 24);
    await h.waitFor('3 revision(s) kept');
    expect(h.lines().every((l) => l.length <= 80)).toBe(true);
    expect(h.text()).toMatch(/3\. +1 .*ossensor +osSensor HMAC key \(20 chars, hmac/);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('Keyboard layout: the layout in place is not reviewed as a change', () => {
  const withLayout = async (layout: string, firstBoot: boolean) => {
    const root = mkdtempSync(join(tmpdir(), 'cc-ui-fresh-kbd-'));
    await seedDemo(root, 'vsensor');
    const r = spawnSync(join(import.meta.dirname, '../../sbin/set_keyboard.sh'), [layout], { env: { ...process.env, CONFCONSOLE_ROOT: root, CONFCONSOLE_DEMO: '1' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    if (firstBoot) rmSync(join(root, 'var/lib/confconsole/firstboot.done'));
    return root;
  };

  it('Setup > 5: the same layout (as shown, or in capitals) says Nothing changes; another is a change from the one in place', async () => {
    const root = await withLayout('gb', false);
    h = await startConsole({ root, profile: 'vsensor' });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '2', KEYS.enter);
    await h.waitFor('5. Keyboard layout');
    for (const typed of ['gb', 'GB']) {
      await h.press('5', KEYS.enter);
      await h.waitFor('Console keyboard layout');
      await h.press(KEYS.ctrlU);
      await h.type(typed);
      await h.press(KEYS.enter);
      await h.waitFor('Nothing changes: these are the current settings.');
      await h.press(KEYS.esc);
      await h.waitFor('5. Keyboard layout');
    }
    await h.press('5', KEYS.enter);
    await h.waitFor('Console keyboard layout');
    await h.press(KEYS.ctrlU);
    await h.type('de');
    await h.press(KEYS.enter);
    await h.waitFor('Set this console keyboard layout?');
    expect(flat(h)).toContain('Keyboard layout current: gb new: de (German)');
    rmSync(root, { recursive: true, force: true });
  });

  it('Setup > 5 with no layout set shows us, the one the console uses (keyboard(5)), as the first boot does', async () => {
    for (const content of ['XKBMODEL="pc105"\nXKBVARIANT=""\n', '', null]) {
      const root = mkdtempSync(join(tmpdir(), 'cc-ui-fresh-kbd-'));
      await seedDemo(root, 'vsensor');
      const kb = join(root, 'etc/default/keyboard');
      if (content === null) rmSync(kb, { force: true });
      else {
        mkdirSync(join(root, 'etc/default'), { recursive: true });
        writeFileSync(kb, content);
      }
      h = await startConsole({ root, profile: 'vsensor' });
      await h.waitFor('Welcome');
      await h.press(KEYS.enter, '2', KEYS.enter);
      await h.waitFor('5. Keyboard layout');
      await h.press('5', KEYS.enter);
      await h.waitFor('Console keyboard layout');
      // Enter, nothing typed: the field held us; the file sets none, so writing it is a change from "(not set)"
      await h.press(KEYS.enter);
      await h.waitFor('Set this console keyboard layout?');
      expect(flat(h), JSON.stringify(content)).toMatch(/Keyboard layout current: \(not set\) new: us \(/);
      h.close();
      h = undefined;
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('first boot: the layout in place is "kept as it is", and its Yes goes on to the password step', async () => {
    const root = await withLayout('fr', true);
    h = await startConsole({ root, profile: 'vsensor', firstBoot: true });
    await h.waitFor('First boot: keyboard layout');
    await h.press(KEYS.enter);
    await h.waitFor('Set this console keyboard layout?');
    expect(flat(h)).toContain('Keyboard layout current: fr (French) new: fr (French), kept as it is');
    await h.press('y');
    await h.waitFor('Step 1 of 2 done');
    rmSync(root, { recursive: true, force: true });
  });
});
