// Random SIGKILLs of every writer, then recovery, then a check that the appliance is whole.
//
// Two appliances take turns: a file appliance (appliance.ini, chrony.conf, secrets; services
// through a recording service command that notes the hash of the configuration each restart
// read) and a network appliance (netplan YAML applied to the interfaces of a namespace of the
// test's own). Each step runs one writer — a script, or the confconsole command line — with one
// of: no kill; SIGKILL of its process group at a random moment; SIGKILL of every process of its
// tree; or a kill at a named file event (CONFCONSOLE_FAULT_AT, sbin/lib/files.sh fault_point).
// Then recovery: recover.sh (the boot path) at once, or left to the next writer's lock. After
// it: every file parses and is the state before the step or the state the step makes when it
// completes (computed on a copy), the interfaces and the services run what the files say, no
// journal, temp file or held lock is left, no rollback timer is missing. While it runs, every
// process's argv and environment are sampled for the secrets in use.
//
// CI runs a few dozen kills; `npm run fault -- --kills N` runs N (test/fault/run.mjs), and the
// figures go to CONFCONSOLE_FAULT_REPORT. CONFCONSOLE_TEST_SEED replays a run.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../src/system/settings.js';
import { missing } from '../support/requires.js';
import { REPO, fixture, makeRoot, readOr, removeRoots, rng, runCommand, script, scriptEnv, sleep, testSeed, type Root, type RunResult } from '../system/helpers.js';
import { endProcessesOf, writersDone, liveMismatches, lockFree, makeNetns, netRoot, netTools, tempsUnder, txnOf, uniqueNs, type NetRoot, type Netns } from './lib.js';
import { procSampler, writeFigures, type Figures } from './sampler.js';

const KILLS = Number(process.env.CONFCONSOLE_FAULT_KILLS ?? 16);
/** a time budget (the long run): stop after it with the kills made so far */
const MINUTES = Number(process.env.CONFCONSOLE_FAULT_MINUTES ?? 0);
const why = missing('fault: random kills of every writer', [...netTools, 'flock', 'sha256sum']);
const CLI = join(REPO, 'bin/confconsole');
const built = existsSync(join(REPO, 'dist/cli.js'));

const seed = testSeed();
const R = rng(seed);

// ---- the writers ------------------------------------------------------------------------
interface Step {
  what: string;
  /** a script of sbin/, or the command line (argv after the options) */
  script?: string;
  cli?: string[];
  args: string[];
  input?: string;
  /** the file events it passes (CONFCONSOLE_FAULT_AT candidates) */
  events: string[];
  /** secrets it carries (the sampler looks for them) */
  secrets: string[];
}
const alnum = (n: number) => Array.from({ length: n }, () => 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[R.int(0, 55)]).join('');
const journal = ['txn_begin', 'stage:appliance.ini', 'commit:appliance.ini', 'committed:appliance.ini', 'txn_end'];
const secretEvents = (n: string) => [`stage:${n}`, `commit:${n}`, `committed:${n}`];

function fileStep(): Step {
  const viaCli = built && R.chance(0.3);
  const cli = (argv: string[], s: Omit<Step, 'cli' | 'what'>): Step => (viaCli ? { ...s, what: `confconsole ${argv.join(' ')}`, cli: argv, script: undefined } : { ...s, what: `${s.script} ${s.args.join(' ')}` });
  switch (R.int(0, 9)) {
    case 7: {
      const verb = R.pick(['enable', 'disable']);
      return cli(['callhome', verb], { script: 'callhome.sh', args: [verb], events: journal, secrets: [] });
    }
    case 8: {
      const args = R.chance(0.7) ? ['--host', R.pick(['partner.example.org', '198.51.100.9']), '--port', String(R.int(1024, 65535))] : ['--disable'];
      return { what: `set_partner.sh ${args.join(' ')}`, script: 'set_partner.sh', args, events: journal, secrets: [] };
    }
    case 9:
      return cli(['services', 'restart'], { script: 'restart_services.sh', args: [], events: [], secrets: [] });
    case 0: {
      const servers = [R.pick(['192.0.2.1', 'ntp1.example.org', '[2001:db8::1]:123', '198.51.100.2:1123']), ...(R.chance(0.5) ? ['ntp2.example.org'] : [])];
      return cli(['ntp', 'set', ...servers], { script: 'set_ntp.sh', args: servers, events: [...journal, 'stage:chrony.conf', 'commit:chrony.conf', 'committed:chrony.conf'], secrets: [] });
    }
    case 1: {
      const secret = alnum(24);
      const host = R.pick(['192.0.2.5', '198.51.100.7:8443']);
      return cli(['master', 'set', 'push-token', '--host', host], { script: 'set_pushtoken.sh', args: [host], input: `lab${R.int(1, 9)}:${secret}\n`, events: [...journal, ...secretEvents('push_token')], secrets: [secret] });
    }
    case 2: {
      const secret = alnum(R.int(20, 40));
      return cli(['master', 'set', 'pull'], { script: 'set_dcip_hmac.sh', args: [], input: `${secret}\n`, events: [...journal, ...secretEvents('pull_hmac')], secrets: [secret] });
    }
    case 3: {
      const secret = alnum(R.int(20, 40));
      return cli(['ossensor-hmac', 'set'], { script: 'set_ossensor_hmac.sh', args: [], input: `${secret}\n`, events: [...journal, ...secretEvents('ossensor_hmac')], secrets: [secret] });
    }
    case 4: {
      const host = R.pick(['192.0.2.9', '203.0.113.4']);
      return cli(['master', 'set', 'push', '--host', host], { script: 'set_push.sh', args: [host], events: journal, secrets: [] });
    }
    case 5: {
      const secret = `Pw-${alnum(16)}`;
      const args = ['--host', R.pick(['ch.example.org', '192.0.2.44']), '--port', '22', '--proxy', 'http://proxy.example.org:3128', '--proxy-user', 'ops'];
      return { what: `set_callhome.sh ${args.join(' ')}`, script: 'set_callhome.sh', args, input: `${secret}\n`, events: [...journal, ...secretEvents('callhome_proxy')], secrets: [secret] };
    }
    default: {
      const gb = String(R.pick([0, 1]));
      return cli(['pcap', 'set', gb], { script: 'set_pcap.sh', args: [gb], events: journal, secrets: [] });
    }
  }
}

const netEvents = ['txn_begin', 'stage:01-netcfg.yaml', 'commit:01-netcfg.yaml', 'committed:01-netcfg.yaml', 'stage:net-pending.json', 'commit:net-pending.json', 'committed:net-pending.json', 'txn_end'];
function netStep(pending: boolean): Step {
  if (pending) {
    return R.chance(0.5)
      ? { what: 'net_confirm.sh', script: 'net_confirm.sh', args: [], events: ['stage:netplan-confirmed.yaml', 'commit:netplan-confirmed.yaml', 'committed:netplan-confirmed.yaml'], secrets: [] }
      : { what: 'net_rollback.sh', script: 'net_rollback.sh', args: [], events: netEvents.filter((e) => !e.includes('pending')), secrets: [] };
  }
  const args = R.pick([
    ['ccm1', '--static', '--address', `203.0.113.${R.int(20, 90)}`, '--netmask', R.pick(['24', '255.255.255.0'])],
    ['cap0', '--capture'],
    ['cap0', '--static', '--address', `198.51.100.${R.int(20, 90)}`, '--netmask', '24'],
    ['ccm1', '--restore-confirmed'],
    ['ccm1', '--factory'],
  ]);
  return { what: `set_network.sh ${args.join(' ')}`, script: 'set_network.sh', args: [...args, '--confirm-timeout', '3600'], events: netEvents, secrets: [] };
}

// ---- the appliances ---------------------------------------------------------------------
interface App {
  kind: 'files' | 'net';
  root: Root;
  env: Record<string, string>;
  /** the files whose content is the appliance's state (relative to the root) */
  state(dir: string): Record<string, string>;
  /** what does not hold (empty: whole) */
  check(): string[];
}

const sha = (s: string | Buffer) => spawnSync('sha256sum', { input: s }).stdout.toString().slice(0, 16);
/** the [master] and [ossensor] sections of an INI text: what the probe service runs on */
const probeConf = (ini: string) => {
  let on = false;
  return ini
    .split('\n')
    .filter((l) => {
      const h = /^\s*\[([^\]]*)\]\s*$/.exec(l);
      if (h) on = h[1] === 'master' || h[1] === 'ossensor';
      return on && l.trim() !== '';
    })
    .join('\n');
};

function filesApp(): App {
  const root = makeRoot({ demo: false });
  const log = join(root.testDir, 'service.log');
  // the recording service command: VERB NAME HASH, HASH that of the configuration the service reads
  const cmd = fixture(
    root,
    'service',
    `ini='${root.ini}'; conf='${root.conf}'
case "$2" in
  chrony) h=$(sha256sum <"$conf" | cut -c1-16) ;;
  vsensor-probe) h=$(awk '/^[ \\t]*\\[/{on=($0 ~ /^[ \\t]*\\[(master|ossensor)\\][ \\t]*$/)} on && NF' "$ini" | head -c -1 | sha256sum | cut -c1-16) ;;
  *) h=- ;;
esac
printf '%s %s %s\\n' "$1" "$2" "$h" >>'${log}'\n`,
  );
  const secretsDir = (dir: string) => join(dir, 'etc/confconsole/secrets');
  const app: App = {
    kind: 'files',
    root,
    env: { CONFCONSOLE_SERVICE_CMD: cmd },
    state(dir) {
      const s: Record<string, string> = {
        ini: readOr(join(dir, 'etc/confconsole/appliance.ini')),
        conf: readOr(join(dir, 'etc/chrony/chrony.conf')),
      };
      const sd = secretsDir(dir);
      // the fingerprint key (made on first use, lib/fingerprint.py) is no setting: a change rolled back may leave it
      if (existsSync(sd)) for (const f of readdirSync(sd).sort()) if (!f.startsWith('.') && f !== 'fingerprint.key') s[`secret ${f}`] = readOr(join(sd, f));
      return s;
    },
    check() {
      const out: string[] = [];
      const ini = readOr(root.ini);
      let servers: string[] = [];
      try {
        servers = parseSettings(ini).ntp.servers;
      } catch (e) {
        out.push(`appliance.ini does not parse: ${(e as Error).message}`);
      }
      // chrony.conf says what the INI says (when the INI has servers at all)
      const conf = readOr(root.conf);
      if (servers.length > 0) {
        const lines = conf.split('\n').filter((l) => /^(server|pool|peer)\s/.test(l)).length;
        if (lines !== servers.length) out.push(`chrony.conf has ${lines} server line(s), appliance.ini ${servers.length}`);
      }
      // the services run on what the files say: the last restart read the current configuration
      const records = readOr(log).split('\n').filter(Boolean).map((l) => l.split(' '));
      const last = (name: string) => records.filter((r) => r[1] === name && r[0] === 'restart').at(-1)?.[2];
      const chrony = last('chrony');
      if (chrony !== undefined && chrony !== sha(conf)) out.push('chrony runs on another chrony.conf than the one on disk');
      const probe = last('vsensor-probe');
      if (probe !== undefined && probe !== sha(probeConf(ini))) out.push('the probe service runs on other [master]/[ossensor] settings than those on disk');
      const sd = secretsDir(root.dir);
      if (existsSync(sd))
        for (const f of readdirSync(sd)) {
          const m = spawnSync('stat', ['-c', '%a', join(sd, f)], { encoding: 'utf8' }).stdout.trim();
          if (m !== '600') out.push(`secret ${f} has mode ${m}`);
        }
      return out;
    },
  };
  return app;
}

function netApp(ns: Netns): App & { r: NetRoot } {
  const r = netRoot(false);
  ns.reset();
  return {
    kind: 'net',
    root: r,
    r,
    env: { CONFCONSOLE_NETNS: ns.name },
    state(dir) {
      const pending = join(dir, 'var/lib/confconsole/net-pending.json');
      return {
        yaml: readOr(join(dir, 'etc/netplan/01-netcfg.yaml')),
        pending: existsSync(pending) ? 'pending' : 'none',
        confirmed: readOr(join(dir, 'var/lib/confconsole/netplan-confirmed.yaml')),
      };
    },
    check() {
      const out: string[] = [];
      try {
        out.push(...liveMismatches(ns, readOr(r.yaml)));
      } catch (e) {
        out.push((e as Error).message);
      }
      if (existsSync(r.pending)) {
        // a change waiting for confirmation has its rollback timer
        let p: { id?: string; timer?: string } = {};
        try {
          p = JSON.parse(readFileSync(r.pending, 'utf8'));
        } catch {
          out.push('net-pending.json does not parse');
        }
        const pid = Number(String(p.timer ?? '').replace(/^pid:/, ''));
        const cmd = readOr(`/proc/${pid}/cmdline`);
        if (!pid || !cmd.includes(p.id ?? '\0none')) out.push(`the pending change ${p.id} has no rollback timer (${p.timer})`);
      }
      return out;
    },
  };
}

/** Every process under PID (PID included), from /proc's parent links. */
function tree(pid: number): number[] {
  const kids = new Map<number, number[]>();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(p)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (x: number) => {
    out.push(x);
    for (const k of kids.get(x) ?? []) walk(k);
  };
  walk(pid);
  return out;
}

const kill = (pid: number) => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
};

function run(app: App, step: Step, dir: string, extra: Record<string, string>, onSpawn?: (pid: number) => void): Promise<RunResult> {
  const env = scriptEnv(dir, { ...app.env, ...extra });
  if (step.cli) return runCommand(process.execPath, [CLI, '--root', dir, '--profile', 'vsensor', '--json', ...step.cli], env, step.input ?? '', { detached: true, onSpawn });
  return runCommand(script(step.script!), step.args, env, step.input, { detached: true, onSpawn });
}

/** journal recovery only, as the next writer's lock does it (a writer that changes nothing else) */
const LOCK_RECOVERY: Step = { what: 'net_ack_rollbacks.sh', script: 'net_ack_rollbacks.sh', args: [], events: [], secrets: [] };
/** the boot's recovery: the journal, and a network change left pending rolled back */
const BOOT_RECOVERY: Step = { what: 'recover.sh', script: 'recover.sh', args: [], events: [], secrets: [] };

/**
 * Runs STEPS one after the other on a copy of DIR (no kill; services are `true`; the network
 * on the demo appliance, never live, never the real change's timer) and returns the state left.
 */
async function outcome(app: App, steps: Step[], dir: string): Promise<Record<string, string>> {
  const copy = mkdtempSync(join(tmpdir(), 'cc-fault-copy-'));
  try {
    cpSync(dir, copy, { recursive: true });
    const extra: Record<string, string> = { CONFCONSOLE_SERVICE_CMD: '/bin/true' };
    // the journal and the pending record name files by absolute path: the copy's own
    for (const f of ['var/lib/confconsole/txn', 'var/lib/confconsole/net-pending.json']) {
      const x = join(copy, f);
      if (existsSync(x)) writeFileSync(x, readFileSync(x, 'utf8').replaceAll(app.root.dir + '/', copy + '/'));
    }
    if (app.kind === 'net') {
      const ini = join(copy, 'etc/confconsole/appliance.ini');
      writeFileSync(ini, readOr(ini).replace('[appliance]\n', '[appliance]\ndemo = true\n'));
      const pending = join(copy, 'var/lib/confconsole/net-pending.json');
      if (existsSync(pending)) writeFileSync(pending, JSON.stringify({ ...JSON.parse(readFileSync(pending, 'utf8')), timer: 'none' }));
      const txn = join(copy, 'var/lib/confconsole/txn');
      if (existsSync(txn)) writeFileSync(txn, readFileSync(txn, 'utf8').replace(/^(net\t[^\t\n]*)\t[^\n]*$/gm, '$1\t'));
      extra.CONFCONSOLE_NETNS = '';
    }
    const env = scriptEnv(copy, { ...app.env, ...extra });
    for (const step of steps) {
      if (step.cli) await runCommand(process.execPath, [CLI, '--root', copy, '--profile', 'vsensor', '--json', ...step.cli], env, step.input ?? '');
      else await runCommand(script(step.script!), step.args, env, step.input);
    }
    return app.state(copy);
  } finally {
    await endProcessesOf(copy); // the rollback timer a network change armed on the copy
    rmSync(copy, { recursive: true, force: true });
  }
}

describe.skipIf(why !== undefined)('fault: random kills of every writer', () => {
  let ns: Netns;
  const figures: Figures = { seed, kills: 0, killedByMode: {}, finished: 0, steps: 0, inconsistent: 0, stuckLocks: 0, leftovers: 0, leaks: 0, sampled: 0, recoveries: 0, problems: [] };
  const apps: App[] = [];
  const secrets: string[] = [];
  beforeAll(() => {
    ns = makeNetns(uniqueNs('kill'));
  });
  afterAll(async () => {
    for (const a of apps) await endProcessesOf(a.root.dir); // rollback timers of killed changes
    ns?.remove();
    removeRoots();
  });

  it(`${KILLS} kills, recovery after each, and the appliance whole every time (seed ${seed})`, { timeout: 120_000 + KILLS * 20_000 }, async () => {
    const files = filesApp();
    const net = netApp(ns);
    apps.push(files, net);
    const sampler = procSampler(() => secrets);
    const avg = new Map<string, number>(); // how long a writer takes, learned as it runs
    const problem = (where: string, what: string[]) => {
      figures.problems.push(...what.map((w) => `${where}: ${w}`));
    };

    try {
      const end = MINUTES > 0 ? Date.now() + MINUTES * 60_000 : Infinity;
      let reported = 0;
      while (figures.kills < KILLS && figures.steps < KILLS * 5 + 20 && Date.now() < end) {
        if (figures.kills >= reported + 20) {
          reported = figures.kills;
          writeFigures('kills-progress', figures); // a long run stopped early still has its figures
          console.info(`fault kills so far: ${JSON.stringify({ ...figures, problems: figures.problems.length })}`);
        }
        const app = R.chance(0.5) ? files : net;
        const dir = app.root.dir;
        const pendingNow = app.kind === 'net' && existsSync((app as ReturnType<typeof netApp>).r.pending);
        const step = app.kind === 'files' ? fileStep() : netStep(pendingNow);
        secrets.push(...step.secrets);
        // the state before, and a copy to compute what the step makes when it completes
        const before = mkdtempSync(join(tmpdir(), 'cc-fault-before-'));
        cpSync(dir, before, { recursive: true });
        // the copies run as the demo appliance: its recorded links are the live ones
        if (app.kind === 'net') mkdirSync(join(before, 'var/lib/confconsole'), { recursive: true });
        if (app.kind === 'net') writeFileSync(join(before, 'var/lib/confconsole/demo-links.json'), spawnSync('ip', ['-n', ns.name, '-j', 'addr', 'show'], { encoding: 'utf8' }).stdout);
        const old = existsSync(join(before, 'var/lib/confconsole/txn')) ? await outcome(app, [LOCK_RECOVERY], before) : app.state(before);

        const mode = R.pick(['none', 'group', 'group', 'tree', 'event', 'event'] as const);
        const key = step.script ?? step.cli!.slice(0, 2).join(' ');
        const extra: Record<string, string> = {};
        let at = '';
        if (mode === 'event') extra.CONFCONSOLE_FAULT_AT = at = R.pick(step.events);
        let pid = 0;
        const t0 = performance.now();
        const res = run(app, step, dir, extra, (p) => (pid = p));
        let ended = false;
        void res.then(() => (ended = true));
        let delay = 0;
        if (mode === 'group' || mode === 'tree') {
          delay = R.next() * 1.3 * (avg.get(key) ?? 400);
          await Promise.race([sleep(delay), res]);
          if (!ended) {
            if (mode === 'group') kill(-pid);
            else for (const p of tree(pid)) kill(p);
          }
        }
        const r = await res;
        const ms = performance.now() - t0;
        await writersDone(dir); // a script the killed command line started ends its change
        const where = `seed ${seed} step ${figures.steps} ${app.kind}: ${step.what} (${mode}${at ? ' at ' + at : ''}${delay ? ` after ${delay.toFixed(0)} ms` : ''})`;
        figures.steps++;
        if (process.env.CONFCONSOLE_FAULT_VERBOSE) console.info(`${where}: ${r.signal ?? r.code} ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        const killed = r.signal === 'SIGKILL';
        if (killed) {
          figures.kills++;
          figures.killedByMode[mode] = (figures.killedByMode[mode] ?? 0) + 1;
        } else {
          figures.finished++;
          avg.set(key, ((avg.get(key) ?? ms) + ms) / 2);
        }
        // the rollback timer dies with a tree kill (as in a power loss): only boot recovery helps
        const timerGone = killed && mode === 'tree' && app.kind === 'net';
        // something to recover: a journal, or a temp a writer outside a journal left
        const journal = existsSync(txnOf(app.root)) || tempsUnder(dir).length > 0;
        const boot = timerGone || (journal && R.chance(0.5));
        if (boot) {
          // the recovery itself killed now and then (a second power loss): it runs again whole
          if (R.chance(0.2)) {
            let rpid = 0;
            const first = runCommand(script('recover.sh'), [], scriptEnv(dir, app.env), undefined, { detached: true, onSpawn: (p) => (rpid = p) });
            let done = false;
            void first.then(() => (done = true));
            await Promise.race([sleep(R.next() * 300), first]);
            if (!done) kill(-rpid);
            if ((await first).signal === 'SIGKILL') figures.killedRecoveries = (figures.killedRecoveries ?? 0) + 1;
          }
          const rec = await runCommand(script('recover.sh'), [], scriptEnv(dir, app.env));
          figures.recoveries++;
          if (rec.code !== 0) problem(where, [`recover.sh exited ${rec.code}: ${rec.stderr.trim().split('\n').at(-1)}`]);
        } else if (journal) {
          rmSync(before, { recursive: true, force: true });
          continue; // the next writer's lock recovers it: checked after that one
        }

        // ---- is the appliance whole? ----
        const bad: string[] = [];
        if (existsSync(txnOf(app.root))) bad.push('the journal is still there');
        const temps = tempsUnder(dir);
        if (temps.length) {
          figures.leftovers += temps.length;
          bad.push(`temp files left: ${temps.join(', ')}`);
        }
        if (!lockFree(app.root)) {
          figures.stuckLocks++;
          bad.push('the lock is still held');
        }
        bad.push(...app.check());
        const now = app.state(dir);
        const same = (a: Record<string, string>) => JSON.stringify(a) === JSON.stringify(now);
        // the old state, or what the step makes when it completes; after a boot recovery also
        // what that makes of either (a network change left pending is rolled back at boot)
        if (!same(old)) {
          const candidates = [() => outcome(app, [step], before), ...(boot ? [() => outcome(app, [BOOT_RECOVERY], before), () => outcome(app, [step, BOOT_RECOVERY], before)] : [])];
          let found = false;
          let fresh: Record<string, string> = {};
          for (const c of candidates) {
            const st = await c();
            if (same(st)) {
              found = true;
              break;
            }
            if (!Object.keys(fresh).length) fresh = st;
          }
          if (!found) {
            const differ = Object.keys({ ...old, ...now, ...fresh }).filter((k) => now[k] !== old[k] && now[k] !== fresh[k]);
            const mixed = Object.keys({ ...old, ...now }).filter((k) => now[k] !== old[k]);
            if (differ.length === 0) bad.push(`a mix of the old and the new state: ${mixed.join(', ')} new, the rest old`);
            else bad.push(`neither the old nor the new state: ${differ.join(", ")} differ: now ${JSON.stringify(Object.fromEntries(differ.map((k) => [k, now[k]])))}, old ${JSON.stringify(Object.fromEntries(differ.map((k) => [k, old[k]])))}, new ${JSON.stringify(Object.fromEntries(differ.map((k) => [k, fresh[k]])))}`);
          }
        }
        if (!killed && r.code !== 0 && r.code !== 2 && r.code !== 1) bad.push(`exit ${r.code}: ${r.stderr.trim().split('\n').at(-1)}`);
        if (bad.length) {
          figures.inconsistent++;
          problem(where, bad);
        }
        rmSync(before, { recursive: true, force: true });
      }
    } finally {
      const s = await sampler.stop();
      figures.sampled = s.rounds;
      figures.leaks += s.hits.length;
      if (s.hits.length) figures.problems.push(...s.hits.slice(0, 5));
      // no secret in any file outside the secrets and their backups
      for (const a of apps)
        for (const sec of secrets) {
          const found = spawnSync('grep', ['-rlF', '--', sec, a.root.dir], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
          const bad = found.filter((f) => !f.includes('/etc/confconsole/secrets/') && !/\/var\/backups\/confconsole\/etc_confconsole_secrets_/.test(f));
          figures.leaks += bad.length;
          figures.problems.push(...bad.map((f) => `secret found in ${f}`));
        }
      writeFigures('kills', figures);
      console.info(`fault kills: ${JSON.stringify({ ...figures, problems: figures.problems.length })}`);
      for (const p of figures.problems.slice(0, 20)) console.info(`  ${p}`);
    }
    expect(figures.problems).toEqual([]);
    if (MINUTES > 0) expect(figures.kills).toBeGreaterThan(0);
    else expect(figures.kills).toBe(KILLS);
  });
});
