#!/usr/bin/env bash
# set_pushtoken.sh HOST [PROXY] — connect this vSensor to its master in Push Token mode.
# The push token (label:secret, as the master shows it once) is read from standard input,
# never from the command line:   set_pushtoken.sh master.example.com < token-file
# HOST: the master's host name (recommended for cloud masters) or IP, optionally :PORT.
# PROXY: optional http://HOST:PORT. Restarts the probe service; restored if it fails (exit 3; 7 when it stays down with the old settings too).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"

case ${1:-} in -h|--help) cc_help ;; esac
# The manual's older form put the token first: refuse it rather than leave it in the process list.
if (($# >= 1)) && check_push_token "$1" && ! check_master_host "$1"; then
  refuse_secret_args "push token" "echo 'label:secret' | set_pushtoken.sh HOST [PROXY]" token
fi
(($# >= 1 && $# <= 2)) || usage_error "usage: set_pushtoken.sh HOST [PROXY] < token"
accept host check_master_host "$1"; host=$CHECKED
proxy=""
if (($# == 2)); then accept proxy check_master_proxy "$2"; proxy=$CHECKED; fi
read_secret "push token"
accept token check_push_token "$SECRET"
label=${SECRET%%:*}

lock
apply_settings master.set "mode push-token, master https://$host${proxy:+, proxy $proxy}, token $label:**** ($(describe_secret "$SECRET"))" \
  "$(service_for probe vsensor-probe)" push_token "$SECRET" \
  master mode push-token master host "$host" master proxy "$proxy" master token_label "$label"
drop_secrets master.set pull_hmac
printf '{"ok":true,"mode":"push-token","host":%s,"proxy":%s,"token":%s}\n' "$(json_str "$host")" "$(json_str "$proxy")" "$(json_str "$label:****")"
