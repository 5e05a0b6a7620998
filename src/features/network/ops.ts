// Network interfaces (manual ch. 4 "Set the Appliance IP Address", ch. 7 vSensor Network): the
// list, the change of one interface, and the commit-confirmed apply that rolls back by itself
// unless the operator confirms (sbin/set_network.sh and friends).
import type { Ctx, Entry, Io, Op, Outcome, Values } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { Problem } from '../../core/problem.js';
import { checkStatic } from '../../rules/network.js';
import { run } from '../../system/runner.js';
import { carriesMe, countdownRefresh, describeIface, myAddress, networkState, pendingLine, scripts, type Iface, type NetworkState } from './state.js';

const HOTKEYS = '123456789abcdefghijklmnopqrstuvwxyz';

export const networkInterfaces: Op<'items' | 'show'> = {
  id: 'network.interfaces',
  async items(ctx) {
    const s = await networkState(ctx);
    return s.interfaces.slice(0, HOTKEYS.length).map((i, n): Entry => {
      const addrs = i.addresses.join(' ') || 'no address';
      return {
        key: HOTKEYS[n]!,
        label: `${i.name.padEnd(8)} ${i.role.padEnd(10)} ${i.up ? 'up  ' : 'DOWN'} ${addrs}${carriesMe(i) ? '  *you*' : ''}`.slice(0, 56),
        context: { iface: i.name },
      };
    });
  },
  async show(ctx) {
    const s = await networkState(ctx);
    const refresh = countdownRefresh(s);
    return { kind: 'text', text: ['Select an interface to configure.', pendingLine(s)].filter(Boolean).join('\n'), ...(refresh ? { refresh } : {}) };
  },
};

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

/** set_network.sh as an Outcome: a pending change to confirm, or the refusal with its field. */
async function setNetwork(ctx: Ctx, args: string[], v: Values, io: Io): Promise<Outcome> {
  const r = await run(ctx.runner, scripts.set, [...args, ...(v.timeout ? ['--confirm-timeout', v.timeout] : [])], { onLine: io.line, survive: true });
  const o = outcomeOf(r, 'Applied.');
  if (!r.ok) return o;
  return { ...o, pending: { id: r.value.pending.id, deadline: r.value.pending.deadline, address: (r.value.address ?? '').split('/')[0] ?? '' } };
}

/** The form's values as set_network.sh arguments (a gateway outside the subnet was confirmed in the review). */
export function setArgs(v: Values): string[] {
  if (v.mode === 'dhcp') return [v.iface ?? '', '--dhcp'];
  return [
    v.iface ?? '',
    '--static',
    '--address', v.address ?? '',
    '--netmask', v.netmask ?? '',
    ...(v.gateway ? ['--gateway', v.gateway, '--allow-offsubnet-gateway'] : []),
    ...(v.dns ? ['--dns', v.dns] : []),
    ...(v.domain ? ['--domain', v.domain] : []),
  ];
}

export const networkSet: Op<'read' | 'check' | 'apply'> = {
  id: 'network.set',
  async read(ctx, context) {
    const { i } = await iface(ctx, context);
    return {
      // 'capture' is no choice of the form: the review then shows the mode leaving it
      mode: i.mode === 'dhcp' || i.mode === 'capture' ? i.mode : 'static',
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
    const warnings = was?.role === 'capture' ? [`${v.iface} stops being the capture interface: no interface receives the mirrored traffic until another is made the capture interface`] : [];
    if (v.mode !== 'static') return { errors: {}, warnings: [...warnings, 'DHCP: the address may change, and you must find the new one to reconnect'] };
    const others = s.interfaces.filter((x) => x.name !== v.iface).flatMap((x) => [...x.addresses.map((a) => a.split('/')[0] ?? ''), ...(x.address ? [x.address] : [])]);
    const errors: Record<string, string> = {};
    for (const issue of checkStatic({ address: v.address ?? '', prefix: Number(v.netmask), ...(v.gateway ? { gateway: v.gateway } : {}) }, others)) {
      // a warning is allowed, but only with the operator's explicit Yes in the review
      if (issue.severity === 'warning') warnings.push(`${issue.message}. Apply only if your network really routes it.`);
      else errors[issue.field] = issue.message;
    }
    return { errors, warnings };
  },
  async apply(ctx, v, io) {
    return setNetwork(ctx, setArgs(v), v, io);
  },
};

const simple = (id: string, flag: string): Op<'apply'> => ({
  id,
  async apply(ctx, v, io) {
    return setNetwork(ctx, [v.iface ?? '', flag], v, io);
  },
});

export const networkCapture: Op<'apply' | 'ask'> = {
  ...simple('network.capture', '--capture'),
  /** The question names what goes with the interface's address: the default route, DNS, you. */
  async ask(ctx, context) {
    const { i } = await iface(ctx, context);
    if (i.role === 'capture') return { blocked: `${i.name} is already the capture interface.` };
    const lost = [
      ...(i.addresses.length ? [`its address ${i.addresses.join(' ')}`] : []),
      ...(i.gateway ? [`the default route via ${i.gateway}`] : []),
      ...(i.dns.length ? [`the DNS servers ${i.dns.join(' ')}`] : []),
    ];
    return {
      question: [
        `${i.name} will receive mirrored traffic: no address, promiscuous, up at boot. Nothing can reach the appliance through it any more.`,
        ...(lost.length ? ['', `${i.name} gives up ${lost.join(', ')}.`] : []),
        ...(carriesMe(i) ? ['', `You are connected through ${i.name} (${myAddress()}): this session will be cut, and the change rolls back unless you confirm it from another interface.`] : []),
        '',
        `Make ${i.name} the capture interface?`,
      ].join('\n'),
    };
  },
};
export const networkDhcp = simple('network.dhcp', '--dhcp');
export const networkFactory = simple('network.factory', '--factory');
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
