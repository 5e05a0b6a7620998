// confconsole's command line: global options, the non-interactive commands (each with
// --json and the scripts' exit codes), and, with no command on a terminal, the console.
import { parseArgs } from 'node:util';
import { operations } from './actions/index.js';
import { currentNtpServers } from './actions/ntp.js';
import type { Ctx } from './actions/types.js';
import type { Outcome, Shown } from './flow/types.js';
import type { Profile } from './menu/load.js';
import { demoRoot, makePaths, type Paths } from './system/paths.js';
import { makeRunner, EXIT } from './system/runner.js';
import { readSettings } from './system/settings.js';
import { ntpServers } from './validators.js';
import { version } from './version.js';
import { seedDemo } from './demo.js';

export const USAGE = `Usage: confconsole [OPTIONS] [COMMAND ...]

The configuration console of the vSensor and master/probe appliance. With no command, on a
terminal, it opens the console; every console change can also be made with a command.

Options:
  --root DIR                    appliance root (default: $CONFCONSOLE_ROOT or /)
  --demo                        use the demo appliance (seeded when empty; without --root
                                it lives in ~/.local/state/confconsole/demo-root)
  --profile appliance|vsensor   which console (default: from the appliance settings)
  --json                        commands print one JSON object on stdout
  -h, --help                    this help
  -V, --version                 the version

Commands:
  ntp show                      the NTP servers
  ntp set SERVER...             set the NTP servers (host name, IPv4, IPv6, HOST:PORT,
                                [IPv6]:PORT; separated by spaces) and restart chrony
  ntp test SERVER...            ask each server for the time (nothing is changed)
  services restart              restart all appliance services

Exit codes:
  0 done   1 failed   2 bad arguments or input (nothing changed)
  3 failed, previous settings restored   4 another console is applying a change
  5 a test found a problem   6 some of several steps failed
`;

interface Global {
  root: string;
  demo: boolean;
  profile?: Profile;
  json: boolean;
}

class UsageError extends Error {}

function out(g: Global, json: unknown, human: string): void {
  process.stdout.write(g.json ? JSON.stringify(json) + '\n' : human.endsWith('\n') ? human : human + '\n');
}

function shownText(s: Shown): string {
  if (s.kind === 'text') return s.text;
  if (s.kind === 'table') return s.rows.map((r) => r.join('  ')).join('\n');
  return s.path;
}

function report(g: Global, o: Outcome, code: number): number {
  const base = typeof o.data === 'object' && o.data !== null ? (o.data as Record<string, unknown>) : {};
  out(g, { ...base, ok: o.ok, summary: o.summary }, o.ok ? o.summary : `confconsole: ${o.summary}`);
  return code;
}

/** Exit code of an outcome: the script's own. */
const codeOf = (o: Outcome): number => o.code ?? (o.ok ? EXIT.ok : EXIT.fail);

async function command(g: Global, ctx: Ctx, words: string[]): Promise<number> {
  const [area, verb, ...rest] = words;
  const progress = { line: (t: string) => (g.json ? undefined : process.stderr.write(t + '\n')) };
  const key = `${area ?? ''} ${verb ?? ''}`;
  switch (key) {
    case 'ntp show': {
      if (rest.length) throw new UsageError('ntp show takes no arguments');
      const servers = await currentNtpServers(ctx.paths);
      out(g, { servers }, servers.length ? servers.join('\n') : '(no NTP servers set)');
      return EXIT.ok;
    }
    case 'ntp set':
    case 'ntp test': {
      const r = ntpServers(rest.join(' '));
      if (!r.ok) throw new UsageError(r.message);
      const values = { servers: r.value.join(' ') };
      const op = operations['ntp.set']!;
      const o = verb === 'set' ? await op.apply!(ctx, values, progress) : await op.test!(ctx, values, progress);
      return report(g, o, codeOf(o));
    }
    case 'services restart': {
      if (rest.length) throw new UsageError('services restart takes no arguments');
      const o = await operations['services.restart']!.apply!(ctx, {}, progress);
      return report(g, o, codeOf(o));
    }
    default:
      throw new UsageError(`unknown command: ${words.join(' ')}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        root: { type: 'string' },
        demo: { type: 'boolean' },
        profile: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (e) {
    process.stderr.write(`confconsole: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (v.version) {
    process.stdout.write(`confconsole ${version}\n`);
    return EXIT.ok;
  }
  if (v.profile !== undefined && v.profile !== 'appliance' && v.profile !== 'vsensor') {
    process.stderr.write(`confconsole: --profile must be appliance or vsensor\n`);
    return EXIT.usage;
  }
  const demo = v.demo === true;
  const root = v.root ?? (demo ? demoRoot() : process.env.CONFCONSOLE_ROOT || '/');
  const g: Global = { root, demo, json: v.json === true, ...(v.profile ? { profile: v.profile as Profile } : {}) };
  const words = parsed.positionals;
  const interactive = words.length === 0;
  if (interactive && !(process.stdin.isTTY && process.stdout.isTTY)) {
    process.stderr.write(`confconsole: no terminal: give a command, or run it on a terminal for the console\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (demo) await seedDemo(root, g.profile ?? 'appliance');
  const paths: Paths = makePaths(root);
  const ctx: Ctx = { paths, runner: makeRunner(paths) };
  if (!interactive) {
    try {
      return await command(g, ctx, words);
    } catch (e) {
      if (e instanceof UsageError) {
        if (g.json) out(g, { ok: false, code: EXIT.usage, error: e.message }, '');
        process.stderr.write(`confconsole: ${e.message}\n`);
        if (!g.json) process.stderr.write(`Try confconsole --help.\n`);
        return EXIT.usage;
      }
      throw e;
    }
  }
  const settings = await readSettings(paths.settingsIni);
  const { runConsole } = await import('./ui/main.js');
  return runConsole({ paths, ctx, profile: g.profile ?? settings.appliance.profile, demo: demo || settings.appliance.demo, demoRoot: demo || settings.appliance.demo ? root : undefined });
}
