// The audit, the history and exports describe a secret by its length and an HMAC keyed with the
// appliance's own key (lib/fingerprint.py), never by an unsalted hash prefix: a short secret's
// sha256 prefix is found by brute force. The review's example (a 6-character pull token,
// set_topology.sh) and two more of the kind (a 5-character osSensor HMAC key, a 2-character
// update proxy password).
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { makeRoot, removeRoots, runCommand, script, scriptEnv, serviceCmd, type Root } from './helpers.js';

const why = missing('system: secret fingerprints', ['root', 'bash', 'awk', 'flock', 'python3']);
afterAll(() => removeRoots());

const KEY = 'etc/confconsole/secrets/fingerprint.key';
const sha8 = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 8);
const hmac8 = (r: Root, v: string) => createHmac('sha256', readFileSync(join(r.dir, KEY), 'utf8').trim()).update(v).digest('hex').slice(0, 8);

describe.skipIf(why !== undefined)('secrets are described by a keyed fingerprint', () => {
  it.each([
    ['a 6-character pull token (set_topology.sh)', 'abc123', 'set_topology.sh', ['probe', '--mode', 'pull', '--master', '10.0.9.1', '--retain-search', 'no']],
    ['a 5-character osSensor HMAC key (set_ossensor_hmac.sh)', 'x9Y8z', 'set_ossensor_hmac.sh', []],
    ['a 2-character update proxy password (set_update_proxy.sh)', 'pw', 'set_update_proxy.sh', ['http://proxy.example:3128', '--user', 'alice']],
  ] as [string, string, string, string[]][])('%s: the audit has its length and keyed fingerprint, not its sha256 prefix', async (_n, secret, name, args) => {
    const r = makeRoot();
    const svc = serviceCmd(r);
    const res = await runCommand(script(name), args, scriptEnv(r.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd }), secret + '\n');
    expect(res.code, res.stderr).toBe(0);
    // the key: made on first use, the appliance's own, 0600
    expect(statSync(join(r.dir, KEY)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(r.dir, KEY), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    const audit = readFileSync(r.audit, 'utf8');
    expect(audit).toContain(`${secret.length} chars, hmac ${hmac8(r, secret)}`);
    expect(audit).not.toContain(sha8(secret));
    expect(res.stderr + res.stdout).not.toContain(sha8(secret));
    // a second appliance's key is another: the same secret has another fingerprint there
    const r2 = makeRoot();
    await runCommand(script(name), args, scriptEnv(r2.dir, { CONFCONSOLE_SERVICE_CMD: serviceCmd(r2).cmd }), secret + '\n');
    expect(hmac8(r2, secret)).not.toBe(hmac8(r, secret));
  });
});
