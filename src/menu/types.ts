// What a menu tree is: typed data (menus/*.ts compose it from the features' fragments with
// `satisfies`). Items point at flows; a flow's kind says what it does and which methods of its
// operation it needs. Checked again when loaded (menu/check.ts).
import type { Op } from '../core/types.js';
import type { Rule } from '../rules/validated.js';

/** Facts that hide or disable an item (src/menu/conditions.ts says when each holds, and why). */
export type Condition = 'needs-root' | 'login-needs-root' | 'demo' | 'not-demo';

export interface Choice {
  value: string;
  label: string;
}

/** One input of a form. Exactly one of `rule`, `choices`, `same` says how it is checked. */
export interface Field {
  name: string;
  /** The prompt. */
  label: string;
  /** A short name for the review (the label is a prompt). */
  short?: string;
  /** F1 on the form lists it under the field's name: every field says what it wants. */
  help: string;
  /** Checks and normalises what is typed. */
  rule?: Rule;
  /** A choice among fixed values (Left/Right or Space) instead of typed text. */
  choices?: Choice[];
  /** Typed without echo, never put back in the field, masked in the review. */
  masked?: boolean;
  /** Must equal the field of this name (a secret typed twice). */
  same?: string;
  /** Shown and checked only while an earlier field has one of these values (huh's groups). */
  when?: { field: string; is: string[] };
  /**
   * Asked only when the current state (op.read) has a non-empty value under this key: a
   * question about something stored (a secret the change would leave unused). Otherwise the
   * field keeps its first choice.
   */
  onlyIf?: string;
  /**
   * Beyond the manual's prompts (an optional setting it does not ask for, e.g. IPv6): Tab and
   * Down reach it, Enter walks past it, so the manual's keystrokes (one value, then OK, per
   * prompt) submit where the manual's prompts end.
   */
  extra?: true;
}

/** A commit-confirmed change: confirmed or rolled back before its deadline (manual ch. 4). */
export interface ConfirmWithin {
  confirm: Op<'apply'>;
  rollback: Op<'apply'>;
  /** Once the time is up: what became of the change, read from the state (confirmed elsewhere, rolled back). */
  settled?: Op<'apply'>;
}

/** Read and show. `every`: a live view, read again every so many seconds while on screen. */
export interface ViewFlow {
  kind: 'view';
  op: Op<'show'>;
  every?: number;
}

/** Confirm → apply → result. `confirm: 'ask'`: the operation asks (op.ask reads the state). */
export interface DoFlow {
  kind: 'do';
  op: Op<'apply'>;
  confirm: string;
  /** The question's answer starts on No (what cannot be undone). */
  defaultNo?: boolean;
  /** Title of the progress dialog (default: the item's label). */
  progress?: string;
  /** First line of the result (default "Done."). */
  done?: string;
  /** Whether the operator may cancel the apply midway (only where that is safe). */
  cancellable?: boolean;
  confirmWithin?: ConfirmWithin;
}

/**
 * [Confirm] → fields prefilled from op.read → rules → [op.check] → [op.test] → review → apply.
 * `confirm: 'ask'`: the operation asks (op.ask reads the state: its questions, or why not now).
 */
export interface FormFlow {
  kind: 'form';
  op: Op<'read' | 'apply'>;
  confirm?: string;
  fields: Field[];
  /** op.check looks at the system (disk, DNS, other interfaces) before the review. */
  check?: boolean;
  /** The question that offers op.test on the entered values. */
  test?: string;
  /** The review's question (default "Apply this change?"). */
  question?: string;
  progress?: string;
  done?: string;
  confirmWithin?: ConfirmWithin;
}

/**
 * Long read-only work: [confirm] → [fields, checked by their rules] → lines streamed, Esc
 * cancels at any time → the result (what was seen until then, when cancelled).
 */
export interface RunFlow {
  kind: 'run';
  op: Op<'run'>;
  confirm?: string;
  /** What the work needs to know first (a host, a count): a form before it starts. */
  fields?: Field[];
  /** The fields' first values (a count's default). */
  defaults?: Record<string, string>;
  progress?: string;
  /** false: OK on the result returns to the menu (the manual's "Choose OK to return"), not to the form to run it again. */
  again?: false;
}

export type Flow = ViewFlow | DoFlow | FormFlow | RunFlow;

export interface Item {
  /** One digit or lower-case letter; the manual's numbers. */
  key: string;
  label: string;
  help: string;
  hiddenIf?: Condition;
  /**
   * Offered only when the system says so: the menu reads this with its state, and the item is
   * listed while the read gives `offered: 'yes'` (e.g. fresh MAC addresses on a cloned VM).
   */
  offeredIf?: Op<'read'>;
  /** Derived for what writes (do, form, shell): disabled without root rights. */
  disabledIf?: Condition;
  menu?: Menu;
  flow?: Flow;
  builtin?: 'exit' | 'shell';
}

export interface Menu {
  title: string;
  text?: string;
  /** The current state, shown above the items. */
  status?: Op<'show'>;
  /** Entries found on the system (e.g. the interfaces), each of which opens `each`. */
  source?: Op<'items'>;
  each?: Menu;
  items: Item[];
}

export type Profile = 'appliance' | 'vsensor';

export interface Tree {
  profile: Profile;
  /** The console's name in the title bar. */
  title: string;
  /** Text of the welcome screen shown once at start: what this console is. The keys are said
   * under it by each way of showing the console (flow/model.ts init's `keys`): a terminal that
   * draws has arrow keys and Esc, line mode has typed answers. */
  welcome?: string;
  /** Added to the welcome screen (e.g. packet capture state). */
  status?: Op<'show'>;
  /**
   * What the operator must see first (a change waiting for confirmation, rollbacks since the
   * last login): shown on the welcome and the top menu; what it shows with `seen` is
   * acknowledged (seen.apply) only once the operator acted on it after it was drawn.
   */
  notice?: { show: Op<'show'>; seen: Op<'apply'> };
  /**
   * What the console's first start asks over the welcome (the vSensor's keyboard layout, then
   * the admin password), when the interactive console is told it is the first start (main.ts):
   * steps in order, each its own screen; the next opens once one is done (Esc leaves the rest).
   */
  firstBoot?: Item[];
  menu: Menu;
}
