// The first-boot steps of the vSensor (manual ch. 7 "vSensor Installation": a keyboard layout,
// then a new password for the admin user). Twins: sbin/lib/checks.sh check_keyboard_layout,
// check_admin_password (test/system/rules-agree.test.ts).
import { bad, ok, type Validated } from './validated.js';

/**
 * An XKB layout's short name (us, gb, de, latam), trimmed, ASCII letters in lower case (only
 * ASCII: JavaScript would also lower the Kelvin sign to k, which bash does not). Whether the
 * system knows the layout is the script's check against its list (base.lst).
 */
export function keyboardLayout(s: string): Validated<string> {
  const v = s.trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(v)) return bad('A layout is its short name: 1-32 letters, digits, _ or -, beginning with a letter (e.g. us, gb, de)');
  return ok(v);
}

/**
 * The admin user's new password, as typed (never trimmed): 8 or more characters (code points),
 * at most 256 bytes in UTF-8 (what the script, under LC_ALL=C, counts), one line without
 * control characters (it goes to chpasswd as one `user:password` line on its stdin).
 */
export function adminPassword(s: string): Validated<string> {
  if (/[\x00-\x1f\x7f]/.test(s)) return bad('The password must be one line without control characters');
  if ([...s].length < 8) return bad('The password must have 8 or more characters');
  if (new TextEncoder().encode(s).length > 256) return bad('The password must be at most 256 bytes (an accented letter takes 2)');
  return ok(s);
}
