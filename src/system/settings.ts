// The appliance's own settings (etc/confconsole/appliance.ini), read with the `ini` package
// and checked with zod. Only sbin/ scripts write this file.
import { readFile } from 'node:fs/promises';
import ini from 'ini';
import { z } from 'zod';

const flag = z.preprocess((v) => v === true || v === 'true', z.boolean());
const words = z.preprocess((v) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : []), z.array(z.string()));

export const SettingsSchema = z.object({
  appliance: z
    .object({
      profile: z.enum(['appliance', 'vsensor']).default('appliance'),
      demo: flag.default(false),
    })
    .loose()
    .default({ profile: 'appliance', demo: false }),
  ntp: z.object({ servers: words.default([]) }).loose().default({ servers: [] }),
  services: z.object({ names: words.default([]) }).loose().default({ names: [] }),
}).loose();

export type Settings = z.infer<typeof SettingsSchema>;

export function parseSettings(text: string): Settings {
  const r = SettingsSchema.safeParse(ini.parse(text));
  if (!r.success) throw new Error(`settings are invalid: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** Reads the settings; a missing file means factory defaults. */
export async function readSettings(file: string): Promise<Settings> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return parseSettings(text);
}

/** Raw INI as parsed by `ini`, for round-trip checks. */
export function parseIni(text: string): Record<string, Record<string, unknown>> {
  return ini.parse(text) as Record<string, Record<string, unknown>>;
}
