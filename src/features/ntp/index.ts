// NTP settings (manual ch. 4 "Configure NTP settings"; the vSensor's Network > NTP Settings):
// view the servers, change them with a real test first. One subtree for both consoles.
import { z } from 'zod';
import type { Ctx, Op } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { Problem } from '../../core/problem.js';
import { report, UsageError } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Menu } from '../../menu/types.js';
import { formatEndpoint } from '../../rules/address.js';
import { ntpServers, ntpServersField } from '../../rules/ntp.js';
import { readTextIfExists } from '../../system/files.js';
import { EXIT, run, script } from '../../system/runner.js';
import { readSettings } from '../../system/settings.js';

const setNtp = script('set_ntp.sh', z.object({ servers: z.array(z.string()) }));
const testNtp = script('test_ntp.sh', z.object({ results: z.array(z.object({ server: z.string(), ok: z.boolean() }).loose()) }));

/** `server`/`pool` lines of a chrony.conf (chrony.conf(5)), in the console's notation. */
export function chronyServers(conf: string): string[] {
  const out: string[] = [];
  for (const line of conf.split('\n')) {
    const m = /^\s*(?:server|pool)\s+(\S+)(.*)$/.exec(line);
    if (!m) continue;
    const port = /\bport\s+(\d+)/.exec(m[2] ?? '');
    out.push(formatEndpoint(port ? { host: m[1] ?? '', port: Number(port[1]) } : { host: m[1] ?? '' }));
  }
  return out;
}

/**
 * The NTP servers: the appliance settings once confconsole has set them; before that (a fresh
 * appliance) what chrony is configured with, so the first view is not empty.
 */
export async function currentNtpServers(ctx: Ctx): Promise<string[]> {
  const s = await readSettings(ctx.paths.settingsIni);
  if (s.ntp.servers.length > 0) return s.ntp.servers;
  return chronyServers((await readTextIfExists(ctx.paths.chronyConf)) ?? '');
}

const list = (v: string): string[] => {
  const r = ntpServers(v);
  if (!r.ok) throw new Problem(r.message, 'servers');
  return r.value;
};

export const ntpShow: Op<'show'> = {
  id: 'ntp.show',
  async show(ctx) {
    const servers = await currentNtpServers(ctx);
    if (servers.length === 0) return { kind: 'text', title: 'Current NTP servers', text: 'No NTP servers are set.' };
    return { kind: 'table', title: 'Current NTP servers', columns: ['#', 'NTP server'], rows: servers.map((x, i) => [String(i + 1), x]) };
  },
};

export const ntpSet: Op<'read' | 'test' | 'apply'> = {
  id: 'ntp.set',
  async read(ctx) {
    return { servers: (await currentNtpServers(ctx)).join(' ') };
  },
  async test(ctx, values, io) {
    const servers = list(values.servers ?? '');
    const r = await run(ctx.runner, testNtp, servers, { onLine: io.line, ...(io.signal ? { signal: io.signal } : {}) });
    const o = outcomeOf(r, `All ${servers.length} NTP server(s) answered`);
    if (r.ok || r.exitCode !== EXIT.testFailed) return o;
    // exit 5 carries the per-server results: say how many answered
    const res = testNtp.result.safeParse(r.json);
    const good = res.success ? res.data.results.filter((x) => x.ok).length : 0;
    return { ...o, summary: `${good} of ${servers.length} NTP server(s) answered` };
  },
  async apply(ctx, values, io) {
    const servers = list(values.servers ?? '');
    return outcomeOf(await run(ctx.runner, setNtp, servers, { onLine: io.line, survive: true }), `NTP servers set: ${servers.join(' ')}`);
  },
};

/**
 * The NTP Settings submenu, as the manual numbers it (1 View, 2 Change); `device` names the
 * machine in the texts ("appliance", "vSensor").
 */
export function ntpMenu(device: string): Menu {
  return {
    title: 'NTP Settings',
    items: [
      { key: '1', label: 'View NTP servers', help: `Lists the NTP servers the ${device} uses.`, flow: { kind: 'view', op: ntpShow } },
      {
        key: '2',
        label: 'Change NTP servers',
        help: 'Sets the NTP servers. Give host names or IP addresses separated by spaces; HOST:PORT or [IPv6]:PORT for a port other than 123.',
        flow: {
          kind: 'form',
          op: ntpSet,
          confirm: 'Do you want to change the NTP servers?',
          fields: [{ name: 'servers', label: 'NTP servers (separated by spaces)', short: 'NTP servers', rule: ntpServersField, help: 'Host names, IPv4 or IPv6 addresses, separated by spaces; at most 8.' }],
          test: `Do you want to test that the ${device} can reach these NTP servers?`,
          progress: 'Setting the NTP servers',
          done: 'Done: the NTP servers are set.',
        },
      },
    ],
  };
}

const serversOf = (args: string[]) => {
  const r = ntpServers(args.join(' '));
  if (!r.ok) throw new UsageError(r.message);
  return { servers: r.value.join(' ') };
};

export const commands: Command[] = [
  {
    path: ['ntp', 'show'],
    summary: 'the NTP servers',
    covers: [ntpShow],
    async run(ctx, _in, out) {
      const servers = await currentNtpServers(ctx);
      out.print({ servers }, servers.length ? servers.join('\n') : '(no NTP servers set)');
      return EXIT.ok;
    },
  },
  {
    path: ['ntp', 'set'],
    args: 'SERVER...',
    nargs: [1, Infinity],
    summary: 'set the NTP servers (host name, IPv4, IPv6, HOST:PORT, [IPv6]:PORT) and restart chrony',
    covers: [ntpSet],
    async run(ctx, input, out) {
      return report(out, await ntpSet.apply(ctx, serversOf(input.args), out.progress));
    },
  },
  {
    path: ['ntp', 'test'],
    args: 'SERVER...',
    nargs: [1, Infinity],
    summary: 'ask each server for the time (nothing is changed)',
    covers: [ntpSet],
    writes: false, // the form's test, not its apply
    async run(ctx, input, out) {
      return report(out, await ntpSet.test(ctx, serversOf(input.args), out.progress));
    },
  },
];
