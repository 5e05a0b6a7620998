// NTP settings (manual ch. 4 "Configure NTP settings"): view, change with a real test.
import { readFile } from 'node:fs/promises';
import { formatNtpServer, ntpServers } from '../validators.js';
import type { Paths } from '../system/paths.js';
import { readSettings } from '../system/settings.js';
import { outcomeOf, type Operation } from './types.js';

/** `server`/`pool` lines of a chrony.conf, in the console's notation. */
export function chronyServers(conf: string): string[] {
  const out: string[] = [];
  for (const line of conf.split('\n')) {
    const m = /^\s*(?:server|pool)\s+(\S+)(.*)$/.exec(line);
    if (!m) continue;
    const port = /\bport\s+(\d+)/.exec(m[2] ?? '');
    out.push(formatNtpServer(port ? { host: m[1] ?? '', port: Number(port[1]) } : { host: m[1] ?? '' }));
  }
  return out;
}

/**
 * The NTP servers: the appliance settings once confconsole has set them; before that (a
 * fresh appliance) what chrony is configured with, so the first view is not empty.
 */
export async function currentNtpServers(paths: Paths): Promise<string[]> {
  const s = await readSettings(paths.settingsIni);
  if (s.ntp.servers.length > 0) return s.ntp.servers;
  try {
    return chronyServers(await readFile(paths.chronyConf, 'utf8'));
  } catch {
    return [];
  }
}

const list = (v: string): string[] => {
  const r = ntpServers(v);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

export const ntpShow: Operation = {
  async show(ctx) {
    const servers = await currentNtpServers(ctx.paths);
    if (servers.length === 0) return { kind: 'text', title: 'Current NTP servers', text: 'No NTP servers are set.' };
    return {
      kind: 'table',
      title: 'Current NTP servers',
      columns: ['#', 'NTP server'],
      rows: servers.map((x, i) => [String(i + 1), x]),
    };
  },
};

export const ntpSet: Operation = {
  async read(ctx) {
    return { servers: (await currentNtpServers(ctx.paths)).join(' ') };
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
