// The flow's inputs and outputs: events in (keys already translated into meaning, and answers
// to effects), effects out. Effects are values (Bubble Tea's Cmd): the runtime carries them
// out and answers with an event.
import type { Asked, Checked, Entry, Operation, Outcome, Shown, Values } from '../core/types.js';
import type { Item } from '../menu/types.js';

export type Effect =
  /** Calls on the operation of the flow on top, answered with loaded/asked/shown/checked/finished. */
  | { type: 'read'; op: Operation; context: Values }
  | { type: 'ask'; op: Operation; context: Values }
  | { type: 'show'; op: Operation; context: Values }
  | { type: 'check'; op: Operation; values: Values }
  | { type: 'test'; op: Operation; values: Values }
  | { type: 'apply'; op: Operation; values: Values }
  | { type: 'run'; op: Operation; values: Values }
  /** What the menu or note on top shows from the system: its state, its entries. */
  | { type: 'status'; op: Operation; context: Values }
  | { type: 'items'; op: Operation; context: Values }
  /** Whether the item `key` of the menu on top is offered now (answered with 'offered'). */
  | { type: 'offer'; op: Operation; context: Values; key: string }
  /** Read the tree's notice (answered with 'notice'). */
  | { type: 'notice'; op: Operation }
  /** The operator has seen the notice: acknowledge what it showed, then read it again. */
  | { type: 'ack'; op: Operation; values: Values; then: Operation }
  /** Stop the test, run or apply under way (where that is safe). */
  | { type: 'abort' }
  | { type: 'shell' }
  /** Leave the console with `code` (default 0). */
  | { type: 'exit'; code?: number };

export type Event =
  // keys, already translated by the dialog into meaning
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'hotkey'; key: string }
  | { type: 'ok' }
  | { type: 'cancel' }
  | { type: 'yes' }
  | { type: 'no' }
  /** Ctrl+C: asks before leaving; a second one at the question leaves. */
  | { type: 'interrupt' }
  /** From a form, with what is typed so far: it is kept for when the help is closed. */
  | { type: 'help'; values?: Values }
  | { type: 'submit'; values: Values }
  /** A form's field in error was left: what is typed so far, its error dropped once corrected. */
  | { type: 'revalidate'; values: Values }
  /** Time to read again what is on screen (a live view, a state that counts down). */
  | { type: 'refresh' }
  // answers to effects
  | { type: 'loaded'; values: Values }
  | { type: 'asked'; asked: Asked }
  | ({ type: 'checked' } & Checked)
  | { type: 'line'; text: string }
  /** What the running work is doing now (the progress dialog's top line). */
  | { type: 'note'; text: string }
  /** The running change can no longer be cancelled (Io.committed). */
  | { type: 'committed' }
  | { type: 'finished'; outcome: Outcome }
  | { type: 'shown'; shown: Shown }
  | { type: 'status'; shown: Shown }
  | { type: 'items'; items: Entry[] }
  | { type: 'offered'; key: string; offered: boolean }
  | { type: 'notice'; shown: Shown }
  /** A key came after the notice on screen was drawn: the operator has seen it. */
  | { type: 'seen' }
  /** The commit-confirmed deadline has passed. */
  | { type: 'expired' }
  /** An expected failure of an effect (a Problem): its message is for the operator. */
  | { type: 'failed'; message: string }
  /** A bug: said as an internal error, with where its stack was logged. */
  | { type: 'internal'; message: string; log: string }
  | { type: 'returned' }
  /**
   * Open this item now, over what is on screen (the first-boot steps at the console's first
   * start); `then`: the steps that follow it, each opened once the one before is done.
   */
  | { type: 'start'; item: Item; then?: Item[] };
