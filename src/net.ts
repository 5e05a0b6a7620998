// Validation that knows IPv4 networks (manual ch. 4 "Set the Appliance IP Address"): each
// rule names the field and why. Pure; set_network.sh checks the same rules again.
import { isHostname, isIPv4, isIPv6, type Validated } from './validators.js';

const ok = <T>(value: T): Validated<T> => ({ ok: true, value });
const bad = (message: string): Validated<never> => ({ ok: false, message });

export const toInt = (a: string): number => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
export const quad = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

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
  const words = s.split(/[\s,]+/).filter(Boolean);
  if (words.length > 3) return bad('At most 3 DNS servers');
  const wrong = words.filter((w) => !isIPv4(w) && !isIPv6(w));
  if (wrong.length) return bad(`Not an IP address: ${wrong.map((w) => `"${w}"`).join(', ')} (DNS servers are given as addresses)`);
  const nowhere = words.filter((w) => /^0+(\.0+){3}$|^255\.255\.255\.255$|^::$/.test(w) || (isIPv4(w) && Number(w.split('.')[0]) >= 224) || /^ff/i.test(w));
  if (nowhere.length) return bad(`Not a DNS server address: ${nowhere.map((w) => `"${w}"`).join(', ')} (unspecified, broadcast or multicast)`);
  return ok(words.join(' '));
}

/** Search domains separated by spaces; may be empty (the manual: leave blank unless needed). */
export function searchDomains(s: string): Validated<string> {
  const words = s.split(/[\s,]+/).filter(Boolean);
  const wrong = words.filter((w) => !isHostname(w));
  if (wrong.length) return bad(`Not a domain name: ${wrong.map((w) => `"${w}"`).join(', ')} (letters, digits, hyphens and dots)`);
  return ok(words.map((w) => w.toLowerCase()).join(' '));
}

export interface StaticConfig {
  address: string;
  prefix: number;
  gateway?: string;
}

/**
 * The rules across fields: the address is a host of its subnet (not its network or
 * broadcast address), the gateway is inside the subnet and is not the address itself, and
 * no other interface has the address. Returns field → message.
 */
export function checkStatic(c: StaticConfig, otherAddresses: string[] = []): Record<string, string> {
  const errors: Record<string, string> = {};
  const m = maskOf(c.prefix);
  const a = toInt(c.address);
  const net = (a & m) >>> 0;
  const bcast = (net | (~m >>> 0)) >>> 0;
  const [o1 = 0, o2 = 0] = c.address.split('.').map(Number);
  // the same classes set_network.sh refuses: 0/8, loopback, link-local, multicast and 240/4
  if (o1 === 0 || o1 === 127 || o1 >= 224 || (o1 === 169 && o2 === 254))
    errors.address = `${c.address} cannot be an interface address (loopback, multicast, link-local or reserved)`;
  else if (c.prefix <= 30 && a === net) errors.address = `${c.address} is the network address of ${quad(net)}/${c.prefix}, not a host address`;
  else if (c.prefix <= 30 && a === bcast) errors.address = `${c.address} is the broadcast address of ${quad(net)}/${c.prefix}, not a host address`;
  else if (otherAddresses.includes(c.address)) errors.address = `${c.address} is already used by another interface`;
  if (c.gateway) {
    const g = toInt(c.gateway);
    if (g === a) errors.gateway = 'The gateway cannot be the address itself';
    else if (((g & m) >>> 0) !== net) errors.gateway = `${c.gateway} is outside ${quad(net)}/${c.prefix}: the gateway must be in the interface's subnet`;
    else if (c.prefix <= 30 && (g === net || g === bcast)) errors.gateway = `${c.gateway} is the network or broadcast address of ${quad(net)}/${c.prefix}, not a router`;
  }
  return errors;
}

import { validators as registry, type ValidatorFn } from './validators.js';
Object.assign(registry, {
  ipv4,
  'ipv4-optional': optionalIpv4,
  netmask,
  'dns-list': dnsServers,
  'search-domains': searchDomains,
} satisfies Record<string, ValidatorFn>);
