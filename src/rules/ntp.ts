// NTP servers (manual ch. 4 "Configure NTP settings"). Twin: sbin/lib/checks.sh check_servers.
import { endpoint, formatEndpoint } from './address.js';
import { bad, ok, words, type Validated } from './validated.js';

export const MAX_NTP_SERVERS = 8;

/** The NTP field: servers separated by spaces (commas tolerated), 1-8, no repeats → canonical forms. */
export function ntpServers(input: string): Validated<string[]> {
  const list = words(input);
  if (list.length === 0) return bad('Enter at least one NTP server');
  if (list.length > MAX_NTP_SERVERS) return bad(`At most ${MAX_NTP_SERVERS} NTP servers`);
  const out: string[] = [];
  const errors: string[] = [];
  for (const w of list) {
    const r = endpoint(w);
    if (!r.ok) errors.push(r.message);
    else {
      const f = formatEndpoint(r.value);
      if (out.includes(f)) errors.push(`"${w}" is listed twice`);
      else out.push(f);
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
