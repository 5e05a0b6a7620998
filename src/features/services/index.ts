// Power and Service Management > Restart all services (manual ch. 4 "Restart Services").
import { z } from 'zod';
import type { Op } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { applies } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Item } from '../../menu/types.js';
import { EXIT, run, script } from '../../system/runner.js';

const Results = z.lazy(() => z.object({ results: z.array(z.object({ service: z.string(), ok: z.boolean() }).loose()) }));
const restartServices = script('restart_services.sh', Results);

export const servicesRestart: Op<'apply'> = {
  id: 'services.restart',
  async apply(ctx, _values, io) {
    const r = await run(ctx.runner, restartServices, [], { onLine: io.line, survive: true });
    const o = outcomeOf(r, (v) => `All ${v.results.length} services restarted`);
    if (r.ok || r.exitCode !== EXIT.partial) return o;
    // exit 6 carries which failed
    const res = Results.safeParse(r.json);
    return res.success ? { ...o, summary: `${res.data.results.filter((x) => !x.ok).length} of ${res.data.results.length} services failed to restart` } : o;
  },
};

/** "Restart all services", at `key` of the menu that holds it. */
export const restartItem = (key: string): Item => ({
  key,
  label: 'Restart all services',
  help: 'Restarts every appliance service in turn and shows the result of each.',
  flow: {
    kind: 'do',
    op: servicesRestart,
    confirm: 'Restart all services now?\n\nAnalysis and call-home stop for a short time while each service restarts.',
    progress: 'Restarting all services',
    done: 'Done: all services were restarted.',
  },
});

export const commands: Command[] = [applies(['services', 'restart'], 'restart all appliance services (and the Call-Home tunnels while Call-Home is enabled)', servicesRestart)];
