#!/usr/bin/env bash
# set_dcip_hmac.sh [--dry-run] [--remove-old-secret] — put this vSensor in Pull mode: the master
# connects to it and both ends share an HMAC token of 5-63 letters and digits (20+ recommended),
# read from standard input:
#   set_dcip_hmac.sh < token-file      (on a terminal it is asked for twice, without echo)
# The same token must be entered on the master. Restarts the probe service.
# The push token of Push Token mode, when one is stored, is kept (the master shows it only
# once) unless --remove-old-secret is given (removed in the same journaled change).
# --dry-run: check everything, change nothing, print what would be stored.
# The manual's older form `set_dcip_hmac.sh TOKEN` still works, with a warning: a token on the
# command line is visible to every user in the process list.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"
# shellcheck source=lib/masterconn.sh
. "$here/lib/masterconn.sh"

USAGE="usage: set_dcip_hmac.sh [--dry-run] [--remove-old-secret] < token"
dry=no remove=no
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --dry-run) dry=yes; shift ;;
    --remove-old-secret) remove=yes; shift ;;
    --) shift; break ;;
    --?*) usage_error "unknown option \"$1\" ($USAGE)" ;;
    *) break ;;
  esac
done
(($# <= 1)) || usage_error "$USAGE"
if (($# == 1)); then read_hmac "pull-mode HMAC token" token "$1" "echo TOKEN | set_dcip_hmac.sh"; MC_SECRET=pull_hmac MC_MASK='****'
else mc_read_secret pull; fi

# the vSensor in Pull mode keeps no master address: the master connects to it
plan() { mc_plan pull "" "" "$remove"; }
if [[ $dry == yes ]]; then plan; plan_print; exit 0; fi

lock
plan
mc_keys pull "" ""
apply_settings master.set "mode pull, hmac ($(describe_secret "$SECRET"))" \
  "$(service_for probe vsensor-probe)" pull_hmac "$SECRET" "${MC_KEYS[@]}"
printf '{"ok":true,"changed":%s,"mode":"pull","length":%d,"short":%s,"removed":%s}\n' "$(changed_json)" "${#SECRET}" "$( ((${#SECRET} < 20)) && echo true || echo false)" \
  "$(json_arr "${APPLY_REMOVE[@]##*/}")"
