// Backups (issue 15): the rules of the schedule, the Change schedule form (which fields are in
// play, what set_backup.sh gets, the SFTP host key confirmed in the review), the schedule as a
// settings area, and how the menu says the last result.
import { describe, expect, it } from 'vitest';
import { backupItem } from '../../src/features/backup/index.js';
import { lastText, scheduleFields, scheduleText, setArgs } from '../../src/features/backup/ops.js';
import { BackupSettings } from '../../src/features/backup/settings.js';
import { validateFields } from '../../src/flow/fields.js';
import { init } from '../../src/flow/model.js';
import { view } from '../../src/flow/view.js';
import type { FormFlow } from '../../src/menu/types.js';
import { backupDay, backupDestination, backupKeep, backupPassphrase, backupTime } from '../../src/rules/backup.js';
import { drive } from '../support/drive.js';
import { flowItem, tinyTree } from '../support/fakes.js';

const val = (r: { ok: boolean; value?: string }) => (r.ok ? r.value : 'BAD');

describe('backup rules', () => {
  it('time of day: HH:MM, 00:00-23:59, H:MM padded', () => {
    expect(['2:00', '02:00', '23:59', '24:00', '12:60', '1200', ' 7:05 '].map((s) => val(backupTime(s)))).toEqual(['02:00', '02:00', '23:59', 'BAD', 'BAD', 'BAD', '07:05']);
  });
  it('keep: 1-365, decimal', () => {
    expect(['1', '007', '365', '0', '366', '-3', 'seven'].map((s) => val(backupKeep(s)))).toEqual(['1', '7', '365', 'BAD', 'BAD', 'BAD', 'BAD']);
  });
  it('day: mon..sun in any case', () => {
    expect(['Mon', 'sun', 'FRI', 'monday', ''].map((s) => val(backupDay(s)))).toEqual(['mon', 'sun', 'fri', 'BAD', 'BAD']);
  });
  it('destination: a directory (canonical), or sftp://USER@HOST[:PORT]/PATH (host lower case, :22 left out)', () => {
    expect(val(backupDestination('/var//backups/cc/'))).toBe('/var/backups/cc');
    expect(val(backupDestination('sftp://bk@Backup.Example.com:22/srv/cc'))).toBe('sftp://bk@backup.example.com/srv/cc');
    expect(val(backupDestination('sftp://bk@[2001:DB8::7]:2222/srv'))).toBe('sftp://bk@[2001:db8::7]:2222/srv');
    for (const bad of ['/', 'var/backups', '/var/../etc', '/var/back ups', '/proc/x', 'sftp://bk@h', 'sftp://BK@h/x', 'sftp://bk@224.0.0.1/x', 'sftp://bk@h:0/x', 'ftp://bk@h/x', "sftp://bk@h/x';rm"])
      expect(backupDestination(bad).ok, bad).toBe(false);
    const r = backupDestination('sftp://bk@h:99999/x');
    expect(r.ok ? '' : r.message).toContain('SFTP port');
  });
  it('passphrase: 8-256 bytes of printable text', () => {
    expect([backupPassphrase('1234567').ok, backupPassphrase('12345678').ok, backupPassphrase('a\tbcdefgh').ok, backupPassphrase('é'.repeat(128)).ok, backupPassphrase('é'.repeat(129)).ok]).toEqual([false, true, false, true, false]);
  });
});

describe('the Change schedule form', () => {
  const base = { destination: '/var/backups/cc', schedule: 'weekly', day: 'tue', time: '4:30', keep: '5', encrypt: 'no' };
  it('asks the day only for a weekly schedule and the time only when one runs; their values go to the script', () => {
    const weekly = validateFields(scheduleFields, base);
    expect(weekly).toMatchObject({ ok: true, values: { day: 'tue', time: '04:30' } });
    expect(setArgs((weekly as { values: Record<string, string> }).values)).toEqual(['--schedule', 'weekly', '--keep', '5', '--destination', '/var/backups/cc', '--encrypt', 'no', '--day', 'tue', '--time', '04:30']);
    const off = validateFields(scheduleFields, { ...base, schedule: 'off', time: 'nonsense' });
    expect(off.ok && off.values).not.toHaveProperty('time');
    const daily = validateFields(scheduleFields, { ...base, schedule: 'daily' });
    expect(daily.ok && daily.values).not.toHaveProperty('day');
  });
  it('names the field in error: destination, time, keep, the passphrase typed twice', () => {
    expect(validateFields(scheduleFields, { ...base, destination: 'backups' })).toMatchObject({ ok: false, errors: { destination: expect.stringContaining('directory') } });
    expect(validateFields(scheduleFields, { ...base, time: '25:00', keep: '0' })).toMatchObject({ ok: false, errors: { time: expect.any(String), keep: expect.any(String) } });
    expect(validateFields(scheduleFields, { ...base, encrypt: 'yes', passphrase: 'long enough one', passphrase2: 'long enough on' })).toMatchObject({ ok: false, errors: { passphrase2: expect.stringContaining('differ') } });
    expect(validateFields(scheduleFields, { ...base, encrypt: 'yes', passphrase: 'short', passphrase2: 'short' })).toMatchObject({ ok: false, errors: { passphrase: expect.stringContaining('8-256') } });
    // empty keeps the stored passphrase
    expect(validateFields(scheduleFields, { ...base, encrypt: 'yes', passphrase: '', passphrase2: '' }).ok).toBe(true);
  });
  it('shows the SFTP server key in the review, and applies with the fingerprint confirmed there', () => {
    const flow = backupItem('5').menu!.items.find((i) => i.label === 'Change schedule')!.flow as FormFlow;
    const t = tinyTree([flowItem('1', 'Change schedule', flow)]);
    let r = drive(init(t), { type: 'ok' });
    expect(r.effects).toEqual([{ type: 'read', op: flow.op, context: {} }]);
    r = drive(r.m, { type: 'loaded', values: { destination: '', schedule: 'off', day: 'sun', time: '02:00', keep: '7', encrypt: 'no', passphrase: '', passphrase2: '' } });
    const typed = { ...base, destination: 'sftp://bk@192.0.2.30/srv/cc' };
    r = drive(r.m, { type: 'submit', values: typed });
    expect(r.effects).toMatchObject([{ type: 'check', values: { destination: 'sftp://bk@192.0.2.30/srv/cc', time: '04:30' } }]);
    const fp = 'SHA256:' + 'A'.repeat(43);
    r = drive(r.m, { type: 'checked', errors: {}, warnings: [`The SFTP server's host key is ${fp}: compare it`], found: { fingerprint: fp }, review: [{ label: 'SFTP host key', old: '', new: fp }] });
    expect(view(r.m)).toMatchObject({ kind: 'review', warnings: [expect.stringContaining(fp)], rows: expect.arrayContaining([{ label: 'SFTP host key', old: '', new: fp }]) });
    r = drive(r.m, { type: 'yes' });
    const apply = r.effects.find((e) => e.type === 'apply') as { values: Record<string, string> } | undefined;
    expect(apply?.values).toMatchObject({ fingerprint: fp, destination: 'sftp://bk@192.0.2.30/srv/cc' });
    expect(setArgs(apply!.values)).toEqual(expect.arrayContaining(['--fingerprint', fp]));
  });
});

describe('the schedule as a settings area', () => {
  const ok = { schedule: 'daily', day: 'sun', time: '2:00', keep: 7, destination: '/var/backups//cc', encrypt: false };
  it('takes the values in the forms the rules accept and gives them canonical', () => {
    expect(BackupSettings.parse(ok)).toMatchObject({ time: '02:00', destination: '/var/backups/cc' });
    expect(BackupSettings.parse({ ...ok, encrypt: true, passphrase: { secret: 'omitted', length: 12, sha256: '0123abcd' } }).encrypt).toBe(true);
  });
  it.each([
    [{ ...ok, destination: '' }, 'destination'],
    [{ ...ok, encrypt: true }, 'passphrase'],
    [{ ...ok, keep: 0 }, 'keep'],
    [{ ...ok, time: '24:00' }, 'time'],
    [{ ...ok, day: 'someday' }, 'day'],
    [{ ...ok, extra: 1 }, ''],
  ])('refuses %j at %s', (doc, path) => {
    const r = BackupSettings.safeParse(doc);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('what the menu says', () => {
  it('the last result: ok with its size, or FAILED with its cause; the schedule in one line', () => {
    expect(lastText(null)).toBe('Last backup: none yet.');
    const last = { time: '2026-11-30T02:00:04Z', ok: true, cause: '', id: 'x', name: 'n', size: 4321, encrypted: true, pruned: 0, destination: '/var/backups/cc' };
    expect(lastText(last)).toBe('Last backup: 2026-11-30 02:00 UTC, ok, 4321 bytes, encrypted, to /var/backups/cc.');
    expect(lastText({ ...last, ok: false, cause: 'sftp: \x1b[2Jrefused' })).toBe('Last backup: 2026-11-30 02:00 UTC, FAILED: sftp: \\e[2Jrefused');
    expect(scheduleText({ schedule: 'weekly', day: 'tue', time: '04:30', keep: 5, destination: '/x', encrypt: false })).toBe('Scheduled backups: weekly on Tue at 04:30; keep 5; to /x.');
  });
});
