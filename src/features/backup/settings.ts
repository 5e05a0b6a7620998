// The backup schedule as an area of the settings document (issue 15): where, when, how many,
// whether encrypted, and the passphrase (a secret: only described without --secrets). Applied by
// the script of the menu's Change schedule (set_backup.sh), which pins an SFTP server's host key
// on first use.
import { z } from 'zod';
import { KEEP_MAX, backupDay, backupDestination, backupPassphrase, backupSchedule, backupTime } from '../../rules/backup.js';
import type { Validated } from '../../rules/validated.js';
import { area, ruled, secret, secretToSend, storedSecret } from '../../settings/area.js';
import { backupState, setSchedule } from './ops.js';

export const PASSPHRASE_FILE = '/etc/confconsole/secrets/backup_passphrase';

/** A string checked by `rule`, then in the rule's canonical form (so that what is in place compares equal). */
const canonical = (rule: (s: string) => Validated<string>) => ruled(rule).transform((v) => (rule(v) as { value: string }).value);

/**
 * `{schedule, day, time, keep, destination, encrypt, passphrase?}`: destination '' only while
 * none is set (then the schedule is off); an encrypted schedule needs its passphrase (or its
 * description, to keep the stored one).
 */
export const BackupSettings = z.lazy(() => z
  .strictObject({
    // choice values in any case, as the command line takes them (canonical: lower case)
    schedule: canonical(backupSchedule),
    day: canonical(backupDay),
    time: canonical(backupTime),
    keep: z.number().int().min(1, `keep is 1-${KEEP_MAX}`).max(KEEP_MAX, `keep is 1-${KEEP_MAX}`),
    destination: z.union([z.literal(''), canonical(backupDestination)]),
    encrypt: z.boolean(),
    passphrase: secret(backupPassphrase).optional(),
  })
  .superRefine((v, c) => {
    if (v.schedule !== 'off' && v.destination === '') c.addIssue({ code: 'custom', path: ['destination'], message: 'a schedule needs a destination' });
    if (v.encrypt && v.passphrase === undefined) c.addIssue({ code: 'custom', path: ['passphrase'], message: 'encrypted backups need the passphrase (or its description, to keep the stored one)' });
  }));

export const backupSettings = area({
  id: 'backup',
  title: 'Backup schedule',
  profiles: ['appliance', 'vsensor'],
  schema: BackupSettings,
  secrets: ['passphrase'],
  async read(ctx, secrets) {
    const { schedule, day, time, keep, destination, encrypt } = (await backupState(ctx)).backup;
    const passphrase = encrypt ? await storedSecret(ctx, PASSPHRASE_FILE, secrets) : undefined;
    return { schedule, day, time, keep, destination, encrypt, ...(passphrase !== undefined ? { passphrase } : {}) };
  },
  async apply(ctx, want, _have, io) {
    // a described (or absent) passphrase keeps the stored one: an empty line tells the script so
    const pass = want.encrypt ? await secretToSend(ctx, want.passphrase, PASSPHRASE_FILE) : '';
    if (want.encrypt && pass === undefined) return { ok: false, summary: 'There is no stored backup passphrase to keep: give the passphrase itself', field: 'passphrase', code: 2 };
    return setSchedule(
      ctx,
      { schedule: want.schedule, day: want.day, time: want.time, keep: String(want.keep), destination: want.destination, encrypt: want.encrypt ? 'yes' : 'no', passphrase: pass ?? '' },
      io,
    );
  },
});
