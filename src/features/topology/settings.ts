// The appliance's role as an area of the settings document (issue 15): master, or probe with
// its master connection (the vSensor's connection schema) and the Advanced Search choice;
// applied by set_topology.sh through the menu's operations (manual ch. 10).
import { z } from 'zod';
import { readSettings } from '../../system/settings.js';
import { masterHost, proxyUrl } from '../../rules/master.js';
import { hmacToken, pushToken } from '../../rules/tokens.js';
import { area, ruled, secret, storedSecret } from '../../settings/area.js';
import { connectionToken, PULL_HMAC_FILE, PUSH_TOKEN_FILE } from '../master/settings.js';
import { changeMaster, convertToMaster, convertToProbe } from './index.js';

/** A probe's master connection: the vSensor's modes, and the master's address in every mode (ch. 10 step 7). */
const ProbeConnection = z.lazy(() => z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('push-token'), host: ruled(masterHost), proxy: ruled(proxyUrl), token: secret(pushToken) }),
  z.strictObject({ mode: z.literal('pull'), host: ruled(masterHost), token: secret(hmacToken) }),
  z.strictObject({ mode: z.literal('push'), host: ruled(masterHost) }),
]));

const TopologySettings = z.lazy(() => z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('master') }),
  z.strictObject({ role: z.literal('probe'), master: ProbeConnection, retain_search: z.boolean() }),
]));

export const topologySettings = area({
  id: 'topology',
  title: 'Topology (master or probe)',
  profiles: ['appliance'],
  secrets: ['master.token'],
  schema: TopologySettings,
  async read(ctx, secrets) {
    const s = await readSettings(ctx.paths.settingsIni);
    if (s.topology.role !== 'probe') return { role: 'master' as const };
    const m = s.master;
    const retain_search = s.topology.retain_search !== 'no';
    if (m.mode === 'push-token') return { role: 'probe' as const, master: { mode: m.mode, host: m.host, proxy: m.proxy, token: (await storedSecret(ctx, PUSH_TOKEN_FILE, secrets)) ?? '' }, retain_search };
    if (m.mode === 'pull') return { role: 'probe' as const, master: { mode: m.mode, host: m.host, token: (await storedSecret(ctx, PULL_HMAC_FILE, secrets)) ?? '' }, retain_search };
    return { role: 'probe' as const, master: { mode: 'push' as const, host: m.host }, retain_search };
  },
  async apply(ctx, want, have, io) {
    if (want.role === 'master') return convertToMaster.apply(ctx, {}, io);
    const t = await connectionToken(ctx, want.master);
    if ('ok' in t) return { ...t, field: `master.${t.field}` };
    const m = want.master;
    const values = {
      mode: m.mode,
      host: m.host,
      proxy: m.mode === 'push-token' ? m.proxy : '',
      retainSearch: want.retain_search ? 'yes' : 'no',
      pushToken: m.mode === 'push-token' ? t.token : '',
      pullToken: m.mode === 'pull' ? t.token : '',
    };
    return (have.role === 'probe' ? changeMaster : convertToProbe).apply(ctx, values, io);
  },
});
