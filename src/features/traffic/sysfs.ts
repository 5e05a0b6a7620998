// The counters of every interface, read from the kernel (/sys/class/net/IF/statistics) with a
// few small synchronous reads: no process per sample. The demo appliance never reads the host's
// interfaces: its counters come from a recorded traffic profile (demoSample), said as demo data.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COUNTERS, type Counters, type Sample } from './rates.js';
import demoTraffic from '../../../sbin/lib/demo-traffic.json' with { type: 'json' };

/** Where the kernel lists the interfaces of the namespace the console runs in. */
export const SYS_NET = '/sys/class/net';

/** One counter file's number (0 when a driver does not keep that counter). */
function counter(dir: string, name: string): number {
  try {
    const n = Number(readFileSync(join(dir, 'statistics', name), 'latin1').trim());
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * The counters of every interface under `sys` (default the kernel's), at `at` ms. An interface
 * that goes away while it is read is left out. Throws when `sys` itself cannot be listed.
 */
export function readSample(sys = SYS_NET, at = performance.now()): Sample {
  const ifaces: Record<string, Counters> = {};
  for (const name of readdirSync(sys)) {
    const dir = join(sys, name);
    const c = Object.fromEntries(COUNTERS.map((k) => [k, counter(dir, k)])) as Counters;
    ifaces[name] = c;
  }
  return { at, ifaces };
}

/** Whether the link is up (operstate), undefined when not known. */
export function linkUp(iface: string, sys = SYS_NET): boolean | undefined {
  try {
    const s = readFileSync(join(sys, iface, 'operstate'), 'latin1').trim();
    return s === 'up' ? true : s === 'down' || s === 'lowerlayerdown' ? false : undefined;
  } catch {
    return undefined;
  }
}

/** One kind of the demo's traffic (sbin/lib/demo-traffic.json, which says what each number is). */
interface DemoKind {
  base: number;
  amp: number;
  period: number;
  size: number;
  tx_div: number;
  drop_every_s: number;
}

/**
 * The demo appliance's counters at wall time `ms`, from its one traffic profile
 * (sbin/lib/demo-traffic.json, which the Healthcheck reads too: ccnet/demo.py counters): the
 * capture port a mirrored office LAN of ~40 Mbit/s that swells and ebbs over 90 s, the
 * management port a trickle, integrated so the counters only grow. Labelled DEMO on screen.
 */
export function demoSample(ifaces: { name: string; capture: boolean }[], ms = Date.now(), at = performance.now()): Sample {
  const t = ms / 1000 - demoTraffic.epoch_s; // from 2026-01-01: the counters stay well inside 2^53
  const out: Record<string, Counters> = {};
  for (const { name, capture } of ifaces) {
    const k: DemoKind = capture ? demoTraffic.capture : demoTraffic.other;
    // bytes = integral of rate: base*t + amplitude*period/(2π)*(1-cos(2πt/period))
    const bytes = k.base * t + ((k.amp * k.period) / (2 * Math.PI)) * (1 - Math.cos((2 * Math.PI * t) / k.period));
    out[name] = {
      rx_bytes: Math.floor(bytes),
      tx_bytes: k.tx_div ? Math.floor(bytes / k.tx_div) : 0,
      rx_packets: Math.floor(bytes / k.size),
      tx_packets: k.tx_div ? Math.floor(bytes / k.tx_div / k.size) : 0,
      rx_dropped: k.drop_every_s ? Math.floor((t % 86_400) / k.drop_every_s) : 0,
      tx_dropped: 0,
      rx_errors: 0,
      tx_errors: 0,
    };
  }
  return { at, ifaces: out };
}
