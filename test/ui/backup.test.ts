// Backups in the console (issue 15): Appliance Admin > 5 Backups shows the last backup's time
// and result at 80x24 (a golden screen), the schedule form writes the timer through
// set_backup.sh, Back up now stores a backup, List backups shows it, and Restore shows the
// import's changes in its question and applies them after a Yes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seedDemo } from '../../src/demo.js';
import { removeTree } from '../support/cleanup.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
const roots: string[] = [];
afterEach(() => {
  h?.close();
  h = undefined;
  for (const r of roots.splice(0)) removeTree(r);
});
const sbin = join(import.meta.dirname, '../../sbin');
const GOLDEN = join(import.meta.dirname, 'golden/xterm-256color/backups-menu.txt');

async function demoRoot(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'cc-ui-backup-'));
  roots.push(root);
  await seedDemo(root, 'appliance');
  return root;
}

async function openBackups(root: string): Promise<Harness> {
  const x = await startConsole({ root, cols: 80, rows: 24, keysAtStart: KEYS.enter });
  await x.waitFor('Appliance Admin');
  await x.press('3', KEYS.enter);
  await x.waitFor('5. Backups');
  await x.press('5', KEYS.enter);
  await x.waitFor('Last backup:');
  return x;
}

describe('Backups menu', () => {
  it('shows the last backup (time, result) above its items at 80x24 (golden)', async () => {
    const root = await demoRoot();
    // a fixed last result, so the screen is the same at every run
    mkdirSync(join(root, 'var/lib/confconsole'), { recursive: true });
    writeFileSync(
      join(root, 'var/lib/confconsole/backup-state.json'),
      JSON.stringify({ time: '2026-11-30T02:00:04Z', ok: false, cause: 'sftp could not store it on backup.example.com: Connection refused', id: '20261130T020001.000Z', name: 'x', size: 0, encrypted: false, pruned: 0, destination: 'sftp://bk@backup.example.com/srv/cc' }) + '\n',
    );
    h = await openBackups(root);
    await h.waitFor('5. Restore from a backup');
    const lines = h.lines();
    expect(lines.length).toBe(24);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(h.text()).toMatch(/Last backup: 2026-11-30 02:00 UTC, FAILED: sftp could not store it/);
    // each line without its trailing blanks, as golden.test.ts: an erased cell and a written space look the same
    const got = lines.map((l) => l.trimEnd()).join('\n').replace(/cc-ui-backup-\w{6}/g, 'cc-ui-backup-XXXXXX').trimEnd() + '\n';
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) writeFileSync(GOLDEN, got);
    expect(got).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('with no destination set, Back up now, List and Restore point to Change schedule (not a command line), writing nothing', async () => {
    const root = await demoRoot();
    h = await openBackups(root);
    // the dialog's text as one line (a message wraps at the dialog's width)
    const said = async () => {
      await h!.waitFor('No backup destination is set');
      expect(h!.text().replace(/[\s│]+/g, ' ')).toContain('No backup destination is set: choose one in 2. Change schedule first.');
    };
    // Back up now: said before the question (there is nothing to confirm)
    await h.press('3', KEYS.enter);
    await said();
    expect(h.text()).not.toContain('Back up the settings now?');
    await h.press(KEYS.enter);
    await h.waitFor('5. Restore from a backup');
    // List backups
    await h.press('4', KEYS.enter);
    await said();
    await h.press(KEYS.enter);
    await h.waitFor('5. Restore from a backup');
    // Restore from a backup: said once, without the prefix said twice
    await h.press('5', KEYS.enter);
    await said();
    for (const t of ['confconsole backup set', '--destination', 'Cannot list the backups']) expect(h.text()).not.toContain(t);
    expect(readdirSync(join(root, 'var/backups/confconsole'))).toEqual([]);
    expect(existsSync(join(root, 'var/lib/confconsole/backup-state.json'))).toBe(false);
  }, 60_000);

  it("a field's error goes once its value is corrected and the field left, before the next OK", async () => {
    const root = await demoRoot();
    h = await openBackups(root);
    await h.press('2', KEYS.enter);
    await h.waitFor('Destination (a directory, or sftp://');
    await h.press(KEYS.ctrlU);
    await h.type('/var/backups/ui');
    await h.press(KEYS.tab, KEYS.right); // daily
    await h.waitFor('Time (HH:MM)');
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('25:00');
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('abc');
    await h.press(KEYS.enter, KEYS.enter); // Keep, then Encrypt (the last in play): OK
    await h.waitFor('"25:00" is not a time of day');
    await h.waitFor('keep takes a whole number');
    // the focus is on Time (the first in error): corrected, then left with Tab
    await h.press(KEYS.ctrlU);
    await h.type('04:05');
    await h.press(KEYS.tab);
    await vi.waitFor(() => expect(h!.text()).not.toContain('is not a time of day'), { timeout: 15_000 });
    expect(h.text()).toContain('keep takes a whole number'); // Keep is still to correct
    // Keep changed but still refused: its error stays until OK; corrected: it goes
    await h.press(KEYS.ctrlU);
    await h.type('999');
    await h.press(KEYS.tab);
    expect(h.text()).toContain('keep takes a whole number');
    await h.press(KEYS.btab, KEYS.ctrlU);
    await h.type('5');
    await h.press(KEYS.tab);
    await vi.waitFor(() => expect(h!.text()).not.toContain('keep takes a whole number'), { timeout: 15_000 });
  }, 120_000);

  it('saves a schedule, backs up now, lists it, and restores it after a review', async () => {
    const root = await demoRoot();
    h = await openBackups(root);
    expect(h.text()).toContain('Last backup: none yet.');
    // Change schedule: destination, weekly on Thu at 04:30, keep 5
    await h.press('2', KEYS.enter);
    await h.waitFor('Destination (a directory, or sftp://');
    await h.press(KEYS.ctrlU);
    await h.type('/var/backups/ui');
    await h.press(KEYS.tab, KEYS.right, KEYS.right); // weekly
    await h.waitFor('Day of the week');
    await h.press(KEYS.tab, 't', 't'); // t: Tue, again: Thu (the next day it starts)
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('4:30');
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('5');
    await h.press(KEYS.enter, KEYS.enter, KEYS.enter);
    await h.waitFor('Save this backup schedule?', 60_000);
    expect(h.text()).toContain('Time: 02:00 -> 04:30');
    expect(h.text()).toContain('Day: sun -> thu');
    await h.press('y');
    await h.waitFor('Backup schedule saved.');
    expect(readFileSync(join(root, 'etc/systemd/system/confconsole-backup.timer'), 'utf8')).toContain('OnCalendar=Thu *-*-* 04:30:00');
    await h.press(KEYS.enter);
    await h.waitFor('weekly on Thu at 04:30');
    // Back up now
    await h.press('3', KEYS.enter);
    await h.waitFor('Back up the settings now?');
    await h.press('y');
    await h.waitFor(/Backup \d{8}T\d{6}\.\d{3}Z stored/, 60_000);
    const files = readdirSync(join(root, 'var/backups/ui'));
    expect(files).toHaveLength(1);
    const id = /confconsole-backup-(.*)\.yaml$/.exec(files[0]!)![1]!;
    await h.press(KEYS.enter);
    await h.waitFor(/Last backup: .*, ok, \d+ bytes/);
    // List backups: a table with it
    await h.press('4', KEYS.enter);
    await h.waitFor('1 backup(s), newest first.');
    expect(h.text()).toContain(id);
    await h.press(KEYS.esc);
    // a change after the backup, then Restore: the question names it, Yes puts it back
    const r = spawnSync(join(sbin, 'set_ntp.sh'), ['10.9.0.1'], { env: { ...process.env, CONFCONSOLE_ROOT: root, CONFCONSOLE_DEMO: '1' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    await h.waitFor('5. Restore from a backup');
    await h.press('5', KEYS.enter);
    await h.waitFor(/1\. 20\d\d-/);
    await h.press('1', KEYS.enter);
    await h.waitFor(`Backup ${id}`, 60_000);
    await h.press('2', KEYS.enter);
    await h.waitFor('Restore these settings?', 60_000);
    expect(h.text()).toContain('ntp.servers: 10.9.0.1 -> 0.ubuntu.pool.ntp.org 1.ubuntu.pool.ntp.org');
    await h.press(KEYS.left, KEYS.enter); // from No to Yes
    await h.waitFor(`The settings of backup ${id} are back`, 60_000);
    expect(readFileSync(join(root, 'etc/chrony/chrony.conf'), 'utf8')).not.toContain('10.9.0.1');
  }, 180_000);

  it.each([
    ['the passphrase was changed since', ['--encrypt', 'yes', '--passphrase-stdin'], 'another passphrase 2\n'],
    ['encryption was turned off since (the passphrase forgotten)', ['--encrypt', 'no'], ''],
  ])('an encrypted backup restores with its passphrase typed when %s; a wrong one is said at the field', async (_what, change, input) => {
    const root = await demoRoot();
    const env = { ...process.env, CONFCONSOLE_ROOT: root, CONFCONSOLE_DEMO: '1' };
    const cli = (args: string[], stdin = '') => spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/confconsole'), '--demo', '--root', root, ...args], { input: stdin, encoding: 'utf8' });
    expect(cli(['backup', 'set', '--destination', '/srv/enc', '--encrypt', 'yes', '--passphrase-stdin'], 'first passphrase 1\n').status).toBe(0);
    expect(cli(['backup', 'now']).status).toBe(0);
    expect(cli(['backup', 'set', ...change], input).status).toBe(0);
    expect(spawnSync(join(sbin, 'set_ntp.sh'), ['10.9.0.2'], { env, encoding: 'utf8' }).status).toBe(0);
    h = await openBackups(root);
    await h.press('5', KEYS.enter);
    await h.waitFor(/1\. 20\d\d-.*encrypted/);
    await h.press('1', KEYS.enter);
    await h.waitFor('3. Restore with its passphrase', 60_000);
    // Restore with the stored passphrase (or none): it says so and names the item that asks
    await h.press('2', KEYS.enter);
    await h.waitFor('Choose "Restore with its passphrase"', 60_000);
    await h.press(KEYS.enter);
    await h.waitFor('3. Restore with its passphrase');
    await h.press('3', KEYS.enter);
    await h.waitFor("The backup's passphrase");
    await h.type('not the passphrase');
    await h.press(KEYS.enter);
    await h.waitFor('the passphrase does not decrypt', 60_000);
    expect(h.text()).not.toContain('not the passphrase'); // masked
    await h.press(KEYS.ctrlU);
    await h.type('first passphrase 1');
    await h.press(KEYS.enter);
    await h.waitFor('Restore these settings?', 60_000);
    expect(h.text()).toContain('ntp.servers');
    expect(h.text()).toContain('current: 10.9.0.2');
    await h.press('y');
    await h.waitFor(/are back/, 60_000);
    expect(readFileSync(join(root, 'etc/chrony/chrony.conf'), 'utf8')).not.toContain('10.9.0.2');
    // again, with the right passphrase: nothing to restore is the result's, not the passphrase's
    await h.press(KEYS.enter);
    await h.waitFor('3. Restore with its passphrase');
    await h.press('3', KEYS.enter);
    await h.waitFor("The backup's passphrase");
    await h.type('first passphrase 1');
    await h.press(KEYS.enter);
    await h.waitFor('Nothing to restore', 60_000);
    expect(h.text()).not.toContain("The backup's passphrase");
  }, 180_000);
});
