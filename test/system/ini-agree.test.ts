// Property: the console's reader (src/system/ccini.ts) and the scripts' (sbin/lib/ccini.py) read
// every appliance.ini alike: the same sections and values, or the same refusal at the same line
// with the same reason. Thousands of random files of every shape an INI file can take (comments,
// inline comments, quoted/bare/JSON values, spaces around =, duplicate keys and sections, keys
// before a section, CRLF, BOM, continuation-like lines, empty values, random bytes, truncation,
// 0 bytes), plus the named examples of each shape with what both must say.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IniDamage, parseIniBytes } from '../../src/system/ccini.js';
import { missing } from '../support/requires.js';
import { ODD } from './gen.js';
import { SBIN, rng, testSeed, type Rng } from './helpers.js';

const why = missing('system: INI readers agree', ['python3']);
const dir = mkdtempSync(join(tmpdir(), 'cc-ini-agree-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Read = { ok: true; sections: Record<string, Record<string, string>> | null } | { ok: false; line: number; error: string };

/** What the console's reader makes of `bytes`. */
function tsRead(bytes: Uint8Array): Read {
  try {
    return { ok: true, sections: parseIniBytes(bytes) };
  } catch (e) {
    if (e instanceof IniDamage) return { ok: false, line: e.line, error: e.why };
    throw e;
  }
}

/** What the scripts' reader makes of each file (one python3 for all of them). */
function pyRead(files: Uint8Array[], batch: string): Read[] {
  const paths = files.map((b, i) => {
    const f = join(dir, `${batch}-${i}.ini`);
    writeFileSync(f, b);
    return f;
  });
  const r = spawnSync('python3', ['-I', '-S', join(SBIN, 'lib/ccini.py'), 'dump', ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Read);
}

const enc = (s: string) => new TextEncoder().encode(s);

// ---- random files of every shape ----------------------------------------------------------
const SECTIONS = ['appliance', 'ntp', 'callhome', 'master', 'partner', 'services', 'pcap', 'ossensor', 'x.y', 'a-b_c'];
const KEYS = ['profile', 'demo', 'servers', 'port', 'enabled', 'ssl', 'host', 'mode', 'names', 'size_gb', 'hmac_set', 'proxy', 'k'];
const WORDS = ['22', '443', 'abc', '0', '65535', '65536', '022', '-1', '1e3', 'yes', 'no', 'true', 'false', 'True', 'appliance', 'vsensor', 'push', 'pull', 'push-token', 'chrony x-core', 'a  b', 'ntp.example.org', 'x=y', "it's", 'a"b', 'c:\\d', '', ' ', '  x  '];
const PIECES = [' ', '\t', ';', '#', '=', '"', "'", '\\', '[', ']', '\\"', '\\n', '\\u0041', '\\ud800', '\\u0000', 'a', 'Z', '9', '.', '-', ...ODD];

const str = (R: Rng, n = R.int(0, 8)) => Array.from({ length: n }, () => (R.chance(0.6) ? R.pick(PIECES) : R.pick(WORDS))).join('');

function value(R: Rng): string {
  switch (R.int(0, 5)) {
    case 0:
      return R.pick(WORDS);
    case 1:
      return JSON.stringify(R.pick(WORDS));
    case 2:
      return JSON.stringify(str(R)); // escapes of every kind, control characters included
    case 3: {
      const q = JSON.stringify(str(R));
      return q.slice(0, R.int(0, q.length)); // cut short
    }
    case 4:
      return `${R.pick([JSON.stringify(R.pick(WORDS)), R.pick(WORDS)])}${R.pick(['', ' ', '\t'])}${R.pick([';', '#', ''])}${str(R, 2)}`;
    default:
      return str(R);
  }
}

function line(R: Rng): string {
  const pad = () => R.pick(['', '', ' ', '  ', '\t']);
  switch (R.int(0, 9)) {
    case 0:
      return pad();
    case 1:
      return `${pad()}${R.pick([';', '#'])}${str(R)}`;
    case 2:
      return `${R.chance(0.1) ? pad() : ''}[${R.chance(0.9) ? R.pick(SECTIONS) : str(R, 2)}${R.chance(0.95) ? ']' : ''}${pad()}${R.chance(0.2) ? `${R.pick([';', '#'])} c` : ''}`;
    case 3:
      return `${str(R, 3)}`;
    case 4:
      return `${R.chance(0.1) ? pad() : ''}${R.pick(KEYS)}${pad()}=${pad()}${value(R)}${R.chance(0.1) ? '\\' : ''}`;
    default:
      return `${R.pick(KEYS)}${pad()}=${pad()}${value(R)}`;
  }
}

/** A well-formed key line: one of the values a script or a careful person would write. */
function goodLine(R: Rng, key: string): string {
  const v = R.pick(['22', 'yes', 'no', 'true', 'appliance', 'push', 'chrony x-core', 'ntp.example.org', '', 'a b']);
  return `${key}${R.pick(['', ' '])}=${R.pick(['', ' '])}${R.pick([v, JSON.stringify(v), JSON.stringify(str(R).replace(/[\x00-\x1f\x7f-\x9f\ud800-\udfff]/g, ''))])}${R.chance(0.2) ? ' ; note' : ''}`;
}

/** A random file: a few sections of lines, then a mutation of its bytes now and then. */
function file(R: Rng): Uint8Array {
  const lines: string[] = [];
  const clean = R.chance(0.4);
  if (!clean && R.chance(0.1)) lines.push(line(R)); // before any section
  const secs = [...SECTIONS].sort(() => R.next() - 0.5);
  for (let s = R.int(clean ? 1 : 0, 4); s > 0; s--) {
    lines.push(`[${clean ? secs[s]! : R.pick(SECTIONS)}]`);
    const keys = [...KEYS].sort(() => R.next() - 0.5);
    for (let k = R.int(0, 5); k > 0; k--) lines.push(clean ? goodLine(R, keys[k]!) : R.chance(0.7) ? `${R.pick(KEYS)} = ${value(R)}` : line(R));
  }
  const nl = R.chance(0.2) ? '\r\n' : '\n';
  let text = lines.map((l) => l + (R.chance(0.03) ? R.pick(['\r\n', '\r', '\n']) : nl)).join('');
  if (R.chance(0.1)) text = '\ufeff' + text;
  let b = enc(text);
  switch (R.int(0, 9)) {
    case 0: // cut short at any byte
      b = b.subarray(0, R.int(0, b.length));
      break;
    case 1: {
      // random bytes somewhere (invalid UTF-8, NUL, C1)
      const junk = Uint8Array.from({ length: R.int(1, 4) }, () => R.pick([0x00, 0xff, 0xc3, 0x80, 0xed, 0xa0, 0x0d, 0x0a, 0x22, 0x3b, R.int(0, 255)]));
      const at = R.int(0, b.length);
      b = Uint8Array.from([...b.subarray(0, at), ...junk, ...b.subarray(at)]);
      break;
    }
    case 2:
      if (R.chance(0.1)) b = new Uint8Array(0);
      break;
    default:
  }
  return b;
}

/** Every shape by name: an example and more of the same kind, with what both readers say. */
const EXAMPLES: [string, string, Read][] = [
  // accepted shapes
  ['comments ; and #', '; top\n# also\n[a]\n  ; indented comment\nk = v\n', { ok: true, sections: { a: { k: 'v' } } }],
  ['inline comments after bare values', '[a]\nk = v ; c\nl = w # c\nm = x y\t;c\n', { ok: true, sections: { a: { k: 'v', l: 'w', m: 'x y' } } }],
  ['inline comment after a quoted value', '[a]\nk = "v ; not a comment" ; c\nl = "w";c\n', { ok: true, sections: { a: { k: 'v ; not a comment', l: 'w' } } }],
  ['JSON-quoted values with escapes', '[a]\nk = "a\\"b\\\\c\\u00e9\\ud83d\\ude00"\n', { ok: true, sections: { a: { k: 'a"b\\cé😀' } } }],
  ['spaces around =', '[a]\nk=v\nl   =   w\nm\t=\tx\n', { ok: true, sections: { a: { k: 'v', l: 'w', m: 'x' } } }],
  ['empty values', '[a]\nk =\nl = ""\nm = ; c\n', { ok: true, sections: { a: { k: '', l: '', m: '' } } }],
  ['CRLF line ends', '[a]\r\nk = v\r\n[b]\r\nl = "w"\r\n', { ok: true, sections: { a: { k: 'v' }, b: { l: 'w' } } }],
  ['a byte-order mark', '\ufeff[a]\nk = v\n', { ok: true, sections: { a: { k: 'v' } } }],
  ['typed keys with good values', '[callhome]\nport = 22\nenabled = yes\n[master]\nmode = push-token\n[pcap]\nsize_gb = 0\n', { ok: true, sections: { callhome: { port: '22', enabled: 'yes' }, master: { mode: 'push-token' }, pcap: { size_gb: '0' } } }],
  // refused shapes, with the line
  ['duplicate key', '[a]\nk = 1\nk = 2\n', { ok: false, line: 3, error: 'k set again in [a] (first at line 2): keep one' }],
  ['duplicate key (quoted, spaced)', '[ntp]\nservers = "a"\n\nservers="b"\n', { ok: false, line: 4, error: 'servers set again in [ntp] (first at line 2): keep one' }],
  ['duplicate section', '[a]\nk = 1\n[b]\n[a]\n', { ok: false, line: 4, error: 'section [a] again (first at line 1): merge them into one' }],
  ['duplicate section (empty)', '[a]\n[a]\n', { ok: false, line: 2, error: 'section [a] again (first at line 1): merge them into one' }],
  ['key before any section', 'k = 1\n[a]\n', { ok: false, line: 1, error: 'key k before any [section]' }],
  ['key before any section (after a comment)', '; c\ndemo = true\n[appliance]\n', { ok: false, line: 2, error: 'key demo before any [section]' }],
  ['continuation-like line (indented key)', '[a]\nk = 1\n  l = 2\n', { ok: false, line: 3, error: 'an indented line: it reads as the continuation of the line before; remove the indentation' }],
  ['continuation-like line (backslash)', '[a]\nk = a \\\n', { ok: false, line: 2, error: 'the value of k holds " \' \\ ; or # : put the whole value in double quotes, as a JSON string' }],
  ['continuation-like line (indented text)', '[a]\nk = a\n\tb\n', { ok: false, line: 3, error: 'an indented line: it reads as the continuation of the line before; remove the indentation' }],
  ['unquoted value with ; inside', '[a]\nk = a;b\n', { ok: false, line: 2, error: 'the value of k holds " \' \\ ; or # : put the whole value in double quotes, as a JSON string' }],
  ['single-quoted value', "[a]\nk = 'v'\n", { ok: false, line: 2, error: 'the value of k holds " \' \\ ; or # : put the whole value in double quotes, as a JSON string' }],
  ['truncated mid-value (quoted)', '[ntp]\nservers = "0.ubuntu.po', { ok: false, line: 2, error: 'the value of servers is not one complete JSON string ("..." with \\" and \\\\ escapes): unterminated, a bad escape, or text after it' }],
  ['truncated mid-value (bare)', '[callhome]\nhost = callho', { ok: false, line: 2, error: 'the last line does not end with a newline: the file may have been cut short (end it with a newline if it is complete)' }],
  ['truncated mid-section', '[appliance]\nprofile = appliance\n[ca', { ok: false, line: 3, error: 'not a section header: a section is [NAME], NAME of letters, digits, _ . -' }],
  ['0 bytes', '', { ok: false, line: 0, error: 'the file is empty (0 bytes): it was cut short or never written' }],
  ['only a comment', '; Appliance settings. Written only by\n', { ok: false, line: 0, error: 'no [section] in it: the file is empty or was cut short' }],
  ['a lone CR', '[a]\nk = v\rw\n', { ok: false, line: 2, error: 'a carriage return inside the line at column 6' }],
  ['a NUL byte', '[a]\nk = v\0\n', { ok: false, line: 2, error: 'a control character (0x00) at column 6' }],
  ['an escape sequence', '[a]\nk = "\\u001b[2J"\n', { ok: false, line: 2, error: 'the value of k holds a control character' }],
  ['port = abc in [callhome]', '[callhome]\nport = abc\n', { ok: false, line: 2, error: 'in [callhome], port must be a whole number from 1 to 65535, not "abc"' }],
  ['port = abc in [master]', '[master]\nport = "abc"\n', { ok: false, line: 2, error: 'in [master], port must be a whole number from 1 to 65535, not "abc"' }],
  ['port out of range in [partner]', '[partner]\nport = 65536\n', { ok: false, line: 2, error: 'in [partner], port must be a whole number from 1 to 65535, not "65536"' }],
  ['enabled = maybe', '[callhome]\nenabled = maybe\n', { ok: false, line: 2, error: 'in [callhome], enabled must be one of yes, no, not "maybe"' }],
  ['demo = yes', '[appliance]\ndemo = yes\n', { ok: false, line: 2, error: 'in [appliance], demo must be one of true, false, not "yes"' }],
  ['a bad service name', '[services]\nnames = "chrony;reboot"\n', { ok: false, line: 2, error: 'in [services], names must be service names (letters, digits, @ . _ -) separated by spaces, not "chrony;reboot"' }],
];

describe.skipIf(why !== undefined)('appliance.ini: the console and the scripts read every file alike', () => {
  let py: Read[] = [];
  beforeAll(() => {
    py = pyRead(EXAMPLES.map(([, text]) => enc(text)), 'ex'); // one python3 for all of them
  });
  it.each(EXAMPLES.map((e, i) => [...e, i] as const))('%s', (_name, text, expected, i) => {
    expect(tsRead(enc(text))).toEqual(expected);
    expect(py[i]).toEqual(expected);
  });

  it('random bytes: invalid UTF-8 is refused with its line by both', () => {
    const b = Uint8Array.from([...enc('[a]\nk = v\n'), 0xff, 0xfe, 0x0a]);
    const expected: Read = { ok: false, line: 3, error: 'bytes that are not UTF-8 text' };
    expect(tsRead(b)).toEqual(expected);
    expect(pyRead([b], 'bytes')[0]).toEqual(expected);
  });

  it('agree on ≥4000 random files of every shape (and refuse at the same line)', () => {
    const seed = testSeed();
    const R = rng(seed);
    const files = Array.from({ length: 4000 }, () => file(R));
    const py = pyRead(files, 'fuzz');
    const diffs: string[] = [];
    let accepted = 0;
    files.forEach((b, i) => {
      const t = tsRead(b);
      if (t.ok) accepted++;
      if (JSON.stringify(t) !== JSON.stringify(py[i]) && !(t.ok && py[i]!.ok && JSON.stringify(sorted(t)) === JSON.stringify(sorted(py[i]!))))
        diffs.push(`${JSON.stringify(Buffer.from(b).toString('latin1'))}\n  ts: ${JSON.stringify(t)}\n  py: ${JSON.stringify(py[i])}`);
    });
    expect(diffs.slice(0, 5), `seed ${seed}: ${diffs.length} disagreements`).toEqual([]);
    // both kinds are well represented: the fuzz is not all refusals
    expect(accepted, `seed ${seed}`).toBeGreaterThan(400);
    expect(files.length - accepted, `seed ${seed}`).toBeGreaterThan(400);
  });
});

/** The same read with its keys in order (python and JS may list them differently). */
function sorted(r: Read): unknown {
  if (!r.ok || !r.sections) return r;
  return Object.fromEntries(Object.entries(r.sections).sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, kv]) => [s, Object.fromEntries(Object.entries(kv).sort(([a], [b]) => (a < b ? -1 : 1)))]));
}
