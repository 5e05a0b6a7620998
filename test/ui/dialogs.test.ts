// Dialogs the shipped trees do not exercise yet (forms of several fields, masked input,
// cancelling a test, the pager), driven through a small tree of our own.
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Operation } from '../../src/actions/types.js';
import type { Tree } from '../../src/menu/schema.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

const applied: Record<string, string>[] = [];
let aborted = 0;
const ops: Record<string, Operation> = {
  'x.form': {
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
  },
  'x.log': {
    async show(ctx) {
      return { kind: 'file', title: 'Big log', path: join(ctx.paths.root, 'big.log') };
    },
  },
};

const tree: Tree = {
  profile: 'appliance',
  title: 'Test Console',
  menu: {
    title: 'Main',
    items: [
      {
        id: 'form',
        key: '1',
        label: 'Two fields',
        flow: {
          op: 'x.form',
          fields: [
            { name: 'host', label: 'Host name', validator: 'hostname', help: 'The host to reach.' },
            { name: 'token', label: 'Token', validator: 'ntp-servers', masked: true, help: 'The secret.' },
          ],
          test: 'Test it?',
          review: true,
        },
      },
      { id: 'log', key: '2', label: 'Big log', flow: { op: 'x.log' } },
    ],
  },
};

describe('dialogs', () => {
  it('a form: Tab between fields, masked input, per-field errors, review masks secrets', async () => {
    h = await startConsole({ tree, ops });
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
    await h.press(KEYS.enter);
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

  it('an answer that comes after the console stopped is dropped: nothing is drawn on the gone screen', async () => {
    // a script's late answer (a status, a progress line): before, it drew on a destroyed screen and threw
    const late = await startConsole({ tree, ops });
    await late.waitFor('Main');
    late.close();
    h = await startConsole({ tree, ops }); // the next console (the next test) has the screen now
    await h.waitFor('Main');
    expect(() => late.app.dispatch({ type: 'status', text: 'late' })).not.toThrow();
    expect(() => late.app.dispatch({ type: 'line', text: 'late' })).not.toThrow();
  });

  it('a running test shows progress and can be cancelled; the input is kept', async () => {
    h = await startConsole({ tree, ops });
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
    h = await startConsole({ tree, ops });
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
});

describe('choice fields', () => {
  const choiceTree: Tree = {
    profile: 'appliance',
    title: 'Choice Console',
    menu: {
      title: 'Main',
      items: [
        {
          id: 'net',
          key: '1',
          label: 'Address',
          flow: {
            op: 'x.choice',
            fields: [
              { name: 'mode', label: 'Configure a static IP?', validator: 'choice', choices: [{ value: 'static', label: 'Static' }, { value: 'dhcp', label: 'DHCP' }], help: 'Static or DHCP.' },
              { name: 'host', label: 'Host name', validator: 'hostname', when: { field: 'mode', is: ['static'] }, help: 'The host.' },
            ],
            review: true,
          },
        },
      ],
    },
  };
  const got: Record<string, string>[] = [];
  const choiceOps: Record<string, Operation> = {
    'x.choice': {
      async read() {
        return { mode: 'dhcp', host: '' };
      },
      async apply(_c, v) {
        got.push(v);
        return { ok: true, summary: 'ok' };
      },
    },
  };

  it('Left/Right change a choice; a field shows only while its condition holds; review shows labels', async () => {
    h = await startConsole({ tree: choiceTree, ops: choiceOps });
    await h.waitFor('1. Address');
    await h.press(KEYS.enter);
    await h.waitFor('Configure a static IP?');
    expect(h.text()).toContain('( ) Static   (*) DHCP');
    expect(h.text()).not.toContain('Host name');
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
