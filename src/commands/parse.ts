// The command line, generated from the command table: which command the words name, its options
// parsed strictly (a stray option is an error, exit 2), and every usage text.
import { parseArgs } from 'node:util';
import type { Command, OptionSpec } from './types.js';
import { UsageError } from './output.js';

/** The options every command takes (and the console). */
export const GLOBAL: Record<string, OptionSpec & { short?: string }> = {
  root: { type: 'string', value: 'DIR', help: 'appliance root (default: $CONFCONSOLE_ROOT or /)' },
  demo: { type: 'boolean', help: 'use the demo appliance (seeded when empty; without --root it lives in ~/.local/state/confconsole/demo-root)' },
  profile: { type: 'string', value: 'appliance|vsensor', help: 'which console (default: from the appliance settings)' },
  json: { type: 'boolean', help: 'commands print one JSON object on stdout' },
  help: { type: 'boolean', short: 'h', help: 'this help (after a command: that command\'s)' },
  version: { type: 'boolean', short: 'V', help: 'the version' },
};

type ParseOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;
const asParse = (specs: Record<string, OptionSpec & { short?: string }>): ParseOptions =>
  Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, { type: v.type, ...(v.short ? { short: v.short } : {}) }]));

/** Every option any command declares, for finding the words before the command is known. */
function allOptions(table: Command[]): ParseOptions {
  const all: ParseOptions = asParse(GLOBAL);
  for (const c of table) for (const [k, v] of Object.entries(c.options ?? {})) all[k] ??= { type: v.type };
  return all;
}

export interface Parsed {
  /** The command the words name (undefined: none given, so the console). */
  command?: Command;
  /** The first words of some commands, named alone (`ntp`, `callhome partner`): their usage is shown. */
  area?: string;
  args: string[];
  opts: Record<string, string | boolean | undefined>;
}

/**
 * A word that is a negative number (`-1`, `-0.5`): a value, never an option (no option is a
 * digit), which parseArgs would take for one ("Unknown option '-1'", or "--seconds argument is
 * ambiguous"); marked before parsing so the value reaches its rule, which names the field.
 */
const NUMBER = /^-\d/;
const MARK = '\u0000'; // no word of argv can hold a NUL
const marked = (a: string): string => (NUMBER.test(a) ? MARK + a : a);
const unmarked = <T>(v: T): T => (typeof v === 'string' && v.startsWith(MARK) ? (v.slice(MARK.length) as T) : v);

/**
 * Parses argv against `table`: the longest command path the words start with, then that
 * command's options and the global ones, strictly. Throws UsageError naming the problem
 * (an unknown option, a missing value, the wrong number of arguments, an unknown command).
 * A negative number is a value, as an argument or an option's (`pcap set -1`, `--seconds -5`).
 */
export function parseCommandLine(argv: string[], table: Command[]): Parsed {
  const p = parseMarked(argv.map(marked), table);
  return { ...p, opts: Object.fromEntries(Object.entries(p.opts).map(([k, v]) => [k, unmarked(v)])) };
}

function parseMarked(argv: string[], table: Command[]): Parsed {
  let loose;
  try {
    loose = parseArgs({ args: argv, options: allOptions(table), strict: false, allowPositionals: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replaceAll(MARK, ''));
  }
  const words = loose.positionals.map(unmarked);
  const command = [...table].sort((a, b) => b.path.length - a.path.length).find((c) => c.path.every((w, i) => words[i] === w));
  const strict = (options: ParseOptions) => {
    let p;
    try {
      p = parseArgs({ args: argv, options, strict: true, allowPositionals: true, tokens: true });
    } catch (e) {
      throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, '').replaceAll(MARK, ''), command?.path);
    }
    // an option given twice is a mistake to say, not a value to pick (parseArgs keeps the last)
    const seen = new Set<string>();
    for (const t of p.tokens ?? []) {
      if (t.kind !== 'option') continue;
      if (seen.has(t.name)) throw new UsageError(`--${t.name} is given twice`, command?.path);
      seen.add(t.name);
    }
    return p;
  };
  if (!command) {
    // the words so far begin some commands (`ntp`, `callhome partner`): their usage is shown
    const prefix = words.length > 0 && table.some((c) => words.every((w, i) => c.path[i] === w)) ? words.join(' ') : undefined;
    const p = strict(asParse(GLOBAL));
    if (words.length > 0 && !prefix && !p.values.help) throw new UsageError(`unknown command: ${words.join(' ')}`);
    return { ...(prefix ? { area: prefix } : {}), args: [], opts: p.values };
  }
  const p = strict({ ...asParse(GLOBAL), ...asParse(command.options ?? {}) });
  const args = p.positionals.slice(command.path.length).map(unmarked);
  const [least, most] = command.nargs ?? [0, 0];
  if (!p.values.help) {
    if (args.length > most) throw new UsageError(`${command.path.join(' ')}: unexpected argument${args.length - most > 1 ? 's' : ''}: ${args.slice(most).join(' ')}`, command.path);
    if (args.length < least) throw new UsageError(`${command.path.join(' ')} needs ${command.args ?? 'an argument'}`, command.path);
  }
  return { command, args, opts: p.values };
}

const optionText = (name: string, o: OptionSpec & { short?: string }) => `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;

/** One command's usage: its synopsis, its options, and what more it says. */
export function commandUsage(c: Command): string {
  const opts = Object.entries(c.options ?? {});
  const synopsis = `confconsole ${c.path.join(' ')}${c.args ? ` ${c.args}` : ''}${opts.length ? ' [OPTIONS]' : ''} [--json]`;
  return [
    `Usage: ${synopsis}`,
    '',
    `  ${c.summary}`,
    ...(c.more?.length ? ['', ...c.more.map((l) => `  ${l}`)] : []),
    ...(opts.length ? ['', 'Options:', ...opts.map(([k, o]) => `  ${optionText(k, o).padEnd(30)} ${o.help}`)] : []),
    '',
  ].join('\n');
}

/** The usage of the commands that begin with the words `area` (`confconsole ntp`, `callhome partner`). */
export function areaUsage(area: string, table: Command[]): string {
  const words = area.split(' ');
  const cmds = table.filter((c) => words.every((w, i) => c.path[i] === w));
  return [`Usage: confconsole ${area} COMMAND [--json]`, '', ...commandLines(cmds), '', `confconsole ${area} COMMAND --help says more.`, ''].join('\n');
}

function commandLines(cmds: Command[]): string[] {
  return cmds.map((c) => {
    const head = `${c.path.join(' ')}${c.args ? ` ${c.args}` : ''}`;
    return head.length <= 28 ? `  ${head.padEnd(28)}  ${c.summary}` : `  ${head}\n  ${''.padEnd(28)}  ${c.summary}`;
  });
}

/**
 * Which commands the usage lists: `profilesOf` says the consoles each belongs to (scope.ts, from
 * the trees); `profile` the console of this appliance, whose commands alone are listed. Without
 * a profile (no appliance here: the manual page) they are listed in groups by console.
 */
export interface UsageScope {
  profilesOf: (c: Command) => string[];
  profile?: string | undefined;
  /** the consoles' names, by profile: the headings */
  names: Record<string, string>;
}

/** The command lines of the usage, with their heading(s). */
function commandSections(table: Command[], scope?: UsageScope): string[] {
  const more = '(confconsole COMMAND --help says more of each)';
  if (!scope) return [`Commands ${more}:`, ...commandLines(table)];
  const profiles = Object.keys(scope.names);
  if (scope.profile !== undefined) {
    const p = scope.profile;
    return [`Commands of the ${scope.names[p] ?? p} ${more}:`, ...commandLines(table.filter((c) => scope.profilesOf(c).includes(p)))];
  }
  const every = table.filter((c) => profiles.every((p) => scope.profilesOf(c).includes(p)));
  return [
    `Commands of every console ${more}:`,
    ...commandLines(every),
    ...profiles.flatMap((p) => {
      const only = table.filter((c) => !every.includes(c) && scope.profilesOf(c).includes(p));
      return only.length ? ['', `Commands of the ${scope.names[p] ?? p} only:`, ...commandLines(only)] : [];
    }),
  ];
}

/** The whole usage (confconsole --help): the commands of `scope` (every command without one). */
export function usage(table: Command[], scope?: UsageScope): string {
  return [
    'Usage: confconsole [OPTIONS] [COMMAND ...]',
    '',
    'The configuration console of the vSensor and master/probe appliance. With no command, on a',
    'terminal, it opens the console; every console change can also be made with a command.',
    '',
    'Options:',
    ...Object.entries(GLOBAL).map(([k, o]) => `  ${optionText(k, o).padEnd(30)} ${o.help}`),
    '',
    ...commandSections(table, scope),
    '',
    'Secrets are read from standard input (a pipe, a file, or typed without echo), never from',
    "arguments: every user can read a process's arguments.",
    '',
    'Exit codes:',
    '  0 done   1 failed   2 bad arguments or input (nothing changed)',
    '  3 failed, previous settings restored   4 another console is applying a change',
    '  5 a test found a problem   6 some of several steps failed',
    '  7 failed, previous settings back in the files, but their service is down',
    '',
  ].join('\n');
}
