// End to end: the manual's "Set the Appliance IP Address" keystroke by keystroke, the form's
// refusals, the commit-confirmed apply (confirm, roll back, countdown, rollback by itself after
// the console is killed) and the capture-interface rule, in a real terminal (tmux) at 80x24, on
// a fresh demo root per test, and what each leaves on disk.
import { afterEach, describe, expect, it } from 'vitest';
import { holdLock, type HeldLock } from '../support/lock.js';
import { missing } from '../support/requires.js';
import { consoles, expectFocus, sleep, type Console } from './support.js';

const why = missing('e2e', ['tmux']);

const YAML = 'etc/netplan/01-netcfg.yaml';
const PENDING = 'var/lib/confconsole/net-pending.json';
const EFFECTS = 'var/log/confconsole/host-effects.log';
const FORM = 'Configure a static IP?';

interface ShowJson {
  interfaces: {
    name: string;
    role: string;
    mode: string;
    address: string | null;
    prefix: number | null;
    gateway: string | null;
    dns: string[];
    search: string[];
    addresses: string[];
  }[];
  pending: unknown;
  rollbacks_unseen: { time: string; iface: string; reason: string }[];
}

function show(c: Console): ShowJson {
  const r = c.cli('network', 'show', '--json');
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ShowJson;
}

const netplanApplies = (c: Console) => (c.fileOr(EFFECTS).match(/netplan apply/g) ?? []).length;

/** The inside of the dialog's lines: box edges and padding removed. */
const inner = (screen: string) => screen.split('\n').map((l) => l.replace(/^\s*│ ?/, '').replace(/\s*│\s*$/, ''));

/** The dialog's text as one line (wrapping undone), to match sentences. */
const flat = (screen: string) => inner(screen).join(' ').replace(/\s+/g, ' ');

/** A form field on screen: the line under its label, and the message (all its lines) under that. */
function field(screen: string, label: string): { value: string; message: string } {
  const lines = inner(screen);
  const at = lines.findIndex((l) => l.startsWith(label));
  if (at < 0) throw new Error(`no field "${label}" on the screen:\n${screen}`);
  const value = (lines[at + 1] ?? '').trim();
  const msg: string[] = [];
  if ((lines[at + 2] ?? '').startsWith('! ')) {
    for (let i = at + 2; i < lines.length; i++) {
      const l = (lines[i] ?? '').trim();
      if (l === '' || /^[┌└]/.test(l) || /< OK >/.test(l)) break;
      msg.push(l);
    }
  }
  return { value, message: msg.join(' ') };
}

/** Welcome → Console Setup → 1 Networking → 1 Configure network interfaces: the list. */
async function toInterfaces(c: Console): Promise<string> {
  c.keys('Enter');
  const main = await c.menu('Console Setup');
  expect(main).toContain('1. Networking and Traffic Analysis');
  c.keys('1', 'Enter');
  const net = await c.menu('Network Settings');
  expect(net).toContain('1. Configure network interfaces');
  c.keys('1', 'Enter');
  await c.menu('Network interfaces');
  return c.waitFor(/2\. eth1/);
}

/** From the interface list: 1 (eth0), its screen. */
async function toEth0(c: Console): Promise<string> {
  c.keys('1', 'Enter');
  await c.menu('Interface eth0');
  return c.waitFor('eth0: management');
}

/** From the eth0 screen: 1 Change configuration → y → the form. */
async function openForm(c: Console): Promise<string> {
  c.keys('1', 'Enter');
  await c.waitFor('Do you want to change the current network settings of eth0?');
  c.keys('y');
  return c.waitFor(FORM);
}

/**
 * Enter on each field from `field` (0 the mode ... 5 the search domain) to the last: Enter
 * goes on to the next field and submits on the last one.
 */
const enterFrom = (c: Console, field: number): void => c.keys(...Array.from({ length: 6 - field }, () => 'Enter'));

/** In a fresh form (focus on the mode): Tab `tabs` times, clear the field, type `text`. */
async function setField(c: Console, tabs: number, text: string): Promise<void> {
  for (let i = 0; i < tabs; i++) c.keys('Tab');
  c.keys('C-u');
  if (text !== '') {
    c.type(text);
    await c.waitFor(text);
  }
}

/** From field `field` of the form: Enter to the last field, OK → review → y → the countdown. */
async function applyToCountdown(c: Console, field: number): Promise<string> {
  enterFrom(c, field);
  await c.waitFor('Apply these settings to eth0?');
  c.keys('y');
  return c.waitFor(/Time left to confirm: \d+ s/, 30_000);
}

const secondsLeft = (screen: string) => Number(/Time left to confirm: (\d+) s/.exec(screen)?.[1]);

describe.skipIf(why !== undefined)('e2e: network interfaces', () => {
  const open = consoles();
  const started: Console[] = [];
  const openConsole = (root?: string) => {
    const c = open.open(root);
    started.push(c);
    return c;
  };
  let held: HeldLock | undefined;
  afterEach(async () => {
    await held?.release();
    held = undefined;
    // A failed test may leave a change waiting: put it back so no detached timer outlives the root.
    for (const c of started.splice(0)) {
      try {
        if (c.fileOr(PENDING, 'null').trim() !== 'null' && c.fileOr(PENDING) !== '') c.cli('network', 'rollback');
      } catch {
        /* the root is gone */
      }
    }
    open.closeAll();
  });

  it("the manual's Set the Appliance IP Address: static 10.0.5.7/24, confirmed", async () => {
    const c = await openConsole().start();
    const list = await toInterfaces(c);
    expect(list).toMatch(/1\. eth0\s+management\s+up\s+10\.0\.0\.2\/24/);
    expect(list).toMatch(/2\. eth1\s+capture\s+up\s+no address/);
    const eth0 = await toEth0(c);
    expect(eth0).toContain('eth0: management, static 10.0.0.2/24 via 10.0.0.1');
    expect(eth0).toContain('1. Change configuration');
    expect(eth0).toContain('2. Make this the capture interface');
    expect(eth0).toContain('3. Restore');
    c.keys('1', 'Enter');
    const warn = await c.waitFor('Do you want to change the current network settings of eth0?');
    expect(flat(warn)).toContain('The appliance will be temporarily disconnected from the network while eth0 changes.');
    c.keys('y');
    const form = await c.waitFor(FORM);
    expect(form).toMatch(/\(\*\) Static IP\s+\( \) DHCP/);
    expect(field(form, 'IP address').value).toBe('10.0.0.2');
    expect(field(form, 'Network mask').value).toBe('24');
    const yamlBefore = c.file(YAML);
    c.keys('Tab', 'C-u');
    c.type('10.0.5.7');
    c.keys('Tab'); // the mask: keep 24
    c.keys('Tab', 'C-u');
    c.type('10.0.5.1');
    c.keys('Tab', 'C-u');
    c.type('10.0.5.53 10.0.5.54');
    const filled = await c.waitFor('10.0.5.53 10.0.5.54');
    expect(field(filled, 'IP address').value).toBe('10.0.5.7');
    expect(field(filled, 'Network mask').value).toBe('24');
    expect(field(filled, 'Default gateway').value).toBe('10.0.5.1');
    expect(field(filled, 'Search domain').value).toBe('');
    enterFrom(c, 4);
    const review = await c.waitFor('Apply these settings to eth0?');
    expect(review).toContain('Review the change before it is applied');
    expect(review).toMatch(/Address\s*│?\s*\n.*current: 10\.0\.0\.2\s.*\n.*new:\s+10\.0\.5\.7\s/);
    expect(review).toMatch(/new:\s+10\.0\.5\.1\s/);
    expect(review).toMatch(/new:\s+10\.0\.5\.53 10\.0\.5\.54\s/);
    expect(review).toMatch(/Unchanged: Mode Static IP; Mask 24/);
    expect(review).not.toContain('Warning');
    // nothing written before the Yes
    expect(c.file(YAML)).toBe(yamlBefore);
    c.keys('y');
    const countdown = await c.waitFor(/Time left to confirm: \d+ s/, 30_000);
    expect(countdown).toMatch(/reconnect to 10\.0\.5\.7/);
    expect(countdown).toContain('< Confirm >');
    expect(countdown).toContain('< Roll back >');
    expect(show(c).pending).not.toBeNull();
    c.keys('y');
    const done = await c.waitFor('Confirmed', 30_000);
    expect(done).toContain('Confirmed: the new network settings stay.');
    c.keys('Enter');
    await c.menu('Interface eth0');
    const after = await c.waitFor('eth0: management, static 10.0.5.7/24 via 10.0.5.1');
    expect(after).toContain('DNS 10.0.5.53 10.0.5.54');

    const s = show(c);
    const e0 = s.interfaces.find((i) => i.name === 'eth0');
    expect(e0).toMatchObject({ role: 'management', mode: 'static', address: '10.0.5.7', prefix: 24, gateway: '10.0.5.1', dns: ['10.0.5.53', '10.0.5.54'], search: [] });
    expect(s.pending).toBeNull();
    const yaml = c.file(YAML);
    expect(yaml).toMatch(/eth0:[\s\S]*10\.0\.5\.7\/24[\s\S]*via: 10\.0\.5\.1[\s\S]*10\.0\.5\.53[\s\S]*10\.0\.5\.54[\s\S]*eth1:/);
    expect(yaml.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n')).not.toContain('10.0.0.2');
    expect(c.fileOr('var/lib/confconsole/netplan-confirmed.yaml', '(missing)')).toContain('10.0.5.7/24');
    expect(netplanApplies(c)).toBe(1);
  });

  it('bad input at each field: named under the field, input kept, nothing written; an off-subnet gateway is only a warning', async () => {
    const c = await openConsole().start();
    await toInterfaces(c);
    await toEth0(c);
    const yamlBefore = c.file(YAML);
    const cases: { tabs: number; text: string; label: string; why: RegExp }[] = [
      { tabs: 1, text: '10.0.0.0', label: 'IP address', why: /10\.0\.0\.0 is the network address of 10\.0\.0\.0\/24, not a host address/ },
      { tabs: 1, text: '10.0.0.255', label: 'IP address', why: /broadcast address of 10\.0\.0\.0\/24/ },
      { tabs: 2, text: '255.0.255.0', label: 'Network mask', why: /255\.0\.255\.0 is not a contiguous mask/ },
      { tabs: 3, text: '10.0.0.2', label: 'Default gateway', why: /The gateway cannot be the address itself/ },
      { tabs: 4, text: 'dns.example', label: 'DNS servers', why: /Not an IP address: "dns\.example"/ },
    ];
    for (const k of cases) {
      await openForm(c);
      await setField(c, k.tabs, k.text);
      enterFrom(c, k.tabs);
      const s = await c.waitFor(/^\W*! /m);
      const f = field(s, k.label);
      expect(f.message, s).toMatch(k.why);
      expect(f.value, s).toBe(k.text);
      expect(s).toContain(FORM);
      expect(s).not.toContain('Apply these settings');
      expect(c.file(YAML)).toBe(yamlBefore);
      c.keys('Escape');
      await c.menu('Interface eth0');
    }
    // Off the subnet: allowed, but the review says so above the question.
    await openForm(c);
    await setField(c, 3, '192.168.9.1');
    enterFrom(c, 3);
    const review = await c.waitFor('Apply these settings to eth0?');
    expect(review).toMatch(/Warning: 192\.168\.9\.1 is outside 10\.0\.0\.0\/24/);
    expect(review).toMatch(/new:\s+192\.168\.9\.1/);
    // N goes back to the form, the input kept
    c.keys('n');
    const back = await c.waitFor(FORM);
    expect(field(back, 'Default gateway').value).toBe('192.168.9.1');
    c.keys('Escape');
    await c.menu('Interface eth0');
    expect(c.file(YAML)).toBe(yamlBefore);
    expect(netplanApplies(c)).toBe(0);
    const st = show(c);
    expect(st.pending).toBeNull();
    expect(st.interfaces.find((i) => i.name === 'eth0')).toMatchObject({ address: '10.0.0.2', gateway: '10.0.0.1' });
  });

  it('a bad search domain is named under its field at 80x24', async () => {
    const c = await openConsole().start();
    await toInterfaces(c);
    await toEth0(c);
    const yamlBefore = c.file(YAML);
    await openForm(c);
    await setField(c, 5, 'bad_domain');
    enterFrom(c, 5);
    // the refusal at its field is what OK ends with: nothing was applied
    const s = await c.waitFor(/Not a domain name: "bad_domain"/);
    expect(s).toContain(FORM);
    expect(c.file(YAML)).toBe(yamlBefore);
    // the message is drawn inside the dialog, under its field, at 80x24
    expect(field(s, 'Search domain').message, s).toMatch(/Not a domain name: "bad_domain"/);
  });

  it('with a message shown, the last field stays clear of the buttons and the border', async () => {
    const c = await openConsole().start();
    await toInterfaces(c);
    await toEth0(c);
    await openForm(c);
    await setField(c, 2, '255.0.255.0'); // a two-line message under the mask
    enterFrom(c, 2);
    const s = await c.waitFor(/not a contiguous mask/);
    const lines = inner(s);
    const problems: string[] = [];
    // every label is on screen, above its own input line
    for (const label of ['IP address', 'Network mask', 'Default gateway', 'DNS servers', 'Search domain']) {
      const at = lines.findIndex((l) => l.startsWith(label));
      if (at < 0) problems.push(`the label "${label}" is not on the screen`);
      else if ((lines[at + 1] ?? '').includes('< OK >')) problems.push(`the input of "${label}" is on the buttons' line`);
    }
    // the message reads as one sentence, wrapped to the dialog's width only
    const msg = lines.findIndex((l) => l.startsWith('! 255.0.255.0'));
    // (two lines: its end is on the next line, then comes the next label or a blank line)
    if (msg >= 0 && !((lines[msg + 1] ?? '').includes('255.255.254.0)') && ((lines[msg + 2] ?? '').trim() === '' || (lines[msg + 2] ?? '').startsWith('Default gateway'))))
      problems.push('the message does not take exactly 2 lines (wrapped twice?)');
    // the dialog's bottom border is whole
    if (!/└─{70,}┘/.test(s)) problems.push('the bottom border is broken (a field is drawn over it)');
    expect(problems, s).toEqual([]);
  });

  it('after the check refuses the address, the focus is on the address field', async () => {
    const c = await openConsole().start();
    await toInterfaces(c);
    await toEth0(c);
    await openForm(c);
    await setField(c, 1, '10.0.0.0');
    enterFrom(c, 1);
    const s = await c.waitFor(/network address of 10\.0\.0\.0\/24/);
    expect(field(s, 'IP address').value).toBe('10.0.0.0');
    // Typing now edits the field in error.
    c.keys('C-u');
    c.type('10.0.0.9');
    const end = Date.now() + 15_000;
    while (field(c.screen(), 'IP address').value !== '10.0.0.9' && Date.now() < end) await sleep(40);
    expect(field(c.screen(), 'IP address').value, c.screen()).toBe('10.0.0.9');
  });

  it('the countdown counts down; n rolls back to the byte-identical YAML', async () => {
    const c = await openConsole().start();
    await toInterfaces(c);
    await toEth0(c);
    const yamlBefore = c.file(YAML);
    await openForm(c);
    await setField(c, 1, '10.0.0.77');
    const first = await applyToCountdown(c, 1);
    await expectFocus(c, '< Confirm >');
    expect(c.file(YAML)).toContain('10.0.0.77/24');
    expect(netplanApplies(c)).toBe(1);
    const t1 = secondsLeft(first);
    expect(t1).toBeGreaterThan(100);
    expect(t1).toBeLessThanOrEqual(120);
    // the countdown moves by itself: wait for a smaller number on screen
    const end = Date.now() + 15_000;
    while (secondsLeft(c.screen()) >= t1 && Date.now() < end) await sleep(100);
    const t2 = secondsLeft(c.screen());
    expect(t2).toBeLessThan(t1);
    expect(t2).toBeGreaterThan(100);
    c.keys('n');
    const rolled = await c.waitFor('Rolled back', 30_000);
    expect(rolled).toContain('Rolled back: the previous network settings are back.');
    expect(c.file(YAML)).toBe(yamlBefore);
    expect(netplanApplies(c)).toBe(2);
    expect(show(c).pending).toBeNull();
    c.keys('Enter');
    await c.menu('Interface eth0');
    await c.waitFor('eth0: management, static 10.0.0.2/24 via 10.0.0.1');
  });

  /** On screen but not yet acted on, a rollback stays unseen; Enter a moment later (a person reading it) acknowledges it. */
  async function acknowledged(c: Console): Promise<void> {
    expect(show(c).rollbacks_unseen).toHaveLength(1);
    await sleep(400);
    c.keys('Enter');
    const end = Date.now() + 15_000;
    while (show(c).rollbacks_unseen.length > 0 && Date.now() < end) await sleep(100);
    expect(show(c).rollbacks_unseen).toEqual([]);
  }

  it('unconfirmed with the console killed: rolls back by itself, said once at the next Welcome', async () => {
    const c = await openConsole().start();
    await toInterfaces(c);
    const yamlBefore = c.file(YAML);
    const set = c.cli('network', 'set', 'eth0', '--static', '--address', '10.0.7.7', '--netmask', '24', '--confirm-timeout', '6');
    // The rollback timer waits for the writers' lock: held from here until the console is dead,
    // the change stays pending however long the way to the menu takes on a busy machine (the
    // window has only to outlast this process's next step, taking the lock).
    held = await holdLock(c.root);
    expect(set.status, set.stderr + set.stdout).toBe(0);
    expect(c.file(YAML)).toContain('10.0.7.7/24');
    // the console sees the change waiting
    const eth0 = await toEth0(c);
    expect(eth0).toContain('static 10.0.7.7/24');
    expect(eth0).toMatch(/A change of eth0 waits for confirmation: it rolls back in \d+ s/);
    process.kill(c.consolePid(), 'SIGKILL');
    expect(await c.exitCode()).toBe(137);
    expect(show(c).pending).not.toBeNull();
    await held.release();
    held = undefined;
    // the detached timer does its work without any console (at its deadline, or now if that has passed)
    const end = Date.now() + 30_000;
    while (show(c).pending !== null && Date.now() < end) await sleep(250);
    const s = show(c);
    expect(s.pending).toBeNull();
    expect(c.file(YAML)).toBe(yamlBefore);
    expect(s.rollbacks_unseen).toHaveLength(1);
    expect(s.rollbacks_unseen[0]).toMatchObject({ iface: 'eth0', reason: 'not confirmed in time' });
    expect(s.interfaces.find((i) => i.name === 'eth0')).toMatchObject({ address: '10.0.0.2', prefix: 24 });

    const again = await openConsole(c.root).start();
    const welcome = await again.waitFor('rolled back since the last login');
    expect(welcome).toContain('Network settings were rolled back since the last login');
    expect(welcome).toMatch(/eth0: not confirmed in time/);
    await acknowledged(again);
    again.close();

    // Said once: after a later rollback (by the operator) the next Welcome names that one only.
    // (The notice is the Welcome's only reading: it appearing says the reading is done.)
    const later = c.cli('network', 'set', 'eth0', '--static', '--address', '10.0.7.8', '--netmask', '24', '--confirm-timeout', '600');
    expect(later.status, later.stderr + later.stdout).toBe(0);
    const back = c.cli('network', 'rollback');
    expect(back.status, back.stderr + back.stdout).toBe(0);
    const third = await openConsole(c.root).start();
    const notice = await third.waitFor('rolled back since the last login');
    expect(notice).toContain('Appliance configuration console.');
    expect(notice).toMatch(/eth0: rolled back by the operator/);
    expect(notice).not.toContain('not confirmed in time');
    await acknowledged(third);
  });

  it('capture rules: eth0 is the last management interface; the vSensor tree lists both interfaces', async () => {
    const c = await openConsole().start();
    await toInterfaces(c);
    await toEth0(c);
    const yamlBefore = c.file(YAML);
    c.keys('2', 'Enter');
    const ask = await c.waitFor('Make eth0 the capture interface?');
    expect(ask).toContain('Nothing can reach the appliance through it any more.');
    await expectFocus(c, '< No >');
    c.keys('y');
    const res = await c.waitFor('Failed:', 30_000);
    expect(res).toMatch(/Failed: eth0 is the last management interface/);
    expect(c.file(YAML)).toBe(yamlBefore);
    expect(netplanApplies(c)).toBe(0);
    const s = show(c);
    expect(s.pending).toBeNull();
    expect(s.interfaces.map((i) => [i.name, i.role])).toEqual([
      ['eth0', 'management'],
      ['eth1', 'capture'],
    ]);
    c.keys('Enter');
    await c.menu('Interface eth0');

    const v = await openConsole().start({ args: ['--profile', 'vsensor'] });
    await v.waitFor('vSensor configuration console');
    v.keys('Enter');
    await v.menu('Main Menu');
    v.keys('1', 'Enter');
    const net = await v.menu('Network');
    expect(net).toContain('1. Interfaces');
    v.keys('1', 'Enter');
    await v.menu('Interfaces');
    const list = await v.waitFor(/2\. eth1/);
    expect(list).toMatch(/1\. eth0\s+management\s+up\s+10\.0\.0\.2\/24/);
    expect(list).toMatch(/2\. eth1\s+capture\s+up\s+no address/);
    v.keys('1', 'Enter');
    await v.menu('Interface eth0');
    const e = await v.waitFor('eth0: management');
    expect(e).toContain('1. Change configuration');
    expect(e).toMatch(/2\. Make this the .*capture.* interface/);
  });
});
