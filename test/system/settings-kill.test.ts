// kill -9 during an import (issue 15): each area is left old or new, never mixed. An import of a
// document that changes five areas (Call-Home through two writers: its server, then the partner)
// is killed at several points — a writer dies mid-change (the fault harness at txn_end, the Nth
// writer) and the import with it, or the import is killed as the Nth revision appears (its writer,
// detached, survives and ends) — then recover.sh, the product's recovery (run at boot, and first by
// every writer), puts back what a dead writer's journal names, and the next import (here its dry
// run) puts back an area the import had half applied (src/settings/journal.ts). Every area's
// export then equals the old document's or the new one's.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { missing } from '../support/requires.js';
import { cc, ccEnv, demoRoot, REPO, removeRoots, runScript, waitFor } from './helpers.js';

const why = missing('system: kill -9 during an import', ['bash', 'python3', 'flock', 'setsid']);
afterAll(removeRoots);

type Doc = { areas: Record<string, unknown> };
const exportOf = (root: string): Doc => {
  const r = cc(root, ['export', '--json']);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Doc;
};

/** The new document: NTP, Call-Home's server, the role (a probe), the proxy for updates and eth0's address changed. */
function changed(old: Doc): Doc {
  const a = JSON.parse(JSON.stringify(old.areas)) as Record<string, Record<string, unknown>>;
  a.ntp = { servers: ['192.0.2.31', '192.0.2.32'] };
  // two writers: set_callhome.sh, then set_partner.sh
  a.callhome = { ...a.callhome!, host: 'support.example.net', port: '443', ssl: true, partner: { enabled: true, host: '192.0.2.70', port: '22' } };
  a.topology = { role: 'probe', master: { mode: 'push', host: '192.0.2.60' }, retain_search: true };
  a.updates = { ...a.updates!, proxy: 'http://192.0.2.8:3128' };
  const net = a.network as { interfaces: Record<string, Record<string, unknown>> };
  net.interfaces.eth0 = { ...net.interfaces.eth0!, address: '10.0.0.77' };
  return { ...old, areas: a };
}

const JOURNAL = (root: string) => join(root, 'etc/confconsole/secrets/settings-journal.json');

const revisions = (root: string) => {
  const d = join(root, 'var/lib/confconsole/history');
  return existsSync(d) ? readdirSync(d).filter((n) => n.endsWith('.json')).length : 0;
};

/**
 * Runs the import and kills it (SIGKILL to its process group) when `when(stderr)` holds; resolves
 * once it is gone (or ended by itself first).
 */
function importKilled(root: string, file: string, env: Record<string, string>, when: (err: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/confconsole'), '--demo', '--root', root, 'import', file], { env: ccEnv(env), detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone already */
      }
    };
    const timer = setInterval(() => when(err) && kill(), 2);
    child.stderr!.on('data', (d) => {
      err += d;
      if (when(err)) kill();
    });
    child.on('error', reject);
    child.on('close', () => {
      clearInterval(timer);
      resolve();
    });
  });
}

/**
 * The journal of an import that still runs, applying `area` (its settings before: `old`), as
 * settings_journal.sh begin writes it: the owner is a process of the test (killed when the test
 * ends), with its pid and start time. → that process.
 */
function runningImport(root: string, area: string, old: unknown): ReturnType<typeof spawn> {
  const owner = spawn('sleep', ['300'], { stdio: 'ignore' });
  onTestFinished(() => void owner.kill('SIGKILL'));
  const stat = readFileSync(`/proc/${owner.pid}/stat`, 'utf8');
  mkdirSync(dirname(JOURNAL(root)), { recursive: true, mode: 0o700 });
  writeFileSync(JOURNAL(root), JSON.stringify({ area, old, owner: { pid: owner.pid, start: stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/)[19] } }), { mode: 0o600 });
  return owner;
}

/**
 * A demo appliance whose NTP servers were then set to `server`, and the journal of an import that
 * still runs putting NTP back (runningImport) → the root, NTP's settings before, and ownerGone,
 * which kills the import's owner and waits until it is gone (a zombie counts: this test reaps it later).
 */
async function ntpImportRunning(server: string) {
  const root = await demoRoot('appliance', 'cc-kill-');
  const oldNtp = exportOf(root).areas.ntp;
  expect(cc(root, ['ntp', 'set', server]).code).toBe(0);
  const owner = runningImport(root, 'ntp', oldNtp);
  const ownerGone = async () => {
    owner.kill('SIGKILL');
    await waitFor('the owner to be gone', () => !existsSync(`/proc/${owner.pid}`) || readFileSync(`/proc/${owner.pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z'));
  };
  return { root, oldNtp, ownerGone };
}

const seen = new Map<string, Set<string>>();
const cases: { what: string; env?: (root: string) => Record<string, string>; when: (root: string) => (err: string) => boolean; newAreas: (n: number) => boolean }[] = [
  // a writer dies mid-change (its journal open), the import with it: writer n+1 (writers: ntp,
  // Call-Home's server, its partner, the role, ...). The areas before its area are new, its area
  // is old (Call-Home's second writer: the first one's change is put back too), none after begun.
  ...[
    { n: 0, areas: 0 },
    { n: 2, areas: 1 },
    { n: 3, areas: 2 },
  ].map(({ n, areas }) => ({
    what: `writer ${n + 1} killed at txn_end`,
    env: (root: string) => ({ CONFCONSOLE_FAULT_AT: 'txn_end', CONFCONSOLE_FAULT_SKIP: `${join(root, '.fault-count')}:${n}` }),
    when: () => (err: string) => err.includes('fault harness: killed at'),
    newAreas: (k: number) => k === areas,
  })),
  // the import killed as the Nth revision appears (that writer survives and ends): an area is new
  // once the import has closed its journal, so the area of revision N is new only if the kill came
  // after that (rarely). Revisions: 1 NTP, 2 Call-Home's server, 3 its partner, 4 the role.
  ...[
    { n: 1, before: 0 },
    { n: 2, before: 1 },
    { n: 4, before: 2 },
  ].map(({ n, before }) => ({ what: `the import killed at revision ${n}`, when: (root: string) => () => revisions(root) >= n, newAreas: (k: number) => k === before || k === before + 1 })),
];

describe.skipIf(why)('kill -9 during an import', () => {
  // an import of five areas takes seconds on a busy machine: each case has its own time
  it.each(cases)('$what: each area old or new, never mixed, after the recovery', async (c) => {
    const root = await demoRoot('appliance', 'cc-kill-');
    const oldDoc = exportOf(root);
    const newDoc = changed(oldDoc);
    const file = join(root, 'new.json');
    writeFileSync(file, JSON.stringify(newDoc));
    await importKilled(root, file, c.env?.(root) ?? {}, c.when(root));
    // the product's recovery: it waits for a surviving writer (the lock), then rolls back a dead one's journal
    const rec = await runScript('recover.sh', [], root);
    expect(rec.code, `${c.what}: ${rec.stderr}`).toBe(0);
    await waitFor('the journal to be closed', () => !existsSync(join(root, 'var/lib/confconsole/txn')), 5000);
    // the next import (a dry run) first puts back an area the killed one had half applied
    const next = cc(root, ['import', '--dry-run', file]);
    expect(next.code, `${c.what}: ${next.err}`).toBe(0);
    expect(existsSync(join(root, 'etc/confconsole/secrets/settings-journal.json')), `${c.what}: the area journal is gone`).toBe(false);
    const now = exportOf(root);
    const states: string[] = [];
    // the areas the document changes (one it leaves as it is, as the backup schedule, is old and new at once)
    for (const id of Object.keys(newDoc.areas).filter((x) => JSON.stringify(newDoc.areas[x]) !== JSON.stringify(oldDoc.areas[x]))) {
      const is = JSON.stringify(now.areas[id]);
      const state = is === JSON.stringify(newDoc.areas[id]) ? 'new' : is === JSON.stringify(oldDoc.areas[id]) ? 'old' : 'mixed';
      expect(state, `${c.what}: ${id} is ${is}`).not.toBe('mixed');
      states.push(`${id}:${state}`);
      if (!seen.has(id)) seen.set(id, new Set());
      seen.get(id)!.add(state);
    }
    // the areas applied in order: the new ones come first
    expect(states.map((s) => s.endsWith(':new')).join(','), `${c.what}: ${states.join(' ')}`).toMatch(/^(true,)*(false,?)*$|^(true,?)*$/);
    expect(c.newAreas(states.filter((s) => s.endsWith(':new')).length), `${c.what}: ${states.join(' ')}`).toBe(true);
  }, 120_000);

  it("a writer of Call-Home dies and the import lives: Call-Home is put back at once (exit 3), the areas after it not applied", async () => {
    const root = await demoRoot('appliance', 'cc-kill-');
    const oldDoc = exportOf(root);
    const newDoc = changed(oldDoc);
    const file = join(root, 'new.json');
    writeFileSync(file, JSON.stringify(newDoc));
    // writers: 1 NTP, 2 Call-Home's server, 3 its partner (dies), then the server put back
    const r = cc(root, ['import', '--json', file], '', { env: { CONFCONSOLE_FAULT_AT: 'txn_end', CONFCONSOLE_FAULT_SKIP: `${join(root, '.fault-count')}:2` } });
    expect(r.code, r.err).toBe(3);
    const res = JSON.parse(r.out) as { areas: { area: string; result: string; summary?: string }[] };
    expect(res.areas.map((x) => `${x.area}:${x.result}`)).toEqual(expect.arrayContaining(['ntp:changed', 'callhome:failed', 'topology:not applied']));
    expect(res.areas.find((x) => x.area === 'callhome')!.summary).toMatch(/put back as it was/);
    expect((await runScript('recover.sh', [], root)).code).toBe(0);
    const now = exportOf(root);
    expect(now.areas.ntp).toEqual(newDoc.areas.ntp);
    for (const id of ['callhome', 'topology', 'updates', 'network']) expect(now.areas[id], id).toEqual(oldDoc.areas[id]);
    expect(existsSync(join(root, 'etc/confconsole/secrets/settings-journal.json'))).toBe(false);
  }, 120_000);

  it('an area a killed import left half applied is put back by the next writing command, not only the next import', async () => {
    const root = await demoRoot('appliance', 'cc-kill-');
    const oldDoc = exportOf(root);
    const file = join(root, 'new.json');
    writeFileSync(file, JSON.stringify(changed(oldDoc)));
    // writer 3 (Call-Home's partner) dies at txn_end and the import with it: Call-Home's server is new, the area journaled
    // (no recover.sh here: it would put the area back itself; the writer's own journal is rolled back by the next lock)
    await importKilled(root, file, { CONFCONSOLE_FAULT_AT: 'txn_end', CONFCONSOLE_FAULT_SKIP: `${join(root, '.fault-count')}:2` }, (err) => err.includes('fault harness: killed at'));
    expect(existsSync(JOURNAL(root)), 'the area journal is left by the kill').toBe(true);
    // a command that only reads leaves it; the next one that writes puts Call-Home back first
    expect(cc(root, ['callhome', 'show']).code).toBe(0);
    expect(existsSync(JOURNAL(root))).toBe(true);
    const r = cc(root, ['ntp', 'set', '192.0.2.44']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/note: an interrupted import had left Call-Home\b.* back as it was/i);
    expect(existsSync(JOURNAL(root))).toBe(false);
    const now = exportOf(root);
    expect(now.areas.callhome).toEqual(oldDoc.areas.callhome);
    expect(now.areas.ntp).toEqual({ servers: ['192.0.2.44'] });
  }, 120_000);

  it("a journal whose import still runs is left to it; once its owner is gone the console's start puts the area back", async () => {
    // an import applying NTP now (its owner: a process that runs), as settings_journal.sh begin writes it
    const { root, oldNtp, ownerGone } = await ntpImportRunning('192.0.2.51');
    const busy = cc(root, ['backup', 'set', '--keep', '3']);
    expect(busy.code, busy.err).toBe(0);
    expect(existsSync(JOURNAL(root)), 'left to the import that runs').toBe(true);
    expect(exportOf(root).areas.ntp).toEqual({ servers: ['192.0.2.51'] });
    await ownerGone();
    // the console on a terminal (script gives it one): its start puts NTP back
    const con = spawn('script', ['-qfec', `${process.execPath} ${join(REPO, 'bin/confconsole')} --demo --root ${root}`, '/dev/null'], { env: ccEnv({ TERM: 'xterm' }), detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      await waitFor('the console to put NTP back', () => !existsSync(JOURNAL(root)), 60_000);
    } finally {
      try {
        process.kill(-con.pid!, 'SIGKILL');
      } catch {
        /* ended */
      }
    }
    expect(exportOf(root).areas.ntp).toEqual(oldNtp);
  }, 120_000);

  // netfix item 3: the boot unit's recover.sh puts back the area too (it was left for the next
  // console or writing command), through the console's own recovery (confconsole recover). Writers:
  // 1 NTP, 2 Call-Home's server, 3 its partner, 4 the role; killed at txn_end, the import with it.
  it.each([
    { what: "Call-Home's partner (writer 3) killed: its server, already new, put back", n: 2, boot: false },
    { what: "Call-Home's server (writer 2) killed: its own journal puts it back, the area journal ends", n: 1, boot: false },
    { what: 'the role (writer 4) killed, at boot (--boot)', n: 3, boot: true },
  ])('recover.sh after a killed import: $what; every area old or new, the journal gone', async ({ n, boot }) => {
    const root = await demoRoot('appliance', 'cc-kill-');
    const oldDoc = exportOf(root);
    const newDoc = changed(oldDoc);
    const file = join(root, 'new.json');
    writeFileSync(file, JSON.stringify(newDoc));
    await importKilled(root, file, { CONFCONSOLE_FAULT_AT: 'txn_end', CONFCONSOLE_FAULT_SKIP: `${join(root, '.fault-count')}:${n}` }, (err) => err.includes('fault harness: killed at'));
    const journal = JSON.parse(readFileSync(JOURNAL(root), 'utf8')) as { area: string };
    const rec = await runScript('recover.sh', boot ? ['--boot'] : [], root, { CONFCONSOLE_DEMO: '1' });
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.json).toEqual({ ok: true, recovered: true });
    expect(existsSync(JOURNAL(root)), 'the area journal is gone').toBe(false);
    expect(existsSync(join(root, 'var/lib/confconsole/txn')), 'the writer journal is gone').toBe(false);
    const now = exportOf(root);
    // the area the import was applying is as before it; the ones before it new, the ones after it old
    const ids = Object.keys(newDoc.areas).filter((x) => JSON.stringify(newDoc.areas[x]) !== JSON.stringify(oldDoc.areas[x]));
    const at = ids.indexOf(journal.area);
    expect(at, journal.area).toBeGreaterThanOrEqual(0);
    for (const [k, id] of ids.entries()) expect(now.areas[id], `${id} (the import was at ${journal.area})`).toEqual((k < at ? newDoc : oldDoc).areas[id]);
    // nothing left to do: a second run puts back nothing
    expect((await runScript('recover.sh', [], root, { CONFCONSOLE_DEMO: '1' })).json).toEqual({ ok: true, recovered: false });
  }, 120_000);

  it('recover.sh leaves a journal whose import still runs (its owner pid), and puts the area back once the owner is gone', async () => {
    const { root, oldNtp, ownerGone } = await ntpImportRunning('192.0.2.52');
    const busy = await runScript('recover.sh', ['--boot'], root, { CONFCONSOLE_DEMO: '1' });
    expect(busy.code, busy.stderr).toBe(0);
    expect(busy.json).toEqual({ ok: true, recovered: false });
    expect(existsSync(JOURNAL(root)), 'left to the import that runs').toBe(true);
    expect(exportOf(root).areas.ntp).toEqual({ servers: ['192.0.2.52'] });
    await ownerGone();
    const back = await runScript('recover.sh', ['--boot'], root, { CONFCONSOLE_DEMO: '1' });
    expect(back.code, back.stderr).toBe(0);
    expect(back.json).toEqual({ ok: true, recovered: true });
    expect(existsSync(JOURNAL(root))).toBe(false);
    expect(exportOf(root).areas.ntp).toEqual(oldNtp);
    // a pid reused by another process (its start time differs) is not the owner: put back too
    expect(cc(root, ['ntp', 'set', '192.0.2.53']).code).toBe(0);
    writeFileSync(JOURNAL(root), JSON.stringify({ area: 'ntp', old: oldNtp, owner: { pid: process.pid, start: '1' } }), { mode: 0o600 });
    expect((await runScript('recover.sh', [], root, { CONFCONSOLE_DEMO: '1' })).json).toEqual({ ok: true, recovered: true });
    expect(exportOf(root).areas.ntp).toEqual(oldNtp);
  }, 120_000);

  it('recover.sh says why when the area cannot be put back (a journal it does not believe): exit 1, the journal kept', async () => {
    const root = await demoRoot('appliance', 'cc-kill-');
    mkdirSync(dirname(JOURNAL(root)), { recursive: true, mode: 0o700 });
    for (const text of ['{"area":"ntp","old":', JSON.stringify({ area: 'no-such-area', old: {} })]) {
      writeFileSync(JOURNAL(root), text, { mode: 0o600 });
      const r = await runScript('recover.sh', [], root, { CONFCONSOLE_DEMO: '1' });
      expect(r.code).toBe(1);
      expect(r.json.error).toMatch(/was not put back: .*(damaged|cannot put back)/);
      expect(readFileSync(JOURNAL(root), 'utf8')).toBe(text);
    }
  }, 120_000);

  it('the kills fell at different points: some area was found old after one and new after another', () => {
    expect([...seen.values()].some((s) => s.size === 2), JSON.stringify([...seen].map(([k, v]) => [k, [...v]]))).toBe(true);
  });
});
