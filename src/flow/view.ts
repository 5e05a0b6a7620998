// view(model): what the screen must show, as data. The blessed renderer draws it; tests can
// assert on it without a terminal.
import { fieldActive, fillText, menuRows, top, type Model } from './model.js';
import type { Shown } from './types.js';

export interface MenuRow {
  key: string;
  label: string;
  disabled?: string;
}

export type View =
  | { kind: 'menu'; title: string; text?: string; items: MenuRow[]; selected: number; root: boolean }
  | { kind: 'yesno'; title: string; text: string; yes: string; no: string; defaultNo?: boolean }
  | { kind: 'message'; title: string; text: string; ok: boolean | undefined }
  | {
      kind: 'form';
      title: string;
      text?: string;
      fields: FormField[];
    }
  | { kind: 'review'; title: string; rows: { label: string; old: string; new: string }[]; warnings: string[]; question: string }
  | { kind: 'progress'; title: string; lines: string[]; cancellable: boolean; note?: string }
  | { kind: 'shown'; shown: Shown; title: string }
  /** Commit-confirmed: confirm before `deadline` (epoch seconds) or the change rolls back. */
  | { kind: 'countdown'; title: string; text: string; deadline: number; yes: string; no: string }
  | { kind: 'blank' };

export interface FormField {
  name: string;
  label: string;
  value: string;
  masked: boolean;
  error?: string;
  choices?: { value: string; label: string }[];
  when?: { field: string; is: string[] };
}

export function breadcrumb(model: Model): string[] {
  return model.stack.flatMap((f) => (f.kind === 'menu' ? [f.title] : f.kind === 'flow' ? [fillText(f.item.label, f.context)] : []));
}

export function view(model: Model): View {
  const f = top(model);
  switch (f.kind) {
    case 'menu': {
      const ctx = f.context ?? {};
      const items = menuRows(f, model.conditions).map((r) => {
        const label = fillText(r.item.label, ctx);
        return r.disabled === undefined ? { key: r.item.key, label } : { key: r.item.key, label, disabled: r.disabled };
      });
      const v: View = { kind: 'menu', title: f.title, items, selected: f.selected, root: model.stack[0] === f };
      const waiting = f.menu.status || (f.menu.source && !f.entries) ? 'Reading the current settings...' : undefined;
      const empty = f.menu.source && f.entries?.length === 0 && items.length === 0 ? 'Nothing found.' : undefined;
      const text = [f.status ?? waiting, empty, f.menu.text && fillText(f.menu.text, ctx)].filter((x) => x !== undefined && x !== '').join('\n\n');
      return text !== '' ? { ...v, text } : v;
    }
    case 'note':
      return { kind: 'message', title: f.title, text: f.status ? `${f.text}\n\n${f.status}` : f.text, ok: undefined };
    case 'quit':
      return { kind: 'yesno', title: 'Exit', text: `Leave the ${model.tree.title}?`, yes: 'Yes', no: 'No' };
    case 'shell':
      return { kind: 'blank' };
    case 'flow': {
      const title = fillText(f.item.label, f.context);
      const st = f.step;
      const fill = (text: string, values: Record<string, string> = {}) => fillText(text, { ...f.context, ...values });
      switch (st.s) {
        case 'confirm':
          return { kind: 'yesno', title, text: f.current.question ?? fill(f.flow.confirm ?? ''), yes: 'Yes', no: 'No', defaultNo: f.flow.defaultNo === true };
        case 'loading':
          return { kind: 'progress', title, lines: [], cancellable: true, note: 'Reading current settings…' };
        case 'form': {
          const fields = (f.flow.fields ?? []).map((fld) => {
            const base: FormField = { name: fld.name, label: fld.label, value: st.values[fld.name] ?? fld.choices?.[0]?.value ?? '', masked: fld.masked === true };
            if (fld.choices) base.choices = fld.choices;
            if (fld.when) base.when = fld.when;
            const e = st.errors[fld.name];
            return e === undefined ? base : { ...base, error: e };
          });
          return { kind: 'form', title, fields };
        }
        case 'checking':
          return { kind: 'progress', title, lines: [], cancellable: true, note: 'Checking...' };
        case 'ask-test':
          return { kind: 'yesno', title, text: fill(f.flow.test ?? '', st.values), yes: 'Yes', no: 'No' };
        case 'testing':
          return { kind: 'progress', title: `${title}: test`, lines: st.lines, cancellable: true };
        case 'test-result': {
          const details = st.outcome.details ?? [];
          const text = [cap(st.outcome.summary), ...(details.length ? ['', ...details] : [])].join('\n');
          if (st.outcome.ok) return { kind: 'message', title: `${title}: test`, text, ok: true };
          return { kind: 'yesno', title: `${title}: test`, text: `${text}\n\nContinue anyway?`, yes: 'Yes', no: 'No', defaultNo: true };
        }
        case 'review': {
          const fields = f.flow.fields ?? [];
          const label = (fld: (typeof fields)[number], v: string) => fld.choices?.find((c) => c.value === v)?.label ?? v;
          const rows = fields.filter((fld) => fld.same === undefined && (fieldActive(fields, st.values, fld.name) || fieldActive(fields, f.current, fld.name))).map((fld) => ({
            label: fld.short ?? fld.label,
            old: fld.masked ? mask(f.current[fld.name] ?? '') : fieldActive(fields, f.current, fld.name) ? label(fld, f.current[fld.name] ?? '') : '',
            new: fld.masked ? mask(st.values[fld.name] ?? '') : fieldActive(fields, st.values, fld.name) ? label(fld, st.values[fld.name] ?? '') : '',
          }));
          // nothing to apply (and no secret typed, which cannot be compared): say so, apply nothing
          const typedSecret = fields.some((fld) => fld.masked && (st.values[fld.name] ?? '') !== '');
          if (!typedSecret && rows.every((r) => r.old === r.new))
            return { kind: 'message', title, text: 'Nothing changes: these are the current settings.\n\nOK goes back to the form; Esc leaves it.', ok: true };
          return { kind: 'review', title, rows, warnings: st.warnings, question: fill(f.flow.question ?? 'Apply this change?', st.values) };
        }
        case 'applying':
          return {
            kind: 'progress',
            title: f.flow.apply ?? title,
            lines: st.lines,
            cancellable: f.flow.cancellable === true && !st.cancelling,
            ...(st.cancelling ? { note: 'Cancelling…' } : {}),
          };
        case 'awaiting':
          return {
            kind: 'countdown',
            title,
            text: `${cap(st.outcome.summary)}\n\nCheck that you can still reach the appliance${st.address ? ` (reconnect to ${st.address} if its address changed)` : ''} and confirm. Without a confirmation the previous settings come back by themselves, even if this session is cut off.`,
            deadline: st.deadline,
            yes: 'Confirm',
            no: 'Roll back',
          };
        case 'result': {
          // after a confirm or roll back, its own summary says it all
          const head = !st.outcome.ok ? [`Failed: ${st.outcome.summary}`] : st.after ? [cap(st.outcome.summary)] : [fill(f.flow.done ?? 'Done.'), cap(st.outcome.summary)];
          const note = st.note ?? (st.values ? 'OK goes back to the form, with what you entered.' : undefined);
          const text = [...head, ...(note ? ['', note] : []), '', ...(st.outcome.details ?? [])].join('\n').trim();
          return { kind: 'message', title, text, ok: st.outcome.ok };
        }
        case 'shown':
          return { kind: 'shown', title: st.shown.title ?? title, shown: st.shown };
        case 'error':
          return { kind: 'message', title, text: `Error: ${st.message}`, ok: false };
      }
    }
  }
}

/** Secrets never reach the screen after entry: a label before ':' stays, the rest is stars. */
export function mask(secret: string): string {
  if (secret === '') return '(not set)';
  const i = secret.indexOf(':');
  return i > 0 ? `${secret.slice(0, i)}:****` : '****';
}

/** A script's message starts a sentence on screen. */
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
