#!/usr/bin/env bash
# show_network.sh — the interfaces (live link data, what kind of link the kernel says each is,
# every netplan file that configures it and what netplan merges from them), the change waiting
# for confirmation, and rollbacks not yet shown to an operator. Read-only.
# Result: {"interfaces":[{name,mac,state,up,addresses,role,mode,address,prefix,gateway,dns,search,
#            address6,prefix6,gateway6,dhcp6,routes,kind,configurable,why,files,renderer,renderer_file}],
#          "pending":{id,iface,mode,address,deadline,timeout,remaining}|null,"rollbacks_unseen":[...],
#          "netplan":{file,exists,others,problem}}
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/net.sh
. "$here/lib/net.sh"

case ${1:-} in -h|--help) cc_help ;; '') ;; *) usage_error "takes no arguments" ;; esac
links=$(mktemp) || fail "$EX_FAIL" "cannot make a temp file"
CC_TEMPS+=("$links")
net_links "$links" || fail "$EX_FAIL" "${NET_LINKS_WHY:-cannot read the interfaces}"
out=$(netpy show --root "$NET_ROOT" --links "$links" --pending "$NET_PENDING" --unseen "$NET_UNSEEN" --port-kinds "$(net_port_kinds)"); rc=$?
if ((rc == 2)); then fail_on netplan "$EX_FAIL" "$(printf '%s' "$out" | netpy_field error)"
elif ((rc != 0)); then
  # the file and its cause when netplan.py could name them (an unreadable file)
  why=$(printf '%s' "$out" | netpy_field error 2>/dev/null)
  fail "$EX_FAIL" "${why:-cannot read the netplan files under $NET_ROOT}"
fi
printf '%s\n' "$out"
