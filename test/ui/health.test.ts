// Healthcheck on a headless 80x24 terminal, through the real script on demo roots: the rows
// come one by one while the slow checks run (a master that accepts and never answers keeps
// master_connectivity waiting, all_services is already there), then the result lists them all.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

// accepts TCP and never says a word: the HTTPS test waits for its timeout
let silent: Server;
let silentPort = 0;
const sockets = new Set<Socket>();
beforeAll(async () => {
  silent = createServer((s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
});

describe('Healthcheck screen (demo appliances)', () => {
  it('vSensor 4: rows appear as each check finishes, then every row with its details; OK returns to the menu', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await h.waitFor('Welcome');
    const ini = join(h.root, 'etc/confconsole/appliance.ini');
    writeFileSync(ini, readFileSync(ini, 'utf8') + `\n[master]\nmode = push-token\nhost = 127.0.0.1:${silentPort}\n`);
    await h.press(KEYS.enter);
    await h.waitFor('4. Healthcheck');
    await h.press('4', KEYS.enter);
    // progress: the fast row is shown while the master is still being asked
    await h.waitFor('all_services : [OK]', 20_000);
    // an Enter while it works (typed ahead, or on the Cancel button) does not cancel it: only Esc does
    await h.press(KEYS.enter);
    expect(h.text()).toContain('Healthcheck results');
    expect(h.text()).not.toContain('master_connectivity');
    // the result: the verdict, then the rows in the manual's order
    await h.waitFor('Healthcheck results: 2 errors', 40_000);
    const t = h.text();
    expect(t).toContain('master_connectivity : [ERROR]');
    expect(t).toContain('IP given is within 127.0.0.0/8 - Not a valid master');
    expect(t).toContain(`Connection to 127.0.0.1 ${silentPort} port [tcp/*] succeeded!`);
    expect(t.indexOf('all_services : [OK]')).toBeLessThan(t.indexOf('master_connectivity : [ERROR]'));
    expect(t.indexOf('master_connectivity : [ERROR]')).toBeLessThan(t.indexOf('incoming_data : [OK]'));
    // the demo's traffic, as its Interface stats shows it (one profile: demo-traffic.json)
    expect(t).toContain('Incoming packets seen on device eth1');
    expect(h.lines().every((l) => l.length <= 80)).toBe(true);
    // the rest of the rows are further down in the same dialog
    await h.press(KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.down);
    await h.waitFor('apparmor : [OK]');
    await h.press(KEYS.enter);
    await h.waitFor('4. Healthcheck');
  }, 90_000);

  it('appliance 2: its own rows, no master or osSensor rows', async () => {
    h = await startConsole({ profile: 'appliance' });
    await h.waitFor('Welcome');
    await h.press(KEYS.enter);
    await h.waitFor('2. Healthcheck');
    await h.press('2', KEYS.enter);
    await h.waitFor(/Healthcheck results: 1 error/, 40_000);
    const t = h.text();
    for (const r of ['all_services : [OK]', 'incoming_data : [OK]', 'last_software_update : [ERROR]', 'apparmor : [OK]']) expect(t).toContain(r);
    expect(t).not.toContain('master_connectivity');
    expect(t).not.toContain('ossensor');
  }, 90_000);
});
