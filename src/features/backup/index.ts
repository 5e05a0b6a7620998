// Backups (issue 15; the manual's installation workflow "6. a. Schedule backups"): the menu
// item (Appliance Admin > 5 Backups, Setup > 8 Backups) and `confconsole backup ...`. The
// operations are in ./ops.ts, the schedule as a settings area in ./settings.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { visible } from '../../core/visible.js';
import { check, report, str, UsageError } from '../../commands/output.js';
import type { Command, Out } from '../../commands/types.js';
import type { Item } from '../../menu/types.js';
import { backupDay, backupDestination, backupEncrypt, backupKeep, backupSchedule, backupTime } from '../../rules/backup.js';
import { EXIT } from '../../system/runner.js';
import {
  BACKUP_COLUMNS,
  BackupProblem,
  backupDiff,
  backupEncrypted,
  backupRestoreWith,
  passphraseFields,
  RESTORE_WITH,
  backupHead,
  backupList,
  backupNow,
  backupRestore,
  backupRows,
  backupSet,
  backupShow,
  backupSource,
  backupState,
  backupStatus,
  fetchDocument,
  listBackups,
  scheduleFields,
  setSchedule,
  showText,
} from './ops.js';

/** Appliance Admin > Backups (appliance) and Setup > Backups (vSensor). */
export const backupItem = (key: string): Item => ({
  key,
  label: 'Backups',
  help: "The appliance's settings backed up on a schedule (a directory or an SFTP server, optionally encrypted), and restored from a backup with a review first.",
  menu: {
    title: 'Backups',
    status: backupStatus,
    items: [
      { key: '1', label: 'Show schedule', help: 'When backups run, where they go, how many are kept, the SFTP host key and the appliance public key.', flow: { kind: 'view', op: backupShow } },
      {
        key: '2',
        label: 'Change schedule',
        help: "Where backups go (a directory or sftp://USER@HOST[:PORT]/PATH), daily or weekly at a time, how many are kept, and encryption with a passphrase.",
        flow: { kind: 'form', op: backupSet, fields: scheduleFields, check: true, question: 'Save this backup schedule?', progress: 'Saving the backup schedule', done: 'Done: the backup schedule is saved.' },
      },
      {
        key: '3',
        label: 'Back up now',
        help: 'Makes a backup of every setting (secrets included) now, at the destination; Esc cancels (nothing is replaced until the backup is complete).',
        flow: { kind: 'do', op: backupNow, confirm: 'ask', cancellable: true, progress: 'Backing up the settings' },
      },
      { key: '4', label: 'List backups', help: 'The backups at the destination, newest first.', flow: { kind: 'view', op: backupList } },
      {
        key: '5',
        label: 'Restore from a backup',
        help: 'Pick a backup: see what restoring it changes, then restore it (the network last, to be confirmed).',
        menu: {
          title: 'Restore from a backup',
          source: backupSource,
          items: [],
          each: {
            title: 'Backup {id}',
            status: backupHead,
            items: [
              { key: '1', label: 'Show what a restore changes', help: 'The changes restoring backup {id} would make (old -> new, secrets masked).', flow: { kind: 'view', op: backupDiff } },
              { key: '2', label: 'Restore', help: 'Make the settings those of backup {id}, area by area through their scripts; the network last.', flow: { kind: 'do', op: backupRestore, confirm: 'ask', defaultNo: true, progress: 'Restoring the settings' } },
              {
                key: '3',
                label: RESTORE_WITH,
                help: 'An encrypted backup whose passphrase is not the stored one (changed since, or encryption turned off): type it (masked, never stored), see what restoring changes, then restore.',
                offeredIf: backupEncrypted,
                flow: { kind: 'form', op: backupRestoreWith, fields: passphraseFields, check: true, question: 'Restore these settings?', progress: 'Restoring the settings' },
              },
            ],
          },
        },
      },
    ],
  },
});

/** A script's failure said as the command's result (its message, field and exit code). */
const failed = (out: Out, e: BackupProblem) => report(out, { ok: false, summary: e.message, code: e.code, ...(e.field !== undefined ? { field: e.field } : {}) });

const ID = /^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z$/;

export const commands: Command[] = [
  {
    path: ['backup', 'show'],
    summary: 'the backup schedule, the SFTP host key, the appliance public key and the last backup (time, result)',
    covers: [backupShow, backupStatus],
    async run(ctx, _in, out) {
      const st = await backupState(ctx);
      out.print(st, showText(st));
      return EXIT.ok;
    },
  },
  {
    path: ['backup', 'set'],
    summary: 'change the backup schedule (options left out keep their value); reports "changed"',
    more: [
      '--destination is a directory under the appliance root or sftp://USER@HOST[:PORT]/PATH (the appliance key; the',
      "server's host key is pinned on first use, its fingerprint in the result). --passphrase-stdin reads the passphrase",
      'from standard input (with --encrypt yes; without it the stored one is kept).',
    ],
    options: {
      destination: { type: 'string', value: 'DEST', help: 'a directory, or sftp://USER@HOST[:PORT]/PATH; none: no destination (the schedule off)' },
      schedule: { type: 'string', value: 'off|daily|weekly', help: 'when backups run' },
      day: { type: 'string', value: 'mon..sun', help: 'the day of a weekly backup' },
      time: { type: 'string', value: 'HH:MM', help: 'the time of day (local)' },
      keep: { type: 'string', value: 'N', help: 'how many backups are kept (1-365)' },
      encrypt: { type: 'string', value: 'yes|no', help: 'encrypt the backups with a passphrase (gpg AES256)' },
      'passphrase-stdin': { type: 'boolean', help: 'read a new passphrase from standard input' },
      fingerprint: { type: 'string', value: 'SHA256:...', help: "pin the SFTP server's key only if it is this one" },
      repin: { type: 'boolean', help: "accept a new host key of the SFTP server (after checking its fingerprint)" },
    },
    covers: [backupSet],
    async run(ctx, input, out) {
      const o = input.opts;
      const cur = (await backupState(ctx)).backup;
      const pick = (name: string, rule: (s: string) => { ok: boolean }, fallback: string) => {
        const v = str(o[name]);
        return v === undefined ? fallback : check(rule as Parameters<typeof check>[0], v, `--${name}`);
      };
      const destination = pick('destination', backupDestination, cur.destination);
      // --destination none: no destination, so no schedule unless one is asked for (then refused)
      const schedule = pick('schedule', backupSchedule, destination === '' && str(o.destination) !== undefined ? 'off' : cur.schedule);
      const encrypt = pick('encrypt', backupEncrypt, cur.encrypt ? 'yes' : 'no');
      if (o['passphrase-stdin'] === true && encrypt !== 'yes') throw new UsageError('--passphrase-stdin goes with --encrypt yes', undefined, 'passphrase-stdin');
      const passphrase = o['passphrase-stdin'] === true ? await out.readSecret('backup passphrase') : '';
      const values = {
        schedule,
        encrypt,
        passphrase,
        destination,
        day: pick('day', backupDay, cur.day),
        time: pick('time', backupTime, cur.time),
        keep: pick('keep', backupKeep, String(cur.keep)),
        ...(str(o.fingerprint) ? { fingerprint: str(o.fingerprint)! } : {}),
        ...(o.repin === true ? { repin: 'yes' } : {}),
      };
      return report(out, await setSchedule(ctx, values, out.progress));
    },
  },
  {
    path: ['backup', 'now'],
    summary: 'back up every setting (secrets included, encrypted when a passphrase is set) to the destination now',
    covers: [backupNow],
    run: async (ctx, _in, out) => report(out, await backupNow.apply(ctx, {}, out.progress)),
  },
  {
    path: ['backup', 'list'],
    summary: 'the backups at the destination, newest first (id, time, size, encrypted)',
    covers: [backupList, backupSource],
    writes: false,
    async run(ctx, _in, out) {
      let l;
      try {
        l = await listBackups(ctx);
      } catch (e) {
        if (e instanceof BackupProblem) return failed(out, e);
        throw e;
      }
      const rows = [BACKUP_COLUMNS, ...backupRows(l)];
      const w = BACKUP_COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      out.print({ backups: l }, l.length ? rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()).join('\n') : 'No backup at the destination yet.');
      return EXIT.ok;
    },
  },
  {
    path: ['backup', 'restore'],
    args: 'ID',
    nargs: [1, 1],
    summary: 'restore the settings of backup ID: an import of it (--dry-run: only what it would change)',
    more: ['An encrypted backup is decrypted with the stored passphrase, or with --passphrase-stdin the one read from standard input.'],
    options: {
      'dry-run': { type: 'boolean', help: 'show what would change, change nothing' },
      'passphrase-stdin': { type: 'boolean', help: "read the backup's passphrase from standard input" },
    },
    covers: [backupRestore, backupDiff, backupHead, backupRestoreWith, backupEncrypted],
    async run(ctx, input, out) {
      const id = input.args[0]!;
      if (!ID.test(id)) throw new UsageError(`not a backup id (YYYYMMDDTHHMMSS.mmmZ, from confconsole backup list): ${visible(id)}`, undefined, 'id');
      const pass = input.opts['passphrase-stdin'] === true ? await out.readSecret('backup passphrase') : '';
      // an empty one is not "none given" (the script would then try the stored one and say there is none)
      if (input.opts['passphrase-stdin'] === true && pass === '') throw new UsageError('--passphrase-stdin: the passphrase given was empty (one line on standard input)', undefined, 'passphrase');
      let raw;
      try {
        raw = await fetchDocument(ctx, id, pass);
      } catch (e) {
        if (e instanceof BackupProblem) return failed(out, e);
        throw e;
      }
      // the import itself (the same checks, diff, order and results), from a private file
      const dir = await mkdtemp(join(tmpdir(), 'cc-restore-'));
      try {
        const file = join(dir, 'backup.json');
        await writeFile(file, JSON.stringify(raw), { mode: 0o600 });
        const [{ settingsCommands }, { settingsAreas }] = await Promise.all([import('../../settings/commands.js'), import('../settings.js')]);
        const imp = settingsCommands(settingsAreas).find((c) => c.path.join(' ') === 'import')!;
        return await imp.run(ctx, { args: [file], opts: { 'dry-run': input.opts['dry-run'] === true } }, out);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
];
