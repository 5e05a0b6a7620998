// Lines of a file read on demand, so the pager shows a large log without loading it: only
// the start offsets of lines seen so far are kept, and only visible lines are read.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';

const CHUNK = 64 * 1024;

export class FileLines {
  private fd: number;
  private starts: number[] = [0];
  private scanned = 0; // bytes scanned for line starts
  private size: number;
  private complete = false;

  /** Opens `path`; throws its errno error (a directory is EISDIR) when it cannot be read. */
  constructor(path: string) {
    this.fd = openSync(path, 'r');
    const st = fstatSync(this.fd);
    if (st.isDirectory()) {
      closeSync(this.fd);
      throw Object.assign(new Error(`EISDIR: ${path} is a directory`), { code: 'EISDIR' });
    }
    this.size = st.size;
    if (this.size === 0) this.complete = true;
  }

  /** Scans until `line` is indexed (or the end); returns whether it exists. */
  private indexTo(line: number): boolean {
    const buf = Buffer.allocUnsafe(CHUNK);
    while (this.starts.length <= line + 1 && !this.complete) {
      const n = readSync(this.fd, buf, 0, CHUNK, this.scanned);
      if (n <= 0) {
        this.complete = true;
        break;
      }
      for (let i = 0; i < n; i++) if (buf[i] === 10 && this.scanned + i + 1 < this.size) this.starts.push(this.scanned + i + 1);
      this.scanned += n;
      if (this.scanned >= this.size) this.complete = true;
    }
    return line < this.starts.length;
  }

  /** Number of lines, when known (after end() or a scan to the end). */
  get total(): number | undefined {
    return this.complete ? (this.size === 0 ? 0 : this.starts.length) : undefined;
  }

  /** How many of the first `n` lines exist (scans only that far). */
  available(n: number): number {
    if (this.size === 0) return 0;
    this.indexTo(n);
    return Math.min(n, this.starts.length);
  }

  count(): number {
    this.indexTo(Number.MAX_SAFE_INTEGER);
    return this.size === 0 ? 0 : this.starts.length;
  }

  lines(start: number, n: number): string[] {
    if (this.size === 0) return [];
    this.indexTo(start + n);
    const out: string[] = [];
    for (let i = start; i < Math.min(start + n, this.starts.length); i++) {
      const a = this.starts[i] ?? 0;
      const b = i + 1 < this.starts.length ? (this.starts[i + 1] ?? this.size) : this.size;
      const len = Math.min(b - a, 4096); // a very long line is cut, not loaded whole
      const buf = Buffer.allocUnsafe(len);
      readSync(this.fd, buf, 0, len, a);
      out.push(buf.toString('utf8').replace(/\r?\n$/, ''));
    }
    return out;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}
