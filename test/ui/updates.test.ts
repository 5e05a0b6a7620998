// Updates on a headless terminal (issue 13): the update key typed masked and never shown, the
// demo's honest answer, and — against the loopback repository the system tests make — a
// refused key, the first installation from UpdateKey, an upgrade whose download is cancelled
// with Esc, then one that runs to its end with progress and says to restart the confconsole.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, startConsole, type Harness } from '../support/headless.js';
import { missing } from '../support/requires.js';
import { configureRoot, makeRepo, PKG, type Repo } from '../system/updates-fixture.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const KEY = 'Demo-Update-Key-0123';

/** The screen's words on one line (a dialog wraps and frames them). */
const flat = (x: Harness) => x.text().replace(/[│\s]+/g, ' ');
/** Until the progress dialog is gone (its log lines say what the result will say too). */
async function done(x: Harness, ms = 60_000) {
  const end = Date.now() + ms;
  while (x.text().includes('Working, please wait')) {
    if (Date.now() > end) throw new Error(`still working after ${ms} ms:\n${x.text()}`);
    await new Promise((r) => setTimeout(r, 50));
    await x.press();
  }
}

async function toUpdates(x: Harness, status: string) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '3', KEYS.enter);
  await x.waitFor('1. UpdateKey');
  await x.waitFor(status);
}

async function typeKey(x: Harness, key: string) {
  await x.press('1', KEYS.enter);
  await x.waitFor('Update key (as support gave it)');
  await x.type(key);
  await x.press(KEYS.tab);
  await x.type(key);
}

describe('Updates (demo vSensor)', () => {
  it('UpdateKey: masked, the review masks it, stored 0600; the demo says the key was not checked; Upgrade says why not', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toUpdates(h, 'Update key: not set');
    await typeKey(h, KEY);
    expect(h.text()).not.toContain('Demo-Update');
    // the packages are not installed: the first installation is offered (Yes is the first choice)
    await h.press(KEYS.enter);
    await h.waitFor('Install the vSensor packages now');
    await h.press(KEYS.enter);
    await h.waitFor('Set the update key and check it with the repository?');
    expect(h.text()).not.toContain('Demo-Update');
    await h.press('y');
    await h.waitFor('The update key is stored.');
    expect(flat(h)).toContain('This is the demo appliance: no package manager runs here, so whether the repository accepts the key was not checked');
    // the installation asked for is said not started, never dropped silently
    expect(flat(h)).toContain('The installation was not started (no package manager runs on the demo appliance)');
    expect(h.text()).not.toContain('Demo-Update');
    const auth = join(h.root, 'etc/apt/auth.conf.d/confconsole-updates.conf');
    expect(statSync(auth).mode & 0o777).toBe(0o600);
    expect(readFileSync(auth, 'utf8')).toContain(`password ${KEY}\n`);
    await h.press(KEYS.enter);
    await h.waitFor('Update key: set (20 chars');
    await h.press('2', KEYS.enter);
    await h.waitFor('This is the demo appliance');
    expect(flat(h)).toContain('it runs no package manager, so nothing can be downloaded or installed here');
    await h.press(KEYS.enter);
    await h.press('4', KEYS.enter);
    await h.waitFor('not installed');
    expect(h.text()).toContain('Last installed or upgraded: never');
  });
});

const why = missing('ui: Updates against a loopback package repository', ['root', 'apt-get', 'dpkg-deb', 'dpkg-scanpackages', 'gpg', 'openssl', 'tinyproxy']);

describe.skipIf(why)('Updates (vSensor) against a loopback repository', () => {
  let repo: Repo;
  const roots: string[] = [];
  beforeAll(async () => {
    repo = await makeRepo();
    repo.publish('1.0');
  }, 60_000);
  afterAll(async () => {
    await repo?.close();
    roots.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('a refused key is said at the key; the right one installs the packages the first time; Esc cancels a download; an upgrade says to restart the confconsole', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cc-ui-updates-'));
    roots.push(root);
    configureRoot(root, repo);
    h = await startConsole({ profile: 'vsensor', demo: false, root });
    await toUpdates(h, 'Update key: not set');
    await typeKey(h, 'wrong-key-000');
    await h.press(KEYS.enter, KEYS.enter);
    await h.waitFor('Set the update key and check it with the repository?');
    await h.press('y');
    await done(h);
    expect(flat(h)).toMatch(/the update key was refused by 127\.0\.0\.1:\d+ \(HTTP 401\)/);
    // the refusal is said under the key, in the form, with what was typed kept (masked)
    expect(h.text()).toContain('! the update key was refused');
    expect(h.text()).not.toContain('wrong-key');
    await h.press(KEYS.ctrlU);
    await h.type(repo.key);
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type(repo.key);
    await h.press(KEYS.enter, KEYS.enter); // Install now: Yes
    await h.waitFor('Set the update key and check it with the repository?');
    await h.press('y');
    await h.waitFor(`Installed: ${PKG} (new) -> 1.0`, 60_000);
    expect(h.text()).not.toContain(repo.key);
    expect(readFileSync(join(root, 'usr/share', PKG, 'version'), 'utf8')).toBe('1.0\n');
    await h.press(KEYS.enter);
    await h.waitFor(`vSensor packages: ${PKG} 1.0`);

    // 2.0 is published and its download is slow: Esc while it downloads installs nothing
    repo.publish('2.0');
    repo.debDelayMs = 30_000;
    const debs = () => repo.requests.filter((q) => q.path.endsWith('.deb')).length;
    const before = debs();
    await h.press('2', KEYS.enter);
    await h.waitFor(`Upgrade the vSensor packages (${PKG} 1.0)`);
    await h.press('y');
    await h.waitFor('Cancel');
    for (let i = 0; i < 600 && debs() === before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(debs()).toBeGreaterThan(before);
    expect(h.text()).toMatch(/download: \d+%/);
    await h.press(KEYS.esc);
    await h.waitFor('Cancelled before anything was installed', 60_000);
    repo.debDelayMs = 0;
    expect(readFileSync(join(root, 'usr/share', PKG, 'version'), 'utf8')).toBe('1.0\n');
    await h.press(KEYS.enter);

    await h.press('2', KEYS.enter);
    await h.waitFor(`Upgrade the vSensor packages (${PKG} 1.0)`);
    await h.press('y');
    await h.waitFor('Restart the confconsole now', 60_000);
    expect(h.text()).toContain(`Upgraded: ${PKG} 1.0 -> 2.0`);
    expect(readFileSync(join(root, 'usr/share', PKG, 'version'), 'utf8')).toBe('2.0\n');
  }, 240_000);
});
