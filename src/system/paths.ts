// Every file the console touches, resolved under the appliance root (/ on an appliance, a
// temp dir in tests, a per-user dir for the demo). Nothing else in src/ builds a path.
import { homedir } from 'node:os';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Paths {
  root: string;
  /** Absolute path of a file on the appliance, e.g. under('/etc/hostname'). */
  under(p: string): string;
  settingsIni: string;
  /** A demo root carries this file; the scripts trust its existence, not appliance.ini (sbin/lib/host.sh). */
  demoMarker: string;
  chronyConf: string;
  hostname: string;
  auditLog: string;
  /** Every network rollback made (sbin/lib/net.sh NET_RB_LOG: one JSON object a line). */
  netRollbackLog: string;
  /** The network change waiting for confirmation, present only while one waits (sbin/lib/net.sh NET_PENDING; its content is the scripts'). */
  netPending: string;
  /** The rollbacks not yet seen at a login, present only while there are some (sbin/lib/net.sh NET_UNSEEN; its content is the scripts'). */
  netRollbacksUnseen: string;
  hostEffectsLog: string;
  /** The console's own log of internal errors (src/system/log.ts). */
  consoleLog: string;
  /** The scripts that write (sbin/ of this package). */
  sbin: string;
}

declare const CONFCONSOLE_INSTALLED: { sbin: string; version: string } | undefined;
/**
 * Set when this is the installed single executable (packaging/build.mjs defines it at build
 * time): where the package put the scripts, and its version. Undefined in a checkout.
 */
export const installed: { sbin: string; version: string } | undefined = typeof CONFCONSOLE_INSTALLED === 'undefined' ? undefined : CONFCONSOLE_INSTALLED;

/** This package's folder (menus/, sbin/), found from here whether run from src/ or a bundle; '' when installed. */
export const packageDir = (() => {
  if (installed) return '';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'confconsole') return dir;
    } catch {
      /* not here */
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('confconsole: cannot find its package folder');
    dir = up;
  }
})();

/**
 * The demo marker, relative to the root: its existence makes a root a demo appliance for the
 * scripts (sbin/lib/host.sh DEMO_MARKER), whatever appliance.ini holds or how damaged it is.
 */
export const DEMO_MARKER = '.confconsole-demo';

export function makePaths(root: string): Paths {
  const r = resolve(root);
  const under = (p: string) => join(r, p);
  return {
    root: r,
    under,
    settingsIni: under('/etc/confconsole/appliance.ini'),
    demoMarker: under(DEMO_MARKER),
    chronyConf: under('/etc/chrony/chrony.conf'),
    hostname: under('/etc/hostname'),
    auditLog: under('/var/log/confconsole/audit.log'),
    netRollbackLog: under('/var/log/confconsole/net-rollbacks.log'),
    netPending: under('/var/lib/confconsole/net-pending.json'),
    netRollbacksUnseen: under('/var/lib/confconsole/net-rollbacks-unseen.json'),
    hostEffectsLog: under('/var/log/confconsole/host-effects.log'),
    consoleLog: under('/var/log/confconsole/console.log'),
    sbin: process.env.CONFCONSOLE_SBIN ?? installed?.sbin ?? join(packageDir, 'sbin'),
  };
}

/** The per-user demo appliance root (XDG state dir). */
export function demoRoot(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'confconsole', 'demo-root');
}
