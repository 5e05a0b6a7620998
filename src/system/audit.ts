// Reads the audit log that the sbin/ scripts append to (JSON lines: who, when, what, result).
import { z } from 'zod';
import { readTextIfExists } from './files.js';

export const AuditEntry = z.lazy(() => z.object({
  time: z.string(),
  user: z.string(),
  tty: z.string(),
  script: z.string().optional(),
  action: z.string(),
  detail: z.string(),
  result: z.string(),
}));
export type AuditEntry = z.infer<typeof AuditEntry>;

/** The entries of the audit log (none when it does not exist yet); lines of another shape are skipped. Throws a Problem naming the file when it cannot be read. */
export async function readAudit(file: string): Promise<AuditEntry[]> {
  return ((await readTextIfExists(file)) ?? '')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        const r = AuditEntry.safeParse(JSON.parse(l));
        return r.success ? [r.data] : [];
      } catch {
        return [];
      }
    });
}

/** An audit entry as a person reads it: time, who@tty, action, result, detail. */
export const formatAuditEntry = (e: AuditEntry): string =>
  `${e.time.replace('T', ' ').replace('Z', '')}  ${e.user}@${e.tty.replace('/dev/', '')}  ${e.action}  ${e.result}  ${e.detail}`;

/** One line of the log as a person reads it (the pager shows the log this way); other lines as they are. */
export function formatAuditLine(line: string): string {
  try {
    const r = AuditEntry.safeParse(JSON.parse(line));
    return r.success ? formatAuditEntry(r.data) : line;
  } catch {
    return line;
  }
}
