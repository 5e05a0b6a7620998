// The writers' safety contract (sbin/lib/common.sh), run for real: restore when the apply
// fails, the one lock, serialized concurrent writers, SIGKILL at any moment, and the scripts
// that act on the host (service restarts, power) through fixtures only.
import { spawn, spawnSync } from 'node:child_process';
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import {
  auditEntries,
  fixture,
  listDir,
  makeRoot,
  read,
  readOr,
  removeRoots,
  rng,
  runScript,
  serviceCmd,
  sleep,
  stagedTemps,
  state,
  testSeed,
  waitFor,
  type Root,
} from './helpers.js';

const why = missing('system: safety of the sbin writers', ['flock', 'bash', 'awk']);

afterAll(() => removeRoots());

/** Runs set_ntp.sh SERVER to completion on a copy of `from` (demo) and returns the files it wrote. */
async function expectedAfter(from: { ini: string; conf: string }, server: string) {
  const scratch = makeRoot({ demo: true });
  writeFileSync(scratch.ini, from.ini);
  writeFileSync(scratch.conf, from.conf);
  const r = await runScript('set_ntp.sh', [server], scratch.dir);
  expect(r.code, r.stderr).toBe(0);
  return { ...state(scratch), ms: r.ms };
}

const backupsOf = (r: Root, prefix: string) => listDir(r.backups).filter((b) => b.startsWith(prefix));

describe.skipIf(why !== undefined)('writers: safety', () => {
  it('(a) restores both files byte for byte when chrony does not restart (exit 3)', async () => {
    const root = makeRoot({ demo: false, iniMode: 0o640 });
    // first a good change, so the state to restore is not the seed
    const good = serviceCmd(root, [], 'service-ok');
    const r1 = await runScript('set_ntp.sh', ['192.0.2.1', 'ntp.example.org:1123'], root.dir, { CONFCONSOLE_SERVICE_CMD: good.cmd });
    expect(r1.code, r1.stderr).toBe(0);
    const before = state(root);
    const modes = [statSync(root.ini).mode, statSync(root.conf).mode];
    expect(parseSettings(before.ini).ntp.servers).toEqual(['192.0.2.1', 'ntp.example.org:1123']);

    const bad = serviceCmd(root, ['chrony'], 'service-failing', { failTimes: 1 });
    writeFileSync(bad.log, ''); // both fixtures log to .test/service.log
    const r = await runScript('set_ntp.sh', ['198.51.100.7'], root.dir, { CONFCONSOLE_SERVICE_CMD: bad.cmd });
    expect(r.code, r.stderr).toBe(3);
    expect(r.json).toMatchObject({ ok: false, code: 3 });
    expect(r.json.error).toContain('Job for chrony.service failed');
    expect(r.json.error).toContain('previous settings restored');
    expect(r.stderr).toContain('restoring the previous settings');

    // byte-identical, same modes, no temp files left
    expect(state(root)).toEqual(before);
    expect([statSync(root.ini).mode, statSync(root.conf).mode]).toEqual(modes);
    expect(stagedTemps(root)).toEqual([]);
    // chrony restarted with the new settings (failed), then again with the restored ones
    expect(read(bad.log).split('\n').filter(Boolean)).toEqual(['restart chrony', 'restart chrony']);

    const audit = auditEntries(root);
    expect(audit.map((a) => a.result)).toEqual(['ok', 'failed, restored']);
    expect(audit[1]).toMatchObject({ action: 'ntp.set', script: 'set_ntp.sh' });
    expect(audit[1]!.detail).toBe('servers: 192.0.2.1 ntp.example.org:1123 -> 198.51.100.7');
  });

  it('(b) exits 4 and changes nothing while another console holds the lock', async () => {
    const root = makeRoot({ demo: true });
    const before = state(root);
    const holder = spawn('flock', ['-x', root.lock, 'sleep', '5'], { detached: true, stdio: 'ignore' });
    try {
      await waitFor('the lock to be held', () => spawnSync('flock', ['-n', root.lock, 'true']).status === 1, 5000, 20);
      const r = await runScript('set_ntp.sh', ['192.0.2.1'], root.dir, { CONFCONSOLE_LOCK_WAIT: '1' });
      expect(r.code, r.stderr).toBe(4);
      expect(r.json).toMatchObject({ ok: false, code: 4 });
      expect(r.json.error).toMatch(/another console is applying a change/);
      expect(r.ms).toBeGreaterThan(900); // it waited CONFCONSOLE_LOCK_WAIT...
      expect(r.ms).toBeLessThan(4500); // ...and not for the holder to finish
      expect(state(root)).toEqual(before);
      expect(listDir(root.backups)).toEqual([]);
      expect(readOr(root.audit)).toBe('');
      expect(readOr(root.hostEffects)).toBe('');
      expect(stagedTemps(root)).toEqual([]);
    } finally {
      try {
        process.kill(-holder.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    // once the lock is free the same change goes through
    await waitFor('the lock to be free', () => spawnSync('flock', ['-n', root.lock, 'true']).status === 0, 5000, 20);
    const r = await runScript('set_ntp.sh', ['192.0.2.1'], root.dir, { CONFCONSOLE_LOCK_WAIT: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(parseSettings(read(root.ini)).ntp.servers).toEqual(['192.0.2.1']);
  });

  it('(c) serializes 10 concurrent set_ntp.sh runs: consistent files, a complete audit chain', async () => {
    const root = makeRoot({ demo: true });
    const servers = Array.from({ length: 10 }, (_, i) => (i % 2 ? `ntp${i}.example.net:${1000 + i}` : `192.0.2.${i + 1}`));
    const seedState = state(root);

    // Ten runs in a row behind one lock: the last one waits for nine others, which on a busy
    // machine can take longer than the default lock wait (15 s). How long a writer waits is not
    // what this test is about ((b) is): a wait longer than the test may run leaves the outcome
    // (every run done, in turn, none lost) as the only thing that decides.
    const runs = await Promise.all(servers.map((s) => runScript('set_ntp.sh', [s], root.dir, { CONFCONSOLE_LOCK_WAIT: '120' })));
    runs.forEach((r, i) => {
      expect(r.code, `run ${i}: ${r.stderr}`).toBe(0);
      expect(r.json).toEqual({ ok: true, changed: true, servers: [servers[i]] });
    });

    const now = state(root);
    const final = parseSettings(now.ini).ntp.servers;
    expect(final).toHaveLength(1);
    const k = servers.indexOf(final[0]!);
    expect(k).toBeGreaterThanOrEqual(0);
    // exactly one of the written states, the same one in both files
    const { ms: _, ...expected } = await expectedAfter(seedState, servers[k]!);
    expect(now).toEqual(expected);
    const [host, port] = final[0]!.split(':');
    expect(now.conf.split('\n').filter((l) => l.startsWith('server '))).toEqual([
      port ? `server ${host} port ${port} iburst` : `server ${host} iburst`,
    ]);

    // one complete audit line per run, each starting from the state the previous one left
    const lines = read(root.audit).split('\n').filter(Boolean);
    expect(lines).toHaveLength(10);
    const audit = auditEntries(root);
    expect(audit.every((a) => a.action === 'ntp.set' && a.result === 'ok')).toBe(true);
    const chain = audit.map((a) => /^servers: (.*) -> (.*)$/.exec(a.detail)!.slice(1));
    expect(chain[0]![0]).toBe('(none)');
    for (let j = 1; j < chain.length; j++) expect(chain[j]![0], `audit line ${j + 1}`).toBe(chain[j - 1]![1]);
    expect(chain.map((c) => c[1]).sort()).toEqual([...servers].sort());
    expect(chain[9]![1]).toBe(final[0]);

    expect(read(root.hostEffects).match(/ service chrony restart$/gm)).toHaveLength(10);
    expect(backupsOf(root, 'etc_confconsole_appliance.ini.').length).toBeLessThanOrEqual(10);
    expect(backupsOf(root, 'etc_chrony_chrony.conf.').length).toBeLessThanOrEqual(10);
    expect(stagedTemps(root)).toEqual([]);
  });

  it('(d) SIGKILL at random moments leaves each file whole, old or new; a later run cleans up and succeeds', async () => {
    const seed = testSeed();
    const R = rng(seed);
    const root = makeRoot({ demo: true });
    // What set_ntp.sh SERVER writes depends only on the servers once the seed's pool line and
    // settings have been replaced: compute each outcome once, from the seed, on scratch roots.
    const pool = ['192.0.2.1', 'ntp1.example.org', '[2001:db8::1]:123', '198.51.100.2:1123', 'NTP.Example.NET.'];
    const canonical = (s: string) => s.toLowerCase();
    const seedState = state(root);
    const first = await expectedAfter(seedState, pool[0]!); // alone: how long one whole run takes
    const rest = await Promise.all(pool.slice(1).map((s) => expectedAfter(seedState, s)));
    const want = new Map([first, ...rest].map((w, i) => [pool[i]!, { ini: w.ini, conf: w.conf }]));
    // How long one whole run takes: first alone, then as the runs say (one that ends unkilled
    // took r.ms, one killed at `delay` was still running then). A busy machine's speed changes
    // while the test runs: one early sample would put the kills all after the ends, or all early.
    let runMs = first.ms;
    const tally = { killedOld: 0, killedNew: 0, finished: 0, iniNewConfOld: 0 };

    for (let i = 0; i < 30; i++) {
      const old = state(root);
      const current = parseSettings(old.ini).ntp.servers.join(' ');
      const server = R.pick(pool.filter((s) => canonical(s) !== current)); // always a real change
      const w = want.get(server)!;
      const span = Math.max(30, runMs * 1.6); // kills land all along a run, some after it
      const delay = R.next() * span;
      let pid = 0;
      const run = runScript('set_ntp.sh', [server], root.dir, {}, { detached: true, onSpawn: (p) => (pid = p) });
      // the kill at `delay`, or none when the run ends first: no waiting out a delay past its end
      let ended = false;
      void run.then(() => (ended = true));
      await Promise.race([sleep(delay), run]);
      if (!ended) {
        try {
          process.kill(-pid, 'SIGKILL'); // the whole process group: bash and whatever it runs
        } catch {
          /* it ended just now */
        }
      }
      const r = await run;
      const now = state(root);
      const where = `seed ${seed}, iteration ${i}, ${server}, kill after ${delay.toFixed(1)} ms`;
      // Whole files only: the old one, the new one, or — when this run first rolled back the
      // change an earlier kill interrupted — one from before that (all are known outcomes).
      expect([old.ini, seedState.ini, ...[...want.values()].map((x) => x.ini)], where).toContain(now.ini);
      expect([old.conf, seedState.conf, ...[...want.values()].map((x) => x.conf)], where).toContain(now.conf);
      expect(() => parseSettings(now.ini), where).not.toThrow();
      if (r.signal === 'SIGKILL') {
        runMs = Math.max(runMs, delay);
        if (now.ini === w.ini && now.conf === w.conf) tally.killedNew++;
        else tally.killedOld++;
        if (now.ini === w.ini && now.conf !== w.conf) tally.iniNewConfOld++;
      } else {
        expect(r.code, `${where}: ${r.stderr}`).toBe(0);
        expect(now, where).toEqual(w);
        tally.finished++;
        runMs = (runMs + r.ms) / 2;
      }
      // the audit log only ever holds whole lines
      expect(() => auditEntries(root), where).not.toThrow();
    }
    console.info(`kill test (seed ${seed}, first run ${first.ms.toFixed(0)} ms, last span ${(runMs * 1.6).toFixed(0)} ms): ${JSON.stringify(tally)}; temps left by kills: ${stagedTemps(root).length}`);

    // Whatever the last kill interrupted, recover.sh leaves both files from the same change.
    expect((await runScript('recover.sh', [], root.dir)).code).toBe(0);
    const healed = state(root);
    const pair = [...want.values()].find((x) => x.ini === healed.ini);
    expect(healed.conf, `seed ${seed}: files of different changes after recovery`).toBe(pair ? pair.conf : seedState.conf);

    // later: temps left by the kills, plus planted stale ones
    writeFileSync(join(root.dir, 'etc/confconsole/.appliance.ini.cc-STALE1'), '[half');
    writeFileSync(join(root.dir, 'etc/chrony/.chrony.conf.cc-STALE2.new'), 'server half');
    const old = new Date(Date.now() - 5 * 60_000);
    for (const f of stagedTemps(root))
      utimesSync(join(root.dir, f.startsWith('.appliance') ? 'etc/confconsole' : 'etc/chrony', f), old, old);

    const final = parseSettings(state(root).ini).ntp.servers.join(' ') === pool[0] ? pool[1]! : pool[0]!;
    const r = await runScript('set_ntp.sh', [final], root.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(state(root)).toEqual(want.get(final));
    expect(stagedTemps(root)).toEqual([]);
    expect(backupsOf(root, 'etc_confconsole_appliance.ini.').length).toBeLessThanOrEqual(10);
    expect(backupsOf(root, 'etc_chrony_chrony.conf.').length).toBeLessThanOrEqual(10);
    expect(auditEntries(root).at(-1)).toMatchObject({ action: 'ntp.set', result: 'ok' });
  }, 240_000); // many killed and rerun writers: minutes on a busy 2-core machine

  describe('(e) host effects: restart_services.sh and power.sh', () => {
    /** A master appliance with one service of its own role (sbin/lib/role.sh: restarted after appliance.ini's names). */
    const withRole = (root: ReturnType<typeof makeRoot>) => {
      writeFileSync(root.ini, read(root.ini).replace(/^names = (.*)$/m, 'names = $1\nmaster_role = "x-master"'));
      return root;
    };
    it('restart_services.sh restarts every listed service in order (exit 0)', async () => {
      const root = withRole(makeRoot({ demo: false }));
      const svc = serviceCmd(root);
      const r = await runScript('restart_services.sh', [], root.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toEqual({ ok: true, results: [{ service: 'chrony', ok: true }, { service: 'x-core', ok: true }, { service: 'x-master', ok: true }] });
      expect(r.stderr.split('\n').filter(Boolean)).toEqual(['[1/3] chrony: restarted', '[2/3] x-core: restarted', '[3/3] x-master: restarted']);
      expect(read(svc.log)).toBe('restart chrony\nrestart x-core\nrestart x-master\n');
      expect(auditEntries(root)).toMatchObject([{ action: 'services.restart', detail: '3 services: chrony x-core x-master', result: 'ok' }]);
      expect(readOr(root.hostEffects)).toBe('');
    });

    it('restart_services.sh restarts the Call-Home tunnels too, only while Call-Home is enabled', async () => {
      const root = withRole(makeRoot({ demo: false }));
      const svc = serviceCmd(root);
      writeFileSync(root.ini, read(root.ini) + '\n[callhome]\nenabled = yes\nhost = ch.example.net\n\n[partner]\nenabled = yes\nhost = partner.example.net\nport = 22\n');
      const r = await runScript('restart_services.sh', [], root.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
      expect(r.code, r.stderr).toBe(0);
      expect(read(svc.log)).toBe('restart chrony\nrestart x-core\nrestart x-master\nrestart confconsole-callhome\nrestart confconsole-callhome-partner\n');
      expect(r.stderr).toContain('[5/5] confconsole-callhome-partner: restarted');
      writeFileSync(root.ini, read(root.ini).replace('[callhome]\nenabled = yes', '[callhome]\nenabled = no'));
      writeFileSync(svc.log, '');
      const off = await runScript('restart_services.sh', [], root.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
      expect(off.code, off.stderr).toBe(0);
      expect(read(svc.log)).toBe('restart chrony\nrestart x-core\nrestart x-master\n'); // a stopped tunnel stays stopped
    });

    it('restart_services.sh goes on past a failing service, names it, exits 6', async () => {
      const root = withRole(makeRoot({ demo: false }));
      const svc = serviceCmd(root, ['chrony']);
      const r = await runScript('restart_services.sh', [], root.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
      expect(r.code, r.stderr).toBe(6);
      const msg = 'Job for chrony.service failed because the control process exited with error code.';
      expect(r.json).toEqual({
        ok: false,
        results: [
          { service: 'chrony', ok: false, error: msg },
          { service: 'x-core', ok: true },
          { service: 'x-master', ok: true },
        ],
      });
      expect(r.stderr.split('\n').filter(Boolean)).toEqual([`[1/3] chrony: FAILED ${msg}`, '[2/3] x-core: restarted', '[3/3] x-master: restarted']);
      expect(read(svc.log)).toBe('restart chrony\nrestart x-core\nrestart x-master\n');
      expect(auditEntries(root)).toMatchObject([{ action: 'services.restart', result: '1 failed' }]);
    });

    it('restart_services.sh on the demo appliance records the restarts and runs nothing', async () => {
      const root = withRole(makeRoot({ demo: true }));
      const svc = serviceCmd(root);
      const r = await runScript('restart_services.sh', [], root.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json.ok).toBe(true);
      expect(read(root.hostEffects)).toMatch(/^\S+Z service chrony restart\n\S+Z service x-core restart\n\S+Z service x-master restart\n$/);
      expect(readOr(svc.log)).toBe('');
    });

    it('restart_services.sh rejects arguments (exit 2) and an empty service list (exit 1)', async () => {
      const root = makeRoot({ demo: true });
      const r = await runScript('restart_services.sh', ['chrony'], root.dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.json).toMatchObject({ ok: false, code: 2, error: 'takes no arguments but --list' });
      // a vSensor (no role of its own) with no [services] names: nothing to restart
      writeFileSync(root.ini, '[appliance]\nprofile = vsensor\ndemo = true\n');
      const e = await runScript('restart_services.sh', [], root.dir);
      expect(e.code, e.stderr).toBe(1);
      expect(e.json.error).toMatch(/no services are listed/);
      expect(readOr(root.hostEffects)).toBe('');
    });

    /**
     * power.sh only ever runs on a demo root, with PATH starting at fixtures that stand in for
     * systemctl/shutdown/reboot/poweroff/halt: even if demo mode broke, the host is not touched.
     */
    function powerEnv(root: Root) {
      if (!root.dir.startsWith(tmpdir() + '/')) throw new Error(`refusing: ${root.dir} is not a temp root`);
      if (parseSettings(read(root.ini)).appliance.demo !== true || !/^demo = true$/m.test(read(root.ini)))
        throw new Error('refusing to run power.sh: the root is not a demo appliance');
      const log = join(root.testDir, 'host-commands.log');
      for (const c of ['systemctl', 'shutdown', 'reboot', 'poweroff', 'halt', 'init', 'telinit'])
        fixture(root, c, `printf '%s\\n' "${c} $*" >>'${log}'\n`);
      // fixtures live in .test/, which goes first on PATH
      return { env: { PATH: `${root.testDir}:${process.env.PATH}` }, log };
    }

    it.each(['reboot', 'shutdown'])('power.sh %s on the demo appliance records it and does nothing', async (what) => {
      const root = makeRoot({ demo: true });
      const { env, log } = powerEnv(root);
      const r = await runScript('power.sh', [what], root.dir, env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toEqual({ ok: true, action: what, demo: true });
      expect(read(root.hostEffects)).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ ${what}\\n$`));
      expect(auditEntries(root)).toMatchObject([{ action: `power.${what}`, result: 'ok' }]);
      expect(readOr(log)).toBe('');
    });

    it.each([[['bogus']], [['reboot', 'now']], [[]], [['REBOOT']]])('power.sh %j → exit 2, nothing recorded', async (args) => {
      const root = makeRoot({ demo: true });
      const { env, log } = powerEnv(root);
      const r = await runScript('power.sh', args, root.dir, env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.json).toMatchObject({ ok: false, code: 2 });
      expect(r.json.error).toMatch(/usage: power\.sh reboot\|shutdown/);
      expect(readOr(root.hostEffects)).toBe('');
      expect(readOr(root.audit)).toBe('');
      expect(readOr(log)).toBe('');
    });
  });
});
