// History in the console (issue 15): Appliance Admin > 4 History lists the revisions at 80x24,
// a revision shows its diff, and Restore asks (starting on No) before it puts the settings back.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo.js';
import { revisionDiff, type Revision } from '../../src/features/history/index.js';
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
const ntp = (root: string, ...servers: string[]) => {
  const r = spawnSync(join(sbin, 'set_ntp.sh'), servers, { env: { ...process.env, CONFCONSOLE_ROOT: root, CONFCONSOLE_DEMO: '1' }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
};

/** The appliance console on `root` at 80x24, opened at Appliance Admin > 4 History. */
async function openHistory(root: string): Promise<Harness> {
  const x = await startConsole({ root, cols: 80, rows: 24, keysAtStart: KEYS.enter });
  await x.waitFor('Appliance Admin');
  await x.press('3', KEYS.enter);
  await x.waitFor('4. History');
  await x.press('4', KEYS.enter);
  return x;
}

describe('History menu', () => {
  it('a summary is whole on the line, or cut with "..." (never a shorter value that reads as another)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cc-ui-history-'));
    roots.push(root);
    await seedDemo(root, 'appliance');
    ntp(root, 'a.example');
    ntp(root, 'b.example');
    ntp(root, 'ntp1.example.org', 'ntp2.example.org', 'ntp3.example.org', 'ntp4.example.org');
    h = await openHistory(root);
    await h.waitFor('3 revision(s) kept');
    expect(h.lines().every((l) => l.length <= 80)).toBe(true);
    const row = (n: number) => h!.lines().find((l) => l.includes(`${n}. `) && l.includes(' ntp '))!.replace(/[│\s]+$/, '');
    expect(row(2)).toMatch(/servers: a\.example -> b\.example$/);
    // the newest first: revision 3 (four servers) and 1 (the seed's two pool servers) are longer: cut, marked
    expect(row(1)).toMatch(/servers: b\.example -> ntp1\.example\.org .*\.\.\.$/);
    expect(row(3)).toMatch(/servers: 0\.ubuntu\.pool\.ntp\.org 1\.ubuntu.*\.\.\.$/);
  });

  it('lists the revisions at 80x24, shows a diff, and restores after a Yes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cc-ui-history-'));
    roots.push(root);
    await seedDemo(root, 'appliance');
    ntp(root, '10.3.0.1');
    ntp(root, '10.3.0.2');
    h = await openHistory(root);
    await h.waitFor('2 revision(s) kept');
    const list = h.lines();
    expect(list.length).toBe(24);
    expect(list.every((l) => l.length <= 80)).toBe(true);
    expect(h.text()).toMatch(/1\. +2 .*ntp +servers: 10\.3\.0\.1 -> 10\.3\.0\.2/);
    expect(h.text()).toMatch(/2\. +1 .*ntp +servers: /);
    // the older revision: its diff
    await h.press('2', KEYS.enter);
    await h.waitFor('Revision 1');
    await h.press('1', KEYS.enter);
    await h.waitFor('-servers = "0.ubuntu.pool.ntp.org 1.ubuntu.pool.ntp.org"');
    for (let i = 0; i < 10 && !h.text().includes('+server 10.3.0.1 iburst'); i++) await h.press(KEYS.down);
    expect(h.text()).toContain('+server 10.3.0.1 iburst');
    await h.press(KEYS.esc);
    await h.waitFor('2. Restore');
    await h.press('2', KEYS.enter);
    await h.waitFor('Put these settings back?');
    expect(h.text()).toContain('after revision 1');
    await h.press(KEYS.left, KEYS.enter); // from No to Yes
    await h.waitFor('settings of revision 1 are back');
    expect(readFileSync(join(root, 'etc/chrony/chrony.conf'), 'utf8')).toContain('server 10.3.0.1 iburst');
  });

  it('colours the diff only when asked (a terminal without NO_COLOR)', () => {
    const r: Revision = {
      format: 1, id: 1, time: '2026-01-01T00:00:00Z', user: 'root', tty: 'none', from: null, script: 'set_ntp.sh', action: 'ntp.set', area: 'ntp', summary: 's', restored_from: null,
      files: [{ path: '/etc/x', secret: false, mode: '644', before: { text: 'a\nb\n' }, after: { text: 'a\nc\n' } }],
    };
    expect(revisionDiff(r, false)).not.toContain('\x1b');
    expect(revisionDiff(r, false)).toContain('-b\n+c');
    expect(revisionDiff(r, true)).toContain('\x1b[31m-b\x1b[0m');
  });
});
