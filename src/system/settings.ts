// The appliance's own settings (etc/confconsole/appliance.ini), read with the `ini` package and
// checked with zod. Only sbin/ scripts write this file. A file that cannot be read, or that is
// damaged, is a Problem naming it: never trusted, never a crash.
import ini from 'ini';
import { z } from 'zod';
import { Problem } from '../core/problem.js';
import { readTextIfExists } from './files.js';

const flag = z.preprocess((v) => v === true || v === 'true', z.boolean());
const words = z.preprocess((v) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : []), z.array(z.string()));
const text = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string());
// a section that is missing reads as an empty one: every key takes its default
const section = <T extends z.ZodRawShape>(shape: T) => z.preprocess((v) => (typeof v === 'object' && v !== null ? v : {}), z.object(shape).loose());

export const SettingsSchema = z
  .object({
    appliance: section({ profile: z.enum(['appliance', 'vsensor']).default('appliance'), demo: flag.default(false) }),
    ntp: section({ servers: words.default([]) }),
    services: section({ names: words.default([]) }),
    master: section({ mode: z.enum(['push-token', 'pull', 'push', '']).catch(''), host: text, proxy: text, token_label: text }),
    ossensor: section({ hmac_set: z.preprocess((v) => v === 'yes', z.boolean()) }),
    pcap: section({ size_gb: z.preprocess((v) => (Number.isFinite(Number(v)) && Number(v) > 0 ? Number(v) : 0), z.number()) }),
  })
  .loose();

export type Settings = z.infer<typeof SettingsSchema>;

/** Parses the text of appliance.ini (`file` names it in the Problem thrown when it is damaged). */
export function parseSettings(textOf: string, file = 'appliance.ini'): Settings {
  const r = SettingsSchema.safeParse(ini.parse(textOf));
  if (!r.success) throw new Problem(`The settings file ${file} is damaged (${z.prettifyError(r.error).replace(/\n/g, ' ')})): fix it, or put back a copy from var/backups/confconsole`);
  return r.data;
}

/** Reads the settings; a missing file means factory defaults. Throws a Problem naming the file. */
export async function readSettings(file: string): Promise<Settings> {
  return parseSettings((await readTextIfExists(file)) ?? '', file);
}

/** Raw INI as parsed by `ini`, for round-trip checks. */
export function parseIni(t: string): Record<string, Record<string, unknown>> {
  return ini.parse(t) as Record<string, Record<string, unknown>>;
}
