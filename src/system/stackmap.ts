// Stacks of the installed executable told in the sources' terms. Its second stage is one minified
// file, `confconsole.cjs` (packaging/build-exe.mjs), whose functions have short made-up names:
// esbuild's keepNames would keep the real ones, at 1.3 MB of RSS for every start (measured), so
// the build writes a source map beside the executable instead, read only when a stack is written.
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, join } from 'node:path';

/** The second stage's file name in stacks (packaging/stage2-build.cjs compiles it under this name). */
export const STAGE2_FILE = 'confconsole.cjs';
/** Lines the second stage's wrapper adds before the bundle's first line (stage2-build.cjs). */
export const STAGE2_WRAPPER_LINES = 1;

let cached: { file: string; map: SourceMap | null } | undefined;

function mapAt(file: string): SourceMap | null {
  if (cached?.file !== file) {
    let map: SourceMap | null = null;
    try {
      map = new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as SourceMapPayload);
    } catch {
      map = null; // no map installed, or not one: the stack is given as it is
    }
    cached = { file, map };
  }
  return cached.map;
}

/**
 * `stack` with each position in the second stage (`confconsole.cjs:LINE:COLUMN`, 1-based) replaced
 * by the source file and position it came from (`src/system/log.ts:12:5`), as the source map
 * `mapFile` (default: `confconsole.cjs.map` beside the executable) says; a frame the map does
 * not cover, or every frame when there is no readable map, is kept as it is. Never throws.
 */
export function sourceMapped(stack: string, mapFile: string = join(dirname(process.execPath), `${STAGE2_FILE}.map`)): string {
  const at = new RegExp(`\\b${STAGE2_FILE.replace('.', '\\.')}:(\\d+):(\\d+)`, 'g');
  if (!at.test(stack)) return stack;
  try {
    const map = mapAt(mapFile);
    if (!map) return stack;
    return stack.replace(at, (whole, line: string, column: string) => {
      const generated = Number(line) - 1 - STAGE2_WRAPPER_LINES;
      const e = map.findEntry(generated, Number(column) - 1) as Partial<{ generatedLine: number; originalSource: string; originalLine: number; originalColumn: number }>;
      // findEntry gives the nearest mapping before the position, even lines before: only one on its line is this frame's
      if (e.generatedLine !== generated || e.originalSource === undefined || e.originalLine === undefined || e.originalColumn === undefined) return whole;
      // esbuild names sources relative to the map (../../src/...): the repository's path is what a reader wants
      const source = e.originalSource.replace(/^(?:\.\.\/)+/, '').replace(/^file:\/\//, '');
      return `${source}:${e.originalLine + 1}:${e.originalColumn + 1}`;
    });
  } catch {
    return stack;
  }
}
