// End to end: the operator's keys in a real terminal (tmux, 80x24) on the demo appliance —
// keys sent all at once (type-ahead) land where they would have one by one, Ctrl+C asks before
// leaving even over a change waiting for confirmation, and the audit log is read to the end of
// a long line.
import { afterEach, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { consoles, expectFocus, type Console } from './support.js';

const why = missing('e2e', ['tmux']);

describe.skipIf(why !== undefined)("e2e: the operator's keys", () => {
  const open = consoles();
  const opened: Console[] = [];
  afterEach(() => {
    for (const c of opened.splice(0)) {
      try {
        const p = c.fileOr('var/lib/confconsole/net-pending.json', 'null').trim();
        if (p !== '' && p !== 'null') c.cli('network', 'rollback');
      } catch {
        /* the root is gone */
      }
    }
    open.closeAll();
  });
  const start = async () => {
    const c = open.open();
    opened.push(c);
    return c.start();
  };

  it('type-ahead: the way to an interface, sent in one go, ends on its menu (keys typed while its list was read are kept)', async () => {
    const c = await start();
    c.keys('Enter', '1', 'Enter', '1', 'Enter', '2', 'Enter');
    const s = await c.menu('Interface eth1');
    expect(s).toContain('1. Change configuration');
  });

  it('type-ahead: the NTP form, its value and Enter sent with the way there, reach the test question', async () => {
    const c = await start();
    c.keys('Enter', '1', 'Enter', '4', 'Enter', '2', 'Enter', 'y', 'C-u');
    c.type('time1.example.com');
    c.keys('Enter');
    await c.waitFor('Do you want to test that the appliance can reach these NTP servers?');
    c.keys('n');
    const review = await c.waitFor('Review the change');
    expect(review).toMatch(/new:\s+time1\.example\.com/);
  });

  it('Ctrl+C over a change waiting for confirmation: the question says it rolls back by itself; No gives the countdown back', async () => {
    const c = await start();
    c.keys('Enter', '1', 'Enter', '1', 'Enter', '1', 'Enter', '1', 'Enter');
    await c.waitFor('Do you want to change the current network settings of eth0?');
    c.keys('Enter', 'Tab', 'C-u');
    c.type('10.0.0.77');
    await c.waitFor('10.0.0.77');
    c.keys('Enter', 'Enter', 'Enter', 'Enter', 'Enter'); // address, mask, gateway, DNS, domain: submitted
    await c.waitFor('Apply these settings to eth0?');
    c.keys('y');
    await c.waitFor(/Time left to confirm: \d+ s/, 30_000);
    c.keys('C-c');
    const q = await c.waitFor('Leave the Appliance Console?');
    expect(q.replace(/[\s│]+/g, ' ')).toContain('rolls back by itself unless it is confirmed');
    await expectFocus(c, '< Yes >');
    c.keys('n');
    await c.waitFor(/Time left to confirm: \d+ s/);
    c.keys('y');
    await c.waitFor('Confirmed: the new network settings stay.', 30_000);
    c.keys('C-c');
    await c.waitFor('Leave the Appliance Console?');
    c.keys('C-c');
    expect(await c.exitCode()).toBe(130);
  });

  it('the audit log viewer: a long entry is cut at first, Right shows its end, w wraps it', async () => {
    const c = await start();
    const servers = Array.from({ length: 6 }, (_, i) => `ntp${i + 1}.far-away-servers.example.org`);
    const r = c.cli('ntp', 'set', ...servers);
    expect(r.status, r.stderr).toBe(0);
    c.keys('Enter', '3', 'Enter');
    const admin = await c.waitFor(/(\d+)\. View audit log/);
    const key = /(\d+)\. View audit log/.exec(admin)?.[1] ?? '9';
    c.keys(key, 'Enter');
    const first = await c.waitFor(/ntp\.set[\s\S]*columns 1-72 \(Right: more, w: wrap\)/);
    expect(first).not.toContain('ntp6.far-away');
    // Right, one step at a time (each waits for the new columns), until the entry's end shows
    for (let i = 0; i < 10 && !c.screen().includes('ntp6.far-away-servers.example.org'); i++) {
      const where = /columns \d+-\d+/.exec(c.screen())?.[0] ?? '';
      c.keys('Right');
      await c.waitGone(where);
    }
    expect(c.screen()).toContain('ntp6.far-away-servers.example.org');
    c.keys('w');
    await c.waitFor('long lines wrapped');
    c.keys('q');
    await c.waitFor(/\d+\. View audit log/);
  });
});
