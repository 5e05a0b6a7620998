// Types shared by the pure flow (model/update/view) and its runtime. Nothing here imports
// blessed, execa or fs: an Outcome or Shown is plain data produced by an action module.

export type Values = Record<string, string>;

/** An entry found on the system, listed by a source menu (e.g. an interface). */
export interface Entry {
  key: string;
  label: string;
  /** Filled into the texts of the menu it opens, and given to its operations. */
  context: Values;
  disabled?: string;
}

/** The result of a test or an apply, as a person reads it. */
export interface Outcome {
  ok: boolean;
  /** One line for the dialog. */
  summary: string;
  /** Details (one line per server, per service, ...). */
  details?: string[];
  /** Machine-readable data for --json. */
  data?: unknown;
  /** The exit code a command returns for it (the script's own). */
  code?: number;
}

/** What a "view" operation shows. */
export type Shown =
  /** `blocked`: as a confirmFrom question, says why the change cannot be made now (OK only, nothing asked). */
  | { kind: 'text'; title?: string; text: string; blocked?: true }
  | { kind: 'table'; title?: string; text?: string; columns: string[]; rows: string[][] }
  | { kind: 'file'; title?: string; path: string; format?: 'audit'; empty?: string };

/** Effects are values: the runtime carries them out and answers with an Event. */
export type Effect =
  | { type: 'read'; op: string; context?: Values }
  | { type: 'items'; op: string; context?: Values }
  | { type: 'test'; op: string; values: Values }
  | { type: 'check'; op: string; values: Values }
  | { type: 'apply'; op: string; values: Values }
  | { type: 'show'; op: string; context?: Values }
  /** The text of op.show() for the menu or note on top (its current state). */
  | { type: 'status'; op: string; context?: Values }
  | { type: 'abort' }
  | { type: 'shell' }
  | { type: 'exit' };

export type Event =
  // keys, already translated by the dialog into meaning
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'hotkey'; key: string }
  | { type: 'ok' }
  | { type: 'cancel' }
  | { type: 'yes' }
  | { type: 'no' }
  /** From a form, with what is typed so far: it is kept for when the help is closed. */
  | { type: 'help'; values?: Values }
  | { type: 'submit'; values: Values }
  // answers to effects
  | { type: 'loaded'; values: Values }
  /** op.check(): field name → message; empty when all is well. */
  | { type: 'checked'; errors: Record<string, string>; warnings?: string[] }
  | { type: 'line'; text: string }
  | { type: 'finished'; outcome: Outcome }
  | { type: 'shown'; shown: Shown }
  | { type: 'status'; text: string }
  | { type: 'items'; items: Entry[] }
  /** The commit-confirmed deadline has passed. */
  | { type: 'expired' }
  | { type: 'failed'; message: string }
  | { type: 'returned' };

/** The plain text of something shown (for status lines). */
export function shownText(s: Shown): string {
  if (s.kind === 'text') return s.text;
  if (s.kind === 'table') return [s.text ?? '', ...s.rows.map((r) => r.join('  '))].filter(Boolean).join('\n');
  return s.path;
}
