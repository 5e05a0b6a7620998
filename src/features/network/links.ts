// Bonds and VLANs (issue 17): create one, make a bond the capture interface, delete one the console
// created. Each is a set_network.sh change (--create-bond, --create-vlan, --delete): reviewed with
// --dry-run, applied, and rolled back unless confirmed, like any network change.
import type { Ctx, Op, Values } from '../../core/types.js';
import { Problem } from '../../core/problem.js';
import type { Field } from '../../menu/types.js';
import { z } from 'zod';
import { BOND_MODES, PRIMARY_MODES, bondMembers, checkBond, linkName, optionalLinkName, paramsNotFor, vlanId } from '../../rules/links.js';
import { checkStatic, checkStatic6 } from '../../rules/network.js';
import { interfaceFields } from './fields.js';
import { captureEnds, dryRun, setArgs, setNetwork } from './ops.js';
import { networkState, type Iface } from './state.js';

const ADDRESS_FIELDS = interfaceFields.slice(1);
const SCRIPT_FIELDS = ['address', 'netmask', 'gateway', 'dns', 'domain', 'address6', 'gateway6'];

/** How the new link is addressed; the address fields follow (shown for Static IP). */
const addressing = (choices: Field['choices'], help: string): Field => ({ name: 'mode', label: 'Addressing', short: 'Addressing', choices, help });

export const bondFields: Field[] = [
  { name: 'name', label: 'Bond name (e.g. bond0)', short: 'Name', rule: linkName, help: 'The new interface: letters, digits, "_", "-", "."; at most 15 characters.' },
  { name: 'members', label: 'Members: Ethernet ports, separated by commas (e.g. eth1,eth2)', short: 'Members', rule: bondMembers, help: 'Ports in no other bond and carrying no VLAN. Their own addresses go: the bond has the addressing.' },
  {
    name: 'bondMode',
    label: 'Bond mode',
    short: 'Mode',
    choices: BOND_MODES.map((m) => ({ value: m, label: m })),
    help: "netplan's bond modes: active-backup (one member at a time, no switch support needed), 802.3ad (LACP: the switch must agree), balance-rr, balance-xor, broadcast, balance-tlb, balance-alb.",
  },
  { name: 'primary', label: 'Primary member (optional)', short: 'Primary', rule: optionalLinkName, when: { field: 'bondMode', is: [...PRIMARY_MODES] }, help: 'The member used while it is up (active-backup, balance-tlb, balance-alb). Leave empty for none.' },
  { name: 'lacpRate', label: 'LACP rate', short: 'LACP rate', choices: [{ value: 'slow', label: 'slow (every 30 s)' }, { value: 'fast', label: 'fast (every second)' }], when: { field: 'bondMode', is: ['802.3ad'] }, help: 'How often LACP packets are asked of the switch.' },
  addressing(
    [
      // short: the choices share one line of an 80-column form
      { value: 'static', label: 'Static IP' },
      { value: 'dhcp', label: 'DHCP' },
      { value: 'capture', label: 'Capture' },
      { value: 'none', label: 'No address (for VLANs)' },
    ],
    'Static IP or DHCP: the bond is a management interface. Capture: it receives the mirrored traffic (the bond and its members promiscuous, no address). No address: a bond that carries VLANs.',
  ),
  ...ADDRESS_FIELDS,
];

export const vlanFields: Field[] = [
  { name: 'link', label: 'Parent: an Ethernet port or a bond (e.g. eth0, bond0)', short: 'Parent', rule: linkName, help: 'The link the tagged traffic comes in on; not a bond member.' },
  { name: 'id', label: 'VLAN id (1-4094)', short: 'VLAN id', rule: vlanId, help: 'The 802.1Q tag, 1 to 4094.' },
  { name: 'name', label: 'Name (empty: vlanID, e.g. vlan10)', short: 'Name', rule: optionalLinkName, help: 'The new interface; empty gives vlan followed by the id.' },
  addressing([{ value: 'static', label: 'Static IP' }, { value: 'dhcp', label: 'DHCP (the address may change)' }], 'A VLAN is a management link: capture on its parent, which sees every VLAN.'),
  ...ADDRESS_FIELDS,
];

/** The addressing options of set_network.sh for the form's values (after IFACE). */
function addressArgs(v: Values): string[] {
  if (v.mode === 'capture') return ['--capture'];
  if (v.mode === 'none') return [];
  return setArgs({ ...v, iface: '-' }).slice(1);
}

/** A new bond's set_network.sh arguments. */
export function bondArgs(v: Values): string[] {
  return [
    v.name ?? '',
    '--create-bond',
    '--members', v.members ?? '',
    '--bond-mode', v.bondMode ?? '',
    ...(v.primary && PRIMARY_MODES.includes(v.bondMode ?? '') ? ['--primary', v.primary] : []),
    ...(v.lacpRate && v.bondMode === '802.3ad' ? ['--lacp-rate', v.lacpRate] : []),
    ...addressArgs(v),
  ];
}

/** A new VLAN's set_network.sh arguments (its name vlanID when none is given). */
export function vlanArgs(v: Values): string[] {
  return [v.name || `vlan${v.id ?? ''}`, '--create-vlan', '--link', v.link ?? '', '--id', v.id ?? '', ...addressArgs(v)];
}

/** The static address checks of the console, as errors by field (warnings need the operator's Yes). */
function staticIssues(v: Values, others: string[]): { errors: Record<string, string>; warnings: string[] } {
  const errors: Record<string, string> = {};
  const warnings: string[] = [];
  if (v.mode !== 'static') return { errors, warnings };
  for (const issue of [...checkStatic({ address: v.address ?? '', prefix: Number(v.netmask), ...(v.gateway ? { gateway: v.gateway } : {}) }, others), ...checkStatic6(v.address6 ?? '', v.gateway6 ?? '')]) {
    if (issue.severity === 'warning') warnings.push(`${issue.message}. Apply only if your network really routes it.`);
    else errors[issue.field] = issue.message;
  }
  return { errors, warnings };
}

async function otherAddresses(ctx: Ctx, except: string[]): Promise<string[]> {
  const s = await networkState(ctx);
  return s.interfaces.filter((x) => !except.includes(x.name)).flatMap((x) => [...x.addresses.map((a) => a.split('/')[0] ?? ''), ...(x.address ? [x.address] : [])]);
}

/** The first name of the form PREFIX0, PREFIX1... no link has. */
async function freeName(ctx: Ctx, prefix: string): Promise<string> {
  const names = new Set((await networkState(ctx)).interfaces.map((i) => i.name));
  let n = 0;
  while (names.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

/** A capture port made a member of a bond that does not capture stops capturing (ops.captureEnds). */
export async function bondEndsCapture(ctx: Ctx, v: Values): Promise<string[]> {
  if (v.mode === 'capture') return [];
  const members = (v.members ?? '').split(',').map((m) => m.trim());
  return captureEnds(await networkState(ctx), members, `IF becomes a member of the bond ${v.name ?? ''}, which does not capture`);
}

/** A VLAN on a capture port (or bond) makes it the VLAN's parent: it stops capturing (ops.captureEnds). */
export async function vlanEndsCapture(ctx: Ctx, v: Values): Promise<string[]> {
  return captureEnds(await networkState(ctx), [v.link ?? ''], `a VLAN on it (${v.name ?? ''}) makes IF the VLAN's parent, and a VLAN parent does not capture`);
}

export const networkBondCreate: Op<'read' | 'check' | 'apply'> = {
  id: 'network.bond-create',
  async read(ctx) {
    return { name: await freeName(ctx, 'bond'), members: '', bondMode: 'active-backup', primary: '', lacpRate: 'slow', mode: 'static', address: '', netmask: '', gateway: '', dns: '', domain: '', address6: '', gateway6: '' };
  },
  async check(ctx, v) {
    const issue = checkBond({ name: v.name ?? '', members: v.members ?? '', mode: v.bondMode ?? '', primary: PRIMARY_MODES.includes(v.bondMode ?? '') ? (v.primary ?? '') : '', lacpRate: '' });
    if (issue) return { errors: { [issue.field]: issue.message }, warnings: [] };
    // the members' own addresses are free for the bond: it takes them over
    const st = staticIssues(v, await otherAddresses(ctx, (v.members ?? '').split(',')));
    if (Object.keys(st.errors).length) return st;
    const ends = await bondEndsCapture(ctx, v);
    const plan = await dryRun(ctx, bondArgs(v), [...SCRIPT_FIELDS, 'name', 'members', 'bond-mode', 'primary', 'lacp-rate'], 'members');
    // the script names its options (--bond-mode), the form its fields (bondMode)
    const errors = Object.fromEntries(Object.entries(plan.errors).map(([k, e]) => [k === 'bond-mode' ? 'bondMode' : k === 'lacp-rate' ? 'lacpRate' : k, e]));
    return { errors, warnings: [...ends, ...st.warnings, ...(v.mode === 'dhcp' ? ['DHCP: the address may change, and you must find the new one to reconnect'] : []), ...plan.lines] };
  },
  async apply(ctx, v, io) {
    return setNetwork(ctx, bondArgs(v), v, io);
  },
};

export const networkVlanCreate: Op<'read' | 'check' | 'apply'> = {
  id: 'network.vlan-create',
  async read() {
    return { link: '', id: '', name: '', mode: 'static', address: '', netmask: '', gateway: '', dns: '', domain: '', address6: '', gateway6: '' };
  },
  async check(ctx, v) {
    const st = staticIssues(v, await otherAddresses(ctx, []));
    if (Object.keys(st.errors).length) return st;
    const ends = await vlanEndsCapture(ctx, v);
    const plan = await dryRun(ctx, vlanArgs(v), [...SCRIPT_FIELDS, 'name', 'link', 'id'], 'link');
    return { errors: plan.errors, warnings: [...ends, ...st.warnings, ...plan.lines] };
  },
  async apply(ctx, v, io) {
    return setNetwork(ctx, vlanArgs(v), v, io);
  },
};

/** Delete a bond or VLAN the console created; asked with what goes (its addresses, members). */
export const networkDelete: Op<'apply' | 'ask'> = {
  id: 'network.delete',
  async ask(ctx, context) {
    const s = await networkState(ctx);
    const i = s.interfaces.find((x) => x.name === context.iface);
    if (!i) throw new Problem(`Interface ${context.iface ?? '?'} is not there any more`);
    if (i.kind !== 'bond' && i.kind !== 'vlan') return { blocked: `${i.name} is ${i.kind === 'ethernet' ? 'an Ethernet port' : `a ${i.kind}`}: only a bond or VLAN the console created can be deleted.` };
    if (!i.created_here) return { blocked: `${i.name} was not created by the console: it is left as it is (its netplan file is kept).` };
    const plan = await dryRun(ctx, [i.name, '--delete']);
    const refused = Object.values(plan.errors)[0];
    if (refused) return { blocked: refused };
    return {
      question: [
        `${i.name} (${i.kind}${i.addresses.length ? `, ${i.addresses.join(' ')}` : ''}) is removed from the netplan file.`,
        ...(i.members.length ? [`Its members ${i.members.join(', ')} stay in the file as they are.`] : []),
        '',
        `Delete ${i.name}?`,
      ].join('\n'),
    };
  },
  async apply(ctx, v, io) {
    return setNetwork(ctx, [v.iface ?? '', '--delete'], v, io);
  },
};

// ---- an existing bond changed: mode, parameters, members (set_network.sh IFACE --change-bond) ----

/** The form of "Change this bond": create's fields for the members, mode and parameters (its addressing is not touched here). */
export const bondSetFields: Field[] = bondFields.filter((f) => ['members', 'bondMode', 'primary', 'lacpRate'].includes(f.name)).map((f) =>
  f.name === 'lacpRate' ? { ...f, choices: [{ value: '', label: 'as the kernel sets it (slow)' }, ...(f.choices ?? [])] } : f,
);

const Params = z.lazy(() => z.object({ parameters: z.record(z.string(), z.unknown()).optional() }).loose());

/** A bond's current values as the form holds them: members "a,b", mode, primary, LACP rate ('' when not set). */
export function bondValues(i: Iface): Values {
  const p = Params.safeParse((i as { config?: unknown }).config ?? {});
  const params = p.success ? (p.data.parameters ?? {}) : {};
  const text = (k: string) => (typeof params[k] === 'string' ? (params[k] as string) : '');
  return { iface: i.name, members: i.members.join(','), bondMode: i.bond_mode ?? 'balance-rr', primary: i.bond_primary ?? text('primary'), lacpRate: text('lacp-rate') };
}

/**
 * set_network.sh's arguments for a bond changed from `was` to `v`: only what differs is given
 * (the script keeps the rest); a primary or LACP rate the new mode does not take is not sent
 * (the script drops it, and its review says so); one emptied is sent as "" (removed).
 */
export function bondSetArgs(v: Values, was: Values): string[] {
  const mode = v.bondMode ?? '';
  const param = (opt: string, key: 'primary' | 'lacpRate', name: string): string[] => {
    const not = paramsNotFor([name], mode);
    if (!not.ok || not.value.length) return [];
    const now = v[key] ?? '';
    return now !== (was[key] ?? '') ? [opt, now] : [];
  };
  return [
    v.iface ?? '',
    '--change-bond',
    ...(v.members !== was.members ? ['--members', v.members ?? ''] : []),
    ...(mode !== was.bondMode ? ['--bond-mode', mode] : []),
    ...param('--primary', 'primary', 'primary'),
    ...param('--lacp-rate', 'lacpRate', 'lacp-rate'),
  ];
}

/** Why a link's bond settings cannot be changed here ('' when they can): not a bond, or one another file or renderer owns. */
export function bondSetBlocked(i: Iface): string {
  if (i.kind !== 'bond') return `${i.name} is ${i.kind === 'ethernet' ? 'an Ethernet port' : `a ${i.kind}`}: only a bond's mode, parameters and members are changed here.`;
  if (!i.configurable) return `${i.name} is left as it is: ${i.why ?? 'the console does not configure it'}.`;
  return '';
}

/** The form's field for a refusal of set_network.sh (its options named, the form's fields). */
const BOND_FIELD: Record<string, string> = { 'bond-mode': 'bondMode', 'lacp-rate': 'lacpRate', members: 'members', primary: 'primary' };

/** Change an existing bond: members, mode, primary, LACP rate; reviewed, checked by netplan, commit-confirmed as create. */
export const networkBondSet: Op<'read' | 'check' | 'apply'> = {
  id: 'network.bond-set',
  async read(ctx, context) {
    const i = (await networkState(ctx)).interfaces.find((x) => x.name === context.iface);
    if (!i) throw new Problem(`Interface ${context.iface ?? '?'} is not there any more`);
    const blocked = bondSetBlocked(i);
    if (blocked) throw new Problem(blocked);
    return bondValues(i);
  },
  async check(ctx, v) {
    const i = (await networkState(ctx)).interfaces.find((x) => x.name === v.iface);
    if (!i) return { errors: { members: `Interface ${v.iface ?? '?'} is not there any more` }, warnings: [] };
    const was = bondValues(i);
    const issue = checkBond({ name: v.iface ?? '', members: v.members ?? '', mode: v.bondMode ?? '', primary: PRIMARY_MODES.includes(v.bondMode ?? '') ? (v.primary ?? '') : '', lacpRate: v.bondMode === '802.3ad' ? (v.lacpRate ?? '') : '' });
    if (issue) return { errors: { [issue.field === 'name' ? 'members' : issue.field]: issue.message }, warnings: [] };
    const args = bondSetArgs(v, was);
    if (args.length === 2) return { errors: {}, warnings: [`Nothing changes: ${v.iface ?? ''} already has these settings`] };
    const ends = await bondEndsCapture(ctx, { ...v, name: v.iface ?? '', mode: i.mode === 'capture' ? 'capture' : 'static', members: (v.members ?? '').split(',').filter((m) => !was.members?.split(',').includes(m)).join(',') });
    const plan = await dryRun(ctx, args, ['members', 'bond-mode', 'primary', 'lacp-rate'], 'members');
    const errors = Object.fromEntries(Object.entries(plan.errors).map(([k, e]) => [BOND_FIELD[k] ?? k, e]));
    return { errors, warnings: [...ends, ...plan.lines] };
  },
  async apply(ctx, v, io) {
    const i = (await networkState(ctx)).interfaces.find((x) => x.name === v.iface);
    return setNetwork(ctx, bondSetArgs(v, i ? bondValues(i) : {}), v, io);
  },
};
