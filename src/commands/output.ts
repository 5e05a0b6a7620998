// What every command shares: output as text or JSON, exit codes, command-line values checked
// with the fields' own rules, secrets read from stdin.
import type { Op, Operation, Outcome, Values } from '../core/types.js';
import { validateFields } from '../flow/fields.js';
import type { Field } from '../menu/types.js';
import type { Rule } from '../rules/validated.js';
import { EXIT } from '../system/runner.js';
import { safeJson, visible } from '../core/visible.js';
import type { Command, Out } from './types.js';

/**
 * A refusal of the command line itself: exit 2, nothing changed. `command`: the command it is
 * about (its usage is offered); `field`: the option whose value was refused (named in --json).
 * The message repeats what was given: it is kept with its controls shown escaped (visible).
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string[],
    readonly field?: string,
  ) {
    super(visible(message));
  }
}

/** Exit code of an outcome: the script's own. */
export const codeOf = (o: Outcome): number => o.code ?? (o.ok ? EXIT.ok : EXIT.fail);

/**
 * Says an outcome once (a failure on stderr in text mode; JSON always on stdout) → its exit
 * code. In JSON every answer has ok and summary; a failure also code and error (and field).
 */
export function report(out: Out, o: Outcome): number {
  const base = typeof o.data === 'object' && o.data !== null ? (o.data as Record<string, unknown>) : {};
  if (!o.ok && !out.json) process.stderr.write(`confconsole: ${visible(o.summary)}\n`);
  else {
    const said = visible(o.summary);
    out.print({ ...base, ok: o.ok, summary: said, ...(o.ok ? {} : { code: codeOf(o), error: said }), ...(o.field !== undefined ? { field: o.field } : {}) }, said);
  }
  return codeOf(o);
}

/**
 * A field's rule on a command-line value: the normalised value, or a UsageError naming
 * `what` (the option). A rule's warning goes to stderr.
 */
export function check(rule: Rule, value: string, what: string): string {
  const r = rule(value);
  if (!r.ok) throw new UsageError(`${what}: ${r.message}`, undefined, what.startsWith('--') ? what.slice(2) : what.replace(/ /g, '-'));
  if (r.warning) process.stderr.write(visible(`warning: ${what}: ${r.warning}`) + '\n');
  return r.value;
}

/**
 * Command-line values checked with a form's own fields (the same rules, one owner): the
 * normalised values, or a UsageError naming the option of the first field in error
 * (`optionOf`: field → option, default --field).
 */
export function checkFields(fields: Field[], values: Values, optionOf: Record<string, string> = {}): Values {
  const r = validateFields(fields, values);
  if (r.ok) return r.values;
  const [field, message] = Object.entries(r.errors)[0]!;
  const option = optionOf[field] ?? `--${field}`;
  throw new UsageError(`${option}: ${message}`, undefined, option.replace(/^--/, ''));
}

/** A string option that must be there. */
export function need(v: string | boolean | undefined, opt: string, cmd: string): string {
  if (typeof v !== 'string' || v === '') throw new UsageError(`${cmd} needs ${opt}`);
  return v;
}

export const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The output of a command line: `json` decides the form. Whatever it writes shows controls
 * escaped (visible, safeJson): a value read from a file or a script is never obeyed.
 */
export function makeOut(json: boolean): Out {
  return {
    json,
    print(data, human) {
      // every JSON answer says ok; what a command shows is a success unless it says otherwise
      const obj = typeof data === 'object' && data !== null && !Array.isArray(data) && !('ok' in data) ? { ok: true, ...data } : data;
      process.stdout.write(json ? safeJson(obj) + '\n' : visible(human.endsWith('\n') ? human : human + '\n', '\n'));
    },
    progress: {
      // a script's own failure line ("set_ntp.sh: ...") is left out: report() says it once
      line: (t: string) => (json || /^[\w.-]+\.sh: /.test(t) ? undefined : process.stderr.write(visible(t) + '\n')),
    },
    readSecret,
  };
}

/** What readSecret reads: standard input (a test gives a stream that says it is a terminal). */
export type SecretInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };

/**
 * A secret from standard input (never from the command line, where every user can see it):
 * the first line of a pipe or file; on a terminal it is typed blind, so it is asked twice and
 * refused (UsageError, nothing changed) when the two differ.
 */
export async function readSecret(what: string, input: SecretInput = process.stdin, echo: (t: string) => void = (t) => process.stderr.write(t)): Promise<string> {
  const chunks = input[Symbol.asyncIterator]();
  if (input.isTTY) {
    input.setRawMode?.(true);
    let pending = '';
    // one line typed without echo; keys typed ahead (or pasted) stay for the next line
    const line = async (prompt: string): Promise<string> => {
      echo(prompt);
      let typed = '';
      for (;;) {
        if (pending === '') {
          const c = await chunks.next();
          if (c.done) return typed;
          pending = String(c.value);
        }
        const ch = pending[0]!;
        pending = pending.slice(1);
        if (ch === '\r' || ch === '\n') {
          if (ch === '\r' && pending[0] === '\n') pending = pending.slice(1);
          return typed;
        }
        if (ch === '\u0003') throw new UsageError('cancelled');
        if (ch === '\u007f') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed += ch;
      }
    };
    try {
      const first = await line(`Enter the ${what} (it is not shown): `);
      const again = await line(`\nEnter the ${what} again: `);
      if (first !== again) throw new UsageError(`the two entries of the ${what} differ: nothing was changed`);
      return first;
    } finally {
      input.setRawMode?.(false);
      echo('\n');
      await chunks.return?.();
    }
  }
  let all = '';
  for (;;) {
    const c = await chunks.next();
    if (c.done) break;
    all += String(c.value);
    if (all.includes('\n')) break;
  }
  await chunks.return?.();
  return (all.split('\n')[0] ?? '').replace(/\r$/, '');
}

/**
 * A command that does what its menu item does with no input: `op.apply`, its outcome reported.
 * `covers`: the menu operations it stands for (default: op).
 */
export function applies(path: string[], summary: string, op: Op<'apply'>, covers: Operation[] = [op]): Command {
  return { path, summary, covers, run: async (ctx, _in, out) => report(out, await op.apply(ctx, {}, out.progress)) };
}
