import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const past = async (x: Harness) => {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter);
  await x.waitFor('Console Setup');
};

describe('console on a headless terminal (80x24)', () => {
  it('shows the title bar, the demo banner, the main menu and a footer made from the bindings', async () => {
    h = await startConsole();
    await past(h);
    const t = h.lines();
    expect(t[0]).toContain('dt-1234-01 - Appliance Console');
    expect(t[0]).toContain('DEMO appliance');
    expect(h.text()).toContain('1. Networking and Traffic Analysis');
    expect(h.text()).toContain('3. Appliance Admin');
    expect(h.text()).toContain('5. Power and Service Management');
    expect(t[23]).toContain('Up/Down Move');
    expect(t[23]).toContain('Enter Select');
    expect(t[23]).toContain('Esc Back');
    expect(h.selected()).toContain('1. Networking');
  });

  it('moves with arrows, jumps with digits, opens with Enter and goes back with Esc', async () => {
    h = await startConsole();
    await past(h);
    await h.press(KEYS.down);
    expect(h.selected()).toContain('2. Healthcheck');
    await h.press(KEYS.down);
    expect(h.selected()).toContain('3. Appliance Admin');
    await h.press('5');
    expect(h.selected()).toContain('5. Power and Service Management');
    await h.press(KEYS.up, KEYS.up, KEYS.up, KEYS.up); // 2 Healthcheck and 4 Updates are between them
    expect(h.selected()).toContain('1. Networking');
    await h.press('5', KEYS.enter);
    await h.waitFor('2. Restart all services');
    expect(h.lines()[1]).toContain('Console Setup > Power and Service Management');
    await h.press(KEYS.esc);
    await h.waitFor('1. Networking and Traffic Analysis');
    expect(h.text()).not.toContain('Restart all services');
  });

  it('changes NTP servers: field error kept in place, review, apply, view', async () => {
    h = await startConsole();
    await past(h);
    await h.press('1', KEYS.enter, '4', KEYS.enter, '2', KEYS.enter);
    await h.waitFor('Do you want to change the NTP servers?');
    await h.press('y');
    await h.waitFor('NTP servers (separated by spaces)');
    expect(h.text()).toContain('0.ubuntu.pool.ntp.org 1.ubuntu.pool.ntp.org');
    const before = readFileSync(join(h.root, 'etc/confconsole/appliance.ini'), 'utf8');
    await h.press(KEYS.ctrlU);
    await h.type('ntp.example.org 300.1.1.1');
    await h.press(KEYS.enter);
    await h.waitFor('! "300.1.1.1" is not a valid IPv4 address');
    expect(h.text()).toContain('ntp.example.org 300.1.1.1');
    expect(readFileSync(join(h.root, 'etc/confconsole/appliance.ini'), 'utf8')).toBe(before);
    for (let i = 0; i < 9; i++) await h.press(KEYS.backspace);
    await h.type('192.0.2.10');
    await h.press(KEYS.enter);
    await h.waitFor('Do you want to test');
    await h.press('n');
    await h.waitFor('Review the change');
    expect(h.text()).toContain('current: 0.ubuntu.pool.ntp.org 1.ubuntu.pool.ntp.org');
    expect(h.text()).toContain('new:     ntp.example.org 192.0.2.10');
    await h.press('y');
    await h.waitFor('Done: the NTP servers are set.');
    expect(readFileSync(join(h.root, 'etc/chrony/chrony.conf'), 'utf8')).toContain('server 192.0.2.10 iburst');
    await h.press(KEYS.enter, '1', KEYS.enter);
    await h.waitFor('Current NTP servers');
    expect(h.text()).toMatch(/1\s+ntp\.example\.org/);
    expect(h.text()).toMatch(/2\s+192\.0\.2\.10/);
  });

  it('answers yes/no dialogs with y/n, Tab and Enter; the reboot question defaults to No', async () => {
    h = await startConsole();
    await past(h);
    await h.press('5', KEYS.enter, '3', KEYS.enter);
    await h.waitFor('Reboot the appliance now?');
    await h.press(KEYS.enter); // focus starts on No
    await h.waitFor('2. Restart all services');
    let effects = '';
    try {
      effects = readFileSync(join(h.root, 'var/log/confconsole/host-effects.log'), 'utf8');
    } catch {
      /* none yet */
    }
    expect(effects).not.toContain('reboot');
    await h.press('3', KEYS.enter);
    await h.waitFor('Reboot the appliance now?');
    await h.press(KEYS.tab, KEYS.enter); // Tab to Yes
    await h.waitFor('recorded, not performed');
    expect(readFileSync(join(h.root, 'var/log/confconsole/host-effects.log'), 'utf8')).toMatch(/ reboot$/m);
  });

  it('restarts all services with a per-service result', async () => {
    h = await startConsole();
    await past(h);
    await h.press('5', KEYS.enter, '2', KEYS.enter);
    await h.waitFor('Restart all services now?');
    await h.press('y');
    await h.waitFor('Done: all services were restarted.');
    for (const s of ['chrony', 'darktrace-core', 'darktrace-probe', 'ssh']) expect(h.text()).toContain(`${s}: restarted`);
    expect(h.text()).not.toContain('confconsole-callhome'); // Call-Home is disabled: its tunnel stays stopped
  });

  it('shows help for F1 and ?', async () => {
    h = await startConsole();
    await past(h);
    await h.press(KEYS.f1);
    await h.waitFor('Help');
    expect(h.text()).toContain('Network interfaces, NTP settings');
    await h.press(KEYS.enter, '?');
    await h.waitFor('Help');
  });

  it('disables changes for a non-root user outside the demo, and says why', async () => {
    h = await startConsole({ uid: 1000, demo: false });
    await past(h);
    await h.press('5', KEYS.enter);
    await h.waitFor('2. Restart all services  (unavailable)');
    await h.press(KEYS.enter);
    await h.waitFor('Not available: changes need root rights: run sudo confconsole');
  });

  it('shows "terminal too small" and redraws on resize', async () => {
    h = await startConsole();
    await past(h);
    await h.resize(50, 15);
    await h.waitFor('Terminal too small: 50x15');
    // keys are ignored while too small (press() returns once each key was handled)
    await h.press('5', KEYS.enter);
    await h.resize(80, 24);
    await h.waitFor('1. Networking and Traffic Analysis');
    expect(h.lines()[1]).not.toContain('Power and Service Management');
    expect(h.selected()).toContain('1. Networking');
  });

  it('asks before leaving from the top menu', async () => {
    h = await startConsole();
    await past(h);
    await h.press(KEYS.esc);
    await h.waitFor('Leave the Appliance Console?');
    await h.press('n');
    await h.waitFor('1. Networking and Traffic Analysis');
    await h.press(KEYS.esc, 'y');
    expect(h.exitCode()).toBe(0);
  });

  it('the vSensor tree follows the manual order', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter);
    await h.waitFor('Main Menu');
    const t = h.text();
    const order = ['1. Network', '2. Setup', '4. Healthcheck', '5. Shell', '6. Reboot', '7. Shutdown', '8. Exit'].map((x) => t.indexOf(x));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  for (const terminal of ['linux', 'vt100', 'xterm', 'screen', 'xterm-256color', 'tmux-256color']) {
    it(`draws the main menu on TERM=${terminal}`, async () => {
      h = await startConsole({ terminal });
      await past(h);
      expect(h.text()).toContain('5. Power and Service Management');
      expect(h.lines()[23]).toContain('Enter Select');
    });
  }
});
