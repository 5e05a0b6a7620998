// Appliance Admin: what this appliance is, and the audit log of changes.
import { readFile } from 'node:fs/promises';
import { readSettings } from '../system/settings.js';
import type { Operation } from './types.js';
import { version } from '../version.js';

export async function hostnameOf(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim() || 'localhost';
  } catch {
    return 'localhost';
  }
}

export const applianceInfo: Operation = {
  async show(ctx) {
    const s = await readSettings(ctx.paths.settingsIni);
    return {
      kind: 'table',
      title: 'Appliance information',
      columns: ['Setting', 'Value'],
      rows: [
        ['Host name', await hostnameOf(ctx.paths.hostname)],
        ['Console', s.appliance.profile === 'vsensor' ? 'vSensor' : 'Master/probe appliance'],
        ['Demo appliance', s.appliance.demo ? `yes (files in ${ctx.paths.root})` : 'no'],
        ['NTP servers', s.ntp.servers.join(' ') || '(none)'],
        ['Services', s.services.names.join(' ') || '(none)'],
        ['confconsole', version],
      ],
    };
  },
};

export const auditView: Operation = {
  async show(ctx) {
    return { kind: 'file', title: 'Audit log', path: ctx.paths.auditLog, format: 'audit', empty: 'No changes have been made yet.' };
  },
};
