// packaging/snapshot-normalize.mjs on real Node start-up snapshots (built here with this Node's
// --build-snapshot): the leftover max_byte_length of each small typed array's buffer is zeroed, the
// checksum written again is the one V8 verifies (--verify-snapshot-checksum loads the snapshot; a
// wrong one is refused, so the check is real), the arrays come back with their values, and what is
// not a snapshot or not understood is refused without writing. README "The package" (Reproducible).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const top = new URL('../..', import.meta.url).pathname;
const normalizer = join(top, 'packaging/snapshot-normalize.mjs');
// the checksum is verified only with this V8 flag, which is in the flag hash: build and run with it
const VERIFY = '--verify-snapshot-checksum';

// Before the arrays are made the young generation is filled and collected, so that they are
// allocated over memory that held other objects (the leftover bytes the normalizer zeroes).
const junk = `
const junk = [];
for (let i = 0; i < 200000; i++) junk.push({ s: 'x' + i, n: i });
junk.length = 0;
`;
const entry = `${junk}
globalThis.kept = [new Uint8Array([1, 2, 3, 4]), new Float64Array([0.5, 2]), new Int16Array(3), new Uint8Array(0)];
require('v8').startupSnapshot.setDeserializeMainFunction(() => {
  const k = globalThis.kept;
  process.stdout.write(JSON.stringify(k.map((a) => [a.constructor.name, Array.from(a), a.byteLength, a.buffer.maxByteLength])) + '\\n');
});
`;
const expected = [
  ['Uint8Array', [1, 2, 3, 4], 4, 4],
  ['Float64Array', [0.5, 2], 16, 16],
  ['Int16Array', [0, 0, 0], 6, 6],
  ['Uint8Array', [], 0, 0],
];

let work = '';
let blob = '';
/** Node's own small typed arrays in a snapshot of the same script without the four above. */
let baseline = 0;

const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8', timeout: 120_000 });
const normalize = (file: string) => node([normalizer, file]);

/** The V8 startup data's start and end inside a --build-snapshot blob (SnapshotData::ToBlob). */
function v8Data(buf: Buffer): { start: number; end: number } {
  let o = 4 + 1;
  for (let k = 0; k < 3; k++) o += 8 + Number(buf.readBigUInt64LE(o));
  o += 8;
  return { start: o + 4, end: o + 4 + buf.readInt32LE(o) };
}

describe('the start-up snapshot normalizer', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'cc-snapnorm-'));
    writeFileSync(join(work, 'entry.js'), entry);
    blob = join(work, 'snap.blob');
    const b = node([VERIFY, '--snapshot-blob', blob, '--build-snapshot', 'entry.js']);
    expect(b.status, b.stderr).toBe(0);
    writeFileSync(join(work, 'base.js'), junk);
    const c = node([VERIFY, '--snapshot-blob', 'base.blob', '--build-snapshot', 'base.js']);
    expect(c.status, c.stderr).toBe(0);
    const n = normalize(join(work, 'base.blob'));
    expect(n.status, n.stderr).toBe(0);
    baseline = (JSON.parse(n.stdout) as { matched: number }).matched;
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('zeroes every small typed array buffer’s max_byte_length; V8 verifies the new checksum; the arrays keep their values', () => {
    const r = normalize(blob);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { matched: number; zeroed: number };
    // Node's own on-heap typed arrays and at least the four made above, their leftover bytes not 0
    expect(out.matched).toBeGreaterThanOrEqual(baseline + 4);
    expect(out.zeroed).toBeGreaterThanOrEqual(4);
    const run = node([VERIFY, '--snapshot-blob', blob]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(expected);
    // a second pass finds them all at 0 and leaves the file as it is
    const before = readFileSync(blob);
    const again = normalize(blob);
    expect(JSON.parse(again.stdout)).toEqual({ matched: out.matched, zeroed: 0 });
    expect(readFileSync(blob).equals(before)).toBe(true);
  });

  it('a snapshot whose checksum is wrong: V8 refuses it (so the check above is real) and the normalizer says the format is not understood', () => {
    const buf = readFileSync(blob);
    const { start } = v8Data(buf);
    buf[start + 8]! ^= 1;
    const bad = join(work, 'bad.blob');
    writeFileSync(bad, buf);
    const run = node([VERIFY, '--snapshot-blob', bad]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('VerifyChecksum');
    const r = normalize(bad);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('format not understood');
    expect(readFileSync(bad).equals(buf)).toBe(true);
  });

  it('refuses what is not a snapshot (a script, an empty file, a truncated snapshot), writing nothing', () => {
    const cases = { 'script.blob': Buffer.from(entry), 'empty.blob': Buffer.alloc(0), 'cut.blob': readFileSync(blob).subarray(0, 64) };
    for (const [name, bytes] of Object.entries(cases)) {
      const f = join(work, name);
      writeFileSync(f, bytes);
      const r = normalize(f);
      expect({ name, status: r.status }).toEqual({ name, status: 1 });
      expect(r.stderr).toMatch(/^snapshot-normalize: .*: not a Node snapshot or single-executable blob \((magic number|truncated)\)\n$/);
      expect(readFileSync(f).equals(bytes)).toBe(true);
    }
  });
});
