// Menus as pure state: their rows (declared items and entries found on the system), which are
// hidden or disabled and why, moving, opening and going back.
import { shownText, type Values } from '../core/types.js';
import type { Condition, Item, Menu } from '../menu/types.js';
import type { Effect, Event } from './events.js';
import { fillText, pop, push, replaceTop, same, to, type MenuFrame, type Model, type Update } from './model.js';

/** The items listed: not hidden by a condition, and offered when they are only offered sometimes. */
export function visibleItems(menu: Menu, conditions: Record<string, string>, offered: Record<string, boolean> = {}): Item[] {
  return menu.items.filter((i) => (i.hiddenIf === undefined || conditions[i.hiddenIf] === undefined) && (i.offeredIf === undefined || offered[i.key] === true));
}

/** Whether an item changes the appliance: what writes needs root rights unless it says otherwise. */
export const writes = (item: Item): boolean => item.flow?.kind === 'do' || item.flow?.kind === 'form' || item.builtin === 'shell';

/** The condition that disables an item: its own, else the login prompt's for Shell, else `needs-root` for what writes. */
export const disabledBy = (item: Item): Condition | undefined => item.disabledIf ?? (item.builtin === 'shell' ? 'login-needs-root' : writes(item) ? 'needs-root' : undefined);

/** Why an item cannot be chosen now, or undefined. */
export function disabledReason(item: Item, conditions: Record<string, string>): string | undefined {
  const c = disabledBy(item);
  return c === undefined ? undefined : conditions[c];
}

/** A row of a menu: a declared item, or an entry its source found (which opens `each`). */
export interface Row {
  item: Item;
  disabled: string | undefined;
  /** An entry's values (absent for declared items). */
  context: Values | undefined;
}

export function menuRows(f: MenuFrame, conditions: Record<string, string>): Row[] {
  const entries: Row[] = (f.entries ?? []).map((e) => ({
    item: { key: e.key, label: e.label, help: f.menu.each?.text ?? f.menu.text ?? '', ...(f.menu.each ? { menu: f.menu.each } : {}) },
    disabled: e.disabled,
    context: e.context,
  }));
  return [...entries, ...visibleItems(f.menu, conditions, f.offered).map((item) => ({ item, disabled: disabledReason(item, conditions), context: undefined }))];
}

/** The effects that read what a menu shows from the system (its state, its entries). */
export function menuEffects(menu: Menu, context: Values): Effect[] {
  return [
    ...(menu.status ? [{ type: 'status', op: menu.status, context } as const] : []),
    ...(menu.source ? [{ type: 'items', op: menu.source, context } as const] : []),
    ...menu.items.flatMap((i) => (i.offeredIf ? [{ type: 'offer', op: i.offeredIf, context, key: i.key } as const] : [])),
  ];
}

export function openMenu(model: Model, menu: Menu, context: Values): Update {
  return to(push(model, { kind: 'menu', menu, selected: 0, title: fillText(menu.title, context), context }), ...menuEffects(menu, context));
}

/** Back to the screen below; a menu reads its state again (a change may have been made). */
export function back(model: Model): Update {
  const m = pop(model);
  const f = m.stack[m.stack.length - 1];
  // the welcome uncovered (after the first-boot steps): the state it shows is read again
  if (f?.kind === 'note' && f.welcome && m.tree.status) return to(m, { type: 'status', op: m.tree.status, context: {} });
  return f?.kind === 'menu' ? to(m, ...menuEffects(f.menu, f.context)) : same(m);
}

/** A menu's answer to keys; `open` starts what the chosen item does. */
export function updateMenu(model: Model, f: MenuFrame, ev: Event, open: (model: Model, item: Item, context: Values) => Update): Update {
  const rows = menuRows(f, model.conditions);
  const move = (selected: number) => same(replaceTop(model, { ...f, selected: Math.max(0, Math.min(rows.length - 1, selected)) }));
  switch (ev.type) {
    case 'up':
      return move(f.selected - 1);
    case 'down':
      return move(f.selected + 1);
    case 'hotkey': {
      const i = rows.findIndex((r) => r.item.key === ev.key.toLowerCase());
      return i < 0 ? same(model) : move(i);
    }
    case 'cancel':
      // Esc on the top menu asks before leaving: the console may be the login shell.
      return model.stack.length > 1 ? back(model) : same({ ...model, leaving: true });
    case 'ok': {
      const row = rows[f.selected];
      if (!row) return same(model);
      if (row.disabled !== undefined)
        return same(push(model, { kind: 'note', title: fillText(row.item.label, f.context), text: `Not available: ${row.disabled}` }));
      return open(model, row.item, row.context ? { ...f.context, ...row.context } : f.context);
    }
    default:
      return same(model);
  }
}

/** The help of what is on top: the selected item's, its reason when disabled, the whole state. */
export function menuHelp(model: Model, f: MenuFrame): string {
  const row = menuRows(f, model.conditions)[f.selected];
  let text = fillText(row?.item.help ?? f.menu.text ?? '', { ...f.context, ...row?.context });
  if (row?.disabled !== undefined) text += `\nNot available: ${row.disabled}`;
  if (f.status) text += `\n\n${shownText(f.status)}`; // whole, where the menu had to cut it
  return text;
}
