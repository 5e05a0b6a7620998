// The console with a damaged or unreadable appliance.ini (issue 10 items 4 and 6): it starts,
// its first screen names the file, the line and what to do, the network still works, and
// Appliance Admin > Restore settings reviews the last good copy before it puts it back.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo } from '../../src/demo.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

async function damagedRoot(make: (ini: string, text: string) => void): Promise<{ root: string; ini: string }> {
  const root = mkdtempSync(join(tmpdir(), 'cc-ui-damage-'));
  await seedDemo(root, 'appliance');
  const ini = join(root, 'etc/confconsole/appliance.ini');
  make(ini, readFileSync(ini, 'utf8'));
  return { root, ini };
}

/** The screen's text with its lines joined (a long notice wraps). */
const flat = (x: Harness) => x.lines().map((l) => l.replace(/[│┃|]/g, ' ').trim()).join(' ').replace(/\s+/g, ' ');

describe('the console with a damaged settings file', () => {
  it('starts, says file, line and what to do on its first screen; the network works', async () => {
    const { root } = await damagedRoot((f, t) => writeFileSync(f, t.slice(0, t.indexOf('pool.ntp') + 3)));
    h = await startConsole({ root, cols: 120, rows: 40 });
    await h.waitFor('THE SETTINGS FILE CANNOT BE READ');
    const s = flat(h);
    expect(s).toContain('appliance.ini line 7');
    expect(s).toContain('Fix it by hand: there is no good copy'); // none yet: nothing was changed before
    await h.press(KEYS.enter);
    await h.waitFor('Console Setup');
    await h.press('1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/1\. eth0 +management/);
    rmSync(root, { recursive: true, force: true });
  });

  it('an unreadable file (a directory) is named with its cause on the first screen', async () => {
    const { root } = await damagedRoot((f) => {
      rmSync(f);
      mkdirSync(f);
    });
    h = await startConsole({ root, cols: 120, rows: 40 });
    await h.waitFor('THE SETTINGS FILE CANNOT BE READ');
    expect(flat(h)).toContain('cannot read it: it is a directory, not a file');
    rmSync(root, { recursive: true, force: true });
  });

  it('on a fresh appliance (the file reads, no copy yet) Restore settings says there is nothing to put back, not to fix the file', async () => {
    const { root, ini } = await damagedRoot(() => undefined);
    const before = readFileSync(ini, 'utf8');
    h = await startConsole({ root, cols: 80, rows: 24, keysAtStart: KEYS.enter });
    await h.waitFor('Console Setup');
    await h.press('3', KEYS.enter, '8', KEYS.enter);
    await h.waitFor('There is no good copy');
    const s = flat(h);
    expect(s).toContain('The settings file reads well: there is nothing to put back.');
    expect(s).not.toContain('by hand');
    expect(s).not.toContain('the message names the line');
    expect(readFileSync(ini, 'utf8')).toBe(before);
    rmSync(root, { recursive: true, force: true });
  });

  it('Restore settings shows the copy and the lines that change, then puts it back', async () => {
    const { root, ini } = await damagedRoot(() => undefined);
    const backups = join(root, 'var/backups/confconsole');
    const good = readFileSync(ini, 'utf8');
    writeFileSync(join(backups, 'etc_confconsole_appliance.ini.20260101T000000.1'), good);
    writeFileSync(ini, `${good}[ntp]\nservers = "again"\n`);
    h = await startConsole({ root, cols: 120, rows: 40 });
    await h.waitFor('THE SETTINGS FILE CANNOT BE READ');
    expect(flat(h)).toMatch(/section \[ntp\] again \(first at line \d+\).*put back the last good copy \(.*\): Appliance Admin > Restore settings/);
    await h.press(KEYS.enter);
    await h.waitFor('Console Setup');
    await h.press('3', KEYS.enter, '8', KEYS.enter);
    await h.waitFor('Lines that go (-) and come back (+)');
    expect(h.text()).toContain('- servers = "again"');
    await h.press('y');
    await h.waitFor('The settings are back');
    expect(readFileSync(ini, 'utf8')).toBe(good);
    rmSync(root, { recursive: true, force: true });
  });
});
