// The vSensor's master connection for real: test_master.sh against a local HTTPS master on
// loopback (test CA, a good and a wrong-name certificate, a silent server, a closed port, an
// HTTP CONNECT proxy), and the writers set_pushtoken.sh, set_dcip_hmac.sh, set_push.sh and
// set_ossensor_hmac.sh: secrets on stdin only, stored 0600, never in argv, logs or output, every
// refusal leaving the appliance byte for byte as it was, a failed restart restoring it.
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIni, parseSettings } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import {
  auditEntries,
  listDir,
  makeRoot,
  modeOf,
  read,
  readOr,
  removeRoots,
  runScriptInput,
  serviceCmd,
  stagedTemps,
  treeSnapshot,
  type Root,
  type RunResult,
} from './helpers.js';
import { randomHmac, randomSecret, startMaster, type MasterFixture } from './master-fixture.js';

const why = missing('system: master connection (test_master.sh against a local HTTPS master)', ['root', 'openssl', 'curl', 'unshare', 'bash', 'awk', 'flock']);
const whyWriters = missing('system: master and osSensor secrets writers', ['root', 'unshare', 'bash', 'awk', 'flock', 'getent', 'sha256sum']);

afterAll(() => removeRoots());

const secretsDir = (r: Root) => join(r.dir, 'etc/confconsole/secrets');
const secretFile = (r: Root, name: string) => join(secretsDir(r), name);
const sha8 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);
/** A secret's fingerprint as the audit records it: keyed with the appliance's own key (lib/fingerprint.py). */
const hmac8 = (r: Root, s: string) => createHmac('sha256', read(join(secretsDir(r), 'fingerprint.key')).trim()).update(s).digest('hex').slice(0, 8);
/** The secret files (the fingerprint key beside them is no secret of a setting). */
const secretFiles = (r: Root) => listDir(secretsDir(r)).filter((f) => f !== 'fingerprint.key');
const master = (r: Root) => (parseSettings(read(r.ini)) as Record<string, Record<string, unknown>>).master;
const withCa = (r: Root, pem: string) => writeFileSync(join(r.dir, 'etc/confconsole/master-ca.pem'), pem);
/** stdout and stderr of a run, to say a secret never appears in them */
const said = (r: RunResult) => r.stdout + r.stderr;

describe.skipIf(why !== undefined)('test_master.sh against a local HTTPS master', () => {
  let fx: MasterFixture;
  let root: Root; // trusts the test CA
  const tm = (args: string[], input: string | undefined, r: Root = root, loopbackDns = true) =>
    runScriptInput('test_master.sh', args, r.dir, input, {}, { loopbackDns });

  beforeAll(async () => {
    fx = await startMaster();
    root = makeRoot({ demo: true });
    withCa(root, fx.caPem);
  });
  afterAll(async () => fx?.close());

  it('succeeds with the good token: exit 0, cause ok, and the master saw the bearer header', async () => {
    const before = treeSnapshot(root.dir);
    for (const host of [`127.0.0.1:${fx.port}`, `localhost:${fx.port}`]) {
      const n = fx.requests.length;
      const r = await tm([host], fx.token + '\n');
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toEqual({ ok: true, cause: 'ok', status: 200, message: expect.stringContaining(`https://${host}`), pinned: false, certificate: null });
      expect(r.json.message).toMatch(/accepted the push token/);
      expect(fx.requests.slice(n)).toEqual([{ method: 'GET', url: '/', authorization: `Bearer ${fx.token}` }]);
      expect(said(r)).not.toContain(fx.token.split(':')[1]);
    }
    expect(treeSnapshot(root.dir)).toEqual(before); // a test changes nothing
  });

  it('a token the master refuses: cause token, status 401, exit 5', async () => {
    const bad = `${fx.label}:${randomSecret()}`;
    const n = fx.requests.length;
    const r = await tm([`127.0.0.1:${fx.port}`], bad + '\n');
    expect(r.code, r.stderr).toBe(5);
    expect(r.json).toMatchObject({ ok: false, cause: 'token', status: 401 });
    expect(r.json.message).toMatch(/refused the push token/);
    expect(fx.requests.slice(n).map((q) => q.authorization)).toEqual([`Bearer ${bad}`]);
    expect(said(r)).not.toContain(bad.split(':')[1]);
  });

  it('without master-ca.pem the test CA is not trusted: cause certificate', async () => {
    const bare = makeRoot({ demo: true });
    const n = fx.requests.length;
    const r = await tm([`127.0.0.1:${fx.port}`], fx.token + '\n', bare);
    expect(r.code, r.stderr).toBe(5);
    expect(r.json).toMatchObject({ ok: false, cause: 'certificate', status: 0 });
    expect(fx.requests.length).toBe(n); // the token never went to an untrusted server
  });

  it('a certificate for another name, reached as localhost: cause certificate', async () => {
    const r = await tm([`localhost:${fx.wrongNamePort}`], fx.token + '\n');
    expect(r.code, r.stderr).toBe(5);
    expect(r.json).toMatchObject({ ok: false, cause: 'certificate', status: 0 });
    expect(r.json.message).toContain('"localhost"');
  });

  it("certificate failures say curl's reason, not its trailing advice", async () => {
    // curl's error for code 60 is several lines; the first says why, the last says "how to fix
    // it, please visit the web page mentioned above" (a page the user is never shown)
    const wrong = await tm([`localhost:${fx.wrongNamePort}`], fx.token + '\n');
    const untrusted = await tm([`127.0.0.1:${fx.port}`], fx.token + '\n', makeRoot({ demo: true }));
    for (const r of [wrong, untrusted]) {
      expect(r.json.cause).toBe('certificate');
      expect(r.json.message).not.toMatch(/mentioned above/);
    }
    expect(wrong.json.message).toMatch(/subject name|does not match|no alternative/i);
    expect(untrusted.json.message).toMatch(/issuer|self.signed|not trusted/i);
  });

  it('a closed port: cause refused', async () => {
    const r = await tm([`127.0.0.1:${fx.closedPort}`], fx.token + '\n');
    expect(r.code, r.stderr).toBe(5);
    expect(r.json).toMatchObject({ ok: false, cause: 'refused', status: 0 });
  });

  it('a server that never answers, --timeout 2: cause timeout, within 6 s', async () => {
    const r = await tm(['--timeout', '2', `127.0.0.1:${fx.silentPort}`], fx.token + '\n');
    expect(r.code, r.stderr).toBe(5);
    expect(r.json).toMatchObject({ ok: false, cause: 'timeout', status: 0 });
    expect(r.json.message).toMatch(/within 2 s/);
    expect(r.ms).toBeGreaterThan(1500);
    expect(r.ms).toBeLessThan(6000);
  });

  it('a name that does not resolve (loopback DNS): cause dns', async () => {
    const r = await tm([`nothing.invalid:${fx.port}`], fx.token + '\n');
    expect(r.code, r.stderr).toBe(5);
    expect(r.json).toMatchObject({ ok: false, cause: 'dns', status: 0 });
    expect(r.json.message).toContain('"nothing.invalid"');
  });

  it('through the HTTP proxy: ok, and the proxy saw CONNECT 127.0.0.1:PORT', async () => {
    const n = fx.connects.length;
    const q = fx.requests.length;
    const r = await tm([`127.0.0.1:${fx.port}`, `http://127.0.0.1:${fx.proxyPort}`], fx.token + '\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ ok: true, cause: 'ok', status: 200 });
    expect(fx.requests.slice(q).map((x) => x.authorization)).toEqual([`Bearer ${fx.token}`]);
    // test_master.sh passes --noproxy '*' with --proxy: curl then ignores the proxy
    expect(fx.connects.slice(n)).toEqual([`127.0.0.1:${fx.port}`]);
  });

  it('a proxy port where nothing listens: cause proxy', async () => {
    const q = fx.requests.length;
    const r = await tm([`127.0.0.1:${fx.port}`, `http://127.0.0.1:${fx.closedPort}`], fx.token + '\n');
    expect(r.code, r.stderr).toBe(5);
    expect(r.json).toMatchObject({ ok: false, cause: 'proxy' });
    expect(fx.requests.length).toBe(q); // did not go around the proxy
  });

  it('a proxy name that does not resolve (loopback DNS): cause proxy, naming DNS', async () => {
    const r = await tm([`127.0.0.1:${fx.port}`, 'http://proxy.nothing.invalid:3128'], fx.token + '\n');
    expect(r.code, r.stderr).toBe(5);
    expect(r.json).toMatchObject({ ok: false, cause: 'proxy' });
    expect(r.json.message).toMatch(/does not resolve/);
  });

  it('--stored uses the token set_pushtoken.sh saved (nothing on stdin)', async () => {
    const r0 = makeRoot({ demo: true });
    withCa(r0, fx.caPem);
    const none = await tm(['--stored', `127.0.0.1:${fx.port}`], undefined, r0);
    expect(none.code, none.stderr).toBe(1);
    expect(none.json.error).toMatch(/no push token is stored/);

    const set = await runScriptInput('set_pushtoken.sh', [`127.0.0.1:${fx.port}`], r0.dir, fx.token + '\n');
    expect(set.code, set.stderr).toBe(0);
    const n = fx.requests.length;
    const r = await tm(['--stored', `127.0.0.1:${fx.port}`], undefined, r0);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ ok: true, cause: 'ok', status: 200 });
    expect(fx.requests.slice(n).map((x) => x.authorization)).toEqual([`Bearer ${fx.token}`]);
    expect(said(r)).not.toContain(fx.token.split(':')[1]);
  });

  it('refuses bad arguments and a malformed token with exit 2, before any connection', async () => {
    const q = fx.requests.length;
    const cases: [string[], string | undefined, RegExp][] = [
      [['--timeout', '0', `127.0.0.1:${fx.port}`], undefined, /--timeout takes 1 to 120/],
      [['--timeout', '121', `127.0.0.1:${fx.port}`], undefined, /--timeout takes 1 to 120/],
      [['--timeout', 'x', `127.0.0.1:${fx.port}`], undefined, /--timeout takes 1 to 120/],
      [['--bogus', `127.0.0.1:${fx.port}`], undefined, /unknown option --bogus/],
      [[], undefined, /usage: test_master\.sh/],
      [['https://127.0.0.1/'], undefined, /not a host name or IP address/],
      [[`127.0.0.1:${fx.port}`, 'socks5://127.0.0.1:1080'], undefined, /HTTP proxy/],
      [[`127.0.0.1:${fx.port}`], 'no-colon-in-this-token\n', /label:secret/],
      [[`127.0.0.1:${fx.port}`], 'lab:has a space\n', /secret after ':'/],
    ];
    for (const [args, input, msg] of cases) {
      const r = await tm(args, input);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.json?.error, args.join(' ')).toMatch(msg);
    }
    expect(fx.requests.length).toBe(q);
  });
});

describe.skipIf(whyWriters !== undefined)('set_pushtoken.sh: the push token from stdin', () => {
  const HOST = '127.0.0.1:8443';
  const run = (r: Root, args: string[], input: string | undefined, extra: Record<string, string> = {}) =>
    runScriptInput('set_pushtoken.sh', args, r.dir, input, extra, { loopbackDns: true });

  it('writes [master] and a 0600 secret file; shows and audits label:**** with a length and a hash only', async () => {
    const root = makeRoot({ demo: true });
    const secret = randomSecret(48);
    const token = `vsensor-7.eu_1:${secret}`;
    const r = await run(root, ['Master.Example.COM:8443', 'http://Proxy.Example.NET:3128/'], token + '\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toEqual({ ok: true, changed: true, mode: 'push-token', host: 'master.example.com:8443', proxy: 'http://proxy.example.net:3128', token: 'vsensor-7.eu_1:****', removed: [] });
    expect(master(root)).toEqual({ mode: 'push-token', host: 'master.example.com:8443', proxy: 'http://proxy.example.net:3128', token_label: 'vsensor-7.eu_1' });

    expect(modeOf(secretsDir(root))).toBe(0o700);
    expect(secretFiles(root)).toEqual(['push_token']);
    expect(modeOf(secretFile(root, 'push_token'))).toBe(0o600);
    expect(read(secretFile(root, 'push_token'))).toBe(token + '\n');

    const a = auditEntries(root).at(-1)!;
    expect(a).toMatchObject({ script: 'set_pushtoken.sh', action: 'master.set', result: 'ok' });
    expect(a.detail).toContain('vsensor-7.eu_1:****');
    expect(a.detail).toContain(`${token.length} chars`);
    expect(a.detail).toMatch(/hmac [0-9a-f]{8}\b/);
    expect(a.detail).toContain(`hmac ${hmac8(root, token)}`);
    expect(a.detail).not.toContain(sha8(token));
    for (const text of [said(r), read(root.ini), read(root.audit), readOr(root.hostEffects)]) expect(text).not.toContain(secret);
    expect(read(root.hostEffects)).toMatch(/ service vsensor-probe restart$/m);
    expect(stagedTemps(root)).toEqual([]);
  });

  it("a change of mode keeps the other mode's secret (the master shows a push token once); --remove-old-secret removes it, audited", async () => {
    const root = makeRoot({ demo: true });
    const token = `one:${randomSecret()}`;
    expect((await run(root, [HOST], token + '\n')).code).toBe(0);
    expect(secretFiles(root)).toEqual(['push_token']);
    const hmac = () => `${randomSecret(24).replace(/[^A-Za-z0-9]/g, 'x')}\n`;
    // kept: Pull mode without the option
    const pull = await runScriptInput('set_dcip_hmac.sh', [], root.dir, hmac());
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.json).toMatchObject({ mode: 'pull', removed: [] });
    expect(secretFiles(root)).toEqual(['pull_hmac', 'push_token']);
    expect(read(secretFile(root, 'push_token'))).toBe(token + '\n');
    // removed, when asked, in the same change (and its audit line)
    const pull2 = await runScriptInput('set_dcip_hmac.sh', ['--remove-old-secret'], root.dir, hmac());
    expect(pull2.code, pull2.stderr).toBe(0);
    expect(pull2.json).toMatchObject({ mode: 'pull', removed: ['push_token'] });
    expect(secretFiles(root)).toEqual(['pull_hmac']);
    expect(auditEntries(root).at(-1)).toMatchObject({ action: 'master.set', detail: expect.stringMatching(/; removed push_token$/), result: 'ok' });
    // legacy Push keeps the Pull token unless asked, then removes both kinds
    const push = await runScriptInput('set_push.sh', ['192.0.2.10'], root.dir, undefined);
    expect(push.code, push.stderr).toBe(0);
    expect(secretFiles(root)).toEqual(['pull_hmac']);
    const push2 = await runScriptInput('set_push.sh', ['--remove-old-secret', '192.0.2.10'], root.dir, undefined);
    expect(push2.json).toMatchObject({ ok: true, removed: ['pull_hmac'] });
    expect(secretFiles(root)).toEqual([]);
    expect(master(root)).toMatchObject({ mode: 'push', host: '192.0.2.10' });
  });

  it('a second token replaces the first; the old one is kept only in a 0600 backup', async () => {
    const root = makeRoot({ demo: true });
    const t1 = `one:${randomSecret()}`;
    const t2 = `two:${randomSecret()}`;
    expect((await run(root, [HOST], t1 + '\n')).code).toBe(0);
    expect((await run(root, [HOST, 'http://192.0.2.3:8080'], t2 + '\r\n')).code).toBe(0); // CRLF from a Windows file
    expect(read(secretFile(root, 'push_token'))).toBe(t2 + '\n');
    expect(master(root)).toMatchObject({ token_label: 'two', proxy: 'http://192.0.2.3:8080' });
    const backups = listDir(root.backups).filter((b) => b.startsWith('etc_confconsole_secrets_push_token.'));
    expect(backups).toHaveLength(1);
    expect(read(join(root.backups, backups[0]!))).toBe(t1 + '\n');
    expect(modeOf(join(root.backups, backups[0]!))).toBe(0o600);
    expect(modeOf(root.backups)).toBe(0o700);
  });

  it('refuses a malformed token with exit 2, a clear message, and nothing changed', async () => {
    const root = makeRoot({ demo: true });
    const before = treeSnapshot(root.dir);
    const s = randomSecret(); // long, unique: must never be echoed back
    const cases: [string, string | undefined, RegExp][] = [
      ['no colon', `${s}\n`, /label:secret, exactly as the master shows it/],
      ['empty label', `:${s}\n`, /label before ':'/],
      ['label with a space', `my label:${s}\n`, /label before ':'/],
      ['label longer than 64', `${'l'.repeat(65)}:${s}\n`, /label before ':'/],
      ['secret of 7', 'lab:Ab3De6G\n', /secret after ':' must be 8-256/],
      ['secret longer than 256', `lab:${'x'.repeat(257)}\n`, /secret after ':' must be 8-256/],
      ['secret with a space', `lab:${s} ${s}\n`, /no spaces/],
      ['secret with a double quote', `lab:${s}"x\n`, /secret after ':'/],
      ["secret with a single quote", `lab:${s}'x\n`, /secret after ':'/],
      ['secret with a semicolon', `lab:${s};x\n`, /secret after ':'/],
      ['secret with a second colon', `lab:${s}:x\n`, /secret after ':'/],
      ['empty line', '\n', /no push token given/],
      ['empty stdin', '', /no push token given/],
      ['no stdin', undefined, /no push token given/],
    ];
    for (const [what, input, msg] of cases) {
      const r = await run(root, [HOST], input);
      expect(r.code, `${what}: ${r.stderr}`).toBe(2);
      expect(r.json, what).toMatchObject({ ok: false, code: 2 });
      expect(r.json.error, what).toMatch(msg);
      expect(r.stderr, what).toMatch(msg);
      expect(said(r), what).not.toContain(s);
      expect(treeSnapshot(root.dir), what).toEqual(before);
    }
    expect(existsSync(secretsDir(root))).toBe(false);
  });

  it("accepts the manual's form `set_pushtoken.sh TOKEN HOST [PROXY]` with one warning line naming the stdin form", async () => {
    for (const extra of [[], ['http://192.0.2.3:8080'], ['HTTP://192.0.2.3:8080/']]) {
      const root = makeRoot({ demo: true });
      const token = `lab:${randomSecret()}`;
      const r = await run(root, [token, 'Master.Example.com', ...extra], undefined);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toMatchObject({ ok: true, mode: 'push-token', host: 'master.example.com', proxy: extra.length ? 'http://192.0.2.3:8080' : '', token: 'lab:****' });
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
      expect(warnings).toEqual([
        "warning: the push token was given on the command line, where every user can read it in the process list (ps); pass it on standard input instead: echo 'label:secret' | set_pushtoken.sh HOST [PROXY]",
      ]);
      expect(said(r)).not.toContain(token.split(':')[1]);
      expect(read(secretFile(root, 'push_token'))).toBe(token + '\n');
    }
    // a token alone (no HOST) is not the manual's form: it is taken as a host, and refused
    const root = makeRoot({ demo: true });
    const before = treeSnapshot(root.dir);
    const r = await run(root, [`lab:${randomSecret()}`], undefined);
    expect(r.code).toBe(2);
    expect(treeSnapshot(root.dir)).toEqual(before);
  });

  it('refuses a bad host or proxy (credentials, other schemes, no port) with exit 2', async () => {
    const root = makeRoot({ demo: true });
    const before = treeSnapshot(root.dir);
    const token = `lab:${randomSecret()}\n`;
    const cases: [string[], RegExp][] = [
      [[''], /not a host name or IP address/],
      [['two words'], /not a host name or IP address/],
      [['https://master.example.com'], /not a host name or IP address/],
      [['master.example.com:'], /not a host name or IP address/],
      [['master.example.com:0'], /not a host name or IP address/],
      [['master.example.com:65536'], /not a host name or IP address/],
      [['192.0.2.300'], /not a host name or IP address/],
      [['-master.example.com'], /not a host name or IP address/],
      [['under_score.example.com'], /not a host name or IP address/],
      [[HOST, 'http://u:p@proxy.example.com:1'], /credentials are not accepted/],
      [[HOST, 'socks5://proxy.example.com:1'], /must be an HTTP proxy/],
      [[HOST, 'https://proxy.example.com:1'], /must be an HTTP proxy/],
      [[HOST, 'http://proxy.example.com'], /http:\/\/HOST:PORT/],
      [[HOST, 'http://proxy.example.com:'], /http:\/\/HOST:PORT/],
      [[HOST, 'http://proxy.example.com:0'], /port must be 1-65535/],
      [[HOST, 'http://proxy.example.com:70000'], /port must be 1-65535/],
      [[HOST, 'http://bad_name:3128'], /not a host name or IP address/],
    ];
    for (const [args, msg] of cases) {
      const r = await run(root, args, token);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.json.error, args.join(' ')).toMatch(msg);
      expect(treeSnapshot(root.dir), args.join(' ')).toEqual(before);
    }
  });

  it('a failing probe restart: exit 3, appliance.ini restored, no secret file left (there was none)', async () => {
    const root = makeRoot({ demo: false });
    const before = treeSnapshot(root.dir, (p) => !p.startsWith('etc/'));
    const svc = serviceCmd(root, ['vsensor-probe'], 'service', { failTimes: 1 });
    const secret = randomSecret();
    const r = await run(root, [HOST], `lab:${secret}\n`, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
    expect(r.code, r.stderr).toBe(3);
    expect(r.json).toMatchObject({ ok: false, code: 3 });
    expect(r.json.error).toMatch(/vsensor-probe did not restart .*previous settings restored/);
    expect(treeSnapshot(root.dir, (p) => !p.startsWith('etc/'))).toEqual(before);
    expect(existsSync(secretFile(root, 'push_token'))).toBe(false);
    expect(read(svc.log).split('\n').filter(Boolean)).toEqual(['restart vsensor-probe', 'restart vsensor-probe']);
    expect(auditEntries(root).map((a) => [a.action, a.result])).toEqual([['master.set', 'failed, restored']]);
    expect(readOr(root.audit)).not.toContain(secret);
    expect(existsSync(join(root.dir, 'var/lib/confconsole/txn'))).toBe(false);
  });

  it('a failing probe restart after a good change: the old token and settings come back byte for byte', async () => {
    const root = makeRoot({ demo: false });
    const ok = serviceCmd(root, [], 'service-ok');
    const t1 = `first:${randomSecret()}`;
    expect((await run(root, ['master.example.com', 'http://192.0.2.3:8080'], t1 + '\n', { CONFCONSOLE_SERVICE_CMD: ok.cmd })).code).toBe(0);
    const etc = (p: string) => !p.startsWith('etc/');
    const before = treeSnapshot(root.dir, etc);
    const bad = serviceCmd(root, ['vsensor-probe'], 'service-failing', { failTimes: 1 });
    const r = await run(root, [HOST], `second:${randomSecret()}\n`, { CONFCONSOLE_SERVICE_CMD: bad.cmd });
    expect(r.code, r.stderr).toBe(3);
    expect(treeSnapshot(root.dir, etc)).toEqual(before);
    expect(read(secretFile(root, 'push_token'))).toBe(t1 + '\n');
    expect(modeOf(secretFile(root, 'push_token'))).toBe(0o600);
    expect(master(root)).toMatchObject({ mode: 'push-token', host: 'master.example.com', token_label: 'first' });
    expect(stagedTemps(root)).toEqual([]);
  });
});

/** set_dcip_hmac.sh (Pull mode) and set_ossensor_hmac.sh take the same kind of key. */
const HMAC_SCRIPTS = [
  {
    script: 'set_dcip_hmac.sh',
    secret: 'pull_hmac',
    what: 'pull-mode HMAC token',
    hint: 'echo TOKEN | set_dcip_hmac.sh',
    action: 'master.set',
    settings: (r: Root) => expect(master(r)).toEqual({ mode: 'pull', host: '', proxy: '', token_label: '' }),
    json: (len: number) => ({ ok: true, changed: true, mode: 'pull', length: len, short: len < 20, removed: [] }),
  },
  {
    script: 'set_ossensor_hmac.sh',
    secret: 'ossensor_hmac',
    what: 'osSensor HMAC key',
    hint: 'echo KEY | set_ossensor_hmac.sh',
    action: 'ossensor.hmac',
    settings: (r: Root) => expect(parseIni(read(r.ini)).ossensor).toEqual({ hmac_set: 'yes' }),
    json: (len: number) => ({ ok: true, changed: true, length: len, short: len < 20 }),
  },
] as const;

describe.skipIf(whyWriters !== undefined).each(HMAC_SCRIPTS)('$script: a 5-63 letters-and-digits key from stdin', (t) => {
  const run = (r: Root, args: string[], input: string | undefined, extra: Record<string, string> = {}) =>
    runScriptInput(t.script, args, r.dir, input, extra);

  it('stores a long key 0600 with no warning; audit has a length and a hash, never the key', async () => {
    const root = makeRoot({ demo: true });
    const key = randomHmac(48);
    const r = await run(root, [], key + '\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toEqual(t.json(48));
    expect(r.stderr).not.toMatch(/warning/);
    t.settings(root);
    expect(read(secretFile(root, t.secret))).toBe(key + '\n');
    expect(modeOf(secretFile(root, t.secret))).toBe(0o600);
    expect(modeOf(secretsDir(root))).toBe(0o700);
    const a = auditEntries(root).at(-1)!;
    expect(a).toMatchObject({ script: t.script, action: t.action, result: 'ok' });
    expect(a.detail).toContain(`48 chars, hmac ${hmac8(root, key)}`);
    expect(a.detail).not.toContain(sha8(key));
    for (const text of [said(r), read(root.ini), read(root.audit), readOr(root.hostEffects)]) expect(text).not.toContain(key);
  });

  it('accepts 5 to 19 characters with a warning on stderr, and 63', async () => {
    const root = makeRoot({ demo: true });
    for (const len of [5, 12, 19, 20, 63]) {
      const key = randomHmac(len);
      const r = await run(root, [], key + '\n');
      expect(r.code, `${len}: ${r.stderr}`).toBe(0);
      expect(r.json).toEqual(t.json(len));
      if (len < 20) expect(r.stderr).toMatch(new RegExp(`warning: the [\\w -]+ has ${len} characters; 20 or more are recommended`));
      else expect(r.stderr).not.toMatch(/warning/);
      expect(read(secretFile(root, t.secret))).toBe(key + '\n');
    }
  });

  it('refuses keys outside 5-63 or with symbols, and an empty one: exit 2, nothing changed', async () => {
    const root = makeRoot({ demo: true });
    const before = treeSnapshot(root.dir);
    const k = randomHmac(30);
    for (const input of ['Ab3d\n', `${randomHmac(64)}\n`, `${k}-x\n`, `${k}_x\n`, `${k} x\n`, `${k}"\n`, `${k};\n`, `${k}é\n`, '\n', '', undefined]) {
      const r = await run(root, [], input);
      expect(r.code, `${JSON.stringify(input)}: ${r.stderr}`).toBe(2);
      expect(r.json.error).toMatch(/must be 5-63 letters and digits/);
      expect(said(r)).not.toContain(k);
      expect(treeSnapshot(root.dir)).toEqual(before);
    }
  });

  it("accepts the key as the manual's argument, with one warning line naming the stdin form; a bad one is refused all the same", async () => {
    const root = makeRoot({ demo: true });
    const key = randomHmac(40);
    const r = await run(root, [key], undefined);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toEqual(t.json(40));
    expect(r.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      `warning: the ${t.what} was given on the command line, where every user can read it in the process list (ps); pass it on standard input instead: ${t.hint}`,
    ]);
    expect(said(r)).not.toContain(key);
    expect(read(secretFile(root, t.secret))).toBe(key + '\n');
    const before = treeSnapshot(root.dir);
    for (const bad of ['Ab3d', `${key}-x`, '-x', '']) {
      const b = await run(root, [bad], undefined);
      expect(b.code, bad).toBe(2);
      expect(b.json.error).toMatch(/must be 5-63 letters and digits/);
      expect(treeSnapshot(root.dir)).toEqual(before);
    }
    expect((await run(root, [key, key], undefined)).code).toBe(2); // one argument at most
  });

  it('a failing probe restart: exit 3, settings restored, no secret file left', async () => {
    const root = makeRoot({ demo: false });
    const before = treeSnapshot(root.dir, (p) => !p.startsWith('etc/'));
    const svc = serviceCmd(root, ['vsensor-probe'], 'service', { failTimes: 1 });
    const r = await run(root, [], randomHmac(40) + '\n', { CONFCONSOLE_SERVICE_CMD: svc.cmd });
    expect(r.code, r.stderr).toBe(3);
    expect(r.json.error).toMatch(/previous settings restored/);
    expect(treeSnapshot(root.dir, (p) => !p.startsWith('etc/'))).toEqual(before);
    expect(existsSync(secretFile(root, t.secret))).toBe(false);
  });
});

describe.skipIf(whyWriters !== undefined)('set_push.sh: legacy Push mode', () => {
  const run = (r: Root, args: string[]) => runScriptInput('set_push.sh', args, r.dir, undefined, {}, { loopbackDns: true });

  it('accepts an IP address (with or without a port) and a name that resolves', async () => {
    const root = makeRoot({ demo: true });
    for (const [host, want] of [['192.0.2.10', '192.0.2.10'], ['198.51.100.7:8443', '198.51.100.7:8443'], ['[2001:db8::1]:443', '[2001:db8::1]:443'], ['LocalHost:8443', 'localhost:8443']]) {
      const r = await run(root, [host!]);
      expect(r.code, `${host}: ${r.stderr}`).toBe(0);
      expect(r.json).toEqual({ ok: true, changed: true, mode: 'push', host: want, removed: [] });
      expect(master(root)).toEqual({ mode: 'push', host: want, proxy: '', token_label: '' });
    }
    expect(existsSync(secretsDir(root))).toBe(false);
  });

  it('refuses a name that does not resolve (loopback DNS) and bad arguments: exit 2, nothing changed', async () => {
    const root = makeRoot({ demo: true });
    const before = treeSnapshot(root.dir);
    const cases: [string[], RegExp][] = [
      [['master.nothing.invalid'], /"master.nothing.invalid" does not resolve/],
      [['master.nothing.invalid:8443'], /"master.nothing.invalid" does not resolve/],
      [[], /usage: set_push\.sh .*HOST/],
      [['192.0.2.10', '192.0.2.11'], /usage: set_push\.sh .*HOST/],
      [['http://192.0.2.10'], /not a host name or IP address/],
    ];
    for (const [args, msg] of cases) {
      const r = await run(root, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.json.error).toMatch(msg);
      expect(treeSnapshot(root.dir)).toEqual(before);
    }
  });
});
