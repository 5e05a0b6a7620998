// Loads a shipped menu tree from menus/<profile>.json and validates it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registry } from '../actions/index.js';
import { packageDir } from '../system/paths.js';
import { parseTree, type Tree } from './schema.js';

export type Profile = 'appliance' | 'vsensor';

export function menuFile(profile: Profile): string {
  return join(packageDir, 'menus', `${profile}.json`);
}

export function loadTree(profile: Profile): Tree {
  return parseTree(JSON.parse(readFileSync(menuFile(profile), 'utf8')), registry);
}
