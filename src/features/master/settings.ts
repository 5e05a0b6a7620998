// The vSensor's master connection as an area of the settings document (issue 15), and the
// connection's schema the appliance's topology area shares (a probe's connection is the same).
import { z } from 'zod';
import type { Ctx, Io, Outcome } from '../../core/types.js';
import { masterHost, proxyUrl } from '../../rules/master.js';
import { hmacToken, pushToken } from '../../rules/tokens.js';
import { readSettings, type Settings } from '../../system/settings.js';
import { area, ruled, secret, secretToSend, storedSecret, type SecretRef } from '../../settings/area.js';
import { masterPull, masterPush, masterPushToken } from './index.js';

export const PUSH_TOKEN_FILE = '/etc/confconsole/secrets/push_token';
export const PULL_HMAC_FILE = '/etc/confconsole/secrets/pull_hmac';

/** A master connection: Push Token (host, optional proxy, the token), Pull (the HMAC token) or Push (legacy: host). Manual ch. 7. */
export const Connection = z.lazy(() => z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('push-token'), host: ruled(masterHost), proxy: ruled(proxyUrl), token: secret(pushToken) }),
  z.strictObject({ mode: z.literal('pull'), token: secret(hmacToken) }),
  z.strictObject({ mode: z.literal('push'), host: ruled(masterHost) }),
]));
export type Connection = z.infer<typeof Connection>;

/** The connection appliance.ini's [master] and the secret files describe; undefined when none is set. */
export async function readConnection(ctx: Ctx, m: Settings['master'], secrets: boolean): Promise<Connection | undefined> {
  switch (m.mode) {
    case 'push-token':
      return { mode: 'push-token', host: m.host, proxy: m.proxy, token: (await storedSecret(ctx, PUSH_TOKEN_FILE, secrets)) ?? '' };
    case 'pull':
      return { mode: 'pull', token: (await storedSecret(ctx, PULL_HMAC_FILE, secrets)) ?? '' };
    case 'push':
      return { mode: 'push', host: m.host };
    default:
      return undefined;
  }
}

/** The token to send for `c` (its value, or the stored one when described); a refusal when none is stored. */
export async function connectionToken(ctx: Ctx, c: { mode: Connection['mode']; token?: string | SecretRef }): Promise<{ token: string } | Outcome> {
  if (c.mode === 'push') return { token: '' };
  const token = await secretToSend(ctx, c.token, c.mode === 'push-token' ? PUSH_TOKEN_FILE : PULL_HMAC_FILE);
  if (token === undefined) return { ok: false, code: 2, field: 'token', summary: 'No stored token of this mode to keep: give the token itself' };
  return { token };
}

const MasterSettings = z.lazy(() => z.union([z.strictObject({ mode: z.literal('none') }), Connection]));

export const masterSettings = area({
  id: 'master',
  title: 'Master connection',
  profiles: ['vsensor'],
  secrets: ['token'],
  schema: MasterSettings,
  async read(ctx, secrets) {
    return (await readConnection(ctx, (await readSettings(ctx.paths.settingsIni)).master, secrets)) ?? { mode: 'none' as const };
  },
  async check(_ctx, want) {
    // no script unsets a connection: a vSensor always sends its data somewhere once set
    const errors: Record<string, string> = {};
    if (want.mode === 'none') errors.mode = 'a master connection cannot be removed, only changed (push-token, pull or push)';
    return errors;
  },
  async apply(ctx, want, _have, io: Io) {
    if (want.mode === 'none') return { ok: false, code: 2, field: 'mode', summary: 'a master connection cannot be removed' };
    const t = await connectionToken(ctx, want);
    if ('ok' in t) return t;
    if (want.mode === 'push-token') return masterPushToken.apply(ctx, { token: t.token, host: want.host, proxy: want.proxy }, io);
    if (want.mode === 'pull') return masterPull.apply(ctx, { token: t.token }, io);
    return masterPush.apply(ctx, { host: want.host }, io);
  },
});
