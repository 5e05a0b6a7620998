#!/usr/bin/env node
// Zeroes the one field of a Node 20 (V8 11.3) start-up snapshot that holds leftover heap bytes, and
// writes the snapshot's checksum again, so that the snapshot is the same bytes wherever it is built.
// The field: max_byte_length of the empty ArrayBuffer behind each small (on-heap) typed array,
// which V8 11.3's builtin allocating it never sets (its raw bytes are whatever the heap held there;
// they depend on the heap's size, i.e. the machine's memory). V8 never reads it for such a buffer:
// it is not resizable, and moving its data off-heap (the first `.buffer`) sets the field. 0 is what
// V8 writes for every other empty buffer. README "The package" (Reproducible) says why.
// Usage: node packaging/snapshot-normalize.mjs FILE   (a SEA blob or a --build-snapshot blob;
// rewritten in place; prints {"matched":N,"zeroed":M} or {"skipped":"why"})
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SEA_MAGIC = 0x0143da20; // node_sea.cc kMagic
const SEA_USE_SNAPSHOT = 1 << 1; // node_sea.h SeaFlags::kUseSnapshot
const SNAPSHOT_MAGIC = 0x0143da19; // node_snapshotable.cc SnapshotData::kMagic

/** V8's snapshot checksum: zlib's adler32 started from 0 (not 1), over the blob after the field. */
function checksum(bytes) {
  let a = 0;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(i + 5552, bytes.length); // zlib's NMAX: no overflow before the modulo
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Where the V8 start-up blob (StartupData) is inside a Node snapshot or SEA blob, or why none. */
function locate(buf) {
  let o = 0;
  const need = (n) => {
    if (o + n > buf.length) throw new Error('not a Node snapshot or single-executable blob (truncated)');
  };
  const size = () => {
    need(8);
    const n = Number(buf.readBigUInt64LE(o));
    o += 8;
    return n;
  };
  need(8);
  if (buf.readUInt32LE(0) === SEA_MAGIC) {
    if ((buf.readUInt32LE(4) & SEA_USE_SNAPSHOT) === 0) return { why: 'the blob has no snapshot (useSnapshot off)' };
    o = 8;
    const path = size(); // the main script's path
    o += path;
    size(); // the main code's length: the snapshot follows
  }
  need(5);
  if (buf.readUInt32LE(o) !== SNAPSHOT_MAGIC) throw new Error('not a Node snapshot or single-executable blob (magic number)');
  o += 4 + 1; // magic, SnapshotMetadata::type
  for (let k = 0; k < 3; k++) {
    const n = size(); // node version, arch, platform
    o += n;
  }
  o += 4 + 4; // the V8 cache version tag, flags
  need(4);
  const length = buf.readInt32LE(o);
  o += 4;
  need(Math.max(length, 76)); // the V8 header (through its version string) and the whole blob
  return { start: o, end: o + length };
}

/**
 * Takes a Node 20 SEA blob or `--build-snapshot` blob (a Buffer, changed in place); returns how many
 * on-heap typed arrays' buffers it found (matched) and whose max_byte_length was not 0 (zeroed), or
 * `skipped` when the V8 is not 11.3 (another V8 may lay objects out otherwise: nothing is touched).
 * Throws when the stored checksum is not V8's checksum of the blob (the format is not understood).
 */
export function normalizeSnapshot(buf) {
  const at = locate(buf);
  if (at.why) return { skipped: at.why };
  const { start, end } = at;
  // V8 snapshot header (snapshot.cc): contexts u32, rehashability u32, checksum u32, version 64 bytes
  const version = buf.toString('latin1', start + 12, start + 76).replace(/\0+$/, '');
  if (!version.startsWith('11.3.')) return { skipped: `V8 ${version}, not 11.3` };
  if (checksum(buf.subarray(start + 12, end)) !== buf.readUInt32LE(start + 8)) throw new Error(`V8 ${version} snapshot: the stored checksum is not adler32 from 0 over the blob (format not understood)`);
  // One JSArrayBuffer, as V8 11.3 serializes it: kNewObject(old space), size 11 words, its map (a hot
  // object 0x90-0x97 or kBackref 0x03 + index), properties and elements (repeat 2 × root 0x1d, the empty
  // fixed array), detach key (root 4, undefined), kFixedRawData 7 words: byte_length, max_byte_length,
  // backing store ref, extension, bit_field (+padding), two embedder fields.
  const body = Buffer.from([0x80, 0x5d, 0x44, 0x66]);
  const header = (i) => {
    if (buf[i - 1] >= 0x90 && buf[i - 1] <= 0x97) return buf[i - 2] === 0x2c && buf[i - 3] === 0x01;
    for (let n = 1; n <= 4; n++) if ((buf[i - n] & 3) === n - 1 && buf[i - n - 1] === 0x03 && buf[i - n - 2] === 0x2c && buf[i - n - 3] === 0x01) return true;
    return false;
  };
  let matched = 0;
  let zeroed = 0;
  for (let i = buf.indexOf(body, start); i !== -1 && i + 4 + 56 <= end; i = buf.indexOf(body, i + 4)) {
    if (!header(i)) continue;
    const w = (k) => buf.readBigUInt64LE(i + 4 + 8 * k);
    // empty (byte_length 0, backing store ref 0 = none, no extension), bit_field is_external|is_detachable
    // (what the on-heap allocation sets), embedder fields Smi 0
    if (w(0) !== 0n || w(2) !== 0n || w(3) !== 0n || w(4) !== 3n || w(5) !== 0n || w(6) !== 0n) continue;
    matched++;
    if (w(1) === 0n) continue;
    buf.writeBigUInt64LE(0n, i + 4 + 8);
    zeroed++;
  }
  if (zeroed > 0) buf.writeUInt32LE(checksum(buf.subarray(start + 12, end)), start + 8);
  return { matched, zeroed };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: snapshot-normalize.mjs FILE\n');
    process.exit(2);
  }
  try {
    const buf = readFileSync(file);
    const r = normalizeSnapshot(buf);
    if (r.zeroed) writeFileSync(file, buf);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } catch (e) {
    process.stderr.write(`snapshot-normalize: ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
