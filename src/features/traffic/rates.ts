// Interface rates from kernel counters, as pure functions: two samples of the counters
// (/sys/class/net/IF/statistics, sampled by sysfs.ts) give each interface's bits and packets
// per second. A counter that went down was wrapped (32-bit drivers) or reset (driver reload,
// interface re-created): a wrap is undone, a reset gives no rate for that sample rather than a
// huge or negative one. An interface that appears has no rate until its second sample; one
// that disappears is no longer listed.

/** The counters read for one interface (the kernel's names). */
export const COUNTERS = ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets', 'rx_dropped', 'tx_dropped', 'rx_errors', 'tx_errors'] as const;
export type CounterName = (typeof COUNTERS)[number];
export type Counters = Record<CounterName, number>;

/** The counters of every interface at one moment (`at`: milliseconds, monotonic). */
export interface Sample {
  at: number;
  ifaces: Record<string, Counters>;
}

/** One interface's rates between two samples; null where there is none (first sample, counter reset). */
export interface IfaceRate {
  name: string;
  rx_bps: number | null;
  tx_bps: number | null;
  rx_pps: number | null;
  tx_pps: number | null;
  /** Totals since the interface came up (the kernel's counters as they are). */
  rx_dropped: number;
  tx_dropped: number;
  rx_errors: number;
  tx_errors: number;
}

const WRAP32 = 2 ** 32;

/**
 * How much a counter grew from `before` to `after`: their difference; when it went down, the
 * 32-bit wrap (a counter that was below 2^32 and went round) or, for anything else, null (a
 * reset: the interface was re-created or its driver reloaded, so the growth is unknown).
 */
export function growth(before: number, after: number): number | null {
  if (after >= before) return after - before;
  if (before < WRAP32) {
    const wrapped = WRAP32 - before + after;
    // a wrap moves on by less than half the range between samples a second apart; more is a reset
    if (wrapped < WRAP32 / 2) return wrapped;
  }
  return null;
}

/** Rate per second of a counter's growth over `ms` milliseconds (null: unknown). */
const perSecond = (g: number | null, ms: number, scale = 1): number | null => (g === null || ms <= 0 ? null : (g * scale * 1000) / ms);

/**
 * Every interface of `now`, in name order, with its rates since `before` (none for an
 * interface `before` did not have, or without `before`).
 */
export function rates(before: Sample | undefined, now: Sample): IfaceRate[] {
  const ms = before ? now.at - before.at : 0;
  return Object.keys(now.ifaces)
    .sort()
    .map((name) => {
      const c = now.ifaces[name]!;
      const b = before?.ifaces[name];
      const rate = (k: CounterName, scale = 1) => (b ? perSecond(growth(b[k], c[k]), ms, scale) : null);
      return {
        name,
        rx_bps: rate('rx_bytes', 8),
        tx_bps: rate('tx_bytes', 8),
        rx_pps: rate('rx_packets'),
        tx_pps: rate('tx_packets'),
        rx_dropped: c.rx_dropped,
        tx_dropped: c.tx_dropped,
        rx_errors: c.rx_errors,
        tx_errors: c.tx_errors,
      };
    });
}

/** The last `size` values of a series, oldest first: the chart's points (one a sample). */
export function pushPoint(points: number[], value: number, size: number): number[] {
  const next = [...points, value];
  return next.length > size ? next.slice(next.length - size) : next;
}

/** A rate for people: 1.23 Mbit/s (SI prefixes, as network rates are given). */
export function bitsText(bps: number | null): string {
  if (bps === null) return '-';
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
  let v = bps;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`;
}

/** Packets per second for people. */
export const ppsText = (pps: number | null): string => (pps === null ? '-' : pps < 10 ? pps.toFixed(1) : String(Math.round(pps)));

/**
 * Below this a capture interface is "near zero": less than a trickle of broadcast traffic, as a
 * mirror port that sends nothing (or the wrong port) shows it.
 */
export const NEAR_ZERO_BPS = 1000;

/**
 * What to check when a capture interface receives (almost) nothing, after the manual's
 * "Ingesting Data" steps: the mirror (SPAN/TAP) port, the cable and link, the interface chosen.
 */
export function nearZeroAdvice(iface: string, bps: number | null, linkUp: boolean | undefined): string[] {
  if (bps === null || bps >= NEAR_ZERO_BPS) return [];
  return [
    `${iface} (capture) receives almost nothing (${bitsText(bps)}). Check:`,
    ...(linkUp === false ? [`- the link of ${iface} is down: the cable, and the switch port it is plugged into`] : []),
    `- the switch's mirror (SPAN) or TAP port sends the traffic to the port ${iface} is plugged into`,
    '- the cable goes from that mirror port to this capture port (a link light on both ends)',
    `- ${iface} is the capture interface (Configure network interfaces)`,
  ];
}
