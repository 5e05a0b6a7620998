// The review shows what the script will store, and only that (issue 11.4), and says what a
// change of mode does with the other mode's secret (issue 11.5): headless 80x24, the real
// scripts on a demo root.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../system/helpers.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

/** The screen as one line of words (dialog borders and line breaks as spaces). */
const flat = (x: Harness) => x.text().replace(/[│┌┐└┘─\s]+/g, ' ');

/** Enter through the rest of the form (Enter moves to the next field, submits on the last), then waits for `until`. */
async function submit(x: Harness, until: string | RegExp) {
  for (let i = 0; i < 8 && x.text().includes('Enter Next field'); i++) await x.press(KEYS.enter);
  await x.waitFor(until);
}
const secretFile = (x: Harness, name: string) => join(x.root, 'etc/confconsole/secrets', name);

/** An HTTP proxy with a login and its stored password, set by the script itself (as an operator would). */
function withProxyLogin(x: Harness) {
  const r = spawnSync(join(REPO, 'sbin/set_callhome.sh'), ['--host', 'callhome.example.com', '--port', '22', '--proxy', 'http://192.0.2.9:3128', '--proxy-user', 'bob'], {
    input: 'old-pw\n',
    env: { ...process.env, CONFCONSOLE_ROOT: x.root },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  expect(readFileSync(secretFile(x, 'callhome_proxy'), 'utf8')).toBe('old-pw\n');
}

async function toCallhomeConfig(x: Harness) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '3', KEYS.enter, '2', KEYS.enter);
  await x.waitFor('6. Call-Home partner connection');
  await x.press('4', KEYS.enter);
  await x.waitFor('1. Edit the configuration');
  await x.press('1', KEYS.enter);
  await x.waitFor('Call-Home host (name or IP address)');
}

/** From the host field: port 22, proxy HTTP at ADDRESS, the user and the password typed. */
async function httpProxy(x: Harness, address: string, user: string, password: string) {
  await x.press(KEYS.tab, KEYS.tab, KEYS.right); // port stays 22; proxy: HTTP
  await x.waitFor('Proxy address (HOST:PORT)');
  await x.press(KEYS.tab, KEYS.ctrlU);
  await x.type(address);
  await x.press(KEYS.tab, KEYS.ctrlU);
  if (user) await x.type(user);
  await x.press(KEYS.tab);
  await x.type(password);
  await submit(x, 'Save this Call-Home configuration?');
}

describe('Call-Home configuration: the review is the script plan', () => {
  it('an HTTP proxy with an empty user and a password: no password in the review, a warning, none stored', async () => {
    h = await startConsole();
    await toCallhomeConfig(h);
    await httpProxy(h, 'proxy.example.com:3128', '', 'S3cret-pw');
    await h.waitFor('Save this Call-Home configuration?');
    const screen = flat(h);
    expect(screen).toContain('Warning: A proxy password without a proxy user is not used: it is not stored.');
    expect(screen).not.toMatch(/Proxy password/);
    expect(screen).toMatch(/Proxy current: None new: http:\/\/proxy\.example\.com:3128/);
    expect(h.text()).not.toContain('S3cret');
    await h.press('y');
    await h.waitFor('Call-Home settings saved.');
    expect(existsSync(secretFile(h, 'callhome_proxy'))).toBe(false);
    expect(readFileSync(join(h.root, 'etc/confconsole/appliance.ini'), 'utf8')).toContain('proxy = "http://proxy.example.com:3128"');
  });

  it("the host and the proxy as the script stores them (its normalisation), the login's password as new", async () => {
    h = await startConsole();
    await toCallhomeConfig(h);
    await h.press(KEYS.ctrlU);
    await h.type('CallHome.Example.NET');
    await httpProxy(h, 'PROXY.example.com:03128', 'ops', 'S3cret-pw');
    await h.waitFor('Save this Call-Home configuration?');
    const screen = flat(h);
    expect(screen).toContain('Host: callhome.example.com -> callhome.example.net');
    expect(screen).toContain('Proxy: None -> http://proxy.example.com:3128');
    expect(screen).toMatch(/Proxy user: \(not set\) -> ops/);
    expect(screen).toMatch(/Proxy password: \(not set\) -> \*\*\*\* \(new\)/);
    expect(screen).not.toContain('Warning');
    await h.press('y');
    await h.waitFor('Call-Home settings saved.');
    expect(readFileSync(secretFile(h, 'callhome_proxy'), 'utf8')).toBe('S3cret-pw\n');
  });

  it('a stored password, the proxy set to None: the review says the password is removed, and it is', async () => {
    h = await startConsole();
    await h.waitFor('Welcome');
    withProxyLogin(h);
    await toCallhomeConfig(h);
    await h.press(KEYS.tab, KEYS.tab, KEYS.left); // proxy: HTTP -> None
    await h.waitFor(/\( \) HTTP/);
    await submit(h, 'Save this Call-Home configuration?');
    const screen = flat(h);
    expect(screen).toMatch(/Proxy password current: \*\*\*\* new: \(removed\)/);
    expect(screen).toMatch(/Proxy user current: bob new: \(not set\)/);
    await h.press('y');
    await h.waitFor('Call-Home settings saved.');
    expect(existsSync(secretFile(h, 'callhome_proxy'))).toBe(false);
  });
});

describe('Call-Home default configuration: the question is the script plan', () => {
  it('a stored proxy password: the question says it goes with the proxy, and it does', async () => {
    h = await startConsole();
    await h.waitFor('Welcome');
    withProxyLogin(h);
    await h.press(KEYS.enter, '3', KEYS.enter, '2', KEYS.enter);
    await h.waitFor('6. Call-Home partner connection');
    await h.press('4', KEYS.enter);
    await h.waitFor('2. Default configuration');
    await h.press('2', KEYS.enter);
    await h.waitFor('Use the default Call-Home configuration?');
    expect(flat(h)).toContain('The stored proxy password is removed with the proxy.');
    await h.press('y');
    await h.waitFor('Default configuration: port 443 with SSL wrapping');
    expect(existsSync(secretFile(h, 'callhome_proxy'))).toBe(false);
  });
});

const TOKEN = 'NewLabelMarch:K7GHXWxHCMn2y8zrQ4';
const HMAC = 'Zq9RkT2mWv8XyP4nLs6dAb';

async function toMaster(x: Harness) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '2', KEYS.enter);
  await x.waitFor('1. Master');
  await x.press('1', KEYS.enter);
  await x.waitFor('Push Token (recommended)');
}

async function setPushToken(x: Harness) {
  await x.press('1', KEYS.enter);
  await x.waitFor('Push token, in full (label:secret)');
  await x.type(TOKEN);
  await x.press(KEYS.tab);
  await x.type('master.example.com');
  await submit(x, 'Do you want to test the connection');
  await x.press('n');
  await x.waitFor('Confirm submission');
  await x.press('y');
  await x.waitFor('Done: the vSensor connects to its master');
  await x.press(KEYS.enter);
  await x.waitFor('Current mode: Push Token');
}

/** Pull, the token twice, and the stored push token kept (as it starts) or removed (Right). */
async function setPull(x: Harness, remove: boolean) {
  await x.press('2', KEYS.enter);
  await x.waitFor('Make a note of the token');
  await x.press('y');
  await x.waitFor('Master HMAC token');
  await x.type(HMAC);
  await x.press(KEYS.tab);
  await x.type(HMAC);
  await x.press(KEYS.tab);
  if (remove) await x.press(KEYS.right);
  await submit(x, 'Confirm submission');
}

describe('Master: a change of mode keeps the other secret unless the operator removes it', () => {
  it('no stored push token: the form does not ask about one', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toMaster(h);
    await h.press('2', KEYS.enter);
    await h.press('y');
    await h.waitFor('The same token again');
    expect(h.text()).not.toContain('The push token stored');
  });

  it('Push Token, then Pull kept by default: the review says kept, and the token stays', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toMaster(h);
    await setPushToken(h);
    await setPull(h, false);
    const screen = flat(h);
    expect(screen).toContain('Mode: Push Token -> Pull');
    expect(screen).toContain('Push token: NewLabelMarch:**** -> NewLabelMarch:**** (kept, not used)');
    expect(screen).not.toContain('K7GHX');
    await h.press('y');
    await h.waitFor('Done: Pull mode is set.');
    expect(readFileSync(secretFile(h, 'push_token'), 'utf8')).toBe(TOKEN + '\n');
    expect(readFileSync(secretFile(h, 'pull_hmac'), 'utf8')).toBe(HMAC + '\n');
  });

  it('Push Token, then Pull with "Remove it": the review says removed, and the token is gone', async () => {
    h = await startConsole({ profile: 'vsensor' });
    await toMaster(h);
    await setPushToken(h);
    await setPull(h, true);
    expect(flat(h)).toContain('Push token: NewLabelMarch:**** -> (removed)');
    await h.press('y');
    await h.waitFor('Done: Pull mode is set.');
    expect(flat(h)).toContain('(removed: Push token)');
    expect(existsSync(secretFile(h, 'push_token'))).toBe(false);
  });
});
