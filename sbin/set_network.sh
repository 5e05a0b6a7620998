#!/usr/bin/env bash
# set_network.sh IFACE MODE [--confirm-timeout S] [--dry-run] — change one interface in
# /etc/netplan/01-netcfg.yaml, apply it, and arm an automatic rollback: unless net_confirm.sh
# runs within S seconds (5-3600, default 120), net_rollback.sh puts the old settings back.
# MODE: --dhcp | --static --address A --netmask M [--gateway G] [--dns "D1 D2"] [--domain "D .."]
#       [--allow-offsubnet-gateway] | --capture | --restore-confirmed | --factory (10.0.0.2/24)
#       | --restore-file FILE (FILE's YAML as the whole new file: history_restore.sh, issue 15)
#       | --settings - (the network area of a settings document, issue 15: {NAME: {kind, mode, ...}}
#         on stdin, every interface planned in turn by netplan.py doc-plan, one change to confirm;
#         a refusal's field is interfaces.NAME[.KEY]; IFACE names the change)
# --dhcp and --static also take --address6 A/P (the static IPv6 address) and --gateway6 G (the
# IPv6 default route); "" removes it; not given, it stays as it is.
# Only the keys of the mode are rewritten: every other key of the interface and of the file is
# kept (ccnet/model.py new_stanza, ccnet/edit.py). Another netplan file that configures the
# interface is refused, except cloud-init's, whose stanza moves into our file (ccnet/plan.py).
# Bonds and VLANs (issue 17): IFACE --create-bond --members IF1,IF2 --bond-mode MODE [--primary IF]
# [--lacp-rate slow|fast] [--static ...|--dhcp|--capture] (no addressing: a bond for VLANs);
# IFACE --create-vlan --link IF --id N (--static ...|--dhcp); IFACE --delete (a bond or VLAN the
# console created); IFACE --change-bond [--members IF1,IF2] [--bond-mode MODE] [--primary IF|""]
# [--lacp-rate slow|fast|""] (an existing bond: what is not given is kept, "" removes it; its
# addressing and every other key kept; parameters the new mode does not take are removed). Written under bonds:/vlans: (ccnet/plan.py), applied and rolled back the same way.
# --dry-run: check and plan only; prints {"ok":true,"dry_run":true,"plan":{files,kept,moved,dropin,creates}}.
# Exit 2 bad value (JSON names the field), 3 apply failed and old settings restored, 4 locked or a
# change already waiting for confirmation. Result: {"ok":true,"changed":true,"pending":{id,deadline,timeout},"address","plan"};
# the settings in place given again: {"ok":true,"changed":false,"pending":null}, nothing applied or armed.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/net.sh
. "$here/lib/net.sh"

case ${1:-} in -h|--help) cc_help ;; esac

iface=${1:-}
[[ -n $iface && $iface != -* ]] || refuse interface "the interface to configure comes first (e.g. eth0)"
shift
restore_src="" settings_doc="" mode="" address="" netmask="" gateway="" dns="" domain="" offsub=false timeout=120 dry=false address6="" gateway6=""
declare -A given=()  # the --static options given
op=set members="" bond_mode="" primary="" lacp_rate="" link="" vid=""
set_op() { [[ $op == set ]] || refuse mode "choose one of --create-bond, --change-bond, --create-vlan, --delete"; op=$1; }
set_mode() { [[ -z $mode ]] || refuse mode "choose one of --dhcp, --static, --capture, --restore-confirmed, --factory"; mode=$1; }
need() { [[ $# -ge 2 ]] || refuse "${1#--}" "$1 needs a value"; }
while (($#)); do
  case $1 in
    --dhcp) set_mode dhcp ;;
    --static) set_mode static ;;
    --capture) set_mode capture ;;
    --restore-confirmed) set_mode restore ;;
    --restore-file) need "$@"; set_mode restore; restore_src=$2; shift ;;
    --factory) set_mode factory ;;
    --settings) need "$@"; [[ $2 == - ]] || refuse mode "--settings reads the document from standard input: --settings -"; set_mode settings; settings_doc=$(cat); shift ;;
    --address) need "$@"; address=$2; given[address]=1; shift ;;
    --netmask) need "$@"; netmask=$2; given[netmask]=1; shift ;;
    --gateway) need "$@"; gateway=$2; given[gateway]=1; shift ;;
    --dns) need "$@"; dns=$2; given[dns]=1; shift ;;
    --domain) need "$@"; domain=$2; given[domain]=1; shift ;;
    --address6) need "$@"; address6=$2; given[address6]=1; shift ;;
    --gateway6) need "$@"; gateway6=$2; given[gateway6]=1; shift ;;
    --allow-offsubnet-gateway) offsub=true ;;
    --create-bond) set_op bond ;;
    --change-bond) set_op bond-set ;;
    --create-vlan) set_op vlan ;;
    --delete) set_op delete ;;
    --members) need "$@"; members=$2; given[members]=1; shift ;;
    --bond-mode) need "$@"; bond_mode=$2; given[bond-mode]=1; shift ;;
    --primary) need "$@"; primary=$2; given[primary]=1; shift ;;
    --lacp-rate) need "$@"; lacp_rate=$2; given[lacp-rate]=1; shift ;;
    --link) need "$@"; link=$2; given[link]=1; shift ;;
    --id) need "$@"; vid=$2; given[id]=1; shift ;;
    --dry-run) dry=true ;;
    --confirm-timeout) need "$@"; timeout=$2; shift ;;
    *) usage_error "unknown option $1 (see --help)" ;;
  esac
  shift
done
for f in members bond-mode primary lacp-rate; do
  [[ -n ${given[$f]:-} && $op != bond && $op != bond-set ]] && refuse "$f" "--$f is only for --create-bond and --change-bond"
done
for f in link id; do
  [[ -n ${given[$f]:-} && $op != vlan ]] && refuse "$f" "--$f is only for --create-vlan"
done
case $op in
  delete) [[ -z $mode ]] || refuse mode "--delete takes no addressing"; mode=delete ;;
  bond) [[ $mode == @(|static|dhcp|capture) ]] || refuse mode "a new bond is --static, --dhcp, --capture or unaddressed"; mode=${mode:-none} ;;
  bond-set) [[ -z $mode ]] || refuse mode "--change-bond keeps the bond's addressing (change that with $iface --static, --dhcp or --capture)"; mode=keep ;;
  vlan) [[ $mode == @(static|dhcp) ]] || refuse mode "a new VLAN is --static or --dhcp (capture on its parent, which sees every VLAN)" ;;
esac
[[ -n $mode ]] || refuse mode "say how to configure $iface: --dhcp, --static, --capture, --restore-confirmed or --factory"
if [[ $mode != static ]]; then
  for f in address netmask gateway dns domain; do
    [[ -n ${given[$f]:-} ]] && refuse "$f" "--$f is only for --static"
  done
  [[ $offsub == true ]] && refuse gateway "--allow-offsubnet-gateway is only for --static"
fi
if [[ $mode != static && $mode != dhcp ]]; then
  for f in address6 gateway6; do
    [[ -n ${given[$f]:-} ]] && refuse "$f" "--$f is only for --static and --dhcp"
  done
fi
accept confirm-timeout check_seconds "$timeout" 5 3600 --confirm-timeout; timeout=$CHECKED
[[ $mode == static && -z ${given[address]:-} ]] && refuse address "the IP address is required for --static"
[[ $mode == static && -z ${given[netmask]:-} ]] && refuse netmask "the network mask is required for --static (dotted like 255.255.255.0, or a prefix length like 24)"
if [[ $mode == factory ]]; then mode=static address=10.0.0.2 netmask=24 gateway="" dns="" domain="" factory=true; else factory=false; fi
if [[ -n $restore_src && ! -f $restore_src ]]; then
  fail_on mode "$EX_FAIL" "there is no such file to restore: $restore_src"
elif [[ $mode == restore && -z $restore_src && ! -f $NET_CONFIRMED ]]; then
  fail_on mode "$EX_FAIL" "there is no confirmed network configuration to restore ($NET_CONFIRMED)"
fi

work=$(mktemp -d) || fail "$EX_FAIL" "cannot make a scratch directory"
trap 'cleanup_temps; rm -rf -- "$work"' EXIT
links=$work/links.json
net_links "$links" || fail "$EX_FAIL" "${NET_LINKS_WHY:-cannot read the interfaces}"

ssh_local=""
if [[ -n ${SSH_CONNECTION:-} ]]; then read -r _ _ ssh_local _ <<<"$SSH_CONNECTION"; fi
vmode=$mode; [[ $mode == restore || $mode == delete || $mode == settings || $mode == keep ]] && vmode=none
# values as --opt=VALUE: a value starting with "-" stays a value
args=(--root="$NET_ROOT" --links="$links" --iface="$iface" --mode="$vmode" --port-kinds="$(net_port_kinds)")
[[ $mode == static ]] && args+=(--address="$address" --netmask="$netmask" --gateway="$gateway" --dns="$dns" --domain="$domain")
[[ -n ${given[address6]:-} ]] && args+=(--address6="$address6")
[[ -n ${given[gateway6]:-} ]] && args+=(--gateway6="$gateway6")
[[ $offsub == true ]] && args+=(--allow-offsubnet-gateway)
[[ -n $ssh_local ]] && args+=(--ssh-local="$ssh_local")
# a bond or VLAN made or deleted: netplan.py link checks it (and plans it, with --out-root)
largs=()
if [[ $op != set ]]; then
  largs=(--op="$op" --members="$members" --bond-mode="$bond_mode" --primary="$primary" --lacp-rate="$lacp_rate" --link="$link" --id="$vid")
  if [[ $op == bond-set ]]; then # what is not given is kept: only the options given
    largs=(--op="$op")
    for f in members bond-mode primary lacp-rate; do
      [[ -n ${given[$f]:-} ]] || continue
      case $f in members) v=$members ;; bond-mode) v=$bond_mode ;; primary) v=$primary ;; lacp-rate) v=$lacp_rate ;; esac
      largs+=("--$f=$v")
    done
  fi
  validated=$(netpy link "${args[@]}" "${largs[@]}"); rc=$?
elif [[ $mode == settings ]]; then
  validated='{}' rc=0  # each interface is checked as it is planned (doc-plan)
else
  validated=$(netpy validate "${args[@]}"); rc=$?
fi
if ((rc == 2)); then
  refuse "$(printf '%s' "$validated" | netpy_field field)" "$(printf '%s' "$validated" | netpy_field error)"
elif ((rc != 0)); then
  fail "$EX_FAIL" "cannot check the request against $NET_YAML"
fi
# what the check made of the values (the search domains in lower case) is what is written
read -r prefix gwc onlink domain < <(printf '%s' "$validated" | "$NET_PY" -c 'import json,sys; d=json.load(sys.stdin); print(d.get("prefix") or "-", d.get("gateway") or "-", "1" if d.get("onlink") else "0", " ".join(d.get("search") or []))')
address6=$(printf '%s' "$validated" | netpy_field address6); gateway6=$(printf '%s' "$validated" | netpy_field gateway6)

[[ $dry == true ]] || lock
if [[ $dry != true && -f $NET_PENDING ]]; then
  left=$(( $(net_pending_get deadline) - $(date +%s) ))
  fail_on pending "$EX_LOCKED" "the network change $(net_pending_get id) on $(net_pending_names) is waiting for confirmation (${left}s left): confirm it or let it roll back first"
fi

# the new files, in a scratch copy of the netplan directories, checked by netplan itself when
# installed; plan: the files written and what the review says (kept keys, moved stanzas)
for d in lib/netplan etc/netplan run/netplan; do
  [[ -d $NET_ROOT/$d ]] || continue
  mkdir -p -- "$work/root/$d"
  for f in "$NET_ROOT/$d"/*.yaml; do [[ -f $f ]] && cp -- "$f" "$work/root/$d/"; done
done
mkdir -p -- "$work/root/etc/netplan" "$work/out"
new=$work/root/etc/netplan/01-netcfg.yaml
if [[ $mode == restore ]]; then
  cat -- "${restore_src:-$NET_CONFIRMED}" >"$new"
  plan='{"files":["etc/netplan/01-netcfg.yaml"],"kept":[],"moved":[],"dropin":null,"creates":false}'
elif [[ $mode == settings ]]; then
  printf '%s' "$settings_doc" >"$work/settings.json"
  sargs=(--root="$work/root" --links="$links" --doc="$work/settings.json" --confirmed="$NET_CONFIRMED" --port-kinds="$(net_port_kinds)")
  [[ -n $ssh_local ]] && sargs+=(--ssh-local="$ssh_local")
  plan=$(netpy doc-plan "${sargs[@]}"); rc=$?
  if ((rc == 2)); then
    refuse "$(printf '%s' "$plan" | netpy_field field)" "$(printf '%s' "$plan" | netpy_field error)"
  elif ((rc != 0)); then
    fail "$EX_FAIL" "cannot plan the network settings of the document"
  fi
elif [[ $op != set ]]; then
  plan=$(netpy link "${args[@]}" "${largs[@]}" --out-root="$work/out" --confirmed="$NET_CONFIRMED"); rc=$?
  if ((rc == 2)); then
    refuse "$(printf '%s' "$plan" | netpy_field field)" "$(printf '%s' "$plan" | netpy_field error)"
  elif ((rc != 0)); then
    fail "$EX_FAIL" "cannot write the new network configuration"
  fi
  plan=$(printf '%s' "$plan" | "$NET_PY" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["plan"], separators=(",", ":")))')
  (cd "$work/out" && find . -path '*/netplan/*.yaml' -type f) | while IFS= read -r f; do cp -- "$work/out/$f" "$work/root/$f"; done
else
  rargs=(--root="$NET_ROOT" --out-root="$work/out" --links="$links" --iface="$iface" --mode="$mode" --confirmed="$NET_CONFIRMED")
  if [[ $mode == static ]]; then
    rargs+=(--address="$address" --prefix="$prefix" --dns="$dns" --domain="$domain")
    [[ $gwc != - ]] && rargs+=(--gateway="$gwc")
    [[ $onlink == 1 ]] && rargs+=(--onlink)
  fi
  [[ -n ${given[address6]:-} ]] && rargs+=(--address6="$address6")
  [[ -n ${given[gateway6]:-} ]] && rargs+=(--gateway6="$gateway6")
  plan=$(netpy render "${rargs[@]}"); rc=$?
  if ((rc == 2)); then
    refuse "$(printf '%s' "$plan" | netpy_field field)" "$(printf '%s' "$plan" | netpy_field error)"
  elif ((rc != 0)); then
    fail "$EX_FAIL" "cannot write the new network configuration"
  fi
  (cd "$work/out" && find . -path '*/netplan/*.yaml' -type f) | while IFS= read -r f; do cp -- "$work/out/$f" "$work/root/$f"; done
fi
chmod 0600 "$work"/root/*/netplan/*.yaml
if command -v netplan >/dev/null; then
  if ! err=$(netplan generate --root-dir "$work/root" 2>&1 9>&- </dev/null); then
    err=${err//"$work/root"/$CC_ROOT}
    refuse netplan "netplan rejects the new configuration: $(printf '%s' "$err" | grep -m1 -E ':[0-9]+:' || printf '%s' "$err" | head -n1)"
  fi
fi
if [[ $dry == true ]]; then
  printf '{"ok":true,"dry_run":true,"iface":%s,"plan":%s}\n' "$(json_str "$iface")" "$plan"
  exit 0
fi
# the settings in place (our file byte for byte, no other file touched): no netplan apply, no
# rollback timer, no audit (issue 15: "changed":false)
if [[ -f $NET_YAML ]] && cmp -s -- "$new" "$NET_YAML" && ! printf '%s' "$plan" | netpy_field files | grep -qvxF etc/netplan/01-netcfg.yaml; then
  log "nothing changes: these are the settings of $iface in place (nothing applied)"
  printf '{"ok":true,"changed":false,"iface":%s,"mode":%s,"address":null,"pending":null,"plan":%s}\n' "$(json_str "$iface")" "$(json_str "$mode")" "$plan"
  exit 0
fi
ifaces=()
while IFS= read -r x; do [[ -n $x ]] && ifaces+=("$x"); done < <(netpy changed --old "$NET_YAML" --new "$new")
[[ " ${ifaces[*]} " == *" $iface "* ]] || ifaces+=("$iface")

# every file of the change: backed up, journalled, replaced; the other files ("extra": cloud-init's
# file and drop-in) are recorded in the pending change, so a rollback puts them back too
b=$(backup "$NET_YAML") || fail "$EX_FAIL" "cannot back up $NET_YAML"
txnl=("file	$NET_YAML	$b") extra=() xjson=""
while IFS= read -r rel; do
  [[ -n $rel && $rel != etc/netplan/01-netcfg.yaml ]] || continue
  xb=$(backup "$(p "/$rel")") || fail "$EX_FAIL" "cannot back up $(p "/$rel")"
  extra+=("$(p "/$rel")	$xb"); txnl+=("file	$(p "/$rel")	$xb")
  xjson+="${xjson:+,}[$(json_str "$(p "/$rel")"),$(json_str "$xb")]"
done < <(printf '%s' "$plan" | netpy_field files)
net_keep_first_confirmed
# killed before the end, the change is undone whole: the files, the pending record, the interfaces
txn_begin "${txnl[@]}" "file	$NET_PENDING	-" "net	${ifaces[*]}	${CONFCONSOLE_NETNS:-}" \
  || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"
put_back() { # every file of the change as it was before
  local x xf xb
  restore "$NET_YAML" "$b"
  for x in "${extra[@]}"; do IFS=$'\t' read -r xf xb <<<"$x"; restore "$xf" "$xb"; done
}
t=$(stage "$NET_YAML") || fail "$EX_FAIL" "cannot write in ${NET_YAML%/*}"
{ cat -- "$new" >"$t" && commit "$t" "$NET_YAML" 0600; } || { put_back; fail "$EX_FAIL" "cannot replace $NET_YAML"; }
for x in "${extra[@]}"; do
  IFS=$'\t' read -r xf _ <<<"$x"
  rel=${xf#"$CC_ROOT"}; rel=${rel#/}
  xm=0644; [[ $rel == */netplan/* ]] && xm=0600
  t=$(stage "$xf") || { put_back; fail "$EX_FAIL" "cannot write in ${xf%/*}"; }
  { cat -- "$work/out/$rel" >"$t" && commit "$t" "$xf" "$xm"; } || { put_back; fail "$EX_FAIL" "cannot replace $xf"; }
  log "wrote $xf"
done
what="$mode"; [[ $mode == static ]] && what="static $address/$prefix${gateway:+ via $gateway}"
[[ $mode == settings ]] && what="settings document ($(printf '%s' "$plan" | netpy_field names | paste -sd' '))"
[[ -n ${CC_HISTORY_FROM:-} ]] && what="the settings of revision $CC_HISTORY_FROM (history restore)"
[[ $factory == true ]] && what="factory $address/$prefix"
case $op in
  bond) what="bond of $members ($bond_mode), $what" ;;
  bond-set) what="bond changed:$(printf '%s' "$validated" | "$NET_PY" -c 'import json,sys; d=json.load(sys.stdin); print(" members", ",".join(d["members"]) + ", mode", d["bond_mode"])')" ;;
  vlan) what="VLAN $vid on $link, $what" ;;
  delete) what="deleted" ;;
esac
log "wrote $NET_YAML ($iface: $what); applying"

undo() { # put the old files back and apply them
  put_back
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
printf '{"id":%s,"iface":%s,"mode":%s,"address":%s,"deadline":%d,"timeout":%d,"backup":%s,"extra":[%s],"timer":%s,"started":%d}\n' \
  "$(json_str "$id")" "$(json_str "$iface")" "$(json_str "$mode")" "$(json_str "$live")" "$deadline" "$timeout" \
  "$(json_str "$b")" "$xjson" "$(json_str "$handle")" "$now" >"$tp"
commit "$tp" "$NET_PENDING" 0600 || { net_disarm "$handle" "$id"; undo; fail "$EX_RESTORED" "cannot record the pending change; previous settings restored"; }
audit net.set "$iface: $what (rolls back in ${timeout}s unless confirmed, id $id)" ok
txn_end
log "applied; confirm within ${timeout}s (net_confirm.sh) or it rolls back"
printf '{"ok":true,"changed":true,"iface":%s,"mode":%s,"address":%s,"pending":{"id":%s,"deadline":%d,"timeout":%d},"plan":%s}\n' \
  "$(json_str "$iface")" "$(json_str "$mode")" "$( [[ -n $live ]] && json_str "$live" || printf null)" \
  "$(json_str "$id")" "$deadline" "$timeout" "$plan"
