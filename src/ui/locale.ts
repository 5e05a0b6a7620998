// The locale's character set, without loading the terminal code (the installed executable's first
// stage asks it before anything else is loaded).

/** Whether the console's locale can show UTF-8 (the VGA console often runs with LANG=C). */
export function utf8Locale(env: NodeJS.ProcessEnv = process.env): boolean {
  return /utf-?8/i.test(env.LC_ALL || env.LC_CTYPE || env.LANG || '');
}
