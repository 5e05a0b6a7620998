// A script's run as an Outcome: what the dialog and the command say about it.
import type { Ran } from '../system/runner.js';
import type { Outcome } from './types.js';

/**
 * The Outcome of a script run: on success `summary` (or summary(value)) with the log as
 * details; on failure the script's own reason, the field it names, and its exit code.
 */
export function outcomeOf<T>(r: Ran<T>, summary: string | ((value: T) => string)): Outcome {
  if (r.ok) return { ok: true, summary: typeof summary === 'string' ? summary : summary(r.value), details: r.log, data: r.value, code: 0 };
  return {
    ok: false,
    summary: r.error,
    // the script's own failure line says the reason again: said once, as the summary
    details: r.log.filter((l) => !l.endsWith(r.error)),
    data: r.json,
    code: r.exitCode,
    ...(r.field !== undefined ? { field: r.field } : {}),
  };
}
