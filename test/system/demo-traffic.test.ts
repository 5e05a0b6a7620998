// One demo traffic source (the reviews: the demo's Healthcheck said "No incoming packets seen on
// device eth1" while its Interface stats showed ~40 Mbit/s there): the console's demoSample and
// the Healthcheck's ccnet/demo.py counters both read sbin/lib/demo-traffic.json and compute the
// same counters at the same time; on the demo appliance, the Healthcheck sees the packets that
// Interface stats shows.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo.js';
import { measure } from '../../src/features/traffic/index.js';
import { demoSample } from '../../src/features/traffic/sysfs.js';
import { makePaths } from '../../src/system/paths.js';
import { makeRunner } from '../../src/system/runner.js';
import { missing } from '../support/requires.js';
import { REPO, runScript } from './helpers.js';

const why = missing('system: the demo traffic profile (python3, the Healthcheck)', ['bash', 'python3', 'flock']);

describe.skipIf(why !== undefined)('the demo appliance tells one story about its traffic', () => {
  it('the console and the Healthcheck compute the same counters from the one profile', () => {
    const times = [1_767_225_600_000, 1_800_000_000_000, 1_800_000_012_345, 1_900_000_000_999];
    const py = JSON.parse(
      execFileSync('python3', ['-c', 'import json,sys; from ccnet.demo import counters; print(json.dumps([[counters(c, t) for c in (True, False)] for t in json.load(sys.stdin)]))'], {
        input: JSON.stringify(times),
        env: { ...process.env, PYTHONPATH: join(REPO, 'sbin/lib') },
        encoding: 'utf8',
      }),
    ) as Record<string, number>[][];
    times.forEach((ms, i) => {
      const ts = demoSample([{ name: 'eth1', capture: true }, { name: 'eth0', capture: false }], ms, 0).ifaces;
      for (const [j, name] of (['eth1', 'eth0'] as const).entries()) {
        const want = py[i]![j]!;
        expect(Object.fromEntries(Object.keys(want).map((k) => [k, ts[name]![k as keyof (typeof ts)['eth1']]]))).toEqual(want);
      }
    });
  });

  it.each(['appliance', 'vsensor'] as const)('%s demo: the Healthcheck sees incoming packets where Interface stats shows traffic', async (profile) => {
    const root = mkdtempSync(join(tmpdir(), 'cc-demo-traffic-'));
    await seedDemo(root, profile);
    const paths = makePaths(root);
    const m = await measure({ paths, runner: makeRunner(paths, { CONFCONSOLE_DEMO: '1' }) }, 1);
    expect(m.capture).toEqual(['eth1']);
    expect(m.rates.find((r) => r.name === 'eth1')!.rx_pps).toBeGreaterThan(0);
    const res = await runScript('vsensor-health-check.sh', ['--json'], root, { CONFCONSOLE_DEMO: '1' });
    const row = (res.json.rows as { name: string; level: string; details: string[] }[]).find((r) => r.name === 'incoming_data');
    expect(row).toEqual({ name: 'incoming_data', level: 'ok', details: ['Incoming packets seen on device eth1'] });
  });

  // The demo's interfaces are those its network scripts know (made from its netplan files when
  // not yet recorded): a fresh demo, before any network screen ran, refused no name at all.
  it.each([
    [['eth9'], 'there is no interface eth9'],
    [['ens3'], 'there is no interface ens3'],
    [['eth0', 'eth7'], 'there is no interface eth7'],
    [['eth0'], 'counted'],
    [['eth0', 'eth1'], 'counted'],
  ] as const)('a fresh demo: count_devices.sh --iface %j, as on an appliance: %s', async (ifaces, refusal) => {
    const root = mkdtempSync(join(tmpdir(), 'cc-demo-count-'));
    await seedDemo(root, 'appliance');
    const res = await runScript('count_devices.sh', ['--iface', ifaces.join(','), '--seconds', '1'], root, { CONFCONSOLE_DEMO: '1' });
    if (refusal !== 'counted') {
      expect(res.code, res.stderr).toBe(2);
      expect(res.stdout.trim().split('\n').map((l) => JSON.parse(l) as object).pop()).toMatchObject({ ok: false, field: 'iface', error: refusal });
    } else {
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type?: string }).pop()).toMatchObject({ type: 'summary', ifaces });
    }
  });

  it('a fresh demo whose netplan file does not parse: count_devices.sh says why, in its one JSON line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cc-demo-count-'));
    await seedDemo(root, 'appliance');
    appendFileSync(join(root, 'etc/netplan/01-netcfg.yaml'), 'network: {version: 2, ethernets: {eth0: [\n');
    const res = await runScript('count_devices.sh', ['--iface', 'eth0', '--seconds', '1'], root, { CONFCONSOLE_DEMO: '1' });
    expect(res.code, res.stderr).toBe(1);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ ok: false, error: expect.stringMatching(/^cannot read the demo's interfaces: a netplan file does not parse: \/etc\/netplan\/01-netcfg\.yaml:/) });
  });
});
