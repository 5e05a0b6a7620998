// The network interfaces subtree, the same in both consoles (appliance: 1. Networking and
// Traffic Analysis > 1. Configure network interfaces; vSensor: Network > 1. Interfaces), and its
// commands (`confconsole network ...`).
import { applies, checkFields, report, str, UsageError } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Values } from '../../core/types.js';
import type { ConfirmWithin, Field, Menu, Profile } from '../../menu/types.js';
import { checkStatic, checkStatic6, dnsServers, ipv4, ipv6Cidr, ipv6Gateway, netmask, optionalIpv4, searchDomains } from '../../rules/network.js';
import { run, EXIT } from '../../system/runner.js';
import { outcomeOf } from '../../core/outcome.js';
import { table } from '../../ui/text.js';
import {
  networkCapture, networkConfirm, networkDhcp, networkFactory, networkIface, networkInterfaces, networkPending,
  networkRestoreConfirmed, networkRollback, networkSet,
} from './ops.js';
import { networkSettled } from './notice.js';
import { freshMacsCommands, freshMacsItem } from './freshmacs.js';
import { carriesMe, pendingLine, scripts, type NetworkState } from './state.js';

export { networkNotice } from './notice.js';

const staticOnly = { field: 'mode', is: ['static'] };

/** The interface form, in the manual's order: static? → address → mask → gateway → DNS → domain. */
export const interfaceFields: Field[] = [
  {
    name: 'mode',
    label: 'Configure a static IP? (strongly recommended; DHCP otherwise)',
    short: 'Mode',
    choices: [
      { value: 'static', label: 'Static IP' },
      { value: 'dhcp', label: 'DHCP (the address may change)' },
    ],
    help: 'Static IP: a fixed address you choose (recommended for a management interface). DHCP: the address may change, so find out the new one before you reconnect.',
  },
  { name: 'address', label: 'IP address', short: 'Address', rule: ipv4, when: staticOnly, help: 'An IPv4 address of the subnet, not its network or broadcast address.' },
  { name: 'netmask', label: 'Network mask (e.g. 255.255.255.0 or 24)', short: 'Mask', rule: netmask, when: staticOnly, help: 'Dotted (255.255.255.0) or a prefix length (24). The mask must be contiguous; it is never guessed.' },
  { name: 'gateway', label: 'Default gateway (in the same subnet)', short: 'Gateway', rule: optionalIpv4, when: staticOnly, help: 'The router for other networks, inside the subnet of the address. Leave empty for none.' },
  { name: 'dns', label: 'DNS servers, separated by spaces', short: 'DNS', rule: dnsServers, when: staticOnly, help: 'IP addresses (not names) of up to 3 DNS servers, separated by spaces. Leave empty for none.' },
  {
    name: 'domain',
    label: 'Search domain (leave blank unless you need short host names)',
    short: 'Search domain',
    rule: searchDomains,
    when: staticOnly,
    help: 'Domains tried after short host names when they are looked up (e.g. corp.example.com), separated by spaces; at most 6. Leave empty for none.',
  },
  { name: 'address6', label: 'IPv6 address/prefix (optional, e.g. 2001:db8::5/64)', short: 'IPv6 address', rule: ipv6Cidr, when: staticOnly, extra: true, help: 'A static IPv6 address with its prefix length (1-128). Leave empty for none; IPv6 from router advertisements or DHCPv6 set in the netplan file is kept.' },
  { name: 'gateway6', label: 'IPv6 gateway (optional)', short: 'IPv6 gateway', rule: ipv6Gateway, when: staticOnly, extra: true, help: 'The IPv6 router: link-local (fe80::...) or inside the prefix of the IPv6 address. Leave empty for none.' },
];

const confirmWithin: ConfirmWithin = { confirm: networkConfirm, rollback: networkRollback, settled: networkSettled };
const applying = 'Applying the network settings';

/**
 * The list of interfaces and, for each, its menu: 1 Change configuration, 2 Make this the
 * capture interface, 3 Restore, 4 Confirm the pending change. The vSensor says "sniffer".
 */
export function interfacesMenu(profile: Profile): Menu {
  return {
    title: profile === 'vsensor' ? 'Interfaces' : 'Network interfaces',
    status: networkInterfaces,
    source: networkInterfaces,
    items: [freshMacsItem],
    each: {
      title: 'Interface {iface}',
      status: networkIface,
      items: [
        {
          key: '1',
          label: 'Change configuration',
          help: 'Static address or DHCP for {iface}. The change rolls back by itself unless you confirm it.',
          flow: {
            kind: 'form',
            op: networkSet,
            confirm: 'The appliance will be temporarily disconnected from the network while {iface} changes.\n\nDo you want to change the current network settings of {iface}?',
            fields: interfaceFields,
            check: true,
            question: 'Apply these settings to {iface}?',
            progress: applying,
            confirmWithin,
          },
        },
        {
          key: '2',
          label: profile === 'vsensor' ? 'Make this the sniffer (capture) interface' : 'Make this the capture interface',
          help: 'The interface that receives the mirrored traffic. The management interface can never be made the capture interface.',
          flow: { kind: 'do', op: networkCapture, confirm: 'ask', defaultNo: true, progress: applying, confirmWithin },
        },
        {
          key: '3',
          label: 'Restore',
          help: 'Back to the last confirmed settings, to DHCP, or to the factory address 10.0.0.2/24, with the same automatic rollback.',
          menu: {
            title: 'Restore {iface}',
            items: [
              {
                key: '1',
                label: 'Last confirmed settings',
                help: 'The network settings as they were last confirmed, for every interface.',
                flow: { kind: 'do', op: networkRestoreConfirmed, confirm: 'Put back the last network settings that were confirmed?', defaultNo: true, progress: applying, confirmWithin },
              },
              {
                key: '2',
                label: 'DHCP',
                help: '{iface} asks a DHCP server for its address.',
                flow: { kind: 'do', op: networkDhcp, confirm: 'ask', defaultNo: true, progress: applying, confirmWithin },
              },
              {
                key: '3',
                label: 'Factory address 10.0.0.2/24',
                help: 'The address the appliance ships with.',
                flow: { kind: 'do', op: networkFactory, confirm: 'ask', defaultNo: true, progress: applying, confirmWithin },
              },
            ],
          },
        },
        {
          key: '4',
          label: 'Confirm the pending change',
          help: 'A change waiting for confirmation (after Decide later, or from another session) is kept here; left alone, it rolls back by itself.',
          flow: { kind: 'do', op: networkPending, confirm: 'ask', progress: 'Confirming the network settings' },
        },
      ],
    },
  };
}

const MODES = ['dhcp', 'static', 'capture', 'factory', 'restore-confirmed'] as const;
const STATIC_OPTS = ['address', 'netmask', 'gateway', 'dns', 'domain', 'address6', 'gateway6'] as const;

/**
 * `network set` options as the form's values, checked with the form's own rules (each message
 * names its option); a gateway outside the subnet needs --allow-offsubnet-gateway.
 */
export function staticValues(iface: string, opts: Record<string, string | boolean | undefined>): Values {
  // IPv6 not given stays as it is: those keys are left out, not emptied
  const values: Values = { iface, mode: 'static', ...Object.fromEntries(STATIC_OPTS.filter((o) => !o.endsWith('6') || str(opts[o]) !== undefined).map((o) => [o, str(opts[o]) ?? ''])) };
  for (const o of ['address', 'netmask'] as const) if (str(opts[o]) === undefined) throw new UsageError(`--static needs --${o}`);
  const checked = checkFields(interfaceFields, values);
  for (const issue of [
    ...checkStatic({ address: checked.address ?? '', prefix: Number(checked.netmask), ...(checked.gateway ? { gateway: checked.gateway } : {}) }),
    ...checkStatic6(checked.address6 ?? '', checked.gateway6 ?? ''),
  ]) {
    if (issue.severity === 'warning' && opts['allow-offsubnet-gateway'] === true) continue;
    throw new UsageError(`--${issue.field}: ${issue.message}${issue.severity === 'warning' ? ' (--allow-offsubnet-gateway if that is really meant)' : ''}`, undefined, issue.field);
  }
  return { ...values, ...Object.fromEntries(Object.entries(checked).filter(([k]) => k in values)) };
}

/** `network show` for people: one row per interface, the operator's own marked. */
function networkTable(s: NetworkState): string {
  const rows = s.interfaces.map((i) => [
    i.name,
    i.configurable ? i.role : `${i.kind} (not configured here)`,
    i.configurable ? i.mode : '-',
    i.state,
    i.mac ?? '',
    i.addresses.join(' ') + (carriesMe(i) ? '  <- your connection' : ''),
    i.files.join(' + '),
  ]);
  const lines = table(['Interface', 'Role', 'Mode', 'Link', 'MAC', 'Addresses', 'Configured in'], rows, 240);
  const routes = s.interfaces.filter((i) => i.routes.length || i.gateway || i.gateway6).map((i) => `  ${i.name}: ${[...(i.gateway ? [`default via ${i.gateway}`] : []), ...(i.gateway6 ? [`default via ${i.gateway6}`] : []), ...i.routes].join(', ')}`);
  if (routes.length) lines.push('', 'Routes:', ...routes);
  const merged = s.interfaces.filter((i) => i.files.length > 1);
  if (merged.length) lines.push('', ...merged.map((i) => `${i.name} is configured in ${i.files.join(' and ')}: netplan merges them; the row shows the result. A change moves cloud-init's entry into ${s.netplan?.file ?? 'our file'}, or is refused.`));
  if (s.netplan?.problem) lines.push('', `${s.netplan.problem}: a change is refused.`);
  if (s.pending) lines.push('', `${pendingLine(s)} Run "confconsole network confirm" to keep it.`);
  return lines.join('\n');
}

export const commands: Command[] = [
  {
    path: ['network', 'show'],
    summary: 'interfaces: role, link, MAC, addresses (yours marked), the change waiting for confirmation',
    covers: [networkInterfaces, networkIface],
    async run(ctx, _in, out) {
      const r = await run(ctx.runner, scripts.show, []);
      if (!r.ok) return report(out, outcomeOf(r, ''));
      out.print(r.value, networkTable(r.value));
      return EXIT.ok;
    },
  },
  {
    path: ['network', 'set'],
    args: 'IFACE',
    nargs: [1, 1],
    summary: 'change an interface; it rolls back by itself unless confirmed',
    more: [
      'IFACE --static --address A --netmask M [--gateway G] [--dns "D1 D2"] [--domain D] [--allow-offsubnet-gateway] [--address6 A/P] [--gateway6 G]',
      'IFACE --dhcp | --capture | --factory (10.0.0.2/24) | --restore-confirmed (the last confirmed settings)',
      'Any form takes --confirm-timeout S (5-3600, default 120): run "confconsole network confirm" within S seconds.',
      '--static states the whole IPv4 configuration: a gateway, DNS servers or search domains not given are removed.',
      'IPv6: not given, every IPv6 setting stays; --address6 "" removes the static IPv6 address and gateway.',
      'Only these keys change: every other key of the interface and of the file is kept (the result lists them).',
    ],
    options: {
      dhcp: { type: 'boolean', help: 'take the address from DHCP' },
      static: { type: 'boolean', help: 'a static address (with --address and --netmask)' },
      capture: { type: 'boolean', help: 'make it the capture interface (no address, promiscuous)' },
      factory: { type: 'boolean', help: 'the factory address 10.0.0.2/24' },
      'restore-confirmed': { type: 'boolean', help: 'the network settings as last confirmed' },
      address: { type: 'string', value: 'A', help: 'IPv4 address' },
      netmask: { type: 'string', value: 'M', help: 'mask, dotted or prefix length' },
      gateway: { type: 'string', value: 'G', help: 'default gateway' },
      dns: { type: 'string', value: '"D1 D2"', help: 'up to 3 DNS server addresses' },
      domain: { type: 'string', value: 'D', help: 'search domains (at most 6)' },
      'allow-offsubnet-gateway': { type: 'boolean', help: 'accept a gateway outside the subnet' },
      address6: { type: 'string', value: 'A/P', help: 'static IPv6 address with its prefix length' },
      gateway6: { type: 'string', value: 'G', help: 'IPv6 gateway (link-local or in the prefix)' },
      'confirm-timeout': { type: 'string', value: 'S', help: 'seconds to confirm before it rolls back' },
    },
    covers: [networkSet, networkCapture, networkDhcp, networkFactory, networkRestoreConfirmed],
    async run(ctx, { args, opts }, out) {
      const iface = args[0] ?? '';
      const modes = MODES.filter((m) => opts[m] === true);
      if (modes.length !== 1) throw new UsageError(`give exactly one of ${MODES.map((m) => `--${m}`).join(', ')}`);
      const mode = modes[0]!;
      if (mode !== 'static') {
        const stray = [...STATIC_OPTS, 'allow-offsubnet-gateway'].find((o) => opts[o] !== undefined);
        if (stray) throw new UsageError(`--${stray} goes with --static`);
      }
      const timeout = str(opts['confirm-timeout']);
      const values: Values = { iface, ...(timeout !== undefined ? { timeout } : {}) };
      const op = { dhcp: networkDhcp, capture: networkCapture, factory: networkFactory, 'restore-confirmed': networkRestoreConfirmed, static: networkSet }[mode];
      const o = await op.apply(ctx, mode === 'static' ? { ...values, ...staticValues(iface, opts) } : values, out.progress);
      if (!o.ok || !o.pending) return report(out, o);
      const left = Math.max(0, Math.round(o.pending.deadline - Date.now() / 1000));
      return report(out, { ...o, summary: `Applied. Reconnect to ${o.pending.address || 'the appliance'} and run "confconsole network confirm" within ${left} s, or the previous settings return by themselves.` });
    },
  },
  applies(['network', 'confirm'], 'keep the network change that waits for confirmation', networkConfirm, [networkConfirm, networkPending]),
  applies(['network', 'rollback'], 'put the previous network settings back now', networkRollback),
  ...freshMacsCommands,
];
