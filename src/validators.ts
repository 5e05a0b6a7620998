// Pure validators shared by the console's fields and the command line. A validator returns
// the normalised value or a message for the person (never throws for bad input), in the
// spirit of @inquirer's `validate`. The sbin/ scripts check the same rules again because
// they are a CLI of their own.

export type Validated<T = string> = { ok: true; value: T; warning?: string } | { ok: false; message: string };

const ok = <T>(value: T): Validated<T> => ({ ok: true, value });
const bad = (message: string): Validated<never> => ({ ok: false, message });

/** Dotted-quad IPv4 without leading zeros (010 is octal to some tools). */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** IPv6 in any RFC 4291 text form, optionally with an embedded IPv4 tail; no zone ids. */
export function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || s.length > 45) return false;
  let head = s;
  let tailGroups = 0;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    head = s.slice(0, lastColon + 1) + '0';
    tailGroups = 1; // the IPv4 tail is two groups; '0' stands for one, count one more
  }
  const dbl = head.split('::');
  if (dbl.length > 2) return false;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const g = dbl.flatMap(groups);
  if (!g.every((x) => /^[0-9A-Fa-f]{1,4}$/.test(x))) return false;
  const count = g.length + tailGroups;
  if (dbl.length === 2) return count <= 7;
  return count === 8;
}

/** RFC 1123 host name: labels of letters, digits and inner hyphens, 1–63 chars, 253 total. */
export function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  const labels = name.split('.');
  if (!labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l))) return false;
  // A name made only of digits and dots would be a malformed IPv4 address, not a host.
  return !/^[0-9.]+$/.test(name);
}

export interface NtpServer {
  host: string;
  port?: number;
}

/** One NTP server: host name, IPv4, IPv6, `host:port`, `[v6]:port`. */
/** An address nothing answers at: 0/8, multicast, 240/4 and broadcast; IPv6 :: and ff00::/8 (sbin's is_nowhere). */
export function isNowhere(host: string): boolean {
  if (isIPv4(host)) return Number(host.split('.')[0]) === 0 || Number(host.split('.')[0]) >= 224;
  return isIPv6(host) && (/^[0:]+$/.test(host) || /^ff/i.test(host));
}
const nowhere = (raw: string) => bad(`"${raw}" is not a server address (unspecified, broadcast or multicast)`);

export function parseNtpServer(raw: string): Validated<NtpServer> {
  const s = raw.trim();
  if (s === '') return bad('empty server name');
  let host = s;
  let portText: string | undefined;
  const v6port = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6port) {
    host = v6port[1] ?? '';
    portText = v6port[2];
    if (!isIPv6(host)) return bad(`"${raw}" is not a valid IPv6 address`);
  } else if ((s.match(/:/g) ?? []).length === 1) {
    [host, portText] = s.split(':') as [string, string];
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
      return bad(`"${raw}": port must be a number from 1 to 65535`);
    port = Number(portText);
  }
  if (isIPv4(host) || isIPv6(host)) return isNowhere(host) ? nowhere(raw) : ok(port === undefined ? { host } : { host, port });
  if (/^[0-9.]+$/.test(host)) return bad(`"${raw}" is not a valid IPv4 address`);
  if (host.includes(':')) return bad(`"${raw}" is not a valid IPv6 address`);
  if (!isHostname(host))
    return bad(`"${raw}" is not a valid host name (letters, digits, hyphens and dots)`);
  return ok(port === undefined ? { host: host.toLowerCase() } : { host: host.toLowerCase(), port });
}

export function formatNtpServer(s: NtpServer): string {
  if (s.port === undefined) return s.host;
  return s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

export const MAX_NTP_SERVERS = 8;

/** The NTP field: servers separated by spaces (commas tolerated), at least one, no repeats. */
export function ntpServers(input: string): Validated<string[]> {
  const words = input.split(/[\s,]+/).filter((w) => w !== '');
  if (words.length === 0) return bad('Enter at least one NTP server');
  if (words.length > MAX_NTP_SERVERS) return bad(`At most ${MAX_NTP_SERVERS} NTP servers`);
  const out: string[] = [];
  const errors: string[] = [];
  for (const w of words) {
    const r = parseNtpServer(w);
    if (!r.ok) errors.push(r.message);
    else {
      const f = formatNtpServer(r.value);
      if (out.includes(f)) errors.push(`"${w}" is listed twice`);
      else out.push(f);
    }
  }
  if (errors.length > 0) return bad(errors.join('; '));
  return ok(out);
}

export type ValidatorFn = (input: string) => Validated<string>;

/** Named validators that menu fields refer to; the schema check insists every field names one. */
export const validators: Record<string, ValidatorFn> = {
  'ntp-servers': (s) => {
    const r = ntpServers(s);
    return r.ok ? ok(r.value.join(' ')) : r;
  },
  hostname: (s) => (isHostname(s.trim()) ? ok(s.trim().toLowerCase()) : bad('Not a valid host name (RFC 1123)')),
};

// ---- vSensor master connection, osSensor, PCAP (manual ch. 7, 8) ----------------------

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
export function hmacToken(s: string): Validated<string> & { warning?: string } {
  const t = s.trim();
  if (!/^[A-Za-z0-9]{5,63}$/.test(t)) return bad('Must be 5-63 letters and digits (no spaces or symbols)');
  return t.length < 20 ? { ok: true, value: t, warning: `${t.length} characters: 20 or more are recommended` } : ok(t);
}

/** The master: host name, IPv4 or IPv6, optionally with a port. */
export function masterHost(s: string): Validated<string> {
  if (s.trim() === '') return bad("Enter the master's IP address or host name");
  // the manual shows the master as https://HOST: a pasted URL gets a message that says what to do
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s.trim())) return bad('Enter the host name or IP address only, without https:// (the connection is always HTTPS)');
  const r = parseNtpServer(s); // same grammar: host, v4, v6, host:port, [v6]:port
  return r.ok ? ok(formatNtpServer(r.value)) : r;
}

/** Optional HTTP proxy, http://HOST:PORT (no credentials: they would be on a command line). */
export function proxyUrl(s: string): Validated<string> {
  const t = s.trim().replace(/\/$/, '');
  if (t === '') return ok('');
  if (t.includes('@')) return bad('Proxy credentials are not accepted in the URL');
  const hp = t.replace(/^http:\/\//i, '');
  if (hp.includes('://')) return bad('Only an HTTP proxy is supported: http://HOST:PORT');
  const r = parseNtpServer(hp);
  if (!r.ok || r.value.port === undefined) return bad('The proxy must be http://HOST:PORT');
  return ok(`http://${formatNtpServer(r.value)}`);
}

/** PCAP buffer size in whole GB; 0 disables capture (the disk check is the script's). */
export function pcapGb(s: string): Validated<string> {
  const t = s.trim();
  if (!/^[0-9]{1,6}$/.test(t)) return bad('Enter a whole number of GB (0 disables packet capture)');
  return ok(String(Number(t)));
}

Object.assign(validators, {
  // a choice field's value is checked against its own choices by the form
  choice: (s: string) => ok(s),
  'push-token': pushToken,
  hmac: hmacToken,
  'master-host': masterHost,
  proxy: proxyUrl,
  'pcap-gb': pcapGb,
} satisfies Record<string, ValidatorFn>);

// ---- Call-Home ------------------------------------------------------------------------

/** A host name or IP address, without a port. */
export function hostOnly(s: string): Validated<string> {
  const t = s.trim();
  if (t === '') return bad('Enter a host name or IP address');
  if (isIPv4(t) || isIPv6(t)) return isNowhere(t) ? nowhere(t) : ok(t);
  if (/^[0-9.]+$/.test(t)) return bad(`"${t}" is not a valid IPv4 address`);
  return isHostname(t) ? ok(t.toLowerCase()) : bad(`"${t}" is not a valid host name (letters, digits, hyphens and dots)`);
}

export function port(s: string): Validated<string> {
  const t = s.trim();
  return /^[0-9]{1,5}$/.test(t) && Number(t) >= 1 && Number(t) <= 65535 ? ok(String(Number(t))) : bad('A port is a number from 1 to 65535');
}

/** A proxy's HOST:PORT (the scheme is chosen apart). */
export function proxyAddress(s: string): Validated<string> {
  const r = parseNtpServer(s.trim());
  if (!r.ok || r.value.port === undefined) return bad('The proxy is HOST:PORT, e.g. proxy.example.com:3128');
  return ok(formatNtpServer(r.value));
}

/** An optional proxy user name (the password is asked apart, as a secret). */
export function proxyUser(s: string): Validated<string> {
  const t = s.trim();
  return /^[A-Za-z0-9._@-]{0,64}$/.test(t) ? ok(t) : bad('A user name of letters, digits and . _ @ - (at most 64)');
}

/** A password: any printable text on one line (it goes to the script on stdin). */
export function password(s: string): Validated<string> {
  return /^[^\x00-\x1f\x7f]*$/.test(s) && s.length <= 256 ? ok(s) : bad('One line of at most 256 printable characters');
}

Object.assign(validators, {
  host: hostOnly,
  port,
  'proxy-address': proxyAddress,
  'proxy-user': proxyUser,
  password,
} satisfies Record<string, ValidatorFn>);
