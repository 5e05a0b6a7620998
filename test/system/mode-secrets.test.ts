// What a change removes is part of the same journaled change (issue 10.2), and the review is the
// script's own plan (issue 11.4): a change of master mode with --remove-old-secret, and a
// Call-Home change that drops the proxy, SIGKILLed at chosen points and at random ones, then
// recovered by the next writer's lock or recover.sh → the old state or the new one, never a mix
// (the new mode with the old mode's secret still on disk). The --dry-run plans of every form's
// script say what would be stored, and only that.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIni } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import {
  fixture,
  makeRoot,
  read,
  removeRoots,
  rng,
  runCommand,
  runScriptInput,
  script,
  scriptEnv,
  sleep,
  testSeed,
  treeSnapshot,
  waitFor,
  type Root,
} from './helpers.js';
import { randomHmac, randomSecret } from './master-fixture.js';

const why = missing('system: secrets removed in the same journaled change', ['root', 'bash', 'awk', 'flock', 'setsid', 'sha256sum']);
afterAll(() => removeRoots());

const secret = (r: Root, name: string) => join(r.dir, 'etc/confconsole/secrets', name);
const readOrNull = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : null);
const TXN = (r: Root) => join(r.dir, 'var/lib/confconsole/txn');

/** What a check compares: the settings file and each secret (null: absent). */
const snapshot = (r: Root, names: string[]): Record<string, string | null> & { ini: string } => ({ ini: read(r.ini), ...Object.fromEntries(names.map((n) => [n, readOrNull(secret(r, n))])) });

/**
 * An `rm` in front of the real one that, asked to remove FILE, says so (a marker) and blocks
 * until killed: the writer is caught after the settings were written and before the removal.
 */
function blockingRm(r: Root, file: string): { path: string; marker: string } {
  const marker = join(r.testDir, 'rm-reached');
  fixture(r, 'rm', `for a in "$@"; do [ "$a" = '${file}' ] && { : >'${marker}'; while :; do sleep 0.05; done; }; done\nexec /bin/rm "$@"\n`);
  return { path: `${r.testDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, marker };
}

interface Case {
  what: string;
  /** the secrets compared, the one the change removes first */
  secrets: string[];
  /** puts the root in the state before the change */
  before(r: Root): Promise<void>;
  /** the change: script, arguments, stdin */
  change: [string, string[], string | undefined];
  /** the settings of the new state, which the kill must never leave with the old secret */
  newIni: RegExp;
}

const okRun = async (name: string, args: string[], r: Root, input?: string) => {
  const res = await runScriptInput(name, args, r.dir, input);
  expect(res.code, `${name}: ${res.stderr}`).toBe(0);
};

const CASES: Case[] = [
  {
    what: 'Push Token → Pull (--remove-old-secret): push_token',
    secrets: ['push_token', 'pull_hmac'],
    before: (r) => okRun('set_pushtoken.sh', ['192.0.2.10'], r, `lab:${randomSecret()}\n`),
    change: ['set_dcip_hmac.sh', ['--remove-old-secret'], `${randomHmac(30)}\n`],
    newIni: /mode = "pull"/,
  },
  {
    what: 'Pull → legacy Push (--remove-old-secret): pull_hmac and push_token',
    secrets: ['pull_hmac', 'push_token'],
    before: async (r) => {
      await okRun('set_pushtoken.sh', ['192.0.2.10'], r, `lab:${randomSecret()}\n`);
      await okRun('set_dcip_hmac.sh', [], r, `${randomHmac(30)}\n`); // keeps the push token
    },
    change: ['set_push.sh', ['--remove-old-secret', '192.0.2.11'], undefined],
    newIni: /mode = "push"/,
  },
  {
    what: 'Call-Home proxy removed: callhome_proxy',
    secrets: ['callhome_proxy'],
    before: (r) => okRun('set_callhome.sh', ['--host', '192.0.2.1', '--port', '22', '--proxy', 'http://192.0.2.9:3128', '--proxy-user', 'bob'], r, 'pw-1\n'),
    change: ['set_callhome.sh', ['--host', '192.0.2.1', '--port', '22'], undefined],
    newIni: /proxy = "none"/,
  },
];

describe.skipIf(why !== undefined)('a removed secret is in the same journaled change', () => {
  it.each(CASES)('$what: killed after the settings were written, the next writer puts the old state back whole', async (c) => {
    const r = makeRoot({ demo: true });
    await c.before(r);
    const old = snapshot(r, c.secrets);
    expect(old[c.secrets[0]!]).not.toBeNull();
    const rm = blockingRm(r, secret(r, c.secrets[0]!));
    let pid = 0;
    const [name, args, input] = c.change;
    const run = runCommand(script(name), args, scriptEnv(r.dir, { PATH: rm.path }), input, { detached: true, onSpawn: (p) => (pid = p) });
    await waitFor('the writer at the removal', () => existsSync(rm.marker));
    // the moment the issue is about: the new settings are on disk, the old secret too…
    expect(read(r.ini)).toMatch(c.newIni);
    expect(existsSync(secret(r, c.secrets[0]!))).toBe(true);
    process.kill(-pid, 'SIGKILL'); // …and the writer dies there
    await run;
    expect(existsSync(TXN(r))).toBe(true); // the journal says a change was under way
    // the next writer takes the lock, recovers, then makes its own change
    const next = await runScriptInput('set_ossensor_hmac.sh', [], r.dir, `${randomHmac(25)}\n`);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain('an earlier change was interrupted');
    const now = snapshot(r, c.secrets);
    expect(now[c.secrets[0]!]).toBe(old[c.secrets[0]!]);
    // every section as before; only the next writer's own [ossensor] is new
    const { ossensor, ...rest } = parseIni(now.ini) as Record<string, unknown>;
    expect(ossensor).toEqual({ hmac_set: 'yes' });
    expect(rest).toEqual(parseIni(old.ini));
    for (const n of c.secrets) expect(now[n], n).toBe(old[n]);
    expect(existsSync(TXN(r))).toBe(false);
  });

  it('random SIGKILLs of a mode change with removal, then recover.sh: always the old state or the new, never mixed', async () => {
    const seed = testSeed();
    const rand = rng(seed).next;
    const kills = 16;
    const seen = { old: 0, new: 0 };
    // how long a whole change takes here (a busy machine is slower): the kills spread over it
    const warm = makeRoot({ demo: false });
    const warmEnv = { CONFCONSOLE_SERVICE_CMD: fixture(warm, 'svc', 'sleep 0.1\nexit 0\n') };
    expect((await runScriptInput('set_pushtoken.sh', ['192.0.2.10'], warm.dir, `lab:${randomSecret()}\n`, warmEnv)).code).toBe(0);
    const full = (await runScriptInput('set_dcip_hmac.sh', ['--remove-old-secret'], warm.dir, `${randomHmac(30)}\n`, warmEnv)).ms;
    for (let i = 0; i < kills; i++) {
      const r = makeRoot({ demo: false });
      const svc = fixture(r, 'svc', 'sleep 0.1\nexit 0\n');
      const env = { CONFCONSOLE_SERVICE_CMD: svc };
      const token = `lab:${randomSecret()}`;
      expect((await runScriptInput('set_pushtoken.sh', ['192.0.2.10'], r.dir, token + '\n', env)).code).toBe(0);
      const old = snapshot(r, ['push_token', 'pull_hmac']);
      const hmac = randomHmac(30);
      let pid = 0;
      const run = runCommand(script('set_dcip_hmac.sh'), ['--remove-old-secret'], scriptEnv(r.dir, env), hmac + '\n', { detached: true, onSpawn: (p) => (pid = p) });
      await sleep(Math.floor(rand() * full * 1.1));
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already done: the new state */
      }
      await run;
      const rec = await runScriptInput('recover.sh', [], r.dir, undefined, env);
      expect(rec.code, rec.stderr).toBe(0);
      const now = snapshot(r, ['push_token', 'pull_hmac']);
      const isOld = now.ini === old.ini && now.push_token === token + '\n' && now.pull_hmac === null;
      const isNew = /mode = "pull"/.test(now.ini) && now.push_token === null && now.pull_hmac === hmac + '\n';
      expect(isOld || isNew, `seed ${seed}, kill ${i}: ${JSON.stringify({ ...now, push_token: now.push_token && 'present', pull_hmac: now.pull_hmac && 'present' })}`).toBe(true);
      seen[isOld ? 'old' : 'new']++;
    }
    expect(seen.old + seen.new).toBe(kills);
    console.log(`random kills (seed ${seed}, a change takes ${Math.round(full)} ms): ${seen.old} recovered to the old state, ${seen.new} found in the new state, 0 mixed`);
  }, 300_000);
});

describe.skipIf(why !== undefined)('--dry-run: the plan of what would be stored, nothing written', () => {
  it('set_callhome.sh: an HTTP proxy without a proxy user stores no password (the example of issue 11.4)', async () => {
    const r = makeRoot({ demo: true });
    const before = treeSnapshot(r.dir);
    // the console passes no --proxy-user (and no stdin) when the user is empty, whatever was typed
    const res = await runScriptInput('set_callhome.sh', ['--dry-run', '--host', 'CallHome.Example.COM', '--port', '443', '--ssl', '--proxy', 'http://Proxy.Example.com:3128/'], r.dir, 'typed-password\n');
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ ok: true, dry_run: true, changed: true });
    const rows = res.json.rows as { key: string; old: string; new: string; secret?: string }[];
    expect(rows.find((x) => x.key === 'proxy_password')).toBeUndefined();
    // the script's own normalisation: lower case, the scheme, no trailing slash
    expect(rows.find((x) => x.key === 'host')?.new).toBe('callhome.example.com');
    expect(rows.find((x) => x.key === 'proxy')?.new).toBe('http://proxy.example.com:3128');
    expect(treeSnapshot(r.dir)).toEqual(before);
    expect(JSON.stringify(res.json)).not.toContain('typed-password');
  });

  it('set_callhome.sh: the same password again is "same" (nothing changes); a new one "new"; dropping the user "removed"', async () => {
    const r = makeRoot({ demo: true });
    const base = ['--host', '192.0.2.1', '--port', '22', '--proxy', 'http://192.0.2.9:3128'];
    await okRun('set_callhome.sh', [...base, '--proxy-user', 'bob'], r, 'pw-1\n');
    const plan = async (args: string[], input?: string) => (await runScriptInput('set_callhome.sh', ['--dry-run', ...args], r.dir, input)).json;
    const pw = (j: { rows: { key: string }[] }) => j.rows.find((x) => x.key === 'proxy_password');
    const same = await plan([...base, '--proxy-user', 'bob'], 'pw-1\n');
    expect(same).toMatchObject({ changed: false });
    expect(pw(same)).toEqual({ key: 'proxy_password', old: '****', new: '****', secret: 'same' });
    const fresh = await plan([...base, '--proxy-user', 'bob'], 'pw-2\n');
    expect(fresh).toMatchObject({ changed: true });
    expect(pw(fresh)).toMatchObject({ secret: 'new' });
    const dropped = await plan(base);
    expect(pw(dropped)).toEqual({ key: 'proxy_password', old: '****', new: '', secret: 'removed' });
    expect(read(secret(r, 'callhome_proxy'))).toBe('pw-1\n');
  });

  it('the master scripts: the other mode\'s secret kept by default, removed with --remove-old-secret; a refusal names its field', async () => {
    const r = makeRoot({ demo: true });
    await okRun('set_pushtoken.sh', ['192.0.2.10'], r, `lab:${randomSecret()}\n`);
    const before = treeSnapshot(r.dir);
    const pull = (args: string[]) => runScriptInput('set_dcip_hmac.sh', ['--dry-run', ...args], r.dir, `${randomHmac(30)}\n`);
    const kept = (await pull([])).json;
    expect(kept.rows).toEqual([
      { key: 'mode', old: 'push-token', new: 'pull' },
      { key: 'host', old: '192.0.2.10', new: '' },
      { key: 'proxy', old: '', new: '' },
      { key: 'pull_hmac', old: '', new: '****', secret: 'new' },
      { key: 'push_token', old: 'lab:****', new: 'lab:****', secret: 'kept' },
    ]);
    expect((await pull(['--remove-old-secret'])).json.rows.at(-1)).toEqual({ key: 'push_token', old: 'lab:****', new: '', secret: 'removed' });
    const push = await runScriptInput('set_push.sh', ['--dry-run', 'LOCALHOST:8443'], r.dir, undefined, {}, { loopbackDns: true });
    expect(push.json.rows.find((x: { key: string }) => x.key === 'host')).toEqual({ key: 'host', old: '192.0.2.10', new: 'localhost:8443' });
    const bad = await runScriptInput('set_pushtoken.sh', ['--dry-run', '192.0.2.10', 'socks5://192.0.2.9:1080'], r.dir, `lab:${randomSecret()}\n`);
    expect(bad.code).toBe(2);
    expect(bad.json).toMatchObject({ ok: false, field: 'proxy' });
    // the same token again: the plan says "same", and nothing else changes
    expect(treeSnapshot(r.dir)).toEqual(before);
  });
});

describe.skipIf(why !== undefined || missing('script (util-linux)', ['script']) !== undefined)('a secret typed on a terminal: asked twice', () => {
  /** Runs NAME under a pseudo-terminal (script), answering each prompt as it appears. */
  async function typed(r: Root, name: string, answers: string[]) {
    const child = spawn('script', ['-qec', `${script(name)} --dry-run`, '/dev/null'], { env: scriptEnv(r.dir), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const done = new Promise<number | null>((res) => child.on('close', res));
    const prompts = [/it is not shown\): $/, /again: $/];
    for (const [i, a] of answers.entries()) {
      await waitFor(`prompt ${i + 1}`, () => prompts[i]!.test(out.replace(/\r/g, '')));
      child.stdin.write(a + '\r');
    }
    const code = await done;
    return { code, out };
  }

  it.each(['set_ossensor_hmac.sh', 'set_dcip_hmac.sh'])('%s: the same twice is taken, two different are refused, neither echoed', async (name) => {
    const r = makeRoot({ demo: true });
    const key = randomHmac(30);
    const same = await typed(r, name, [key, key]);
    expect(same.code, same.out).toBe(0);
    expect(same.out).toContain('"dry_run":true');
    const differ = await typed(r, name, [key, randomHmac(30)]);
    expect(differ.code, differ.out).toBe(2);
    expect(differ.out).toContain('the two entries of the');
    for (const o of [same.out, differ.out]) expect(o).not.toContain(key);
  });
});
