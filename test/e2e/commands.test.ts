// The real bin/confconsole as a command line: every command refuses an option it does not
// declare (exit 2, naming it), an area alone prints its usage, and the audit log viewer of the
// console survives a log that is a directory.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { commands } from '../../src/features/index.js';
import { missing } from '../support/requires.js';
import { removeTree } from '../support/cleanup.js';
import { bin, consoles, repo } from './support.js';

const run = promisify(execFile);
const root = join(mkdtempSync(join(tmpdir(), 'cce2e-cmd-')), 'r');
afterAll(() => removeTree(join(root, '..')));

/** bin/confconsole with ARGS on the demo root: its exit code and output (never throws). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, '--root', root, '--demo', ...args], { cwd: repo, timeout: 20_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

describe('every command: an option it does not declare is refused, naming it', () => {
  it.each(commands.map((c) => [c.path.join(' '), c] as const))('confconsole %s --bogus: exit 2', async (_name, c) => {
    const args = [...c.path, ...Array.from({ length: c.nargs?.[0] ?? 0 }, () => 'x'), '--bogus'];
    const r = await cli(...args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^confconsole: Unknown option '--bogus'\nTry confconsole .+ --help\.\n$/);
    const j = await cli('--json', ...args);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, code: 2, error: expect.stringContaining("'--bogus'") });
  });

  it('an area alone prints what it offers (exit 2); a command --help prints its own usage (exit 0)', async () => {
    const area = await cli('ntp');
    expect(area.code).toBe(2);
    expect(area.stderr).toMatch(/Usage: confconsole ntp COMMAND[\s\S]*ntp show[\s\S]*ntp set SERVER/);
    const help = await cli('network', 'set', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: confconsole network set IFACE[\s\S]*--restore-confirmed/);
    const unknown = await cli('ntp', 'bogus');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^confconsole: unknown command: ntp bogus/);
  });
});

const why = missing('e2e', ['tmux']);
const open = consoles();
afterEach(() => open.closeAll());

describe.skipIf(why !== undefined)('the audit log viewer on a log that cannot be read', () => {
  it('a directory where the log should be: a message naming it; the console goes on and exits 0', async () => {
    const c = open.open();
    mkdirSync(join(c.root, 'var/log/confconsole/audit.log'), { recursive: true });
    await c.start();
    c.keys('Enter', '3', 'Enter');
    await c.waitFor('9. View audit log');
    c.keys('9', 'Enter');
    // the message wraps in the dialog: any run of spaces and borders between its words
    await c.waitFor(/Cannot[\s│]+read[\s│]+\S*audit\.log:[\s│]+it[\s│]+is[\s│]+a[\s│]+directory,[\s│]+not[\s│]+a[\s│]+file/);
    c.keys('Escape');
    await c.waitFor('9. View audit log');
    c.keys('Escape');
    await c.waitFor('1. Networking and Traffic Analysis');
    c.keys('Escape');
    await c.waitFor('Leave the Appliance Console?');
    c.keys('y');
    expect(await c.exitCode()).toBe(0);
    // and the command says the same, exit 1
    const r = c.cli('--demo', 'audit', 'show');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^confconsole: Cannot read .*audit\.log: it is a directory, not a file\n$/);
  });
});
