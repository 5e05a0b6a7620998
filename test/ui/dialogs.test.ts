// Dialogs driven through small trees of our own (forms of several fields, masked input,
// cancelling a test or a run, the pager, a live view, a bug in an operation).
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Op, Values } from '../../src/core/types.js';
import type { Tree } from '../../src/menu/types.js';
import { isHostname } from '../../src/rules/address.js';
import { ntpServersField } from '../../src/rules/ntp.js';
import type { Rule } from '../../src/rules/validated.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';
import { fakeOp, flowItem, tinyTree } from '../support/fakes.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const hostname: Rule = (s) => (isHostname(s.trim()) ? { ok: true, value: s.trim().toLowerCase() } : { ok: false, message: 'Not a valid host name (RFC 1123)' });

const applied: Values[] = [];
let aborted = 0;
const formOp: Op<'read' | 'test' | 'apply'> = {
  id: 'x.form',
  async read() {
    return { host: 'old.example', token: 'site:oldsecret' };
  },
  async test(_ctx, _v, io) {
    io.line('probing...');
    await new Promise<void>((resolve) => io.signal?.addEventListener('abort', () => (aborted++, resolve())));
    return { ok: false, summary: 'aborted' };
  },
  async apply(_ctx, v) {
    applied.push(v);
    return { ok: true, summary: 'applied' };
  },
};
const logOp: Op<'show'> = { id: 'x.log', show: async (ctx) => ({ kind: 'file', title: 'Big log', path: join(ctx.paths.root, 'big.log'), empty: 'Nothing logged yet.' }) };

const tree: Tree = tinyTree([
  flowItem('1', 'Two fields', {
    kind: 'form',
    op: formOp,
    fields: [
      { name: 'host', label: 'Host name', rule: hostname, help: 'The host to reach.' },
      { name: 'token', label: 'Token', rule: ntpServersField, masked: true, help: 'The secret.' },
    ],
    test: 'Test it?',
  }),
  flowItem('2', 'Big log', { kind: 'view', op: logOp }),
]);

describe('dialogs', () => {
  it('a form: Tab between fields, masked input, per-field errors, review masks secrets', async () => {
    h = await startConsole({ tree });
    await h.waitFor('1. Two fields');
    await h.press(KEYS.enter);
    await h.waitFor('Host name');
    expect(h.text()).toContain('old.example');
    expect(h.text()).not.toContain('oldsecret');
    expect(h.text()).not.toContain('*'.repeat('site:oldsecret'.length)); // a secret is never put back in a field
    await h.press(KEYS.ctrlU);
    await h.type('bad_host');
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('s3cr3t.example');
    expect(h.text()).not.toContain('s3cr3t');
    await h.press(KEYS.enter);
    await h.waitFor('! Not a valid host name (RFC 1123)');
    expect(h.text()).toContain('bad_host'); // kept
    // focus went back to the field in error: typing edits the host
    await h.press(KEYS.ctrlU);
    await h.type('good.example');
    // Enter goes on to the token (kept as typed); Enter on the last field submits
    await h.press(KEYS.enter, KEYS.enter);
    await h.waitFor('Test it?');
    await h.press('n');
    await h.waitFor('Review the change');
    expect(h.text()).toContain('new:     good.example');
    expect(h.text()).toContain('current: site:****');
    expect(h.text()).not.toContain('s3cr3t');
    await h.press('y');
    await h.waitFor('Applied');
    expect(applied.at(-1)).toEqual({ host: 'good.example', token: 's3cr3t.example' });
  });

  it('F1 on a form, then back: what was typed and the focused field are as they were', async () => {
    h = await startConsole({ tree });
    await h.press(KEYS.enter);
    await h.waitFor('Host name');
    await h.press(KEYS.ctrlU);
    await h.type('typed.example');
    await h.press(KEYS.tab);
    await h.press(KEYS.f1);
    await h.waitFor('Token: The secret.');
    await h.press(KEYS.esc);
    await h.waitFor('Host name');
    expect(h.text()).toContain('typed.example');
    // the focus is still on the token: typing goes there, masked
    await h.type('abc.example');
    expect(h.text()).toContain('*'.repeat('abc.example'.length));
    expect(h.text()).toContain('typed.example');
  });

  it('an answer that comes after the console stopped is dropped: nothing is drawn on the gone screen', async () => {
    // a script's late answer (a status, a progress line): before, it drew on a destroyed screen and threw
    const late = await startConsole({ tree });
    await late.waitFor('Top');
    late.close();
    h = await startConsole({ tree }); // the next console (the next test) has the screen now
    await h.waitFor('Top');
    expect(() => late.app.dispatch({ type: 'status', shown: { kind: 'text', text: 'late' } })).not.toThrow();
    expect(() => late.app.dispatch({ type: 'line', text: 'late' })).not.toThrow();
  });

  it('a running test shows progress and can be cancelled; the input is kept', async () => {
    h = await startConsole({ tree });
    await h.waitFor('1. Two fields');
    await h.press(KEYS.enter);
    await h.waitFor('Host name');
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('tok.example');
    await h.press(KEYS.enter);
    await h.waitFor('Test it?');
    await h.press('y');
    await h.waitFor('probing...');
    expect(h.lines()[23]).toContain('Esc Cancel');
    await h.press(KEYS.esc);
    await h.waitFor('Host name');
    expect(aborted).toBe(1);
    expect(h.text()).toContain('old.example');
  });

  it('the pager pages through a large file without loading it', async () => {
    h = await startConsole({ tree });
    const file = join(h.root, 'big.log');
    mkdirSync(h.root, { recursive: true });
    appendFileSync(file, Array.from({ length: 50_000 }, (_, i) => `entry ${i + 1}`).join('\n') + '\n');
    await h.waitFor('2. Big log');
    await h.press('2', KEYS.enter);
    await h.waitFor('entry 1');
    expect(h.text()).toMatch(/lines 1-\d+ /);
    await h.press('\x1b[6~'); // PgDn
    await h.waitFor(/lines 1[0-9]-/);
    await h.press('\x1b[F'); // End
    await h.waitFor('entry 50000');
    expect(h.text()).toMatch(/of 50000/);
    await h.press('q');
    await h.waitFor('1. Two fields');
  });

  it('the pager on a directory, or on a file it may not read, says why and the console goes on', async () => {
    h = await startConsole({ tree, uid: 1000 });
    mkdirSync(join(h.root, 'big.log'), { recursive: true });
    await h.press('2', KEYS.enter);
    await h.waitFor(/Cannot read .*big.log: it is a directory, not a file/);
    await h.press('q');
    await h.waitFor('1. Two fields');
    expect(h.exitCode()).toBeUndefined();
  });

});

describe('a bug in an operation is an internal error, and the console goes on', () => {
  it('the message names the log; the stack is in it; OK goes back to the menu', async () => {
    const broken = fakeOp('x.broken', {
      show: async (): Promise<never> => {
        throw new TypeError("Cannot read properties of undefined (reading 'rows')");
      },
    });
    h = await startConsole({ tree: tinyTree([flowItem('1', 'Broken screen', { kind: 'view', op: broken })]) });
    await h.press(KEYS.enter);
    await h.waitFor('Internal error: Cannot read properties of undefined');
    const log = join(h.root, 'var/log/confconsole/console.log');
    expect(h.text().replace(/\s+/g, ' ')).toContain('var/log/confconsole/console.log');
    expect(readFileSync(log, 'utf8')).toMatch(/internal error while showing x\.broken\nTypeError: Cannot read properties of undefined \(reading 'rows'\)\n\s+at /);
    await h.press(KEYS.enter);
    await h.waitFor('1. Broken screen');
    expect(h.exitCode()).toBeUndefined();
  });
});

describe('a bug while drawing an answer is an internal error too', () => {
  it('a table whose rows are not a list: said, logged, the console goes on', async () => {
    const odd = fakeOp('x.odd', { show: async () => ({ kind: 'table', columns: ['a'], rows: 'not rows' }) as never });
    h = await startConsole({ tree: tinyTree([flowItem('1', 'Odd table', { kind: 'view', op: odd })]) });
    await h.press(KEYS.enter);
    await h.waitFor('Internal error:');
    expect(readFileSync(join(h.root, 'var/log/confconsole/console.log'), 'utf8')).toMatch(/internal error while handling the answer shown\n/);
    await h.press(KEYS.enter);
    await h.waitFor('1. Odd table');
    expect(h.exitCode()).toBeUndefined();
  });
});

describe('run: long read-only work streams lines and stops on Esc', () => {
  it('lines appear as they come; Esc stops it; the result says what was seen', async () => {
    const runs = fakeOp('x.run', {
      run: async (_c: unknown, _v: unknown, io: { line(t: string): void; signal?: AbortSignal }) => {
        io.line('checking 1 of 3: OK');
        await new Promise<void>((res) => io.signal?.addEventListener('abort', () => res()));
        return { ok: false, summary: 'cancelled after 1 of 3 checks', details: ['checking 1 of 3: OK'] };
      },
    });
    h = await startConsole({ tree: tinyTree([flowItem('1', 'Diagnose', { kind: 'run', op: runs, progress: 'Diagnosing' })]) });
    await h.press(KEYS.enter);
    await h.waitFor('checking 1 of 3: OK');
    expect(h.text()).toContain('Diagnosing');
    expect(h.lines()[23]).toContain('Esc Cancel');
    await h.press(KEYS.esc);
    await h.waitFor('Failed: cancelled after 1 of 3 checks');
  });
});

describe('a live view is read again by itself, at the interval it declares', () => {
  it('the screen changes without a key', async () => {
    let n = 0;
    const live = fakeOp('x.live', { show: async () => ({ kind: 'text' as const, text: `reading ${++n}` }) });
    h = await startConsole({ tree: tinyTree([flowItem('1', 'Counters', { kind: 'view', op: live, every: 0.2 })]) });
    await h.press(KEYS.enter);
    await h.waitFor('reading 1');
    await h.waitFor('reading 3');
    await h.press(KEYS.esc);
    await h.waitFor('1. Counters');
    const after = n;
    // left: not read again (waits for a later read that must not come: the menu's own frame is the signal)
    await h.press(KEYS.down);
    expect(n).toBeLessThanOrEqual(after + 1);
  });
});

describe('choice fields', () => {
  const got: Values[] = [];
  const choiceOp: Op<'read' | 'apply'> = {
    id: 'x.choice',
    async read() {
      return { mode: 'dhcp', host: '' };
    },
    async apply(_c, v) {
      got.push(v);
      return { ok: true, summary: 'ok' };
    },
  };
  const choiceTree = tinyTree([
    flowItem('1', 'Address', {
      kind: 'form',
      op: choiceOp,
      fields: [
        { name: 'mode', label: 'Configure a static IP?', choices: [{ value: 'static', label: 'Static' }, { value: 'dhcp', label: 'DHCP' }], help: 'Static or DHCP.' },
        { name: 'host', label: 'Host name', rule: hostname, when: { field: 'mode', is: ['static'] }, help: 'The host.' },
      ],
    }),
  ]);

  it('Left/Right change a choice; a field shows only while its condition holds; review shows labels', async () => {
    h = await startConsole({ tree: choiceTree });
    await h.waitFor('1. Address');
    await h.press(KEYS.enter);
    await h.waitFor('Configure a static IP?');
    expect(h.text()).toContain('( ) Static   (*) DHCP');
    expect(h.text()).not.toContain('Host name');
    // ? on a choice (nothing to type there) is help, as on every other dialog
    await h.press('?');
    await h.waitFor('Configure a static IP?: Static or DHCP.');
    await h.press(KEYS.esc);
    await h.waitFor('( ) Static   (*) DHCP');
    await h.press(KEYS.left);
    expect(h.text()).toContain('(*) Static   ( ) DHCP');
    await h.waitFor('Host name');
    await h.press(KEYS.tab);
    await h.type('gw.example');
    await h.press(KEYS.enter);
    await h.waitFor('Review the change');
    expect(h.text()).toContain('current: DHCP');
    expect(h.text()).toContain('new:     Static');
    expect(h.text()).toContain('new:     gw.example');
    await h.press('y');
    await h.waitFor('Done.');
    expect(got.at(-1)).toEqual({ mode: 'static', host: 'gw.example' });
  });
});
