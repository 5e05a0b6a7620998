#!/usr/bin/env bash
# diag.sh VERB ... — the Diagnostic Functions (Networking and Traffic Analysis > 5): ways to
# troubleshoot the network, read only.
#   ping HOST [--count N]                 N echo requests (1-100, default 4) and the summary
#   traceroute HOST                       the hops to HOST (traceroute, else tracepath)
#   dns NAME                              A and AAAA of NAME through each configured DNS server
#                                         (the system's and the management interface's netplan
#                                         ones, each labelled with where it comes from)
#   check                                 the management network, one PASS/FAIL/SKIP row a check
#   routes                                routing tables and neighbours, IPv4 and IPv6
#   sockets                               open connections and listening ports (ss)
#   capture IFACE [--count N] [--filter EXPR]   N packets (1-1000, default 20) decoded, one line
#                                         each; EXPR is checked by tcpdump itself first
# Every value is checked before anything runs (exit 2, the field named); nothing goes through a
# shell, and a value never becomes an option (none may begin with '-'). Output as it comes on
# stderr (at most 1000 lines of 300 characters), one JSON object on stdout at the end. A TERM,
# INT or HUP ends the tools at once (the console's Esc ends the whole process group).
# Exit 0; 5 when `check` finds a problem or the probe got no answer; 1 when a tool fails;
# 2 for bad input. The demo appliance never reaches the host network: every verb refuses there.
# Test hook: CONFCONSOLE_NETNS=NS runs every probe in that network namespace.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/callhome.sh
. "$here/lib/callhome.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"

set -o pipefail
MAX_LINES=1000
MAX_COLS=300
verb=${1:-}
case $verb in -h|--help|'') cc_help ;; esac
shift

# ---- the values, each checked before anything runs ----------------------------------------
count="" filter="" target=""
case $verb in
  ping|traceroute|dns|capture)
    (($# >= 1)) || usage_error "diag.sh $verb needs its ${verb/capture/interface} argument"
    target=$1; shift
    # the target first: a '-' there is a refused value, never an option
    case $verb in
      ping|traceroute) accept host check_diag_host "$target"; target=$CHECKED ;;
      dns) accept name check_diag_name "$target"; target=$CHECKED ;;
      capture) accept iface check_capture_iface "$target" ;;
    esac ;;
  check|routes|sockets) ;;
  *) usage_error "unknown verb \"$verb\" (ping, traceroute, dns, check, routes, sockets, capture)" ;;
esac
while (($#)); do
  case $verb:$1 in
    ping:--count) accept count check_diag_count "${2-}" 100; count=$CHECKED; shift 2 ;;
    capture:--count) accept count check_diag_count "${2-}" 1000; count=$CHECKED; shift 2 ;;
    capture:--filter) accept filter check_capture_filter "${2-}"; filter=$CHECKED; shift 2 ;;
    *) usage_error "diag.sh $verb: unexpected argument \"$1\"" ;;
  esac
done
if [[ -n ${CONFCONSOLE_NETNS:-} && ! $CONFCONSOLE_NETNS =~ ^[A-Za-z0-9_.-]{1,64}$ ]]; then
  fail "$EX_FAIL" "CONFCONSOLE_NETNS is not a namespace name"
fi
if is_demo; then
  declare -A doing=([ping]=ping [traceroute]=trace [dns]="look up" [check]=check [routes]=show [sockets]=show [capture]=capture)
  fail "$EX_FAIL" "this is the demo appliance: its diagnostics never reach the host network, so there is nothing real to ${doing[$verb]} (run the console on the appliance itself)"
fi

work=$(mktemp -d)
trap 'rm -rf -- "$work"; cleanup_temps' EXIT
# Each tool runs in a background pipeline the script waits for: a signal interrupts the wait
# at once, and the trap ends the pipeline's processes (children of this shell) before leaving.
# No program is started on the way out (no pkill): the console waits for the whole group to be
# gone, and every fork here delays it.
# shellcheck disable=SC2317  # called from the traps
stop_children() {
  local pids
  pids=$(jobs -p)
  # shellcheck disable=SC2086  # the pids, one word each
  [[ -n $pids ]] && kill -TERM $pids "$!" 2>/dev/null
  wait 2>/dev/null
}
trap 'stop_children; log "stopped"; exit 130' INT
trap 'stop_children; log "stopped"; exit 143' TERM HUP

# "${NS[@]}" CMD...: CMD in the test's network namespace (CONFCONSOLE_NETNS), else as it is. A
# prefix, not a function: a tool in a pipeline or $(...) is then the direct child this script
# waits for (and reaps), never the orphan of a killed subshell.
NS=()
[[ -n ${CONFCONSOLE_NETNS:-} ]] && NS=(ip netns exec "$CONFCONSOLE_NETNS")

# stream: each line of stdin to the log as it comes and to $work/out, at most MAX_LINES lines
# of MAX_COLS characters (the rest counted in $work/more)
stream() {
  local line n=0
  : >"$work/out"
  while IFS= read -r line; do
    n=$((n + 1))
    ((n > MAX_LINES)) && continue
    line=${line:0:MAX_COLS}
    log "$line"
    printf '%s\n' "$line" >>"$work/out"
  done
  printf '%s' "$((n > MAX_LINES ? n - MAX_LINES : 0))" >"$work/more"
}
# streamed CMD...: CMD (stdout and stderr) through stream; its exit status
streamed() {
  local pid
  "${NS[@]}" "$@" 2>&1 </dev/null 9>&- | stream &
  pid=$!
  wait "$pid"
}
more_json() { printf '%s' "$(cat -- "$work/more" 2>/dev/null || echo 0)"; }

# ---- the configured DNS servers ------------------------------------------------------------
# mgmt_dev → MGMT_DEV, MGMT_GW, MGMT_MAC: the management interface (the one of IPv4's default
# route, else IPv6's), its gateway and MAC address; all empty when there is no default route
mgmt_dev() {
  local routes
  MGMT_DEV="" MGMT_GW="" MGMT_MAC=""
  routes=$("${NS[@]}" ip -j -4 route show default 9>&- </dev/null)
  [[ $routes == *gateway* ]] || routes=$("${NS[@]}" ip -j -6 route show default 9>&- </dev/null)
  read -r MGMT_GW MGMT_DEV < <(python3 -I -S -c 'import json,sys
r=[x for x in json.loads(sys.argv[1] or "[]") if x.get("gateway")]
print(r[0]["gateway"], r[0].get("dev","")) if r else print("")' "$routes")
  [[ -n $MGMT_DEV ]] && MGMT_MAC=$("${NS[@]}" cat "/sys/class/net/$MGMT_DEV/address" 2>/dev/null 9>&- </dev/null)
  return 0
}

# dns_from KEY SERVER LABEL: SERVER added to DNS with LABEL in DNS_FROM, or, when an entry has
# the same KEY (the address in canonical form: 2001:DB8::1 and 2001:db8:0::1 are one server, as
# are ::ffff:192.0.2.1 and 192.0.2.1),
# LABEL added to that entry unless it says it already. One server is asked once, and one place
# is named once: two netplan files naming the management interface's server (or a stanza by
# name and one by MAC, or resolv.conf repeating a line) used to list "netplan (eth0)" twice.
DNS_KEY=()
dns_from() {
  local i
  for i in "${!DNS_KEY[@]}"; do
    [[ ${DNS_KEY[i]} == "$1" ]] || continue
    # the label quoted: a * ? [ in it is text, not a pattern
    local label=", $3, "
    [[ ", ${DNS_FROM[i]}, " == *"$label"* ]] || DNS_FROM[i]+=", $3"
    return 0
  done
  DNS_KEY+=("$1") DNS+=("$2") DNS_FROM+=("$3")
}

# dns_servers → DNS (array) and DNS_FROM (where each comes from, same order): the servers the
# system really asks (the nameserver lines of the root's resolv.conf, "resolv.conf"; when it
# only names systemd-resolved's stub 127.0.0.53, the upstream servers resolved itself uses,
# "systemd-resolved"), then those the netplan files set for the management interface (mgmt_dev;
# without a default route, every interface that has an address), "netplan (IFACE)", when they
# differ: a server netplan sets but the system does not use is what an operator who just set it
# in Configure network interfaces needs to see answering, or not. Each server once (dns_from).
dns_servers() {
  local f ns label found=() pairs=() key
  DNS=() DNS_FROM=() DNS_KEY=()
  for f in /etc/resolv.conf /run/systemd/resolve/resolv.conf; do
    [[ -r $(p "$f") ]] || continue
    found=()
    while read -r kw ns _; do
      [[ $kw == nameserver ]] || continue
      ns=${ns%%%*}
      { is_ipv4 "$ns" || is_ipv6 "$ns"; } && found+=("$ns")
    done <"$(p "$f")"
    label=resolv.conf; [[ $f == /run/* ]] && label=systemd-resolved
    [[ ${#found[@]} -eq 0 || ${found[*]} == 127.0.0.53 ]] && continue
    for ns in "${found[@]}"; do pairs+=("$ns" "$label"); done
    break
  done
  mgmt_dev
  # one python: the netplan servers after resolv.conf's (label "netplan (IFACE)"), each line
  # KEY SERVER LABEL with the canonical address as KEY; a netplan file that cannot be read
  # still lets resolv.conf's servers through
  while IFS=$'\t' read -r key ns label; do
    [[ -n $ns ]] && { is_ipv4 "$ns" || is_ipv6 "$ns"; } && dns_from "$key" "$ns" "$label"
  done < <(python3 -I -c 'import ipaddress, sys
sys.path.insert(0, sys.argv[1])
def key(a):
    try: ip = ipaddress.ip_address(a)
    except ValueError: return a
    return (getattr(ip, "ipv4_mapped", None) or ip).compressed
pairs = sys.argv[5:]
out = [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs) - 1, 2)]
try:
    from ccnet import model
    files = model.netplan_files(sys.argv[2])
    dev, mac = sys.argv[3], sys.argv[4] or None
    names = [dev] if dev else [n for n in model.configured_names(files) if model.role_of(model.merged_stanza(files, n)) == "management"]
    for n in names:
        out += [(a, "netplan (%s)" % n) for a in model.describe(model.merged_stanza(files, n, mac if n == dev else None))["dns"]]
except Exception as e:
    print("%s: %s" % (type(e).__name__, e), file=sys.stderr)
for a, label in out:
    if "\t" not in a + label and "\n" not in a + label:
        print(key(a), a, label, sep="\t")' "$CC_LIB" "${CC_ROOT:-/}" "$MGMT_DEV" "$MGMT_MAC" "${pairs[@]}" 2>"$work/netplan.err")
  # a netplan file that cannot be read: said, and the system's servers still asked
  [[ -s $work/netplan.err ]] && log "the netplan files' DNS servers are not known: $(tail -n1 "$work/netplan.err")"
  return 0
}

# dig_ask SERVER NAME TYPE → DIG_STATUS (NOERROR, NXDOMAIN, ...; "" when no answer came) and
# DIG_ADDR (the addresses of the answer, space-separated)
dig_ask() {
  local out rc line
  DIG_STATUS="" DIG_ADDR=""
  out=$("${NS[@]}" dig +time=2 +tries=1 +noall +answer +comments "@$1" -q "$2" -t "$3" 2>&1 </dev/null 9>&-)
  rc=$?
  ((rc == 0)) || return 1
  while IFS= read -r line; do
    if [[ $line =~ status:\ ([A-Z]+) ]]; then DIG_STATUS=${BASH_REMATCH[1]}
    elif [[ $line =~ ^[^\;[:space:]][^[:space:]]*[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+$3[[:space:]]+([0-9A-Fa-f:.]+)$ ]]; then
      DIG_ADDR+="${DIG_ADDR:+ }${BASH_REMATCH[1]}"
    fi
  done <<<"$out"
  [[ -n $DIG_STATUS ]]
}

# ---- the verbs --------------------------------------------------------------------------------
do_ping() {
  local n=${count:-4} rc sent=0 got=0 loss="" rtt=""
  # -c N -W 2 (no -w, which would count replies, not requests): N requests a second, then at
  # most 2 s for the last answer; the script's caller bounds the whole run too
  streamed ping -n -c "$n" -W 2 -- "$target"; rc=$?
  if [[ $(grep -m1 'packets transmitted' "$work/out") =~ ([0-9]+)\ packets\ transmitted,\ ([0-9]+)\ (packets\ )?received ]]; then
    sent=${BASH_REMATCH[1]} got=${BASH_REMATCH[2]}
  elif ((rc != 1)); then
    fail "$EX_FAIL" "ping $target failed: $(tail -n1 "$work/out")"
  fi
  [[ $(grep -m1 '% packet loss' "$work/out") =~ ([0-9.]+)%\ packet\ loss ]] && loss=${BASH_REMATCH[1]}
  [[ $(grep -m1 '^rtt\|^round-trip' "$work/out") =~ =\ ([0-9.]+)/([0-9.]+)/([0-9.]+) ]] && rtt="{\"min\":${BASH_REMATCH[1]},\"avg\":${BASH_REMATCH[2]},\"max\":${BASH_REMATCH[3]}}"
  printf '{"ok":%s,"host":%s,"sent":%d,"received":%d,"loss":%s,"rtt":%s,"more":%s}\n' "$( ((got > 0)) && echo true || echo false)" \
    "$(json_str "$target")" "$sent" "$got" "${loss:-null}" "${rtt:-null}" "$(more_json)"
  ((got > 0)) || exit "$EX_TESTFAIL"
}

do_traceroute() {
  local rc hops=() line hop addr ms reached=false tool
  if command -v traceroute >/dev/null; then
    tool=traceroute
    streamed timeout 90 traceroute -n -q 1 -w 2 -m 30 -- "$target"; rc=$?
  elif command -v tracepath >/dev/null; then
    tool=tracepath
    streamed timeout 90 tracepath -n -m 30 -- "$target"; rc=$?
  else
    fail "$EX_FAIL" "cannot trace: neither traceroute nor tracepath is installed"
  fi
  while IFS= read -r line; do
    [[ $line =~ ^\ *([0-9]+):?\ +(\*|[0-9A-Fa-f:.]+)(\ +([0-9.]+)ms|\ +([0-9.]+)\ ms)? ]] || continue
    hop=${BASH_REMATCH[1]} addr=${BASH_REMATCH[2]} ms=${BASH_REMATCH[4]:-${BASH_REMATCH[5]:-}}
    [[ $addr == '*' ]] && addr=""
    hops+=("{\"hop\":$hop,\"address\":$(json_str "$addr"),\"ms\":${ms:-null}}")
    [[ -n $addr && $addr == "$target" ]] && reached=true
  done <"$work/out"
  ((${#hops[@]})) || fail "$EX_FAIL" "$tool $target failed: $(tail -n1 "$work/out")"
  ((rc == 0 || rc == 124)) || log "$tool ended with status $rc"
  printf '{"ok":true,"host":%s,"tool":"%s","reached":%s,"hops":[%s],"more":%s}\n' "$(json_str "$target")" "$tool" "$reached" \
    "$(IFS=,; printf '%s' "${hops[*]}")" "$(more_json)"
}

do_dns() {
  local i s t a rows=() addrs any=0 said st
  command -v dig >/dev/null || fail "$EX_FAIL" "cannot look up: dig (bind9-dnsutils) is not installed"
  dns_servers
  ((${#DNS[@]})) || fail "$EX_FAIL" "no DNS server is configured ($(p /etc/resolv.conf) and the netplan files name none): set one in Configure network interfaces"
  for i in "${!DNS[@]}"; do
    s=${DNS[i]} addrs=() said="" st=()
    for t in A AAAA; do
      if dig_ask "$s" "$target" "$t"; then
        said=$DIG_STATUS st+=("\"$t\":$(json_str "$DIG_STATUS")")
        log "$s (${DNS_FROM[i]}): $t $target: ${DIG_ADDR:-(none)} ($DIG_STATUS)"
        for a in $DIG_ADDR; do addrs+=("$a"); done
      else
        log "$s (${DNS_FROM[i]}): $t $target: no answer"
      fi
    done
    [[ -n $said ]] && any=1
    rows+=("{\"server\":$(json_str "$s"),\"from\":$(json_str "${DNS_FROM[i]}"),\"answered\":$([[ -n $said ]] && echo true || echo false),\"status\":{$(IFS=,; printf '%s' "${st[*]}")},\"addresses\":$(json_arr "${addrs[@]}")}")
  done
  printf '{"ok":%s,"name":%s,"servers":[%s]}\n' "$( ((any)) && echo true || echo false)" "$(json_str "$target")" "$(IFS=,; printf '%s' "${rows[*]}")"
  ((any)) || exit "$EX_TESTFAIL"
}

do_routes() {
  local r4 r6 nb
  r4=$("${NS[@]}" ip -j -4 route show table main 9>&- </dev/null) || fail "$EX_FAIL" "cannot read the IPv4 routes"
  r6=$("${NS[@]}" ip -j -6 route show table main 9>&- </dev/null) || fail "$EX_FAIL" "cannot read the IPv6 routes"
  nb=$("${NS[@]}" ip -j neigh show 9>&- </dev/null) || fail "$EX_FAIL" "cannot read the neighbours"
  printf '{"ok":true,"routes4":%s,"routes6":%s,"neighbours":%s}\n' "${r4:-[]}" "${r6:-[]}" "${nb:-[]}"
}

do_sockets() {
  local out
  out=$("${NS[@]}" ss -H -tuan -p 9>&- </dev/null) || fail "$EX_FAIL" "cannot list the sockets (ss)"
  printf '%s\n' "$out" | python3 -I -S -c '
import json, re, sys
rows = []
for line in sys.stdin:
    f = line.split()
    if len(f) < 6:
        continue
    procs = re.findall(r"\(\"([^\"]*)\",pid=(\d+)", " ".join(f[6:]))
    rows.append({"proto": f[0], "state": f[1], "recvq": f[2], "sendq": f[3], "local": f[4], "peer": f[5],
                 "process": ",".join(f"{n}/{p}" for n, p in procs)})
more = max(0, len(rows) - 2000)
print(json.dumps({"ok": True, "sockets": rows[:2000], "more": more}))
' || fail "$EX_FAIL" "cannot read the sockets"
}

do_capture() {
  local n=${count:-20} rc err expr=()
  command -v tcpdump >/dev/null || fail "$EX_FAIL" "cannot capture: tcpdump is not installed"
  [[ -n $filter ]] && expr=(-- "$filter")
  # the filter as tcpdump itself reads it, compiled for this interface, before any capture
  if [[ -n $filter ]] && ! err=$("${NS[@]}" tcpdump -d -i "$target" "${expr[@]}" 2>&1 >/dev/null </dev/null 9>&-); then
    err=$(printf '%s' "$err" | grep -v '^$' | tail -n1)
    [[ $err == *"No such device"* || $err == *"doesn't exist"* ]] && refuse iface "no interface \"$target\" here"
    refuse filter "tcpdump does not accept the filter: ${err#tcpdump: }"
  fi
  log "capturing $n packets on $target${filter:+ matching: $filter} (at most 60 s)"
  streamed timeout 60 tcpdump -l -n -i "$target" -c "$n" "${expr[@]}"; rc=$?
  local got
  got=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$work/out" | tail -n1)
  if [[ -z $got ]]; then
    grep -q 'No such device\|does not exist' "$work/out" && refuse iface "no interface \"$target\" here"
    fail "$EX_FAIL" "tcpdump failed on $target: $(tail -n1 "$work/out")"
  fi
  printf '{"ok":true,"iface":%s,"filter":%s,"captured":%d,"timedOut":%s,"more":%s}\n' "$(json_str "$target")" "$(json_str "$filter")" \
    "$got" "$( ((rc == 124)) && echo true || echo false)" "$(more_json)"
}

# ---- the management network test ----------------------------------------------------------
row_json() { # CHECK STATUS DETAIL ADVICE
  printf '{"check":%s,"status":%s,"detail":%s,"advice":%s}' "$(json_str "$1")" "$(json_str "$2")" "$(json_str "$(esc "$3")")" "$(json_str "$4")"
}

do_check() {
  local rows=() failed=0 dev="" gw="" addr="" state s
  add() {
    log "$(printf '%-4s  %s: %s' "$([[ $2 == ok ]] && echo PASS || echo "${2^^}")" "$1" "$3")"
    rows+=("$(row_json "$1" "$2" "$3" "$([[ $2 == fail ]] && printf '%s' "${4:-}")")")
    [[ $2 == fail ]] && failed=1
    return 0
  }
  # the management interface: the one of the default route, else the first with an address
  local links
  # IPv4's default route, else IPv6's (an IPv6-only management network)
  mgmt_dev; gw=$MGMT_GW dev=$MGMT_DEV
  links=$("${NS[@]}" ip -j addr show 9>&- </dev/null) || fail "$EX_FAIL" "cannot read the interfaces"
  if [[ -z $dev ]]; then
    dev=$(python3 -I -S -c 'import json,sys
l=[x for x in json.loads(sys.argv[1]) if x.get("ifname")!="lo"]
a=[x for x in l if any(i.get("scope")=="global" for i in x.get("addr_info",[]))]
print((a or l or [{}])[0].get("ifname",""))' "$links")
  fi
  read -r state addr < <(python3 -I -S -c 'import json,sys
l=[x for x in json.loads(sys.argv[1]) if x.get("ifname")==sys.argv[2]]
if not l: print("missing"); sys.exit()
x=l[0]; up="up" if "LOWER_UP" in x.get("flags",[]) and "UP" in x.get("flags",[]) else "down"
a=[i["local"]+"/"+str(i["prefixlen"]) for i in x.get("addr_info",[]) if i.get("scope")=="global"]
print(up, ",".join(a))' "$links" "$dev")

  local C_LINK="Link up" C_ADDR="Address present" C_GW="Default gateway answers"
  if [[ -z $dev || $state == missing ]]; then
    add "$C_LINK" fail "no network interface found" "Check that the management port exists and is configured (Configure network interfaces)."
  elif [[ $state == up ]]; then add "$C_LINK" ok "$dev has a link"
  else add "$C_LINK" fail "$dev has no link (no carrier, or it is down)" "Check the cable and the switch port of the management interface; a port that is down is brought up by Configure network interfaces."; fi

  if [[ -n $addr ]]; then add "$C_ADDR" ok "$dev has ${addr//,/, }"
  elif [[ -n $dev ]]; then add "$C_ADDR" fail "$dev has no address" "Set a static address or check the DHCP server (Configure network interfaces)."
  else add "$C_ADDR" skip "not checked: no interface"; fi

  if [[ -z $gw ]]; then
    add "$C_GW" fail "there is no default route" "Set the default gateway of the management interface (Configure network interfaces): without it nothing outside the local subnet is reached."
  elif "${NS[@]}" ping -n -c 2 -i 0.3 -W 1 -w 3 -- "$gw" >/dev/null 2>&1 </dev/null 9>&-; then
    add "$C_GW" ok "$gw on $dev answers ping"
  else
    add "$C_GW" fail "$gw on $dev does not answer ping" "Check the gateway address and the subnet mask: the gateway must be in the interface's subnet and switched on (some gateways do not answer ping: then check with Traceroute)."
  fi

  # DNS: each server asked for the Call-Home host (or the root zone when none is set)
  ch_load
  local i q=${CH_HOST:-.} qt=A resolved="" by=""
  [[ $q == . ]] && qt=NS
  dns_servers
  if ! command -v dig >/dev/null; then add "DNS servers" skip "not checked: dig (bind9-dnsutils) is not installed"
  elif ((${#DNS[@]} == 0)); then add "DNS servers" fail "no DNS server is configured" "Set the DNS servers of the management interface (Configure network interfaces)."
  else
    for i in "${!DNS[@]}"; do
      s=${DNS[i]}
      if dig_ask "$s" "$q" "$qt" && [[ $DIG_STATUS == NOERROR || $DIG_STATUS == NXDOMAIN ]]; then
        add "DNS server $s answers" ok "answered ($DIG_STATUS); from ${DNS_FROM[i]}"
        if [[ -z $resolved && -n $DIG_ADDR ]]; then resolved=${DIG_ADDR%% *} by=$s; fi
      elif [[ -n $DIG_STATUS ]]; then
        add "DNS server $s answers" fail "it refuses the query ($DIG_STATUS); from ${DNS_FROM[i]}" "The DNS server answers but will not resolve for this appliance: check its access rules, or use another server."
      else
        add "DNS server $s answers" fail "no answer within 2 s; from ${DNS_FROM[i]}" "Check the DNS server address, and that a firewall lets DNS (UDP and TCP port 53) through."
      fi
    done
  fi

  # Call-Home: the name resolves (through the DNS servers above), the port accepts TCP
  local C_CHR="Call-Home host resolves" C_CHT="Call-Home host accepts TCP" tgt port
  if [[ -z $CH_HOST ]]; then
    add "$C_CHR" skip "not checked: no Call-Home host set"; add "$C_CHT" skip "not checked: no Call-Home host set"
  elif [[ $CH_ENABLED != yes ]]; then
    # off: the appliance does not call home, so an unreachable host is no fault of this network
    add "$C_CHR" skip "not checked: Call-Home is off (Appliance Admin > Call-Home menu)"; add "$C_CHT" skip "not checked: Call-Home is off"
  else
    if is_ipv4 "$CH_HOST" || is_ipv6 "$CH_HOST"; then resolved=$CH_HOST; add "$C_CHR" ok "$CH_HOST is an address"
    elif [[ -n $resolved ]]; then add "$C_CHR" ok "$CH_HOST is $resolved (answered by $by)"
    else add "$C_CHR" fail "$CH_HOST does not resolve through ${DNS[*]:-any DNS server}" "Indicates the DNS servers are incorrectly configured. Check your DNS server connection and details."; fi
    tgt=$resolved port=$CH_PORT
    if [[ $CH_PROXY != none ]]; then
      split_host_port "$(ch_proxy_hp)"; tgt=$HP_HOST port=$HP_PORT
      is_ipv4 "$tgt" || is_ipv6 "$tgt" || tgt=$(dig_ask "${DNS[0]:-127.0.0.1}" "$tgt" A && printf '%s' "${DIG_ADDR%% *}")
    fi
    if [[ -z $tgt ]]; then add "$C_CHT" skip "not checked: ${CH_PROXY/none/$CH_HOST} does not resolve"
    elif "${NS[@]}" nc -z -w 3 -- "$tgt" "$port" </dev/null >/dev/null 2>&1 9>&-; then
      add "$C_CHT" ok "$tgt port $port accepts connections${CH_PROXY/none/}"
    else
      add "$C_CHT" fail "$tgt port $port does not accept connections${CH_PROXY/none/}" "Suggests a Firewall is blocking the connection. Enable a new rule for the firewall to accept it."
    fi
  fi

  # the master (a vSensor's): test_master.sh, as Setup > Master tests it
  if [[ $(ini_get "$SETTINGS_INI" appliance profile) == vsensor ]]; then
    local mhost mproxy margs=() mjson
    mhost=$(ini_get "$SETTINGS_INI" master host) mproxy=$(ini_get "$SETTINGS_INI" master proxy)
    # Pull mode has no host: the master connects in, nothing to dial from here
    if [[ $(ini_get "$SETTINGS_INI" master mode) == pull ]]; then add "Master answers HTTPS" skip "not checked: Pull mode (the master connects to this vSensor)"
    elif [[ -z $mhost ]]; then add "Master answers HTTPS" skip "not checked: no master is set"
    else
      # with the stored push token when there is one: the master must accept it too
      margs=(--timeout 5); [[ -r $(secret_file push_token) ]] && margs+=(--stored)
      margs+=("$mhost"); [[ -n $mproxy ]] && margs+=("$mproxy")
      mjson=$("${NS[@]}" "$here/test_master.sh" "${margs[@]}" </dev/null 2>/dev/null 9>&- | tail -n1)
      if [[ $mjson == '{"ok":true'* ]]; then add "Master answers HTTPS" ok "https://$mhost answers"
      else
        add "Master answers HTTPS" fail "$(python3 -I -S -c 'import json,sys
try: print(json.loads(sys.argv[1]).get("message",""))
except Exception: print("test_master.sh gave no answer")' "$mjson")" "Test it with Setup > Master: the message there names the cause (name, route, firewall, certificate)."
      fi
    fi
  fi

  # NTP: test_ntp.sh on the servers chrony.conf names (show_ntp.sh), as NTP Settings tests them
  local servers njson
  servers=$("$here/show_ntp.sh" 2>/dev/null 9>&- </dev/null | tail -n1 | python3 -I -S -c 'import json,sys
try: print(" ".join(json.loads(sys.stdin.read()).get("servers",[])))
except Exception: pass')
  if [[ -z $servers ]]; then add "NTP servers" skip "not checked: no NTP server is set"
  else
    # shellcheck disable=SC2086  # the server words, one argument each
    njson=$("${NS[@]}" "$here/test_ntp.sh" --timeout 3 $servers </dev/null 2>/dev/null 9>&- | tail -n1)
    [[ $njson == '{'* ]] || add "NTP servers" fail "test_ntp.sh gave no answer for $servers" "Test them with NTP Settings: the message there names the cause."
    while IFS=$'\t' read -r s st why; do
      [[ -n $s ]] || continue
      if [[ $st == ok ]]; then add "NTP server $s answers" ok "$why"
      else add "NTP server $s answers" fail "$why" "Check the NTP server address, and that a firewall lets NTP (UDP port 123) through."; fi
    done < <(python3 -I -S -c 'import json,sys
try: r=json.loads(sys.argv[1]).get("results",[])
except Exception: r=[]
for x in r: print(x["server"], "ok" if x.get("ok") else "fail", ("clock offset %s s" % x.get("offset")) if x.get("ok") else x.get("error",""), sep="\t")' "$njson")
  fi

  printf '{"ok":%s,"iface":%s,"rows":[%s]}\n' "$( ((failed)) && echo false || echo true)" "$(json_str "$dev")" "$(IFS=,; printf '%s' "${rows[*]}")"
  ((failed)) && exit "$EX_TESTFAIL"
  exit 0
}

"do_$verb"
