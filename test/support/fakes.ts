// Small trees and fake operations for tests of the flow, the runtime and the UI: each test
// builds the few items it is about, instead of driving the shipped menus by hotkey.
import type { Operation, Outcome, Shown, Values } from '../../src/core/types.js';
import type { Flow, Item, Menu, Tree } from '../../src/menu/types.js';

/** An operation with the given methods (each a vi.fn or a plain async function). */
export const fakeOp = <T extends Partial<Omit<Operation, 'id'>>>(id: string, methods: T): Operation & T => ({ id, ...methods });

export const ok = (summary = 'done', more: Partial<Outcome> = {}): Outcome => ({ ok: true, summary, ...more });
export const text = (t: string, more: Partial<Extract<Shown, { kind: 'text' }>> = {}): Shown => ({ kind: 'text', text: t, ...more });

/** An item at `key` that runs `flow`. */
export const flowItem = (key: string, label: string, flow: Flow, more: Partial<Item> = {}): Item => ({ key, label, help: `${label}: help.`, flow, ...more });

/** A tree whose top menu has `items` (no welcome: the menu is the first screen). */
export function tinyTree(items: Item[], more: Partial<Tree> = {}): Tree {
  return { profile: 'appliance', title: 'Test Console', menu: { title: 'Top', items }, ...more };
}

export const sub = (title: string, items: Item[], more: Partial<Menu> = {}): Menu => ({ title, items, ...more });

/** Values without the entry's context, as a form passes them on. */
export type { Values };
