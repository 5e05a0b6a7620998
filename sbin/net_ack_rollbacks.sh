#!/usr/bin/env bash
# net_ack_rollbacks.sh — the operator has seen the automatic network rollbacks: clear the list
# show_network.sh returns as "rollbacks_unseen" (the log var/log/confconsole/net-rollbacks.log
# keeps them). Result: {"ok":true,"acknowledged":N}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/net.sh
. "$here/lib/net.sh"

case ${1:-} in -h|--help) cc_help ;; '') ;; *) usage_error "takes no arguments" ;; esac
lock
n=0
[[ -f $NET_UNSEEN ]] && n=$("$NET_PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1])) or []))' "$NET_UNSEEN" 2>/dev/null || echo 0)
rm -f -- "$NET_UNSEEN"
((n > 0)) && audit net.ack "$n rollback(s) acknowledged" ok
printf '{"ok":true,"acknowledged":%d}\n' "$n"
