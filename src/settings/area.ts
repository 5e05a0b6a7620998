// Settings as data (issue 15): each feature declares the settings it owns as one area of the
// settings document — a zod schema, how to read what is in place, how to apply a new value
// through the same scripts its menu uses. Export, import and their diff are derived from these
// declarations (src/settings/document.ts), so a new area joins by being listed in
// src/features/settings.ts.
import { createHash, createHmac } from 'node:crypto';
import { Problem } from '../core/problem.js';
import { z } from 'zod';
import type { Ctx, Io, Outcome } from '../core/types.js';
import type { Rule, Validated } from '../rules/validated.js';

export type Profile = 'appliance' | 'vsensor';

const hex8 = z.lazy(() => z.string().regex(/^[0-9a-f]{8}$/));
/**
 * A secret left out of a document: its length and the first 8 hex digits of an HMAC-SHA256 keyed
 * with this appliance's own key, as the audit log describes secrets (sbin/lib/fingerprint.py: an
 * unsalted hash of a short secret could be reversed). On import it means "keep the secret in
 * place". A document exported before the keyed fingerprint has `sha256` (an unsalted prefix):
 * still read, and compared in memory only.
 */
export const SecretRef = z.lazy(() => z.union([
  z.strictObject({ secret: z.literal('omitted'), length: z.number().int().nonnegative(), hmac: hex8 }),
  z.strictObject({ secret: z.literal('omitted'), length: z.number().int().nonnegative(), sha256: hex8 }),
]));
export type SecretRef = z.infer<typeof SecretRef>;

/** How `value` is described when secrets are left out: `key` is the appliance's (fingerprintKey). */
export function describeSecret(value: string, key: string): SecretRef & { hmac: string } {
  return { secret: 'omitted', length: value.length, hmac: createHmac('sha256', key).update(value).digest('hex').slice(0, 8) };
}

/** Whether `ref` describes `value` (keyed with `key`, or a legacy unsalted prefix). */
export function describes(ref: SecretRef, value: string, key: string): boolean {
  if (ref.length !== value.length) return false;
  return 'hmac' in ref ? describeSecret(value, key).hmac === ref.hmac : createHash('sha256').update(value).digest('hex').slice(0, 8) === ref.sha256;
}

/** A description in words ("12 chars, hmac abcd1234"). */
export const secretText = (ref: SecretRef): string => `${ref.length} chars, ${'hmac' in ref ? `hmac ${ref.hmac}` : `sha256 ${ref.sha256}`}`;

/** Where the appliance's fingerprint key is (sbin/lib/fingerprint.py KEY_FILE). */
const FINGERPRINT_KEY = '/etc/confconsole/secrets/fingerprint.key';

/**
 * The appliance's secret-fingerprint key, made by fingerprint_key.sh when there is none (the
 * scripts are the only writers). Throws a Problem when it cannot be made or read.
 */
export async function fingerprintKey(ctx: Ctx): Promise<string> {
  const { readTextIfExists } = await import('../system/files.js');
  const file = ctx.paths.under(FINGERPRINT_KEY);
  let k = (await readTextIfExists(file))?.trim();
  if (!k) {
    const { run, script } = await import('../system/runner.js');
    const r = await run(ctx.runner, script('fingerprint_key.sh', z.object({ ok: z.literal(true) })), []);
    if (!r.ok) throw new Problem(r.error);
    k = (await readTextIfExists(file))?.trim();
  }
  if (!k) throw new Problem(`The fingerprint key ${file} is empty`);
  return k;
}

/** Whether a secret's place holds the description, not the value. */
export const isOmitted = (v: unknown): v is SecretRef => SecretRef.safeParse(v).success;

/**
 * A string checked by one of the console's rules (src/rules): the rule's message becomes the
 * issue at the key's path, so an import names `ntp.servers.2: ...`.
 */
export function ruled(rule: Rule | ((s: string) => Validated<unknown>)): z.ZodType<string> {
  return z.string().superRefine((v, c) => {
    const r = rule(v);
    if (!r.ok) c.addIssue({ code: 'custom', message: r.message });
  });
}

/** A secret in a document: the value (checked by `rule`), or its description (kept as it is). */
export const secret = (rule: Rule): z.ZodType<string | SecretRef> =>
  z.union([SecretRef, ruled(rule)], { error: 'must be the secret as text, or the description an export gives (secret: omitted, length, sha256)' });

/**
 * One area of the settings document, declared by the feature that owns it.
 * - `schema`: the area's section of the document (strict: an unknown key is an error);
 * - `read(ctx, secrets)`: what is in place, through the area's scripts or its files; secrets as
 *   their value only when `secrets` is true, else described (SecretRef); throws a Problem when the
 *   settings cannot be read (a damaged file is named, never guessed);
 * - `apply(ctx, want, have, io)`: makes `want` the settings through the area's scripts (each with
 *   its lock, backup, journal and audit); called only when `want` differs from `have`; a secret
 *   given as a SecretRef is kept as it is.
 */
export interface SettingsArea<T = unknown> {
  id: string;
  title: string;
  profiles: readonly Profile[];
  schema: z.ZodType<T>;
  /** Key paths of its secrets (`proxy_password`): masked in a diff, left out of an export without --secrets. */
  secrets?: readonly string[];
  read(ctx: Ctx, secrets: boolean): Promise<T>;
  /**
   * What only the system can judge (the disk, a host that must resolve), asked before anything
   * is applied: errors by key path inside the area ("size_gb"), empty when none.
   */
  check?(ctx: Ctx, want: T): Promise<Record<string, string>>;
  apply(ctx: Ctx, want: T, have: T, io: Io): Promise<Outcome>;
  /**
   * What a document says "none" to that no command can take away (a keyboard layout, an update
   * key: a backup taken before they were set): the value in place is kept, said as a warning.
   * → `want` with those keys taken from `have`, and the kept keys' paths with why.
   */
  keep?(want: T, have: T): { want: T; kept: { path: string; why: string }[] };
  /** Applied after every other area (the network: commit-confirmed, it may cut the session). */
  last?: boolean;
}

/** Declares an area with its value type tied to its schema. */
export const area = <S extends z.ZodType>(a: SettingsArea<z.infer<S>> & { schema: S }): SettingsArea => a as unknown as SettingsArea;

/**
 * The value of a secret to send to a script again: `want` itself, or (described or not given)
 * the one stored in `file` under the root. Returns undefined when it is to be kept but none is
 * stored: the caller refuses, naming the key.
 */
export async function secretToSend(ctx: Ctx, want: string | SecretRef | undefined, file: string): Promise<string | undefined> {
  if (typeof want === 'string') return want;
  const { readTextIfExists } = await import('../system/files.js');
  return (await readTextIfExists(ctx.paths.under(file)))?.replace(/\n$/, '');
}

/** A stored secret as a document holds it: the value (`secrets`), its description, or absent. */
export async function storedSecret(ctx: Ctx, file: string, secrets: boolean): Promise<string | SecretRef | undefined> {
  const { readTextIfExists } = await import('../system/files.js');
  const v = (await readTextIfExists(ctx.paths.under(file)))?.replace(/\n$/, '');
  return v === undefined ? undefined : secrets ? v : describeSecret(v, await fingerprintKey(ctx));
}
