// Input decoding: an arrow key whose bytes arrive in two reads (slow SSH) looks like Esc
// followed by "[A". A lone Esc waits a moment for the rest before it counts as Esc.
import type { KeyLike } from './keys.js';

/** How long a lone Esc waits for the rest of a split arrow-key sequence (slow SSH). */
export const ESC_WAIT_MS = 40;

const ARROWS: Record<string, string> = { A: 'up', B: 'down', C: 'right', D: 'left' };

export class EscDecoder {
  private timer: NodeJS.Timeout | undefined;
  private seq: string | undefined;

  /** `emit` gets each key once it is known. */
  constructor(private emit: (ch: string | undefined, key: KeyLike) => void) {}

  /** A key as blessed reports it. */
  feed(ch: string | undefined, key: KeyLike): void {
    // Esc and a key read together (keys sent fast, a slow link delivering two in one read)
    // reach blessed as Alt+key. The console has no Alt bindings: it is Esc, then the key.
    const seq = key.sequence ?? '';
    if (key.meta && seq.length === 2 && seq[0] === '\x1b') {
      this.feed('\x1b', { name: 'escape', full: 'escape' });
      const rest = seq[1]!;
      if (rest === '\x1b') return this.feed('\x1b', { name: 'escape', full: 'escape' });
      const name = key.name ?? rest;
      return this.feed(rest, { name, full: name, ch: rest });
    }
    if (this.seq !== undefined) {
      this.seq += ch ?? '';
      const m = /^[[O]([ABCD])$/.exec(this.seq);
      if (m) {
        this.seq = undefined;
        const name = ARROWS[m[1]!]!;
        return this.emit(undefined, { name, full: name });
      }
      if (this.seq.length >= 2 || !/^[[O]/.test(this.seq)) this.seq = undefined;
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (ch === '[' || ch === 'O') {
        this.seq = ch;
        return;
      }
      this.emit(undefined, { name: 'escape', full: 'escape' });
    }
    if (key.full === 'escape' || key.name === 'escape') {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.emit(undefined, { name: 'escape', full: 'escape' });
      }, ESC_WAIT_MS);
      return;
    }
    this.emit(ch, key);
  }

  /** Whether a lone Esc is still waiting to be decided (the console is not idle). */
  get waiting(): boolean {
    return this.timer !== undefined || this.seq !== undefined;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
