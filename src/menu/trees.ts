// The two shipped trees (menus/*.ts), checked when loaded.
import appliance from '../../menus/appliance.js';
import vsensor from '../../menus/vsensor.js';
import { checkTree } from './check.js';
import type { Profile, Tree } from './types.js';

const trees: Record<Profile, Tree> = { appliance, vsensor };

/** The tree of a console, checked (menu/check.ts). Throws when it is not sound. */
export function loadTree(profile: Profile): Tree {
  return checkTree(trees[profile]);
}
