#!/usr/bin/env bash
# recover.sh [--boot] — roll back a change that was interrupted (kill, crash, power loss)
# before it ended, from the journal the scripts keep: its files put back, the services and
# interfaces it touched brought back onto them, the temp files it left removed. Run at boot;
# every writer also does it first. --boot: before the network is up (the unit at boot), the
# restored netplan YAML is generated, not applied (networkd, started next, reads it).
# Exit 0 (also when there was nothing to do); result on stdout {"ok":true,"recovered":BOOL}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

case ${1:-} in -h|--help) cc_help ;; --boot) export CC_BOOT=1 ;; '') ;; *) usage_error "unknown option $1 (see --help)" ;; esac
(($# <= 1)) || usage_error "takes at most one option (--boot)"
had=false; [[ -f $TXN_FILE ]] && had=true
lock
# a network change nobody confirmed before a power loss: roll it back (net_rollback.sh takes the
# lock itself, so ours is released first; its JSON goes to the log, ours stays the last line)
if [[ -f $(p /var/lib/confconsole/net-pending.json) ]]; then
  exec 9>&-
  if "$here/net_rollback.sh" --reason "unconfirmed at boot" >&2; then had=true; else log "the pending network change could not be rolled back"; fi
fi
printf '{"ok":true,"recovered":%s}\n' "$had"
