// Appliance Admin > Appliance information, and what each console's welcome screen adds: the
// vSensor's packet capture, and the network rollbacks since the last login.
import type { Ctx, Op } from '../../core/types.js';
import type { Command } from '../../commands/types.js';
import type { Item, Profile } from '../../menu/types.js';
import { readTextIfExists } from '../../system/files.js';
import { EXIT } from '../../system/runner.js';
import { readSettings } from '../../system/settings.js';
import { version } from '../../version.js';
import { describePcap, pcapSize } from '../pcap/index.js';

/** The appliance's host name (etc/hostname under the root), 'localhost' when there is none. */
export async function hostnameOf(file: string): Promise<string> {
  try {
    return ((await readTextIfExists(file)) ?? '').trim() || 'localhost';
  } catch {
    return 'localhost'; // the title bar must not fail for it; the information screen says why
  }
}

/** What this appliance is, read once: the command's JSON, and the screen's rows below. */
async function info(ctx: Ctx) {
  const s = await readSettings(ctx.paths.settingsIni);
  const hostname = ((await readTextIfExists(ctx.paths.hostname)) ?? '').trim();
  return { hostname: hostname || null, profile: s.appliance.profile, demo: s.appliance.demo, root: ctx.paths.root, ntp_servers: s.ntp.servers, services: s.services.names, version };
}

/** The rows of Appliance information: [setting, value]. */
function infoRows(i: Awaited<ReturnType<typeof info>>): [string, string][] {
  return [
    ['Host name', i.hostname ?? '(not set)'],
    ['Console', i.profile === 'vsensor' ? 'vSensor' : 'Master/probe appliance'],
    ['Demo appliance', i.demo ? `yes (files in ${i.root})` : 'no'],
    ['NTP servers', i.ntp_servers.join(' ') || '(none)'],
    ['Services', i.services.join(' ') || '(none)'],
    ['confconsole', i.version],
  ];
}

export const applianceInfo: Op<'show'> = {
  id: 'appliance.info',
  async show(ctx) {
    return { kind: 'table', title: 'Appliance information', columns: ['Setting', 'Value'], rows: infoRows(await info(ctx)) };
  },
};

export const infoItem = (key: string): Item => ({ key, label: 'Appliance information', help: 'Host name, console type and current settings.', flow: { kind: 'view', op: applianceInfo } });

/** What the welcome screen of each console adds to its text (the network's notice is the tree's own: Tree.notice). */
export const welcomeStatus = (profile: Profile): Op<'show'> => ({
  id: `${profile}.welcome`,
  async show(ctx) {
    return { kind: 'text', text: profile === 'vsensor' ? describePcap(await pcapSize(ctx)) : '' };
  },
});

export const commands: Command[] = [
  {
    path: ['appliance', 'info'],
    summary: 'what this appliance is: host name, console, settings, version',
    covers: [applianceInfo],
    anyProfile: true,
    async run(ctx, _in, out) {
      const data = await info(ctx);
      out.print(data, infoRows(data).map(([k, v]) => `${k.padEnd(16)} ${v}`).join('\n'));
      return EXIT.ok;
    },
  },
];
