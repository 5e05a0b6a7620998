#!/usr/bin/env bash
# net_fresh_macs.sh [--dry-run] [--confirm-timeout S] — initialize fresh MAC addresses (manual
# ch. 7, a cloned virtual machine): the netplan stanzas that match a MAC address no interface
# has any more (`match: macaddress:`) are bound to the present ports nothing configures: by name
# first (the stanza's set-name, else its id), then in order (ccnet/freshmacs.py; never renaming
# a port the configuration relies on by its name: the capture port, one with an address such as
# the SSH session's, one another stanza names; nor to a name another interface has, a stanza
# configures or a second stale stanza sets; each pair says why its port). Only
# `match: macaddress` changes, in place; every other key, comment and file is kept. Applied, then
# rolled back by itself unless net_confirm.sh runs within S seconds (5-3600, default 120), as
# every network change (set_network.sh, net_rollback.sh put every file of it back).
# --dry-run: {"ok":true,"dry_run":true,"stale":[...],"pairs":[{file,id,old,new,iface,by,rename,note}],"unpaired":[{...,why}],"skipped":[...]}.
# Exit 1 nothing to rebind (no stale MAC, or no free port for one), 4 locked or a change already
# waiting for confirmation. Result: {"ok":true,"pairs":[...],"pending":{id,deadline,timeout}}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/net.sh
. "$here/lib/net.sh"

dry=false timeout=120
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --dry-run) dry=true ;;
    --confirm-timeout) (($# >= 2)) || refuse confirm-timeout "--confirm-timeout needs a value"; timeout=$2; shift ;;
    *) usage_error "unknown option $1 (see --help)" ;;
  esac
  shift
done
accept confirm-timeout check_seconds "$timeout" 5 3600 --confirm-timeout; timeout=$CHECKED

work=$(mktemp -d) || fail "$EX_FAIL" "cannot make a scratch directory"
trap 'cleanup_temps; rm -rf -- "$work"' EXIT
links=$work/links.json
net_links "$links" || fail "$EX_FAIL" "${NET_LINKS_WHY:-cannot read the interfaces}"
fargs=(--root="$NET_ROOT" --links="$links" --port-kinds="$(net_port_kinds)")

if [[ $dry == true ]]; then
  found=$(netpy fresh-macs "${fargs[@]}") || fail "$EX_FAIL" "cannot read the netplan files"
  printf '{"ok":true,"dry_run":true,%s\n' "${found#\{}"
  exit 0
fi
lock
if [[ -f $NET_PENDING ]]; then
  left=$(( $(net_pending_get deadline) - $(date +%s) ))
  fail_on pending "$EX_LOCKED" "the network change $(net_pending_get id) on $(net_pending_names) is waiting for confirmation (${left}s left): confirm it or let it roll back first"
fi
# the new files in a scratch copy of the netplan directories, checked by netplan itself
for d in lib/netplan etc/netplan run/netplan; do
  [[ -d $NET_ROOT/$d ]] || continue
  mkdir -p -- "$work/root/$d"
  for f in "$NET_ROOT/$d"/*.yaml; do [[ -f $f ]] && cp -- "$f" "$work/root/$d/"; done
done
mkdir -p -- "$work/out"
plan=$(netpy fresh-macs "${fargs[@]}" --out-root="$work/out") || fail "$EX_FAIL" "cannot read the netplan files"
files=() ifaces=()
while IFS= read -r x; do [[ -n $x ]] && files+=("$x"); done < <(printf '%s' "$plan" | netpy_field files)
while IFS= read -r x; do [[ -n $x ]] && ifaces+=("$x"); done < <(printf '%s' "$plan" | "$NET_PY" -c 'import json,sys; [print(p["iface"]) for p in json.load(sys.stdin)["pairs"]]')
if ((${#files[@]} == 0)); then
  # why each stale stanza stays unpaired (freshmacs.py: the capture port is never renamed, ...)
  whys=$(printf '%s' "$plan" | "$NET_PY" -c 'import json,sys; print("; ".join("%s: %s" % (s["id"], s.get("why", "")) for s in json.load(sys.stdin)["unpaired"]))')
  fail_on interface "$EX_FAIL" "no MAC address to initialize: $( [[ $(printf '%s' "$plan" | netpy_field stale) == "" ]] && echo "every MAC address the netplan files name is present" || echo "no interface is free for the stanzas whose MAC address is gone${whys:+ ($whys)}")"
fi
for f in "${files[@]}"; do cp -- "$work/out/$f" "$work/root/$f"; done
chmod 0600 "$work"/root/*/netplan/*.yaml
if command -v netplan >/dev/null; then
  if ! err=$(netplan generate --root-dir "$work/root" 2>&1 9>&- </dev/null); then
    refuse netplan "netplan rejects the new configuration: $(printf '%s' "${err//"$work/root"/$CC_ROOT}" | head -n1)"
  fi
fi

# every file of the change backed up and journalled (our file always: the pending record's
# "backup"), the others recorded as "extra", so a rollback puts each back byte for byte
b=$(backup "$NET_YAML") || fail "$EX_FAIL" "cannot back up $NET_YAML"
txnl=("file	$NET_YAML	$b") extra=() xjson=""
for rel in "${files[@]}"; do
  [[ $rel == etc/netplan/01-netcfg.yaml ]] && continue
  xb=$(backup "$(p "/$rel")") || fail "$EX_FAIL" "cannot back up $(p "/$rel")"
  extra+=("$(p "/$rel")	$xb"); txnl+=("file	$(p "/$rel")	$xb")
  xjson+="${xjson:+,}[$(json_str "$(p "/$rel")"),$(json_str "$xb")]"
done
txn_begin "${txnl[@]}" "file	$NET_PENDING	-" "net	${ifaces[*]}	${CONFCONSOLE_NETNS:-}" || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"
put_back() {
  local x xf xb
  restore "$NET_YAML" "$b"
  for x in "${extra[@]}"; do IFS=$'\t' read -r xf xb <<<"$x"; restore "$xf" "$xb"; done
}
for rel in "${files[@]}"; do
  t=$(stage "$(p "/$rel")") || { put_back; fail "$EX_FAIL" "cannot write in $(p "/${rel%/*}")"; }
  { cat -- "$work/out/$rel" >"$t" && commit "$t" "$(p "/$rel")" 0600; } || { put_back; fail "$EX_FAIL" "cannot replace $(p "/$rel")"; }
  log "wrote $(p "/$rel")"
done
# %-formatting: an f-string with quotes inside its braces needs Python 3.12 (Ubuntu 20.04 has 3.8)
what=$(printf '%s' "$plan" | "$NET_PY" -c 'import json,sys; print(", ".join("%s: %s -> %s (%s%s)" % (p["id"], p["old"], p["new"], p["iface"], ", renamed " + p["rename"] if p.get("rename") else "") for p in json.load(sys.stdin)["pairs"]))') \
  || what="(the pairs could not be listed)"
log "fresh MAC addresses: $what; applying"
if ! err=$(net_apply "${ifaces[@]}" 2>&1); then
  log "$err"; put_back; net_apply "${ifaces[@]}" || log "the previous settings did not apply cleanly either"
  audit net.fresh-macs "$what" "failed, restored"
  fail "$EX_RESTORED" "the new network settings did not apply (${err##*$'\n'}); previous settings restored"
fi
id=$(net_new_id) now=$(date +%s)
deadline=$((now + timeout))
if ! handle=$(net_arm "$id" "$timeout"); then
  put_back; net_apply "${ifaces[@]}"
  fail "$EX_RESTORED" "the automatic rollback could not be armed; previous settings restored"
fi
tp=$(stage "$NET_PENDING") || { net_disarm "$handle" "$id"; put_back; net_apply "${ifaces[@]}"; fail "$EX_RESTORED" "cannot record the pending change; previous settings restored"; }
ijson=""; for x in "${ifaces[@]}"; do ijson+="${ijson:+,}$(json_str "$x")"; done
# iface: the first (what a change of one interface records); ifaces: every one it changes
printf '{"id":%s,"iface":%s,"ifaces":[%s],"mode":"fresh-macs","address":"","deadline":%d,"timeout":%d,"backup":%s,"extra":[%s],"timer":%s,"started":%d}\n' \
  "$(json_str "$id")" "$(json_str "${ifaces[0]}")" "$ijson" "$deadline" "$timeout" "$(json_str "$b")" "$xjson" "$(json_str "$handle")" "$now" >"$tp"
commit "$tp" "$NET_PENDING" 0600 || { net_disarm "$handle" "$id"; put_back; net_apply "${ifaces[@]}"; fail "$EX_RESTORED" "cannot record the pending change; previous settings restored"; }
audit net.fresh-macs "$what (rolls back in ${timeout}s unless confirmed, id $id)" ok
txn_end
log "applied; confirm within ${timeout}s (net_confirm.sh) or it rolls back"
printf '{"ok":true,"pairs":%s,"pending":{"id":%s,"deadline":%d,"timeout":%d}}\n' \
  "$(printf '%s' "$plan" | "$NET_PY" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["pairs"]))')" "$(json_str "$id")" "$deadline" "$timeout"
