// The operator's keys (issue 11): Enter goes field by field as the manual's prompts do, Ctrl+C
// asks before leaving from anywhere, keys typed while a dialog is read are kept for it, and a
// pager shows the whole of a long line (sideways or wrapped). Small trees of our own, and the
// demo appliance where the shipped screens are the point.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Entry, Op, Shown, Values } from '../../src/core/types.js';
import type { Tree } from '../../src/menu/types.js';
import { Problem } from '../../src/core/problem.js';
import { isHostname } from '../../src/rules/address.js';
import type { Rule } from '../../src/rules/validated.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';
import { fakeOp, flowItem, ok, sub, text, tinyTree } from '../support/fakes.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const word: Rule = (s) => (isHostname(s.trim()) ? { ok: true, value: s.trim() } : { ok: false, message: 'Not a valid host name' });

/** A promise the test resolves when it wants: an operation that waits for it is "still reading". */
function gate<T>(): { wait: Promise<T>; open(v: T): void } {
  let open!: (v: T) => void;
  const wait = new Promise<T>((r) => (open = r));
  return { wait, open };
}

/** Waits for a condition (not for a time); fails after 15 s. */
async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 15_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The inside of the dialog's lines joined, box edges removed (to read a field's value). */
const body = (x: Harness) => x.lines().map((l) => l.replace(/^\s*[│|] ?/, '').replace(/\s*[│|]\s*$/, ''));
/** The input line under a form field's label. */
const fieldValue = (x: Harness, label: string): string => {
  const lines = body(x);
  const at = lines.findIndex((l) => l.startsWith(label));
  if (at < 0) throw new Error(`no field ${label}:\n${x.text()}`);
  return (lines[at + 1] ?? '').trim();
};

describe('Enter in a form: the next field; on the last field (or OK) it submits', () => {
  const got: Values[] = [];
  const op: Op<'read' | 'apply'> = {
    id: 'k.form',
    read: async () => ({ first: 'one.example', mode: 'a', last: 'three.example' }),
    apply: async (_c, v) => (got.push(v), ok('applied')),
  };
  const tree: Tree = tinyTree([
    flowItem('1', 'Three fields', {
      kind: 'form',
      op,
      fields: [
        { name: 'first', label: 'First host', rule: word, help: 'h' },
        { name: 'mode', label: 'Mode', choices: [{ value: 'a', label: 'Alpha' }, { value: 'b', label: 'Bravo' }], help: 'h' },
        { name: 'extra', label: 'Extra host (Bravo only)', rule: word, when: { field: 'mode', is: ['b'] }, help: 'h' },
        { name: 'last', label: 'Last host', rule: word, help: 'h' },
      ],
    }),
  ]);

  it('one value, then Enter, per field: each Enter goes on (a choice is kept and left), the last one submits', async () => {
    h = await startConsole({ tree });
    await h.press(KEYS.enter);
    await h.waitFor('First host');
    await h.press(KEYS.ctrlU);
    await h.type('new.example');
    await h.press(KEYS.enter); // on to the choice: nothing submitted
    expect(h.text()).not.toContain('Review the change');
    await h.press('b'); // a letter picks the answer it starts: Bravo
    await h.waitFor('(*) Bravo');
    await h.press(KEYS.enter); // the choice answered: on to the field it opened
    await h.type('extra.example');
    expect(fieldValue(h, 'Extra host')).toBe('extra.example');
    await h.press(KEYS.enter); // on to the last field
    await h.press(KEYS.ctrlU);
    await h.type('last.example');
    expect(fieldValue(h, 'Last host')).toBe('last.example');
    expect(h.text()).not.toContain('Review the change');
    await h.press(KEYS.enter); // the last field: submitted
    await h.waitFor('Review the change');
    await h.press('y');
    await h.waitFor('Done.');
    expect(got.at(-1)).toEqual({ first: 'new.example', mode: 'b', extra: 'extra.example', last: 'last.example' });
  });

  it('a field out of play is skipped: with Alpha, Enter on the choice goes to the last field; Enter on OK submits, on Cancel leaves', async () => {
    h = await startConsole({ tree });
    await h.press(KEYS.enter);
    await h.waitFor('First host');
    await h.press(KEYS.enter, KEYS.enter); // first, choice (Alpha: no extra field)
    await h.type('x');
    expect(fieldValue(h, 'Last host')).toBe('three.examplex');
    await h.press(KEYS.backspace, KEYS.tab); // on OK
    await h.press(KEYS.enter);
    await h.waitFor('Nothing changes'); // submitted: nothing differs from the current values
    await h.press(KEYS.enter);
    await h.waitFor('First host');
    await h.press(KEYS.btab); // Shift-Tab from the first field: Cancel
    await h.press(KEYS.enter);
    await h.waitFor('1. Three fields');
  });

  it("the demo appliance's partner form (host, port): Enter, Enter sets it", async () => {
    h = await startConsole();
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '3', KEYS.enter, '2', KEYS.enter, '6', KEYS.enter);
    await h.waitFor("1. Set the partner's SSH server");
    await h.press('1', KEYS.enter);
    await h.waitFor('Partner SSH server (name or IP address)');
    await h.press(KEYS.ctrlU);
    await h.type('partner.example.com');
    await h.press(KEYS.enter);
    expect(h.text()).toContain('Partner SSH server'); // still the form: on to the port
    await h.press(KEYS.ctrlU);
    await h.type('2222');
    await h.press(KEYS.enter);
    await h.waitFor(/partner\.example\.com/);
    await h.waitFor(/Review the change|Done|saved|set/i);
    expect(h.text()).not.toContain('Partner SSH server (name or IP address)');
  });

  it("the demo network form: Enter walks the manual's prompts and submits on the search domain; the IPv6 fields after it (beyond the manual) are reached with Tab", async () => {
    h = await startConsole();
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/1\. eth0 +management/);
    await h.press('1', KEYS.enter);
    await h.waitFor('eth0: management');
    await h.press('1', KEYS.enter, 'y');
    await h.waitFor('IPv6 address/prefix');
    // mode, address, mask, gateway, DNS: Enter on each; on the domain Enter submits
    await h.press(KEYS.enter, KEYS.enter, KEYS.enter, KEYS.enter, KEYS.enter);
    expect(h.text()).toContain('IPv6 address/prefix'); // still the form, on the domain
    await h.type('corp.example');
    await h.press(KEYS.enter);
    await h.waitFor('Apply these settings to eth0?');
    await h.press('n'); // back to the form, the input kept
    await h.waitFor('IPv6 address/prefix');
    await h.press(KEYS.tab, KEYS.tab, KEYS.tab, KEYS.tab, KEYS.tab, KEYS.tab); // from the mode, Tab reaches the IPv6 address
    await h.type('2001:db8::5/64');
    await h.press(KEYS.enter); // among the extra fields Enter goes on: the IPv6 gateway, the last
    await h.press(KEYS.enter);
    await h.waitFor('Apply these settings to eth0?');
    expect(body(h).join(' ')).toContain('2001:db8::5/64');
  });

  it('the demo network form: d picks DHCP on the mode, and Enter there (the only field left) submits', async () => {
    h = await startConsole();
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '1', KEYS.enter, '1', KEYS.enter);
    await h.waitFor(/1\. eth0 +management/);
    await h.press('1', KEYS.enter);
    await h.waitFor('eth0: management');
    await h.press('1', KEYS.enter, 'y');
    await h.waitFor('(*) Static IP');
    await h.press('d');
    await h.waitFor('(*) DHCP');
    expect(h.text()).not.toContain('IP address');
    await h.press(KEYS.enter);
    await h.waitFor('Warning: DHCP: the address may change');
  });
});

describe('Ctrl+C asks before leaving, from anywhere; a second Ctrl+C leaves', () => {
  let finish: ReturnType<typeof gate<void>> | undefined;
  const slowApply = fakeOp('k.slow', {
    apply: async () => {
      await finish?.wait;
      return ok('the change is made');
    },
  });
  const formOp: Op<'read' | 'apply'> = { id: 'k.f', read: async () => ({ host: 'a.example' }), apply: async () => ok() };
  const tree: Tree = tinyTree([
    flowItem('1', 'Slow change', { kind: 'do', op: slowApply, confirm: 'Make it?', progress: 'Making the change' }),
    flowItem('2', 'A form', { kind: 'form', op: formOp, fields: [{ name: 'host', label: 'Host', rule: word, help: 'h' }, { name: 'other', label: 'Other', rule: word, help: 'h' }] }),
    { key: '3', label: 'More', help: 'h', menu: sub('Submenu', [flowItem('1', 'Inside', { kind: 'view', op: fakeOp('k.v', { show: async () => text('inside') }) })]) },
  ]);

  it('in a submenu: the question; No stays where it was; Ctrl+C twice leaves with 130', async () => {
    h = await startConsole({ tree });
    await h.press('3', KEYS.enter);
    await h.waitFor('1. Inside');
    await h.press(KEYS.ctrlC);
    await h.waitFor('Leave the Test Console?');
    expect(h.exitCode()).toBeUndefined();
    await h.press('n');
    await h.waitFor('1. Inside');
    expect(h.text()).not.toContain('Leave the');
    await h.press(KEYS.ctrlC);
    await h.waitFor('Leave the Test Console?');
    await h.press(KEYS.ctrlC);
    expect(h.exitCode()).toBe(130);
  });

  it('two Ctrl+C read together (a fast double press, one read) leave too', async () => {
    h = await startConsole({ tree });
    await h.type(KEYS.ctrlC + KEYS.ctrlC);
    expect(h.exitCode()).toBe(130);
  });

  it('in a form: Esc at the question gives the form back as it was (typed text, focus); Enter on Yes leaves with 0', async () => {
    h = await startConsole({ tree });
    await h.press('2', KEYS.enter);
    await h.waitFor('Host');
    await h.press(KEYS.tab);
    await h.type('typed.example');
    await h.press(KEYS.ctrlC);
    await h.waitFor('Leave the Test Console?');
    await h.press(KEYS.esc);
    await h.waitFor('typed.example');
    expect(fieldValue(h, 'Host')).toBe('a.example');
    await h.type('x'); // the focus is still on Other
    expect(fieldValue(h, 'Other')).toBe('typed.examplex');
    await h.press(KEYS.ctrlC);
    await h.waitFor('Leave the Test Console?');
    await h.press(KEYS.enter); // Yes is the default, as for Esc on the top menu
    expect(h.exitCode()).toBe(0);
  });

  it('while a change runs: the question says it goes on; No, and the change finishes on screen', async () => {
    finish = gate<void>();
    h = await startConsole({ tree });
    await h.press('1', KEYS.enter, 'y');
    await h.waitFor('Making the change');
    await h.press(KEYS.ctrlC);
    await h.waitFor('Leave the Test Console?');
    expect(body(h).join(' ').replace(/\s+/g, ' ')).toContain('A change is under way: it finishes, or rolls back, by itself after you leave.');
    finish.open(); // the answer comes while the question is up: kept for the screen below
    await until(() => h!.app.runner.pending === 0);
    await h.press('n');
    await h.waitFor('The change is made');
    expect(h.exitCode()).toBeUndefined();
  });
});

describe('type-ahead: keys typed while a dialog is read are applied once it is drawn', () => {
  it('a form being prefilled: clear, type, Enter typed ahead; the form gets them in order', async () => {
    const read = gate<Values>();
    const got: Values[] = [];
    const op: Op<'read' | 'apply'> = { id: 'k.ta', read: () => read.wait, apply: async (_c, v) => (got.push(v), ok('set')) };
    h = await startConsole({ tree: tinyTree([flowItem('1', 'Servers', { kind: 'form', op, fields: [{ name: 'host', label: 'Server', rule: word, help: 'h' }] })]) });
    await h.press(KEYS.enter);
    await h.waitFor('Reading the current settings');
    await h.press(KEYS.ctrlU);
    await h.type('ahead.example');
    await h.press(KEYS.enter);
    expect(h.text()).toContain('Reading the current settings'); // still reading: nothing lost, nothing done
    read.open({ host: 'old.example' });
    await h.waitFor('Review the change');
    expect(h.text()).toMatch(/current: old\.example/);
    expect(h.text()).toMatch(/new: +ahead\.example/);
  });

  it('a view being read: Enter typed ahead closes it once shown; the next keys go to the menu', async () => {
    const shown = gate<Shown>();
    let views = 0;
    const slow = fakeOp('k.show', { show: () => (views++, shown.wait) });
    h = await startConsole({ tree: tinyTree([flowItem('1', 'Slow view', { kind: 'view', op: slow }), flowItem('2', 'Other', { kind: 'view', op: fakeOp('k.o', { show: async () => text('the other view') }) })]) });
    await h.press(KEYS.enter);
    await h.waitFor('Reading the current settings');
    await h.press(KEYS.enter, '2', KEYS.enter);
    expect(h.text()).toContain('Reading the current settings');
    shown.open(text('slow text'));
    await h.waitFor('the other view');
    expect(views).toBe(1);
  });

  it("a menu whose rows are being listed: '2 Enter' typed ahead opens the second row once listed", async () => {
    const rows = gate<Entry[]>();
    const source = fakeOp('k.items', { items: () => rows.wait });
    const each = sub('Entry {name}', [flowItem('1', 'Look', { kind: 'view', op: fakeOp('k.look', { show: async (_c: unknown, v: Values) => text(`looking at ${v.name}`) }) })]);
    h = await startConsole({ tree: tinyTree([{ key: '1', label: 'Entries', help: 'h', menu: sub('Entries', [], { source, each }) }]) });
    await h.press(KEYS.enter);
    await h.waitFor('Reading the current settings');
    await h.press('2', KEYS.enter);
    rows.open([
      { key: '1', label: 'first', context: { name: 'first' } },
      { key: '2', label: 'second', context: { name: 'second' } },
    ]);
    await h.waitFor('Entry second');
  });

  it('a read that fails: its message stays on screen; the keys typed for the form are not taken as read', async () => {
    const read = gate<Values>();
    const op: Op<'read' | 'apply'> = { id: 'k.fail', read: () => read.wait.then(() => Promise.reject(new Problem('cannot read the settings file'))), apply: async () => ok() };
    h = await startConsole({ tree: tinyTree([flowItem('1', 'Servers', { kind: 'form', op, fields: [{ name: 'host', label: 'Server', rule: word, help: 'h' }] })]) });
    await h.press(KEYS.enter);
    await h.waitFor('Reading the current settings');
    await h.type('abc');
    await h.press(KEYS.enter);
    read.open({});
    await h.waitFor('Error: cannot read the settings file');
    await until(() => h!.app.idle);
    await h.press(KEYS.down); // a frame later: still said
    expect(h.text()).toContain('Error: cannot read the settings file');
    await h.press(KEYS.enter);
    await h.waitFor('1. Servers');
  });

  it('Esc while reading still goes back (what was typed for that dialog is dropped); Ctrl+C still asks', async () => {
    const read = gate<Values>();
    const op: Op<'read' | 'apply'> = { id: 'k.esc', read: () => read.wait, apply: async () => ok() };
    h = await startConsole({ tree: tinyTree([flowItem('1', 'Servers', { kind: 'form', op, fields: [{ name: 'host', label: 'Server', rule: word, help: 'h' }] })]) });
    await h.press(KEYS.enter);
    await h.waitFor('Reading the current settings');
    await h.press(KEYS.ctrlC);
    await h.waitFor('Leave the Test Console?');
    await h.press('n');
    await h.waitFor('Reading the current settings');
    await h.type('zz');
    // Esc given straight to the console: the harness would wait for the read it leaves behind
    h.app.onKey(undefined, { name: 'escape', full: 'escape' });
    read.open({ host: 'late.example' });
    await h.waitFor('1. Servers');
    await until(() => h!.app.idle);
    await h.press(KEYS.down); // a frame after the late answer: it reached nothing
    expect(h.text()).not.toContain('late.example');
    expect(h.text()).not.toContain('zz');
    expect(h.text()).toContain('1. Servers');
  });
});

describe('a pager shows the whole of a long line: Left/Right sideways, w wraps', () => {
  const LONG = `start ${'x'.repeat(60)} middle ${'y'.repeat(80)} the-end-of-the-line`;
  const logOp = fakeOp('k.log', { show: async (ctx: { paths: { root: string } }) => ({ kind: 'file' as const, title: 'Some log', path: join(ctx.paths.root, 'some.log') }) });
  const tree = tinyTree([flowItem('1', 'Some log', { kind: 'view', op: logOp })]);

  it('a log file: cut at first and said so; Right reaches the end, Left comes back; w wraps it whole; the footer says the keys', async () => {
    h = await startConsole({ tree });
    appendFileSync(join(h.root, 'some.log'), ['short line', LONG, ...Array.from({ length: 30 }, (_, i) => `line ${i + 3}`)].join('\n') + '\n');
    await h.press(KEYS.enter);
    await h.waitFor('short line');
    expect(h.text()).not.toContain('the-end-of-the-line');
    expect(h.text()).toContain('columns 1-72 (Right: more, w: wrap)');
    expect(h.lines()[23]).toContain('Left/Right Side  w Wrap');
    for (let i = 0; i < 4 && !h.text().includes('the-end-of-the-line'); i++) await h.press(KEYS.right);
    await h.waitFor('the-end-of-the-line');
    expect(h.text()).not.toContain('start xxx');
    await h.press(KEYS.right); // no further than the longest line needs
    await h.waitFor('the-end-of-the-line');
    for (let i = 0; i < 4; i++) await h.press(KEYS.left);
    await h.waitFor('start xxx');
    await h.press('w');
    await h.waitFor('long lines wrapped (w: cut them)');
    // the whole line is on screen, over three rows
    const flat = body(h).join('');
    expect(flat).toContain(LONG);
    await h.press('w');
    await h.waitFor('columns 1-72');
  });

  it('wrapped, End shows the last line whole, however long', async () => {
    h = await startConsole({ tree });
    const tail = `last ${'z'.repeat(200)} the-very-end`;
    appendFileSync(join(h.root, 'some.log'), [...Array.from({ length: 40 }, (_, i) => `line ${i + 1} ${'w'.repeat(100)}`), tail].join('\n') + '\n');
    await h.press(KEYS.enter);
    await h.waitFor('line 1 ');
    await h.press('w');
    await h.waitFor('long lines wrapped');
    await h.press('\x1b[F'); // End
    await h.waitFor(/lines \d+-41 of 41/);
    expect(body(h).join('')).toContain(tail);
    await h.press('\x1b[6~'); // PgDn at the end stays there
    expect(body(h).join('')).toContain(tail);
    expect(h.text()).toMatch(/lines \d+-41 of 41/);
  });

  it("the demo appliance's audit log: a long entry is read to its end with Right, and whole with w", async () => {
    h = await startConsole();
    const log = join(h.root, 'var/log/confconsole/audit.log');
    mkdirSync(dirname(log), { recursive: true });
    const detail = `servers ${Array.from({ length: 8 }, (_, i) => `ntp${i + 1}.far-away-time-servers.example.org`).join(' ')}`;
    appendFileSync(log, JSON.stringify({ time: '2026-11-30T10:00:00Z', user: 'admin', tty: '/dev/pts/0', action: 'ntp.set', detail, result: 'ok' }) + '\n');
    expect(readFileSync(log, 'utf8')).toContain('ntp8.far-away');
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '3', KEYS.enter);
    await h.waitFor('View audit log');
    const key = /(\d+)\. View audit log/.exec(h.text())?.[1] ?? '9';
    await h.press(key, KEYS.enter);
    await h.waitFor('ntp.set');
    expect(h.text()).not.toContain('ntp8.far-away');
    for (let i = 0; i < 12 && !h.text().includes('ntp8.far-away-time-servers.example.org'); i++) await h.press(KEYS.right);
    expect(h.text()).toContain('ntp8.far-away-time-servers.example.org');
    await h.press('w');
    await h.waitFor('long lines wrapped');
    const flat = body(h).join('');
    expect(flat).toContain(detail);
    await h.press('q');
    await h.waitFor('View audit log');
  });
});

describe('a table wider than the dialog shows its cells whole too', () => {
  it("the demo appliance's NTP servers: a long name cut to fit (and said so); Right shows the rest, w wraps it whole", async () => {
    h = await startConsole();
    const long = 'ntp-primary.time-servers.datacenter-frankfurt-main-campus.example-corporation.com';
    execFileSync(process.execPath, [join(process.cwd(), 'bin/confconsole'), '--root', h.root, 'ntp', 'set', long, '10.1.2.3'], { stdio: 'ignore' });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter, '1', KEYS.enter, '4', KEYS.enter, '1', KEYS.enter);
    await h.waitFor('Current NTP servers');
    expect(h.text()).not.toContain(long);
    expect(h.text()).toContain('~');
    expect(h.text()).toContain('(cut to fit: Right or w shows the cells whole)');
    expect(h.lines()[23]).toContain('Left/Right Side  w Wrap');
    await h.press(KEYS.right);
    await h.waitFor('example-corporation.com');
    expect(h.text()).toMatch(/\(columns \d+-\d+: Left\/Right, w wraps\)/);
    await h.press(KEYS.left);
    await h.waitFor('(cut to fit');
    await h.press('w');
    await h.waitFor('(long lines wrapped; w cuts them)');
    // whole over two rows, the second under the name's column (text.ts wrap: hanging indent)
    const rows = body(h);
    const y = rows.findIndex((l) => l.startsWith('1  ntp-primary.'));
    expect(rows[y]! + rows[y + 1]!.slice(3)).toContain(long);
    expect(rows[y + 1]).toMatch(/^ {3}\S/);
    await h.press(KEYS.enter);
    await h.waitFor('2. Change NTP servers');
  });
});
