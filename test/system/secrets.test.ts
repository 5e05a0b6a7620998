// Secrets never leave stdin and their 0600 files: while the console's commands that take a
// secret run (confconsole master set push-token / pull, ossensor-hmac set, master test, and
// test_master.sh with a token on stdin), every process's argv and environment in /proc is
// sampled every few ms; afterwards every file under the appliance root is searched. The service
// restart is made slow (a fixture that sleeps) so there is time to see the scripts' children.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import {
  REPO,
  SBIN,
  filesContaining,
  fixture,
  makeRoot,
  modeOf,
  removeRoots,
  runCommand,
  runScriptInput,
  scriptEnv,
  sleep,
  type Root,
  type RunResult,
} from './helpers.js';
import { randomHmac, randomSecret, startMaster, type MasterFixture } from './master-fixture.js';

const why = missing('system: secrets never in argv, environment, logs or output', ['root', 'openssl', 'curl', 'bash', 'awk', 'flock', 'sha256sum']);
const CLI = join(REPO, 'bin/confconsole');
const built = existsSync(join(REPO, 'dist/cli.js'));

afterAll(() => removeRoots());

/**
 * Reads every process's /proc/PID/cmdline and /proc/PID/environ in a loop until stopped:
 * `hits` are samples holding a secret; `seen` the processes of the run under test (their
 * argv names the root, the scripts or curl), to show the sampler saw them while they lived.
 */
function sampler(secrets: () => string[], marks: string[]) {
  const hits: string[] = [];
  const seen = new Set<string>();
  let rounds = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const needles = secrets().map((s) => Buffer.from(s));
      for (const pid of readdirSync('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        for (const what of ['cmdline', 'environ'] as const) {
          let b: Buffer;
          try {
            b = readFileSync(`/proc/${pid}/${what}`);
          } catch {
            continue; // gone meanwhile
          }
          if (b.length === 0) continue;
          for (const n of needles) if (b.includes(n)) hits.push(`pid ${pid} ${what}: ${b.toString().replace(/\0/g, ' ').slice(0, 300)}`);
          if (what === 'cmdline') {
            const argv = b.toString().split('\0').filter(Boolean);
            const text = argv.join(' ');
            if (marks.some((m) => text.includes(m))) seen.add(argv.slice(0, 2).map((a) => a.split('/').pop()).join(' '));
            else if (argv[0]?.endsWith('curl')) seen.add('curl');
          }
        }
      }
      rounds++;
      await sleep(2);
    }
  })();
  return {
    async stop() {
      stop = true;
      await loop;
      return { hits, seen: [...seen], rounds };
    },
  };
}

describe.skipIf(why !== undefined || !built)('secrets: never in argv, environment, logs or output', () => {
  let fx: MasterFixture;
  let root: Root; // a real (non-demo) root whose probe service restarts slowly
  let demo = ''; // a demo root seeded by confconsole --demo
  /** every secret used so far (the secret part of push tokens, whole HMAC keys) */
  const secrets: string[] = [];
  const runs: { what: string; r: RunResult }[] = [];

  beforeAll(async () => {
    fx = await startMaster();
    root = makeRoot({ demo: false });
    writeFileSync(join(root.dir, 'etc/confconsole/master-ca.pem'), fx.caPem);
    demo = mkdtempSync(join(tmpdir(), 'cc-system-demo-'));
    // the vSensor's commands: a vSensor demo root
    const seeded = await runCommand(process.execPath, [CLI, '--demo', '--root', demo, '--profile', 'vsensor', 'pcap', 'show'], scriptEnv(demo));
    expect(seeded.code, seeded.stderr).toBe(0);
  });
  afterAll(async () => {
    await fx?.close();
    if (demo) rmSync(demo, { recursive: true, force: true });
  });

  /** Runs one command with `input` on stdin while sampling /proc; checks its samples and output. */
  async function watched(what: string, dir: string, cmd: string, args: string[], input: string | undefined, env: NodeJS.ProcessEnv, expectSeen: RegExp[]) {
    const s = sampler(() => secrets, [dir, SBIN]);
    const res = await runCommand(cmd, args, env, input);
    const { hits, seen, rounds } = await s.stop();
    runs.push({ what, r: res });
    expect(hits, what).toEqual([]);
    expect(rounds, `${what}: the sampler ran`).toBeGreaterThan(3);
    for (const re of expectSeen) expect(seen.some((x) => re.test(x)), `${what}: saw ${re} among ${seen.join(', ')}`).toBe(true);
    for (const sec of secrets) {
      expect(res.stdout, `${what}: stdout`).not.toContain(sec);
      expect(res.stderr, `${what}: stderr`).not.toContain(sec);
    }
    return res;
  }

  const slowService = (r: Root) => fixture(r, 'slow-service', `sleep 0.3\nprintf '%s\\n' "$*" >>'${join(r.testDir, 'service.log')}'\n`);
  // master, ossensor-hmac: the vSensor's commands (refused on a master/probe appliance)
  const cli = (dir: string, args: string[]) => [CLI, '--root', dir, '--profile', 'vsensor', '--json', ...args];

  it('confconsole master set push-token (twice), master test (stored token), test_master.sh (token on stdin)', async () => {
    const env = scriptEnv(root.dir, { CONFCONSOLE_SERVICE_CMD: slowService(root) });
    const host = `127.0.0.1:${fx.port}`;
    const first = `old-label:${randomSecret(48)}`;
    secrets.push(first.split(':')[1]!, fx.token.split(':')[1]!);

    for (const token of [first, fx.token]) {
      const r = await watched('master set push-token', root.dir, process.execPath, cli(root.dir, ['master', 'set', 'push-token', '--host', host]), token + '\n', env, [
        /confconsole/,
        /set_pushtoken\.sh/,
        /slow-service/,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, token: `${token.split(':')[0]}:****` });
    }

    fx.delayMs = 400; // the master answers slowly: curl lives long enough to be sampled
    try {
      const n = fx.requests.length;
      const t = await watched('master test', root.dir, process.execPath, cli(root.dir, ['master', 'test']), undefined, env, [/test_master\.sh/, /curl/]);
      expect(t.code, t.stderr).toBe(0);
      expect(JSON.parse(t.stdout)).toMatchObject({ ok: true, cause: 'ok' });
      expect(fx.requests.slice(n).map((q) => q.authorization)).toEqual([`Bearer ${fx.token}`]);

      const d = await watched('test_master.sh', root.dir, join(SBIN, 'test_master.sh'), [host], fx.token + '\n', env, [/test_master\.sh/, /curl/]);
      expect(d.code, d.stderr).toBe(0);
      expect(d.json).toMatchObject({ ok: true, cause: 'ok' });
    } finally {
      fx.delayMs = 0;
    }
  });

  it('confconsole master set pull and ossensor-hmac set', async () => {
    const env = scriptEnv(root.dir, { CONFCONSOLE_SERVICE_CMD: slowService(root) });
    const pull = randomHmac(50);
    const key = randomHmac(60);
    secrets.push(pull, key);
    // the operator chose to remove the push token Pull mode leaves unused
    const p = await watched('master set pull', root.dir, process.execPath, cli(root.dir, ['master', 'set', 'pull', '--remove-old-secret']), pull + '\n', env, [/set_dcip_hmac\.sh/, /slow-service/]);
    expect(p.code, p.stderr).toBe(0);
    const o = await watched('ossensor-hmac set', root.dir, process.execPath, cli(root.dir, ['ossensor-hmac', 'set']), key + '\n', env, [/set_ossensor_hmac\.sh/, /slow-service/]);
    expect(o.code, o.stderr).toBe(0);
  });

  it('the same commands on the demo appliance (host effects recorded, not carried out)', async () => {
    const env = scriptEnv(demo);
    const token = `demo:${randomSecret(48)}`;
    const pull = randomHmac(40);
    const key = randomHmac(33);
    secrets.push(token.split(':')[1]!, pull, key);
    const cases: [string, string[], string][] = [
      ['demo push-token', ['master', 'set', 'push-token', '--host', 'master.example.com', '--proxy', 'http://192.0.2.3:3128'], token],
      ['demo pull', ['master', 'set', 'pull'], pull],
      ['demo ossensor-hmac', ['ossensor-hmac', 'set'], key],
    ];
    for (const [what, args, input] of cases) {
      const r = await watched(what, demo, process.execPath, cli(demo, args), input + '\n', env, [/confconsole/]);
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
    }
    expect(readFileSync(join(demo, 'var/log/confconsole/host-effects.log'), 'utf8')).toMatch(/service vsensor-probe restart/);
  });

  it('afterwards only 0600 files under secrets/ and the backups hold a secret; no log, setting or output does', () => {
    expect(secrets).toHaveLength(7);
    expect(runs.length).toBeGreaterThanOrEqual(9);
    const allowed = /^(etc\/confconsole\/secrets|var\/backups\/confconsole)\/[^/]+$/;
    for (const dir of [root.dir, demo]) {
      for (const sec of secrets) {
        for (const f of filesContaining(dir, sec)) {
          expect(f, `a secret in ${dir}/${f}`).toMatch(allowed);
          expect(modeOf(join(dir, f)), f).toBe(0o600);
        }
      }
      expect(modeOf(join(dir, 'etc/confconsole/secrets'))).toBe(0o700);
      expect(modeOf(join(dir, 'var/backups/confconsole'))).toBe(0o700);
    }
    // and the grep does find them where they belong
    // the last push token went when Pull mode was set with --remove-old-secret (kept in a 0600 backup)
    expect(filesContaining(root.dir, fx.token.split(':')[1]!)).toEqual([expect.stringMatching(/^var\/backups\/confconsole\/etc_confconsole_secrets_push_token\./)]);
    expect(existsSync(join(root.dir, 'etc/confconsole/secrets/push_token'))).toBe(false);
    const old = filesContaining(root.dir, secrets[0]!);
    expect(old).toHaveLength(1);
    expect(old[0]).toMatch(/^var\/backups\/confconsole\/etc_confconsole_secrets_push_token\./);
    expect(filesContaining(root.dir, secrets[2]!)).toEqual(['etc/confconsole/secrets/pull_hmac']);
    expect(filesContaining(root.dir, secrets[3]!)).toEqual(['etc/confconsole/secrets/ossensor_hmac']);
    // without --remove-old-secret the push token stays for a switch back (the master shows it once)
    expect(filesContaining(demo, secrets[4]!)).toEqual(['etc/confconsole/secrets/push_token']);
    // the logs exist and were written by these runs, without a secret
    for (const dir of [root.dir, demo]) {
      const audit = readFileSync(join(dir, 'var/log/confconsole/audit.log'), 'utf8');
      expect(audit.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(3);
      for (const sec of secrets) expect(audit).not.toContain(sec);
    }
  });
});
