// End to end: the console on several terminal types, and the terminal it leaves behind
// whatever ends it (Ctrl+C, SIGTERM, SIGHUP): the shell after it must echo and read lines.
import { afterEach, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { consoles, sleep, STTY, STTY_DONE, sttyFlags, type Console } from './support.js';

const why = missing('e2e', ['tmux']);

const ITEMS = ['1. Networking and Traffic Analysis', '3. Appliance Admin', '5. Power and Service Management'];
const FOOTER = 'Up/Down Move  1-9 Jump  Enter Select  Esc Back';

async function mainMenu(c: Console): Promise<string> {
  c.keys('Enter');
  await c.menu('Console Setup');
  await c.waitFor(FOOTER);
  return c.screen();
}

/** After the console ended: the exit code, and `stty -a` of the pane shows a sane tty. */
async function expectSaneAfter(c: Console, code: number | RegExp): Promise<string> {
  const got = await c.exitCode();
  if (typeof code === 'number') expect(got, c.screen()).toBe(code);
  else expect(String(got), c.screen()).toMatch(code);
  const s = await c.waitFor(STTY_DONE); // all of `stty -a`, not its first line only
  const flags = sttyFlags(s);
  expect(flags.has('echo'), `stty -a after the console:\n${s}`).toBe(true);
  expect(flags.has('icanon'), `stty -a after the console:\n${s}`).toBe(true);
  expect(flags.has('-echo'), s).toBe(false);
  expect(flags.has('-icanon'), s).toBe(false);
  expect(flags.has('isig'), s).toBe(true);
  return s;
}

describe.skipIf(why !== undefined)('e2e: terminal types and a sane tty on every way out', () => {
  const open = consoles();
  afterEach(() => open.closeAll());

  it.each(['linux', 'vt100', 'xterm-256color', 'screen', 'tmux-256color'])(
    'TERM=%s: main menu and footer render; Ctrl+C twice exits 130 with the tty sane',
    async (term) => {
      const c = await open.open().start({ term, after: STTY });
      const s = await mainMenu(c);
      for (const item of ITEMS) expect(s).toContain(item);
      expect(s).toContain(FOOTER);
      expect(s).toContain('Appliance Console');
      expect(s).not.toMatch(/Setulc|Terminfo|parse error|Error/);
      // Ctrl+C asks before leaving; a second one at the question leaves
      c.keys('C-c');
      await c.waitFor('Leave the Appliance Console?');
      c.keys('C-c');
      const after = await expectSaneAfter(c, 130);
      // the console's screen is gone: the shell's lines are not mixed with a menu
      expect(after).not.toContain('< Select >');
    },
  );

  it('SIGTERM: exits 143 with the tty sane', async () => {
    const c = await open.open().start({ after: STTY });
    await mainMenu(c);
    process.kill(c.consolePid(), 'SIGTERM');
    const after = await expectSaneAfter(c, 143);
    expect(after).not.toContain('< Select >');
  });

  it('SIGHUP (terminal gone): the console ends, killed by SIGHUP, with the tty sane', async () => {
    const c = await open.open().start({ after: STTY });
    await mainMenu(c);
    const pid = c.consolePid();
    process.kill(pid, 'SIGHUP');
    // killed by the signal: the shell reports 128 + 1
    await expectSaneAfter(c, 129);
    // EXITED is printed once the shell has reaped it: the process is gone
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
