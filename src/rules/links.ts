// Bonds and VLANs (issue 17): the rules netplan and the kernel apply to them. Twin:
// sbin/lib/ccnet/checks.py check_link_name, check_bond, check_vlan_id; test/system/
// rules-agree.test.ts proves both give the same answers.
import { bad, ok, words, type Validated } from './validated.js';

/** netplan's bond modes (netplan(5), bonds: mode; netplan refuses any other: "unknown bond mode"). */
export const BOND_MODES = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'] as const;
/** The modes with a primary member (the kernel's bonding.rst: "primary ... only valid for active-backup, balance-tlb and balance-alb"). */
export const PRIMARY_MODES: readonly string[] = ['active-backup', 'balance-tlb', 'balance-alb'];

const IFNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

/** A bond's or VLAN's name: an interface name of 1-15 characters (IFNAMSIZ), no ':'. */
export function linkName(s: string): Validated<string> {
  const t = s.trim();
  return IFNAME.test(t) ? ok(t) : bad(`"${t}" is not an interface name (letters, digits, "_", "-", "."; 1-15 characters)`);
}

/** Optional name (a VLAN's: vlanID when empty). */
export const optionalLinkName = (s: string): Validated<string> => (s.trim() === '' ? ok('') : linkName(s));

/** Members of a bond, separated by commas or spaces → "a,b": at least one, each a name, none twice. */
export function bondMembers(s: string): Validated<string> {
  const list = words(s);
  if (!list.length) return bad('A bond needs at least one member (e.g. eth1,eth2)');
  const wrong = list.find((w) => !IFNAME.test(w));
  if (wrong !== undefined) return bad(`"${wrong}" is not an interface name`);
  if (new Set(list).size !== list.length) return bad('A member is named twice');
  return ok(list.join(','));
}

/** A VLAN id: 1-4094 in plain digits (0 is priority tagging, 4095 reserved: IEEE 802.1Q). */
export function vlanId(s: string): Validated<string> {
  const t = s.trim();
  return /^[1-9][0-9]{0,3}$/.test(t) && Number(t) <= 4094 ? ok(t) : bad(`VLAN id "${t}" is not 1-4094`);
}

export interface BondConfig {
  name: string;
  members: string;
  mode: string;
  primary: string;
  lacpRate: string;
}

/** A finding about one field of a bond. */
export interface BondIssue {
  field: 'name' | 'members' | 'bondMode' | 'primary' | 'lacpRate';
  message: string;
}

/**
 * The rules across a bond's fields, as netplan and the kernel take them: the name and members
 * are interface names, the bond is not its own member, the mode is netplan's, a primary is one of
 * the members in a mode that has one, a LACP rate (slow|fast) goes with 802.3ad only. Returns the
 * first issue, or undefined.
 */
export function checkBond(c: BondConfig): BondIssue | undefined {
  const n = linkName(c.name);
  if (!n.ok) return { field: 'name', message: n.message };
  const m = bondMembers(c.members);
  if (!m.ok) return { field: 'members', message: m.message };
  const mem = m.value.split(',');
  if (mem.includes(n.value)) return { field: 'members', message: `${n.value} cannot be a member of itself` };
  if (!(BOND_MODES as readonly string[]).includes(c.mode)) return { field: 'bondMode', message: `"${c.mode}" is not a bond mode (one of ${BOND_MODES.join(', ')})` };
  if (c.primary) {
    if (!PRIMARY_MODES.includes(c.mode)) return { field: 'primary', message: `A primary member is for ${PRIMARY_MODES.join(', ')} only, not ${c.mode}` };
    if (!mem.includes(c.primary)) return { field: 'primary', message: `The primary "${c.primary}" is not one of the members (${mem.join(', ')})` };
  }
  if (c.lacpRate) {
    if (c.lacpRate !== 'slow' && c.lacpRate !== 'fast') return { field: 'lacpRate', message: `The LACP rate "${c.lacpRate}" is slow or fast` };
    if (c.mode !== '802.3ad') return { field: 'lacpRate', message: `A LACP rate is for mode 802.3ad only, not ${c.mode}` };
  }
  return undefined;
}

/**
 * The bond parameters of netplan(5) that some modes only take, with those modes (the kernel's
 * bonding.rst for each option); a parameter not listed applies to every mode. Twin: ccnet/checks.py
 * MODE_PARAMS (rules-agree.test.ts). A bond changed to another mode loses the others.
 */
export const BOND_MODE_PARAMS: Readonly<Record<string, readonly string[]>> = {
  primary: PRIMARY_MODES,
  'primary-reselect-policy': PRIMARY_MODES,
  'lacp-rate': ['802.3ad'],
  'ad-select': ['802.3ad'],
  'min-links': ['802.3ad'],
  'transmit-hash-policy': ['balance-xor', '802.3ad', 'balance-tlb'],
  'packets-per-slave': ['balance-rr'],
  'fail-over-mac-policy': ['active-backup'],
  'gratuitous-arp': ['active-backup'],
  'learn-packet-interval': ['balance-tlb', 'balance-alb'],
  // ARP monitoring: not with 802.3ad, balance-tlb, balance-alb (bonding.rst, arp_interval)
  'arp-interval': ['balance-rr', 'active-backup', 'balance-xor', 'broadcast'],
  'arp-ip-targets': ['balance-rr', 'active-backup', 'balance-xor', 'broadcast'],
  'arp-validate': ['balance-rr', 'active-backup', 'balance-xor', 'broadcast'],
  'arp-all-targets': ['balance-rr', 'active-backup', 'balance-xor', 'broadcast'],
};

/** The parameter names among `keys` that bond mode `mode` does not take (BOND_MODE_PARAMS), in their order; bad for a mode that is not netplan's. */
export function paramsNotFor(keys: readonly string[], mode: string): Validated<string[]> {
  if (!(BOND_MODES as readonly string[]).includes(mode)) return bad(`"${mode}" is not a bond mode (one of ${BOND_MODES.join(', ')})`);
  return ok(keys.filter((k) => Object.hasOwn(BOND_MODE_PARAMS, k) && !BOND_MODE_PARAMS[k]!.includes(mode)));
}
