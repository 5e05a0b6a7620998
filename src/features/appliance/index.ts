// Appliance Admin > Appliance information and Restore settings, and what each console's welcome
// screen adds: a damaged settings file, the vSensor's packet capture, and the network rollbacks
// since the last login.
import { readFile, stat } from 'node:fs/promises';
import type { Ctx, Op } from '../../core/types.js';
import type { Command } from '../../commands/types.js';
import type { Item, Profile } from '../../menu/types.js';
import { report, str, UsageError } from '../../commands/output.js';
import { fileCause, readTextIfExists } from '../../system/files.js';
import { EXIT, run, script } from '../../system/runner.js';
import { Problem } from '../../core/problem.js';
import { z } from 'zod';
import { parseIni, readSettings, SettingsProblem } from '../../system/settings.js';
import { lastGoodCopy, noCopyText, restoreCopy, restoreReview, restoreSettings } from './restore.js';
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

/** The services this appliance runs and its role, as restart_services.sh restarts them (lib/role.sh owns the lists). */
const serviceList = script('restart_services.sh', z.lazy(() => z.object({ role: z.enum(['master', 'probe', '']), services: z.array(z.string()) }).loose()));

/** What this appliance is, read once: the command's JSON, and the screen's rows below. */
async function info(ctx: Ctx) {
  const s = await readSettings(ctx.paths.settingsIni);
  const hostname = ((await readTextIfExists(ctx.paths.hostname)) ?? '').trim();
  const listed = await run(ctx.runner, serviceList, ['--list']);
  if (!listed.ok) throw new Problem(`The services are not known: ${listed.error}`);
  const role = listed.value.role || null;
  return {
    hostname: hostname || null,
    profile: s.appliance.profile,
    // the master/probe appliance's role (manual ch. 10); null on a vSensor
    role,
    master: role === 'probe' ? s.master.host || null : null,
    demo: s.appliance.demo,
    root: ctx.paths.root,
    ntp_servers: s.ntp.servers,
    services: listed.value.services,
    version,
  };
}

/** The rows of Appliance information: [setting, value]. */
function infoRows(i: Awaited<ReturnType<typeof info>>): [string, string][] {
  return [
    ['Host name', i.hostname ?? '(not set)'],
    ['Console', i.profile === 'vsensor' ? 'vSensor' : 'Master/probe appliance'],
    ...(i.role ? [['Role', i.role === 'probe' ? `probe of the master ${i.master ? `https://${i.master}` : '(not set)'}` : 'master'] as [string, string]] : []),
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

/**
 * The command areas that work without appliance.ini (the network, power, diagnostics, the audit
 * log, and restoring the settings): a damaged settings file must not lock the operator out of
 * them. Their scripts skip the settings check too (sbin/lib/ini.sh ini_guard).
 */
export function worksWithoutSettings(path: string[]): boolean {
  return ['network', 'power', 'audit'].includes(path[0] ?? '') || path.join(' ') === 'appliance restore-settings';
}

/** What the first screen says when appliance.ini is damaged or unreadable: the file, the line, what to do. */
export async function settingsNotice(ctx: Ctx, profile: Profile): Promise<string> {
  try {
    await readSettings(ctx.paths.settingsIni);
    return '';
  } catch (e) {
    if (!(e instanceof SettingsProblem)) throw e;
    const copy = await lastGoodCopy(ctx).catch(() => undefined);
    return [
      `THE SETTINGS FILE CANNOT BE READ: ${ctx.paths.settingsIni}${e.line > 0 ? ` line ${e.line}` : ''}: ${e.why}.`,
      'Networking, power and the audit log work; the areas that need the settings refuse until it is fixed, and nothing is written over it.',
      // the console type is a setting too: say which one is shown without it
      `This is shown as the ${profile === 'vsensor' ? 'vSensor' : 'master/probe appliance'} console; if this is ${profile === 'vsensor' ? 'a master/probe appliance' : 'a vSensor'}, start confconsole --profile ${profile === 'vsensor' ? 'appliance' : 'vsensor'}.`,
      copy
        ? `Fix that line by hand, or put back the last good copy (${copy.time}): Appliance Admin > Restore settings, or confconsole appliance restore-settings.`
        : `Fix it by hand: there is no good copy in ${ctx.paths.under('/var/backups/confconsole')} to put back.`,
    ].join('\n');
  }
}

/** What the welcome screen of each console adds to its text (the network's notice is the tree's own: Tree.notice). */
export const welcomeStatus = (profile: Profile): Op<'show'> => ({
  id: `${profile}.welcome`,
  async show(ctx) {
    const damaged = await settingsNotice(ctx, profile);
    // the capture size lives in the settings: with them damaged, the notice above says why it is not shown
    const pcap = profile === 'vsensor' && !damaged ? describePcap(await pcapSize(ctx)) : '';
    return { kind: 'text', text: [damaged, pcap].filter(Boolean).join('\n\n') };
  },
});

/** Appliance Admin > Restore settings (a backup of appliance.ini, reviewed first). */
export const restoreItem = (key: string): Item => ({
  key,
  label: 'Restore settings',
  help: 'Put the last good copy of the settings file (appliance.ini) back from var/backups/confconsole; shows the copy and what changes first.',
  flow: { kind: 'do', op: restoreSettings, confirm: 'ask', progress: 'Restoring the settings' },
});

export const commands: Command[] = [
  {
    path: ['appliance', 'restore-settings'],
    summary: 'put the last good copy of appliance.ini back (shows it first; --yes to restore)',
    more: [
      'Without --yes: which copy of var/backups/confconsole would come back, and the lines that change; nothing is changed.',
      '--yes: put it back (the file it replaces is kept among the backups). --backup FILE: that copy instead of the newest good one.',
    ],
    options: {
      yes: { type: 'boolean', help: 'restore it (after reading the review)' },
      backup: { type: 'string', value: 'FILE', help: 'a copy in var/backups/confconsole (default: the newest that reads)' },
    },
    covers: [restoreSettings],
    anyProfile: true,
    async run(ctx, { opts }, out) {
      const newest = await lastGoodCopy(ctx);
      const asked = str(opts.backup);
      const copy = asked === undefined ? newest : await copyAt(ctx, asked);
      if (!copy) {
        out.print({ ok: false, code: EXIT.fail, error: 'no good copy' }, await noCopyText(ctx));
        return EXIT.fail;
      }
      const review = await restoreReview(ctx, copy);
      if (opts.yes !== true) {
        out.print({ ok: true, restored: false, backup: copy.path, time: copy.time, values: copy.sections, diff: review.diff }, `${review.text}\n\nNothing was changed: run again with --yes to put this copy back.`);
        return EXIT.ok;
      }
      if (!out.json) process.stderr.write(`${review.text}\n\n`);
      return report(out, await restoreCopy(ctx, copy.path, out.progress));
    },
  },
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

/** The copy at `path` for --backup, read one way only; a UsageError about --backup when not. */
async function copyAt(ctx: Ctx, path: string) {
  try {
    const st = await stat(path);
    return { path, time: st.mtime.toISOString(), sections: parseIni(await readFile(path), path) };
  } catch (e) {
    if (e instanceof SettingsProblem) throw new UsageError(`that copy cannot be read one way only either: ${path}${e.line ? ` line ${e.line}` : ''}: ${e.why}`, undefined, 'backup');
    throw new UsageError(`cannot read ${path}: ${fileCause(e)}`, undefined, 'backup');
  }
}
