// vSensor Setup on a headless terminal, through the real scripts on a demo root.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const TOKEN = 'NewLabelMarch:K7GHXWxHCMn2y8zrQ4';

async function toSetup(x: Harness, item: string, sub: string) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '2', KEYS.enter);
  await x.waitFor('1. Master');
  await x.press(item, KEYS.enter);
  await x.waitFor(sub);
}

describe('vSensor Setup', () => {
  it('the welcome screen says whether packet capture is on', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await h.waitFor('Packet capture is disabled.');
  });

  it('Master > Push Token: masked token, host, review with label:****, applied, status refreshed', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toSetup(h, '1', 'No master connection is set');
    await h.press('1', KEYS.enter);
    await h.waitFor('Push token, in full (label:secret)');
    await h.type(TOKEN);
    expect(h.text()).not.toContain('K7GHX');
    await h.press(KEYS.tab);
    await h.type('master.example.com');
    // Enter goes on to the proxy (left empty), the last field; Enter there submits
    await h.press(KEYS.enter, KEYS.enter);
    await h.waitFor('Do you want to test the connection to https://master.example.com?');
    await h.press('n');
    await h.waitFor('Confirm submission');
    expect(h.text()).toContain('new:     NewLabelMarch:****');
    expect(h.text()).not.toContain('K7GHX');
    await h.press('y');
    await h.waitFor('Done: the vSensor connects to its master with the push token.');
    expect(h.text()).toContain('Push Token: NewLabelMarch:****, DCIP master: https://master.example.com');
    expect(h.text()).not.toContain('K7GHX');
    const secret = join(h.root, 'etc/confconsole/secrets/push_token');
    expect(readFileSync(secret, 'utf8')).toBe(TOKEN + '\n');
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    await h.press(KEYS.enter);
    await h.waitFor('Current mode: Push Token');
    expect(h.text()).toContain('Push Token: NewLabelMarch:****');
  });

  it('Master > Pull: the token typed twice must match; a short one is warned about', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toSetup(h, '1', 'Push Token (recommended)');
    await h.press('2', KEYS.enter);
    await h.waitFor('Make a note of the token');
    await h.press('y');
    await h.waitFor('Master HMAC token');
    await h.type('abc12345');
    await h.press(KEYS.tab);
    await h.type('abc12346');
    await h.press(KEYS.enter);
    await h.waitFor('! The two entries differ');
    await h.press(KEYS.ctrlU);
    await h.type('abc12345');
    await h.press(KEYS.enter);
    await h.waitFor('Warning: Master HMAC token');
    expect(h.text()).toContain('20 or more are recommended');
    await h.press('y');
    await h.waitFor('Done: Pull mode is set.');
    await h.press(KEYS.enter);
    await h.waitFor('Current mode: Pull');
  });

  it('PCAP: too big is refused at the field with the largest size that fits; a size that fits says Change made', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toSetup(h, '3', 'Packet capture is disabled.');
    await h.press('1', KEYS.enter);
    await h.waitFor('PCAP buffer size in GB');
    await h.press(KEYS.ctrlU);
    await h.type('999999');
    await h.press(KEYS.enter);
    // checked against the disk at the field, before anything else: input kept
    await h.waitFor('! 999999 GB does not fit on the disk');
    expect(h.text().replace(/[│\s]+/g, ' ')).toMatch(/the largest PCAP buffer that fits is \d+ GB/);
    expect(h.text()).toContain('999999');
    await h.press(KEYS.ctrlU);
    await h.type('1');
    await h.press(KEYS.enter);
    await h.waitFor('Set the PCAP buffer to 1 GB?');
    await h.press('y');
    await h.waitFor('Change made.');
    await h.press(KEYS.enter);
    await h.waitFor('Packet capture is enabled: 1 GB');
    // 0 is "off": the review says so and starts on No
    await h.press('1', KEYS.enter);
    await h.waitFor('PCAP buffer size in GB');
    await h.press(KEYS.ctrlU);
    await h.type('0');
    await h.press(KEYS.enter);
    await h.waitFor('Warning: 0 GB turns packet capture off');
    await h.press(KEYS.enter);
    await h.waitFor('PCAP buffer size in GB');
    expect(readFileSync(join(h.root, 'etc/confconsole/appliance.ini'), 'utf8')).toMatch(/size_gb = "?1"?/);
  });

  it('osSensor HMAC: status, set, and the key never shown', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toSetup(h, '2', 'osSensor HMAC key: not set');
    expect(h.text()).toContain('Registered osSensors: 2'); // the demo vSensor knows two
    await h.press('1', KEYS.enter);
    await h.waitFor('osSensor HMAC key (5-63');
    await h.type('Zq9RkT2mWv8XyP4nLs6d');
    await h.press(KEYS.tab);
    await h.type('Zq9RkT2mWv8XyP4nLs6d');
    await h.press(KEYS.enter);
    await h.waitFor('Set the osSensor HMAC key to your input?');
    expect(h.text()).not.toContain('Zq9Rk');
    await h.press('y');
    await h.waitFor('Done: the osSensor HMAC key is set.');
    await h.press(KEYS.enter);
    await h.waitFor('osSensor HMAC key: set');
  });
});
