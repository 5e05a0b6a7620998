// Appliance Admin > Topology settings (manual ch. 10 "Converting to a Probe"): the appliance's
// role, master or probe, and a probe's master connection. The connection is the vSensor's own
// (src/features/master, sbin/lib/masterconn.sh): the same modes, token rules, secret files and
// HTTPS test. One writer, sbin/set_topology.sh, changes the role and its services.
import { z } from 'zod';
import type { Asked, Checked, Ctx, Io, Op, Outcome, Values } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { check, need, report, str, UsageError } from '../../commands/output.js';
import type { Command, OptionSpec } from '../../commands/types.js';
import { yesNoChoices } from '../../menu/choices.js';
import type { Field, Item, Menu } from '../../menu/types.js';
import { masterHost, proxyUrl } from '../../rules/master.js';
import { hmacToken, pushToken } from '../../rules/tokens.js';
import { checkedByPlan, planOf, type PlanLabel } from '../../system/plan.js';
import { EXIT, run, script } from '../../system/runner.js';
import { readSettings, type Settings } from '../../system/settings.js';
import { modeNames, planLabels as masterLabels, testMaster } from '../master/index.js';

const Result = z.lazy(() => z.object({ role: z.enum(['master', 'probe']), mode: z.string(), host: z.string(), token: z.string(), started: z.array(z.string()), stopped: z.array(z.string()) }).loose());
const setTopology = script('set_topology.sh', Result);
/** What test_master.sh answers (its cause and HTTP status), read as data. */
const TestSaid = z.lazy(() => z.object({ cause: z.string(), status: z.number() }).loose());

/** The role and master connection as appliance.ini holds them. */
export interface Topology {
  role: 'master' | 'probe';
  master: Settings['master'];
  retainSearch: string;
}

/** Reads the role ([topology]) and a probe's master connection ([master]) from appliance.ini. */
export async function readTopology(ctx: Ctx): Promise<Topology> {
  const s = await readSettings(ctx.paths.settingsIni);
  return { role: s.topology.role, master: s.master, retainSearch: s.topology.retain_search };
}

/** The token of a mode as it may be shown: label:**** for a push token, **** for the Pull HMAC token. */
const tokenShown = (m: Settings['master']) => (m.mode === 'push-token' ? `${m.token_label}:****` : m.mode === 'pull' ? '****' : '');

/** The role in words, for the Topology settings screen and `topology show`. */
export function describeTopology(t: Topology): string {
  if (t.role === 'master') return 'Role: master (the default).\nNo master connection: probes and vSensors connect to this appliance.';
  const m = t.master;
  return [
    `Role: probe of the master https://${m.host}`,
    `Mode: ${modeNames[m.mode] ?? '(not set)'}${tokenShown(m) ? `, token ${tokenShown(m)}` : ''}${m.proxy ? `, proxy ${m.proxy}` : ''}`,
    `Advanced Search data: ${t.retainSearch === 'no' ? 'stored centrally on the master' : 'retained on this probe'}`,
  ].join('\n');
}

export const topologyShow: Op<'show'> = {
  id: 'topology.show',
  async show(ctx) {
    return { kind: 'text', title: 'Topology settings', text: describeTopology(await readTopology(ctx)) };
  },
};

/** How set_topology.sh's plan rows are said in the review: the vSensor's labels, and the role's. */
const labels: Record<string, PlanLabel> = {
  ...masterLabels,
  host: { label: 'Master' },
  role: { label: 'Role' },
  retain_search: { label: 'Retain Advanced Search data', value: (v) => (v === 'yes' ? 'Yes' : 'No (stored on the master)') },
};

/** The token field of the chosen mode (the form has one for each: different rules). */
const tokenOf = (v: Values) => (v.mode === 'push-token' ? (v.pushToken ?? '') : v.mode === 'pull' ? (v.pullToken ?? '') : '');

/** set_topology.sh's arguments for a probe (the change and its --dry-run alike). */
const probeArgs = (v: Values, change: boolean) => [
  'probe',
  '--mode', v.mode ?? '',
  '--master', v.host ?? '',
  ...(v.mode === 'push-token' && v.proxy ? ['--proxy', v.proxy] : []),
  '--retain-search', v.retainSearch ?? '',
  ...(change ? ['--change'] : []),
];

/** The script's option names → the form's fields (a refusal goes under its field). */
const fieldsOf = (v: Values): Record<string, string> => ({
  mode: 'mode',
  master: 'host',
  proxy: 'proxy',
  'retain-search': 'retainSearch',
  token: v.mode === 'pull' ? 'pullToken' : 'pushToken',
  role: 'mode',
});

/**
 * The result of set_topology.sh: on success the console logs out (manual ch. 10 step 11), said
 * by the console's result view from `then` (a command logs nobody out, so its summary does not say so).
 */
function applied(r: Awaited<ReturnType<typeof runTopology>>): Outcome {
  const o = outcomeOf(r, (v) =>
    v.role === 'probe' ? `This appliance is a probe of https://${v.host} (${modeNames[v.mode] ?? v.mode}${v.token ? `, token ${v.token}` : ''}).` : 'This appliance is a master.',
  );
  return o.ok ? { ...o, then: 'logout' } : o;
}

function runTopology(ctx: Ctx, args: string[], token: string, io: Io) {
  return run(ctx.runner, setTopology, args, { stdin: token + '\n', onLine: io.line, survive: true });
}

/** Convert to probe (change = false) or Change the master connection (change = true): the same steps 3-6. */
function probeOp(change: boolean): Op<'read' | 'ask' | 'check' | 'test' | 'apply'> {
  return {
    id: change ? 'topology.change-master' : 'topology.convert-to-probe',
    async ask(ctx): Promise<Asked> {
      const t = await readTopology(ctx);
      if (change && t.role === 'master') return { blocked: 'This appliance is a master: it has no master connection to change. Nothing was changed.\n\nTo make it a probe, use 1. Convert to probe.' };
      if (change) return { question: `Change the master connection of this probe?\n\n${describeTopology(t)}` };
      if (t.role === 'probe') return { blocked: `This appliance is already a probe. Nothing was changed.\n\n${describeTopology(t)}\n\nTo change its master, use 3. Change the master connection.` };
      return {
        question: 'Convert this appliance to a probe?',
        then: ['A master appliance is required to use a probe: this probe sends what it sees to a Darktrace master, which you name next.\n\nContinue?'],
      };
    },
    async read(ctx): Promise<Values> {
      const t = await readTopology(ctx);
      if (t.role !== 'probe') return { retainSearch: 'yes' };
      const m = t.master;
      return { mode: m.mode || 'push-token', host: m.host, proxy: m.proxy, retainSearch: t.retainSearch || 'yes', pushToken: m.mode === 'push-token' ? tokenShown(m) : '', pullToken: m.mode === 'pull' ? '****' : '' };
    },
    async check(ctx, v): Promise<Checked> {
      const r = await run(ctx.runner, planOf(setTopology.name), ['--dry-run', ...probeArgs(v, change)], { stdin: tokenOf(v) + '\n' });
      return checkedByPlan(r, labels, fieldsOf(v), 'host');
    },
    async test(ctx, v, io) {
      // the vSensor's test: HTTPS to the master, and with a push token whether it accepts it
      const token = v.mode === 'push-token' ? tokenOf(v) : undefined;
      const o = await testMaster(ctx, ['--timeout', '10', v.host ?? '', ...(v.mode === 'push-token' && v.proxy ? [v.proxy] : [])], token, io);
      // Pull and Push send no token: a master that answers asking for one (cause "token", HTTP
      // 401/403) was reached over HTTPS with a certificate trusted here, which is what is tested
      const said = TestSaid.safeParse(o.data);
      if (token !== undefined || o.ok || !said.success || said.data.cause !== 'token') return o;
      return { ok: true, code: EXIT.ok, data: o.data, details: o.details ?? [], summary: `Successful connection to https://${v.host} (HTTP ${said.data.status}: no token is sent in ${modeNames[v.mode ?? ''] ?? ''} mode)` };
    },
    async apply(ctx, v, io) {
      return applied(await runTopology(ctx, probeArgs(v, change), tokenOf(v), io));
    },
  };
}

export const convertToProbe = probeOp(false);
export const changeMaster = probeOp(true);

export const convertToMaster: Op<'ask' | 'apply'> = {
  id: 'topology.convert-to-master',
  async ask(ctx): Promise<Asked> {
    const t = await readTopology(ctx);
    if (t.role === 'master') return { blocked: 'This appliance is already a master. Nothing was changed.' };
    return {
      question: `Convert this probe to a master?\n\nIt stops sending its data to the master https://${t.master.host}: that master no longer sees this probe's traffic. Its master connection and token are removed from this appliance, and it runs the master's services instead of the probe's.\n\nYou will be logged out of the console.`,
    };
  },
  async apply(ctx, _v, io) {
    return applied(await runTopology(ctx, ['master'], '', io));
  },
};

const modeChoices = [
  { value: 'push-token', label: 'Push Token' },
  { value: 'pull', label: 'Pull' },
  { value: 'push', label: 'Push (legacy)' },
];

/** Steps 6-8 of the manual: the mode (and its token), the master, Advanced Search data. */
const probeFields: Field[] = [
  { name: 'mode', label: 'Communication mode', short: 'Mode', choices: modeChoices, help: 'Push Token (recommended): the probe connects to the master with a token generated on the master config page. Pull: the master connects to the probe with a shared HMAC token. Push (legacy): no token.' },
  { name: 'pushToken', label: 'Push token, in full (label:secret)', short: 'Push token', rule: pushToken, masked: true, when: { field: 'mode', is: ['push-token'] }, help: 'The token generated on the master config page, label included, e.g. NewLabel:K7GHXWxHCMn2y8zr.' },
  { name: 'pullToken', label: 'HMAC token (5-63 letters and digits; 20+ recommended)', short: 'Pull HMAC token', rule: hmacToken, masked: true, when: { field: 'mode', is: ['pull'] }, help: '5 to 63 letters and digits, 20 or more recommended; the same token is entered on the master.' },
  { name: 'host', label: 'IP address or hostname of the master', short: 'Master', rule: masterHost, help: "The master's address, as this probe reaches it over HTTPS." },
  { name: 'proxy', label: 'HTTP proxy (optional, http://HOST:PORT)', short: 'Proxy', rule: proxyUrl, when: { field: 'mode', is: ['push-token'] }, extra: true, help: 'Push Token mode only; leave empty when the probe reaches the master directly.' },
  {
    name: 'retainSearch',
    label: 'Retain Advanced Search data?',
    short: 'Retain Advanced Search data',
    choices: yesNoChoices(),
    help: 'No: Advanced Search data is stored centrally on the master.',
  },
];

const probeFlow = (op: typeof convertToProbe) =>
  ({
    kind: 'form',
    op,
    confirm: 'ask',
    fields: probeFields,
    check: true,
    test: 'Do you want to test the connection to https://{host}?',
    question: 'Review the settings: do you want to proceed?',
    progress: 'Applying the probe configuration',
    done: 'The configuration has been successfully applied.',
  }) as const;

/** Appliance Admin > Topology settings: the role on top; Convert to probe, Convert to master, Change the master connection. */
export const topologyMenu: Menu = {
  title: 'Topology settings',
  status: topologyShow,
  items: [
    { key: '1', label: 'Convert to probe', help: 'Make this master appliance a probe that sends its data to a master (manual ch. 10).', flow: probeFlow(convertToProbe) },
    {
      key: '2',
      label: 'Convert to master',
      help: 'Make this probe a master again: it stops sending its data to its master.',
      flow: { kind: 'do', op: convertToMaster, confirm: 'ask', defaultNo: true, progress: 'Converting to a master', done: 'The configuration has been successfully applied.' },
    },
    { key: '3', label: 'Change the master connection', help: "A probe's mode, token, master and Advanced Search choice, changed with the same steps.", flow: probeFlow(changeMaster) },
  ],
};

/** The Appliance Admin item (manual ch. 10 step 2: "1. Topology settings"). */
export const topologyItem = (key: string): Item => ({ key, label: 'Topology settings', help: 'Whether this appliance is a master or a probe, and a probe\'s master connection.', menu: topologyMenu });

const probeOptions: Record<string, OptionSpec> = {
  mode: { type: 'string', value: 'push-token|pull|push', help: 'the communication mode' },
  master: { type: 'string', value: 'HOST', help: "the master's IP address or host name" },
  proxy: { type: 'string', value: 'URL', help: 'an HTTP proxy to the master (push-token only)' },
  'retain-search': { type: 'string', value: 'yes|no', help: 'whether the probe retains Advanced Search data (no: stored on the master)' },
};

/** The options of convert-to-probe and change-master as the form's values; the token from stdin. */
async function probeValues(ctx: Ctx, op: Op<'ask'>, opts: Record<string, string | boolean | undefined>, out: Parameters<Command['run']>[2], cmd: string): Promise<Values> {
  const mode = need(opts.mode, '--mode', cmd);
  if (!modeChoices.some((c) => c.value === mode)) throw new UsageError(`--mode: "${mode}" is not a communication mode: push-token, pull or push`, undefined, 'mode');
  const host = check(masterHost, need(opts.master, '--master', cmd), '--master');
  const proxy = check(proxyUrl, str(opts.proxy) ?? '', '--proxy');
  if (proxy && mode !== 'push-token') throw new UsageError('--proxy: a proxy is only used in Push Token mode', undefined, 'proxy');
  const retainSearch = need(opts['retain-search'], '--retain-search', cmd);
  if (retainSearch !== 'yes' && retainSearch !== 'no') throw new UsageError('--retain-search: answer yes or no', undefined, 'retain-search');
  const v: Values = { mode, host, proxy, retainSearch };
  // the role is refused before the token is read: nothing is asked for a change that cannot be made
  const refused = await refusedByRole(op, ctx);
  if (refused) throw refused;
  if (mode === 'push-token') v.pushToken = check(pushToken, await out.readSecret('push token (label:secret)'), 'token');
  if (mode === 'pull') v.pullToken = check(hmacToken, await out.readSecret('pull-mode HMAC token'), 'token');
  return v;
}

/** A refusal read from the state before anything is asked (probe → probe, master → master): exit 2. */
async function refusedByRole(op: Op<'ask'>, ctx: Ctx): Promise<UsageError | undefined> {
  const a = await op.ask(ctx, {});
  if (!('blocked' in a)) return undefined;
  // the console's menu numbers, said as the commands that do the same
  const said = a.blocked.replace('use 1. Convert to probe', 'use confconsole topology convert-to-probe').replace('use 3. Change the master connection', 'use confconsole topology change-master');
  // one line: the role's lines joined by '; ', each paragraph a sentence
  const line = said.split(/\n\n+/).map((p) => p.split('\n').join('; ')).map((p) => (/[.:!?]$/.test(p) ? p : `${p}.`)).join(' ');
  return new UsageError(line, undefined, 'role');
}

export const commands: Command[] = [
  {
    path: ['topology', 'show'],
    summary: "the appliance's role (master or probe) and a probe's master connection (secrets as label:****)",
    covers: [topologyShow],
    async run(ctx, _in, out) {
      const t = await readTopology(ctx);
      const probe = t.role === 'probe';
      out.print(
        { role: t.role, mode: probe ? t.master.mode || null : null, master: probe ? t.master.host || null : null, proxy: probe ? t.master.proxy || null : null, token: probe ? tokenShown(t.master) || null : null, retain_search: probe ? t.retainSearch || null : null },
        describeTopology(t),
      );
      return EXIT.ok;
    },
  },
  {
    path: ['topology', 'convert-to-probe'],
    summary: 'make this master a probe; the token (push-token, pull) is read from standard input',
    options: probeOptions,
    covers: [convertToProbe],
    async run(ctx, { opts }, out) {
      const v = await probeValues(ctx, convertToProbe, opts, out, 'topology convert-to-probe');
      return report(out, await convertToProbe.apply(ctx, v, out.progress));
    },
  },
  {
    path: ['topology', 'change-master'],
    summary: "change a probe's master connection (the same options as convert-to-probe)",
    options: probeOptions,
    covers: [changeMaster],
    async run(ctx, { opts }, out) {
      const v = await probeValues(ctx, changeMaster, opts, out, 'topology change-master');
      return report(out, await changeMaster.apply(ctx, v, out.progress));
    },
  },
  {
    path: ['topology', 'convert-to-master'],
    summary: 'make this probe a master again (its master connection and token are removed)',
    covers: [convertToMaster],
    async run(ctx, _in, out) {
      const refused = await refusedByRole(convertToMaster, ctx);
      if (refused) throw refused;
      return report(out, await convertToMaster.apply(ctx, {}, out.progress));
    },
  },
];
