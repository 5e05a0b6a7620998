// NTP servers (manual ch. 4 "Configure NTP settings"). Twin: sbin/lib/checks.sh check_servers.
import { endpoint, formatEndpoint, isIPv4, isIPv6 } from './address.js';
import { bad, ok, words, type Validated } from './validated.js';

export const MAX_NTP_SERVERS = 8;

/**
 * The NTP field: servers separated by spaces (commas tolerated), 1-8, no repeats → canonical
 * forms. `pool:NAME` (or `pool:NAME:PORT`) asks for a chrony `pool` line: NAME must be a host
 * name (a pool is a name with many addresses); the same host twice, pool or not, is a repeat.
 */
export function ntpServers(input: string): Validated<string[]> {
  const list = words(input);
  if (list.length === 0) return bad('Enter at least one NTP server');
  if (list.length > MAX_NTP_SERVERS) return bad(`At most ${MAX_NTP_SERVERS} NTP servers`);
  const out: string[] = [];
  const seen: string[] = [];
  const errors: string[] = [];
  for (const w of list) {
    const pool = /^pool:/i.test(w);
    const r = endpoint(pool ? w.slice(5) : w);
    if (!r.ok) errors.push(pool ? r.message.replace(/^"/, '"pool:') : r.message);
    else if (pool && (isIPv4(r.value.host) || isIPv6(r.value.host))) errors.push(`"${w}": a pool needs a host name, not an address`);
    else {
      const f = formatEndpoint(r.value);
      if (seen.includes(f)) errors.push(`"${w}" is listed twice`);
      else {
        seen.push(f);
        out.push(pool ? `pool:${f}` : f);
      }
    }
  }
  if (errors.length > 0) return bad(errors.join('; '));
  return ok(out);
}

/** ntpServers as a form field's rule: the servers joined by one space. */
export function ntpServersField(input: string): Validated<string> {
  const r = ntpServers(input);
  return r.ok ? ok(r.value.join(' ')) : r;
}
