#!/usr/bin/env node
// npm run fault -- [--kills N] [--minutes M] [--writers N] [--hostile N] [--seed S] [--only kills|concurrency|hostile|damaged|recovery]
// The long run of the fault harness (test/fault/): N random kills (or as many as M minutes allow)
// with recovery and a whole-appliance check after each, N concurrent writers, N hostile inputs
// (all when N is larger than the corpus), every damaged file; then the figures: kills,
// inconsistent states (target 0), stuck locks, leftovers, leaks. `npm test` runs them bounded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const opts = { kills: 1000, minutes: 0, writers: 60, hostile: 100_000, seed: undefined, only: undefined };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const [k, inline] = args[i].replace(/^--/, '').split('=');
  if (!(k in opts) || args[i] === '--help' || args[i] === '-h') {
    console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 6).join('\n').replace(/^\/\/ ?/gm, ''));
    process.exit(args[i] === '--help' || args[i] === '-h' ? 0 : 2);
  }
  const v = inline ?? args[++i];
  if (v === undefined) {
    console.error(`fault: --${k} needs a value`);
    process.exit(2);
  }
  opts[k] = k === 'only' ? v : Number(v);
  if (k !== 'only' && !(Number.isInteger(opts[k]) && opts[k] >= 0)) {
    console.error(`fault: --${k} takes a whole number, not ${v}`);
    process.exit(2);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'cc-fault-report-'));
const report = join(dir, 'figures.jsonl');
const files = opts.only === 'recovery' ? ['test/system/recovery.test.ts'] : opts.only ? [`test/fault/${opts.only}.test.ts`] : ['test/fault', 'test/system/recovery.test.ts'];
const t0 = Date.now();
spawnSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });
const r = spawnSync('npx', ['vitest', 'run', '--config', 'test/vitest.config.ts', ...files], {
  cwd: repo,
  stdio: 'inherit',
  env: {
    ...process.env,
    CONFCONSOLE_FAULT_KILLS: String(opts.kills),
    CONFCONSOLE_FAULT_MINUTES: String(opts.minutes),
    CONFCONSOLE_FAULT_WRITERS: String(opts.writers),
    CONFCONSOLE_FAULT_HOSTILE: String(opts.hostile),
    CONFCONSOLE_FAULT_REPORT: report,
    ...(opts.seed !== undefined ? { CONFCONSOLE_TEST_SEED: String(opts.seed) } : {}),
  },
});

let parts = [];
try {
  parts = readFileSync(report, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
} catch {
  /* no figures: the tests did not get that far */
}
rmSync(dir, { recursive: true, force: true });
const part = (name) => parts.find((p) => p.part === name);
const k = part('kills') ?? parts.filter((p) => p.part === 'kills-progress').at(-1);
const c = part('concurrency');
const h = part('hostile');
const d = part('damaged');
const line = (label, value) => console.log(`  ${label.padEnd(34)} ${value}`);
console.log(`\nfault harness figures (${((Date.now() - t0) / 60000).toFixed(1)} min)`);
if (k) {
  line('kills', `${k.kills} (${Object.entries(k.killedByMode).map(([m, n]) => `${m} ${n}`).join(', ')}), ${k.finished} runs unkilled, ${k.recoveries} boot recoveries (${k.killedRecoveries ?? 0} of them killed once first), seed ${k.seed}`);
  line('inconsistent states (target 0)', k.inconsistent);
  line('stuck locks', k.stuckLocks + (c?.stuckLocks ?? 0));
  line('leftovers (journal, temps)', k.leftovers + (c?.leftovers ?? 0));
  line('leaks (argv/environ/files)', `${k.leaks} in ${k.sampled} sweeps of /proc`);
  for (const p of k.problems.slice(0, 20)) console.log(`    ${p.slice(0, 400)}`);
}
if (c) line('concurrent writers', `${c.writers}: ${c.ok} ended well, ${c.refusedPcap} refused (disk), ${c.failed} failed, ${c.lost} lost updates, ${c.auditLines} audit lines`);
if (h) line('hostile inputs', `${h.cases} of ${h.of}: ${h.canaries} reached a shell, ${h.crashes} crashed, ${h.shellErrors} shell errors, ${h.rawEscapes} echoed escapes raw`);
if (d) line('damaged files', `${d.cases} cases: ${d.fine} did their job, ${d.named} named the file, ${d.unnamed} did not, ${d.crashes} crashed (${d.known} known, issue 10 items 4-6)`);
process.exit(r.status ?? 1);
