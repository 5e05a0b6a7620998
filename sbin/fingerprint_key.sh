#!/usr/bin/env bash
# fingerprint_key.sh — makes this appliance's secret-fingerprint key when there is none
# (<root>/etc/confconsole/secrets/fingerprint.key, 0600, 32 random bytes as hex; lib/fingerprint.py).
# The console keys its descriptions of secrets with it (an export's "secret: omitted" with its
# length and hmac), as the scripts key the audit's: an unsalted hash of a short secret could be
# reversed by brute force. The key is never printed. On stdout {"ok":true}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

case ${1:-} in -h|--help) cc_help ;; '') ;; *) usage_error "takes no arguments" ;; esac
python3 "$CC_LIB/fingerprint.py" "${CC_ROOT:-/}" --key || fail "$EX_FAIL" "cannot make the fingerprint key in $(p /etc/confconsole/secrets)"
printf '{"ok":true}\n'
