// The two shipped trees (menus/*.ts), checked when loaded.
import appliance from '../../menus/appliance.js';
import vsensor from '../../menus/vsensor.js';
import { checkTree } from './check.js';
import type { Profile, Tree } from './types.js';

const trees: Record<Profile, Tree> = { appliance, vsensor };

const checked = new Map<Profile, Tree>();

/**
 * The tree of a console, checked (menu/check.ts) on first use and remembered: the trees are
 * constants, and the check is a large part of start-up (the installed executable checks them at
 * build time, into its snapshot). Throws when it is not sound.
 */
export function loadTree(profile: Profile): Tree {
  let tree = checked.get(profile);
  if (!tree) checked.set(profile, (tree = checkTree(trees[profile])));
  return tree;
}

/**
 * Takes both trees as checked without checking them again. For the installed executable only
 * (src/sea.ts): its build checked these same constants (src/sea.ts warm, which fails the build
 * when one is not sound), and the check's parse costs about 1 MB of RSS at every start (measured).
 */
export function treesCheckedAtBuild(): void {
  for (const p of Object.keys(trees) as Profile[]) checked.set(p, trees[p]);
}
