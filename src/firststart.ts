// What the installed executable's first stage (src/sea1.ts) reads before it writes a first frame:
// kept apart from that entry (an entry that exports is not a script the snapshot builder can run).
import { lstatSync } from 'node:fs';

/** The demo appliance's host names, as src/demo.ts seeds them (the first stage's frame names them). */
export const DEMO_HOSTS = { appliance: 'dt-1234-01', vsensor: 'vsensor-demo' } as const;

/** Whether something is at `path` (a file, a directory, a dangling link, or what we may not see). */
export const lexists = (path: string): boolean => {
  try {
    lstatSync(path);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
};

/** `--root DIR` and `--demo`, each at most once, nothing else: the console's start; else undefined. */
export function consoleArgs(args: string[]): { root?: string; demo: boolean } | undefined {
  let root: string | undefined;
  let demo = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a === '--demo' && !demo) demo = true;
    else if (a === '--root' && root === undefined && next !== undefined && next !== '' && !next.startsWith('-')) root = args[++i];
    else return undefined;
  }
  return root === undefined ? { demo } : { root, demo };
}

/**
 * The `[appliance]` profile and demo flag of an appliance.ini, when the file is plain (printable
 * ASCII, `key = value` lines, simple values); undefined otherwise: the console reads it then.
 */
export function applianceOf(text: string): { profile: 'appliance' | 'vsensor'; demo: boolean } | undefined {
  if (!/^[\t\n\r\x20-\x7e]*$/.test(text)) return undefined;
  let section = '';
  let profile = '';
  let demo = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[([^\]]*)\]$/.exec(line);
    if (s) {
      section = s[1]!.trim();
      continue;
    }
    const kv = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) return undefined;
    if (section !== 'appliance') continue;
    if (kv[1] === 'profile') profile = kv[2]!;
    else if (kv[1] === 'demo') demo = kv[2]!;
  }
  if (!/^(appliance|vsensor|)$/.test(profile) || !/^(true|false|)$/.test(demo)) return undefined;
  return { profile: profile === 'vsensor' ? 'vsensor' : 'appliance', demo: demo === 'true' };
}

