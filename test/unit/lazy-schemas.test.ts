// Every zod schema a module makes when it is loaded is wrapped in z.lazy (built on its first
// parse): the console loads every module at start, and built eagerly its ~1,300 schema instances
// cost 1.7 MB of the installed executable's RSS at the main menu (measured), most of them for
// screens the operator may never open. This finds a module-level zod expression that is not.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) yield* tsFiles(join(dir, e.name));
    else if (e.name.endsWith('.ts')) yield join(dir, e.name);
  }
}

/** The leftmost expression of a call/property chain (`z` of `z.object({}).loose()`). */
function rootOf(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isCallExpression(e) || ts.isPropertyAccessExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    else return e;
  }
}

/** The member a chain starts with (`object` of `z.object({}).loose()`). */
function firstMember(e: ts.Expression): string | undefined {
  let name: string | undefined;
  for (;;) {
    if (ts.isCallExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
    else if (ts.isPropertyAccessExpression(e)) {
      name = e.name.text;
      e = e.expression;
    } else return name;
  }
}

/** A single primitive is as cheap as the z.lazy around it would be. */
const PRIMITIVE = /^z\.(string|number|boolean|unknown|any|null|undefined)\(\)$/;
/** A chain that ends in a parse is data, not a schema. */
const PARSED = new Set(['parse', 'safeParse', 'parseAsync', 'safeParseAsync']);

/** `file:line: text` of each module-level zod schema expression of `file` not inside z.lazy. */
export function eagerSchemas(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    // a function's or a class's body runs when called: its schemas are made then
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isCallExpression(n)) {
      const root = rootOf(n);
      if (ts.isIdentifier(root) && root.text === 'z') {
        const last = ts.isPropertyAccessExpression(n.expression) ? n.expression.name.text : '';
        if (firstMember(n) === 'lazy' || PARSED.has(last)) return;
        const code = n.getText(sf);
        if (!PRIMITIVE.test(code)) found.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: ${code.slice(0, 60)}`);
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (d.initializer) visit(d.initializer);
    if (ts.isExportAssignment(st) || ts.isExpressionStatement(st)) ts.forEachChild(st, visit);
  }
  return found;
}

describe('zod schemas are made on first use', () => {
  it('no module of src/ makes a schema when it is loaded, but inside z.lazy', () => {
    const eager: string[] = [];
    for (const f of tsFiles(SRC)) {
      const text = readFileSync(f, 'utf8');
      if (/from 'zod'/.test(text)) eager.push(...eagerSchemas(f.slice(SRC.length + 1), text));
    }
    expect(eager).toEqual([]);
  });

  it('finds what it is for, and only that', () => {
    const src = [
      "import { z } from 'zod';",
      'const A = z.object({ a: z.string() });',
      'const B = z.lazy(() => z.object({ b: z.string() }));',
      'const C = script("c.sh", z.array(z.number()));',
      'const D = z.string();',
      'const E = z.record(z.string(), B).parse({});',
      'function f() { return z.object({ f: z.string() }); }',
      'const G = () => z.object({ g: z.string() });',
      'const H = { h: z.enum(["x", "y"]) };',
    ].join('\n');
    expect(eagerSchemas('x.ts', src).map((l) => l.split(':')[1])).toEqual(['2', '4', '9']);
  });
});
