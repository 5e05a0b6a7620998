// Updates (manual ch. 7 "Upgrading a vSensor"): the update key and the proxy password, as APT's
// auth.conf can carry them (netrc tokens split by white space, no quoting). Twins:
// sbin/lib/checks.sh check_update_key, check_apt_password.
import { password } from './callhome.js';
import { bad, ok, type Validated } from './validated.js';

/** The update key support gives: 8-256 printable ASCII characters, no space, no # " ' \. */
export function updateKey(s: string): Validated<string> {
  return /^[!-~]{8,256}$/.test(s) && !/[#"'\\]/.test(s) ? ok(s) : bad('8-256 printable characters without spaces or # " \' \\ (as support gave it)');
}

/** A proxy password for APT: the proxy password rule, and no ASCII white space (what APT splits at) or # " ' \. */
export function aptPassword(s: string): Validated<string> {
  const r = password(s);
  if (!r.ok) return r;
  if (s === '') return bad('Enter the proxy password (or leave the user empty for a proxy without login)');
  return /[ \t\n\v\f\r#"'\\]/.test(s) ? bad('No spaces or # " \' \\ in a proxy password for updates (APT cannot store them)') : ok(s);
}
