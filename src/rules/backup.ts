// Scheduled backups (issue 15, the manual's installation workflow "6. a. Schedule backups"):
// where they go, when, how many are kept, and the passphrase that encrypts them. Twins in
// sbin/lib/checks.sh (check_backup_*), proven equal by test/system/rules-agree.test.ts.
import { isHostname, isIPv4, isIPv6, isNowhere } from './address.js';
import { bad, ok, type Validated } from './validated.js';

/** Days of a weekly backup, as systemd's OnCalendar names them (lower case here). */
export const BACKUP_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const BACKUP_SCHEDULES = ['off', 'daily', 'weekly'] as const;
export const KEEP_MAX = 365;

/** A time of day, H:MM or HH:MM, 00:00-23:59 → HH:MM (what OnCalendar gets). */
export function backupTime(s: string): Validated<string> {
  const m = /^([01]?[0-9]|2[0-3]):([0-5][0-9])$/.exec(s.trim());
  return m ? ok(`${m[1]!.padStart(2, '0')}:${m[2]}`) : bad(`"${s.trim()}" is not a time of day HH:MM (00:00-23:59)`);
}

/** How many backups are kept: a whole number 1-365 → its plain form. */
export function backupKeep(s: string): Validated<string> {
  const t = s.trim();
  return /^[0-9]{1,3}$/.test(t) && Number(t) >= 1 && Number(t) <= KEEP_MAX ? ok(String(Number(t))) : bad(`keep takes a whole number of backups, 1-${KEEP_MAX}`);
}

/** When backups run: off, daily or weekly (any case, as every choice option) → lower case. */
export function backupSchedule(s: string): Validated<string> {
  const t = s.trim().toLowerCase();
  return (BACKUP_SCHEDULES as readonly string[]).includes(t) ? ok(t) : bad('the schedule is off, daily or weekly');
}

/** Whether backups are encrypted: yes or no (any case) → lower case. */
export function backupEncrypt(s: string): Validated<string> {
  const t = s.trim().toLowerCase();
  return t === 'yes' || t === 'no' ? ok(t) : bad('encrypt takes yes or no');
}

/** A weekly backup's day: mon..sun (any case) → lower case. */
export function backupDay(s: string): Validated<string> {
  const t = s.trim().toLowerCase();
  return (BACKUP_DAYS as readonly string[]).includes(t) ? ok(t) : bad(`the day is one of ${BACKUP_DAYS.join(' ')}`);
}

/**
 * An absolute directory path → its canonical form (no doubled or trailing '/'). Letters, digits
 * and . _ + , = @ - only: the path goes into sftp batch commands, where spaces, quotes and
 * glob characters would mean something else. No '.' or '..' component, not '/' itself, at most
 * 255 characters.
 */
function dirPath(p: string, what: string): Validated<string> {
  if (!/^\/[A-Za-z0-9._+,=@/-]*$/.test(p) || p.length > 255) return bad(`${what} must be an absolute path of letters, digits and . _ + , = @ - / (at most 255)`);
  const parts = p.split('/').filter((x) => x !== '');
  if (parts.length === 0) return bad(`${what} cannot be / itself: give a directory for the backups`);
  if (parts.some((x) => x === '.' || x === '..')) return bad(`${what} cannot have . or .. in it`);
  return ok(`/${parts.join('/')}`);
}

/**
 * Where backups go: a directory (absolute, under the appliance root), or
 * sftp://USER@HOST[:PORT]/PATH (a login name; a host name, IPv4 or [IPv6] that is somewhere; a
 * port 1-65535, left out when 22) → its canonical form (host lower case); `none` (any case) →
 * '' (no destination: set_backup.sh then turns the schedule off).
 */
export function backupDestination(s: string): Validated<string> {
  const t = s.trim();
  if (t.toLowerCase() === 'none') return ok('');
  if (t.startsWith('/')) {
    const r = dirPath(t, 'the directory');
    if (!r.ok) return r;
    return /^\/(proc|sys|dev)(\/|$)/.test(r.value) ? bad(`the directory cannot be under /proc, /sys or /dev`) : r;
  }
  if (!t.startsWith('sftp://')) return bad('the destination is a directory (/var/backups/confconsole) or sftp://USER@HOST[:PORT]/PATH');
  const m = /^sftp:\/\/([^@/]*)@(\[[^\]/]*\]|[^/:[\]]*)(?::([^/]*))?(\/.*)?$/.exec(t);
  if (!m) return bad('an SFTP destination is sftp://USER@HOST[:PORT]/PATH');
  const [, user = '', rawHost = '', port, path] = m;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) return bad('the SFTP user must be a login name (lower case letters, digits, _ and -)');
  const v6 = rawHost.startsWith('[');
  const h = v6 ? rawHost.slice(1, -1) : rawHost;
  if (v6 ? !isIPv6(h) : !(isIPv4(h) || isHostname(h))) return bad(`"${rawHost}" is not a host name or IP address (an IPv6 address in brackets)`);
  if (isNowhere(h)) return bad(`"${h}" is not a server address (unspecified, broadcast or multicast)`);
  let p = '';
  if (port !== undefined) {
    if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return bad('the SFTP port must be 1-65535');
    if (Number(port) !== 22) p = `:${Number(port)}`;
  }
  if (path === undefined) return bad('an SFTP destination needs the directory on the server: sftp://USER@HOST[:PORT]/PATH');
  const d = dirPath(path, 'the SFTP directory');
  if (!d.ok) return d;
  return ok(`sftp://${user}@${v6 ? `[${h.toLowerCase()}]` : h.toLowerCase()}${p}${d.value}`);
}

/** The passphrase that encrypts backups: 8-256 bytes of printable text on one line (it goes on stdin). */
export function backupPassphrase(s: string): Validated<string> {
  const n = new TextEncoder().encode(s).length;
  return /^[^\x00-\x1f\x7f]*$/.test(s) && n >= 8 && n <= 256 ? ok(s) : bad('the passphrase must be 8-256 bytes of printable characters on one line (an accented letter takes 2)');
}
