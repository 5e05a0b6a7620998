// `confconsole -c "COMMAND"`: how a login shell is asked to run one command (sshd runs the
// console user's shell so for `ssh console@appliance ntp show`, and for scp and sftp). The console
// user's shell runs exactly one command of an allow-list — the console's commands that change
// nothing (derived from the menu trees, commands/scope.ts writesOf: show, status, test, pubkey,
// info, ...) — and refuses anything else (a shell command, scp, sftp, a change) with one line,
// exit 2. No shell ever reads the string: it is split on blanks, and only plain words pass.
import { UsageError } from './commands/output.js';
import { parseCommandLine } from './commands/parse.js';
import { writesOf } from './commands/scope.js';
import type { Command } from './commands/types.js';
import { visible } from './core/visible.js';
import { loadTree } from './menu/trees.js';

/** The characters a word of an allowed command may have: no quoting, no expansion, nothing a shell would act on. */
const PLAIN = /^[A-Za-z0-9._:/=@,+%-]+$/;
/** Global options that would change what or where the command reads: not for a remote caller. */
const NOT_REMOTE = ['root', 'demo', 'profile'];

/** The commands `-c` may run: those that change nothing on the appliance. */
export function allowedRemote(table: Command[]): Command[] {
  const trees = [loadTree('appliance'), loadTree('vsensor')];
  return table.filter((c) => !writesOf(c, trees));
}

/**
 * What `-c STRING` runs: the words of STRING when they name one allowed command (with its own
 * options, --json or --help), else a refusal (one line, for the caller's stderr). Takes the
 * string as the login shell got it; refuses an empty string, any character outside PLAIN, an
 * unknown or changing command, --root/--demo/--profile.
 */
export function restrictedCommand(line: string, table: Command[]): { words: string[] } | { refused: string } {
  const words = line.split(/[ \t]+/).filter(Boolean);
  const refuse = (why: string) => ({ refused: `confconsole: refused: ${why}; this account runs the console, or one read-only console command (ssh -t for the console; confconsole --help lists them)` });
  if (words.length === 0) return refuse('no command given');
  const odd = words.find((w) => !PLAIN.test(w));
  if (odd !== undefined) return refuse(`"${visible(line)}" is not a console command`);
  let parsed;
  try {
    parsed = parseCommandLine(words, table);
  } catch (e) {
    if (e instanceof UsageError) return refuse(`"${visible(line)}": ${visible(e.message)}`);
    throw e;
  }
  if (!parsed.command) return parsed.opts.help || parsed.opts.version ? { words } : refuse(`"${visible(line)}" is not a console command`);
  const extra = NOT_REMOTE.find((o) => parsed.opts[o] !== undefined);
  if (extra) return refuse(`--${extra} is not taken here`);
  if (!allowedRemote(table).includes(parsed.command)) return refuse(`${parsed.command.path.join(' ')} changes the appliance: log in for the console to do that`);
  return { words };
}
