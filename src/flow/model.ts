// Navigation and dialog flow as pure state, after Bubble Tea's model/update/view: update()
// takes an event and returns the next model plus the effects the runtime must carry out.
// No blessed, execa or fs here, so tests drive the whole console with events alone.
import type { Field, Flow, Item, Menu, Tree } from '../menu/schema.js';
import { validators } from '../validators.js';
import { shownText, type Effect, type Entry, type Event, type Outcome, type Shown, type Values } from './types.js';

export type Step =
  | { s: 'confirm' }
  | { s: 'loading'; then: 'form' | 'show' | 'confirm' }
  | { s: 'form'; values: Values; errors: Record<string, string> }
  | { s: 'checking'; entered: Values; values: Values; warnings: string[] }
  | { s: 'ask-test'; values: Values; warnings: string[] }
  | { s: 'testing'; values: Values; warnings: string[]; lines: string[] }
  | { s: 'test-result'; values: Values; warnings: string[]; outcome: Outcome }
  | { s: 'review'; values: Values; warnings: string[] }
  | { s: 'applying'; values: Values; lines: string[]; cancelling: boolean; after?: true }
  | { s: 'awaiting'; outcome: Outcome; deadline: number; address: string }
  /** `values`: what was entered, for a failed apply to go back to (input kept). */
  | { s: 'result'; outcome: Outcome; note?: string; after?: true; values?: Values }
  | { s: 'shown'; shown: Shown }
  | { s: 'error'; message: string };

export type Frame =
  | { kind: 'menu'; menu: Menu; selected: number; title: string; status?: string; context?: Values; entries?: Entry[] }
  | { kind: 'flow'; item: Item; flow: Flow; current: Values; step: Step; context: Values }
  | { kind: 'note'; title: string; text: string; status?: string }
  | { kind: 'quit' }
  | { kind: 'shell' };

export interface Model {
  tree: Tree;
  /** Condition name → reason it holds (absent when it does not hold). */
  conditions: Record<string, string>;
  stack: Frame[];
  done: boolean;
}

export interface Update {
  model: Model;
  effects: Effect[];
}

export function init(tree: Tree, conditions: Record<string, string> = {}): Model {
  const stack: Frame[] = [{ kind: 'menu', menu: tree.menu, selected: 0, title: tree.menu.title }];
  if (tree.welcome) stack.push({ kind: 'note', title: 'Welcome', text: tree.welcome });
  return { tree, conditions, stack, done: false };
}

/** The effects the first screen needs (the current state on the welcome note or top menu). */
export function initEffects(model: Model): Effect[] {
  const f = top(model);
  if (f.kind === 'note' && model.tree.status) return [{ type: 'status', op: model.tree.status }];
  if (f.kind === 'menu') return menuEffects(f.menu, f.context);
  return [];
}

export function visibleItems(menu: Menu, conditions: Record<string, string>): Item[] {
  return menu.items.filter((i) => i.hiddenIf === undefined || conditions[i.hiddenIf] === undefined);
}

export function disabledReason(item: Item, conditions: Record<string, string>): string | undefined {
  return item.disabledIf === undefined ? undefined : conditions[item.disabledIf];
}

type MenuFrame = Extract<Frame, { kind: 'menu' }>;

/** A row of a menu: a declared item, or an entry its source found (which opens `each`). */
export interface Row {
  item: Item;
  disabled: string | undefined;
  /** An entry's values (absent for declared items). */
  context: Values | undefined;
}

export function menuRows(f: MenuFrame, conditions: Record<string, string>): Row[] {
  const entries: Row[] = (f.entries ?? []).map((e) => ({
    item: { id: `entry.${e.key}`, key: e.key, label: e.label, menu: f.menu.each },
    disabled: e.disabled,
    context: e.context,
  }));
  return [...entries, ...visibleItems(f.menu, conditions).map((item) => ({ item, disabled: disabledReason(item, conditions), context: undefined }))];
}

/** Opens a menu; the effects read what it shows from the system (its state, its entries). */
function openMenu(model: Model, menu: Menu, context: Values | undefined): Update {
  const ctx = context ?? {};
  const frame: MenuFrame = { kind: 'menu', menu, selected: 0, title: fillText(menu.title, ctx), ...(context ? { context } : {}) };
  return to(push(model, frame), ...menuEffects(menu, context));
}

/** The effects that read the top menu's state again (for a state that changes by itself). */
export function refreshEffects(model: Model): Effect[] {
  const f = top(model);
  return f.kind === 'menu' ? menuEffects(f.menu, f.context) : [];
}

function menuEffects(menu: Menu, context: Values | undefined): Effect[] {
  const c = context ? { context } : {};
  return [
    ...(menu.status ? [{ type: 'status', op: menu.status, ...c } as Effect] : []),
    ...(menu.source ? [{ type: 'items', op: menu.source, ...c } as Effect] : []),
  ];
}

/** "Interface {name}" with the entry's values filled in. */
export function fillText(text: string, values: Values): string {
  return text.replace(/\{([a-zA-Z0-9]+)\}/g, (m, k: string) => values[k] ?? m);
}

export function top(model: Model): Frame {
  const f = model.stack[model.stack.length - 1];
  if (!f) throw new Error('empty navigation stack');
  return f;
}

const replaceTop = (model: Model, frame: Frame): Model => ({
  ...model,
  stack: [...model.stack.slice(0, -1), frame],
});
const push = (model: Model, frame: Frame): Model => ({ ...model, stack: [...model.stack, frame] });
const pop = (model: Model): Model => ({ ...model, stack: model.stack.slice(0, -1) });
const same = (model: Model): Update => ({ model, effects: [] });
/** Back to the screen below; a menu that shows a status reads it again (a change may be done). */
const back = (model: Model): Update => {
  const m = pop(model);
  const f = m.stack[m.stack.length - 1];
  return f?.kind === 'menu' ? to(m, ...menuEffects(f.menu, f.context)) : same(m);
};
const to = (model: Model, ...effects: Effect[]): Update => ({ model, effects });

/** Whether a field is in play: its `when` holds (and the field it depends on is in play too). */
export function fieldActive(fields: Field[], values: Values, name: string): boolean {
  const f = fields.find((x) => x.name === name);
  if (!f?.when) return true;
  return f.when.is.includes(values[f.when.field] ?? '') && fieldActive(fields, values, f.when.field);
}

/** Validates every field; returns normalised values or the message per field. */
export function validateFields(
  fields: Field[],
  values: Values,
): { ok: true; values: Values; warnings: string[] } | { ok: false; errors: Record<string, string> } {
  const out: Values = {};
  const errors: Record<string, string> = {};
  const warnings: string[] = [];
  for (const f of fields) {
    const fn = validators[f.validator];
    if (!fn) throw new Error(`validator ${f.validator} is not registered`);
    if (!fieldActive(fields, values, f.name)) continue; // not asked: not checked, not kept
    if (f.choices) {
      const v = values[f.name] ?? '';
      if (f.choices.some((c) => c.value === v)) out[f.name] = v;
      else errors[f.name] = `Choose one of: ${f.choices.map((c) => c.label).join(', ')}`;
      continue;
    }
    if (f.same !== undefined) {
      // typed twice: the second must match the first, as typed
      if ((values[f.name] ?? '').trim() !== (values[f.same] ?? '').trim()) errors[f.name] = 'The two entries differ: type the same value twice';
      else out[f.name] = out[f.same] ?? (values[f.same] ?? '').trim();
      continue;
    }
    const r = fn(values[f.name] ?? '');
    if (r.ok) {
      out[f.name] = r.value;
      if (r.warning) warnings.push(`${f.label}: ${r.warning}`);
    } else errors[f.name] = r.message;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values: out, warnings };
}

export function update(model: Model, ev: Event): Update {
  const f = top(model);
  if (ev.type === 'status') return same(f.kind === 'menu' || f.kind === 'note' ? replaceTop(model, { ...f, status: ev.text }) : model);
  if (ev.type === 'items')
    return same(f.kind === 'menu' && f.menu.source ? replaceTop(model, { ...f, entries: ev.items, selected: Math.min(f.selected, Math.max(0, ev.items.length + visibleItems(f.menu, model.conditions).length - 1)) }) : model);
  if (ev.type === 'help' && f.kind !== 'note') {
    const kept = ev.values && f.kind === 'flow' && f.step.s === 'form' ? replaceTop(model, { ...f, step: { ...f.step, values: { ...f.step.values, ...ev.values } } }) : model;
    return same(push(kept, helpFrame(model, f)));
  }
  switch (f.kind) {
    case 'menu':
      return updateMenu(model, f, ev);
    case 'note':
      return ev.type === 'ok' || ev.type === 'cancel' ? back(model) : same(model);
    case 'quit':
      if (ev.type === 'yes') return to({ ...model, done: true }, { type: 'exit' });
      return ev.type === 'no' || ev.type === 'cancel' ? same(pop(model)) : same(model);
    case 'shell':
      return ev.type === 'returned' ? same(pop(model)) : same(model);
    case 'flow':
      return updateFlow(model, f, ev);
  }
}

function updateMenu(model: Model, f: Extract<Frame, { kind: 'menu' }>, ev: Event): Update {
  const rows = menuRows(f, model.conditions);
  const items = rows.map((r) => r.item);
  switch (ev.type) {
    case 'up':
      return same(replaceTop(model, { ...f, selected: Math.max(0, f.selected - 1) }));
    case 'down':
      return same(replaceTop(model, { ...f, selected: Math.min(items.length - 1, f.selected + 1) }));
    case 'hotkey': {
      const i = items.findIndex((it) => it.key === ev.key.toLowerCase());
      return i < 0 ? same(model) : same(replaceTop(model, { ...f, selected: i }));
    }
    case 'cancel':
      // Esc on the top menu asks before leaving: the console may be the login shell.
      return model.stack.length > 1 ? back(model) : same(push(model, { kind: 'quit' }));
    case 'ok': {
      const row = rows[f.selected];
      if (!row) return same(model);
      const { item } = row;
      if (row.disabled !== undefined)
        return same(push(model, { kind: 'note', title: fillText(item.label, f.context ?? {}), text: `Not available: ${row.disabled}` }));
      const context = row.context ? { ...f.context, ...row.context } : f.context;
      if (item.menu) return openMenu(model, item.menu, context);
      if (item.builtin === 'exit') return same(push(model, { kind: 'quit' }));
      if (item.builtin === 'shell') return to(push(model, { kind: 'shell' }), { type: 'shell' });
      if (item.flow) return startFlow(model, item, item.flow, context ?? {});
      return same(model);
    }
    default:
      return same(model);
  }
}

function startFlow(model: Model, item: Item, flow: Flow, context: Values): Update {
  const frame: Frame = { kind: 'flow', item, flow, current: {}, step: { s: 'confirm' }, context };
  const m = push(model, frame);
  if (flow.confirmFrom !== undefined)
    return to(setStep(m, frame, { s: 'loading', then: 'confirm' }), { type: 'show', op: flow.confirmFrom, ...(Object.keys(context).length ? { context } : {}) });
  return flow.confirm !== undefined ? same(m) : afterConfirm(m, frame);
}

type FlowFrame = Extract<Frame, { kind: 'flow' }>;
const setStep = (model: Model, f: FlowFrame, step: Step, extra: Partial<FlowFrame> = {}): Model =>
  replaceTop(model, { ...f, ...extra, step });

function afterConfirm(model: Model, f: FlowFrame): Update {
  const op = f.flow.op;
  const context = Object.keys(f.context).length > 0 ? { context: f.context } : {};
  if (f.flow.fields && f.flow.fields.length > 0)
    return to(setStep(model, f, { s: 'loading', then: 'form' }), { type: 'read', op, ...context });
  if (f.flow.apply === undefined) return to(setStep(model, f, { s: 'loading', then: 'show' }), { type: 'show', op, ...context });
  return apply(model, f, {});
}

function apply(model: Model, f: FlowFrame, values: Values): Update {
  return to(setStep(model, f, { s: 'applying', values, lines: [], cancelling: false }), { type: 'apply', op: f.flow.op, values: { ...f.context, ...values } });
}

function afterCheck(model: Model, f: FlowFrame, values: Values, warnings: string[]): Update {
  if (f.flow.test !== undefined) return same(setStep(model, f, { s: 'ask-test', values, warnings }));
  return afterTest(model, f, values, warnings);
}

function afterTest(model: Model, f: FlowFrame, values: Values, warnings: string[]): Update {
  if (f.flow.review) return same(setStep(model, f, { s: 'review', values, warnings }));
  return apply(model, f, values);
}

function updateFlow(model: Model, f: FlowFrame, ev: Event): Update {
  const st = f.step;
  // An effect that failed ends the flow with its message, whatever the step.
  if (ev.type === 'failed' && st.s !== 'error') return same(setStep(model, f, { s: 'error', message: ev.message }));
  switch (st.s) {
    case 'confirm':
      if (ev.type === 'yes') return afterConfirm(model, f);
      if (ev.type === 'no' || ev.type === 'cancel') return same(pop(model));
      return same(model);
    case 'loading':
      if (ev.type === 'loaded' && st.then === 'form') {
        const values: Values = {};
        // A secret is never put back in a field: the console does not read secrets back.
        for (const fld of f.flow.fields ?? []) {
          const v = ev.values[fld.name] ?? '';
          values[fld.name] = fld.masked ? '' : fld.choices && !fld.choices.some((c) => c.value === v) ? fld.choices[0]!.value : v;
        }
        return same(setStep(model, f, { s: 'form', values, errors: {} }, { current: ev.values }));
      }
      if (ev.type === 'shown' && st.then === 'confirm' && !(ev.shown.kind === 'text' && ev.shown.blocked))
        return same(setStep(model, f, { s: 'confirm' }, { current: { ...f.current, question: shownText(ev.shown) } }));
      if (ev.type === 'shown') return same(setStep(model, f, { s: 'shown', shown: ev.shown }));
      if (ev.type === 'cancel') return to(pop(model), { type: 'abort' });
      return same(model);
    case 'form': {
      if (ev.type === 'cancel') return same(pop(model));
      if (ev.type !== 'submit') return same(model);
      const fields = f.flow.fields ?? [];
      const entered: Values = { ...st.values, ...ev.values };
      const r = validateFields(fields, entered);
      // Input is kept as typed; only the messages change.
      if (!r.ok) return same(setStep(model, f, { s: 'form', values: entered, errors: r.errors }));
      if (f.flow.check) return to(setStep(model, f, { s: 'checking', entered, values: r.values, warnings: r.warnings }), { type: 'check', op: f.flow.op, values: { ...f.context, ...r.values } });
      return afterCheck(model, f, r.values, r.warnings);
    }
    case 'checking': {
      if (ev.type === 'cancel') return to(setStep(model, f, { s: 'form', values: st.entered, errors: {} }), { type: 'abort' });
      if (ev.type !== 'checked') return same(model);
      if (Object.keys(ev.errors).length > 0) return same(setStep(model, f, { s: 'form', values: st.entered, errors: ev.errors }));
      return afterCheck(model, f, st.values, [...st.warnings, ...(ev.warnings ?? [])]);
    }
    case 'ask-test':
      if (ev.type === 'yes')
        return to(setStep(model, f, { s: 'testing', values: st.values, warnings: st.warnings, lines: [] }), { type: 'test', op: f.flow.op, values: { ...f.context, ...st.values } });
      if (ev.type === 'no') return afterTest(model, f, st.values, st.warnings);
      if (ev.type === 'cancel') return same(setStep(model, f, { s: 'form', values: st.values, errors: {} }));
      return same(model);
    case 'testing':
      if (ev.type === 'line') return same(setStep(model, f, { ...st, lines: [...st.lines, ev.text] }));
      if (ev.type === 'finished') return same(setStep(model, f, { s: 'test-result', values: st.values, warnings: st.warnings, outcome: ev.outcome }));
      // A test changes nothing, so it can always be cancelled.
      if (ev.type === 'cancel') return to(setStep(model, f, { s: 'form', values: st.values, errors: {} }), { type: 'abort' });
      return same(model);
    case 'test-result':
      if (st.outcome.ok) {
        if (ev.type === 'ok') return afterTest(model, f, st.values, st.warnings);
        if (ev.type === 'cancel') return same(setStep(model, f, { s: 'form', values: st.values, errors: {} }));
        return same(model);
      }
      // Failed test: "Continue anyway?" — No goes back to the input, kept.
      if (ev.type === 'yes') return afterTest(model, f, st.values, st.warnings);
      if (ev.type === 'no' || ev.type === 'cancel') return same(setStep(model, f, { s: 'form', values: st.values, errors: {} }));
      return same(model);
    case 'review':
      if (ev.type === 'yes') return apply(model, f, st.values);
      // 'ok' comes from the "Nothing changes" message the view shows instead of a review
      if (ev.type === 'no' || ev.type === 'ok') return same(setStep(model, f, { s: 'form', values: st.values, errors: {} }));
      if (ev.type === 'cancel') return same(pop(model));
      return same(model);
    case 'applying':
      if (ev.type === 'line') return same(setStep(model, f, { ...st, lines: [...st.lines, ev.text] }));
      if (ev.type === 'finished') {
        const pending = (ev.outcome.data as { pending?: { deadline?: unknown } } | undefined)?.pending;
        if (ev.outcome.ok && f.flow.confirmWithin && typeof pending?.deadline === 'number') {
          const address = String((ev.outcome.data as { address?: unknown }).address ?? '').split('/')[0] ?? '';
          return same(setStep(model, f, { s: 'awaiting', outcome: ev.outcome, deadline: pending.deadline, address }));
        }
        if (st.after) return same(setStep(model, f, { s: 'result', outcome: ev.outcome, after: true }));
        return same(setStep(model, f, !ev.outcome.ok && f.flow.fields?.length ? { s: 'result', outcome: ev.outcome, values: st.values } : { s: 'result', outcome: ev.outcome }));
      }
      if (ev.type === 'cancel' && f.flow.cancellable && !st.cancelling)
        return to(setStep(model, f, { ...st, cancelling: true }), { type: 'abort' });
      return same(model);
    case 'awaiting': {
      const cw = f.flow.confirmWithin!;
      const run = (op: string) => to(setStep(model, f, { s: 'applying', values: {}, lines: [], cancelling: false, after: true }), { type: 'apply', op, values: { ...f.context } });
      if (ev.type === 'yes') return run(cw.confirm);
      if (ev.type === 'no') return run(cw.rollback);
      if (ev.type === 'expired')
        return same(setStep(model, f, { s: 'result', outcome: { ok: false, summary: 'not confirmed in time: the previous settings came back by themselves' } }));
      if (ev.type === 'cancel')
        return same(setStep(model, f, { s: 'result', outcome: st.outcome, note: 'Not confirmed yet: confirm from this or another session (confconsole network confirm) before the time is up, or the previous settings come back by themselves.' }));
      return same(model);
    }
    case 'result':
      // a refused change goes back to the form with what was typed, to be corrected
      if (st.values && (ev.type === 'ok' || ev.type === 'cancel')) return same(setStep(model, f, { s: 'form', values: st.values, errors: {} }));
      return ev.type === 'ok' || ev.type === 'cancel' ? back(model) : same(model);
    case 'shown':
    case 'error':
      return ev.type === 'ok' || ev.type === 'cancel' ? back(model) : same(model);
  }
}

function helpFrame(model: Model, f: Frame): Frame {
  let text = '';
  if (f.kind === 'menu') {
    const row = menuRows(f, model.conditions)[f.selected];
    text = fillText(row?.item.help ?? f.menu.each?.text ?? f.menu.text ?? '', { ...f.context, ...row?.context });
    if (row?.disabled !== undefined) text += `\nNot available: ${row.disabled}`;
    if (f.status) text += `\n\n${f.status}`; // whole, where the menu had to cut it
  } else if (f.kind === 'flow') {
    text = fillText(f.item.help ?? '', f.context);
    if (f.step.s === 'form') text = [text, ...(f.flow.fields ?? []).map((x) => `${x.short ?? x.label}: ${x.help}`)].join('\n');
  }
  return { kind: 'note', title: 'Help', text: text.trim() || 'No help for this screen.' };
}
