// Navigation and dialog flow as pure state, after Bubble Tea's model/update/view: the model is
// a stack of frames (menus, flows, notes); update.ts turns an event into the next model plus
// the effects the runtime must carry out. No blessed, execa or fs here.
import type { Entry, Outcome, Pending, ReviewRow, Shown, Values } from '../core/types.js';
import type { Flow, Item, Menu, Tree } from '../menu/types.js';
import type { Effect } from './events.js';

export type Step =
  /** `then`: the questions still to confirm after this one (Asked.then). */
  | { s: 'confirm'; question: string; then?: string[] }
  /** The question is being read from the state (op.ask). */
  | { s: 'asking' }
  /** The current values (form) or what to show (view) are being read. */
  | { s: 'loading' }
  | { s: 'form'; values: Values; errors: Record<string, string> }
  | { s: 'checking'; entered: Values; values: Values; warnings: string[] }
  | { s: 'ask-test'; values: Values; warnings: string[] }
  | { s: 'testing'; values: Values; warnings: string[]; lines: string[] }
  | { s: 'test-result'; values: Values; warnings: string[]; outcome: Outcome }
  | { s: 'review'; values: Values; warnings: string[] }
  | { s: 'applying'; values: Values; lines: string[]; cancelling: boolean; after?: true; committed?: true }
  | { s: 'running'; lines: string[]; cancelling: boolean; note?: string }
  | { s: 'awaiting'; outcome: Outcome; pending: Pending }
  /** `values`: what was entered, for a failed apply to go back to (input kept); `again`: a run's input, for OK to run it again. */
  | { s: 'result'; outcome: Outcome; note?: string; after?: true; values?: Values; again?: Values }
  | { s: 'shown'; shown: Shown }
  /** `log`: where an internal error's stack was written (absent for an expected failure). */
  | { s: 'error'; message: string; log?: string };

interface FrameBase {
  /** Unique per frame: an effect's answer reaches only the frame that asked for it. */
  id: number;
}

/** `offered`: item key → whether its offeredIf read says to list it (absent: not read yet, not listed). */
export type MenuFrame = FrameBase & { kind: 'menu'; menu: Menu; selected: number; title: string; context: Values; status?: Shown; entries?: Entry[]; offered?: Record<string, boolean> };
/** `planned`: the review as the script will store the values (op.check's answer), when it says. */
/** `then`: the steps that follow this flow once it is done (the first boot's), opened in its place. */
export type FlowFrame = FrameBase & { kind: 'flow'; item: Item; flow: Flow; context: Values; current: Values; step: Step; planned?: ReviewRow[]; then?: Item[] };
/** `failed`: it says something went wrong (drawn as a failure). */
/** `welcome`: the first screen (it shows the tree's notice, as the top menu does). */
export type NoteFrame = FrameBase & { kind: 'note'; title: string; text: string; status?: Shown; failed?: true; welcome?: true };
export type Frame = MenuFrame | FlowFrame | NoteFrame | (FrameBase & { kind: 'shell' });

export interface Model {
  tree: Tree;
  /** Condition name → reason it holds (absent when it does not hold). */
  conditions: Record<string, string>;
  stack: Frame[];
  /** The tree's notice as last read (shown on the welcome and the top menu). */
  notice?: Shown;
  nextId: number;
  /**
   * "Leave the console?" is asked over whatever is on top (Esc on the top menu, Exit, Ctrl+C).
   * It is not a frame: a change under way below it still gets its answers and finishes.
   */
  leaving: boolean;
  done: boolean;
}

export interface Update {
  model: Model;
  effects: Effect[];
}

/**
 * The welcome note over the top menu (or the top menu alone when the tree has no welcome): the
 * tree's welcome text, then `keys`, how the console showing it is driven (a paragraph of its own).
 */
export function init(tree: Tree, conditions: Record<string, string> = {}, keys?: string): Model {
  const stack: Frame[] = [{ kind: 'menu', id: 0, menu: tree.menu, selected: 0, title: tree.menu.title, context: {} }];
  if (tree.welcome) stack.push({ kind: 'note', id: 1, title: 'Welcome', text: keys ? `${tree.welcome}\n\n${keys}` : tree.welcome, welcome: true });
  return { tree, conditions, stack, nextId: 2, leaving: false, done: false };
}

export function top(model: Model): Frame {
  const f = model.stack[model.stack.length - 1];
  if (!f) throw new Error('empty navigation stack');
  return f;
}

/** A frame as it is pushed: its id is given by push. */
export type NewFrame = Frame extends infer F ? (F extends Frame ? Omit<F, 'id'> : never) : never;

export const push = (model: Model, frame: NewFrame): Model => ({
  ...model,
  nextId: model.nextId + 1,
  stack: [...model.stack, { ...frame, id: model.nextId } as Frame],
});
export const replaceTop = (model: Model, frame: Frame): Model => ({ ...model, stack: [...model.stack.slice(0, -1), frame] });
export const pop = (model: Model): Model => ({ ...model, stack: model.stack.slice(0, -1) });
/** Whether the screen on top shows the tree's notice: the welcome, or the top menu. */
export const showsNotice = (model: Model): boolean => {
  const f = top(model);
  return (f.kind === 'note' && f.welcome === true) || (f.kind === 'menu' && model.stack[0] === f);
};

export const same = (model: Model): Update => ({ model, effects: [] });
export const to = (model: Model, ...effects: Effect[]): Update => ({ model, effects });

/** "Interface {iface}" with the entry's values filled in. */
export function fillText(text: string, values: Values): string {
  return text.replace(/\{([a-zA-Z0-9]+)\}/g, (m, k: string) => values[k] ?? m);
}
