// Network interfaces (manual ch. 4 "Set the Appliance IP Address", ch. 7 vSensor Network):
// the list, the change of one interface, and the commit-confirmed apply that rolls back by
// itself unless the operator confirms (sbin/set_network.sh and friends).
import type { Entry, Outcome, Values } from '../flow/types.js';
import { checkStatic } from '../net.js';
import { noErrors, outcomeOf, type Ctx, type Operation } from './types.js';

export interface Iface {
  name: string;
  mac: string;
  state: string;
  up: boolean;
  addresses: string[];
  role: 'management' | 'capture' | 'unused';
  mode: 'static' | 'dhcp' | 'capture' | 'none';
  address: string | null;
  prefix: number | null;
  gateway: string | null;
  dns: string[];
  search: string[];
}

export interface NetworkState {
  interfaces: Iface[];
  pending: { id: string; iface: string; deadline: number; remaining?: number } | null;
  rollbacks_unseen: { time: string; iface: string; reason: string }[];
}

export async function networkState(ctx: Ctx): Promise<NetworkState> {
  const r = await ctx.runner.script('show_network.sh', []);
  if (r.exitCode !== 0) throw new Error(String(r.result.error ?? 'cannot read the network settings'));
  return r.result as unknown as NetworkState;
}

/** The local address of the operator's SSH session (SSH_CONNECTION's third field). */
export const myAddress = (): string | undefined => (process.env.SSH_CONNECTION ?? '').split(' ')[2] || undefined;

export function describeIface(i: Iface, mine = myAddress()): string {
  const cfg =
    i.mode === 'static'
      ? `static ${i.address}/${i.prefix}${i.gateway ? ` via ${i.gateway}` : ''}`
      : i.mode === 'dhcp'
        ? 'DHCP'
        : i.mode === 'capture'
          ? 'capture (sniffer): no address, promiscuous'
          : 'not configured';
  const here = mine && i.addresses.some((a) => a.split('/')[0] === mine) ? '  <- your connection' : '';
  return [
    `${i.name}: ${i.role}, ${cfg}${here}`,
    `Link ${i.state}, MAC ${i.mac || '-'}, addresses ${i.addresses.join(' ') || 'none'}`,
    ...(i.mode === 'static' && (i.dns.length || i.search.length) ? [`DNS ${i.dns.join(' ') || '-'}, search ${i.search.join(' ') || '-'}`] : []),
  ].join('\n');
}

const secondsLeft = (p: NonNullable<NetworkState['pending']>) => Math.max(0, Math.round(p.deadline - Date.now() / 1000));
const pendingLine = (s: NetworkState) => (s.pending ? `\nA change of ${s.pending.iface} waits for confirmation: it rolls back in ${secondsLeft(s.pending)} s.` : '');

export const networkInterfaces: Operation = {
  async items(ctx) {
    const s = await networkState(ctx);
    const mine = myAddress();
    const keys = '123456789abcdefghijklmnopqrstuvwxyz';
    return s.interfaces.slice(0, keys.length).map((i, n): Entry => {
      const addrs = i.addresses.join(' ') || (i.mode === 'capture' ? 'no address' : 'none');
      const here = mine && i.addresses.some((a) => a.split('/')[0] === mine) ? '  *you*' : '';
      return { key: keys[n]!, label: `${i.name.padEnd(8)} ${i.role.padEnd(10)} ${i.up ? 'up  ' : 'DOWN'} ${addrs}${here}`.slice(0, 56), context: { iface: i.name } };
    });
  },
  async show(ctx) {
    const s = await networkState(ctx);
    return { kind: 'text', text: `Select an interface to configure.${pendingLine(s)}` };
  },
};

const iface = async (ctx: Ctx, context?: Values): Promise<{ s: NetworkState; i: Iface }> => {
  const s = await networkState(ctx);
  const i = s.interfaces.find((x) => x.name === context?.iface);
  if (!i) throw new Error(`interface ${context?.iface ?? '?'} is not there any more`);
  return { s, i };
};

export const networkIface: Operation = {
  async show(ctx, context) {
    const { s, i } = await iface(ctx, context);
    return { kind: 'text', text: describeIface(i) + pendingLine(s) };
  },
};

const applyNet = async (ctx: Ctx, args: string[], line: (t: string) => void): Promise<Outcome> => {
  const r = await ctx.runner.script('set_network.sh', args, { onLine: line, survive: true });
  return outcomeOf(r, 'Applied.');
};

export const networkSet: Operation = {
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
    const leaving = was?.role === 'capture' ? [`${v.iface} stops being the capture interface: no interface receives the mirrored traffic until another is made the capture interface`] : [];
    if (v.mode !== 'static') return { errors: {}, warnings: [...leaving, 'DHCP: the address may change, and you must find the new one to reconnect'] };
    const others = s.interfaces.filter((x) => x.name !== v.iface).flatMap((x) => [...x.addresses.map((a) => a.split('/')[0] ?? ''), ...(x.address ? [x.address] : [])]);
    const errors = checkStatic({ address: v.address ?? '', prefix: Number(v.netmask), ...(v.gateway ? { gateway: v.gateway } : {}) }, others);
    // An off-subnet gateway is allowed, but only with the operator's explicit Yes in the review.
    const warnings = [...leaving];
    if (errors.gateway && /outside/.test(errors.gateway)) {
      warnings.push(`${errors.gateway}. Apply only if your network really routes it.`);
      delete errors.gateway;
    }
    if (Object.keys(errors).length) return { errors };
    return warnings.length ? { errors, warnings } : noErrors;
  },
  async apply(ctx, v, io) {
    const args =
      v.mode === 'dhcp'
        ? [v.iface ?? '', '--dhcp']
        : [
            v.iface ?? '',
            '--static',
            '--address', v.address ?? '',
            '--netmask', v.netmask ?? '',
            ...(v.gateway ? ['--gateway', v.gateway, '--allow-offsubnet-gateway'] : []),
            ...(v.dns ? ['--dns', v.dns] : []),
            ...(v.domain ? ['--domain', v.domain] : []),
          ];
    return applyNet(ctx, args, io.line);
  },
};

const simple = (flag: string): Operation => ({
  async apply(ctx, v, io) {
    return applyNet(ctx, [v.iface ?? '', flag], io.line);
  },
});
export const networkCapture: Operation = {
  ...simple('--capture'),
  /** The question names what goes with the interface's address: the default route, DNS, you. */
  async show(ctx, context) {
    const { i } = await iface(ctx, context);
    if (i.role === 'capture') return { kind: 'text', blocked: true, text: `${i.name} is already the capture interface.` };
    const lost = [
      ...(i.addresses.length ? [`its address ${i.addresses.join(' ')}`] : []),
      ...(i.gateway ? [`the default route via ${i.gateway}`] : []),
      ...(i.dns.length ? [`the DNS servers ${i.dns.join(' ')}`] : []),
    ];
    const mine = myAddress();
    return {
      kind: 'text',
      text: [
        `${i.name} will receive mirrored traffic: no address, promiscuous, up at boot. Nothing can reach the appliance through it any more.`,
        ...(lost.length ? ['', `${i.name} gives up ${lost.join(', ')}.`] : []),
        ...(mine && i.addresses.some((a) => a.split('/')[0] === mine) ? ['', `You are connected through ${i.name} (${mine}): this session will be cut, and the change rolls back unless you confirm it from another interface.`] : []),
        '',
        `Make ${i.name} the capture interface?`,
      ].join('\n'),
    };
  },
};
export const networkDhcp = simple('--dhcp');
export const networkFactory = simple('--factory');
export const networkRestoreConfirmed = simple('--restore-confirmed');

export const networkConfirm: Operation = {
  async apply(ctx, _v, io) {
    const r = await ctx.runner.script('net_confirm.sh', [], { onLine: io.line, survive: true });
    return outcomeOf(r, 'Confirmed: the new network settings stay.');
  },
};

/** Confirm a pending change from its interface's menu (after "Decide later", or a new session). */
export const networkPending: Operation = {
  async show(ctx) {
    const s = await networkState(ctx);
    if (!s.pending) return { kind: 'text', blocked: true, text: 'No network change waits for confirmation.' };
    return { kind: 'text', text: `The change of ${s.pending.iface} waits for confirmation: it rolls back in ${secondsLeft(s.pending)} s.\n\nKeep the new network settings?` };
  },
  apply: networkConfirm.apply!,
};

export const networkRollback: Operation = {
  async apply(ctx, _v, io) {
    const r = await ctx.runner.script('net_rollback.sh', ['--reason', 'rolled back by the operator'], { onLine: io.line, survive: true });
    return outcomeOf(r, r.result.rolled_back ? 'Rolled back: the previous network settings are back.' : 'Nothing to roll back: the change had already been confirmed or rolled back.');
  },
};

/** Rollbacks since the last login, said once at the welcome screen, then acknowledged. */
export async function rollbackNotice(ctx: Ctx): Promise<string> {
  let s: NetworkState;
  try {
    s = await networkState(ctx);
  } catch {
    return ''; // e.g. not root on a real appliance: the welcome screen stays as it is
  }
  if (s.rollbacks_unseen.length === 0) return '';
  await ctx.runner.script('net_ack_rollbacks.sh', []);
  return [
    'Network settings were rolled back since the last login:',
    ...s.rollbacks_unseen.map((r) => `  ${r.time.replace('T', ' ').replace('Z', ' UTC')}  ${r.iface}: ${r.reason}`),
  ].join('\n');
}
