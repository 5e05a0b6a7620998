// Updates (manual ch. 7 "Upgrading a vSensor"; the appliance's "Upgrade"): the update key support
// gives, the upgrade of the vSensor packages, the package manager's proxy and what is installed.
// One module for both trees. The writers are sbin/set_updatekey.sh, upgrade_vsensor.sh,
// set_update_proxy.sh; show_updates.sh reads. Secrets go on stdin and are never read back.
import { z } from 'zod';
import type { Checked, Ctx, Io, Op, Outcome } from '../../core/types.js';
import { outcomeOf } from '../../core/outcome.js';
import { check, report, str, UsageError } from '../../commands/output.js';
import type { Command } from '../../commands/types.js';
import { yesNoChoices } from '../../menu/choices.js';
import type { Item, Menu } from '../../menu/types.js';
import { proxyUser } from '../../rules/callhome.js';
import { proxyUrl } from '../../rules/master.js';
import { aptPassword, updateKey } from '../../rules/updates.js';
import { Problem } from '../../core/problem.js';
import { EXIT, run, script } from '../../system/runner.js';

const Pkg = z.lazy(() => z.object({ package: z.string(), version: z.string().nullable() }));
const Change = z.lazy(() => z.object({ package: z.string(), from: z.string().nullable(), to: z.string() }));

const scripts = {
  show: script(
    'show_updates.sh',
    z.lazy(() => z
      .object({
        key_set: z.boolean(),
        key: z.object({ length: z.number() }).nullable(),
        repository: z.string(),
        // where the repository settings come from: updates.conf's keys, else the built-in placeholder; what is wrong in it
        config: z.object({ file: z.string(), exists: z.boolean(), from_file: z.array(z.string()), error: z.string().nullable() }).loose(),
        proxy: z.string().nullable(),
        proxy_user: z.string().nullable(),
        packages: z.array(Pkg),
        last_upgrade: z.string().nullable(),
        last_index_update: z.string().nullable(),
        demo: z.boolean(),
      })
      .loose()),
  ),
  key: script('set_updatekey.sh', z.lazy(() => z.object({ changed: z.boolean().default(true), checked: z.boolean(), accepted: z.boolean().nullable(), first_time: z.boolean(), packages: z.array(Pkg) }).loose())),
  download: script('upgrade_vsensor.sh', z.lazy(() => z.object({ phase: z.literal('download'), changes: z.array(Change), packages: z.array(Pkg) }).loose())),
  install: script('upgrade_vsensor.sh', z.lazy(() => z.object({ phase: z.literal('install'), changed: z.boolean(), restart_console: z.boolean(), packages: z.array(Pkg) }).loose())),
  proxy: script('set_update_proxy.sh', z.lazy(() => z.object({ changed: z.boolean().default(true), proxy: z.string().nullable(), user: z.string().nullable(), checked: z.boolean() }).loose())),
};

export type UpdatesState = z.infer<typeof scripts.show.result>;

/** The state of Updates, as show_updates.sh reads it (a Problem-free read: a failure throws its reason). */
export async function readUpdates(ctx: Ctx): Promise<UpdatesState> {
  const r = await run(ctx.runner, scripts.show, []);
  if (!r.ok) throw new Problem(`cannot read the update settings: ${r.error}`);
  return r.value;
}

const versions = (pkgs: z.infer<typeof Pkg>[]): string => pkgs.map((p) => `${p.package} ${p.version ?? '(not installed)'}`).join(', ');
const noneInstalled = (s: { packages: z.infer<typeof Pkg>[] }): boolean => s.packages.every((p) => p.version === null);

/**
 * The lines Updates shows: key, repository (and whether it is the vendor's, from updates.conf,
 * or the built-in placeholder; what is wrong in updates.conf), proxy, packages, last upgrade
 * (never the key itself).
 */
export function describeUpdates(s: UpdatesState): string[] {
  const own = s.config.from_file.includes('url');
  return [
    `Update key: ${s.key_set ? `set${s.key ? ` (${s.key.length} chars)` : ''}` : 'not set (software updates are not enabled)'}`,
    `Repository: ${s.repository}${own ? ` (from ${s.config.file})` : ` (the built-in placeholder: the vendor's url and packages go in ${s.config.file})`}`,
    ...(s.config.error ? [`The update settings are wrong: ${s.config.error}. UpdateKey and Upgrade refuse to run until it is fixed.`] : []),
    `Proxy for updates: ${s.proxy ? `${s.proxy}${s.proxy_user ? `, user ${s.proxy_user}` : ''}` : 'none'}`,
    `vSensor packages: ${versions(s.packages)}`,
    `Last upgrade: ${s.last_upgrade ?? 'never'}; package index last fetched: ${s.last_index_update ?? 'never'}`,
  ];
}

export const updatesShow: Op<'show'> = {
  id: 'updates.show',
  async show(ctx) {
    return { kind: 'text', text: describeUpdates(await readUpdates(ctx)).join('\n') };
  },
};

/** What is installed: each vSensor package, its version, and when the packages were last upgraded. */
export const installedShow: Op<'show'> = {
  id: 'updates.installed',
  async show(ctx) {
    const s = await readUpdates(ctx);
    return {
      kind: 'table',
      title: 'What is installed',
      text: `Last installed or upgraded: ${s.last_upgrade ?? 'never'} (APT history)\nPackage index of ${s.repository} last fetched: ${s.last_index_update ?? 'never'}`,
      columns: ['Package', 'Version'],
      rows: s.packages.map((p) => [p.package, p.version ?? 'not installed']),
    };
  },
};

const RESTART = 'Restart the confconsole now (Exit, then start it again) so that it runs the new version.';

/**
 * The upgrade (the first time: the installation) of the vSensor packages, in the script's two
 * phases: the download can be cancelled (io.signal) and installs nothing; once the install
 * phase starts, io.committed() says Esc no longer cancels, and it runs to its end even if the
 * console goes (survive).
 */
export async function upgrade(ctx: Ctx, io: Io): Promise<Outcome> {
  const d = await run(ctx.runner, scripts.download, ['--phase', 'download'], { onLine: io.line, ...(io.signal ? { signal: io.signal } : {}), timeoutMs: 3_600_000 });
  if (!d.ok) {
    if (d.cancelled) return { ok: false, summary: 'Cancelled before anything was installed: the vSensor packages are as they were', code: EXIT.fail };
    return outcomeOf(d, '');
  }
  if (d.value.changes.length === 0) return { ok: true, summary: `The vSensor packages are up to date: ${versions(d.value.packages)}`, data: d.value, code: 0 };
  io.committed?.();
  io.note?.('Installing: this can no longer be cancelled');
  const i = await run(ctx.runner, scripts.install, ['--phase', 'install'], { onLine: io.line, survive: true });
  const plan = d.value.changes.map((c) => `${c.package} ${c.from ?? '(new)'} -> ${c.to}`).join(', ');
  return outcomeOf(i, (v) => `${noneInstalled(d.value) ? 'Installed' : 'Upgraded'}: ${plan}.${v.restart_console ? ` ${RESTART}` : ''}`);
}

export const upgradeOp: Op<'ask' | 'apply'> = {
  id: 'updates.upgrade',
  async ask(ctx) {
    const s = await readUpdates(ctx);
    if (!s.key_set) return { blocked: 'No update key is set: set the key support gave you first (UpdateKey).' };
    if (s.demo) return { blocked: 'This is the demo appliance: it runs no package manager, so nothing can be downloaded or installed here.' };
    return noneInstalled(s)
      ? { question: `Install the vSensor packages from ${s.repository}?\n\nThe first time the installation is carried out from here. The download can be cancelled; the installation cannot.` }
      : { question: `Upgrade the vSensor packages (${versions(s.packages)}) from ${s.repository}?\n\nThe download can be cancelled; once the packages are being unpacked it cannot.` };
  },
  apply: (ctx, _v, io) => upgrade(ctx, io),
};

/** Set the key, and (the first time, when asked) install the vSensor packages at once. */
export const updateKeySet: Op<'read' | 'apply'> = {
  id: 'updates.key',
  async read(ctx) {
    return { key: '', first: noneInstalled(await readUpdates(ctx)) ? 'yes' : '' };
  },
  async apply(ctx, v, io) {
    const r = await run(ctx.runner, scripts.key, [], { stdin: (v.key ?? '') + '\n', onLine: io.line, survive: true });
    const said = outcomeOf(r, (k) =>
      !k.changed
        ? 'This update key is the one in place: nothing was changed'
        : !k.checked
        ? 'The update key is stored. This is the demo appliance: no package manager runs here, so whether the repository accepts the key was not checked'
        : `The update key was accepted by the repository.${k.first_time ? ' The vSensor packages are not installed yet: the first time the installation is carried out from here (Upgrade).' : ''}`,
    );
    if (v.install === 'yes' && !(r.ok && r.value.checked && r.value.first_time)) {
      // asked for, not done: said, never dropped silently
      const why = !r.ok ? 'the key was not accepted or could not be checked' : !r.value.checked ? 'no package manager runs on the demo appliance' : 'the vSensor packages are installed already';
      return { ...said, summary: `${said.summary.replace(/\.$/, '')}. The installation was not started (${why}): use Upgrade once the key is accepted.` };
    }
    if (!r.ok || v.install !== 'yes' || !r.value.checked || !r.value.first_time) return said;
    const installed = await upgrade(ctx, { line: io.line });
    return { ...installed, summary: `The update key was accepted. ${installed.summary}` };
  },
};

export const proxySet: Op<'read' | 'check' | 'apply'> = {
  id: 'updates.proxy',
  async read(ctx) {
    const s = await readUpdates(ctx);
    return { url: s.proxy ?? '', user: s.proxy_user ?? '', password: '' };
  },
  // what setProxy refuses is said at its field before the review, never after a Yes
  async check(_ctx, v): Promise<Checked> {
    return { errors: proxyErrors(v.url ?? '', v.user ?? '', v.password ?? '') };
  },
  async apply(ctx, v, io) {
    return setProxy(ctx, v.url ?? '', v.user ?? '', v.password ?? '', io);
  },
};

/**
 * The proxy form's combinations that no field's rule sees, by field: a user without a proxy (it
 * would be dropped) or without a password (set_update_proxy.sh reads one for every user).
 */
export function proxyErrors(url: string, user: string, pass: string): Record<string, string> {
  if (user === '') return {};
  if (url === '') return { user: 'A proxy user needs a proxy: enter the proxy, or empty the user' };
  return pass === '' ? { password: 'Enter the password of the proxy user' } : {};
}

/** The proxy for updates through set_update_proxy.sh: url '' removes it; the password only on stdin. */
async function setProxy(ctx: Ctx, url: string, user: string, pass: string, io: Io): Promise<Outcome> {
  const [field, summary] = Object.entries(proxyErrors(url, user, pass))[0] ?? [];
  if (field !== undefined && summary !== undefined) return { ok: false, summary, field, code: EXIT.usage };
  if (url === '') return outcomeOf(await run(ctx.runner, scripts.proxy, ['--none'], { onLine: io.line, survive: true }), (p) => `${p.changed ? '' : 'Nothing changed: '}No proxy for updates: the package manager connects directly`);
  const args = [url, ...(user !== '' ? ['--user', user] : [])];
  const r = await run(ctx.runner, scripts.proxy, args, { stdin: user !== '' ? pass + '\n' : '', onLine: io.line, survive: true });
  return outcomeOf(r, (p) => `${p.changed ? '' : 'Nothing changed: '}The package manager uses the proxy ${p.proxy ?? url}${p.user ? ` as ${p.user}` : ''}${p.checked ? ' (the repository answered through it)' : ''}`);
}

export const updatesMenu: Menu = {
  title: 'Updates',
  status: updatesShow,
  items: [
    {
      key: '1',
      label: 'UpdateKey',
      help: 'The Update Key requested from support: the credential of the vSensor package repository. It is checked with the repository at once. The first time, the installation is carried out from here.',
      flow: {
        kind: 'form',
        op: updateKeySet,
        fields: [
          { name: 'key', label: 'Update key (as support gave it)', short: 'Update key', rule: updateKey, masked: true, help: 'The Update Key support gave you: 8-256 printable characters without spaces. It is stored for the package manager only (0600) and never shown again.' },
          { name: 'key2', label: 'The same key again', masked: true, same: 'key', help: 'Type the key again, so that a typing error is caught before it is sent.' },
          {
            name: 'install',
            label: 'Install the vSensor packages now (the first time the installation is carried out from here)',
            short: 'Install the vSensor packages',
            choices: yesNoChoices(),
            onlyIf: 'first',
            help: 'The vSensor packages are not installed yet. Yes installs them once the key is accepted; No leaves that to Upgrade.',
          },
        ],
        question: 'Set the update key and check it with the repository?',
        progress: 'Setting the update key',
        done: 'Done.',
      },
    },
    {
      key: '2',
      label: 'Upgrade',
      help: 'Updates the package index and upgrades the vSensor packages (only those). The download can be cancelled with Esc; the installation cannot. Afterwards restart the confconsole.',
      flow: { kind: 'do', op: upgradeOp, confirm: 'ask', cancellable: true, progress: 'Upgrading the vSensor packages' },
    },
    {
      key: '3',
      label: 'Proxy for updates',
      help: 'An HTTP proxy for the package manager only (nothing else on the appliance uses it): http://HOST:PORT, optionally a user and password. Empty: no proxy.',
      flow: {
        kind: 'form',
        op: proxySet,
        fields: [
          { name: 'url', label: 'Proxy for updates (http://HOST:PORT; empty for none)', short: 'Proxy', rule: proxyUrl, help: 'The HTTP proxy the package manager uses to reach the repository, http://HOST:PORT. Leave it empty to connect directly.' },
          { name: 'user', label: 'Proxy user (empty: no login)', short: 'Proxy user', rule: proxyUser, help: 'The login at the proxy, if it asks for one; the password is asked next.' },
          { name: 'password', label: 'Proxy password', short: 'Proxy password', rule: (s) => (s === '' ? { ok: true, value: '' } : aptPassword(s)), masked: true, help: 'The password of the proxy user; stored for the package manager only (0600) and never shown again.' },
        ],
        check: true,
        question: 'Set the proxy for updates?',
        progress: 'Setting the proxy for updates',
        done: 'Done.',
      },
    },
    { key: '4', label: 'What is installed', help: 'The vSensor packages installed, their versions, and when they were last upgraded.', flow: { kind: 'view', op: installedShow } },
  ],
};

/** The Updates item of a tree, under its number there (3 on the vSensor, 4 on the appliance). */
export const updatesItem = (key: string): Item => ({ key, label: 'Updates', help: 'The update key, the upgrade of the vSensor packages, the proxy for updates and what is installed.', menu: updatesMenu });

export const commands: Command[] = [
  {
    path: ['updates', 'show'],
    summary: 'the update key (set or not, never the key), the repository, the proxy for updates, the vSensor packages installed and when they were last upgraded',
    covers: [updatesShow, installedShow],
    async run(ctx, _in, out) {
      const s = await readUpdates(ctx);
      out.print(s, describeUpdates(s).join('\n'));
      return EXIT.ok;
    },
  },
  {
    path: ['updates', 'set-key'],
    summary: 'the update key, read from standard input; checked with the repository at once',
    more: ['exit 5 when the repository refuses the key (nothing changed); exit 6 when it is stored but could not be checked'],
    covers: [updateKeySet],
    async run(ctx, _in, out) {
      const key = check(updateKey, await out.readSecret('update key'), 'update key');
      return report(out, await updateKeySet.apply(ctx, { key }, out.progress));
    },
  },
  {
    path: ['updates', 'set-proxy'],
    args: 'URL',
    nargs: [0, 1],
    options: {
      user: { type: 'string', value: 'USER', help: 'the proxy login; its password is read from standard input' },
      none: { type: 'boolean', help: 'no proxy for updates' },
    },
    summary: 'the HTTP proxy of the package manager (http://HOST:PORT), or --none',
    covers: [proxySet],
    async run(ctx, { args, opts }, out) {
      if (opts.none === true) {
        if (args.length > 0 || str(opts.user) !== undefined) throw new UsageError('--none takes no URL or --user', ['updates', 'set-proxy']);
        return report(out, await setProxy(ctx, '', '', '', out.progress));
      }
      if (args.length !== 1) throw new UsageError('updates set-proxy needs the proxy URL (http://HOST:PORT) or --none', ['updates', 'set-proxy']);
      const url = check(proxyUrl, args[0] ?? '', 'URL');
      if (url === '') throw new UsageError('URL: empty; use --none for no proxy', ['updates', 'set-proxy'], 'URL');
      const user = str(opts.user) === undefined ? '' : check(proxyUser, str(opts.user) ?? '', '--user');
      const pass = user === '' ? '' : check(aptPassword, await out.readSecret('proxy password'), 'proxy password');
      return report(out, await setProxy(ctx, url, user, pass, out.progress));
    },
  },
  {
    path: ['updates', 'upgrade'],
    summary: 'update the package index and upgrade the vSensor packages (the first time: install them), with progress',
    covers: [upgradeOp],
    async run(ctx, _in, out) {
      // the script refuses what cannot be done (no key: exit 2; the demo: exit 1), with its reason
      return report(out, await upgrade(ctx, out.progress));
    },
  },
];
