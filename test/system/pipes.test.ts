// A command whose reader goes away (`confconsole health | head -1`) ends quietly, as a C tool
// ended by SIGPIPE does: exit 141, no stack on stderr. Several commands that write much or slowly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { REPO } from './helpers.js';

const why = missing('system: a closed pipe', ['bash', 'head']);
const dir = mkdtempSync(join(tmpdir(), 'cc-pipes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(why)('a closed pipe', () => {
  it.each([['health'], ['network', 'show'], ['export'], ['audit', 'show']])('confconsole %s | head -1: exit 141, no stack', (...cmd) => {
    const root = join(dir, cmd.join('-'));
    const r = spawnSync('bash', ['-c', 'node "$1" --demo --root "$2" "${@:3}" 2>"$2.err" | head -c 1 >/dev/null; echo "${PIPESTATUS[0]}"; cat "$2.err"', 'sh', join(REPO, 'bin/confconsole'), root, ...cmd], { encoding: 'utf8' });
    const [code, ...err] = r.stdout.split('\n');
    // a command that wrote all it had before head closed the pipe ends as it would (0, 2, 5)
    expect(['0', '2', '5', '141'], r.stdout).toContain(code);
    expect(err.join('\n')).not.toMatch(/EPIPE|^\s+at /m);
  });
});
