// view(model): what the screen must show, as data. The renderer lays it out and draws it; tests
// assert on it without a terminal.
import { shownText, type Shown } from '../core/types.js';
import type { Field } from '../menu/types.js';
import { fieldActive } from './fields.js';
import { menuRows } from './menus.js';
import { fillText, showsNotice, top, type FlowFrame, type Frame, type Model } from './model.js';
import { internalText } from './update.js';
import { fieldsOf } from './flows.js';

export interface MenuRow {
  key: string;
  label: string;
  disabled?: string;
}

export interface FormField {
  name: string;
  label: string;
  value: string;
  masked: boolean;
  error?: string;
  choices?: { value: string; label: string }[];
  when?: { field: string; is: string[] };
  /** Beyond the manual's prompts: Enter walks past it (Field.extra). */
  extra?: true;
}

export type View =
  | { kind: 'menu'; title: string; text?: string; items: MenuRow[]; selected: number; root: boolean }
  | { kind: 'yesno'; title: string; text: string; yes: string; no: string; defaultNo?: boolean }
  /** `ok`: false draws it as a failure, true as a success, undefined as neither. */
  | { kind: 'message'; title: string; text: string; ok: boolean | undefined }
  | { kind: 'form'; title: string; fields: FormField[] }
  | { kind: 'review'; title: string; rows: { label: string; old: string; new: string }[]; warnings: string[]; question: string }
  | { kind: 'progress'; title: string; lines: string[]; cancellable: boolean; note?: string }
  | { kind: 'shown'; shown: Shown; title: string }
  /** Commit-confirmed: confirm before `deadline` (epoch seconds) or the change rolls back. */
  | { kind: 'countdown'; title: string; text: string; deadline: number; yes: string; no: string }
  | { kind: 'blank' };

export function breadcrumb(model: Model): string[] {
  return model.stack.flatMap((f) => (f.kind === 'menu' ? [f.title] : f.kind === 'flow' ? [fillText(f.item.label, f.context)] : []));
}

/** Secrets never reach the screen after entry: a label before ':' stays, the rest is stars. */
export function mask(secret: string): string {
  if (secret === '') return '(not set)';
  const i = secret.indexOf(':');
  return i > 0 ? `${secret.slice(0, i)}:****` : '****';
}

/** A script's message starts a sentence on screen. */
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** Said after a result whose outcome ends the console (`then: 'logout'`, manual ch. 10 step 11). */
export const LOGOUT = 'You will now be logged out of the console.';

/** What leaving now does to a change under way on top: it goes on without the console. */
function leavingNote(f: Frame): string {
  if (f.kind !== 'flow') return '';
  if (f.step.s === 'applying') return '\n\nA change is under way: it finishes, or rolls back, by itself after you leave.';
  if (f.step.s === 'awaiting') return '\n\nThe change waiting for confirmation rolls back by itself unless it is confirmed before its time is up (confconsole network confirm).';
  return '';
}

export function view(model: Model): View {
  const f = top(model);
  if (model.leaving) return { kind: 'yesno', title: 'Exit', text: `Leave the ${model.tree.title}?${leavingNote(f)}`, yes: 'Yes', no: 'No' };
  // the first screens (welcome, top menu) show the tree's notice first: what must be acted on
  const notice = showsNotice(model) && model.notice ? shownText(model.notice) : '';
  switch (f.kind) {
    case 'menu': {
      const items = menuRows(f, model.conditions).map((r) => {
        const label = fillText(r.item.label, f.context);
        return r.disabled === undefined ? { key: r.item.key, label } : { key: r.item.key, label, disabled: r.disabled };
      });
      const v: View = { kind: 'menu', title: f.title, items, selected: f.selected, root: model.stack[0] === f };
      const waiting = (f.menu.status && !f.status) || (f.menu.source && !f.entries) ? 'Reading the current settings...' : undefined;
      const empty = f.menu.source && f.entries?.length === 0 && items.length === 0 ? 'Nothing found.' : undefined;
      const text = [notice, f.status ? shownText(f.status) : waiting, empty, f.menu.text && fillText(f.menu.text, f.context)].filter((x) => x !== undefined && x !== '').join('\n\n');
      return text !== '' ? { ...v, text } : v;
    }
    case 'note':
      return { kind: 'message', title: f.title, text: [f.text, f.status ? shownText(f.status) : '', notice].filter((x) => x !== '').join('\n\n'), ok: f.failed ? false : undefined };
    case 'shell':
      return { kind: 'blank' };
    case 'flow':
      return flowView(f);
  }
}

function review(f: FlowFrame, fields: Field[], values: Record<string, string>, warnings: string[], question: string): View {
  const title = fillText(f.item.label, f.context);
  const label = (fld: Field, v: string) => fld.choices?.find((c) => c.value === v)?.label ?? v;
  const shown = (fld: Field, vals: Record<string, string>) => (fld.masked ? mask(vals[fld.name] ?? '') : fieldActive(fields, vals, fld.name) ? label(fld, vals[fld.name] ?? '') : '');
  const rows =
    f.planned ??
    fields
      .filter((fld) => fld.same === undefined && (fieldActive(fields, values, fld.name) || fieldActive(fields, f.current, fld.name)))
      .map((fld) => {
        const row = { label: fld.short ?? fld.label, old: shown(fld, f.current), new: shown(fld, values) };
        // a secret typed over a stored one masks the same ("****"): without this the review said
        // "Nothing changes ... Unchanged: Admin password ****" and then asked to set it
        return fld.masked && (values[fld.name] ?? '') !== '' && row.new === row.old ? { ...row, new: `${row.new} (typed: replaces the stored one)` } : row;
      });
  // nothing to apply (and no secret typed, which cannot be compared — the script's plan compares it): say so, apply nothing
  const typedSecret = f.planned === undefined && fields.some((fld) => fld.masked && (values[fld.name] ?? '') !== '');
  if (!typedSecret && rows.every((r) => r.old === r.new))
    return { kind: 'message', title, text: 'Nothing changes: these are the current settings.\n\nOK goes back to the form; Esc leaves it.', ok: true };
  return { kind: 'review', title, rows, warnings, question };
}

function flowView(f: FlowFrame): View {
  const title = fillText(f.item.label, f.context);
  const fill = (text: string, values: Record<string, string> = {}) => fillText(text, { ...f.context, ...values });
  const flow = f.flow;
  const st = f.step;
  switch (st.s) {
    case 'confirm':
      return { kind: 'yesno', title, text: st.question, yes: 'Yes', no: 'No', defaultNo: flow.kind === 'do' && flow.defaultNo === true };
    case 'asking':
    case 'loading':
      return { kind: 'progress', title, lines: [], cancellable: true, note: 'Reading the current settings...' };
    case 'form': {
      const fields = fieldsOf(flow);
      return {
        kind: 'form',
        title,
        // a field about something stored (onlyIf) is asked only when the state has it
        fields: fields.filter((fld) => fld.onlyIf === undefined || (f.current[fld.onlyIf] ?? '') !== '').map((fld) => {
          const base: FormField = { name: fld.name, label: fld.label, value: st.values[fld.name] ?? fld.choices?.[0]?.value ?? '', masked: fld.masked === true };
          if (fld.choices) base.choices = fld.choices;
          if (fld.when) base.when = fld.when;
          if (fld.extra) base.extra = true;
          const e = st.errors[fld.name];
          return e === undefined ? base : { ...base, error: e };
        }),
      };
    }
    case 'checking':
      return { kind: 'progress', title, lines: [], cancellable: true, note: 'Checking...' };
    case 'ask-test':
      return { kind: 'yesno', title, text: fill(flow.kind === 'form' ? (flow.test ?? '') : '', st.values), yes: 'Yes', no: 'No' };
    case 'testing':
      return { kind: 'progress', title: `${title}: test`, lines: st.lines, cancellable: true };
    case 'test-result': {
      const details = st.outcome.details ?? [];
      const text = [cap(st.outcome.summary), ...(details.length ? ['', ...details] : [])].join('\n');
      if (st.outcome.ok) return { kind: 'message', title: `${title}: test`, text, ok: true };
      if (st.outcome.offer) return { kind: 'yesno', title: `${title}: test`, text: `${text}\n\n${st.outcome.offer.question}`, yes: 'Yes', no: 'No', defaultNo: true };
      return { kind: 'yesno', title: `${title}: test`, text: `${text}\n\nContinue anyway?`, yes: 'Yes', no: 'No', defaultNo: true };
    }
    case 'review':
      return review(f, flow.kind === 'form' ? flow.fields : [], st.values, st.warnings, fill(flow.kind === 'form' ? (flow.question ?? 'Apply this change?') : '', st.values));
    case 'applying': {
      const cancellable = flow.kind === 'do' && flow.cancellable === true && !st.cancelling && !st.committed;
      const progress = flow.kind === 'do' || flow.kind === 'form' ? flow.progress : undefined;
      return { kind: 'progress', title: progress ?? title, lines: st.lines, cancellable, ...(st.cancelling ? { note: 'Cancelling...' } : {}) };
    }
    case 'running':
      return {
        kind: 'progress',
        title: (flow.kind === 'run' ? flow.progress : undefined) ?? title,
        lines: st.lines,
        cancellable: !st.cancelling,
        ...(st.cancelling ? { note: 'Cancelling...' } : st.note !== undefined ? { note: st.note } : {}),
      };
    case 'awaiting':
      return {
        kind: 'countdown',
        title,
        text: `${cap(st.outcome.summary)}\n\nCheck that you can still reach the appliance${st.pending.address ? ` (reconnect to ${st.pending.address} if its address changed)` : ''} and confirm. Without a confirmation the previous settings come back by themselves, even if this session is cut off.`,
        deadline: st.pending.deadline,
        yes: 'Confirm',
        no: 'Roll back',
      };
    case 'result': {
      const done = flow.kind === 'do' || flow.kind === 'form' ? flow.done : undefined;
      // after a confirm or roll back, and for a run, the outcome's own summary says it all
      const head = !st.outcome.ok ? [`Failed: ${st.outcome.summary}`] : st.after || flow.kind === 'run' ? [cap(st.outcome.summary)] : [fill(done ?? 'Done.'), cap(st.outcome.summary)];
      // the console ends after this dialog (a change of role): it says so, from the typed `then`
      if (st.outcome.ok && st.outcome.then === 'logout') head.push(LOGOUT);
      const note = st.note ?? (st.values ? 'OK goes back to the form, with what you entered.' : st.again ? 'OK runs it again (the form, with what you entered); Esc goes back to the menu.' : undefined);
      const text = [...head, ...(note ? ['', note] : []), '', ...(st.outcome.details ?? [])].join('\n').trim();
      // what a run found as a table (the hosts seen): shown under the text, scrollable
      const t = st.outcome.table;
      if (t) return { kind: 'shown', title, shown: { kind: 'table', text, columns: t.columns, rows: t.rows } };
      return { kind: 'message', title, text, ok: st.outcome.ok };
    }
    case 'shown':
      return { kind: 'shown', title: st.shown.title ?? title, shown: st.shown };
    case 'error':
      return { kind: 'message', title, text: st.log !== undefined ? internalText(st.message, st.log) : `Error: ${st.message}`, ok: false };
  }
}
