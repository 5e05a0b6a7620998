// Shared by the system tests: a fresh appliance root per test, the real sbin/ scripts run
// against it, tiny service-command fixtures, and a minimal NTP client to see a server answer.
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import {
  lstatSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditEntry } from '../../src/system/audit.js';
import { removeTree } from '../support/cleanup.js';
import { DEMO_MARKER } from '../../src/system/paths.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** The scripts under test (CONFCONSOLE_SBIN, as in src/system/paths.ts, to test another copy). */
export const SBIN = process.env.CONFCONSOLE_SBIN ?? join(REPO, 'sbin');
export const script = (name: string) => join(SBIN, name);

export const seedIni = (demo: boolean) =>
  `[appliance]\nprofile = appliance\n${demo ? 'demo = true\n' : ''}\n[services]\nnames = "chrony x-core"\n`;

/** chrony.conf lines before and after the `pool` line that set_ntp.sh must replace. */
export const CHRONY_HEAD = ['# chrony.conf seeded by the confconsole system tests', 'makestep 1 3'];
export const CHRONY_POOL = 'pool 2.debian.pool.ntp.org iburst maxsources 4';
export const CHRONY_TAIL = ['maxupdateskew 100.0', 'maxdistance 16.0'];

export interface Root {
  dir: string;
  ini: string;
  conf: string;
  audit: string;
  hostEffects: string;
  backups: string;
  lock: string;
  /** where the test keeps its fixtures and logs (inside the root, outside etc/ and var/) */
  testDir: string;
  seedIni: string;
  seedConf: string;
}

const roots: string[] = [];

/**
 * A fresh appliance root like the demo's: appliance.ini ([appliance], [services]) and a
 * chrony.conf with a pool line between other lines. `chronyTail` adds lines at the end.
 */
export function makeRoot(opts: { demo?: boolean; chronyTail?: (dir: string) => string[]; iniMode?: number } = {}): Root {
  const dir = mkdtempSync(join(tmpdir(), 'cc-system-'));
  roots.push(dir);
  const r: Root = {
    dir,
    ini: join(dir, 'etc/confconsole/appliance.ini'),
    conf: join(dir, 'etc/chrony/chrony.conf'),
    audit: join(dir, 'var/log/confconsole/audit.log'),
    hostEffects: join(dir, 'var/log/confconsole/host-effects.log'),
    backups: join(dir, 'var/backups/confconsole'),
    lock: join(dir, 'run/confconsole/lock'),
    testDir: join(dir, '.test'),
    seedIni: seedIni(opts.demo ?? false),
    seedConf: [...CHRONY_HEAD, CHRONY_POOL, ...CHRONY_TAIL, ...(opts.chronyTail?.(dir) ?? [])].join('\n') + '\n',
  };
  for (const d of ['etc/confconsole', 'etc/chrony', 'var/log/confconsole', 'run/confconsole', '.test'])
    mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(r.ini, r.seedIni, { mode: opts.iniMode ?? 0o644 });
  chmodSync(r.ini, opts.iniMode ?? 0o644);
  writeFileSync(r.conf, r.seedConf, { mode: 0o644 });
  // a demo root carries the marker the scripts trust (sbin/lib/host.sh is_demo), as seedDemo writes it
  if (opts.demo) writeFileSync(join(dir, DEMO_MARKER), 'confconsole demo appliance\n');
  return r;
}

/** Removes every root made by this process (afterAll). */
export function removeRoots(): void {
  for (const d of roots.splice(0)) removeTree(d);
}

export const read = (f: string) => readFileSync(f, 'utf8');
export const readOr = (f: string, dflt = '') => (existsSync(f) ? readFileSync(f, 'utf8') : dflt);
export const state = (r: Root) => ({ ini: read(r.ini), conf: read(r.conf) });
export const listDir = (d: string) => (existsSync(d) ? readdirSync(d).sort() : []);

/** Temp files the scripts stage next to the files they replace (.NAME.cc-XXXXXX). */
export const stagedTemps = (r: Root) => [
  ...listDir(join(r.dir, 'etc/confconsole')).filter((f) => f.includes('.cc-')),
  ...listDir(join(r.dir, 'etc/chrony')).filter((f) => f.includes('.cc-')),
];

export function auditEntries(r: Root): AuditEntry[] {
  return readOr(r.audit)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => AuditEntry.parse(JSON.parse(l)));
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** the last stdout line parsed as JSON, or undefined */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The environment a script gets: nothing of ours but PATH, plus the root and `extra`. */
export function scriptEnv(root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env.HOME ?? '/root',
    USER: 'system-test',
    CONFCONSOLE_ROOT: root,
    ...extra,
  };
}

const lastJson = (out: string) => {
  const line = out.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
};

export function runScript(
  name: string,
  args: string[],
  root: string,
  extra: Record<string, string> = {},
  opts: { onSpawn?: (pid: number) => void; loopbackDns?: boolean; detached?: boolean } = {},
): Promise<RunResult> {
  return runCommand(script(name), args, scriptEnv(root, extra), undefined, opts);
}

/** Writes an executable shell fixture and returns its path. */
export function fixture(r: Root, name: string, body: string): string {
  const f = join(r.testDir, name);
  writeFileSync(f, `#!/bin/sh\n${body}`, { mode: 0o755 });
  chmodSync(f, 0o755);
  return f;
}

/**
 * A CONFCONSOLE_SERVICE_CMD fixture: logs "VERB NAME" to .test/service.log and fails (exit 1,
 * systemd-like message on stderr) for the services in `failFor`: every time, or only the first
 * `failTimes` times each (then the previous settings bring the service back).
 */
export function serviceCmd(r: Root, failFor: string[] = [], name = 'service', opts: { failTimes?: number } = {}): { cmd: string; log: string } {
  const log = join(r.testDir, 'service.log');
  const fail = `echo "Job for $2.service failed because the control process exited with error code." >&2; exit 1`;
  const count = join(r.testDir, `${name}.failed-`);
  const cases = failFor
    .map((n) =>
      opts.failTimes === undefined
        ? `  ${n}) ${fail} ;;\n`
        : `  ${n}) c=$(cat '${count}'"$2" 2>/dev/null || echo 0); [ "$c" -ge ${opts.failTimes} ] && exit 0; echo $((c + 1)) >'${count}'"$2"; ${fail} ;;\n`,
    )
    .join('');
  const cmd = fixture(r, name, `printf '%s\\n' "$*" >>'${log}'\ncase "$2" in\n${cases}  *) exit 0 ;;\nesac\n`);
  return { cmd, log };
}

export const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Sends one NTP client request (mode 3) and says whether a server reply came back. */
export function ntpAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const done = (v: boolean) => {
      clearTimeout(timer);
      sock.close();
      resolve(v);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('error', () => done(false));
    sock.on('message', (m) => done(m.length >= 48 && (m[0]! & 7) === 4)); // mode 4: server
    const req = Buffer.alloc(48);
    req[0] = 0x23; // LI 0, version 4, mode 3 (client)
    sock.send(req, port, host);
  });
}

const bindable = (type: 'udp4' | 'udp6', host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = dgram.createSocket(type);
    s.once('error', () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });

/** A UDP port nobody uses on 127.0.0.1 and ::1 (random, from 11123 up). */
export async function freeUdpPort(exclude: number[] = []): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 11123 + Math.floor(Math.random() * 20_000);
    if (exclude.includes(port)) continue;
    if ((await bindable('udp4', '127.0.0.1', port)) && (await bindable('udp6', '::1', port))) return port;
  }
  throw new Error('no free UDP port');
}

/** Is PID a live (not zombie) process? */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Stops a daemon this test started (by its pid) and waits until it is gone. */
export async function stopPid(pid: number | undefined): Promise<void> {
  if (!pid || !alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  try {
    await waitFor(`pid ${pid} to exit`, () => !alive(pid), 3000, 50);
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export function sh(cmd: string, args: string[] = [], env?: NodeJS.ProcessEnv) {
  return spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env });
}

/** Small seeded PRNG (mulberry32): the same seed gives the same cases. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
export type Rng = ReturnType<typeof rng>;

/** The seed of a property test: CONFCONSOLE_TEST_SEED to replay one, else from the clock. */
export const testSeed = () => Number(process.env.CONFCONSOLE_TEST_SEED ?? Date.now() % 1_000_000);

/**
 * Runs a bash program that sources the scripts' libraries (SBIN in its env) with `args` as its
 * arguments (never interpolated), and returns what it printed as NUL-terminated records.
 */
export function bashRecords(prog: string, args: string[], name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', prog, name, ...args], { env: { PATH: process.env.PATH, SBIN }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bash exited ${code}: ${err}`));
      const got = out.split('\0');
      got.pop();
      resolve(got);
    });
  });
}

/**
 * Runs a command in a private mount namespace whose /etc/resolv.conf names only 127.0.0.1,
 * where no DNS server listens: a name lookup fails at once and no query leaves the machine
 * (tests never send traffic to the host's own resolver). Needs root (unshare -m).
 */
export function withLoopbackDns(cmd: string, args: string[]): [string, string[]] {
  const resolv = join(mkdtempSync(join(tmpdir(), 'cc-resolv-')), 'resolv.conf');
  writeFileSync(resolv, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  return ['unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolv, cmd, ...args]];
}

// ---- commands with input, file-tree snapshots (master / pcap / secrets tests) ------------

/**
 * Runs CMD ARGS with ENV and writes `input` to its stdin (secrets go there, never in argv);
 * without `input` stdin is /dev/null. `loopbackDns` as in runScript.
 */
export function runCommand(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
  opts: { loopbackDns?: boolean; onSpawn?: (pid: number) => void; cwd?: string; detached?: boolean } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const [c, argv] = opts.loopbackDns ? withLoopbackDns(cmd, args) : [cmd, args];
    const child = spawn(c, argv, { env, cwd: opts.cwd, detached: opts.detached === true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    if (input !== undefined) {
      child.stdin!.on('error', () => undefined); // a script that refuses early may not read it
      child.stdin!.end(input);
    }
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, json: lastJson(stdout) }),
    );
  });
}

/** runScript with `input` on the script's stdin. */
export const runScriptInput = (
  name: string,
  args: string[],
  root: string,
  input: string | undefined,
  extra: Record<string, string> = {},
  opts: { loopbackDns?: boolean; onSpawn?: (pid: number) => void } = {},
) => runCommand(script(name), args, scriptEnv(root, extra), input, opts);

/**
 * Every file, directory and link under DIR (relative path → mode and content), to say a
 * refused change left the appliance byte for byte as it was. `skip` leaves paths out.
 */
export function treeSnapshot(dir: string, skip: (rel: string) => boolean = (rel) => rel === '.test' || rel.startsWith('.test/')): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const st = lstatSync(join(dir, r));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out[r + '/'] = `dir ${mode}`;
        walk(r);
      } else if (st.isFile()) out[r] = `file ${mode} ${readFileSync(join(dir, r)).toString('base64')}`;
      else out[r] = `other ${mode}`;
    }
  };
  walk('');
  return out;
}

/** Files under DIR (recursively, relative paths) whose bytes contain NEEDLE. */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const n = Buffer.from(needle);
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, r));
      if (st.isDirectory()) walk(r);
      else if (st.isFile() && readFileSync(join(dir, r)).includes(n)) hits.push(r);
    }
  };
  walk('');
  return hits;
}

/** Permission bits of a path (0o600 ...). */
export const modeOf = (f: string) => lstatSync(f).mode & 0o7777;

// ---- the confconsole command on a demo appliance (settings, history, import tests) ---------

/** A fresh demo appliance root of `profile`, seeded as `confconsole --demo` seeds it; removed by removeRoots(). */
export async function demoRoot(profile: 'appliance' | 'vsensor', prefix = 'cc-demo-'): Promise<string> {
  const { seedDemo } = await import('../../src/demo.js');
  const dir = mkdtempSync(join(tmpdir(), prefix));
  roots.push(dir);
  await seedDemo(dir, profile);
  return dir;
}

/** What a command did: exit code (-1 when killed), stdout, stderr. */
export interface Ran {
  code: number;
  out: string;
  err: string;
}

/** The environment of a command run by a test: no SSH session of the test runner's (it would be "who"), no colours, plus `extra`. */
export function ccEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: '1' };
  delete e.SSH_CONNECTION;
  delete e.SSH_CLIENT;
  return { ...e, ...extra };
}

/** `confconsole --demo --root ROOT ARGS` with `input` on stdin; `stdout`: a file descriptor to send its output to. */
export function cc(root: string, args: string[], input = '', opts: { stdout?: number; env?: Record<string, string> } = {}): Ran {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/confconsole'), '--demo', '--root', root, ...args], {
    input,
    encoding: 'utf8',
    env: ccEnv(opts.env),
    ...(opts.stdout !== undefined ? { stdio: ['pipe', opts.stdout, 'pipe'] } : {}),
  });
  return { code: r.status ?? -1, out: r.stdout ?? '', err: r.stderr ?? '' };
}
