// What a command is: `confconsole <area> <verb> ...`, declared by the feature that owns the
// menu action it mirrors. The parser, the usage and --help are all generated from these.
import type { Ctx, Io, Operation } from '../core/types.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in the usage (--host H). */
  value?: string;
  help: string;
}

export interface Command {
  /** The words that name it: ['ntp', 'set']. */
  path: string[];
  /** Its positional arguments as the usage shows them ('SERVER...', 'IFACE'). */
  args?: string;
  /** How many positional arguments it takes: [least, most] (default [0, 0]). */
  nargs?: [number, number];
  options?: Record<string, OptionSpec>;
  /** One line for the usage. */
  summary: string;
  /** More lines for its --help (forms of the options, what stdin carries). */
  more?: string[];
  /** The menu operations it runs: every menu action must be covered by a command. */
  covers: Operation[];
  /** Whether it changes the appliance; derived from `covers` when absent (commands/scope.ts). */
  writes?: boolean;
  /** About the appliance itself, whatever its console (its audit log, what it is): not refused by profile. */
  anyProfile?: true;
  run(ctx: Ctx, input: Input, out: Out): Promise<number>;
}

export interface Input {
  args: string[];
  opts: Record<string, string | boolean | undefined>;
}

/** How a command speaks: JSON on stdout with --json, else text; refusals on stderr. */
export interface Out {
  json: boolean;
  /** One result: `json` with --json, else the text. */
  print(json: unknown, human: string): void;
  /** Progress lines of a script (stderr in text mode, nothing with --json). */
  progress: Io;
  /** A secret from standard input, never from arguments. */
  readSecret(what: string): Promise<string>;
}
