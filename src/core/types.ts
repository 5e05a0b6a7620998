// The console's neutral vocabulary: what a feature's operations take and return. The pure flow,
// the runtime, the commands and the features all speak it; it imports nothing of theirs.
import type { Paths } from '../system/paths.js';
import type { Runner } from '../system/runner.js';

/** Field or context values, by name (a form's input, an entry's values such as `iface`). */
export type Values = Record<string, string>;

/** What every operation gets: where the appliance's files are, and the one program runner. */
export interface Ctx {
  paths: Paths;
  runner: Runner;
}

/** Progress of a long operation: each line the script writes; aborted when the operator cancels. */
export interface Io {
  line(text: string): void;
  /** What is being done now, in the manual's words: the progress dialog's top line (replaces the last). */
  note?(text: string): void;
  /** From here on the work must not be stopped (an upgrade began to unpack): Esc no longer cancels. */
  committed?(): void;
  signal?: AbortSignal;
}

/** An entry found on the system, listed by a source menu (e.g. an interface). */
export interface Entry {
  key: string;
  label: string;
  /** Filled into the texts of the menu it opens, and given to its operations. */
  context: Values;
  disabled?: string;
}

/** A change waiting for the operator's confirmation before `deadline` (epoch seconds). */
export interface Pending {
  /** The change's id (set_network.sh), to tell later what became of it. */
  id?: string;
  deadline: number;
  /** Where to reconnect when the address changed (no prefix), or '' when not known. */
  address: string;
}

/** The result of a test, an apply or a run, as a person reads it (and a command returns it). */
export interface Outcome {
  ok: boolean;
  /** One line for the dialog. */
  summary: string;
  /** Details (one line per server, per service, ...). */
  details?: string[];
  /** Machine-readable data for --json. */
  data?: unknown;
  /** The exit code a command returns for it (the script's own, lib/core.sh). */
  code?: number;
  /** The input field a refusal is about (the form shows the summary under it). */
  field?: string;
  /** A commit-confirmed change: it rolls back by itself unless confirmed before the deadline. */
  pending?: Pending;
  /**
   * A failed test's remedy the operator may choose (trust the certificate it describes): asked
   * before "Continue anyway?"; Yes runs `op.test` with `values` (the remedy, then the test again).
   */
  offer?: { question: string; op: Operation; values: Values };
  /**
   * What follows the result dialog once acknowledged: 'logout' ends the console (a change of the
   * appliance's role, manual ch. 10 step 11: "you will be logged out of the console").
   */
  then?: 'logout';
  /** What a run found, as a table the result shows (scrollable), under the summary and details. */
  table?: { columns: string[]; rows: string[][] };
}

/** What a view shows. `refresh`: seconds after which it is read again while on screen. */
export type Shown =
  /** `seen`: a notice the operator must acknowledge; these values go to the tree's notice.seen once they have. */
  | { kind: 'text'; title?: string; text: string; refresh?: number; seen?: Values }
  | { kind: 'table'; title?: string; text?: string; columns: string[]; rows: string[][]; refresh?: number; chart?: Chart; after?: string }
  | { kind: 'file'; title?: string; path: string; format?: 'audit'; empty?: string };

/**
 * A live chart under a table: one point a sample (`every` seconds apart), oldest first, in
 * `unit`. Drawn with blessed-contrib where the terminal shows Unicode, else as ASCII rows.
 */
export interface Chart {
  title: string;
  points: number[];
  every: number;
  unit: string;
}

/**
 * The question before a change, read from the state, and the questions that follow it (each
 * answered Yes before the next; No at any leaves); or why the change cannot be made now.
 */
export type Asked = { question: string; then?: string[] } | { blocked: string };

/** One line of a review: a setting as it is now and as the change will store it (secrets masked). */
export interface ReviewRow {
  label: string;
  old: string;
  new: string;
}

/** A system check of valid-looking values (disk space, DNS, other interfaces). */
export interface Checked {
  /** Field name → message; the form shows each under its field, with the input kept. */
  errors: Record<string, string>;
  /** Shown in the review, where the operator's Yes confirms them (which then starts on No). */
  warnings?: string[];
  /** What the check found that the change needs as reviewed (e.g. the fingerprint shown): added to the values. */
  found?: Values;
  /**
   * The review as the script will store the values (its --dry-run answer, after its own
   * normalisation): when given, the review shows these rows instead of the form's fields.
   */
  review?: ReviewRow[];
}

/**
 * The getter/setter pair that a menu item and a command share (raspi-config's nonint idea, with
 * honest results). Each method is optional; a flow kind says which it needs.
 */
export interface Operation {
  /** For logs and messages ("ntp.set"). */
  readonly id: string;
  /** Current values, to prefill a form and to show "old" in the review. */
  read?(ctx: Ctx, context: Values): Promise<Values>;
  /** Entries found on the system, for a source menu (e.g. the network interfaces). */
  items?(ctx: Ctx, context: Values): Promise<Entry[]>;
  /** The question before the change, when it depends on the state (or why not now). */
  ask?(ctx: Ctx, context: Values): Promise<Asked>;
  /** What only the system can say about valid-looking values (disk space, DNS). */
  check?(ctx: Ctx, values: Values): Promise<Checked>;
  /** A real test of entered values that changes nothing. */
  test?(ctx: Ctx, values: Values, io: Io): Promise<Outcome>;
  /** The change, through an sbin/ script. */
  apply?(ctx: Ctx, values: Values, io: Io): Promise<Outcome>;
  /** Something to look at (in a menu opened for an entry, that entry's values in `context`). */
  show?(ctx: Ctx, context: Values): Promise<Shown>;
  /** Long read-only work that streams lines and can be cancelled at any time; ends with a result. */
  run?(ctx: Ctx, values: Values, io: Io): Promise<Outcome>;
}

/** An operation that has the methods K (what a flow kind needs). */
export type Op<K extends keyof Operation> = Operation & Required<Pick<Operation, K>>;

/** The plain text of something shown (a menu's state line). */
export function shownText(s: Shown): string {
  if (s.kind === 'text') return s.text;
  if (s.kind === 'table') return [s.text ?? '', ...s.rows.map((r) => r.join('  '))].filter(Boolean).join('\n');
  return s.path;
}
