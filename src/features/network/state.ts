// The network scripts' results, typed once (show_network.sh, set_network.sh, net_*.sh), and how
// an interface is described to a person.
import { z } from 'zod';
import type { Ctx } from '../../core/types.js';
import { Problem } from '../../core/problem.js';
import { run, script } from '../../system/runner.js';

export const IfaceSchema = z
  .object({
    name: z.string(),
    mac: z.string().nullable(),
    state: z.string(),
    up: z.boolean(),
    addresses: z.array(z.string()),
    role: z.enum(['management', 'capture', 'unused']),
    mode: z.enum(['static', 'dhcp', 'capture', 'none']),
    address: z.string().nullable(),
    prefix: z.number().nullable(),
    gateway: z.string().nullable(),
    dns: z.array(z.string()),
    search: z.array(z.string()),
  })
  .loose();
export type Iface = z.infer<typeof IfaceSchema>;

export const NetworkStateSchema = z
  .object({
    interfaces: z.array(IfaceSchema),
    pending: z.object({ id: z.string(), iface: z.string(), deadline: z.number() }).loose().nullable(),
    rollbacks_unseen: z.array(z.object({ time: z.string(), iface: z.string(), reason: z.string() }).loose()),
  })
  .loose();
export type NetworkState = z.infer<typeof NetworkStateSchema>;

export const scripts = {
  show: script('show_network.sh', NetworkStateSchema),
  set: script(
    'set_network.sh',
    z.object({ iface: z.string(), mode: z.string(), address: z.string().nullable(), pending: z.object({ id: z.string(), deadline: z.number(), timeout: z.number() }) }).loose(),
  ),
  confirm: script('net_confirm.sh', z.object({ confirmed: z.literal(true), iface: z.string() }).loose()),
  rollback: script('net_rollback.sh', z.object({ rolled_back: z.boolean() }).loose()),
  ack: script('net_ack_rollbacks.sh', z.object({ acknowledged: z.number() }).loose()),
};

/** The interfaces, the pending change and the unseen rollbacks. Throws a Problem when unreadable. */
export async function networkState(ctx: Ctx): Promise<NetworkState> {
  const r = await run(ctx.runner, scripts.show, []);
  if (!r.ok) throw new Problem(`Cannot read the network settings: ${r.error}`);
  return r.value;
}

/** The local address of the operator's SSH session (SSH_CONNECTION's third field). */
export const myAddress = (): string | undefined => (process.env.SSH_CONNECTION ?? '').split(' ')[2] || undefined;

/** Whether the operator's session comes in through this interface. */
export const carriesMe = (i: Iface, mine = myAddress()): boolean => mine !== undefined && i.addresses.some((a) => a.split('/')[0] === mine);

export function describeIface(i: Iface, mine = myAddress()): string {
  const cfg =
    i.mode === 'static'
      ? `static ${i.address}/${i.prefix}${i.gateway ? ` via ${i.gateway}` : ''}`
      : i.mode === 'dhcp'
        ? 'DHCP'
        : i.mode === 'capture'
          ? 'capture (sniffer): no address, promiscuous'
          : 'not configured';
  // the capture role says its configuration itself: not "capture, capture (sniffer)"
  const what = i.mode === 'capture' ? cfg : `${i.role}, ${cfg}`;
  return [
    `${i.name}: ${what}${carriesMe(i, mine) ? '  <- your connection' : ''}`,
    `Link ${i.state}, MAC ${i.mac || '-'}, addresses ${i.addresses.join(' ') || 'none'}`,
    ...(i.mode === 'static' && (i.dns.length || i.search.length) ? [`DNS ${i.dns.join(' ') || '-'}, search ${i.search.join(' ') || '-'}`] : []),
  ].join('\n');
}

/** Seconds until a pending change rolls back by itself (0 when the time is up). */
export const secondsLeft = (p: NonNullable<NetworkState['pending']>, now = Date.now()): number => Math.max(0, Math.round(p.deadline - now / 1000));

/** The line a screen shows about a pending change ('' when none). */
export const pendingLine = (s: NetworkState): string =>
  s.pending ? `A change of ${s.pending.iface} waits for confirmation: it rolls back in ${secondsLeft(s.pending)} s.` : '';

/** How often a screen showing a pending change reads it again (seconds), else undefined. */
export const countdownRefresh = (s: NetworkState): number | undefined => (s.pending ? 5 : undefined);
