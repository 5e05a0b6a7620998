// The manual's "Upgrading a vSensor" (ch. 7) in a real terminal: Updates > UpdateKey, the key
// entered (masked) and accepted by a loopback repository made in the test, then Upgrade from
// 1.0 to 2.0 into the test's appliance root, and "restart the confconsole" at the end.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { configureRoot, makeRepo, PKG, type Repo } from '../system/updates-fixture.js';
import { consoles } from './support.js';

const why = missing('e2e: Updates against a loopback package repository', ['tmux', 'root', 'apt-get', 'dpkg-deb', 'dpkg-scanpackages', 'gpg', 'openssl', 'tinyproxy']);

describe.skipIf(why !== undefined)('e2e: vSensor Updates > UpdateKey, then Upgrade', () => {
  let repo: Repo;
  let root = '';
  beforeAll(async () => {
    repo = await makeRepo();
    repo.publish('1.0');
    root = mkdtempSync(join(tmpdir(), 'cce2e-upd-'));
    mkdirSync(join(root, 'etc/confconsole'), { recursive: true });
    writeFileSync(join(root, 'etc/confconsole/appliance.ini'), '[appliance]\nprofile = vsensor\n');
    // a vSensor set up already (its first boot done): the console opens on the Welcome
    mkdirSync(join(root, 'var/lib/confconsole'), { recursive: true });
    writeFileSync(join(root, 'var/lib/confconsole/firstboot.done'), 'done by the test\n');
    configureRoot(root, repo);
  }, 60_000);
  afterAll(async () => {
    await repo?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });
  const open = consoles();
  afterEach(() => open.closeAll());

  it('the key is accepted and the first installation runs from UpdateKey; Upgrade takes 1.0 to 2.0 and says to restart the confconsole', async () => {
    const c = open.open(root);
    await c.start({ demo: false, args: ['--profile', 'vsensor'] });
    c.keys('Enter');
    await c.menu('Main Menu');
    c.keys('3', 'Enter');
    await c.waitFor('Update key: not set');
    c.keys('1', 'Enter');
    await c.waitFor('Update key (as support gave it)');
    c.type(repo.key);
    c.keys('Tab');
    c.type(repo.key);
    expect(c.screen()).not.toContain(repo.key);
    c.keys('Enter', 'Enter'); // on to "Install the vSensor packages now" (Yes), the last field: submitted
    await c.waitFor('Set the update key and check it with the repository?');
    c.keys('y');
    await c.waitFor(`Installed: ${PKG} (new) -> 1.0`, 90_000);
    expect(c.screen()).not.toContain(repo.key);
    c.keys('Enter');
    await c.waitFor(`vSensor packages: ${PKG} 1.0`);

    repo.publish('2.0');
    c.keys('2', 'Enter');
    await c.waitFor(`Upgrade the vSensor packages (${PKG} 1.0)`);
    c.keys('y');
    await c.waitFor('Restart the confconsole now', 90_000);
    expect(c.screen()).toContain(`Upgraded: ${PKG} 1.0 -> 2.0`);
    expect(readFileSync(join(root, 'usr/share', PKG, 'version'), 'utf8')).toBe('2.0\n');
    c.keys('Enter');
    await c.waitFor(`vSensor packages: ${PKG} 2.0`);
  }, 240_000);
});
