// The first screens' notice (issue 11 item 2): a rollback is acknowledged only once the
// operator acted on it after it was drawn (never by type-ahead); a change waiting for
// confirmation is said on the welcome and the top menu, with the time left and how to confirm,
// until it is confirmed or rolled back; once a change's time is up, the countdown says what
// really became of it. Real scripts on a demo root (sbin/ as another session would run them).
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Op } from '../../src/core/types.js';
import { networkSettled } from '../../src/features/network/notice.js';
import { makePaths } from '../../src/system/paths.js';
import { makeRunner } from '../../src/system/runner.js';
import { NOTICE_REACT_MS } from '../../src/ui/app.js';
import { fakeOp, flowItem, tinyTree } from '../support/fakes.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';
import { seedDemo } from '../../src/demo.js';
import { tmpdir } from 'node:os';
import { removeTree } from '../support/cleanup.js';

let h: Harness | undefined;
const roots: string[] = [];
afterEach(() => {
  h?.close();
  h = undefined;
  for (const r of roots.splice(0)) removeTree(r);
});

const sbin = join(import.meta.dirname, '../../sbin');
/** A network script run as another session would (the operator's CLI). */
function script(root: string, name: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(sbin, name), args, { env: { ...process.env, CONFCONSOLE_ROOT: root }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function demoRoot(profile: 'appliance' | 'vsensor' = 'appliance'): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'cc-notice-'));
  roots.push(root);
  await seedDemo(root, profile);
  return root;
}

/** A root with one rollback not yet seen by an operator. */
async function rolledBack(): Promise<string> {
  const root = await demoRoot();
  expect(script(root, 'set_network.sh', 'eth1', '--dhcp', '--confirm-timeout', '60').status).toBe(0);
  expect(script(root, 'net_rollback.sh').status).toBe(0);
  return root;
}
const unseen = (root: string) => existsSync(join(root, 'var/lib/confconsole/net-rollbacks-unseen.json'));
const ROLLED = 'Network settings were rolled back since the last login';
/** Until `text` is no longer on screen. */
async function gone(x: Harness, text: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (x.text().includes(text)) {
    if (Date.now() > end) throw new Error(`still on screen after ${ms} ms: ${text}\n${x.text()}`);
    await sleep(20);
  }
}
/** Longer than a person's reaction time after the notice was drawn. */
const read = () => sleep(NOTICE_REACT_MS + 80);

describe('the rollback notice is acknowledged only once seen', () => {
  it('Enter typed before the notice was drawn closes the welcome but acknowledges nothing; the top menu shows it until a key after it', async () => {
    const root = await rolledBack();
    h = await startConsole({ root, keysAtStart: KEYS.enter });
    await h.waitFor('Console Setup');
    await h.waitFor(ROLLED); // now on the top menu
    expect(h.text()).toContain('eth1: rolled back by the operator');
    expect(unseen(root)).toBe(true);
    await read();
    await h.press(KEYS.down);
    await gone(h, ROLLED);
    expect(unseen(root)).toBe(false);
    h.close();
    // once seen, the next start says nothing of it
    h = await startConsole({ root });
    await h.waitFor('Welcome');
    expect(h.text()).not.toContain(ROLLED);
  });

  it('a key read at once after the frame showing it (type-ahead) does not count; one a moment later does', async () => {
    const root = await rolledBack();
    h = await startConsole({ root });
    // the key comes in the very turns after the notice is drawn: no one read it
    const app = h.app;
    while (!(app.model.notice?.kind === 'text' && app.model.notice.text.includes(ROLLED))) await new Promise((r) => setImmediate(r));
    await h.press(KEYS.enter);
    await h.waitFor('Console Setup');
    await h.waitFor(ROLLED);
    expect(unseen(root)).toBe(true);
    await read();
    await h.press('3'); // any key on the top menu, once it was there to be read
    await gone(h, ROLLED);
    expect(unseen(root)).toBe(false);
  });

  it('seen on the welcome: Enter a moment after it was drawn acknowledges it; it is not shown again on the top menu', async () => {
    const root = await rolledBack();
    h = await startConsole({ root });
    await h.waitFor(ROLLED);
    await read();
    await h.press(KEYS.enter);
    await h.waitFor('Console Setup');
    expect(h.text()).not.toContain(ROLLED);
    expect(unseen(root)).toBe(false);
  });
});

describe('a change waiting for confirmation is on the first screens', () => {
  it.each([
    ['appliance', '1. Networking and Traffic Analysis > 1. Configure network interfaces > eth1 > 4. Confirm the pending change'],
    ['vsensor', '1. Network > 1. Interfaces > eth1 > 4. Confirm the pending change'],
  ] as const)('%s: the welcome and the top menu say the time left and how to confirm, until it is confirmed elsewhere', async (profile, path) => {
    const root = await demoRoot(profile);
    expect(script(root, 'set_network.sh', 'eth1', '--dhcp', '--confirm-timeout', '300').status).toBe(0);
    h = await startConsole({ root, profile });
    await h.waitFor('A network change of eth1 waits for confirmation');
    expect(h.text()).toMatch(/come back by themselves in \d+ s/);
    const flat = h.text().replace(/[│|]\s*\n\s*[│|]/g, ' ').replace(/\s+/g, ' ');
    expect(flat).toContain(path);
    expect(flat).toContain('run "confconsole network confirm"');
    await h.press(KEYS.enter);
    await h.waitFor(profile === 'vsensor' ? 'Main Menu' : 'Console Setup');
    await h.waitFor('A network change of eth1 waits for confirmation');
    // confirmed from another session: the menu reads it again and says nothing more
    expect(script(root, 'net_confirm.sh').status).toBe(0);
    await gone(h, 'waits for confirmation', 20_000);
  });
});

describe('once the time is up, the countdown says what became of the change', () => {
  const ctxOf = (root: string) => {
    const paths = makePaths(root);
    return { paths, runner: makeRunner(paths) };
  };
  const pendingId = (out: string) => (JSON.parse(out) as { pending: { id: string } }).pending.id;

  it('confirmed from another session: "Confirmed from another session", not "came back"', async () => {
    const root = await demoRoot();
    const id = pendingId(script(root, 'set_network.sh', 'eth1', '--dhcp', '--confirm-timeout', '60').stdout);
    expect(script(root, 'net_confirm.sh').status).toBe(0);
    const o = await networkSettled.apply(ctxOf(root), { iface: 'eth1', change: id }, { line: () => {} });
    expect(o).toMatchObject({ ok: true, summary: 'Confirmed from another session: the new network settings stay.' });
  });

  it('rolled back (by its timer, or from another session): says when and why', async () => {
    const root = await demoRoot();
    const id = pendingId(script(root, 'set_network.sh', 'eth1', '--dhcp', '--confirm-timeout', '5').stdout);
    // the timer rolls it back at the deadline; settled waits for it
    const o = await networkSettled.apply(ctxOf(root), { iface: 'eth1', change: id }, { line: () => {} });
    expect(o.ok).toBe(false);
    expect(o.summary).toMatch(/^the change was not kept: the previous settings came back at .* UTC \(not confirmed in time\)$/);
    const root2 = await demoRoot();
    const id2 = pendingId(script(root2, 'set_network.sh', 'eth1', '--dhcp', '--confirm-timeout', '60').stdout);
    expect(script(root2, 'net_rollback.sh').status).toBe(0);
    const o2 = await networkSettled.apply(ctxOf(root2), { iface: 'eth1', change: id2 }, { line: () => {} });
    expect(o2.summary).toMatch(/\(rolled back by the operator\)$/);
  });

  it('the countdown on screen asks the state when it runs out (a fake change of 2 s)', async () => {
    const applied: Op<'apply'> = fakeOp('x.apply', { apply: async () => ({ ok: true, summary: 'applied', pending: { id: 'c1', deadline: Date.now() / 1000 + 2, address: '' } }) });
    const settledWith: string[] = [];
    const settled: Op<'apply'> = fakeOp('x.settled', {
      apply: async (_c: unknown, v: Record<string, string>) => (settledWith.push(v.change ?? ''), { ok: true, summary: 'Confirmed from another session: the new network settings stay.' }),
    });
    const never: Op<'apply'> = fakeOp('x.never', { apply: async () => ({ ok: true, summary: 'never' }) });
    const tree = tinyTree([flowItem('1', 'Change', { kind: 'do', op: applied, confirm: 'Change it?', confirmWithin: { confirm: never, rollback: never, settled } })]);
    h = await startConsole({ tree });
    await h.waitFor('1. Change');
    await h.press(KEYS.enter, 'y');
    await h.waitFor('Time left to confirm');
    await h.waitFor('Confirmed from another session', 20_000);
    expect(h.text()).not.toContain('came back by themselves');
    expect(settledWith).toEqual(['c1']);
  });
});
