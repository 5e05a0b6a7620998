// PCAP buffer size (manual ch. 7 "Enabling PCAP on a vSensor"). Twin: sbin/lib/checks.sh
// check_gb; whether it fits the disk only set_pcap.sh --check can say.
import { bad, ok, type Validated } from './validated.js';

/** PCAP buffer size in whole GB; 0 disables capture → its plain decimal form. */
export function pcapGb(s: string): Validated<string> {
  const t = s.trim();
  // a whole number too long is not "not a whole number": say what is wrong with it
  if (/^0*[1-9][0-9]{6,}$/.test(t)) return bad(`${t} GB is too large: at most 6 digits (the disk decides the largest buffer that fits)`);
  if (!/^[0-9]{1,6}$/.test(t)) return bad('Enter a whole number of GB (0 disables packet capture)');
  return ok(String(Number(t)));
}
