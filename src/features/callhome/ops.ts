// Appliance Admin > Call-Home menu (manual ch. 4 "Call-Home", "Partner Call-Home"): the support
// tunnel's settings, enable/disable, the five status checks, the cache and the partner.
import type { Checked, Ctx, Io, Op, Outcome, Values } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { Problem } from '../../core/problem.js';
import { checkedByPlan, planOf, type PlanLabel } from '../../system/plan.js';
import { EXIT, run } from '../../system/runner.js';
import { callhomeState, describeCallhome, scripts, statusLines, statusVerdict, transport } from './state.js';

export const callhomeShow: Op<'show'> = {
  id: 'callhome.show',
  async show(ctx) {
    return { kind: 'text', text: describeCallhome(await callhomeState(ctx)) };
  },
};

/** What the status dialog says while it checks, in the manual's words (ch. 4 "Test Call-Home"). */
export const statusHead = (enabled: boolean): string => (enabled ? 'Call-Home is enabled, checking connection' : 'Call-Home is disabled, checking connection anyway');

/**
 * The manual's five checks. While they run, the dialog's top line says whether Call-Home is
 * enabled (read first), and callhome.sh names each check before making it and its row after;
 * exit 5 (a FAIL) is a result, not an error.
 */
export const callhomeStatus: Op<'run'> = {
  id: 'callhome.status',
  async run(ctx, _values, io) {
    let enabled: boolean | undefined;
    try {
      enabled = (await callhomeState(ctx)).enabled;
    } catch (e) {
      if (!(e instanceof Problem)) throw e; // unreadable settings: the checks below say so
    }
    io.note?.(enabled === undefined ? 'Checking the Call-Home connection' : statusHead(enabled));
    const r = await run(ctx.runner, scripts.status, ['status'], { timeoutMs: 90_000, onLine: io.line, ...(io.signal ? { signal: io.signal } : {}) });
    const said = r.ok ? r.value : r.exitCode === EXIT.testFailed ? scripts.status.result.safeParse(r.json).data : undefined;
    if (!said) return outcomeOf(r, '');
    const head = statusHead(said.enabled);
    return {
      ok: !said.rows.some((x) => x.status === 'fail'),
      summary: statusVerdict(said.rows),
      details: [head, '', ...statusLines(said.rows)],
      data: said,
      code: r.exitCode,
    };
  },
};

/** Enable or disable Call-Home (callhome.sh); enabling it while enabled restarts the connection. */
export async function switchCallhome(ctx: Ctx, enable: boolean, io: Io): Promise<Outcome> {
  const r = await run(ctx.runner, scripts.switch, [enable ? 'enable' : 'disable'], { onLine: io.line, survive: true });
  return outcomeOf(r, (v) => (!enable ? 'Call-Home is disabled.' : v.restarted ? 'Call-Home was already enabled: the connection was restarted.' : 'Call-Home is enabled.'));
}

/** The manual's toggle: enable when disabled, disable when enabled (twice = restart). */
export const callhomeToggle: Op<'ask' | 'apply'> = {
  id: 'callhome.toggle',
  async ask(ctx) {
    const s = await callhomeState(ctx);
    return {
      question: s.enabled
        ? 'Call-Home is enabled. Do you want to disable Call-Home?\n\nThe support connection closes. (To restart the connection, choose this item twice: disable, then enable.)'
        : `Call-Home is disabled. Do you want to enable Call-Home?\n\nThe appliance connects to ${s.host || 'the Call-Home host'} (port ${s.port}: ${transport(s)}).`,
    };
  },
  async apply(ctx, _v, io) {
    return switchCallhome(ctx, !(await callhomeState(ctx)).enabled, io);
  },
};

/** The form's values as set_callhome.sh arguments; the proxy password goes on stdin. */
export function configArgs(v: Values): { args: string[]; stdin?: string } {
  const proxy = v.proxyType === 'http' || v.proxyType === 'socks5' ? `${v.proxyType}://${v.proxyAddress}` : 'none';
  const args = ['--host', v.host ?? '', '--port', v.port ?? '22', ...(v.port === '443' && v.ssl === 'yes' ? ['--ssl'] : []), '--proxy', proxy];
  if (v.proxyType === 'http' && v.proxyUser) return { args: [...args, '--proxy-user', v.proxyUser], stdin: (v.proxyPassword ?? '') + '\n' };
  return { args };
}

/** set_callhome.sh names its options; the form's fields have their own names. */
const formField: Record<string, string> = { host: 'host', port: 'port', ssl: 'ssl', proxy: 'proxyAddress', 'proxy-user': 'proxyUser', password: 'proxyPassword' };

const yesNo = (v: string) => (v === 'yes' ? 'Yes' : v === 'no' ? 'No' : v);
/** How set_callhome.sh's plan (--dry-run) is said in the review. */
const configLabels: Record<string, PlanLabel> = {
  host: { label: 'Host' },
  port: { label: 'Port' },
  ssl: { label: 'SSL wrapping', value: yesNo },
  proxy: { label: 'Proxy', value: (v) => (v === 'none' ? 'None' : v) },
  user: { label: 'Login on the Call-Home server' },
  proxy_user: { label: 'Proxy user' },
  proxy_password: { label: 'Proxy password' },
};

/** The settings form: transport as choices; the proxy password is a secret (stdin only). */
export const callhomeConfig: Op<'read' | 'check' | 'apply'> = {
  id: 'callhome.config',
  async read(ctx) {
    const s = await callhomeState(ctx);
    const [, type = 'none', addr = ''] = /^(http|socks5):\/\/(.*)$/.exec(s.proxy) ?? [];
    return {
      host: s.host,
      port: s.port === '443' ? '443' : '22',
      // 443 goes with SSL wrapping (the manual's default configuration): offered as Yes when switching to it
      ssl: s.port !== '443' || s.ssl ? 'yes' : 'no',
      proxyType: s.proxy === 'none' || !s.proxy ? 'none' : type,
      proxyAddress: addr,
      proxyUser: s.proxy_user,
      proxyPassword: s.proxy_user ? '****' : '',
    };
  },
  /**
   * The review is set_callhome.sh's own plan (--dry-run with the same arguments and stdin as the
   * change): what it will store, and only that. A password typed without a proxy user is not
   * stored (nothing would use it): the review says so as a warning.
   */
  async check(ctx, v): Promise<Checked> {
    if (v.proxyType === 'http' && v.proxyUser && !v.proxyPassword)
      return { errors: { proxyPassword: 'Enter the proxy password for this user (passwords are never shown again, so it is asked each time)' } };
    const { args, stdin } = configArgs(v);
    const r = await run(ctx.runner, planOf(scripts.set.name), ['--dry-run', ...args], stdin !== undefined ? { stdin } : {});
    const checked = checkedByPlan(r, configLabels, formField, 'host');
    const unused = v.proxyType === 'http' && !v.proxyUser && (v.proxyPassword ?? '') !== '';
    return unused && checked.review ? { ...checked, warnings: ['A proxy password without a proxy user is not used: it is not stored. Enter the proxy user too, or leave the password empty.'] } : checked;
  },
  async apply(ctx, v, io) {
    const { args, stdin } = configArgs(v);
    const r = await run(ctx.runner, scripts.set, args, { ...(stdin !== undefined ? { stdin } : {}), onLine: io.line, survive: true });
    const o = outcomeOf(r, (x) =>
      !x.changed ? 'Nothing changed: these are the current settings (the connection was left as it is).' : x.restarted ? 'Call-Home settings saved; the connection restarted with them.' : 'Call-Home settings saved.',
    );
    return o.field !== undefined ? { ...o, field: formField[o.field] ?? o.field } : o;
  },
};

/**
 * The manual's "default Call-Home configuration": the question says what changes, host
 * included, from set_callhome.sh's own plan (--dry-run --default): whether anything changes,
 * and a stored proxy password that goes with the proxy.
 */
export const callhomeDefault: Op<'ask' | 'apply'> = {
  id: 'callhome.default',
  async ask(ctx) {
    const s = await callhomeState(ctx);
    const r = await run(ctx.runner, planOf(scripts.set.name), ['--dry-run', '--default']);
    if (!r.ok) return { blocked: `The default configuration cannot be used: ${r.error}` };
    const host = s.default_host || s.host;
    const now = `${s.host || '(not set)'}, port ${s.port}: ${transport(s)}`;
    const dflt = `${host}, port 443: ${transport({ ssl: true, proxy: 'none', proxy_user: '' })}`;
    if (!r.value.changed) return { question: `The default configuration is already in use:\n  ${now}\n\nSave it again? (Nothing changes.)` };
    const dropped = r.value.rows.some((x) => x.key === 'proxy_password' && x.secret === 'removed');
    return {
      question: [
        'Use the default Call-Home configuration?',
        '',
        `  now:     ${now}`,
        `  default: ${dflt}`,
        ...(dropped ? ['', 'The stored proxy password is removed with the proxy.'] : []),
        '',
        s.enabled ? 'Call-Home is enabled: the connection restarts with the new settings.' : 'Call-Home is disabled: the settings are used when it is enabled.',
      ].join('\n'),
    };
  },
  async apply(ctx, _v, io) {
    const r = await run(ctx.runner, scripts.set, ['--default'], { onLine: io.line, survive: true });
    return outcomeOf(r, (x) => (!x.changed ? 'The default configuration was already in use: nothing changed.' : `Default configuration: port 443 with SSL wrapping, to ${x.host ?? 'the Call-Home host'}.`));
  },
};

export const callhomeClearCache: Op<'ask' | 'apply'> = {
  id: 'callhome.clear-cache',
  /** The manual disables Call-Home first: while it is enabled there is nothing to ask yet. */
  async ask(ctx) {
    if ((await callhomeState(ctx)).enabled) return { blocked: 'Call-Home is enabled. Disable it first (Enable/Disable Call-Home), then clear the cache.' };
    return { question: 'Clearing the cache deletes the known host keys of the Call-Home connection. Clear the cache now?' };
  },
  async apply(ctx, _v, io) {
    const r = await run(ctx.runner, scripts.clear, ['clear-cache'], { onLine: io.line, survive: true });
    return outcomeOf(r, (x) => (x.cleared ? 'The Call-Home cache (known hosts) is cleared.' : 'The Call-Home cache was already empty.'));
  },
};

/** This appliance's public key as one line (made on first use). Throws a Problem when there is none. */
export async function publicKey(ctx: Ctx): Promise<string> {
  const r = await run(ctx.runner, scripts.pubkey, ['pubkey']);
  if (!r.ok) throw new Problem(`No Call-Home public key: ${r.error}`);
  return r.value.pubkey;
}

export const callhomePubkey: Op<'show'> = {
  id: 'callhome.pubkey',
  async show(ctx) {
    return {
      kind: 'text',
      title: 'Call-Home public key',
      text: `This appliance authenticates its Call-Home connections with this key. A partner installs it, on ONE line, in the authorized_keys of the autossh user on its SSH server (confconsole callhome pubkey prints it as one line):\n\n${await publicKey(ctx)}`,
    };
  },
};

export const partnerShow: Op<'show'> = {
  id: 'partner.show',
  async show(ctx) {
    const s = await callhomeState(ctx);
    const ports = s.ports ? `SSH ${s.ports.ssh}, HTTPS ${s.ports.https} on the partner's server` : `not known (host name ${s.hostname} is not of the dt-NNN-NN form)`;
    // the key itself (8+ lines at 80 columns) has an item of its own: here it would push the items off a 24-line screen
    return {
      kind: 'text',
      text: [
        `Partner connection: ${s.partner.enabled ? `${s.partner.host}, port ${s.partner.port}` : 'none'}`,
        `Forwarded ports for ${s.hostname}: ${ports}`,
        "The partner installs this appliance's public key on its server (Public key for the partner's server).",
      ].join('\n'),
    };
  },
};

const partnerLabels: Record<string, PlanLabel> = { host: { label: 'Host' }, port: { label: 'Port' }, enabled: { label: 'Partner connection', value: (v) => (v === 'yes' ? 'enabled' : 'disabled') } };
const partnerArgs = (v: Values) => ['--host', v.host ?? '', '--port', v.port ?? ''];

export const partnerSet: Op<'read' | 'check' | 'apply'> = {
  id: 'partner.set',
  async read(ctx) {
    const s = await callhomeState(ctx);
    return { host: s.partner.host, port: s.partner.port || '22' };
  },
  /** The review is set_partner.sh's plan (--dry-run): the host and port as it will store them. */
  async check(ctx, v): Promise<Checked> {
    return checkedByPlan(await run(ctx.runner, planOf(scripts.partner.name), ['--dry-run', ...partnerArgs(v)]), partnerLabels, { host: 'host', port: 'port' }, 'host');
  },
  async apply(ctx, v, io) {
    const r = await run(ctx.runner, scripts.partner, partnerArgs(v), { onLine: io.line, survive: true });
    return outcomeOf(r, `Partner connection set: ${v.host}, port ${v.port}.`);
  },
};

export const partnerDisable: Op<'ask' | 'apply'> = {
  id: 'partner.disable',
  async ask(ctx) {
    if (!(await callhomeState(ctx)).partner.enabled) return { blocked: 'There is no partner connection to disable.' };
    return { question: 'Disable the partner connection? The partner can no longer reach this appliance.' };
  },
  async apply(ctx, _v, io) {
    return outcomeOf(await run(ctx.runner, scripts.partner, ['--disable'], { onLine: io.line, survive: true }), 'Partner connection disabled.');
  },
};
