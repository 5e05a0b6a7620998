// `network` commands' helpers: static settings checked per option, the interface table.
import { checkStatic, dnsServers, ipv4, netmask, optionalIpv4, searchDomains } from '../net.js';
import { table } from '../ui/text.js';
import { UsageError } from './common.js';

/**
 * The static settings checked here first, so each message names its option; the script
 * checks them again with what only it knows (the other interfaces, the live links).
 */
export function checkNetworkArgs(args: string[]): void {
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i < 0 ? undefined : args[i + 1];
  };
  const modes = ['--dhcp', '--static', '--capture'].filter((m) => args.includes(m));
  if (modes.length !== 1) throw new UsageError('give exactly one of --dhcp, --static, --capture');
  const staticOpts = ['address', 'netmask', 'gateway', 'dns', 'domain'].filter((o) => opt(o) !== undefined);
  if (modes[0] !== '--static') {
    if (staticOpts.length) throw new UsageError(`--${staticOpts[0]} goes with --static`);
    return;
  }
  const field = (name: string, fn: (s: string) => { ok: true; value: string } | { ok: false; message: string }, required: boolean) => {
    const v = opt(name);
    if (v === undefined) {
      if (required) throw new UsageError(`--static needs --${name}`);
      return '';
    }
    const r = fn(v);
    if (!r.ok) throw new UsageError(`--${name}: ${r.message}`);
    return r.value;
  };
  const address = field('address', ipv4, true);
  const prefix = Number(field('netmask', netmask, true));
  const gateway = field('gateway', optionalIpv4, false);
  field('dns', dnsServers, false);
  field('domain', searchDomains, false);
  const errors = checkStatic({ address, prefix, ...(gateway ? { gateway } : {}) });
  if (errors.gateway && args.includes('--allow-offsubnet-gateway') && /outside/.test(errors.gateway)) delete errors.gateway;
  const [first] = Object.entries(errors);
  if (first) throw new UsageError(`--${first[0]}: ${first[1]}${first[0] === 'gateway' && /outside/.test(first[1]) ? ' (--allow-offsubnet-gateway if that is really meant)' : ''}`);
}

/** `network show` for people: one row per interface, the operator's own marked. */
export function networkTable(res: Record<string, unknown>): string {
  const list = Array.isArray(res.interfaces) ? (res.interfaces as Record<string, unknown>[]) : [];
  const mine = (process.env.SSH_CONNECTION ?? '').split(' ')[2];
  const rows = list.map((i) => {
    const addrs = Array.isArray(i.addresses) ? (i.addresses as string[]) : [];
    const here = mine && addrs.some((a) => a.split('/')[0] === mine) ? '  <- your connection' : '';
    return [String(i.name ?? ''), String(i.role ?? ''), String(i.mode ?? ''), String(i.state ?? ''), String(i.mac ?? ''), addrs.join(' ') + here];
  });
  const lines = table(['Interface', 'Role', 'Mode', 'Link', 'MAC', 'Addresses'], rows, 200);
  const p = res.pending as { iface?: string; deadline?: number } | null | undefined;
  if (p?.deadline) lines.push('', `A change of ${p.iface} waits for confirmation: it rolls back in ${Math.max(0, Math.round(p.deadline - Date.now() / 1000))} s unless "confconsole network confirm" is run.`);
  return lines.join('\n');
}

