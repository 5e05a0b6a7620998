// One Yes/No choice list for every form (backups, Call-Home, updates, topology): the same values,
// labels and letters everywhere; the backups' encryption lists No first (its default) by parameter.
import { describe, expect, it } from 'vitest';
import { yesNoChoices } from '../../src/menu/choices.js';
import { loadTree } from '../../src/menu/trees.js';
import type { Field } from '../../src/menu/types.js';
import { prefill } from '../../src/flow/fields.js';
import { scheduleFields } from '../../src/features/backup/ops.js';

/** Every form field of a tree (walks the typed data; shared subtrees seen once). */
function formFields(root: unknown): Field[] {
  const seen = new Set<unknown>();
  const out: Field[] = [];
  const walk = (x: unknown) => {
    if (!x || typeof x !== 'object' || seen.has(x)) return;
    seen.add(x);
    if (Array.isArray(x)) return x.forEach(walk);
    const o = x as Record<string, unknown>;
    if (Array.isArray(o.fields)) out.push(...(o.fields as Field[]).filter((f) => f && typeof f.name === 'string'));
    Object.values(o).forEach(walk);
  };
  walk(root);
  return out;
}

describe('the shared Yes/No choices', () => {
  it('lists Yes first by default, No first when asked', () => {
    expect(yesNoChoices()).toEqual([{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }]);
    expect(yesNoChoices('no')).toEqual([{ value: 'no', label: 'No' }, { value: 'yes', label: 'Yes' }]);
  });

  it.each(['appliance', 'vsensor'] as const)('every yes/no field of the %s tree is the shared list', (p) => {
    const yn = formFields(loadTree(p)).filter((f) => f.choices?.some((c) => c.value === 'yes') && f.choices.some((c) => c.value === 'no'));
    expect(yn.length).toBeGreaterThanOrEqual(p === 'appliance' ? 3 : 2);
    for (const f of yn) expect([yesNoChoices(), yesNoChoices('no')], f.name).toContainEqual(f.choices);
  });

  it('the backups form keeps No as the encryption default (nothing stored)', () => {
    const encrypt = scheduleFields.find((f) => f.name === 'encrypt')!;
    expect(encrypt.choices).toEqual(yesNoChoices('no'));
    expect(prefill(scheduleFields, {}).encrypt).toBe('no');
    expect(prefill(scheduleFields, { encrypt: 'yes' }).encrypt).toBe('yes');
  });
});
