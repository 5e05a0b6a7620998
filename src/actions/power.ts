// Power and Service Management (manual ch. 4 "Restart Services"): restart all services,
// reboot, shutdown.
import { outcomeOf, type Operation } from './types.js';

export const servicesRestart: Operation = {
  async apply(ctx, _values, io) {
    const r = await ctx.runner.script('restart_services.sh', [], { onLine: io.line, survive: true });
    const results = Array.isArray(r.result.results) ? (r.result.results as { ok?: boolean }[]) : [];
    const o = outcomeOf(r, `All ${results.length} services restarted`);
    if (r.exitCode === 6) return { ...o, summary: `${results.filter((x) => !x.ok).length} of ${results.length} services failed to restart` };
    return o;
  },
};

const power = (what: 'reboot' | 'shutdown'): Operation => ({
  async apply(ctx, _values, io) {
    const r = await ctx.runner.script('power.sh', [what], { onLine: io.line, survive: true });
    const demo = r.result.demo === true;
    return outcomeOf(r, demo ? `Demo appliance: the ${what} was recorded, not performed` : `The appliance is going to ${what === 'reboot' ? 'restart' : 'power off'} now`);
  },
});
export const powerReboot = power('reboot');
export const powerShutdown = power('shutdown');
