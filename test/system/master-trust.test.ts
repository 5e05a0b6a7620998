// A master with a self-signed certificate (issue 11.6), for real on loopback: test_master.sh
// describes a certificate it cannot trust (subject, validity, SHA-256) without sending the
// token; trust_master.sh pins it only when the master presents the fingerprint the operator
// gave and it is valid; from then on every test of that master accepts it (through a proxy
// too) and refuses loudly any other certificate. Examples: self-signed, expired, issued for
// another name, replaced after it was trusted.
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { REPO, auditEntries, makeRoot, removeRoots, runCommand, runScriptInput, scriptEnv, treeSnapshot, type Root } from './helpers.js';
import { startMaster, type MasterFixture } from './master-fixture.js';

const why = missing('system: trusting a master with a self-signed certificate', ['root', 'openssl', 'curl', 'bash', 'awk', 'flock', 'timeout']);
afterAll(() => removeRoots());

const CLI = join(REPO, 'bin/confconsole');
const built = existsSync(join(REPO, 'dist/cli.js'));
const pinFile = (r: Root) => join(r.dir, 'etc/confconsole/master-trust.pem');

describe.skipIf(why !== undefined)('a master with a self-signed certificate', () => {
  let fx: MasterFixture;
  beforeAll(async () => {
    fx = await startMaster();
  });
  afterAll(async () => fx?.close());

  const tm = (r: Root, args: string[], input?: string) => runScriptInput('test_master.sh', ['--timeout', '5', ...args], r.dir, input, {}, { loopbackDns: true });
  const trust = (r: Root, args: string[]) => runScriptInput('trust_master.sh', ['--timeout', '5', ...args], r.dir, undefined, {}, { loopbackDns: true });

  it('not trusted: the test describes the certificate (subject, validity, SHA-256) and never sends the token', async () => {
    const r = makeRoot({ demo: true });
    const host = `127.0.0.1:${fx.selfSigned.port}`;
    const n = fx.requests.length;
    const res = await tm(r, [host], fx.token + '\n');
    expect(res.code, res.stderr).toBe(5);
    expect(res.json).toMatchObject({ ok: false, cause: 'certificate', pinned: false });
    expect(res.json.certificate).toMatchObject({ subject: 'CN=localhost', sha256: fx.selfSigned.sha256, self_signed: true, state: 'valid' });
    expect(res.json.certificate.not_after).toMatch(/GMT$/);
    expect(res.json.message).toBe(`the certificate of https://${host} is not trusted: it is self-signed`);
    // the log describes it for a person, with the way to trust it
    expect(res.stderr).toMatch(/^subject: +CN=localhost$/m);
    expect(res.stderr).toMatch(/^valid: +\w{3} +\d+ [\d:]+ \d{4} GMT to \w{3} +\d+ [\d:]+ \d{4} GMT$/m);
    expect(res.stderr).toContain(`SHA-256:  ${fx.selfSigned.sha256}`);
    expect(res.stderr).toContain(`confconsole master trust --host ${host} --fingerprint ${fx.selfSigned.sha256}`);
    expect(fx.requests.length).toBe(n);
  });

  it('--show changes nothing; a fingerprint that is not the one presented is refused, nothing trusted', async () => {
    const r = makeRoot({ demo: true });
    const host = `127.0.0.1:${fx.selfSigned.port}`;
    const before = treeSnapshot(r.dir);
    const show = await trust(r, ['--show', host]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.json).toMatchObject({ ok: true, host, trusted: false, certificate: { sha256: fx.selfSigned.sha256, self_signed: true } });
    expect(show.stderr).toMatch(/^SHA-256: +[0-9A-F:]{95}$/m);
    const other = fx.expired.sha256; // a real fingerprint, of another certificate
    for (const [fp, msg] of [
      [other, /presents a certificate with SHA-256 .*, not .*nothing was trusted/],
      ['ab:cd', /is not a SHA-256 fingerprint/],
      ['', /is not a SHA-256 fingerprint/],
    ] as const) {
      const res = await trust(r, ['--fingerprint', fp, host]);
      expect(res.code, res.stderr).toBe(2);
      expect(res.json).toMatchObject({ ok: false, field: 'fingerprint' });
      expect(res.json.error).toMatch(msg);
    }
    expect((await trust(r, [host])).code).toBe(2); // neither --show nor --fingerprint
    expect(treeSnapshot(r.dir)).toEqual(before);
  });

  it('no certificate to read: the cause as openssl met it (refused, silent, not TLS), not always "nothing answers within 5 s"', async () => {
    const r = makeRoot({ demo: true });
    // a port nothing listens on: one a server had, closed again
    const closed = await new Promise<number>((done) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => done(p));
      });
    });
    const silent = net.createServer(() => undefined); // accepts, never answers
    const notTls = net.createServer((c) => c.end('HTTP/1.0 400 Bad Request\r\n\r\n'));
    const port = (s: net.Server) => new Promise<number>((done) => s.listen(0, '127.0.0.1', () => done((s.address() as net.AddressInfo).port)));
    const [sp, np] = [await port(silent), await port(notTls)];
    try {
      const cases: [string, string[], string][] = [
        [`127.0.0.1:${closed}`, ['--timeout', '5'], 'connection refused: nothing listens there, or a firewall rejects it'],
        [`127.0.0.1:${np}`, ['--timeout', '5'], 'it answered, but not with a TLS certificate'],
        [`127.0.0.1:${sp}`, ['--timeout', '1'], 'nothing answered with TLS there within 1 s'],
      ];
      for (const [host, opts, why] of cases) {
        const res = await runScriptInput('trust_master.sh', ['--show', ...opts, host], r.dir, undefined, {}, { loopbackDns: true });
        expect(res.code, res.stderr).toBe(5);
        expect(res.json.error).toBe(`no certificate could be read from https://${host} (${why})`);
      }
    } finally {
      silent.close();
      notTls.close();
    }
  });

  it('trusted (the fingerprint in any spelling): every later test accepts it, stored token and proxy too; another host is not covered', async () => {
    const r = makeRoot({ demo: true });
    const host = `127.0.0.1:${fx.selfSigned.port}`;
    const fp = fx.selfSigned.sha256.replace(/:/g, '').toLowerCase();
    const res = await trust(r, ['--fingerprint', fp, host]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ ok: true, trusted: true, certificate: { sha256: fx.selfSigned.sha256 } });
    const pin = readFileSync(pinFile(r), 'utf8');
    expect(pin).toMatch(new RegExp(`^# host: ${host.replace(/\./g, '\\.')}\n# sha256: ${fx.selfSigned.sha256}\n-----BEGIN CERTIFICATE-----`));
    expect(auditEntries(r).at(-1)).toMatchObject({ action: 'master.trust', result: 'ok', detail: expect.stringContaining(fx.selfSigned.sha256) });

    let n = fx.requests.length;
    const ok = await tm(r, [host], fx.token + '\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, cause: 'ok', pinned: true, status: 200 });
    expect(ok.json.message).toContain('(its trusted certificate); the master accepted the push token');
    expect(fx.requests.slice(n).map((q) => q.authorization)).toEqual([`Bearer ${fx.token}`]);

    // the stored token (what the health check runs), and through the HTTP proxy
    const set = await runScriptInput('set_pushtoken.sh', [host], r.dir, fx.token + '\n');
    expect(set.code, set.stderr).toBe(0);
    n = fx.requests.length;
    const stored = await tm(r, ['--stored', host, `http://127.0.0.1:${fx.proxyPort}`]);
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.json).toMatchObject({ ok: true, pinned: true });
    expect(fx.requests.length).toBe(n + 1);
    expect(fx.connects.at(-1)).toBe(host);

    // the pin is for that master: the same server reached as localhost is judged on its own
    const other = await tm(r, [`localhost:${fx.selfSigned.port}`], fx.token + '\n');
    expect(other.json).toMatchObject({ ok: false, cause: 'certificate', pinned: false });

    // and forgotten on request
    expect((await trust(r, ['--remove'])).json).toEqual({ ok: true, removed: true });
    expect(existsSync(pinFile(r))).toBe(false);
    expect((await tm(r, [host], fx.token + '\n')).json).toMatchObject({ ok: false, cause: 'certificate' });
    expect((await trust(r, ['--remove'])).json).toEqual({ ok: true, removed: false });
  });

  it('an expired certificate: the test says it expired; trusting it is refused', async () => {
    const r = makeRoot({ demo: true });
    const host = `127.0.0.1:${fx.expired.port}`;
    const n = fx.requests.length;
    const res = await tm(r, [host], fx.token + '\n');
    expect(res.code, res.stderr).toBe(5);
    expect(res.json).toMatchObject({ ok: false, cause: 'certificate', certificate: { state: 'expired', sha256: fx.expired.sha256 } });
    expect(res.json.message).toContain('it expired on Feb  1 00:00:00 2020 GMT');
    expect(res.stderr).not.toContain('confconsole master trust'); // not offered
    const t = await trust(r, ['--fingerprint', fx.expired.sha256, host]);
    expect(t.code, t.stderr).toBe(2);
    expect(t.json.error).toMatch(/expired on Feb {2}1 00:00:00 2020 GMT: it is not trusted/);
    expect(existsSync(pinFile(r))).toBe(false);
    expect(fx.requests.length).toBe(n);
  });

  it('a self-signed certificate for another name: the test says so; trusted by its fingerprint, it is accepted', async () => {
    const r = makeRoot({ demo: true });
    const host = `localhost:${fx.selfWrongName.port}`;
    const res = await tm(r, [host], fx.token + '\n');
    expect(res.code, res.stderr).toBe(5);
    expect(res.json).toMatchObject({ ok: false, cause: 'certificate', certificate: { subject: 'CN=wrong.example', names: 'DNS:wrong.example' } });
    expect(res.json.message).toContain('it is self-signed');
    expect(res.stderr).toMatch(/^subject: +CN=wrong\.example$/m);
    expect((await trust(r, ['--fingerprint', fx.selfWrongName.sha256, host])).code).toBe(0);
    const ok = await tm(r, [host], fx.token + '\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, pinned: true });
  });

  it('the certificate replaced after it was trusted: refused loudly, the token never sent; trusted again, accepted', async () => {
    const r = makeRoot({ demo: true });
    const host = `127.0.0.1:${fx.selfSigned.port}`;
    const first = fx.selfSigned.sha256;
    expect((await trust(r, ['--fingerprint', first, host])).code).toBe(0);
    expect((await tm(r, [host], fx.token + '\n')).code).toBe(0);
    fx.replaceSelfSigned(); // the last test of this file: the fixture's master keeps the new one
    const now = fx.selfSigned.sha256;
    expect(now).not.toBe(first);
    const n = fx.requests.length;
    const res = await tm(r, [host], fx.token + '\n');
    expect(res.code, res.stderr).toBe(5);
    expect(res.json).toMatchObject({ ok: false, cause: 'pin', pinned: true, certificate: { sha256: now } });
    expect(res.json.message).toMatch(/^THE CERTIFICATE OF https:\/\/127\.0\.0\.1:\d+ HAS CHANGED since it was trusted/);
    expect(res.json.message).toContain(`trusted SHA-256 ${first}, now ${now}`);
    expect(res.stderr).toContain('FAILED: THE CERTIFICATE');
    expect(fx.requests.length).toBe(n); // nothing went to the changed certificate
    expect((await trust(r, ['--fingerprint', now, host])).code).toBe(0);
    expect((await tm(r, [host], fx.token + '\n')).json).toMatchObject({ ok: true, pinned: true });
  });

  it.skipIf(!built)('confconsole master trust --show / --fingerprint / --remove, and master test with the trusted certificate', async () => {
    const r = makeRoot({ demo: true });
    const host = `127.0.0.1:${fx.selfWrongName.port}`;
    const cli = (args: string[], input?: string) =>
      runCommand(process.execPath, [CLI, '--root', r.dir, '--profile', 'vsensor', '--json', ...args], scriptEnv(r.dir), input);
    const show = await cli(['master', 'trust', '--show', '--host', host]);
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ ok: true, trusted: false, certificate: { sha256: fx.selfWrongName.sha256, subject: 'CN=wrong.example' } });
    expect((await cli(['master', 'trust', '--host', host])).code).toBe(2); // which of the three?
    const bad = await cli(['master', 'trust', '--fingerprint', fx.expired.sha256, '--host', host]);
    expect(bad.code).toBe(2);
    expect(existsSync(pinFile(r))).toBe(false);
    const ok = await cli(['master', 'trust', '--fingerprint', fx.selfWrongName.sha256, '--host', host]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, trusted: true });
    // no token stored: the master (reached through its trusted certificate) answers 401
    const t = await cli(['master', 'test', '--host', host]);
    expect(t.code, t.stderr).toBe(5);
    expect(JSON.parse(t.stdout)).toMatchObject({ ok: false, cause: 'token', pinned: true, status: 401 });
    expect((await cli(['master', 'trust', '--remove'])).code).toBe(0);
    expect(existsSync(pinFile(r))).toBe(false);
  });
});
