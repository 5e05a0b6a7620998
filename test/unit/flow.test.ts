// The pure flow on small trees of its own: navigation, and each flow kind step by step.
import { describe, expect, it } from 'vitest';
import type { Effect, Event } from '../../src/flow/events.js';
import { init, top } from '../../src/flow/model.js';
import { initEffects, refreshAfter } from '../../src/flow/update.js';
import { breadcrumb, mask, view } from '../../src/flow/view.js';
import type { Field } from '../../src/menu/types.js';
import { ipv4 } from '../../src/rules/network.js';
import { hmacToken } from '../../src/rules/tokens.js';
import { diagHost, packetCount } from '../../src/rules/diag.js';
import { MAX_RUN_LINES } from '../../src/flow/flows.js';
import { drive } from '../support/drive.js';
import { fakeOp, flowItem, ok, sub, text, tinyTree } from '../support/fakes.js';

const noop = async () => ok();
const shows = fakeOp('t.show', { show: async () => text('x') });
const writes = fakeOp('t.write', { apply: noop });
const formOp = fakeOp('t.form', { read: async () => ({}), apply: noop, test: noop, check: async () => ({ errors: {} }) });
const asks = fakeOp('t.ask', { ask: async () => ({ question: '?' }), apply: noop });
const runs = fakeOp('t.run', { run: noop });

const nameField: Field = { name: 'addr', label: 'Address', short: 'Addr', rule: ipv4, help: 'An address.' };

describe('navigation', () => {
  const tree = tinyTree([
    flowItem('1', 'View', { kind: 'view', op: shows }),
    { key: '3', label: 'More', help: 'A submenu.', menu: sub('More things', [flowItem('1', 'Write', { kind: 'do', op: writes, confirm: 'Sure?' })]) },
    flowItem('5', 'Last', { kind: 'view', op: shows }),
  ]);

  it('starts with the welcome note over the top menu when there is one, and asks for its state', () => {
    const m = init({ ...tree, welcome: 'Hello.', status: shows });
    expect(view(m)).toMatchObject({ kind: 'message', title: 'Welcome', text: 'Hello.' });
    expect(initEffects(m)).toEqual([{ type: 'status', op: shows, context: {} }]);
    expect(view(drive(m, { type: 'status', shown: text('Capture is on.') }).m)).toMatchObject({ text: 'Hello.\n\nCapture is on.' });
    expect(view(drive(m, { type: 'ok' }).m)).toMatchObject({ kind: 'menu', title: 'Top', selected: 0, root: true });
  });

  it('moves, clamps, jumps by hotkey, opens and goes back', () => {
    let { m } = drive(init(tree), { type: 'up' });
    expect(view(m)).toMatchObject({ selected: 0 });
    m = drive(m, { type: 'down' }, { type: 'down' }, { type: 'down' }).m;
    expect(view(m)).toMatchObject({ selected: 2 });
    m = drive(m, { type: 'hotkey', key: '3' }).m;
    expect(view(m)).toMatchObject({ selected: 1 });
    m = drive(m, { type: 'hotkey', key: '7' }).m; // no such item: nothing moves
    expect(view(m)).toMatchObject({ selected: 1 });
    m = drive(m, { type: 'ok' }).m;
    expect(view(m)).toMatchObject({ kind: 'menu', title: 'More things', root: false });
    expect(breadcrumb(m)).toEqual(['Top', 'More things']);
    m = drive(m, { type: 'cancel' }).m;
    expect(view(m)).toMatchObject({ kind: 'menu', title: 'Top', selected: 1 });
  });

  it('Esc on the top menu asks before leaving; yes exits', () => {
    let r = drive(init(tree), { type: 'cancel' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Leave the Test Console?' });
    r = drive(r.m, { type: 'no' });
    expect(view(r.m)).toMatchObject({ kind: 'menu', root: true });
    r = drive(r.m, { type: 'cancel' }, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'exit' }]);
    expect(r.m.done).toBe(true);
  });

  it('what writes is disabled without root rights, derived from its flow kind, and says why', () => {
    const why = { 'needs-root': 'changes need root rights' };
    const m = drive(init(tree, why), { type: 'hotkey', key: '3' }, { type: 'ok' }).m;
    expect(view(m)).toMatchObject({ kind: 'menu', items: [{ label: 'Write', disabled: 'changes need root rights' }] });
    const r = drive(m, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'message', text: 'Not available: changes need root rights' });
    expect(r.effects).toEqual([]);
    // a view is never disabled by it
    expect(view(init(tree, why))).toMatchObject({ items: [{ label: 'View' }, { label: 'More' }, { label: 'Last' }] });
    expect((view(init(tree, why)) as { items: object[] }).items[0]).not.toHaveProperty('disabled');
  });

  it('hidden items are not shown and hotkeys skip them', () => {
    const t = tinyTree([flowItem('1', 'A', { kind: 'view', op: shows }), flowItem('3', 'B', { kind: 'view', op: shows }, { hiddenIf: 'demo' }), flowItem('5', 'C', { kind: 'view', op: shows })]);
    const m = init(t, { demo: 'yes' });
    expect(view(m)).toMatchObject({ items: [{ key: '1' }, { key: '5' }] });
    expect(view(drive(m, { type: 'hotkey', key: '3' }).m)).toMatchObject({ selected: 0 });
  });

  it('help shows the selected item help (and a disabled item\'s reason), then returns', () => {
    const r = drive(init(tree, { 'needs-root': 'no root' }), { type: 'help' });
    expect(view(r.m)).toMatchObject({ kind: 'message', title: 'Help', text: 'View: help.' });
    expect(view(drive(r.m, { type: 'ok' }).m)).toMatchObject({ kind: 'menu' });
  });

  it('a bug on a menu is said as an internal error over it; OK goes back', () => {
    const r = drive(init(tree), { type: 'internal', message: 'boom', log: '/x/console.log' });
    expect(view(r.m)).toMatchObject({ kind: 'message', title: 'Internal error', ok: false, text: expect.stringContaining('details are in /x/console.log') });
    expect(view(drive(r.m, { type: 'ok' }).m)).toMatchObject({ kind: 'menu', title: 'Top' });
  });
});

describe('view', () => {
  const t = tinyTree([flowItem('1', 'Look', { kind: 'view', op: shows }), flowItem('2', 'Watch', { kind: 'view', op: shows, every: 1 })]);
  it('asks for what to show and displays it; a late answer after leaving changes nothing', () => {
    let r = drive(init(t), { type: 'ok' });
    expect(r.effects).toEqual([{ type: 'show', op: shows, context: {} }]);
    expect(view(r.m)).toMatchObject({ kind: 'progress' });
    const left = drive(r.m, { type: 'cancel' });
    expect(left.effects).toEqual([{ type: 'abort' }]);
    expect(view(drive(left.m, { type: 'shown', shown: text('late') }).m)).toMatchObject({ kind: 'menu' });
    r = drive(r.m, { type: 'shown', shown: text('none') });
    expect(view(r.m)).toMatchObject({ kind: 'shown', shown: { kind: 'text', text: 'none' } });
    expect(refreshAfter(r.m)).toBeUndefined();
    expect(top(drive(r.m, { type: 'ok' }).m)).toMatchObject({ kind: 'menu' });
  });
  it('a live view declares its interval: refresh reads it again, and the new answer replaces the old', () => {
    let r = drive(init(t), { type: 'down' }, { type: 'ok' }, { type: 'shown', shown: text('1 packet') });
    expect(refreshAfter(r.m)).toBe(1);
    r = drive(r.m, { type: 'refresh' });
    expect(r.effects).toEqual([{ type: 'show', op: shows, context: {} }]);
    r = drive(r.m, { type: 'shown', shown: text('2 packets') });
    expect(view(r.m)).toMatchObject({ kind: 'shown', shown: { text: '2 packets' } });
  });
  it('a menu whose state asks to be read again says so as data (refresh seconds)', () => {
    const m = init(tinyTree([flowItem('1', 'A', { kind: 'view', op: shows })], { menu: { title: 'Top', status: shows, items: [flowItem('1', 'A', { kind: 'view', op: shows })] } }));
    expect(refreshAfter(drive(m, { type: 'status', shown: text('rolls back in 99 s') }).m)).toBeUndefined();
    const counting = drive(m, { type: 'status', shown: text('anything', { refresh: 5 }) }).m;
    expect(refreshAfter(counting)).toBe(5);
    expect(drive(counting, { type: 'refresh' }).effects).toEqual([{ type: 'status', op: shows, context: {} }]);
  });
});

describe('do: confirm, apply, result', () => {
  const t = tinyTree([
    flowItem('1', 'Restart', { kind: 'do', op: writes, confirm: 'Restart now?', progress: 'Restarting', done: 'Done: restarted.' }),
    flowItem('2', 'Reboot', { kind: 'do', op: writes, confirm: 'Reboot?', defaultNo: true }),
    flowItem('3', 'Toggle', { kind: 'do', op: asks, confirm: 'ask' }),
  ]);
  it('confirm, then apply with no input, with progress lines, then the result', () => {
    let r = drive(init(t), { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Restart now?', defaultNo: false });
    r = drive(r.m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'apply', op: writes, values: {} }]);
    r = drive(r.m, { type: 'line', text: 'x: restarted' });
    expect(view(r.m)).toMatchObject({ kind: 'progress', title: 'Restarting', lines: ['x: restarted'], cancellable: false });
    expect(drive(r.m, { type: 'cancel' }).effects).toEqual([]); // not cancellable: ignored
    r = drive(r.m, { type: 'finished', outcome: ok('All 2 services restarted') });
    expect(view(r.m)).toMatchObject({ kind: 'message', ok: true, text: 'Done: restarted.\nAll 2 services restarted' });
  });
  it('what cannot be undone starts on No', () => {
    expect(view(drive(init(t), { type: 'down' }, { type: 'ok' }).m)).toMatchObject({ kind: 'yesno', defaultNo: true });
  });
  it('a question read from the state; or why it cannot be done now (OK only, nothing applied)', () => {
    let r = drive(init(t), { type: 'hotkey', key: '3' }, { type: 'ok' });
    expect(r.effects).toEqual([{ type: 'ask', op: asks, context: {} }]);
    r = drive(r.m, { type: 'asked', asked: { question: 'Call-Home is disabled. Enable it?' } });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Call-Home is disabled. Enable it?' });
    expect(drive(r.m, { type: 'yes' }).effects).toEqual([{ type: 'apply', op: asks, values: {} }]);
    const blocked = drive(init(t), { type: 'hotkey', key: '3' }, { type: 'ok' }, { type: 'asked', asked: { blocked: 'Disable it first.' } });
    expect(view(blocked.m)).toMatchObject({ kind: 'shown', shown: { text: 'Disable it first.' } });
    expect(drive(blocked.m, { type: 'ok' }).effects).toEqual([]);
  });
  it('an expected failure ends the flow with its message; a bug with where its details are', () => {
    expect(view(drive(init(t), { type: 'ok' }, { type: 'yes' }, { type: 'failed', message: 'settings are invalid' }).m)).toMatchObject({ kind: 'message', ok: false, text: 'Error: settings are invalid' });
    const bug = view(drive(init(t), { type: 'ok' }, { type: 'yes' }, { type: 'internal', message: 'x is undefined', log: '/r/var/log/confconsole/console.log' }).m);
    expect(bug).toMatchObject({ kind: 'message', ok: false, text: expect.stringMatching(/^Internal error: x is undefined[\s\S]*\/r\/var\/log\/confconsole\/console.log/) });
  });
});

describe('form: fields, rules, check, test, review, apply', () => {
  const fields: Field[] = [nameField];
  const t = tinyTree([flowItem('1', 'Change', { kind: 'form', op: formOp, confirm: 'Change it?', fields, check: true, test: 'Test {addr}?', question: 'Apply {addr}?' })]);
  const toForm = () => drive(init(t), { type: 'ok' }, { type: 'yes' }, { type: 'loaded', values: { addr: '192.0.2.1' } });

  it('confirm → read → form prefilled → bad input kept with the message at its field', () => {
    let r = drive(init(t), { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Change it?' });
    r = drive(r.m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'read', op: formOp, context: {} }]);
    r = drive(r.m, { type: 'loaded', values: { addr: '192.0.2.1' } });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ name: 'addr', value: '192.0.2.1' }] });
    r = drive(r.m, { type: 'submit', values: { addr: '999.1.1.1' } });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: '999.1.1.1', error: expect.stringContaining('not an IPv4 address') }] });
    expect(r.effects).toEqual([]);
  });
  it('check errors go to their fields; warnings reach the review', () => {
    let r = drive(toForm().m, { type: 'submit', values: { addr: '192.0.2.255' } });
    expect(r.effects).toEqual([{ type: 'check', op: formOp, values: { addr: '192.0.2.255' } }]);
    r = drive(r.m, { type: 'checked', errors: { addr: 'broadcast' } });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: '192.0.2.255', error: 'broadcast' }] });
    r = drive(r.m, { type: 'submit', values: { addr: '192.0.2.9' } }, { type: 'checked', errors: {}, warnings: ['off-subnet gateway'] }, { type: 'no' });
    expect(view(r.m)).toMatchObject({ kind: 'review', warnings: ['off-subnet gateway'], question: 'Apply 192.0.2.9?', rows: [{ label: 'Addr', old: '192.0.2.1', new: '192.0.2.9' }] });
  });
  it('test → review → apply → done; the test can be cancelled; a failed one asks to continue', () => {
    let r = drive(toForm().m, { type: 'submit', values: { addr: '192.0.2.9' } }, { type: 'checked', errors: {} });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Test 192.0.2.9?' });
    r = drive(r.m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'test', op: formOp, values: { addr: '192.0.2.9' } }]);
    expect(view(drive(r.m, { type: 'cancel' }).m)).toMatchObject({ kind: 'form', fields: [{ value: '192.0.2.9' }] });
    const failed = drive(r.m, { type: 'finished', outcome: { ok: false, summary: 'no answer' } });
    expect(view(failed.m)).toMatchObject({ kind: 'yesno', defaultNo: true, text: expect.stringContaining('Continue anyway?') });
    expect(view(drive(failed.m, { type: 'no' }).m)).toMatchObject({ kind: 'form', fields: [{ value: '192.0.2.9' }] });
    r = drive(r.m, { type: 'finished', outcome: ok('answered') }, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'review' });
    r = drive(r.m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'apply', op: formOp, values: { addr: '192.0.2.9' } }]);
    r = drive(r.m, { type: 'finished', outcome: ok('set') });
    expect(view(r.m)).toMatchObject({ kind: 'message', ok: true, text: 'Done.\nSet' });
  });
  it('the same values again: "Nothing changes", OK back to the form, nothing applied', () => {
    let r = drive(toForm().m, { type: 'submit', values: { addr: '192.0.2.1' } }, { type: 'checked', errors: {} }, { type: 'no' });
    expect(view(r.m)).toMatchObject({ kind: 'message', text: expect.stringContaining('Nothing changes') });
    r = drive(r.m, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: '192.0.2.1' }] });
    expect(r.effects.some((e: Effect) => e.type === 'apply')).toBe(false);
  });
  it('a script refusal that names a field goes back to that field, the input kept; another failure says so', () => {
    const toApply = () => drive(toForm().m, { type: 'submit', values: { addr: '192.0.2.9' } }, { type: 'checked', errors: {} }, { type: 'no' }, { type: 'yes' });
    let r = drive(toApply().m, { type: 'finished', outcome: { ok: false, summary: '192.0.2.9 is already in use on eth1', field: 'addr', code: 2 } });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: '192.0.2.9', error: '192.0.2.9 is already in use on eth1' }] });
    r = drive(toApply().m, { type: 'finished', outcome: { ok: false, summary: 'chrony did not restart; previous settings restored', code: 3 } });
    expect(view(r.m)).toMatchObject({ kind: 'message', ok: false, text: expect.stringContaining('OK goes back to the form, with what you entered.') });
    expect(view(drive(r.m, { type: 'ok' }).m)).toMatchObject({ kind: 'form', fields: [{ value: '192.0.2.9' }] });
  });
  it('F1 on the form lists every field with its help; what was typed is there when the help closes', () => {
    let r = drive(toForm().m, { type: 'help', values: { addr: '10.9.9.9' } });
    expect(view(r.m)).toMatchObject({ kind: 'message', title: 'Help', text: 'Change: help.\nAddr: An address.' });
    r = drive(r.m, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: '10.9.9.9' }] });
  });
  it('a secret is never put back in a field, and is masked in the review', () => {
    const secret: Field[] = [
      { name: 'token', label: 'Token', rule: hmacToken, masked: true, help: 'The token.' },
      { name: 'token2', label: 'Again', masked: true, same: 'token', help: 'Again.' },
    ];
    const ts = tinyTree([flowItem('1', 'Set', { kind: 'form', op: formOp, fields: secret })]);
    let r = drive(init(ts), { type: 'ok' }, { type: 'loaded', values: { token: '****' } });
    expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ value: '', masked: true }, { value: '' }] });
    r = drive(r.m, { type: 'submit', values: { token: 'abcdef', token2: 'abcdeg' } });
    expect(view(r.m)).toMatchObject({ fields: [{}, { error: 'The two entries differ: type the same value twice' }] });
    r = drive(r.m, { type: 'submit', values: { token: 'abcdef', token2: 'abcdef' } });
    // typed over a stored one, it masks the same: the row still says it is a change (never "Unchanged: Token ****")
    expect(view(r.m)).toMatchObject({ kind: 'review', rows: [{ label: 'Token', old: '****', new: '**** (typed: replaces the stored one)' }], warnings: ['Token: 6 characters: 20 or more are recommended'] });
  });
  it('a secret typed over a stored one is a change in the review, whatever its mask; a first one is shown masked as it is', () => {
    const secret: Field[] = [{ name: 'token', label: 'Token', rule: (s) => ({ ok: true, value: s }), masked: true, help: 'The token.' }];
    const ts = tinyTree([flowItem('1', 'Set', { kind: 'form', op: formOp, fields: secret })]);
    const reviewOf = (stored: string, typed: string) => view(drive(init(ts), { type: 'ok' }, { type: 'loaded', values: { token: stored } }, { type: 'submit', values: { token: typed } }).m);
    expect(reviewOf('site1:oldsecret', 'site1:newsecret')).toMatchObject({ kind: 'review', rows: [{ old: 'site1:****', new: 'site1:**** (typed: replaces the stored one)' }] });
    expect(reviewOf('in place', 'same-or-not')).toMatchObject({ kind: 'review', rows: [{ old: '****', new: '**** (typed: replaces the stored one)' }] });
    expect(reviewOf('', 'first1234')).toMatchObject({ kind: 'review', rows: [{ old: '(not set)', new: '****' }] });
    expect(reviewOf('site1:old', 'site2:new')).toMatchObject({ kind: 'review', rows: [{ old: 'site1:****', new: 'site2:****' }] });
  });
  it('masks secrets as label:****', () => {
    expect(mask('site1:abcdef')).toBe('site1:****');
    expect(mask('abcdef')).toBe('****');
    expect(mask('')).toBe('(not set)');
  });
});

describe('a menu of entries found on the system, and the commit-confirmed apply', () => {
  const confirm = fakeOp('t.confirm', { apply: noop });
  const rollback = fakeOp('t.rollback', { apply: noop });
  const list = fakeOp('t.list', { items: async () => [], show: async () => text('Pick one.') });
  const change = fakeOp('t.change', { read: async () => ({}), apply: noop });
  const t = tinyTree([
    {
      key: '1',
      label: 'Interfaces',
      help: 'All of them.',
      menu: {
        title: 'Interfaces',
        status: list,
        source: list,
        items: [],
        each: { title: 'Interface {iface}', items: [flowItem('1', 'Change {iface}', { kind: 'form', op: change, confirm: 'Change {iface}?', fields: [nameField], confirmWithin: { confirm, rollback } })] },
      },
    },
  ]);
  const ENTRIES: Event = { type: 'items', items: [{ key: '1', label: 'eth0', context: { iface: 'eth0' } }, { key: '2', label: 'eth1', context: { iface: 'eth1' } }] };
  const toList = () => drive(init(t), { type: 'ok' });
  const toApply = () =>
    drive(toList().m, ENTRIES, { type: 'ok' }, { type: 'ok' }, { type: 'yes' }, { type: 'loaded', values: { addr: '10.0.0.2' } }, { type: 'submit', values: { addr: '10.0.5.7' } }, { type: 'yes' });

  it('asks for its entries and state when opened, and lists them', () => {
    const r = toList();
    expect(r.effects).toEqual([
      { type: 'status', op: list, context: {} },
      { type: 'items', op: list, context: {} },
    ]);
    expect(view(r.m)).toMatchObject({ kind: 'menu', title: 'Interfaces', items: [], text: 'Reading the current settings...' });
    expect(view(drive(r.m, ENTRIES).m)).toMatchObject({ items: [{ key: '1', label: 'eth0' }, { key: '2', label: 'eth1' }] });
  });
  it('an entry opens `each` with its values filled in and passed on; back reads the list again', () => {
    const r = drive(toList().m, ENTRIES, { type: 'hotkey', key: '2' }, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'menu', title: 'Interface eth1', items: [{ label: 'Change eth1' }] });
    expect(view(drive(r.m, { type: 'ok' }).m)).toMatchObject({ kind: 'yesno', text: 'Change eth1?' });
    expect(drive(r.m, { type: 'ok' }, { type: 'yes' }).effects).toEqual([{ type: 'read', op: change, context: { iface: 'eth1' } }]);
    expect(drive(r.m, { type: 'cancel' }).effects).toEqual([
      { type: 'status', op: list, context: {} },
      { type: 'items', op: list, context: {} },
    ]);
  });
  it('a pending change waits for a confirmation before the deadline, naming the new address', () => {
    const r = drive(toApply().m, { type: 'finished', outcome: ok('Applied.', { pending: { deadline: 2_000_000_000, address: '10.0.5.7' } }) });
    expect(view(r.m)).toMatchObject({ kind: 'countdown', deadline: 2_000_000_000, yes: 'Confirm', no: 'Roll back', text: expect.stringContaining('reconnect to 10.0.5.7') });
    expect(drive(r.m, { type: 'yes' }).effects).toEqual([{ type: 'apply', op: confirm, values: { iface: 'eth0' } }]);
    expect(drive(r.m, { type: 'no' }).effects).toEqual([{ type: 'apply', op: rollback, values: { iface: 'eth0' } }]);
    const confirmed = drive(r.m, { type: 'yes' }, { type: 'finished', outcome: ok('Confirmed: the new network settings stay.') });
    expect(view(confirmed.m)).toMatchObject({ kind: 'message', text: 'Confirmed: the new network settings stay.' });
  });
  it('past the deadline it says the previous settings came back; Esc leaves it to the timer', () => {
    const r = drive(toApply().m, { type: 'finished', outcome: ok('Applied.', { pending: { deadline: 2_000_000_000, address: '' } }) });
    expect(view(drive(r.m, { type: 'expired' }).m)).toMatchObject({ kind: 'message', ok: false, text: expect.stringMatching(/not confirmed in time/) });
    const later = drive(r.m, { type: 'cancel' });
    expect(later.effects).toEqual([]);
    expect(view(later.m)).toMatchObject({ kind: 'message', text: expect.stringContaining('confconsole network confirm') });
    expect(top(drive(later.m, { type: 'ok' }).m)).toMatchObject({ kind: 'menu', title: 'Interface eth0' });
  });
});

describe('run: long read-only work', () => {
  const t = tinyTree([flowItem('1', 'Diagnose', { kind: 'run', op: runs, progress: 'Diagnosing' }), flowItem('2', 'Ask first', { kind: 'run', op: runs, confirm: 'Run it?' })]);
  it('streams lines, ends with the result (summary and details)', () => {
    let r = drive(init(t), { type: 'ok' });
    expect(r.effects).toEqual([{ type: 'run', op: runs, values: {} }]);
    r = drive(r.m, { type: 'line', text: 'row 1: OK' }, { type: 'line', text: 'row 2: OK' });
    expect(view(r.m)).toMatchObject({ kind: 'progress', title: 'Diagnosing', lines: ['row 1: OK', 'row 2: OK'], cancellable: true });
    r = drive(r.m, { type: 'finished', outcome: { ok: false, summary: 'Not calling home', details: ['FAIL dns'] } });
    expect(view(r.m)).toMatchObject({ kind: 'message', ok: false, text: 'Failed: Not calling home\n\nFAIL dns' });
  });
  it('Esc cancels at any time: the work is aborted and its result says what was seen', () => {
    let r = drive(init(t), { type: 'ok' }, { type: 'line', text: 'row 1' }, { type: 'cancel' });
    expect(r.effects.at(-1)).toEqual({ type: 'abort' });
    expect(view(r.m)).toMatchObject({ kind: 'progress', note: 'Cancelling...', cancellable: false });
    r = drive(r.m, { type: 'finished', outcome: { ok: false, summary: 'cancelled' } });
    expect(view(r.m)).toMatchObject({ kind: 'message', text: expect.stringContaining('cancelled') });
  });
  it('may ask first', () => {
    const r = drive(init(t), { type: 'down' }, { type: 'ok' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Run it?' });
    expect(drive(r.m, { type: 'yes' }).effects).toEqual([{ type: 'run', op: runs, values: {} }]);
  });

  describe('with fields first (Diagnostic Functions: ping a host)', () => {
    const count: Field = { name: 'count', label: 'Count', rule: packetCount(100), help: '1-100.' };
    const tf = tinyTree([flowItem('1', 'Ping', { kind: 'run', op: runs, fields: [{ ...nameField, name: 'host', rule: diagHost }, count], defaults: { count: '4' }, progress: 'Ping' })]);
    it('the form starts on the defaults; bad values stay at their fields and nothing runs', () => {
      let r = drive(init(tf), { type: 'ok' });
      expect(view(r.m)).toMatchObject({ kind: 'form', fields: [{ name: 'host', value: '' }, { name: 'count', value: '4' }] });
      expect(r.effects).toEqual([]);
      for (const [host, n, bad] of [['-c', '4', 'host'], ['192.0.2.1', '0', 'count'], ['example.com;reboot', '4', 'host'], ['192.0.2.1', '101', 'count'], ['', '4', 'host']] as const) {
        r = drive(init(tf), { type: 'ok' }, { type: 'submit', values: { host, count: n } });
        expect(r.effects).toEqual([]);
        const v = view(r.m);
        expect(v.kind === 'form' && v.fields.find((x) => x.name === bad)?.error, `${host} ${n}`).toBeTruthy();
        expect(v.kind === 'form' && v.fields.find((x) => x.name === 'host')?.value).toBe(host); // input kept
      }
    });
    it('good values run with the normalised values; lines stream; OK on the result is the form again, Esc the menu', () => {
      let r = drive(init(tf), { type: 'ok' }, { type: 'submit', values: { host: 'Example.COM', count: '007' } });
      expect(r.effects).toEqual([{ type: 'run', op: runs, values: { host: 'example.com', count: '7' } }]);
      r = drive(r.m, { type: 'line', text: '64 bytes from 192.0.2.1' }, { type: 'finished', outcome: { ok: true, summary: '1 of 1 answered', details: ['64 bytes from 192.0.2.1'] } });
      expect(view(r.m)).toMatchObject({ kind: 'message', ok: true, text: expect.stringContaining('64 bytes from 192.0.2.1') });
      expect(view(drive(r.m, { type: 'ok' }).m)).toMatchObject({ kind: 'form', fields: [{ name: 'host', value: 'Example.COM' }, { name: 'count', value: '007' }] });
      expect(view(drive(r.m, { type: 'cancel' }).m)).toMatchObject({ kind: 'menu' });
    });
    it('keeps at most MAX_RUN_LINES lines while running (the last ones)', () => {
      let r = drive(init(tf), { type: 'ok' }, { type: 'submit', values: { host: '192.0.2.1', count: '4' } });
      r = drive(r.m, ...Array.from({ length: MAX_RUN_LINES + 5 }, (_, i): Event => ({ type: 'line', text: `line ${i}` })));
      const v = view(r.m);
      expect(v.kind === 'progress' && v.lines.length).toBe(MAX_RUN_LINES);
      expect(v.kind === 'progress' && v.lines.at(-1)).toBe(`line ${MAX_RUN_LINES + 4}`);
    });
  });
});

describe('leaving is a question over the screen, from Esc on top, Exit or Ctrl+C (issue 11.3)', () => {
  const t = tinyTree([flowItem('1', 'Write', { kind: 'do', op: writes, confirm: 'Sure?', progress: 'Writing' }), flowItem('2', 'Show', { kind: 'view', op: shows })]);

  it('Ctrl+C anywhere asks; No and Esc stay as it was; a second Ctrl+C leaves with 130, Yes with 0', () => {
    let r = drive(init(t), { type: 'ok' }, { type: 'interrupt' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Leave the Test Console?' });
    expect(drive(r.m, { type: 'no' }).m).toEqual({ ...r.m, leaving: false });
    expect(view(drive(r.m, { type: 'cancel' }).m)).toMatchObject({ kind: 'yesno', text: 'Sure?' });
    r = drive(r.m, { type: 'interrupt' });
    expect(r.effects).toEqual([{ type: 'exit', code: 130 }]);
    expect(r.m.done).toBe(true);
    expect(drive(init(t), { type: 'interrupt' }, { type: 'yes' }).effects).toEqual([{ type: 'exit' }]);
  });

  it('a change under way still gets its answers under the question, and the question says it goes on', () => {
    let r = drive(init(t), { type: 'ok' }, { type: 'yes' }, { type: 'interrupt' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: expect.stringContaining('A change is under way: it finishes, or rolls back, by itself') });
    r = drive(r.m, { type: 'line', text: 'step 1' }, { type: 'finished', outcome: { ok: true, summary: 'written' } }, { type: 'ok' }); // ok: a key, for the question: ignored
    expect(view(r.m)).toMatchObject({ kind: 'yesno' });
    expect(view(drive(r.m, { type: 'no' }).m)).toMatchObject({ kind: 'message', text: expect.stringContaining('Written') });
  });

  it('loading: a form or view being read, a menu being listed; not under the question; readAsExpected tells a failure from the dialog', async () => {
    const { loading, readAsExpected } = await import('../../src/flow/update.js');
    let r = drive(init(t), { type: 'down' }, { type: 'ok' });
    expect(loading(r.m)).toBe(true);
    expect(loading(drive(r.m, { type: 'interrupt' }).m)).toBe(false);
    const shown = drive(r.m, { type: 'shown', shown: text('x') }).m;
    expect([loading(shown), readAsExpected(shown)]).toEqual([false, true]);
    const failed = drive(r.m, { type: 'failed', message: 'cannot read' }).m;
    expect([loading(failed), readAsExpected(failed)]).toEqual([false, false]);
    r = drive(init(tinyTree([{ key: '1', label: 'List', help: 'h', menu: sub('List', [], { source: fakeOp('t.items', { items: async () => [] }) }) }])), { type: 'ok' });
    expect([loading(r.m), readAsExpected(r.m)]).toEqual([true, false]);
    const listed = drive(r.m, { type: 'items', items: [] }).m;
    expect([loading(listed), readAsExpected(listed)]).toEqual([false, true]);
  });
});
