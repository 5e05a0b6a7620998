// Random values for the property tests: NTP server words and lists the console's validators
// accept, near misses of them, and printable ASCII strings full of INI-hostile characters.
import type { Rng } from './helpers.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = LOWER + LOWER.toUpperCase() + '0123456789';
const HEX = '0123456789abcdefABCDEF';

const chars = (R: Rng, from: string, n: number) => Array.from({ length: n }, () => R.pick([...from])).join('');

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
