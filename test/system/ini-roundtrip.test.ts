// Property: whatever the scripts write with `ini_set` (sbin/lib/ini.sh → ccini.py), the console
// reads back unchanged (parseIni, src/system/ccini.ts), and `ini_get` too: NTP server lists the
// validators accept, printable ASCII full of ; # = " \ [ ] and padding spaces, and Unicode. Every
// other byte of the file is kept; a damaged file is refused and left as it was.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIni, parseSettings } from '../../src/system/settings.js';
import { ntpServers } from '../../src/rules/ntp.js';
import { missing } from '../support/requires.js';
import { ODD, hostileString, serverWord } from './gen.js';
import { SBIN, bashRecords, rng, testSeed } from './helpers.js';

const why = missing('system: INI round trip', ['bash', 'python3']);

const dir = mkdtempSync(join(tmpdir(), 'cc-ini-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starting files: replace in place (with a decoy key in another section), append, empty. */
const BASES = [
  '; settings\n[appliance]\nprofile = appliance\n\n[other]\nservers = "decoy"\n\n[ntp]\nservers="old = value ; x"\nkeep = yes\n\n[services]\nnames = "chrony x-core"\n',
  '[appliance]\nprofile = appliance\n\n[services]\nnames = "chrony x-core"\n',
  '',
];

interface Case {
  value: string;
  base: number;
  /** a value written first, then replaced by `value` */
  before?: string;
}

/**
 * Writes every case with ini_set into its own file (one bash per batch, values passed as
 * arguments: never part of the command text) and returns what ini_get reads back.
 */
function writeAll(cases: Case[], batch: string): Promise<string[]> {
  const files = cases.map((c, i) => {
    const f = join(dir, `${batch}-${i}.ini`);
    writeFileSync(f, BASES[c.base]!);
    return f;
  });
  const args = cases.flatMap((c, i) => [files[i]!, c.before === undefined ? '0' : '1', c.before ?? '', c.value]);
  const prog = `. "$SBIN/lib/common.sh" || exit 9
while (($#)); do
  f=$1 twice=$2 first=$3 v=$4; shift 4
  if ((twice)); then ini_set "$f" ntp servers "$first" || exit 8; fi
  ini_set "$f" ntp servers "$v" || exit 7
  printf '%s\\0' "$(ini_get "$f" ntp servers)"
done`;
  return bashRecords(prog, args, 'ini-roundtrip');
}

const EDGES = [
  '', ' ', '  ', '"', '""', '"a"', "'a'", "'", '\\', '\\\\', '\\"', '\\n', '\\t', '\\u0041', '\\;', '\\#',
  ';', '#', '=', '[', ']', '[ntp]', ' [ntp] ', 'servers = x', 'a ; b # c = d', 'x"y', ' lead', 'trail ',
  '=a=b=', '["]', '0', '-1', '{}', '[]', '1e5', 'ntp.example.org ;comment', '"quoted" tail', 'a\\', '\\a',
];

/** A write is a python3 (sbin/lib/ccini.py): hundreds of them need more than the default minute on a busy machine. */
const SLOW = 300_000;

describe.skipIf(why !== undefined)('INI written by ini_set, read by the console', () => {
  it('round-trips ≥150 random NTP server lists and hostile strings through ini_set → ini / ini_get', async () => {
    const seed = testSeed();
    const R = rng(seed);
    const values: string[] = [...EDGES];
    // server lists the console accepts: the canonical form it stores, and the raw input typed
    while (values.length < EDGES.length + 60) {
      const raw = Array.from({ length: R.int(1, 8) }, () => serverWord(R)).join(R.pick([' ', ', ', ',', '  ']));
      const r = ntpServers(raw);
      if (!r.ok) continue; // e.g. the same server twice
      values.push(r.value.join(' '));
      if (R.chance(0.3)) values.push(raw);
    }
    while (values.length < EDGES.length + 120) values.push(hostileString(R));
    // Unicode a person can paste (no control characters: ini_set refuses those, test below)
    for (const odd of ODD.filter((c) => !/[\x00-\x1f\x7f-\x9f]/.test(c))) values.push(`a${odd}b`, `${odd} x`);
    const cases: Case[] = values.map((value, i) => ({
      value,
      base: i % BASES.length,
      before: R.chance(0.25) ? hostileString(R) : undefined,
    }));

    // 4 batches in parallel (2 cores): each bash writes ~100 files
    const batches = [0, 1, 2, 3].map((b) => cases.filter((_, i) => i % 4 === b));
    const got = await Promise.all(batches.map((cs, b) => writeAll(cs, `b${b}`)));

    const failures: string[] = [];
    batches.forEach((cs, b) =>
      cs.forEach((c, i) => {
        const text = readFileSync(join(dir, `b${b}-${i}.ini`), 'utf8');
        const parsed = parseIni(text);
        const show = `${JSON.stringify(c.value)}${c.before !== undefined ? ` (after ${JSON.stringify(c.before)})` : ''} in\n${text}`;
        if (parsed.ntp?.servers !== c.value) failures.push(`ini read ${JSON.stringify(parsed.ntp?.servers)} for ${show}`);
        if (got[b]![i] !== c.value) failures.push(`ini_get read ${JSON.stringify(got[b]![i])} for ${show}`);
        // one servers line in [ntp], nothing else changed
        if ((text.match(/^servers ?=/gm) ?? []).length !== (c.base === 0 ? 2 : 1)) failures.push(`servers lines: ${show}`);
        if (c.base !== 2) {
          if (parsed.appliance?.profile !== 'appliance') failures.push(`[appliance] lost: ${show}`);
          if (parsed.services?.names !== 'chrony x-core') failures.push(`[services] lost: ${show}`);
        }
        if (c.base === 0 && (parsed.other?.servers !== 'decoy' || parsed.ntp?.keep !== 'yes')) failures.push(`other keys changed: ${show}`);
      }),
    );
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(failures.slice(0, 10), `seed ${seed}: ${failures.length} failures`).toEqual([]);
  }, SLOW);

  it('server lists read back by parseSettings are exactly what ntpServers accepted', async () => {
    const seed = testSeed() + 1;
    const R = rng(seed);
    const lists: string[][] = [];
    while (lists.length < 20) {
      const r = ntpServers(Array.from({ length: R.int(1, 8) }, () => serverWord(R)).join(' '));
      if (r.ok) lists.push(r.value);
    }
    const cases: Case[] = lists.map((l) => ({ value: l.join(' '), base: 1 }));
    await writeAll(cases, 'settings');
    lists.forEach((list, i) => {
      const s = parseSettings(readFileSync(join(dir, `settings-${i}.ini`), 'utf8'));
      expect(s.ntp.servers, `seed ${seed}`).toEqual(list);
      expect(ntpServers(s.ntp.servers.join(' '))).toEqual({ ok: true, value: list }); // stable
    });
  }, SLOW);

  it('the demo switch as a script writes it: inside [appliance], right after its last key', async () => {
    const cases: Case[] = ['true', 'false', 'null'].map((value) => ({ value, base: 1 }));
    const got = await writeAll(cases, 'flags');
    expect(got).toEqual(['true', 'false', 'null']);
    const read = (i: number) => parseIni(readFileSync(join(dir, `flags-${i}.ini`), 'utf8')).ntp?.servers;
    expect([read(0), read(1), read(2)]).toEqual(['true', 'false', 'null']);
    const f = join(dir, 'demo.ini');
    writeFileSync(f, BASES[1]!);
    expect(await bash('ini_set "$1" appliance demo true', f)).toBe(0);
    const text = readFileSync(f, 'utf8');
    // the blank line before [services] stays
    expect(text).toMatch(/^\[appliance\]\nprofile = appliance\ndemo = "true"\n\n\[services\]\n/);
    expect(parseSettings(text).appliance.demo).toBe(true);
  });

  it('keeps every other byte: CRLF, a BOM, comments, odd spacing, other sections', async () => {
    const shapes = [
      '\ufeff; hand-edited\r\n[appliance]\r\nprofile=appliance   ; the console\r\n\r\n[ntp]\r\n# servers below\r\nservers = "old"\r\n',
      '[ntp]\n\tk ; not a key: a comment line? no: indented text\n',
      '# top\n[other]\nx = 1\n\n\n[ntp]\nservers=a   # inline\nkeep = "y ; z"\n; tail comment\n',
    ];
    const files = shapes.map((t, i) => {
      const f = join(dir, `keep-${i}.ini`);
      writeFileSync(f, t);
      return f;
    });
    const codes = await Promise.all(files.map((f) => bash('ini_set "$1" ntp servers "new.example"', f)));
    // 1: refused (an indented line), the file as it was
    expect(codes).toEqual([0, 1, 0]);
    expect(readFileSync(files[0]!, 'utf8')).toBe(shapes[0]!.replace('servers = "old"', 'servers = "new.example"'));
    expect(readFileSync(files[1]!, 'utf8')).toBe(shapes[1]);
    expect(readFileSync(files[2]!, 'utf8')).toBe(shapes[2]!.replace('servers=a   # inline', 'servers = "new.example"'));
    expect(parseIni(readFileSync(files[2]!)).ntp).toEqual({ servers: 'new.example', keep: 'y ; z' });
  });

  it('refuses what it could not read back: control characters, a value its key does not allow, a damaged file', async () => {
    const f = join(dir, 'refuse.ini');
    const base = '[callhome]\nport = 22\n';
    const cases: [string, ...string[]][] = [
      ['ini_set "$1" ntp servers "$2"', 'a\x1b]0;title\x07'],
      ['ini_set "$1" ntp servers "$2"', 'a\tb\nc'],
      ['ini_set "$1" callhome port abc'],
      ['ini_set "$1" callhome port 0'],
      ['ini_set "$1" partner enabled maybe'],
    ];
    for (const [prog, ...args] of cases) {
      writeFileSync(f, base);
      expect(await bash(prog, f, ...args), prog).not.toBe(0);
      expect(readFileSync(f, 'utf8'), prog).toBe(base);
    }
    // (0 bytes is refused by the scripts before they stage it: ini_guard, test/system/settings-damage.test.ts)
    for (const damaged of ['[callhome]\nport = 22\nport = 23\n', '[callhome]\nhost = "x', '[callhome]\nport = abc\n']) {
      writeFileSync(f, damaged);
      expect(await bash('ini_set "$1" ntp servers a.example', f), JSON.stringify(damaged)).toBe(1);
      expect(readFileSync(f, 'utf8')).toBe(damaged);
      expect(await bash('v=$(ini_get "$1" callhome port) && exit 0; exit 3', f), JSON.stringify(damaged)).toBe(3);
    }
  });
});

/** Runs a bash program with the scripts' library sourced; values as arguments. → exit code. */
function bash(prog: string, ...args: string[]): Promise<number | null> {
  return new Promise((resolve) =>
    spawn('bash', ['-c', `. "$SBIN/lib/common.sh" || exit 9\n${prog}`, 'ini-test', ...args], { env: { PATH: process.env.PATH, SBIN }, stdio: 'ignore' }).on('close', (c) => resolve(c)),
  );
}
