// Network interfaces on a headless terminal, through the real scripts on a demo root.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, startConsole, type Harness } from '../support/headless.js';
import { holdLock, type HeldLock } from '../support/lock.js';

let h: Harness | undefined;
let held: HeldLock | undefined;
afterEach(async () => {
  await held?.release();
  held = undefined;
  h?.close();
  h = undefined;
});

const yaml = (x: Harness) => readFileSync(join(x.root, 'etc/netplan/01-netcfg.yaml'), 'utf8');

async function toEth0(x: Harness) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
  await x.waitFor(/1\. eth0 +management/);
  expect(x.text()).toMatch(/2\. eth1 +capture/);
  await x.press('1', KEYS.enter);
  await x.waitFor('eth0: management, static 10.0.0.2/24 via 10.0.0.1');
}

/**
 * Enter on each field from `field` (0 the mode, 1 the address ... 5 the search domain) to the
 * last: Enter goes on to the next field, and submits on the last one.
 */
const enterFrom = (field: number): string[] => Array.from({ length: 6 - field }, () => KEYS.enter);

describe('network interfaces (demo appliance)', () => {
  it('static change: checks at the fields, review, countdown, confirm; the list shows the new address', async () => {
    h = await startConsole();
    await toEth0(h);
    await h.press('1', KEYS.enter);
    await h.waitFor('temporarily disconnected');
    await h.press('y');
    await h.waitFor('(*) Static IP');
    const before = yaml(h);
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('10.0.0.255');
    await h.press(...enterFrom(1));
    await h.waitFor('! 10.0.0.255 is the broadcast address of 10.0.0.0/24');
    expect(yaml(h)).toBe(before);
    await h.press(KEYS.ctrlU);
    await h.type('10.0.5.7');
    await h.press(KEYS.tab, KEYS.tab, KEYS.ctrlU);
    await h.type('10.0.5.1');
    await h.press(...enterFrom(3));
    await h.waitFor('Apply these settings to eth0?');
    expect(h.text()).toContain('new:     10.0.5.7');
    await h.press('y');
    await h.waitFor('Time left to confirm:');
    expect(h.text()).toContain('reconnect to 10.0.5.7');
    expect(yaml(h)).toContain('10.0.5.7/24');
    await h.press('y');
    await h.waitFor('Confirmed: the new network settings stay.');
    await h.press(KEYS.enter);
    await h.waitFor('eth0: management, static 10.0.5.7/24 via 10.0.5.1');
    await h.press(KEYS.esc);
    await h.waitFor(/1\. eth0 +management +up +10\.0\.5\.7\/24/);
  });

  it('TERM=linux (8 colours): the value of every field can be read; a review with a warning starts on No', async () => {
    h = await startConsole({ terminal: 'linux' });
    await toEth0(h);
    await h.press('1', KEYS.enter);
    await h.waitFor('temporarily disconnected');
    await h.press('y');
    await h.waitFor('(*) Static IP');
    for (const value of ['10.0.0.2', '255.255.255.0', '10.0.0.1']) {
      const c = h.colorsOf(value);
      expect(c, value).toBeDefined();
      expect(c!.fg, `${value}: ${JSON.stringify(c)}`).not.toEqual(c!.bg);
    }
    const before = yaml(h);
    await h.press(KEYS.tab, KEYS.tab, KEYS.tab, KEYS.ctrlU);
    await h.type('10.9.0.1'); // a gateway outside 10.0.0.0/24: a warning, not an error
    await h.press(...enterFrom(3));
    await h.waitFor('Warning: 10.9.0.1 is outside');
    await h.press(KEYS.enter); // Enter alone answers No: back to the form, nothing applied
    await h.waitFor('(*) Static IP');
    expect(yaml(h)).toBe(before);
  });

  it.each([[80, 24], [70, 20]])('%ix%i: a form with an error at every field scrolls to the focused one; nothing is drawn past its box', async (cols, rows) => {
    h = await startConsole({ cols, rows });
    await toEth0(h);
    await h.press('1', KEYS.enter);
    await h.waitFor('temporarily disconnected');
    await h.press('y');
    await h.waitFor('(*) Static IP');
    for (const bad of ['10.0.0.300', '255.0.255.0', 'gw.example.com', 'dns.example.com foo.bar', 'bad_domain.example']) {
      await h.press(KEYS.tab, KEYS.ctrlU);
      await h.type(bad);
    }
    await h.press(KEYS.enter);
    await h.waitFor('! "10.0.0.300" is not an IPv4 address');
    const whole = (lines: string[]) => {
      const top = lines.findIndex((l) => l.includes('┌─ Change configuration'));
      const bottom = lines.findIndex((l) => /└─+┘/.test(l));
      expect(top, lines.join('\n')).toBeGreaterThan(0);
      expect(bottom, lines.join('\n')).toBeGreaterThan(top);
      expect(lines[bottom - 1], lines.join('\n')).toMatch(/^ *│ +< OK > +< Cancel > +│ *$/);
      for (let y = bottom + 1; y < lines.length - 1; y++) expect(lines[y]!.trim(), lines.join('\n')).toBe('');
    };
    whole(h.lines());
    expect(h.text()).toContain('v more below');
    await h.press(KEYS.tab, KEYS.tab, KEYS.tab, KEYS.tab); // to the search domain
    await h.waitFor('! Not a domain name: "bad_domain.example"');
    expect(h.text()).toContain('bad_domain.example');
    expect(h.text()).toContain('^ more above');
    whole(h.lines());
  });

  it('Roll back at the countdown puts the file back as it was', async () => {
    h = await startConsole();
    await toEth0(h);
    const before = yaml(h);
    await h.press('1', KEYS.enter, 'y');
    await h.waitFor('(*) Static IP');
    await h.press(KEYS.left); // DHCP
    await h.waitFor('(*) DHCP');
    expect(h.text()).not.toContain('IP address');
    await h.press(KEYS.enter);
    await h.waitFor('Warning: DHCP: the address may change');
    await h.press('y');
    await h.waitFor('Time left to confirm:');
    await h.press('n');
    await h.waitFor('Rolled back: the previous network settings are back.');
    expect(yaml(h)).toBe(before);
  });

  it('the last management interface cannot become the capture interface', async () => {
    h = await startConsole();
    await toEth0(h);
    const before = yaml(h);
    await h.press('2', KEYS.enter);
    await h.waitFor('Make eth0 the capture interface?');
    // the question names what goes with the address
    expect(h.text()).toMatch(/eth0 gives up its address 10\.0\.0\.2\/24, the default route via 10\.0\.0\.1,[\s│]+the DNS servers 10\.0\.0\.1\./);
    await h.press('y');
    await h.waitFor('Failed: eth0 is the last management interface');
    expect(yaml(h)).toBe(before);
  });

  it('the capture interface: made static, the review shows it leaving capture, warns, and starts on No; 2 says it already captures', async () => {
    h = await startConsole();
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/2\. eth1 +capture/);
    await h.press('2', KEYS.enter);
    await h.waitFor('Interface eth1');
    await h.press('2', KEYS.enter);
    await h.waitFor('eth1 is already the capture interface.');
    await h.press(KEYS.enter);
    await h.waitFor('Interface eth1');
    const before = yaml(h);
    await h.press('1', KEYS.enter);
    await h.waitFor('temporarily disconnected');
    await h.press('y');
    await h.waitFor('(*) Static IP');
    await h.press(KEYS.tab);
    await h.type('10.0.5.5');
    await h.press(KEYS.tab);
    await h.type('24');
    await h.press(...enterFrom(2));
    await h.waitFor('Warning: eth1 stops being the capture interface');
    expect(h.text()).toMatch(/Mode: capture -> Static IP|current: capture/);
    await h.press(KEYS.enter); // No: back to the form
    await h.waitFor('(*) Static IP');
    expect(yaml(h)).toBe(before);
  });

  it('an interface menu left open while its change rolls back by itself shows the rollback without a key pressed', async () => {
    h = await startConsole();
    await h.waitFor('Welcome');
    const bin = join(process.cwd(), 'bin/confconsole');
    execFileSync(process.execPath, [bin, '--root', h.root, 'network', 'set', 'eth0', '--static', '--address', '10.0.0.9', '--netmask', '24', '--confirm-timeout', '6'], { stdio: 'ignore' });
    // The rollback timer waits for the writers' lock: held from here, the change stays pending
    // until the menu has shown it, however long the way there takes on a busy machine.
    held = await holdLock(h.root);
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/1\. eth0 +management/);
    await h.press('1', KEYS.enter);
    await h.waitFor(/A change of eth0 waits for confirmation: it rolls back in \d+ s/);
    expect(h.text()).toContain('static 10.0.0.9/24');
    // the timer rolls the change back as soon as it has the lock (at its deadline, or now if that has passed)
    await held.release();
    held = undefined;
    // Nothing pressed from here: the menu reads its state again until the change is gone. The
    // rollback puts the file back before it removes the pending change, so a read in between
    // shows the old address still waiting: wait for the end, the address with no change waiting.
    await h.waitFor(/^(?![\s\S]*waits for confirmation)[\s\S]*eth0: management, static 10\.0\.0\.2\/24 via 10\.0\.0\.1/, 30_000);
  });

  it('a change left with Decide later is confirmed from the interface menu (4)', async () => {
    h = await startConsole();
    await toEth0(h);
    await h.press('4', KEYS.enter);
    await h.waitFor('No network change waits for confirmation.');
    await h.press(KEYS.enter);
    await h.press('1', KEYS.enter);
    await h.waitFor('temporarily disconnected');
    await h.press('y');
    await h.waitFor('(*) Static IP');
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('10.0.0.77');
    await h.press(...enterFrom(1));
    await h.waitFor('Apply these settings to eth0?');
    await h.press('y');
    await h.waitFor('Time left to confirm:');
    await h.press(KEYS.esc); // Decide later
    await h.waitFor('Not confirmed yet');
    await h.press(KEYS.enter);
    await h.waitFor(/A change of eth0 waits for confirmation/);
    await h.press('4', KEYS.enter);
    await h.waitFor('Keep the new network settings?');
    await h.press('y');
    await h.waitFor('Confirmed: the new network settings stay.');
    expect(yaml(h)).toContain('10.0.0.77/24');
  });
});
