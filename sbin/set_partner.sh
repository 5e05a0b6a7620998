#!/usr/bin/env bash
# set_partner.sh [--dry-run] --host H --port P | --disable
# Partner call-home: the partner's SSH server ([partner] in appliance.ini). The partner gives
# the appliance's key (callhome.sh pubkey) to its autossh user; the forward ports follow the
# host-name formula (callhome.sh ports HOSTNAME). --disable turns it off (host kept).
# --dry-run: check and normalise, change nothing, print what would be stored (the review's plan).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"
# shellcheck source=lib/callhome.sh
. "$here/lib/callhome.sh"

case ${1:-} in -h|--help) cc_help ;; esac
USAGE="usage: set_partner.sh [--dry-run] --host H --port P | --disable"
host="" port="" disable=no dry=no
while (($#)); do
  case $1 in
    --host|--port) (($# >= 2)) || refuse "${1#--}" "$1 needs a value ($USAGE)"
      if [[ $1 == --host ]]; then host=$2; else port=$2; fi
      shift 2 ;;
    --disable) disable=yes; shift ;;
    --dry-run) dry=yes; shift ;;
    *) usage_error "unknown argument \"$1\" ($USAGE)" ;;
  esac
done
if [[ $disable == yes ]]; then
  [[ -z $host && -z $port ]] || usage_error "$USAGE"
  ch_load
  if [[ $dry == yes ]]; then plan_row enabled "$PT_ENABLED" no; plan_print; exit 0; fi
  lock
  apply_settings partner.disable "enabled = no" "" "" "" partner enabled no
  [[ $APPLY_CHANGED == false ]] || svc stop "$CH_PARTNER_SERVICE" >/dev/null 2>&1 || log "the partner connection was not running"
  printf '{"ok":true,"changed":%s,"enabled":false}\n' "$(changed_json)"
  exit 0
fi
[[ -n $host && -n $port ]] || usage_error "$USAGE"
accept host check_callhome_host "$host"; host=$CHECKED
accept port check_port "$port" partner; port=$CHECKED
ch_load
if [[ $dry == yes ]]; then
  plan_row host "$PT_HOST" "$host"; plan_row port "$PT_PORT" "$port"; plan_row enabled "$PT_ENABLED" yes
  plan_print; exit 0
fi
lock
ch_load
# with Call-Home on, the partner's tunnel (re)starts now, and a failure puts the old settings back
apply_settings partner.set "host $host port $port" "$([[ $CH_ENABLED == yes ]] && printf '%s' "$CH_PARTNER_SERVICE")" "" "" partner host "$host" partner port "$port" partner enabled yes
printf '{"ok":true,"changed":%s,"enabled":true,"host":%s,"port":%d}\n' "$(changed_json)" "$(json_str "$host")" "$port"
