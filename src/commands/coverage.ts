// Every menu action is also a command (the brief: "so a fleet can be driven by Ansible"): the
// operations a tree's screens run, and the ones no command covers.
import type { Operation } from '../core/types.js';
import type { Menu, Tree } from '../menu/types.js';
import type { Command } from './types.js';

/** Each operation a tree's screens use (flows, confirm/rollback, lists, states), with where. */
export function treeOperations(tree: Tree): { op: Operation; where: string }[] {
  const found: { op: Operation; where: string }[] = [];
  const walk = (menu: Menu, at: string) => {
    const here = `${at} > ${menu.title}`;
    for (const op of [menu.status, menu.source]) if (op) found.push({ op, where: here });
    if (menu.each) walk(menu.each, here);
    for (const item of menu.items) {
      const where = `${here} > ${item.key}. ${item.label}`;
      if (item.offeredIf) found.push({ op: item.offeredIf, where });
      if (item.menu) walk(item.menu, where);
      const f = item.flow;
      if (!f) continue;
      found.push({ op: f.op, where });
      if ((f.kind === 'do' || f.kind === 'form') && f.confirmWithin) found.push({ op: f.confirmWithin.confirm, where }, { op: f.confirmWithin.rollback, where });
    }
  };
  walk(tree.menu, tree.title);
  // what the first start asks is a screen too
  if (tree.firstBoot) walk({ title: 'First boot', items: tree.firstBoot }, tree.title);
  return found;
}

/** The screens of `trees` whose operation no command of `table` covers: "where (op id)". */
export function uncovered(trees: Tree[], table: Command[]): string[] {
  const covered = new Set(table.flatMap((c) => c.covers));
  return trees.flatMap(treeOperations).filter((x) => !covered.has(x.op)).map((x) => `${x.where} (${x.op.id})`);
}
