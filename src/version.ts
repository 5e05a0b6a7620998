import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installed, packageDir } from './system/paths.js';

export const version: string = installed?.version ?? (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
