// vSensor main menu > 5 Shell (manual ch. 7, "Launch the confconsole, select Shell from the main
// menu and log in"): the system's own `login` on the console's terminal, after the manual's two
// lines. The console leaves its screen, lends the terminal to login in its normal mode, and
// takes it back when login ends: Ctrl+C before logging in, `exit` after.
import type { Paths } from '../../system/paths.js';
import { readSettings } from '../../system/settings.js';

/** The manual's first line, word for word. */
export const LOGIN_BANNER =
  '*** Starting login shell - press "Ctrl+c" to return to confconsole before successful login and type "exit" to return to confconsole after login';

/** The admin user when appliance.ini names none: the manual's ("the darktrace user ... the default admin user"). */
export const DEFAULT_ADMIN_USER = 'darktrace';

/** What Shell runs, and the lines printed before it. */
export interface ShellProgram {
  file: string;
  args: string[];
  cwd?: string;
  banner?: string;
}

/**
 * The admin user ([console] admin_user in appliance.ini, else `darktrace`): the user the
 * first-boot password is for and the one the login banner names. A settings file that cannot
 * be read gives the default (the banner is a hint; the password script refuses on its own).
 */
export async function adminUser(paths: Paths): Promise<string> {
  try {
    return (await readSettings(paths.settingsIni)).console.admin_user || DEFAULT_ADMIN_USER;
  } catch {
    return DEFAULT_ADMIN_USER;
  }
}

/** The manual's two lines before the login prompt, naming `admin`. */
export const loginBanner = (admin: string): string => `${LOGIN_BANNER}\n*** To login, enter the username ${admin}, then enter the password when prompted`;

/**
 * Shell on an appliance: `login` (util-linux/shadow, found on PATH) with the banner. It runs as
 * the console's user; the menu offers it only to root (conditions.ts `login-needs-root`), as
 * login can switch to another user only when run by root.
 */
export async function loginShell(paths: Paths): Promise<ShellProgram> {
  return { file: 'login', args: [], banner: loginBanner(await adminUser(paths)) };
}
