// Reads the audit log that the sbin/ scripts append to (JSON lines: who, when, what, result).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const AuditEntry = z.object({
  time: z.string(),
  user: z.string(),
  tty: z.string(),
  script: z.string().optional(),
  action: z.string(),
  detail: z.string(),
  result: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export async function readAudit(file: string): Promise<AuditEntry[]> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return text
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

/** One audit line as a person reads it (the pager shows the log this way). */
export function formatAuditLine(line: string): string {
  try {
    const r = AuditEntry.safeParse(JSON.parse(line));
    if (!r.success) return line;
    const e = r.data;
    return `${e.time.replace('T', ' ').replace('Z', '')}  ${e.user}@${e.tty.replace('/dev/', '')}  ${e.action}  ${e.result}  ${e.detail}`;
  } catch {
    return line;
  }
}
