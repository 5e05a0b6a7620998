// What every command shares: the global options, output as text or JSON, exit codes,
// command-line values checked with the fields' own validators, secrets read from stdin.
import type { Outcome } from '../flow/types.js';
import type { Profile } from '../menu/load.js';
import { EXIT } from '../system/runner.js';
import { validators } from '../validators.js';

export interface Global {
  root: string;
  demo: boolean;
  profile?: Profile;
  json: boolean;
  host?: string | undefined;
  proxy?: string | undefined;
  /** network set: passed on to set_network.sh, which checks them */
  net: string[];
  /** callhome set / partner set options */
  ch: string[];
}

export class UsageError extends Error {}

export function out(g: Global, json: unknown, human: string): void {
  process.stdout.write(g.json ? JSON.stringify(json) + '\n' : human.endsWith('\n') ? human : human + '\n');
}

export function report(g: Global, o: Outcome, code: number = codeOf(o)): number {
  const base = typeof o.data === 'object' && o.data !== null ? (o.data as Record<string, unknown>) : {};
  // a failure is said once, on stderr (text mode); JSON always goes to stdout
  if (!o.ok && !g.json) process.stderr.write(`confconsole: ${o.summary}\n`);
  else out(g, { ...base, ok: o.ok, summary: o.summary }, o.summary);
  return code;
}

/**
 * Progress lines of a script, shown on stderr in text mode. A script's own failure line
 * ("set_callhome.sh: ...") is left out: report() says it once, as the command's.
 */
export const progressOf = (g: Global) => ({
  line: (t: string) => (g.json || /^[\w.-]+\.sh: /.test(t) ? undefined : process.stderr.write(t + '\n')),
});

/** A field's validator on a command-line value: the normalised value, or a usage error naming it. */
export function check(validator: string, value: string, what: string): string {
  const r = validators[validator]!(value);
  if (!r.ok) throw new UsageError(`${what}: ${r.message}`);
  if (r.warning) process.stderr.write(`warning: ${what}: ${r.warning}\n`);
  return r.value;
}

export function need(v: string | undefined, opt: string, cmd: string): string {
  if (v === undefined || v === '') throw new UsageError(`${cmd} needs ${opt}`);
  return v;
}

/**
 * A secret from standard input (never from the command line, where every user can see it):
 * the first line of a pipe or file, or typed on a terminal without echo.
 */
export async function readSecret(what: string): Promise<string> {
  const input = process.stdin;
  if (input.isTTY) {
    process.stderr.write(`Enter the ${what} (it is not shown): `);
    input.setRawMode(true);
    let typed = '';
    try {
      for await (const chunk of input) {
        for (const c of String(chunk)) {
          if (c === '\r' || c === '\n') return typed;
          if (c === '\u0003') throw new UsageError('cancelled');
          if (c === '\u007f') typed = typed.slice(0, -1);
          else if (c >= ' ') typed += c;
        }
      }
      return typed;
    } finally {
      input.setRawMode(false);
      process.stderr.write('\n');
    }
  }
  let all = '';
  for await (const chunk of input) {
    all += String(chunk);
    if (all.includes('\n')) break;
  }
  return (all.split('\n')[0] ?? '').replace(/\r$/, '');
}

/** Exit code of an outcome: the script's own. */
export const codeOf = (o: Outcome): number => o.code ?? (o.ok ? EXIT.ok : EXIT.fail);
