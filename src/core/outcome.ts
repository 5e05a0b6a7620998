// A script's run as an Outcome: what the dialog and the command say about it.
import { z } from 'zod';
import { EXIT, type Ran } from '../system/runner.js';
import type { Outcome } from './types.js';

/**
 * What a writer says, as data, of the service it restarted when a change did not apply
 * (sbin/lib/apply.sh restart_or_restore): the previous files are back, and the service runs
 * with them (exit 3) or is down (exit 7).
 */
export const ServiceAfter = z.lazy(() => z
  .object({
    restored: z.literal(true),
    service: z.object({ name: z.string(), state: z.enum(['up', 'down']), error: z.string(), restore_error: z.string().optional() }),
  })
  .loose());

/**
 * The summary and first details of a change whose service is down, from the typed data only;
 * the summary says what to do (a command line prints only the summary).
 */
function down(s: z.infer<typeof ServiceAfter>['service']): { summary: string; details: string[] } {
  return {
    summary: `${s.name} is down: the previous settings are back in the files, but ${s.name} did not start with them either. See why with 'systemctl status ${s.name}' and 'journalctl -u ${s.name}', fix it, then start ${s.name} (Restart all services)`,
    details: [`With the new settings: ${s.error}`, `With the previous settings: ${s.restore_error ?? 'no message'}`, ''],
  };
}

/**
 * The Outcome of a script run: on success `summary` (or summary(value)) with the log as
 * details; on failure the script's own reason, the field it names, and its exit code. A change
 * whose service stayed down (exit 7) is said from the script's typed data, not its wording.
 */
export function outcomeOf<T>(r: Ran<T>, summary: string | ((value: T) => string)): Outcome {
  if (r.ok) return { ok: true, summary: typeof summary === 'string' ? summary : summary(r.value), details: r.log, data: r.value, code: 0 };
  // the script's own failure line says the reason again: said once, as the summary
  const log = r.log.filter((l) => !l.endsWith(r.error));
  const after = r.exitCode === EXIT.down ? ServiceAfter.safeParse(r.json) : undefined;
  const said = after?.success && after.data.service.state === 'down' ? down(after.data.service) : { summary: r.error, details: [] };
  return {
    ok: false,
    summary: said.summary,
    details: [...said.details, ...log],
    data: r.json,
    code: r.exitCode,
    ...(r.field !== undefined ? { field: r.field } : {}),
  };
}
