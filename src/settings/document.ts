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

/** The value at `path` inside `v` (undefined when there is none). */
const valueAt = (v: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<PropertyKey, unknown>)[k] : undefined), v);

/** What a document's value is, in words ("the text \"x\"", "a list", "empty (null)"). */
function kindOf(v: unknown): string {
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a section of settings';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `${typeof v === 'number' ? 'the number ' : ''}${String(v)}`;
}

/** What a key must hold, in words, from zod's expected type. */
const TYPE_WORDS: Record<string, string> = {
  boolean: 'true or false',
  number: 'a number',
  int: 'a whole number',
  string: 'text (in quotes when it could be read as a number or true/false)',
  array: 'a list',
  object: 'a section of settings (KEY: VALUE)',
  record: 'a section of settings (KEY: VALUE)',
  null: 'empty (null)',
};
const typeWords = (t: unknown) => TYPE_WORDS[String(t)] ?? String(t);

type Issue = z.core.$ZodIssue;

/** zod's own wording (its defaults), as opposed to a message a schema or rule gives. */
const ZOD_WORDING = /^(Invalid|Too (small|big)|Unrecognized key|Expected|Required)\b/;

/**
 * A schema's issue in an operator's words, at its key path (`base`: the section's own path;
 * `input`: the section as given): a rule's own message as it is (src/rules), else what the key
 * must hold ("must be true or false, not the text \"yes\"", "missing: ...", "not a setting of
 * this area"). Never zod's own wording.
 */
export function explain(i: Issue, input: unknown, base: readonly PropertyKey[]): DocError[] {
  const path = [...base, ...i.path];
  const at = (message: string, p: readonly PropertyKey[] = path): DocError => ({ path: pathOf(p) || '(document)', message: visible(message) });
  const value = valueAt(input, i.path);
  // a message the schema gives is the rule's own (min, int, enum with its words)
  if (i.code !== 'unrecognized_keys' && i.code !== 'invalid_key' && !ZOD_WORDING.test(i.message)) return [at(i.message)];
  switch (i.code) {
    case 'invalid_type':
      return [at(value === undefined ? `missing: it must be given (${typeWords(i.expected)})` : `must be ${typeWords(i.expected)}, not ${kindOf(value)}`)];
    case 'invalid_value': {
      const one = i.values.length === 1;
      const allowed = i.values.map((x) => JSON.stringify(x)).join(', ');
      return [at(`${value === undefined ? 'missing: it ' : ''}must be ${one ? allowed : `one of ${allowed}`}${value === undefined ? '' : `, not ${kindOf(value)}`}`)];
    }
    case 'unrecognized_keys':
      return i.keys.map((k) => at('not a setting here (misspelt, or of another version of the console)', [...path, k]));
    case 'invalid_key':
      return i.issues.flatMap((x) => (x.code === 'custom' ? [at(x.message)] : [at('not a valid name here')]));
    case 'invalid_union': {
      if (i.errors.length === 0) {
        const d = i as Issue & { options?: unknown[] };
        const allowed = (d.options ?? []).map((x) => JSON.stringify(x)).join(', ');
        return [at(`${value === undefined ? 'missing: it ' : ''}must be one of ${allowed}${value === undefined ? '' : `, not ${kindOf(value)}`}`)];
      }
      // the branch the value has the type of says why (a secret's text, or its description)
      const fits = i.errors.find((b) => !b.some((x) => x.path.length === 0 && (x.code === 'invalid_type' || x.code === 'invalid_value')));
      if (fits) return fits.flatMap((x) => explain(x, value, path));
      const wanted = i.errors.flatMap((b) => b.filter((x) => x.path.length === 0).map((x) => (x.code === 'invalid_type' ? typeWords(x.expected) : x.code === 'invalid_value' ? x.values.map((v) => JSON.stringify(v)).join(', ') : '')));
      return [at(`${value === undefined ? 'missing: it ' : ''}must be ${[...new Set(wanted.filter(Boolean))].join(' or ')}${value === undefined ? '' : `, not ${kindOf(value)}`}`)];
    }
    case 'too_small':
    case 'too_big': {
      const n = String(i.code === 'too_small' ? i.minimum : i.maximum);
      const what = i.origin === 'array' ? `${n} entries` : i.origin === 'string' ? `${n} characters` : n;
      return [at(`${i.code === 'too_small' ? 'at least' : 'at most'} ${what}`)];
    }
    case 'invalid_format':
      return [at(`not in the form this key takes (${i.format})`)];
    default:
      return [at('not a value this key takes')];
  }
}

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
    for (const i of head.error.issues) errors.push(...explain(i, raw, []));
    return { ok: false, errors };
  }
  if (head.data.profile !== undefined && head.data.profile !== profile)
    errors.push({ path: 'profile', message: `the document is of ${consoleOf(head.data.profile)}; this is ${consoleOf(profile)}` });
  const mine = areasOf(all, profile);
  const values = new Map<string, unknown>();
  for (const [id, section] of Object.entries(head.data.areas)) {
    const a = mine.find((x) => x.id === id);
    if (!a) {
      const other = all.find((x) => x.id === id);
      errors.push({
        path: `areas.${visible(id)}`,
        message: other ? `${consoleOf(profile)} has no ${other.title} (a setting of ${other.profiles.map(consoleOf).join(' or ')})` : `not an area of this console (its areas: ${mine.map((x) => x.id).join(', ')})`,
      });
      continue;
    }
    const r = a.schema.safeParse(section);
    if (!r.success) for (const i of r.error.issues) errors.push(...explain(i, section, ['areas', id]));
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

// none, null and an empty list all say 'nothing here' (a new interface's empty gateway is no change to show)
const said = (v: unknown): string => (v === undefined || v === null || (Array.isArray(v) && v.length === 0) ? '(none)' : Array.isArray(v) ? v.map(String).join(' ') : String(v));

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
    if (JSON.stringify(a) !== JSON.stringify(b) && said(a) !== said(b)) out.push({ path: p, old: visible(said(a)), new: visible(said(b)) });
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

/** A console named with its article, as a sentence says it ("an appliance console", "a vSensor console"). */
const consoleOf = (p: string): string => (p === 'appliance' ? 'an appliance console' : p === 'vsensor' ? 'a vSensor console' : `a ${p} console`);

/**
 * The document as YAML that every reader takes the same way (a string). Every string value is
 * double-quoted: a YAML 1.1 reader (PyYAML, so Ansible) reads a plain 12:30 as the number 750 and
 * no (Norway's keyboard layout) as false. Keys stay plain.
 */
export async function documentYaml(doc: unknown): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(doc, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}
