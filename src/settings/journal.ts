// An area applied whole or not at all (issue 15: "kill -9 during an import leaves each area old or
// new, never mixed"). Call-Home (configuration, partner, enable) and the updates (key, proxy) are
// applied by more than one script, each atomic on its own: the area's settings as they were are
// kept in a journal (sbin/settings_journal.sh) while it is applied; a failure puts them back at
// once, a kill leaves the journal for the next import, which puts them back before anything else
// (and so does every writing command and the console at its start: recoverAtStart).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Ctx, Io, Outcome } from '../core/types.js';
import { visible } from '../core/visible.js';
import { fileCause } from '../system/files.js';
import { EXIT, run, script } from '../system/runner.js';
import type { SettingsArea } from './area.js';
import { diffArea } from './document.js';

const JOURNAL = '/etc/confconsole/secrets/settings-journal.json';
const journalScript = script('settings_journal.sh', z.lazy(() => z.object({ ok: z.literal(true) }).loose()));
const Journal = z.lazy(() => z.object({ area: z.string(), old: z.record(z.string(), z.unknown()), owner: z.object({ pid: z.number().int().positive(), start: z.string().optional() }).optional() }));

/** Whether the journal's owner (the import that wrote it) still runs: same pid, same start time. */
async function ownerRuns(owner: z.infer<typeof Journal>['owner']): Promise<boolean> {
  if (!owner || owner.pid === process.pid) return false;
  try {
    const stat = await readFile(`/proc/${owner.pid}/stat`, 'utf8');
    return owner.start === undefined || stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/)[19] === owner.start;
  } catch {
    return false; // gone
  }
}

/**
 * Applies `want` to area `a` (in place: `have`, read with secrets) as one change: the settings
 * before are journaled first; when the apply fails they are applied again at once, and the
 * outcome says whether they are back (exit 3) or not (the failure's own code, "putting it back
 * failed too"). → the apply's outcome, or the journal's own failure (nothing applied then).
 */
export async function applyWhole(ctx: Ctx, a: SettingsArea, want: unknown, have: unknown, io: Io): Promise<Outcome> {
  const begun = await run(ctx.runner, journalScript, ['begin', a.id], { stdin: JSON.stringify(have), survive: true });
  if (!begun.ok) return { ok: false, summary: `${a.title}: not applied: ${begun.error}`, code: begun.exitCode };
  const o = await a.apply(ctx, want, have, io);
  const { done, whole } = o.ok ? { done: o, whole: true } : await putBack(ctx, a, have, io, o);
  // not back as it was: the journal stays, so the next import tries again
  if (!whole) return done;
  const ended = await run(ctx.runner, journalScript, ['end'], { survive: true });
  return ended.ok ? done : { ...done, ok: false, summary: `${done.summary}; the journal could not be removed: ${ended.error}`, code: done.code ?? EXIT.fail };
}

/**
 * After a failed apply: `old` applied again over what is there now. → the failure, said with
 * whether the old settings are back (exit 3 when they had to be put back), and `whole`: the area
 * is as it was (nothing had been applied, or it is back).
 */
async function putBack(ctx: Ctx, a: SettingsArea, old: unknown, io: Io, failed: Outcome): Promise<{ done: Outcome; whole: boolean }> {
  const now = await a.read(ctx, true);
  if (diffArea(now, old, a.secrets).length === 0) return { done: failed, whole: true }; // nothing was applied
  const back = await a.apply(ctx, old, now, io);
  const whole = back.ok && diffArea(await a.read(ctx, true), old, a.secrets).length === 0;
  return whole
    ? { done: { ...failed, summary: `${failed.summary}; ${a.title} put back as it was`, code: EXIT.restored }, whole }
    : { done: { ...failed, summary: `${failed.summary}; putting ${a.title} back failed too (the next import tries again): ${back.ok ? 'it still differs' : back.summary}` }, whole };
}

/**
 * What an import killed midway left: the area it was applying, put back as it was before that
 * import (through the area's own apply), and the journal removed. → the line that says what was
 * done, or undefined when no journal is there. A journal that cannot be read or believed is
 * reported and left in place (never trusted); so is an area that cannot be put back.
 * Throws nothing: every failure is in the returned line, with `ok`.
 */
export async function recoverArea(ctx: Ctx, all: readonly SettingsArea[], io: Io): Promise<{ ok: boolean; said: string } | undefined> {
  const file = ctx.paths.under(JOURNAL);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { ok: false, said: `${file}: cannot read the journal of an interrupted import: ${fileCause(e)}` };
  }
  let j: z.infer<typeof Journal>;
  try {
    j = Journal.parse(JSON.parse(text));
  } catch {
    return { ok: false, said: `${file}: the journal of an interrupted import is damaged; it is not believed (look at it, then remove it)` };
  }
  // an import that still runs is applying its area now: nothing was interrupted
  if (await ownerRuns(j.owner)) return undefined;
  const a = all.find((x) => x.id === j.area);
  const old = a?.schema.safeParse(j.old);
  if (!a || !old?.success) return { ok: false, said: `${file}: the journal names an area this console cannot put back (${visible(j.area)}); it is not believed` };
  const now = await a.read(ctx, true);
  if (diffArea(now, old.data, a.secrets).length > 0) {
    const back = await a.apply(ctx, old.data, now, io);
    if (!back.ok) return { ok: false, said: `an interrupted import left ${a.title} half applied, and putting it back failed: ${back.summary}` };
  }
  const ended = await run(ctx.runner, journalScript, ['end'], { survive: true });
  if (!ended.ok) return { ok: false, said: `${a.title} is back as it was before an interrupted import, but its journal could not be removed: ${ended.error}` };
  return { ok: true, said: `an interrupted import had left ${a.title} half applied: it is back as it was before that import` };
}

/** Commands that put an interrupted import's area back themselves, saying so in their own result. */
const RECOVER_THEMSELVES = ['import', 'backup restore', 'recover'];

/**
 * At the start of a command that writes (`command`: its words) or of the console (undefined):
 * an area an import killed midway left half applied is put back (recoverArea), as every writer
 * first rolls back a dead writer's file journal. → the line to say, or undefined when there was
 * nothing to do (the journal's file is looked at first: nothing else is loaded without one).
 */
export async function recoverAtStart(ctx: Ctx, command?: readonly string[]): Promise<{ ok: boolean; said: string } | undefined> {
  if (command && RECOVER_THEMSELVES.includes(command.join(' '))) return undefined;
  if (!existsSync(ctx.paths.under(JOURNAL))) return undefined;
  const { settingsAreas } = await import('../features/settings.js');
  return recoverArea(ctx, settingsAreas, { line: () => undefined });
}
