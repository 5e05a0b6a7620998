// The appliance's role for real (manual ch. 10): set_topology.sh and `confconsole topology ...`
// on a real (non-demo) root whose services go through the CONFCONSOLE_SERVICE_CMD hook. The
// settings and secret files written, the services stopped and started in order, the audit; a
// service that does not start restores the master role byte for byte (exit 3, or 7 when the
// master's services stay down); a writer killed between the files and the services is rolled
// back whole by the next lock holder; the round trip probe → master → probe; every field's bad
// input refused with exit 2 naming it and nothing changed; and the master test of the
// Convert to probe form against the loopback HTTPS master of the vSensor tests.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertToProbe } from '../../src/features/topology/index.js';
import { makePaths } from '../../src/system/paths.js';
import { makeRunner } from '../../src/system/runner.js';
import { parseSettings } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import { auditEntries, makeRoot, read, readOr, REPO, removeRoots, runCommand, script, scriptEnv, serviceCmd, treeSnapshot, type Root } from './helpers.js';
import { randomHmac, startMaster, type MasterFixture } from './master-fixture.js';

const why = missing('system: topology (set_topology.sh)', ['root', 'bash', 'awk', 'flock', 'sha256sum', 'openssl', 'curl']);
const CLI = join(REPO, 'bin/confconsole');
const TOKEN = 'ProbeLab:Zx8Cv7Bn6Mq5Wd4Ef3Rt';
const MASTER_SVCS = ['master-analytics', 'master-search', 'master-ui'];

afterAll(() => removeRoots());

const settings = (r: Root) => parseSettings(read(r.ini));
const secret = (r: Root, n: string) => join(r.dir, 'etc/confconsole/secrets', n);
/** The service hook's log: "VERB NAME" lines. */
const svcLog = (log: string) => readOr(log).trim().split('\n').filter(Boolean);

function topo(r: Root, args: string[], input: string | undefined, svc: { cmd: string }, extra: Record<string, string> = {}) {
  // detached: the fault harness kills the writer's whole process group, never this one
  return runCommand(script('set_topology.sh'), args, scriptEnv(r.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd, ...extra }), input, { detached: true });
}
function cli(r: Root, args: string[], input: string | undefined, svc: { cmd: string }) {
  return runCommand(process.execPath, [CLI, '--root', r.dir, '--json', 'topology', ...args], scriptEnv(r.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd }), input);
}
const probeArgs = (mode: string, master: string, retain = 'no', more: string[] = []) => ['probe', '--mode', mode, '--master', master, '--retain-search', retain, ...more];

describe.skipIf(why !== undefined)('set_topology.sh and confconsole topology on a real root', () => {
  it('each mode: [topology] and [master] written, the secret 0600, master services stopped then the probe started, audited without the secret', async () => {
    const cases = [
      { mode: 'push-token', input: TOKEN + '\n', file: 'push_token', label: 'ProbeLab', token: 'ProbeLab:****', more: ['--proxy', 'http://127.0.0.1:3128'] },
      { mode: 'pull', input: 'PullHmac0123456789abcdefXYZ\n', file: 'pull_hmac', label: '', token: '****', more: [] },
      { mode: 'push', input: undefined, file: '', label: '', token: '', more: [] },
    ];
    for (const k of cases) {
      const r = makeRoot();
      const svc = serviceCmd(r);
      const res = await topo(r, probeArgs(k.mode, '10.0.9.1', 'no', k.more), k.input, svc);
      expect(res.code, res.stderr).toBe(0);
      expect(res.json).toMatchObject({ ok: true, role: 'probe', mode: k.mode, host: '10.0.9.1', token: k.token, retain_search: 'no', started: ['probe-forwarder'], stopped: MASTER_SVCS });
      const s = settings(r);
      expect(s.topology).toEqual({ role: 'probe', retain_search: 'no' });
      expect(s.master).toMatchObject({ mode: k.mode, host: '10.0.9.1', token_label: k.label, proxy: k.mode === 'push-token' ? 'http://127.0.0.1:3128' : '' });
      // every other line kept
      expect(read(r.ini)).toContain('names = "chrony x-core"');
      expect(svcLog(svc.log)).toEqual([...MASTER_SVCS.map((n) => `stop ${n}`), 'start probe-forwarder']);
      if (k.file) {
        expect(read(secret(r, k.file))).toBe(k.input);
        expect(statSync(secret(r, k.file)).mode & 0o777).toBe(0o600);
      }
      const a = auditEntries(r).at(-1)!;
      expect(a).toMatchObject({ script: 'set_topology.sh', action: 'topology.convert-to-probe', result: 'ok' });
      if (k.input) {
        const value = k.input.trim().split(':').pop()!;
        expect(read(r.audit)).not.toContain(value);
        expect(res.stdout + res.stderr).not.toContain(value);
      }
    }
  });

  it('a probe service that does not start: exit 3, the master role back byte for byte, its services started again', async () => {
    const r = makeRoot();
    const svc = serviceCmd(r, ['probe-forwarder']);
    // the appliance's files (the lock, the logs, the backups and an empty secrets directory aside)
    const files = () => Object.fromEntries(Object.entries(treeSnapshot(r.dir, (rel) => !rel.startsWith('etc/'))).filter(([k]) => !k.endsWith('/')));
    const before = files();
    const res = await topo(r, probeArgs('push-token', '10.0.9.1'), TOKEN + '\n', svc);
    expect(res.code, res.stderr).toBe(3);
    expect(res.json).toMatchObject({ ok: false, restored: true, service: { state: 'up' } });
    expect(res.json.error).toContain('probe-forwarder did not start');
    expect(files()).toEqual(before);
    expect(svcLog(svc.log)).toEqual([...MASTER_SVCS.map((n) => `stop ${n}`), 'start probe-forwarder', 'stop probe-forwarder', ...MASTER_SVCS.map((n) => `start ${n}`)]);
    expect(auditEntries(r).at(-1)).toMatchObject({ action: 'topology.convert-to-probe', result: 'failed, restored' });
    expect(readOr(join(r.dir, 'var/lib/confconsole/txn'), 'none')).toBe('none');

    // and when a master service does not come back either: exit 7, named, the files restored all the same
    const r2 = makeRoot();
    const svc2 = serviceCmd(r2, ['probe-forwarder', 'master-ui'], 'service2');
    const before2 = read(r2.ini);
    const res2 = await topo(r2, probeArgs('push', '10.0.9.1'), undefined, svc2);
    expect(res2.code, res2.stderr).toBe(7);
    expect(res2.json).toMatchObject({ restored: true, service: { name: 'master-ui', state: 'down' } });
    expect(read(r2.ini)).toBe(before2);
  });

  it('killed between the files and the services: the next writer rolls the change back whole', async () => {
    const r = makeRoot();
    const svc = serviceCmd(r);
    const before = read(r.ini);
    const res = await topo(r, probeArgs('pull', '10.0.9.1'), randomHmac(30) + '\n', svc, { CONFCONSOLE_FAULT_AT: 'services' });
    expect(res.code).not.toBe(0);
    expect(read(r.ini)).not.toBe(before);
    // the next writer rolls it back first, then reads the role (master again) and makes its own change
    const next = await topo(r, probeArgs('push', '10.0.9.3'), undefined, svc);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain('an earlier change was interrupted');
    const log = svcLog(svc.log);
    // recovery stopped the probe service it had started and started the master's again, before the new change
    const rec = log.indexOf('stop probe-forwarder');
    expect(rec).toBeGreaterThan(0);
    expect(log.slice(rec + 1, rec + 4)).toEqual(MASTER_SVCS.map((n) => `restart ${n}`));
    expect(readOr(secret(r, 'pull_hmac'), 'gone')).toBe('gone');
    expect(settings(r).master).toMatchObject({ mode: 'push', host: '10.0.9.3' });
  });

  it('the round trip through the commands: probe → master → probe, show says each; probe → probe and master → master change nothing (exit 2, role)', async () => {
    const r = makeRoot();
    const svc = serviceCmd(r);
    let res = await cli(r, ['convert-to-master'], undefined, svc);
    expect(res.code).toBe(2);
    expect(res.json).toMatchObject({ ok: false, field: 'role' });
    expect(res.json.error).toContain('already a master');

    res = await cli(r, ['convert-to-probe', '--mode', 'push-token', '--master', '10.0.9.1', '--retain-search', 'yes'], TOKEN + '\n', svc);
    expect(res.code, res.stderr).toBe(0);
    // a command logs nobody out: only the console says so (and ends)
    expect(res.json.summary).toMatch(/This appliance is a probe of https:\/\/10\.0\.9\.1/);
    expect(res.json.summary).not.toMatch(/logged out/);
    const probeIni = read(r.ini);
    res = await cli(r, ['show'], undefined, svc);
    expect(res.json).toEqual({ ok: true, role: 'probe', mode: 'push-token', master: '10.0.9.1', proxy: null, token: 'ProbeLab:****', retain_search: 'yes' });

    const snap = treeSnapshot(r.dir, (rel) => rel.startsWith('.test'));
    res = await cli(r, ['convert-to-probe', '--mode', 'push', '--master', '10.0.9.2', '--retain-search', 'no'], undefined, svc);
    expect(res.code).toBe(2);
    expect(res.json).toMatchObject({ field: 'role' });
    expect(res.json.error).toContain('already a probe');
    expect(res.json.error).toContain('use confconsole topology change-master');
    // one line that reads as sentences: the role's lines joined, each paragraph ended
    expect(res.json.error).toBe('This appliance is already a probe. Nothing was changed. Role: probe of the master https://10.0.9.1; Mode: Push Token, token ProbeLab:****; Advanced Search data: retained on this probe. To change its master, use confconsole topology change-master.');
    expect(treeSnapshot(r.dir, (rel) => rel.startsWith('.test'))).toEqual(snap);

    res = await cli(r, ['convert-to-master'], undefined, svc);
    expect(res.code, res.stderr).toBe(0);
    expect(settings(r).topology.role).toBe('master');
    expect(readOr(secret(r, 'push_token'), 'gone')).toBe('gone');
    res = await cli(r, ['show'], undefined, svc);
    expect(res.json).toMatchObject({ role: 'master', mode: null, master: null });

    res = await cli(r, ['convert-to-probe', '--mode', 'push-token', '--master', '10.0.9.1', '--retain-search', 'yes'], TOKEN + '\n', svc);
    expect(res.code, res.stderr).toBe(0);
    // the same settings as the first time, to the byte
    expect(read(r.ini)).toBe(probeIni);
    res = await cli(r, ['change-master', '--mode', 'pull', '--master', '10.0.9.5', '--retain-search', 'no'], 'PullHmac0123456789abcdefXYZ\n', svc);
    expect(res.code, res.stderr).toBe(0);
    expect(settings(r).master).toMatchObject({ mode: 'pull', host: '10.0.9.5' });
    expect(auditEntries(r).map((a) => a.action)).toEqual(['topology.convert-to-probe', 'topology.convert-to-master', 'topology.convert-to-probe', 'topology.change-master']);
  });

  it('bad input of each field: exit 2, the field named, nothing changed (script and command)', async () => {
    const r = makeRoot();
    const svc = serviceCmd(r);
    const snap = () => treeSnapshot(r.dir, (rel) => rel.startsWith('.test'));
    const before = snap();
    const bad: { args: string[]; input?: string; field: string }[] = [
      ...['', 'pushtoken', 'PULL'].map((m) => ({ args: probeArgs(m, '10.0.9.1'), field: 'mode' })),
      ...['', 'https://10.0.9.1', 'bad host!', '10.0.9.1:99999'].map((h) => ({ args: probeArgs('push', h), field: 'master' })),
      ...['ftp://p:21', 'http://u:pw@p:3128', 'http://p'].map((p) => ({ args: probeArgs('push-token', '10.0.9.1', 'no', ['--proxy', p]), input: TOKEN + '\n', field: 'proxy' })),
      { args: probeArgs('pull', '10.0.9.1', 'no', ['--proxy', 'http://127.0.0.1:3128']), input: 'PullHmac0123456789\n', field: 'proxy' },
      ...['', 'maybe', 'YES'].map((x) => ({ args: probeArgs('push', '10.0.9.1', x), field: 'retain-search' })),
      ...['', 'nolabel', 'lab:short', 'lab:has space inside'].map((t) => ({ args: probeArgs('push-token', '10.0.9.1'), input: t + '\n', field: 'token' })),
      ...['abc', 'has-symbols-1234', 'x'.repeat(64)].map((t) => ({ args: probeArgs('pull', '10.0.9.1'), input: t + '\n', field: 'token' })),
    ];
    for (const b of bad) {
      const res = await topo(r, b.args, b.input, svc);
      expect(res.code, `${b.args.join(' ')}: ${res.stderr}`).toBe(2);
      expect(res.json, b.args.join(' ')).toMatchObject({ ok: false, code: 2, field: b.field });
    }
    // the command line names the same fields, before anything runs
    for (const [args, field] of [
      [['convert-to-probe', '--mode', 'pushtoken', '--master', '10.0.9.1', '--retain-search', 'no'], 'mode'],
      [['convert-to-probe', '--mode', 'push', '--master', 'https://x', '--retain-search', 'no'], 'master'],
      [['convert-to-probe', '--mode', 'push', '--master', '10.0.9.1', '--retain-search', 'maybe'], 'retain-search'],
      [['convert-to-probe', '--mode', 'pull', '--master', '10.0.9.1', '--retain-search', 'no'], 'token'],
    ] as [string[], string][]) {
      const res = await cli(r, args, 'abc\n', svc);
      expect(res.code, res.stderr).toBe(2);
      expect(res.json, args.join(' ')).toMatchObject({ ok: false, field });
    }
    expect(snap()).toEqual(before);
    expect(svcLog(svc.log)).toEqual([]);
  });
});

describe.skipIf(why !== undefined)("Convert to probe's master test: the vSensor's, against the loopback HTTPS master", () => {
  let fx: MasterFixture;
  let r: Root;
  beforeAll(async () => {
    fx = await startMaster();
    r = makeRoot();
  });
  afterAll(async () => fx?.close());

  it('Push Token: the right token is accepted, a wrong one is refused with its cause; nothing changes', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(r.dir, 'etc/confconsole/master-ca.pem'), fx.caPem);
    const paths = makePaths(r.dir);
    const ctx = { paths, runner: makeRunner(paths) };
    const io = { line: () => undefined };
    const before = treeSnapshot(r.dir);
    const good = await convertToProbe.test(ctx, { mode: 'push-token', pushToken: fx.token, host: `127.0.0.1:${fx.port}`, proxy: '' }, io);
    expect(good.ok, good.summary).toBe(true);
    expect(fx.requests.at(-1)?.authorization).toBe(`Bearer ${fx.token}`);
    const wrong = await convertToProbe.test(ctx, { mode: 'push-token', pushToken: `${fx.label}:WrongSecret12345`, host: `127.0.0.1:${fx.port}`, proxy: '' }, io);
    expect(wrong.ok).toBe(false);
    expect(wrong.summary).toMatch(/refused the push token \(HTTP 401\)/);
    // Pull and Push: HTTPS to the master, no token sent
    const n = fx.requests.length;
    const pull = await convertToProbe.test(ctx, { mode: 'pull', pullToken: 'PullHmac0123456789abc', host: `127.0.0.1:${fx.port}` }, io);
    expect(pull.ok, pull.summary).toBe(true);
    expect(pull.summary).toBe(`Successful connection to https://127.0.0.1:${fx.port} (HTTP 401: no token is sent in Pull mode)`);
    expect(fx.requests.slice(n).every((q) => q.authorization === undefined)).toBe(true);
    const closed = await convertToProbe.test(ctx, { mode: 'push', host: `127.0.0.1:${fx.closedPort}` }, io);
    expect(closed.ok).toBe(false);
    expect(treeSnapshot(r.dir)).toEqual(before);
  });
});

describe.skipIf(why !== undefined)('the role decides which services run: Healthcheck, Restart all services, Appliance information', () => {
  const cliRun = (r: Root, args: string[], svc: { cmd: string }) => runCommand(process.execPath, [CLI, '--root', r.dir, '--json', ...args], scriptEnv(r.dir, { CONFCONSOLE_SERVICE_CMD: svc.cmd }));
  // every hook of a root logs to one file: what was restarted since `from` lines
  const restarted = (log: string, from = 0) => svcLog(log).slice(from).filter((l) => l.startsWith('restart ')).map((l) => l.slice(8));

  it('a master restarts, checks and lists the master services; converted to a probe, the probe-forwarder and its master connection instead', async () => {
    const r = makeRoot();
    let svc = serviceCmd(r, [], 'm');
    let res = await cliRun(r, ['services', 'restart'], svc);
    expect(res.code, res.stderr).toBe(0);
    expect(restarted(svc.log)).toEqual(['chrony', 'x-core', ...MASTER_SVCS]);
    res = await cliRun(r, ['appliance', 'info'], svc);
    expect(res.json).toMatchObject({ role: 'master', master: null, services: ['chrony', 'x-core', ...MASTER_SVCS] });
    // a master service that is down is an all_services error; a master has no master_connectivity row
    res = await cliRun(r, ['health'], serviceCmd(r, ['master-search'], 'm-down'));
    expect(res.json.rows.map((x: { name: string }) => x.name)).not.toContain('master_connectivity');
    expect(res.json.rows[0]).toEqual({ name: 'all_services', level: 'error', details: ['Service master-search is not running'] });

    svc = serviceCmd(r, [], 'p');
    res = await topo(r, probeArgs('pull', '127.0.0.1'), 'PullHmac0123456789abcdefXYZ\n', svc);
    expect(res.code, res.stderr).toBe(0);
    const from = svcLog(svc.log).length;
    res = await cliRun(r, ['services', 'restart'], svc);
    expect(res.code, res.stderr).toBe(0);
    expect(restarted(svc.log, from)).toEqual(['chrony', 'x-core', 'probe-forwarder']);
    res = await cliRun(r, ['appliance', 'info'], svc);
    expect(res.json).toMatchObject({ role: 'probe', master: '127.0.0.1', services: ['chrony', 'x-core', 'probe-forwarder'] });
    // the probe's rows: all_services sees the probe-forwarder down, master_connectivity checks its master
    res = await cliRun(r, ['health'], serviceCmd(r, ['probe-forwarder'], 'p-down'));
    expect(res.json.rows.map((x: { name: string }) => x.name)).toEqual(['all_services', 'master_connectivity', 'incoming_data', 'last_software_update', 'apparmor']);
    expect(res.json.rows[0]).toEqual({ name: 'all_services', level: 'error', details: ['Service probe-forwarder is not running'] });
    expect(res.json.rows[1]).toMatchObject({ name: 'master_connectivity', level: 'error', details: expect.arrayContaining(['IP given is within 127.0.0.0/8 - Not a valid master']) });
  });
});
