// vSensor Setup > osSensor HMAC (manual ch. 8 "Configuring an HMAC token"): the shared secret
// osSensors register with. Set through set_ossensor_hmac.sh on stdin; described only by its
// length (the audit log: its length and a fingerprint keyed per appliance, lib/fingerprint.py).
import { z } from 'zod';
import type { Checked, Ctx, Op } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { check, report } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Menu } from '../../menu/types.js';
import { hmacToken } from '../../rules/tokens.js';
import { readTextIfExists } from '../../system/files.js';
import { checkedByPlan, planOf } from '../../system/plan.js';
import { EXIT, run, script } from '../../system/runner.js';
import { readSettings } from '../../system/settings.js';

const setKey = script('set_ossensor_hmac.sh', z.lazy(() => z.object({ length: z.number() }).loose()));

/**
 * osSensors registered with this vSensor, where the vSensor records them
 * (var/lib/confconsole/ossensors.json: a JSON array, one entry per osSensor); undefined when
 * not known (no file, or not such an array).
 */
export async function registeredOsSensors(file: string): Promise<number | undefined> {
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) ? list.length : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the key is set, and (when it is) its length — never the key, nor a hash of it (a short key could be guessed from one). */
export async function describeKey(ctx: Ctx): Promise<{ set: boolean; length?: number }> {
  if (!(await readSettings(ctx.paths.settingsIni)).ossensor.hmac_set) return { set: false };
  const key = (await readTextIfExists(ctx.paths.under('/etc/confconsole/secrets/ossensor_hmac')))?.replace(/\n$/, '');
  if (key === undefined) return { set: true };
  return { set: true, length: key.length };
}

export const ossensorShow: Op<'show'> = {
  id: 'ossensor.show',
  async show(ctx) {
    const set = (await readSettings(ctx.paths.settingsIni)).ossensor.hmac_set;
    const n = await registeredOsSensors(ctx.paths.under('/var/lib/confconsole/ossensors.json'));
    return { kind: 'text', text: `osSensor HMAC key: ${set ? 'set' : 'not set (osSensors cannot register)'}\nRegistered osSensors: ${n === undefined ? 'not known' : n}` };
  },
};

export const ossensorSet: Op<'read' | 'check' | 'apply'> = {
  id: 'ossensor.set',
  async read(ctx) {
    return { key: (await readSettings(ctx.paths.settingsIni)).ossensor.hmac_set ? '****' : '' };
  },
  /** The review is the script's plan (--dry-run): a new key, or the one already stored (nothing changes). */
  async check(ctx, v): Promise<Checked> {
    const r = await run(ctx.runner, planOf(setKey.name), ['--dry-run'], { stdin: (v.key ?? '') + '\n' });
    return checkedByPlan(r, { ossensor_hmac: { label: 'osSensor HMAC key' } }, { key: 'key' }, 'key');
  },
  async apply(ctx, v, io) {
    const r = await run(ctx.runner, setKey, [], { stdin: (v.key ?? '') + '\n', onLine: io.line, survive: true });
    return outcomeOf(r, 'The osSensor HMAC key is set: enter the same key in each osSensor configuration');
  },
};

export const ossensorMenu: Menu = {
  title: 'osSensor HMAC',
  status: ossensorShow,
  items: [
    {
      key: '1',
      label: 'Set the osSensor HMAC key',
      help: "20 or more letters and digits are recommended. The same key goes into each osSensor's configuration.",
      flow: {
        kind: 'form',
        op: ossensorSet,
        fields: [
          {
            name: 'key',
            label: 'osSensor HMAC key (5-63 letters and digits; 20+ recommended)',
            short: 'osSensor HMAC key',
            rule: hmacToken,
            masked: true,
            help: 'The secret osSensors present when they register: 5 to 63 letters and digits, 20 or more recommended.',
          },
          { name: 'key2', label: 'The same key again', masked: true, same: 'key', help: 'Type the key again, so that a typing error is caught before it is saved.' },
        ],
        check: true,
        question: 'Set the osSensor HMAC key to your input?',
        progress: 'Setting the osSensor HMAC key',
        done: 'Done: the osSensor HMAC key is set. Enter the same key in each osSensor configuration.',
      },
    },
  ],
};

export const commands: Command[] = [
  {
    path: ['ossensor-hmac', 'show'],
    summary: 'whether the osSensor HMAC key is set, and its length (never the key nor a hash of it)',
    covers: [ossensorShow],
    async run(ctx, _in, out) {
      const d = await describeKey(ctx);
      const n = await registeredOsSensors(ctx.paths.under('/var/lib/confconsole/ossensors.json'));
      const text = !d.set ? 'osSensor HMAC key: not set (osSensors cannot register)' : `osSensor HMAC key: set${d.length !== undefined ? ` (${d.length} chars)` : ''}`;
      out.print({ ...d, registered: n ?? null }, `${text}\nRegistered osSensors: ${n === undefined ? 'not known' : n}`);
      return EXIT.ok;
    },
  },
  {
    path: ['ossensor-hmac', 'set'],
    summary: 'the osSensor HMAC key, read from standard input',
    covers: [ossensorSet],
    async run(ctx, _in, out) {
      const key = check(hmacToken, await out.readSecret('osSensor HMAC key'), 'osSensor HMAC key');
      return report(out, await ossensorSet.apply(ctx, { key }, out.progress));
    },
  },
];
