#!/usr/bin/env bash
# set_ossensor_hmac.sh — set the HMAC key osSensors use to register with this vSensor
# (5-63 letters and digits; 20+ recommended), read from standard input:
#   set_ossensor_hmac.sh < key-file      (on a terminal it is asked for without echo)
# The same key goes into each osSensor's configuration. Restarts the probe service.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"

case ${1:-} in -h|--help) cc_help ;; '') ;; *) refuse_secret_args "osSensor HMAC key" "echo KEY | set_ossensor_hmac.sh" key ;; esac
read_hmac "osSensor HMAC key" key

lock
apply_settings ossensor.hmac "osSensor HMAC key ($(describe_secret "$SECRET"))" "$(service_for probe vsensor-probe)" ossensor_hmac "$SECRET" \
  ossensor hmac_set yes
printf '{"ok":true,"length":%d,"short":%s}\n' "${#SECRET}" "$( ((${#SECRET} < 20)) && echo true || echo false)"
