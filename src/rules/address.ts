// Addresses and host names, the primitives every host-like field is checked with. Their bash
// twins are in sbin/lib/checks.sh (is_ipv4, is_ipv6, is_hostname, is_nowhere, is_port); the
// agreement test, test/system/rules-agree.test.ts, proves both accept the same inputs.
import { bad, ok, type Validated } from './validated.js';

/** Dotted-quad IPv4 without leading zeros (010 is octal to some tools; RFC 6943 §3.1.1). */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** IPv6 in any RFC 4291 §2.2 text form, optionally with an embedded IPv4 tail; no zone ids. */
export function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || s.length > 45 || !s.includes(':')) return false;
  let head = s;
  let tailGroups = 0;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    head = s.slice(0, lastColon + 1) + '0';
    tailGroups = 1; // the IPv4 tail is two groups; '0' stands for one, count one more
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return false;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const g = dbl.flatMap(groups);
  if (!g.every((x) => /^[0-9A-Fa-f]{1,4}$/.test(x))) return false;
  const count = g.length + tailGroups;
  if (dbl.length === 2) return count <= 7;
  return count === 8;
}

/** RFC 1123 host name: labels of letters, digits and inner hyphens, 1–63 chars, 253 total. */
export function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  const labels = name.split('.');
  if (!labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l))) return false;
  // A name made only of digits and dots would be a malformed IPv4 address, not a host.
  return !/^[0-9.]+$/.test(name);
}

/**
 * An address nothing answers at (so never a server, gateway or DNS server): IPv4 0.0.0.0/8,
 * 224.0.0.0/3 (multicast, reserved, broadcast); IPv6 :: in any spelling and ff00::/8 (RFC 4291
 * §2.5.2, §2.7).
 */
export function isNowhere(host: string): boolean {
  if (isIPv4(host)) return Number(host.split('.')[0]) === 0 || Number(host.split('.')[0]) >= 224;
  // :: in any spelling (0:0::0, ::0.0.0.0) has only zeros; ff00::/8 is a first group of four
  // hex digits starting ff (ff::1 is 00ff::1, not multicast)
  return isIPv6(host) && (/^[0:.]+$/.test(host) || /^ff[0-9a-f]{2}:/i.test(host));
}

/** A TCP/UDP port, 1-65535, leading zeros read as decimal → its plain form. */
export function port(s: string): Validated<string> {
  const t = s.trim();
  return /^[0-9]{1,5}$/.test(t) && Number(t) >= 1 && Number(t) <= 65535 ? ok(String(Number(t))) : bad('A port is a number from 1 to 65535');
}

/** A server a connection goes to, and its port when one is given. */
export interface Endpoint {
  host: string;
  port?: number;
}

const nowhere = (raw: string) => bad(`"${raw}" is not a server address (unspecified, broadcast or multicast)`);

/**
 * A server: host name, IPv4, IPv6, `host:port` or `[v6]:port` → host (lower-cased: names, and
 * IPv6 as RFC 5952 §4.3 writes it) and port. Refuses malformed addresses and names, and
 * addresses nothing answers at. Not trimmed: white space inside a list word or after a URL's
 * scheme is no part of a server (a field's own text is trimmed by its rule).
 */
export function endpoint(raw: string): Validated<Endpoint> {
  const s = raw;
  if (s === '') return bad('empty server name');
  let host = s;
  let portText: string | undefined;
  const v6port = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6port) {
    host = v6port[1] ?? '';
    portText = v6port[2];
    if (!isIPv6(host)) return bad(`"${raw}" is not a valid IPv6 address`);
  } else if ((s.match(/:/g) ?? []).length === 1) {
    [host, portText] = s.split(':') as [string, string];
  }
  let p: number | undefined;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
      return bad(`"${raw}": port must be a number from 1 to 65535`);
    p = Number(portText);
  }
  const withPort = (h: string): Validated<Endpoint> => ok(p === undefined ? { host: h } : { host: h, port: p });
  if (isIPv4(host) || isIPv6(host)) return isNowhere(host) ? nowhere(raw) : withPort(host.toLowerCase());
  if (/^[0-9.]+$/.test(host)) return bad(`"${raw}" is not a valid IPv4 address`);
  if (host.includes(':')) return bad(`"${raw}" is not a valid IPv6 address`);
  if (!isHostname(host)) return bad(`"${raw}" is not a valid host name (letters, digits, hyphens and dots)`);
  return withPort(host.toLowerCase());
}

/** An endpoint in the console's notation: host, host:port, [v6]:port. */
export function formatEndpoint(s: Endpoint): string {
  if (s.port === undefined) return s.host;
  return s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

/** A host name or IP address a connection goes to, without a port (lower-cased, as endpoint's host). */
export function host(s: string): Validated<string> {
  const t = s.trim();
  if (t === '') return bad('Enter a host name or IP address');
  if (isIPv4(t) || isIPv6(t)) return isNowhere(t) ? nowhere(t) : ok(t.toLowerCase());
  if (/^[0-9.]+$/.test(t)) return bad(`"${t}" is not a valid IPv4 address`);
  return isHostname(t) ? ok(t.toLowerCase()) : bad(`"${t}" is not a valid host name (letters, digits, hyphens and dots)`);
}

/** An IPv6 address (isIPv6, no embedded IPv4 form) → its 128 bits. */
export function ipv6Bits(s: string): bigint {
  const [head = '', tail] = s.split('::') as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** 128 bits → the RFC 5952 text of an IPv6 address (lower case, the first longest run of 2+ zero groups as ::). */
export function ipv6Text(n: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let len = 0;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > len) (best = i), (len = j - i);
    i = j === i ? i + 1 : j;
  }
  const hex = g.map((x) => x.toString(16));
  if (len < 2) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + len).join(':')}`;
}
