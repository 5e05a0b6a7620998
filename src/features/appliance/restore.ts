// Restore settings: put the last good copy of appliance.ini back (sbin/restore_settings.sh), after
// showing which copy, its values, and what changes. Offered by the welcome screen when the file
// is damaged, in Appliance Admin, and as `confconsole appliance restore-settings`.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { Ctx, Op, Outcome } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { Problem, isProblem } from '../../core/problem.js';
import { IniDamage, parseIniBytes, type IniSections } from '../../system/ccini.js';
import { fileCause } from '../../system/files.js';
import { run, script } from '../../system/runner.js';
import { readSettings, SettingsProblem } from '../../system/settings.js';

const restoreScript = script('restore_settings.sh', z.lazy(() => z.object({ restored: z.string(), kept: z.string() }).loose()));

/** A copy of appliance.ini that can be put back: where, when it was made, and what it holds. */
export interface GoodCopy {
  path: string;
  /** When the copy was made (its mtime, ISO 8601). */
  time: string;
  sections: IniSections;
}

/** The backup directory of the scripts (sbin/lib/files.sh BACKUP_DIR) and its copies' prefix. */
const backupDir = (ctx: Ctx) => ctx.paths.under('/var/backups/confconsole');
const copyPrefix = 'etc_confconsole_appliance.ini.';

/**
 * The newest copy of appliance.ini in var/backups/confconsole that reads one way only, or
 * undefined when there is none. Throws a Problem naming the directory when it cannot be read.
 */
export async function lastGoodCopy(ctx: Ctx): Promise<GoodCopy | undefined> {
  const dir = backupDir(ctx);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith(copyPrefix));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Problem(`Cannot read ${dir}: ${fileCause(e)}`);
  }
  const copies = await Promise.all(
    names.map(async (n) => {
      const path = join(dir, n);
      const st = await stat(path).catch(() => undefined);
      return st?.isFile() ? { path, mtime: st.mtimeMs } : undefined;
    }),
  );
  // newest first; the same second: the name (its timestamp, then the writer's pid) decides
  const ordered = copies.filter((c) => c !== undefined).sort((a, b) => b.mtime - a.mtime || (a.path < b.path ? 1 : -1));
  for (const c of ordered) {
    try {
      return { path: c.path, time: new Date(c.mtime).toISOString(), sections: parseIniBytes(await readFile(c.path)) };
    } catch (e) {
      if (!(e instanceof IniDamage) && !(e as NodeJS.ErrnoException).code) throw e;
      // damaged or unreadable: an older one may be good
    }
  }
  return undefined;
}

/** A line as it may be shown: control characters (an escape sequence, a CR) written as \xNN. */
export const visible = (s: string): string => s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`); // eslint-disable-line no-control-regex

/** The lines of a file as text (bytes that are not UTF-8 shown as U+FFFD), each made visible. */
const linesOf = (b: Uint8Array): string[] => {
  const t = new TextDecoder('utf-8').decode(b);
  return (t.endsWith('\n') ? t.slice(0, -1) : t).split('\n').map((l) => visible(l.replace(/\r$/, '')));
};

/** A line diff (longest common subsequence): "- " lines go, "+ " lines come, "  " stay. */
export function lineDiff(from: string[], to: string[]): string[] {
  const n = from.length;
  const m = to.length;
  const L = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i]![j] = from[i] === to[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && from[i] === to[j]) {
      out.push(`  ${from[i++]}`);
      j++;
    } else if (i < n && (j >= m || L[i + 1]![j]! >= L[i]![j + 1]!)) out.push(`- ${from[i++]}`);
    else out.push(`+ ${to[j++]}`);
  }
  return out;
}

const MAX_DIFF = 60;

/** The review of putting `copy` back: which copy, and the lines that change (long diffs cut). */
export async function restoreReview(ctx: Ctx, copy: GoodCopy): Promise<{ text: string; diff: string[] }> {
  let current: string[] = [];
  let now = '';
  try {
    current = linesOf(await readFile(ctx.paths.settingsIni));
  } catch (e) {
    now = ` (now: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : `cannot read it: ${fileCause(e)}`})`;
  }
  const diff = lineDiff(current, linesOf(await readFile(copy.path))).filter((l) => !l.startsWith('  '));
  const shown = diff.length > MAX_DIFF ? [...diff.slice(0, MAX_DIFF), `… and ${diff.length - MAX_DIFF} more changed lines`] : diff;
  const text = [
    `Put back ${ctx.paths.settingsIni}${now}`,
    `from the copy ${basename(copy.path)} (the file as written at ${copy.time}).`,
    'The file it replaces is kept among the backups.',
    '',
    'Lines that go (-) and come back (+):',
    ...(shown.length ? shown : ['(none: the copy is the same as the file)']),
  ].join('\n');
  return { text, diff };
}

/**
 * Why there is nothing to restore: on an appliance whose settings read, that no readable copy was
 * kept yet (one is kept at each change); when they do not read, to fix the file by hand (the first screen
 * names its line). Reads appliance.ini; never throws for it.
 */
export async function noCopyText(ctx: Ctx): Promise<string> {
  const where = `There is no good copy of the settings in ${backupDir(ctx)} (one is kept each time a setting changes).`;
  const reads = await readSettings(ctx.paths.settingsIni).then(
    () => true,
    (e: unknown) => {
      if (e instanceof SettingsProblem) return false;
      throw e;
    },
  );
  return reads ? `${where}\nThe settings file reads well: there is nothing to put back.` : `${where}\nFix ${ctx.paths.settingsIni} by hand: the first screen names the line.`;
}

// The copy the operator reviewed in this console is the one put back (not a newer one made since).
let reviewed: string | undefined;

/** Appliance Admin > Restore settings: review the last good copy, then put it back. */
export const restoreSettings: Op<'ask' | 'apply'> = {
  id: 'appliance.restore-settings',
  async ask(ctx) {
    const copy = await lastGoodCopy(ctx).catch((e: unknown) => {
      if (isProblem(e)) return e;
      throw e;
    });
    if (copy instanceof Problem) return { blocked: copy.message };
    if (!copy) return { blocked: await noCopyText(ctx) };
    reviewed = copy.path;
    return { question: `${(await restoreReview(ctx, copy)).text}\n\nPut this copy back?` };
  },
  async apply(ctx, _v, io) {
    const path = reviewed ?? (await lastGoodCopy(ctx))?.path;
    if (!path) return { ok: false, summary: `There is no good copy of the settings in ${backupDir(ctx)}.` };
    reviewed = undefined;
    return restoreCopy(ctx, path, io);
  },
};

/** Puts the copy at `path` back through sbin/restore_settings.sh (which checks it again). */
export async function restoreCopy(ctx: Ctx, path: string, io: { line(t: string): void }): Promise<Outcome> {
  const r = await run(ctx.runner, restoreScript, [path], { onLine: io.line, survive: true });
  return outcomeOf(r, (x) => `The settings are back from ${basename(x.restored)}; the file they replaced is kept as ${basename(x.kept)}.`);
}
