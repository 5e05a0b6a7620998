// confconsole's command line: global options, the non-interactive commands (each with
// --json and the scripts' exit codes), and, with no command on a terminal, the console.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Ctx } from './actions/types.js';
import { command } from './commands/index.js';
import { out, UsageError, type Global } from './commands/common.js';
import type { Profile } from './menu/load.js';
import { demoRoot, makePaths, type Paths } from './system/paths.js';
import { makeRunner, EXIT } from './system/runner.js';
import { readSettings } from './system/settings.js';
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
  master show                   the vSensor's master connection (secrets shown as label:****)
  master set push-token --host H [--proxy http://P:PORT]
                                Push Token mode; the token (label:secret) is read from stdin
  master set pull               Pull mode; the HMAC token is read from stdin
  master set push --host H      legacy Push mode
  master test [--host H] [--proxy URL]
                                a real HTTPS check of the master (and the stored token)
  ossensor-hmac set             the osSensor HMAC key, read from stdin
  network show                  interfaces: role, link, MAC, addresses (yours marked), pending change
  network set IFACE --dhcp | --static --address A --netmask M [--gateway G]
                [--dns "D1 D2"] [--domain D] | --capture   [--confirm-timeout S]
                                change an interface; it rolls back by itself unless confirmed
  network confirm               keep the change just made
  network rollback              put the previous network settings back now
  callhome show|status|enable|disable|restart|clear-cache|pubkey
                                the Call-Home (support tunnel) settings, its five checks, ...
  callhome set --host H --port 22|443 [--ssl] [--proxy http://H:P|socks5://H:P]
                [--proxy-user U]   (the proxy password is read from stdin)
  callhome set --default        port 443 with SSL wrapping to the default Call-Home host
  callhome partner set --host H --port P | callhome partner disable
  callhome ports HOSTNAME       the partner's forwarded SSH/HTTPS ports for a host name
  pcap show                     whether packet capture is on, and its size
  pcap set GB                   the PCAP buffer size in GB (0 disables capture)

Secrets are read from standard input (a pipe, a file, or typed without echo), never from
arguments: every user can read a process's arguments.

Exit codes:
  0 done   1 failed   2 bad arguments or input (nothing changed)
  3 failed, previous settings restored   4 another console is applying a change
  5 a test found a problem   6 some of several steps failed
`;

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
        host: { type: 'string' },
        proxy: { type: 'string' },
        // network set
        dhcp: { type: 'boolean' },
        static: { type: 'boolean' },
        capture: { type: 'boolean' },
        address: { type: 'string' },
        netmask: { type: 'string' },
        gateway: { type: 'string' },
        dns: { type: 'string' },
        domain: { type: 'string' },
        'confirm-timeout': { type: 'string' },
        'allow-offsubnet-gateway': { type: 'boolean' },
        // callhome set / partner set
        port: { type: 'string' },
        ssl: { type: 'boolean' },
        'proxy-user': { type: 'string' },
        default: { type: 'boolean' },
      },
    });
  } catch (e) {
    // --json asked for JSON: a refusal is JSON too, so a script reading stdout gets a reason
    if (argv.includes('--json')) process.stdout.write(JSON.stringify({ ok: false, code: EXIT.usage, error: (e as Error).message }) + '\n');
    process.stderr.write(`confconsole: ${(e as Error).message}\nTry confconsole --help.\n`);
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
  const net: string[] = [];
  for (const flag of ['dhcp', 'static', 'capture', 'allow-offsubnet-gateway'] as const) if (v[flag]) net.push(`--${flag}`);
  for (const opt of ['address', 'netmask', 'gateway', 'dns', 'domain', 'confirm-timeout'] as const) if (v[opt] !== undefined) net.push(`--${opt}`, v[opt]);
  // callhome set / partner set: passed on to the scripts, which check them
  const ch: string[] = [];
  if (v.host !== undefined) ch.push('--host', v.host);
  if (v.port !== undefined) ch.push('--port', v.port);
  if (v.ssl) ch.push('--ssl');
  if (v.proxy !== undefined) ch.push('--proxy', v.proxy);
  if (v['proxy-user'] !== undefined) ch.push('--proxy-user', v['proxy-user']);
  if (v.default) ch.push('--default');
  const g: Global = { root, demo, json: v.json === true, host: v.host, proxy: v.proxy, net, ch, ...(v.profile ? { profile: v.profile as Profile } : {}) };
  const words = parsed.positionals;
  const interactive = words.length === 0;
  if (interactive && !(process.stdin.isTTY && process.stdout.isTTY)) {
    process.stderr.write(`confconsole: no terminal: give a command, or run it on a terminal for the console\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (demo) await seedDemo(root, g.profile ?? 'appliance');
  else if (!existsSync(root)) {
    // A mistyped --root must not grow a new appliance tree on the host.
    process.stderr.write(`confconsole: the appliance root ${root} does not exist (use --demo to create a demo appliance there)\n`);
    return EXIT.usage;
  }
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
