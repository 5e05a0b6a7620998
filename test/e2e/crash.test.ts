// A crash (an exception thrown from a key handler) restores the terminal, says what happened
// and exits 70, with the product's own terminal guard (bundled from src/ui/terminal.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missing } from '../support/requires.js';
import { repo, shq, sleep, STTY, STTY_DONE, sttyFlags } from './support.js';

const why = missing('e2e', ['tmux']);
const dir = mkdtempSync(join(tmpdir(), 'cce2e-crash-'));
const socket = `cc-e2e-crash-${process.pid}`;
const tmux = (...a: string[]) => execFileSync('tmux', ['-f', '/dev/null', '-L', socket, ...a], { encoding: 'utf8', timeout: 5000 });
afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    /* not running */
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(repo, 'test/e2e/.build', `crash-${process.pid}.mjs`), { force: true });
});

async function waitScreen(re: RegExp): Promise<string> {
  const end = Date.now() + 10_000;
  for (;;) {
    const s = tmux('capture-pane', '-p', '-S', '-40');
    if (re.test(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${re}; screen:\n${s}`);
    await sleep(50);
  }
}

describe.skipIf(why !== undefined)('e2e: crash', () => {
  it('an exception in a key handler leaves a sane tty and exit code 70', async () => {
    // inside the repo's tree, so node finds blessed in its node_modules (ESM ignores NODE_PATH)
    const out = join(repo, 'test/e2e/.build', `crash-${process.pid}.mjs`);
    execFileSync(join(repo, 'node_modules/.bin/esbuild'), [join(repo, 'test/e2e/fixtures/crash.ts'), '--bundle', '--platform=node', '--format=esm', '--external:blessed', `--outfile=${out}`, '--log-level=error'], { cwd: repo });
    const cmd = `TERM=xterm-256color; XDG_CACHE_HOME=${shq(join(dir, 'cache'))}; export TERM XDG_CACHE_HOME; cd ${shq(repo)} && node ${shq(out)}; echo EXITED:$?; ${STTY}; sleep 60`;
    tmux('new-session', '-d', '-x', '80', '-y', '24', cmd);
    await waitScreen(/press a key to crash/);
    tmux('send-keys', 'x');
    // all of `stty -a`, not its first line only
    const s = await waitScreen(STTY_DONE);
    expect(s).toContain('confconsole: internal error: Error: deliberate crash in a key handler');
    expect(s).toContain('EXITED:70');
    const flags = sttyFlags(s);
    expect(flags.has('echo') && flags.has('icanon') && flags.has('isig'), s).toBe(true);
    expect(s).not.toContain('press a key to crash');
  });
});

// SIGKILL under a non-interactive parent (issue 10 item 10): `sh -c` restores no tty, so
// bin/confconsole's guard (the console's parent on a terminal) does it. The real console (the
// guard's child) is killed -9 with the welcome dialog up; the shell's next lines must be usable:
// cooked mode and echo (stty -a), the normal screen, and a typed line read back.
describe.skipIf(why !== undefined)('e2e: SIGKILL of the console under sh -c', () => {
  it('the guard puts the saved tty settings back, shows the cursor, leaves the alternate screen', async () => {
    const root = join(dir, 'kill9-root');
    const cmd =
      `TERM=xterm-256color; XDG_CACHE_HOME=${shq(join(dir, 'cache'))}; export TERM XDG_CACHE_HOME; cd ${shq(repo)} && ` +
      `node ${shq(join(repo, 'bin/confconsole'))} --root ${shq(root)} --demo; echo EXITED:$?; ${STTY}; printf 'TYPE:'; read line; echo "GOT:$line"; sleep 60`;
    // argv form: tmux runs sh itself, no login or interactive shell in between
    tmux('new-session', '-d', '-s', 'kill9', '-x', '80', '-y', '24', 'sh', '-c', cmd);
    const pane = () => tmux('capture-pane', '-p', '-t', 'kill9', '-S', '-40');
    const waitPane = async (re: RegExp) => {
      const end = Date.now() + 30_000;
      for (;;) {
        const s = pane();
        if (re.test(s)) return s;
        if (Date.now() > end) throw new Error(`timed out waiting for ${re}; screen:\n${s}`);
        await sleep(50);
      }
    };
    await waitPane(/Welcome/);
    const shellPid = tmux('list-panes', '-t', 'kill9', '-F', '#{pane_pid}').trim();
    const pgrep = (ppid: string) => execFileSync('pgrep', ['-P', ppid, '-x', 'node'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
    const guard = pgrep(shellPid);
    const real = pgrep(guard);
    expect(Number(real), "the console runs as the guard's child").toBeGreaterThan(0);
    // the console has the tty raw, no echo, on the alternate screen
    process.kill(Number(real), 'SIGKILL');
    const s = await waitPane(STTY_DONE);
    expect(s).toContain('EXITED:137'); // killed by SIGKILL, as the shell sees it
    const flags = sttyFlags(s);
    expect(flags.has('echo') && flags.has('icanon') && flags.has('isig') && flags.has('icrnl'), s).toBe(true);
    expect(s).not.toContain('Welcome'); // the console's screen is gone: the normal screen is back
    expect(tmux('display-message', '-p', '-t', 'kill9', '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
    // a line typed now echoes and is read whole
    tmux('send-keys', '-t', 'kill9', '-l', 'hello there');
    tmux('send-keys', '-t', 'kill9', 'Enter');
    const after = await waitPane(/GOT:hello there/);
    expect(after).toContain('TYPE:hello there');
  });

  it('the guard killed -9 takes the console with it (no console outlives its guard), tty sane', async () => {
    const root = join(dir, 'kill9-guard-root');
    const cmd =
      `TERM=xterm-256color; XDG_CACHE_HOME=${shq(join(dir, 'cache'))}; export TERM XDG_CACHE_HOME; cd ${shq(repo)} && ` +
      `node ${shq(join(repo, 'bin/confconsole'))} --root ${shq(root)} --demo; echo EXITED:$?; sleep 0.5; ${STTY}; sleep 60`;
    tmux('new-session', '-d', '-s', 'guard9', '-x', '80', '-y', '24', 'sh', '-c', cmd);
    const pane = () => tmux('capture-pane', '-p', '-t', 'guard9', '-S', '-40');
    const end = Date.now() + 30_000;
    while (!/Welcome/.test(pane())) {
      if (Date.now() > end) throw new Error(`no Welcome; screen:\n${pane()}`);
      await sleep(50);
    }
    const shellPid = tmux('list-panes', '-t', 'guard9', '-F', '#{pane_pid}').trim();
    const pgrep = (ppid: string) => execFileSync('pgrep', ['-P', ppid, '-x', 'node'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
    const guard = pgrep(shellPid);
    const real = Number(pgrep(guard));
    process.kill(Number(guard), 'SIGKILL');
    // the console sees its guard's pipe close and leaves as on a hang-up, restoring the tty
    const gone = Date.now() + 15_000;
    while (existsSync(`/proc/${real}`) && Date.now() < gone) await sleep(50);
    expect(existsSync(`/proc/${real}`)).toBe(false);
    let s = pane();
    while (!STTY_DONE.test(s) && Date.now() < gone) (await sleep(50), (s = pane()));
    // (the shell goes on as soon as the guard is dead, so its EXITED line may be drawn before the
    // console leaves the alternate screen: only what stty says after the pause is checked)
    const flags = new Set(s.slice(s.lastIndexOf('speed ')).split(/[\s;]+/));
    expect(flags.has('echo') && flags.has('icanon') && flags.has('isig'), s).toBe(true);
  });
});
