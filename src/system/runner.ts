// The one place that runs programs: execa with argument arrays (never a shell string),
// secrets on stdin (never argv), a timeout, stderr streamed line by line, and the scripts'
// JSON result parsed from stdout.
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Paths } from './paths.js';

/** Exit codes of the sbin/ scripts (sbin/lib/common.sh). */
export const EXIT = { ok: 0, fail: 1, usage: 2, restored: 3, locked: 4, testFailed: 5, partial: 6 } as const;

export interface RunOptions {
  /** Written to the script's stdin (secrets go here, never in args). */
  stdin?: string;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * A change that must finish even if the console dies (Ctrl+C, SSH hang-up): the script
   * runs in its own session and is not killed when we exit. Never combined with a timeout.
   */
  survive?: boolean;
}

export interface ScriptResult {
  exitCode: number;
  /** The JSON object the script printed on stdout (or {} when it printed none). */
  result: Record<string, unknown>;
  /** Its human log. */
  log: string[];
  timedOut: boolean;
  cancelled: boolean;
}

export interface Runner {
  script(name: string, args: string[], opts?: RunOptions): Promise<ScriptResult>;
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

export function makeRunner(paths: Paths, extraEnv: Record<string, string> = {}): Runner {
  const tty = ttyName();
  return {
    async script(name, args, opts = {}) {
      if (!/^[a-z_]+\.sh$/.test(name)) throw new Error(`not a script name: ${name}`);
      // Loaded on first use: execa costs more start-up time than the whole first frame.
      const { execa } = await import('execa');
      const child = execa(join(paths.sbin, name), args, {
        env: { CONFCONSOLE_ROOT: paths.root, ...(tty ? { CONFCONSOLE_TTY: tty } : {}), ...extraEnv },
        input: opts.stdin ?? '',
        reject: false,
        ...(opts.survive ? { detached: true, cleanup: false } : { timeout: opts.timeoutMs ?? 120_000 }),
        ...(opts.signal ? { cancelSignal: opts.signal } : {}),
        stripFinalNewline: true,
        buffer: { stdout: true, stderr: false },
      });
      const log: string[] = [];
      if (child.stderr) {
        const rl = createInterface({ input: child.stderr });
        rl.on('line', (line) => {
          log.push(line);
          opts.onLine?.(line);
        });
      }
      const r = await child;
      let result: Record<string, unknown> = {};
      const out = String(r.stdout ?? '').trim().split('\n').pop() ?? '';
      try {
        if (out.startsWith('{')) result = JSON.parse(out) as Record<string, unknown>;
      } catch {
        /* a script that printed no JSON is judged by its exit code */
      }
      return {
        exitCode: typeof r.exitCode === 'number' ? r.exitCode : 1,
        result,
        log,
        timedOut: r.timedOut === true,
        cancelled: r.isCanceled === true,
      };
    },
  };
}
