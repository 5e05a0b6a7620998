// The network scripts' results, typed once (show_network.sh, set_network.sh, net_*.sh), and how
// an interface is described to a person.
import { z } from 'zod';
import type { Ctx } from '../../core/types.js';
import { Problem } from '../../core/problem.js';
import { run, script } from '../../system/runner.js';

export const IfaceSchema = z.lazy(() => z
  .object({
    name: z.string(),
    mac: z.string().nullable(),
    state: z.string(),
    up: z.boolean(),
    addresses: z.array(z.string()),
    /** member: of a bond or bridge (member_of); parent: VLANs or SR-IOV functions on top, no address of its own */
    role: z.enum(['management', 'capture', 'unused', 'member', 'parent']),
    /** the role in words ("member of bond0", "VLAN parent of vlan10") */
    role_text: z.string().default(''),
    /** ipv6: IPv6 only (no IPv4 address, a management interface) */
    mode: z.enum(['static', 'dhcp', 'ipv6', 'capture', 'none']),
    address: z.string().nullable(),
    prefix: z.number().nullable(),
    gateway: z.string().nullable(),
    dns: z.array(z.string()),
    search: z.array(z.string()),
    address6: z.string().nullable().default(null),
    prefix6: z.number().nullable().default(null),
    gateway6: z.string().nullable().default(null),
    dhcp6: z.boolean().default(false),
    /** routes other than the default ones ("TO via VIA") */
    routes: z.array(z.string()).default([]),
    /** ethernet, bond, vlan (configurable), or bridge, tunnel, wireguard, wifi, modem, vrf, tun, veth, ... (read-only) */
    kind: z.string().default('ethernet'),
    /** a bond's or bridge's members; a VLAN's (or SR-IOV function's) parent, VLAN id, bond mode */
    members: z.array(z.string()).default([]),
    parent: z.string().nullable().default(null),
    vlan_id: z.number().nullable().default(null),
    bond_mode: z.string().nullable().default(null),
    /** a bond's primary member, as the live link's name (netplan may name it by a match: stanza's id) */
    bond_primary: z.string().nullable().default(null),
    member_of: z.string().nullable().default(null),
    /** the VLANs (and SR-IOV functions) on top of it */
    on_top: z.array(z.object({ kind: z.string(), name: z.string() })).default([]),
    /** the match: stanzas that configure it ("ID (match: name en*)") */
    matched_by: z.array(z.string()).default([]),
    /** a bond or VLAN the console created (only those can be deleted) */
    created_here: z.boolean().default(false),
    configurable: z.boolean().default(true),
    /** why it is not configurable */
    why: z.string().nullable().default(null),
    /** every netplan file that configures it (netplan merges them), relative to the root */
    files: z.array(z.string()).default([]),
  })
  .loose());
export type Iface = z.infer<typeof IfaceSchema>;

export const NetworkStateSchema = z.lazy(() => z
  .object({
    interfaces: z.array(IfaceSchema),
    /** ifaces: every interface of the change (a fresh-MACs change has several; iface is the first) */
    pending: z.object({ id: z.string(), iface: z.string(), ifaces: z.array(z.string()).optional(), deadline: z.number() }).loose().nullable(),
    /** the match: stanzas, each with the live links it matches */
    matches: z.array(z.object({ id: z.string(), section: z.string(), match: z.string(), links: z.array(z.string()), stale: z.boolean().default(false), mac: z.string().optional() })).default([]),
    rollbacks_unseen: z.array(z.object({ time: z.string(), iface: z.string(), ifaces: z.array(z.string()).optional(), reason: z.string() }).loose()),
    /** our netplan file: there or not, and the problem when it is missing (a change is then refused) */
    netplan: z.object({ file: z.string(), exists: z.boolean(), others: z.array(z.string()), problem: z.string().nullable() }).nullable().default(null),
  })
  .loose());

/** What a change writes and keeps (set_network.sh --dry-run, and its result). */
export const PlanSchema = z.lazy(() => z
  .object({
    files: z.array(z.string()),
    kept: z.array(z.string()),
    moved: z.array(z.object({ from: z.string(), id: z.string() })),
    dropin: z.string().nullable(),
    creates: z.boolean(),
    /** a new bond: what its members give up ("eth2: dhcp4") */
    members_lose: z.array(z.string()).optional(),
    /** a bond changed: members that leave, parameters its new mode does not take */
    bond_changes: z.array(z.string()).optional(),
  })
  .loose());
export type Plan = z.infer<typeof PlanSchema>;
export type NetworkState = z.infer<typeof NetworkStateSchema>;

export const scripts = {
  show: script('show_network.sh', NetworkStateSchema),
  set: script(
    'set_network.sh',
    // pending null: the settings were in place ("changed": false), nothing applied or armed
    z.lazy(() => z.object({ iface: z.string(), mode: z.string(), address: z.string().nullable(), changed: z.boolean().default(true), pending: z.object({ id: z.string(), deadline: z.number(), timeout: z.number() }).nullable() }).loose()),
  ),
  plan: script('set_network.sh', z.lazy(() => z.object({ dry_run: z.literal(true), plan: PlanSchema }).loose())),
  confirm: script('net_confirm.sh', z.lazy(() => z.object({ confirmed: z.literal(true), iface: z.string() }).loose())),
  rollback: script('net_rollback.sh', z.lazy(() => z.object({ rolled_back: z.boolean() }).loose())),
  ack: script('net_ack_rollbacks.sh', z.lazy(() => z.object({ acknowledged: z.number() }).loose())),
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

/** The IPv6 settings of an interface in a few words ('' when it has none). */
export function ipv6Text(i: Iface): string {
  return [
    ...(i.address6 ? [`${i.address6}/${i.prefix6}`] : []),
    ...(i.dhcp6 ? ['DHCPv6'] : []),
    ...(i.gateway6 ? [`via ${i.gateway6}`] : []),
  ].join(' ');
}

/** The role in a few words: "member of bond0", "VLAN parent of vlan10", "management". */
export const roleText = (i: Iface): string => i.role_text || i.role;

/** What a link is made of, in a few words ('' for a plain port): a bond's members and mode, a VLAN's id and parent. */
export function structureText(i: Iface): string {
  return [
    ...(i.kind === 'bond' || i.members.length ? [`members ${i.members.join(', ') || 'none'}${i.bond_mode ? `, mode ${i.bond_mode}` : ''}`] : []),
    ...(i.kind === 'vlan' ? [`VLAN ${i.vlan_id ?? '?'} on ${i.parent ?? '?'}`] : i.parent ? [`on ${i.parent}`] : []),
    ...(i.on_top.length ? [`carries ${i.on_top.map((t) => t.name).join(', ')}`] : []),
    ...(i.matched_by.length ? [`configured by ${i.matched_by.join(', ')}`] : []),
  ].join('; ');
}

/** An interface for a person: what netplan makes of its files, its link, addresses, routes, files. */
export function describeIface(i: Iface, mine = myAddress()): string {
  const built = structureText(i);
  if (!i.configurable)
    return [
      `${i.name}: ${i.kind}${i.role === 'member' ? `, ${roleText(i)}` : ''}, not configured here: ${i.why ?? 'not a network port'}`,
      ...(built ? [cap(built)] : []),
      `Link ${i.state}, addresses ${i.addresses.join(' ') || 'none'}`,
    ].join('\n');
  const v6 = ipv6Text(i);
  const cfg =
    i.mode === 'static'
      ? `static ${i.address}/${i.prefix}${i.gateway ? ` via ${i.gateway}` : ''}${v6 ? `, IPv6 ${v6}` : ''}`
      : i.mode === 'dhcp'
        ? `DHCP${v6 ? `, IPv6 ${v6}` : ''}`
        : i.mode === 'ipv6'
          ? `IPv6 only: ${v6}`
          : i.mode === 'capture'
            ? 'capture (sniffer): no address, promiscuous'
            : 'not configured';
  // the capture role says its configuration itself: not "capture, capture (sniffer)"
  const what = i.role === 'parent' ? roleText(i) : i.mode === 'capture' ? cfg : `${i.role}, ${cfg}`;
  return [
    `${i.name}: ${i.kind === 'ethernet' ? '' : `${i.kind}, `}${what}${carriesMe(i, mine) ? '  <- your connection' : ''}`,
    ...(built ? [cap(built)] : []),
    `Link ${i.state}, MAC ${i.mac || '-'}, addresses ${i.addresses.join(' ') || 'none'}`,
    ...((i.mode === 'static' || i.mode === 'ipv6') && (i.dns.length || i.search.length) ? [`DNS ${i.dns.join(' ') || '-'}, search ${i.search.join(' ') || '-'}`] : []),
    ...(i.routes.length ? [`Routes ${i.routes.join(', ')}`] : []),
    ...(i.files.length > 1 ? [`Configured in ${i.files.join(' and ')}: netplan merges them, and this is the result`] : i.files.length === 1 ? [`Configured in ${i.files[0]}`] : []),
  ].join('\n');
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * What a match: stanza configures, one line for the list and `network show`: the links it
 * matches, or, when its MAC is no link's (a cloned machine's: show_network.sh `stale`), that it
 * is stale and configures nothing, whatever its set-name says.
 */
export function matchLine(m: NetworkState['matches'][number]): string {
  if (m.stale) return `${m.id} (match: ${m.match}) is stale: no interface has that MAC (Initialize fresh MAC addresses)`;
  return `${m.id} (match: ${m.match}) configures ${m.links.join(', ') || 'no link here'}`;
}

/** Seconds until a pending change rolls back by itself (0 when the time is up). */
export const secondsLeft = (p: NonNullable<NetworkState['pending']>, now = Date.now()): number => Math.max(0, Math.round(p.deadline - now / 1000));

/** Columns of a line: the console's screen (80x24, the VGA console). */
export const LINE_COLUMNS = 80;

/**
 * Interface names said in at most `width` columns: "eth0", "eth0 and eth1", "eth0, eth1 and
 * eth2"; past the width the first ones and how many more ("eth0, eth1 and 3 more"; at least
 * the first name, whatever its length). '' for none.
 */
export function namesWithin(names: readonly string[], width: number): string {
  const all = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
  if (all.length <= width) return all;
  for (let k = names.length - 1; k > 1; k--) {
    const some = `${names.slice(0, k).join(', ')} and ${names.length - k} more`;
    if (some.length <= width) return some;
  }
  return `${names[0]} and ${names.length - 1} more`;
}

/**
 * The interfaces of a pending change (or a rollback) as a line says them: `lead` NAMES `tail`
 * within LINE_COLUMNS (namesWithin). Every one, not only the first: a fresh-MACs change has several.
 */
export function changeOf(p: { iface: string; ifaces?: string[] | undefined }, lead: string, tail: string): string {
  const names = p.ifaces?.length ? p.ifaces : [p.iface];
  return `${lead}${namesWithin(names, LINE_COLUMNS - lead.length - tail.length)}${tail}`;
}

/** The line a screen shows about a pending change ('' when none). */
export const pendingLine = (s: NetworkState): string =>
  s.pending ? `${changeOf(s.pending, 'A change of ', ' waits for confirmation:')} it rolls back in ${secondsLeft(s.pending)} s.` : '';

/** How often a screen showing a pending change reads it again (seconds), else undefined. */
export const countdownRefresh = (s: NetworkState): number | undefined => (s.pending ? 5 : undefined);
