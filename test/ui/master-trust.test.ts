// A master with a self-signed certificate in the console (issue 11.6), headless 80x24 against a
// local HTTPS master on 127.0.0.1: the failed test describes the certificate and offers to
// trust it (default No); Yes pins it and tests again; "Trust the master's certificate" shows it
// in the review first. The real scripts on a demo root.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, startConsole, type Harness } from '../support/headless.js';
import { startMaster, type MasterFixture } from '../system/master-fixture.js';

let h: Harness | undefined;
let fx: MasterFixture;
beforeAll(async () => {
  fx = await startMaster();
});
afterAll(async () => fx?.close());
afterEach(() => {
  h?.close();
  h = undefined;
});

const flat = (x: Harness) => x.text().replace(/[│┌┐└┘─\s]+/g, ' ');

/** Enter through the rest of the form (Enter moves to the next field, submits on the last), then waits for `until`. */
async function submit(x: Harness, until: string | RegExp) {
  for (let i = 0; i < 8 && x.text().includes('Enter Next field'); i++) await x.press(KEYS.enter);
  await x.waitFor(until);
}
/** The fingerprint as the console shows it: two rows of 16 bytes. */
const halves = (sha: string) => [sha.slice(0, 47), sha.slice(48)];
const pin = (x: Harness) => join(x.root, 'etc/confconsole/master-trust.pem');

async function toMaster(x: Harness) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '2', KEYS.enter);
  await x.waitFor('1. Master');
  await x.press('1', KEYS.enter);
  await x.waitFor('4. Trust the master');
}

/** Push Token with the fixture's token to HOST, tested: up to the test's result. */
async function pushTokenTested(x: Harness, host: string) {
  await x.press('1', KEYS.enter);
  await x.waitFor('Push token, in full (label:secret)');
  await x.type(fx.token);
  await x.press(KEYS.tab);
  await x.type(host);
  await submit(x, 'Do you want to test the connection');
  await x.press('y');
}

describe('Master: a self-signed certificate', () => {
  it('the test shows the certificate and offers to trust it (default No); Yes trusts it and tests again', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toMaster(h);
    const host = `127.0.0.1:${fx.selfSigned.port}`;
    const n = fx.requests.length;
    await pushTokenTested(h, host);
    await h.waitFor('Trust this certificate?');
    const screen = flat(h);
    expect(screen).toContain(`The certificate of https://${host} is not trusted: it is self-signed`);
    expect(screen).toContain('Issuer: itself (self-signed)');
    expect(screen).toContain(`SHA-256: ${halves(fx.selfSigned.sha256).join(' ')}`);
    expect(screen).toMatch(/Valid: \w{3} +\d+ [\d:]+ \d{4} GMT to/);
    expect(fx.requests.length).toBe(n); // the token went nowhere
    await h.press('y');
    await h.waitFor(/the master accepted the push token[\s\S]*< OK >/); // the result, not the progress line
    expect(flat(h)).toContain('(its trusted certificate)');
    expect(readFileSync(pin(h), 'utf8')).toContain(`# sha256: ${fx.selfSigned.sha256}`);
    await h.press(KEYS.enter);
    await h.waitFor('Confirm submission');
    await h.press('y');
    await h.waitFor('Done: the vSensor connects to its master with the push token.');
  });

  it('No to the offer: "Continue anyway?" follows, starting on No; nothing is trusted', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toMaster(h);
    await pushTokenTested(h, `127.0.0.1:${fx.selfSigned.port}`);
    await h.waitFor('Trust this certificate?');
    await h.press(KEYS.enter); // the offer starts on No
    await h.waitFor('Continue anyway?');
    await h.press(KEYS.enter); // and so does this
    await h.waitFor('Push token, in full (label:secret)');
    expect(existsSync(pin(h))).toBe(false);
  });

  it('an expired certificate: described, no offer, "Continue anyway?"', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toMaster(h);
    await pushTokenTested(h, `127.0.0.1:${fx.expired.port}`);
    await h.waitFor('Continue anyway?');
    expect(flat(h)).toContain('it expired on Feb 1 00:00:00 2020 GMT');
    expect(flat(h)).not.toContain('Trust this certificate?');
  });

  it("Trust the master's certificate: the review shows the fingerprint to compare (starts on No); Yes pins it", async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toMaster(h);
    await h.press('4', KEYS.enter);
    await h.waitFor('Master IP or hostname');
    await h.press(KEYS.ctrlU);
    await h.type(`localhost:${fx.selfWrongName.port}`);
    await submit(h, `Trust this certificate for https://localhost:${fx.selfWrongName.port}?`);
    const screen = flat(h);
    expect(screen).toContain("Warning: Compare this certificate with the master's before you trust it:");
    expect(screen).toContain('Subject: CN=wrong.example (DNS:wrong.example)');
    expect(screen).toContain(`SHA-256: ${halves(fx.selfWrongName.sha256).join(' ')}`);
    expect(screen).not.toContain('more below');
    await h.press(KEYS.enter); // a warning: the answer starts on No
    await h.waitFor('Master IP or hostname');
    expect(existsSync(pin(h))).toBe(false);
    await submit(h, 'Trust this certificate for');
    await h.press('y');
    await h.waitFor("Done: the master's certificate is trusted.");
    expect(readFileSync(pin(h), 'utf8')).toContain(`# sha256: ${fx.selfWrongName.sha256}`);
  });
});
