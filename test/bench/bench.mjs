#!/usr/bin/env node
// Start-up and terminal-traffic benchmark of confconsole, side by side with a bare node,
// `dialog --menu` and `whiptail --menu`, all measured in the same run on a real 80x24
// pseudo-terminal. Not a test: nothing here fails CI; the exit code is non-zero only when a
// measurement could not be taken.
//
//   node test/bench/bench.mjs [--runs N] [--warmup N] [--json] [--only SUBSTR] [--keep]
//
// How: a small python3 driver (inline below) opens a pty of 80x24, forks the program with the
// given TERM and environment, and relays every output chunk with a monotonic timestamp taken
// when it was read (t = 0 just before fork). This script feeds the chunks into @xterm/headless
// (a devDependency) to know what is on the screen, decides when a frame is complete (the text
// of the last element drawn is on the screen), sends keys through the driver, and asks it for
// /proc/PID/status VmHWM just before quitting. Times therefore do not include this script's
// own latency: they are the driver's read timestamps.
//
// Variants are run round-robin (run 1 of every variant, then run 2, ...) after one discarded
// warm-up run each, so drifting machine load hits all of them alike. Results: median over runs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const RESULTS_FILE = join(HERE, 'last-results.json');
/** The installed single executable as `npm run bench` builds it (packaging/build-exe.mjs). */
const EXE = process.env.CONFCONSOLE_BENCH_EXE ?? join(ROOT, 'build', 'exe', 'confconsole');
/** The executable built without any feature (npm run bench builds it: CONFCONSOLE_BUILD_NO_FEATURES), RSS's bound. */
const BOUND_EXE = join(ROOT, 'build', 'exe-bound', 'confconsole');
const COLS = 80;
const ROWS = 24;
const IDLE_MS = 150;

// ---- arguments ---------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { runs: 7, warmup: 1, json: false, only: undefined, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--runs' || a.startsWith('--runs=')) o.runs = Number(val());
    else if (a === '--warmup' || a.startsWith('--warmup=')) o.warmup = Number(val());
    else if (a === '--only' || a.startsWith('--only=')) o.only = val();
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument: ${a}`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 1 || o.runs > 200) usage('--runs must be an integer 1..200');
  if (!Number.isInteger(o.warmup) || o.warmup < 0 || o.warmup > 20) usage('--warmup must be an integer 0..20');
  return o;
}

function usage(err) {
  const text = `Usage: node test/bench/bench.mjs [--runs N] [--warmup N] [--json] [--only SUBSTR] [--keep]
  --runs N      measured runs per variant (default 7); medians are reported
  --warmup N    discarded runs first (default 1; of one variant per program)
  --json        print the results as JSON instead of the table
  --only SUBSTR run only the variants whose name contains SUBSTR
  --keep        keep the temporary demo roots
Results of the last run are also written to test/bench/last-results.json.
`;
  if (err) {
    process.stderr.write(`bench: ${err}\n\n${text}`);
    process.exit(2);
  }
  process.stdout.write(text);
  process.exit(0);
}

// ---- the pty driver (python3) -------------------------------------------------------------

// Protocol: argv[1] is a JSON config {argv, env, cwd, rows, cols}. Stdout: one JSON object a
// line: {ev:"start",pid}, {ev:"out",t,d(base64)}, {ev:"sent",t,id}, {ev:"hwm",id,kb,rsskb},
// {ev:"exit",t,code,signal,maxrsskb,cpums}, {ev:"error",msg}. "out" also carries cpu: the CPU time
// (ms) the program's main thread had used when the chunk was read (/proc/PID/schedstat: steadier
// than wall time on a busy machine); "exit" cpums: user+system of all its threads (rusage). Stdin: one JSON object a line:
// {send:base64,id}, {hwm:1,id}, {kill:signum}. Stdin EOF kills the child's process group.
const DRIVER = String.raw`
import os, sys, json, fcntl, termios, struct, selectors, time, signal, base64, errno
cfg = json.loads(sys.argv[1])
def emit(o):
    sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", cfg["rows"], cfg["cols"], 0, 0))
rpipe, wpipe = os.pipe()
os.set_blocking(wpipe, False); os.set_blocking(rpipe, False)
signal.signal(signal.SIGCHLD, lambda *a: None)
signal.set_wakeup_fd(wpipe)
argv = cfg["argv"]; env = cfg["env"]
t0 = time.monotonic_ns()
pid = os.fork()
if pid == 0:
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2): os.dup2(slave, fd)
        for fd in (slave, master, rpipe, wpipe):
            if fd > 2: os.close(fd)
        if cfg.get("cwd"): os.chdir(cfg["cwd"])
        os.execvpe(argv[0], argv, env)
    except BaseException as e:
        os.write(2, ("exec failed: %s\n" % e).encode())
    os._exit(127)
os.close(slave)
now = lambda: (time.monotonic_ns() - t0) / 1e6
emit({"ev": "start", "pid": pid})
sel = selectors.DefaultSelector()
os.set_blocking(master, False)
sel.register(master, selectors.EVENT_READ, "pty")
sel.register(rpipe, selectors.EVENT_READ, "sig")
sel.register(sys.stdin.fileno(), selectors.EVENT_READ, "cmd")
cmdbuf = b""
status = None
pty_open = True
def read_pty():
    global pty_open
    while pty_open:
        try:
            d = os.read(master, 65536)
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno == errno.EIO:
                pty_open = False; sel.unregister(master); return
            raise
        if not d:
            pty_open = False; sel.unregister(master); return
        emit({"ev": "out", "t": now(), "d": base64.b64encode(d).decode(), "cpu": cpu()})
def cpu():
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0]) / 1e6
    except (OSError, ValueError, IndexError):
        return None
def hwm():
    kb = rss = None
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"): kb = int(line.split()[1])
                if line.startswith("VmRSS:"): rss = int(line.split()[1])
    except OSError:
        pass
    return kb, rss
def killgrp(sig):
    for target in (lambda: os.killpg(pid, sig), lambda: os.kill(pid, sig)):
        try: target(); return
        except OSError: pass
def reap():
    global status
    if status is not None: return
    try:
        p, st, ru = os.wait4(pid, os.WNOHANG)
    except ChildProcessError:
        return
    if p == pid:
        t = now()
        status = {"ev": "exit", "t": t, "code": os.waitstatus_to_exitcode(st) if os.WIFEXITED(st) else None,
                  "signal": os.WTERMSIG(st) if os.WIFSIGNALED(st) else None, "maxrsskb": ru.ru_maxrss,
                  "cpums": (ru.ru_utime + ru.ru_stime) * 1000}
while True:
    reap()
    if status is not None:
        # drain what the child wrote before it died, then report the exit
        deadline = time.monotonic() + 0.5
        while pty_open and time.monotonic() < deadline:
            read_pty()
            if pty_open: time.sleep(0.005)
        # leftovers of the session (children of the program) are not ours to keep
        try: os.killpg(pid, signal.SIGKILL)
        except OSError: pass
        emit(status)
        break
    for key, _ in sel.select(timeout=1.0):
        if key.data == "pty":
            read_pty()
        elif key.data == "sig":
            try: os.read(rpipe, 512)
            except BlockingIOError: pass
        elif key.data == "cmd":
            chunk = os.read(sys.stdin.fileno(), 65536)
            if not chunk:
                killgrp(signal.SIGKILL)
                try: os.waitpid(pid, 0)
                except ChildProcessError: pass
                sys.exit(0)
            cmdbuf += chunk
            while b"\n" in cmdbuf:
                line, cmdbuf = cmdbuf.split(b"\n", 1)
                c = json.loads(line)
                if "send" in c:
                    data = base64.b64decode(c["send"])
                    t = now()
                    os.set_blocking(master, True)
                    try: os.write(master, data)
                    except OSError as e: emit({"ev": "error", "msg": "send: %s" % e})
                    os.set_blocking(master, False)
                    emit({"ev": "sent", "t": t, "id": c.get("id")})
                elif "hwm" in c:
                    kb, rss = hwm()
                    emit({"ev": "hwm", "id": c.get("id"), "kb": kb, "rsskb": rss})
                elif "kill" in c:
                    killgrp(int(c["kill"]))
`;

// ---- the screen: @xterm/headless, or a crude fallback ----------------------------------

let XtermTerminal;
try {
  ({ Terminal: XtermTerminal } = (await import('@xterm/headless')).default ?? (await import('@xterm/headless')));
} catch {
  XtermTerminal = undefined;
}
const squash = (s) => s.replace(/\s+/g, '');

/** What is on the screen, for "is the frame there yet" questions. */
class Screen {
  constructor() {
    if (XtermTerminal) {
      this.term = new XtermTerminal({ cols: COLS, rows: ROWS, allowProposedApi: true, scrollback: 0 });
    } else {
      this.raw = '';
    }
  }
  /** Feeds a chunk; calls done() once it is on the screen. */
  write(buf, done) {
    if (this.term) this.term.write(buf, done);
    else {
      this.raw += buf.toString('latin1');
      done();
    }
  }
  /** Screen text with all whitespace removed (needles are compared the same way). */
  text() {
    if (this.term) {
      const b = this.term.buffer.active;
      let s = '';
      for (let y = 0; y < ROWS; y++) s += (b.getLine(b.viewportY + y)?.translateToString(true) ?? '') + '\n';
      return squash(s);
    }
    // Fallback: every byte ever written with escape sequences removed. Unchanged cells that
    // the program skips with cursor moves are missing, so it can miss text; good enough.
    return squash(
      Buffer.from(this.raw, 'latin1')
        .toString('utf8')
        .replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()*+][0-9A-Za-z]|\x1b[=>78DEHMNOZc]|[\x00-\x1f]/g, ''),
    );
  }
  /** Whether the program switched the cursor keys to application mode (DECCKM, smkx). */
  appCursor() {
    if (this.term) return this.term.modes.applicationCursorKeysMode;
    const i = this.raw.lastIndexOf('\x1b[?1h');
    return i >= 0 && i > this.raw.lastIndexOf('\x1b[?1l');
  }
  has(needles) {
    const t = this.text();
    return needles.every((n) => t.includes(squash(n)));
  }
  dispose() {
    this.term?.dispose();
  }
}

// ---- one program on a pty -------------------------------------------------------------

class Session {
  /** @param {{argv:string[], env:Record<string,string>, cwd?:string, hardTimeoutMs?:number}} cfg */
  constructor(cfg) {
    this.screen = new Screen();
    this.bytes = 0; // bytes read from the pty
    this.parsedBytes = 0; // bytes the screen has taken in
    this.lastT = 0; // driver timestamp of the last chunk read
    this.lastParsedT = 0;
    this.lastArrival = Date.now();
    this.chunks = [];
    this.waiters = new Set();
    this.replies = new Map();
    this.nextId = 1;
    this.exit = undefined;
    this.errors = [];
    this.stderr = '';
    this.proc = spawn('python3', ['-c', DRIVER, JSON.stringify({ ...cfg, rows: ROWS, cols: COLS })], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stdin.on('error', () => {});
    let buf = '';
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line) this.onEvent(JSON.parse(line));
      }
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.driverDone = new Promise((resolve) => this.proc.on('close', resolve));
    this.proc.on('close', () => {
      if (!this.exit) this.exit = { ev: 'exit', t: NaN, code: null, signal: null, driverDied: true };
      this.check();
    });
    this.hardTimer = setTimeout(() => this.kill(), cfg.hardTimeoutMs ?? 20000);
  }

  onEvent(e) {
    if (e.ev === 'out') {
      const d = Buffer.from(e.d, 'base64');
      this.bytes += d.length;
      this.lastT = e.t;
      this.lastArrival = Date.now();
      this.chunks.push({ t: e.t, n: d.length, cpu: e.cpu });
      const total = this.bytes;
      this.screen.write(d, () => {
        this.parsedBytes = total;
        this.lastParsedT = e.t;
        this.lastParsedCpu = e.cpu;
        this.check();
      });
    } else if (e.ev === 'exit') {
      this.exit = e;
      this.check();
    } else if (e.ev === 'sent' || e.ev === 'hwm') {
      const r = this.replies.get(e.id);
      if (r) {
        this.replies.delete(e.id);
        r(e);
      }
    } else if (e.ev === 'start') {
      this.pid = e.pid;
    } else if (e.ev === 'error') {
      this.errors.push(e.msg);
    }
  }

  check() {
    for (const w of this.waiters) w();
  }

  /** Resolves with {t, bytes} of the chunk after which all needles are on the screen. */
  waitFor(needles, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const done = (fn) => {
        this.waiters.delete(w);
        clearTimeout(timer);
        fn();
      };
      const w = () => {
        if (this.screen.has(needles)) done(() => resolve({ t: this.lastParsedT, cpu: this.lastParsedCpu, bytes: this.parsedBytes }));
        else if (this.exit && this.parsedBytes === this.bytes)
          done(() => reject(new Error(`${what}: the program exited (code ${this.exit.code}, signal ${this.exit.signal}) before ${JSON.stringify(needles)} was on the screen`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${what}: ${JSON.stringify(needles)} not on the screen after ${timeoutMs} ms; screen: ${JSON.stringify(this.screen.text().slice(0, 300))}`))),
        timeoutMs,
      );
      this.waiters.add(w);
      w();
    });
  }

  /** Resolves once nothing has come for quietMs (or at timeoutMs): {bytes, t of last chunk}. */
  waitIdle(quietMs, timeoutMs) {
    const start = Date.now();
    return new Promise((resolve) => {
      const tick = () => {
        const now = Date.now();
        const settled = this.parsedBytes === this.bytes;
        // quiet since the later of the last chunk and the start of the wait (a key just sent
        // may not have been answered yet)
        if ((settled && now - Math.max(this.lastArrival, start) >= quietMs) || now - start >= timeoutMs || (this.exit && settled)) {
          resolve({ bytes: this.bytes, t: this.lastT, timedOut: now - start >= timeoutMs });
        } else setTimeout(tick, Math.max(5, Math.min(quietMs - (now - Math.max(this.lastArrival, start)), 50)));
      };
      setTimeout(tick, Math.min(quietMs, 20));
    });
  }

  request(obj) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(id);
        reject(new Error(`driver did not answer ${JSON.stringify(obj).slice(0, 60)}`));
      }, 3000);
      this.replies.set(id, (e) => {
        clearTimeout(timer);
        resolve(e);
      });
      this.proc.stdin.write(JSON.stringify({ ...obj, id }) + '\n');
    });
  }

  /** Sends keys; resolves with the driver's timestamp of the write. */
  async send(keys) {
    return (await this.request({ send: Buffer.from(keys, 'latin1').toString('base64') })).t;
  }

  async hwm() {
    return await this.request({ hwm: 1 });
  }

  /** Timestamp of the first chunk read after t (undefined if none). */
  firstChunkAfter(t) {
    return this.chunks.find((c) => c.t > t)?.t;
  }

  waitExit(timeoutMs) {
    return new Promise((resolve) => {
      const w = () => {
        if (this.exit) {
          this.waiters.delete(w);
          clearTimeout(timer);
          resolve(this.exit);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.add(w);
      w();
    });
  }

  /** Makes sure nothing is left: TERM, then KILL the program's process group, then the driver. */
  async close() {
    if (!this.exit) {
      this.proc.stdin.write(JSON.stringify({ kill: 15 }) + '\n');
      if (!(await this.waitExit(1000))) {
        this.proc.stdin.write(JSON.stringify({ kill: 9 }) + '\n');
        await this.waitExit(1000);
      }
    }
    this.kill();
    await Promise.race([this.driverDone, new Promise((r) => setTimeout(r, 2000))]);
    clearTimeout(this.hardTimer);
    this.screen.dispose();
  }

  kill() {
    // Stdin EOF makes the driver SIGKILL the program's process group; then the driver itself.
    try {
      this.proc.stdin.end();
    } catch {}
    setTimeout(() => {
      if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    }, 1000).unref();
  }
}

// ---- scenarios --------------------------------------------------------------------------

const KEY = { enter: '\r', down: '\x1b[B', downApp: '\x1bOB', esc: '\x1b', ctrlC: '\x03' };

/** A program that just runs to its end: wall time, first output, peak RSS. */
async function runPlain(v) {
  const s = new Session({ argv: v.argv, env: v.env, cwd: v.cwd, hardTimeoutMs: 10000 });
  try {
    const exit = await s.waitExit(8000);
    if (!exit || exit.driverDied) throw new Error(`did not exit within 8 s${s.stderr ? ': ' + s.stderr.trim() : ''}`);
    if (exit.code !== 0) throw new Error(`exit code ${exit.code}, signal ${exit.signal}`);
    if (v.expect && !s.screen.has([v.expect])) {
      await s.waitIdle(20, 500);
      if (!s.screen.has([v.expect])) throw new Error(`output ${JSON.stringify(v.expect)} missing`);
    }
    return {
      wallMs: exit.t,
      firstOutputMs: s.chunks[0]?.t ?? null,
      firstOutputCpuMs: s.chunks[0]?.cpu ?? null,
      exitCpuMs: exit.cpums ?? null,
      bytesFirstFrame: s.bytes,
      peakRssKb: exit.maxrsskb,
    };
  } finally {
    await s.close();
  }
}

/**
 * A menu program: first frame, (confconsole: Enter on the welcome dialog, then the menu),
 * one Down key, peak RSS, then the quit key.
 */
async function runMenu(v) {
  const root = v.root?.();
  const argv = typeof v.argv === 'function' ? v.argv(root) : v.argv;
  const env = typeof v.env === 'function' ? v.env() : v.env;
  const s = new Session({ argv, env, cwd: ROOT, hardTimeoutMs: 20000 });
  const r = {};
  try {
    const first = await s.waitFor(v.firstFrame, 8000, 'first frame');
    r.firstFrameMs = first.t;
    r.firstFrameCpuMs = first.cpu ?? null;
    const idle1 = v.startupOnly ? first : await s.waitIdle(IDLE_MS, 2000);
    if (!v.startupOnly) r.bytesFirstFrame = idle1.bytes;
    if (v.thenEnter) {
      const tEnter = await s.send(KEY.enter);
      const menu = await s.waitFor(v.thenEnter, 5000, 'menu after Enter');
      r.enterToMenuMs = menu.t - tEnter;
      r.menuMs = menu.t;
      const idle2 = await s.waitIdle(IDLE_MS, 2000);
      r.bytesEnter = idle2.bytes - idle1.bytes;
    }
    if (v.startupOnly) return await quit(s, v, r);
    const before = s.bytes;
    // What a real terminal sends: ESC O B once the program asked for application cursor keys.
    r.downKey = s.screen.appCursor() ? KEY.downApp : KEY.down;
    const tDown = await s.send(r.downKey);
    const idle3 = await s.waitIdle(IDLE_MS, 2000);
    r.bytesDown = idle3.bytes - before;
    if (s.exit) throw new Error(`the program exited (code ${s.exit.code}) on the Down key ${JSON.stringify(r.downKey)}`);
    if (r.bytesDown === 0) throw new Error('Down key: nothing was redrawn');
    const firstAfter = s.firstChunkAfter(tDown);
    r.keyToRedrawMs = firstAfter === undefined ? null : firstAfter - tDown;
    return await quit(s, v, r);
  } catch (e) {
    const tail = s.stderr.trim();
    if (tail) e.message += ` (driver: ${tail.slice(0, 300)})`;
    throw e;
  } finally {
    await s.close();
  }
}

/** Peak RSS just before quitting, then the quit key and the time until the process is gone. */
async function quit(s, v, r) {
  const h = await s.hwm();
  if (h.kb == null) throw new Error('could not read VmHWM');
  r.peakRssKb = h.kb;
  const tQuit = await s.send(v.quitKey);
  const exit = await s.waitExit(4000);
  if (!exit || exit.driverDied) throw new Error(`did not exit within 4 s of ${JSON.stringify(v.quitKey)}`);
  r.quitMs = exit.t - tQuit;
  r.exitCode = exit.code;
  r.lifetimeMaxRssKb = exit.maxrsskb;
  return r;
}

// ---- variants ---------------------------------------------------------------------------

const NODE = process.execPath;
const MACHINE_CA = process.env.NODE_EXTRA_CA_CERTS;
const tempDirs = [];
const newTemp = (prefix) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
};

/** The environment of the measured programs: ours, NODE_EXTRA_CA_CERTS removed, TERM set. */
function cleanEnv(term, extra = {}) {
  const env = { ...process.env, TERM: term, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}
const machineEnv = (term) => ({ ...process.env, TERM: term });

const MENU_ITEMS = ['1', 'Networking and Traffic Analysis', '3', 'Appliance Admin', '5', 'Power and Service Management'];
const dialogArgv = ['--title', 'Console Setup', '--menu', 'Choose an option', '15', '60', '3', ...MENU_ITEMS];

function confconsole(name, term, opts = {}) {
  let seeded;
  return {
    name,
    kind: 'menu',
    group: opts.group ?? 'confconsole',
    term,
    note: opts.note,
    startupOnly: opts.startupOnly,
    root: () => {
      if (opts.seeded) {
        if (!seeded) {
          // Seed it once, outside the measurement: any command with --demo seeds an empty root.
          seeded = join(newTemp('confconsole-bench-seeded-'), 'root');
          const r = spawnSync(NODE, [join(ROOT, 'bin', 'confconsole'), '--root', seeded, '--demo', 'ntp', 'show'], { env: cleanEnv(term), timeout: 15000, encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`could not seed the demo root: ${(r.stderr || r.error?.message || '').trim().slice(0, 200)}`);
        }
        return seeded;
      }
      return join(newTemp('confconsole-bench-'), 'root'); // missing: the demo is seeded at start
    },
    argv: (root) => [...(opts.exe ?? [NODE, join(ROOT, 'bin', 'confconsole')]), '--root', root, '--demo'],
    // bin/confconsole and the sh front door run the console as their child: their own CPU is not its
    launcher: !opts.exe || opts.exe[0].endsWith('.sh'),
    env: () => {
      const extra = opts.coldTerminfo ? { XDG_CACHE_HOME: newTemp('confconsole-bench-cache-') } : {};
      // the installed executable looks for the scripts where the package puts them: here, the checkout's
      if (opts.exe) Object.assign(extra, { CONFCONSOLE_SBIN: join(ROOT, 'sbin'), CONFCONSOLE_EXE: EXE });
      return opts.machineEnv ? { ...machineEnv(term), ...extra } : cleanEnv(term, extra);
    },
    firstFrame: ['Welcome', '< OK >', 'F1 Help'],
    thenEnter: ['Console Setup', 'Networking and Traffic Analysis', 'Appliance Admin', 'Power and Service Management'],
    // Ctrl+C asks before leaving, a second one leaves: the quit is both, sent together
    quitKey: KEY.ctrlC + KEY.ctrlC,
  };
}

function ncursesMenu(prog, term) {
  return {
    name: `${prog} --menu, ${term}`,
    kind: 'menu',
    group: prog,
    term,
    argv: [`/usr/bin/${prog}`, ...dialogArgv],
    env: cleanEnv(term),
    firstFrame: ['Console Setup', 'Power and Service Management', 'Cancel'],
    quitKey: KEY.esc,
  };
}

function buildVariants() {
  const T = 'xterm-256color';
  const v = [
    { name: 'node -e 0', kind: 'plain', group: 'node', term: T, argv: [NODE, '-e', '0'], env: cleanEnv(T) },
    {
      name: 'node printing one line',
      kind: 'plain',
      group: 'node',
      term: T,
      argv: [NODE, '-e', 'console.log("hello from node")'],
      env: cleanEnv(T),
      expect: 'hello from node',
    },
  ];
  if (MACHINE_CA) v.push({ name: 'node -e 0, machine env (CA certs)', kind: 'plain', group: 'node', term: T, argv: [NODE, '-e', '0'], env: machineEnv(T) });
  // Where confconsole's start-up goes: node importing one dependency (or the whole app) and exiting.
  const imp = (label, spec) => ({
    name: `node + import ${label}`,
    kind: 'plain',
    group: 'imports',
    term: T,
    cwd: ROOT,
    argv: [NODE, '--input-type=module', '-e', `await import(${JSON.stringify(spec)})`],
    env: cleanEnv(T),
  });
  v.push(
    imp('blessed', 'blessed'),
    imp('zod', 'zod'),
    imp('execa', 'execa'),
    imp('dist/cli.js (no main)', pathToFileURL(join(ROOT, 'dist', 'cli.js')).href),
  );
  v.push(
    confconsole(`confconsole, ${T}`, T),
    confconsole('confconsole, linux', 'linux'),
    confconsole(`confconsole, ${T}, seeded root`, T, { seeded: true, startupOnly: true, note: 'demo root already seeded' }),
    confconsole(`confconsole, ${T}, cold terminfo cache`, T, { coldTerminfo: true, startupOnly: true, note: 'fresh XDG_CACHE_HOME: infocmp + tic at start' }),
  );
  if (existsSync(EXE)) {
    // the package's executable (packaging/build-exe.mjs): single executable + start-up snapshot,
    // alone and behind /usr/sbin/confconsole (the sh front door that guards the tty)
    v.push(
      confconsole(`installed executable, ${T}`, T, { exe: [EXE], group: 'installed' }),
      confconsole('installed executable, linux', 'linux', { exe: [EXE], group: 'installed' }),
      confconsole(`installed, via /usr/sbin/confconsole (sh guard), ${T}`, T, { exe: [join(ROOT, 'packaging', 'confconsole.sh')], group: 'installed' }),
    );
    // what lazily loaded features could save at most: the same executable without any feature
    if (existsSync(BOUND_EXE)) v.push(confconsole(`installed executable without any feature, ${T}`, T, { exe: [BOUND_EXE], group: 'installed' }));
  }
  if (MACHINE_CA) v.push(confconsole(`confconsole, ${T}, machine env (CA certs)`, T, { machineEnv: true, startupOnly: true, note: 'NODE_EXTRA_CA_CERTS as set on this machine' }));
  for (const prog of ['dialog', 'whiptail']) for (const term of [T, 'linux']) v.push(ncursesMenu(prog, term));
  // the stack's floor: the same menu drawn by a bare blessed program on this node (test/bench/blessed-menu.cjs)
  v.push({ ...ncursesMenu('dialog', T), name: `node + blessed, a bare menu, ${T}`, group: 'floor', argv: [NODE, join(HERE, 'blessed-menu.cjs'), ...MENU_ITEMS] });
  // and with the V8 flags the executable sets once its second stage is compiled (src/sea1.ts leanHeap)
  v.push({ ...ncursesMenu('dialog', T), name: `node + blessed, a bare menu, lean V8, ${T}`, group: 'floor', argv: [NODE, '--semi-space-growth-factor=1', '--no-turbofan', '--no-sparkplug', join(HERE, 'blessed-menu.cjs'), ...MENU_ITEMS] });
  return v;
}

// ---- statistics and output -----------------------------------------------------------

function median(xs) {
  const a = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((p, q) => p - q);
  if (!a.length) return null;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

const METRICS = [
  'wallMs',
  'firstOutputMs',
  'firstFrameMs',
  'firstOutputCpuMs',
  'firstFrameCpuMs',
  'exitCpuMs',
  'enterToMenuMs',
  'menuMs',
  'bytesFirstFrame',
  'bytesEnter',
  'bytesDown',
  'keyToRedrawMs',
  'peakRssKb',
  'lifetimeMaxRssKb',
  'quitMs',
];

function summarize(v, samples) {
  const med = {};
  const range = {};
  for (const m of METRICS) {
    const xs = samples.map((s) => s[m]).filter((x) => typeof x === 'number');
    if (!xs.length) continue;
    med[m] = median(xs);
    range[m] = [Math.min(...xs), Math.max(...xs)];
  }
  // "ready": the first complete frame for menus, the printed line for a printing node, else exit.
  const readyMetric = v.kind === 'menu' ? 'firstFrameMs' : v.expect ? 'firstOutputMs' : 'wallMs';
  // its CPU: the main thread's until the frame or the line; all threads' for a process that just exits
  const cpuMetric = v.launcher ? null : v.kind === 'menu' ? 'firstFrameCpuMs' : v.expect ? 'firstOutputCpuMs' : 'exitCpuMs';
  return { name: v.name, group: v.group, term: v.term, note: v.note, runs: samples.length, readyMetric, readyMs: med[readyMetric] ?? null, cpuMetric, median: med, range, samples };
}

const fmtMs = (x) => (x == null ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const fmtInt = (x) => (x == null ? '–' : String(Math.round(x)));
const signed = (x) => (x >= 0 ? '+' : '−') + fmtMs(Math.abs(x));
const fmtMB = (kb) => (kb == null ? '–' : (kb / 1024).toFixed(1));

function table(results, ctx) {
  const base = results.find((r) => r.name === 'node -e 0')?.median.wallMs;
  const head = ['variant', 'ready ms', 'min', '×node', 'CPU ms', 'Enter→menu', 'menu ms', 'bytes 1st', 'bytes Down', 'key→draw', 'RSS MB', 'quit ms'];
  const rows = [];
  let group;
  for (const r of results) {
    if (group !== undefined && r.group !== group) rows.push(head.map(() => ''));
    group = r.group;
    rows.push(row(r));
  }
  function row(r) {
    const m = r.median;
    const ready = m[r.readyMetric];
    const readyCol = fmtMs(ready);
    return [
      r.name + (r.failed ? ` (${r.failed} failed)` : ''),
      readyCol,
      fmtMs(r.range[r.readyMetric]?.[0]),
      base && ready != null ? (ready / base).toFixed(2) : '–',
      fmtMs(r.cpuMetric ? m[r.cpuMetric] : null),
      fmtMs(m.enterToMenuMs),
      fmtMs(m.menuMs),
      fmtInt(m.bytesFirstFrame),
      fmtInt(m.bytesDown),
      fmtMs(m.keyToRedrawMs),
      fmtMB(m.peakRssKb ?? m.lifetimeMaxRssKb),
      fmtMs(m.quitMs ?? m.wallMs),
    ];
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [
    `confconsole benchmark — ${ctx.date}, node ${process.version}, ${ctx.cpus} CPUs, load ${ctx.loadavg.join(' ')}, ${COLS}x${ROWS} pty, LANG=${process.env.LANG ?? '(unset)'}`,
    `medians of ${ctx.runs} runs each (after ${ctx.warmup} warm-up), variants interleaved; NODE_EXTRA_CA_CERTS removed unless "machine env"` +
      (MACHINE_CA ? ` (machine: ${MACHINE_CA})` : ' (not set on this machine)'),
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'ready ms:   confconsole/dialog/whiptail: process start → first complete frame (last element drawn is on the screen);',
    '            node printing one line: start → the line; node -e 0 and node + import: start → exit (wall).',
    '            min: the fastest run (less sensitive to a busy machine).  ×node: ready ÷ node -e 0 (medians, same run).',
    'CPU ms:     CPU time the main thread had used when the first frame (node printing: the line) was read (/proc/PID/schedstat),',
    '            steadier than wall time on a busy machine; node -e 0 and node + import: user+system of all threads at exit;',
    '            not shown where a launcher runs the console as its child (bin/confconsole, the sh front door).',
    'Enter→menu: confconsole, Enter on the Welcome dialog → main menu on screen; menu ms: process start → main menu.',
    `bytes 1st:  bytes written until the first frame settled (${IDLE_MS} ms idle); bytes Down: one Down key on the menu.`,
    'key→draw:   Down key written → first byte of the redraw.  RSS MB: VmHWM of the process just before quitting',
    '            (node: ru_maxrss at exit).  quit ms: quit key (confconsole Ctrl+C, dialog/whiptail Esc) → exit; node: wall.',
  ];
  const cc = (suffix) => results.find((r) => r.name === `confconsole, xterm-256color${suffix}`)?.median;
  const a = cc(''), ca = cc(', machine env (CA certs)'), sd = cc(', seeded root'), cold = cc(', cold terminfo cache');
  const nodeCa = results.find((r) => r.name === 'node -e 0, machine env (CA certs)')?.median.wallMs;
  const notes = [];
  if (a?.firstFrameMs != null && ca?.firstFrameMs != null)
    notes.push(`NODE_EXTRA_CA_CERTS as set on this machine: confconsole first frame ${fmtMs(a.firstFrameMs)} → ${fmtMs(ca.firstFrameMs)} ms (${signed(ca.firstFrameMs - a.firstFrameMs)} ms)` +
      (nodeCa != null && base != null ? `; bare node -e 0: ${fmtMs(base)} → ${fmtMs(nodeCa)} ms` : ''));
  if (a?.firstFrameMs != null && sd?.firstFrameMs != null) notes.push(`seeding the demo root: fresh root ${fmtMs(a.firstFrameMs)} ms vs already seeded ${fmtMs(sd.firstFrameMs)} ms (${signed(a.firstFrameMs - sd.firstFrameMs)} ms)`);
  if (a?.firstFrameMs != null && cold?.firstFrameMs != null) notes.push(`private terminfo compiled at start (cold cache): ${fmtMs(cold.firstFrameMs)} ms vs cached ${fmtMs(a.firstFrameMs)} ms (${signed(cold.firstFrameMs - a.firstFrameMs)} ms)`);
  if (base != null && a?.firstFrameMs != null) notes.push(`confconsole's own start-up above bare node -e 0: ${fmtMs(a.firstFrameMs - base)} ms`);
  const dlg = results.find((r) => r.name === 'dialog --menu, xterm-256color')?.median.firstFrameMs;
  if (dlg != null && a?.firstFrameMs != null) notes.push(`confconsole first frame ÷ dialog first frame: ${(a.firstFrameMs / dlg).toFixed(0)}×`);
  // the package's targets (issue 16), as ratios within this run
  const by = (name) => results.find((r) => r.name === name)?.median;
  const exe = by(`installed executable, xterm-256color`), exeL = by('installed executable, linux'), guard = by('installed, via /usr/sbin/confconsole (sh guard), xterm-256color');
  const node0 = by('node -e 0');
  const wt = by('whiptail --menu, xterm-256color'), wtL = by('whiptail --menu, linux');
  const ratio = (a, b) => (a != null && b ? (a / b).toFixed(2) : '–');
  if (exe) {
    notes.push(`installed executable: first frame ÷ node -e 0 = ${ratio(exe.firstFrameMs, base)} (target ≤ 1.6, aim 1.3); via the sh guard ${ratio(guard?.firstFrameMs, base)}`);
    const line1 = by('node printing one line');
    notes.push(`installed executable: main-thread CPU to the first frame ÷ node printing one line's CPU to its line = ${ratio(exe.firstFrameCpuMs, line1?.firstOutputCpuMs)} ` +
      `(${fmtMs(exe.firstFrameCpuMs)} ÷ ${fmtMs(line1?.firstOutputCpuMs)} ms; linux ${ratio(exeL?.firstFrameCpuMs, line1?.firstOutputCpuMs)}): the first-frame ratio without the machine's load`);
    const rss = (m) => m?.peakRssKb ?? m?.lifetimeMaxRssKb;
    const floor = by('node + blessed, a bare menu, xterm-256color');
    const leanFloor = by('node + blessed, a bare menu, lean V8, xterm-256color');
    const bound = by(`installed executable without any feature, xterm-256color`);
    notes.push(`installed executable: RSS ÷ node -e 0 RSS = ${ratio(rss(exe), rss(node0))} (target ≤ 1.5); the stack's floor, a bare blessed menu on node ÷ node -e 0 = ${ratio(rss(floor), rss(node0))}, with the executable's V8 flags ${ratio(rss(leanFloor), rss(node0))}; ` +
      `the executable without any feature ÷ node -e 0 = ${ratio(rss(bound), rss(node0))} (what features loaded on demand could reach at best)`);
    notes.push(`bytes per Down ÷ whiptail's: xterm-256color ${ratio(exe.bytesDown, wt?.bytesDown)}, linux ${ratio(exeL?.bytesDown, wtL?.bytesDown)} (target ≤ 1); ` +
      `first frame bytes ÷ whiptail's menu: xterm-256color ${ratio(exe.bytesFirstFrame, wt?.bytesFirstFrame)}, linux ${ratio(exeL?.bytesFirstFrame, wtL?.bytesFirstFrame)} (target ≤ 1)`);
  }
  if (Number(ctx.loadavg[0]) > ctx.cpus * 0.75) notes.push(`the machine was busy (load ${ctx.loadavg[0]} on ${ctx.cpus} CPUs): compare ratios within this run, not absolute times across runs`);
  if (notes.length) out.push('', ...notes.map((n) => '* ' + n));
  return out.join('\n');
}

// ---- CPU of the Interface stats screen (issue 12: at most 2 % of one core while open) ----
// The console runs in tmux (a server of its own) at 80x24 on the demo appliance, the stats
// screen is opened by its keys, and the CPU time of its process tree (utime + stime of every
// process, and of the children it waited for) is read from /proc over STATS_CPU_S seconds.
const STATS_CPU_S = Number(process.env.BENCH_STATS_SECONDS ?? 20);
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime + cutime + cstime (ticks) of `pid` and every process under it. */
function treeTicks(pid) {
  const kids = new Map();
  const ticks = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      ticks.set(Number(d), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch {}
  }
  let sum = 0;
  const walk = (p) => {
    sum += ticks.get(p) ?? 0;
    for (const k of kids.get(p) ?? []) walk(k);
  };
  walk(pid);
  return sum;
}

async function statsCpu(term, exe) {
  const sock = `cc-bench-${process.pid}-${term}${exe ? '-exe' : ''}`;
  const tmux = (...a) => spawnSync('tmux', ['-f', '/dev/null', '-L', sock, ...a], { encoding: 'utf8', timeout: 5000 });
  const root = newTemp('cc-bench-stats-');
  const cmd = exe
    ? `export TERM=${term} LANG=C.UTF-8 CONFCONSOLE_SBIN=${join(ROOT, 'sbin')}; exec ${exe} --root ${join(root, 'r')} --demo`
    : `export TERM=${term} LANG=C.UTF-8 XDG_CACHE_HOME=${join(root, 'cache')}; exec ${NODE} ${join(ROOT, 'bin', 'confconsole')} --root ${join(root, 'r')} --demo`;
  tmux('new-session', '-d', '-x', String(COLS), '-y', String(ROWS), '-e', `TERM=${term}`, cmd);
  const screen = () => tmux('capture-pane', '-p').stdout ?? '';
  const waitFor = async (re, ms = 30000) => {
    const end = Date.now() + ms;
    while (!re.test(screen())) {
      if (Date.now() > end) throw new Error(`stats screen: timed out waiting for ${re}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await waitFor(/Welcome/);
    const key = async (k, then) => {
      tmux('send-keys', k);
      await waitFor(then);
    };
    await key('Enter', /Console Setup/);
    tmux('send-keys', '1');
    await key('Enter', /3\. Interface stats/);
    tmux('send-keys', '3');
    await key('Enter', /eth1\* +\d/);
    // the chart's first draw (blessed-contrib loaded) is not what the screen costs while open
    await new Promise((r) => setTimeout(r, 3000));
    const pid = Number(tmux('display', '-p', '#{pane_pid}').stdout.trim());
    const a = treeTicks(pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, STATS_CPU_S * 1000));
    const b = treeTicks(pid);
    const secs = (performance.now() - t0) / 1000;
    return { term, exe: Boolean(exe), seconds: Number(secs.toFixed(1)), cpuPercent: Number((((b - a) / CLK_TCK / secs) * 100).toFixed(2)) };
  } finally {
    tmux('kill-server');
  }
}

// ---- main ------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  // Never hang: a watchdog well above the expected run time.
  const watchdogMs = 60000 + (opts.runs + opts.warmup) * 30000 + 3 * (STATS_CPU_S + 40) * 1000;
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: watchdog: still running after ${watchdogMs / 1000} s, giving up\n`);
    cleanup(opts);
    process.exit(3);
  }, watchdogMs);
  watchdog.unref();

  const problems = [];
  if (spawnSync('python3', ['-c', 'import pty, fcntl, termios'], { timeout: 10000 }).status !== 0) problems.push('python3 with pty/fcntl/termios is needed');
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) problems.push('dist/cli.js missing: run "npm run build" first');
  if (problems.length) {
    process.stderr.write(problems.map((p) => `bench: ${p}\n`).join(''));
    process.exit(1);
  }
  if (!XtermTerminal) process.stderr.write('bench: @xterm/headless not found: falling back to matching text in the raw output\n');

  // The executable was just written by the build: on this kernel (ext4, large folios) its pages
  // then sit in the page cache in the large folios of the write, and mapping one maps all of it
  // (measured: about 10 MB more RSS than the same file read from disk, which is how an appliance
  // reads it after boot, and how node's own binary was read here). Its pages are dropped from the
  // cache first (GNU dd: iflag=nocache with count=0 drops the whole file), so it is read from disk.
  for (const exe of [EXE, BOUND_EXE]) {
    if (!existsSync(exe)) continue;
    spawnSync('sync', [exe]);
    const dropped = spawnSync('dd', [`if=${exe}`, 'iflag=nocache', 'count=0', 'status=none']);
    if (dropped.status !== 0) process.stderr.write(`bench: could not drop ${exe} from the page cache: its RSS may read high\n`);
  }
  let variants = buildVariants();
  if (opts.only) variants = variants.filter((v) => v.name.includes(opts.only));
  const statsWanted = !opts.only || 'stats screen CPU'.includes(opts.only);
  if (!variants.length && !statsWanted) {
    process.stderr.write(`bench: no variant matches --only ${JSON.stringify(opts.only)}\n`);
    process.exit(2);
  }
  const missing = [];
  variants = variants.filter((v) => {
    const exe = v.argv && Array.isArray(v.argv) ? v.argv[0] : NODE;
    if (exe.startsWith('/') && !existsSync(exe)) {
      missing.push(`${v.name}: ${exe} not installed`);
      return false;
    }
    return true;
  });

  const samples = new Map(variants.map((v) => [v.name, []]));
  const failures = missing.map((m) => ({ variant: m.split(':')[0], run: null, error: m }));
  const runOne = (v) => (v.kind === 'plain' ? runPlain(v) : runMenu(v));
  const progress = (s) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${s}`);
  };
  // Warm-up (discarded): the first variant of each group, enough to bring the programs, their
  // files and confconsole's terminfo cache into the caches.
  const warmups = variants.filter((v, i) => variants.findIndex((w) => w.group === v.group) === i);
  for (let run = -opts.warmup; run < opts.runs; run++) {
    for (const v of run < 0 ? warmups : variants) {
      progress(`${run < 0 ? 'warm-up' : `run ${run + 1}/${opts.runs}`}: ${v.name}`);
      try {
        const r = await runOne(v);
        if (run >= 0) samples.get(v.name).push(r);
      } catch (e) {
        failures.push({ variant: v.name, run: run < 0 ? 'warm-up' : run + 1, error: e.message });
      }
    }
  }
  // the stats screen's CPU cost, once per terminal kind (needs tmux)
  const statsCpuResults = [];
  if (statsWanted && spawnSync('tmux', ['-V']).status === 0) {
    // the checkout on both terminal kinds, and the installed executable (no optimizing compiler: src/sea1.ts leanHeap)
    for (const [term, exe] of [['xterm-256color'], ['linux'], ...(existsSync(EXE) ? [['xterm-256color', EXE]] : [])]) {
      progress(`stats screen CPU, ${term}${exe ? ', installed executable' : ''} (${STATS_CPU_S} s)`);
      try {
        statsCpuResults.push(await statsCpu(term, exe));
      } catch (e) {
        failures.push({ variant: `stats screen CPU, ${term}${exe ? ', installed executable' : ''}`, run: null, error: e.message });
      }
    }
  } else if (statsWanted) failures.push({ variant: 'stats screen CPU', run: null, error: 'tmux not installed' });
  progress('');
  clearTimeout(watchdog);

  const results = variants.map((v) => {
    const s = summarize(v, samples.get(v.name));
    const failed = failures.filter((f) => f.variant === v.name).length;
    if (failed) s.failed = failed;
    return s;
  });
  const ctx = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadavg: loadavg().map((x) => x.toFixed(2)),
    runs: opts.runs,
    warmup: opts.warmup,
    only: opts.only ?? null,
    pty: `${COLS}x${ROWS}`,
    lang: process.env.LANG ?? null,
    machineNodeExtraCaCerts: MACHINE_CA ?? null,
    screenModel: XtermTerminal ? '@xterm/headless' : 'raw-text fallback',
    durationS: (Date.now() - started) / 1000,
  };
  const doc = { ...ctx, results, statsCpu: statsCpuResults, failures };
  writeFileSync(RESULTS_FILE, JSON.stringify(doc, null, 2) + '\n');
  if (opts.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else {
    process.stdout.write(table(results, ctx) + '\n');
    for (const r of statsCpuResults) process.stdout.write(`* Interface stats screen open (demo, refreshed every second, ${r.term}${r.exe ? ', the installed executable' : ''}): ${r.cpuPercent} % of one core over ${r.seconds} s (budget: 2 %)\n`);
    process.stdout.write(`\n(${ctx.durationS.toFixed(1)} s; JSON in ${RESULTS_FILE})\n`);
  }
  if (failures.length) {
    process.stderr.write(`\nbench: ${failures.length} measurement(s) could not be taken:\n`);
    for (const f of failures.slice(0, 20)) process.stderr.write(`  ${f.variant}${f.run != null ? ` (run ${f.run})` : ''}: ${f.error}\n`);
  }
  cleanup(opts);
  const empty = results.some((r) => r.runs === 0);
  process.exitCode = failures.length || empty ? 1 : 0;
}

function cleanup(opts) {
  if (opts?.keep) return;
  for (const d of tempDirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {}
  }
}

await main();
