#!/usr/bin/env bash
# set_push.sh [--check] HOST — legacy Push mode: this vSensor pushes to the master at HOST (an IP, or a
# host name that resolves with the configured DNS). Push Token mode is recommended instead.
# --check: only check HOST (and that it resolves); nothing is changed.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"

check_only=0
case ${1:-} in -h|--help) cc_help ;; --check) check_only=1; shift ;; esac
(($# == 1)) || usage_error "usage: set_push.sh HOST"
accept host check_master_host "$1"
host=$CHECKED name=${CHECKED%:*}
if ! is_ipv4 "$name" && [[ $host != \[* ]] && ! is_ipv6 "$host"; then
  getent ahosts "$name" >/dev/null 2>&1 || refuse host "\"$name\" does not resolve with the configured DNS servers: give the master's IP address or fix DNS"
fi
((check_only)) && { printf '{"ok":true,"host":%s}\n' "$(json_str "$host")"; exit 0; }

lock
apply_settings master.set "mode push (legacy), master $host" "$(service_for probe vsensor-probe)" "" "" \
  master mode push master host "$host" master proxy "" master token_label ""
drop_secrets master.set push_token pull_hmac
printf '{"ok":true,"mode":"push","host":%s}\n' "$(json_str "$host")"
