// The settings document (issue 15): every area's settings with a format version, as
// `confconsole export` prints it and `confconsole import` takes it. Derived from the areas'
// declarations (src/settings/area.ts): the document's schema is theirs, put together.
import { z } from 'zod';
import type { Ctx } from '../core/types.js';
import { visible } from '../core/visible.js';
import { describeSecret, describes, isOmitted, secretText, type Profile, type SettingsArea } from './area.js';

export const FORMAT = 'confconsole-settings';
export const VERSION = 1;

/** A document as exported: `areas` has one section per area of this console, by area id. */
export interface SettingsDoc {
  format: typeof FORMAT;
  version: typeof VERSION;
  profile: Profile;
  areas: Record<string, unknown>;
}

/** An error of an imported document: the key path (`areas.ntp.servers.1`) and the rule broken. */
export interface DocError {
  path: string;
  message: string;
}

/** The areas a console of `profile` has, in document order (the `last` ones at the end). */
export function areasOf(all: readonly SettingsArea[], profile: Profile): SettingsArea[] {
  const mine = all.filter((a) => a.profiles.includes(profile));
  return [...mine.filter((a) => !a.last), ...mine.filter((a) => a.last)];
}

/**
 * What is in place, as a document: every area of `profile` read through its feature.
 * `secrets`: the secrets' values (else their length and hash prefix). Throws what an area's
 * read throws (a damaged settings file is named, never exported as if it were empty).
 */
export async function exportSettings(ctx: Ctx, all: readonly SettingsArea[], profile: Profile, secrets: boolean): Promise<SettingsDoc> {
  const areas: Record<string, unknown> = {};
  for (const a of areasOf(all, profile)) areas[a.id] = await a.read(ctx, secrets);
  return { format: FORMAT, version: VERSION, profile, areas };
}

const pathOf = (p: readonly PropertyKey[]) => p.map(String).join('.');

/**
 * Checks a whole document (parsed JSON or YAML) against the areas of `profile` → the areas'
 * values (their schemas' output, by area id, in apply order), or every error with its key path.
 * Refused: another format or version, a document of the other console, an unknown area or key,
 * any value its area's rules refuse. Areas the document leaves out are not touched.
 */
export function checkDocument(raw: unknown, all: readonly SettingsArea[], profile: Profile): { ok: true; areas: Map<string, unknown> } | { ok: false; errors: DocError[] } {
  const errors: DocError[] = [];
  const head = z
    .object({ format: z.literal(FORMAT), version: z.literal(VERSION), profile: z.enum(['appliance', 'vsensor']).optional(), areas: z.record(z.string(), z.unknown()) })
    .strict()
    .safeParse(raw);
  if (!head.success) {
    for (const i of head.error.issues) errors.push({ path: pathOf(i.path) || '(document)', message: visible(i.message) });
    return { ok: false, errors };
  }
  if (head.data.profile !== undefined && head.data.profile !== profile)
    errors.push({ path: 'profile', message: `the document is of a ${head.data.profile} console; this is a ${profile} console` });
  const mine = areasOf(all, profile);
  const values = new Map<string, unknown>();
  for (const [id, section] of Object.entries(head.data.areas)) {
    const a = mine.find((x) => x.id === id);
    if (!a) {
      const other = all.find((x) => x.id === id);
      errors.push({
        path: `areas.${visible(id)}`,
        message: other ? `a ${profile} console has no ${other.title} (a ${other.profiles.join('/')} setting)` : `not an area of this console (its areas: ${mine.map((x) => x.id).join(', ')})`,
      });
      continue;
    }
    const r = a.schema.safeParse(section);
    if (!r.success) for (const i of r.error.issues) errors.push({ path: pathOf(['areas', id, ...i.path]), message: visible(i.message) });
    else values.set(id, r.data);
  }
  if (errors.length > 0) return { ok: false, errors };
  // apply order: the areas' own (the network last), whatever the document's
  return { ok: true, areas: new Map(mine.filter((a) => values.has(a.id)).map((a) => [a.id, values.get(a.id)])) };
}

/** One difference between what is in place and what a document asks: key path, old → new (secrets masked). */
export interface Change {
  path: string;
  old: string;
  new: string;
}

const MASK = '****';

/** Leaf values by key path (`partner.host`); a secret's description is one leaf. */
function leaves(v: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !isOmitted(v)) {
    for (const [k, x] of Object.entries(v)) for (const [p, y] of leaves(x, prefix ? `${prefix}.${k}` : k)) out.set(p, y);
  } else if (v !== undefined) out.set(prefix, v);
  return out;
}

const said = (v: unknown): string => (v === undefined ? '(none)' : Array.isArray(v) ? v.map(String).join(' ') : String(v));

/**
 * The changes `want` makes to `have` (both an area's values; `have` read with secrets) → one
 * Change per leaf that differs. A secret (`secrets`: its key paths) is said as **** and counts
 * as a change only when its value differs; a described secret in `want` keeps the one in place.
 */
export function diffArea(have: unknown, want: unknown, secrets: readonly string[] = []): Change[] {
  const h = leaves(have);
  const w = leaves(want);
  const out: Change[] = [];
  for (const p of new Set([...h.keys(), ...w.keys()])) {
    const a = h.get(p);
    const b = w.get(p);
    if (secrets.includes(p)) {
      // described, or not given: the secret in place is kept
      if (b === undefined || isOmitted(b)) continue;
      if (a !== b) out.push({ path: p, old: a === undefined ? '(none)' : MASK, new: `${MASK} (new)` });
      continue;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path: p, old: visible(said(a)), new: visible(said(b)) });
  }
  return out;
}

/**
 * The secrets a document gives only as their description while this appliance holds a different
 * one: they are kept as they are (a description cannot be stored), and the import says so.
 * `key`: this appliance's fingerprint key (area.ts fingerprintKey), with which a description made
 * here was keyed. → one warning per such key path (relative to the area), never a value.
 */
/** Whether a document describes a secret this appliance holds (then its fingerprint key is needed to compare them). */
export function describesHeldSecret(have: unknown, want: unknown, secrets: readonly string[] = []): boolean {
  const h = leaves(have);
  const w = leaves(want);
  return secrets.some((p) => isOmitted(w.get(p)) && typeof h.get(p) === 'string');
}

export function keptSecretWarnings(have: unknown, want: unknown, secrets: readonly string[] = [], key = ''): Change[] {
  const h = leaves(have);
  const w = leaves(want);
  const out: Change[] = [];
  for (const p of secrets) {
    const a = h.get(p);
    const b = w.get(p);
    if (!isOmitted(b) || typeof a !== 'string') continue;
    if (!describes(b, a, key)) out.push({ path: p, old: secretText(describeSecret(a, key)), new: secretText(b) });
  }
  return out;
}
