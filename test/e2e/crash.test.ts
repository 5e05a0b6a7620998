// A crash (an exception thrown from a key handler) restores the terminal, says what happened
// and exits 70, with the product's own terminal guard (bundled from src/ui/terminal.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
