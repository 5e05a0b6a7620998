// confconsole's command line: the global options, the commands of every feature (each with
// --json and the scripts' exit codes), and, with no command on a terminal, the console.
import { existsSync } from 'node:fs';
import type { Ctx } from './core/types.js';
import { isProblem } from './core/problem.js';
import { makeOut, UsageError } from './commands/output.js';
import { safeJson, visible } from './core/visible.js';
import { areaUsage, commandUsage, parseCommandLine, usage, type Parsed } from './commands/parse.js';
import type { Command } from './commands/types.js';
import type { Profile } from './menu/types.js';
import { demoRoot, makePaths } from './system/paths.js';
import { makeRunner, EXIT } from './system/runner.js';
import { readSettingsSync, type Settings } from './system/settings.js';
import { profilesOf, writesOf } from './commands/scope.js';
import { loadTree } from './menu/trees.js';
import { logInternal } from './system/log.js';
import { version } from './version.js';
import { seedDemo } from './demo.js';
import { worksWithoutSettings } from './features/appliance/index.js';
import { lexists } from './firststart.js';

/** An area an interrupted import left half applied, put back first (settings/journal.ts); said on stderr. */
async function sayRecovered(ctx: Ctx, command?: readonly string[]): Promise<void> {
  const { recoverAtStart } = await import('./settings/journal.js');
  const r = await recoverAtStart(ctx, command);
  if (r) process.stderr.write(`confconsole: ${r.ok ? 'note' : 'warning'}: ${visible(r.said)}\n`);
}


/**
 * The command table (src/features/index.ts), loaded when a command line needs it: the console's
 * own start (no command, only global options) does without it and its settings areas
 * (measured: 0.2 MB of the executable's RSS).
 */
async function commandTable(): Promise<Command[]> {
  return (await import('./features/index.js')).commands;
}

/**
 * The whole usage, generated from the command table: the commands of `profile` (this
 * appliance's console), or without one every command grouped by console (the manual page).
 */
export function usageOf(profile: Profile | undefined, commands: Command[]): string {
  const trees = { appliance: loadTree('appliance'), vsensor: loadTree('vsensor') };
  return usage(commands, { profilesOf: (c) => profilesOf(c, commands, trees), profile, names: consoleName });
}

/** The console of the appliance at the root the command line names (--profile, else its appliance.ini), or undefined. */
async function profileHere(v: Parsed['opts']): Promise<Profile | undefined> {
  if (v.profile === 'appliance' || v.profile === 'vsensor') return v.profile;
  const root = typeof v.root === 'string' ? v.root : v.demo === true ? undefined : process.env.CONFCONSOLE_ROOT || '/';
  // a new demo is seeded as the appliance unless --profile says otherwise
  const fallback = v.demo === true ? 'appliance' : undefined;
  try {
    const ini = root === undefined ? undefined : makePaths(root).settingsIni;
    return ini && existsSync(ini) ? readSettingsSync(ini).appliance.profile : fallback;
  } catch {
    return fallback; // a damaged file: every command, by console
  }
}

function refuse(json: boolean, message: string, more?: string, code: number = EXIT.usage, field?: string): number {
  // --json asked for JSON: a refusal is JSON too, so a script reading stdout gets a reason
  // what a refusal repeats of the command line is shown escaped, never obeyed
  if (json) process.stdout.write(safeJson({ ok: false, code, error: visible(message), ...(field ? { field } : {}) }) + '\n');
  process.stderr.write(`confconsole: ${visible(message)}\n${more ?? 'Try confconsole --help.\n'}`);
  return code;
}

const consoleName: Record<Profile, string> = { appliance: 'master/probe appliance', vsensor: 'vSensor' };

/**
 * A reader that went away (`confconsole health | head -1`) ends a command quietly, as SIGPIPE
 * ends a C tool: exit 141 (128 + SIGPIPE), never an uncaught EPIPE stack.
 */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(141);
    throw e;
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  // a login shell asked to run a command (ssh console@appliance CMD, scp, sftp): src/login.ts
  if (argv[0] === '-c') {
    const { restrictedCommand } = await import('./login.js');
    const r = argv.length === 2 ? restrictedCommand(argv[1] ?? '', await commandTable()) : { refused: 'confconsole: refused: -c takes one command string' };
    if ('refused' in r) {
      process.stderr.write(r.refused + '\n');
      return EXIT.usage;
    }
    argv = r.words;
  }
  const json = argv.includes('--json');
  // only global options (the console's start): read without the command table, as the full
  // table reads them (no word: no command's option applies); anything else, with the table
  let p: Parsed | undefined;
  let commands: Command[] = [];
  try {
    const globalOnly = parseCommandLine(argv, []);
    if (!globalOnly.opts.help) p = globalOnly;
  } catch {
    /* a word, or an option no global one is: the command table says what it is */
  }
  try {
    if (!p) p = parseCommandLine(argv, (commands = await commandTable()));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.command) return refuse(json, e.message, `Try confconsole ${e.command.join(' ')} --help.\n`);
    const area = commands.find((c) => c.path[0] === argv.find((a) => !a.startsWith('-')))?.path[0];
    return refuse(json, e.message, area ? `\n${areaUsage(area, commands)}` : undefined);
  }
  const v = p.opts;
  if (v.help) {
    process.stdout.write(p.command ? commandUsage(p.command) : p.area ? areaUsage(p.area, commands) : usageOf(await profileHere(v), commands));
    return EXIT.ok;
  }
  if (v.version) {
    process.stdout.write(`confconsole ${version}\n`);
    return EXIT.ok;
  }
  // an area alone (`confconsole ntp`): what it offers, as a usage error
  if (p.area && !p.command) return refuse(json, `${p.area}: which command?`, `\n${areaUsage(p.area, commands)}`);
  if (v.profile !== undefined && v.profile !== 'appliance' && v.profile !== 'vsensor') return refuse(json, '--profile must be appliance or vsensor');
  const demo = v.demo === true;
  const root = typeof v.root === 'string' ? v.root : demo ? demoRoot() : process.env.CONFCONSOLE_ROOT || '/';
  const profile = v.profile as Profile | undefined;
  if (!p.command && !(process.stdin.isTTY && process.stdout.isTTY)) {
    process.stderr.write(`confconsole: no terminal: give a command, or run it on a terminal for the console\n\n${usageOf(await profileHere(v), await commandTable())}`);
    return EXIT.usage;
  }
  if (demo) await seedDemo(root, profile ?? 'appliance');
  else if (!existsSync(root)) {
    // A mistyped --root must not grow a new appliance tree on the host.
    return refuse(json, `the appliance root ${root} does not exist (use --demo to create a demo appliance there)`, '');
  }
  const paths = makePaths(root);
  // Never set up as an appliance, and no root chosen (a checkout run as root): no change reaches
  // this host's files; reads say so once.
  const explicitRoot = typeof v.root === 'string' || demo || Boolean(process.env.CONFCONSOLE_ROOT);
  const notAppliance = !explicitRoot && !lexists(paths.settingsIni);
  const notApplianceText = `this machine is not set up as an appliance (no ${paths.settingsIni}): use --demo to try the console on a demo appliance, or --root DIR for an appliance tree`;
  // The scripts are told explicitly when this is a demo, and a demo root carries its marker:
  // no damage to appliance.ini can make them act on the host (sbin/lib/host.sh is_demo).
  const marked = demo || lexists(paths.demoMarker);
  const ctx: Ctx = { paths, runner: makeRunner(paths, marked ? { CONFCONSOLE_DEMO: '1' } : {}) };
  let settings: Settings | undefined;
  try {
    settings = readSettingsSync(paths.settingsIni);
  } catch (e) {
    if (!isProblem(e)) throw e;
    // a damaged file is said once; the console still opens (its first screen says it again, and
    // the areas that do not need the file work); a command that needs the file fails with this
    // same message: not said twice
    if (!p.command || worksWithoutSettings(p.command.path)) process.stderr.write(`confconsole: ${visible(e.message)}\n`);
  }
  if (p.command) {
    const cmd = p.command;
    const trees = { appliance: loadTree('appliance'), vsensor: loadTree('vsensor') };
    const writes = writesOf(cmd, Object.values(trees));
    if (notAppliance && writes) return refuse(json, `${cmd.path.join(' ')}: ${notApplianceText}; nothing was changed`, '', EXIT.fail);
    if (notAppliance) process.stderr.write(`confconsole: ${notApplianceText}\n`);
    // what the console of this appliance would not offer, the command line refuses too
    const here = profile ?? settings?.appliance.profile;
    const belongs = profilesOf(cmd, commands, trees);
    if (here && !belongs.includes(here))
      return refuse(json, `${cmd.path.join(' ')} is for the ${belongs.map((b) => consoleName[b]).join(' or ')}; this is a ${consoleName[here]} (--profile, or [appliance] profile in ${paths.settingsIni})`, '');
    if (writes && !(marked || settings?.appliance.demo) && (process.getuid?.() ?? 0) !== 0)
      return refuse(json, `changes need root rights: run sudo confconsole ${cmd.path.join(' ')} ...`, '', EXIT.fail);
    const out = makeOut(json);
    try {
      if (writes) await sayRecovered(ctx, cmd.path);
      return await p.command.run(ctx, { args: p.args, opts: v }, out);
    } catch (e) {
      // a value refused: the message names the option; said once
      if (e instanceof UsageError) return refuse(json, e.message, '', EXIT.usage, e.field);
      if (isProblem(e)) {
        if (json) process.stdout.write(safeJson({ ok: false, code: EXIT.fail, error: visible(e.message), ...(e.field ? { field: e.field } : {}) }) + '\n');
        process.stderr.write(`confconsole: ${visible(e.message)}\n`);
        return EXIT.fail;
      }
      const log = logInternal(paths, e, `running confconsole ${p.command.path.join(' ')}`);
      process.stderr.write(`confconsole: internal error: ${visible(e instanceof Error ? e.message : String(e))} (details in ${log})\n`);
      return 70;
    }
  }
  if (notAppliance) return refuse(json, notApplianceText, '', EXIT.fail);
  const { runConsole } = await import('./ui/main.js');
  const isDemo = marked || settings?.appliance.demo === true;
  if (isDemo || (process.getuid?.() ?? 0) === 0) await sayRecovered(ctx);
  return runConsole({ paths, ctx, profile: profile ?? settings?.appliance.profile ?? 'appliance', demo: isDemo, demoRoot: isDemo ? root : undefined, firstBoot: true });
}
