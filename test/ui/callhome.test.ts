// Appliance Admin > Call-Home menu on a headless terminal, through the real scripts on a
// demo root (the demo records service actions and runs no network check).
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { callhomeStatus } from '../../src/features/callhome/ops.js';
import { makePaths } from '../../src/system/paths.js';
import { makeRunner } from '../../src/system/runner.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const ini = (x: Harness) => readFileSync(join(x.root, 'etc/confconsole/appliance.ini'), 'utf8');

async function toCallhome(x: Harness) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '3', KEYS.enter, '2', KEYS.enter);
  await x.waitFor('Call-Home is disabled.');
  expect(x.text()).toContain('6. Call-Home partner connection');
}

describe('Call-Home menu (demo appliance)', () => {
  it('status: one row per check, the advice under each FAIL', async () => {
    h = await startConsole();
    await toCallhome(h);
    await h.press('2', KEYS.enter);
    await h.waitFor('-> This indicates a problem with the Call-Home setting.'); // the result, with the advice
    expect(h.text()).toContain('Call-Home is disabled, checking connection anyway'); // it keeps the manual's head
    expect(h.text()).toContain('-> This indicates a problem with the Call-Home setting.');
    expect(h.text()).toMatch(/SKIP +Call-Home Hostname Resolution by DNS \(demo appliance: not checked\)/);
  });

  it('Enable/Disable as the manual: enable, then choosing it twice (disable, enable) restarts', async () => {
    h = await startConsole();
    await toCallhome(h);
    await h.press('3', KEYS.enter);
    await h.waitFor('Call-Home is disabled. Do you want to enable Call-Home?');
    await h.press('y');
    await h.waitFor('Done.');
    expect(h.text()).toContain('Call-Home is enabled.');
    await h.press(KEYS.enter);
    await h.waitFor(/Call-Home is enabled\.\s/);
    await h.press('3', KEYS.enter);
    await h.waitFor('Call-Home is enabled. Do you want to disable Call-Home?');
    await h.press('y');
    await h.waitFor('Call-Home is disabled.');
    await h.press(KEYS.enter, '3', KEYS.enter);
    await h.waitFor('Do you want to enable Call-Home?');
    await h.press('y');
    await h.waitFor('Call-Home is enabled.');
    const effects = readFileSync(join(h.root, 'var/log/confconsole/host-effects.log'), 'utf8');
    expect(effects.match(/service confconsole-callhome (restart|stop)/g)).toEqual(['service confconsole-callhome restart', 'service confconsole-callhome stop', 'service confconsole-callhome restart']);
  });

  it('default configuration: the question shows now and default, host included; Enter keeps, y applies', async () => {
    h = await startConsole();
    await h.waitFor('Welcome');
    const path = join(h.root, 'etc/confconsole/appliance.ini');
    writeFileSync(path, ini(h).replace('host = "callhome.example.com"', 'host = "other.example.net"'));
    await toCallhome(h);
    await h.press('4', KEYS.enter);
    await h.waitFor('2. Default configuration');
    await h.press('2', KEYS.enter);
    await h.waitFor('Use the default Call-Home configuration?');
    expect(h.text()).toMatch(/now: +other\.example\.net, port 22: SSH/);
    expect(h.text()).toMatch(/default: callhome\.example\.com, port 443: SSH wrapped in SSL/);
    const before = ini(h);
    await h.press(KEYS.enter); // the answer starts on No
    await h.waitFor('1. Edit the configuration');
    expect(ini(h)).toBe(before);
    await h.press('2', KEYS.enter);
    await h.waitFor('Use the default Call-Home configuration?');
    await h.press('y');
    await h.waitFor(/Default configuration: port 443 with SSL wrapping, to[\s│]+callhome\.example\.com\./);
    expect(ini(h)).toMatch(/host = "?callhome\.example\.com"?\nport = "?443"?\nssl = "?yes"?/);
  });

  it('configuration: 443 with SSL and an HTTP proxy with a user; the password is asked, never shown', async () => {
    h = await startConsole();
    await toCallhome(h);
    await h.press('4', KEYS.enter);
    await h.waitFor('1. Edit the configuration');
    await h.press('1', KEYS.enter);
    await h.waitFor('Call-Home host (name or IP address)');
    expect(h.text()).not.toContain('Wrap the connection in SSL?');
    await h.press(KEYS.tab, KEYS.right); // port 443
    await h.waitFor('Wrap the connection in SSL?');
    await h.waitFor('(*) Yes'); // with 443, SSL wrapping is offered as Yes
    await h.press(KEYS.tab, KEYS.tab, KEYS.right); // proxy: HTTP
    await h.waitFor('Proxy address (HOST:PORT)');
    await h.press(KEYS.tab);
    await h.type('proxy.example.com:3128');
    await h.press(KEYS.tab);
    await h.type('ops');
    // Enter goes on to the password, the last field; Enter there submits the form
    await h.press(KEYS.enter, KEYS.enter);
    await h.waitFor('! Enter the proxy password');
    await h.type('S3cret-pw');
    expect(h.text()).not.toContain('S3cret');
    await h.press(KEYS.enter);
    await h.waitFor('Save this Call-Home configuration?');
    expect(h.text()).not.toContain('S3cret');
    await h.press('y');
    await h.waitFor('Call-Home settings saved.');
    const s = ini(h);
    expect(s).toContain('port = "443"');
    expect(s).toContain('ssl = "yes"');
    expect(s).toContain('proxy = "http://proxy.example.com:3128"');
    expect(s).not.toContain('S3cret');
    expect(readFileSync(join(h.root, 'etc/confconsole/secrets/callhome_proxy'), 'utf8')).toContain('S3cret-pw');
  });

  it('clear cache (Call-Home disabled) asks, then clears; the partner screen fits, with the ports; 3 shows the one-line key', async () => {
    h = await startConsole();
    await toCallhome(h);
    await h.press('5', KEYS.enter);
    await h.waitFor('connection. Clear the cache now?'); // disabled: it is asked, and may be cleared
    await h.press('y');
    await h.waitFor('The Call-Home cache was already empty.');
    await h.press(KEYS.enter);
    await h.waitFor('6. Call-Home partner connection');
    await h.press('6', KEYS.enter);
    await h.waitFor('Forwarded ports for dt-1234-01: SSH 12341, HTTPS 32341');
    expect(h.text()).toContain('< Select >'); // the whole menu fits at 80x24
    await h.press('2', KEYS.enter);
    await h.waitFor('There is no partner connection to disable.');
    await h.press(KEYS.enter);
    await h.press('3', KEYS.enter);
    await h.waitFor('autossh@dt-1234-01');
    expect(h.text()).toMatch(/ssh-rsa[\s│]+AAAA/); // wrapped on screen; the CLI prints it as one line
    await h.press(KEYS.enter);
    await h.waitFor('1. Set the partner');
    await h.press('1', KEYS.enter);
    await h.waitFor('Partner SSH server');
    await h.type('partner.example.net');
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('2222');
    await h.press(KEYS.enter);
    await h.waitFor('Review the change');
    await h.press('y');
    await h.waitFor('Partner connection set: partner.example.net, port 2222.');
    await h.press(KEYS.enter);
    await h.waitFor('Partner connection: partner.example.net, port 2222');
  });

  // A Call-Home server that accepts and never answers: the TCP check waits (~10 s), so the
  // dialog can be read while it runs. Loopback only.
  async function silentServer(): Promise<{ server: Server; port: number; close(): void }> {
    const sockets: Socket[] = [];
    const server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    return { server, port, close: () => (sockets.forEach((s) => s.destroy()), server.close()) };
  }

  /** A real (non-demo) appliance whose Call-Home points at the silent server. */
  async function toSlowStatus(enabled: boolean) {
    const srv = await silentServer();
    const x = await startConsole();
    const path = join(x.root, 'etc/confconsole/appliance.ini');
    writeFileSync(
      path,
      ini(x)
        .replace('demo = true', 'demo = false')
        .replace('host = "callhome.example.com"', 'host = "127.0.0.1"')
        .replace(/^port = 22$/m, `port = ${srv.port}`)
        .replace('enabled = no', `enabled = ${enabled ? 'yes' : 'no'}`),
    );
    await x.waitFor('Welcome');
    await x.press(KEYS.enter, '3', KEYS.enter, '2', KEYS.enter);
    await x.waitFor(`Call-Home is ${enabled ? 'enabled' : 'disabled'}.`);
    await x.press('2', KEYS.enter);
    return { x, srv };
  }

  it.each([
    [true, 'Call-Home is enabled, checking connection'],
    [false, 'Call-Home is disabled, checking connection anyway'],
  ])('while status runs (enabled %s) the dialog says the manual\'s words and names the check being made', async (enabled, words) => {
    const { x, srv } = await toSlowStatus(enabled);
    h = x;
    try {
      await h.waitFor('Checking Call-Home Remote Host TCP Connectivity...');
      const screen = h.text();
      expect(screen).toContain(words);
      // the check under way is the last line: the rows before it are done
      expect(screen).toMatch(/SKIP Call-Home Hostname Resolution by DNS[^\n]*\n(.*\n)?.*Checking Call-Home Remote Host TCP Connectivity\.\.\./);
      expect(screen).not.toContain('Checking Call-Home Authentication');
      await h.press(KEYS.esc); // read-only: Esc stops it
      await h.waitFor(/Call-Home status/);
    } finally {
      srv.close();
    }
  });

  it('status through the operation: each check made is named before its row, the head from the settings', async () => {
    h = await startConsole();
    const paths = makePaths(h.root);
    const notes: string[] = [];
    const lines: string[] = [];
    const o = await callhomeStatus.run({ paths, runner: makeRunner(paths) }, {}, { line: (t) => lines.push(t), note: (t) => notes.push(t) });
    expect(notes).toEqual(['Call-Home is disabled, checking connection anyway']);
    expect(o.details?.[0]).toBe('Call-Home is disabled, checking connection anyway');
    // the demo makes the first two checks (the others are SKIP: not made, nothing to name)
    for (const c of ['Call-Home Service running', 'Call-Home Service Config Enabled']) {
      const said = lines.indexOf(`Checking ${c}...`);
      const row = lines.findIndex((l) => new RegExp(`^(OK|FAIL|SKIP) +${c}:`).test(l));
      expect(said, lines.join('\n')).toBeGreaterThanOrEqual(0);
      expect(row, lines.join('\n')).toBe(said + 1);
    }
    expect(lines.filter((l) => l.startsWith('Checking '))).toHaveLength(2);
  });
});
