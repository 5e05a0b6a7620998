// Call-Home's scripts and their results, typed once (callhome.sh, set_callhome.sh,
// set_partner.sh), and how its settings and its five checks are said to a person.
import { z } from 'zod';
import type { Ctx } from '../../core/types.js';
import { Problem } from '../../core/problem.js';
import { run, script } from '../../system/runner.js';

export const CallhomeStateSchema = z.lazy(() => z
  .object({
    enabled: z.boolean(),
    host: z.string(),
    port: z.string(),
    ssl: z.boolean(),
    proxy: z.string(),
    user: z.string(),
    proxy_user: z.string(),
    /** Where the default configuration points ([callhome] default_host). */
    default_host: z.string(),
    hostname: z.string(),
    ports: z.object({ ssh: z.number(), https: z.number() }).nullable(),
    key: z.boolean(),
    partner: z.object({ enabled: z.boolean(), host: z.string(), port: z.string() }),
  })
  .loose());
export type CallhomeState = z.infer<typeof CallhomeStateSchema>;

/** One of the manual's five status rows; `skip`: the check was not made (and says why). */
export const RowSchema = z.lazy(() => z.object({ check: z.string(), status: z.enum(['ok', 'fail', 'skip']), detail: z.string(), advice: z.string() }).loose());
export type Row = z.infer<typeof RowSchema>;
export const StatusSchema = z.lazy(() => z.object({ enabled: z.boolean(), rows: z.array(RowSchema) }).loose());

export const scripts = {
  show: script('callhome.sh', CallhomeStateSchema),
  status: script('callhome.sh', StatusSchema),
  switch: script('callhome.sh', z.lazy(() => z.object({ enabled: z.boolean(), restarted: z.boolean().optional() }).loose())),
  clear: script('callhome.sh', z.lazy(() => z.object({ cleared: z.boolean() }).loose())),
  pubkey: script('callhome.sh', z.lazy(() => z.object({ pubkey: z.string() }).loose())),
  ports: script('callhome.sh', z.lazy(() => z.object({ hostname: z.string(), ssh: z.number(), https: z.number() }).loose())),
  set: script('set_callhome.sh', z.lazy(() => z.object({ changed: z.boolean(), restarted: z.boolean(), host: z.string().optional() }).loose())),
  partner: script('set_partner.sh', z.lazy(() => z.object({ enabled: z.boolean() }).loose())),
};

export async function callhomeState(ctx: Ctx): Promise<CallhomeState> {
  const r = await run(ctx.runner, scripts.show, ['show']);
  if (!r.ok) throw new Problem(`Cannot read the Call-Home settings: ${r.error}`);
  return r.value;
}

export function transport(s: Pick<CallhomeState, 'ssl' | 'proxy' | 'proxy_user'>): string {
  const wrap = s.ssl ? 'SSH wrapped in SSL' : 'SSH';
  return s.proxy && s.proxy !== 'none' ? `${wrap} through the proxy ${s.proxy}${s.proxy_user ? ` (as ${s.proxy_user})` : ''}` : wrap;
}

export function describeCallhome(s: CallhomeState): string {
  return [
    `Call-Home is ${s.enabled ? 'enabled' : 'disabled'}.`,
    `Host: ${s.host || '(not set)'}, port ${s.port}: ${transport(s)}`,
    `Partner connection: ${s.partner.enabled ? `${s.partner.host}, port ${s.partner.port}` : 'none'}`,
  ].join('\n');
}

/** The status rows as the manual shows them: OK / FAIL / SKIP, the advice under each FAIL. */
export function statusLines(rows: Row[]): string[] {
  const lines: string[] = [];
  for (const r of rows) {
    const tag = { ok: '  OK ', fail: 'FAIL ', skip: 'SKIP ' }[r.status];
    lines.push(`${tag} ${r.check}${r.status === 'skip' ? ` (${r.detail})` : ''}`);
    if (r.status === 'fail') lines.push(`      ${r.detail}`, `      -> ${r.advice}`);
  }
  return lines;
}

/** The verdict under the rows: what they add up to. */
export function statusVerdict(rows: Row[]): string {
  if (rows.some((r) => r.status === 'fail')) return 'Not calling home: check the FAIL rows (and the firewall rule).';
  const skipped = rows.filter((r) => r.status === 'skip').length;
  if (skipped > 0) return `Every check made passed; ${skipped} of ${rows.length} were not made (SKIP), so the connection itself is not proven.`;
  return `All ${rows.length} rows read OK: the appliance is calling home.`;
}
