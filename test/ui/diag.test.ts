// Networking and Traffic Analysis > 5. Diagnostic Functions on a headless terminal, through the
// real diag.sh. Esc during a ping ends its whole process group at once: measured from the key
// to the group gone, on the host's loopback only (127.0.0.1).
import { readdirSync, readFileSync } from 'node:fs';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { groupAlive } from '../../src/system/runner.js';
import { removeTree } from '../support/cleanup.js';
import { missing } from '../support/requires.js';
import { KEYS, startConsole, type Harness } from '../support/headless.js';
import { fakeOp, flowItem, tinyTree } from '../support/fakes.js';
import { checkLines, checkVerdict } from '../../src/features/diag/index.js';
import type { Row } from '../../src/features/callhome/state.js';

const why = missing('ui: Esc ends a diagnostic ping', ['bash', 'ping', 'pkill']);
const whyCapture = missing('ui: Esc ends a diagnostic capture', ['root', 'tcpdump', 'timeout']);

let h: Harness | undefined;
const roots: string[] = [];
afterEach(() => {
  h?.close();
  h = undefined;
  for (const r of roots.splice(0)) removeTree(r);
});

/** A root of a real (not demo) appliance: only its settings, no network of its own. */
function applianceRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'cc-ui-diag-'));
  roots.push(root);
  mkdirSync(join(root, 'etc/confconsole'), { recursive: true });
  writeFileSync(join(root, 'etc/confconsole/appliance.ini'), '[appliance]\nprofile = appliance\n');
  return root;
}

/** Whether process `pid` still runs (not ended, not a zombie waiting for its parent). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Processes of group `pgid` that still run (a zombie has ended: only its exit status waits for its parent). */
function running(pgid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') out.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** Processes whose command line is exactly `argv`: pid → process group. */
function processes(argv: string[]): Map<number, number> {
  const found = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (cmd.length !== argv.length || cmd.some((a, i) => a !== argv[i])) continue;
      // field 5 of stat is the process group (after the command in parentheses)
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      found.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

async function toDiag(x: Harness) {
  await x.waitFor('Welcome');
  await x.press(KEYS.enter, '1', KEYS.enter, '5', KEYS.enter);
  await x.waitFor('7. Capture packets on an interface');
}

describe.skipIf(why !== undefined)('Diagnostic Functions (headless)', () => {
  it('Esc during a ping ends its process group within 200 ms; no process is left; the output stays on screen', async () => {
    h = await startConsole({ demo: false, root: applianceRoot() });
    await toDiag(h);
    await h.press('1', KEYS.enter);
    await h.waitFor('Host name or IP address');
    await h.type('127.0.0.1');
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('97'); // a count no other test uses: its ping is found by its command line
    const PING = ['ping', '-n', '-c', '97', '-W', '2', '--', '127.0.0.1'];
    const ownGroup = Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[2]);

    // Up to three runs (OK on a result runs it again): the best must be within 200 ms, every
    // one within a second, and none may leave a process. The best of three, because this
    // test's console shares its event loop with the emulated terminal on a shared machine:
    // one run can lose 100 ms to the scheduler; an Esc that does not end the group fails all.
    const ended: number[] = [];
    const gone: number[] = [];
    for (let run = 0; run < 3 && !(ended.length && Math.min(...ended) < 200); run++) {
      if (run > 0) {
        await h.press(KEYS.enter); // OK on the result: the form again, as entered
        await h.waitFor('Host name or IP address');
        expect(h.text()).toContain('127.0.0.1');
      }
      await h.press(KEYS.enter);
      await h.waitFor(/64 bytes from 127\.0\.0\.1: icmp_seq=2/, 10_000);
      const found = processes(PING);
      expect(found.size).toBe(1);
      const pgid = [...found.values()][0]!;
      expect(pgid).not.toBe(ownGroup); // a group of its own (the script leads it), not the console's
      const members = running(pgid);
      expect(members.length).toBeGreaterThanOrEqual(2); // the script, its ping (and its reader)

      // From the key: every process of the group has ended (the Esc key itself is decoded after
      // ESC_WAIT_MS, 40 ms, to tell it from the start of an escape sequence); then the group is
      // gone entirely once the console has collected the script's exit status.
      const t0 = performance.now();
      const pressed = h.press(KEYS.esc);
      let end = Number.NaN;
      while (groupAlive(pgid) && performance.now() - t0 < 5000) {
        if (Number.isNaN(end) && members.every((pid) => !alive(pid))) end = performance.now() - t0;
        await new Promise((r) => setTimeout(r, 1));
      }
      const all = performance.now() - t0;
      ended.push(Number.isNaN(end) ? all : end);
      gone.push(all);
      await pressed;
      expect(groupAlive(pgid)).toBe(false);
      expect(processes(PING).size).toBe(0);
      // the result: what came until then, on screen
      await h.waitFor('Stopped (Esc)');
      expect(h.text()).toMatch(/64 bytes from 127\.0\.0\.1: icmp_seq=1/);
    }
    console.log(`Esc to every process of the group ended: ${ended.map((x) => x.toFixed(1)).join(', ')} ms; to the group gone (exit status collected): ${gone.map((x) => x.toFixed(1)).join(', ')} ms`);
    expect(Math.min(...ended)).toBeLessThan(200);
    for (const x of gone) expect(x).toBeLessThan(1000);
  });

  it.skipIf(whyCapture !== undefined)('Esc during a capture that waits for packets: tcpdump and its timeout are gone at once, the output stays', async () => {
    h = await startConsole({ demo: false, root: applianceRoot() });
    await toDiag(h);
    await h.press('7', KEYS.enter);
    await h.waitFor('Interface (e.g. eth0)');
    await h.type('lo');
    await h.press(KEYS.tab, KEYS.ctrlU);
    await h.type('997'); // a count no other test uses: its tcpdump is found by its command line
    await h.press(KEYS.tab);
    await h.type('udp port 9'); // nothing sends there: the capture waits
    await h.press(KEYS.enter);
    await h.waitFor(/listening on lo/, 15_000);
    const DUMP = ['tcpdump', '-l', '-n', '-i', 'lo', '-c', '997', '--', 'udp port 9'];
    const found = processes(DUMP);
    expect(found.size).toBe(1);
    const pgid = [...found.values()][0]!;
    const t0 = performance.now();
    await h.press(KEYS.esc);
    while (groupAlive(pgid) && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 2));
    const all = performance.now() - t0;
    expect(groupAlive(pgid)).toBe(false);
    expect(processes(DUMP).size).toBe(0);
    expect(processes(['timeout', '60', ...DUMP]).size).toBe(0);
    expect(all).toBeLessThan(1000);
    await h.waitFor('Stopped (Esc)');
    expect(h.text()).toMatch(/listening on lo/);
  });

  it('a bad host stays at its field with the reason; nothing runs', async () => {
    h = await startConsole({ demo: false, root: applianceRoot() });
    await toDiag(h);
    await h.press('2', KEYS.enter);
    await h.waitFor('Host name or IP address');
    await h.type('-I');
    await h.press(KEYS.enter);
    await h.waitFor('is not a valid host name');
    expect(h.text()).not.toContain('traceroute to');
  });

  it('the demo appliance says so instead of probing the host network', async () => {
    h = await startConsole({ demo: true });
    await toDiag(h);
    await h.press('3', KEYS.enter);
    await h.type('callhome.example');
    await h.press(KEYS.enter);
    await h.waitFor('this is the demo appliance', 10_000);
  });
});

describe('the network test\'s result: a wrapped row keeps its columns', () => {
  // rows as diag.sh gives them, shown through the screen's own checkLines: a FAIL whose detail
  // and advice are longer than the dialog, a SKIP that wraps too, a PASS that fits
  const rows: Row[] = [
    { check: 'Link up', status: 'ok', detail: 'eth0 has a link', advice: '' },
    { check: 'DNS server 2001:db8::53 answers', status: 'fail', detail: 'no answer within 2 s; from resolv.conf, systemd-resolved, netplan (eth0)', advice: 'Check the DNS server address, and that a firewall lets DNS (UDP and TCP port 53) through.' },
    { check: 'Call-Home host accepts TCP', status: 'skip', detail: 'not checked: Call-Home is off (Appliance Admin > Call-Home menu), so nothing is tried', advice: '' },
  ];
  const check = fakeOp('x.check', { run: async () => ({ ok: false, summary: checkVerdict(rows), details: checkLines(rows) }) });
  /** The cell where row y's text starts (its first non-space inside the dialog's border). */
  const textAt = (line: string) => line.slice(1).search(/[^ │|x]/) + 1;

  for (const [cols, rowsN, terminal] of [[80, 24, 'linux'], [80, 24, 'xterm-256color'], [132, 43, 'linux'], [132, 43, 'xterm-256color']] as const) {
    it(`${cols}x${rowsN} ${terminal}: continuation rows start under the text column, the spacing stays`, async () => {
      h = await startConsole({ cols, rows: rowsN, terminal, tree: tinyTree([flowItem('1', 'Test the management network', { kind: 'run', op: check })]) });
      await h.press(KEYS.enter);
      await h.waitFor(/SKIP +Call-Home host accepts TCP/);
      const lines = h.lines();
      const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
      for (const [head, indent] of [[/FAIL  DNS server 2001:db8::53 answers: no answer/, 6], [/ -> Check the DNS server address/, 9], [/SKIP  Call-Home host accepts TCP: not checked/, 6]] as const) {
        const y = at(head);
        expect(y, lines.join('\n')).toBeGreaterThan(0);
        const x0 = lines[y]!.search(/FAIL|SKIP|      ->/);
        // the next row goes on with the text, under the row's text column
        const next = lines[y + 1]!;
        expect(textAt(next), `${lines[y]}\n${next}`).toBe(x0 + indent);
        expect(next.slice(x0, x0 + indent).trim(), next).toBe('');
      }
      expect(lines[at(/PASS  Link up: eth0 has a link/)]).toBeDefined();
    });
  }
});
