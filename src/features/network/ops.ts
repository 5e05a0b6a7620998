// Network interfaces (manual ch. 4 "Set the Appliance IP Address", ch. 7 vSensor Network): the
// list, the change of one interface, and the commit-confirmed apply that rolls back by itself
// unless the operator confirms (sbin/set_network.sh and friends).
import type { Ctx, Entry, Io, Op, Outcome, Values } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { Problem } from '../../core/problem.js';
import { checkStatic, checkStatic6 } from '../../rules/network.js';
import { run } from '../../system/runner.js';
import { carriesMe, countdownRefresh, describeIface, ipv6Text, matchLine, myAddress, networkState, pendingLine, roleText, scripts, type Iface, type NetworkState, type Plan } from './state.js';

// b, v and m are the list's own items (create a bond, a VLAN; fresh MAC addresses): never an entry's
const HOTKEYS = '123456789acdefghijklnopqrstuwxyz';

export const networkInterfaces: Op<'items' | 'show'> = {
  id: 'network.interfaces',
  async items(ctx) {
    const s = await networkState(ctx);
    // the name column as wide as the longest name (netplan's bond-conntrack is 14), so no row shifts
    const nameW = Math.max(8, ...s.interfaces.map((i) => i.name.length));
    return s.interfaces.slice(0, HOTKEYS.length).map((i, n): Entry => {
      // an address is never cut (a cut one reads as another, valid address): the first in full, then how many more
      const [first, ...more] = i.addresses;
      const addrs = first ? `${first}${more.length ? ` +${more.length}` : ''}` : i.role === 'member' ? '' : 'no address';
      // every link with its kind and role; one the console does not configure is read-only
      return {
        key: HOTKEYS[n]!,
        label: `${i.name.padEnd(nameW)} ${cut(listRole(i), 20)} ${i.up ? 'up  ' : 'DOWN'}${carriesMe(i) ? ' *you*' : ''} ${addrs}`,
        context: { iface: i.name },
        ...(i.configurable ? {} : { disabled: `${i.name} is ${i.why ?? 'not a network port'}: the console leaves it as it is` }),
      };
    });
  },
  async show(ctx) {
    const s = await networkState(ctx);
    const refresh = countdownRefresh(s);
    const problem = s.netplan?.problem ? `${s.netplan.problem}. A change is refused until it is restored.` : '';
    // every file that configures an interface, when there is more than ours: netplan merges them
    const owners = s.interfaces.filter((i) => i.files.some((f) => f !== s.netplan?.file)).map((i) => `${i.name}: configured in ${i.files.join(' and ')}`);
    // a match: stanza is no interface: it is said with the links it configures
    const matches = s.matches.map(matchLine);
    return { kind: 'text', text: ['Select an interface to configure.', ...owners, ...matches, problem, pendingLine(s)].filter(Boolean).join('\n'), ...(refresh ? { refresh } : {}) };
  },
};

/**
 * text in a column of width w: a longer one cut with "..." (a cut "member of bond-conntrack" must
 * not read as bond "bond-connt"); ASCII, as the VGA console under LANG=C draws no "…".
 */
const cut = (text: string, w: number): string => (text.length > w ? `${text.slice(0, w - 3)}...` : text.padEnd(w));

/**
 * The kind and role column of the list: an Ethernet port shows its role alone (management,
 * capture, member of bond0), any other link its kind first (bond, management; vlan, management;
 * bridge, unused); a link carrying VLANs names them.
 */
export function listRole(i: Iface): string {
  const role = i.role === 'parent' && i.on_top.length ? `carries ${i.on_top.map((t) => t.name).join(',')}` : roleText(i);
  return i.kind === 'ethernet' ? role : `${i.kind}, ${role}`;
}

const iface = async (ctx: Ctx, context: Values): Promise<{ s: NetworkState; i: Iface }> => {
  const s = await networkState(ctx);
  const i = s.interfaces.find((x) => x.name === context.iface);
  if (!i) throw new Problem(`Interface ${context.iface ?? '?'} is not there any more`);
  return { s, i };
};

export const networkIface: Op<'show'> = {
  id: 'network.iface',
  async show(ctx, context) {
    const { s, i } = await iface(ctx, context);
    const refresh = countdownRefresh(s);
    return { kind: 'text', text: [describeIface(i), pendingLine(s)].filter(Boolean).join('\n'), ...(refresh ? { refresh } : {}) };
  },
};

/** set_network.sh as an Outcome: a pending change to confirm, the settings already in place (data.changed false, no pending), or the refusal with its field. */
export async function setNetwork(ctx: Ctx, args: string[], v: Values, io: Io): Promise<Outcome> {
  const r = await run(ctx.runner, scripts.set, [...args, ...(v.timeout ? ['--confirm-timeout', v.timeout] : [])], { onLine: io.line, survive: true });
  const o = outcomeOf(r, 'Applied.');
  if (!r.ok) return o;
  if (!r.value.pending) return { ok: true, summary: `Nothing to change: ${r.value.iface} already has these settings (nothing applied, no confirmation needed).`, data: r.value };
  return { ...o, pending: { id: r.value.pending.id, deadline: r.value.pending.deadline, address: (r.value.address ?? '').split('/')[0] ?? '' } };
}

/**
 * The form's values as set_network.sh arguments (a gateway outside the subnet was confirmed in
 * the review). The IPv6 address and gateway go each only when given and different from `was`
 * (the interface as read): not given, the script keeps that IPv6 setting as it is (a second
 * IPv6 address too).
 */
export function setArgs(v: Values, was?: Pick<Iface, 'address6' | 'prefix6' | 'gateway6'>): string[] {
  const a6 = was?.address6 ? `${was.address6}/${was.prefix6}` : '';
  const v6 = [
    ...(v.address6 !== undefined && v.address6 !== a6 ? ['--address6', v.address6] : []),
    ...(v.gateway6 !== undefined && v.gateway6 !== (was?.gateway6 ?? '') ? ['--gateway6', v.gateway6] : []),
  ];
  if (v.mode === 'dhcp') return [v.iface ?? '', '--dhcp'];
  return [
    v.iface ?? '',
    '--static',
    '--address', v.address ?? '',
    '--netmask', v.netmask ?? '',
    ...(v.gateway ? ['--gateway', v.gateway, '--allow-offsubnet-gateway'] : []),
    ...(v.dns ? ['--dns', v.dns] : []),
    ...(v.domain ? ['--domain', v.domain] : []),
    ...v6,
  ];
}

/** What the review says about a change's files: the keys kept, a stanza moved, a file created. */
export function planLines(iface: string, p: Plan): string[] {
  return [
    ...p.moved.map((m) => `${iface}'s settings move from ${m.from} (entry ${m.id}) into ${p.files[0]}, so that only one file configures it`),
    ...(p.dropin ? [`cloud-init is told to stop writing the network configuration (${p.dropin}); a rollback undoes this too`] : []),
    ...(p.creates ? [`${p.files[0]} is created, with ${iface} only; the other interfaces stay as their files say`] : []),
    ...(p.kept.length ? [`Kept as they are on ${iface}: ${p.kept.join('; ')}`] : []),
    ...(p.members_lose?.length ? [`The members give up their own addressing (the bond has it): ${p.members_lose.join('; ')}`] : []),
    ...(p.bond_changes ?? []),
  ];
}

/**
 * The warning for each capture interface a change takes out of capture (role 'capture' in
 * `network show`: what Count active devices and the Healthcheck listen on): `links` are those the
 * change touches, `how` says what becomes of them ("a VLAN on it makes it the VLAN's parent").
 * A warning, not a refusal: manual ch. 4/7 only ask for a second interface in sniffer mode
 * receiving the mirror; an operator may move the capture (a VLAN on the port that was the mirror
 * port), so the console says what ends and asks for the review's Yes. [] when none captures.
 */
export function captureEnds(s: NetworkState, links: string[], how: string): string[] {
  const ends = s.interfaces.filter((i) => i.role === 'capture' && links.includes(i.name)).map((i) => i.name);
  if (ends.length === 0) return [];
  const rest = s.interfaces.filter((i) => i.role === 'capture' && !ends.includes(i.name)).map((i) => i.name);
  const after = rest.length
    ? `capture goes on on ${rest.join(', ')} only`
    : 'no interface receives the mirrored traffic (Count active devices and the Healthcheck find no capture interface) until another is made the capture interface';
  return ends.map((n) => `${n} stops being the capture interface: ${how.replace('IF', n)}; ${after}`);
}

/** set_network.sh --dry-run: what the change would write and keep, or the script's refusal (field → message). */
export async function dryRun(ctx: Ctx, args: string[], fields = ['address', 'netmask', 'gateway', 'dns', 'domain', 'address6', 'gateway6'], first = 'mode'): Promise<{ lines: string[]; errors: Record<string, string> }> {
  const r = await run(ctx.runner, scripts.plan, [...args, '--dry-run']);
  if (r.ok) return { lines: planLines(args[0] ?? '', r.value.plan), errors: {} };
  // the interface, the netplan files: no field of the form, so said at its first one
  const field = r.field && fields.includes(r.field) ? r.field : first;
  return { lines: [], errors: { [field]: r.error } };
}

export const networkSet: Op<'read' | 'check' | 'apply'> = {
  id: 'network.set',
  async read(ctx, context) {
    const { i } = await iface(ctx, context);
    return {
      // 'capture' is no choice of the form: the review then shows the mode leaving it
      mode: i.mode === 'dhcp' || i.mode === 'capture' ? i.mode : 'static',
      address6: i.address6 ? `${i.address6}/${i.prefix6}` : '',
      gateway6: i.gateway6 ?? '',
      address: i.address ?? '',
      netmask: i.prefix !== null ? String(i.prefix) : '',
      gateway: i.gateway ?? '',
      dns: i.dns.join(' '),
      domain: i.search.join(' '),
    };
  },
  async check(ctx, v) {
    const s = await networkState(ctx);
    const was = s.interfaces.find((x) => x.name === v.iface);
    const warnings = v.mode === 'capture' ? [] : captureEnds(s, [v.iface ?? ''], `IF is given ${v.mode === 'dhcp' ? 'DHCP' : 'an address'}`);
    if (v.mode !== 'static') {
      const plan = await dryRun(ctx, setArgs(v, was));
      return { errors: plan.errors, warnings: [...warnings, 'DHCP: the address may change, and you must find the new one to reconnect', ...plan.lines] };
    }
    const others = s.interfaces.filter((x) => x.name !== v.iface).flatMap((x) => [...x.addresses.map((a) => a.split('/')[0] ?? ''), ...(x.address ? [x.address] : [])]);
    const errors: Record<string, string> = {};
    for (const issue of [
      ...checkStatic({ address: v.address ?? '', prefix: Number(v.netmask), ...(v.gateway ? { gateway: v.gateway } : {}) }, others),
      ...checkStatic6(v.address6 ?? '', v.gateway6 ?? ''),
    ]) {
      // a warning is allowed, but only with the operator's explicit Yes in the review
      if (issue.severity === 'warning') warnings.push(`${issue.message}. Apply only if your network really routes it.`);
      else errors[issue.field] = issue.message;
    }
    if (Object.keys(errors).length) return { errors, warnings };
    const plan = await dryRun(ctx, setArgs(v, was));
    return { errors: plan.errors, warnings: [...warnings, ...plan.lines] };
  },
  async apply(ctx, v, io) {
    const s = await networkState(ctx);
    return setNetwork(ctx, setArgs(v, s.interfaces.find((x) => x.name === v.iface)), v, io);
  },
};

const simple = (id: string, flag: string): Op<'apply'> => ({
  id,
  async apply(ctx, v, io) {
    return setNetwork(ctx, [v.iface ?? '', flag], v, io);
  },
});

/**
 * A one-step change asked first: the question, then what set_network.sh --dry-run says it
 * writes and keeps; its refusal (another file owns the interface, our file is missing) blocks.
 */
const asked = (id: string, flag: string, question: (i: Iface) => string[]): Op<'apply' | 'ask'> => ({
  ...simple(id, flag),
  async ask(ctx, context) {
    const { i } = await iface(ctx, context);
    if (flag === '--capture' && i.role === 'capture') return { blocked: `${i.name} is already the capture interface.` };
    const plan = await dryRun(ctx, [i.name, flag]);
    const refused = Object.values(plan.errors)[0];
    if (refused) return { blocked: refused };
    const q = question(i);
    return { question: [...q.slice(0, -1), ...(plan.lines.length ? ['', ...plan.lines] : []), '', q.at(-1)!].join('\n') };
  },
});

/** The question names what goes with the interface's addresses: the default routes, DNS, you. */
export const networkCapture = asked('network.capture', '--capture', (i) => {
  const v6 = ipv6Text(i);
  const lost = [
    ...(i.addresses.length ? [`its address ${i.addresses.join(' ')}`] : []),
    ...(i.gateway ? [`the default route via ${i.gateway}`] : []),
    ...(i.gateway6 ? [`the IPv6 default route via ${i.gateway6}`] : []),
    ...(i.dhcp6 || (v6 && !i.addresses.length) ? [`its IPv6 settings (${v6})`] : []),
    ...(i.routes.length ? [`the routes ${i.routes.join(', ')}`] : []),
    ...(i.dns.length ? [`the DNS servers ${i.dns.join(' ')}`] : []),
  ];
  return [
    `${i.name} will receive mirrored traffic: no address, promiscuous, up at boot. Nothing can reach the appliance through it any more.`,
    ...(lost.length ? ['', `${i.name} gives up ${lost.join(', ')}.`] : []),
    ...(carriesMe(i) ? ['', `You are connected through ${i.name} (${myAddress()}): this session will be cut, and the change rolls back unless you confirm it from another interface.`] : []),
    `Make ${i.name} the capture interface?`,
  ];
});
export const networkDhcp = asked('network.dhcp', '--dhcp', (i) => [`Make ${i.name} take its address from DHCP? The address may change.`]);
export const networkFactory = asked('network.factory', '--factory', (i) => [`Give ${i.name} the factory address 10.0.0.2/24 (no gateway)?`]);
export const networkRestoreConfirmed = simple('network.restore-confirmed', '--restore-confirmed');

export const networkConfirm: Op<'apply'> = {
  id: 'network.confirm',
  async apply(ctx, _v, io) {
    return outcomeOf(await run(ctx.runner, scripts.confirm, [], { onLine: io.line, survive: true }), 'Confirmed: the new network settings stay.');
  },
};

/** Confirm a pending change from its interface's menu (after "Decide later", or a new session). */
export const networkPending: Op<'apply' | 'ask'> = {
  id: 'network.pending',
  async ask(ctx) {
    const s = await networkState(ctx);
    if (!s.pending) return { blocked: 'No network change waits for confirmation.' };
    return { question: `${pendingLine(s)}\n\nKeep the new network settings?` };
  },
  apply: networkConfirm.apply,
};

export const networkRollback: Op<'apply'> = {
  id: 'network.rollback',
  async apply(ctx, _v, io) {
    const r = await run(ctx.runner, scripts.rollback, ['--reason', 'rolled back by the operator'], { onLine: io.line, survive: true });
    return outcomeOf(r, (v) => (v.rolled_back ? 'Rolled back: the previous network settings are back.' : 'Nothing to roll back: the change had already been confirmed or rolled back.'));
  },
};
