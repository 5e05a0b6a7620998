// "Restored" only when restored (issue 9 item 8): a writer whose service does not restart puts
// the previous files back and restarts it again; exit 3 only when the service then runs, exit 7
// with typed data ("service":{"state":"down"}) when it does not, for set_ntp.sh and the
// writers built on apply_settings (set_pcap.sh, set_dcip_hmac.sh); the console says it from
// that data. And a cancelled NTP test (Esc: TERM) leaves no chronyd -Q behind.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ntpSet } from '../../src/features/ntp/index.js';
import { makePaths } from '../../src/system/paths.js';
import { makeRunner } from '../../src/system/runner.js';
import { missing } from '../support/requires.js';
import {
  alive,
  auditEntries,
  cmdline,
  freeUdpPort,
  makeRoot,
  read,
  removeRoots,
  runScript,
  runScriptInput,
  serviceCmd,
  treeSnapshot,
  REPO,
  waitFor,
  type Root,
} from './helpers.js';

const why = missing('system: restore and service state of the writers', ['bash', 'python3', 'flock']);
const whyChrony = missing('system: cancelling an NTP test', ['chronyd', 'bash']);

afterAll(() => removeRoots());

const JOB = (s: string) => `Job for ${s}.service failed because the control process exited with error code.`;
/**
 * Every file under etc/ (the settings, chrony.conf, secrets): what a restore must give back. The
 * secrets directory itself may stay once made (empty: its files are compared), and so may the
 * appliance's fingerprint key.
 */
const etc = (r: Root) => {
  const t = treeSnapshot(r.dir, (p) => !p.startsWith('etc'));
  delete t['etc/confconsole/secrets/'];
  // the fingerprint key (made on first use to describe a secret, lib/fingerprint.py) is no setting
  delete t['etc/confconsole/secrets/fingerprint.key'];
  return t;
};
const randomHmac = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[Math.floor(Math.random() * 62)]).join('');

interface Writer {
  script: string;
  service: string;
  action: string;
  args: string[];
  stdin?: () => string;
}
const WRITERS: Writer[] = [
  { script: 'set_ntp.sh', service: 'chrony', action: 'ntp.set', args: ['192.0.2.7', 'ntp.example.org:1123'] },
  { script: 'set_pcap.sh', service: 'vsensor-pcap', action: 'pcap.set', args: ['1'] },
  { script: 'set_dcip_hmac.sh', service: 'vsensor-probe', action: 'master.set', args: [], stdin: () => randomHmac(40) + '\n' },
];

const runWriter = (w: Writer, r: Root, env: Record<string, string>) =>
  w.stdin ? runScriptInput(w.script, w.args, r.dir, w.stdin(), env) : runScript(w.script, w.args, r.dir, env);

describe.skipIf(why !== undefined)('a service that does not come back', () => {
  it.each(WRITERS)('$script: $service fails with the new and the old settings → exit 7, files restored, "service":"down", audit says down', async (w) => {
    const r = makeRoot({ demo: false });
    const before = etc(r);
    const svc = serviceCmd(r, [w.service]);
    const res = await runWriter(w, r, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
    expect(res.code, res.stderr).toBe(7);
    expect(res.json).toMatchObject({
      ok: false,
      code: 7,
      restored: true,
      service: { name: w.service, state: 'down', error: JOB(w.service), restore_error: JOB(w.service) },
    });
    expect(res.json.error).not.toMatch(/previous settings restored/);
    expect(res.json.error).toContain(`${w.service} is down`);
    expect(res.json.error).toContain(`systemctl status ${w.service}`);
    // the files are back byte for byte; the service was asked twice (new, then old settings)
    expect(etc(r)).toEqual(before);
    expect(read(svc.log).split('\n').filter(Boolean)).toEqual([`restart ${w.service}`, `restart ${w.service}`]);
    expect(auditEntries(r).map((a) => [a.action, a.result])).toEqual([[w.action, `failed, restored, ${w.service} down`]]);
    expect(readdirSync(join(r.dir, 'var/lib/confconsole')).filter((f) => f === 'txn')).toEqual([]);
  });

  it.each(WRITERS)('$script: $service fails with the new settings only → exit 3, "state":"up", restored', async (w) => {
    const r = makeRoot({ demo: false });
    const before = etc(r);
    const svc = serviceCmd(r, [w.service], 'service', { failTimes: 1 });
    const res = await runWriter(w, r, { CONFCONSOLE_SERVICE_CMD: svc.cmd });
    expect(res.code, res.stderr).toBe(3);
    expect(res.json).toMatchObject({ ok: false, code: 3, restored: true, service: { name: w.service, state: 'up', error: JOB(w.service) } });
    expect(res.json.service.restore_error).toBeUndefined();
    expect(res.json.error).toMatch(/previous settings restored, and .* runs with them/);
    expect(etc(r)).toEqual(before);
    expect(auditEntries(r).map((a) => a.result)).toEqual(['failed, restored']);
  });

  it('the console says a down service from the typed result: its own summary, what to do, exit 7', async () => {
    const r = makeRoot({ demo: false });
    const svc = serviceCmd(r, ['chrony']);
    const ctx = { paths: makePaths(r.dir), runner: makeRunner(makePaths(r.dir), { CONFCONSOLE_SERVICE_CMD: svc.cmd }) };
    const lines: string[] = [];
    const o = await ntpSet.apply!(ctx, { servers: '192.0.2.7' }, { line: (l) => lines.push(l) });
    expect(o).toMatchObject({
      ok: false,
      code: 7,
      summary:
        "chrony is down: the previous settings are back in the files, but chrony did not start with them either. See why with 'systemctl status chrony' and 'journalctl -u chrony', fix it, then start chrony (Restart all services)",
    });
    expect(o.details!.slice(0, 2)).toEqual([`With the new settings: ${JOB('chrony')}`, `With the previous settings: ${JOB('chrony')}`]);
    expect(o.data).toMatchObject({ service: { state: 'down' } });

    // restored and running: the script's own words, exit 3
    const once = serviceCmd(r, ['chrony'], 'service-once', { failTimes: 1 });
    const ctx3 = { paths: makePaths(r.dir), runner: makeRunner(makePaths(r.dir), { CONFCONSOLE_SERVICE_CMD: once.cmd }) };
    const o3 = await ntpSet.apply!(ctx3, { servers: '192.0.2.7' }, { line: () => undefined });
    expect(o3).toMatchObject({ ok: false, code: 3 });
    expect(o3.summary).toMatch(/^chrony did not restart with the new settings .*previous settings restored, and chrony runs with them$/);
  });
});

const built = existsSync(join(REPO, 'dist/cli.js'));

describe.skipIf(why !== undefined || !built)('the command line', () => {
  it('confconsole ntp set: exit 7, the typed service state in --json, what to do on stderr in text', () => {
    const r = makeRoot({ demo: false });
    const svc = serviceCmd(r, ['chrony']);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(REPO, 'bin/confconsole'), '--root', r.dir, 'ntp', 'set', '192.0.2.7', ...args], {
        encoding: 'utf8',
        env: { ...process.env, CONFCONSOLE_SERVICE_CMD: svc.cmd },
        timeout: 30_000,
      });
    const j = cli('--json');
    expect(j.status, j.stderr).toBe(7);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, code: 7, restored: true, service: { name: 'chrony', state: 'down' } });
    const t = cli();
    expect(t.status, t.stderr).toBe(7);
    expect(t.stderr).toContain("confconsole: chrony is down: the previous settings are back in the files, but chrony did not start with them either. See why with 'systemctl status chrony'");
  });
});

/** chronyd -Q processes asking PORT (test_ntp.sh's queries), by pid. */
function queries(port: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const c = cmdline(Number(d));
    // chronyd rewrites its own command line once started (the words may run together): match loosely
    if (c[0]?.endsWith('chronyd') && c.includes('-Q') && new RegExp(`port ${port}(?!\\d)`).test(c.join(' ')) && alive(Number(d))) out.push(Number(d));
  }
  return out;
}

describe.skipIf(whyChrony !== undefined)('cancelling an NTP test', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('test_ntp.sh killed with %s while chronyd -Q waits: the query is stopped too, at once', async (sig) => {
    const r = makeRoot({ demo: true });
    const port = await freeUdpPort();
    let pid = 0;
    const run = runScript('test_ntp.sh', ['--timeout', '30', `127.0.0.1:${port}`], r.dir, {}, { onSpawn: (p) => (pid = p) });
    const q = await waitFor('chronyd -Q to start', () => (queries(port).length ? queries(port) : undefined), 10_000, 50);
    const t0 = Date.now();
    process.kill(pid, sig);
    const res = await run;
    expect(res.code, res.stderr).toBe(sig === 'SIGINT' ? 130 : 143);
    expect(res.stderr).toContain('cancelled');
    await waitFor('chronyd -Q to be gone', () => q.every((p) => !alive(p)), 5000, 50);
    expect(Date.now() - t0).toBeLessThan(5000); // not the 30 s of --timeout
    expect(queries(port)).toEqual([]);
  });

  it("the console's cancel (Esc aborts the test): no chronyd -Q is left", async () => {
    const r = makeRoot({ demo: true });
    const port = await freeUdpPort();
    const paths = makePaths(r.dir);
    const ctl = new AbortController();
    const pending = ntpSet.test!({ paths, runner: makeRunner(paths) }, { servers: `127.0.0.1:${port}` }, { line: () => undefined, signal: ctl.signal });
    const q = await waitFor('chronyd -Q to start', () => (queries(port).length ? queries(port) : undefined), 10_000, 50);
    const t0 = Date.now();
    ctl.abort();
    const o = await pending;
    expect(o).toMatchObject({ ok: false, summary: 'cancelled' });
    await waitFor('chronyd -Q to be gone', () => q.every((p) => !alive(p)), 5000, 50);
    // well before the query's own end (the test's default timeout, 5 s): the cancel stopped it
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(queries(port)).toEqual([]);
  });
});
