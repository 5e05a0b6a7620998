// Reboot and Shutdown (manual ch. 4 Power and Service Management; ch. 7 vSensor 6 and 7). The
// demo appliance records them instead (power.sh).
import { z } from 'zod';
import type { Op } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { applies } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Item, Profile } from '../../menu/types.js';
import { run, script } from '../../system/runner.js';

const powerSh = script('power.sh', z.lazy(() => z.object({ action: z.enum(['reboot', 'shutdown']), demo: z.boolean() })));

const power = (what: 'reboot' | 'shutdown'): Op<'apply'> => ({
  id: `power.${what}`,
  async apply(ctx, _values, io) {
    const r = await run(ctx.runner, powerSh, [what], { onLine: io.line, survive: true });
    return outcomeOf(r, (v) => (v.demo ? `Demo appliance: the ${what} was recorded, not performed` : `The appliance is going to ${what === 'reboot' ? 'restart' : 'power off'} now`));
  },
});
export const powerReboot = power('reboot');
export const powerShutdown = power('shutdown');

/** What each console says about losing the machine for a while (its only differences). */
const machine: Record<Profile, { name: string; meanwhile: string; back: string; offHelp: string; off: string }> = {
  appliance: {
    name: 'appliance',
    meanwhile: 'analysis stops',
    back: 'usually in a few minutes',
    offHelp: 'It stays off until someone powers it on at the machine or its management port.',
    off: 'It stays off until someone powers it on at the machine: nothing is analysed and nobody can reach it remotely until then.',
  },
  vsensor: {
    name: 'vSensor',
    meanwhile: 'no traffic is captured',
    back: 'usually in a minute or two',
    offHelp: 'It stays off until it is started again from its hypervisor or cloud console.',
    off: 'It stays off until it is started again from its hypervisor or cloud console: no traffic is captured until then.',
  },
};

export function rebootItem(key: string, profile: Profile): Item {
  const m = machine[profile];
  return {
    key,
    label: 'Reboot',
    help: `Restarts the ${m.name}. Every console and SSH session is disconnected.`,
    flow: {
      kind: 'do',
      op: powerReboot,
      confirm: `Reboot the ${m.name} now?\n\nEvery console and SSH session is disconnected and ${m.meanwhile} until it is back, ${m.back}.`,
      progress: 'Rebooting',
      defaultNo: true,
    },
  };
}

export function shutdownItem(key: string, profile: Profile): Item {
  const m = machine[profile];
  return {
    key,
    label: 'Shutdown',
    help: `Powers the ${m.name} off. ${m.offHelp}`,
    flow: { kind: 'do', op: powerShutdown, confirm: `Shut the ${m.name} down now?\n\n${m.off}`, progress: 'Shutting down', defaultNo: true },
  };
}

export const commands: Command[] = [
  applies(['power', 'reboot'], 'reboot the appliance now (the demo appliance records it)', powerReboot),
  applies(['power', 'shutdown'], 'power the appliance off now (the demo appliance records it)', powerShutdown),
];
