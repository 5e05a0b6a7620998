#!/usr/bin/env bash
# set_dcip_hmac.sh — put this vSensor in Pull mode: the master connects to it and both ends
# share an HMAC token of 5-63 letters and digits (20+ recommended), read from standard input:
#   set_dcip_hmac.sh < token-file      (on a terminal it is asked for without echo)
# The same token must be entered on the master. Restarts the probe service.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"

case ${1:-} in -h|--help) cc_help ;; '') ;; *) refuse_secret_args "pull token" "echo TOKEN | set_dcip_hmac.sh" token ;; esac
read_hmac "pull-mode HMAC token" token

lock
apply_settings master.set "mode pull, hmac ($(describe_secret "$SECRET"))" \
  "$(service_for probe vsensor-probe)" pull_hmac "$SECRET" \
  master mode pull master host "" master proxy "" master token_label ""
drop_secrets master.set push_token
printf '{"ok":true,"mode":"pull","length":%d,"short":%s}\n' "${#SECRET}" "$( ((${#SECRET} < 20)) && echo true || echo false)"
