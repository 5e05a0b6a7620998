// An interface's IPv4 settings (manual ch. 4 "Set the Appliance IP Address"): each rule names
// its field and why. Twin: sbin/lib/ccnet/checks.py (set_network.sh), which also knows the
// other interfaces and the live links.
import { ipv6Bits, ipv6Text, isHostname, isIPv4, isIPv6, isNowhere } from './address.js';
import { bad, ok, words, type Validated } from './validated.js';

export const toInt = (a: string): number => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
export const quad = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** At most 3 DNS servers: glibc's resolver uses no more (MAXNS, resolv.conf(5)). */
export const MAX_DNS = 3;
/** At most 6 search domains (resolv.conf(5) of the resolvers appliances run). */
export const MAX_SEARCH = 6;

/** A netmask as dotted quad (contiguous) or prefix length (24 or /24) → the prefix length. */
export function netmask(s: string): Validated<string> {
  const t = s.trim();
  if (t === '') return bad('Enter the network mask (e.g. 255.255.255.0 or 24): it is never guessed');
  const p = /^\/?([0-9]{1,2})$/.exec(t);
  if (p) {
    const n = Number(p[1]);
    return n >= 1 && n <= 32 ? ok(String(n)) : bad('A prefix length is 1 to 32');
  }
  if (!isIPv4(t)) return bad(`"${t}" is not a network mask (255.255.255.0, or a prefix length like 24)`);
  const m = toInt(t);
  const prefix = 32 - Math.log2(((~m) >>> 0) + 1);
  if (!Number.isInteger(prefix) || prefix < 1) return bad(`${t} is not a contiguous mask (its 1 bits must come first, e.g. 255.255.254.0)`);
  return ok(String(prefix));
}

export function ipv4(s: string): Validated<string> {
  const t = s.trim();
  return isIPv4(t) ? ok(t) : bad(`"${t}" is not an IPv4 address (four numbers 0-255, e.g. 192.0.2.10)`);
}

export function optionalIpv4(s: string): Validated<string> {
  return s.trim() === '' ? ok('') : ipv4(s);
}

/** DNS servers separated by spaces: addresses only (a name would need DNS to be found). */
export function dnsServers(s: string): Validated<string> {
  const list = words(s);
  if (list.length > MAX_DNS) return bad(`At most ${MAX_DNS} DNS servers`);
  const wrong = list.filter((w) => !isIPv4(w) && !isIPv6(w));
  if (wrong.length) return bad(`Not an IP address: ${wrong.map((w) => `"${w}"`).join(', ')} (DNS servers are given as addresses)`);
  const nowhere = list.filter(isNowhere);
  if (nowhere.length) return bad(`Not a DNS server address: ${nowhere.map((w) => `"${w}"`).join(', ')} (unspecified, broadcast or multicast)`);
  return ok(list.join(' '));
}

/** Search domains separated by spaces; may be empty (the manual: leave blank unless needed). */
export function searchDomains(s: string): Validated<string> {
  const list = words(s);
  if (list.length > MAX_SEARCH) return bad(`At most ${MAX_SEARCH} search domains`);
  const wrong = list.filter((w) => !isHostname(w));
  if (wrong.length) return bad(`Not a domain name: ${wrong.map((w) => `"${w}"`).join(', ')} (letters, digits, hyphens and dots)`);
  return ok(list.map((w) => w.toLowerCase()).join(' '));
}

export interface StaticConfig {
  address: string;
  prefix: number;
  gateway?: string;
}

/** A finding about one field: an error refuses the change; a warning needs the operator's Yes. */
export interface Issue {
  field: 'address' | 'gateway' | 'address6' | 'gateway6';
  severity: 'error' | 'warning';
  message: string;
}

/**
 * The rules across fields: the address is a host of its subnet (not its network or broadcast
 * address, nor loopback, link-local, multicast or reserved), the gateway is not the address
 * itself nor the subnet's network or broadcast address, no other interface has the address.
 * A gateway outside the subnet is a warning (on-link routes make it work where the network
 * really routes it). Returns the issues found, at most one per field.
 */
export function checkStatic(c: StaticConfig, otherAddresses: string[] = []): Issue[] {
  const issues: Issue[] = [];
  const error = (field: Issue['field'], message: string) => issues.push({ field, severity: 'error', message });
  const m = maskOf(c.prefix);
  const a = toInt(c.address);
  const net = (a & m) >>> 0;
  const bcast = (net | (~m >>> 0)) >>> 0;
  const [o1 = 0, o2 = 0] = c.address.split('.').map(Number);
  const cidr = `${quad(net)}/${c.prefix}`;
  // the classes set_network.sh refuses: 0/8, loopback, link-local, multicast and 240/4
  if (o1 === 0 || o1 === 127 || o1 >= 224 || (o1 === 169 && o2 === 254))
    error('address', `${c.address} cannot be an interface address (loopback, multicast, link-local or reserved)`);
  else if (c.prefix <= 30 && a === net) error('address', `${c.address} is the network address of ${cidr}, not a host address`);
  else if (c.prefix <= 30 && a === bcast) error('address', `${c.address} is the broadcast address of ${cidr}, not a host address`);
  else if (otherAddresses.includes(c.address)) error('address', `${c.address} is already used by another interface`);
  if (c.gateway) {
    const g = toInt(c.gateway);
    if (g === a) error('gateway', 'The gateway cannot be the address itself');
    else if (((g & m) >>> 0) !== net)
      issues.push({ field: 'gateway', severity: 'warning', message: `${c.gateway} is outside ${cidr}: the gateway should be in the interface's subnet` });
    else if (c.prefix <= 30 && (g === net || g === bcast)) error('gateway', `${c.gateway} is the network or broadcast address of ${cidr}, not a router`);
  }
  return issues;
}

// ---- IPv6 (optional on an interface): twin of ccnet/checks.py parse_v6_cidr, check_gateway6 ----

const V6_LINK_LOCAL = (n: bigint) => n >> 118n === 0x3fan; // fe80::/10
/** Addresses no interface may have: unspecified, loopback, multicast, link-local, IPv4-mapped (RFC 4291 §2.5). */
const notAnInterface6 = (n: bigint) => n === 0n || n === 1n || n >> 120n === 0xffn || V6_LINK_LOCAL(n) || n >> 32n === 0xffffn;

/** A static IPv6 address with its prefix length (2001:db8::5/64) → in RFC 5952 form; empty: none. */
export function ipv6Cidr(s: string): Validated<string> {
  const t = s.trim();
  if (t === '') return ok('');
  const m = /^([0-9A-Fa-f:.]+)\/([0-9]{1,3})$/.exec(t);
  if (!m) return bad(`"${t}" is not an IPv6 address with its prefix length (like 2001:db8::5/64)`);
  const [, a = '', p = ''] = m;
  if (!isIPv6(a) || a.includes('.')) return bad(`"${a}" is not an IPv6 address`);
  const n = Number(p);
  if (n < 1 || n > 128 || String(n) !== p) return bad(`The prefix length /${p} is out of range (1-128)`);
  const bits = ipv6Bits(a);
  if (notAnInterface6(bits)) return bad(`${a} cannot be an interface address (unspecified, loopback, multicast, link-local or IPv4-mapped)`);
  return ok(`${ipv6Text(bits)}/${n}`);
}

/** An IPv6 router address → in RFC 5952 form; empty: none. Whether it is on the link is checkStatic6's. */
export function ipv6Gateway(s: string): Validated<string> {
  const t = s.trim();
  if (t === '') return ok('');
  if (!isIPv6(t) || t.includes('.')) return bad(`"${t}" is not an IPv6 address`);
  const bits = ipv6Bits(t);
  if (bits === 0n || bits === 1n || bits >> 120n === 0xffn) return bad(`${t} is not a router address (unspecified, loopback or multicast)`);
  return ok(ipv6Text(bits));
}

/**
 * The IPv6 gateway is on the link: link-local (fe80::/10, what routers announce, RFC 4861 §4.2)
 * or inside the prefix of the static IPv6 address, and not that address itself. Takes the
 * values as ipv6Cidr and ipv6Gateway return them.
 */
export function checkStatic6(address6: string, gateway6: string): Issue[] {
  if (!gateway6) return [];
  const g = ipv6Bits(gateway6);
  const m = /^(.+)\/(\d+)$/.exec(address6);
  if (m && ipv6Bits(m[1]!) === g) return [{ field: 'gateway6', severity: 'error', message: `The IPv6 gateway ${gateway6} is the address itself` }];
  if (V6_LINK_LOCAL(g)) return [];
  if (!m) return [{ field: 'gateway6', severity: 'error', message: `The IPv6 gateway ${gateway6} is not on the link: give a link-local gateway (fe80::...) or a static IPv6 address in its subnet` }];
  const shift = BigInt(128 - Number(m[2]));
  if (ipv6Bits(m[1]!) >> shift !== g >> shift) return [{ field: 'gateway6', severity: 'error', message: `The IPv6 gateway ${gateway6} is outside ${address6} and not link-local (fe80::/10)` }];
  return [];
}
