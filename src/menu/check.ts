// A tree is checked when it is loaded: zod for the shape (lengths, hotkeys, the methods each
// flow kind needs), then what zod cannot express (unique hotkeys per menu, `same`/`when`
// references, one way to check each field). A broken tree never reaches the screen.
import { z } from 'zod';
import type { Operation } from '../core/types.js';
import type { Menu, Tree } from './types.js';

const opWith = (...methods: (keyof Operation)[]) =>
  z.custom<Operation>(
    (o) => typeof o === 'object' && o !== null && typeof (o as Operation).id === 'string' && methods.every((m) => typeof (o as Record<string, unknown>)[m] === 'function'),
    { message: `an operation with ${methods.join(', ')}` },
  );

const text = z.lazy(() => z.string().min(1));
const condition = z.lazy(() => z.enum(['needs-root', 'login-needs-root', 'demo', 'not-demo']));

const FieldSchema = z.lazy(() => z.strictObject({
  name: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
  label: text,
  short: text.optional(),
  help: text,
  rule: z.function().optional(),
  choices: z.array(z.strictObject({ value: z.string(), label: text })).min(2).optional(),
  masked: z.boolean().optional(),
  same: z.string().optional(),
  when: z.strictObject({ field: z.string(), is: z.array(z.string()).min(1) }).optional(),
  onlyIf: z.string().min(1).optional(),
  extra: z.literal(true).optional(),
}));

const ConfirmWithinSchema = z.lazy(() => z.strictObject({ confirm: opWith('apply'), rollback: opWith('apply'), settled: opWith('apply').optional() }));
const seconds = z.lazy(() => z.number().positive().max(3600));

const FlowSchema = z.lazy(() => z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('view'), op: opWith('show'), every: seconds.optional() }),
  z.strictObject({
    kind: z.literal('do'),
    op: opWith('apply'),
    confirm: text,
    defaultNo: z.boolean().optional(),
    progress: text.optional(),
    done: text.optional(),
    cancellable: z.boolean().optional(),
    confirmWithin: ConfirmWithinSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('form'),
    op: opWith('read', 'apply'),
    confirm: text.optional(),
    fields: z.array(FieldSchema).min(1),
    check: z.boolean().optional(),
    test: text.optional(),
    question: text.optional(),
    progress: text.optional(),
    done: text.optional(),
    confirmWithin: ConfirmWithinSchema.optional(),
  }),
  z.strictObject({ kind: z.literal('run'), op: opWith('run'), confirm: text.optional(), fields: z.array(FieldSchema).min(1).optional(), defaults: z.record(z.string(), z.string()).optional(), progress: text.optional(), again: z.literal(false).optional() }),
]));

const ItemSchema: z.ZodType = z.lazy(() =>
  z.strictObject({
    key: z.string().regex(/^[0-9a-z]$/, 'a hotkey is one digit or lower-case letter'),
    label: z.string().min(1).max(60),
    help: text,
    hiddenIf: condition.optional(),
    offeredIf: opWith('read').optional(),
    disabledIf: condition.optional(),
    menu: MenuSchema.optional(),
    flow: FlowSchema.optional(),
    builtin: z.enum(['exit', 'shell']).optional(),
  }),
);

const MenuSchema: z.ZodType = z.lazy(() =>
  z.strictObject({
    title: z.string().min(1).max(60),
    text: z.string().optional(),
    status: opWith('show').optional(),
    source: opWith('items').optional(),
    each: MenuSchema.optional(),
    items: z.array(ItemSchema),
  }),
);

const TreeSchema = z.lazy(() => z.strictObject({
  profile: z.enum(['appliance', 'vsensor']),
  title: text,
  welcome: text.optional(),
  status: opWith('show').optional(),
  notice: z.strictObject({ show: opWith('show'), seen: opWith('apply') }).optional(),
  firstBoot: z.array(ItemSchema).min(1).optional(),
  menu: MenuSchema,
}));

/** What zod cannot say about a tree whose shape is right: human-readable problems, or none. */
export function crossCheck(tree: Tree): string[] {
  const problems: string[] = [];
  const walk = (menu: Menu, where: string) => {
    const at = `${where} > ${menu.title}`;
    const keys = new Map<string, string>();
    if (menu.source !== undefined && !menu.each) problems.push(`${at}: a source menu needs "each"`);
    if (menu.each !== undefined && !menu.source) problems.push(`${at}: "each" without a source`);
    if (menu.source === undefined && menu.items.length === 0) problems.push(`${at}: a menu needs items`);
    if (menu.each) walk(menu.each, at);
    for (const item of menu.items) {
      const here = `${at} > ${item.label}`;
      const other = keys.get(item.key);
      if (other !== undefined) problems.push(`${here}: hotkey ${item.key} is also "${other}"`);
      keys.set(item.key, item.label);
      const targets = [item.menu, item.flow, item.builtin].filter((x) => x !== undefined).length;
      if (targets !== 1) problems.push(`${here}: an item has exactly one of menu, flow, builtin`);
      if (item.menu) walk(item.menu, here);
      const f = item.flow;
      if ((f?.kind === 'do' || f?.kind === 'form') && f.confirm === 'ask' && typeof f.op.ask !== 'function') problems.push(`${here}: confirm "ask" but ${f.op.id} asks nothing`);
      if (f?.kind === 'form') {
        if (f.check && typeof f.op.check !== 'function') problems.push(`${here}: check, but ${f.op.id} has no check`);
        if (f.test !== undefined && typeof f.op.test !== 'function') problems.push(`${here}: ${f.op.id} has no test`);
      }
      if (f?.kind === 'form' || (f?.kind === 'run' && f.fields)) {
        const names = new Set<string>();
        for (const fld of f.fields ?? []) {
          const ways = [fld.rule, fld.choices, fld.same].filter((x) => x !== undefined).length;
          if (ways !== 1) problems.push(`${here}: field "${fld.name}" needs exactly one of rule, choices, same`);
          if (names.has(fld.name)) problems.push(`${here}: field "${fld.name}" is there twice`);
          if (fld.same !== undefined && !names.has(fld.same)) problems.push(`${here}: field "${fld.name}" must equal "${fld.same}", which is not an earlier field`);
          if (fld.onlyIf !== undefined && !fld.choices) problems.push(`${here}: field "${fld.name}" is asked only sometimes (onlyIf): it needs choices, the first being what holds when it is not asked`);
          if (fld.when !== undefined && !names.has(fld.when.field)) problems.push(`${here}: field "${fld.name}" depends on "${fld.when.field}", which is not an earlier field`);
          names.add(fld.name);
        }
      }
    }
  };
  walk(tree.menu, tree.title);
  if (tree.firstBoot) walk({ title: 'First boot', items: tree.firstBoot }, tree.title);
  return problems;
}

/**
 * `data` as a Tree: its shape (zod), then the cross-checks.
 * Throws an Error listing every problem when it is not a sound tree.
 */
export function checkTree(data: unknown): Tree {
  const r = TreeSchema.safeParse(data);
  if (!r.success) throw new Error(`menu tree is invalid:\n${z.prettifyError(r.error)}`);
  const tree = data as Tree; // the shape is right; the functions zod saw are the typed ones
  const problems = crossCheck(tree);
  if (problems.length > 0) throw new Error(`menu tree is invalid:\n${problems.join('\n')}`);
  return tree;
}
