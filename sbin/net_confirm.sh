#!/usr/bin/env bash
# net_confirm.sh — keep the network change that is waiting for confirmation: stops its rollback
# timer and saves the configuration as the last confirmed one (var/lib/confconsole/
# netplan-confirmed.yaml, used by set_network.sh --restore-confirmed). Exit 1 when nothing is
# pending, or when the window had already closed (the change is then rolled back).
# Result: {"ok":true,"confirmed":true,"id":ID,"iface":IF}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/net.sh
. "$here/lib/net.sh"

case ${1:-} in -h|--help) cc_help ;; '') ;; *) usage_error "takes no arguments" ;; esac
lock
[[ -e $NET_PENDING || -L $NET_PENDING ]] || fail "$EX_FAIL" "no network change is waiting for confirmation"
# a half record cannot say which change this is or what its window is: confirming it could keep
# settings nobody checked
if why=$(net_pending_damaged); then
  fail "$EX_FAIL" "$why: the change waiting for confirmation cannot be confirmed from it; 'confconsole network rollback' puts back the settings confirmed last"
fi
id=$(net_pending_get id); ifc=$(net_pending_get iface); names=$(net_pending_names); deadline=$(net_pending_get deadline)
if (( $(date +%s) >= deadline )); then
  net_do_rollback "not confirmed in time" || fail "$EX_FAIL" "the confirmation came too late and the rollback failed"
  fail "$EX_FAIL" "the confirmation window of change $id had closed: the previous settings were put back"
fi
timer=$(net_pending_get timer)
# journaled: killed midway, the confirmation is undone whole (old confirmed file, still pending)
b_conf=$(backup "$NET_CONFIRMED") || fail "$EX_FAIL" "cannot back up $NET_CONFIRMED"
b_pend=$(backup "$NET_PENDING") || fail "$EX_FAIL" "cannot back up $NET_PENDING"
txn_begin "file	$NET_CONFIRMED	$b_conf" "file	$NET_PENDING	$b_pend" || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"
t=$(stage "$NET_CONFIRMED") || fail "$EX_FAIL" "cannot write in $NET_STATE"
{ cat -- "$NET_YAML" >"$t" && commit "$t" "$NET_CONFIRMED" 0600; } || fail "$EX_FAIL" "cannot save $NET_CONFIRMED"
rm -f -- "$NET_PENDING"; sync -- "$NET_STATE" 2>/dev/null || true
txn_end
# the timer goes last: killed before this, the pending change still has its rollback (and a
# timer that fires after the confirmation finds nothing pending)
net_disarm "$timer" "$id"
audit net.confirm "$names: change $id confirmed" ok
log "network change $id on $names confirmed"
printf '{"ok":true,"confirmed":true,"id":%s,"iface":%s}\n' "$(json_str "$id")" "$(json_str "$ifc")"
