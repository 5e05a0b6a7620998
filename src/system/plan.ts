// The review's plan: a script run with --dry-run checks and normalises the values exactly as it
// would for the change and answers what it would store (sbin/lib/secrets.sh plan_row,
// plan_secret, plan_print). The console's review is built from that answer, not from the form,
// so it shows what will be stored, and only that (one normaliser: the script's).
import { z } from 'zod';
import type { Checked, ReviewRow } from '../core/types.js';
import { script, type Ran } from './runner.js';

const PlanRowSchema = z.lazy(() => z
  .object({
    key: z.string(),
    old: z.string(),
    new: z.string(),
    /** What happens to a stored secret (old and new are then masks, "" for none). */
    secret: z.enum(['new', 'same', 'kept', 'removed']).optional(),
  })
  .loose());
export type PlanRow = z.infer<typeof PlanRowSchema>;
export const PlanSchema = z.lazy(() => z.object({ dry_run: z.literal(true), changed: z.boolean(), rows: z.array(PlanRowSchema) }).loose());
export type Plan = z.infer<typeof PlanSchema>;

/** A script's --dry-run answer, typed (the same script as the change). */
export const planOf = (name: string) => script(name, PlanSchema);

/** How one key of a plan is said: its label, and how its values read (default: as they are). */
export interface PlanLabel {
  label: string;
  value?: (v: string) => string;
}

/**
 * A plan as review rows, in its order: each key by its label, its values by `value`; a secret
 * by its mask and what happens to it ("(new)", "kept, not used", "removed"). A key without a
 * label is a bug (the script answers a key the console does not know): it is shown as the key.
 */
export function planRows(plan: Plan, labels: Record<string, PlanLabel>): ReviewRow[] {
  return plan.rows.map((r) => {
    const l = labels[r.key] ?? { label: r.key };
    const show = (v: string) => (v === '' ? '' : (l.value ?? ((x: string) => x))(v));
    switch (r.secret) {
      case 'new':
        return { label: l.label, old: show(r.old), new: `${show(r.new)} (new)` };
      case 'kept':
        return { label: l.label, old: show(r.old), new: `${show(r.new)} (kept, not used)` };
      case 'removed':
        return { label: l.label, old: show(r.old), new: '(removed)' };
      default:
        return { label: l.label, old: show(r.old), new: show(r.new) };
    }
  });
}

/**
 * A form's check through the script's --dry-run: its refusal goes under the field it names
 * (`fields` maps the script's option names to the form's), its plan becomes the review.
 */
export function checkedByPlan(r: Ran<Plan>, labels: Record<string, PlanLabel>, fields: Record<string, string>, fallback: string): Checked {
  if (!r.ok) return { errors: { [(r.field !== undefined ? fields[r.field] : undefined) ?? fallback]: r.error } };
  return { errors: {}, review: planRows(r.value, labels) };
}
