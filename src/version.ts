import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './system/paths.js';

export const version: string = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
