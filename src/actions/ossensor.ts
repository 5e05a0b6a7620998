// vSensor Setup > osSensor HMAC (manual ch. 8 "Configuring an HMAC token").
import { readFile } from 'node:fs/promises';
import { readSettings } from '../system/settings.js';
import { outcomeOf, type Operation } from './types.js';

/**
 * osSensors registered with this vSensor, where the vSensor records them
 * (var/lib/confconsole/ossensors.json: a JSON array, one entry per osSensor).
 */
export async function registeredOsSensors(file: string): Promise<number | undefined> {
  try {
    const list: unknown = JSON.parse(await readFile(file, 'utf8'));
    return Array.isArray(list) ? list.length : undefined;
  } catch {
    return undefined;
  }
}

export const ossensorShow: Operation = {
  async show(ctx) {
    const s = await readSettings(ctx.paths.settingsIni);
    const set = ((s as Record<string, unknown>).ossensor as Record<string, unknown> | undefined)?.hmac_set === 'yes';
    const n = await registeredOsSensors(ctx.paths.under('/var/lib/confconsole/ossensors.json'));
    return {
      kind: 'text',
      text: `osSensor HMAC key: ${set ? 'set' : 'not set (osSensors cannot register)'}\nRegistered osSensors: ${n === undefined ? 'not known' : n}`,
    };
  },
};

export const ossensorSet: Operation = {
  async read(ctx) {
    const s = await readSettings(ctx.paths.settingsIni);
    const set = ((s as Record<string, unknown>).ossensor as Record<string, unknown> | undefined)?.hmac_set === 'yes';
    return { key: set ? '****' : '' };
  },
  async apply(ctx, v, io) {
    const r = await ctx.runner.script('set_ossensor_hmac.sh', [], { stdin: (v.key ?? '') + '\n', onLine: io.line, survive: true });
    return outcomeOf(r, 'The osSensor HMAC key is set: enter the same key in each osSensor configuration');
  },
};
