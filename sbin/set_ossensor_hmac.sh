#!/usr/bin/env bash
# set_ossensor_hmac.sh [--dry-run] — set the HMAC key osSensors use to register with this vSensor
# (5-63 letters and digits; 20+ recommended), read from standard input:
#   set_ossensor_hmac.sh < key-file      (on a terminal it is asked for twice, without echo)
# The same key goes into each osSensor's configuration. Restarts the probe service.
# --dry-run: check the key, change nothing, print what would be stored.
# The osSensor README's form `set_ossensor_hmac.sh KEY` still works, with a warning: a key on
# the command line is visible to every user in the process list.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"

USAGE="usage: set_ossensor_hmac.sh [--dry-run] < key"
dry=no
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --dry-run) dry=yes; shift ;;
    --) shift; break ;;
    --?*) usage_error "unknown option \"$1\" ($USAGE)" ;;
    *) break ;;
  esac
done
(($# <= 1)) || usage_error "$USAGE"
if (($# == 1)); then read_hmac "osSensor HMAC key" key "$1" "echo KEY | set_ossensor_hmac.sh"
else read_hmac "osSensor HMAC key" key; fi

if [[ $dry == yes ]]; then
  plan_secret ossensor_hmac "$(secret_mask ossensor_hmac)" "****" "$(secret_change ossensor_hmac "$SECRET")"
  plan_print; exit 0
fi
lock
apply_settings ossensor.hmac "osSensor HMAC key ($(describe_secret "$SECRET"))" "$(service_for probe vsensor-probe)" ossensor_hmac "$SECRET" \
  ossensor hmac_set yes
printf '{"ok":true,"changed":%s,"length":%d,"short":%s}\n' "$(changed_json)" "${#SECRET}" "$( ((${#SECRET} < 20)) && echo true || echo false)"
