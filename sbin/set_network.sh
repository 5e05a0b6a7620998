#!/usr/bin/env bash
# set_network.sh IFACE MODE [--confirm-timeout S] — change one interface in
# /etc/netplan/01-netcfg.yaml, apply it, and arm an automatic rollback: unless net_confirm.sh
# runs within S seconds (5-3600, default 120), net_rollback.sh puts the old settings back.
# MODE: --dhcp | --static --address A --netmask M [--gateway G] [--dns "D1 D2"] [--domain "D .."]
#       [--allow-offsubnet-gateway] | --capture | --restore-confirmed | --factory (10.0.0.2/24)
# Exit 2 bad value (JSON names the field), 3 apply failed and old settings restored, 4 locked or a
# change already waiting for confirmation. Result: {"ok":true,"pending":{id,deadline,timeout},"address"}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/net.sh
. "$here/lib/net.sh"

case ${1:-} in -h|--help) cc_help ;; esac

iface=${1:-}
[[ -n $iface && $iface != -* ]] || refuse interface "the interface to configure comes first (e.g. eth0)"
shift
mode="" address="" netmask="" gateway="" dns="" domain="" offsub=false timeout=120
declare -A given=()  # the --static options given
set_mode() { [[ -z $mode ]] || refuse mode "choose one of --dhcp, --static, --capture, --restore-confirmed, --factory"; mode=$1; }
need() { [[ $# -ge 2 ]] || refuse "${1#--}" "$1 needs a value"; }
while (($#)); do
  case $1 in
    --dhcp) set_mode dhcp ;;
    --static) set_mode static ;;
    --capture) set_mode capture ;;
    --restore-confirmed) set_mode restore ;;
    --factory) set_mode factory ;;
    --address) need "$@"; address=$2; given[address]=1; shift ;;
    --netmask) need "$@"; netmask=$2; given[netmask]=1; shift ;;
    --gateway) need "$@"; gateway=$2; given[gateway]=1; shift ;;
    --dns) need "$@"; dns=$2; given[dns]=1; shift ;;
    --domain) need "$@"; domain=$2; given[domain]=1; shift ;;
    --allow-offsubnet-gateway) offsub=true ;;
    --confirm-timeout) need "$@"; timeout=$2; shift ;;
    *) usage_error "unknown option $1 (see --help)" ;;
  esac
  shift
done
[[ -n $mode ]] || refuse mode "say how to configure $iface: --dhcp, --static, --capture, --restore-confirmed or --factory"
if [[ $mode != static ]]; then
  for f in address netmask gateway dns domain; do
    [[ -n ${given[$f]:-} ]] && refuse "$f" "--$f is only for --static"
  done
  [[ $offsub == true ]] && refuse gateway "--allow-offsubnet-gateway is only for --static"
fi
accept confirm-timeout check_seconds "$timeout" 5 3600 --confirm-timeout; timeout=$CHECKED
[[ $mode == static && -z ${given[address]:-} ]] && refuse address "the IP address is required for --static"
[[ $mode == static && -z ${given[netmask]:-} ]] && refuse netmask "the network mask is required for --static (dotted like 255.255.255.0, or a prefix length like 24)"
if [[ $mode == factory ]]; then mode=static address=10.0.0.2 netmask=24 gateway="" dns="" domain="" factory=true; else factory=false; fi
if [[ $mode == restore && ! -f $NET_CONFIRMED ]]; then
  fail_on mode "$EX_FAIL" "there is no confirmed network configuration to restore ($NET_CONFIRMED)"
fi

work=$(mktemp -d) || fail "$EX_FAIL" "cannot make a scratch directory"
trap 'cleanup_temps; rm -rf -- "$work"' EXIT
links=$work/links.json
net_links "$links" || fail "$EX_FAIL" "cannot read the interfaces"

ssh_local=""
if [[ -n ${SSH_CONNECTION:-} ]]; then read -r _ _ ssh_local _ <<<"$SSH_CONNECTION"; fi
vmode=$mode; [[ $mode == restore ]] && vmode=none
# values as --opt=VALUE: a value starting with "-" stays a value
args=(--yaml="$NET_YAML" --links="$links" --iface="$iface" --mode="$vmode")
[[ $mode == static ]] && args+=(--address="$address" --netmask="$netmask" --gateway="$gateway" --dns="$dns" --domain="$domain")
[[ $offsub == true ]] && args+=(--allow-offsubnet-gateway)
[[ -n $ssh_local ]] && args+=(--ssh-local="$ssh_local")
validated=$(netpy validate "${args[@]}"); rc=$?
if ((rc == 2)); then
  field=$(printf '%s' "$validated" | "$NET_PY" -c 'import json,sys; print(json.load(sys.stdin)["field"])')
  msg=$(printf '%s' "$validated" | "$NET_PY" -c 'import json,sys; print(json.load(sys.stdin)["error"])')
  refuse "$field" "$msg"
elif ((rc != 0)); then
  fail "$EX_FAIL" "cannot check the request against $NET_YAML"
fi
# what the check made of the values (the search domains in lower case) is what is written
read -r prefix gwc onlink domain < <(printf '%s' "$validated" | "$NET_PY" -c 'import json,sys; d=json.load(sys.stdin); print(d.get("prefix") or "-", d.get("gateway") or "-", "1" if d.get("onlink") else "0", " ".join(d.get("search") or []))')

lock
if [[ -f $NET_PENDING ]]; then
  left=$(( $(net_pending_get deadline) - $(date +%s) ))
  fail_on pending "$EX_LOCKED" "the network change $(net_pending_get id) on $(net_pending_get iface) is waiting for confirmation (${left}s left): confirm it or let it roll back first"
fi

# the new file, in a scratch copy of /etc/netplan, checked by netplan itself when installed
mkdir -p -- "$work/root/etc/netplan"
for f in "$(p /etc/netplan)"/*.yaml; do [[ -f $f ]] && cp -- "$f" "$work/root/etc/netplan/"; done
new=$work/root/etc/netplan/01-netcfg.yaml
if [[ $mode == restore ]]; then
  cat -- "$NET_CONFIRMED" >"$new"
else
  rargs=(--yaml="$NET_YAML" --out="$new" --iface="$iface" --mode="$mode")
  if [[ $mode == static ]]; then
    rargs+=(--address="$address" --prefix="$prefix" --dns="$dns" --domain="$domain")
    [[ $gwc != - ]] && rargs+=(--gateway="$gwc")
    [[ $onlink == 1 ]] && rargs+=(--onlink)
  fi
  netpy render "${rargs[@]}" || fail "$EX_FAIL" "cannot write the new network configuration"
fi
chmod 0600 "$work"/root/etc/netplan/*.yaml
if command -v netplan >/dev/null; then
  if ! err=$(netplan generate --root-dir "$work/root" 2>&1 9>&- </dev/null); then
    err=${err//"$work/root"/$CC_ROOT}
    refuse netplan "netplan rejects the new configuration: $(printf '%s' "$err" | grep -m1 -E ':[0-9]+:' || printf '%s' "$err" | head -n1)"
  fi
fi
ifaces=()
while IFS= read -r x; do [[ -n $x ]] && ifaces+=("$x"); done < <(netpy changed --old "$NET_YAML" --new "$new")
[[ " ${ifaces[*]} " == *" $iface "* ]] || ifaces+=("$iface")

b=$(backup "$NET_YAML") || fail "$EX_FAIL" "cannot back up $NET_YAML"
# killed before the end, the change is undone whole: the file, the pending record, the interfaces
txn_begin "file	$NET_YAML	$b" "file	$NET_PENDING	-" "net	${ifaces[*]}	${CONFCONSOLE_NETNS:-}" \
  || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"
t=$(stage "$NET_YAML") || fail "$EX_FAIL" "cannot write in ${NET_YAML%/*}"
{ cat -- "$new" >"$t" && commit "$t" "$NET_YAML" 0600; } || { restore "$NET_YAML" "$b"; fail "$EX_FAIL" "cannot replace $NET_YAML"; }
what="$mode"; [[ $mode == static ]] && what="static $address/$prefix${gateway:+ via $gateway}"
[[ $factory == true ]] && what="factory $address/$prefix"
log "wrote $NET_YAML ($iface: $what); applying"

undo() { # put the old file back and apply it
  restore "$NET_YAML" "$b"
  net_apply "${ifaces[@]}" || log "the previous settings did not apply cleanly either"
}
if ! err=$(net_apply "${ifaces[@]}" 2>&1); then
  log "$err"
  log "the new settings did not apply; restoring the previous ones"
  undo
  audit net.set "$iface: $what" "failed, restored"
  fail "$EX_RESTORED" "the new network settings did not apply (${err##*$'\n'}); previous settings restored"
fi
[[ -n $err ]] && log "$err"
live=$(net_live_addr "$iface")
[[ $mode == static ]] && live=$address/$prefix

# the rollback, armed outside this process
id=$(net_new_id)
now=$(date +%s)
deadline=$((now + timeout))
if ! handle=$(net_arm "$id" "$timeout"); then
  log "cannot arm the automatic rollback; restoring the previous settings"
  undo
  audit net.set "$iface: $what" "failed (no rollback timer), restored"
  fail "$EX_RESTORED" "the automatic rollback could not be armed; previous settings restored"
fi
tp=$(stage "$NET_PENDING") || { net_disarm "$handle" "$id"; undo; fail "$EX_RESTORED" "cannot record the pending change; previous settings restored"; }
printf '{"id":%s,"iface":%s,"mode":%s,"address":%s,"deadline":%d,"timeout":%d,"backup":%s,"timer":%s,"started":%d}\n' \
  "$(json_str "$id")" "$(json_str "$iface")" "$(json_str "$mode")" "$(json_str "$live")" "$deadline" "$timeout" \
  "$(json_str "$b")" "$(json_str "$handle")" "$now" >"$tp"
commit "$tp" "$NET_PENDING" 0600 || { net_disarm "$handle" "$id"; undo; fail "$EX_RESTORED" "cannot record the pending change; previous settings restored"; }
audit net.set "$iface: $what (rolls back in ${timeout}s unless confirmed, id $id)" ok
txn_end
log "applied; confirm within ${timeout}s (net_confirm.sh) or it rolls back"
printf '{"ok":true,"iface":%s,"mode":%s,"address":%s,"pending":{"id":%s,"deadline":%d,"timeout":%d}}\n' \
  "$(json_str "$iface")" "$(json_str "$mode")" "$( [[ -n $live ]] && json_str "$live" || printf null)" \
  "$(json_str "$id")" "$deadline" "$timeout"
