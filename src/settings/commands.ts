// `confconsole export` and `confconsole import` (issue 15), derived from the areas' declarations.
import { fstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Ctx, Io, Outcome } from '../core/types.js';
import { safeJson, visible } from '../core/visible.js';
import { UsageError } from '../commands/output.js';
import type { Command, Input, Out } from '../commands/types.js';
import { fileCause } from '../system/files.js';
import { EXIT } from '../system/runner.js';
import { readSettings } from '../system/settings.js';
import { fingerprintKey, type Profile, type SettingsArea } from './area.js';
import { checkDocument, describesHeldSecret, diffArea, documentYaml, exportSettings, keptSecretWarnings, type Change, type DocError } from './document.js';
import { applyWhole, recoverArea } from './journal.js';

export const profileOf = async (ctx: Ctx, input: Input): Promise<Profile> =>
  input.opts.profile === 'appliance' || input.opts.profile === 'vsensor' ? input.opts.profile : (await readSettings(ctx.paths.settingsIni)).appliance.profile;

/**
 * Where secrets may go: not a terminal (anyone behind the operator reads it) and not a file
 * others can read (the file's mode is set before the first byte). Returns the refusal, or
 * undefined when stdout is a pipe or a file only its owner reads.
 */
export function secretsRefusal(fd = 1): string | undefined {
  if (process.stdout.isTTY && fd === 1) return '--secrets prints secrets: not on a terminal. Send it to a file only you can read (umask 077; confconsole export --secrets > FILE) or to a program (| gpg -c)';
  let st;
  try {
    st = fstatSync(fd);
  } catch {
    return undefined;
  }
  if (st.isFile() && (st.mode & 0o077) !== 0)
    return `--secrets prints secrets: the file it goes to can be read by others (mode ${(st.mode & 0o777).toString(8)}): make it 0600 first (umask 077), nothing was written`;
  return undefined;
}

/** Reads an import file (`-`: standard input), JSON or YAML (YAML 1.2 reads JSON too); duplicate keys are errors. */
export async function readDocument(file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read it: ${fileCause(e)}`, undefined, 'FILE');
  }
  try {
    // loaded when used: the console's first frame does not pay for a YAML parser
    const { parse } = await import('yaml');
    return parse(text, { uniqueKeys: true, prettyErrors: true, maxAliasCount: 0 });
  } catch (e) {
    throw new UsageError(`${file}: not JSON or YAML: ${(e as Error).message.split('\n')[0]}`, undefined, 'FILE');
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** What an import does or did with one area. */
export interface AreaResult {
  area: string;
  result: 'changed' | 'unchanged' | 'failed' | 'not applied' | 'would change';
  changes: Change[];
  summary?: string;
  code?: number;
  field?: string;
  /** a change that rolls back by itself unless confirmed (the network): its id and deadline (epoch s) */
  pending?: { id: string; deadline: number };
}

const line = (c: Change, area: string) => `  ${area}.${c.path}: ${c.old} -> ${c.new}`;

/** One area of an import: the document's value, what is in place (with secrets), and the diff. */
export interface AreaPlan {
  a: SettingsArea;
  want: unknown;
  have: unknown;
  changes: Change[];
}

/**
 * Plans the import of a parsed document (JSON or YAML) on this appliance of `profile`: checked
 * whole (the areas' schemas, then what only the system can judge) → each area's plan in apply
 * order (the network last) and the warnings about secrets kept; or every error with its key
 * path. Changes nothing. Used by `confconsole import` and the backups' restore.
 */
export async function planImport(
  ctx: Ctx,
  all: readonly SettingsArea[],
  raw: unknown,
  profile: Profile,
): Promise<{ ok: true; plan: AreaPlan[]; warnings: string[] } | { ok: false; errors: DocError[]; warnings: string[] }> {
  const checked = checkDocument(raw, all, profile);
  if (!checked.ok) return { ...checked, warnings: [] };
  const byId = new Map(all.map((a) => [a.id, a]));
  // what is in place, and what each area would change
  const plan: AreaPlan[] = [];
  const warnings: string[] = [];
  for (const [id, given] of checked.areas) {
    const a = byId.get(id)!;
    const have = await a.read(ctx, true);
    const kept = a.keep?.(given, have);
    const want = kept ? kept.want : given;
    for (const k of kept?.kept ?? []) warnings.push(`areas.${id}.${k.path}: ${k.why}`);
    plan.push({ a, want, have, changes: diffArea(have, want, a.secrets) });
    // the key only when a described secret meets one in place (an import writes nothing it need not)
    for (const k of keptSecretWarnings(have, want, a.secrets, describesHeldSecret(have, want, a.secrets) ? await fingerprintKey(ctx) : ''))
      warnings.push(`areas.${id}.${k.path}: the document gives only a description of this secret (${k.new}), and this appliance holds another one (${k.old}): the one in place is kept; export with --secrets to carry the secret itself`);
  }
  // what only the system can judge, for every area before any is applied
  const errors: DocError[] = [];
  for (const p of plan.filter((x) => x.changes.length > 0 && x.a.check)) {
    for (const [k, m] of Object.entries(await p.a.check!(ctx, p.want))) errors.push({ path: `areas.${p.a.id}.${k}`, message: visible(m) });
  }
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, plan, warnings };
}

/**
 * Applies a plan (unless `dry`): each changed area through its scripts in order; the first
 * failure stops the rest (said as "not applied"). `say`: a line as each area starts. → each
 * area's result and the exit code (the failing script's own).
 */
export async function applyImport(ctx: Ctx, plan: AreaPlan[], dry: boolean, io: Io, say?: (t: string) => void): Promise<{ results: AreaResult[]; code: number }> {
  const results: AreaResult[] = [];
  let code: number = EXIT.ok;
  for (const p of plan) {
    if (p.changes.length === 0) results.push({ area: p.a.id, result: 'unchanged', changes: [] });
    else if (dry) results.push({ area: p.a.id, result: 'would change', changes: p.changes });
    else if (code !== EXIT.ok) results.push({ area: p.a.id, result: 'not applied', changes: p.changes });
    else {
      say?.(`${p.a.title}: applying`);
      // whole or not at all: the network by its own commit-confirmed rollback, every other area by its journal
      const o: Outcome = p.a.last ? await p.a.apply(ctx, p.want, p.have, io) : await applyWhole(ctx, p.a, p.want, p.have, io);
      const changed = (o.data as { changed?: boolean } | undefined)?.changed !== false;
      if (o.ok) results.push({ area: p.a.id, result: changed ? 'changed' : 'unchanged', changes: changed ? p.changes : [], summary: visible(o.summary), ...(o.pending ? { pending: { id: o.pending.id ?? '', deadline: o.pending.deadline } } : {}) });
      else {
        code = o.code ?? EXIT.fail;
        results.push({ area: p.a.id, result: 'failed', changes: p.changes, summary: visible(o.summary), code, ...(o.field !== undefined ? { field: `areas.${p.a.id}.${o.field}` } : {}) });
      }
    }
  }
  return { results, code };
}

/** What a commit-confirmed area (the network) waits for, said with what to do: confirm, or it rolls back by itself; undefined when none waits. */
export function confirmText(results: AreaResult[]): string | undefined {
  const waiting = results.find((r) => r.pending);
  return waiting?.pending
    ? `${waiting.area}: applied, waiting for confirmation: check that you can still reach the appliance and run "confconsole network confirm" within ${Math.max(0, Math.round(waiting.pending.deadline - Date.now() / 1000))} s, or the previous settings return by themselves`
    : undefined;
}

/**
 * Results as the import prints them: one line an area, then its changes (old -> new), then what a
 * commit-confirmed area waits for. `last`: the ids of the areas applied last and commit-confirmed,
 * said on a dry run's "would change".
 */
export function resultsText(results: AreaResult[], last: ReadonlySet<string> = new Set()): string {
  const lastNote = (r: AreaResult) => (r.result === 'would change' && last.has(r.area) ? ' (applied last; it rolls back by itself unless confirmed with "confconsole network confirm")' : '');
  const confirm = confirmText(results);
  return [
    ...results.flatMap((r) => [`${r.area}: ${r.result}${lastNote(r)}${r.summary && r.result !== 'changed' ? ` (${r.summary})` : ''}`, ...r.changes.map((c) => line(c, r.area))]),
    ...(confirm ? [confirm] : []),
  ].join('\n');
}

/**
 * Imports a document: checked and planned (planImport), each area's diff, then (unless
 * --dry-run) applied (applyImport). → the exit code (2 for a document error).
 */
async function importDocument(ctx: Ctx, all: readonly SettingsArea[], input: Input, out: Out): Promise<number> {
  const file = input.args[0] ?? '-';
  const raw = await readDocument(file);
  // an import killed midway left an area half applied: back as it was, before anything is planned
  const recovered = await recoverArea(ctx, all, out.progress);
  if (recovered && !out.json) process.stderr.write(`${recovered.ok ? 'note' : 'warning'}: ${visible(recovered.said)}\n`);
  if (recovered && !recovered.ok) {
    if (out.json) out.print({ ok: false, code: EXIT.fail, error: recovered.said }, recovered.said);
    return EXIT.fail;
  }
  const planned = await planImport(ctx, all, raw, await profileOf(ctx, input));
  if (!out.json) for (const w of planned.warnings) process.stderr.write(`warning: ${visible(w)}\n`);
  if (!planned.ok) {
    const text = [`${file}: ${planned.errors.length} error(s), nothing was changed:`, ...planned.errors.map((e) => `  ${e.path}: ${e.message}`)].join('\n');
    if (out.json) out.print({ ok: false, code: EXIT.usage, error: `${file}: the document has errors; nothing was changed`, errors: planned.errors }, text);
    else process.stderr.write(`confconsole: ${visible(text, '\n')}\n`);
    return EXIT.usage;
  }
  const { plan, warnings } = planned;
  const dry = input.opts['dry-run'] === true;
  const { results, code } = await applyImport(ctx, plan, dry, out.progress, out.json ? undefined : (t) => process.stderr.write(`${t}\n`));
  const human = resultsText(results, new Set(all.filter((a) => a.last).map((a) => a.id)));
  const confirm = confirmText(results);
  const ok = code === EXIT.ok;
  if (out.json) out.print({ ok, dry_run: dry, ...(recovered ? { recovered: recovered.said } : {}), changed: results.some((r) => r.result === 'changed'), areas: results, warnings: warnings.map((w) => visible(w)), ...(confirm ? { confirm } : {}), ...(ok ? {} : { code, error: results.find((r) => r.result === 'failed')?.summary }) }, human);
  else process.stdout.write(visible(human, '\n') + '\n');
  return code;
}

/** The export and import commands for these areas. */
export function settingsCommands(all: readonly SettingsArea[]): Command[] {
  return [
    {
      path: ['export'],
      summary: 'every setting of this appliance as one document (YAML; JSON with --json); secrets only with --secrets',
      more: [
        'Secrets (tokens, keys, passwords) are given by length and hash prefix; an import of the document keeps those in place.',
        '--secrets puts them in, and is refused on a terminal or into a file others can read (umask 077 first).',
      ],
      options: {
        secrets: { type: 'boolean', help: 'include the secrets (not to a terminal or a file others can read)' },
        yaml: { type: 'boolean', help: 'YAML (the default)' },
      },
      covers: [],
      writes: false,
      anyProfile: true,
      async run(ctx, input, out) {
        if (input.opts.yaml === true && out.json) throw new UsageError('--json or --yaml, not both');
        const secrets = input.opts.secrets === true;
        if (secrets) {
          const why = secretsRefusal();
          if (why) throw new UsageError(why, undefined, 'secrets');
        }
        const doc = await exportSettings(ctx, all, await profileOf(ctx, input), secrets);
        // the document as it is (no "ok" added): what import takes back
        process.stdout.write(out.json ? safeJson(doc) + '\n' : await documentYaml(doc));
        return EXIT.ok;
      },
    },
    {
      path: ['import'],
      args: 'FILE',
      nargs: [1, 1],
      summary: 'apply a settings document (from export; - reads stdin): checked whole first, then area by area, the network last',
      more: [
        'Every error names its key path and nothing is applied while any is wrong. An area already as the document says is',
        'left alone (nothing written, nothing restarted). --dry-run shows what would change (old -> new) and changes nothing.',
        'The network is applied last, as one change that rolls back by itself unless confirmed: run "confconsole network confirm" in time.',
      ],
      options: { 'dry-run': { type: 'boolean', help: 'show what would change, change nothing' } },
      covers: [],
      writes: true,
      anyProfile: true,
      run: (ctx, input, out) => importDocument(ctx, all, input, out),
    },
    {
      path: ['recover'],
      summary: 'put back an area an interrupted import left half applied (recover.sh runs it at boot)',
      more: [
        'The console at its start and every writing command do it first; recover.sh (the boot unit) runs this, so a',
        'killed import is put back before the services start. A journal whose import still runs is left to it.',
        'Exit 0: nothing to put back, or the area is back ("recovered"); 1: it could not be put back (the journal is kept).',
      ],
      covers: [],
      writes: true,
      anyProfile: true,
      run: (ctx, _input, out) => recoverCommand(ctx, all, out),
    },
  ];
}

/**
 * `confconsole recover`: recoverArea, the same put-back as the console's start (the journal's
 * owner checked first, the area's own apply). → exit 0 (nothing to do, or put back), 1 (not).
 */
async function recoverCommand(ctx: Ctx, all: readonly SettingsArea[], out: Out): Promise<number> {
  const r = await recoverArea(ctx, all, out.progress);
  if (!r) {
    out.print({ recovered: false }, 'No interrupted import left an area to put back.');
    return EXIT.ok;
  }
  if (r.ok) {
    out.print({ recovered: true, said: r.said }, r.said);
    return EXIT.ok;
  }
  if (out.json) out.print({ ok: false, code: EXIT.fail, recovered: false, error: r.said }, r.said);
  else process.stderr.write(`confconsole: ${visible(r.said)}\n`);
  return EXIT.fail;
}
