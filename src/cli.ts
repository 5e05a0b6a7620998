// confconsole's command line: global options, the non-interactive commands (each with
// --json and the scripts' exit codes), and, with no command on a terminal, the console.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { operations } from './actions/index.js';
import { currentNtpServers } from './actions/ntp.js';
import type { Ctx } from './actions/types.js';
import type { Outcome, Shown } from './flow/types.js';
import type { Profile } from './menu/load.js';
import { demoRoot, makePaths, type Paths } from './system/paths.js';
import { makeRunner, EXIT } from './system/runner.js';
import { readSettings } from './system/settings.js';
import { ntpServers, validators } from './validators.js';
import { describeMaster, masterState } from './actions/master.js';
import { describePcap, pcapSize } from './actions/pcap.js';
import { outcomeOf } from './actions/types.js';
import { table } from './ui/text.js';
import { describeCallhome, statusText, type CallhomeState } from './actions/callhome.js';
import { checkStatic, dnsServers, ipv4, netmask, optionalIpv4, searchDomains } from './net.js';
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
  callhome partner set --host H --port P
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

interface Global {
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

class UsageError extends Error {}

function out(g: Global, json: unknown, human: string): void {
  process.stdout.write(g.json ? JSON.stringify(json) + '\n' : human.endsWith('\n') ? human : human + '\n');
}

function shownText(s: Shown): string {
  if (s.kind === 'text') return s.text;
  if (s.kind === 'table') return s.rows.map((r) => r.join('  ')).join('\n');
  return s.path;
}

function report(g: Global, o: Outcome, code: number = codeOf(o)): number {
  const base = typeof o.data === 'object' && o.data !== null ? (o.data as Record<string, unknown>) : {};
  out(g, { ...base, ok: o.ok, summary: o.summary }, o.ok ? o.summary : `confconsole: ${o.summary}`);
  return code;
}

/** A field's validator on a command-line value: the normalised value, or a usage error naming it. */
function check(validator: string, value: string, what: string): string {
  const r = validators[validator]!(value);
  if (!r.ok) throw new UsageError(`${what}: ${r.message}`);
  if (r.warning) process.stderr.write(`warning: ${what}: ${r.warning}\n`);
  return r.value;
}

function need(v: string | undefined, opt: string, cmd: string): string {
  if (v === undefined || v === '') throw new UsageError(`${cmd} needs ${opt}`);
  return v;
}

/**
 * A secret from standard input (never from the command line, where every user can see it):
 * the first line of a pipe or file, or typed on a terminal without echo.
 */
async function readSecret(what: string): Promise<string> {
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

/**
 * The static settings checked here first, so each message names its option; the script
 * checks them again with what only it knows (the other interfaces, the live links).
 */
function checkNetworkArgs(args: string[]): void {
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i < 0 ? undefined : args[i + 1];
  };
  const modes = ['--dhcp', '--static', '--capture'].filter((m) => args.includes(m));
  if (modes.length !== 1) throw new UsageError('give exactly one of --dhcp, --static, --capture');
  const staticOpts = ['address', 'netmask', 'gateway', 'dns', 'domain'].filter((o) => opt(o) !== undefined);
  if (modes[0] !== '--static') {
    if (staticOpts.length) throw new UsageError(`--${staticOpts[0]} goes with --static`);
    return;
  }
  const field = (name: string, fn: (s: string) => { ok: true; value: string } | { ok: false; message: string }, required: boolean) => {
    const v = opt(name);
    if (v === undefined) {
      if (required) throw new UsageError(`--static needs --${name}`);
      return '';
    }
    const r = fn(v);
    if (!r.ok) throw new UsageError(`--${name}: ${r.message}`);
    return r.value;
  };
  const address = field('address', ipv4, true);
  const prefix = Number(field('netmask', netmask, true));
  const gateway = field('gateway', optionalIpv4, false);
  field('dns', dnsServers, false);
  field('domain', searchDomains, false);
  const errors = checkStatic({ address, prefix, ...(gateway ? { gateway } : {}) });
  if (errors.gateway && args.includes('--allow-offsubnet-gateway') && /outside/.test(errors.gateway)) delete errors.gateway;
  const [first] = Object.entries(errors);
  if (first) throw new UsageError(`--${first[0]}: ${first[1]}${first[0] === 'gateway' && /outside/.test(first[1]) ? ' (--allow-offsubnet-gateway if that is really meant)' : ''}`);
}

/** `network show` for people: one row per interface, the operator's own marked. */
function networkTable(res: Record<string, unknown>): string {
  const list = Array.isArray(res.interfaces) ? (res.interfaces as Record<string, unknown>[]) : [];
  const mine = (process.env.SSH_CONNECTION ?? '').split(' ')[2];
  const rows = list.map((i) => {
    const addrs = Array.isArray(i.addresses) ? (i.addresses as string[]) : [];
    const here = mine && addrs.some((a) => a.split('/')[0] === mine) ? '  <- your connection' : '';
    return [String(i.name ?? ''), String(i.role ?? ''), String(i.mode ?? ''), String(i.state ?? ''), String(i.mac ?? ''), addrs.join(' ') + here];
  });
  const lines = table(['Interface', 'Role', 'Mode', 'Link', 'MAC', 'Addresses'], rows, 200);
  const p = res.pending as { iface?: string; deadline?: number } | null | undefined;
  if (p?.deadline) lines.push('', `A change of ${p.iface} waits for confirmation: it rolls back in ${Math.max(0, Math.round(p.deadline - Date.now() / 1000))} s unless "confconsole network confirm" is run.`);
  return lines.join('\n');
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
    case 'master show': {
      if (rest.length) throw new UsageError('master show takes no arguments');
      const m = masterState(await readSettings(ctx.paths.settingsIni));
      const token = m.mode === 'push-token' ? `${m.tokenLabel}:****` : m.mode === 'pull' ? '****' : '';
      out(g, { mode: m.mode || null, host: m.host || null, proxy: m.proxy || null, token: token || null }, describeMaster(m));
      return EXIT.ok;
    }
    case 'master set': {
      const [mode, ...more] = rest;
      if (more.length) throw new UsageError(`unexpected: ${more.join(' ')}`);
      if (mode === 'push-token') {
        const host = need(g.host, '--host', 'master set push-token');
        const values = { host: check('master-host', host, '--host'), proxy: check('proxy', g.proxy ?? '', '--proxy'), token: '' };
        values.token = check('push-token', await readSecret('push token (label:secret)'), 'push token');
        return report(g, await operations['master.push-token']!.apply!(ctx, values, progress));
      }
      if (g.proxy !== undefined) throw new UsageError('--proxy goes with master set push-token');
      if (mode === 'pull') {
        if (g.host !== undefined) throw new UsageError('--host does not go with pull mode (the master connects to the vSensor)');
        const token = check('hmac', await readSecret('pull-mode HMAC token'), 'HMAC token');
        return report(g, await operations['master.pull']!.apply!(ctx, { token }, progress));
      }
      if (mode === 'push') {
        const host = check('master-host', need(g.host, '--host', 'master set push'), '--host');
        return report(g, await operations['master.push']!.apply!(ctx, { host }, progress));
      }
      throw new UsageError('master set takes push-token, pull or push');
    }
    case 'master test': {
      if (rest.length) throw new UsageError('master test takes no arguments (--host, --proxy)');
      const m = masterState(await readSettings(ctx.paths.settingsIni));
      if (!(g.host ?? m.host)) throw new UsageError('no master host is set (Pull mode, or none): give --host');
      const host = check('master-host', g.host ?? m.host, '--host');
      const proxy = check('proxy', g.proxy ?? (g.host === undefined ? m.proxy : ''), '--proxy');
      const stored = m.mode === 'push-token' && g.host === undefined;
      const r = await ctx.runner.script('test_master.sh', [...(stored ? ['--stored'] : []), host, ...(proxy ? [proxy] : [])], { onLine: progress.line });
      const o = outcomeOf(r, typeof r.result.message === 'string' ? r.result.message : 'connected');
      return report(g, r.exitCode === EXIT.testFailed ? { ...o, summary: String(r.result.message ?? o.summary) } : o, codeOf(o));
    }
    case 'ossensor-hmac set': {
      if (rest.length) throw new UsageError('ossensor-hmac set takes no arguments: the key is read from standard input');
      const key = check('hmac', await readSecret('osSensor HMAC key'), 'osSensor HMAC key');
      return report(g, await operations['ossensor.set']!.apply!(ctx, { key }, progress));
    }
    case 'network show': {
      if (rest.length) throw new UsageError('network show takes no arguments');
      const r = await ctx.runner.script('show_network.sh', []);
      if (r.exitCode !== 0) return report(g, outcomeOf(r, ''));
      out(g, r.result, networkTable(r.result));
      return EXIT.ok;
    }
    case 'network set': {
      const [iface, ...more] = rest;
      if (!iface || more.length) throw new UsageError('usage: confconsole network set IFACE --dhcp | --static --address A --netmask M [--gateway G] [--dns "D1 D2"] [--domain D] | --capture [--confirm-timeout S]');
      checkNetworkArgs(g.net);
      const r = await ctx.runner.script('set_network.sh', [iface, ...g.net], { onLine: progress.line, survive: true });
      const p = r.result.pending as { timeout?: number } | undefined;
      const addr = typeof r.result.address === 'string' && r.result.address ? r.result.address.split('/')[0] : 'the appliance';
      return report(g, outcomeOf(r, `Applied. Reconnect to ${addr} and run "confconsole network confirm" within ${p?.timeout ?? '?'} s, or the previous settings return by themselves.`));
    }
    case 'network confirm':
    case 'network rollback': {
      if (rest.length) throw new UsageError(`network ${verb} takes no arguments`);
      const r = await ctx.runner.script(verb === 'confirm' ? 'net_confirm.sh' : 'net_rollback.sh', verb === 'confirm' ? [] : ['--reason', 'rolled back by the operator'], { onLine: progress.line, survive: true });
      return report(g, outcomeOf(r, verb === 'confirm' ? 'The network settings are confirmed.' : r.result.rolled_back ? 'The previous network settings are back.' : 'No network change was waiting: nothing to roll back.'));
    }
    case 'callhome show':
    case 'callhome status':
    case 'callhome enable':
    case 'callhome disable':
    case 'callhome restart':
    case 'callhome clear-cache':
    case 'callhome pubkey': {
      if (rest.length) throw new UsageError(`callhome ${verb} takes no arguments`);
      const r = await ctx.runner.script('callhome.sh', [verb ?? ''], { onLine: progress.line, ...(verb === 'status' || verb === 'show' || verb === 'pubkey' ? {} : { survive: true }) });
      if (verb === 'show' && r.exitCode === 0) {
        out(g, r.result, describeCallhome(r.result as unknown as CallhomeState));
        return EXIT.ok;
      }
      if (verb === 'pubkey' && r.exitCode === 0) {
        out(g, r.result, String(r.result.pubkey));
        return EXIT.ok;
      }
      if (verb === 'status' && Array.isArray(r.result.rows)) {
        const enabled = (r.result.rows as { check: string; ok: boolean }[]).find((x) => /Config Enabled/.test(x.check))?.ok === true;
        out(g, r.result, statusText(enabled, r.result.rows as Parameters<typeof statusText>[1]));
        return r.exitCode;
      }
      const said: Record<string, string> = {
        enable: r.result.restarted ? 'Call-Home was already enabled: the connection was restarted.' : 'Call-Home is enabled.',
        disable: 'Call-Home is disabled.',
        restart: 'The Call-Home connection was restarted.',
        'clear-cache': r.result.cleared ? 'The Call-Home cache (known hosts) is cleared.' : 'The Call-Home cache was already empty.',
      };
      return report(g, outcomeOf(r, said[verb ?? ''] ?? 'Done.'));
    }
    case 'callhome set': {
      if (rest.length) throw new UsageError('usage: confconsole callhome set --host H --port 22|443 [--ssl] [--proxy http://H:P|socks5://H:P] [--proxy-user U < password]');
      const withUser = g.ch.includes('--proxy-user');
      const stdin = withUser ? (await readSecret('proxy password')) + '\n' : undefined;
      const r = await ctx.runner.script('set_callhome.sh', g.ch, { ...(stdin !== undefined ? { stdin } : {}), onLine: progress.line, survive: true });
      return report(g, outcomeOf(r, 'Call-Home settings saved.'));
    }
    case 'callhome partner': {
      const [sub, ...more] = rest;
      if (sub !== 'set' || more.length) throw new UsageError('usage: confconsole callhome partner set --host H --port P');
      const r = await ctx.runner.script('set_partner.sh', g.ch, { onLine: progress.line, survive: true });
      return report(g, outcomeOf(r, 'Partner connection set.'));
    }
    case 'callhome ports': {
      if (rest.length !== 1) throw new UsageError('usage: confconsole callhome ports HOSTNAME');
      const r = await ctx.runner.script('callhome.sh', ['ports', rest[0] ?? '']);
      if (r.exitCode !== 0) return report(g, outcomeOf(r, ''));
      out(g, r.result, `SSH ${String(r.result.ssh)}, HTTPS ${String(r.result.https)}`);
      return EXIT.ok;
    }
    case 'pcap show': {
      if (rest.length) throw new UsageError('pcap show takes no arguments');
      const gb = pcapSize(await readSettings(ctx.paths.settingsIni));
      out(g, { enabled: gb > 0, size_gb: gb }, describePcap(gb));
      return EXIT.ok;
    }
    case 'pcap set': {
      if (rest.length !== 1) throw new UsageError('usage: confconsole pcap set GB   (0 disables packet capture)');
      const gb = check('pcap-gb', rest[0] ?? '', 'GB');
      const o = await operations['pcap.set']!.apply!(ctx, { gb }, progress);
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
