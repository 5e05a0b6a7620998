// `confconsole export` and `confconsole import` (issue 15), derived from the areas' declarations.
import { fstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Ctx, Outcome } from '../core/types.js';
import { safeJson, visible } from '../core/visible.js';
import { UsageError } from '../commands/output.js';
import type { Command, Input, Out } from '../commands/types.js';
import { fileCause } from '../system/files.js';
import { EXIT } from '../system/runner.js';
import { readSettings } from '../system/settings.js';
import { fingerprintKey, type Profile, type SettingsArea } from './area.js';
import { checkDocument, describesHeldSecret, diffArea, exportSettings, keptSecretWarnings, type Change } from './document.js';

const profileOf = async (ctx: Ctx, input: Input): Promise<Profile> =>
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
async function readDocument(file: string): Promise<unknown> {
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
interface AreaResult {
  area: string;
  result: 'changed' | 'unchanged' | 'failed' | 'not applied' | 'would change';
  changes: Change[];
  summary?: string;
  code?: number;
  field?: string;
}

const line = (c: Change, area: string) => `  ${area}.${c.path}: ${c.old} -> ${c.new}`;

/**
 * Imports a checked document: the diff of each area, then (unless `dry`) each changed area applied
 * through its scripts in order, the network last; the first failure stops the rest (said as
 * "not applied"). → the exit code (2 for a document error, the failing script's own code).
 */
async function importDocument(ctx: Ctx, all: readonly SettingsArea[], input: Input, out: Out): Promise<number> {
  const file = input.args[0] ?? '-';
  const profile = await profileOf(ctx, input);
  const checked = checkDocument(await readDocument(file), all, profile);
  if (!checked.ok) {
    const text = [`${file}: ${checked.errors.length} error(s), nothing was changed:`, ...checked.errors.map((e) => `  ${e.path}: ${e.message}`)].join('\n');
    if (out.json) out.print({ ok: false, code: EXIT.usage, error: `${file}: the document has errors; nothing was changed`, errors: checked.errors }, text);
    else process.stderr.write(`confconsole: ${visible(text, '\n')}\n`);
    return EXIT.usage;
  }
  const byId = new Map(all.map((a) => [a.id, a]));
  // what is in place, and what each area would change
  const plan: { a: SettingsArea; want: unknown; have: unknown; changes: Change[] }[] = [];
  const warnings: string[] = [];
  for (const [id, want] of checked.areas) {
    const a = byId.get(id)!;
    const have = await a.read(ctx, true);
    plan.push({ a, want, have, changes: diffArea(have, want, a.secrets) });
    // the key only when a described secret meets one in place (an import writes nothing it need not)
    for (const k of keptSecretWarnings(have, want, a.secrets, describesHeldSecret(have, want, a.secrets) ? await fingerprintKey(ctx) : ''))
      warnings.push(`areas.${id}.${k.path}: the document gives only a description of this secret (${k.new}), and this appliance holds another one (${k.old}): the one in place is kept; export with --secrets to carry the secret itself`);
  }
  if (!out.json) for (const w of warnings) process.stderr.write(`warning: ${visible(w)}\n`);
  // what only the system can judge, for every area before any is applied
  const errors = [];
  for (const p of plan.filter((x) => x.changes.length > 0 && x.a.check)) {
    for (const [k, m] of Object.entries(await p.a.check!(ctx, p.want))) errors.push({ path: `areas.${p.a.id}.${k}`, message: visible(m) });
  }
  if (errors.length > 0) {
    const text = [`${file}: ${errors.length} error(s), nothing was changed:`, ...errors.map((e) => `  ${e.path}: ${e.message}`)].join('\n');
    if (out.json) out.print({ ok: false, code: EXIT.usage, error: `${file}: the document has errors; nothing was changed`, errors }, text);
    else process.stderr.write(`confconsole: ${visible(text, '\n')}\n`);
    return EXIT.usage;
  }
  const dry = input.opts['dry-run'] === true;
  const results: AreaResult[] = [];
  let code: number = EXIT.ok;
  for (const p of plan) {
    if (p.changes.length === 0) results.push({ area: p.a.id, result: 'unchanged', changes: [] });
    else if (dry) results.push({ area: p.a.id, result: 'would change', changes: p.changes });
    else if (code !== EXIT.ok) results.push({ area: p.a.id, result: 'not applied', changes: p.changes });
    else {
      if (!out.json) process.stderr.write(`${p.a.title}: applying\n`);
      const o: Outcome = await p.a.apply(ctx, p.want, p.have, out.progress);
      const changed = (o.data as { changed?: boolean } | undefined)?.changed !== false;
      if (o.ok) results.push({ area: p.a.id, result: changed ? 'changed' : 'unchanged', changes: changed ? p.changes : [], summary: visible(o.summary) });
      else {
        code = o.code ?? EXIT.fail;
        results.push({ area: p.a.id, result: 'failed', changes: p.changes, summary: visible(o.summary), code, ...(o.field !== undefined ? { field: `areas.${p.a.id}.${o.field}` } : {}) });
      }
    }
  }
  const human = results
    .flatMap((r) => [`${r.area}: ${r.result}${r.summary && r.result !== 'changed' ? ` (${r.summary})` : ''}`, ...r.changes.map((c) => line(c, r.area))])
    .join('\n');
  const ok = code === EXIT.ok;
  if (out.json) out.print({ ok, dry_run: dry, changed: results.some((r) => r.result === 'changed'), areas: results, warnings: warnings.map((w) => visible(w)), ...(ok ? {} : { code, error: results.find((r) => r.result === 'failed')?.summary }) }, human);
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
        process.stdout.write(out.json ? safeJson(doc) + '\n' : (await import('yaml')).stringify(doc, { lineWidth: 0 }));
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
      ],
      options: { 'dry-run': { type: 'boolean', help: 'show what would change, change nothing' } },
      covers: [],
      writes: true,
      anyProfile: true,
      run: (ctx, input, out) => importDocument(ctx, all, input, out),
    },
  ];
}
