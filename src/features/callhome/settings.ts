// The Call-Home area of the settings document (issue 15): where and how the appliance calls
// home, whether it does, and the partner's connection; applied by the menu's scripts
// (set_callhome.sh, set_partner.sh, callhome.sh enable|disable), each only when it changes.
import { z } from 'zod';
import type { Ctx, Io, Outcome } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { host, port as portRule } from '../../rules/address.js';
import { password, proxyAddress, proxyUser } from '../../rules/callhome.js';
import { readTextIfExists } from '../../system/files.js';
import { run } from '../../system/runner.js';
import { area, describeSecret, fingerprintKey, isOmitted, ruled, secret, type SecretRef } from '../../settings/area.js';
import { callhomeState, scripts } from './state.js';
import { switchCallhome } from './ops.js';

const PROXY = /^(http|socks5):\/\/(.+)$/;
const proxyUrl = (s: string) => {
  if (s === 'none') return { ok: true as const, value: s };
  const m = PROXY.exec(s);
  return m ? proxyAddress(m[2]!) : { ok: false as const, message: 'none, http://HOST:PORT or socks5://HOST:PORT' };
};

const Partner = z.lazy(() => z.discriminatedUnion('enabled', [
  z.strictObject({ enabled: z.literal(false) }),
  z.strictObject({ enabled: z.literal(true), host: ruled(host), port: ruled(portRule) }),
]));

/**
 * `{enabled, host, port, ssl, proxy, user, proxy_user, proxy_password?, partner}` as
 * `callhome show` says them; host '' only while Call-Home was never configured.
 */
export const CallhomeSettings = z.lazy(() => z
  .strictObject({
    enabled: z.boolean(),
    host: z.string().superRefine((h, c) => {
      const r = h === '' ? { ok: true } : host(h);
      if (!r.ok) c.addIssue({ code: 'custom', message: (r as { message: string }).message });
    }),
    port: z.enum(['22', '443'], { error: '"22" (SSH) or "443" (through firewalls), as a string' }),
    ssl: z.boolean(),
    proxy: ruled(proxyUrl),
    user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a login name (lower case letters, digits, _ and -)'),
    proxy_user: ruled(proxyUser),
    proxy_password: secret(password).optional(),
    partner: Partner,
  })
  .superRefine((v, c) => {
    if (v.ssl && v.port !== '443') c.addIssue({ code: 'custom', path: ['ssl'], message: 'SSL wrapping goes with port 443' });
    if (v.proxy_user && !v.proxy.startsWith('http://')) c.addIssue({ code: 'custom', path: ['proxy_user'], message: 'a proxy user needs an HTTP proxy' });
    if (v.proxy_user && v.proxy_password === '') c.addIssue({ code: 'custom', path: ['proxy_password'], message: 'a proxy user needs its password: it is empty' });
    if (v.proxy_user && v.proxy_password === undefined) c.addIssue({ code: 'custom', path: ['proxy_password'], message: 'a proxy user needs its password (or its description, to keep the stored one)' });
    if (v.enabled && v.host === '') c.addIssue({ code: 'custom', path: ['host'], message: 'Call-Home cannot be enabled without a host' });
  }));
type CallhomeSettings = z.infer<typeof CallhomeSettings>;

const proxySecret = (ctx: Ctx) => ctx.paths.under('/etc/confconsole/secrets/callhome_proxy');

const CONFIG = ['host', 'port', 'ssl', 'proxy', 'user', 'proxy_user', 'proxy_password'] as const;
const differs = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);

/** set_callhome.sh's arguments and stdin for `want`; a kept password is sent again from its file. */
async function configCall(ctx: Ctx, want: CallhomeSettings): Promise<{ args: string[]; stdin?: string } | Outcome> {
  const args = ['--host', want.host, '--port', want.port, ...(want.ssl ? ['--ssl'] : []), '--proxy', want.proxy, '--user', want.user];
  if (!want.proxy_user) return { args };
  let pw = want.proxy_password as string | SecretRef;
  if (isOmitted(pw)) {
    const stored = (await readTextIfExists(proxySecret(ctx)))?.replace(/\n$/, '');
    if (stored === undefined) return { ok: false, summary: 'There is no stored proxy password to keep: give the password itself', field: 'proxy_password', code: 2 };
    pw = stored;
  }
  return { args: [...args, '--proxy-user', want.proxy_user], stdin: `${pw}\n` };
}

async function applyCallhome(ctx: Ctx, want: CallhomeSettings, have: CallhomeSettings, io: Io): Promise<Outcome> {
  const done: string[] = [];
  const step = (o: Outcome, what: string): Outcome | undefined => {
    if (!o.ok) return { ...o, summary: `${what}: ${o.summary}${done.length ? ` (already applied: ${done.join(', ')})` : ''}` };
    done.push(what);
    return undefined;
  };
  if (CONFIG.some((k) => differs(want[k], have[k]))) {
    if (want.host === '') return { ok: false, summary: 'The Call-Home host cannot be unset', field: 'host', code: 2 };
    const call = await configCall(ctx, want);
    if ('ok' in call) return call;
    const r = await run(ctx.runner, scripts.set, call.args, { ...(call.stdin !== undefined ? { stdin: call.stdin } : {}), onLine: io.line, survive: true });
    const bad = step(outcomeOf(r, 'configuration'), 'configuration');
    if (bad) return bad;
  }
  if (differs(want.partner, have.partner)) {
    const p = want.partner;
    const args = p.enabled ? ['--host', p.host, '--port', p.port] : ['--disable'];
    const bad = step(outcomeOf(await run(ctx.runner, scripts.partner, args, { onLine: io.line, survive: true }), 'partner'), 'partner connection');
    if (bad) return bad;
  }
  if (want.enabled !== have.enabled) {
    const bad = step(await switchCallhome(ctx, want.enabled, io), want.enabled ? 'enabled' : 'disabled');
    if (bad) return bad;
  }
  return { ok: true, summary: `Call-Home: ${done.join(', ')}`, data: { changed: done.length > 0 } };
}

export const callhomeSettings = area({
  id: 'callhome',
  title: 'Call-Home and partner connection',
  profiles: ['appliance'],
  secrets: ['proxy_password'],
  schema: CallhomeSettings,
  async read(ctx, secrets) {
    const s = await callhomeState(ctx);
    const out: CallhomeSettings = {
      enabled: s.enabled,
      host: s.host,
      port: s.port === '443' ? '443' : '22',
      ssl: s.ssl,
      proxy: s.proxy || 'none',
      user: s.user,
      proxy_user: s.proxy_user,
      partner: s.partner.enabled ? { enabled: true, host: s.partner.host, port: s.partner.port } : { enabled: false },
    };
    if (s.proxy_user) {
      const pw = (await readTextIfExists(proxySecret(ctx)))?.replace(/\n$/, '');
      if (pw !== undefined) out.proxy_password = secrets ? pw : describeSecret(pw, await fingerprintKey(ctx));
    }
    return out;
  },
  apply: applyCallhome,
});
