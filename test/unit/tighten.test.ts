// The rewrite of blessed's draw output (src/ui/tighten.ts): fewer bytes, and the same screen. Each
// case is drawn twice in an @xterm/headless terminal (a bce terminal with ECH, as xterm), once as
// blessed wrote it and once rewritten, and every cell must look the same: its character (a written
// space and an erased cell are both blank), its background, and for a non-blank its foreground
// and attributes; the cursor ends in the same place.
import { describe, expect, it } from 'vitest';
import xterm from '@xterm/headless';
import { tighten, type TightenCaps } from '../../src/ui/tighten.js';

const { Terminal } = xterm as unknown as { Terminal: typeof import('@xterm/headless').Terminal };
const COLS = 40;
const ROWS = 8;

async function screenOf(data: string): Promise<string[]> {
  const t = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  await new Promise<void>((r) => t.write(data, r));
  const b = t.buffer.active;
  const out: string[] = [];
  for (let y = 0; y < ROWS; y++) {
    const line = b.getLine(y)!;
    for (let x = 0; x < COLS; x++) {
      const c = line.getCell(x)!;
      const ch = c.getChars() || ' ';
      const bg = c.isInverse() ? `inv${c.getFgColor()}/${c.getBgColor()}` : c.isBgDefault() ? 'd' : String(c.getBgColor());
      const looks = ch === ' ' && !c.isInverse() && !c.isUnderline() ? '' : `${c.isFgDefault() ? 'd' : c.getFgColor()}${c.isBold() ? 'b' : ''}${c.isUnderline() ? 'u' : ''}`;
      out.push(`${x},${y}:${ch}:${bg}:${looks}`);
    }
  }
  out.push(`cursor ${b.cursorX},${b.cursorY}`);
  t.dispose();
  return out;
}

const XTERM: TightenCaps = { ech: true, bce: true };

async function same(raw: string, caps: TightenCaps = XTERM): Promise<string> {
  const tight = tighten(raw, caps);
  // the rewrite starts from a known state: attributes reset, as blessed's chunks do
  expect(await screenOf(tight)).toEqual(await screenOf(raw));
  return tight;
}

describe('tighten: blessed draw output in fewer bytes, same screen', () => {
  it("a menu's Down key (two highlighted rows swap): moves folded, resets merged, the spaces erased", async () => {
    const row = (y: number, sgr: string, text: string) => `\x1b[${y};1H\x1b[${y};5H\x1b[${sgr}m${text.padEnd(32)}\x1b[m`;
    const raw = `\x1b7${row(3, '47;30', '1. Networking')}${row(4, '1;44;37', '2. Healthcheck')}\x1b8`;
    const tight = await same(raw);
    expect(tight).toBe('\x1b7\x1b[47;30m\x1b[3;5H1. Networking\x1b[19X\x1b[0;1;44;37m\x1b[4;5H2. Healthcheck\x1b[18X\x1b8');
    expect(tight.length).toBeLessThan(raw.length);
  });

  it('a background row, a box row with spaces between borders, a button in inverse', async () => {
    const raw =
      `\x1b7\x1b[1;1H\x1b[44m${' '.repeat(COLS)}\x1b[m` +
      `\x1b[2;1H\x1b[44m  \x1b[m\x1b[47;30m│ text${' '.repeat(30)}│\x1b[m\x1b[44m  \x1b[m` +
      `\x1b[3;1H\x1b[47;30m${' '.repeat(10)}\x1b[m\x1b[7;47;30m${' '.repeat(6)}< OK >${' '.repeat(6)}\x1b[m\x1b[47;30m${' '.repeat(12)}\x1b[m\x1b8`;
    const tight = await same(raw);
    // inverse spaces are written, never erased
    expect(tight).toContain(`\x1b[0;7;47;30m${' '.repeat(6)}< OK >${' '.repeat(6)}`);
    expect(tight).toContain(`\x1b[${COLS}X`);
    expect(tight.length).toBeLessThan(raw.length * 0.7);
  });

  it('underlined spaces, a relative move, a move that lands where the cursor is, text after spaces on one row', async () => {
    const raw = `\x1b[2;1H\x1b[4m${' '.repeat(12)}\x1b[m\x1b[3;1H\x1b[5Cabc\x1b[m\x1b[4;1Hx${' '.repeat(20)}y\x1b[5;1H\x1b[5;1Hz`;
    const tight = await same(raw);
    expect(tight).toContain(`\x1b[4m\x1b[2;1H${' '.repeat(12)}`);
    expect(tight).toContain('\x1b[3;6Habc');
    expect(tight).toContain('x\x1b[20X\x1b[20Cy');
  });

  it('without ECH (vt100) only moves and resets are rewritten; without bce coloured spaces are written', async () => {
    const raw = `\x1b7\x1b[2;1H\x1b[2;3H\x1b[44m${' '.repeat(20)}\x1b[m\x1b[3;1H${' '.repeat(20)}\x1b[m\x1b8`;
    const vt100 = await same(raw, { ech: false, bce: false });
    expect(vt100).toBe(`\x1b7\x1b[44m\x1b[2;3H${' '.repeat(20)}\x1b[m\x1b[3;1H${' '.repeat(20)}\x1b8`);
    const screen = tighten(raw, { ech: true, bce: false });
    // default-background spaces may be erased; blue ones not
    expect(screen).toContain(`\x1b[44m\x1b[2;3H${' '.repeat(20)}`);
    expect(screen).toContain('\x1b[3;1H\x1b[20X');
  });

  it('sequences it does not know pass unchanged, after what was pending', async () => {
    const raw = `\x1b[?25l\x1b[1;1Habc\x1b[m\x1b(0qqq\x1b(B\x1b[38:5:1m${' '.repeat(10)}\x1b[m\x1b[?25h`;
    const tight = await same(raw);
    expect(tight).toContain('\x1b(0qqq\x1b(B');
    // attributes it cannot read: the spaces are written
    expect(tight).toContain(`\x1b[38:5:1m${' '.repeat(10)}`);
  });

  it('random chunks of the kind blessed writes look the same after the rewrite', async () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const sgrs = ['', '1;44;37', '47;30', '7;47;30', '44', '46;30', '4', '1;47;34', '0;47;30', '38;5;21;48;5;230'];
    // as blessed writes: a row's changes start with a move into the row and never pass its end
    for (let i = 0; i < 80; i++) {
      let raw = rnd(2) ? '\x1b7' : '';
      for (let k = 0; k < 4; k++) {
        let x = rnd(COLS);
        raw += `\x1b[${1 + rnd(ROWS)};${1 + x}H`;
        for (let j = 0; j < 6 && x < COLS; j++) {
          const room = COLS - x;
          const r = rnd(6);
          if (r === 0 && room > 1) {
            const n = 1 + rnd(Math.min(5, room - 1));
            raw += `\x1b[${n}C`;
            x += n;
          } else if (r === 1) raw += `\x1b[${sgrs[rnd(sgrs.length)]}m`;
          else if (r === 2) raw += '\x1b[m';
          else if (r === 3) {
            const n = 1 + rnd(Math.min(14, room));
            raw += ' '.repeat(n);
            x += n;
          } else {
            const t = 'abcdefgh│─'.slice(rnd(5), 5 + rnd(5)).slice(0, room);
            raw += t;
            x += t.length;
          }
        }
        raw += '\x1b[m';
      }
      if (raw.startsWith('\x1b7')) raw += '\x1b8';
      await same(raw);
    }
  });
});
