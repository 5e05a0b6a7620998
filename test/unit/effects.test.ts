// The effect runner with fake operations: answers reach only the screen that asked; an expected
// failure is said; a bug is logged with its stack and said as an internal error.
import { describe, expect, it, vi } from 'vitest';
import { Problem } from '../../src/core/problem.js';
import type { Event } from '../../src/flow/events.js';
import { init, type Model } from '../../src/flow/model.js';
import { update } from '../../src/flow/update.js';
import { EffectRunner } from '../../src/runtime/effects.js';
import { makePaths } from '../../src/system/paths.js';
import { fakeOp, flowItem, ok, text, tinyTree } from '../support/fakes.js';

/** A console without a screen: the model, the runner, the events it dispatched. */
function rig(model: Model) {
  let m = model;
  const events: Event[] = [];
  const logged: { err: unknown; where: string }[] = [];
  const runner = new EffectRunner({
    ctx: { paths: makePaths('/nonexistent'), runner: { script: vi.fn() } },
    model: () => m,
    dispatch: (ev) => {
      events.push(ev);
      const r = update(m, ev);
      m = r.model;
      r.effects.forEach((e) => runner.run(e));
    },
    logInternal: (err, where) => (logged.push({ err, where }), '/r/var/log/confconsole/console.log'),
    shell: vi.fn(),
    exit: vi.fn(),
  });
  const send = (ev: Event) => {
    const r = update(m, ev);
    m = r.model;
    r.effects.forEach((e) => runner.run(e));
  };
  const settled = async () => {
    for (let i = 0; i < 50 && runner.pending > 0; i++) await new Promise((r) => setImmediate(r));
  };
  return { runner, events, logged, send, settled, model: () => m };
}

describe('the effect runner', () => {
  it('calls the operation of the flow on top and answers it; lines stream while it runs', async () => {
    const apply = vi.fn(async (_ctx, values, io) => {
      io.line('step 1');
      return ok(`set ${values.x ?? ''}`);
    });
    const op = fakeOp('t.apply', { apply });
    const r = rig(init(tinyTree([flowItem('1', 'Do', { kind: 'do', op, confirm: 'Sure?' })])));
    r.send({ type: 'ok' });
    r.send({ type: 'yes' });
    await r.settled();
    expect(apply).toHaveBeenCalledTimes(1);
    expect(r.events.map((e) => e.type)).toEqual(['line', 'finished']);
    expect(r.runner.pending).toBe(0);
  });

  it('a Problem is said as it is; anything else is logged with its stack and said as an internal error', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    const problem = fakeOp('t.problem', { show: async () => Promise.reject(new Problem('Cannot read /r/etc/x: it is a directory, not a file')) });
    const broken = fakeOp('t.bug', { show: async () => Promise.reject(bug) });
    const r = rig(init(tinyTree([flowItem('1', 'P', { kind: 'view', op: problem }), flowItem('2', 'B', { kind: 'view', op: broken })])));
    r.send({ type: 'ok' });
    await r.settled();
    expect(r.events).toEqual([{ type: 'failed', message: 'Cannot read /r/etc/x: it is a directory, not a file' }]);
    expect(r.logged).toEqual([]);
    r.send({ type: 'ok' });
    r.send({ type: 'down' });
    r.send({ type: 'ok' });
    await r.settled();
    expect(r.events.at(-1)).toEqual({ type: 'internal', message: bug.message, log: '/r/var/log/confconsole/console.log' });
    expect(r.logged).toEqual([{ err: bug, where: 'showing t.bug' }]);
  });

  it('a bug thrown before the promise (synchronously) is an internal error too', async () => {
    const op = fakeOp('t.sync', {
      show: (() => {
        throw new RangeError('sync');
      }) as never,
    });
    const r = rig(init(tinyTree([flowItem('1', 'S', { kind: 'view', op })])));
    r.send({ type: 'ok' });
    await r.settled();
    expect(r.events.at(-1)).toMatchObject({ type: 'internal', message: 'sync' });
  });

  it('an answer for a screen that was left is dropped; a cancelled run is aborted', async () => {
    let release: (v: unknown) => void = () => {};
    const slow = fakeOp('t.slow', { show: () => new Promise((res) => (release = () => res(text('late')))) });
    let signal: AbortSignal | undefined;
    const runs = fakeOp('t.run', {
      run: async (_c: unknown, _v: unknown, io: { signal?: AbortSignal }) => {
        signal = io.signal;
        await new Promise((res) => io.signal?.addEventListener('abort', res));
        return { ok: false, summary: 'cancelled' };
      },
    });
    const r = rig(init(tinyTree([flowItem('1', 'Slow', { kind: 'view', op: slow }), flowItem('2', 'Run', { kind: 'run', op: runs })])));
    r.send({ type: 'ok' }); // the slow view: still reading
    r.send({ type: 'cancel' }); // left before its answer
    r.send({ type: 'down' });
    r.send({ type: 'ok' }); // the run starts
    release(undefined);
    await new Promise((res) => setImmediate(res));
    expect(r.events.some((e) => e.type === 'shown')).toBe(false);
    r.send({ type: 'cancel' });
    expect(signal?.aborted).toBe(true);
    await r.settled();
    expect(r.events.at(-1)).toEqual({ type: 'finished', outcome: { ok: false, summary: 'cancelled' } });
  });

  it('a menu state that cannot be read becomes its status line, naming why', async () => {
    const state = fakeOp('t.state', { show: async () => Promise.reject(new Problem('Cannot read the network settings: permission denied')) });
    const m = init({ profile: 'appliance', title: 'T', menu: { title: 'Top', status: state, items: [flowItem('1', 'A', { kind: 'view', op: state })] } });
    const r = rig(m);
    r.runner.run({ type: 'status', op: state, context: {} });
    await r.settled();
    expect(r.events).toEqual([{ type: 'status', shown: { kind: 'text', text: '(Cannot read the network settings: permission denied)' } }]);
  });

  it('after stop, nothing is delivered', async () => {
    const op = fakeOp('t.show', { show: async () => text('x') });
    const r = rig(init(tinyTree([flowItem('1', 'A', { kind: 'view', op })])));
    r.send({ type: 'ok' });
    r.runner.stop();
    await r.settled();
    expect(r.events).toEqual([]);
  });
});
