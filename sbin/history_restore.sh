#!/usr/bin/env bash
# history_restore.sh ID — put one area's settings back as they were after revision ID of the
# history (confconsole history restore ID; Appliance Admin / Setup > History). The files of that
# revision are written as they were after it (lib/history.py plan: appliance.ini only in the keys
# that revision changed, every other area's keys kept), under the one lock, backed up, journaled,
# audited, and the area's service restarted; if it does not come back, the files are put back
# (exit 3, or 7 when it is down). The restore is itself a new revision.
# The network goes through its commit-confirmed path (set_network.sh --restore-file: applied,
# then rolled back unless confirmed). A revision that changed a secret is refused unless the
# secret in place is the one that revision left (compared by length and hash): the settings
# around another secret would not be the ones of that revision.
# Exit 0 done (or nothing to do: {"changed":false}); 1 failed; 2 no such revision, or damaged;
# 3 restored after a failed restart; 4 locked; 7 the service is down.
# Result: {"ok":true,"changed":BOOL,"id":ID,"area":AREA}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"

case ${1:-} in -h|--help) cc_help ;; esac
[[ $# -eq 1 ]] || usage_error "usage: history_restore.sh ID"
[[ $1 =~ ^[1-9][0-9]{0,8}$ ]] || refuse id "not a revision id (a number from confconsole history): $1"
id=$1
work=$(mktemp -d) || fail "$EX_FAIL" "cannot make a scratch directory"
chmod 0700 "$work"
trap 'rm -rf -- "$work"; cleanup_temps' EXIT

# plan ROOT ID → the area and the files (lib/history.py); its refusals are the revision's own
plan_of() {
  local out rc
  out=$(python3 -I -S "$CC_LIB/history.py" plan "$CC_ROOT" "$id" "$work" 2>"$work/.err"); rc=$?
  case $rc in
    0) printf '%s' "$out" ;;
    2) refuse id "$(<"$work/.err")" ;;
    3) CC_FAIL_EXTRA='"secret_changed":true'; fail_on id "$EX_FAIL" "$(<"$work/.err")" ;;
    *) fail "$EX_FAIL" "cannot read revision $id: $(<"$work/.err")" ;;
  esac
}
area="" iface="" files=() removes=()
read_plan() {
  local kind a b c
  area="" iface="" files=() removes=()
  while IFS=$'\t' read -r kind a b c; do
    case $kind in
      area) area=$a ;;
      iface) iface=$a ;;
      file) files+=("$a"$'\t'"$b"$'\t'"$c") ;;
      remove) removes+=("$a") ;;
    esac
  done <<<"$1"
}

# plan_of in a subshell: a refusal there printed its message; here its JSON result and code
plan=$(plan_of); rc=$?
((rc == 0)) || { printf '%s\n' "$plan"; exit "$rc"; }
read_plan "$plan"
if [[ $area == network ]]; then
  # the network: commit-confirmed by the path every network change takes (its own lock)
  [[ -n $iface && ${#files[@]} -ge 1 ]] || fail "$EX_FAIL" "revision $id holds no network configuration to restore"
  IFS=$'\t' read -r _ src _ <<<"${files[0]}"
  CC_HISTORY_FROM=$id "$CC_SBIN/set_network.sh" "$iface" --restore-file "$src" 9>&-
  exit $?
fi

lock
# again under the lock: what is in place now decides
plan=$(plan_of); rc=$?
((rc == 0)) || { printf '%s\n' "$plan"; exit "$rc"; }
read_plan "$plan"
# the service the area's settings run, as its set script restarts it
case $area in
  ntp) service=chrony ;;
  pcap) service=$(service_for pcap vsensor-pcap) ;;
  master|ossensor) service=$(service_for probe vsensor-probe) ;;
  callhome) # restarted when enabled in the settings as they will be (the staged appliance.ini)
    service="" ini_after=$SETTINGS_INI
    for x in "${files[@]}"; do IFS=$'\t' read -r f src _ <<<"$x"; [[ $f == "$SETTINGS_INI" ]] && ini_after=$src; done
    [[ $(ini_get "$ini_after" callhome enabled) == yes ]] && service=$(service_for callhome confconsole-callhome) ;;
  *) service="" ;;
esac

# what differs from now; nothing: nothing is written, restarted or recorded
changed_files=() gone=()
for x in "${files[@]}"; do
  IFS=$'\t' read -r f src _ <<<"$x"
  cmp -s -- "$src" "$f" || changed_files+=("$x")
done
for f in "${removes[@]}"; do [[ -e $f ]] && gone+=("$f"); done
if ((${#changed_files[@]} + ${#gone[@]} == 0)); then
  log "nothing changes: the $area settings are those of revision $id"
  printf '{"ok":true,"changed":false,"id":%d,"area":%s}\n' "$id" "$(json_str "$area")"
  exit 0
fi

journal=() backups=() staged=()
for x in "${changed_files[@]}"; do
  IFS=$'\t' read -r f src mode <<<"$x"
  b=$(backup "$f") || fail "$EX_FAIL" "cannot back up $f"
  journal+=("file	$f	$b") backups+=("$f" "$b")
  t=$(stage "$f") || fail "$EX_FAIL" "cannot write in ${f%/*}"
  cat -- "$src" >"$t" || fail "$EX_FAIL" "cannot stage $f"
  staged+=("$t	$f	$mode")
done
for f in "${gone[@]}"; do
  b=$(backup "$f") || fail "$EX_FAIL" "cannot back up $f"
  journal+=("file	$f	$b") backups+=("$f" "$b")
done
[[ -n $service ]] && journal+=("svc	$service")
txn_begin "${journal[@]}" || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"
put_back() { local i; for ((i = 0; i < ${#backups[@]}; i += 2)); do restore "${backups[i]}" "${backups[i + 1]}"; done; }
for x in "${staged[@]}"; do
  IFS=$'\t' read -r t f mode <<<"$x"
  commit "$t" "$f" "$mode" || { put_back; fail "$EX_FAIL" "cannot replace $f"; }
done
for f in "${gone[@]}"; do rm -f -- "$f" || { put_back; fail "$EX_FAIL" "cannot remove $f"; }; done
log "wrote the $area settings of revision $id"
if [[ $area == backup ]]; then
  # the backup timer runs on its unit files (lib/backup.sh): enabled when they are back, else disabled
  # shellcheck source=lib/backup.sh
  . "$CC_LIB/backup.sh"
  v=enable; [[ -e $BK_UNITS/$BK_TIMER ]] || v=disable
  bk_timer "$v" || { put_back; fail "$EX_FAIL" "the backup timer could not be ${v}d; the backup settings are as they were"; }
fi
detail="the $area settings of revision $id put back"
[[ -n $service ]] && restart_or_restore "$service" "$area.history-restore" "$detail" "${backups[@]}"
CC_HISTORY_FROM=$id audit "$area.history-restore" "$detail" ok
txn_end
log "done"
printf '{"ok":true,"changed":true,"id":%d,"area":%s}\n' "$id" "$(json_str "$area")"
