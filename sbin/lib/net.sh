# shellcheck shell=bash
# Shared by the network scripts (set_network.sh, show_network.sh, net_*.sh). Sourced after
# common.sh. Where the link data comes from and where a change is applied:
#   CONFCONSOLE_NETNS=NS  → that network namespace, with iproute2 (tests);
#   demo root             → var/lib/confconsole/demo-links.json, host effect recorded;
#   otherwise             → `ip -j addr show` and `netplan apply` (the appliance).

NET_PY=/usr/bin/python3
NET_LIB=$CC_LIB/netplan.py
NET_YAML=$(p /etc/netplan/01-netcfg.yaml)
# the root netplan reads its files under (every netplan file counts: netplan merges them)
NET_ROOT=${CC_ROOT:-/}
NET_STATE=$(p /var/lib/confconsole)
NET_PENDING=$NET_STATE/net-pending.json
# shellcheck disable=SC2034  # used by set_network.sh and net_confirm.sh
NET_CONFIRMED=$NET_STATE/netplan-confirmed.yaml
NET_UNSEEN=$NET_STATE/net-rollbacks-unseen.json
NET_DEMO_LINKS=$NET_STATE/demo-links.json
NET_RB_LOG=$(p /var/log/confconsole/net-rollbacks.log)
NET_RUN=$(p /run/confconsole)

netpy() { "$NET_PY" "$NET_LIB" "$@"; }
# netpy_field KEY: one value of the JSON object on stdin (a list: one item a line)
netpy_field() { "$NET_PY" -c 'import json,sys
v=json.load(sys.stdin).get(sys.argv[1])
print("\n".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v))' "$1"; }

# The kernel link kinds a test namespace declares to stand for the appliance's ports (its veth
# pairs: no real device can be made in a namespace). Only with CONFCONSOLE_NETNS; an appliance
# decides by the device the kernel shows (ccnet/model.py link_kind).
net_port_kinds() { [[ -n ${CONFCONSOLE_NETNS:-} ]] && printf '%s' "${CONFCONSOLE_NET_PORT_KINDS:-}"; }

# net_links FILE: the live link data (`ip -j -d addr show` shape, with what /sys/class/net says
# about each link) written to FILE
# NET_LINKS_WHY: why they could not be read, when that is known
net_links() {
  local out=$1
  NET_LINKS_WHY=""
  if [[ -n ${CONFCONSOLE_NETNS:-} ]]; then
    ip -n "$CONFCONSOLE_NETNS" -j -d addr show >"$out" 2>/dev/null || return 1
    # the namespace's own /sys (ip netns exec mounts it)
    ip netns exec "$CONFCONSOLE_NETNS" "$NET_PY" "$NET_LIB" sys-facts --links "$out" 9>&- </dev/null || return 1
  elif is_demo; then
    # the demo's links are our record: damaged, it is named (never believed, never made again over it)
    if NET_LINKS_WHY=$(net_record_damaged "$NET_DEMO_LINKS" links); then
      NET_LINKS_WHY+="; remove it to have the demo's interfaces made again from the netplan files"
      return 1
    fi
    if [[ ! -f $NET_DEMO_LINKS ]]; then
      mkdir -p -- "$NET_STATE"
      # netpy's refusal (a netplan file that does not parse) is its JSON on stdout: kept as the why
      local said
      if ! said=$(netpy links-from-yaml --root "$NET_ROOT" --out "$NET_DEMO_LINKS"); then
        NET_LINKS_WHY=$(printf '%s' "$said" | netpy_field error 2>/dev/null)
        return 1
      fi
    fi
    cat -- "$NET_DEMO_LINKS" >"$out"
  else
    ip -j -d addr show >"$out" 2>/dev/null || return 1
    netpy sys-facts --links "$out" || return 1
  fi
}

net_new_id() { printf '%s-%s' "$(date -u +%Y%m%dT%H%M%S)" "$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"; }

# ---- applying the YAML ---------------------------------------------------------------------
# net_apply IFACE...: make the live state of these interfaces what the YAML says
net_apply() {
  local ifc
  if [[ -n ${CONFCONSOLE_NETNS:-} ]]; then
    for ifc in "$@"; do net_apply_ns "$ifc" || return 1; done
  elif is_demo; then
    record_host_effect "netplan apply"
    local args=()
    for ifc in "$@"; do args+=(--iface "$ifc"); done
    ((${#args[@]})) || return 0
    [[ -f $NET_DEMO_LINKS ]] || netpy links-from-yaml --root "$NET_ROOT" --out "$NET_DEMO_LINKS" || return 1
    netpy links-from-yaml --root "$NET_ROOT" --out "$NET_DEMO_LINKS" "${args[@]}"
  else
    # at boot (recover.sh --boot, before networkd starts) generating is enough, and applying
    # would wait for a networkd that waits for us
    if [[ ${CC_BOOT:-} == 1 ]]; then netplan generate 9>&- </dev/null || return 1
    else netplan apply 9>&- </dev/null || return 1; fi
    # the bonds and VLANs of these interfaces, seen against the live links
    net_with_temp net_host_devices "$@" || return 1
    # netplan has no key for promiscuous mode: a small unit per capture interface sets it
    # now and at every boot (sbin/systemd/confconsole-promisc@.service)
    local mode
    for ifc in "$@"; do
      mode=$(netpy iface --root "$NET_ROOT" --iface "$ifc" --mac "$(cat "/sys/class/net/$ifc/address" 2>/dev/null)" | cut -f1) || return 1
      if [[ $mode == capture ]]; then systemctl enable --now "confconsole-promisc@$ifc.service" 9>&- </dev/null || return 1
      else systemctl disable --now "confconsole-promisc@$ifc.service" 9>&- </dev/null 2>&1 || true; fi
    done
  fi
}

# net_host_devices LINKS IFACE...: on the appliance, after netplan generate or apply, the bonds
# and VLANs among these interfaces made what the netplan files say, which networkd does not do
# for a device that already exists. LINKS: an empty file it fills with the live links (a bond
# member a match: stanza names is known by its link's name); net_with_temp makes and removes it.
# → 1 when a device could not be deleted or made again, or its plan not read (netpy dev-plan)
net_host_devices() {
  local live=$1 ifc dplan; shift
  net_links "$live" || : >"$live"  # unread: as before, the netplan files alone
  # networkd never removes a bond or VLAN that is no longer configured: a deleted one goes here
  for ifc in "$@"; do
    if [[ -d /sys/class/net/$ifc/bonding || -e /proc/net/vlan/$ifc ]] && [[ $(netpy dev-plan --root "$NET_ROOT" --iface "$ifc" --links "$live") == gone ]]; then
      ip link delete dev "$ifc" 9>&- </dev/null || return 1
    fi
  done
  # networkd sets a bond's mode and members only when it makes the bond: one changed (network
  # bond set) is deleted and made again by a second apply; at boot only deleted (networkd,
  # started after us, makes it from the generated files; an apply would wait for it)
  for ifc in "$@"; do
    [[ -d /sys/class/net/$ifc/bonding ]] || continue
    dplan=$(netpy dev-plan --root "$NET_ROOT" --iface "$ifc" --links "$live") || return 1
    if net_bond_differs "$dplan" "$(cut -d' ' -f1 "/sys/class/net/$ifc/bonding/mode")" "$(cat "/sys/class/net/$ifc/bonding/slaves")"; then
      log "$ifc: its bond mode or members change: the bond is made again"
      if [[ ${CC_BOOT:-} == 1 ]]; then ip link delete dev "$ifc" 9>&- </dev/null || return 1
      else { ip link delete dev "$ifc" && netplan apply; } 9>&- </dev/null || return 1; fi
    fi
  done
}

# net_with_temp FUNC ARGS...: runs FUNC TEMP ARGS... with TEMP a new empty temp file, and
# removes TEMP whatever FUNC returns → FUNC's status (1 when no temp file could be made). An
# exit inside FUNC (fail, an unset variable, a TERM) removes it too: the script's EXIT trap
# removes CC_TEMPS (files.sh); a subshell (err=$(net_apply ...)) runs none of the script's
# traps, so there TEMP has an EXIT trap of its own while FUNC runs (a subshell's own EXIT
# trap, which no caller sets, would be replaced).
net_with_temp() {
  local t rc=0
  t=$(mktemp) || return 1
  CC_TEMPS+=("$t")
  # shellcheck disable=SC2064  # the name now: $t is gone once this returns
  ((BASH_SUBSHELL == 0)) || trap "rm -f -- $(printf '%q' "$t")" EXIT
  "$1" "$t" "${@:2}" || rc=$?
  rm -f -- "$t"
  ((BASH_SUBSHELL == 0)) || trap - EXIT
  return "$rc"
}

# net_bond_differs PLAN MODE SLAVES: 0 when a live bond (the kernel's MODE name, its SLAVES
# separated by spaces) is not what PLAN says ("bond MODE MEMBER...", tab-separated: netpy dev-plan)
net_bond_differs() {
  local -a f have want
  IFS=$'\t' read -r -a f <<<"$1"
  [[ ${f[0]-} == bond ]] || return 1
  [[ $2 != "${f[1]-}" ]] && return 0
  read -r -a have <<<"$3"
  want=("${f[@]:2}")
  [[ $(printf '%s\n' "${have[@]}" | sort) != $(printf '%s\n' "${want[@]}" | sort) ]]
}

net_dhclient_pid() { printf '%s/net-dhclient-%s.pid' "$NET_RUN" "$1"; }

net_stop_dhclient() {
  local pf pid
  pf=$(net_dhclient_pid "$1")
  [[ -f $pf ]] || return 0
  pid=$(cat -- "$pf" 2>/dev/null)
  if [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "dhclient.*$1"; then
    kill "$pid" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do [[ -d /proc/$pid ]] || break; sleep 0.1; done
  fi
  rm -f -- "$pf"
}

# the namespace apply, with iproute2 (what networkd would do for one interface: every address
# and route netplan merges for it, IPv4 and IPv6)
net_apply_ns() {
  local ifc=$1 ns=$CONFCONSOLE_NETNS mode what a b c plan dev
  # the MAC too: a stanza may match the interface by it
  plan=$(netpy ip-plan --root "$NET_ROOT" --iface "$ifc" --mac "$(ip -n "$ns" -br link show dev "$ifc" 2>/dev/null | awk '{print $3}')") || return 1
  mode=${plan%%$'\n'*}
  plan=${plan#*$'\n'}
  dev=${plan%%$'\n'*}; dev=${dev#dev$'\t'}
  # a bond or VLAN: made (or removed) first, as networkd would (the kernel must have bonding/8021q)
  net_device_ns "$ifc" "$dev" || return 1
  [[ $dev == gone ]] && ! ip -n "$ns" link show dev "$ifc" >/dev/null 2>&1 && return 0
  ip -n "$ns" link show dev "$ifc" >/dev/null 2>&1 || { log "no interface $ifc"; return 1; }
  net_stop_dhclient "$ifc"
  ip -n "$ns" addr flush dev "$ifc" scope global || return 1
  ip -n "$ns" -4 route flush dev "$ifc" proto static 2>/dev/null || true
  ip -n "$ns" -6 route flush dev "$ifc" proto static 2>/dev/null || true
  case $mode in
    capture)
      ip -n "$ns" link set "$ifc" up promisc on || return 1
      log "$ifc: capture (up, promiscuous, no address)"; return 0 ;;
    none)
      ip -n "$ns" link set "$ifc" promisc off || return 1; return 0 ;;
  esac
  ip -n "$ns" link set "$ifc" promisc off up || return 1
  if [[ $mode == dhcp ]]; then net_dhcp_ns "$ifc" || return 1; fi
  # IPv6 addresses without duplicate address detection: usable at once, as in a test
  while IFS=$'\t' read -r what a b c _; do
    case $what in
      addr)
        if [[ $a == *:* ]]; then ip -n "$ns" addr add "$a" dev "$ifc" nodad || return 1
        else ip -n "$ns" addr add "$a" dev "$ifc" || return 1; fi
        log "$ifc: $a" ;;
      route)
        if [[ $c == onlink ]]; then ip -n "$ns" route replace "$a" via "$b" dev "$ifc" onlink proto static || return 1
        else ip -n "$ns" route replace "$a" via "$b" dev "$ifc" proto static || return 1; fi
        log "$ifc: route $a via $b" ;;
    esac
  done < <(printf '%s\n' "$plan" | tail -n +2)
}

# net_device_ns IFACE PLAN: the bond or VLAN device itself in the namespace (PLAN from netpy
# dev-plan: "bond MODE MEMBERS...", "vlan PARENT ID", "gone", "link")
net_device_ns() {
  local ifc=$1 ns=$CONFCONSOLE_NETNS kind m err
  local -a f
  IFS=$'\t' read -r -a f <<<"$2"
  kind=${f[0]}
  case $kind in
    bond)
      # a bond whose mode or members change is made again (networkd sets them at creation only)
      if ip -n "$ns" link show dev "$ifc" >/dev/null 2>&1 && net_bond_differs "$2" \
        "$(ip netns exec "$ns" cut -d' ' -f1 "/sys/class/net/$ifc/bonding/mode" 2>/dev/null)" "$(ip netns exec "$ns" cat "/sys/class/net/$ifc/bonding/slaves" 2>/dev/null)"; then
        ip -n "$ns" link delete dev "$ifc" || return 1
      fi
      if ! ip -n "$ns" link show dev "$ifc" >/dev/null 2>&1; then
        err=$(ip -n "$ns" link add "$ifc" type bond mode "${f[1]}" 2>&1) || { log "cannot make bond $ifc: $err"; return 1; }
      fi
      for m in "${f[@]:2}"; do
        ip -n "$ns" link set "$m" down && ip -n "$ns" link set "$m" master "$ifc" && ip -n "$ns" link set "$m" up || return 1
      done ;;
    vlan)
      if ! ip -n "$ns" link show dev "$ifc" >/dev/null 2>&1; then
        err=$(ip -n "$ns" link add link "${f[1]}" name "$ifc" type vlan id "${f[2]}" 2>&1) || { log "cannot make VLAN $ifc: $err"; return 1; }
      fi ;;
    gone)
      if ip -n "$ns" -d link show dev "$ifc" 2>/dev/null | grep -qE '^ +(bond|vlan) '; then
        ip -n "$ns" link delete dev "$ifc" || return 1
      fi ;;
  esac
  return 0
}

# one DHCP exchange in the namespace (ISC dhclient, its own lease/pid/config files; our hook
# script sets the address and default route and never touches the host's resolv.conf)
net_dhcp_ns() {
  local ifc=$1 conf lease pf out
  command -v dhclient >/dev/null || { log "dhclient is not installed"; return 1; }
  mkdir -p -- "$NET_RUN" "$NET_STATE"
  conf=$NET_RUN/net-dhclient.conf
  lease=$NET_STATE/net-dhclient-$ifc.leases
  pf=$(net_dhclient_pid "$ifc")
  printf '%s\n' 'timeout 15;' 'retry 30;' 'initial-interval 1;' \
    'request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, domain-search;' >"$conf"
  log "$ifc: asking for a DHCP lease"
  out=$(ip netns exec "$CONFCONSOLE_NETNS" dhclient -4 -1 -cf "$conf" -pf "$pf" -lf "$lease" \
    -sf "$CC_SBIN/net_dhclient_hook.sh" "$ifc" 9>&- </dev/null 2>&1) || { log "$ifc: no DHCP lease: ${out##*$'\n'}"; return 1; }
  log "$ifc: leased $(ip -n "$CONFCONSOLE_NETNS" -4 -o addr show dev "$ifc" | awk '{print $4; exit}')"
}

# the address an interface has now (first IPv4, CIDR), empty if none
net_live_addr() {
  local f
  f=$(mktemp) || return 0
  net_links "$f" && IF=$1 "$NET_PY" -c 'import json,os,sys
for l in json.load(open(sys.argv[1])):
    if l.get("ifname")==os.environ["IF"]:
        for a in l.get("addr_info",[]):
            if a.get("family")=="inet": print(a["local"]+"/"+str(a["prefixlen"])); sys.exit()' "$f"
  rm -f -- "$f"
}

# ---- the rollback timer (outside this process: it fires when the console and SSH are gone) --
# net_arm ID SECONDS → prints the timer's handle ("unit:NAME" or "pid:PID")
net_arm() {
  local id=$1 secs=$2 unit
  if [[ -d /run/systemd/system && -z ${CONFCONSOLE_NETNS:-} ]] && ! is_demo; then
    unit=confconsole-net-rollback-$id
    systemd-run --quiet --on-active="$secs" --unit "$unit" \
      --setenv=CONFCONSOLE_ROOT="$CC_ROOT" --setenv=CONFCONSOLE_LOCK_WAIT=300 \
      "$CC_SBIN/net_rollback.sh" --timer "$id" 9>&- </dev/null >/dev/null 2>&1 || return 1
    printf 'unit:%s' "$unit"
  else
    # its own session, no terminal, no pipe of ours, not the lock: a SIGHUP or SIGKILL of the
    # console, its process group or its SSH session does not reach it
    # shellcheck disable=SC2016  # $1 $2 $3 are the inner bash's arguments, not ours
    CONFCONSOLE_LOCK_WAIT=300 setsid bash -c 'sleep "$1" && exec "$2" --timer "$3"' net-rollback-timer \
      "$secs" "$CC_SBIN/net_rollback.sh" "$id" </dev/null >/dev/null 2>&1 9>&- &
    local pid=$!
    sleep 0.05
    [[ -d /proc/$pid ]] || return 1
    printf 'pid:%s' "$pid"
  fi
}

# net_disarm HANDLE ID: stop the timer (it would find nothing to do anyway)
net_disarm() {
  local h=$1 id=$2 pid
  case $h in
    unit:*) systemctl stop "${h#unit:}.timer" 9>&- </dev/null >/dev/null 2>&1 || true ;;
    pid:*)
      pid=${h#pid:}
      # the timer itself runs the rollback (exec'd into it): never kill our own group
      [[ $pid == "$$" || $(ps -o pgid= -p $$ 2>/dev/null | tr -d ' ') == "$pid" ]] && return 0
      if [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$id"; then
        kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
      fi ;;
  esac
}

net_pending_get() { netpy json-get --file "$NET_PENDING" --key "$1" 2>/dev/null; }
# net_pending_names: every interface of the pending change, "eth0, eth1" (its iface when the
# record has no list: a change of one interface)
net_pending_names() {
  local names
  names=$(net_pending_get ifaces | paste -sd, - | sed 's/,/, /g')
  printf '%s' "${names:-$(net_pending_get iface)}"
}
# net_pending_damaged → why the record of the pending change cannot be believed, the file named
# (ccnet/model.py read_pending owns what a whole record is); exit 1 when it is whole or absent
net_pending_damaged() { net_record_damaged "$NET_PENDING" pending; }
# net_record_damaged FILE pending|links → why our record FILE cannot be believed; exit 1 when whole or absent
net_record_damaged() { local out; out=$(netpy record-check --file "$1" --kind "$2" 2>&1 >/dev/null) && return 1; printf '%s' "${out#netplan.py: }"; }
# net_keep_first_confirmed: before the console's first network change, the settings in use are
# the known good ones: saved as the confirmed settings, so a change whose record is later damaged
# can still go back (and --restore-confirmed has something to restore). Never fails the change.
net_keep_first_confirmed() {
  [[ ! -e $NET_CONFIRMED && -f $NET_YAML ]] || return 0
  local t
  { t=$(stage "$NET_CONFIRMED") && cat -- "$NET_YAML" >"$t" && commit "$t" "$NET_CONFIRMED" 0600; } \
    || log "cannot save the settings in use as the confirmed ones ($NET_CONFIRMED)"
}
# net_pending_aside: keeps a damaged record for whoever looks into it (never written over or
# believed) and takes it out of the way; prints where it went
net_pending_aside() { local to; to="$NET_PENDING.damaged-$(date -u +%Y%m%dT%H%M%SZ)"; mv -f -- "$NET_PENDING" "$to" && printf '%s' "$to"; }

# net_do_rollback REASON: put back the YAML from before the pending change and apply it.
# Call with the lock held. Sets NET_RB_DONE=true|false.
# shellcheck disable=SC2034  # NET_RB_DONE is read by net_rollback.sh
net_do_rollback() {
  local reason=$1 id ifc b old now entry ifaces=() x names ijson=""
  NET_RB_DONE=false
  [[ -e $NET_PENDING || -L $NET_PENDING ]] || return 0
  local extra=() xf xb damaged aside
  if damaged=$(net_pending_damaged); then
    # the backup a half record names cannot be believed: the settings confirmed last are the way
    # back (what --restore-confirmed puts back); the record is kept aside, never written over
    [[ -f $NET_CONFIRMED ]] || { log "$damaged; there are no confirmed settings to go back to ($NET_CONFIRMED)"; return 1; }
    b=$(backup "$NET_CONFIRMED") || { log "cannot copy $NET_CONFIRMED"; return 1; }
    id="(damaged record)" ifc=""
  else
    id=$(net_pending_get id); ifc=$(net_pending_get iface); b=$(net_pending_get backup)
    # every interface of the change (a fresh-MACs change has several): said and recorded
    while IFS= read -r x; do [[ -n $x ]] && ijson+="${ijson:+,}$(json_str "$x")"; done < <(net_pending_get ifaces)
    names=$(net_pending_names)
    [[ -n $b && ( $b == - || -f $b ) ]] || { log "the backup of the pending change is missing ($b)"; return 1; }
    # the other files the change wrote (cloud-init's file and drop-in): "PATH<TAB>BACKUP" lines
    while IFS=$'\t' read -r xf xb; do [[ -n $xf ]] && extra+=("file	$xf	$xb"); done < <(net_pending_get extra)
  fi
  old=$(mktemp) || return 1
  # a failed step below returns at once, and the caller fails (exits): the EXIT trap removes it
  CC_TEMPS+=("$old")
  [[ -f $NET_YAML ]] && cat -- "$NET_YAML" >"$old"
  # killed midway, recovery finishes the rollback: old files applied, no change pending
  while IFS= read -r x; do [[ -n $x ]] && ifaces+=("$x"); done < <([[ $b == - ]] || netpy changed --old "$old" --new "$b")
  txn_begin "file	$NET_YAML	$b" "${extra[@]}" "file	$NET_PENDING	-" "net	$ifc ${ifaces[*]}	${CONFCONSOLE_NETNS:-}" || return 1
  ifaces=()
  if [[ -n $damaged ]]; then
    # moved aside inside the journal: killed after this, recovery still puts the confirmed back
    aside=$(net_pending_aside) || { log "$damaged; cannot move it aside"; return 1; }
    log "$damaged: kept as $aside; going back to the settings confirmed last"
  fi
  restore "$NET_YAML" "$b" || { log "cannot put back $NET_YAML"; return 1; }
  for x in "${extra[@]}"; do
    IFS=$'\t' read -r _ xf xb <<<"$x"
    restore "$xf" "$xb" || { log "cannot put back $xf"; return 1; }
  done
  while IFS= read -r x; do [[ -n $x ]] && ifaces+=("$x"); done < <(netpy changed --old "$old" --new "$NET_YAML")
  rm -f -- "$old"
  [[ -z $ifc || " ${ifaces[*]} " == *" $ifc "* ]] || ifaces+=("$ifc")
  log "rolling back the network change $id ($reason): ${ifaces[*]}"
  local applied=ok
  net_apply "${ifaces[@]}" || { applied="apply failed"; log "applying the restored settings failed"; }
  [[ -n $damaged ]] || net_disarm "$(net_pending_get timer)" "$id"
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  entry=$(printf '{"time":%s,"id":%s,"iface":%s,"ifaces":[%s],"reason":%s}' "$(json_str "$now")" "$(json_str "$id")" "$(json_str "$ifc")" "${ijson:-$( [[ -n $ifc ]] && json_str "$ifc")}" "$(json_str "$reason")")
  mkdir -p -- "${NET_RB_LOG%/*}"
  printf '%s\n' "$entry" >>"$NET_RB_LOG"
  netpy unseen-add --file "$NET_UNSEEN" --entry "$entry" || log "cannot record the rollback for the next login"
  audit net.rollback "${names:-$ifc}: change $id rolled back ($reason)" "$applied"
  # last: whoever waits for the pending file to go finds the rollback recorded
  rm -f -- "$NET_PENDING"; sync -- "$NET_STATE" 2>/dev/null || true
  txn_end
  NET_RB_DONE=true
}
