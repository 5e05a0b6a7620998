// The single executable's large assets read from its file with read(2) instead of through
// node:sea's mapping. node:sea hands out an asset as the executable's mapped pages: once read,
// those pages stay in the process's RSS for its whole life (the second stage's source and code
// cache: 2.3 MB, measured), although V8 needs the cache only while it compiles and keeps its own
// copy of the source. Read into memory of our own, the cache is freed once compiled and no page of
// the file is mapped. Where the blob is in the file: the ELF note Node's single-executable support
// puts it in (postject: a note named NODE_SEA_BLOB, elf(5)), and the blob's layout is
// node_sea.cc's SeaSerializer (magic, flags, then length-prefixed code path, snapshot, code cache
// and assets). Anything not as expected: undefined, and the caller maps the asset as before.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

/** node_sea.cc kMagic and its flags (SeaFlags). */
const SEA_MAGIC = 0x143da20;
const USE_CODE_CACHE = 1 << 2;
const INCLUDE_ASSETS = 1 << 3;
const NOTE_NAME = 'NODE_SEA_BLOB';
/** More assets than this: node:sea maps them instead (see seaAssets on hot loops). */
const MAX_ASSETS = 32;

/** Reads `length` bytes at `offset` of an open file; throws when the file is shorter. */
function pread(fd: number, offset: number, length: number): Buffer {
  const b = Buffer.allocUnsafeSlow(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, b, done, length - done, offset + done);
    if (n <= 0) throw new Error('short read');
    done += n;
  }
  return b;
}

/** A note's name or description size padded to 4 bytes (elf(5)); in numbers, not 32-bit ints. */
const padded = (n: number): number => Math.ceil(n / 4) * 4;

/** A little-endian 64-bit length as a number (never above 2^53 in a file we can read). */
const u64 = (b: Buffer, at: number): number => b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 2 ** 32;

/**
 * Offset and length of the single-executable blob in the executable file, or undefined. The blob
 * is an ELF note of its own segment, mapped read-only: /proc/self/maps names that mapping's file
 * offset (the segment's start, so the note's), and only that page is read. Reading the ELF headers
 * instead would read pages amid the program's code, and the kernel's readahead would then map more
 * of it into every start (measured: 3.3 MB).
 */
function blobOf(fd: number): { offset: number; length: number } | undefined {
  const ino = fstatSync(fd).ino;
  // the executable's read-only, non-executable mappings; the notes' segment is the last of them
  let start = -1;
  let size = 0;
  for (const line of readFileSync('/proc/self/maps', 'latin1').split('\n')) {
    const f = line.split(/\s+/);
    const offset = parseInt(f[2] ?? '', 16);
    if (f[1] !== 'r--p' || Number(f[4]) !== ino || offset <= start) continue;
    const [from, to] = (f[0] ?? '').split('-').map((a) => parseInt(a, 16));
    start = offset;
    size = (to ?? 0) - (from ?? 0);
  }
  // its notes (the build id, the ABI tag, the blob), each: namesz, descsz, type, then the name
  // and the description, each padded to 4 bytes
  const end = start + size;
  for (let at = start; start >= 0 && at + 12 + 16 <= end; ) {
    const n = pread(fd, at, 12 + 16);
    const namesz = n.readUInt32LE(0);
    const descsz = n.readUInt32LE(4);
    const desc = at + 12 + padded(namesz);
    // sizes past the segment: not notes as elf(5) has them (and the walk must move on)
    if (desc + padded(descsz) > end) return undefined;
    if (namesz === NOTE_NAME.length + 1 && n.toString('latin1', 12, 12 + NOTE_NAME.length) === NOTE_NAME) return { offset: desc, length: descsz };
    at = desc + padded(descsz);
  }
  return undefined;
}

/** Offset and length in the executable file of every asset of its single-executable blob, or undefined. Walks the blob's headers only: the snapshot and the assets themselves are skipped by their lengths. */
function assetsAt(fd: number): Map<string, { offset: number; length: number }> | undefined {
  const blob = blobOf(fd);
  if (!blob) return undefined;
  const end = blob.offset + blob.length;
  const head = pread(fd, blob.offset, 8);
  if (head.readUInt32LE(0) !== SEA_MAGIC) return undefined;
  const flags = head.readUInt32LE(4);
  if (!(flags & INCLUDE_ASSETS)) return undefined;
  let at = blob.offset + 8;
  const scratch = Buffer.allocUnsafeSlow(4096);
  const skip = (): { offset: number; length: number } => {
    if (readSync(fd, scratch, 0, 8, at) !== 8) throw new Error('short read');
    const length = u64(scratch, 0);
    const offset = at + 8;
    at = offset + length;
    if (at > end) throw new Error('past the blob');
    return { offset, length };
  };
  skip(); // the main script's path
  skip(); // the main script, or the snapshot
  if (flags & USE_CODE_CACHE) skip();
  const count = u64(pread(fd, at, 8), 0);
  at += 8;
  // a handful (packaging/build-exe.mjs packs the first frames into one): a walk of hundreds would be a hot loop
  if (count > MAX_ASSETS) return undefined;
  const found = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < count; i++) {
    const k = skip();
    if (k.length > scratch.length || readSync(fd, scratch, 0, k.length, k.offset) !== k.length) return undefined;
    const key = scratch.toString('utf8', 0, k.length);
    found.set(key, skip());
  }
  return found;
}

/** node:sea, as much of it as the first stage uses. */
export interface Sea {
  getAsset(key: string, encoding: 'utf8'): string;
  getRawAsset(key: string): ArrayBuffer;
}

/** The executable's assets as the first stage reads them. */
export interface Assets {
  /** An asset as UTF-8 text; throws as node:sea does for a key that is not one. */
  text(key: string): string;
  /** `length` bytes of an asset from byte `start`, as UTF-8 text (one record of a packed asset). */
  slice(key: string, start: number, length: number): string;
  /** An asset's bytes, in a buffer of their own; throws as node:sea does for a key that is not one. */
  bytes(key: string): Buffer;
  /** Whether every asset so far was read from the file (no page of it mapped). */
  readonly read: boolean;
}

/**
 * An asset's text. (Read in chunks and joined instead of from one buffer, measured: 1.3 MB more RSS,
 * the chunks left in V8's old space.)
 */
const textOf = (b: Buffer): string => b.toString('utf8');

/**
 * The running executable's assets read from its file (/proc/self/exe: the file this process runs,
 * even once an upgrade has renamed a new one over its path) with read(2), each checked against
 * node:sea's length for it (which maps no page); where that cannot be done (no /proc, another
 * layout, `mapped`), through node:sea. The table of where the assets lie is read once, at the
 * first asset asked for. No hot loop runs here: V8's optimizing compilers, which the first stage
 * still has (src/sea1.ts leanHeap), would map megabytes of their code (measured: 6.8 MB for a loop
 * of 400 reads). Never throws but for a key that is not an asset.
 */
export function seaAssets(sea: Sea, mapped = false): Assets {
  let table: Map<string, { offset: number; length: number }> | undefined | null = mapped ? undefined : null;
  const fromFile = (key: string, start = 0, length?: number): Buffer | undefined => {
    if (table === undefined) return undefined;
    let fd: number | undefined;
    try {
      fd = openSync('/proc/self/exe', 'r');
      if (table === null) table = assetsAt(fd);
      const at = table?.get(key);
      // node:sea's view of the asset is its mapping: its length is known without touching a page
      if (!at || sea.getRawAsset(key).byteLength !== at.length) return undefined;
      const n = length ?? at.length - start;
      if (start < 0 || n < 0 || start + n > at.length) return undefined;
      return pread(fd, at.offset + start, n);
    } catch {
      table = undefined; // one failure: node:sea from now on
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
  const assets = {
    read: !mapped,
    bytes(key: string): Buffer {
      const b = fromFile(key);
      if (b) return b;
      assets.read = false;
      return Buffer.from(sea.getRawAsset(key));
    },
    text(key: string): string {
      const b = fromFile(key);
      if (b) return textOf(b);
      assets.read = false;
      return sea.getAsset(key, 'utf8');
    },
    slice(key: string, start: number, length: number): string {
      const b = fromFile(key, start, length);
      if (b) return textOf(b);
      assets.read = false;
      return Buffer.from(sea.getRawAsset(key), start, length).toString('utf8');
    },
  };
  return assets;
}
