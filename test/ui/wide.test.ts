// Wide characters (issue 11 item 7): inputs scroll by display width, messages wrap by display
// width, and nothing is drawn past a dialog's border: CJK, emoji (alone, with VS16, ZWJ
// sequences, skin tones, flags) and combining marks, on a terminal with Unicode 6 widths
// (xterm.js' default: emoji narrow) and one with Unicode 11 widths (emoji wide).
import { afterEach, describe, expect, it } from 'vitest';
import type { Rule } from '../../src/rules/validated.js';
import { width } from '../../src/ui/text.js';
import { flowItem, fakeOp, tinyTree } from '../support/fakes.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const COLS = 80;
const ROWS = 24;

/** The dialog's box: its left and right border columns and its top and bottom rows. */
function dialogBox(x: Harness): { left: number; right: number; top: number; bottom: number } {
  const lines = x.lines();
  const top = lines.findIndex((l, y) => y >= 2 && /[┌+]/.test(l));
  let bottom = top + 1;
  while (bottom < lines.length && !/[└+]/.test(lines[bottom] ?? '')) bottom++;
  let left = 0;
  while (left < COLS && !/[┌+]/.test(x.cell(left, top))) left++;
  let right = left + 1;
  while (right < COLS && !/[┐+]/.test(x.cell(right, top))) right++;
  return { left, right, top, bottom };
}

/** Every row of the dialog has its border at the same columns, and nothing is drawn right of it. */
function expectIntact(x: Harness): void {
  const b = dialogBox(x);
  expect(b.right, x.text()).toBeLessThan(COLS);
  for (let y = b.top + 1; y < b.bottom; y++) {
    expect(x.cell(b.left, y), `row ${y} left border:\n${x.text()}`).toMatch(/[│|]/);
    expect(x.cell(b.right, y), `row ${y} right border:\n${x.text()}`).toMatch(/[│|]/);
    for (let c = b.right + 1; c < COLS; c++) expect(x.cell(c, y).trim(), `row ${y} col ${c} past the border:\n${x.text()}`).toBe('');
  }
}

/** Columns of the inverse cells (the cursor) in row y. */
const inverseCols = (x: Harness, y: number): number[] => [...(x.backgrounds()[y] ?? '')].flatMap((c, i) => (c === '#' ? [i] : []));

async function toNtpForm(x: Harness) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '1', KEYS.enter, '4', KEYS.enter, '2', KEYS.enter);
  await x.waitFor('Do you want to change the NTP servers?');
  await x.press('y');
  await x.waitFor('NTP servers (separated by spaces)');
  await x.press('\x05'); // End: the cursor after the current servers
}

/** The row of the form's input line (under its label). */
const inputRow = (x: Harness, label: string): number => x.lines().findIndex((l) => l.includes(label)) + 1;

describe('wide characters', () => {
  it.each(['6', '11'] as const)('46 x 時 typed at the end of the NTP servers field stay inside the box, the cursor too (Unicode %s)', async (unicode) => {
    h = await startConsole({ unicode });
    await toNtpForm(h);
    await h.type('時'.repeat(46));
    expectIntact(h);
    const y = inputRow(h, 'NTP servers (separated by spaces)');
    const b = dialogBox(h);
    const cursor = inverseCols(h, y);
    expect(cursor.length, h.text()).toBeGreaterThan(0);
    expect(Math.max(...cursor)).toBeLessThan(b.right);
    // the end of what was typed is what shows, just before the cursor
    expect(h.cell(cursor[0]! - 2, y)).toBe('時');
    // the refusal names the value; its lines wrap inside the box, none is cut
    await h.press(KEYS.enter);
    await h.waitFor('! ');
    expectIntact(h);
    const message = h.lines().filter((l) => /│ {1,2}\S/.test(l) && l.includes('時'));
    expect(message.length).toBeGreaterThan(1);
  });

  const echo: Rule = (s) => ({ ok: false, message: `Not accepted: ${s}` });
  const tree = tinyTree([
    flowItem('1', 'A text', { kind: 'form', op: fakeOp('x.form', { read: async () => ({ t: '' }), apply: async () => ({ ok: true, summary: 'ok' }) }), fields: [{ name: 't', label: 'Some text', rule: echo, help: 'Anything.' }] }),
  ]);

  it.each([
    ['emoji with VS16 and ZWJ sequences', '❤️👨‍👩‍👧😀👍🏽🇩🇪', '11'],
    ['emoji with VS16 and ZWJ sequences', '❤️👨‍👩‍👧😀👍🏽🇩🇪', '6'],
    ['combining marks', 'e\u0301a\u0308o\u0323', '11'],
    ['full-width and Hangul', 'ＡＢ한국어', '6'],
  ] as const)('%s typed and refused stay inside the box (%s, Unicode %s)', async (_kind, chunk, unicode) => {
    h = await startConsole({ tree, unicode });
    await h.waitFor('1. A text');
    await h.press(KEYS.enter);
    await h.waitFor('Some text');
    const typed = chunk.repeat(Math.ceil(120 / width(chunk)));
    await h.type(typed);
    expectIntact(h);
    const y = inputRow(h, 'Some text');
    const b = dialogBox(h);
    const cursor = inverseCols(h, y);
    expect(cursor.length, h.text()).toBeGreaterThan(0);
    expect(Math.max(...cursor)).toBeLessThan(b.right);
    await h.press(KEYS.enter);
    await h.waitFor('! Not accepted');
    expectIntact(h);
    // Backspace takes a whole character (a grapheme): the field ends with the one before it
    await h.press(KEYS.backspace);
    expectIntact(h);
  });

  it('combining marks take no cell: the field shows as many letters as columns', async () => {
    h = await startConsole({ tree, unicode: '11' });
    await h.waitFor('1. A text');
    await h.press(KEYS.enter);
    await h.waitFor('Some text');
    await h.type('e\u0301'.repeat(100));
    const y = inputRow(h, 'Some text');
    const b = dialogBox(h);
    // one blank column, then é in every column up to the cursor
    const row = Array.from({ length: b.right - b.left - 1 }, (_, i) => h!.cell(b.left + 1 + i, y));
    expect(row.filter((c) => c === 'e\u0301').length).toBeGreaterThanOrEqual(b.right - b.left - 6);
    expectIntact(h);
  });
});
