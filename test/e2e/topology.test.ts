// End to end: the manual's chapter 10 "Converting to a Probe", steps 1-11, replayed keystroke by
// keystroke in a real terminal (tmux, 80x24) on the appliance tree of the demo appliance — each
// communication mode once, each run ending with the console exited (step 11: logged out) — and
// the way back (Convert to master) and Change the master connection on the same appliance: the
// round trip master → probe → master → probe. The Push Token run tests the master for real
// (the loopback HTTPS master of the vSensor tests, test/system/master-fixture.ts).
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import { startMaster, type MasterFixture } from '../system/master-fixture.js';
import { consoles, frame, replay, type Console, type Step } from './support.js';

const why = missing('e2e: the manual ch. 10 replayed (a local HTTPS master)', ['tmux', 'openssl', 'curl']);

/** Steps 1-3: to Topology settings, the current role shown, then its item `key`. */
const toTopology = (role: RegExp, key: string, label: string): Step[] => [
  { manual: '(log in: the Welcome)', screen: 'Welcome', keys: ['Enter'] },
  { manual: '1. From the console main menu, select 3. Appliance Admin.', screen: /Console Setup[\s\S]*3\. Appliance Admin/, keys: ['3', 'Enter'] },
  { manual: '2. Next, select 1. Topology settings.', screen: /Appliance Admin[\s\S]*1\. Topology settings/, keys: ['1', 'Enter'] },
  { manual: `3. (the current role shown) select ${key}. ${label}`, screen: new RegExp(`${role.source}[\\s\\S]*${key}\\. ${label}`), keys: [key, 'Enter'] },
];

/** Steps 4-5: Yes to convert, Yes to the message that a master is required. */
const confirmSteps: Step[] = [
  { manual: '4. Click Yes to confirm you wish to convert it.', screen: 'Convert this appliance to a probe?', keys: ['y'] },
  { manual: '5. A message states a Master appliance is required to use a Probe. Click Yes.', screen: /master appliance is required to use a probe/, keys: ['y'] },
];

/** Step 8: the Retain Advanced Search data question (its last field: Enter submits). */
const retainStep = (retain: 'Yes' | 'No'): Step[] => [
  { manual: '8. Choose whether the probe retains Advanced Search data.', screen: 'Retain Advanced Search data?', keys: retain === 'No' ? ['n', 'Enter'] : ['Enter'] },
];

/** Steps 9-10: the review (every setting, secrets masked), Yes, and the dialog that says it was applied. */
const closing = (review: RegExp): Step[] => [
  { manual: '9. Review the settings and select Yes to proceed.', screen: review, keys: ['y'] },
  { manual: '10. A dialog will confirm if the configuration has been successfully applied.', screen: 'The configuration has been successfully applied.', keys: ['Enter'] },
];

const ini = (c: Console) => parseSettings(c.file('etc/confconsole/appliance.ini'));
const audit = (c: Console) =>
  c
    .fileOr('var/log/confconsole/audit.log')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { action: string; result: string; detail: string });
const effects = (c: Console) => c.fileOr('var/log/confconsole/host-effects.log');

/** Step 11: the console ended by itself (exit 0), as a login shell's session would. */
async function loggedOut(c: Console): Promise<void> {
  const code = await c.exitCode(20_000).catch((e: Error) => {
    throw new Error(`11. ... you will be logged out of the console: it did not end\n${e.message}\n${frame(c.screen())}`);
  });
  expect(code).toBe(0);
}

let fx: MasterFixture | undefined;
beforeAll(async () => {
  if (!why) fx = await startMaster();
});
afterAll(async () => fx?.close());

describe.skipIf(why !== undefined)("e2e: the manual's ch. 10, Converting to a Probe, keystroke by keystroke", () => {
  const open = consoles();
  afterEach(() => open.closeAll());

  it('Push Token (tested for real), Convert to master, Pull, then Change the master connection to Push (legacy): each ends logged out', async () => {
    const m = fx!;
    const master = `127.0.0.1:${m.port}`;

    // 1: master → probe, Push Token, the master tested
    const c1 = await open.open().start();
    mkdirSync(join(c1.root, 'etc/confconsole'), { recursive: true });
    copyFileSync(m.caFile, join(c1.root, 'etc/confconsole/master-ca.pem'));
    const root = c1.root;
    await replay(c1, [
      ...toTopology(/Role: master/, '1', 'Convert to probe'),
      ...confirmSteps,
      { manual: '6. Select one of the communication modes (Push Token).', screen: /Communication mode[\s\S]*Push Token/, keys: ['Enter'] },
      { manual: '6. ... you must input the token generated on the master config page.', screen: 'Push token, in full (label:secret)', value: m.token, masked: true, keys: ['Enter'] },
      { manual: '7. Enter the IP address or hostname of the master. Click OK.', screen: 'IP address or hostname of the master', value: master, keys: ['Enter'] },
      ...retainStep('No'),
      { manual: '(this console) test the connection to the master: Yes', screen: `Do you want to test the connection to https://${master}?`, keys: ['y'] },
      { manual: '(this console) the master accepted the token: OK', screen: /Successful connection to https:\/\/127\.0\.0\.1:\d+; the master accepted/, keys: ['Enter'] },
      ...closing(new RegExp(`Push token[\\s\\S]*${m.label}:\\*\\*\\*\\*[\\s\\S]*do you want to proceed\\?`)),
    ]);
    await loggedOut(c1);
    expect(m.requests.some((r) => r.authorization === `Bearer ${m.token}`)).toBe(true);
    let s = ini(c1);
    expect(s.topology).toMatchObject({ role: 'probe', retain_search: 'no' });
    expect(s.master).toMatchObject({ mode: 'push-token', host: master, proxy: '', token_label: m.label });
    const secret = join(root, 'etc/confconsole/secrets/push_token');
    expect(c1.file('etc/confconsole/secrets/push_token')).toBe(`${m.token}\n`);
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    expect(effects(c1)).toMatch(/service master-ui stop[\s\S]*service probe-forwarder start/);
    expect(audit(c1).at(-1)).toMatchObject({ action: 'topology.convert-to-probe', result: 'ok' });
    const secretPart = m.token.split(':')[1]!;
    expect(c1.fileOr('var/log/confconsole/audit.log')).not.toContain(secretPart);

    // 2: probe → master, with the warning of what it stops doing
    const c2 = await open.open(root).start();
    await replay(c2, [
      ...toTopology(/Role: probe of the master https:\/\/127\.0\.0\.1/, '2', 'Convert to master'),
      { manual: '(Convert to master: the warning) Yes', screen: /It stops sending its data to the master[\s\S]*logged out/, keys: ['y'] },
      { manual: '(applied)', screen: 'The configuration has been successfully applied.', keys: ['Enter'] },
    ]);
    await loggedOut(c2);
    s = ini(c2);
    expect(s.topology.role).toBe('master');
    expect(s.master.mode).toBe('');
    expect(c2.fileOr('etc/confconsole/secrets/push_token', 'gone')).toBe('gone');
    expect(audit(c2).at(-1)).toMatchObject({ action: 'topology.convert-to-master', result: 'ok' });

    // 3: master → probe again, Pull, the test offered and declined
    const hmac = 'PullToken0123456789abcdef';
    const c3 = await open.open(root).start();
    await replay(c3, [
      ...toTopology(/Role: master/, '1', 'Convert to probe'),
      ...confirmSteps,
      { manual: '6. Select one of the communication modes (Pull).', screen: /Communication mode[\s\S]*Push Token/, keys: ['Right'] },
      { manual: '6. (Pull chosen)', screen: /\(\*\) Pull/, keys: ['Enter'] },
      { manual: '6. ... an HMAC token must be entered', screen: 'HMAC token (5-63 letters and digits', value: hmac, masked: true, keys: ['Enter'] },
      { manual: '7. Enter the IP address or hostname of the master. Click OK.', screen: 'IP address or hostname of the master', value: '10.0.9.1', keys: ['Enter'] },
      ...retainStep('Yes'),
      { manual: '(this console) the test is offered, not forced: No', screen: 'Do you want to test the connection to https://10.0.9.1?', keys: ['n'] },
      ...closing(/Pull HMAC token[\s\S]*\*\*\*\*[\s\S]*do you want to proceed\?/),
    ]);
    await loggedOut(c3);
    s = ini(c3);
    expect(s.topology).toMatchObject({ role: 'probe', retain_search: 'yes' });
    expect(s.master).toMatchObject({ mode: 'pull', host: '10.0.9.1' });
    expect(c3.file('etc/confconsole/secrets/pull_hmac')).toBe(`${hmac}\n`);

    // 4: on the probe, Change the master connection (same steps 6-11), Push (legacy)
    const c4 = await open.open(root).start();
    await replay(c4, [
      ...toTopology(/Role: probe of the master https:\/\/10\.0\.9\.1/, '3', 'Change the master connection'),
      { manual: '(Change the master connection?) Yes', screen: 'Change the master connection of this probe?', keys: ['y'] },
      { manual: '6. Select one of the communication modes (Push (legacy)).', screen: /\(\*\) Pull/, keys: ['Right'] },
      { manual: '6. (Push (legacy) chosen)', screen: /\(\*\) Push \(legacy\)/, keys: ['Enter'] },
      { manual: '7. Enter the IP address or hostname of the master. Click OK.', screen: 'IP address or hostname of the master', value: '10.0.9.2', keys: ['Enter'] },
      ...retainStep('Yes'),
      { manual: '(test offered) No', screen: 'Do you want to test the connection to https://10.0.9.2?', keys: ['n'] },
      ...closing(/Push \(legacy\)[\s\S]*do you want to proceed\?/),
    ]);
    await loggedOut(c4);
    s = ini(c4);
    expect(s.master).toMatchObject({ mode: 'push', host: '10.0.9.2' });
    expect(audit(c4).map((a) => a.action)).toEqual(['topology.convert-to-probe', 'topology.convert-to-master', 'topology.convert-to-probe', 'topology.change-master']);
    // no secret ever reached the screen's logs or the audit
    expect(c4.fileOr('var/log/confconsole/audit.log')).not.toContain(hmac);
  }, 180_000);
});
