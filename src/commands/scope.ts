// Which appliances a command belongs to, and whether it changes anything: both derived from the
// trees (a command mirrors menu actions), so the command line refuses what the console would
// not offer: another console's area, or a change without root rights.
import type { Operation } from '../core/types.js';
import { treeOperations } from './coverage.js';
import type { Profile, Tree } from '../menu/types.js';
import type { Command } from './types.js';

/**
 * The profiles whose tree has the command's area: a screen of any command of the same area
 * (path[0]) is in that tree. `audit show`, say, belongs where View audit log is.
 */
export function profilesOf(c: Command, table: Command[], trees: Record<Profile, Tree>): Profile[] {
  if (c.anyProfile) return Object.keys(trees) as Profile[];
  const area = table.filter((x) => x.path[0] === c.path[0]).flatMap((x) => x.covers);
  return (Object.keys(trees) as Profile[]).filter((p) => treeOperations(trees[p]).some((x) => area.includes(x.op)));
}

/** Whether a command changes the appliance: one of its operations is a tree's do or form (or it says so). */
export function writesOf(c: Command, trees: Tree[]): boolean {
  if (c.writes !== undefined) return c.writes;
  const changing = new Set<Operation>();
  const walk = (m: Tree['menu']): void => {
    for (const i of m.items) {
      if (i.flow?.kind === 'do' || i.flow?.kind === 'form') changing.add(i.flow.op);
      if (i.menu) walk(i.menu);
    }
    if (m.each) walk(m.each);
  };
  trees.forEach((t) => {
    walk(t.menu);
    if (t.firstBoot) walk({ title: 'First boot', items: t.firstBoot });
  });
  return c.covers.some((op) => changing.has(op));
}
