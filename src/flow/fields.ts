// A form's fields as pure functions: which are in play, and what the typed values are worth.
import type { Values } from '../core/types.js';
import type { Field } from '../menu/types.js';

/** Whether a field is in play: its `when` holds (and the field it depends on is in play too). */
export function fieldActive(fields: Field[], values: Values, name: string): boolean {
  const f = fields.find((x) => x.name === name);
  if (!f?.when) return true;
  return f.when.is.includes(values[f.when.field] ?? '') && fieldActive(fields, values, f.when.field);
}

export type Validation = { ok: true; values: Values; warnings: string[] } | { ok: false; errors: Record<string, string> };

/**
 * Checks every field in play with its rule → the normalised values and the rules' warnings,
 * or a message per field in error. Fields not in play are neither checked nor kept.
 */
export function validateFields(fields: Field[], values: Values): Validation {
  const out: Values = {};
  const errors: Record<string, string> = {};
  const warnings: string[] = [];
  for (const f of fields) {
    if (!fieldActive(fields, values, f.name)) continue;
    const v = values[f.name] ?? '';
    if (f.choices) {
      if (f.choices.some((c) => c.value === v)) out[f.name] = v;
      else errors[f.name] = `Choose one of: ${f.choices.map((c) => c.label).join(', ')}`;
    } else if (f.same !== undefined) {
      // typed twice: the second must match the first, as typed
      if (v.trim() !== (values[f.same] ?? '').trim()) errors[f.name] = 'The two entries differ: type the same value twice';
      else out[f.name] = out[f.same] ?? (values[f.same] ?? '').trim();
    } else if (f.rule) {
      const r = f.rule(v);
      if (r.ok) {
        out[f.name] = r.value;
        if (r.warning) warnings.push(`${f.short ?? f.label}: ${r.warning}`);
      } else errors[f.name] = r.message;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values: out, warnings };
}

/** The values a form starts with: current ones, a secret never put back, a choice always valid. */
export function prefill(fields: Field[], current: Values): Values {
  const values: Values = {};
  for (const f of fields) {
    const v = current[f.name] ?? '';
    values[f.name] = f.masked ? '' : f.choices && !f.choices.some((c) => c.value === v) ? (f.choices[0]?.value ?? '') : v;
  }
  return values;
}
