// The installed executable's two-stage start: the first stage writes the console's first frame
// from a template recorded at build time (src/ui/firstframe.ts); the console (second stage) then
// draws its own first frame and checks it against what is on the terminal. Here both are made for
// real hosts and demo roots, on two TERMs, three sizes and both character sets: the bytes must
// be the same, so the terminal (an @xterm/headless one here, compared cell by cell) shows exactly
// the console's own frame and the console's first draw writes nothing more.
import { describe, expect, it } from 'vitest';
import xterm from '@xterm/headless';
import { firstFrame } from '../../src/ui/firstframe.js';
import { frameTemplate, recordFirstFrame } from '../../src/ui/firstframe-record.js';

const { Terminal } = xterm as unknown as { Terminal: typeof import('@xterm/headless').Terminal };

async function cells(data: string, cols: number, rows: number): Promise<string[]> {
  const t = new Terminal({ cols, rows, allowProposedApi: true, convertEol: true });
  await new Promise<void>((r) => t.write(data, r));
  const b = t.buffer.active;
  const out: string[] = [];
  for (let y = 0; y < rows; y++) {
    const line = b.getLine(y)!;
    for (let x = 0; x < cols; x++) {
      const c = line.getCell(x)!;
      out.push(`${x},${y}:${c.getChars() || ' '}:${c.getFgColor()}/${c.getBgColor()}:${c.isBold()}${c.isInverse()}${c.isUnderline()}`);
    }
  }
  out.push(`cursor ${b.cursorX},${b.cursorY}`);
  t.dispose();
  return out;
}

const cases: [profile: 'appliance' | 'vsensor', term: string, cols: number, rows: number, utf8: boolean, host: string, root: string | undefined][] = [
  ['appliance', 'xterm-256color', 80, 24, true, 'dt-1234-01', '/tmp/confconsole-bench-x/root'],
  ['appliance', 'linux', 80, 24, false, 'sensor7.example.net', undefined],
  ['vsensor', 'linux', 80, 25, true, 'vsensor-demo', '/home/console/.local/state/confconsole/demo-root'],
  ['vsensor', 'xterm-256color', 132, 43, false, 'a', undefined],
  ['appliance', 'xterm-256color', 100, 37, true, 'probe-with-a-rather-long-host-name-01', '/a/very/long/demo/root/path/that/the/title/bar/cannot/show/whole'],
];

describe('first frame of the two-stage start', () => {
  it.each(cases)('%s on %s %ix%i (UTF-8 %s), host %s, demo root %s: the same bytes and cells as the console draws', async (profile, term, cols, rows, utf8, host, root) => {
    const t = await frameTemplate(profile, term, cols, rows, utf8);
    const replayed = firstFrame(t, host, root);
    const real = await recordFirstFrame(profile, term, cols, rows, utf8, { hostname: host, ...(root ? { demoRoot: root } : {}), raw: false });
    const drawn = real.writes.map((w) => w.text).join('');
    expect(replayed).toBeDefined();
    expect(await cells(replayed!, cols, rows)).toEqual(await cells(drawn, cols, rows));
    expect(replayed).toBe(drawn);
  });

  it('refuses what it cannot write exactly: names with escapes, braces or non-ASCII', async () => {
    const t = await frameTemplate('appliance', 'xterm-256color', 80, 24, true);
    for (const host of ['bad\x1b[2Jhost', 'host{bold}', 'hôte', '']) expect(firstFrame(t, host, undefined)).toBeUndefined();
    expect(firstFrame(t, 'ok', '/tmp/\u00e9')).toBeUndefined();
  });
});
