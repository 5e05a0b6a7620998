// Where a vSensor's master is, and the HTTP proxy to it (manual ch. 7). Twins:
// sbin/lib/checks.sh check_master_host, check_master_proxy.
import { endpoint, formatEndpoint } from './address.js';
import { bad, ok, type Validated } from './validated.js';

/** The master: host name, IPv4 or IPv6, optionally with a port. */
export function masterHost(s: string): Validated<string> {
  const t = s.trim();
  if (t === '') return bad("Enter the master's IP address or host name");
  // the manual shows the master as https://HOST: a pasted URL gets a message that says what to do
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return bad('Enter the host name or IP address only, without https:// (the connection is always HTTPS)');
  const r = endpoint(t);
  return r.ok ? ok(formatEndpoint(r.value)) : r;
}

/** Optional HTTP proxy, http://HOST:PORT (no credentials: they would be on a command line). */
export function proxyUrl(s: string): Validated<string> {
  const t = s.trim().replace(/\/$/, '');
  if (t === '') return ok('');
  if (t.includes('@')) return bad('Proxy credentials are not accepted in the URL');
  const hp = t.replace(/^http:\/\//i, '');
  if (hp.includes('://')) return bad('Only an HTTP proxy is supported: http://HOST:PORT');
  const r = endpoint(hp);
  if (!r.ok) return r;
  if (r.value.port === undefined) return bad('The proxy must be http://HOST:PORT');
  return ok(`http://${formatEndpoint(r.value)}`);
}
