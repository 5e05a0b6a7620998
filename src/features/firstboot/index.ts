// The vSensor's first boot (manual ch. 7 "vSensor Installation"): 2. a keyboard layout for the
// console, 3. a new password for the admin user (darktrace, or [console] admin_user), 4. the
// status screen, then the main console menu. Asked at the console's first start (no record
// var/lib/confconsole/firstboot.done under the root), one screen per step in the manual's
// order (firstBootSteps); each step again from Setup > 5 Keyboard layout and 6 Admin password,
// and as commands (confconsole firstboot, keyboard set, password set).
// The scripts set_keyboard.sh and set_password.sh do the work (the password on stdin only).
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { check, report, str, UsageError } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { Problem } from '../../core/problem.js';
import type { Checked, Ctx, Op, Outcome, Values } from '../../core/types.js';
import type { Field, Item } from '../../menu/types.js';
import { adminPassword, keyboardLayout } from '../../rules/console.js';
import { readTextIfExists } from '../../system/files.js';
import type { Paths } from '../../system/paths.js';
import { EXIT, run, script } from '../../system/runner.js';
import { table } from '../../ui/text.js';
import { adminUser } from '../shell/index.js';

const Layout = z.lazy(() => z.object({ layout: z.string(), description: z.string(), previous: z.string().nullable(), changed: z.boolean() }).loose());
const setKeyboard = script('set_keyboard.sh', z.lazy(() => Layout.unwrap().extend({ applied: z.boolean(), note: z.string() })));
const checkKeyboard = script('set_keyboard.sh', Layout);
const listKeyboards = script('set_keyboard.sh', z.lazy(() => z.object({ layouts: z.array(z.tuple([z.string(), z.string()])) }).loose()));
const SetPassword = z.lazy(() => z.object({ user: z.string(), first_boot: z.boolean() }).loose());
const setPassword = script('set_password.sh', SetPassword);

/** The record of the first-boot steps done (set_password.sh --first-boot writes it). */
export const firstBootRecord = (paths: Paths): string => paths.under('/var/lib/confconsole/firstboot.done');

/** Whether the console's start must ask the first-boot steps: no record under the root. */
export const firstBootNeeded = (paths: Paths): boolean => !existsSync(firstBootRecord(paths));

/** XKBLAYOUT of etc/default/keyboard under the root ('' when not set). */
export async function currentLayout(paths: Paths): Promise<string> {
  const text = (await readTextIfExists(paths.under('/etc/default/keyboard'))) ?? '';
  const m = [...text.matchAll(/^\s*XKBLAYOUT=["']?([^"'\n]*)["']?\s*$/gm)].pop();
  return m?.[1] ?? '';
}

/**
 * The layout the console uses: XKBLAYOUT, or us where the file sets none (keyboard(5): "Default:
 * us for most platforms", which setupcon applies). What Setup > 5 and the first boot show.
 */
export async function layoutInUse(paths: Paths): Promise<string> {
  return (await currentLayout(paths)) || 'us';
}

/**
 * The layout's check by the script: the form's field shows why the system does not have it. The
 * layout in place reads as unchanged ("Nothing changes" in Setup), except at the first boot, whose
 * Yes records the step: there the review says it is kept.
 */
async function checkLayout(ctx: Ctx, layout: string, firstBoot = false): Promise<Checked> {
  const r = await run(ctx.runner, checkKeyboard, ['--dry-run', layout]);
  if (r.ok) {
    const named = `${r.value.layout} (${r.value.description})`;
    const same = !r.value.changed;
    return { errors: {}, review: [{ label: 'Keyboard layout', old: same ? named : (r.value.previous ?? '(not set)'), new: same && firstBoot ? `${named}, kept as it is` : named }] };
  }
  if (r.exitCode === EXIT.usage) return { errors: { layout: r.error } };
  // no list of layouts, a damaged settings file: said as it is
  throw new Problem(r.error, r.field);
}

const layoutField: Field = {
  name: 'layout',
  label: 'Console keyboard layout (e.g. us, gb, de, fr)',
  short: 'Keyboard layout',
  rule: keyboardLayout,
  help: "The short name of a layout this system knows (confconsole keyboard list shows them all). It applies to this console (the VGA screen and keyboard) only, not to SSH sessions.",
};
const passwordFields: Field[] = [
  { name: 'password', label: 'New password of the admin user (8 or more characters)', short: 'Admin password', rule: adminPassword, masked: true, help: 'The password of the admin user (darktrace unless the settings name another): used to log in at the console, over SSH and in Shell. 8 or more characters.' },
  { name: 'password2', label: 'The same password again', masked: true, same: 'password', help: 'Type the password again, so that a typing error is caught before it is set.' },
];

const keyboardOutcome = (r: Awaited<ReturnType<typeof applyKeyboard>>): Outcome =>
  outcomeOf(r, (v) => `The console keyboard layout is ${v.layout} (${v.description}); ${v.note}.`);
const applyKeyboard = (ctx: Ctx, layout: string, line: (t: string) => void) => run(ctx.runner, setKeyboard, [layout], { onLine: line, survive: true });
const applyPassword = (ctx: Ctx, password: string, first: boolean, line: (t: string) => void) =>
  run(ctx.runner, setPassword, first ? ['--first-boot'] : [], { stdin: password + '\n', onLine: line, survive: true });

export const keyboardSet: Op<'read' | 'check' | 'apply'> = {
  id: 'keyboard.set',
  async read(ctx) {
    return { layout: await layoutInUse(ctx.paths) };
  },
  check: (ctx, v) => checkLayout(ctx, v.layout ?? ''),
  async apply(ctx, v, io) {
    return keyboardOutcome(await applyKeyboard(ctx, v.layout ?? '', io.line));
  },
};

/** The first boot's keyboard step: Setup > 5's (the layout in use shown), its review saying "kept as it is". */
export const keyboardFirstBoot: Op<'read' | 'check' | 'apply'> = {
  ...keyboardSet,
  id: 'keyboard.first-boot',
  check: (ctx, v) => checkLayout(ctx, v.layout ?? '', true),
};

/**
 * The password's current value for the review: the admin user has one (the factory's, or one
 * set since), never read: a stand-in the review masks ("****", not "(not set)"); a masked field
 * is never prefilled with it (flow/fields.ts).
 */
async function passwordInPlace(): Promise<Values> {
  return { password: 'in place' };
}

/** The first boot's password step: as Setup > 6, and the first boot is recorded as done (set_password.sh --first-boot). */
export const passwordFirstBoot: Op<'read' | 'apply'> = {
  id: 'password.first-boot',
  read: passwordInPlace,
  async apply(ctx, v, io) {
    return outcomeOf(await applyPassword(ctx, v.password ?? '', true, io.line), (x) => `The password of ${x.user} is set.`);
  },
};

export const passwordSet: Op<'read' | 'apply'> = {
  id: 'password.set',
  read: passwordInPlace,
  async apply(ctx, v, io) {
    return outcomeOf(await applyPassword(ctx, v.password ?? '', false, io.line), (x) => `The password of ${x.user} is changed.`);
  },
};

/**
 * The first-boot steps as one change: the layout (checked against the system's list before the
 * review), then the password; the record is written only when both are done. A layout set but
 * a password refused is a partial result (exit 6): the form asks again at the next start.
 */
export const firstBoot: Op<'read' | 'check' | 'apply'> = {
  id: 'firstboot',
  read: (ctx, c) => keyboardFirstBoot.read(ctx, c),
  async check(ctx, v) {
    const c = await checkLayout(ctx, v.layout ?? '');
    const user = await adminUser(ctx.paths);
    return c.review ? { ...c, review: [...c.review, { label: `Password of ${user}`, old: '****', new: '**** (the one typed)' }] } : c;
  },
  async apply(ctx, v: Values, io) {
    const k = await applyKeyboard(ctx, v.layout ?? '', io.line);
    if (!k.ok) return keyboardOutcome(k);
    // the password step is the first boot's own (passwordFirstBoot): one set_password.sh run, one audit line
    const p = await passwordFirstBoot.apply(ctx, { password: v.password ?? '' }, io);
    if (!p.ok) return { ...p, summary: `The keyboard layout is ${k.value.layout}, but the password was not set: ${p.summary}`, code: p.code === EXIT.usage ? EXIT.usage : EXIT.partial };
    const user = SetPassword.parse(p.data).user;
    return { ok: true, summary: `First boot done: keyboard layout ${k.value.layout} (${k.value.description}), the password of ${user} is set.`, details: [...k.log, ...(p.details ?? [])], data: { keyboard: k.value, password: { user } }, code: 0 };
  },
};

/** Setup > 5 Keyboard layout. */
export const keyboardItem = (key: string): Item => ({
  key,
  label: 'Keyboard layout',
  help: 'The keyboard layout of this console (the VGA screen and keyboard), as asked at first boot. SSH sessions keep their own.',
  flow: { kind: 'form', op: keyboardSet, fields: [layoutField], check: true, question: 'Set this console keyboard layout?', progress: 'Setting the keyboard layout' },
});

/** Setup > 6 Admin password. */
export const passwordItem = (key: string): Item => ({
  key,
  label: 'Admin password',
  help: 'A new password for the admin user (darktrace unless the settings name another), as asked at first boot.',
  flow: { kind: 'form', op: passwordSet, fields: passwordFields, question: 'Set this password for the admin user?', progress: 'Setting the password' },
});

/**
 * What the console's first start asks (Tree.firstBoot), in the manual's order, each its own
 * screen: the keyboard layout (applied when its review says Yes), then the admin password (it
 * records the first boot as done). Esc at either leaves the rest for the next start; a layout
 * already set stays set (the next start offers it again, prefilled).
 */
export const firstBootSteps: Item[] = [
  {
    key: 'k',
    label: 'First boot: keyboard layout',
    help: 'The first start of this vSensor, step 1 of 2: a keyboard layout for this console (the VGA screen and keyboard). Then step 2: a new password for the admin user. Esc leaves the first boot for now: it is asked again at the next start (or Setup > 5 and 6).',
    flow: { kind: 'form', op: keyboardFirstBoot, fields: [layoutField], check: true, question: 'Set this console keyboard layout?', progress: 'First boot: setting the keyboard layout', done: 'Step 1 of 2 done. Next: a new password for the admin user.' },
  },
  {
    key: 'p',
    label: 'First boot: admin password',
    help: 'The first start of this vSensor, step 2 of 2: a new password for the admin user (darktrace unless the settings name another), typed twice. Then the status of this vSensor and the welcome. Esc leaves the first boot for now: it is asked again at the next start (the keyboard layout chosen stays set).',
    flow: { kind: 'form', op: passwordFirstBoot, fields: passwordFields, question: 'Set this password for the admin user?', progress: 'First boot: setting the admin password', done: 'First boot done. The status of this vSensor follows.' },
  },
];

/** The first line of standard input, as the password; on a terminal asked twice. */
async function passwordFromStdin(out: Parameters<Command['run']>[2]): Promise<string> {
  return check(adminPassword, await out.readSecret('new admin password'), 'password');
}

export const commands: Command[] = [
  {
    path: ['keyboard', 'show'],
    summary: 'the console keyboard layout (XKBLAYOUT of /etc/default/keyboard)',
    covers: [],
    async run(ctx, _in, out) {
      const layout = await currentLayout(ctx.paths);
      out.print({ layout: layout || null }, `Console keyboard layout: ${layout || 'not set'}`);
      return EXIT.ok;
    },
  },
  {
    path: ['keyboard', 'list'],
    summary: "the keyboard layouts this system knows (xkb-data's list)",
    covers: [],
    async run(ctx, _in, out) {
      const r = await run(ctx.runner, listKeyboards, ['--list']);
      if (!r.ok) return report(out, outcomeOf(r, ''));
      out.print(r.value, table(['Layout', 'Name'], r.value.layouts, 200).join('\n'));
      return EXIT.ok;
    },
  },
  {
    path: ['keyboard', 'set'],
    args: 'LAYOUT',
    nargs: [1, 1],
    summary: 'the console keyboard layout (e.g. us, gb, de); applied to the VGA console only',
    covers: [keyboardSet],
    async run(ctx, { args }, out) {
      const layout = check(keyboardLayout, args[0] ?? '', 'layout');
      return report(out, await keyboardSet.apply(ctx, { layout }, out.progress));
    },
  },
  {
    path: ['password', 'set'],
    summary: 'a new password for the admin user, read from standard input (8 or more characters)',
    more: ['The admin user is [console] admin_user in appliance.ini, else darktrace. The password goes to chpasswd on its standard input.'],
    covers: [passwordSet],
    async run(ctx, _in, out) {
      return report(out, await passwordSet.apply(ctx, { password: await passwordFromStdin(out) }, out.progress));
    },
  },
  {
    path: ['firstboot'],
    summary: 'the first-boot steps again: --layout L, the admin password on standard input',
    more: ['Sets the keyboard layout, then the admin password, and records the first boot as done (the console then does not ask at its start).', '--show: whether the first boot is done, the layout and the admin user.'],
    options: {
      layout: { type: 'string', value: 'L', help: 'the console keyboard layout (e.g. us)' },
      show: { type: 'boolean', help: 'only say whether the first boot is done' },
    },
    covers: [firstBoot, keyboardFirstBoot, passwordFirstBoot],
    async run(ctx, { opts }, out) {
      if (opts.show === true) {
        if (opts.layout !== undefined) throw new UsageError('--show takes no --layout');
        const done = !firstBootNeeded(ctx.paths);
        const [layout, user] = [await currentLayout(ctx.paths), await adminUser(ctx.paths)];
        out.print({ done, layout: layout || null, admin_user: user }, `First boot: ${done ? 'done' : 'not done (asked at the next start of the console)'}\nKeyboard layout: ${layout || 'not set'}\nAdmin user: ${user}`);
        return EXIT.ok;
      }
      const given = str(opts.layout);
      if (given === undefined) throw new UsageError('give --layout L (e.g. us); the password comes on standard input');
      const layout = check(keyboardLayout, given, '--layout');
      const c = await checkLayout(ctx, layout);
      if (c.errors.layout) throw new UsageError(`--layout: ${c.errors.layout}`, undefined, 'layout');
      return report(out, await firstBoot.apply(ctx, { layout, password: await passwordFromStdin(out) }, out.progress));
    },
  },
];
