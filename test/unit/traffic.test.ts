// Interface rates from kernel counters (wrap, reset, interfaces coming and going), the ASCII
// chart, when the Unicode chart is used, and what the traffic screens say when nothing arrives.
import { describe, expect, it } from 'vitest';
import { COUNTERS, growth, pushPoint, rates, bitsText, nearZeroAdvice, type Counters, type Sample } from '../../src/features/traffic/rates.js';
import { demoSample } from '../../src/features/traffic/sysfs.js';
import { devicesOutcome, statsShown, type DeviceSummary } from '../../src/features/traffic/index.js';
import { asciiChart, brailleChart, chartScale, unicodeChart } from '../../src/ui/chart.js';
import { layout } from '../../src/ui/layout.js';

const c = (rx_bytes: number, rx_packets = 0, more: Partial<Counters> = {}): Counters => ({ ...(Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Counters), rx_bytes, rx_packets, ...more });
const sample = (at: number, ifaces: Record<string, Counters>): Sample => ({ at, ifaces });

describe('growth of a counter', () => {
  it.each([
    [100, 350, 250],
    [0, 0, 0],
    [2 ** 32 - 100, 50, 150], // a 32-bit counter went round
    [2 ** 32 - 1, 0, 1],
    [4_000_000_000, 3_999_000_000, null], // down by a little: no wrap, a reset
    [2 ** 40, 10, null], // a 64-bit counter back to near zero: reset (driver reloaded)
    [500, 20, null], // small counter down: a re-created interface, not a wrap of half the range
  ])('%d → %d gives %s', (a, b, want) => expect(growth(a, b)).toBe(want));
});

describe('rates between two samples', () => {
  it('bits and packets per second over the time between samples', () => {
    const r = rates(sample(0, { eth1: c(1000, 10) }), sample(2000, { eth1: c(251_000, 510) }));
    expect(r).toEqual([expect.objectContaining({ name: 'eth1', rx_bps: 1_000_000, rx_pps: 250, tx_bps: 0, tx_pps: 0 })]);
  });
  it('an interface that appears has no rate yet; one that disappears is not listed', () => {
    const r = rates(sample(0, { eth0: c(0), gone: c(5) }), sample(1000, { eth0: c(125), veth9: c(999) }));
    expect(r.map((x) => x.name)).toEqual(['eth0', 'veth9']);
    expect(r[0]!.rx_bps).toBe(1000);
    expect(r[1]).toMatchObject({ rx_bps: null, rx_pps: null });
  });
  it('a counter reset gives no rate for that sample, the next one is right again', () => {
    const a = sample(0, { eth1: c(9_000_000_000, 9000) });
    const b = sample(1000, { eth1: c(1000, 1) });
    const d = sample(2000, { eth1: c(2000, 3) });
    expect(rates(a, b)[0]).toMatchObject({ rx_bps: null, rx_pps: null });
    expect(rates(b, d)[0]).toMatchObject({ rx_bps: 8000, rx_pps: 2 });
  });
  it('a wrap of a 32-bit counter is undone', () => {
    expect(rates(sample(0, { e: c(2 ** 32 - 1000) }), sample(1000, { e: c(1000) }))[0]!.rx_bps).toBe(16000);
  });
  it('drops and errors are the totals, rx and tx', () => {
    const r = rates(undefined, sample(0, { e: c(0, 0, { rx_dropped: 3, tx_dropped: 1, rx_errors: 2 }) }))[0]!;
    expect(r).toMatchObject({ rx_dropped: 3, tx_dropped: 1, rx_errors: 2, tx_errors: 0, rx_bps: null });
  });
  it('the chart keeps the last points only', () => {
    let p: number[] = [];
    for (let i = 0; i < 200; i++) p = pushPoint(p, i, 180);
    expect(p).toHaveLength(180);
    expect(p[0]).toBe(20);
    expect(p.at(-1)).toBe(199);
  });
  it('rates for people', () => {
    expect([bitsText(null), bitsText(999), bitsText(1500), bitsText(39_400_000), bitsText(1.2e9)]).toEqual(['-', '999 bit/s', '1.50 kbit/s', '39.4 Mbit/s', '1.20 Gbit/s']);
  });
  it('the demo counters only grow, and differ by interface role', () => {
    const ifs = [{ name: 'eth0', capture: false }, { name: 'eth1', capture: true }];
    const a = demoSample(ifs, 1_800_000_000_000, 0);
    const b = demoSample(ifs, 1_800_000_001_000, 1000);
    const r = rates(a, b);
    expect(r.find((x) => x.name === 'eth1')!.rx_bps).toBeGreaterThan(10_000_000);
    expect(r.find((x) => x.name === 'eth0')!.rx_bps).toBeLessThan(100_000);
  });
});

describe('near-zero advice', () => {
  it('a capture interface receiving almost nothing says what to check', () => {
    expect(nearZeroAdvice('eth1', 10, true).join('\n')).toMatch(/mirror \(SPAN\).*\n.*cable/s);
    expect(nearZeroAdvice('eth1', 0, false).join('\n')).toMatch(/link of eth1 is down/);
    expect(nearZeroAdvice('eth1', 5_000_000, true)).toEqual([]);
    expect(nearZeroAdvice('eth1', null, true)).toEqual([]); // not measured yet: nothing said
  });
  it('the stats screen marks the capture interface and charts it', () => {
    const rs = rates(sample(0, { eth0: c(0), eth1: c(0) }), sample(1000, { eth0: c(1_000_000), eth1: c(10) }));
    const s = statsShown(rs, ['eth1'], [80], false, () => true);
    expect(s).toMatchObject({ kind: 'table', rows: [[ 'eth0', '8.00 Mbit/s', '0 bit/s', '0.0', '0.0', '0', '0'], ['eth1*', '80 bit/s', '0 bit/s', '0.0', '0.0', '0', '0']], chart: { title: expect.stringMatching(/^eth1 receive rate/) } });
    expect(s.kind === 'table' && s.after).toMatch(/eth1 \(capture\) receives almost nothing/);
  });
});

describe('count active devices: the result', () => {
  const sum = (more: Partial<DeviceSummary>): DeviceSummary => ({ type: 'summary', ifaces: ['eth1'], demo: false, stopped: false, seconds: 30, count: 0, untracked: 0, packets: 0, bytes: 0, rx_packets: { eth1: 0 }, hosts: [], listed: 0, ...more });
  it.each([0, 3, 17])('no host seen: exit 5 and what to check, with the counter (%d packets)', (n) => {
    const o = devicesOutcome(sum({ rx_packets: { eth1: n } }));
    expect(o).toMatchObject({ ok: false, code: 5 });
    expect(o.details!.join('\n')).toMatch(new RegExp(`mirroring.*cable.*eth1 received ${n} packet`, 's'));
  });
  it('hosts: a table sorted as the script sorted them, and the count', () => {
    const hosts = [
      { ip: '192.0.2.9', mac: '02:00:00:00:00:09', packets: 40, bytes: 4000, last_seen: 0 },
      { ip: '', mac: '02:00:00:00:00:01', packets: 2, bytes: 120, last_seen: 0 },
    ];
    const o = devicesOutcome(sum({ count: 2, packets: 42, hosts, listed: 2, stopped: true, seconds: 7.4 }));
    expect(o.summary).toBe('2 active devices seen on eth1 in 7 s (stopped early) (42 packets)');
    expect(o.table!.rows.map((r) => r.slice(0, 3))).toEqual([['192.0.2.9', '02:00:00:00:00:09', '40'], ['-', '02:00:00:00:00:01', '2']]);
  });
});

describe('the chart', () => {
  it('ASCII only, the newest point at the right, as wide as asked', () => {
    const rows = asciiChart([0, 5e6, 10e6], 40, 4, 'bit/s');
    expect(rows).toHaveLength(6);
    for (const r of rows) expect(r).toMatch(/^[\x20-\x7e]*$/);
    expect(rows.every((r) => r.length <= 40)).toBe(true);
    expect(rows[0]).toMatch(/^10\|\s+#$/); // a round top: 0, 5, 10
    expect(rows[3]).toMatch(/\.##$/); // zero on the bottom row, the others filled
    expect(rows[5]).toMatch(/-3 s\s+now$/);
  });
  it.each([
    // [largest value, plot rows, top, ticks]: the smallest round top at or above the largest value
    [34.5e6, 5, 40, [0, 20, 40]],
    [23e6, 5, 30, [0, 10, 20, 30]],
    [730, 5, 750, [0, 250, 500, 750]],
    [1000, 5, 1, [0, 0.5, 1]],
    [7.3e6, 7, 7.5, [0, 2.5, 5, 7.5]],
    [38e6, 10, 40, [0, 10, 20, 30, 40]],
    [12e6, 10, 12, [0, 2, 4, 6, 8, 10, 12]],
  ])('the y axis for a largest value of %d on %d rows: 0 to %d, round ticks', (max, rows, top, ticks) => {
    const sc = chartScale([0, max / 2, max], 'bit/s', rows);
    expect(sc.top).toBe(top);
    expect(sc.ticks).toEqual(ticks);
  });
  it('the axis is round and the largest value reaches at least 2/3 of it, for every size of value and chart', () => {
    for (let rows = 4; rows <= 10; rows++)
      for (let m = 0.01; m < 1e10; m *= 1.37) {
        const sc = chartScale([m], 'bit/s', rows);
        const max = m / sc.div;
        expect(sc.top).toBeGreaterThanOrEqual(max);
        expect(max / sc.top, `${m} on ${rows} rows: top ${sc.top}`).toBeGreaterThanOrEqual(0.66);
        expect(sc.ticks.length - 1).toBeLessThanOrEqual(rows - 1); // a row each
        expect(sc.ticks.length).toBeGreaterThanOrEqual(3);
        for (const t of sc.ticks) expect(sc.label(t)).toMatch(/^\d{1,4}(\.\d{1,4})?$/); // no floating-point dust
      }
    expect(chartScale([0, 0], 'bit/s', 5)).toMatchObject({ top: 0, ticks: [0] });
  });
  it('ASCII: the plot rows hold the whole range, the top tick on the first, 0 on the last', () => {
    // a rate near 38 Mbit/s (the demo's capture port): filled up to the first row
    const rows = asciiChart([36e6, 38e6, 37.5e6], 40, 5, 'bit/s');
    expect(rows.slice(0, 5).map((r) => r.slice(0, 3))).toEqual(['40|', '  |', '20|', '  |', ' 0|']);
    for (const r of rows.slice(0, 5)) expect(r).toMatch(/###$/);
    // half the top: half the rows
    const half = asciiChart([10e6, 20e6], 40, 4, 'bit/s');
    expect(half.slice(0, 4).map((r) => r.at(-2))).toEqual([' ', ' ', '#', '#']);
    expect(half.slice(0, 4).map((r) => r.at(-1))).toEqual(['#', '#', '#', '#']);
  });
  it('braille: the same cells, ticks and range; the line over all the plot rows', () => {
    for (const [w, h] of [[72, 5], [72, 10], [40, 4]] as const) {
      const b = brailleChart([0, 38e6, 40e6], w, h, 'bit/s');
      expect([b.dotsW, b.dotsH]).toEqual([w * 2, (h + 2) * 4]);
      // 0 on the bottom dot row of the last plot row, the top on the first dot row
      expect(b.line.map(([, y]) => y)).toEqual([h * 4 - 1, expect.any(Number), 0]);
      expect(b.line[1]![1]).toBeLessThan(4); // 38 of 40: in the first row
      expect(b.line.map(([x]) => x)).toEqual([w * 2 - 3, w * 2 - 2, w * 2 - 1]); // the newest at the right
      // the axis on the row under the plot, the labels at the left, the time on the last row
      expect(b.axes).toEqual([[4, 0], [4, h * 4], [w * 2 - 1, h * 4]]);
      const label = (row: number) => b.text.find((t) => t.row === row)?.text;
      expect(label(0)).toBe('40');
      expect(label(h - 1)).toBe(' 0');
      expect(label(h + 1)).toMatch(/-3 s\s+now$/);
      expect(label(h + 1)!.length).toBe(w);
      for (const t of b.text) expect(t.text.length).toBeLessThanOrEqual(w);
    }
    // more points than dot columns: the oldest left out, none left of the axis
    const many = brailleChart(Array.from({ length: 500 }, (_, i) => i * 1e3), 50, 4, 'bit/s');
    expect(Math.min(...many.line.map(([x]) => x))).toBeGreaterThan(many.axes[0]![0]);
  });
  it('more points than columns: the oldest are left out', () => {
    const rows = asciiChart(Array.from({ length: 500 }, (_, i) => i), 50, 3, 'bit/s');
    expect(rows[0]!.length).toBe(50);
  });
  it.each([
    ['xterm-256color', true, true],
    ['linux', true, false],
    ['vt100', true, false],
    ['xterm-256color', false, false],
    ['screen-256color', true, true],
  ])('TERM=%s, UTF-8 %s: Unicode chart %s', (term, utf8, want) => expect(unicodeChart(term, utf8)).toBe(want));
});

describe('the stats screen laid out at 80x24', () => {
  const chrome = { hostname: 'h', consoleName: 'C', breadcrumb: [] };
  const local = { identity: 'x', button: 0, scroll: 0, edits: [], spin: 0 };
  const shown = (after?: string) => ({
    kind: 'shown' as const,
    title: 'Interface stats',
    shown: { kind: 'table' as const, text: 'Every second; * capture.', columns: ['If', 'Rx bit/s'], rows: [['eth0', '1 kbit/s'], ['eth1*', '40 Mbit/s']], chart: { title: 'eth1 receive rate', points: [1e6, 4e7, 3e7], every: 1, unit: 'bit/s' }, ...(after ? { after } : {}) },
  });
  const text = (d: NonNullable<ReturnType<typeof layout>['dialog']>) => d.rows.map((r) => r.map((x) => x.text).join(''));

  it('the chart is under the table, its rows where the dialog says (for the Unicode chart over them)', () => {
    const d = layout(shown(), local, { cols: 80, rows: 24 }, chrome, 0).dialog!;
    expect(d.chart).toMatchObject({ col: 1, width: 72, points: [1e6, 4e7, 3e7] });
    const rows = text(d);
    expect(rows[d.chart!.row - 1]).toMatch(/eth1 receive rate \(Mbit\/s\)/);
    expect(rows[d.chart!.row]).toMatch(/^ 40\|/);
    expect(rows[d.chart!.row + d.chart!.height - 2]).toMatch(/\+-+/);
    expect(d.top + d.height).toBeLessThanOrEqual(23); // above the footer
  });

  it('scrolled so that the chart is cut: the ASCII rows only, no Unicode chart over a part of them', () => {
    const long = Array.from({ length: 12 }, (_, i) => `advice line ${i}`).join('\n');
    const top = layout(shown(long), local, { cols: 80, rows: 24 }, chrome, 0).dialog!;
    expect(top.chart).toBeUndefined(); // the chart is below the fold
    const end = layout(shown(long), { ...local, scroll: 100 }, { cols: 80, rows: 24 }, chrome, 0).dialog!;
    expect(end.chart).toBeDefined(); // scrolled to the end: all of it on screen
  });
});

it('line mode prints the stats once, with the advice and the ASCII chart', async () => {
  const { renderView } = await import('../../src/ui/linemode.js');
  const { init } = await import('../../src/flow/model.js');
  const model = init({ profile: 'appliance', title: 'T', menu: { title: 'Top', items: [] } });
  const rs = rates(sample(0, { eth1: c(0) }), sample(1000, { eth1: c(10) }));
  const v = { kind: 'shown' as const, title: 'Interface stats', shown: statsShown(rs, ['eth1'], [0, 80, 40], false, () => true) };
  const out = renderView(v, model, 80).join('\n');
  expect(out).toMatch(/eth1\* +80 bit\/s/);
  expect(out).toMatch(/receives almost nothing/);
  expect(out).toMatch(/eth1 receive rate, last 1 min \(bit\/s\)\n *80\|/);
  expect(out).toMatch(/^[\x09\x0a\x20-\x7e]*$/);
});
