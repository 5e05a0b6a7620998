#!/usr/bin/env bash
# set_pcap.sh [--check] GB — the size of the rolling packet-capture buffer in GB (0 disables capture).
# The size must fit the disk: free space plus what the current buffer holds, less a reserve
# (5% of the disk, at least 1 GB); a refusal says the largest size that fits. Then the ring
# is reconfigured and its service restarted (stopped for 0). --check: only say whether it fits.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"
# shellcheck source=lib/pcap.sh
. "$here/lib/pcap.sh"

check_only=0
case ${1:-} in -h|--help) cc_help ;; --check) check_only=1; shift ;; esac
(($# == 1)) || usage_error "usage: set_pcap.sh [--check] GB   (0 disables packet capture)"
accept gb check_gb "$1"; gb=$CHECKED

fits() {
  max=$(pcap_max_gb)
  ((gb <= max)) || refuse gb "$gb GB does not fit on the disk: the largest PCAP buffer that fits is $max GB (free space plus the current buffer, less a reserve of $(pcap_reserve_gb) GB)"
}
if ((check_only)); then fits; printf '{"ok":true,"size_gb":%d,"max_gb":%d}\n' "$gb" "$max"; exit 0; fi
lock
old=$(ini_get "$SETTINGS_INI" pcap size_gb)
fits
service=$(service_for pcap vsensor-pcap)
if ((gb == 0)); then
  apply_settings pcap.set "PCAP buffer ${old:-0} GB -> disabled" "" "" "" pcap size_gb 0
  # the settings say disabled now: a service that did not stop is said, not hidden
  [[ $APPLY_CHANGED == false ]] || err=$(svc stop "$service" 2>&1) || fail "$EX_PARTIAL" "PCAP capture is disabled in the settings, but $service did not stop: ${err:-no message}"
else
  apply_settings pcap.set "PCAP buffer ${old:-0} GB -> $gb GB" "$service" "" "" pcap size_gb "$gb"
fi
printf '{"ok":true,"changed":%s,"size_gb":%d,"enabled":%s,"max_gb":%d}\n' "$(changed_json)" "$gb" "$( ((gb > 0)) && echo true || echo false)" "$max"
