// What a test needs from the machine. When something is missing the test is skipped and the
// reason is written to test/.skipped/, which test/run-all.sh prints (and CI refuses).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const skipDir = fileURLToPath(new URL('../.skipped', import.meta.url));

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v "$1"`, 'sh', cmd], { stdio: 'ignore' }).status === 0;
}

export const isRoot = (process.getuid?.() ?? 1) === 0;

/**
 * Returns undefined when every need is met, else the reason (also recorded for the report).
 * `needs`: command names, or 'root'.
 */
export function missing(layer: string, needs: string[]): string | undefined {
  const lacking = needs.filter((n) => (n === 'root' ? !isRoot : !hasCommand(n)));
  if (lacking.length === 0) return undefined;
  const why = `${layer}: needs ${lacking.map((n) => (n === 'root' ? 'root rights' : `\`${n}\``)).join(', ')}`;
  mkdirSync(skipDir, { recursive: true });
  writeFileSync(join(skipDir, layer.replace(/[^a-z0-9]+/gi, '_') + '.txt'), why + '\n');
  return why;
}
