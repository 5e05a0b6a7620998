// The line-mode console (issue 11 item 8) on fake streams: the same flows as the drawn console
// (a form refused at its field and asked again, a secret, the review), nothing but plain text
// out whatever the values hold, and the notice acknowledged only by a line typed after it.
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Shown, Values } from '../../src/core/types.js';
import { Problem } from '../../src/core/problem.js';
import type { Tree } from '../../src/menu/types.js';
import { makePaths } from '../../src/system/paths.js';
import { makeRunner } from '../../src/system/runner.js';
import { NOTICE_REACT_MS } from '../../src/ui/app.js';
import { LINE_WELCOME_KEYS, runLineMode } from '../../src/ui/linemode.js';
import { loadTree } from '../../src/menu/trees.js';
import { fakeOp, flowItem, text, tinyTree } from '../support/fakes.js';

interface Run {
  out(): string;
  send(line: string): void;
  waitFor(s: string | RegExp, ms?: number): Promise<void>;
  end(): Promise<number>;
}

let open: Run | undefined;
afterEach(async () => {
  await open?.end();
  open = undefined;
});

function start(tree: Tree): Run {
  const input = new PassThrough();
  const output = new PassThrough();
  let written = '';
  output.on('data', (d: Buffer) => (written += d.toString('utf8')));
  const paths = makePaths('/nonexistent-root');
  const done = runLineMode({ tree, conditions: {}, ctx: { paths, runner: makeRunner(paths) }, input, output, logInternal: () => 'the log' });
  const r: Run = {
    out: () => written,
    send: (line) => input.write(`${line}\n`),
    async waitFor(s, ms = 10_000) {
      const end = Date.now() + ms;
      while (!(typeof s === 'string' ? written.includes(s) : s.test(written))) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${String(s)}:\n${written}`);
        await sleep(10);
      }
    },
    async end() {
      input.end();
      return done;
    },
  };
  open = r;
  return r;
}

describe('line mode', () => {
  it("the welcome says line mode's own answers, not the drawn console's arrow keys and Esc, for both shipped trees", async () => {
    for (const profile of ['appliance', 'vsensor'] as const) {
      const tree = { ...loadTree(profile), status: undefined, notice: undefined };
      const r = start(tree);
      await r.waitFor('[Enter]');
      // (wrapped at the terminal's width)
      expect(r.out().replace(/\s+/g, ' ')).toContain(LINE_WELCOME_KEYS);
      expect(r.out()).toContain(tree.welcome!);
      expect(r.out()).not.toMatch(/Arrow keys|Esc/);
      // the answer it names works: the welcome closed, the top menu's item 1 chosen by its number
      r.send('');
      await r.waitFor(/\b1\b[^\n]*Network/);
      await r.end();
      open = undefined;
    }
  });

  it('a form: asked field by field, a refusal at its field asked again, a secret never printed, the review, the apply', async () => {
    const applied: Values[] = [];
    const op = fakeOp('x.form', { read: async () => ({ host: 'old.example', token: '' }), apply: async (_c: unknown, v: Values) => (applied.push(v), { ok: true, summary: 'stored' }) });
    const tree = tinyTree([
      flowItem('1', 'Two fields', {
        kind: 'form',
        op,
        fields: [
          { name: 'host', label: 'Host name', rule: (s) => (/^[a-z.]+$/.test(s) ? { ok: true, value: s } : { ok: false, message: 'Not a host name' }), help: 'The host.' },
          { name: 'token', label: 'Token', rule: (s) => ({ ok: true, value: s }), masked: true, help: 'The secret.' },
        ],
      }),
    ]);
    const r = start(tree);
    await r.waitFor('Choose (item key, 0 back, ? help): ');
    r.send('1');
    await r.waitFor('Host name [old.example]: ');
    r.send('bad_host!');
    await r.waitFor('Token (not shown as typed): ');
    r.send('s3cr3t-value');
    await r.waitFor('! Host name: Not a host name');
    await r.waitFor(/Not a host name\nHost name \[bad_host!\]: $/);
    r.send('good.example');
    await r.waitFor('Token (not shown as typed; Enter keeps what you typed): ');
    r.send('');
    await r.waitFor('Review the change before it is applied:');
    expect(r.out()).toMatch(/new: +good\.example/);
    r.send('y');
    await r.waitFor('Stored');
    expect(applied).toEqual([{ host: 'good.example', token: 's3cr3t-value' }]);
    expect(r.out()).not.toContain('s3cr3t');
  });

  it('what it prints is plain text, whatever a value holds (escape codes, C1 controls)', async () => {
    const evil = 'a\x1b[2J\x1b]0;title\x07b\x9b31mc';
    const tree = tinyTree([flowItem('1', `Show ${evil}`, { kind: 'view', op: fakeOp('x.show', { show: async () => text(`value: ${evil}`) }) })]);
    const r = start(tree);
    await r.waitFor('Choose');
    r.send('1');
    await r.waitFor('value: a');
    r.send('');
    r.send('0');
    await r.waitFor('Leave the Test Console?');
    r.send('y');
    expect(await r.end()).toBe(0);
    expect(r.out()).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(r.out()).toContain('value: a[2J]0;titleb31mc');
  });

  it('the notice: a line typed ahead of it acknowledges nothing; one typed after it does', async () => {
    const seen: Values[] = [];
    let rolled = true;
    const tree = tinyTree([flowItem('1', 'Nothing', { kind: 'view', op: fakeOp('x.v', { show: async () => text('nothing') }) })], {
      welcome: 'Hello.',
      notice: {
        show: fakeOp('x.notice', { show: async () => (rolled ? text('Rolled back: eth1', { seen: { n: '1' } }) : text('')) }),
        seen: fakeOp('x.seen', { apply: async (_c: unknown, v: Values) => (seen.push(v), (rolled = false), { ok: true, summary: '' }) }),
      },
    });
    const r = start(tree);
    r.send(''); // typed ahead: before the notice was read and printed
    await r.waitFor(/Rolled back: eth1[\s\S]*Choose/); // the welcome closed; the top menu says it
    expect(seen).toEqual([]);
    await sleep(NOTICE_REACT_MS + 80);
    r.send('9'); // any line once it was there to be read (even one that is no item)
    await r.waitFor('No item 9');
    for (let i = 0; i < 200 && seen.length === 0; i++) await sleep(10);
    expect(seen).toEqual([{ n: '1' }]);
  });

  // the review's example: the welcome printed again once its state arrived ("Packet capture is
  // disabled"); the same kind: a state read slowly, a failed read, and a notice read after it
  describe('the welcome is printed once, with its state', () => {
    const count = (out: string, s: string) => out.split(s).length - 1;
    it.each([
      ['the state read at once', async () => text('Packet capture is disabled.'), 'Packet capture is disabled.'],
      ['the state read slowly', async () => (await sleep(300), text('Packet capture is enabled (5 GB).')), 'Packet capture is enabled (5 GB).'],
      ['the state cannot be read', async () => (await sleep(100), Promise.reject(new Problem('pcap.ini is damaged'))), '(pcap.ini is damaged)'],
    ] as [string, () => Promise<Shown>, string][])('%s', async (_n, show, said) => {
      const tree = tinyTree([flowItem('1', 'Nothing', { kind: 'view', op: fakeOp('x.v', { show: async () => text('nothing') }) })], {
        welcome: 'Hello, welcome.',
        status: fakeOp('x.status', { show }),
      });
      const r = start(tree);
      await r.waitFor(said);
      r.send('');
      await r.waitFor('Choose');
      expect(count(r.out(), 'Hello, welcome.')).toBe(1);
      expect(count(r.out(), said)).toBe(1);
      expect(r.out().indexOf('Hello, welcome.')).toBeLessThan(r.out().indexOf(said));
    });

    it('a notice read after the welcome was printed adds its lines only', async () => {
      let release: () => void = () => {};
      const late = new Promise<void>((res) => (release = res));
      const tree = tinyTree([flowItem('1', 'Nothing', { kind: 'view', op: fakeOp('x.v', { show: async () => text('nothing') }) })], {
        welcome: 'Hello, welcome.',
        status: fakeOp('x.status', { show: async () => text('Packet capture is disabled.') }),
        notice: { show: fakeOp('x.notice', { show: async () => (await late, text('Rolled back: eth1')) }), seen: fakeOp('x.seen', { apply: async () => ({ ok: true, summary: '' }) }) },
      });
      const r = start(tree);
      await r.waitFor('Packet capture is disabled.');
      release();
      await r.waitFor('Rolled back: eth1');
      expect(count(r.out(), 'Hello, welcome.')).toBe(1);
      expect(count(r.out(), 'Packet capture is disabled.')).toBe(1);
    });
  });
});
