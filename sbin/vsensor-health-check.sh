#!/usr/bin/env bash
# vsensor-health-check.sh [--json] — the Healthcheck (manual ch. 7 and 8): one row per check, in
# the manual's order and words, each [OK], [WARNING] or [ERROR] with detail lines under it.
# Read-only: nothing is started, stopped or written.
#   all_services          every service in appliance.ini [services] names is active, and on the
#                         master/probe appliance those of its role (lib/role.sh)
#   master_connectivity   (vSensor, probe) the configured master: not a loopback IP, TCP, then HTTPS
#                         with the stored push token (test_master.sh --stored)
#   incoming_data         packets arrive on each capture interface (its rx counters, a few seconds)
#   last_software_update  the last successful package install/upgrade in the package manager's
#                         logs (var/log/apt/history.log*, else var/log/dpkg.log*); a warning when
#                         older than 30 days; an error when no update key is set
#   ossensor_registered   (vSensor) each osSensor in var/lib/confconsole/ossensors.json is active
#   ossensor_count        (vSensor) how many osSensors are registered, how many active
#   apparmor              AppArmor is enabled and has profiles loaded
# An appliance (profile = appliance) has the rows that apply to it: all_services, incoming_data,
# last_software_update, apparmor; a probe (manual ch. 10) master_connectivity too, for its master.
# The rows are written to stderr as each finishes ("Healthcheck results" first), as the manual
# shows them. On stdout {"ok","profile","errors","warnings","rows":[{"name","level","details"}]}
# (level ok|warning|error); when stdout is a terminal and --json is not given, nothing more is
# printed there. Exit 0, or 5 when a row is an error.
# Where the facts come from: the counters of /sys/class/net/IF/statistics (the demo appliance:
# its traffic profile, lib/demo-traffic.json, the one its Interface stats shows) and AppArmor's
# /sys/module/apparmor and /sys/kernel/security/apparmor are read under the appliance root (a
# demo or test root carries its own); with CONFCONSOLE_NETNS=NS (tests, as in lib/net.sh) the
# counters are those of that network namespace. The master is reached from the namespace the
# script runs in, as on the appliance.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/role.sh
. "$here/lib/role.sh"

json_out=0
case ${1:-} in -h|--help) cc_help ;; --json) json_out=1 ;; '') ;; *) usage_error "usage: vsensor-health-check.sh [--json]" ;; esac
(($# <= 1)) || usage_error "usage: vsensor-health-check.sh [--json]"

# how long packets may take to show on a capture interface (seconds; polled, stops at the first;
# CONFCONSOLE_HEALTH_WINDOW for tests)
WINDOW=${CONFCONSOLE_HEALTH_WINDOW:-3}
[[ $WINDOW =~ ^[0-9]{1,2}$ ]] || WINDOW=3
# an update older than this many days is a warning
MAX_UPDATE_AGE_DAYS=30
# an osSensor not seen for this many seconds is not active
OSSENSOR_ACTIVE_S=600
UPDATE_KEY=$(p /etc/apt/auth.conf.d/confconsole-updates.conf)
REGISTRY=$(p /var/lib/confconsole/ossensors.json)
APT_LOG=$(p /var/log/apt/history.log)
DPKG_LOG=$(p /var/log/dpkg.log)
AA_ENABLED=$(p /sys/module/apparmor/parameters/enabled)
AA_PROFILES=$(p /sys/kernel/security/apparmor/profiles)

work=$(mktemp -d) || fail "$EX_FAIL" "cannot make a temp directory"
pids=()
# cancelled (the console's Esc sends SIGTERM): the checks still running stop too
trap 'exit 143' TERM INT HUP
trap '((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null; rm -rf -- "$work"; cleanup_temps' EXIT

# A check writes its row to a file: the level on the first line, then one detail a line.
# (whole or not at all: renamed into place, as the rows are read while the checks run)
row() { local f=$1 level=$2; shift 2; { printf '%s\n' "$level"; if (($#)); then printf '%s\n' "$@"; fi; } >"$f.part" && mv -f -- "$f.part" "$f"; }

# ---- the settings ------------------------------------------------------------------------
profile=vsensor settings_err="" role=""
if ini_load "$SETTINGS_INI" 2>/dev/null; then
  profile=$(ini_get "$SETTINGS_INI" appliance profile); [[ $profile == appliance ]] || profile=vsensor
  role=$(appliance_role)
else
  settings_err=$CC_INI_ERROR
fi

# ---- all_services --------------------------------------------------------------------------
check_services() {
  local out=$1 names n down=()
  if [[ -n $settings_err ]]; then row "$out" error "The services are not known: $settings_err"; return; fi
  mapfile -t names < <(appliance_services)
  if ((${#names[@]} == 0)); then row "$out" warning "No services are listed in $SETTINGS_INI ([services] names)"; return; fi
  for n in "${names[@]}"; do
    if [[ ! $n =~ ^[A-Za-z0-9@._-]+$ ]]; then down+=("Bad service name \"$n\" in $SETTINGS_INI"); continue; fi
    svc_active "$n" 2>/dev/null || down+=("Service $n is not running")
  done
  if ((${#down[@]})); then row "$out" error "${down[@]}"; else row "$out" ok; fi
}

# ---- master_connectivity -------------------------------------------------------------------
# tcp_line HOST PORT → the line saying whether a TCP connection to HOST PORT opens (netcat's words)
tcp_line() {
  local host=$1 port=$2 svcname err
  svcname=$(getent services "$port/tcp" 2>/dev/null | awk '{print $1; exit}')
  # shellcheck disable=SC2016  # expanded by the inner bash
  if err=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>&1); then
    printf 'Connection to %s %s port [tcp/%s] succeeded!' "$host" "$port" "${svcname:-*}"; return 0
  fi
  err=${err##*: }
  [[ -n $err ]] || err="no answer within 5 s"
  printf 'nc: connect to %s port %s (tcp) failed: %s' "$host" "$port" "$err"
  return 1
}

# The manual's words for a master at a loopback address (never a master: the factory value when
# none is set), or nothing for any other host. $1: the master's host, without its port.
loopback_master() {
  if is_ipv4 "$1" && [[ $1 == 127.* ]]; then echo "IP given is within 127.0.0.0/8 - Not a valid master"
  elif [[ ${1,,} == ::1 || ${1,,} == 0:0:0:0:0:0:0:1 ]]; then echo "IP given is ::1 - Not a valid master"; fi
}

check_master() {
  local out=$1 host mode proxy details=() name port loop=0 res cause msg args=() ph pp where
  if [[ -n $settings_err ]]; then row "$out" error "The master is not known: $settings_err"; return; fi
  host=$(ini_get "$SETTINGS_INI" master host)
  mode=$(ini_get "$SETTINGS_INI" master mode)
  proxy=$(ini_get "$SETTINGS_INI" master proxy)
  where=$([[ $profile == vsensor ]] && echo "Setup > Master" || echo "Appliance Admin > Topology settings")
  # Pull mode: the master connects in, so there is nothing to dial from this side; a master named
  # here (a probe names it) must still be one
  if [[ $mode == pull ]]; then
    if [[ -n $host ]] && split_host_port "$host" && [[ -n $(loopback_master "$HP_HOST") ]]; then
      row "$out" error "$(loopback_master "$HP_HOST")"
    elif [[ -s $(p /etc/confconsole/secrets/pull_hmac) ]]; then
      row "$out" ok "Pull mode - the master connects to this $([[ $profile == vsensor ]] && echo vSensor || echo probe) over HTTPS with the HMAC token (check it on the master's System Status page)"
    else
      row "$out" error "Pull mode without an HMAC token - set it in $where"
    fi
    return
  fi
  if [[ -z $host ]]; then row "$out" error "No master configured - set it in $where"; return; fi
  if ! split_host_port "$host"; then row "$out" error "The master \"$host\" in $SETTINGS_INI is not a host name or IP address"; return; fi
  name=$HP_HOST port=${HP_PORT:-443}
  # the manual: a loopback address is never a master (the factory value when none is set)
  msg=$(loopback_master "$name")
  if [[ -n $msg ]]; then
    loop=1
    details+=("$msg")
  fi
  if [[ -n $proxy ]]; then
    ph=${proxy#http://}; ph=${ph%%/*}; pp=${ph##*:}; ph=${ph%:*}
    [[ $pp =~ ^[0-9]+$ ]] || pp=3128
    details+=("$(tcp_line "$ph" "$pp") (the proxy)")
  else
    details+=("$(tcp_line "$name" "$port")")
  fi
  # HTTPS with the stored push token when there is one (Push Token mode), else without a token
  args=(--timeout 8)
  [[ $mode == push-token && -f $(p /etc/confconsole/secrets/push_token) ]] && args+=(--stored)
  args+=("$host")
  [[ -n $proxy ]] && args+=("$proxy")
  res=$("$here/test_master.sh" "${args[@]}" </dev/null 2>/dev/null)
  cause=$(printf '%s' "$res" | python3 -c 'import json,sys
try: d=json.load(sys.stdin); print(d.get("cause","")); print(d.get("message",""))
except Exception: print("other"); print("test_master.sh gave no answer")' 2>/dev/null)
  msg=${cause#*$'\n'}; cause=${cause%%$'\n'*}
  case $cause in
    ok) details+=("Connected to master over HTTPS${msg:+ - $msg}") ;;
    token) details+=("The master refused the push token - set it again in Setup > Master" "$msg") ;;
    certificate|pin) details+=("The master's certificate is not trusted - $msg") ;;
    *) details+=("Failed to connect to master over HTTPS - check networking")
       # the first line already says why for a loopback master (the manual's three lines)
       ((loop)) || details+=("$msg") ;;
  esac
  if ((loop)) || [[ $cause != ok ]]; then row "$out" error "${details[@]}"; else row "$out" ok "${details[@]}"; fi
}

# ---- incoming_data ---------------------------------------------------------------------------
# rx_packets IF → a capture interface's received-packet counter (1 when it cannot be read). The
# demo appliance's are those of its traffic profile, as its Interface stats shows them
# (ccnet/demo.py), unless a network namespace stands for its network (CONFCONSOLE_NETNS: real counters).
rx_packets() {
  local f=/sys/class/net/$1/statistics/rx_packets
  if [[ -n ${CONFCONSOLE_NETNS:-} ]]; then ip netns exec "$CONFCONSOLE_NETNS" cat "$f" 2>/dev/null; return; fi
  if is_demo; then
    PYTHONPATH=$CC_LIB python3 -c 'import time; from ccnet.demo import counters; print(counters(True, time.time() * 1000)["rx_packets"])'
    return
  fi
  cat -- "$(p "$f")" 2>/dev/null
}

check_incoming() {
  local out=$1 ifaces=() i n start=() err end details=() level=ok seen=()
  if ! err=$(python3 "$CC_LIB/netplan.py" capture-names --root "${CC_ROOT:-/}" 2>&1); then
    row "$out" error "The capture interfaces are not known: ${err##*$'\n'}"; return
  fi
  mapfile -t ifaces <<<"$err"
  [[ -z ${ifaces[0]-} ]] && ifaces=()
  if ((${#ifaces[@]} == 0)); then row "$out" warning "No capture interface configured - set one in Network > Interfaces"; return; fi
  for i in "${!ifaces[@]}"; do
    if ! n=$(rx_packets "${ifaces[i]}") || [[ ! $n =~ ^[0-9]+$ ]]; then start[i]=missing; else start[i]=$n; fi
    seen[i]=0
  done
  # polled until each interface has received a packet, or the window is over
  end=$((SECONDS + WINDOW))
  while :; do
    local waiting=0
    for i in "${!ifaces[@]}"; do
      [[ ${start[i]} == missing || ${seen[i]} == 1 ]] && continue
      n=$(rx_packets "${ifaces[i]}")
      if [[ $n =~ ^[0-9]+$ ]] && ((n > start[i])); then seen[i]=1; else waiting=1; fi
    done
    ((waiting && SECONDS < end)) || break
    sleep 0.2
  done
  for i in "${!ifaces[@]}"; do
    if [[ ${start[i]} == missing ]]; then
      details+=("Device ${ifaces[i]} not found (no counters in /sys/class/net/${ifaces[i]}/statistics)"); level=error
    elif ((seen[i])); then details+=("Incoming packets seen on device ${ifaces[i]}")
    else details+=("No incoming packets seen on device ${ifaces[i]}"); [[ $level == ok ]] && level=warning; fi
  done
  row "$out" "$level" "${details[@]}"
}

# ---- last_software_update ------------------------------------------------------------------
# the End-Date of every successful install/upgrade in an apt history log on stdin, one a line
apt_successes() {
  awk '/^Start-Date:/ { ch = 0; err = 0 }
       /^(Install|Upgrade|Reinstall|Downgrade):/ { ch = 1 }
       /^Error:/ { err = 1 }
       /^End-Date:/ { if (ch && !err) { sub(/^End-Date:[ ]*/, ""); gsub(/  +/, " "); print } }'
}
# the time of every package installed or upgraded in a dpkg log on stdin
dpkg_successes() { awk '$3 == "status" && $4 == "installed" { print $1 " " $2 }'; }

check_updates() {
  local out=$1 f files=() dates="" got problems=() last epoch days kind
  if [[ ! -e $UPDATE_KEY ]]; then row "$out" error "Software updates not enabled - set updatekey in confconsole"; return; fi
  kind=apt
  for f in "$APT_LOG" "$APT_LOG".[0-9]*; do [[ -e $f ]] && files+=("$f"); done
  if ((${#files[@]} == 0)); then
    kind=dpkg
    for f in "$DPKG_LOG" "$DPKG_LOG".[0-9]*; do [[ -e $f ]] && files+=("$f"); done
  fi
  for f in "${files[@]}"; do
    if [[ $f == *.gz ]]; then got=$(gzip -dc -- "$f" 2>&1) || { problems+=("Cannot read $f: ${got##*: }"); continue; }
    else got=$(cat -- "$f" 2>&1) || { problems+=("Cannot read $f: ${got##*: }"); continue; }; fi
    if [[ $kind == apt ]]; then dates+=$(apt_successes <<<"$got")$'\n'
    else dates+=$(dpkg_successes <<<"$got")$'\n'; fi
  done
  # both logs write "YYYY-MM-DD HH:MM:SS": the newest sorts last
  last=$(grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$' <<<"$dates" | sort | tail -n 1)
  epoch=0
  [[ -n $last ]] && { epoch=$(date -d "$last" +%s 2>/dev/null) || last=""; }
  if [[ -z $last ]]; then
    row "$out" warning "No successful software update recorded in $([[ $kind == apt ]] && echo "$APT_LOG" || echo "$DPKG_LOG") - run Updates > Upgrade" "${problems[@]}"; return
  fi
  days=$((($(date +%s) - epoch) / 86400))
  if ((days > MAX_UPDATE_AGE_DAYS)); then
    row "$out" warning "Last software update on $last ($days days ago, more than $MAX_UPDATE_AGE_DAYS) - run Updates > Upgrade" "${problems[@]}"
  elif ((${#problems[@]})); then row "$out" warning "Last software update on $last" "${problems[@]}"
  else row "$out" ok "Last software update on $last"; fi
}

# ---- ossensor_registered, ossensor_count -----------------------------------------------------
# reads the registry (format: README "The osSensor registry"): "bad<TAB>why", or "count<TAB>N<TAB>M"
# then "idle<TAB>host<TAB>ip<TAB>last_seen" for each osSensor that is not active
read_registry() {
  python3 -I -S - "$REGISTRY" "$OSSENSOR_ACTIVE_S" <<'EOF'
import datetime, json, sys
path, window = sys.argv[1], int(sys.argv[2])
def bad(why):
    print(f'bad\t{path}: {why}'); sys.exit(0)
try:
    with open(path, 'rb') as f:
        raw = f.read()
except FileNotFoundError:
    print('count\t0\t0'); sys.exit(0)
except OSError as e:
    bad(f'cannot read it ({e.strerror})')
try:
    data = json.loads(raw.decode('utf-8'))
except UnicodeDecodeError:
    bad('not UTF-8 text')
except ValueError as e:
    bad(f'not valid JSON ({e})')
if not isinstance(data, list):
    bad('not a JSON array of osSensors')
# one line each for a person: a control character (a tab, a newline) is shown as '?'
line = lambda v: ''.join('?' if ord(c) < 32 or ord(c) == 127 else c for c in str(v))
now = datetime.datetime.now(datetime.timezone.utc)
active, idle = 0, []
for i, o in enumerate(data, 1):
    if not isinstance(o, dict) or not isinstance(o.get('host'), str) or not o['host']:
        bad(f'entry {i} is not an object with a "host"')
    ip = o.get('ip') if isinstance(o.get('ip'), str) else ''
    seen = o.get('last_seen')
    t = None
    if seen is not None:
        try:
            t = datetime.datetime.strptime(str(seen), '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            bad(f'entry {i} ({line(o["host"])}): last_seen "{line(seen)}" is not a UTC time like 2026-11-30T12:00:00Z')
    if t is not None and (now - t).total_seconds() <= window:
        active += 1
    else:
        idle.append((line(o['host']), line(ip), line(seen or 'never')))
print(f'count\t{len(data)}\t{active}')
for h, ip, s in idle:
    print(f'idle\t{h}\t{ip}\t{s}')
EOF
}

# safe: a value from the registry as one line for a person (no control characters)
oneline() { printf '%s' "${1//[[:cntrl:]]/?}"; }

check_ossensors() {
  local reg=$1 cnt=$2 out kind a b c d total=0 active=0 idle=() hmac
  out=$(read_registry 2>&1) || out=$'bad\t'"$REGISTRY: cannot be read (${out##*$'\n'})"
  while IFS=$'\t' read -r kind a b c d; do
    case $kind in
      bad) row "$reg" error "$(oneline "$a")"; row "$cnt" error "The osSensor count is not known: $REGISTRY cannot be used"; return ;;
      count) total=$a active=$b ;;
      idle) idle+=("osSensor $(oneline "$a")${b:+ ($(oneline "$b"))} not active - last seen $(oneline "$c")") ;;
    esac
  done <<<"$out"
  hmac=$(ini_get "$SETTINGS_INI" ossensor hmac_set 2>/dev/null)
  if ((total > 0)) && [[ -z $settings_err && $hmac != yes ]]; then
    row "$reg" warning "osSensor HMAC key not set - osSensors cannot register (Setup > osSensor HMAC)" "${idle[@]}"
  elif ((${#idle[@]})); then row "$reg" warning "${idle[@]}"
  else row "$reg" ok; fi
  local many="$total osSensors registered"
  ((total == 1)) && many="1 osSensor registered"
  if ((total == 0)); then row "$cnt" ok "No osSensors registered"
  elif ((active == 0)); then row "$cnt" warning "$many, none active"
  else row "$cnt" ok "$many, $active active"; fi
}

# ---- apparmor -------------------------------------------------------------------------------
check_apparmor() {
  local out=$1 en n enforce complain err bad
  if ! en=$(cat -- "$AA_ENABLED" 2>&1); then
    if [[ -e $AA_ENABLED ]]; then row "$out" error "Cannot read $AA_ENABLED: ${en##*: }"
    else row "$out" error "AppArmor is not available (no $AA_ENABLED)"; fi
    return
  fi
  [[ $en == Y* ]] || { row "$out" error "AppArmor is disabled ($AA_ENABLED says $(oneline "$en"))"; return; }
  if err=$(cat -- "$AA_PROFILES" 2>&1); then
    # the kernel writes one "NAME (MODE)" a line: anything else is not its file
    bad=$(grep -n -v -E '^[^[:cntrl:]]+ \((enforce|complain|kill|unconfined|prompt|mixed)\)$' <<<"$err" | grep -v -E '^[0-9]+:$' | head -n 1)
    if [[ -n $bad ]]; then
      row "$out" warning "AppArmor is enabled, but $AA_PROFILES does not list profiles (line ${bad%%:*} is not \"NAME (MODE)\")"; return
    fi
    n=$(grep -c . <<<"$err"); enforce=$(grep -c ' (enforce)$' <<<"$err"); complain=$(grep -c ' (complain)$' <<<"$err")
  elif [[ ${CC_ROOT:-/} == / ]] && command -v aa-status >/dev/null && err=$(aa-status --json 2>/dev/null); then
    read -r n enforce complain < <(python3 -c 'import json,sys
d=json.load(sys.stdin).get("profiles",{}); v=list(d.values())
print(len(v), v.count("enforce"), v.count("complain"))' <<<"$err") || n=0
  else
    row "$out" warning "AppArmor is enabled, but its profiles cannot be read ($AA_PROFILES: ${err##*: })"; return
  fi
  if ((n == 0)); then row "$out" warning "AppArmor is enabled, but no profiles are loaded"; return; fi
  ((complain > 0 && enforce == 0)) && { row "$out" warning "AppArmor profiles are loaded in complain mode only ($complain): nothing is enforced"; return; }
  row "$out" ok
}

# ---- the rows, in the manual's order ---------------------------------------------------------
if [[ $profile == vsensor ]]; then
  names=(all_services master_connectivity incoming_data last_software_update ossensor_registered ossensor_count apparmor)
elif [[ $role == probe ]]; then
  names=(all_services master_connectivity incoming_data last_software_update apparmor)
else
  names=(all_services incoming_data last_software_update apparmor)
fi
# the slow checks (network) run meanwhile; each row is said once every row before it is
[[ " ${names[*]} " == *" master_connectivity "* ]] && { check_master "$work/master_connectivity" & pids+=($!); }
check_incoming "$work/incoming_data" & pids+=($!)
check_services "$work/all_services"
check_updates "$work/last_software_update"
[[ $profile == vsensor ]] && check_ossensors "$work/ossensor_registered" "$work/ossensor_count"
check_apparmor "$work/apparmor"

log "Healthcheck results"
rows=() errors=0 warnings=0
for name in "${names[@]}"; do
  f=$work/$name
  # a background check is done when its file is there (wait for it: the pids end with it)
  while [[ ! -s $f ]]; do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  [[ -s $f ]] || row "$f" error "The check did not finish"
  mapfile -t lines <"$f"
  level=${lines[0]}
  details=("${lines[@]:1}")
  case $level in error) errors=$((errors + 1)) ;; warning) warnings=$((warnings + 1)) ;; esac
  log "$name : [${level^^}]"
  for d in "${details[@]}"; do log "$d"; done
  rows+=("{\"name\":$(json_str "$name"),\"level\":$(json_str "$level"),\"details\":$(json_arr "${details[@]}")}")
done
wait
ok=true; ((errors)) && ok=false
if ((json_out)) || [[ ! -t 1 ]]; then
  printf '{"ok":%s,"profile":%s,"errors":%s,"warnings":%s,"rows":[%s]}\n' "$ok" "$(json_str "$profile")" "$errors" "$warnings" "$(IFS=,; printf '%s' "${rows[*]}")"
fi
((errors)) && exit "$EX_TESTFAIL"
exit 0
