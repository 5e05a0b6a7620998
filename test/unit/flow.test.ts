import { describe, expect, it } from 'vitest';
import { drive } from '../support/drive.js';
import { init, top } from '../../src/flow/model.js';
import { breadcrumb, mask, view } from '../../src/flow/view.js';
import { loadTree } from '../../src/menu/load.js';


const start = (conditions: Record<string, string> = {}) => drive(init(loadTree('appliance'), conditions), { type: 'ok' }).m;

describe('navigation', () => {
  it('starts with the welcome note over the main menu', () => {
    const m = init(loadTree('appliance'));
    expect(view(m)).toMatchObject({ kind: 'message', title: 'Welcome' });
    expect(view(start())).toMatchObject({ kind: 'menu', title: 'Console Setup', selected: 0, root: true });
  });

  it('moves, clamps, jumps by hotkey, opens and goes back', () => {
    let { m } = drive(start(), { type: 'up' });
    expect(view(m)).toMatchObject({ selected: 0 });
    m = drive(m, { type: 'down' }, { type: 'down' }, { type: 'down' }).m;
    expect(view(m)).toMatchObject({ selected: 2 });
    m = drive(m, { type: 'hotkey', key: '3' }).m;
    expect(view(m)).toMatchObject({ selected: 1 });
    m = drive(m, { type: 'hotkey', key: '7' }).m; // no such item: nothing moves
    expect(view(m)).toMatchObject({ selected: 1 });
    m = drive(m, { type: 'hotkey', key: '1' }, { type: 'ok' }).m;
    expect(view(m)).toMatchObject({ kind: 'menu', title: 'Network Settings', root: false });
    expect(breadcrumb(m)).toEqual(['Console Setup', 'Network Settings']);
    m = drive(m, { type: 'cancel' }).m;
    expect(view(m)).toMatchObject({ kind: 'menu', title: 'Console Setup', selected: 0 });
  });

  it('Esc on the top menu asks before leaving; yes exits', () => {
    let r = drive(start(), { type: 'cancel' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Leave the Appliance Console?' });
    r = drive(r.m, { type: 'no' });
    expect(view(r.m)).toMatchObject({ kind: 'menu', root: true });
    r = drive(r.m, { type: 'cancel' }, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'exit' }]);
    expect(r.m.done).toBe(true);
  });

  it('a disabled item says why and does nothing else', () => {
    const r = drive(start({ 'needs-root': 'changes need root rights' }), { type: 'hotkey', key: '5' }, { type: 'ok' }, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'message', text: 'Not available: changes need root rights' });
    expect(r.effects).toEqual([]);
    const menu = drive(r.m, { type: 'ok' }).m;
    expect(view(menu)).toMatchObject({ kind: 'menu', items: [{ label: 'Restart all services', disabled: 'changes need root rights' }, {}, {}] });
  });

  it('hidden items are not shown and hotkeys skip them', () => {
    const t = loadTree('appliance');
    t.menu.items[1] = { ...t.menu.items[1]!, hiddenIf: 'demo' };
    const m = drive(init(t, { demo: 'yes' }), { type: 'ok' }).m;
    expect(view(m)).toMatchObject({ items: [{ key: '1' }, { key: '5' }] });
    expect(view(drive(m, { type: 'hotkey', key: '3' }).m)).toMatchObject({ selected: 0 });
  });

  it('help shows the selected item help, then returns', () => {
    const r = drive(start(), { type: 'help' });
    expect(view(r.m)).toMatchObject({ kind: 'message', title: 'Help', text: 'Network interfaces, NTP settings and traffic analysis.' });
    expect(view(drive(r.m, { type: 'ok' }).m)).toMatchObject({ kind: 'menu' });
  });
});

describe('the change-a-setting flow (NTP)', () => {
  const toChange = () => drive(start(), { type: 'ok' }, { type: 'hotkey', key: '4' }, { type: 'ok' }, { type: 'hotkey', key: '2' }, { type: 'ok' });

  it('F1 on the form lists every field with its help; what was typed is there when the help closes', () => {
    let r = drive(toChange().m, { type: 'yes' }, { type: 'loaded', values: { servers: 'a.example' } });
    r = drive(r.m, { type: 'help', values: { servers: 'typed.example 192.0.2.9' } });
    expect(view(r.m)).toMatchObject({ kind: 'message', title: 'Help', text: expect.stringMatching(/NTP servers: Host names, IPv4 or IPv6 addresses/) });
    r = drive(r.m, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ name: 'servers', value: 'typed.example 192.0.2.9' }] });
    expect(r.effects).toEqual([]);
  });

  it('confirm → read → form prefilled → bad input kept with message → test → review → apply → done', () => {
    let r = toChange();
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Do you want to change the NTP servers?' });
    r = drive(r.m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'read', op: 'ntp.set' }]);
    r = drive(r.m, { type: 'loaded', values: { servers: 'a.example b.example' } });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ name: 'servers', value: 'a.example b.example' }] });
    r = drive(r.m, { type: 'submit', values: { servers: 'ok.example 999.1.1.1' } });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: 'ok.example 999.1.1.1', error: '"999.1.1.1" is not a valid IPv4 address' }] });
    expect(r.effects).toEqual([]);
    r = drive(r.m, { type: 'submit', values: { servers: 'OK.example  192.0.2.1' } });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: expect.stringContaining('test') });
    r = drive(r.m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'test', op: 'ntp.set', values: { servers: 'ok.example 192.0.2.1' } }]);
    r = drive(r.m, { type: 'line', text: 'ok.example: OK' });
    expect(view(r.m)).toMatchObject({ kind: 'progress', lines: ['ok.example: OK'], cancellable: true });
    r = drive(r.m, { type: 'finished', outcome: { ok: true, summary: 'All 2 answered' } });
    expect(view(r.m)).toMatchObject({ kind: 'message', ok: true });
    r = drive(r.m, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'review', rows: [{ old: 'a.example b.example', new: 'ok.example 192.0.2.1' }] });
    r = drive(r.m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'apply', op: 'ntp.set', values: { servers: 'ok.example 192.0.2.1' } }]);
    expect(view(r.m)).toMatchObject({ kind: 'progress', cancellable: false });
    r = drive(r.m, { type: 'cancel' }); // not cancellable: ignored
    expect(r.effects).toEqual([]);
    r = drive(r.m, { type: 'finished', outcome: { ok: true, summary: 'set' } });
    expect(view(r.m)).toMatchObject({ kind: 'message', text: expect.stringContaining('Done: the NTP servers are set.') });
    r = drive(r.m, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'menu', title: 'NTP Settings' });
  });

  it('a failed test asks to continue; No returns to the kept input', () => {
    let r = drive(toChange().m, { type: 'yes' }, { type: 'loaded', values: { servers: 'x.example' } }, { type: 'submit', values: { servers: 'y.example' } }, { type: 'yes' });
    r = drive(r.m, { type: 'finished', outcome: { ok: false, summary: '0 of 1 answered', details: ['y.example: FAILED'] } });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', defaultNo: true, text: expect.stringContaining('Continue anyway?') });
    r = drive(r.m, { type: 'no' });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: 'y.example' }] });
  });

  it('cancelling a running test aborts it and returns to the input', () => {
    const r = drive(toChange().m, { type: 'yes' }, { type: 'loaded', values: { servers: 'x.example' } }, { type: 'submit', values: { servers: 'y.example' } }, { type: 'yes' }, { type: 'cancel' });
    expect(r.effects.at(-1)).toEqual({ type: 'abort' });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: 'y.example' }] });
  });

  it('the same values again: "Nothing changes", OK back to the form, nothing applied', () => {
    let r = drive(toChange().m, { type: 'yes' }, { type: 'loaded', values: { servers: 'x.example' } }, { type: 'submit', values: { servers: 'x.example' } }, { type: 'no' });
    expect(view(r.m)).toMatchObject({ kind: 'message', text: expect.stringContaining('Nothing changes: these are the current settings.') });
    r = drive(r.m, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: 'x.example' }] });
    expect(r.effects.some((e) => e.type === 'apply')).toBe(false);
  });

  it('review No goes back to edit; Esc leaves the flow without applying', () => {
    let r = drive(toChange().m, { type: 'yes' }, { type: 'loaded', values: { servers: 'x.example' } }, { type: 'submit', values: { servers: 'y.example' } }, { type: 'no' });
    expect(view(r.m)).toMatchObject({ kind: 'review' });
    r = drive(r.m, { type: 'no' });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: 'y.example' }] });
    r = drive(r.m, { type: 'submit', values: { servers: 'y.example' } }, { type: 'no' }, { type: 'cancel' });
    expect(r.effects.some((e) => e.type === 'apply')).toBe(false);
    expect(view(r.m)).toMatchObject({ kind: 'menu' });
  });

  it('a failed apply shows the cause; a failed read ends the flow with the message', () => {
    let r = drive(toChange().m, { type: 'yes' }, { type: 'failed', message: 'settings are invalid' });
    expect(view(r.m)).toMatchObject({ kind: 'message', text: 'Error: settings are invalid', ok: false });
    r = drive(toChange().m, { type: 'yes' }, { type: 'loaded', values: { servers: 'x.example' } }, { type: 'submit', values: { servers: 'y.example' } }, { type: 'no' }, { type: 'yes' });
    r = drive(r.m, { type: 'finished', outcome: { ok: false, summary: 'chrony did not restart; previous settings restored' } });
    expect(view(r.m)).toMatchObject({ kind: 'message', ok: false, text: expect.stringContaining('Failed: chrony did not restart') });
    // OK goes back to the form with what was entered, to be corrected or tried again
    expect(view(r.m)).toMatchObject({ text: expect.stringContaining('OK goes back to the form, with what you entered.') });
    r = drive(r.m, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: 'y.example' }] });
    expect(r.effects).toEqual([]);
  });
});

describe('command flows and views', () => {
  it('restart services: confirm then apply with no input', () => {
    let r = drive(start(), { type: 'hotkey', key: '5' }, { type: 'ok' }, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: expect.stringContaining('Restart all services now?') });
    r = drive(r.m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'apply', op: 'services.restart', values: {} }]);
  });
  it('reboot and shutdown default to No and name the consequence', () => {
    const r = drive(start(), { type: 'hotkey', key: '5' }, { type: 'ok' }, { type: 'hotkey', key: '3' }, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', defaultNo: true, text: expect.stringContaining('disconnected') });
    const s = drive(start(), { type: 'hotkey', key: '5' }, { type: 'ok' }, { type: 'hotkey', key: '4' }, { type: 'ok' });
    expect(view(s.m)).toMatchObject({ kind: 'yesno', defaultNo: true, text: expect.stringContaining('stays off') });
  });
  it('view flows ask for show and display the result', () => {
    let r = drive(start(), { type: 'ok' }, { type: 'hotkey', key: '4' }, { type: 'ok' }, { type: 'ok' });
    expect(r.effects).toEqual([{ type: 'show', op: 'ntp.show' }]);
    r = drive(r.m, { type: 'shown', shown: { kind: 'text', text: 'none' } });
    expect(view(r.m)).toMatchObject({ kind: 'shown', shown: { kind: 'text', text: 'none' } });
    expect(top(drive(r.m, { type: 'cancel' }).m)).toMatchObject({ kind: 'menu' });
  });
  it('a late answer after leaving a flow does not change the screen', () => {
    const r = drive(start(), { type: 'ok' }, { type: 'hotkey', key: '4' }, { type: 'ok' }, { type: 'ok' }, { type: 'cancel' });
    expect(r.effects.at(-1)).toEqual({ type: 'abort' });
    const after = drive(r.m, { type: 'shown', shown: { kind: 'text', text: 'late' } });
    expect(view(after.m)).toMatchObject({ kind: 'menu', title: 'NTP Settings' });
  });
  it('masks secrets as label:****', () => {
    expect(mask('site1:abcdef')).toBe('site1:****');
    expect(mask('abcdef')).toBe('****');
    expect(mask('')).toBe('(not set)');
  });
});
