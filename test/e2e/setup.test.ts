// The manual's vSensor "Push Token" procedure replayed keystroke by keystroke in a real
// terminal, with a real HTTPS test of a local master (test CA, one accepted token).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, copyFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missing } from '../support/requires.js';
import { bin, consoles } from './support.js';

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const why = missing('e2e', ['tmux', 'openssl', 'curl']);
const GOOD = 'VsensorLab:Q8wErT5yUi9oPa2sDf';
let dir = '';
let server: https.Server | undefined;
let port = 0;
const seen: string[] = [];

beforeAll(async () => {
  if (why) return;
  dir = mkdtempSync(join(tmpdir(), 'cce2e-master-'));
  const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=confconsole e2e CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=localhost');
  execFileSync('sh', ['-c', 'printf "subjectAltName=DNS:localhost,IP:127.0.0.1\\n" > ext'], { cwd: dir });
  ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext');
  server = https.createServer({ key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) }, (req, res) => {
    seen.push(req.headers.authorization ?? '');
    res.writeHead(req.headers.authorization === `Bearer ${GOOD}` ? 200 : 401).end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(why !== undefined)('e2e: vSensor Setup > Master > Push Token', () => {
  const open = consoles();
  afterEach(() => open.closeAll());

  it('wrong token: the test names the cause and the input is kept; right token: tested, confirmed, applied', async () => {
    const c = open.open();
    // the demo root is seeded at start; the master's CA goes in before the test runs
    await c.start({ args: ['--profile', 'vsensor'] });
    mkdirSync(join(c.root, 'etc/confconsole'), { recursive: true });
    copyFileSync(join(dir, 'ca.pem'), join(c.root, 'etc/confconsole/master-ca.pem'));
    c.keys('Enter');
    await c.menu('Main Menu');
    c.keys('2', 'Enter');
    await c.menu('Setup');
    c.keys('1', 'Enter');
    await c.waitFor('No master connection is set');
    c.keys('1', 'Enter');
    await c.waitFor('Push token, in full (label:secret)');
    c.type('VsensorLab:WrongToken12345');
    c.keys('Tab');
    c.type(`127.0.0.1:${port}`);
    c.keys('Enter', 'Enter'); // on to the proxy (left empty), the last field: submitted
    await c.waitFor(`Do you want to test the connection to https://127.0.0.1:${port}?`);
    c.keys('y');
    await c.waitFor('refused the push token (HTTP 401)');
    expect(c.screen()).toContain('Continue anyway?');
    c.keys('Enter'); // the default is No: back to the form, input kept
    await c.waitFor(`127.0.0.1:${port}`);
    expect(c.screen()).not.toContain('WrongToken');
    c.keys('C-u'); // the focus is back on the first field, the token
    c.type(GOOD);
    c.keys('Enter', 'Enter', 'Enter'); // token, host (kept), proxy: the last Enter submits
    await c.waitFor('Do you want to test the connection');
    c.keys('y');
    await c.waitFor(/Successful connection to https:\/\/127\.0\.0\.1:\d+; the master accepted/);
    c.keys('Enter');
    await c.waitFor('Confirm submission');
    expect(c.screen()).toContain('new:     VsensorLab:****');
    c.keys('y');
    await c.waitFor('Done: the vSensor connects to its master with the push token.');
    expect(c.screen()).not.toContain('Q8wErT');
    c.keys('Enter');
    await c.waitFor('Current mode: Push Token');
    expect(seen).toContain(`Bearer ${GOOD}`);

    const secret = join(c.root, 'etc/confconsole/secrets/push_token');
    expect(readFileSync(secret, 'utf8')).toBe(`${GOOD}\n`);
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    const show = c.cli('master', 'show', '--json');
    expect(JSON.parse(show.stdout)).toEqual({ ok: true, mode: 'push-token', host: `127.0.0.1:${port}`, proxy: null, token: 'VsensorLab:****' });
    // not c.cli(): a synchronous child would block the master this process serves
    const test = await run(process.execPath, [bin, '--root', c.root, 'master', 'test', '--json']);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ ok: true, cause: 'ok', status: 200 });
    expect(c.fileOr('var/log/confconsole/audit.log')).not.toContain('Q8wErT');
  });
});
