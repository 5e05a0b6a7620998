// Secrets the operator types: push token and HMAC tokens (manual ch. 7 "Communication Mode
// Configuration", ch. 8 "Configuring an HMAC token"). Twins: sbin/lib/checks.sh check_push_token,
// check_hmac.
import { bad, ok, type Validated } from './validated.js';

/** A push token as the master shows it once: label:secret (the label is part of it). */
export function pushToken(s: string): Validated<string> {
  const t = s.trim();
  if (t === '') return bad('Enter the push token, as the master showed it (label:secret)');
  const i = t.indexOf(':');
  if (i < 0) return bad('A push token is label:secret, exactly as the master shows it (the label is part of the token)');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(t.slice(0, i))) return bad("The label before ':' must be 1-64 letters, digits, '.', '_' or '-'");
  if (!/^[A-Za-z0-9+/=_-]{8,256}$/.test(t.slice(i + 1))) return bad("The secret after ':' must be 8-256 letters, digits or + / = _ - (no spaces)");
  return ok(t);
}

/** An HMAC token or key: 5-63 letters and digits; fewer than 20 is allowed with a warning. */
export function hmacToken(s: string): Validated<string> {
  const t = s.trim();
  if (!/^[A-Za-z0-9]{5,63}$/.test(t)) return bad('Must be 5-63 letters and digits (no spaces or symbols)');
  return t.length < 20 ? ok(t, `${t.length} characters: 20 or more are recommended`) : ok(t);
}
