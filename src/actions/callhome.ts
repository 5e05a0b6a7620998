// Appliance Admin > Call-Home menu (manual ch. 4 "Call-Home", "Partner Call-Home"): the
// support tunnel's settings, enable/disable, the five status checks, cache and partner.
import type { Shown } from '../flow/types.js';
import { noErrors, outcomeOf, type Ctx, type Operation } from './types.js';

export interface CallhomeState {
  enabled: boolean;
  host: string;
  port: string;
  ssl: boolean;
  proxy: string;
  user: string;
  proxy_user: string;
  /** Where the default configuration points ([callhome] default_host). */
  default_host: string;
  hostname: string;
  ports: { ssh: number; https: number } | null;
  key: boolean;
  partner: { enabled: boolean; host: string; port: string };
}

export async function callhomeState(ctx: Ctx): Promise<CallhomeState> {
  const r = await ctx.runner.script('callhome.sh', ['show']);
  if (r.exitCode !== 0) throw new Error(String(r.result.error ?? 'cannot read the Call-Home settings'));
  return r.result as unknown as CallhomeState;
}

export function transport(s: CallhomeState): string {
  const wrap = s.ssl ? 'SSH wrapped in SSL' : 'SSH';
  return s.proxy && s.proxy !== 'none' ? `${wrap} through the proxy ${s.proxy}${s.proxy_user ? ` (as ${s.proxy_user})` : ''}` : wrap;
}

export function describeCallhome(s: CallhomeState): string {
  return [
    `Call-Home is ${s.enabled ? 'enabled' : 'disabled'}.`,
    `Host: ${s.host || '(not set)'}, port ${s.port}: ${transport(s)}`,
    `Partner connection: ${s.partner.enabled ? `${s.partner.host}, port ${s.partner.port}` : 'none'}`,
  ].join('\n');
}

export const callhomeShow: Operation = {
  async show(ctx) {
    return { kind: 'text', text: describeCallhome(await callhomeState(ctx)) };
  },
};

interface Row {
  check: string;
  ok: boolean;
  detail: string;
  advice: string;
}

/** The status screen as the manual shows it: a row per check, the advice under each FAIL. */
export function statusText(enabled: boolean, rows: Row[]): string {
  const lines = [enabled ? 'Call-Home is enabled, checking connection' : 'Call-Home is disabled; checking anyway', ''];
  for (const r of rows) {
    // a check not made is SKIP, never OK, and says why
    const skipped = r.ok && /demo|skipp|not checked/i.test(r.detail);
    lines.push(`${skipped ? 'SKIP ' : r.ok ? '  OK ' : 'FAIL '} ${r.check}${skipped ? ` (${r.detail})` : ''}`);
    if (!r.ok) lines.push(`      ${r.detail}`, `      -> ${r.advice}`);
  }
  const demo = rows.some((r) => /demo appliance/i.test(r.detail));
  lines.push(
    '',
    !rows.every((r) => r.ok)
      ? 'Not calling home: check the FAIL rows (and the firewall rule).'
      : demo
        ? 'Demo appliance: the connection itself was not checked.'
        : 'All five rows read OK: the appliance is calling home.',
  );
  return lines.join('\n');
}

export const callhomeStatus: Operation = {
  async show(ctx): Promise<Shown> {
    const s = await callhomeState(ctx);
    const r = await ctx.runner.script('callhome.sh', ['status'], { timeoutMs: 90_000 });
    const rows = Array.isArray(r.result.rows) ? (r.result.rows as Row[]) : [];
    if (rows.length === 0) throw new Error(String(r.result.error ?? 'the status checks did not run'));
    return { kind: 'text', title: 'Call-Home status', text: statusText(s.enabled, rows) };
  },
};

/** The manual's toggle: enable when disabled, disable when enabled (twice = restart). */
export const callhomeToggle: Operation = {
  async show(ctx) {
    const s = await callhomeState(ctx);
    return {
      kind: 'text',
      text: s.enabled
        ? 'Call-Home is enabled. Do you want to disable Call-Home?\n\nThe support connection closes. (To restart the connection, choose this item twice: disable, then enable.)'
        : `Call-Home is disabled. Do you want to enable Call-Home?\n\nThe appliance connects to ${s.host || 'the Call-Home host'} (port ${s.port}: ${transport(s)}).`,
    };
  },
  async apply(ctx, _v, io) {
    const enable = !(await callhomeState(ctx)).enabled;
    const r = await ctx.runner.script('callhome.sh', [enable ? 'enable' : 'disable'], { onLine: io.line, survive: true });
    return outcomeOf(r, enable ? (r.result.restarted ? 'Call-Home was already enabled: the connection was restarted.' : 'Call-Home is enabled.') : 'Call-Home is disabled.');
  },
};

/** The settings form: transport as choices; the proxy password is a secret (stdin only). */
export const callhomeConfig: Operation = {
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
  async check(_ctx, v) {
    if (v.proxyType === 'http' && v.proxyUser && !v.proxyPassword)
      return { errors: { proxyPassword: 'Enter the proxy password for this user (passwords are never shown again, so it is asked each time)' } };
    if (v.port === '22' && v.ssl === 'yes') return { errors: {}, warnings: ['SSL wrapping goes with port 443: port 22 is plain SSH'] };
    return noErrors;
  },
  async apply(ctx, v, io) {
    const proxy = v.proxyType === 'http' || v.proxyType === 'socks5' ? `${v.proxyType}://${v.proxyAddress}` : 'none';
    const args = ['--host', v.host ?? '', '--port', v.port ?? '22', ...(v.port === '443' && v.ssl === 'yes' ? ['--ssl'] : []), '--proxy', proxy];
    const withUser = v.proxyType === 'http' && v.proxyUser;
    if (withUser) args.push('--proxy-user', v.proxyUser ?? '');
    const r = await ctx.runner.script('set_callhome.sh', args, { ...(withUser ? { stdin: (v.proxyPassword ?? '') + '\n' } : {}), onLine: io.line, survive: true });
    if (r.result.changed === false) return outcomeOf(r, 'Nothing changed: these are the current settings (the connection was left as it is).');
    return outcomeOf(r, r.result.restarted ? 'Call-Home settings saved; the connection restarted with them.' : 'Call-Home settings saved.');
  },
};

/** The manual's "default Call-Home configuration": the question says what changes, host included. */
export const callhomeDefault: Operation = {
  async show(ctx) {
    const s = await callhomeState(ctx);
    const host = s.default_host || s.host;
    const now = `${s.host || '(not set)'}, port ${s.port}: ${transport(s)}`;
    const dflt = `${host}, port 443: ${transport({ ...s, ssl: true, proxy: 'none', proxy_user: '' })}`;
    if (now === dflt) return { kind: 'text', text: `The default configuration is already in use:\n  ${now}\n\nSave it again? (Nothing changes.)` };
    return {
      kind: 'text',
      text: [
        'Use the default Call-Home configuration?',
        '',
        `  now:     ${now}`,
        `  default: ${dflt}`,
        '',
        s.enabled ? 'Call-Home is enabled: the connection restarts with the new settings.' : 'Call-Home is disabled: the settings are used when it is enabled.',
      ].join('\n'),
    };
  },
  async apply(ctx, _v, io) {
    const r = await ctx.runner.script('set_callhome.sh', ['--default'], { onLine: io.line, survive: true });
    if (r.result.changed === false) return outcomeOf(r, 'The default configuration was already in use: nothing changed.');
    return outcomeOf(r, `Default configuration: port 443 with SSL wrapping, to ${String(r.result.host ?? 'the Call-Home host')}.`);
  },
};

export const callhomeClearCache: Operation = {
  /** The manual disables Call-Home first: while it is enabled there is nothing to ask yet. */
  async show(ctx) {
    if ((await callhomeState(ctx)).enabled)
      return { kind: 'text', blocked: true, text: 'Call-Home is enabled. Disable it first (3. Enable/Disable Call-Home), then clear the cache.' };
    return { kind: 'text', text: 'Clearing the cache deletes the known host keys of the Call-Home connection. Clear the cache now?' };
  },
  async apply(ctx, _v, io) {
    const r = await ctx.runner.script('callhome.sh', ['clear-cache'], { onLine: io.line, survive: true });
    return outcomeOf(r, r.result.cleared ? 'The Call-Home cache (known hosts) is cleared.' : 'The Call-Home cache was already empty.');
  },
};

export const callhomePubkey: Operation = {
  async show(ctx) {
    const key = await ctx.runner.script('callhome.sh', ['pubkey']);
    if (key.exitCode !== 0) throw new Error(String(key.result.error ?? 'no public key'));
    return {
      kind: 'text',
      title: 'Call-Home public key',
      text: `This appliance authenticates its Call-Home connections with this key. A partner installs it, on ONE line, in the authorized_keys of the autossh user on its SSH server (confconsole callhome pubkey prints it as one line):\n\n${String(key.result.pubkey)}`,
    };
  },
};

export const partnerShow: Operation = {
  async show(ctx) {
    const s = await callhomeState(ctx);
    const ports = s.ports ? `SSH ${s.ports.ssh}, HTTPS ${s.ports.https} on the partner's server` : `not known (host name ${s.hostname} is not of the dt-NNN-NN form)`;
    // the key itself (8+ lines at 80 columns) is item 3: here it would push the items off a 24-line screen
    return {
      kind: 'text',
      text: [
        `Partner connection: ${s.partner.enabled ? `${s.partner.host}, port ${s.partner.port}` : 'none'}`,
        `Forwarded ports for ${s.hostname}: ${ports}`,
        'The partner installs this appliance\'s public key on its server: 3 shows it.',
      ].join('\n'),
    };
  },
};

export const partnerSet: Operation = {
  async read(ctx) {
    const s = await callhomeState(ctx);
    return { host: s.partner.host, port: s.partner.port || '22' };
  },
  async apply(ctx, v, io) {
    const r = await ctx.runner.script('set_partner.sh', ['--host', v.host ?? '', '--port', v.port ?? ''], { onLine: io.line, survive: true });
    return outcomeOf(r, `Partner connection set: ${v.host}, port ${v.port}.`);
  },
};

export const partnerDisable: Operation = {
  async show(ctx) {
    if (!(await callhomeState(ctx)).partner.enabled) return { kind: 'text', blocked: true, text: 'There is no partner connection to disable.' };
    return { kind: 'text', text: 'Disable the partner connection? The partner can no longer reach this appliance.' };
  },
  async apply(ctx, _v, io) {
    const r = await ctx.runner.script('set_partner.sh', ['--disable'], { onLine: io.line, survive: true });
    return outcomeOf(r, 'Partner connection disabled.');
  },
};
