#!/usr/bin/env bash
# show_network.sh — the interfaces (live link data + their role in /etc/netplan/01-netcfg.yaml),
# the change waiting for confirmation, and rollbacks not yet shown to an operator. Read-only.
# Result: {"interfaces":[{name,mac,state,up,addresses,role,mode,address,prefix,gateway,dns,search}],
#          "pending":{id,iface,mode,address,deadline,timeout,remaining}|null,"rollbacks_unseen":[...]}
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/net.sh
. "$here/lib/net.sh"

case ${1:-} in -h|--help) cc_help ;; '') ;; *) usage_error "takes no arguments" ;; esac
links=$(mktemp) || fail "$EX_FAIL" "cannot make a temp file"
CC_TEMPS+=("$links")
net_links "$links" || fail "$EX_FAIL" "cannot read the interfaces"
netpy show --yaml "$NET_YAML" --links "$links" --pending "$NET_PENDING" --unseen "$NET_UNSEEN" \
  || fail "$EX_FAIL" "cannot read $NET_YAML"
