// Reading the appliance's files: a file that is missing, a directory, or unreadable where a
// setting or log is expected is a Problem naming the file, never a crash.
import { readFile } from 'node:fs/promises';
import { Problem } from '../core/problem.js';

const why: Record<string, string> = {
  EISDIR: 'it is a directory, not a file',
  EACCES: 'permission denied (run sudo confconsole)',
  EPERM: 'permission denied (run sudo confconsole)',
  ENOTDIR: 'a part of its path is not a directory',
  ELOOP: 'too many symbolic links',
  EIO: 'input/output error',
};

/** Why a read or open failed, in words (errno code → words). */
export function fileCause(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return why[code] ?? (e instanceof Error ? e.message : String(e));
}

/** The Problem for a failed read or open of `path`. */
export function fileProblem(path: string, e: unknown): Problem {
  return new Problem(`Cannot read ${path}: ${fileCause(e)}`);
}

/**
 * The text of `path` (UTF-8), or undefined when it does not exist.
 * Throws a Problem naming the file when it cannot be read (a directory, no permission).
 */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileProblem(path, e);
  }
}
