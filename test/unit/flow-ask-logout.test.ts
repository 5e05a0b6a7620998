// The pure flow's parts Topology settings needs (manual ch. 10): a form whose question is read
// from the state (or refused by it), questions that follow one another (each a Yes), and the
// typed outcome that ends the console once its result is acknowledged (step 11, logged out).
import { describe, expect, it } from 'vitest';
import { init } from '../../src/flow/model.js';
import { LOGOUT, view } from '../../src/flow/view.js';
import type { Field } from '../../src/menu/types.js';
import { ipv4 } from '../../src/rules/network.js';
import { drive } from '../support/drive.js';
import { fakeOp, flowItem, ok, tinyTree } from '../support/fakes.js';

const field: Field = { name: 'addr', label: 'Address', rule: ipv4, help: 'An address.' };
const op = fakeOp('t.convert', { ask: async () => ({ question: '?' }), read: async () => ({}), apply: async () => ok() });
const t = tinyTree([flowItem('1', 'Convert', { kind: 'form', op, confirm: 'ask', fields: [field], done: 'Applied.' })]);
const start = () => drive(init(t), { type: 'ok' });

describe('a form that asks, twice, and a change that logs out', () => {
  it('asks the state first; each question of `then` needs its own Yes; No at any leaves without reading', () => {
    let r = start();
    expect(r.effects).toEqual([{ type: 'ask', op, context: {} }]);
    r = drive(r.m, { type: 'asked', asked: { question: 'Convert?', then: ['A master is required. Continue?', 'Really?'] } });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Convert?' });
    r = drive(r.m, { type: 'yes' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'A master is required. Continue?' });
    expect(r.effects).toEqual([]);
    const no = drive(r.m, { type: 'no' });
    expect(view(no.m)).toMatchObject({ kind: 'menu' });
    expect(no.effects).toEqual([]);
    r = drive(r.m, { type: 'yes' });
    expect(view(r.m)).toMatchObject({ kind: 'yesno', text: 'Really?' });
    r = drive(r.m, { type: 'yes' });
    expect(r.effects).toEqual([{ type: 'read', op, context: {} }]);
  });

  it('a refusal read from the state is said, and nothing is read or applied', () => {
    const r = drive(start().m, { type: 'asked', asked: { blocked: 'Already a probe. Nothing was changed.' } });
    expect(view(r.m)).toMatchObject({ kind: 'shown', shown: { text: 'Already a probe. Nothing was changed.' } });
    expect(drive(r.m, { type: 'ok' }).effects).toEqual([]);
  });

  it("an applied outcome with then: 'logout' ends the console once its dialog is acknowledged; a failed one does not", () => {
    const toApplied = (outcome: ReturnType<typeof ok>) =>
      drive(start().m, { type: 'asked', asked: { question: 'Convert?' } }, { type: 'yes' }, { type: 'loaded', values: {} }, { type: 'submit', values: { addr: '10.0.0.1' } }, { type: 'yes' }, { type: 'finished', outcome });
    let r = toApplied(ok('A probe now.', { then: 'logout' }));
    expect(view(r.m)).toMatchObject({ kind: 'message', ok: true, text: expect.stringContaining('Applied.') });
    // the view says the console ends, read from `then` (the outcome's own summary never says it)
    expect(view(r.m)).toMatchObject({ text: expect.stringContaining(`A probe now.\n${LOGOUT}`) });
    expect(r.m.done).toBe(false);
    r = drive(r.m, { type: 'ok' });
    expect(r.m.done).toBe(true);
    expect(r.effects).toEqual([{ type: 'exit' }]);
    // without it, or failed: back to the menu, the console goes on, and no logout is announced
    expect(JSON.stringify(view(toApplied(ok('A probe now.')).m))).not.toContain(LOGOUT);
    expect(JSON.stringify(view(toApplied({ ok: false, summary: 'probe-forwarder did not start', code: 3, then: 'logout' }).m))).not.toContain(LOGOUT);
    expect(drive(toApplied(ok('A probe now.')).m, { type: 'ok' }).effects).toEqual([]);
    const failed = drive(toApplied({ ok: false, summary: 'probe-forwarder did not start', code: 3, then: 'logout' }).m, { type: 'ok' });
    expect(failed.m.done).toBe(false);
    expect(failed.effects).toEqual([]);
  });
});
