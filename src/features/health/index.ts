// Healthcheck (manual ch. 7 vSensor main menu 4, ch. 8 "select Healthcheck"; the appliance's
// top-level 2): sbin/vsensor-health-check.sh, the script the manual names for the same check
// from a shell. Its rows arrive one by one as each check finishes and stay in the result.
import { z } from 'zod';
import type { Ctx, Io, Op, Outcome } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { report } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Item } from '../../menu/types.js';
import { EXIT, run, script } from '../../system/runner.js';
import { readSettings, SettingsProblem } from '../../system/settings.js';

/** One row of the health check, as the script types it. */
export const HealthRow = z.lazy(() => z.object({ name: z.string(), level: z.enum(['ok', 'warning', 'error']), details: z.array(z.string()) }));
export type HealthRow = z.infer<typeof HealthRow>;
export const HealthResult = z.lazy(() => z.object({ ok: z.boolean(), profile: z.enum(['appliance', 'vsensor']), errors: z.number(), warnings: z.number(), rows: z.array(HealthRow) }).loose());
export type HealthResult = z.infer<typeof HealthResult>;

const healthCheck = script('vsensor-health-check.sh', HealthResult);

/** The rows as the manual prints them: "name : [LEVEL]", then each detail on a line of its own. */
export function healthLines(rows: HealthRow[]): string[] {
  return rows.flatMap((r) => [`${r.name} : [${r.level.toUpperCase()}]`, ...r.details]);
}

/** The verdict line: the manual's heading, with the counts when something is wrong. */
export function healthSummary(h: Pick<HealthResult, 'errors' | 'warnings'>): string {
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  const bad = [...(h.errors ? [n(h.errors, 'error')] : []), ...(h.warnings ? [n(h.warnings, 'warning')] : [])];
  return bad.length ? `Healthcheck results: ${bad.join(', ')}` : 'Healthcheck results';
}

/**
 * What the check looks at, for the progress line: the rows vsensor-health-check.sh makes for this
 * console and role (master connectivity on a vSensor or a probe, osSensors on a vSensor only).
 */
export function healthNote(profile: 'appliance' | 'vsensor', role: 'master' | 'probe'): string {
  const parts = ['services', ...(profile === 'vsensor' || role === 'probe' ? ['master'] : []), 'incoming data', 'updates', ...(profile === 'vsensor' ? ['osSensors'] : [])];
  return `Checking ${parts.join(', ')} and AppArmor`;
}

/** The progress line from the settings; unreadable settings (the script says why) name every row. */
async function noteOf(ctx: Ctx): Promise<string> {
  try {
    const s = await readSettings(ctx.paths.settingsIni);
    return healthNote(s.appliance.profile, s.topology.role);
  } catch (e) {
    if (e instanceof SettingsProblem) return 'Checking services, master, incoming data, updates, osSensors and AppArmor';
    throw e;
  }
}

/**
 * Runs the health check: each row as it finishes goes to `io.line` (the script's own lines, the
 * heading first); the outcome has every row as details and the typed rows as data. A row in
 * error makes it not ok with exit 5 (the script's); a check that could not run at all is the
 * script's failure as it said it.
 */
export async function runHealth(ctx: Ctx, io: Io): Promise<Outcome> {
  io.note?.(await noteOf(ctx));
  const r = await run(ctx.runner, healthCheck, ['--json'], { timeoutMs: 90_000, onLine: io.line, ...(io.signal ? { signal: io.signal } : {}) });
  const said = r.ok ? r.value : r.exitCode === EXIT.testFailed ? HealthResult.safeParse(r.json).data : undefined;
  if (!said) return outcomeOf(r, '');
  return { ok: said.errors === 0, summary: healthSummary(said), details: healthLines(said.rows), data: said, code: r.exitCode };
}

export const healthRun: Op<'run'> = { id: 'health.check', run: (ctx, _values, io) => runHealth(ctx, io) };

/** "Healthcheck", at `key` of the main menu (vSensor 4, appliance 2). */
export const healthItem = (key: string): Item => ({
  key,
  label: 'Healthcheck',
  help: 'Checks that every service runs, the master answers (vSensor, probe), packets arrive on the capture interface, software updates are recent, osSensors are active (vSensor) and AppArmor is on. Each row is OK, WARNING or ERROR with what was found.',
  flow: { kind: 'run', op: healthRun, progress: 'Healthcheck' },
});

export const commands: Command[] = [
  {
    path: ['health'],
    summary: 'the Healthcheck: every row OK, WARNING or ERROR with its details (exit 5 when a row is an error)',
    more: ['The rows are printed as each check finishes. With --json: {ok, profile, errors, warnings, rows: [{name, level, details}]}.'],
    covers: [healthRun],
    async run(ctx, _in, out) {
      // in text the script's own lines are the answer, printed as they come
      const o = await runHealth(ctx, out.json ? { line: () => undefined } : { line: (t) => out.print(null, t) });
      const data = HealthResult.safeParse(o.data);
      if (!data.success) return report(out, o);
      if (out.json) out.print(data.data, '');
      return o.code ?? EXIT.ok;
    },
  },
];
