// The effect runner: carries out what the pure flow asks for (calls on operations) and answers
// with events. No blessed here, so tests drive it with fake operations. An expected failure (a
// Problem) is said to the operator; anything else is a bug: logged with its stack, said as an
// internal error, and the console goes on.
import type { Ctx, Io, Operation } from '../core/types.js';
import { isProblem, messageOf } from '../core/problem.js';
import type { Effect, Event } from '../flow/events.js';
import { top, type Model, type Step } from '../flow/model.js';

export interface EffectHost {
  ctx: Ctx;
  /** The model as it is now (answers are checked against it when they arrive). */
  model(): Model;
  dispatch(ev: Event): void;
  /** Logs an internal error with its stack; returns where (the console log's path). */
  logInternal(err: unknown, where: string): string;
  /** The effects that belong to the terminal. */
  shell(): void;
  exit(code: number): void;
}

/** The steps a flow waits in for each call's answer: an answer for another step is dropped. */
const waitsIn: Partial<Record<Effect['type'], Step['s'][]>> = {
  read: ['loading'],
  show: ['loading', 'shown'],
  ask: ['asking'],
  check: ['checking'],
  test: ['testing'],
  apply: ['applying'],
  run: ['running'],
};

type Method = 'read' | 'show' | 'ask' | 'check' | 'test' | 'apply' | 'run' | 'items';

export class EffectRunner {
  private abort: AbortController | undefined;
  private stopped = false;
  /** Calls not yet answered (for tests and the harness: the console is idle when it is 0). */
  pending = 0;
  /** Every effect carried out, in order (for tests). */
  readonly log: Effect[] = [];

  constructor(private host: EffectHost) {}

  /** Stops what runs (its answers are dropped from now on). */
  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  /** Whether an answer for frame `id` (in one of `steps`, for a flow) may still be delivered. */
  private current(id: number, steps: Step['s'][] | undefined): boolean {
    if (this.stopped) return false;
    const f = top(this.host.model());
    if (f.id !== id) return false;
    return steps === undefined || (f.kind === 'flow' && steps.includes(f.step.s));
  }

  private method<T>(op: Operation, m: Method): T {
    const fn = (op as unknown as Record<string, unknown>)[m];
    if (typeof fn !== 'function') throw new Error(`${op.id} has no ${m}`);
    return (fn as (...a: unknown[]) => T).bind(op) as T;
  }

  /**
   * Runs `call` for the frame on top now; its value becomes `toEvent(value)`, a Problem
   * `onProblem(message)`, any other error is logged and becomes `onBug(message, log)`.
   */
  private call<T>(id: number, steps: Step['s'][] | undefined, where: string, call: () => Promise<T>, toEvent: (t: T) => Event, onProblem: (m: string) => Event, onBug: (m: string, log: string) => Event): void {
    this.pending++;
    let p: Promise<T>;
    try {
      p = call();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (t) => this.deliver(id, steps, () => toEvent(t)),
      (err: unknown) =>
        this.deliver(id, steps, () => (isProblem(err) ? onProblem(err.message) : onBug(messageOf(err), this.host.logInternal(err, where)))),
    ).finally(() => this.pending--);
  }

  private deliver(id: number, steps: Step['s'][] | undefined, ev: () => Event): void {
    if (this.current(id, steps)) this.host.dispatch(ev());
  }

  /**
   * Reads the tree's notice, for whatever frame is on top (the model keeps it). A notice that
   * cannot be read is no notice: the screens it would be on stay as they are.
   */
  private notice(op: Operation): void {
    this.pending++;
    this.method<Operation['show'] & {}>(op, 'show')(this.host.ctx, {})
      .then(
        (shown) => !this.stopped && this.host.dispatch({ type: 'notice', shown }),
        (err: unknown) => {
          if (!isProblem(err)) this.host.logInternal(err, `reading ${op.id}`);
        },
      )
      .finally(() => this.pending--);
  }

  /** Carries out `e` for the frame on top of the model (the one the effect was asked for). */
  run(e: Effect): void {
    this.log.push(e);
    const ctx = this.host.ctx;
    const id = top(this.host.model()).id;
    const steps = waitsIn[e.type];
    const failed = (message: string): Event => ({ type: 'failed', message });
    const internal = (message: string, log: string): Event => ({ type: 'internal', message, log });
    const io = (): Io => {
      this.abort = new AbortController();
      return {
        line: (text) => this.deliver(id, steps, () => ({ type: 'line', text })),
        note: (text) => this.deliver(id, steps, () => ({ type: 'note', text })),
        committed: () => this.deliver(id, steps, () => ({ type: 'committed' })),
        signal: this.abort.signal,
      };
    };
    switch (e.type) {
      case 'read':
        return this.call(id, steps, `reading ${e.op.id}`, () => this.method<Operation['read'] & {}>(e.op, 'read')(ctx, e.context), (values) => ({ type: 'loaded', values }), failed, internal);
      case 'ask':
        return this.call(id, steps, `asking ${e.op.id}`, () => this.method<Operation['ask'] & {}>(e.op, 'ask')(ctx, e.context), (asked) => ({ type: 'asked', asked }), failed, internal);
      case 'show':
        return this.call(id, steps, `showing ${e.op.id}`, () => this.method<Operation['show'] & {}>(e.op, 'show')(ctx, e.context), (shown) => ({ type: 'shown', shown }), failed, internal);
      case 'check':
        return this.call(id, steps, `checking ${e.op.id}`, () => this.method<Operation['check'] & {}>(e.op, 'check')(ctx, e.values), (c) => ({ type: 'checked', ...c }), failed, internal);
      case 'test':
      case 'apply':
      case 'run': {
        const i = io();
        return this.call(id, steps, `${e.type} of ${e.op.id}`, () => this.method<Operation['apply'] & {}>(e.op, e.type)(ctx, e.values, i), (outcome) => ({ type: 'finished', outcome }), failed, internal);
      }
      case 'status': {
        const said = (text: string): Event => ({ type: 'status', shown: { kind: 'text', text } });
        return this.call(id, undefined, `reading the state of ${e.op.id}`, () => this.method<Operation['show'] & {}>(e.op, 'show')(ctx, e.context), (shown) => ({ type: 'status', shown }), (m) => said(`(${m})`), (m, log) => said(`(internal error: ${m}; details in ${log})`));
      }
      case 'items': {
        const said = (text: string): Event => ({ type: 'status', shown: { kind: 'text', text } });
        return this.call(id, undefined, `listing ${e.op.id}`, () => this.method<Operation['items'] & {}>(e.op, 'items')(ctx, e.context), (items) => ({ type: 'items', items }), (m) => said(`Cannot list them: ${m}`), (m, log) => said(`Cannot list them: internal error: ${m}; details in ${log}`));
      }
      case 'offer': {
        // not offered when it cannot be read (a bug is logged): the menu goes on without it
        const no = (): Event => ({ type: 'offered', key: e.key, offered: false });
        return this.call(id, undefined, `asking whether ${e.op.id} is offered`, () => this.method<Operation['read'] & {}>(e.op, 'read')(ctx, e.context), (v) => ({ type: 'offered', key: e.key, offered: v.offered === 'yes' }), no, no);
      }
      case 'notice':
        return this.notice(e.op);
      case 'ack': {
        // acknowledged, then read again (what it showed is gone); a failure leaves it shown, to be seen again
        this.pending++;
        const done = () => this.pending--;
        this.method<Operation['apply'] & {}>(e.op, 'apply')(ctx, e.values, { line: () => {} })
          .then(
            () => this.notice(e.then),
            (err: unknown) => {
              if (!isProblem(err)) this.host.logInternal(err, `acknowledging ${e.op.id}`);
            },
          )
          .finally(done);
        return;
      }
      case 'abort':
        this.abort?.abort();
        this.abort = undefined;
        return;
      case 'shell':
        return this.host.shell();
      case 'exit':
        return this.host.exit(e.code ?? 0);
    }
  }
}
