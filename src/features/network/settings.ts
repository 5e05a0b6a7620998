// The network as an area of the settings document (issue 15): each interface the console
// configures (Ethernet ports, bonds, VLANs) by name with its addressing, and a bond's members
// or a VLAN's parent as the network feature models them (show_network.sh). Applied last, as one
// commit-confirmed change of set_network.sh --settings (every interface planned in turn by the
// same checks as `network set`), which rolls back by itself unless confirmed.
import { z } from 'zod';
import { outcomeOf } from '../../core/outcome.js';
import { checkStatic, checkStatic6, dnsServers, ipv4, ipv6Cidr, ipv6Gateway, searchDomains } from '../../rules/network.js';
import { BOND_MODES, linkName } from '../../rules/links.js';
import { run } from '../../system/runner.js';
import { bad, type Validated } from '../../rules/validated.js';
import { area, ruled } from '../../settings/area.js';
import { networkState, scripts, type Iface } from './state.js';

const Bond = z.lazy(() => z.strictObject({ members: z.array(ruled(linkName)).min(1, 'a bond needs at least one member'), mode: z.enum(BOND_MODES, { error: `a bond mode: ${BOND_MODES.join(', ')}` }) }));
const Vlan = z.lazy(() => z.strictObject({ link: ruled(linkName), id: z.number().int('a whole number').min(1, 'a VLAN id is 1-4094').max(4094, 'a VLAN id is 1-4094') }));

/** The form's rule for a value that may be left out: in a document none is null, never "". */
const given = (rule: (s: string) => Validated<string>) => (s: string): Validated<string> => (s.trim() === '' ? bad('empty: give a value, or null for none') : rule(s));

/** A list the form takes as one field (DNS servers, search domains): each entry one word, the whole checked by `rule`. */
const listOf = (rule: (s: string) => { ok: boolean; message?: string }, what: string) =>
  z.array(z.string()).superRefine((l, c) => {
    l.forEach((s, i) => {
      if (s.trim() === '' || /\s/.test(s.trim())) c.addIssue({ code: 'custom', path: [i], message: `${JSON.stringify(s)}: each entry is ${what}, one word` });
    });
    const r = rule(l.join(' '));
    if (!r.ok) c.addIssue({ code: 'custom', message: r.message ?? `not ${what}` });
  });

/**
 * One interface: `mode` static (address, prefix, gateway, dns, search), dhcp, capture, none (a
 * bond carrying VLANs) or ipv6 (IPv6 only, as it is read; not settable); address6 "A/P" and
 * gateway6 for static and dhcp; `bond` for a bond, `vlan` for a VLAN. The rules are the form's
 * (src/rules/network.ts), said at the key they concern.
 */
const IfaceSettings = z.lazy(() => z
  .strictObject({
    kind: z.enum(['ethernet', 'bond', 'vlan'], { error: 'ethernet, bond or vlan' }),
    mode: z.enum(['static', 'dhcp', 'capture', 'none', 'ipv6'], { error: 'static, dhcp, capture or none' }),
    address: ruled(ipv4).nullable(),
    prefix: z.number({ error: 'a prefix length, 1-32' }).int('a prefix length, 1-32').min(1, 'a prefix length, 1-32').max(32, 'a prefix length, 1-32').nullable(),
    gateway: ruled(ipv4).nullable(),
    dns: listOf(dnsServers, 'a DNS server address'),
    search: listOf(searchDomains, 'a search domain'),
    address6: ruled(given(ipv6Cidr)).nullable(),
    gateway6: ruled(given(ipv6Gateway)).nullable(),
    bond: Bond.optional(),
    vlan: Vlan.optional(),
  })
  .superRefine((v, c) => {
    const at = (path: string, message: string) => c.addIssue({ code: 'custom', path: [path], message });
    if (v.mode === 'static') {
      if (v.address === null) at('address', 'a static interface needs its address');
      if (v.prefix === null) at('prefix', 'a static interface needs its prefix length');
      if (v.address !== null && v.prefix !== null)
        for (const i of checkStatic({ address: v.address, prefix: v.prefix, ...(v.gateway ? { gateway: v.gateway } : {}) })) if (i.severity === 'error') at(i.field, i.message);
    } else for (const k of ['address', 'prefix', 'gateway'] as const) if (v[k] !== null) at(k, `only a static interface has ${k === 'prefix' ? 'a prefix length' : k === 'address' ? 'an address' : 'a gateway'} (this one is ${v.mode})`);
    if (v.mode !== 'static' && (v.dns.length || v.search.length)) at(v.dns.length ? 'dns' : 'search', `DNS servers and search domains go with a static address (with ${v.mode} they come from the network or are none)`);
    if (v.mode !== 'static' && v.mode !== 'dhcp' && v.mode !== 'ipv6' && (v.address6 !== null || v.gateway6 !== null)) at('address6', `IPv6 settings go with static or dhcp, not ${v.mode}`);
    for (const i of checkStatic6(v.address6 ?? '', v.gateway6 ?? '')) if (i.severity === 'error') at(i.field, i.message);
    if ((v.kind === 'bond') !== (v.bond !== undefined)) at('bond', v.kind === 'bond' ? 'a bond needs its members and mode' : 'only a bond has bond settings');
    if ((v.kind === 'vlan') !== (v.vlan !== undefined)) at('vlan', v.kind === 'vlan' ? "a VLAN needs its parent link and id" : 'only a VLAN has VLAN settings');
  }));
type IfaceSettings = z.infer<typeof IfaceSettings>;

/** `{interfaces: {NAME: ...}}`: the interfaces the document sets; one it leaves out is not touched. */
export const NetworkSettings = z.lazy(() => z.strictObject({
  interfaces: z.record(ruled(linkName), IfaceSettings),
}));
type NetworkSettings = z.infer<typeof NetworkSettings>;

/** An interface as the document says it (undefined: one the console does not set: a member, a port without addressing, a bridge...). */
function ifaceSettings(i: Iface): IfaceSettings | undefined {
  const kind = i.kind;
  if (!i.configurable || i.role === 'member' || (kind !== 'ethernet' && kind !== 'bond' && kind !== 'vlan')) return undefined;
  if (kind === 'ethernet' && i.mode === 'none') return undefined;
  const mode = i.mode;
  const v6 = mode === 'static' || mode === 'dhcp' || mode === 'ipv6';
  return {
    kind,
    mode,
    address: mode === 'static' ? i.address : null,
    prefix: mode === 'static' ? i.prefix : null,
    gateway: mode === 'static' ? i.gateway : null,
    dns: mode === 'static' ? i.dns : [],
    search: mode === 'static' ? i.search : [],
    address6: v6 && i.address6 ? `${i.address6}/${i.prefix6}` : null,
    gateway6: v6 ? i.gateway6 : null,
    ...(kind === 'bond' ? { bond: { members: i.members, mode: (i.bond_mode ?? 'balance-rr') as (typeof BOND_MODES)[number] } } : {}),
    ...(kind === 'vlan' ? { vlan: { link: i.parent ?? '', id: i.vlan_id ?? 0 } } : {}),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The interfaces `want` changes, as set_network.sh --settings takes them (a new bond or VLAN
 * marked create), or the errors by key path: an interface this appliance lacks, a bond's
 * members or a VLAN's parent changed (delete and create it), a mode that cannot be set.
 */
function changes(want: NetworkSettings, have: NetworkSettings, live: Iface[]): { doc: Record<string, unknown>; errors: Record<string, string> } {
  const doc: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, w] of Object.entries(want.interfaces)) {
    const h = have.interfaces[name];
    if (h && same(w, h)) continue;
    const at = `interfaces.${name}`;
    const there = live.find((i) => i.name === name);
    if (!there) {
      if (w.kind === 'ethernet') errors[at] = `this appliance has no interface ${name} (its interfaces: ${live.map((i) => i.name).join(', ') || 'none'})`;
      else doc[name] = { ...w, create: true };
      continue;
    }
    if (!h) {
      // there, but not set by the console now: a port without addressing can be given one
      if (!there.configurable) errors[at] = `${name} is ${there.why ?? 'not configured by the console'}: it is left as it is`;
      else if (there.role === 'member') errors[at] = `${name} is a member of ${there.member_of ?? 'a bond'}: its addressing is the bond's`;
      else if (there.kind !== w.kind) errors[`${at}.kind`] = `${name} is a ${there.kind} here, not a ${w.kind}`;
      else doc[name] = w;
      continue;
    }
    if (h.kind !== w.kind) errors[`${at}.kind`] = `${name} is a ${h.kind} here, not a ${w.kind}`;
    else if (!same(h.bond, w.bond)) errors[`${at}.bond`] = `a bond's members and mode are not changed by an import: change them with confconsole network bond set ${name} --members ... --mode ...`;
    else if (!same(h.vlan, w.vlan)) errors[`${at}.vlan`] = `a VLAN's parent and id are changed by deleting it and creating it again (confconsole network delete ${name}, network vlan create)`;
    else if (w.mode === 'ipv6' || w.mode === 'none') errors[`${at}.mode`] = `${w.mode === 'ipv6' ? 'IPv6 only' : 'none'} cannot be set here: static, dhcp or capture`;
    else doc[name] = w;
  }
  return { doc, errors };
}

/** set_network.sh NAME --settings - (the changed interfaces on stdin; NAME names the change). */
const settingsArgs = (doc: Record<string, unknown>) => [Object.keys(doc)[0] ?? '', '--settings', '-'];

export const networkSettings = area({
  id: 'network',
  title: 'Network interfaces',
  profiles: ['appliance', 'vsensor'],
  schema: NetworkSettings,
  last: true,
  async read(ctx) {
    const s = await networkState(ctx);
    const interfaces: Record<string, IfaceSettings> = {};
    for (const i of s.interfaces) {
      const v = ifaceSettings(i);
      if (v) interfaces[i.name] = v;
    }
    return { interfaces };
  },
  /** What only the appliance can say: its interfaces, and set_network.sh's own checks of the whole change (--dry-run). */
  async check(ctx, want) {
    const s = await networkState(ctx);
    const have = { interfaces: Object.fromEntries(s.interfaces.flatMap((i) => { const v = ifaceSettings(i); return v ? [[i.name, v]] : []; })) };
    const { doc, errors } = changes(want, have, s.interfaces);
    // a gateway outside the subnet is what network set takes only with --allow-offsubnet-gateway:
    // a document may keep the one in place (it was allowed then), not bring a new one
    for (const [name, w] of Object.entries(want.interfaces)) {
      const old = have.interfaces[name];
      if (w.mode !== 'static' || !w.address || typeof w.prefix !== 'number' || !w.gateway || (old?.gateway === w.gateway && old.address === w.address && old.prefix === w.prefix)) continue;
      const off = checkStatic({ address: w.address, prefix: w.prefix, gateway: w.gateway }).find((i) => i.field === 'gateway' && i.severity === 'warning');
      if (off) errors[`interfaces.${name}.gateway`] ??= `${off.message} (network set takes it with --allow-offsubnet-gateway when it really is reachable on this link)`;
    }
    if (Object.keys(errors).length > 0 || Object.keys(doc).length === 0) return errors;
    const r = await run(ctx.runner, scripts.plan, [...settingsArgs(doc), '--dry-run'], { stdin: JSON.stringify(doc) });
    if (!r.ok) return { [r.field && r.field.startsWith('interfaces.') ? r.field : 'interfaces']: r.error };
    return {};
  },
  async apply(ctx, want, have, io) {
    const s = await networkState(ctx);
    const { doc, errors } = changes(want, have, s.interfaces);
    const [field, message] = Object.entries(errors)[0] ?? [];
    if (field !== undefined) return { ok: false, summary: message!, field, code: 2 };
    if (Object.keys(doc).length === 0) return { ok: true, summary: 'Nothing to change', data: { changed: false } };
    const r = await run(ctx.runner, scripts.set, settingsArgs(doc), { stdin: JSON.stringify(doc), onLine: io.line, survive: true });
    const o = outcomeOf(r, 'Applied.');
    if (!r.ok || !r.value.pending) return o;
    return { ...o, pending: { id: r.value.pending.id, deadline: r.value.pending.deadline, address: (r.value.address ?? '').split('/')[0] ?? '' } };
  },
});
