// Scheduled backups (issue 15; the manual's installation workflow "6. Additional changes within
// the console: a. Schedule backups"): the operations the Backups menu and `confconsole backup`
// share. The scripts: sbin/set_backup.sh (the schedule) and sbin/backup.sh (show, now, list,
// fetch). A backup is `confconsole export --secrets --yaml`; a restore is an import of it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Checked, Ctx, Entry, Io, Op, Outcome, ReviewRow, Values } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { Problem } from '../../core/problem.js';
import { visible } from '../../core/visible.js';
import { yesNoChoices } from '../../menu/choices.js';
import type { Field } from '../../menu/types.js';
import { BACKUP_DAYS, backupDestination, backupKeep, backupPassphrase, backupTime } from '../../rules/backup.js';
import { planOf, planRows } from '../../system/plan.js';
import { EXIT, run, script } from '../../system/runner.js';
import { readSettings } from '../../system/settings.js';

/** The schedule as appliance.ini [backup] holds it (set_backup.sh's result and backup.sh show). */
export const Schedule = z.lazy(() => z.object({
  schedule: z.enum(['off', 'daily', 'weekly']),
  day: z.enum(BACKUP_DAYS),
  time: z.string(),
  keep: z.number().int(),
  destination: z.string(),
  encrypt: z.boolean(),
}));
export type Schedule = z.infer<typeof Schedule>;

/** The last backup's result (backup.sh's state file). */
export const Last = z.lazy(() => z.object({ time: z.string(), ok: z.boolean(), cause: z.string(), id: z.string(), name: z.string(), size: z.number(), encrypted: z.boolean(), pruned: z.number(), destination: z.string() }));
export type Last = z.infer<typeof Last>;

const ShowSchema = z.lazy(() => z.object({
  backup: Schedule,
  passphrase_set: z.boolean(),
  calendar: z.string().nullable(),
  host_key: z.string().nullable(),
  public_key: z.string().nullable(),
  // a result that is not one (a file damaged by hand) is taken as none, as backup.sh does
  last: Last.nullable().catch(null),
  /** Why the record of the last backup is not believed (damaged), when it is not. */
  last_damaged: z.string().nullable().optional(),
  /** Values of appliance.ini's [backup] the rules refuse (edited by hand), each with what is used instead. */
  refused: z.array(z.string()).optional(),
}));
export type BackupState = z.infer<typeof ShowSchema>;
const HostKey = z.lazy(() => z.object({ fingerprint: z.string(), pinned: z.enum(['new', 'same']) }).nullable());
const showScript = script('backup.sh', ShowSchema);
const setScript = script('set_backup.sh', z.lazy(() => z.object({ changed: z.boolean(), backup: Schedule, host_key: HostKey })));
const nowScript = script('backup.sh', z.lazy(() => z.object({ id: z.string(), name: z.string(), size: z.number(), encrypted: z.boolean(), destination: z.string(), pruned: z.array(z.string()) })));
const BackupRow = z.lazy(() => z.object({ id: z.string(), name: z.string(), size: z.number(), encrypted: z.boolean() }));
export type BackupRow = z.infer<typeof BackupRow>;
const listScript = script('backup.sh', z.lazy(() => z.object({ destination: z.string(), backups: z.array(BackupRow) })));
const fetchScript = script('backup.sh', z.lazy(() => z.object({ id: z.string(), name: z.string(), encrypted: z.boolean(), size: z.number() })));

/** The schedule, the keys and the last result (backup.sh show); a Problem when it cannot be read. */
export async function backupState(ctx: Ctx): Promise<BackupState> {
  const r = await run(ctx.runner, showScript, ['show']);
  if (!r.ok) throw new Problem(`Cannot read the backup settings: ${r.error}`);
  return r.value;
}

/** "2026-11-30T17:52:00Z" → "2026-11-30 17:52 UTC". */
const when = (t: string) => t.replace('T', ' ').replace(/:\d\dZ$/, ' UTC');
/** A backup id (20261130T175200.123Z) as a time: "2026-11-30 17:52:00 UTC". */
export const idTime = (id: string) => id.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)\.\d{3}Z$/, '$1-$2-$3 $4:$5:$6 UTC');
const size = (n: number) => (n < 10_000 ? `${n} bytes` : `${Math.round(n / 1024)} KiB`);

/** The last backup in one line: when, ok or failed and why, its size and where. */
export function lastText(last: Last | null, damaged?: string | null): string {
  if (damaged) return `Last backup: unknown: ${visible(damaged)}.`;
  if (!last) return 'Last backup: none yet.';
  return last.ok
    ? `Last backup: ${when(last.time)}, ok, ${size(last.size)}${last.encrypted ? ', encrypted' : ''}, to ${visible(last.destination)}.`
    : `Last backup: ${when(last.time)}, FAILED: ${visible(last.cause)}`;
}

/** The schedule in one line: "weekly on Mon at 02:00, keep 7, to DEST, encrypted" or "off". */
export function scheduleText(s: Schedule): string {
  const at = s.schedule === 'off' ? 'Scheduled backups: off' : `Scheduled backups: ${s.schedule === 'weekly' ? `weekly on ${s.day[0]!.toUpperCase()}${s.day.slice(1)}` : 'daily'} at ${s.time}`;
  return `${at}; keep ${s.keep}; ${s.destination ? `to ${visible(s.destination)}` : 'no destination set'}${s.encrypt ? '; encrypted' : ''}.`;
}

/** Above the Backups menu: the last backup's time and result, and the schedule. */
export const backupStatus: Op<'show'> = {
  id: 'backup.status',
  async show(ctx) {
    const st = await backupState(ctx);
    return { kind: 'text', text: `${lastText(st.last, st.last_damaged)}\n${scheduleText(st.backup)}` };
  },
};

/** A failure of a backup script: its message, the field it names and its exit code. */
export class BackupProblem extends Problem {
  constructor(
    message: string,
    field: string | undefined,
    readonly code: number,
  ) {
    super(message, field);
  }
}

/** Everything about the backups as text (Show schedule, backup show), the keys to give the SFTP server's administrator too. */
export function showText(st: BackupState): string {
    const b = st.backup;
    const lines = [
      scheduleText(b),
      `When: ${st.calendar ? `OnCalendar=${st.calendar} (the appliance's local time)` : 'no timer (off)'}`,
      `Destination: ${b.destination ? visible(b.destination) : '(none)'}`,
      `Keep: the newest ${b.keep}; older ones are deleted after each successful backup`,
      `Encryption: ${b.encrypt ? `gpg AES256 with the passphrase (${st.passphrase_set ? 'stored' : 'NOT stored'})` : 'none'}`,
      lastText(st.last, st.last_damaged),
      ...(st.refused ?? []).map((r) => `Warning: ${visible(r)}`),
    ];
    if (b.destination.startsWith('sftp://')) {
      lines.push('', `SFTP server's host key (pinned): ${st.host_key ?? '(none)'}`);
      lines.push(st.public_key ? `The appliance's public key, for the server's authorized_keys:\n${visible(st.public_key)}` : "The appliance's SSH key is made when the destination is set.");
    }
    return lines.join('\n');
}

/** Show schedule. */
export const backupShow: Op<'show'> = {
  id: 'backup.show',
  async show(ctx) {
    return { kind: 'text', title: 'Backup schedule', text: showText(await backupState(ctx)) };
  },
};

const keepOrNew = (s: string) => (s === '' ? { ok: true as const, value: '' } : backupPassphrase(s));

/** The Change schedule form: destination, when, how many, encryption. */
export const scheduleFields: Field[] = [
  {
    name: 'destination',
    label: 'Destination (a directory, or sftp://USER@HOST[:PORT]/PATH)',
    short: 'Destination',
    rule: backupDestination,
    help: "A directory on this appliance (/var/backups/confconsole), or an SFTP server reached with the appliance's SSH key: sftp://USER@HOST[:PORT]/PATH. Its host key is pinned when it is set: check the fingerprint the review shows.",
  },
  {
    name: 'schedule',
    label: 'When',
    short: 'Schedule',
    choices: [
      { value: 'off', label: 'Off' },
      { value: 'daily', label: 'Daily' },
      { value: 'weekly', label: 'Weekly' },
    ],
    help: 'Off: only Back up now. Daily or weekly: a systemd timer runs the backup at the time below (the appliance\'s local time).',
  },
  { name: 'day', label: 'Day of the week', short: 'Day', choices: BACKUP_DAYS.map((d) => ({ value: d, label: d[0]!.toUpperCase() + d.slice(1) })), when: { field: 'schedule', is: ['weekly'] }, help: 'The day of a weekly backup.' },
  { name: 'time', label: 'Time (HH:MM)', short: 'Time', rule: backupTime, when: { field: 'schedule', is: ['daily', 'weekly'] }, help: 'The time of day, 00:00 to 23:59, local time.' },
  { name: 'keep', label: 'Backups to keep (1-365)', short: 'Keep', rule: backupKeep, help: 'How many backups are kept; older ones are deleted after each successful backup (locally and on the SFTP server).' },
  {
    name: 'encrypt',
    label: 'Encrypt the backups?',
    short: 'Encrypt',
    choices: yesNoChoices('no'), // No first: encryption is a decision (its passphrase cannot be recovered)
    help: 'Yes encrypts each backup with gpg (AES256) and a passphrase. Without the passphrase a backup cannot be restored: keep it somewhere safe.',
  },
  {
    name: 'passphrase',
    label: 'Passphrase (empty keeps the stored one)',
    short: 'Passphrase',
    rule: keepOrNew,
    masked: true,
    when: { field: 'encrypt', is: ['yes'] },
    help: '8-256 characters. Sent to the script on standard input and stored readable by root only. Empty keeps the passphrase already stored.',
  },
  { name: 'passphrase2', label: 'The same passphrase again', short: 'Passphrase again', masked: true, same: 'passphrase', when: { field: 'encrypt', is: ['yes'] }, help: 'Type the passphrase again, so that a typing error is caught before it is stored.' },
];

/** set_backup.sh's arguments for the form's (or a command's) values; the passphrase goes on stdin. */
export function setArgs(v: Values): string[] {
  // no destination is said as none ('' would keep the one set)
  const args = ['--schedule', v.schedule ?? 'off', '--keep', v.keep ?? '7', '--destination', v.destination || 'none', '--encrypt', v.encrypt ?? 'no'];
  if (v.day) args.push('--day', v.day);
  if (v.time) args.push('--time', v.time);
  if (v.fingerprint) args.push('--fingerprint', v.fingerprint);
  if (v.repin === 'yes') args.push('--repin');
  return args;
}

const LABELS = {
  destination: { label: 'Destination' },
  schedule: { label: 'Schedule' },
  day: { label: 'Day' },
  time: { label: 'Time' },
  keep: { label: 'Keep' },
  encrypt: { label: 'Encrypt' },
  passphrase: { label: 'Passphrase' },
  host_key: { label: 'SFTP host key' },
};

/** Applies a schedule through set_backup.sh; the passphrase (or an empty line: keep) on stdin. */
export async function setSchedule(ctx: Ctx, v: Values, io: Io): Promise<Outcome> {
  const r = await run(ctx.runner, setScript, setArgs(v), { stdin: `${v.encrypt === 'yes' ? (v.passphrase ?? '') : ''}\n`, onLine: io.line, survive: true });
  return outcomeOf(r, (x) => {
    const pinned = x.host_key?.pinned === 'new' ? ` The SFTP server's host key ${x.host_key.fingerprint} is pinned.` : '';
    return x.changed ? `Backup schedule saved. ${scheduleText(x.backup)}${pinned}` : 'Nothing changed: these are the current backup settings.';
  });
}

/** Change schedule: prefilled with the settings; the review is the script's plan, with the SFTP server's key to confirm. */
export const backupSet: Op<'read' | 'check' | 'apply'> = {
  id: 'backup.set',
  async read(ctx) {
    const b = (await backupState(ctx)).backup;
    return { destination: b.destination, schedule: b.schedule, day: b.day, time: b.time, keep: String(b.keep), encrypt: b.encrypt ? 'yes' : 'no', passphrase: '', passphrase2: '' };
  },
  async check(ctx, v): Promise<Checked> {
    const r = await run(ctx.runner, planOf('set_backup.sh'), ['--dry-run', ...setArgs(v)], { stdin: `${v.encrypt === 'yes' ? (v.passphrase ?? '') : ''}\n` });
    if (!r.ok) return { errors: { [r.field && r.field in LABELS ? r.field : 'destination']: r.error } };
    const hk = HostKey.safeParse((r.value as { host_key?: unknown }).host_key);
    const key = hk.success ? hk.data : null;
    return {
      errors: {},
      review: planRows(r.value, LABELS),
      ...(key?.pinned === 'new'
        ? {
            warnings: [`The SFTP server's host key is ${key.fingerprint}: compare it with the fingerprint its administrator gives (ssh-keygen -lf on the server). It is pinned: a server with another key is refused later.`],
            found: { fingerprint: key.fingerprint },
          }
        : {}),
    };
  },
  apply: (ctx, v, io) => setSchedule(ctx, v, io),
};

/** A settings document of this appliance, with its secrets, as YAML: what a backup holds. */
export async function exportYaml(ctx: Ctx): Promise<string> {
  // loaded when used: the console's first frame does not pay for them (and no import cycle)
  const [{ settingsAreas }, { exportSettings, documentYaml }] = await Promise.all([import('../settings.js'), import('../../settings/document.js')]);
  const profile = (await readSettings(ctx.paths.settingsIni)).appliance.profile;
  return documentYaml(await exportSettings(ctx, settingsAreas, profile, true));
}

/** Back up now: the export with secrets to backup.sh now (cancellable: nothing is replaced until the last rename). */
export const backupNow: Op<'ask' | 'apply'> = {
  id: 'backup.now',
  /** Without a destination there is nothing to confirm: said at once, where to set it. */
  async ask(ctx) {
    return (await noDestination(ctx)) ? { blocked: NO_DESTINATION } : { question: 'Back up the settings now?' };
  },
  async apply(ctx, _v, io) {
    io.note?.('Reading the settings');
    const doc = await exportYaml(ctx);
    io.note?.('Storing the backup');
    const r = await run(ctx.runner, nowScript, ['now'], { stdin: doc, onLine: io.line, ...(io.signal ? { signal: io.signal } : {}) });
    return outcomeOf(r, (x) => `Backup ${x.id} stored: ${size(x.size)}${x.encrypted ? ', encrypted' : ''}, to ${x.destination}${x.pruned.length ? ` (${x.pruned.length} older deleted)` : ''}.`);
  },
};

/**
 * The backups at the destination, newest first; a Problem naming the cause when they cannot be
 * listed (`said` before the script's message: a source menu says its own "Cannot list them").
 */
export async function listBackups(ctx: Ctx, said = 'Cannot list the backups: '): Promise<BackupRow[]> {
  const r = await run(ctx.runner, listScript, ['list']);
  if (!r.ok) throw new BackupProblem(`${said}${r.error}`, r.field, r.exitCode);
  return r.value.backups;
}

/** The console's answer where a backup needs a destination and none is set (backup.sh's names the command line's option). */
export const NO_DESTINATION = 'No backup destination is set: choose one in 2. Change schedule first.';

/** True when the schedule names no destination: nothing can be backed up, listed or restored. */
const noDestination = async (ctx: Ctx) => (await backupState(ctx)).backup.destination === '';

export const BACKUP_COLUMNS = ['ID', 'Time', 'Size', 'Encrypted'];
export const backupRows = (l: BackupRow[]): string[][] => l.map((b) => [b.id, idTime(b.id), size(b.size), b.encrypted ? 'yes' : 'no']);

/** List backups: a table, newest first. */
export const backupList: Op<'show'> = {
  id: 'backup.list',
  async show(ctx) {
    if (await noDestination(ctx)) return { kind: 'text', title: 'Backups', text: NO_DESTINATION };
    const l = await listBackups(ctx);
    if (l.length === 0) return { kind: 'text', title: 'Backups', text: 'No backup at the destination yet.' };
    return { kind: 'table', title: 'Backups', text: `${l.length} backup(s), newest first.`, columns: BACKUP_COLUMNS, rows: backupRows(l) };
  },
};

/**
 * The backup `id` as a parsed settings document: fetched (decrypted with `passphrase`, or the
 * stored one when empty) into a private temporary file, read, removed. Throws a Problem naming
 * the cause (no such backup, no passphrase, the host key, not YAML).
 */
export async function fetchDocument(ctx: Ctx, id: string, passphrase = ''): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-backup-'));
  try {
    const file = join(dir, 'doc.yaml');
    const r = await run(ctx.runner, fetchScript, ['fetch', id, file], { stdin: `${passphrase}\n` });
    if (!r.ok) throw new BackupProblem(r.error, r.field, r.exitCode);
    const { parse } = await import('yaml');
    let doc: unknown;
    try {
      doc = parse(await readFile(file, 'utf8'), { uniqueKeys: true, maxAliasCount: 0 });
    } catch (e) {
      // the parser's first line ends where it shows the place ("at line 1, column 5:")
      throw new Problem(`backup ${id} is damaged: it is not a settings document (${(e as Error).message.split('\n')[0]!.replace(/:$/, '')})`);
    }
    // named by its id, not by the private file the import reads it from
    if (typeof doc !== 'object' || doc === null || (doc as { format?: unknown }).format !== 'confconsole-settings')
      throw new Problem(`backup ${id} is damaged: it is not a settings document (confconsole export --secrets)`);
    return doc;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * What restoring `id` would change: the import's dry run → its text, its changes as review rows,
 * how many areas change, and the restore itself. `passphrase`: an encrypted backup's (empty: the
 * stored one). Throws a Problem (a BackupProblem with field 'passphrase' when it does not decrypt).
 */
export async function restorePlan(ctx: Ctx, id: string, passphrase = ''): Promise<{ text: string; rows: ReviewRow[]; warnings: string[]; changes: number; run: (io: Io) => Promise<Outcome> }> {
  const raw = await fetchDocument(ctx, id, passphrase);
  const [{ settingsAreas }, { planImport, applyImport, resultsText }] = await Promise.all([import('../settings.js'), import('../../settings/commands.js')]);
  const { recoverArea } = await import('../../settings/journal.js');
  // an import killed midway left an area half applied: back as it was, before the plan is made
  const recovered = await recoverArea(ctx, settingsAreas, { line: () => undefined });
  if (recovered && !recovered.ok) throw new Problem(recovered.said);
  const profile = (await readSettings(ctx.paths.settingsIni)).appliance.profile;
  const planned = await planImport(ctx, settingsAreas, raw, profile);
  if (!planned.ok) throw new Problem(`backup ${id} cannot be restored here:\n${planned.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
  const dry = await applyImport(ctx, planned.plan, true, { line: () => undefined });
  const changes = planned.plan.filter((p) => p.changes.length > 0).length;
  return {
    text: [...(recovered ? [`note: ${recovered.said}`] : []), ...planned.warnings.map((w) => `warning: ${w}`), resultsText(dry.results)].join('\n'),
    rows: planned.plan.flatMap((p) => p.changes.map((c) => ({ label: `${p.a.id}.${c.path}`, old: c.old, new: c.new }))),
    warnings: [...(recovered ? [recovered.said] : []), ...planned.warnings],
    changes,
    async run(io) {
      const done = await applyImport(ctx, planned.plan, false, io, io.line);
      const ok = done.code === 0;
      const failed = done.results.find((r) => r.result === 'failed');
      return {
        ok,
        summary: ok ? `The settings of backup ${id} are back (${done.results.filter((r) => r.result === 'changed').length} area(s) changed).` : `Restore of backup ${id} stopped: ${failed?.area}: ${failed?.summary ?? 'failed'}`,
        details: resultsText(done.results).split('\n'),
        code: done.code,
        data: { id, areas: done.results },
      };
    },
  };
}

const HOTKEYS = '123456789abcdefghijklmnopqrstuvwxyz';

/** Restore from a backup: the backups at the destination, one a hotkey. */
export const backupSource: Op<'items'> = {
  id: 'backup.source',
  async items(ctx) {
    if (await noDestination(ctx)) throw new BackupProblem(NO_DESTINATION, 'destination', EXIT.usage);
    return (await listBackups(ctx, '')).slice(0, HOTKEYS.length).map((b, n): Entry => ({ key: HOTKEYS[n]!, label: `${idTime(b.id)}  ${size(b.size)}${b.encrypted ? ', encrypted' : ''}`, context: { id: b.id, encrypted: b.encrypted ? 'yes' : '' } }));
  },
};

/** The console's restore plan with the stored passphrase: one that does not decrypt the backup points to the item that asks for it. */
async function storedPlan(ctx: Ctx, id: string): ReturnType<typeof restorePlan> {
  try {
    return await restorePlan(ctx, id);
  } catch (e) {
    if (e instanceof BackupProblem && e.field === 'passphrase') throw new BackupProblem(`${e.message}.\nChoose "${RESTORE_WITH}" to give it.`, e.field, e.code);
    throw e;
  }
}

/** The label of the item that restores an encrypted backup with the passphrase typed. */
export const RESTORE_WITH = 'Restore with its passphrase';

/** Offered for an encrypted backup (its list row said so): Restore with its passphrase. */
export const backupEncrypted: Op<'read'> = {
  id: 'backup.encrypted',
  async read(_ctx, c) {
    return { offered: c.encrypted === 'yes' ? 'yes' : '' };
  },
};

/**
 * Restore with its passphrase: a backup encrypted with an earlier passphrase (or after encryption
 * was turned off) restored with the one typed (masked; sent on the script's standard input, never
 * on a command line). The check decrypts it and makes the import's dry run: a wrong passphrase is
 * said at the field (type it again), the review is the changes; Yes restores.
 */
export const backupRestoreWith: Op<'read' | 'check' | 'apply'> = {
  id: 'backup.restore-with',
  async read() {
    return { passphrase: '' };
  },
  async check(ctx, v): Promise<Checked> {
    let p;
    try {
      p = await restorePlan(ctx, v.id ?? '', v.passphrase ?? '');
    } catch (e) {
      // only the passphrase's refusal is said at its field (type it again); any other cause (the
      // destination, a damaged backup) is the result's, as for a restore with the stored one
      if (e instanceof Problem && e.field === 'passphrase') return { errors: { passphrase: e.message } };
      throw e;
    }
    if (p.changes === 0) throw new Problem(`Nothing to restore: the settings are already those of backup ${v.id}.`);
    return { errors: {}, review: p.rows, warnings: p.warnings };
  },
  async apply(ctx, v, io) {
    return (await restorePlan(ctx, v.id ?? '', v.passphrase ?? '')).run(io);
  },
};

/** Its one field: the passphrase the backup was encrypted with. */
export const passphraseFields: Field[] = [
  { name: 'passphrase', label: "The backup's passphrase", short: 'Passphrase', rule: backupPassphrase, masked: true, help: 'The passphrase this backup was encrypted with (an earlier one, when it was changed or encryption turned off since). It is used for this restore only, never stored.' },
];

/** What restoring a backup would change (the import's dry run), in the pager. */
export const backupDiff: Op<'show'> = {
  id: 'backup.diff',
  async show(ctx, c) {
    const p = await storedPlan(ctx, c.id ?? '');
    return { kind: 'text', title: `Backup ${c.id}: what a restore changes`, text: p.changes ? p.text : `Nothing would change: the settings are those of backup ${c.id}.\n\n${p.text}` };
  },
};

/** Restore: the dry run's changes in the question, then (Yes) the import, the network last and commit-confirmed. */
export const backupRestore: Op<'ask' | 'apply'> = {
  id: 'backup.restore',
  async ask(ctx, c) {
    let p;
    try {
      p = await storedPlan(ctx, c.id ?? '');
    } catch (e) {
      if (e instanceof Problem) return { blocked: e.message };
      throw e;
    }
    if (p.changes === 0) return { blocked: `Nothing to restore: the settings are already those of backup ${c.id}.` };
    const lines = p.text.split('\n');
    const shown = lines.slice(0, 12);
    return {
      question: [
        `Restore the settings of backup ${c.id} (${idTime(c.id ?? '')}): ${p.changes} area(s) change:`,
        ...shown,
        ...(lines.length > shown.length ? [`... and ${lines.length - shown.length} more line(s): see "Show what a restore changes".`] : []),
        '',
        'A network change must be confirmed afterwards, or it rolls back by itself. Restore these settings?',
      ].join('\n'),
    };
  },
  async apply(ctx, c, io) {
    return (await restorePlan(ctx, c.id ?? '')).run(io);
  },
};

/** A backup above its menu: when, where. */
export const backupHead: Op<'show'> = {
  id: 'backup.head',
  async show(_ctx, c) {
    return { kind: 'text', text: `Backup ${c.id}, made ${idTime(c.id ?? '')}.` };
  },
};
