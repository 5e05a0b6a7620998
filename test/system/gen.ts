// Random values for the property tests: NTP server words and lists the console's validators
// accept, near misses of them, and printable ASCII strings full of INI-hostile characters.
import type { Rng } from './helpers.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const ALNUM = LOWER + LOWER.toUpperCase() + '0123456789';
const HEX = '0123456789abcdefABCDEF';

export const chars = (R: Rng, from: string, n: number) => {
  const cs = [...from];
  return Array.from({ length: n }, () => R.pick(cs)).join('');
};

export function hostname(R: Rng): string {
  const label = () => {
    const n = R.pick([1, 1, 2, 3, 5, 8, 12, 63]);
    if (n === 1) return chars(R, ALNUM, 1);
    return chars(R, ALNUM, 1) + chars(R, ALNUM + '--', n - 2) + chars(R, ALNUM, 1);
  };
  const labels = Array.from({ length: R.int(1, 4) }, label);
  if (labels.every((l) => /^[0-9]+$/.test(l))) labels.push('ntp'); // digits and dots: an IPv4 try
  return labels.join('.') + (R.chance(0.1) ? '.' : '');
}

export const ipv4 = (R: Rng) => Array.from({ length: 4 }, () => R.pick([0, 1, 10, 99, 100, 127, 192, 255, R.int(0, 255)])).join('.');

export function ipv6(R: Rng): string {
  const fixed = ['::', '::1', '::ffff:192.0.2.1', 'fe80::1', '2001:db8::', '::0:0', '1::'];
  if (R.chance(0.1)) return R.pick(fixed);
  const v4tail = R.chance(0.2);
  const n = v4tail ? 6 : 8;
  const groups = Array.from({ length: n }, () => (R.chance(0.3) ? '0' : chars(R, HEX, R.int(1, 4))));
  const tail = v4tail ? [ipv4(R)] : [];
  if (R.chance(0.3)) return [...groups, ...tail].join(':');
  // compress a run of 1..n groups (any groups: the result is another valid address)
  const i = R.int(0, n - 1);
  const j = R.int(i + 1, n);
  const left = groups.slice(0, i).join(':');
  const right = [...groups.slice(j), ...tail].join(':');
  return `${left}::${right}`;
}

const port = (R: Rng) => String(R.pick([1, 123, 1123, 11123, 65535, R.int(1, 65535)]));

/** One server word the console accepts (host, IPv4, IPv6, host:port, [v6]:port, [v6]). */
export function serverWord(R: Rng): string {
  switch (R.int(0, 6)) {
    case 0:
      return hostname(R);
    case 1:
      return ipv4(R);
    case 2:
      return ipv6(R);
    case 3:
      return `${hostname(R).replace(/\.$/, '')}:${port(R)}`;
    case 4:
      return `${ipv4(R)}:${port(R)}`;
    case 5:
      return `[${ipv6(R)}]:${port(R)}`;
    default:
      return `[${ipv6(R)}]`;
  }
}

/** A server word that is sometimes slightly wrong (for comparing validators). */
export function nearServerWord(R: Rng): string {
  const w = serverWord(R);
  if (R.chance(0.4)) return w;
  const at = R.int(0, w.length);
  const ins = (s: string) => w.slice(0, at) + s + w.slice(at);
  const mutations: (() => string)[] = [
    () => ins('.'),
    () => ins(':'),
    () => ins('-'),
    () => ins('_'),
    () => ins(R.pick([...ALNUM])),
    () => w.slice(0, at) + w.slice(at + 1),
    () => w + '.',
    () => w + '..',
    () => '.' + w,
    () => w + ':',
    () => w + ':0' + port(R),
    () => w + ':' + R.pick(['0', '65536', '99999', '00123', '08080', '0999', '123456']),
    () => `[${w}]`,
    () => `[${w}]:${port(R)}`,
    () => w.replace(/\./, '..'),
    () => w.replace(/::/, ':::'),
    () => w.replace(/[0-9]+/, (d) => String(Number(d) + 256)),
    () => w.replace(/[0-9]+/, (d) => '0' + d),
    () => w.toUpperCase(),
    () => w.replace(/\d+$/, (d) => d + d),
    () => R.pick(['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '::1::2', ':::', '1:2:3:4:5:6:7:8:9', '-a.b', 'a-.b', 'a..b', 'a..', '.', '..', ':123', '[]', '[::1', '::1]:2']),
  ];
  return R.pick(mutations)();
}

/** Printable ASCII, weighted to the characters INI and JSON care about, often space-padded. */
export function hostileString(R: Rng): string {
  const special = [';', '#', '=', '"', '\\', '[', ']', ' ', "'", '\\n', '\\"', '\\\\', '\\u0041', '\\;'];
  const parts: string[] = [];
  const n = R.int(0, 24);
  for (let i = 0; i < n; i++) parts.push(R.chance(0.45) ? R.pick(special) : String.fromCharCode(R.int(0x20, 0x7e)));
  let s = parts.join('');
  if (R.chance(0.3)) s = ' '.repeat(R.int(1, 3)) + s;
  if (R.chance(0.3)) s = s + ' '.repeat(R.int(1, 3));
  if (R.chance(0.1)) s = `"${s}"`;
  return s;
}

// ---- near misses of any rule's values (test/system/rules-agree.test.ts) -------------------

/**
 * Characters no rule accepts but a person can paste: look-alikes of letters and digits,
 * separators that are whitespace to one language and not to another (NBSP, U+2028, BOM,
 * U+001C-U+001F and NEL), controls and an emoji. No NUL: an argument cannot carry one.
 */
export const ODD = ['\u00a0', '\u2028', '\ufeff', '\u200b', '\x1c', '\x1f', '\x85', '\t', '\n', '\r', '\x0b', '\x7f', '\x01', '\x1b', 'é', 'ß', 'İ', 'ı', '\u212a', '١', '０', '🙂'];

/** Any of the nowhere addresses, in the spellings people and tools write them. */
export const NOWHERE = ['0.0.0.0', '0.1.2.3', '0.255.255.255', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255', '::', '0::0', '0:0::0', '::0', '0:0:0:0:0:0:0:0', '0000::', '::0.0.0.0', '0::0.0.0.0', 'ff02::1', 'FF05::1:3', 'ff00::', 'ff0e::101'];
/** Look like the nowhere addresses but are not: 00ff::/16 is not ff00::/8. */
export const SOMEWHERE = ['1.0.0.0', '223.255.255.254', '127.0.0.1', '::1', '::0.0.0.1', 'ff::1', 'f::1', '0ff0::1', 'fe80::1', '::ffff:192.0.2.1', '100::'];

/** Not IPv6: too many groups, two '::', a group too long, an IPv4 tail in the wrong place. */
export const BAD_V6 = ['1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '::1:2:3:4:5:6:7:8', '1::2::3', '12345::1', '1:2:3:4:5:6:7', '::ffff:1.2.3.4.5', '1:2:3:4:5:6:7:1.2.3.4', '1.2.3.4::', 'g::1', ':1::', '1::2:', ':::1'];
/** IPv6 in spellings that are valid but rare (IPv4-mapped, a '::' standing for one group). */
export const RARE_V6 = ['::ffff:224.0.0.1', '::ffff:0.0.0.0', '0:0:0:0:0:ffff:192.0.2.1', '::FFFF:192.0.2.1', '1::', '::1:2:3:4:5:6:7', '1:2:3:4:5:6:7::', '1:2:3:4:5:6::1.2.3.4', '0000:0000:0000:0000:0000:0000:0000:0001'];

/**
 * One random change a person (or a bad paste) makes to W, character by character (never half
 * of a surrogate pair: no terminal sends one, and an argument could not carry it).
 */
export function nearMiss(R: Rng, w: string, alphabet = ALNUM + '.:-_[]/@+ ,'): string {
  const cs = [...w];
  const at = R.int(0, cs.length);
  const ins = (s: string) => [...cs.slice(0, at), s, ...cs.slice(at)].join('');
  const put = (s: string) => [...cs.slice(0, at), s, ...cs.slice(at + 1)].join('');
  const seps = [...w.matchAll(/[.:\-,/ @]/g)];
  const mutations: (() => string)[] = [
    () => ins(R.pick([...alphabet])),
    () => ins(R.pick(ODD)),
    () => put(''), // one character deleted
    () => put(R.pick([...alphabet])), // one character changed
    () => put(R.pick(ODD)),
    () => (R.chance(0.5) ? R.pick(ODD) + w : w + R.pick(ODD)), // at an edge, where trimming would hide it
    () => w.replace(/:\/\/| /, (m) => m + R.pick([...ODD, ' '])), // after a scheme or a separator
    () => {
      // a separator doubled
      if (seps.length === 0) return w + w;
      const m = R.pick(seps);
      return w.slice(0, m.index) + m[0] + w.slice(m.index);
    },
    () => w.toUpperCase(),
    () => '',
    () => R.pick([' ', '  ', '\t']) + w + R.pick(['', ' ', '\n']),
    () => [...w.repeat(R.int(8, 40))].slice(0, R.int(254, 1200)).join(''), // very long
    () => w + 'a'.repeat(R.int(240, 300)),
    () => w.replace(/[A-Za-z0-9]*$/, R.pick(['*', '?', '*.*', '[gx]*', '$HOME', '~', '$(id)', '`id`'])), // what a shell would expand
    () => (at > 0 && at < cs.length ? [...cs.slice(0, at - 1), cs[at]!, cs[at - 1]!, ...cs.slice(at + 1)] : [...cs.slice(1), ...cs.slice(0, 1)]).join(''), // two swapped
  ];
  return R.pick(mutations)();
}

/** W as it is (probability P), else a near miss of it (sometimes two changes). */
export function maybeNear(R: Rng, w: string, p = 0.45, alphabet?: string): string {
  if (R.chance(p)) return w;
  const once = nearMiss(R, w, alphabet);
  return R.chance(0.15) ? nearMiss(R, once, alphabet) : once;
}

/** A host a connection goes to: name, IPv4, IPv6 or an address nothing answers at. */
export function hostWord(R: Rng): string {
  switch (R.int(0, 6)) {
    case 0:
    case 1:
      return hostname(R);
    case 2:
      return ipv4(R);
    case 3:
      return ipv6(R);
    case 4:
      return R.pick(NOWHERE);
    case 5:
      return R.pick(SOMEWHERE);
    default:
      return R.pick(R.chance(0.5) ? BAD_V6 : RARE_V6);
  }
}

/** A port as typed: mostly in range, sometimes with leading zeros, 0 or too big. */
export function portText(R: Rng): string {
  return R.pick([port(R), port(R), port(R), '0' + port(R), '00' + port(R), '0', '00000', '65535', '65536', '99999', '123456', R.int(1, 65535).toString().padStart(5, '0')]);
}

/** HOST:PORT, [v6]:PORT, a bare host or [v6]: what a server or proxy field gets. */
export function endpointWord(R: Rng, portOften = 0.5): string {
  const h = hostWord(R);
  if (!R.chance(portOften)) return R.chance(0.1) && h.includes(':') ? `[${h}]` : h;
  return h.includes(':') || R.chance(0.05) ? `[${h}]:${portText(R)}` : `${h}:${portText(R)}`;
}

