#!/usr/bin/env bash
# set_push.sh [--check | --dry-run] [--remove-old-secret] HOST — legacy Push mode: this vSensor
# pushes to the master at HOST (an IP, or a host name that resolves with the configured DNS).
# Push Token mode is recommended instead.
# --check: only check HOST (and that it resolves); nothing is changed. --dry-run: the same, and
# print what would be stored. The push token and the Pull HMAC token, when stored, are kept
# unless --remove-old-secret is given (removed in the same journaled change).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"
# shellcheck source=lib/masterconn.sh
. "$here/lib/masterconn.sh"

USAGE="usage: set_push.sh [--check | --dry-run] [--remove-old-secret] HOST"
check_only=no dry=no remove=no
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --check) check_only=yes; shift ;;
    --dry-run) dry=yes; shift ;;
    --remove-old-secret) remove=yes; shift ;;
    --) shift; break ;;
    --?*) usage_error "unknown option \"$1\" ($USAGE)" ;;
    *) break ;;
  esac
done
(($# == 1)) || usage_error "$USAGE"
accept host check_master_host "$1"
host=$CHECKED name=${CHECKED%:*}
if ! is_ipv4 "$name" && [[ $host != \[* ]] && ! is_ipv6 "$host"; then
  getent ahosts "$name" >/dev/null 2>&1 || refuse host "\"$name\" does not resolve with the configured DNS servers: give the master's IP address or fix DNS"
fi
[[ $check_only == yes ]] && { printf '{"ok":true,"host":%s}\n' "$(json_str "$host")"; exit 0; }

plan() { mc_plan push "$host" "" "$remove"; }
if [[ $dry == yes ]]; then plan; plan_print; exit 0; fi

lock
plan
mc_keys push "$host" ""
apply_settings master.set "mode push (legacy), master $host" "$(service_for probe vsensor-probe)" "" "" "${MC_KEYS[@]}"
printf '{"ok":true,"changed":%s,"mode":"push","host":%s,"removed":%s}\n' "$(changed_json)" "$(json_str "$host")" "$(json_arr "${APPLY_REMOVE[@]##*/}")"
