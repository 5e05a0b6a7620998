// update(model, event) → the next model and the effects to carry out: the one entry point of
// the pure flow. Menus and flows answer their own events (menus.ts, flows.ts); what is common
// to every screen is here: the state read for a menu, help, refresh, internal errors.
import type { Values } from '../core/types.js';
import type { Item } from '../menu/types.js';
import type { Effect, Event } from './events.js';
import { fieldsOf, startFlow, updateFlow } from './flows.js';
import { disabledReason, menuEffects, menuHelp, openMenu, updateMenu, visibleItems, back } from './menus.js';
import { fillText, pop, push, replaceTop, same, showsNotice, to, top, type Frame, type Model, type Update } from './model.js';

/** The effects the first screen needs (the current state on the welcome note or top menu, the tree's notice). */
export function initEffects(model: Model): Effect[] {
  const f = top(model);
  const notice: Effect[] = model.tree.notice ? [{ type: 'notice', op: model.tree.notice.show }] : [];
  if (f.kind === 'note' && model.tree.status) return [{ type: 'status', op: model.tree.status, context: {} }, ...notice];
  if (f.kind === 'menu') return [...menuEffects(f.menu, f.context), ...notice];
  return notice;
}

/** The operator acted on the notice after it was drawn: what it showed is acknowledged once. */
function seen(model: Model): Update {
  const n = model.notice;
  const t = model.tree.notice;
  if (!t || n?.kind !== 'text' || n.seen === undefined || !showsNotice(model)) return same(model);
  const { seen: values, ...rest } = n;
  return to({ ...model, notice: rest }, { type: 'ack', op: t.seen, values, then: t.show });
}

/** What choosing an item starts: its menu, its flow, or a built-in (exit, shell). */
function open(model: Model, item: Item, context: Values): Update {
  if (item.menu) return openMenu(model, item.menu, context);
  if (item.flow) return startFlow(model, item, item.flow, context);
  if (item.builtin === 'shell') {
    // the demo opens no shell on the host: it says what the appliance does
    if (model.conditions.demo !== undefined) return same(push(model, { kind: 'note', title: fillText(item.label, context), text: DEMO_SHELL }));
    return to(push(model, { kind: 'shell' }), { type: 'shell' });
  }
  return same({ ...model, leaving: true });
}

/** What Shell says on the demo appliance instead of opening a login prompt. */
export const DEMO_SHELL =
  'On the appliance, Shell leaves this screen, prints "*** Starting login shell - press "Ctrl+c" to return to confconsole before successful login and type "exit" to return to confconsole after login" and runs the system\'s login prompt on this terminal: log in as the admin user; Ctrl+C before logging in or exit after it comes back here.\n\nThe demo appliance opens no shell.';

/** An internal error said where the operator is, with where its details are. */
export const internalText = (message: string, log: string) => `Internal error: ${message}\n\nThe console goes on; the details are in ${log}.`;

/** The events that come from keys (the rest are answers to effects, or time passing). */
const KEY_EVENTS = new Set<Event['type']>(['up', 'down', 'hotkey', 'ok', 'cancel', 'yes', 'no', 'help', 'submit', 'interrupt']);

/** Exit code of a console left with a second Ctrl+C (as a shell reports an interrupted program). */
export const INTERRUPTED = 130;

/**
 * The question "Leave the console?": Yes leaves (0), a second Ctrl+C leaves (130), No and Esc
 * stay. Other keys wait for the answer; answers to effects still reach the screen below.
 */
function whileLeaving(model: Model, ev: Event): Update | undefined {
  if (ev.type === 'interrupt') return model.leaving ? to({ ...model, done: true }, { type: 'exit', code: INTERRUPTED }) : same({ ...model, leaving: true });
  if (!model.leaving || !KEY_EVENTS.has(ev.type)) return undefined;
  if (ev.type === 'yes') return to({ ...model, done: true }, { type: 'exit' });
  if (ev.type === 'no' || ev.type === 'cancel') return same({ ...model, leaving: false });
  return same(model);
}

/** Whether what is on top is still being read before its dialog can take keys (type-ahead waits for it). */
export function loading(model: Model): boolean {
  if (model.leaving) return false;
  const f = top(model);
  if (f.kind === 'flow') return f.step.s === 'loading' || f.step.s === 'asking';
  // a menu whose rows come from the system: a hotkey or Enter typed now is for a row not listed yet
  return f.kind === 'menu' && f.menu.source !== undefined && f.entries === undefined;
}

/**
 * Whether what is on top is the dialog its read was for (a form prefilled, a view shown, a
 * question asked, a menu's rows listed), not a failure or a refusal said instead: keys typed
 * ahead are for the former only, and must not acknowledge a message nobody has read yet.
 */
export function readAsExpected(model: Model): boolean {
  const f = top(model);
  if (f.kind === 'menu') return f.menu.source === undefined || f.entries !== undefined;
  if (f.kind !== 'flow') return true;
  switch (f.flow.kind) {
    case 'form':
      return f.step.s === 'form';
    case 'view':
      return f.step.s === 'shown';
    default:
      return f.step.s === 'confirm';
  }
}

export function update(model: Model, ev: Event): Update {
  const asked = whileLeaving(model, ev);
  if (asked) return asked;
  const f = top(model);
  switch (ev.type) {
    case 'status':
      return same(f.kind === 'menu' || f.kind === 'note' ? replaceTop(model, { ...f, status: ev.shown }) : model);
    case 'notice':
      return same({ ...model, notice: ev.shown });
    case 'seen':
      return seen(model);
    case 'items':
      if (f.kind !== 'menu' || !f.menu.source) return same(model);
      return same(replaceTop(model, { ...f, entries: ev.items, selected: Math.min(f.selected, Math.max(0, ev.items.length + visibleItems(f.menu, model.conditions, f.offered).length - 1)) }));
    case 'offered': {
      if (f.kind !== 'menu') return same(model);
      const offered = { ...f.offered, [ev.key]: ev.offered };
      const rows = (f.entries?.length ?? 0) + visibleItems(f.menu, model.conditions, offered).length;
      return same(replaceTop(model, { ...f, offered, selected: Math.min(f.selected, Math.max(0, rows - 1)) }));
    }
    case 'help':
      if (f.kind === 'note') break;
      return same(push(ev.values && f.kind === 'flow' && f.step.s === 'form' ? replaceTop(model, { ...f, step: { ...f.step, values: { ...f.step.values, ...ev.values } } }) : model, helpFrame(model, f)));
    case 'refresh': {
      // the notice counts down on the first screens: read again with them
      const notice: Effect[] = showsNotice(model) && model.tree.notice && model.notice?.kind === 'text' && model.notice.refresh ? [{ type: 'notice', op: model.tree.notice.show }] : [];
      if (f.kind === 'menu') return to(model, ...menuEffects(f.menu, f.context), ...notice);
      if (notice.length) return to(model, ...notice);
      if (f.kind === 'flow' && f.flow.kind === 'view' && f.step.s === 'shown') return to(model, { type: 'show', op: f.flow.op, context: f.context });
      return same(model);
    }
    case 'start':
      // what is disabled here (no root rights) is not started
      if (disabledReason(ev.item, model.conditions) !== undefined) return same(model);
      if (ev.item.flow && ev.then?.length) return startFlow(model, ev.item, ev.item.flow, {}, ev.then);
      return open(model, ev.item, {});
    case 'internal':
      if (f.kind !== 'flow') return same(push(model, { kind: 'note', title: 'Internal error', text: internalText(ev.message, ev.log), failed: true }));
      break;
  }
  switch (f.kind) {
    case 'menu':
      return updateMenu(model, f, ev, open);
    case 'note':
      return ev.type === 'ok' || ev.type === 'cancel' ? back(model) : same(model);
    case 'shell':
      if (ev.type === 'failed') return same(push(pop(model), { kind: 'note', title: 'Shell', text: ev.message, failed: true }));
      return ev.type === 'returned' ? same(pop(model)) : same(model);
    case 'flow':
      return updateFlow(model, f, ev);
  }
}

function helpFrame(model: Model, f: Frame): { kind: 'note'; title: string; text: string } {
  let text = '';
  if (f.kind === 'menu') text = menuHelp(model, f);
  else if (f.kind === 'flow') {
    text = fillText(f.item.help, f.context);
    if (f.step.s === 'form' && fieldsOf(f.flow).length) text = [text, ...fieldsOf(f.flow).map((x) => `${x.short ?? x.label}: ${x.help}`)].join('\n');
  }
  return { kind: 'note', title: 'Help', text: text.trim() || 'No help for this screen.' };
}

/**
 * Seconds after which what is on top is read again, from data only: a live view's `every`,
 * or the `refresh` a state asks for (e.g. a pending change counting down). Undefined: never.
 */
export function refreshAfter(model: Model): number | undefined {
  const f = top(model);
  const notice = showsNotice(model) && model.notice?.kind === 'text' ? model.notice.refresh : undefined;
  if (notice !== undefined) {
    const own = f.kind === 'menu' && f.status?.kind !== 'file' ? f.status?.refresh : undefined;
    return own === undefined ? notice : Math.min(own, notice);
  }
  if (f.kind === 'menu') return f.status?.kind !== 'file' ? f.status?.refresh : undefined;
  if (f.kind === 'flow' && f.flow.kind === 'view' && f.step.s === 'shown') return f.flow.every ?? (f.step.shown.kind !== 'file' ? f.step.shown.refresh : undefined);
  return undefined;
}
