// The NTP area of the settings document (issue 15): the servers `ntp set` manages, applied by
// the same script as the menu's Change NTP servers.
import { z } from 'zod';
import { MAX_NTP_SERVERS, ntpServers } from '../../rules/ntp.js';
import { area } from '../../settings/area.js';
import { currentNtpServers, ntpSet } from './index.js';

/** `{servers: [...]}`: 1-8 servers in the forms `ntp set` takes (host, IP, HOST:PORT, pool:NAME), each checked by the NTP rule. */
export const NtpSettings = z.lazy(() => z.strictObject({
  servers: z
    .array(z.string())
    .min(1, 'at least one NTP server')
    .max(MAX_NTP_SERVERS, `at most ${MAX_NTP_SERVERS} NTP servers`)
    .superRefine((list, c) => {
      list.forEach((s, i) => {
        // an entry is one server: its words are not checked one by one (that would name half of it)
        if (/\s/.test(s.trim())) return c.addIssue({ code: 'custom', path: [i], message: `"${s}": one server per entry, and a server has no spaces` });
        const r = ntpServers(s);
        if (!r.ok) c.addIssue({ code: 'custom', path: [i], message: r.message });
      });
      // across entries (a server twice); the count is said by min/max above
      const all = ntpServers(list.join(' '));
      if (!all.ok && list.length >= 1 && list.length <= MAX_NTP_SERVERS && list.every((s) => !/\s/.test(s.trim()) && ntpServers(s).ok)) c.addIssue({ code: 'custom', message: all.message });
    })
    // canonical forms, as set_ntp.sh stores them, so that what is in place compares equal
    .transform((list) => list.flatMap((s) => (ntpServers(s) as { ok: true; value: string[] }).value)),
}));

export const ntpSettings = area({
  id: 'ntp',
  title: 'NTP servers',
  profiles: ['appliance', 'vsensor'],
  schema: NtpSettings,
  async read(ctx) {
    return { servers: await currentNtpServers(ctx) };
  },
  async apply(ctx, want, _have, io) {
    return ntpSet.apply(ctx, { servers: want.servers.join(' ') }, io);
  },
});
