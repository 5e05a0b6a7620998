// Menus of entries found on the system, and the commit-confirmed step, as pure state.
import { describe, expect, it } from 'vitest';
import { drive } from '../support/drive.js';
import { init, top } from '../../src/flow/model.js';
import type { Event } from '../../src/flow/types.js';
import { breadcrumb, view } from '../../src/flow/view.js';
import { loadTree } from '../../src/menu/load.js';


const ENTRIES: Event = {
  type: 'items',
  items: [
    { key: '1', label: 'eth0 management', context: { iface: 'eth0' } },
    { key: '2', label: 'eth1 capture', context: { iface: 'eth1' } },
  ],
};

const toList = () => drive(init(loadTree('appliance')), { type: 'ok' }, { type: 'ok' }, { type: 'ok' });

describe('a menu of entries found on the system', () => {
  it('asks for its entries and state when opened, and lists them', () => {
    const r = toList();
    expect(r.effects).toEqual([
      { type: 'status', op: 'network.interfaces' },
      { type: 'items', op: 'network.interfaces' },
    ]);
    expect(view(r.m)).toMatchObject({ kind: 'menu', title: 'Network interfaces', items: [], text: 'Reading the current settings...' });
    const m = drive(r.m, ENTRIES).m;
    expect(view(m)).toMatchObject({ items: [{ key: '1', label: 'eth0 management' }, { key: '2', label: 'eth1 capture' }] });
  });

  it('an entry opens the `each` menu with its values filled in and passed on', () => {
    const r = drive(toList().m, ENTRIES, { type: 'hotkey', key: '2' }, { type: 'ok' });
    expect(r.effects).toEqual([{ type: 'status', op: 'network.iface', context: { iface: 'eth1' } }]);
    expect(view(r.m)).toMatchObject({ kind: 'menu', title: 'Interface eth1' });
    expect(breadcrumb(r.m).at(-1)).toBe('Interface eth1');
    const change = drive(r.m, { type: 'ok' });
    expect(view(change.m)).toMatchObject({ kind: 'yesno', text: expect.stringContaining('while eth1 changes') });
    const read = drive(change.m, { type: 'yes' });
    expect(read.effects).toEqual([{ type: 'read', op: 'network.set', context: { iface: 'eth1' } }]);
  });

  it('going back to the list reads it again (a change may have altered it)', () => {
    const r = drive(toList().m, ENTRIES, { type: 'ok' }, { type: 'cancel' });
    expect(r.effects.slice(-2)).toEqual([
      { type: 'status', op: 'network.interfaces' },
      { type: 'items', op: 'network.interfaces' },
    ]);
  });
});

describe('commit-confirmed apply', () => {
  const toApply = () => {
    let r = drive(toList().m, ENTRIES, { type: 'ok' }, { type: 'ok' }, { type: 'yes' });
    r = drive(r.m, { type: 'loaded', values: { mode: 'static', address: '10.0.0.2', netmask: '24', gateway: '10.0.0.1', dns: '', domain: '' } });
    r = drive(r.m, { type: 'submit', values: { mode: 'static', address: '10.0.5.7', netmask: '24', gateway: '10.0.5.1', dns: '', domain: '' } });
    expect(r.effects).toEqual([{ type: 'check', op: 'network.set', values: { iface: 'eth0', mode: 'static', address: '10.0.5.7', netmask: '24', gateway: '10.0.5.1', dns: '', domain: '' } }]);
    r = drive(r.m, { type: 'checked', errors: {} }, { type: 'yes' });
    expect(r.effects.at(-1)).toMatchObject({ type: 'apply', op: 'network.set', values: { iface: 'eth0', address: '10.0.5.7' } });
    return drive(r.m, { type: 'finished', outcome: { ok: true, summary: 'Applied.', data: { address: '10.0.5.7/24', pending: { deadline: 2_000_000_000, timeout: 120 } } } });
  };

  it('waits for a confirmation before the deadline, naming the new address', () => {
    const v = view(toApply().m);
    expect(v).toMatchObject({ kind: 'countdown', deadline: 2_000_000_000, yes: 'Confirm', no: 'Roll back', text: expect.stringContaining('reconnect to 10.0.5.7') });
  });
  it('Confirm runs the confirm operation; its result says it alone', () => {
    let r = drive(toApply().m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'apply', op: 'network.confirm', values: { iface: 'eth0' } }]);
    r = drive(r.m, { type: 'finished', outcome: { ok: true, summary: 'Confirmed: the new network settings stay.' } });
    expect(view(r.m)).toMatchObject({ kind: 'message', text: 'Confirmed: the new network settings stay.' });
  });
  it('Roll back runs the rollback operation', () => {
    expect(drive(toApply().m, { type: 'no' }).effects).toEqual([{ type: 'apply', op: 'network.rollback', values: { iface: 'eth0' } }]);
  });
  it('past the deadline it says the previous settings came back; Esc leaves it to the timer', () => {
    expect(view(drive(toApply().m, { type: 'expired' }).m)).toMatchObject({ kind: 'message', ok: false, text: expect.stringMatching(/not confirmed in time/) });
    const later = drive(toApply().m, { type: 'cancel' });
    expect(later.effects).toEqual([]);
    expect(view(later.m)).toMatchObject({ kind: 'message', text: expect.stringContaining('confconsole network confirm') });
    expect(top(drive(later.m, { type: 'ok' }).m)).toMatchObject({ kind: 'menu', title: 'Interface eth0' });
  });
  it('a check that finds problems puts them at the fields, input kept; warnings reach the review', () => {
    let r = drive(toList().m, ENTRIES, { type: 'ok' }, { type: 'ok' }, { type: 'yes' }, { type: 'loaded', values: { mode: 'static', address: '10.0.0.2', netmask: '24' } });
    r = drive(r.m, { type: 'submit', values: { mode: 'static', address: '10.0.0.255', netmask: '24' } }, { type: 'checked', errors: { address: 'broadcast' } });
    const form = view(r.m);
    expect(form.kind).toBe('form');
    if (form.kind === 'form') expect(form.fields[1]).toMatchObject({ name: 'address', value: '10.0.0.255', error: 'broadcast' });
    r = drive(r.m, { type: 'submit', values: { mode: 'static', address: '10.0.0.9', netmask: '24', gateway: '10.9.9.9' } }, { type: 'checked', errors: {}, warnings: ['outside the subnet'] });
    expect(view(r.m)).toMatchObject({ kind: 'review', warnings: ['outside the subnet'] });
  });
});

describe('a confirmation that depends on the state', () => {
  it('asks op.show for the question first, then confirms as usual', () => {
    // 3. Appliance Admin > 2. Call-Home menu > 3. Enable/Disable Call-Home
    let r = drive(init(loadTree('appliance')), { type: 'ok' }, { type: 'hotkey', key: '3' }, { type: 'ok' }, { type: 'hotkey', key: '2' }, { type: 'ok' });
    r = drive(r.m, { type: 'hotkey', key: '3' }, { type: 'ok' });
    expect(r.effects.at(-1)).toEqual({ type: 'show', op: 'callhome.toggle' });
    expect(view(r.m)).toMatchObject({ kind: 'progress' });
    r = drive(r.m, { type: 'shown', shown: { kind: 'text', text: 'Call-Home is disabled. Do you want to enable Call-Home?' } });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Call-Home is disabled. Do you want to enable Call-Home?' });
    r = drive(r.m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'apply', op: 'callhome.toggle', values: {} }]);
  });
});
