// Count active devices and Interface stats on a headless terminal at 80x24 (demo appliance:
// the recorded capture and the simulated counters, never the host): the count rises on
// screen while hosts appear and Esc stops it with the hosts seen listed; the stats refresh
// every second with a chart: blessed-contrib's braille line where the terminal shows Unicode,
// the ASCII chart on TERM=linux and without a UTF-8 locale.
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
const lang = process.env.LANG;
afterEach(() => {
  h?.close();
  h = undefined;
  if (lang === undefined) delete process.env.LANG;
  else process.env.LANG = lang;
});

const BRAILLE = /[\u2801-\u28ff]/;
/** The dialog's text as one line (a sentence wrapped over rows is whole again). */
const flat = (x: Harness) => x.lines().map((l) => l.replace(/^\s*│ ?|\s*│\s*$/g, '').trim()).join(' ');
const count = (x: Harness) => Number(/Active devices: (\d+)/.exec(x.text())?.[1] ?? -1);

/**
 * The chart under "receive rate": a round tick on its first row, 0 on its last plot row, the
 * axis and the time under them, and the line (or the ASCII fill) reaching the upper half of the
 * plot rows: the plotted range is the chart's height, not 4 of its 7 rows.
 */
function expectChartUsesItsHeight(lines: string[], axis: '|' | '⡇') {
  const body = lines.map((l) => l.replace(/^\s*│ ?/, '').replace(/\s*│\s*$/, ''));
  const t = body.findIndex((l) => /receive rate/.test(l));
  const zero = body.findIndex((l, i) => i > t && (l.startsWith(` 0${axis}`) || l.startsWith(`0${axis}`)));
  const plot = body.slice(t + 1, zero + 1);
  const screen = lines.join('\n');
  expect(plot.length, screen).toBeGreaterThanOrEqual(4);
  expect(plot[0], screen).toMatch(new RegExp(`^\\d+(\\.\\d+)? ?\\${axis === '|' ? '|' : axis}`));
  expect(body[zero + 1], screen).toMatch(axis === '|' ? /\+-{20,}/ : /⠉{20,}/);
  expect(body[zero + 2], screen).toMatch(/now$/);
  // the highest row with the line: in the upper half of the plot rows (the largest value is at
  // least 2/3 of the axis)
  const marks = axis === '|' ? /#/ : /[\u2801-\u28ff]/;
  const highest = plot.findIndex((l) => marks.test(l.slice(l.indexOf(axis) + 1)));
  expect(highest, screen).toBeGreaterThanOrEqual(0);
  expect(highest, screen).toBeLessThan(plot.length / 2);
}

async function open(x: Harness, key: string) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '1', KEYS.enter);
  await x.waitFor('Interface stats');
  await x.press(key, KEYS.enter);
}

describe.each(['xterm-256color', 'linux'])('traffic screens on TERM=%s at 80x24 (demo)', (terminal) => {
  it('Count active devices: the count rises as hosts appear; Esc stops it and lists them by packets', async () => {
    h = await startConsole({ terminal });
    await open(h, '2');
    // the manual's procedure: Enter, Enter (the capture interface(s), 30 s)
    await h.waitFor('Seconds to listen');
    await h.press(KEYS.enter, KEYS.enter);
    await h.waitFor(/Active devices: [1-9]/, 15_000);
    const first = count(h);
    await h.waitFor(new RegExp(`Active devices: (${first + 1}|${first + 2}|${first + 3}|[1-9]\\d)`), 15_000);
    expect(count(h)).toBeGreaterThan(first);
    expect(h.text()).toMatch(/new: 10\.0\.\d+\.\d+ +52:54:00/);
    await h.press(KEYS.esc);
    await h.waitFor('< OK >', 15_000);
    expect(flat(h)).toMatch(/active devices? seen on eth1 \(DEMO: recorded capture, not this host\) in \d+ s \(stopped early\)/);
    const rows = h.lines().filter((l) => /│ (10\.0\.|fd00)/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    const packets = rows.map((l) => Number(l.split(/\s+/)[3]));
    expect(packets).toEqual([...packets].sort((a, b) => b - a));
    for (const l of h.lines()) expect(l.length).toBeLessThanOrEqual(80);
    // the manual: "Choose OK to return" (to the menu, not to the form)
    expect(h.text()).not.toMatch(/OK runs it again/);
    await h.press(KEYS.enter);
    await h.waitFor('4. NTP Settings');
    expect(h.text()).not.toMatch(/Seconds to listen/);
  }, 60_000);

  it('Count active devices on a chosen interface; a bad name or window is said at its field, kept, and nothing runs', async () => {
    h = await startConsole({ terminal });
    await open(h, '2');
    await h.waitFor('Seconds to listen');
    await h.type('eth 0');
    await h.press(KEYS.enter, KEYS.enter);
    await h.waitFor('An interface name');
    expect(h.text()).toContain('eth 0');
    expect(h.text()).not.toMatch(/Active devices:/);
    // a name this appliance has no interface of: the script's refusal, at the field
    await h.press(KEYS.backspace, KEYS.backspace);
    await h.type('9');
    await h.press(KEYS.enter, KEYS.enter);
    await h.waitFor('there is no interface eth9', 15_000);
    expect(h.text()).not.toMatch(/Active devices:/);
    await h.press(KEYS.backspace);
    await h.type('0');
    await h.press(KEYS.tab);
    for (let i = 0; i < 3; i++) await h.press(KEYS.backspace);
    await h.type('0');
    await h.press(KEYS.enter);
    await h.waitFor('Whole seconds from 1');
    await h.press(KEYS.backspace);
    await h.type('5');
    await h.press(KEYS.enter);
    await h.waitFor(/Active devices: \d+ +\(eth0,/, 15_000);
    await h.waitFor('< OK >', 30_000);
    expect(flat(h)).toMatch(/seen on eth0/);
    await h.press(KEYS.enter);
  }, 60_000);

  it('Interface stats: every interface, refreshed every second, and the chart of the capture port', async () => {
    process.env.LANG = 'C.UTF-8';
    h = await startConsole({ terminal });
    await open(h, '3');
    await h.waitFor(/eth1\* +\d/);
    expect(h.text()).toContain('DEMO: simulated counters');
    expect(h.text()).toMatch(/If +Rx bit\/s +Tx bit\/s +Rx pk\/s +Tx pk\/s +Drops +Errs/);
    expect(h.text()).toMatch(/eth1 receive rate, last 1 min \(Mbit\/s\)/);
    // read again every second: the frames go on without a key
    const frames = h.app.frames;
    await h.waitFor(/eth1\*/, 100);
    const until = Date.now() + 10_000;
    while (h.app.frames < frames + 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(h.app.frames).toBeGreaterThanOrEqual(frames + 2);
    if (terminal === 'linux') {
      expect(h.text()).not.toMatch(BRAILLE);
      expect(h.text()).toMatch(/\|\s*#+ +│/); // the ASCII chart's filled columns end at the right
      expect(h.text()).toMatch(/ +\+-{20,}/);
    } else {
      await h.waitFor(BRAILLE, 10_000); // blessed-contrib's canvas, once two points are in
    }
    expectChartUsesItsHeight(h.lines(), terminal === 'linux' ? '|' : '⡇');
    for (const l of h.lines()) expect(l.length).toBeLessThanOrEqual(80);
    await h.press(KEYS.esc);
    await h.waitFor('4. NTP Settings');
  }, 60_000);
});

it('Interface stats without a UTF-8 locale: the ASCII chart, also on xterm', async () => {
  process.env.LANG = 'C';
  h = await startConsole({ terminal: 'xterm-256color' });
  await open(h, '3');
  await h.waitFor(/eth1\* +\d/);
  const until = Date.now() + 10_000;
  while (h.app.frames < 6 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  expect(h.text()).not.toMatch(BRAILLE);
  expect(h.text()).toMatch(/ +\+-{20,}/);
}, 60_000);
