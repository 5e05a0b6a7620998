// Call-Home's proxy and its login (manual ch. 4 "Call-Home"). Twins: sbin/lib/checks.sh
// check_callhome_proxy (with check_proxy_address), check_proxy_user, check_proxy_password (the
// password is only checked for what stdin can carry).
import { endpoint, formatEndpoint } from './address.js';
import { bad, ok, type Validated } from './validated.js';

/** A proxy's HOST:PORT (the scheme is chosen apart); a trailing / is the URL's empty path, dropped. */
export function proxyAddress(s: string): Validated<string> {
  const r = endpoint(s.trim().replace(/\/$/, ''));
  if (!r.ok) return r;
  if (r.value.port === undefined) return bad('The proxy is HOST:PORT, e.g. proxy.example.com:3128');
  return ok(formatEndpoint(r.value));
}

/**
 * An optional proxy user name (the password is asked apart, as a secret). Never beginning
 * with '-': the scripts pass it as an argument (check_proxy_user refuses it too).
 */
export function proxyUser(s: string): Validated<string> {
  const t = s.trim();
  return /^(?:[A-Za-z0-9._@+][A-Za-z0-9._@+-]{0,63})?$/.test(t) ? ok(t) : bad('A user name of letters, digits and . _ @ + - (at most 64, not beginning with -)');
}

/**
 * A password: any printable text on one line (it goes to the script on stdin), at most 256 bytes
 * in UTF-8: what check_proxy_password counts (the scripts run with LC_ALL=C).
 */
export function password(s: string): Validated<string> {
  const fits = /^[^\x00-\x1f\x7f]*$/.test(s) && new TextEncoder().encode(s).length <= 256;
  return fits ? ok(s) : bad('One line of printable characters, at most 256 bytes (an accented letter takes 2)');
}
