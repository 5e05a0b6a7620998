// Settings as data (issue 15): each feature declares the settings it owns as one area of the
// settings document — a zod schema, how to read what is in place, how to apply a new value
// through the same scripts its menu uses. Export, import and their diff are derived from these
// declarations (src/settings/document.ts), so a new area joins by being listed in
// src/features/settings.ts.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Ctx, Io, Outcome } from '../core/types.js';
import type { Rule, Validated } from '../rules/validated.js';

export type Profile = 'appliance' | 'vsensor';

/**
 * A secret left out of a document: its length and the first 8 hex digits of its SHA-256, as the
 * audit log describes secrets. On import it means "keep the secret in place".
 */
export const SecretRef = z.strictObject({ secret: z.literal('omitted'), length: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{8}$/) });
export type SecretRef = z.infer<typeof SecretRef>;

/** How `value` is described when secrets are left out. */
export function describeSecret(value: string): SecretRef {
  return { secret: 'omitted', length: value.length, sha256: createHash('sha256').update(value).digest('hex').slice(0, 8) };
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
  return v === undefined ? undefined : secrets ? v : describeSecret(v);
}
