// Networking and Traffic Analysis > Count active devices and Interface stats (manual ch. 4
// "Ingesting Data", ch. 7 vSensor Network): the screens an installer uses to prove that
// mirrored traffic arrives. Counting is sbin/count_devices.sh (it streams JSON lines as hosts
// appear); the statistics are the kernel's counters, read here every second (sysfs.ts).
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { Chart, Ctx, Io, Op, Outcome, Shown, Values } from '../../core/types.js';
import { Problem } from '../../core/problem.js';
import { UsageError, check, report, str } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Item } from '../../menu/types.js';
import { ifaceName, windowSeconds } from '../../rules/traffic.js';
import { EXIT, run, script } from '../../system/runner.js';
import { networkState } from '../network/state.js';
import { bitsText, nearZeroAdvice, ppsText, pushPoint, rates, type IfaceRate, type Sample } from './rates.js';
import { demoSample, linkUp, readSample } from './sysfs.js';

// ---- Count active devices ------------------------------------------------------------------

const Host = z.lazy(() => z.object({ ip: z.string(), mac: z.string(), packets: z.number(), bytes: z.number(), last_seen: z.number() }).loose());
const Summary = z.lazy(() => z
  .object({
    type: z.literal('summary'),
    ifaces: z.array(z.string()),
    demo: z.boolean(),
    stopped: z.boolean(),
    seconds: z.number(),
    count: z.number(),
    untracked: z.number(),
    packets: z.number(),
    bytes: z.number(),
    rx_packets: z.record(z.string(), z.number().nullable()),
    hosts: z.array(Host),
    listed: z.number(),
  })
  .loose());
export type DeviceSummary = z.infer<typeof Summary>;
/** The lines count_devices.sh streams before its summary. */
const Streamed = z.lazy(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('host'), ip: z.string(), mac: z.string(), hosts: z.number() }).loose(),
  z.object({ type: z.literal('tick'), hosts: z.number(), packets: z.number(), elapsed: z.number(), left: z.number() }).loose(),
  Summary,
]));

const countDevices = script('count_devices.sh', Summary);

/** Whether this root is the demo appliance (its marker: the scripts trust the same). */
const isDemo = (ctx: Ctx): boolean => existsSync(ctx.paths.demoMarker);

/** The capture interfaces of the network settings (role capture). Throws a Problem when there is none. */
export async function captureIfaces(ctx: Ctx): Promise<string[]> {
  const s = await networkState(ctx);
  const found = s.interfaces.filter((i) => i.role === 'capture').map((i) => i.name);
  if (found.length === 0) throw new Problem('There is no capture interface: make one in Configure network interfaces (or choose one: confconsole traffic devices --iface IF)');
  return found;
}

/** Hours, minutes and seconds of an epoch time, for "last seen". */
const clock = (t: number): string => new Date(t * 1000).toTimeString().slice(0, 8);

/** The hosts as the result's table: sorted by packets already (the script sorts them). */
export function hostTable(s: DeviceSummary): { columns: string[]; rows: string[][] } {
  return { columns: ['IP', 'MAC', 'Packets', 'Bytes', 'Last seen'], rows: s.hosts.map((h) => [h.ip || '-', h.mac, String(h.packets), String(h.bytes), clock(h.last_seen)]) };
}

/**
 * What to check when no device was seen (the manual's "Ingesting Data"): the mirror port, the
 * cable, the capture interface, with what its kernel counter says it received meanwhile.
 */
export function zeroAdvice(s: DeviceSummary): string[] {
  const got = Object.entries(s.rx_packets).map(([i, n]) => `${i} received ${n === null ? 'an unknown number of' : n} packet${n === 1 ? '' : 's'} in that time (kernel counter)`);
  return [
    'Check:',
    '- the switch port mirroring (SPAN) or TAP that should send the traffic to this port',
    '- the cable from that mirror port to the capture port (a link light on both ends)',
    `- that ${s.ifaces.join(', ')} is the interface the cable is plugged into (Configure network interfaces, Interface stats)`,
    ...got.map((g) => `- ${g}`),
  ];
}

/** The outcome of a count: the hosts in a table, or what to check when there were none (exit 5). */
export function devicesOutcome(s: DeviceSummary): Outcome {
  const where = `${s.ifaces.join(', ')}${s.demo ? ' (DEMO: recorded capture, not this host)' : ''}`;
  const window = `${Math.round(s.seconds)} s${s.stopped ? ' (stopped early)' : ''}`;
  const data = { ...s, type: undefined };
  if (s.count === 0) return { ok: false, code: EXIT.testFailed, summary: `no active device seen on ${where} in ${window}`, details: zeroAdvice(s), data };
  const more = [
    ...(s.untracked ? [`${s.untracked} more not listed: the table keeps at most ${s.count - s.untracked} hosts`] : []),
    ...(s.listed < s.count - s.untracked ? [`the ${s.listed} busiest are listed`] : []),
  ];
  return { ok: true, summary: `${s.count} active device${s.count === 1 ? '' : 's'} seen on ${where} in ${window} (${s.packets} packets)`, details: more, table: hostTable(s), data };
}

/**
 * Runs count_devices.sh on `ifaces` for `seconds`: each new host is a line, the running count
 * the progress note; Esc (io.signal) ends the window early and the hosts seen until then are
 * the result.
 */
export async function countActive(ctx: Ctx, ifaces: string[], seconds: number, io: Io): Promise<Outcome> {
  let hosts = 0;
  let left = seconds;
  const say = () => io.note?.(`Active devices: ${hosts}   (${ifaces.join(', ')}, ${left} s left; Esc stops)`);
  say();
  const r = await run(ctx.runner, countDevices, ['--iface', ifaces.join(','), '--seconds', String(seconds)], {
    onOut: (line) => {
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        return;
      }
      const m = Streamed.safeParse(v);
      if (!m.success || m.data.type === 'summary') return;
      if (m.data.type === 'host') io.line(`new: ${m.data.ip || '(no address)'}  ${m.data.mac}`);
      else left = m.data.left;
      hosts = m.data.hosts;
      say();
    },
    onLine: (l) => (/^[\w.-]+\.sh: /.test(l) ? undefined : io.line(l)),
    ...(io.signal ? { signal: io.signal } : {}),
    timeoutMs: (seconds + 30) * 1000,
  });
  if (r.ok) return devicesOutcome(r.value);
  // stopped with Esc: the script still wrote what it had seen
  const stopped = Summary.safeParse(r.json);
  if (r.cancelled && stopped.success) return devicesOutcome({ ...stopped.data, stopped: true });
  return { ok: false, summary: r.error, code: r.exitCode, ...(r.field !== undefined ? { field: r.field } : {}) };
}

export const devicesCount: Op<'run'> = {
  id: 'traffic.devices',
  async run(ctx, v: Values, io) {
    const ifaces = v.iface ? [v.iface] : await captureIfaces(ctx);
    return countActive(ctx, ifaces, Number(v.seconds ?? 30), io);
  },
};

export const devicesItem = (key: string): Item => ({
  key,
  label: 'Count active devices',
  help: 'Listens on the capture interface(s) for 30 s and counts the distinct hosts seen (the number rises as they appear; Esc stops early), then lists them by packets. None seen: it says what to check.',
  flow: {
    kind: 'run',
    op: devicesCount,
    // Enter, Enter: the manual's procedure (the capture interface(s), the default window)
    fields: [
      {
        name: 'iface',
        label: 'Interface (empty: the capture interface(s))',
        short: 'Interface',
        rule: (s) => (s.trim() === '' ? { ok: true, value: '' } : ifaceName(s.trim()).ok ? { ok: true, value: s.trim() } : { ok: false, message: 'An interface name (letters, digits, . _ @ -; at most 15), or empty for the capture interface(s)' }),
        help: 'Leave it empty to listen on the capture interface(s); or give another interface (Interface stats lists them).',
      },
      { name: 'seconds', label: 'Seconds to listen (1-3600)', short: 'Seconds', rule: (s) => { const r = windowSeconds(s.trim()); return r.ok ? r : { ok: false, message: 'Whole seconds from 1 to 3600' }; }, help: 'How long to listen; Esc stops earlier with what was seen.' },
    ],
    defaults: { iface: '', seconds: '30' },
    progress: 'Count active devices',
    // the manual: "Check the number of devices is greater than zero. Choose OK to return."
    again: false,
  },
});

// ---- Interface stats ------------------------------------------------------------------------

/** Seconds of history the chart keeps (one point a second): the last three minutes. */
export const CHART_POINTS = 180;

interface Sampler {
  last?: Sample;
  points: number[];
  capture: string[];
  names: string[];
  /** When the capture interfaces were read from the network settings (ms): not every second. */
  readAt: number;
}
const samplers = new Map<string, Sampler>();

/** The interfaces the settings know (names, and which capture), read at most once a minute. */
async function known(ctx: Ctx, sm: Sampler): Promise<void> {
  if (performance.now() - sm.readAt < 60_000 && sm.readAt > 0) return;
  sm.readAt = performance.now();
  try {
    const s = await networkState(ctx);
    sm.capture = s.interfaces.filter((i) => i.role === 'capture').map((i) => i.name);
    sm.names = s.interfaces.map((i) => i.name);
  } catch {
    // without the settings every interface is still listed; only the capture role is unknown
    sm.capture = [];
  }
}

/** One sample of the counters: the kernel's, or on the demo appliance its recorded profile. */
function sample(ctx: Ctx, sm: Sampler): Sample {
  if (!isDemo(ctx)) return readSample();
  return demoSample(['lo', ...sm.names].map((name) => ({ name, capture: sm.capture.includes(name) })));
}

const stamp = (r: IfaceRate, capture: string[]) => `${r.name}${capture.includes(r.name) ? '*' : ''}`;

/** The statistics as a table, the chart of the capture interface's receive rate, and advice. */
export function statsShown(rs: IfaceRate[], capture: string[], points: number[], demo: boolean, up: (iface: string) => boolean | undefined): Shown {
  const charted = capture.find((c) => rs.some((r) => r.name === c)) ?? rs.find((r) => r.name !== 'lo')?.name ?? '';
  const chart: Chart = { title: `${charted} receive rate, last ${Math.round(points.length / 60) || 1} min`, points, every: 1, unit: 'bit/s' };
  const advice = capture.flatMap((c) => nearZeroAdvice(c, rs.find((r) => r.name === c)?.rx_bps ?? null, up(c)));
  return {
    kind: 'table',
    text: `${demo ? 'DEMO: simulated counters, not this host. ' : ''}Every second; * capture.`,
    columns: ['If', 'Rx bit/s', 'Tx bit/s', 'Rx pk/s', 'Tx pk/s', 'Drops', 'Errs'],
    rows: rs.map((r) => [stamp(r, capture), bitsText(r.rx_bps), bitsText(r.tx_bps), ppsText(r.rx_pps), ppsText(r.tx_pps), String(r.rx_dropped + r.tx_dropped), String(r.rx_errors + r.tx_errors)]),
    ...(charted ? { chart } : {}),
    ...(advice.length ? { after: advice.join('\n') } : {}),
  };
}

export const statsShow: Op<'show'> = {
  id: 'traffic.stats',
  async show(ctx) {
    const key = ctx.paths.root;
    const sm = samplers.get(key) ?? { points: [], capture: [], names: [], readAt: 0 };
    samplers.set(key, sm);
    await known(ctx, sm);
    let before = sm.last;
    // opened again after a while: rates over the gap would be averages, so start afresh
    if (before && performance.now() - before.at > 5000) {
      before = undefined;
      sm.points = [];
    }
    if (!before) {
      before = sample(ctx, sm);
      await new Promise((r) => setTimeout(r, 250));
    }
    const now = sample(ctx, sm);
    sm.last = now;
    const rs = rates(before, now);
    const charted = sm.capture.find((c) => now.ifaces[c]) ?? rs.find((r) => r.name !== 'lo')?.name;
    const rx = rs.find((r) => r.name === charted)?.rx_bps;
    if (rx !== undefined && rx !== null) sm.points = pushPoint(sm.points, rx, CHART_POINTS);
    const demo = isDemo(ctx);
    return statsShown(rs, sm.capture, sm.points, demo, (i) => (demo ? true : linkUp(i)));
  },
};

export const statsItem = (key: string): Item => ({
  key,
  label: 'Interface stats',
  help: 'Every interface: receive/transmit bits and packets per second, drops and errors, refreshed every second, with a chart of the capture interface\'s receive rate. Near zero on a capture interface: it says what to check.',
  flow: { kind: 'view', op: statsShow, every: 1 },
});

/**
 * Each interface's average rates over `seconds` (the command): two samples that far apart, or
 * on the demo appliance its simulated counters.
 */
export async function measure(ctx: Ctx, seconds: number, only?: string): Promise<{ rates: IfaceRate[]; capture: string[]; demo: boolean }> {
  const sm: Sampler = { points: [], capture: [], names: [], readAt: 0 };
  await known(ctx, sm);
  const a = sample(ctx, sm);
  if (only !== undefined && !a.ifaces[only]) throw new UsageError(`--iface: there is no interface ${only}`, undefined, 'iface');
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const b = sample(ctx, sm);
  const rs = rates(a, b).filter((r) => only === undefined || r.name === only);
  return { rates: rs, capture: sm.capture, demo: isDemo(ctx) };
}

export const commands: Command[] = [
  {
    path: ['traffic', 'devices'],
    summary: 'count the distinct hosts seen on the capture interface(s)',
    options: {
      iface: { type: 'string', value: 'IF', help: 'listen on this interface (default: the capture interfaces)' },
      seconds: { type: 'string', value: 'N', help: 'how long to listen, 1 to 3600 s (default 30)' },
    },
    more: ['Exit 5 when no device was seen (the output says what to check).'],
    covers: [devicesCount],
    async run(ctx, { opts }, out) {
      const iface = str(opts.iface);
      const v: Values = { seconds: check(windowSeconds, str(opts.seconds) ?? '30', '--seconds'), ...(iface !== undefined ? { iface: check(ifaceName, iface, '--iface') } : {}) };
      const o = await devicesCount.run(ctx, v, out.progress);
      if (!out.json && o.ok) {
        // the text form: the summary, then the hosts as a table
        const { table } = await import('../../ui/text.js');
        out.print({}, [`${o.summary[0]?.toUpperCase()}${o.summary.slice(1)}`, ...(o.details ?? []), '', ...(o.table ? table(o.table.columns, o.table.rows, Number.MAX_SAFE_INTEGER) : [])].join('\n'));
        return EXIT.ok;
      }
      if (!out.json && o.details?.length) process.stderr.write(o.details.join('\n') + '\n');
      // the script's refusal names its option, as the console's own checks do (--iface: ...)
      return report(out, !o.ok && o.field !== undefined && !o.summary.startsWith('--') ? { ...o, summary: `--${o.field}: ${o.summary}` } : o);
    },
  },
  {
    path: ['traffic', 'stats'],
    summary: 'each interface\'s receive/transmit rates, drops and errors',
    options: {
      iface: { type: 'string', value: 'IF', help: 'only this interface' },
      seconds: { type: 'string', value: 'N', help: 'measure over N seconds, 1 to 3600 (default 1)' },
    },
    covers: [statsShow],
    async run(ctx, { opts }, out) {
      const iface = str(opts.iface);
      const only = iface !== undefined ? check(ifaceName, iface, '--iface') : undefined;
      const seconds = Number(check(windowSeconds, str(opts.seconds) ?? '1', '--seconds'));
      const m = await measure(ctx, seconds, only);
      const advice = m.capture.flatMap((c) => {
        const r = m.rates.find((x) => x.name === c);
        return r ? nearZeroAdvice(c, r.rx_bps, m.demo ? true : linkUp(c)) : [];
      });
      const shown = statsShown(m.rates, m.capture, [], m.demo, () => undefined);
      const { table } = await import('../../ui/text.js');
      const human = [shown.kind === 'table' ? table(shown.columns, shown.rows, Number.MAX_SAFE_INTEGER).join('\n') : '', ...advice].join('\n');
      out.print({ seconds, demo: m.demo, interfaces: m.rates.map((r) => ({ ...r, capture: m.capture.includes(r.name) })), advice }, human);
      return EXIT.ok;
    },
  },
];
