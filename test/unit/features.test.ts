// Operations and commands with a fake runner: what each asks of its script (arguments, stdin)
// and what it makes of the typed answer. Fast; the real scripts are the system tests' part.
import { describe, expect, it, vi } from 'vitest';
import type { Ctx } from '../../src/core/types.js';
import { Problem } from '../../src/core/problem.js';
import type { Out } from '../../src/commands/types.js';
import { UsageError } from '../../src/commands/output.js';
import { commands } from '../../src/features/index.js';
import { callhomeConfig, callhomeStatus } from '../../src/features/callhome/ops.js';
import { statusLines, statusVerdict } from '../../src/features/callhome/state.js';
import { masterPushToken } from '../../src/features/master/index.js';
import { networkCapture, networkSet, setArgs } from '../../src/features/network/ops.js';
import { networkBondCreate, networkVlanCreate } from '../../src/features/network/links.js';
import { ntpSet } from '../../src/features/ntp/index.js';
import { ContractError, makeRunner, run, script, type RawResult } from '../../src/system/runner.js';
import { makePaths } from '../../src/system/paths.js';
import { z } from 'zod';

type Answer = Partial<RawResult>;
/** A runner that answers each script from `answers` (by name, or by name and first argument). */
function fakeCtx(answers: Record<string, Answer | ((args: string[], stdin?: string) => Answer)>) {
  const calls: { name: string; args: string[]; stdin?: string | undefined }[] = [];
  const ctx: Ctx = {
    paths: makePaths('/nonexistent-root'),
    runner: {
      script: vi.fn(async (name: string, args: string[], opts: { stdin?: string } = {}) => {
        calls.push({ name, args, stdin: opts.stdin });
        const a = answers[`${name} ${args[0] ?? ''}`] ?? answers[name];
        const got = typeof a === 'function' ? a(args, opts.stdin) : (a ?? {});
        return { exitCode: 0, json: {}, log: [], timedOut: false, cancelled: false, ...got };
      }),
    },
  };
  return { ctx, calls };
}
const io = { line: () => {} };

const IFACES = {
  interfaces: [
    { name: 'eth0', mac: 'm', state: 'UP', up: true, addresses: ['10.0.0.2/24'], role: 'management', mode: 'static', address: '10.0.0.2', prefix: 24, gateway: '10.0.0.1', dns: [], search: [] },
    { name: 'eth1', mac: 'm', state: 'UP', up: true, addresses: [], role: 'capture', mode: 'capture', address: null, prefix: null, gateway: null, dns: [], search: [] },
  ],
  pending: null,
  rollbacks_unseen: [],
};

describe('the runner checks each script answer against its declared shape', () => {
  it('a success of another shape is a bug (ContractError), not a refusal', async () => {
    const { ctx } = fakeCtx({ 'x.sh': { json: { servers: 'not a list' } } });
    await expect(run(ctx.runner, script('x.sh', z.object({ servers: z.array(z.string()) })), [])).rejects.toThrow(ContractError);
  });
  it('a refusal keeps the script reason, its field and exit code', async () => {
    const { ctx } = fakeCtx({ 'x.sh': { exitCode: 2, json: { ok: false, error: 'bad mask', field: 'netmask' } } });
    expect(await run(ctx.runner, script('x.sh', z.object({})), [])).toMatchObject({ ok: false, exitCode: 2, error: 'bad mask', field: 'netmask' });
  });
  it('a program that cannot start says why (missing, not executable)', async () => {
    const paths = { ...makePaths('/tmp'), sbin: '/nonexistent-sbin' };
    const r = await run(makeRunner(paths), script('set_ntp.sh', z.object({})), []);
    expect(r).toMatchObject({ ok: false, error: 'cannot run /nonexistent-sbin/set_ntp.sh: it does not exist' });
  });
});

describe('network', () => {
  it('the form values as set_network.sh arguments: a confirmed off-subnet gateway is allowed', () => {
    expect(setArgs({ iface: 'eth0', mode: 'dhcp' })).toEqual(['eth0', '--dhcp']);
    expect(setArgs({ iface: 'eth0', mode: 'static', address: '192.0.2.5', netmask: '24', gateway: '192.0.2.1', dns: '192.0.2.53', domain: 'corp.example' })).toEqual([
      'eth0', '--static', '--address', '192.0.2.5', '--netmask', '24', '--gateway', '192.0.2.1', '--allow-offsubnet-gateway', '--dns', '192.0.2.53', '--domain', 'corp.example',
    ]);
    // IPv6: sent only when changed from what was read (not given, the script keeps it)
    const v6 = { iface: 'eth0', mode: 'static', address: '192.0.2.5', netmask: '24', address6: '2001:db8::5/64', gateway6: 'fe80::1' };
    expect(setArgs(v6, { address6: '2001:db8::5', prefix6: 64, gateway6: 'fe80::1' }).slice(6)).toEqual([]);
    expect(setArgs(v6, { address6: '2001:db8::5', prefix6: 64, gateway6: null }).slice(6)).toEqual(['--gateway6', 'fe80::1']);
    expect(setArgs({ ...v6, address6: '' }, { address6: '2001:db8::5', prefix6: 64, gateway6: 'fe80::1' }).slice(6)).toEqual(['--address6', '']);
  });
  it('check: errors at their fields; warnings by severity (never by their words); leaving capture is said; the dry run\'s plan is said', async () => {
    const plan = { files: ['etc/netplan/01-netcfg.yaml', 'etc/netplan/50-cloud-init.yaml'], kept: ['route 192.168.50.0/24 via 10.0.0.254', 'critical: true'], moved: [{ from: 'etc/netplan/50-cloud-init.yaml', id: 'eth0' }], dropin: 'etc/cloud/cloud.cfg.d/99-disable-network-config.cfg', creates: false };
    const { ctx, calls } = fakeCtx({ 'show_network.sh': { json: IFACES }, 'set_network.sh': { json: { ok: true, dry_run: true, iface: 'eth0', plan } } });
    expect(await networkSet.check(ctx, { iface: 'eth0', mode: 'static', address: '10.0.0.2', netmask: '24', gateway: '192.0.2.1' })).toEqual({
      errors: {},
      warnings: [
        expect.stringMatching(/^192.0.2.1 is outside 10.0.0.0\/24.*Apply only if your network really routes it\.$/),
        "eth0's settings move from etc/netplan/50-cloud-init.yaml (entry eth0) into etc/netplan/01-netcfg.yaml, so that only one file configures it",
        'cloud-init is told to stop writing the network configuration (etc/cloud/cloud.cfg.d/99-disable-network-config.cfg); a rollback undoes this too',
        'Kept as they are on eth0: route 192.168.50.0/24 via 10.0.0.254; critical: true',
      ],
    });
    expect(calls.find((c) => c.args.includes('--dry-run'))?.args).toEqual(['eth0', '--static', '--address', '10.0.0.2', '--netmask', '24', '--gateway', '192.0.2.1', '--allow-offsubnet-gateway', '--dry-run']);
    const refusedPlan = fakeCtx({ 'show_network.sh': { json: IFACES }, 'set_network.sh': { exitCode: 2, json: { ok: false, code: 2, field: 'interface', error: 'eth0 is also configured in etc/netplan/60-site.yaml (mtu)' } } });
    expect((await networkSet.check(refusedPlan.ctx, { iface: 'eth0', mode: 'dhcp' })).errors).toEqual({ mode: 'eth0 is also configured in etc/netplan/60-site.yaml (mtu)' });
    expect((await networkSet.check(ctx, { iface: 'eth1', mode: 'static', address: '10.0.0.2', netmask: '24' })).errors).toEqual({ address: '10.0.0.2 is already used by another interface' });
    expect((await networkSet.check(ctx, { iface: 'eth1', mode: 'dhcp' })).warnings?.[0]).toMatch(/eth1 stops being the capture interface/);
  });
  it('apply: a pending change is typed data (deadline, address); a refusal keeps its field', async () => {
    const ok = fakeCtx({ 'show_network.sh': { json: IFACES }, 'set_network.sh': { json: { ok: true, iface: 'eth0', mode: 'static', address: '192.0.2.5/24', pending: { id: 'x', deadline: 2e9, timeout: 120 } } } });
    expect(await networkSet.apply(ok.ctx, { iface: 'eth0', mode: 'static', address: '192.0.2.5', netmask: '24', timeout: '60' }, io)).toMatchObject({ ok: true, pending: { deadline: 2e9, address: '192.0.2.5' } });
    expect(ok.calls.at(-1)?.args.slice(-2)).toEqual(['--confirm-timeout', '60']);
    const refused = fakeCtx({ 'show_network.sh': { json: IFACES }, 'set_network.sh': { exitCode: 2, json: { ok: false, code: 2, error: '192.0.2.5 is already in use on eth1', field: 'address' } } });
    expect(await networkSet.apply(refused.ctx, { iface: 'eth0', mode: 'static', address: '192.0.2.5', netmask: '24' }, io)).toMatchObject({ ok: false, field: 'address', code: 2, summary: '192.0.2.5 is already in use on eth1' });
  });
  it('capture: the question names what goes (IPv4 and IPv6 addresses, default routes, other routes, DNS) and the plan; a dry-run refusal blocks before any question', async () => {
    const eth2 = { ...IFACES.interfaces[0]!, name: 'eth2', addresses: ['192.0.2.5/24', '2001:db8::5/64'], gateway: '192.0.2.1', gateway6: 'fe80::1', address6: '2001:db8::5', prefix6: 64, routes: ['192.168.50.0/24 via 192.0.2.254'], dns: ['192.0.2.53'] };
    const plan = { files: ['etc/netplan/01-netcfg.yaml'], kept: ['mtu: 9000'], moved: [], dropin: null, creates: false };
    const ok = fakeCtx({ 'show_network.sh': { json: { ...IFACES, interfaces: [...IFACES.interfaces, eth2] } }, 'set_network.sh': { json: { ok: true, dry_run: true, iface: 'eth2', plan } } });
    const q = await networkCapture.ask!(ok.ctx, { iface: 'eth2' });
    expect(q).toEqual({
      question: [
        'eth2 will receive mirrored traffic: no address, promiscuous, up at boot. Nothing can reach the appliance through it any more.',
        '',
        'eth2 gives up its address 192.0.2.5/24 2001:db8::5/64, the default route via 192.0.2.1, the IPv6 default route via fe80::1, the routes 192.168.50.0/24 via 192.0.2.254, the DNS servers 192.0.2.53.',
        '',
        'Kept as they are on eth2: mtu: 9000',
        '',
        'Make eth2 the capture interface?',
      ].join('\n'),
    });
    expect(ok.calls.at(-1)?.args).toEqual(['eth2', '--capture', '--dry-run']);
    const no = fakeCtx({ 'show_network.sh': { json: IFACES }, 'set_network.sh': { exitCode: 2, json: { ok: false, code: 2, field: 'interface', error: 'eth0 is the last management interface: the appliance would be unreachable as a capture-only box' } } });
    expect(await networkCapture.ask!(no.ctx, { iface: 'eth0' })).toEqual({ blocked: 'eth0 is the last management interface: the appliance would be unreachable as a capture-only box' });
  });
  it('a change that takes the capture port out of capture warns at the review, naming the consequence (VLAN parent, bond member, an address)', async () => {
    const plan = { json: { ok: true, dry_run: true, plan: { files: ['etc/netplan/01-netcfg.yaml'], kept: [], moved: [], dropin: null, creates: false } } };
    const { ctx } = fakeCtx({ 'show_network.sh': { json: IFACES }, 'set_network.sh': plan });
    const ends = /^eth1 stops being the capture interface: .*no interface receives the mirrored traffic \(Count active devices and the Healthcheck find no capture interface\)/;
    // the review's example: a VLAN on the capture port
    const vlan = await networkVlanCreate.check(ctx, { link: 'eth1', id: '4094', name: 'v4094', mode: 'static', address: '192.168.100.100', netmask: '24' });
    expect(vlan.errors).toEqual({});
    expect(vlan.warnings?.[0]).toMatch(ends);
    expect(vlan.warnings?.[0]).toContain("makes eth1 the VLAN's parent, and a VLAN parent does not capture");
    // the same kind: the capture port a member of a bond that does not capture, or given DHCP
    const bond = await networkBondCreate.check(ctx, { name: 'bond0', members: 'eth1', bondMode: 'active-backup', primary: '', lacpRate: 'slow', mode: 'dhcp' });
    expect(bond.warnings?.[0]).toMatch(ends);
    expect(bond.warnings?.[0]).toContain('eth1 becomes a member of the bond bond0, which does not capture');
    expect((await networkSet.check(ctx, { iface: 'eth1', mode: 'dhcp' })).warnings?.[0]).toMatch(ends);
    // not the capture port, or a bond that captures: nothing about capture
    const none = [
      await networkVlanCreate.check(ctx, { link: 'eth0', id: '5', name: 'vlan5', mode: 'static', address: '192.168.5.1', netmask: '24' }),
      await networkBondCreate.check(ctx, { name: 'bond0', members: 'eth1', bondMode: 'active-backup', primary: '', lacpRate: 'slow', mode: 'capture' }),
    ];
    for (const c of none) expect(c.warnings?.join('\n')).not.toMatch(/capture interface/);
  });
  it('an interface that is gone is a Problem for the operator', async () => {
    const { ctx } = fakeCtx({ 'show_network.sh': { json: IFACES } });
    await expect(networkSet.read(ctx, { iface: 'eth9' })).rejects.toBeInstanceOf(Problem);
  });
});

describe('Call-Home', () => {
  it('status rows: ok, fail and skip read from `status`; skip is never OK', () => {
    const rows = [
      { check: 'Call-Home Service running', status: 'ok' as const, detail: 'pid 1', advice: '' },
      { check: 'Call-Home Hostname Resolution by DNS', status: 'skip' as const, detail: 'demo appliance: not checked', advice: '' },
      { check: 'Call-Home Authentication', status: 'fail' as const, detail: 'key refused', advice: 'give it the key' },
    ];
    expect(statusLines(rows)).toEqual(['  OK  Call-Home Service running', 'SKIP  Call-Home Hostname Resolution by DNS (demo appliance: not checked)', 'FAIL  Call-Home Authentication', '      key refused', '      -> give it the key']);
    expect(statusVerdict(rows)).toMatch(/^Not calling home/);
    expect(statusVerdict(rows.slice(0, 2))).toBe('Every check made passed; 1 of 2 were not made (SKIP), so the connection itself is not proven.');
    expect(statusVerdict(rows.slice(0, 1))).toBe('All 1 rows read OK: the appliance is calling home.');
  });
  it('the status run: exit 5 with rows is a result (FAIL rows), not an error', async () => {
    const rows = [{ check: 'Call-Home Service running', status: 'fail', detail: 'not running', advice: 'check the cables' }];
    const state = { enabled: true, host: 'h', port: '22', ssl: false, proxy: 'none', user: 'u', proxy_user: '', default_host: 'h', hostname: 'x', ports: null, key: true, partner: { enabled: false, host: '', port: '' } };
    const { ctx } = fakeCtx({ 'callhome.sh show': { json: state }, 'callhome.sh status': { exitCode: 5, json: { ok: false, enabled: true, rows } } });
    const notes: string[] = [];
    const o = await callhomeStatus.run(ctx, {}, { ...io, note: (t) => notes.push(t) });
    expect(notes).toEqual(['Call-Home is enabled, checking connection']); // said before the checks, from the settings
    expect(o).toMatchObject({ ok: false, code: 5, summary: expect.stringMatching(/^Not calling home/), details: ['Call-Home is enabled, checking connection', '', 'FAIL  Call-Home Service running', '      not running', '      -> check the cables'] });
  });
  it('the form: the proxy password goes on stdin; a refused script option comes back at its form field', async () => {
    const { ctx, calls } = fakeCtx({ 'set_callhome.sh': { exitCode: 2, json: { ok: false, error: 'the proxy host "0.0.0.0" is not a host name or IP address', field: 'proxy' } } });
    const o = await callhomeConfig.apply(ctx, { host: 'h.example', port: '443', ssl: 'yes', proxyType: 'http', proxyAddress: 'p.example:3128', proxyUser: 'ops', proxyPassword: 's3cret' }, io);
    expect(calls[0]).toEqual({ name: 'set_callhome.sh', args: ['--host', 'h.example', '--port', '443', '--ssl', '--proxy', 'http://p.example:3128', '--proxy-user', 'ops'], stdin: 's3cret\n' });
    expect(o).toMatchObject({ ok: false, field: 'proxyAddress' });
  });
});

describe('NTP and master', () => {
  it('an NTP test that finds a problem says how many answered (exit 5 carries the results)', async () => {
    const { ctx } = fakeCtx({ 'test_ntp.sh': { exitCode: 5, json: { ok: false, results: [{ server: 'a', ok: true }, { server: 'b', ok: false }] } } });
    expect(await ntpSet.test(ctx, { servers: 'a.example b.example' }, io)).toMatchObject({ ok: false, code: 5, summary: '1 of 2 NTP server(s) answered' });
  });
  it('the push token goes on stdin only; a failed master test names its cause', async () => {
    const { ctx, calls } = fakeCtx({ 'test_master.sh': { exitCode: 5, json: { ok: false, cause: 'token', status: 401, message: 'the master refused the push token (HTTP 401)' } } });
    expect(await masterPushToken.test(ctx, { host: 'm.example', proxy: '', token: 'lab:s3cr3tvalue' }, io)).toMatchObject({ ok: false, summary: 'the master refused the push token (HTTP 401)' });
    expect(calls[0]?.args.join(' ')).not.toContain('s3cr3t');
    expect(calls[0]?.stdin).toBe('lab:s3cr3tvalue\n');
  });
});

describe('commands check values with the fields own rules, naming the option', () => {
  const quiet: Out = { json: true, print: () => {}, progress: io, readSecret: async () => '' };
  const cmd = (p: string) => commands.find((c) => c.path.join(' ') === p)!;
  it('network set --static: the form rules, then the rules across fields', async () => {
    const { ctx, calls } = fakeCtx({});
    const set = (opts: Record<string, string | boolean>) => cmd('network set').run(ctx, { args: ['eth0'], opts: { static: true, ...opts } }, quiet);
    await expect(set({ address: '10.0.0.5' })).rejects.toThrow(new UsageError('--static needs --netmask'));
    await expect(set({ address: '10.0.0.5', netmask: '255.0.255.0' })).rejects.toThrow(/^--netmask: 255.0.255.0 is not a contiguous mask/);
    await expect(set({ address: '10.0.0.5', netmask: '24', dns: '0:0::0' })).rejects.toThrow(/^--dns: Not a DNS server address/);
    await expect(set({ address: '10.0.0.5', netmask: '24', domain: 'a.x b.x c.x d.x e.x f.x g.x' })).rejects.toThrow(/^--domain: At most 6 search domains/);
    await expect(set({ address: '10.0.0.5', netmask: '24', gateway: '192.0.2.1' })).rejects.toThrow(/--allow-offsubnet-gateway if that is really meant/);
    expect(calls).toEqual([]);
  });
  it('network set: exactly one mode; static options only with --static', async () => {
    const { ctx } = fakeCtx({});
    await expect(cmd('network set').run(ctx, { args: ['eth0'], opts: { dhcp: true, capture: true } }, quiet)).rejects.toThrow(/give exactly one of --dhcp, --static, --capture, --factory, --restore-confirmed/);
    await expect(cmd('network set').run(ctx, { args: ['eth0'], opts: { factory: true, address: '1.2.3.4' } }, quiet)).rejects.toThrow('--address goes with --static');
  });
  it('callhome set: a nowhere proxy or host is refused before the script runs', async () => {
    const { ctx, calls } = fakeCtx({});
    await expect(cmd('callhome set').run(ctx, { args: [], opts: { host: '0.0.0.0', port: '22' } }, quiet)).rejects.toThrow(/^--host: "0.0.0.0" is not a server address/);
    await expect(cmd('callhome set').run(ctx, { args: [], opts: { host: 'h.example', port: '22', proxy: 'http://224.0.0.1:3128' } }, quiet)).rejects.toThrow(/^--proxy:/);
    await expect(cmd('callhome set').run(ctx, { args: [], opts: { host: 'h.example', port: '22', ssl: true } }, quiet)).rejects.toThrow('--ssl goes with --port 443');
    expect(calls).toEqual([]);
  });
});
