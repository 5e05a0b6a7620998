// Mixed writers at once: NTP servers, master modes with their secrets, the osSensor key, the
// PCAP size, through the scripts and the command line, all started together on one appliance.
// The one lock serializes them: every writer ends (none waits out the lock, none is stuck),
// the audit log has one whole line per change in the order they were made, and what each area
// holds at the end is what the last change of that area wrote (no update is lost to another
// writer's read-modify-write of appliance.ini).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import { REPO, auditEntries, makeRoot, read, readOr, removeRoots, rng, runCommand, script, scriptEnv, serviceCmd, testSeed } from '../system/helpers.js';
import { lockFree, tempsUnder, txnOf } from './lib.js';
import { writeFigures } from './sampler.js';

const WRITERS = Number(process.env.CONFCONSOLE_FAULT_WRITERS ?? 16);
const why = missing('fault: concurrent mixed writers', ['flock', 'sha256sum']);
const CLI = join(REPO, 'bin/confconsole');
const built = existsSync(join(REPO, 'dist/cli.js'));
afterAll(removeRoots);

describe.skipIf(why !== undefined)('fault: concurrent mixed writers', () => {
  it(`${WRITERS} writers at once: all end, none lost, one audit line each`, { timeout: 60_000 + WRITERS * 3_000 }, async () => {
    const seed = testSeed();
    const R = rng(seed);
    const root = makeRoot({ demo: false });
    const svc = serviceCmd(root);
    const env = scriptEnv(root.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd, CONFCONSOLE_LOCK_WAIT: '600' });
    const key = (i: number) => `K${i}x${'abcdefghijkmnopqrstuvwxyz'.repeat(2).slice(i % 20, (i % 20) + 20)}`;
    const runs = Array.from({ length: WRITERS }, (_, i) => {
      const viaCli = built && R.chance(0.3);
      const cli = (argv: string[], input?: string) => runCommand(process.execPath, [CLI, '--root', root.dir, '--profile', 'vsensor', '--json', ...argv], env, input ?? '');
      const sh = (name: string, args: string[], input?: string) => runCommand(script(name), args, env, input);
      switch (i % 4) {
        case 0: {
          const server = `ntp${i}.example.org`;
          return { area: 'ntp', value: server, run: viaCli ? cli(['ntp', 'set', server]) : sh('set_ntp.sh', [server]) };
        }
        case 1:
          return { area: 'ossensor', value: key(i), run: viaCli ? cli(['ossensor-hmac', 'set'], key(i) + '\n') : sh('set_ossensor_hmac.sh', [], key(i) + '\n') };
        case 2: {
          const host = `192.0.2.${i + 1}`;
          return { area: 'master', value: host, run: viaCli ? cli(['master', 'set', 'push', '--host', host]) : sh('set_push.sh', [host]) };
        }
        default: {
          const gb = String(i % 8 === 3 ? 0 : 1);
          return { area: 'pcap', value: gb, run: viaCli ? cli(['pcap', 'set', gb]) : sh('set_pcap.sh', [gb]) };
        }
      }
    });
    const results = await Promise.all(runs.map((r) => r.run));
    const failures = results.map((r, i) => ({ i, code: r.code, err: r.stderr.trim().split('\n').at(-1) })).filter((x) => x.code !== 0);
    // a PCAP size that does not fit this machine's disk is refused (exit 2): not a lost update
    const refusedPcap = failures.filter((f) => runs[f.i]!.area === 'pcap' && f.code === 2);
    const real = failures.filter((f) => !refusedPcap.includes(f));
    const audit = auditEntries(root);
    const settings = parseSettings(read(root.ini));
    // the last change of each area, in the audit's order, is what the files hold
    const lastOf = (action: string) => audit.filter((e) => e.action === action && e.result === 'ok').at(-1);
    const lost: string[] = [];
    const ntp = lastOf('ntp.set');
    if (ntp && !ntp.detail.endsWith(`-> ${settings.ntp.servers.join(' ')}`)) lost.push(`ntp: ${ntp.detail} but the file says ${settings.ntp.servers.join(' ')}`);
    const master = lastOf('master.set');
    if (master && !master.detail.includes(`master ${settings.master.host}`)) lost.push(`master: ${master.detail} but the file says ${settings.master.host}`);
    const oss = lastOf('ossensor.hmac');
    const stored = readOr(join(root.dir, 'etc/confconsole/secrets/ossensor_hmac')).trim();
    const ossWriter = runs.find((r) => r.area === 'ossensor' && r.value === stored);
    if (oss && !ossWriter) lost.push('ossensor: the stored key is none of the writers\'');
    // every writer that ended well and changed something wrote one audit line; one that found
    // its value already in place ("changed": false, issue 15) writes, restarts and audits nothing
    const oks = audit.filter((e) => ['ntp.set', 'master.set', 'ossensor.hmac', 'pcap.set'].includes(e.action) && e.result === 'ok').length;
    const unchanged = results.filter((r) => r.code === 0 && /"changed":false/.test(r.stdout)).length;
    const figures = { seed, writers: WRITERS, ok: results.length - failures.length, refusedPcap: refusedPcap.length, failed: real.length, lost: lost.length, auditLines: oks, unchanged, stuckLocks: lockFree(root) ? 0 : 1, leftovers: tempsUnder(root.dir).length + (existsSync(txnOf(root)) ? 1 : 0) };
    writeFigures('concurrency', figures);
    console.info(`fault concurrency: ${JSON.stringify(figures)}`);
    expect(real, JSON.stringify(real)).toEqual([]);
    expect(lost).toEqual([]);
    expect(oks).toBe(results.length - failures.length - unchanged);
    expect(figures.stuckLocks).toBe(0);
    expect(figures.leftovers).toBe(0);
  });
});
