// What an action module is: the getter/setter pair that the console's menus and the command
// line share (raspi-config's nonint idea, with honest results).
import type { Entry, Outcome, Shown, Values } from '../flow/types.js';
import type { Paths } from '../system/paths.js';
import type { Runner, ScriptResult } from '../system/runner.js';

export interface Ctx {
  paths: Paths;
  runner: Runner;
}

export interface Io {
  line(text: string): void;
  signal?: AbortSignal;
}

export interface Operation {
  /** Current values, to prefill a form and to show "old" in the review. */
  read?(ctx: Ctx, context?: Values): Promise<Values>;
  /** Entries found on the system, for a source menu (e.g. the network interfaces). */
  items?(ctx: Ctx, context?: Values): Promise<Entry[]>;
  /**
   * What only the system can say about valid-looking values (disk space, DNS): field →
   * message; warnings go to the review, where the operator's Yes confirms them.
   */
  check?(ctx: Ctx, values: Values): Promise<Checked>;
  /** A real test of entered values that changes nothing. */
  test?(ctx: Ctx, values: Values, io: Io): Promise<Outcome>;
  /** The change, through an sbin/ script. */
  apply?(ctx: Ctx, values: Values, io: Io): Promise<Outcome>;
  /** Something to look at (in a menu opened for an entry, that entry's values in `context`). */
  show?(ctx: Ctx, context?: Values): Promise<Shown>;
}

const codeText: Record<number, string> = {
  1: 'failed',
  2: 'bad input',
  3: 'failed; the previous settings were restored',
  4: 'another console is applying a change; try again',
  5: 'the test found a problem',
  6: 'some steps failed',
};

/** A script's result as a person reads it. */
export function outcomeOf(r: ScriptResult, okSummary: string): Outcome {
  if (r.exitCode === 0) return { ok: true, summary: okSummary, details: r.log, data: r.result, code: 0 };
  const err = typeof r.result.error === 'string' ? r.result.error : undefined;
  const summary = r.timedOut ? 'timed out' : r.cancelled ? 'cancelled' : err ?? codeText[r.exitCode] ?? `exit ${r.exitCode}`;
  return { ok: false, summary, details: r.log.filter((l) => !err || !l.endsWith(err)), data: r.result, code: r.exitCode || 1 };
}

export interface Checked {
  errors: Record<string, string>;
  warnings?: string[];
}

/** What op.check() returns when every field is fine. */
export const noErrors: Readonly<Checked> = Object.freeze({ errors: {} });
