// Values of the traffic commands (confconsole traffic devices|stats). Twins in sbin/lib/checks.sh:
// ifaceName ↔ check_capture_iface, windowSeconds ↔ check_seconds 1 3600
// (test/system/rules-agree.test.ts proves each pair gives the same answers).
import { bad, ok, type Validated } from './validated.js';

/** An interface name as the kernel has them (1-15 characters), never an option of a program. */
export function ifaceName(s: string): Validated<string> {
  if (!/^[A-Za-z0-9_.@][A-Za-z0-9_.@-]{0,14}$/.test(s) || s === '.' || s === '..') return bad('an interface name (1-15 letters, digits, . _ @ -)');
  return ok(s);
}

/** How long to listen or measure: whole seconds from 1 to 3600 → the plain decimal. */
export function windowSeconds(s: string): Validated<string> {
  if (!/^[0-9]{1,6}$/.test(s) || Number(s) < 1 || Number(s) > 3600) return bad(`whole seconds from 1 to 3600 (got '${s}')`);
  return ok(String(Number(s)));
}
