// The appliance's own settings (etc/confconsole/appliance.ini), read with the grammar the scripts
// use (src/system/ccini.ts = sbin/lib/ccini.py) and typed with zod. Only sbin/ scripts write this
// file. A file that cannot be read, or cannot be read one way only, is a SettingsProblem naming
// the file, the line and what to do: never trusted, never a crash, never defaults.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Problem } from '../core/problem.js';
import { IniDamage, parseIniBytes, type IniSections } from './ccini.js';
import { fileCause } from './files.js';

const flag = z.lazy(() => z.preprocess((v) => v === 'true', z.boolean()));
const words = z.lazy(() => z.preprocess((v) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : []), z.array(z.string())));
const text = z.lazy(() => z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string()));
// a section that is missing reads as an empty one: every key takes its default
const section = <T extends z.ZodRawShape>(shape: T) => z.preprocess((v) => (typeof v === 'object' && v !== null ? v : {}), z.object(shape).loose());

// The values were checked by their kinds (sbin/lib/ccini-keys.json) when read: an empty one is
// "not set" and takes the default here.
export const SettingsSchema = z.lazy(() => z
  .object({
    appliance: section({ profile: z.preprocess((v) => v || undefined, z.enum(['appliance', 'vsensor']).default('appliance')), demo: flag.default(false) }),
    ntp: section({ servers: words.default([]) }),
    services: section({ names: words.default([]) }),
    master: section({ mode: z.enum(['push-token', 'pull', 'push', '']).catch(''), host: text, proxy: text, token_label: text }),
    // the appliance's role (manual ch. 10): master by default; a probe's master connection is [master]
    topology: section({ role: z.enum(['master', 'probe', '']).catch('').transform((v) => v || 'master'), retain_search: z.enum(['yes', 'no', '']).catch('') }),
    ossensor: section({ hmac_set: z.preprocess((v) => v === 'yes', z.boolean()) }),
    console: section({ admin_user: text }),
    pcap: section({ size_gb: z.preprocess((v) => (typeof v === 'string' && v !== '' ? Number(v) : 0), z.number()) }),
  })
  .loose());

export type Settings = z.infer<typeof SettingsSchema>;

/** What to do about a damaged settings file (said by the console, every command and the scripts). */
export const SETTINGS_ADVICE = 'it is not used, and nothing is written over it. Fix that line by hand, or put back the last good copy: confconsole appliance restore-settings (Appliance Admin > Restore settings)';

/** appliance.ini cannot be read, or not one way only: which file, which line (0: the whole file), why. */
export class SettingsProblem extends Problem {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly why: string,
    advice = SETTINGS_ADVICE,
  ) {
    super(`${file}${line > 0 ? ` line ${line}` : ''}: ${why}; ${advice}`);
    this.name = 'SettingsProblem';
  }
}

/** Reads appliance.ini's sections and keys (strings); throws a SettingsProblem naming `file` and the line. */
export function parseIni(t: string | Uint8Array, file = 'appliance.ini'): IniSections {
  try {
    return parseIniBytes(typeof t === 'string' ? new TextEncoder().encode(t) : t);
  } catch (e) {
    if (e instanceof IniDamage) throw new SettingsProblem(file, e.line, e.why);
    throw e;
  }
}

/** Parses appliance.ini (`file` names it in the SettingsProblem thrown when it is damaged). */
export function parseSettings(t: string | Uint8Array, file = 'appliance.ini'): Settings {
  const r = SettingsSchema.safeParse(parseIni(t, file));
  if (!r.success) throw new SettingsProblem(file, 0, z.prettifyError(r.error).replace(/\n/g, ' '));
  return r.data;
}

/**
 * Reads the settings; a missing file means factory defaults. Throws a SettingsProblem naming the
 * file (and line) when it is damaged, and a Problem naming it when it cannot be read at all.
 */
export async function readSettings(file: string): Promise<Settings> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    return unreadSettings(file, e);
  }
  return parseSettings(bytes, file);
}

/** readSettings without waiting for the thread pool: the console's start reads it before its first frame. */
export function readSettingsSync(file: string): Settings {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return unreadSettings(file, e);
  }
  return parseSettings(bytes, file);
}

/** A settings file that could not be read: missing means factory defaults, anything else a SettingsProblem. */
function unreadSettings(file: string, e: unknown): Settings {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return SettingsSchema.parse({});
  throw new SettingsProblem(file, 0, `cannot read it: ${fileCause(e)}`, 'the areas that need the settings wait until it is a readable file again (or put back the last good copy: confconsole appliance restore-settings)');
}
