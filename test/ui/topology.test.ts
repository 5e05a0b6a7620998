// Appliance Admin > Topology settings on a headless 80x24 terminal, through the real
// set_topology.sh on a demo root: the role shown, master → master and a master's "change the
// master connection" refused before anything is asked, the two confirmations of Convert to
// probe, each field's bad input said under it (the form kept, nothing written), the review of
// every setting with the secret masked, the applied dialog, then the console ends (logged out).
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const TOKEN = 'ProbeLab:Hj7Kl9Mn2Bv4Cx6Zq8';

async function toTopology(x: Harness) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '3', KEYS.enter);
  await x.waitFor('1. Topology settings');
  expect(x.text()).toContain('3. Appliance information');
  await x.press('1', KEYS.enter);
  await x.waitFor('Role: master');
}

/** Every line fits 80 columns: nothing a reader needs is cut at the right border. */
const fits = (x: Harness) => x.lines().every((l) => l.length <= 80);

describe('Topology settings (80x24)', () => {
  it('on a master: Convert to master and Change the master connection say why not, and change nothing', async () => {
    h = await startConsole({ cols: 80, rows: 24 });
    await toTopology(h);
    const ini = readFileSync(join(h.root, 'etc/confconsole/appliance.ini'), 'utf8');
    await h.press('2', KEYS.enter);
    await h.waitFor('This appliance is already a master. Nothing was changed.');
    await h.press(KEYS.enter);
    await h.waitFor('Role: master');
    await h.press('3', KEYS.enter);
    await h.waitFor('it has no master connection to change');
    await h.press(KEYS.enter);
    expect(readFileSync(join(h.root, 'etc/confconsole/appliance.ini'), 'utf8')).toBe(ini);
  });

  it('Convert to probe: two Yes, bad input under its field, the review masked, applied, then logged out', async () => {
    h = await startConsole({ cols: 80, rows: 24 });
    await toTopology(h);
    const iniFile = join(h.root, 'etc/confconsole/appliance.ini');
    const before = readFileSync(iniFile, 'utf8');
    await h.press('1', KEYS.enter);
    await h.waitFor('Convert this appliance to a probe?');
    await h.press('y');
    await h.waitFor('A master appliance is required to use a probe');
    expect(fits(h)).toBe(true);
    await h.press('y');
    await h.waitFor('Communication mode');
    // a push token without its label, a master given as a URL: each said under its field
    await h.press(KEYS.enter);
    await h.type('nolabelsecret123');
    await h.press(KEYS.enter);
    await h.type('https://10.0.9.1');
    await h.press(KEYS.enter, KEYS.enter);
    await h.waitFor('A push token is label:secret');
    expect(h.text()).toContain('without https://');
    expect(h.text()).not.toContain('nolabelsecret123');
    expect(readFileSync(iniFile, 'utf8')).toBe(before);
    // Pull with a 3-character token: its own rule (the focus is on the first field in error)
    await h.press(KEYS.btab);
    await h.press(KEYS.right);
    await h.waitFor('(*) Pull');
    await h.press(KEYS.enter);
    await h.type('abc');
    await h.press(KEYS.enter, KEYS.ctrlU);
    await h.type('10.0.9.1');
    await h.press(KEYS.enter, KEYS.enter);
    await h.waitFor('Must be 5-63 letters and digits');
    expect(readFileSync(iniFile, 'utf8')).toBe(before);
    // back to Push Token, right this time
    await h.press(KEYS.btab);
    await h.press(KEYS.left);
    await h.waitFor('(*) Push Token');
    await h.press(KEYS.enter, KEYS.ctrlU);
    await h.type(TOKEN);
    await h.press(KEYS.enter, KEYS.enter);
    await h.press('n', KEYS.enter);
    await h.waitFor('Do you want to test the connection to https://10.0.9.1?');
    await h.press('n');
    await h.waitFor('Review the settings: do you want to proceed?');
    const review = h.text();
    expect(review).toMatch(/Role[\s\S]*master[\s\S]*probe/);
    expect(review).toContain('Push Token');
    expect(review).toContain('ProbeLab:****');
    expect(review).toContain('No (stored on the master)');
    expect(review).not.toContain('Hj7Kl9');
    expect(fits(h)).toBe(true);
    await h.press('y');
    await h.waitFor('The configuration has been successfully applied.');
    expect(h.text()).toContain('You will now be logged out of the console.');
    expect(h.exitCode()).toBeUndefined();
    await h.press(KEYS.enter);
    expect(h.exitCode()).toBe(0);
    const ini = readFileSync(iniFile, 'utf8');
    expect(ini).toMatch(/\[topology\]\nrole = "probe"\nretain_search = "no"/);
    expect(existsSync(join(h.root, 'etc/confconsole/secrets/push_token'))).toBe(true);
  });
});
