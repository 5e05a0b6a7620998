// NTP settings (manual ch. 4 "Configure NTP settings"): view, change with a real test.
import { ntpServers } from '../validators.js';
import { readSettings } from '../system/settings.js';
import { outcomeOf, type Operation } from './types.js';

const list = (v: string): string[] => {
  const r = ntpServers(v);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

export const ntpShow: Operation = {
  async show(ctx) {
    const s = await readSettings(ctx.paths.settingsIni);
    if (s.ntp.servers.length === 0) return { kind: 'text', title: 'Current NTP servers', text: 'No NTP servers are set.' };
    return {
      kind: 'table',
      title: 'Current NTP servers',
      columns: ['#', 'NTP server'],
      rows: s.ntp.servers.map((x, i) => [String(i + 1), x]),
    };
  },
};

export const ntpSet: Operation = {
  async read(ctx) {
    const s = await readSettings(ctx.paths.settingsIni);
    return { servers: s.ntp.servers.join(' ') };
  },
  async test(ctx, values, io) {
    const servers = list(values.servers ?? '');
    const r = await ctx.runner.script('test_ntp.sh', servers, { onLine: io.line, ...(io.signal ? { signal: io.signal } : {}) });
    const results = Array.isArray(r.result.results) ? r.result.results : [];
    const good = results.filter((x) => (x as { ok?: boolean }).ok === true).length;
    const o = outcomeOf(r, `All ${servers.length} NTP server(s) answered`);
    if (r.exitCode === 5) return { ...o, summary: `${good} of ${servers.length} NTP server(s) answered` };
    return o;
  },
  async apply(ctx, values, io) {
    const servers = list(values.servers ?? '');
    const r = await ctx.runner.script('set_ntp.sh', servers, { onLine: io.line, survive: true });
    return outcomeOf(r, `NTP servers set: ${servers.join(' ')}`);
  },
};
