import { choiceWindow } from '../../src/ui/layout.js';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindings, commandFor, footer } from '../../src/ui/keys.js';
import { editLine, visiblePart } from '../../src/ui/lineedit.js';
import { table, wrap } from '../../src/ui/text.js';
import { FileLines } from '../../src/ui/filelines.js';
import { parseSettings } from '../../src/system/settings.js';
import { conditions } from '../../src/menu/conditions.js';
import { Problem } from '../../src/core/problem.js';

describe('key bindings', () => {
  it('the footer lists exactly the advertised bindings', () => {
    for (const kind of Object.keys(bindings) as (keyof typeof bindings)[]) {
      const f = footer(kind, { cancellable: true });
      for (const b of bindings[kind]) if (b.label) expect(f).toContain(`${b.label} ${b.help}`);
    }
    expect(footer('progress', { cancellable: false })).toBe('');
  });
  it('maps keys to commands per dialog', () => {
    expect(commandFor('menu', { full: 'down' })).toEqual({ command: 'down' });
    expect(commandFor('menu', { full: '5' }, '5')).toEqual({ command: 'hotkey', ch: '5' });
    expect(commandFor('yesno', { full: 'y' }, 'y')).toEqual({ command: 'yes' });
    expect(commandFor('yesno', { full: 'f1' })).toEqual({ command: 'help' });
    expect(commandFor('menu', { full: '?' }, '?')).toEqual({ command: 'help' });
    expect(commandFor('form', { full: '?' }, '?')).toBeUndefined(); // typed text
    expect(commandFor('form', { full: 'S-tab' })).toEqual({ command: 'prev' });
  });
});

describe('line editor', () => {
  it('inserts, moves, deletes, kills', () => {
    let s = { value: '', cursor: 0 };
    for (const c of 'abcd') s = editLine(s, {}, c);
    s = editLine(s, { full: 'left' });
    s = editLine(s, { full: 'backspace' });
    expect(s).toEqual({ value: 'abd', cursor: 2 });
    s = editLine(s, { full: 'home' });
    s = editLine(s, { full: 'delete' });
    expect(s).toEqual({ value: 'bd', cursor: 0 });
    s = editLine({ value: 'one two three', cursor: 13 }, { full: 'C-w' });
    expect(s).toEqual({ value: 'one two ', cursor: 8 });
    expect(editLine(s, { full: 'C-u' })).toEqual({ value: '', cursor: 0 });
    expect(editLine(s, {}, '\x07')).toEqual(s); // control characters are not text
  });
  it('shows the cursor end of a long line and masks secrets', () => {
    expect(visiblePart({ value: 'abcdefghij', cursor: 10 }, 5, false)).toMatchObject({ text: 'ghij', cursorX: 4 });
    expect(visiblePart({ value: 'secret', cursor: 6 }, 20, true).text).toBe('******');
  });
});

describe('text layout', () => {
  it('wraps at word boundaries and keeps short lines as written', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('  a   b', 20)).toEqual(['  a   b']);
    expect(wrap('x'.repeat(12), 5)).toEqual(['xxxxx', 'xxxxx', 'xx']);
    expect(wrap('   -> one two three', 12)).toEqual(['   -> one', '      two', '      three']); // hanging indent, under the text
  });
  it('a wrapped row keeps its column spacing, and its continuation starts under its text column', () => {
    // the management network test's rows (diag checkLines), at the dialog's text width (72)
    const fail = 'FAIL  DNS server 2001:db8::53 answers: no answer within 2 s; from resolv.conf, netplan (eth0)';
    expect(wrap(fail, 72)).toEqual(['FAIL  DNS server 2001:db8::53 answers: no answer within 2 s; from', '      resolv.conf, netplan (eth0)']);
    const advice = '      -> Check the DNS server address, and that a firewall lets DNS (UDP and TCP port 53) through.';
    expect(wrap(advice, 72)).toEqual(['      -> Check the DNS server address, and that a firewall lets DNS (UDP', '         and TCP port 53) through.']);
    // the Call-Home status rows (a right-aligned tag) and a table row: under the second column
    expect(wrap('  OK  Call-Home Hostname Resolution by DNS (resolved through 192.0.2.1)', 40)).toEqual(['  OK  Call-Home Hostname Resolution by', '      DNS (resolved through 192.0.2.1)']);
    expect(wrap('eth0    192.0.2.10/24  up    management port of the appliance', 40)).toEqual(['eth0    192.0.2.10/24  up    management', '        port of the appliance']);
    // spaces inside a row that wraps are kept as written, only the break eats them
    expect(wrap('SKIP  a   b  c ddd', 12)).toEqual(['SKIP  a   b', '      c ddd']);
    // a long word on a continuation row is cut after the indent; an indent wider than half the
    // row falls back to the line's own indentation
    expect(wrap('FAIL  x ' + 'y'.repeat(20), 16)).toEqual(['FAIL  x yyyyyyyy', '      yyyyyyyyyy', '      yy']);
    expect(wrap('a-very-long-first-field  one two', 20)).toEqual(['a-very-long-first-fi', 'eld  one two']);
    // plain prose is unchanged: no column, no indent
    expect(wrap('The management network has a problem: Default gateway answers; DNS server.', 40)).toEqual(['The management network has a problem:', 'Default gateway answers; DNS server.']);
  });
  it('aligns a table', () => {
    expect(table(['#', 'Server'], [['1', 'a.example']], 40)).toEqual(['#  Server', '-  ---------', '1  a.example']);
  });
});

describe('pager source', () => {
  it('reads lines on demand from a large file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-pager-'));
    const f = join(dir, 'big.log');
    writeFileSync(f, Array.from({ length: 200_000 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    const p = new FileLines(f);
    expect(p.lines(0, 2)).toEqual(['line 1', 'line 2']);
    expect(p.total).toBeUndefined(); // not scanned to the end yet
    expect(p.lines(150_000, 1)).toEqual(['line 150001']);
    expect(p.count()).toBe(200_000);
    p.close();
  });
});

describe('a file that cannot be read is named, with why', () => {
  it('errno codes become words', async () => {
    const { fileProblem } = await import('../../src/system/files.js');
    expect(fileProblem('/r/x', { code: 'EACCES' }).message).toBe('Cannot read /r/x: permission denied (run sudo confconsole)');
    expect(fileProblem('/r/x', { code: 'EISDIR' }).message).toBe('Cannot read /r/x: it is a directory, not a file');
    expect(fileProblem('/r/x', new Error('odd')).message).toBe('Cannot read /r/x: odd');
  });
});

describe('settings and conditions', () => {
  it('parses the INI with defaults', () => {
    const s = parseSettings('[ntp]\nservers = "a.example b.example"\n');
    expect(s.ntp.servers).toEqual(['a.example', 'b.example']);
    expect(s.appliance).toEqual({ profile: 'appliance', demo: false });
    expect(() => parseSettings('[appliance]\nprofile = toaster\n', '/r/etc/confconsole/appliance.ini')).toThrow(Problem);
    expect(() => parseSettings('[appliance]\nprofile = toaster\n', '/r/etc/confconsole/appliance.ini')).toThrow(/^\/r\/etc\/confconsole\/appliance.ini line 2: in \[appliance\], profile must be one of appliance, vsensor, not "toaster"; it is not used/);
  });
  it('needs-root holds only for a non-root user outside the demo', () => {
    expect(conditions({ demo: false, uid: 1000 })['needs-root']).toMatch(/root rights/);
    expect(conditions({ demo: false, uid: 0 })['needs-root']).toBeUndefined();
    expect(conditions({ demo: true, uid: 1000 })['needs-root']).toBeUndefined();
  });
});

describe('NTP view: every source with its origin and what chronyd does with it', () => {
  it('marks ours, chrony.conf lines, DHCP, other files and daemon-only sources; a pool lists the servers it gave', async () => {
    const { ntpView } = await import('../../src/features/ntp/index.js');
    const live = (name: string, address: string, state: string, reach = '377') => ({ mode: 'server', state, name, address, stratum: 2, reach });
    const src = (name: string, kind: string, origin: 'ours' | 'line' | 'dhcp' | 'file' | 'daemon', file: string, line: number, daemon: ReturnType<typeof live>[] = []) => ({ name, kind, origin, file, line, text: '', options: '', daemon });
    const st = {
      servers: ['2.debian.pool.ntp.org', 'ntp.site.example'],
      sources: [
        src('2.debian.pool.ntp.org', 'pool', 'ours', '/etc/chrony/chrony.conf', 8, [live('2.debian.pool.ntp.org', '192.0.2.1', 'selected'), live('2.debian.pool.ntp.org', '192.0.2.2', 'combined')]),
        src('ntp.site.example', 'server', 'ours', '/etc/chrony/chrony.conf', 9, []),
        src('192.0.2.9', 'peer', 'line', '/etc/chrony/chrony.conf', 12, [live('192.0.2.9', '192.0.2.9', 'not usable', '0')]),
        src('192.0.2.7', 'server', 'dhcp', '/run/chrony-dhcp/eth0.sources', 1, [live('192.0.2.7', '192.0.2.7', 'combined')]),
        src('ntp.other.example', 'server', 'file', '/etc/chrony/conf.d/site.conf', 3),
        src('198.51.100.4', 'server', 'daemon', '', 0, [live('198.51.100.4', '198.51.100.4', 'not combined', '17')]),
      ],
      daemon: { running: true, asked: true },
      problems: [],
    };
    const v = ntpView(st);
    expect(v.text).toBe('2 NTP server(s) set here, and 4 other source(s) chrony also uses.\nchronyd is running: the last column is what it does with each source.');
    expect(v.rows).toEqual([
      ['1', '2.debian.pool.ntp.org', 'pool', 'set here', '192.0.2.1 selected; 192.0.2.2 combined'],
      ['2', 'ntp.site.example', 'server', 'set here', 'not used'],
      ['3', '192.0.2.9', 'peer', 'chrony.conf line 12', 'not usable, reach 0'],
      ['4', '192.0.2.7', 'server', 'DHCP eth0.sources:1', 'combined, reach 377'],
      ['5', 'ntp.other.example', 'server', 'file conf.d/site.conf:3', 'not used'],
      ['6', '198.51.100.4', 'server', 'daemon only', 'not combined, reach 17'],
    ]);
    const down = ntpView({ ...st, daemon: { running: false, asked: false, error: 'the demo appliance has no chronyd to ask' }, problems: ['cannot read /etc/chrony/x.conf: Permission denied'] });
    expect(down.text.split('\n').slice(1)).toEqual(['chronyd was not asked: the demo appliance has no chronyd to ask.', 'cannot read /etc/chrony/x.conf: Permission denied']);
    expect(down.rows.map((r) => r[4])).toEqual(['-', '-', '-', '-', '-', '-']);
  });
});

describe('title bar', () => {
  it('always keeps the DEMO marker, shortening the path from its start', async () => {
    const { demoBanner } = await import('../../src/ui/layout.js');
    expect(demoBanner(undefined, 40)).toBe('');
    expect(demoBanner('/tmp/d', 60)).toBe('DEMO appliance (files in /tmp/d) ');
    const long = demoBanner('/root/.local/state/confconsole/demo-root', 40);
    expect(long.startsWith('DEMO (files in ...')).toBe(true);
    expect(long.endsWith('demo-root) ')).toBe(true);
    expect(long.length).toBeLessThanOrEqual(40);
    expect(demoBanner('/root/.local/state/confconsole/demo-root', 10)).toBe('DEMO ');
  });
});

describe('layout of a text longer than the screen', () => {
  it('the last row says where the reader is, and never covers the text', async () => {
    const { layout } = await import('../../src/ui/layout.js');
    const text = Array.from({ length: 40 }, (_, i) => `row ${i + 1}`).join('\n');
    const chrome = { hostname: 'h', consoleName: 'C', breadcrumb: [] };
    const rowsOf = (scroll: number) =>
      layout({ kind: 'message', title: 'T', text, ok: undefined }, { identity: '', button: 0, scroll, edits: [], spin: 0 }, { cols: 80, rows: 24 }, chrome, 0).dialog!.rows.map((r) => r.map((x) => x.text).join(''));
    const top = rowsOf(0);
    expect(top.some((r) => r.includes('row 16'))).toBe(true);
    expect(top.find((r) => r.includes('[more below: Down'))).toMatch(/^\s+\[more below: Down, \d+% shown\]\s*$/);
    const end = rowsOf(99);
    expect(end.some((r) => r.includes('row 40'))).toBe(true);
    expect(end.some((r) => r.includes('[end: Up scrolls back]'))).toBe(true);
  });
});

describe('input decoding', () => {
  it('Esc and a key read together are Esc then the key; a split arrow is still an arrow', async () => {
    const { vi } = await import('vitest');
    const { EscDecoder } = await import('../../src/ui/input.js');
    vi.useFakeTimers();
    try {
      const got: string[] = [];
      const d = new EscDecoder((ch, key) => got.push(key.full ?? ch ?? '?'));
      d.feed(undefined, { name: '1', full: 'M-1', meta: true, sequence: '\x1b1' });
      expect(got).toEqual(['escape', '1']);
      d.feed(undefined, { name: 'escape', full: 'M-escape', meta: true, sequence: '\x1b\x1b' });
      vi.advanceTimersByTime(100);
      expect(got).toEqual(['escape', '1', 'escape', 'escape']);
      d.feed('\x1b', { name: 'escape', full: 'escape', sequence: '\x1b' });
      d.feed('[', { name: undefined, full: '[', sequence: '[' } as never);
      d.feed('A', { name: 'a', full: 'S-a', sequence: 'A' });
      expect(got.at(-1)).toBe('up');
      expect(d.waiting).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('keys in a dialog', () => {
  it('moving in a menu (arrow or digit) puts the focus back on Select; Tab moves it', async () => {
    const { handleKey } = await import('../../src/ui/dialogs.js');
    const menu = { kind: 'menu' as const, title: 'T', items: [{ key: '1', label: 'A' }, { key: '2', label: 'B' }], selected: 0, root: true };
    const local = { identity: 'x', button: 1, scroll: 0, edits: [], spin: 0 };
    const k = { pageHeight: 10 };
    expect(handleKey(menu, local, { full: '2', name: '2' }, '2', k)).toEqual({ local: { ...local, button: 0 }, events: [{ type: 'hotkey', key: '2' }] });
    expect(handleKey(menu, local, { full: 'down', name: 'down' }, undefined, k).local.button).toBe(0);
    expect(handleKey(menu, { ...local, button: 0 }, { full: 'tab', name: 'tab' }, undefined, k)).toEqual({ local: { ...local, button: 1 }, events: [] });
    expect(handleKey(menu, local, { full: 'enter', name: 'enter' }, undefined, k).events).toEqual([{ type: 'cancel' }]);
  });

  it('a form: Enter goes to the next field in play, submits on the last one and on OK, cancels on Cancel; a letter picks a choice', async () => {
    const { handleKey } = await import('../../src/ui/dialogs.js');
    const form = {
      kind: 'form' as const,
      title: 'F',
      fields: [
        { name: 'a', label: 'A', value: 'x', masked: false },
        { name: 'm', label: 'M', value: 'no', masked: false, choices: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] },
        { name: 'b', label: 'B', value: '', masked: false, when: { field: 'm', is: ['yes'] } },
        { name: 'c', label: 'C', value: 'z', masked: false },
      ],
    };
    const edits = form.fields.map((f) => ({ value: f.value, cursor: 0 }));
    const at = (button: number, e = edits) => ({ identity: 'f', button, scroll: 0, edits: e, spin: 0 });
    const enter = { full: 'enter', name: 'enter' };
    const k = { pageHeight: 10 };
    expect(handleKey(form, at(0), enter, undefined, k)).toEqual({ local: at(1), events: [] });
    expect(handleKey(form, at(1), enter, undefined, k).local.button).toBe(3); // B is out of play (M is No)
    const yes = handleKey(form, at(1), { full: 'y', name: 'y' }, 'y', k).local.edits;
    expect(yes[1]?.value).toBe('yes');
    expect(handleKey(form, at(1, yes), enter, undefined, k).local.button).toBe(2); // now B is in play
    const values = { a: 'x', m: 'no', b: '', c: 'z' };
    expect(handleKey(form, at(3), enter, undefined, k).events).toEqual([{ type: 'submit', values }]);
    expect(handleKey(form, at(4), enter, undefined, k).events).toEqual([{ type: 'submit', values }]);
    expect(handleKey(form, at(5), enter, undefined, k).events).toEqual([{ type: 'cancel' }]);
  });
});

describe('choiceWindow: the choices of a field that do not fit one line', () => {
  it('shows them all when they fit', () => {
    expect(choiceWindow([10, 10, 10], 1, 36)).toEqual([0, 3]);
  });
  it('keeps the chosen one in a window of whole choices, with room for < and >, for every choice and width', () => {
    // a bond's seven modes: "(*) balance-rr" ... at 74 and 40 columns
    const ws = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'].map((m) => m.length + 4);
    for (const w of [20, 40, 74]) {
      for (let sel = 0; sel < ws.length; sel++) {
        const [from, to] = choiceWindow(ws, sel, w);
        expect(from <= sel && sel < to, `${w}/${sel}`).toBe(true);
        const used = ws.slice(from, to).reduce((n, x, i) => n + x + (i ? 3 : 0), 0) + (from > 0 ? 2 : 0) + (to < ws.length ? 2 : 0);
        // a single choice wider than the line is shown alone (cut by the row)
        if (to - from > 1) expect(used, `${w}/${sel}`).toBeLessThanOrEqual(w);
      }
    }
  });
});
