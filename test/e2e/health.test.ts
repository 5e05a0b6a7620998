// End to end in a real terminal (tmux, 80x24) on demo roots: Healthcheck from the vSensor's main
// menu (4) and the appliance's (2), through the real script; and `confconsole health --json` on
// the same root gives the same rows, typed, with exit 5 (a row is an error).
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { bin, consoles } from './support.js';

const why = missing('e2e: Healthcheck', ['tmux']);

describe.skipIf(why !== undefined)('e2e: Healthcheck menu item', () => {
  const open = consoles();
  afterEach(() => open.closeAll());

  it('vSensor: Main Menu > 4 Healthcheck shows every row; OK returns; the command says the same rows', async () => {
    const c = open.open();
    await c.start({ args: ['--profile', 'vsensor'] });
    c.keys('Enter');
    await c.waitFor('4. Healthcheck');
    c.keys('4', 'Enter');
    const s = await c.waitFor(/Healthcheck results: \d+ error/, 60_000);
    // the demo's capture port carries the demo traffic profile (sbin/lib/demo-traffic.json): packets seen
    for (const r of ['all_services : [OK]', 'master_connectivity : [ERROR]', 'No master configured - set it in Setup > Master', 'incoming_data : [OK]', 'last_software_update : [ERROR]'])
      expect(s).toContain(r);
    c.keys('Enter');
    await c.waitFor('4. Healthcheck');
    const cmd = spawnSync('node', [bin, '--root', c.root, 'health', '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(cmd.status).toBe(5);
    const res = JSON.parse(cmd.stdout) as { rows: { name: string; level: string }[] };
    expect(res.rows.map((r) => r.name)).toEqual(['all_services', 'master_connectivity', 'incoming_data', 'last_software_update', 'ossensor_registered', 'ossensor_count', 'apparmor']);
  }, 120_000);

  it('appliance: Console Setup > 2 Healthcheck shows the appliance rows', async () => {
    const c = open.open();
    await c.start();
    c.keys('Enter');
    await c.waitFor('2. Healthcheck');
    c.keys('2', 'Enter');
    const s = await c.waitFor(/Healthcheck results: 1 error(?!,)/, 60_000);
    for (const r of ['all_services : [OK]', 'incoming_data : [OK]', 'last_software_update : [ERROR]', 'apparmor : [OK]']) expect(s).toContain(r);
    expect(s).not.toContain('master_connectivity');
    c.keys('Enter');
    await c.waitFor('2. Healthcheck');
  }, 120_000);
});
