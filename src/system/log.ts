// The console's own log (var/log/confconsole/console.log under the root): internal errors with
// their stack, for whoever investigates. Never values typed by the operator: secrets could be
// among them, so only the error and where it happened are written.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Paths } from './paths.js';
import { sourceMapped } from './stackmap.js';

/**
 * Appends `err` with its stack and `where` (what the console was doing) to the console log.
 * Returns the log's path; never throws (a log that cannot be written is not a second crash).
 */
export function logInternal(paths: Paths, err: unknown, where: string): string {
  const file = paths.consoleLog;
  const stack = err instanceof Error ? sourceMapped(err.stack ?? `${err.name}: ${err.message}`) : String(err);
  try {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${new Date().toISOString()} internal error while ${where}\n${stack}\n\n`, { mode: 0o640 });
  } catch {
    /* nowhere to log: the screen still says what happened */
  }
  return file;
}
