// Golden screens: every dialog kind at 80x24, on TERM=xterm-256color, linux and vt100, as text
// files checked in under test/ui/golden/<TERM>/. A change of the layout shows as a diff of them.
// Refresh after an intended change with:   npm run golden   (then review `git diff test/ui/golden`)
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Op } from '../../src/core/types.js';
import type { Tree } from '../../src/menu/types.js';
import { ipv4 } from '../../src/rules/network.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';
import { fakeOp, flowItem, ok, text } from '../support/fakes.js';

const DIR = fileURLToPath(new URL('./golden', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

beforeAll(() => {
  // the screens must not depend on the locale of the machine that runs the tests
  process.env.LC_ALL = 'C.UTF-8';
});

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

/** What changes from run to run is masked: the spinner, the seconds left, temporary paths; trailing blanks. */
const normalise = (lines: string[]) =>
  lines
    .map((l) =>
      l
        .replace(/([│|] )[|/\\-]( Working| Reading| Checking| Cancelling)/, '$1*$2')
        .replace(/Time left to confirm: (\d+) s/, (_m, d: string) => `Time left to confirm: ${'N'.repeat(d.length)} s`)
        .replace(/\/tmp\/cc-ui-\w{6}/g, '/tmp/cc-ui-XXXXXX')
        // a written space and an erased cell look the same (src/ui/tighten.ts erases runs of
        // spaces); their colours are in the backgrounds below
        .trimEnd(),
    )
    .join('\n')
    .trimEnd() + '\n';

/** The screen's text, then the background of every cell (colours matter: an 8-colour console). */
function golden(term: string, name: string, x: Harness): void {
  const file = join(DIR, term, `${name}.txt`);
  const got = normalise(x.lines()) + '-- backgrounds: palette colour 0-f, . default, # inverse\n' + x.backgrounds().join('\n') + '\n';
  if (UPDATE || !existsSync(file)) {
    mkdirSync(join(DIR, term), { recursive: true });
    writeFileSync(file, got);
    if (!UPDATE) throw new Error(`${file} did not exist: written now; review it and commit it`);
    return;
  }
  expect(got, `${term}/${name}.txt (npm run golden refreshes it)`).toBe(readFileSync(file, 'utf8'));
}

let release: () => void = () => {};
const slowRun = fakeOp('g.run', {
  run: async (_c: unknown, _v: unknown, io: { line(t: string): void }) => {
    io.line('Service running: OK');
    io.line('Configuration enabled: OK');
    await new Promise<void>((res) => (release = res));
    return ok('done');
  },
});
const formOp: Op<'read' | 'apply' | 'check'> = {
  id: 'g.form',
  read: async () => ({ address: '192.0.2.10', gateway: '192.0.2.1' }),
  check: async () => ({ errors: {}, warnings: ['198.51.100.1 is outside 192.0.2.0/24: apply only if your network really routes it'] }),
  apply: async () => ok('Applied.', { pending: { deadline: Date.now() / 1000 + 120, address: '192.0.2.20' } }),
};
const confirm = fakeOp('g.confirm', { apply: async () => ok('Confirmed.') });
const logFile = fakeOp('g.log', { show: async (ctx: { paths: { root: string } }) => ({ kind: 'file' as const, title: 'Audit log', path: join(ctx.paths.root, 'audit.log'), format: 'audit' as const }) });
const broken = fakeOp('g.bug', {
  show: async (): Promise<never> => {
    throw new TypeError('rows is not iterable');
  },
});

const tree: Tree = {
  profile: 'appliance',
  title: 'Golden Console',
  menu: {
    title: 'Console Setup',
    status: fakeOp('g.state', { show: async () => text('Call-Home is enabled.\nHost: callhome.example.com, port 443: SSH wrapped in SSL') }),
    items: [
      flowItem('1', 'Change the address', {
        kind: 'form',
        op: formOp,
        fields: [
          { name: 'address', label: 'IP address', short: 'Address', rule: ipv4, help: 'An IPv4 address.' },
          { name: 'gateway', label: 'Default gateway (in the same subnet)', short: 'Gateway', rule: ipv4, help: 'The router.' },
        ],
        check: true,
        question: 'Apply these settings?',
        confirmWithin: { confirm, rollback: confirm },
      }),
      flowItem('2', 'Restart all services', { kind: 'do', op: fakeOp('g.do', { apply: async () => ok('All 4 services restarted', { details: ['[1/4] chrony: restarted', '[2/4] ssh: restarted'] }) }), confirm: 'Restart all services now?\n\nAnalysis stops for a short time while each service restarts.' }),
      flowItem('3', 'Call-Home status', { kind: 'run', op: slowRun, progress: 'Call-Home status' }),
      flowItem('4', 'View NTP servers', { kind: 'view', op: fakeOp('g.table', { show: async () => ({ kind: 'table' as const, title: 'Current NTP servers', columns: ['#', 'NTP server'], rows: [['1', '0.ubuntu.pool.ntp.org'], ['2', '[2001:db8::123]:123']] }) }) }),
      flowItem('5', 'Call-Home public key', { kind: 'view', op: fakeOp('g.text', { show: async () => text('This appliance authenticates its Call-Home connections with this key:\n\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC autossh@dt-1234-01') }) }),
      flowItem('6', 'View audit log', { kind: 'view', op: logFile }),
      flowItem('7', 'Broken screen', { kind: 'view', op: broken }),
      flowItem('8', 'Reboot', { kind: 'do', op: fakeOp('g.reboot', { apply: async () => ok('') }), confirm: 'Reboot now?', defaultNo: true }, { disabledIf: 'not-demo' }),
    ],
  },
};

async function open(term: string): Promise<Harness> {
  const x = await startConsole({ tree, terminal: term, demo: false, uid: 0 });
  writeFileSync(join(x.root, 'audit.log'), Array.from({ length: 40 }, (_, i) => JSON.stringify({ time: `2026-11-30T10:${String(i).padStart(2, '0')}:00Z`, user: 'admin', tty: '/dev/pts/0', action: 'ntp.set', detail: `servers n${i}.example`, result: 'ok' })).join('\n') + '\n');
  await x.waitFor('8. Reboot');
  return x;
}

describe.each(['xterm-256color', 'linux', 'vt100'])('golden screens at 80x24, TERM=%s', (term) => {
  it('menu (state text, a disabled item), help, yes/no, message', async () => {
    h = await open(term);
    golden(term, 'menu', h);
    await h.press('?');
    await h.waitFor('Help');
    golden(term, 'help', h);
    await h.press(KEYS.enter, '2', KEYS.enter);
    await h.waitFor('Restart all services now?');
    golden(term, 'yesno', h);
    await h.press('y');
    await h.waitFor('All 4 services restarted');
    golden(term, 'message', h);
  });

  it('form with an error at its field, review with a warning, countdown', async () => {
    h = await open(term);
    await h.press(KEYS.enter);
    await h.waitFor('IP address');
    await h.press(KEYS.ctrlU);
    await h.type('192.0.2.300');
    // Enter goes on to the gateway; Enter on the last field submits
    await h.press(KEYS.enter, KEYS.enter);
    await h.waitFor('! "192.0.2.300" is not an IPv4 address');
    golden(term, 'form', h);
    await h.press(KEYS.ctrlU);
    await h.type('192.0.2.20');
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('198.51.100.1');
    await h.press(KEYS.enter);
    await h.waitFor('Review the change');
    golden(term, 'review', h);
    await h.press('y');
    await h.waitFor('Time left to confirm');
    golden(term, 'countdown', h);
    await h.press('y');
    await h.waitFor('Confirmed.');
  });

  it('progress of a run, table, text, pager, internal error', async () => {
    h = await open(term);
    await h.press('3', KEYS.enter);
    await h.waitFor('Configuration enabled: OK');
    golden(term, 'progress', h);
    release();
    await h.waitFor('Done');
    await h.press(KEYS.enter, '4', KEYS.enter);
    await h.waitFor('0.ubuntu.pool.ntp.org');
    golden(term, 'table', h);
    await h.press(KEYS.enter, '5', KEYS.enter);
    await h.waitFor('ssh-rsa');
    golden(term, 'text', h);
    await h.press(KEYS.enter, '6', KEYS.enter);
    await h.waitFor('servers n0.example');
    golden(term, 'pager', h);
    await h.press('q', '7', KEYS.enter);
    await h.waitFor('Internal error');
    golden(term, 'internal-error', h);
  });

  it('a terminal too small for the console says so', async () => {
    h = await startConsole({ tree, terminal: term, demo: false, cols: 60, rows: 18 });
    await h.waitFor('Terminal too small');
    golden(term, 'too-small', h);
  });
});
