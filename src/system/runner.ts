// The one place that runs programs: execa with argument arrays (never a shell string), secrets
// on stdin (never argv), a timeout, stderr streamed line by line, and each script's JSON result
// checked with the zod schema its feature declares (script(name, schema)).
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { Paths } from './paths.js';

/** Exit codes of the sbin/ scripts (sbin/lib/core.sh). */
export const EXIT = { ok: 0, fail: 1, usage: 2, restored: 3, locked: 4, testFailed: 5, partial: 6, down: 7 } as const;

export interface RunOptions {
  /** Written to the script's stdin (secrets go here, never in args). */
  stdin?: string;
  onLine?: (line: string) => void;
  /** Each stdout line as it comes (a script that streams JSON lines); the last one is still its result. */
  onOut?: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * A change that must finish even if the console dies (Ctrl+C, SSH hang-up): the script
   * runs in its own session and is not killed when we exit. Never combined with a timeout.
   */
  survive?: boolean;
}

/** What a run of a program gives back, before its result is checked. */
export interface RawResult {
  exitCode: number;
  /** The last stdout line, parsed as JSON when it is an object (else undefined). */
  json: unknown;
  /** Its human log (stderr lines). */
  log: string[];
  timedOut: boolean;
  cancelled: boolean;
  /** Why the program could not be started at all (missing, not executable), else undefined. */
  startError?: string;
}

export interface Runner {
  /** Runs sbin/NAME with ARGS. Throws only for a name that is not a script's. */
  script(name: string, args: string[], opts?: RunOptions): Promise<RawResult>;
}

/** A script and the shape of the JSON it prints on success (its feature's one declaration). */
export interface Script<T> {
  name: string;
  result: z.ZodType<T>;
}

export const script = <T>(name: string, result: z.ZodType<T>): Script<T> => ({ name, result });

/** What a script prints when it refuses or fails (sbin/lib/core.sh `fail`, `refuse`). */
const Failure = z.lazy(() => z.object({ error: z.string().optional(), field: z.string().optional() }).loose());

/** A script's run, its success result typed. */
export type Ran<T> =
  | { ok: true; value: T; exitCode: 0; log: string[] }
  | {
      ok: false;
      exitCode: number;
      /** The script's own reason (or why it could not start, time out, was cancelled). */
      error: string;
      field?: string;
      log: string[];
      timedOut: boolean;
      cancelled: boolean;
      /** The JSON it printed, for the exit codes that carry results (5: a test found a problem). */
      json: unknown;
    };

/** Thrown when a script's success JSON does not have the declared shape: a bug, not bad input. */
export class ContractError extends Error {
  constructor(name: string, detail: string) {
    super(`${name} answered in an unexpected form: ${detail}`);
    this.name = 'ContractError';
  }
}

const codeText: Record<number, string> = {
  1: 'failed',
  2: 'bad input',
  3: 'failed; the previous settings were restored',
  4: 'another console is applying a change; try again',
  5: 'the test found a problem',
  6: 'some steps failed',
  7: 'failed; the previous settings are back in the files, but their service is down',
};

/**
 * Runs `spec` and checks its result: `ok` with the typed value on exit 0, else the reason.
 * Throws ContractError when exit 0 comes with JSON of another shape.
 */
export async function run<T>(runner: Runner, spec: Script<T>, args: string[], opts: RunOptions = {}): Promise<Ran<T>> {
  const r = await runner.script(spec.name, args, opts);
  if (r.exitCode === 0 && !r.startError) {
    const parsed = spec.result.safeParse(r.json ?? {});
    if (!parsed.success) throw new ContractError(spec.name, z.prettifyError(parsed.error));
    return { ok: true, value: parsed.data, exitCode: 0, log: r.log };
  }
  const f = Failure.safeParse(r.json ?? {});
  const said = f.success ? f.data : {};
  const error = r.startError ?? (r.timedOut ? 'timed out' : r.cancelled ? 'cancelled' : said.error ?? codeText[r.exitCode] ?? `exit ${r.exitCode}`);
  return {
    ok: false,
    exitCode: r.exitCode === 0 ? 1 : r.exitCode,
    error,
    ...(said.field !== undefined ? { field: said.field } : {}),
    log: r.log,
    timedOut: r.timedOut,
    cancelled: r.cancelled,
    json: r.json,
  };
}

/** The terminal of the person at the console, for the audit log's "who". */
function ttyName(): string | undefined {
  try {
    const t = readlinkSync('/proc/self/fd/0');
    return t.startsWith('/dev/') ? t : undefined;
  } catch {
    return undefined;
  }
}

const startWords: Record<string, string> = {
  ENOENT: 'it does not exist',
  EACCES: 'it is not executable (permission denied)',
  ENOEXEC: 'it is not a program this system can run',
};

/** Whether any process of group `pgid` is still there. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Ends process group `pgid`: TERM (a script's trap says it stopped, and a reader writes what it
 * saw: Count active devices' summary), then KILL for whatever is still there after a second.
 * Resolves once the group is gone (or after a second of KILLs). The tools that answer TERM at
 * once (ping, traceroute, tcpdump) are gone well before.
 */
export async function endGroup(pgid: number): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      /* the group is gone */
    }
  };
  signal('SIGTERM');
  const start = Date.now();
  while (groupAlive(pgid) && Date.now() - start < 2000) {
    await new Promise((r) => setTimeout(r, 10));
    if (Date.now() - start >= 1000) signal('SIGKILL');
  }
}

export function makeRunner(paths: Paths, extraEnv: Record<string, string> = {}): Runner {
  const tty = ttyName();
  return {
    async script(name, args, opts = {}) {
      // the manual's own names have hyphens (vsensor-health-check.sh)
      if (!/^[a-z][a-z_-]*\.sh$/.test(name)) throw new Error(`not a script name: ${name}`);
      // Loaded on first use: execa costs more start-up time than the whole first frame.
      const { execa } = await import('execa');
      const file = join(paths.sbin, name);
      // Work that can be cancelled runs in a process group of its own, ended whole on cancel:
      // the tools a script started (ping, tcpdump) go with it, none is left behind.
      const group = opts.signal !== undefined && !opts.survive;
      const child = execa(file, args, {
        env: { CONFCONSOLE_ROOT: paths.root, ...(tty ? { CONFCONSOLE_TTY: tty } : {}), ...extraEnv },
        input: opts.stdin ?? '',
        reject: false,
        ...(opts.survive ? { detached: true, cleanup: false } : { timeout: opts.timeoutMs ?? 120_000 }),
        ...(group ? { detached: true } : {}),
        stripFinalNewline: true,
        buffer: { stdout: true, stderr: false },
      });
      let cancelled = false;
      const onAbort = () => {
        cancelled = true;
        if (child.pid !== undefined) void endGroup(child.pid);
      };
      if (group) {
        if (opts.signal?.aborted) onAbort();
        else opts.signal?.addEventListener('abort', onAbort, { once: true });
      }
      const log: string[] = [];
      if (child.stderr) {
        const rl = createInterface({ input: child.stderr });
        rl.on('line', (line) => {
          log.push(line);
          opts.onLine?.(line);
        });
      }
      if (opts.onOut && child.stdout) createInterface({ input: child.stdout }).on('line', opts.onOut);
      const r = await child;
      opts.signal?.removeEventListener('abort', onAbort);
      const code = (r as { code?: string }).code;
      // execa reports a program that never started with its errno code and no exit code
      const startError =
        typeof r.exitCode !== 'number' && !r.timedOut && !r.isCanceled && code
          ? `cannot run ${file}: ${startWords[code] ?? code}`
          : undefined;
      let json: unknown;
      const out = String(r.stdout ?? '').trim().split('\n').pop() ?? '';
      try {
        if (out.startsWith('{')) json = JSON.parse(out);
      } catch {
        /* a script that printed no JSON is judged by its exit code */
      }
      return {
        exitCode: typeof r.exitCode === 'number' ? r.exitCode : 1,
        json,
        log,
        timedOut: r.timedOut === true,
        cancelled: cancelled || r.isCanceled === true,
        ...(startError ? { startError } : {}),
      };
    },
  };
}
