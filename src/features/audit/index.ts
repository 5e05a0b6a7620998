// Appliance Admin > View audit log: every change made through the console or its scripts (who,
// when, what, result), as the scripts append it (JSON lines, sbin/lib/core.sh `audit`).
import type { Op } from '../../core/types.js';
import { formatAuditEntry, readAudit } from '../../system/audit.js';
import type { Command } from '../../commands/types.js';
import type { Item } from '../../menu/types.js';
import { EXIT } from '../../system/runner.js';

export const auditView: Op<'show'> = {
  id: 'audit.view',
  async show(ctx) {
    return { kind: 'file', title: 'Audit log', path: ctx.paths.auditLog, format: 'audit', empty: 'No changes have been made yet.' };
  },
};

export const auditItem = (key: string): Item => ({
  key,
  label: 'View audit log',
  help: 'Every change made through the console or its scripts: who, when, what, result.',
  flow: { kind: 'view', op: auditView },
});

export const commands: Command[] = [
  {
    path: ['audit', 'show'],
    summary: 'the audit log: every change, who made it, when, and its result',
    covers: [auditView],
    anyProfile: true,
    async run(ctx, _in, out) {
      const entries = await readAudit(ctx.paths.auditLog);
      out.print({ entries }, entries.length ? entries.map(formatAuditEntry).join('\n') : 'No changes have been made yet.');
      return EXIT.ok;
    },
  },
];
