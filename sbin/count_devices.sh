#!/usr/bin/env bash
# count_devices.sh --iface IF[,IF...] [--seconds N] [--max-hosts N] — count the distinct hosts
# seen on the capture interface(s) for N seconds (default 30, 1 to 3600), changing nothing.
# Streams JSON lines on stdout as it goes (lib/count_devices.py: "host" for each new host,
# "tick" once a second) and ends with one "summary" line: the hosts (IP, MAC, packets, bytes,
# last seen) sorted by packets, and each interface's kernel rx_packets counter over the window.
# TERM/INT/HUP (the console's Esc) end the window early; the summary of what was seen is still
# written, and the exit code is 0. At most --max-hosts hosts (default 10000) are kept in memory.
# On a demo appliance the host is never sniffed: the demo's recorded capture is replayed
# (share/demo/capture.pcap, or <root>/var/lib/confconsole/demo-capture.pcap when present),
# and the summary says "demo": true.
# CONFCONSOLE_NETNS=NS (tests): listen inside that network namespace.
# Exit 0 with the summary; 1 when the interfaces cannot be read; 2 for bad arguments.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

seconds=30 max_hosts=10000 ifaces=()
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --iface)
      IFS=, read -r -a list <<<"${2-}"
      ((${#list[@]})) || refuse iface "--iface takes an interface name"
      for i in "${list[@]}"; do accept iface check_capture_iface "$i"; ifaces+=("$i"); done
      shift 2 ;;
    --seconds) accept seconds check_seconds "${2-}" 1 3600 --seconds; seconds=$CHECKED; shift 2 ;;
    --max-hosts) accept max_hosts check_seconds "${2-}" 1 100000 --max-hosts; max_hosts=$CHECKED; shift 2 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
((${#ifaces[@]})) || refuse iface "no capture interface: give --iface (or make an interface the capture interface)"

PY=(/usr/bin/python3 "$CC_LIB/count_devices.py" --seconds "$seconds" --max-hosts "$max_hosts")
if is_demo; then
  pcap=$(p /var/lib/confconsole/demo-capture.pcap)
  [[ -f $pcap ]] || pcap=$(readlink -f -- "$here/../share/demo/capture.pcap")
  [[ -f $pcap ]] || fail "$EX_FAIL" "the demo's recorded capture is missing ($pcap)"
  # the demo's interfaces are its links as the network scripts know them (lib/net.sh net_links:
  # made from its netplan files when not yet recorded): one it does not have is refused, as on an
  # appliance. (Read only when recorded, a name was accepted until a network screen had run.)
  # shellcheck source=lib/net.sh
  . "$here/lib/net.sh"
  demo_has() { net_links "$1" && /usr/bin/python3 -c 'import json,sys; sys.exit(0 if any(l.get("ifname") == sys.argv[2] for l in json.load(open(sys.argv[1]))) else 3)' "$1" "$2"; }
  for i in "${ifaces[@]}"; do
    rc=0
    net_with_temp demo_has "$i" 2>/dev/null || rc=$?
    ((rc == 3)) && refuse iface "there is no interface $i"
    ((rc == 0)) || fail "$EX_FAIL" "cannot read the demo's interfaces${NET_LINKS_WHY:+: $NET_LINKS_WHY}"
  done
  log "DEMO appliance: replaying the recorded capture $pcap (the host is not sniffed)"
  cmd=("${PY[@]}" --pcap "$pcap")
  for i in "${ifaces[@]}"; do cmd+=(--iface "$i"); done
else
  for i in "${ifaces[@]}"; do
    if [[ -n ${CONFCONSOLE_NETNS:-} ]]; then ip -n "$CONFCONSOLE_NETNS" link show dev "$i" >/dev/null 2>&1
    else [[ -e /sys/class/net/$i ]]; fi || refuse iface "there is no interface $i"
  done
  cmd=("${PY[@]}")
  for i in "${ifaces[@]}"; do cmd+=(--iface "$i"); done
  if [[ -n ${CONFCONSOLE_NETNS:-} ]]; then cmd=(ip netns exec "$CONFCONSOLE_NETNS" "${cmd[@]}"); fi
  log "listening on ${ifaces[*]} for $seconds s"
fi

# The reader runs as a child the script waits for: a TERM interrupts the wait at once, and the
# trap passes it on, so the reader writes its summary and ends (test_ntp.sh does the same).
child=""
# shellcheck disable=SC2317  # called from the traps
stop_child() { [[ -n $child ]] && kill -TERM "$child" 2>/dev/null; }
trap 'stop_child' INT TERM HUP
"${cmd[@]}" 9>&- </dev/null &
child=$!
rc=0
while :; do
  wait "$child"; rc=$?
  # a signal interrupted wait (status > 128) while the reader still runs: wait again for its summary
  kill -0 "$child" 2>/dev/null || break
done
child=""
((rc == 0)) || fail "$EX_FAIL" "cannot listen on ${ifaces[*]} (the reader ended with status $rc; see the log above)"
