// The one grammar of appliance.ini, as the console reads it. The scripts read and write it with
// sbin/lib/ccini.py (whose header states the grammar); test/system/ini-agree.test.ts proves the
// two give the same values, or refuse at the same line with the same reason, on every file.
// Both take what each key may hold from one table, sbin/lib/ccini-keys.json.
import { z } from 'zod';
import keys from '../../sbin/lib/ccini-keys.json' with { type: 'json' };

/** A key's kind (ccini-keys.json): one of fixed words, a whole number in a range, or a pattern. */
const Kind = z.lazy(() => z.object({ enum: z.array(z.string()).optional(), int: z.tuple([z.number(), z.number()]).optional(), pattern: z.string().optional(), says: z.string().optional() }).strict());
type Kind = z.infer<typeof Kind>;

const KINDS: Record<string, Kind> = z.lazy(() => z.record(z.string(), Kind)).parse(keys.kinds);

/** The settings read: section → key → value (every value a string). */
export type IniSections = Record<string, Record<string, string>>;

/** Why a file cannot be read one way only: its line (1-based; 0 for the whole file) and reason. */
export class IniDamage extends Error {
  constructor(
    readonly line: number,
    readonly why: string,
  ) {
    super(why);
    this.name = 'IniDamage';
  }
}

const NAME = '[A-Za-z0-9_.-]+';
const JSON_STR = '"(?:[^"\\\\\\x00-\\x1f]|\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4}))*"';
// flag s: a line may hold U+2028, which . must match as Python's does
const RE_SECTION = new RegExp(`^\\[(${NAME})\\][ \\t]*(?:[;#].*)?$`, 'su');
const RE_KEY = new RegExp(`^(${NAME})[ \\t]*=(.*)$`, 'su');
const RE_QUOTED = new RegExp(`^(${JSON_STR})[ \\t]*(?:[;#].*)?$`, 'su');
const RE_COMMENT = /(?:^|[ \t])[;#]/u;
const RE_UNSAFE = /["'\\;#]/u;
// C0 controls but tab, DEL, and the C1 controls: never part of a setting
const RE_CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/u; // eslint-disable-line no-control-regex
const RE_SURROGATE = /\p{Surrogate}/u;
const RE_INT = /^(?:0|[1-9][0-9]{0,8})$/;

const kindOf = (section: string, key: string): Kind | undefined => KINDS[`${section}.${key}`] ?? KINDS[`*.${key}`] ?? KINDS[`${section}.*`];

/** Why `value` is not allowed for SECTION.KEY (ccini-keys.json), or undefined. Empty is always allowed. */
export function kindError(section: string, key: string, value: string): string | undefined {
  const k = kindOf(section, key);
  if (!k || value === '') return undefined;
  const shown = JSON.stringify(value);
  if (k.enum && !k.enum.includes(value)) return `${key} must be one of ${k.enum.join(', ')}, not ${shown}`;
  if (k.int) {
    const [lo, hi] = k.int;
    if (!RE_INT.test(value) || Number(value) < lo || Number(value) > hi) return `${key} must be a whole number from ${lo} to ${hi}, not ${shown}`;
  }
  if (k.pattern && !new RegExp(k.pattern, 'u').test(value)) return `${key} must be ${k.says}, not ${shown}`;
  return undefined;
}

const strip = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, '');
const codePoints = (s: string) => [...s].length;

/** The lines of the file (BOM dropped), each with whether it ended with a newline. */
function splitLines(bytes: Uint8Array): { text: string; ended: boolean }[] {
  let data = bytes;
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
  if (data.length === 0) throw new IniDamage(0, 'the file is empty (0 bytes): it was cut short or never written');
  const endsNl = data[data.length - 1] === 0x0a;
  const raws: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < data.length; i++)
    if (data[i] === 0x0a) {
      raws.push(data.subarray(start, i));
      start = i + 1;
    }
  if (!endsNl) raws.push(data.subarray(start));
  const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return raws.map((raw, i) => {
    const ended = endsNl || i < raws.length - 1;
    const body = ended && raw[raw.length - 1] === 0x0d ? raw.subarray(0, raw.length - 1) : raw;
    try {
      return { text: dec.decode(body), ended };
    } catch {
      throw new IniDamage(i + 1, 'bytes that are not UTF-8 text');
    }
  });
}

function parseValue(n: number, key: string, rest: string): string {
  const lead = rest.replace(/^[ \t]+/, '');
  if (lead.startsWith('"')) {
    const m = RE_QUOTED.exec(lead);
    if (!m) throw new IniDamage(n, `the value of ${key} is not one complete JSON string ("..." with \\" and \\\\ escapes): unterminated, a bad escape, or text after it`);
    const value = JSON.parse(m[1]!) as string;
    if (RE_SURROGATE.test(value)) throw new IniDamage(n, `the value of ${key} holds a lone UTF-16 surrogate escape`);
    if (RE_CONTROL.test(value)) throw new IniDamage(n, `the value of ${key} holds a control character`);
    return value;
  }
  const c = RE_COMMENT.exec(rest);
  const value = strip(c ? rest.slice(0, c.index) : rest);
  if (RE_UNSAFE.test(value)) throw new IniDamage(n, `the value of ${key} holds " ' \\ ; or # : put the whole value in double quotes, as a JSON string`);
  return value;
}

/**
 * Reads appliance.ini's bytes with the grammar of sbin/lib/ccini.py. Returns every section's
 * keys; throws IniDamage (line, reason) for a file that cannot be read one way only.
 */
export function parseIniBytes(bytes: Uint8Array): IniSections {
  const lines = splitLines(bytes);
  const sections: IniSections = {};
  const where = new Map<string, number>();
  let current: string | undefined;
  lines.forEach(({ text }, i) => {
    const n = i + 1;
    const ctl = RE_CONTROL.exec(text);
    if (ctl) {
      const what = ctl[0] === '\r' ? 'a carriage return inside the line' : `a control character (0x${ctl[0].charCodeAt(0).toString(16).padStart(2, '0')})`;
      throw new IniDamage(n, `${what} at column ${codePoints(text.slice(0, ctl.index)) + 1}`);
    }
    const stripped = strip(text);
    if (stripped === '' || stripped[0] === ';' || stripped[0] === '#') return;
    if (text[0] === ' ' || text[0] === '\t') throw new IniDamage(n, 'an indented line: it reads as the continuation of the line before; remove the indentation');
    const s = RE_SECTION.exec(text);
    if (s) {
      current = s[1]!;
      const first = where.get(`[${current}`);
      if (first !== undefined) throw new IniDamage(n, `section [${current}] again (first at line ${first + 1}): merge them into one`);
      where.set(`[${current}`, i);
      sections[current] = {};
      return;
    }
    if (text.startsWith('[')) throw new IniDamage(n, 'not a section header: a section is [NAME], NAME of letters, digits, _ . -');
    const k = RE_KEY.exec(text);
    if (!k) throw new IniDamage(n, 'not "key = value", a [section] or a comment');
    const key = k[1]!;
    if (current === undefined) throw new IniDamage(n, `key ${key} before any [section]`);
    const first = where.get(`${current}\u001f${key}`);
    if (first !== undefined) throw new IniDamage(n, `${key} set again in [${current}] (first at line ${first + 1}): keep one`);
    const value = parseValue(n, key, k[2]!);
    const err = kindError(current, key, value);
    if (err) throw new IniDamage(n, `in [${current}], ${err}`);
    where.set(`${current}\u001f${key}`, i);
    sections[current]![key] = value;
  });
  if (lines.length > 0 && !lines[lines.length - 1]!.ended)
    throw new IniDamage(lines.length, 'the last line does not end with a newline: the file may have been cut short (end it with a newline if it is complete)');
  if (Object.keys(sections).length === 0) throw new IniDamage(0, 'no [section] in it: the file is empty or was cut short');
  return sections;
}
