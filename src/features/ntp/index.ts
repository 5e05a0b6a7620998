// NTP settings (manual ch. 4 "Configure NTP settings"; the vSensor's Network > NTP Settings):
// view the servers, change them with a real test first. One subtree for both consoles.
import { z } from 'zod';
import type { Ctx, Op } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { Problem } from '../../core/problem.js';
import { report, UsageError } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import type { Menu } from '../../menu/types.js';
import { ntpServers, ntpServersField } from '../../rules/ntp.js';
import { EXIT, run, script } from '../../system/runner.js';

const setNtp = script('set_ntp.sh', z.lazy(() => z.object({ changed: z.boolean().optional(), servers: z.array(z.string()) })));
const testNtp = script('test_ntp.sh', z.lazy(() => z.object({ results: z.array(z.object({ server: z.string(), ok: z.boolean() }).loose()) })));

/** A source as the running chronyd has it (chronyc sources). */
const Live = z.lazy(() => z.object({ mode: z.string(), state: z.string(), name: z.string(), address: z.string(), stratum: z.number(), reach: z.string() }));
/** A time source: a line of chrony.conf or of a file it reads, or one only the daemon has. */
const Source = z.lazy(() => z.object({
  name: z.string(),
  kind: z.string(),
  /** ours: a server/pool line `ntp set` manages; line: another line of chrony.conf (peer, refclock); dhcp: sourcedir /run/chrony-dhcp; file: include/confdir/sourcedir; daemon: no file names it */
  origin: z.enum(['ours', 'line', 'dhcp', 'file', 'daemon']),
  file: z.string(),
  line: z.number(),
  text: z.string(),
  options: z.string(),
  daemon: z.array(Live),
}));
export type NtpSource = z.infer<typeof Source>;
const NtpState = z.lazy(() => z.object({
  servers: z.array(z.string()),
  sources: z.array(Source),
  daemon: z.object({ running: z.boolean(), asked: z.boolean(), error: z.string().optional() }),
  problems: z.array(z.string()),
}));
export type NtpState = z.infer<typeof NtpState>;
const showNtp = script('show_ntp.sh', NtpState);

/** The time sources: chrony.conf, the files it reads and the running daemon (show_ntp.sh). */
export async function ntpState(ctx: Ctx): Promise<NtpState> {
  const r = await run(ctx.runner, showNtp, []);
  if (!r.ok) throw new Problem(`Cannot read the NTP settings: ${r.error}`);
  return r.value;
}

/** The NTP servers `ntp set` manages: the server and pool lines of chrony.conf, what chrony uses. */
export async function currentNtpServers(ctx: Ctx): Promise<string[]> {
  return (await ntpState(ctx)).servers;
}

const ORIGIN: Record<NtpSource['origin'], string> = {
  ours: 'set here',
  line: 'chrony.conf',
  dhcp: 'DHCP',
  file: 'file',
  daemon: 'daemon only',
};

/**
 * Where a source comes from, as one short cell: its origin and where it is written (a file of
 * /etc/chrony without that prefix, a DHCP lease file by its name; the JSON has the full path).
 */
export function originText(s: NtpSource): string {
  if (s.origin === 'ours' || s.origin === 'daemon') return ORIGIN[s.origin];
  if (s.origin === 'line') return `chrony.conf line ${s.line}`;
  const file = s.origin === 'dhcp' ? s.file.slice(s.file.lastIndexOf('/') + 1) : s.file.replace(/^\/etc\/chrony\//, '');
  return `${ORIGIN[s.origin]} ${file}:${s.line}`;
}

/** What the daemon does with a source: "selected, reach 377"; for a pool, each server it took. */
export function daemonText(s: NtpSource, st: NtpState): string {
  if (!st.daemon.running) return '-';
  if (s.daemon.length === 0) return 'not used';
  // a name (a pool's, a server's) is said with the address it gave; an address, once
  return s.daemon.map((d) => (s.kind === 'pool' || d.address !== d.name ? `${d.address} ${d.state}` : `${d.state}, reach ${d.reach}`)).join('; ');
}

/** The view's table and the line above it (the daemon's state, files that could not be read). */
export function ntpView(st: NtpState): { text: string; rows: string[][] } {
  const head = st.daemon.running
    ? 'chronyd is running: the last column is what it does with each source.'
    : `${st.daemon.asked ? 'chronyd' : 'chronyd was not asked'}: ${st.daemon.error ?? 'no reason given'}.`;
  const others = st.sources.filter((s) => s.origin !== 'ours').length;
  const text = [
    st.servers.length ? `${st.servers.length} NTP server(s) set here${others ? `, and ${others} other source(s) chrony also uses` : ''}.` : 'No NTP servers are set here.',
    head,
    ...st.problems,
  ].join('\n');
  const rows = st.sources.map((s, i) => [String(i + 1), s.name, s.kind, originText(s), daemonText(s, st)]);
  return { text, rows };
}

const list = (v: string): string[] => {
  const r = ntpServers(v);
  if (!r.ok) throw new Problem(r.message, 'servers');
  return r.value;
};

export const ntpShow: Op<'show'> = {
  id: 'ntp.show',
  async show(ctx) {
    const st = await ntpState(ctx);
    const v = ntpView(st);
    if (st.sources.length === 0) return { kind: 'text', title: 'Current NTP servers', text: v.text };
    return { kind: 'table', title: 'Current NTP servers', text: v.text, columns: ['#', 'Source', 'Kind', 'Origin', 'Daemon'], rows: v.rows };
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
    return outcomeOf(await run(ctx.runner, setNtp, servers, { onLine: io.line, survive: true }), (v) =>
      v.changed === false ? `Nothing changed: the NTP servers are already ${servers.join(' ')} (chrony was not restarted)` : `NTP servers set: ${servers.join(' ')}`,
    );
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
        help: 'Sets the NTP servers. Give host names or IP addresses separated by spaces; HOST:PORT or [IPv6]:PORT for a port other than 123; pool:NAME for a pool (one name for many servers). A server already in chrony.conf keeps its line and options; other sources (DHCP, other files) are kept and listed by View.',
        flow: {
          kind: 'form',
          op: ntpSet,
          confirm: 'Do you want to change the NTP servers?',
          fields: [{ name: 'servers', label: 'NTP servers (separated by spaces)', short: 'NTP servers', rule: ntpServersField, help: 'Host names, IPv4 or IPv6 addresses, separated by spaces; pool:NAME for a pool; at most 8.' }],
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
    summary: 'the NTP servers set here and every other time source chrony has (origin, daemon state)',
    covers: [ntpShow],
    async run(ctx, _in, out) {
      const st = await ntpState(ctx);
      const v = ntpView(st);
      const cols = ['Source', 'Kind', 'Origin', 'Daemon'];
      const cells = [cols, ...v.rows.map((r) => r.slice(1))];
      const width = cols.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
      const human = [v.text, '', ...cells.map((r) => r.map((c, i) => (i < cols.length - 1 ? c.padEnd(width[i]!) : c)).join('  '))].join('\n');
      out.print(st, human);
      return EXIT.ok;
    },
  },
  {
    path: ['ntp', 'set'],
    args: 'SERVER...',
    nargs: [1, Infinity],
    summary: 'set the NTP servers (host name, IPv4, IPv6, HOST:PORT, [IPv6]:PORT, pool:NAME) and restart chrony',
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
