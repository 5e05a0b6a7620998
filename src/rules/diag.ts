// The values of the Diagnostic Functions (Networking and Traffic Analysis > 5): a host to probe,
// a name to look up, a packet count, an interface, a capture filter. Twins in sbin/lib/checks.sh
// (check_diag_host, check_diag_name, check_diag_count, check_capture_iface,
// check_capture_filter); test/system/rules-agree.test.ts proves both agree. None of them
// accepts a value beginning with '-': it could become an option of the tool it is given to.
import { host, isHostname } from './address.js';
import { bad, ok, type Rule, type Validated } from './validated.js';

/** A host to ping or trace: the rule of every server host (address.ts `host`). */
export const diagHost: Rule = host;

/** A host name to look up (RFC 1123, lower-cased; an address is no name to look up). */
export function lookupName(s: string): Validated<string> {
  const t = s.trim();
  if (t === '') return bad('Enter a host name to look up');
  return isHostname(t) ? ok(t.toLowerCase()) : bad(`"${t}" is not a host name (letters, digits, hyphens and dots)`);
}

/** A packet count from 1 to `max` → its plain decimal form (leading zeros read as decimal). */
export const packetCount =
  (max: number): Rule =>
  (s) => {
    const t = s.trim();
    return /^[0-9]{1,6}$/.test(t) && Number(t) >= 1 && Number(t) <= max ? ok(String(Number(t))) : bad(`The count must be a number from 1 to ${max}`);
  };

/** Echo requests of a ping, and packets of a capture: the most each may ask for. */
export const PING_MAX = 100;
export const CAPTURE_MAX = 1000;

/** An interface name as the kernel has them (1-15 characters), never an option of tcpdump. */
export function captureIface(s: string): Validated<string> {
  const t = s.trim();
  return /^[A-Za-z0-9_.@][A-Za-z0-9_.@-]{0,14}$/.test(t) && t !== '.' && t !== '..' ? ok(t) : bad(`"${t}" is not an interface name (1-15 letters, digits, . _ @ -)`);
}

/**
 * A tcpdump filter expression (optional: empty captures everything): 1-200 printable ASCII
 * characters, not beginning with '-'. Whether tcpdump understands it, only tcpdump -d says
 * (diag.sh asks it before the capture starts).
 */
export function captureFilter(s: string): Validated<string> {
  const t = s.trim();
  if (t === '') return ok('');
  return t.length <= 200 && /^[ -~]+$/.test(t) && !t.startsWith('-') ? ok(t) : bad('The filter must be 1-200 printable ASCII characters, not beginning with -');
}
