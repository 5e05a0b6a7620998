// The network interfaces subtree, the same in both consoles (appliance: 1. Networking and
// Traffic Analysis > 1. Configure network interfaces; vSensor: Network > 1. Interfaces), and its
// commands (`confconsole network ...`).
import { applies, checkFields, report, str, UsageError } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import { visible } from '../../core/visible.js';
import type { Outcome, Values } from '../../core/types.js';
import type { ConfirmWithin, Menu, Profile } from '../../menu/types.js';
import { checkStatic, checkStatic6 } from '../../rules/network.js';
import { interfaceFields } from './fields.js';
import { run, EXIT } from '../../system/runner.js';
import { outcomeOf } from '../../core/outcome.js';
import { table } from '../../ui/text.js';
import {
  captureEnds, setNetwork,
  networkCapture, networkConfirm, networkDhcp, networkFactory, networkIface, networkInterfaces, networkPending,
  networkRestoreConfirmed, networkRollback, networkSet,
} from './ops.js';
import { networkSettled } from './notice.js';
import { freshMacsCommands, freshMacsItem } from './freshmacs.js';
import { bondArgs, bondEndsCapture, bondFields, bondSetArgs, bondSetBlocked, bondSetFields, bondValues, networkBondCreate, networkBondSet, networkDelete, networkVlanCreate, vlanArgs, vlanEndsCapture, vlanFields } from './links.js';
import { BOND_MODES, checkBond, PRIMARY_MODES, vlanId } from '../../rules/links.js';
import { carriesMe, matchLine, networkState, pendingLine, roleText, scripts, structureText, type NetworkState } from './state.js';

export { networkNotice } from './notice.js';

export { interfaceFields };

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
    // b and v: keys the list's entries never take (ops.ts HOTKEYS)
    items: [
      {
        key: 'b',
        label: 'Create a bond',
        help: 'A bond of Ethernet ports (active-backup, 802.3ad, ...), addressed as a management interface, made the capture interface, or left for VLANs. It rolls back by itself unless you confirm it.',
        flow: { kind: 'form', op: networkBondCreate, fields: bondFields, check: true, question: 'Create this bond?', progress: applying, confirmWithin },
      },
      {
        key: 'v',
        label: 'Create a VLAN',
        help: 'A VLAN (802.1Q id 1-4094) on an Ethernet port or a bond, with its own address. It rolls back by itself unless you confirm it.',
        flow: { kind: 'form', op: networkVlanCreate, fields: vlanFields, check: true, question: 'Create this VLAN?', progress: applying, confirmWithin },
      },
      freshMacsItem,
    ],
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
        {
          key: '5',
          label: 'Delete this bond or VLAN',
          help: 'Only a bond or VLAN the console created; its members stay as they are. It rolls back by itself unless you confirm it.',
          flow: { kind: 'do', op: networkDelete, confirm: 'ask', defaultNo: true, progress: applying, confirmWithin },
        },
        {
          key: '6',
          label: 'Change this bond',
          help: "The bond's mode, its parameters and its members; its addressing and VLANs stay. It rolls back by itself unless you confirm it.",
          flow: { kind: 'form', op: networkBondSet, fields: bondSetFields, check: true, question: 'Change {iface}?', progress: applying, confirmWithin },
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
    i.kind,
    roleText(i) + (i.configurable ? '' : ' (not configured here)'),
    structureText(i) || '-',
    i.configurable ? i.mode : '-',
    i.state,
    i.mac ?? '',
    i.addresses.join(' ') + (carriesMe(i) ? '  <- your connection' : ''),
    i.files.join(' + '),
  ]);
  const lines = table(['Interface', 'Kind', 'Role', 'Members/parent', 'Mode', 'Link', 'MAC', 'Addresses', 'Configured in'], rows, 240);
  const routes = s.interfaces.filter((i) => i.routes.length || i.gateway || i.gateway6).map((i) => `  ${i.name}: ${[...(i.gateway ? [`default via ${i.gateway}`] : []), ...(i.gateway6 ? [`default via ${i.gateway6}`] : []), ...i.routes].join(', ')}`);
  if (routes.length) lines.push('', 'Routes:', ...routes);
  const merged = s.interfaces.filter((i) => i.files.length > 1);
  if (merged.length) lines.push('', ...merged.map((i) => `${i.name} is configured in ${i.files.join(' and ')}: netplan merges them; the row shows the result. A change moves cloud-init's entry into ${s.netplan?.file ?? 'our file'}, or is refused.`));
  if (s.matches.length) lines.push('', ...s.matches.map(matchLine));
  if (s.netplan?.problem) lines.push('', `${s.netplan.problem}: a change is refused.`);
  if (s.pending) lines.push('', `${pendingLine(s)} Run "confconsole network confirm" to keep it.`);
  return lines.join('\n');
}

const BOND_MODES_TEXT = BOND_MODES.join(', ');

/** The addressing options of a new bond or VLAN (those of `network set`; a bond adds --capture:
 *  a VLAN is never a capture interface, so its help does not offer it). */
const ADDRESS_OPTS: Record<string, { type: 'string' | 'boolean'; value?: string; help: string }> = {
  static: { type: 'boolean', help: 'a static address (with --address and --netmask)' },
  dhcp: { type: 'boolean', help: 'the address from DHCP' },
  address: { type: 'string', value: 'A', help: 'IPv4 address' },
  netmask: { type: 'string', value: 'M', help: 'mask, dotted or prefix length' },
  gateway: { type: 'string', value: 'G', help: 'default gateway' },
  dns: { type: 'string', value: '"D1 D2"', help: 'up to 3 DNS server addresses' },
  domain: { type: 'string', value: 'D', help: 'search domains (at most 6)' },
  'allow-offsubnet-gateway': { type: 'boolean', help: 'accept a gateway outside the subnet' },
  address6: { type: 'string', value: 'A/P', help: 'static IPv6 address with its prefix length' },
  gateway6: { type: 'string', value: 'G', help: 'IPv6 gateway' },
  'confirm-timeout': { type: 'string', value: 'S', help: 'seconds to confirm before it rolls back' },
};

export const commands: Command[] = [
  {
    path: ['network', 'show'],
    summary: 'every link: kind, role, members/parent, link, MAC, addresses (yours marked), the change waiting for confirmation',
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
      const given = mode === 'static' ? { ...values, ...staticValues(iface, opts) } : values;
      // the options are checked first: a refused one reads nothing
      const warnings = mode === 'capture' || mode === 'restore-confirmed' ? [] : captureEnds(await networkState(ctx), [iface], `IF is given ${mode === 'dhcp' ? 'DHCP' : 'an address'}`);
      for (const w of warnings) process.stderr.write(visible(`warning: ${w}`) + '\n');
      const o = await op.apply(ctx, given, out.progress);
      if (!o.ok || !o.pending) return report(out, o);
      const left = Math.max(0, Math.round(o.pending.deadline - Date.now() / 1000));
      return report(out, { ...withWarnings(o, warnings), summary: `Applied.${warnedText(warnings)} Reconnect to ${o.pending.address || 'the appliance'} and run "confconsole network confirm" within ${left} s, or the previous settings return by themselves.` });
    },
  },
  {
    path: ['network', 'bond', 'create'],
    args: 'NAME',
    nargs: [1, 1],
    summary: 'create a bond of Ethernet ports; it rolls back by itself unless confirmed',
    more: [
      `NAME --members IF1,IF2 --mode MODE [--primary IF] [--lacp-rate slow|fast] [addressing]`,
      `MODE: ${BOND_MODES_TEXT}. --primary: active-backup, balance-tlb, balance-alb only; --lacp-rate: 802.3ad only.`,
      'Addressing as for "network set": --static --address A --netmask M [...] | --dhcp | --capture (the bond and its members promiscuous) | none (a bond for VLANs).',
      'The port your session comes in on may be a member only when the bond keeps its address (--static --address that address).',
    ],
    options: { members: { type: 'string', value: 'IF1,IF2', help: 'the Ethernet ports' }, mode: { type: 'string', value: 'MODE', help: 'the bond mode' }, primary: { type: 'string', value: 'IF', help: 'the primary member' }, 'lacp-rate': { type: 'string', value: 'R', help: 'slow or fast (802.3ad)' }, ...ADDRESS_OPTS, capture: { type: 'boolean', help: 'a capture bond (no address, promiscuous)' } },
    covers: [networkBondCreate],
    async run(ctx, { args, opts }, out) {
      const name = args[0] ?? '';
      const bond: Values = { name, members: str(opts.members) ?? '', bondMode: str(opts.mode) ?? '', primary: str(opts.primary) ?? '', lacpRate: str(opts['lacp-rate']) ?? '' };
      const issue = checkBond({ name, members: bond.members!, mode: bond.bondMode!, primary: bond.primary!, lacpRate: bond.lacpRate! });
      if (issue) throw new UsageError(`${{ bondMode: '--mode', lacpRate: '--lacp-rate', name: 'NAME', members: '--members', primary: '--primary' }[issue.field]}: ${issue.message}`, undefined, issue.field);
      if (bond.primary && !PRIMARY_MODES.includes(bond.bondMode!)) throw new UsageError('--primary goes with active-backup, balance-tlb or balance-alb');
      const values = { ...bond, ...addressValues(name, opts, ['static', 'dhcp', 'capture']) };
      return created(ctx, out, bondArgs(values), opts, await bondEndsCapture(ctx, values));
    },
  },
  {
    path: ['network', 'bond', 'set'],
    args: 'NAME',
    nargs: [1, 1],
    summary: "change an existing bond's mode, parameters or members; it rolls back by itself unless confirmed",
    more: [
      'NAME [--members IF1,IF2] [--mode MODE] [--primary IF|""] [--lacp-rate slow|fast|""]: what is not given is kept; "" removes a parameter.',
      `MODE: ${BOND_MODES_TEXT}. Parameters the new mode does not take are removed (the change says which).`,
      'The bond keeps its addressing and every other key. A port that joins gives up its own addresses; one that leaves is a port without an address.',
      'The port your session comes in on may join only when the bond has its address.',
    ],
    options: { members: { type: 'string', value: 'IF1,IF2', help: 'the Ethernet ports' }, mode: { type: 'string', value: 'MODE', help: 'the bond mode' }, primary: { type: 'string', value: 'IF', help: 'the primary member ("" for none)' }, 'lacp-rate': { type: 'string', value: 'R', help: 'slow or fast (802.3ad; "" for the default)' }, 'confirm-timeout': ADDRESS_OPTS['confirm-timeout']! },
    covers: [networkBondSet],
    async run(ctx, { args, opts }, out) {
      const name = args[0] ?? '';
      const i = (await networkState(ctx)).interfaces.find((x) => x.name === name);
      if (!i) throw new UsageError(`NAME: no link ${name} on this appliance`, undefined, 'name');
      const blocked = bondSetBlocked(i);
      if (blocked) throw new UsageError(blocked, undefined, 'name');
      const was = bondValues(i);
      const mode = str(opts.mode) ?? was.bondMode ?? '';
      // a parameter not given is kept when the new mode takes it (the script drops it otherwise)
      const param = (opt: string, key: 'primary' | 'lacpRate', takes: boolean) => str(opts[opt]) ?? (takes ? (was[key] ?? '') : '');
      const v: Values = { ...was, members: str(opts.members) ?? was.members ?? '', bondMode: mode, primary: param('primary', 'primary', PRIMARY_MODES.includes(mode)), lacpRate: param('lacp-rate', 'lacpRate', mode === '802.3ad') };
      const issue = checkBond({ name, members: v.members!, mode, primary: v.primary!, lacpRate: v.lacpRate! });
      if (issue) throw new UsageError(`${{ bondMode: '--mode', lacpRate: '--lacp-rate', name: 'NAME', members: '--members', primary: '--primary' }[issue.field]}: ${issue.message}`, undefined, issue.field);
      const joining = (v.members ?? '').split(',').filter((m) => !(was.members ?? '').split(',').includes(m)).join(',');
      return created(ctx, out, bondSetArgs(v, was), opts, await bondEndsCapture(ctx, { name, members: joining, mode: i.mode === 'capture' ? 'capture' : 'static' }));
    },
  },
  {
    path: ['network', 'vlan', 'create'],
    summary: 'create a VLAN on an Ethernet port or a bond; it rolls back by itself unless confirmed',
    more: ['--link IF --id N [--name NAME] (--static --address A --netmask M [...] | --dhcp); NAME is vlanN when not given.'],
    options: { link: { type: 'string', value: 'IF', help: 'the parent link' }, id: { type: 'string', value: 'N', help: 'the VLAN id, 1-4094' }, name: { type: 'string', value: 'NAME', help: 'the new interface (default vlanN)' }, ...ADDRESS_OPTS },
    covers: [networkVlanCreate],
    async run(ctx, { opts }, out) {
      const id = vlanId(str(opts.id) ?? '');
      if (!id.ok) throw new UsageError(`--id: ${id.message}`, undefined, 'id');
      const name = str(opts.name) || `vlan${id.value}`;
      const v: Values = { link: str(opts.link) ?? '', id: id.value, name, ...addressValues(name, opts, ['static', 'dhcp']) };
      if (v.mode === 'none') throw new UsageError('a VLAN needs --static ... or --dhcp');
      return created(ctx, out, vlanArgs(v), opts, await vlanEndsCapture(ctx, v));
    },
  },
  {
    path: ['network', 'delete'],
    args: 'NAME',
    nargs: [1, 1],
    summary: 'delete a bond or VLAN the console created; it rolls back by itself unless confirmed',
    options: { 'confirm-timeout': { type: 'string', value: 'S', help: 'seconds to confirm before it rolls back' } },
    covers: [networkDelete],
    async run(ctx, { args, opts }, out) {
      return created(ctx, out, [args[0] ?? '', '--delete'], opts);
    },
  },
  applies(['network', 'confirm'], 'keep the network change that waits for confirmation', networkConfirm, [networkConfirm, networkPending]),
  applies(['network', 'rollback'], 'put the previous network settings back now', networkRollback),
  ...freshMacsCommands,
];

/** The addressing of a new bond or VLAN from its options, checked as `network set` checks them ({mode: 'none'} when none). */
function addressValues(name: string, opts: Record<string, string | boolean | undefined>, allowed: string[]): Values {
  const modes = ['static', 'dhcp', 'capture'].filter((m) => opts[m] === true);
  if (modes.length > 1) throw new UsageError('give at most one of --static, --dhcp, --capture');
  const mode = modes[0] ?? 'none';
  if (mode !== 'none' && !allowed.includes(mode)) throw new UsageError(`--${mode} is not for this link`);
  if (mode !== 'static') {
    const stray = [...STATIC_OPTS, 'allow-offsubnet-gateway'].find((o) => opts[o] !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --static`);
    return { mode };
  }
  return staticValues(name, opts);
}

/** Runs a bond/VLAN change (set_network.sh ARGS) and says how to confirm it. */
/** An outcome whose JSON carries the change's warnings (`warnings`, only when there are some). */
const withWarnings = (o: Outcome, warnings: string[]): Outcome => (warnings.length ? { ...o, data: { ...(typeof o.data === 'object' && o.data !== null ? o.data : {}), warnings } } : o);
/** The warnings in the summary's words (" Warning: ...."), '' for none. */
const warnedText = (warnings: string[]) => (warnings.length ? ` Warning: ${warnings.join('. ')}.` : '');

/**
 * A commit-confirmed network change from the command line. `warnings` (the capture it ends) go to
 * stderr before the change and into the result (JSON `warnings`, the summary): the change waits
 * for `network confirm`, so the operator can still roll it back.
 */
async function created(ctx: Parameters<Command['run']>[0], out: Parameters<Command['run']>[2], args: string[], opts: Record<string, string | boolean | undefined>, warnings: string[] = []): Promise<number> {
  for (const w of warnings) process.stderr.write(visible(`warning: ${w}`) + '\n');
  const timeout = str(opts['confirm-timeout']);
  const o = await setNetwork(ctx, args, timeout !== undefined ? { timeout } : {}, out.progress);
  if (!o.ok || !o.pending) return report(out, o);
  const left = Math.max(0, Math.round(o.pending.deadline - Date.now() / 1000));
  return report(out, { ...withWarnings(o, warnings), summary: `Applied.${warnedText(warnings)} Check that you can still reach the appliance${o.pending.address ? ` (${o.pending.address})` : ''} and run "confconsole network confirm" within ${left} s, or the previous settings return by themselves.` });
}
