// History (issue 15): every change the scripts journal and audit as done is a revision
// (sbin/lib/history.sh + history.py write them, whoever ran the script): who, when, the area,
// a summary, and the area's files before and after (secrets only described). Listed by
// `confconsole history`, shown as a diff by `history show ID`, put back by `history restore ID`
// (sbin/history_restore.sh); in the console under Appliance Admin / Setup > History.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Ctx, Entry, Op, Outcome, Values } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { Problem } from '../../core/problem.js';
import { visible } from '../../core/visible.js';
import type { Command } from '../../commands/types.js';
import { report, UsageError } from '../../commands/output.js';
import type { Item } from '../../menu/types.js';
import { fileCause } from '../../system/files.js';
import { EXIT, run, script } from '../../system/runner.js';
import { lineDiff } from '../appliance/restore.js';

/** Where the revisions are (sbin/lib/history.py HISTORY), one NNNNNNNN.json each. */
export const historyDir = (ctx: Ctx): string => ctx.paths.under('/var/lib/confconsole/history');

// a secret as history.py records it: its length and fingerprint keyed per appliance (hmac); a
// revision recorded before that has an unsalted sha256 prefix instead
const Secret = z.lazy(() => z.union([
  z.object({ secret: z.literal('omitted'), length: z.number().int(), hmac: z.string() }),
  z.object({ secret: z.literal('omitted'), length: z.number().int(), sha256: z.string() }),
]));
const State = z.lazy(() => z.union([z.object({ text: z.string() }), z.object({ base64: z.string() }), Secret]).nullable());
const FileChange = z.lazy(() => z.object({ path: z.string().startsWith('/'), secret: z.boolean(), mode: z.string().nullable(), before: State, after: State }));

/** One revision as sbin/lib/history.py writes it (format 1). */
export const Revision = z.lazy(() => z.object({
  format: z.literal(1),
  id: z.number().int().positive(),
  time: z.string(),
  user: z.string(),
  tty: z.string(),
  from: z.string().nullable(),
  script: z.string(),
  action: z.string(),
  area: z.string(),
  summary: z.string(),
  restored_from: z.number().int().nullable(),
  files: z.array(FileChange),
}));
export type Revision = z.infer<typeof Revision>;

/** A record that could not be read: its file and why (listed, never a crash). */
export interface Damaged {
  file: string;
  why: string;
}

/**
 * Every revision kept, newest first, and the records that are damaged (named, skipped). No
 * history directory: none. Throws a Problem naming the directory when it cannot be read.
 */
export async function readHistory(ctx: Ctx): Promise<{ revisions: Revision[]; damaged: Damaged[] }> {
  const dir = historyDir(ctx);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^\d{8}\.json$/.test(n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { revisions: [], damaged: [] };
    throw new Problem(`Cannot read the history ${dir}: ${fileCause(e)}`);
  }
  const revisions: Revision[] = [];
  const damaged: Damaged[] = [];
  for (const n of names.sort().reverse()) {
    const file = join(dir, n);
    try {
      const r = Revision.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (!r.success) damaged.push({ file, why: `not a revision record: ${r.error.issues[0]?.path.join('.') || '(top)'}: ${r.error.issues[0]?.message}` });
      else if (r.data.id !== Number(n.slice(0, 8))) damaged.push({ file, why: `it says it is revision ${r.data.id}` });
      else revisions.push(r.data);
    } catch (e) {
      damaged.push({ file, why: e instanceof SyntaxError ? `not JSON: ${e.message}` : fileCause(e) });
    }
  }
  return { revisions, damaged };
}

/** Who made a revision, as one word-ish: user, then the SSH address or the terminal. */
export const whoOf = (r: Revision): string => `${r.user}${r.from ? `@${r.from}` : r.tty !== 'none' ? ` (${r.tty.replace(/^\/dev\//, '')})` : ''}`;

/** The time shown in a list: "2026-11-30 15:44" (UTC, as recorded). */
const shortTime = (t: string): string => t.replace('T', ' ').replace(/:\d\dZ$/, '');

/** The columns of the list, each row a revision (values made visible). */
export function historyRows(revs: Revision[]): string[][] {
  return revs.map((r) => [String(r.id), shortTime(r.time), visible(whoOf(r)), r.area, visible(r.summary)]);
}
export const HISTORY_COLUMNS = ['ID', 'Time (UTC)', 'Who', 'Area', 'Summary'];

const describe = (s: z.infer<typeof Secret>): string => `(secret: ${s.length} chars, ${'hmac' in s ? `hmac ${s.hmac}` : `sha256 ${s.sha256}`})`;
const linesOf = (s: z.infer<typeof State>): string[] => {
  if (s === null) return [];
  if ('secret' in s) return [describe(s)];
  const t = 'text' in s ? s.text : Buffer.from(s.base64, 'base64').toString('utf8');
  return (t.endsWith('\n') ? t.slice(0, -1) : t).split('\n').map((l) => visible(l));
};

/**
 * The changes of a revision as a unified diff (3 lines of context), one file after another;
 * secrets as their description. `colour`: ANSI red/green/cyan for the lines (a terminal only).
 */
export function revisionDiff(r: Revision, colour = false): string {
  const paint = (code: string, s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out = [
    paint('1', `revision ${r.id}  ${r.time}  ${visible(whoOf(r))}  ${r.area}${r.restored_from ? `  (puts back revision ${r.restored_from})` : ''}`),
    visible(r.summary),
  ];
  for (const f of r.files) {
    out.push(paint('1', `--- a${f.path}${f.before === null ? ' (did not exist)' : ''}`), paint('1', `+++ b${f.path}${f.after === null ? ' (removed)' : ''}`));
    const d = lineDiff(linesOf(f.before), linesOf(f.after));
    const near = d.map((_, i) => d.slice(Math.max(0, i - 3), i + 4).some((l) => !l.startsWith('  ')));
    if (!near.includes(true)) out.push('(no change in this file)');
    let shown = -2;
    d.forEach((l, i) => {
      if (!near[i]) return;
      if (i !== shown + 1) out.push(paint('36', `@@ line ${d.slice(0, i).filter((x) => !x.startsWith('+')).length + 1} @@`));
      shown = i;
      const text = `${l[0] === ' ' ? ' ' : l[0]}${l.slice(2)}`;
      out.push(l.startsWith('-') ? paint('31', text) : l.startsWith('+') ? paint('32', text) : text);
    });
  }
  return out.join('\n');
}

/** The revision `id`, or a Problem saying it is not kept (or is damaged). */
export async function revision(ctx: Ctx, id: string): Promise<Revision> {
  if (!/^[1-9]\d{0,8}$/.test(id)) throw new Problem(`not a revision id (a number from confconsole history): ${visible(id)}`);
  const h = await readHistory(ctx);
  const r = h.revisions.find((x) => x.id === Number(id));
  if (r) return r;
  const bad = h.damaged.find((d) => d.file.endsWith(`${id.padStart(8, '0')}.json`));
  throw new Problem(bad ? `revision ${id} is damaged (${bad.file}): ${bad.why}` : `there is no revision ${id} (kept in ${historyDir(ctx)})`);
}

const restoreScript = script('history_restore.sh', z.lazy(() => z.object({ changed: z.boolean().optional(), id: z.number().optional(), area: z.string().optional(), pending: z.unknown().optional() }).loose()));

/** Puts the area of revision `id` back as it was after it (sbin/history_restore.sh). */
export async function restoreRevision(ctx: Ctx, id: string, io: { line(t: string): void }): Promise<Outcome> {
  const r = await run(ctx.runner, restoreScript, [id], { onLine: io.line, survive: true });
  return outcomeOf(r, (x) =>
    x.pending !== undefined
      ? `The network settings of revision ${id} are applied: confirm them (Networking) or they roll back by themselves.`
      : x.changed
        ? `The ${x.area ?? ''} settings of revision ${id} are back.`
      : `Nothing changed: the ${x.area ?? ''} settings are already those of revision ${id}.`,
  );
}

const HOTKEYS = '123456789abcdefghijklmnopqrstuvwxyz';

/** A menu line of the history as wide as an 80-column menu holds ("1. " before it); longer: cut, ending "..." (a cut "b.example" must not read as "b.exampl"; ASCII for the VGA console). */
const LABEL_WIDTH = 68;
const cutLabel = (text: string): string => (text.length > LABEL_WIDTH ? `${text.slice(0, LABEL_WIDTH - 3)}...` : text);

/** History: the newest revisions (one a hotkey), and the damaged records named in the status. */
export const historyList: Op<'items' | 'show'> = {
  id: 'history.list',
  async items(ctx) {
    const h = await readHistory(ctx);
    return h.revisions.slice(0, HOTKEYS.length).map(
      (r, n): Entry => ({
        key: HOTKEYS[n]!,
        label: cutLabel(`${String(r.id).padStart(4)} ${shortTime(r.time).slice(5)} ${r.area.padEnd(8)} ${visible(r.summary)}`),
        context: { id: String(r.id) },
      }),
    );
  },
  async show(ctx) {
    const h = await readHistory(ctx);
    const lines = [
      h.revisions.length
        ? `${h.revisions.length} revision(s) kept; the newest first.${h.revisions.length > HOTKEYS.length ? ` The ${HOTKEYS.length} newest are listed; older ones: confconsole history.` : ''}`
        : 'No change has been recorded yet.',
      ...h.damaged.map((d) => `Damaged, skipped: ${d.file}: ${visible(d.why)}`),
    ];
    return { kind: 'text', text: lines.join('\n') };
  },
};

/** A revision's diff (in the pager). */
export const historyShow: Op<'show'> = {
  id: 'history.show',
  async show(ctx, context) {
    return { kind: 'text', title: `Revision ${context.id}`, text: revisionDiff(await revision(ctx, context.id ?? '')) };
  },
};

/** A revision in a line or three: above its menu. */
export const historyHead: Op<'show'> = {
  id: 'history.head',
  async show(ctx, context) {
    const r = await revision(ctx, context.id ?? '');
    return { kind: 'text', text: [`${r.time} by ${visible(whoOf(r))}, area ${r.area}`, visible(r.summary), `Files: ${r.files.map((f) => f.path).join(', ')}`].join('\n') };
  },
};

/** Restore a revision: the review says which files come back and what changes, then Yes/No. */
export const historyRestore: Op<'ask' | 'apply'> = {
  id: 'history.restore',
  async ask(ctx, context: Values) {
    const r = await revision(ctx, context.id ?? '');
    return {
      question: [
        `Put the ${r.area} settings back as they were after revision ${r.id}`,
        `(${visible(r.summary)}, ${r.time} by ${visible(whoOf(r))}).`,
        `Files: ${r.files.map((f) => f.path).join(', ')}${r.files.some((f) => f.secret) ? ' (a secret is only checked: it must be the one the revision left)' : ''}.`,
        r.area === 'network' ? 'The network change must be confirmed afterwards, or it rolls back by itself.' : 'The service of the area restarts; if it does not come back, the files are put back.',
        '',
        'Put these settings back?',
      ].join('\n'),
    };
  },
  apply: (ctx, v, io) => restoreRevision(ctx, v.id ?? '', io),
};

/** Appliance Admin > History (appliance) and Setup > History (vSensor). */
export const historyItem = (key: string): Item => ({
  key,
  label: 'History',
  help: 'Every change as a revision: who, when, what; its diff, and putting an area back as it was after one.',
  menu: {
    title: 'History',
    status: historyList,
    source: historyList,
    items: [],
    each: {
      title: 'Revision {id}',
      status: historyHead,
      items: [
        { key: '1', label: 'Show the changes', help: 'The diff of the files of revision {id} (secrets only described).', flow: { kind: 'view', op: historyShow } },
        {
          key: '2',
          label: 'Restore',
          help: 'Put the area of revision {id} back as it was after it (itself a new revision).',
          flow: { kind: 'do', op: historyRestore, confirm: 'ask', defaultNo: true, progress: 'Putting the settings back' },
        },
      ],
    },
  },
});

/** Colour only on a terminal, and never with NO_COLOR (https://no-color.org). */
const colourful = (): boolean => process.stdout.isTTY === true && !process.env.NO_COLOR;

export const commands: Command[] = [
  {
    path: ['history'],
    summary: 'the revisions of the settings, newest first: id, time, who, area, summary',
    options: { area: { type: 'string', value: 'A', help: 'only this area (ntp, callhome, network, pcap, master, ossensor, ...)' } },
    covers: [historyList],
    anyProfile: true,
    async run(ctx, input, out) {
      const h = await readHistory(ctx);
      const area = typeof input.opts.area === 'string' ? input.opts.area : undefined;
      // an area is the first word of an audit action (sbin/lib/history.py area_of)
      if (area !== undefined && !/^[a-z][a-z0-9_-]{0,31}$/.test(area)) throw new UsageError(`not an area name (ntp, callhome, network, pcap, master, ossensor, settings, ...): ${area}`, ['history'], 'area');
      const revs = area ? h.revisions.filter((r) => r.area === area) : h.revisions;
      for (const d of h.damaged) process.stderr.write(`confconsole: damaged revision record skipped: ${d.file}: ${visible(d.why)}\n`);
      const rows = historyRows(revs);
      const widths = HISTORY_COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
      const table = [HISTORY_COLUMNS, ...rows].map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ')).join('\n');
      out.print(
        {
          ok: true,
          revisions: revs.map(({ files, ...r }) => ({ ...r, files: files.map((f) => f.path) })),
          damaged: h.damaged,
        },
        revs.length ? table : area ? `No revision of the area ${visible(area)}.` : 'No change has been recorded yet.',
      );
      return EXIT.ok;
    },
  },
  {
    path: ['history', 'show'],
    args: 'ID',
    nargs: [1, 1],
    summary: 'the changes of revision ID as a diff of its files (secrets only described)',
    covers: [historyShow, historyHead],
    anyProfile: true,
    async run(ctx, input, out) {
      const r = await revision(ctx, input.args[0]!).catch((e: unknown) => {
        if (e instanceof Problem) throw new UsageError(e.message, undefined, 'id');
        throw e;
      });
      out.print({ ok: true, revision: r }, revisionDiff(r, !out.json && colourful()));
      return EXIT.ok;
    },
  },
  {
    path: ['history', 'restore'],
    args: 'ID',
    nargs: [1, 1],
    summary: 'put the area of revision ID back as it was after it (network: commit-confirmed); itself a new revision',
    covers: [historyRestore],
    anyProfile: true,
    run: async (ctx, input, out) => report(out, await restoreRevision(ctx, input.args[0]!, out.progress)),
  },
];
