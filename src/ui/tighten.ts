// Fewer bytes for the same screen: blessed's draw output rewritten before it reaches the
// terminal (an SSH link or a 9600-baud serial console pays for every byte). blessed's own diff
// already writes only the cells that changed; what it writes for them is wasteful:
//  - each changed row starts with a move to its first column, then a move to the first changed
//    cell: only the last of consecutive moves is needed (a relative move after an absolute one
//    is folded into it);
//  - every run ends with a reset (`ESC[m`) and the next run sets its attributes again: the reset
//    is folded into the next SGR (`ESC[0;…m`), and dropped before the closing restore-cursor
//    (DECRC restores the attributes DECSC saved);
//  - a run of spaces (a highlighted menu row is mostly spaces, so is a background row) is
//    written as ECH (erase characters, which does not move the cursor) when the terminal has it,
//    plus a move over the erased cells only when something is written right after them. ECH
//    clears to the current background on a back-colour-erase terminal (terminfo `bce`), and to
//    the default background elsewhere; inverse, underline, blink, hidden or struck-out spaces are
//    never erased this way (an erased cell has none of those).
// Only sequences known here are rewritten; anything else is passed on unchanged, and ends every
// pending rewrite first, so the terminal ends in the same state as with blessed's own output.

/** What the terminal's terminfo says it can do. */
export interface TightenCaps {
  /** `ech`: ESC[nX erases n characters from the cursor without moving it. */
  ech: boolean;
  /** `bce`: erased cells take the current background colour. */
  bce: boolean;
}

// CSI with parameters and a final byte, DECSC/DECRC, a charset designation, any other escape,
// a run of spaces, a run of other characters without ESC.
const TOKEN = /\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b([78])|\x1b[()*+][ -~]|\x1b[ -~]?| +|[^\x1b ]+/g;

/** Whether spaces written under these SGR parameters look the same as cells erased by ECH. */
function erasable(sgr: number[], caps: TightenCaps): boolean {
  let bg = false;
  for (let i = 0; i < sgr.length; i++) {
    const p = sgr[i]!;
    if (p === 38 || p === 48) {
      // extended colour: 38;5;n or 38;2;r;g;b
      const n = sgr[i + 1] === 5 ? 2 : sgr[i + 1] === 2 ? 4 : 0;
      if (p === 48) bg = true;
      i += n;
    } else if (p === 4 || p === 5 || p === 7 || p === 8 || p === 9) return false;
    else if ((p >= 40 && p <= 47) || (p >= 100 && p <= 107)) bg = true;
    else if (p === 49) bg = false;
  }
  return !bg || caps.bce;
}

/** SGR parameters in effect after `params` (a string like "1;44;37", "" for a reset). */
function applySgr(current: number[], params: string): number[] {
  const ps = params === '' ? [0] : params.split(';').map((x) => (x === '' ? 0 : Number(x)));
  let out = current;
  for (let i = 0; i < ps.length; i++) {
    if (ps[i] === 0) out = [];
    else out = [...out, ps[i]!];
  }
  return out;
}

/**
 * Rewrites one chunk of blessed's draw output (`out`) into fewer bytes with the same effect on a
 * terminal with `caps`. The chunk must start with the terminal's attributes reset (blessed's
 * draw ends every row with a reset, and its chunk with a restore-cursor).
 */
export function tighten(out: string, caps: TightenCaps): string {
  let res = '';
  /** SGR parameters in effect on the terminal after what `res` holds. */
  let sgr: number[] = [];
  /** Spaces not written yet (written before any reset or move pending below). */
  let spaces = 0;
  /** A reset seen, not written yet. */
  let reset = false;
  /** Cursor moves seen, not written yet: an absolute one (row, col 1-based) then relative columns. */
  let moves: string[] = [];
  let at: { row: number; col: number } | undefined;

  const flushSpaces = (thenMove: boolean): void => {
    if (spaces === 0) return;
    const n = spaces;
    spaces = 0;
    if (caps.ech && erasable(sgr, caps)) {
      const ech = `\x1b[${n}X`;
      // a move follows: the cursor need not pass the erased cells
      if (thenMove && ech.length < n) return void (res += ech);
      const cuf = `\x1b[${n}C`;
      if (ech.length + cuf.length < n) return void (res += ech + cuf);
    }
    res += ' '.repeat(n);
  };
  const flushMoves = (): void => {
    res += moves.join('');
    moves = [];
    at = undefined;
  };
  const flushReset = (): void => {
    if (!reset) return;
    res += '\x1b[m';
    sgr = [];
    reset = false;
  };
  const flushAll = (): void => {
    flushSpaces(false);
    flushReset();
    flushMoves();
  };

  for (const m of out.matchAll(TOKEN)) {
    const tok = m[0];
    const [, params, inter, final, decsc] = m;
    if (final !== undefined && inter === '' && final === 'm' && params !== undefined && /^[\d;]*$/.test(params)) {
      const next = applySgr([], params);
      if (next.length === 0) {
        // a reset: written when something needs it
        reset = true;
        continue;
      }
      // the spaces before it were written under the attributes in effect
      flushSpaces(false);
      if (reset) {
        // the pending reset goes into this SGR (unless it starts with its own)
        res += /^0*(;|$)/.test(params) ? tok : `\x1b[0;${params}m`;
        sgr = applySgr([], params);
        reset = false;
      } else {
        res += tok;
        sgr = applySgr(sgr, params);
      }
      continue;
    }
    if (final === 'H' && inter === '' && params !== undefined && /^\d+;\d+$/.test(params)) {
      // an absolute move replaces the moves before it
      flushSpaces(true);
      const [row, col] = params.split(';').map(Number) as [number, number];
      moves = [tok];
      at = { row, col };
      continue;
    }
    if (final === 'C' && inter === '' && params !== undefined && /^\d*$/.test(params)) {
      flushSpaces(false);
      const n = params === '' ? 1 : Number(params);
      if (at) {
        at = { row: at.row, col: at.col + n };
        moves = [`\x1b[${at.row};${at.col}H`];
      } else moves.push(tok);
      continue;
    }
    if (decsc === '8') {
      // restore cursor: position and attributes come back from the save, so pending moves and
      // resets are moot; the spaces are content and are written
      flushSpaces(true);
      moves = [];
      at = undefined;
      reset = false;
      res += tok;
      sgr = [];
      continue;
    }
    if (tok[0] === ' ' && tok.trim() === '') {
      if (reset || moves.length > 0) flushAll();
      spaces += tok.length;
      continue;
    }
    // text or an escape not known here: everything pending first, in order
    flushAll();
    res += tok;
    // an SGR not understood here (colons, private forms): nothing is known to be erasable
    if (final === 'm') sgr = [7];
  }
  flushAll();
  return res;
}
