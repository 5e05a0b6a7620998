// Networking and Traffic Analysis > 5. Diagnostic Functions (appliance; Network > 5 on the
// vSensor): "various ways to troubleshoot networking issues" (manual ch. 4). Each function is
// sbin/diag.sh: its output streams as it comes, Esc ends its whole process group at once
// (system/runner.ts), and the result stays on screen. Commands: `confconsole diag ...`.
import { z } from 'zod';
import { check, report, str } from '../../commands/output.js';
import type { Command, Out } from '../../commands/types.js';
import type { Ctx, Io, Op, Outcome, Shown, Values } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { Problem } from '../../core/problem.js';
import type { Field, Item, Menu } from '../../menu/types.js';
import { CAPTURE_MAX, PING_MAX, captureFilter, captureIface, diagHost, lookupName, packetCount } from '../../rules/diag.js';
import { EXIT, run, script, type Ran, type Script } from '../../system/runner.js';
import { RowSchema, type Row } from '../callhome/state.js';

const Hop = z.lazy(() => z.object({ hop: z.number(), address: z.string(), ms: z.number().nullable() }));
/** One DNS server's answers: where the server is configured (resolv.conf, systemd-resolved, netplan (IFACE)), the DNS status of each query that got one (A, AAAA), the addresses of both. */
const DnsServer = z.lazy(() => z.object({ server: z.string(), from: z.string(), answered: z.boolean(), status: z.record(z.string(), z.string()), addresses: z.array(z.string()) }));
const Route = z.lazy(() => z.object({ dst: z.string(), gateway: z.string().optional(), dev: z.string().optional(), protocol: z.string().optional(), metric: z.number().optional() }).loose());
const Neighbour = z.lazy(() => z.object({ dst: z.string(), dev: z.string().optional(), lladdr: z.string().optional(), state: z.array(z.string()).optional() }).loose());
const Socket = z.lazy(() => z.object({ proto: z.string(), state: z.string(), local: z.string(), peer: z.string(), process: z.string() }).loose());

/** diag.sh's answers, one shape per verb (exit 5 carries the same shape with ok false). */
export const scripts = {
  ping: script('diag.sh', z.lazy(() => z.object({ host: z.string(), sent: z.number(), received: z.number(), loss: z.number().nullable(), rtt: z.object({ min: z.number(), avg: z.number(), max: z.number() }).nullable() }).loose())),
  traceroute: script('diag.sh', z.lazy(() => z.object({ host: z.string(), tool: z.string(), reached: z.boolean(), hops: z.array(Hop) }).loose())),
  dns: script('diag.sh', z.lazy(() => z.object({ name: z.string(), servers: z.array(DnsServer) }).loose())),
  check: script('diag.sh', z.lazy(() => z.object({ iface: z.string(), rows: z.array(RowSchema) }).loose())),
  routes: script('diag.sh', z.lazy(() => z.object({ routes4: z.array(Route), routes6: z.array(Route), neighbours: z.array(Neighbour) }).loose())),
  sockets: script('diag.sh', z.lazy(() => z.object({ sockets: z.array(Socket), more: z.number() }).loose())),
  capture: script('diag.sh', z.lazy(() => z.object({ iface: z.string(), filter: z.string(), captured: z.number(), timedOut: z.boolean() }).loose())),
};

/** Long enough for the longest run (100 pings, a 30-hop trace, a 60 s capture), then ended. */
const TIMEOUT_MS = 150_000;

/**
 * Runs `diag.sh VERB ARGS`, its lines streamed to `io` as they come → the outcome: `said`
 * on a result (exit 0, or 5 with its data), what was seen until then when the operator
 * stopped it, else the script's own reason. The lines are the details (the result on screen).
 */
async function streamed<T>(ctx: Ctx, spec: Script<T>, args: string[], io: Io, said: (v: T, ok: boolean) => string): Promise<Outcome> {
  const r: Ran<T> = await run(ctx.runner, spec, args, { timeoutMs: TIMEOUT_MS, onLine: io.line, ...(io.signal ? { signal: io.signal } : {}) });
  const lines = r.log.filter((l) => !l.startsWith('diag.sh: '));
  if (!r.ok && r.cancelled) return { ok: true, summary: `Stopped (Esc): the output until then is below.`, details: lines, code: EXIT.ok };
  const v = r.ok ? r.value : r.exitCode === EXIT.testFailed ? spec.result.safeParse(r.json).data : undefined;
  if (v === undefined) return { ...outcomeOf(r, ''), details: lines };
  return { ok: r.ok, summary: said(v, r.ok), details: lines, data: v, code: r.exitCode };
}

/**
 * Each function's result in one sentence. Each begins with a word, never with the host or name
 * the operator typed: the screen capitalises a summary's first letter, which would change it.
 */
export const summaries = {
  ping: (v: z.infer<typeof scripts.ping.result>) =>
    `Ping ${v.host}: ${v.received} of ${v.sent} answered${v.loss !== null ? ` (${v.loss}% lost)` : ''}${v.rtt ? `, round trip ${v.rtt.min}/${v.rtt.avg}/${v.rtt.max} ms (min/avg/max)` : ''}` +
    (v.received === 0 ? ': no answer. Check the address, the gateway (Test the management network) and the firewall.' : '.'),
  traceroute: (v: z.infer<typeof scripts.traceroute.result>) =>
    `Traceroute to ${v.host}: ${v.hops.length} hop${v.hops.length === 1 ? '' : 's'}, ${v.reached ? 'reached' : 'not reached (the last hops that answer show how far packets go)'}.`,
  dns: (v: z.infer<typeof scripts.dns.result>) => {
    const named = (list: typeof v.servers) => list.map((s) => `${s.server} (${s.from})`).join(', ');
    const answered = v.servers.filter((s) => s.answered);
    const silent = v.servers.filter((s) => !s.answered);
    if (answered.length === 0) return `No DNS server answered for ${v.name} (${named(v.servers)}): check their addresses and the firewall (port 53).`;
    const first = answered[0]!;
    return `Name ${v.name}: answered by ${named(answered)}${first.addresses.length ? `; ${first.server} says ${first.addresses.join(', ')}` : ` (${Object.entries(first.status).map(([t, st]) => `${t} ${st}`).join(', ')}: no address)`}` +
      (silent.length ? `; no answer from ${named(silent)}: check its address and the firewall (port 53).` : '.');
  },
  capture: (v: z.infer<typeof scripts.capture.result>) =>
    `${v.captured} packet${v.captured === 1 ? '' : 's'} captured on ${v.iface}${v.filter ? ` matching "${v.filter}"` : ''}${v.timedOut ? ' (the time was up first: at most 60 s)' : ''}.`,
};

const hostField: Field = { name: 'host', label: 'Host name or IP address', short: 'Host', rule: diagHost, help: 'The host to reach: a host name or an IPv4 or IPv6 address.' };

export const diagPing: Op<'run'> = {
  id: 'diag.ping',
  run: (ctx, v, io) => (io.note?.(`Pinging ${v.host ?? ''} (Esc stops it)`), streamed(ctx, scripts.ping, ['ping', v.host ?? '', '--count', v.count ?? '4'], io, summaries.ping)),
};
export const diagTraceroute: Op<'run'> = {
  id: 'diag.traceroute',
  run: (ctx, v, io) => (io.note?.(`Tracing the route to ${v.host ?? ''} (Esc stops it)`), streamed(ctx, scripts.traceroute, ['traceroute', v.host ?? ''], io, summaries.traceroute)),
};
export const diagDns: Op<'run'> = {
  id: 'diag.dns',
  run: (ctx, v, io) => (io.note?.(`Looking up ${v.name ?? ''} (Esc stops it)`), streamed(ctx, scripts.dns, ['dns', v.name ?? ''], io, summaries.dns)),
};
export const diagCapture: Op<'run'> = {
  id: 'diag.capture',
  run: (ctx, v, io) => (io.note?.(`Capturing on ${v.iface ?? ''} (Esc stops it)`), streamed(ctx, scripts.capture, ['capture', v.iface ?? '', '--count', v.count ?? '20', ...(v.filter ? ['--filter', v.filter] : [])], io, summaries.capture)),
};

/** The rows as the screen shows them: PASS/FAIL/SKIP, what was seen, and under a FAIL what to do. */
export function checkLines(rows: Row[]): string[] {
  return rows.flatMap((r) => [
    `${{ ok: 'PASS', fail: 'FAIL', skip: 'SKIP' }[r.status]}  ${r.check}: ${r.detail}`,
    ...(r.status === 'fail' && r.advice ? [`      -> ${r.advice}`] : []),
  ]);
}
export function checkVerdict(rows: Row[]): string {
  const failed = rows.filter((r) => r.status === 'fail');
  if (failed.length) return `The management network has a problem: ${failed.map((r) => r.check).join('; ')}.`;
  const skipped = rows.filter((r) => r.status === 'skip').length;
  return `Every check made passed${skipped ? ` (${skipped} not made: SKIP)` : ''}.`;
}

/** Test the management network: one row a check, streamed while the next runs; exit 5 is a result. */
export const diagCheck: Op<'run'> = {
  id: 'diag.check',
  async run(ctx, _v, io) {
    io.note?.('Testing the management network');
    const o = await streamed(ctx, scripts.check, ['check'], io, (v) => checkVerdict(v.rows));
    const rows = (o.data as z.infer<typeof scripts.check.result> | undefined)?.rows;
    return rows ? { ...o, ok: !rows.some((r) => r.status === 'fail'), details: checkLines(rows) } : o;
  },
};

/** A table's data from diag.sh VERB; a failure is said (a Problem), never shown as an empty table. */
const show = async <T>(ctx: Ctx, spec: Script<T>, verb: string): Promise<T> => {
  const r = await run(ctx.runner, spec, [verb]);
  if (!r.ok) throw new Problem(r.error);
  return r.value;
};

/** Routes (IPv4, IPv6) and neighbours as the rows of one table. */
export function routeRows(v: z.infer<typeof scripts.routes.result>): string[][] {
  const route = (fam: string) => (x: z.infer<typeof Route>) => [fam, x.dst, x.gateway ?? '', x.dev ?? '', [x.protocol, x.metric !== undefined ? `metric ${x.metric}` : ''].filter(Boolean).join(', ')];
  return [
    ...v.routes4.map(route('IPv4 route')),
    ...v.routes6.map(route('IPv6 route')),
    ...v.neighbours.map((n) => [n.dst.includes(':') ? 'IPv6 neighbour' : 'IPv4 neighbour', n.dst, n.lladdr ?? '', n.dev ?? '', (n.state ?? []).join(' ')]),
  ];
}
export const diagRoutes: Op<'show'> = {
  id: 'diag.routes',
  async show(ctx): Promise<Shown> {
    const v = await show(ctx, scripts.routes, 'routes');
    return { kind: 'table', title: 'Routing table and neighbours', columns: ['Kind', 'Destination', 'Gateway / MAC', 'Device', 'Detail'], rows: routeRows(v) };
  },
};

/** Listening sockets first, then connections. */
export function socketRows(v: z.infer<typeof scripts.sockets.result>): string[][] {
  const listening = (s: z.infer<typeof Socket>) => (s.state === 'LISTEN' || (s.proto === 'udp' && s.state === 'UNCONN') ? 0 : 1);
  return [...v.sockets].sort((a, b) => listening(a) - listening(b)).map((s) => [s.proto, s.state, s.local, s.peer, s.process]);
}
/** The sockets as the screen's table; none at all is said in words, not shown as an empty table. */
export function socketsShown(v: z.infer<typeof scripts.sockets.result>): Shown {
  const text = v.sockets.length === 0 ? 'No open connections and no listening ports (ss lists no TCP or UDP socket).' : v.more ? `(${v.more} more not shown)` : undefined;
  return { kind: 'table', title: 'Open connections and listening ports', ...(text ? { text } : {}), columns: ['Proto', 'State', 'Local', 'Peer', 'Process'], rows: socketRows(v) };
}

export const diagSockets: Op<'show'> = {
  id: 'diag.sockets',
  show: async (ctx): Promise<Shown> => socketsShown(await show(ctx, scripts.sockets, 'sockets')),
};

export const diagMenu: Menu = {
  title: 'Diagnostic Functions',
  items: [
    {
      key: '1',
      label: 'Ping a host',
      help: 'Echo requests to a host, each answer as it comes, then the summary (sent, received, round trip). Esc stops it.',
      flow: {
        kind: 'run',
        op: diagPing,
        fields: [hostField, { name: 'count', label: `How many echo requests (1-${PING_MAX})`, short: 'Count', rule: packetCount(PING_MAX), help: `1 to ${PING_MAX}, one a second.` }],
        defaults: { count: '4' },
        progress: 'Ping',
      },
    },
    {
      key: '2',
      label: 'Traceroute to a host',
      help: 'The routers on the way to a host, one line a hop as it answers: where packets stop shows where to look. Esc stops it.',
      flow: { kind: 'run', op: diagTraceroute, fields: [hostField], progress: 'Traceroute' },
    },
    {
      key: '3',
      label: 'Look up a name',
      help: "A and AAAA records of a name through each configured DNS server in turn (those the system uses, and those netplan sets for the management interface), saying which answered and what.",
      flow: {
        kind: 'run',
        op: diagDns,
        fields: [{ name: 'name', label: 'Host name to look up', short: 'Name', rule: lookupName, help: 'A host name, e.g. the Call-Home host or the master.' }],
        progress: 'Looking up a name',
      },
    },
    {
      key: '4',
      label: 'Test the management network',
      help: 'One PASS/FAIL/SKIP row a check, with what to do under each FAIL: link, address, default gateway, each DNS server, the Call-Home host (name and TCP), the master (vSensor), each NTP server.',
      flow: { kind: 'run', op: diagCheck, progress: 'Test the management network' },
    },
    {
      key: '5',
      label: 'Routing table and neighbours',
      help: 'The IPv4 and IPv6 routes (the default route names the gateway) and the neighbours (ARP and NDP) with their MAC and state.',
      flow: { kind: 'view', op: diagRoutes },
    },
    {
      key: '6',
      label: 'Open connections and listening ports',
      help: 'TCP and UDP sockets (ss): the listening ports first, then the connections, with the process of each.',
      flow: { kind: 'view', op: diagSockets },
    },
    {
      key: '7',
      label: 'Capture packets on an interface',
      help: 'Packets on an interface, decoded, one line each (tcpdump), up to a count or 60 s. The optional filter is a tcpdump expression (e.g. "port 443"), checked by tcpdump before the capture.',
      flow: {
        kind: 'run',
        op: diagCapture,
        fields: [
          { name: 'iface', label: 'Interface (e.g. eth0)', short: 'Interface', rule: captureIface, help: 'The interface name, as Configure network interfaces lists them.' },
          { name: 'count', label: `How many packets (1-${CAPTURE_MAX})`, short: 'Count', rule: packetCount(CAPTURE_MAX), help: `1 to ${CAPTURE_MAX}; the capture also ends after 60 s.` },
          { name: 'filter', label: 'Filter (tcpdump expression, empty for all)', short: 'Filter', rule: captureFilter, help: 'A tcpdump expression such as "host 192.0.2.1 and port 22"; empty captures every packet.' },
        ],
        defaults: { count: '20' },
        progress: 'Capture',
      },
    },
  ],
};

/** The menu item, at `key` of a tree's network menu. */
export const diagItem = (key: string): Item => ({
  key,
  label: 'Diagnostic Functions',
  help: 'Various ways to troubleshoot networking issues: ping, traceroute, name lookup, a test of the management network, routes, sockets, packet capture.',
  menu: diagMenu,
});

// ---- commands ---------------------------------------------------------------------------------

/** A streamed verb as a command: its lines on stderr as they come, the summary (or --json) at the end. */
async function says(out: Out, o: Outcome): Promise<number> {
  if (o.data === undefined) return report(out, o);
  out.print(o.data, o.summary);
  return o.code ?? EXIT.ok;
}

const count = (v: string | boolean | undefined, max: number, dflt: string) => check(packetCount(max), str(v) ?? dflt, 'count');

export const commands: Command[] = [
  {
    path: ['diag', 'ping'],
    args: 'HOST',
    nargs: [1, 1],
    options: { count: { type: 'string', value: 'N', help: `echo requests, 1-${PING_MAX} (default 4)` } },
    summary: 'ping a host (exit 5 when nothing answers)',
    covers: [diagPing],
    async run(ctx, { args, opts }, out) {
      const v: Values = { host: check(diagHost, args[0] ?? '', 'host'), count: count(opts.count, PING_MAX, '4') };
      return says(out, await diagPing.run(ctx, v, out.progress));
    },
  },
  {
    path: ['diag', 'traceroute'],
    args: 'HOST',
    nargs: [1, 1],
    summary: 'the hops to a host',
    covers: [diagTraceroute],
    async run(ctx, { args }, out) {
      return says(out, await diagTraceroute.run(ctx, { host: check(diagHost, args[0] ?? '', 'host') }, out.progress));
    },
  },
  {
    path: ['diag', 'dns'],
    args: 'NAME',
    nargs: [1, 1],
    summary: 'A and AAAA of a name through each DNS server the system uses and the management interface\'s netplan sets, saying which answered (exit 5 when none answers)',
    covers: [diagDns],
    async run(ctx, { args }, out) {
      return says(out, await diagDns.run(ctx, { name: check(lookupName, args[0] ?? '', 'name') }, out.progress));
    },
  },
  {
    path: ['diag', 'check'],
    summary: 'test the management network, one PASS/FAIL/SKIP row a check (exit 5 when one fails)',
    covers: [diagCheck],
    async run(ctx, _in, out) {
      // the rows are the output: not streamed as progress too
      const o = await diagCheck.run(ctx, {}, { line: () => {} });
      if (o.data === undefined) return report(out, o);
      out.print(o.data, [...(o.details ?? []), '', o.summary].join('\n'));
      return o.code ?? EXIT.ok;
    },
  },
  {
    path: ['diag', 'routes'],
    summary: 'routing tables (IPv4, IPv6) and neighbours',
    covers: [diagRoutes],
    async run(ctx, _in, out) {
      const r = await run(ctx.runner, scripts.routes, ['routes']);
      if (!r.ok) return report(out, outcomeOf(r, ''));
      const rows = routeRows(r.value);
      out.print(r.value, rows.map((x) => x.filter(Boolean).join('  ')).join('\n'));
      return EXIT.ok;
    },
  },
  {
    path: ['diag', 'sockets'],
    summary: 'open connections and listening ports',
    covers: [diagSockets],
    async run(ctx, _in, out) {
      const r = await run(ctx.runner, scripts.sockets, ['sockets']);
      if (!r.ok) return report(out, outcomeOf(r, ''));
      const shown = socketsShown(r.value);
      out.print(r.value, [...socketRows(r.value).map((x) => x.join('  ')), ...(shown.kind === 'table' && shown.text ? [shown.text] : [])].join('\n'));
      return EXIT.ok;
    },
  },
  {
    path: ['diag', 'capture'],
    args: 'IFACE',
    nargs: [1, 1],
    options: {
      count: { type: 'string', value: 'N', help: `packets, 1-${CAPTURE_MAX} (default 20; at most 60 s)` },
      filter: { type: 'string', value: 'EXPR', help: 'a tcpdump filter expression (one argument)' },
    },
    summary: 'capture packets on an interface, decoded one line each',
    covers: [diagCapture],
    async run(ctx, { args, opts }, out) {
      const v: Values = { iface: check(captureIface, args[0] ?? '', 'iface'), count: count(opts.count, CAPTURE_MAX, '20'), filter: check(captureFilter, str(opts.filter) ?? '', 'filter') };
      return says(out, await diagCapture.run(ctx, v, out.progress));
    },
  },
];
