#!/bin/sh
# net_dhclient_hook.sh — the dhclient script (-sf) of a namespace DHCP apply (see lib/net.sh):
# sets the leased address and default route on $interface, nothing else (never resolv.conf).
PATH=/usr/sbin:/usr/bin:/sbin:/bin
# No library here: dhclient runs this with /bin/sh. --help is the library's helper, run by bash.
case ${1:-} in
  -h|--help) exec bash -c '. "$1" && cc_help' "$0" "$(dirname -- "$(readlink -f -- "$0")")/lib/core.sh" ;;
esac
prefix_of() { # dotted mask → prefix length
  n=0; IFS=.; for o in $1; do
    case $o in 255) n=$((n+8));; 254) n=$((n+7));; 252) n=$((n+6));; 248) n=$((n+5));; 240) n=$((n+4));;
      224) n=$((n+3));; 192) n=$((n+2));; 128) n=$((n+1));; esac
  done; unset IFS; echo "$n"
}
# shellcheck disable=SC2154  # dhclient gives reason, interface, new_* and old_* in the environment
case $reason in
  PREINIT) ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT)
    if [ -n "$old_ip_address" ] && [ "$old_ip_address" != "$new_ip_address" ]; then ip -4 addr flush dev "$interface"; fi
    ip addr replace "$new_ip_address/$(prefix_of "${new_subnet_mask:-255.255.255.0}")" dev "$interface"
    for r in $new_routers; do ip route replace default via "$r" dev "$interface"; break; done ;;
  EXPIRE|FAIL|RELEASE|STOP) ip -4 addr flush dev "$interface" ;;
esac
exit 0
