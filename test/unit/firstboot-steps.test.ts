// The vSensor's first boot in the pure flow (issue 13: "keyboard layout ..., then a new password
// for the admin user (typed twice...), then the status screen and the welcome"): each step its
// own screen in that order; the next opens only once one is done; Esc leaves the rest; a failed
// step does not go on; the last one uncovers the welcome, whose status is read again.
import { describe, expect, it } from 'vitest';
import { firstBootSteps, keyboardFirstBoot, passwordFirstBoot } from '../../src/features/firstboot/index.js';
import type { Event } from '../../src/flow/events.js';
import { init, top, type Model } from '../../src/flow/model.js';
import { view } from '../../src/flow/view.js';
import { loadTree } from '../../src/menu/trees.js';
import { drive } from '../support/drive.js';

const tree = loadTree('vsensor');
const PW = 'Fresh-boot-pw-42';
const start: Event = { type: 'start', item: tree.firstBoot![0]!, then: tree.firstBoot!.slice(1) };
const onTop = (m: Model) => {
  const f = top(m);
  return f.kind === 'flow' ? `${f.item.label}: ${f.step.s}` : f.kind === 'note' ? `note ${f.title}` : f.kind;
};
/** Step 1 up to its result (ok or not). */
const keyboardDone = (ok: boolean) =>
  drive(
    init(tree),
    start,
    { type: 'loaded', values: { layout: 'us' } },
    { type: 'submit', values: { layout: 'gb' } },
    { type: 'checked', errors: {}, review: [{ label: 'Keyboard layout', old: 'us', new: 'gb (English (UK))' }] },
    { type: 'yes' },
    { type: 'finished', outcome: ok ? { ok: true, summary: 'The console keyboard layout is gb.' } : { ok: false, summary: 'cannot write /etc/default/keyboard' } },
  );

describe('first boot: the keyboard layout, then the admin password, then the welcome', () => {
  it('the tree lists the two steps in the manual order, each on its own op', () => {
    expect(tree.firstBoot).toBe(firstBootSteps);
    expect(firstBootSteps.map((s) => [s.label, s.flow?.op.id])).toEqual([
      ['First boot: keyboard layout', keyboardFirstBoot.id],
      ['First boot: admin password', passwordFirstBoot.id],
    ]);
  });

  it('step 1 is the layout alone: its own form, its own review and result', () => {
    const s = drive(init(tree), start, { type: 'loaded', values: { layout: 'us' } });
    const v = view(s.m);
    expect(v.kind === 'form' && v.fields.map((f) => f.name)).toEqual(['layout']);
    const r = keyboardDone(true);
    expect(onTop(r.m)).toBe('First boot: keyboard layout: result');
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'apply', op: keyboardFirstBoot, values: expect.objectContaining({ layout: 'gb' }) }));
  });

  it('OK on step 1 done opens step 2 (the password typed twice) in its place; done, the welcome with its status read again', () => {
    const s1 = keyboardDone(true);
    const s2 = drive(s1.m, { type: 'ok' });
    expect(onTop(s2.m)).toBe('First boot: admin password: loading');
    expect(s2.effects).toEqual([expect.objectContaining({ type: 'read', op: passwordFirstBoot })]);
    // the step replaced step 1: under it, the welcome
    expect(s2.m.stack.filter((f) => f.kind === 'flow')).toHaveLength(1);
    const form = drive(s2.m, { type: 'loaded', values: {} });
    const v = view(form.m);
    expect(v.kind === 'form' && v.fields.map((f) => [f.name, f.masked])).toEqual([['password', true], ['password2', true]]);
    const done = drive(form.m, { type: 'submit', values: { password: PW, password2: PW } }, { type: 'yes' });
    expect(done.effects).toContainEqual(expect.objectContaining({ type: 'apply', op: passwordFirstBoot, values: expect.objectContaining({ password: PW }) }));
    const end = drive(done.m, { type: 'finished', outcome: { ok: true, summary: 'The password of darktrace is set.' } }, { type: 'ok' });
    expect(onTop(end.m)).toBe('note Welcome');
    expect(end.effects).toContainEqual(expect.objectContaining({ type: 'status', op: tree.status }));
  });

  it('a failed step 1 does not go on to step 2', () => {
    const r = drive(keyboardDone(false).m, { type: 'ok' });
    expect(onTop(r.m)).toBe('First boot: keyboard layout: form');
  });

  it.each([
    ['Esc on step 1', (m: Model) => drive(m, start, { type: 'loaded', values: { layout: 'us' } }, { type: 'cancel' })],
    ['Esc on step 2', (m: Model) => drive(keyboardDone(true).m, { type: 'ok' }, { type: 'loaded', values: {} }, { type: 'cancel' })],
    ['Esc on the review of step 2', (m: Model) => drive(keyboardDone(true).m, { type: 'ok' }, { type: 'loaded', values: {} }, { type: 'submit', values: { password: PW, password2: PW } }, { type: 'cancel' })],
  ])('%s leaves the rest of the first boot: the welcome, nothing more applied', (_n, go) => {
    const r = go(init(tree));
    expect(onTop(r.m)).toBe('note Welcome');
    expect(r.effects.filter((e) => e.type === 'apply' && e.op === passwordFirstBoot)).toEqual([]);
  });
});
