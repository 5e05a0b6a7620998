#!/usr/bin/env bash
# power.sh reboot|shutdown — reboot or power off the appliance. The demo appliance records
# the request in var/log/confconsole/host-effects.log instead. Result on stdout.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

case ${1:-} in
  -h|--help) cc_help ;;
  reboot) cmd=(systemctl reboot); alt=(shutdown -r now) ;;
  shutdown) cmd=(systemctl poweroff); alt=(shutdown -h now) ;;
  *) usage_error "usage: power.sh reboot|shutdown" ;;
esac
[[ $# -eq 1 ]] || usage_error "usage: power.sh reboot|shutdown"

lock
audit "power.$1" "$1 requested" ok
if is_demo; then
  record_host_effect "$1"
  log "demo appliance: $1 recorded in $HOST_EFFECTS_LOG, not performed"
  printf '{"ok":true,"action":"%s","demo":true}\n' "$1"
  exit 0
fi
log "$1 now"
printf '{"ok":true,"action":"%s","demo":false}\n' "$1"
exec 9>&-
if [[ -d /run/systemd/system ]]; then exec "${cmd[@]}"; else exec "${alt[@]}"; fi
