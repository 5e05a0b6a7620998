// The flows an item starts, one kind at a time (menu/types.ts): view, do, form, run. Each step
// is a state of the frame; an event moves it on and may ask the runtime for an effect.
import type { Outcome, Values } from '../core/types.js';
import type { Field, Flow, FormFlow, Item } from '../menu/types.js';
import type { Event } from './events.js';
import { prefill, validateFields } from './fields.js';
import { back } from './menus.js';
import { fillText, pop, push, replaceTop, same, to, top, type FlowFrame, type Model, type Step, type Update } from './model.js';

const setStep = (model: Model, f: FlowFrame, step: Step, extra: Partial<FlowFrame> = {}): Model => replaceTop(model, { ...f, ...extra, step });

/** The frame just pushed (its id was given by push). */
const pushed = (m: Model): FlowFrame => top(m) as FlowFrame;

/** Starts the flow of `item` with the values of the entry it was opened for; `then`: the steps after it (FlowFrame.then). */
export function startFlow(model: Model, item: Item, flow: Flow, context: Values, then?: Item[]): Update {
  const m = push(model, { kind: 'flow', item, flow, context, current: {}, step: { s: 'loading' }, ...(then?.length ? { then } : {}) });
  const f = pushed(m);
  const fill = (t: string) => fillText(t, context);
  switch (flow.kind) {
    case 'view':
      return to(m, { type: 'show', op: flow.op, context });
    case 'do':
      if (flow.confirm === 'ask') return to(setStep(m, f, { s: 'asking' }), { type: 'ask', op: flow.op, context });
      return same(setStep(m, f, { s: 'confirm', question: fill(flow.confirm) }));
    case 'form':
      if (flow.confirm === 'ask') return to(setStep(m, f, { s: 'asking' }), { type: 'ask', op: flow.op, context });
      if (flow.confirm !== undefined) return same(setStep(m, f, { s: 'confirm', question: fill(flow.confirm) }));
      return afterConfirm(m, f);
    case 'run':
      if (flow.confirm !== undefined) return same(setStep(m, f, { s: 'confirm', question: fill(flow.confirm) }));
      return afterConfirm(m, f);
  }
}

/** In place of the step on top: the first of `steps` opened, the rest after it (a step without a flow: back, as at the end). */
function nextStep(model: Model, steps: Item[]): Update {
  const [next, ...rest] = steps;
  return next?.flow ? startFlow(pop(model), next, next.flow, {}, rest) : back(model);
}

function afterConfirm(model: Model, f: FlowFrame): Update {
  const flow = f.flow;
  switch (flow.kind) {
    case 'form':
      return to(setStep(model, f, { s: 'loading' }), { type: 'read', op: flow.op, context: f.context });
    case 'run':
      if (flow.fields?.length) return toForm(model, f, prefill(flow.fields, flow.defaults ?? {}));
      return run(model, f, {});
    default:
      return apply(model, f, {});
  }
}

/** Lines a running flow keeps (the script bounds its output too): the last ones. */
export const MAX_RUN_LINES = 1000;
const keep = (lines: string[], text: string) => (lines.length >= MAX_RUN_LINES ? [...lines.slice(lines.length - MAX_RUN_LINES + 1), text] : [...lines, text]);

function run(model: Model, f: FlowFrame, values: Values): Update {
  return to(setStep(model, f, { s: 'running', lines: [], cancelling: false }), { type: 'run', op: f.flow.op, values: { ...f.context, ...values } });
}

function apply(model: Model, f: FlowFrame, values: Values): Update {
  return to(setStep(model, f, { s: 'applying', values, lines: [], cancelling: false }), { type: 'apply', op: f.flow.op, values: { ...f.context, ...values } });
}

/**
 * The errors of a form once fields in error were left (`entered`: what is typed now): a field
 * whose value changed and that its rule now takes loses its error; one unchanged keeps it (the
 * script's refusal of that value still holds), as does one still refused (its message until the
 * next OK, so the focus is not moved). Nothing new is added before OK.
 */
export function corrected(fields: Field[], before: Values, errors: Record<string, string>, entered: Values): Record<string, string> {
  const now = { ...before, ...entered };
  const r = validateFields(fields, now);
  return Object.fromEntries(Object.entries(errors).filter(([k]) => (now[k] ?? '') === (before[k] ?? '') || (!r.ok && r.errors[k] !== undefined)));
}

const form = (f: FlowFrame): FormFlow | undefined => (f.flow.kind === 'form' ? f.flow : undefined);
/** The fields a flow asks for: a form's, or those a run needs before it starts. */
export const fieldsOf = (flow: Flow): Field[] => (flow.kind === 'form' ? flow.fields : flow.kind === 'run' ? (flow.fields ?? []) : []);
const toForm = (model: Model, f: FlowFrame, values: Values, errors: Record<string, string> = {}) => same(setStep(model, f, { s: 'form', values, errors }));

function afterCheck(model: Model, f: FlowFrame, values: Values, warnings: string[]): Update {
  if (form(f)?.test !== undefined) return same(setStep(model, f, { s: 'ask-test', values, warnings }));
  return same(setStep(model, f, { s: 'review', values, warnings }));
}

/** The outcome of an apply: a pending change to confirm, a refusal back at its field, or the result. */
function applied(model: Model, f: FlowFrame, st: Extract<Step, { s: 'applying' }>, outcome: Outcome): Update {
  const cw = f.flow.kind === 'do' || f.flow.kind === 'form' ? f.flow.confirmWithin : undefined;
  if (outcome.ok && cw && outcome.pending) return same(setStep(model, f, { s: 'awaiting', outcome, pending: outcome.pending }));
  if (st.after) return same(setStep(model, f, { s: 'result', outcome, after: true }));
  const fl = form(f);
  if (!outcome.ok && fl) {
    // a refusal that names a field of the form goes back to it, the input kept
    const field = outcome.field !== undefined && fl.fields.some((x) => x.name === outcome.field) ? outcome.field : undefined;
    if (field !== undefined) return toForm(model, f, { ...st.values }, { [field]: outcome.summary });
    return same(setStep(model, f, { s: 'result', outcome, values: st.values }));
  }
  return same(setStep(model, f, { s: 'result', outcome }));
}

/** A flow's answer to an event, in its current step. */
export function updateFlow(model: Model, f: FlowFrame, ev: Event): Update {
  const st = f.step;
  // An effect that failed ends the flow with its message, whatever the step.
  if (ev.type === 'failed' && st.s !== 'error') return same(setStep(model, f, { s: 'error', message: ev.message }));
  if (ev.type === 'internal' && st.s !== 'error') return same(setStep(model, f, { s: 'error', message: ev.message, log: ev.log }));
  switch (st.s) {
    case 'confirm': {
      const [next, ...rest] = st.then ?? [];
      if (ev.type === 'yes' && next !== undefined) return same(setStep(model, f, { s: 'confirm', question: next, then: rest }));
      if (ev.type === 'yes') return afterConfirm(model, f);
      if (ev.type === 'no' || ev.type === 'cancel') return same(pop(model));
      return same(model);
    }
    case 'asking':
      if (ev.type === 'asked') {
        if ('blocked' in ev.asked) return same(setStep(model, f, { s: 'shown', shown: { kind: 'text', text: ev.asked.blocked } }));
        return same(setStep(model, f, { s: 'confirm', question: ev.asked.question, ...(ev.asked.then ? { then: ev.asked.then } : {}) }));
      }
      if (ev.type === 'cancel') return to(pop(model), { type: 'abort' });
      return same(model);
    case 'loading':
      if (ev.type === 'loaded' && f.flow.kind === 'form') return toForm(model, { ...f, current: ev.values }, prefill(f.flow.fields, ev.values));
      if (ev.type === 'shown') return same(setStep(model, f, { s: 'shown', shown: ev.shown }));
      if (ev.type === 'cancel') return to(pop(model), { type: 'abort' });
      return same(model);
    case 'form': {
      const fl = form(f);
      if (ev.type === 'cancel') return same(pop(model));
      if (ev.type === 'revalidate') return same(setStep(model, f, { s: 'form', values: { ...st.values, ...ev.values }, errors: corrected(fieldsOf(f.flow), st.values, st.errors, ev.values) }));
      if (ev.type === 'submit' && f.flow.kind === 'run') {
        const entered: Values = { ...st.values, ...ev.values };
        const r = validateFields(fieldsOf(f.flow), entered);
        return r.ok ? run({ ...model }, { ...f, current: entered }, r.values) : toForm(model, f, entered, r.errors);
      }
      if (ev.type !== 'submit' || !fl) return same(model);
      const entered: Values = { ...st.values, ...ev.values };
      const r = validateFields(fl.fields, entered);
      // Input is kept as typed; only the messages change.
      if (!r.ok) return toForm(model, f, entered, r.errors);
      if (fl.check) return to(setStep(model, f, { s: 'checking', entered, values: r.values, warnings: r.warnings }), { type: 'check', op: fl.op, values: { ...f.context, ...r.values } });
      return afterCheck(model, f, r.values, r.warnings);
    }
    case 'checking':
      if (ev.type === 'cancel') return to(setStep(model, f, { s: 'form', values: st.entered, errors: {} }), { type: 'abort' });
      if (ev.type !== 'checked') return same(model);
      if (Object.keys(ev.errors).length > 0) return toForm(model, f, st.entered, ev.errors);
      // the review is the script's plan when the check gives one (a new check replaces it)
      return afterCheck(model, { ...f, planned: ev.review }, { ...st.values, ...ev.found }, [...st.warnings, ...(ev.warnings ?? [])]);
    case 'ask-test':
      if (ev.type === 'yes') return to(setStep(model, f, { s: 'testing', values: st.values, warnings: st.warnings, lines: [] }), { type: 'test', op: f.flow.op, values: { ...f.context, ...st.values } });
      if (ev.type === 'no') return same(setStep(model, f, { s: 'review', values: st.values, warnings: st.warnings }));
      if (ev.type === 'cancel') return toForm(model, f, st.values);
      return same(model);
    case 'testing':
      if (ev.type === 'line') return same(setStep(model, f, { ...st, lines: [...st.lines, ev.text] }));
      if (ev.type === 'finished') return same(setStep(model, f, { s: 'test-result', values: st.values, warnings: st.warnings, outcome: ev.outcome }));
      // A test changes nothing, so it can always be cancelled.
      if (ev.type === 'cancel') return to(setStep(model, f, { s: 'form', values: st.values, errors: {} }), { type: 'abort' });
      return same(model);
    case 'test-result': {
      const offer = st.outcome.ok ? undefined : st.outcome.offer;
      if (offer) {
        // the remedy first (default No); Yes runs it and the test again, No goes on to "Continue anyway?"
        if (ev.type === 'yes') return to(setStep(model, f, { s: 'testing', values: st.values, warnings: st.warnings, lines: [] }), { type: 'test', op: offer.op, values: { ...f.context, ...st.values, ...offer.values } });
        if (ev.type === 'no') return same(setStep(model, f, { ...st, outcome: { ...st.outcome, offer: undefined } }));
      }
      const next = () => same(setStep(model, f, { s: 'review', values: st.values, warnings: st.warnings }));
      // a passed test is acknowledged with OK; a failed one asks "Continue anyway?" (No: the input)
      if (st.outcome.ok ? ev.type === 'ok' : ev.type === 'yes') return next();
      if (ev.type === 'no' || ev.type === 'cancel') return toForm(model, f, st.values);
      return same(model);
    }
    case 'review':
      if (ev.type === 'yes') return apply(model, f, st.values);
      // 'ok' comes from the "Nothing changes" message the view shows instead of a review
      if (ev.type === 'no' || ev.type === 'ok') return toForm(model, f, st.values);
      if (ev.type === 'cancel') return same(pop(model));
      return same(model);
    case 'applying':
      if (ev.type === 'line') return same(setStep(model, f, { ...st, lines: [...st.lines, ev.text] }));
      if (ev.type === 'finished') return applied(model, f, st, ev.outcome);
      if (ev.type === 'committed') return same(setStep(model, f, { ...st, committed: true }));
      if (ev.type === 'cancel' && f.flow.kind === 'do' && f.flow.cancellable && !st.cancelling && !st.committed) return to(setStep(model, f, { ...st, cancelling: true }), { type: 'abort' });
      return same(model);
    case 'running':
      if (ev.type === 'line') return same(setStep(model, f, { ...st, lines: keep(st.lines, ev.text) }));
      if (ev.type === 'note') return same(setStep(model, f, { ...st, note: ev.text }));
      // a run after a form: OK on its result goes back to the form, with what was entered, to run again
      if (ev.type === 'finished') {
        // a refusal of a field the run asked for (an interface this appliance has not): back at that field, the input kept
        const refused = ev.outcome.field;
        if (!ev.outcome.ok && refused !== undefined && f.current && fieldsOf(f.flow).some((x) => x.name === refused)) return toForm(model, f, f.current, { [refused]: ev.outcome.summary });
        return same(setStep(model, f, { s: 'result', outcome: ev.outcome, ...(fieldsOf(f.flow).length && !(f.flow.kind === 'run' && f.flow.again === false) ? { again: f.current } : {}) }));
      }
      // read-only work: Esc stops it at any time; its result says what was seen until then
      if (ev.type === 'cancel' && !st.cancelling) return to(setStep(model, f, { ...st, cancelling: true }), { type: 'abort' });
      return same(model);
    case 'awaiting': {
      const cw = f.flow.kind === 'do' || f.flow.kind === 'form' ? f.flow.confirmWithin : undefined;
      if (!cw) return same(model);
      const decideWith = (op: typeof cw.confirm, change?: string) =>
        to(setStep(model, f, { s: 'applying', values: {}, lines: [], cancelling: false, after: true }), { type: 'apply', op, values: { ...f.context, ...(change !== undefined ? { change } : {}) } });
      const decide = (op: typeof cw.confirm) => decideWith(op, st.pending.id);
      if (ev.type === 'yes') return decide(cw.confirm);
      if (ev.type === 'no') return decide(cw.rollback);
      // the time is up: what became of the change is read from the state (it may have been
      // confirmed from another session), never assumed
      if (ev.type === 'expired' && cw.settled) return decideWith(cw.settled, st.pending.id);
      if (ev.type === 'expired')
        return same(setStep(model, f, { s: 'result', outcome: { ok: false, summary: 'not confirmed in time: the previous settings came back by themselves' } }));
      if (ev.type === 'cancel')
        return same(setStep(model, f, { s: 'result', outcome: st.outcome, note: 'Not confirmed yet: confirm from this or another session (confconsole network confirm) before the time is up, or the previous settings come back by themselves.' }));
      return same(model);
    }
    case 'result':
      // a refused change goes back to the form with what was typed, to be corrected
      if (st.values && (ev.type === 'ok' || ev.type === 'cancel')) return toForm(model, f, st.values);
      // the appliance's role changed: once the operator has read that it was applied, the console ends (a login shell logs out)
      if (st.outcome.ok && st.outcome.then === 'logout' && (ev.type === 'ok' || ev.type === 'cancel')) return to({ ...model, done: true }, { type: 'exit' });
      if (st.again && ev.type === 'ok') return toForm(model, f, st.again);
      // a step done (first boot): the next step opens in its place; a failed one ends the steps
      if (st.outcome.ok && f.then?.length && (ev.type === 'ok' || ev.type === 'cancel')) return nextStep(model, f.then);
      return ev.type === 'ok' || ev.type === 'cancel' ? back(model) : same(model);
    case 'shown':
      if (ev.type === 'shown') return same(setStep(model, f, { s: 'shown', shown: ev.shown })); // a live view read again
      return ev.type === 'ok' || ev.type === 'cancel' ? back(model) : same(model);
    case 'error':
      return ev.type === 'ok' || ev.type === 'cancel' ? back(model) : same(model);
  }
}
