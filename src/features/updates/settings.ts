// The updates area of the settings document (issue 15): the update key (a secret: set or not,
// never shown without --secrets) and the package manager's proxy with its login, applied by the
// menu's scripts (set_updatekey.sh, set_update_proxy.sh), each only when it changes.
import { z } from 'zod';
import type { Ctx, Io, Outcome } from '../../core/types.js';
import { proxyUser } from '../../rules/callhome.js';
import { proxyUrl } from '../../rules/master.js';
import { aptPassword, updateKey } from '../../rules/updates.js';
import { readTextIfExists } from '../../system/files.js';
import { area, describeSecret, fingerprintKey, isOmitted, ruled, secret, type SecretRef } from '../../settings/area.js';
import { proxySet, updateKeySet } from './index.js';

/** The APT netrc files the scripts write (lib/updates.sh UPD_AUTH, UPD_PROXY_AUTH). */
const KEY_FILE = '/etc/apt/auth.conf.d/confconsole-updates.conf';
const PROXY_AUTH_FILE = '/etc/apt/auth.conf.d/confconsole-proxy.conf';
const PROXY_FILE = '/etc/apt/apt.conf.d/80confconsole-proxy';

/**
 * `{key, proxy, proxy_user, proxy_password?}`: key null while none is set (an import cannot
 * remove one: there is no such command); proxy '' for none, else http://HOST:PORT; a proxy user
 * needs its password (or its description, to keep the stored one).
 */
export const UpdatesSettings = z.lazy(() => z
  .strictObject({
    key: secret(updateKey).nullable(),
    // as set_update_proxy.sh stores it (no trailing /), so that what is in place compares equal
    proxy: ruled(proxyUrl).transform((s) => s.trim().replace(/\/$/, '')),
    proxy_user: ruled(proxyUser),
    proxy_password: secret(aptPassword).optional(),
  })
  .superRefine((v, c) => {
    if (v.proxy_user && v.proxy === '') c.addIssue({ code: 'custom', path: ['proxy_user'], message: 'a proxy user needs a proxy' });
    if (v.proxy_user && v.proxy_password === undefined) c.addIssue({ code: 'custom', path: ['proxy_password'], message: 'a proxy user needs its password (or its description, to keep the stored one)' });
    if (!v.proxy_user && v.proxy_password !== undefined) c.addIssue({ code: 'custom', path: ['proxy_password'], message: 'a proxy password goes with a proxy user' });
  }));
type UpdatesSettings = z.infer<typeof UpdatesSettings>;

/** The value after "password" in an APT netrc file, or undefined when there is none. */
async function netrcPassword(ctx: Ctx, file: string): Promise<string | undefined> {
  const text = await readTextIfExists(ctx.paths.under(file));
  return text === undefined ? undefined : /^password (.*)$/m.exec(text)?.[1];
}
/** A stored secret as the export gives it: itself (--secrets), described (keyed: area.ts fingerprintKey), or null when none is stored. */
const held = async (ctx: Ctx, v: string | undefined, secrets: boolean): Promise<string | SecretRef | null> => (v === undefined ? null : secrets ? v : describeSecret(v, await fingerprintKey(ctx)));

/** A secret to send again: the value, or (described) the stored one; undefined when none is stored. */
async function resolve(ctx: Ctx, want: string | SecretRef, file: string): Promise<string | undefined> {
  return isOmitted(want) ? netrcPassword(ctx, file) : want;
}

async function applyUpdates(ctx: Ctx, want: UpdatesSettings, have: UpdatesSettings, io: Io): Promise<Outcome> {
  const done: string[] = [];
  if (JSON.stringify(want.key) !== JSON.stringify(have.key) && !isOmitted(want.key)) {
    if (want.key === null) return { ok: false, summary: 'An update key cannot be removed (there is no such command): leave it out or give one', field: 'key', code: 2 };
    const o = await updateKeySet.apply(ctx, { key: want.key }, io);
    if (!o.ok) return { ...o, field: 'key' };
    if ((o.data as { changed?: boolean } | undefined)?.changed !== false) done.push('update key');
  }
  const pw = want.proxy_password === undefined ? '' : await resolve(ctx, want.proxy_password, PROXY_AUTH_FILE);
  if (pw === undefined) return { ok: false, summary: 'There is no stored proxy password to keep: give the password itself', field: 'proxy_password', code: 2 };
  if (want.proxy !== have.proxy || want.proxy_user !== have.proxy_user || (typeof want.proxy_password === 'string' && want.proxy_password !== have.proxy_password)) {
    const o = await proxySet.apply(ctx, { url: want.proxy, user: want.proxy_user, password: pw }, io);
    if (!o.ok) return { ...o, summary: `proxy: ${o.summary}${done.length ? ` (already applied: ${done.join(', ')})` : ''}` };
    if ((o.data as { changed?: boolean } | undefined)?.changed !== false) done.push('proxy');
  }
  return { ok: true, summary: `Updates: ${done.join(', ') || 'nothing changed'}`, data: { changed: done.length > 0 } };
}

export const updatesSettings = area({
  id: 'updates',
  title: 'Update key and proxy for updates',
  profiles: ['appliance', 'vsensor'],
  secrets: ['key', 'proxy_password'],
  schema: UpdatesSettings,
  async read(ctx, secrets) {
    const conf = (await readTextIfExists(ctx.paths.under(PROXY_FILE))) ?? '';
    const proxy = (/^Acquire::https?::Proxy "([^"]*)"/m.exec(conf)?.[1] ?? '').replace(/\/$/, '');
    const auth = await readTextIfExists(ctx.paths.under(PROXY_AUTH_FILE));
    const out: UpdatesSettings = { key: await held(ctx, await netrcPassword(ctx, KEY_FILE), secrets), proxy, proxy_user: auth === undefined ? '' : (/^login (.*)$/m.exec(auth)?.[1] ?? '') };
    const pw = await netrcPassword(ctx, PROXY_AUTH_FILE);
    if (out.proxy_user && pw !== undefined) out.proxy_password = (await held(ctx, pw, secrets))!;
    return out;
  },
  /** No key in the document (taken before one was set) and one in place: kept, as no command removes it. */
  keep(want, have) {
    return want.key === null && have.key !== null
      ? { want: { ...want, key: have.key }, kept: [{ path: 'key', why: 'the document has no update key (taken before one was set) and an update key cannot be removed: the one in place is kept' }] }
      : { want, kept: [] };
  },
  apply: applyUpdates,
});
