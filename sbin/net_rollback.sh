#!/usr/bin/env bash
# net_rollback.sh [--timer ID] [--reason TEXT] — put back the network settings from before the
# change waiting for confirmation, apply them, and record the rollback (var/log/confconsole/
# net-rollbacks.log, and net-rollbacks-unseen.json for the next login). --timer ID: run by the
# rollback timer of change ID; does nothing if a newer change is pending. Exit 0 also when there
# was nothing to do. Result: {"ok":true,"rolled_back":BOOL}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/net.sh
. "$here/lib/net.sh"

timer="" reason=""
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --timer) accept timer check_change_id "${2-}"; timer=$2; shift ;;
    --reason) (($# >= 2)) || usage_error "--reason needs a text (at most 200 characters)"
      accept reason check_reason "$2"; reason=$2; shift ;;
    *) usage_error "unknown option $1 (see --help)" ;;
  esac
  shift
done
[[ -n $reason ]] || reason=$([[ -n $timer ]] && echo "not confirmed in time" || echo "rolled back by the operator")
lock
if [[ ! -e $NET_PENDING && ! -L $NET_PENDING ]]; then
  log "no network change is waiting for confirmation"
  printf '{"ok":true,"rolled_back":false}\n'; exit 0
fi
# a damaged record cannot say whose it is: the timer that fires rolls it back (nobody locked out)
if [[ -n $timer ]] && ! net_pending_damaged >/dev/null && [[ $(net_pending_get id) != "$timer" ]]; then
  log "the pending change is not $timer (a newer one): leaving it"
  printf '{"ok":true,"rolled_back":false}\n'; exit 0
fi
net_do_rollback "$reason" || fail "$EX_FAIL" "the rollback failed"
printf '{"ok":true,"rolled_back":%s}\n' "$NET_RB_DONE"
