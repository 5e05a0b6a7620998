// The menu tree is data (menus/*.json). This module says what a valid tree is: zod for the
// shape, then the cross-checks zod cannot express (unique ids, unique hotkeys per menu,
// every operation and validator reference resolves).
import { z } from 'zod';

const id = z.string().regex(/^[a-z][a-z0-9.-]*$/, 'ids are lower-case words joined by . or -');
const hotkey = z.string().regex(/^[0-9a-z]$/, 'a hotkey is one digit or lower-case letter');

export const FieldSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
  label: z.string().min(1),
  /** A short name for the review (the label is a prompt). */
  short: z.string().optional(),
  validator: z.string().min(1),
  masked: z.boolean().optional(),
  /** Must equal the field of this name (a secret typed twice). */
  same: z.string().optional(),
  /** A choice among fixed values (Left/Right or Space to change) instead of typed text. */
  choices: z.array(z.strictObject({ value: z.string(), label: z.string().min(1) })).min(2).optional(),
  /** Shown and checked only while an earlier field has one of these values (huh's groups). */
  when: z.strictObject({ field: z.string(), is: z.array(z.string()).min(1) }).optional(),
  /** F1 on the form lists it under the field's name: every field says what it wants. */
  help: z.string().min(1),
});

export const FlowSchema = z.strictObject({
  /** Operation id in the action registry (src/actions). */
  op: z.string().min(1),
  /** Yes/no question before anything is shown. */
  confirm: z.string().optional(),
  /** An operation whose show() text is the confirmation question (it depends on the state). */
  confirmFrom: z.string().optional(),
  /** The confirmation's default answer is No (for what cannot be undone). */
  defaultNo: z.boolean().optional(),
  /** Fields of the input (one) or form (several), prefilled from op.read(). */
  fields: z.array(FieldSchema).optional(),
  /** op.check() looks at the system (disk, DNS) before going on; its messages go to the fields. */
  check: z.boolean().optional(),
  /** Question that offers op.test() on the entered values. */
  test: z.string().optional(),
  /** Show old vs new before applying. */
  review: z.boolean().optional(),
  /** The review's question (default "Apply this change?"). */
  question: z.string().optional(),
  /** Title of the progress dialog while op.apply() runs. */
  apply: z.string().optional(),
  /** Whether the operator may cancel op.apply() midway (only where it is safe). */
  cancellable: z.boolean().optional(),
  /** Text of the final message after a successful apply. */
  done: z.string().optional(),
  /**
   * Commit-confirmed: when the apply answers with a pending change (data.pending.deadline),
   * the operator confirms it (op `confirm`) or rolls it back (op `rollback`) before the
   * deadline; past it the change has rolled back by itself.
   */
  confirmWithin: z.strictObject({ confirm: z.string(), rollback: z.string() }).optional(),
});

export type Field = z.infer<typeof FieldSchema>;
export type Flow = z.infer<typeof FlowSchema>;

export interface Item {
  id: string;
  key: string;
  label: string;
  help?: string | undefined;
  hiddenIf?: string | undefined;
  disabledIf?: string | undefined;
  menu?: Menu | undefined;
  flow?: Flow | undefined;
  builtin?: 'exit' | 'shell' | undefined;
}
export interface Menu {
  title: string;
  text?: string | undefined;
  /** Operation whose show() text is shown above the items (the current state). */
  status?: string | undefined;
  /** Operation whose items() lists entries found on the system (e.g. the interfaces)… */
  source?: string | undefined;
  /** …each of which opens this menu, with the entry's values filled into its texts and flows. */
  each?: Menu | undefined;
  items: Item[];
}

export const ItemSchema: z.ZodType<Item> = z.lazy(() =>
  z
    .strictObject({
      id,
      key: hotkey,
      label: z.string().min(1).max(60),
      help: z.string().optional(),
      hiddenIf: z.string().optional(),
      disabledIf: z.string().optional(),
      menu: MenuSchema.optional(),
      flow: FlowSchema.optional(),
      builtin: z.enum(['exit', 'shell']).optional(),
    })
    .refine((i) => [i.menu, i.flow, i.builtin].filter((x) => x !== undefined).length === 1, {
      message: 'an item has exactly one of menu, flow, builtin',
    }),
);

export const MenuSchema: z.ZodType<Menu> = z.lazy(() =>
  z.strictObject({
    title: z.string().min(1).max(60),
    text: z.string().optional(),
    status: z.string().optional(),
    source: z.string().optional(),
    each: MenuSchema.optional(),
    items: z.array(ItemSchema),
  }),
);

export const TreeSchema = z.strictObject({
  profile: z.enum(['appliance', 'vsensor']),
  /** The console's name in the title bar. */
  title: z.string().min(1),
  /** Text of the welcome screen shown once at start. */
  welcome: z.string().optional(),
  /** Operation whose show() text is added to the welcome screen (e.g. packet capture state). */
  status: z.string().optional(),
  menu: MenuSchema,
});
export type Tree = z.infer<typeof TreeSchema>;

/** What the registry offers, so the schema can check references without importing actions. */
export interface Registry {
  ops: Record<string, { read?: unknown; test?: unknown; apply?: unknown; show?: unknown; check?: unknown; items?: unknown }>;
  validators: Record<string, unknown>;
  conditions: readonly string[];
}

/** Cross-checks; returns human-readable problems (empty when the tree is sound). */
export function checkTree(tree: Tree, reg: Registry): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const walk = (menu: Menu, where: string) => {
    const keys = new Map<string, string>();
    if (menu.status !== undefined && !reg.ops[menu.status]?.show) problems.push(`${where} > ${menu.title}: status "${menu.status}" does not show anything`);
    if (menu.source !== undefined) {
      if (!reg.ops[menu.source]?.items) problems.push(`${where} > ${menu.title}: source "${menu.source}" lists no items`);
      if (!menu.each) problems.push(`${where} > ${menu.title}: a source menu needs "each"`);
    } else if (menu.items.length === 0) problems.push(`${where} > ${menu.title}: a menu needs items`);
    if (menu.each) walk(menu.each, `${where} > ${menu.title}`);
    for (const item of menu.items) {
      const at = `${where} > ${item.label}`;
      if (ids.has(item.id)) problems.push(`${at}: id "${item.id}" is used twice`);
      ids.add(item.id);
      const other = keys.get(item.key);
      if (other) problems.push(`${at}: hotkey ${item.key} is also "${other}"`);
      keys.set(item.key, item.label);
      for (const c of [item.hiddenIf, item.disabledIf])
        if (c !== undefined && !reg.conditions.includes(c)) problems.push(`${at}: unknown condition "${c}"`);
      if (item.menu) walk(item.menu, at);
      if (item.flow) {
        const f = item.flow;
        const op = reg.ops[f.op];
        if (!op) {
          problems.push(`${at}: operation "${f.op}" is not registered`);
          continue;
        }
        if (!op.apply && !op.show) problems.push(`${at}: operation "${f.op}" neither applies nor shows`);
        if (f.test !== undefined && !op.test) problems.push(`${at}: "${f.op}" has no test`);
        if (f.check && !op.check) problems.push(`${at}: "${f.op}" has no check`);
        if (f.confirmFrom !== undefined && !reg.ops[f.confirmFrom]?.show) problems.push(`${at}: confirmFrom "${f.confirmFrom}" shows nothing`);
        for (const o of f.confirmWithin ? [f.confirmWithin.confirm, f.confirmWithin.rollback] : [])
          if (!reg.ops[o]?.apply) problems.push(`${at}: confirm/rollback operation "${o}" is not registered`);
        if (f.fields && !op.apply) problems.push(`${at}: fields but "${f.op}" does not apply`);
        if (f.fields && f.fields.length > 0 && !op.read) problems.push(`${at}: fields but "${f.op}" cannot read current values`);
        for (const fld of f.fields ?? []) {
          if (!(fld.validator in reg.validators))
            problems.push(`${at}: field "${fld.name}" names unknown validator "${fld.validator}"`);
          if (fld.same !== undefined && !(f.fields ?? []).some((o) => o.name === fld.same))
            problems.push(`${at}: field "${fld.name}" must equal unknown field "${fld.same}"`);
          if (fld.when !== undefined) {
            const earlier = (f.fields ?? []).slice(0, (f.fields ?? []).indexOf(fld));
            if (!earlier.some((o) => o.name === fld.when!.field)) problems.push(`${at}: field "${fld.name}" depends on "${fld.when.field}", which is not an earlier field`);
          }
        }
      }
    }
  };
  if (tree.status !== undefined && !reg.ops[tree.status]?.show) problems.push(`${tree.title}: status "${tree.status}" does not show anything`);
  walk(tree.menu, tree.title);
  return problems;
}

export function parseTree(json: unknown, reg: Registry): Tree {
  const r = TreeSchema.safeParse(json);
  if (!r.success) throw new Error(`menu tree is invalid:\n${z.prettifyError(r.error)}`);
  const problems = checkTree(r.data, reg);
  if (problems.length > 0) throw new Error(`menu tree is invalid:\n${problems.join('\n')}`);
  return r.data;
}
