// End to end: the manual's "Configure NTP settings" procedure, keystroke by keystroke, on
// both menu trees, in a real terminal (tmux), and what it leaves on disk.
import { afterEach, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { chronyServers, consoles, expectFocus, focusedButton, type Console } from './support.js';

const why = missing('e2e', ['tmux']);
const NEW = ['time1.example.com', '10.1.2.3'];
const FACTORY = ['0.ubuntu.pool.ntp.org', '1.ubuntu.pool.ntp.org'];

/** From the NTP form on: clear, type, OK, no test, review, apply, Done, View. */
async function changeServers(c: Console, o: { device: string; parentMenu: string; answerNo: 'n' | 'tab-enter' }) {
  const form = await c.waitFor('NTP servers (separated by spaces)');
  // The form is prefilled with the current servers.
  expect(form).toContain(FACTORY.join(' '));
  c.keys('C-u');
  await c.waitGone(FACTORY[0]!);
  c.type(NEW.join(' '));
  await c.waitFor(NEW.join(' '));
  c.keys('Enter');
  const ask = await c.waitFor(`Do you want to test that the ${o.device} can reach these NTP servers?`);
  expect(focusedButton(c.screenWithAttrs())).toBe('< Yes >');
  expect(ask).toContain('< No >');
  if (o.answerNo === 'n') c.keys('n');
  else {
    c.keys('Tab');
    await expectFocus(c, '< No >');
    c.keys('Enter');
  }
  const review = await c.waitFor('Review the change');
  expect(review).toMatch(new RegExp(`current:\\s+${FACTORY.join(' ').replace(/\./g, '\\.')}`));
  expect(review).toMatch(new RegExp(`new:\\s+${NEW.join(' ').replace(/\./g, '\\.')}`));
  expect(review).toContain('Apply this change?');
  // current and new values start in the same column
  const col = (label: string, value: string) => review.split('\n').find((l) => l.includes(label))?.indexOf(value);
  expect(col('current:', FACTORY[0]!), review).toBe(col('new:', NEW[0]!));
  // Nothing is written before the review is accepted.
  expect(chronyServers(c.file('etc/chrony/chrony.conf'))).toEqual(FACTORY);
  c.keys('y');
  const done = await c.waitFor('Done: the NTP servers are set.', 30_000);
  expect(done).toContain(`NTP servers set: ${NEW.join(' ')}`);
  c.keys('Enter');
  await c.menu(o.parentMenu);
  c.keys('1', 'Enter');
  const view = await c.waitFor('Current NTP servers');
  expect(view).toMatch(/1\s+time1\.example\.com/);
  expect(view).toMatch(/2\s+10\.1\.2\.3/);
  expect(view).not.toContain(FACTORY[0]);
  c.keys('Enter');
  await c.menu(o.parentMenu);
}

/** What the command line and the files say after the change. */
function expectApplied(c: Console): void {
  const show = c.cli('ntp', 'show', '--json');
  expect(show.status, show.stderr).toBe(0);
  const shown = JSON.parse(show.stdout);
  expect(shown).toMatchObject({ ok: true, servers: NEW, daemon: { running: false, asked: false }, problems: [] });
  // every source is a line set here (the demo's chrony.conf reads no other file)
  expect(shown.sources.map((s: { name: string; kind: string; origin: string }) => [s.name, s.kind, s.origin])).toEqual(NEW.map((n) => [n, 'server', 'ours']));
  expect(chronyServers(c.file('etc/chrony/chrony.conf'))).toEqual(NEW);
  expect(c.file('etc/confconsole/appliance.ini')).toContain(`servers = "${NEW.join(' ')}"`);
  // chrony was restarted (recorded, on the demo appliance)
  expect(c.fileOr('var/log/confconsole/host-effects.log')).toMatch(/service chrony restart/);
}

describe.skipIf(why !== undefined)('e2e: NTP settings', () => {
  const open = consoles();
  afterEach(() => open.closeAll());

  it('appliance tree: Networking > NTP Settings > Change NTP servers, then View', async () => {
    const c = await open.open().start();
    c.keys('Enter');
    const main = await c.menu('Console Setup');
    expect(main).toContain('1. Networking and Traffic Analysis');
    c.keys('1', 'Enter');
    const net = await c.menu('Network Settings');
    expect(net).toContain('4. NTP Settings');
    c.keys('4', 'Enter');
    const ntp = await c.menu('NTP Settings');
    expect(ntp).toContain('1. View NTP servers');
    expect(ntp).toContain('2. Change NTP servers');
    expect(ntp).toContain('Console Setup > Network Settings > NTP Settings');
    c.keys('2', 'Enter');
    await c.waitFor('Do you want to change the NTP servers?');
    c.keys('y');
    await changeServers(c, { device: 'appliance', parentMenu: 'NTP Settings', answerNo: 'n' });
    expectApplied(c);
  });

  it('vSensor tree: Network > NTP Settings > Change NTP servers, then View', async () => {
    const c = await open.open().start({ args: ['--profile', 'vsensor'] });
    await c.waitFor('vSensor configuration console');
    c.keys('Enter');
    const main = await c.menu('Main Menu');
    expect(main).toContain('1. Network');
    c.keys('1', 'Enter');
    const net = await c.menu('Network');
    expect(net).toContain('1. Interfaces');
    expect(net).toContain('2. NTP Settings');
    c.keys('2', 'Enter');
    const ntp = await c.menu('NTP Settings');
    expect(ntp).toContain('2. Change NTP servers');
    c.keys('2', 'Enter');
    await c.waitFor('Do you want to change the NTP servers?');
    // Yes is the default here: Enter accepts.
    expect(focusedButton(c.screenWithAttrs())).toBe('< Yes >');
    c.keys('Enter');
    await changeServers(c, { device: 'vSensor', parentMenu: 'NTP Settings', answerNo: 'tab-enter' });
    expectApplied(c);
  });

  it('bad servers: each named under the field, input kept, nothing changed, Esc back to the menu', async () => {
    const c = await open.open().start();
    const iniBefore = c.file('etc/confconsole/appliance.ini');
    const chronyBefore = c.file('etc/chrony/chrony.conf');
    c.keys('Enter');
    await c.menu('Console Setup');
    c.keys('1', 'Enter');
    await c.menu('Network Settings');
    c.keys('4', 'Enter');
    await c.menu('NTP Settings');
    c.keys('2', 'Enter');
    await c.waitFor('Do you want to change the NTP servers?');
    c.keys('y');
    await c.waitFor('NTP servers (separated by spaces)');
    c.keys('C-u');
    await c.waitGone(FACTORY[0]!);
    c.type('bad..host 1.2.3');
    await c.waitFor('bad..host 1.2.3');
    c.keys('Enter');
    const s = await c.waitFor(/^\W*! /m);
    // the message, under the field, names every bad entry
    const lines = s.split('\n');
    const field = lines.findIndex((l) => l.includes('bad..host 1.2.3') && !l.includes('!'));
    const msg = lines.findIndex((l) => /^\W*! /.test(l));
    expect(field, s).toBeGreaterThan(0);
    expect(msg, s).toBeGreaterThan(field);
    const message = lines.slice(msg, msg + 4).join(' ');
    expect(message).toContain('"bad..host"');
    expect(message).toContain('"1.2.3"');
    // still the form, typed text kept, no test question
    expect(s).toContain('NTP servers (separated by spaces)');
    expect(s).not.toContain('Do you want to test');
    expect(c.file('etc/confconsole/appliance.ini')).toBe(iniBefore);
    expect(c.file('etc/chrony/chrony.conf')).toBe(chronyBefore);
    expect(c.fileOr('var/log/confconsole/audit.log')).not.toContain('ntp.set');
    c.keys('Escape');
    const menu = await c.menu('NTP Settings');
    expect(menu).toContain('2. Change NTP servers');
    expect(menu).not.toContain('bad..host');
    expect(c.file('etc/confconsole/appliance.ini')).toBe(iniBefore);
    expect(JSON.parse(c.cli('ntp', 'show', '--json').stdout)).toEqual({ ok: true, servers: FACTORY });
  });
});
