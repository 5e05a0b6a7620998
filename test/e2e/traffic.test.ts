// End to end in a real terminal (tmux, 80x24) on TERM=linux and xterm-256color, demo
// appliance: Count active devices counts up live and Esc ends the reader at once (no process
// left), the hosts listed; Interface stats draws its chart (braille where Unicode is shown,
// ASCII on the Linux console) and keeps refreshing.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { consoles } from './support.js';

const why = missing('e2e', ['tmux']);
const c = consoles();
const waitUntil = async (ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
};
afterEach(() => c.closeAll());

/** Processes of this console's capture count (count_devices.sh and its reader): their environment names its root. */
function readers(root: string): number[] {
  const mine: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('count_devices') && readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`CONFCONSOLE_ROOT=${root}`)) mine.push(Number(pid));
    } catch {
      /* gone meanwhile */
    }
  }
  return mine;
}

describe.skipIf(why !== undefined).each(['linux', 'xterm-256color'])('traffic screens on TERM=%s', (term) => {
  it('Count active devices: the count rises live; Esc stops the reader and lists the hosts', async () => {
    const con = await c.open().start({ term, env: { LANG: 'C.UTF-8' } });
    con.keys('Enter');
    await con.waitFor('Console Setup');
    con.keys('1', 'Enter');
    await con.waitFor('2. Count active devices');
    con.keys('2', 'Enter');
    await con.waitFor('Seconds to listen');
    con.keys('Enter', 'Enter');
    const first = Number(/Active devices: (\d+)/.exec(await con.waitFor(/Active devices: [1-9]/))?.[1]);
    const later = Number(/Active devices: (\d+)/.exec(await con.waitFor(new RegExp(`Active devices: (?!${first}\\b)\\d+`)))?.[1]);
    expect(later).toBeGreaterThan(first);
    con.keys('Escape');
    const result = await con.waitFor('< OK >');
    expect(result).toMatch(/stopped/);
    expect(result).toMatch(/10\.0\.\d+\.\d+ +52:54:00:/);
    for (const l of result.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    // the reader (python, replaying the demo's capture) is gone with the window
    await waitUntil(() => readers(con.root).length === 0, 3000);
    expect(readers(con.root)).toEqual([]);
    // the manual: "Choose OK to return"
    con.keys('Enter');
    await con.waitFor('4. NTP Settings');
  }, 90_000);

  it('Interface stats: the chart of the capture port, refreshed every second', async () => {
    const con = await c.open().start({ term, env: { LANG: 'C.UTF-8' } });
    con.keys('Enter');
    await con.waitFor('Console Setup');
    con.keys('1', 'Enter');
    await con.waitFor('3. Interface stats');
    con.keys('3', 'Enter');
    const s = await con.waitFor(/eth1\* +\d/);
    expect(s).toMatch(/eth1 receive rate/);
    // two different readings of the capture port's rate: it refreshes by itself
    const rate = (t: string) => /eth1\* +(\S+ \S+)/.exec(t)?.[1];
    const a = rate(s) ?? '';
    await con.waitFor(new RegExp(`eth1\\* +(?!${a.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} )\\d`));
    const screen = term === 'linux' ? await con.waitFor(/\+-{20,}/) : await con.waitFor(/[\u2801-\u28ff]/);
    if (term === 'linux') expect(screen).not.toMatch(/[\u2801-\u28ff]/);
    for (const l of screen.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    con.keys('Escape');
    await con.waitFor('4. NTP Settings');
  }, 90_000);
});
