#!/usr/bin/env bash
# set_backup.sh [--dry-run] [--schedule off|daily|weekly] [--day mon..sun] [--time HH:MM]
#               [--keep N] [--destination DEST] [--encrypt yes|no] [--fingerprint SHA256:...]
#               [--repin] [< passphrase]
# — schedule the backups of the appliance's settings (confconsole backup set; Appliance Admin /
# Setup > Backups > Change schedule). An option left out keeps its value.
# DEST: a directory (under the appliance root), or sftp://USER@HOST[:PORT]/PATH, reached with
# the appliance's SSH key (made once; its public half: confconsole backup show) and the server's
# host key pinned on first use: its fingerprint is in the result. --fingerprint: pin only this
# key (the one the operator confirmed); a server whose key is not the pinned one is refused
# (field destination) unless --repin. DEST none: no destination, and so the schedule off.
# Choice options (--schedule, --day, --encrypt, none) are taken in any case.
# --encrypt yes: the backups are encrypted (gpg, AES256) with the passphrase read from standard
# input (one line, 8-256 bytes; an empty line keeps the stored one); --encrypt no forgets it.
# Writes appliance.ini [backup], the passphrase secret, the pinned key, and the timer and its
# service in /etc/systemd/system (removed when off), journaled, audited; then the timer is
# enabled or disabled. The same settings again: nothing is written, {"changed":false}.
# --dry-run: check everything (the server's key too), change nothing, print the rows.
# Exit 0 done; 1 failed (the server's key could not be read); 2 a value refused (field named).
# Result: {"ok":true,"changed":BOOL,"backup":{...},"host_key":{"fingerprint","pinned"}|null}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/callhome.sh
. "$here/lib/callhome.sh"
# shellcheck source=lib/backup.sh
. "$here/lib/backup.sh"

case ${1:-} in -h|--help) cc_help ;; esac
dry=no repin=no fp="" o_sched="" o_day="" o_time="" o_keep="" o_dest="" o_enc=""
while (($#)); do
  case $1 in
    --dry-run) dry=yes; shift ;;
    --repin) repin=yes; shift ;;
    --schedule|--day|--time|--keep|--destination|--encrypt|--fingerprint)
      (($# >= 2)) || usage_error "$1 needs a value"
      case $1 in
        --schedule) o_sched=$2 ;; --day) o_day=$2 ;; --time) o_time=$2 ;; --keep) o_keep=$2 ;;
        --destination) o_dest=$2 ;; --encrypt) o_enc=$2 ;; --fingerprint) fp=$2 ;;
      esac
      shift 2 ;;
    *) usage_error "unknown argument: $1 (see --help)" ;;
  esac
done

bk_load
old_sched=$BK_SCHEDULE old_day=$BK_DAY old_time=$BK_TIME old_keep=$BK_KEEP old_dest=$BK_DEST old_enc=$BK_ENCRYPT
sched=$BK_SCHEDULE day=$BK_DAY time=$BK_TIME keep=$BK_KEEP dest=$BK_DEST enc=$BK_ENCRYPT
if [[ -n $o_sched ]]; then accept schedule check_backup_schedule "$o_sched"; sched=$CHECKED; fi
if [[ -n $o_day ]]; then accept day check_backup_day "$o_day"; day=$CHECKED; fi
if [[ -n $o_time ]]; then accept time check_backup_time "$o_time"; time=$CHECKED; fi
if [[ -n $o_keep ]]; then accept keep check_backup_keep "$o_keep"; keep=$CHECKED; fi
if [[ -n $o_dest ]]; then
  accept destination check_backup_destination "$o_dest"; dest=$CHECKED
  # --destination none: no destination, so no schedule (unless one is asked for: refused below)
  [[ -n $dest || -n $o_sched ]] || sched=off
fi
if [[ -n $o_enc ]]; then accept encrypt check_backup_encrypt "$o_enc"; enc=$CHECKED; fi
[[ -z $fp || $fp =~ ^SHA256:[A-Za-z0-9+/]{43}$ ]] || refuse fingerprint "--fingerprint takes a key's SHA256 fingerprint (SHA256: and 43 characters)"
# a directory destination that cannot be one (a file there, or a file on its way) is refused now, not at the first backup
if [[ -n $o_dest && $dest == /* ]]; then err=$(bk_dir_problem "$(p "$dest")") || refuse destination "$err"; fi
[[ $sched == off || -n $dest ]] || refuse destination "a schedule needs a destination: a directory or sftp://USER@HOST[:PORT]/PATH"

# the passphrase: read only when encrypting; an empty line keeps the stored one
pass="" pass_change=none
if [[ $enc == yes && -n $o_enc ]]; then
  read_secret "backup passphrase"
  pass=$SECRET
fi
if [[ $enc == yes ]]; then
  if [[ -n $pass ]]; then
    accept passphrase check_backup_passphrase "$pass"
    pass_change=$(secret_change "$BK_SECRET" "$pass")
  elif [[ -e $(secret_file "$BK_SECRET") ]]; then pass_change=kept
  else refuse passphrase "encrypted backups need a passphrase on standard input (confconsole backup set --encrypt yes --passphrase-stdin): none is stored"; fi
elif [[ -e $(secret_file "$BK_SECRET") ]]; then pass_change=removed
fi

work=$(mktemp -d) || fail "$EX_FAIL" "cannot make a scratch directory"
trap 'rm -rf -- "$work"; cleanup_temps' EXIT

# the SFTP server's host key: read now (outside the lock: the network may be slow), compared
# with the pinned one and with the one the operator confirmed
hk_fp="" hk_pin="" known_new=""
if [[ $dest == sftp://* ]]; then
  check_backup_destination "$dest"
  bk_scan "$BK_SFTP_HOST" "$BK_SFTP_PORT" "$work/scan" || fail_on destination "$EX_FAIL" "$BK_ERR"
  hk_fp=$(bk_fingerprint "$work/scan") || fail_on destination "$EX_FAIL" "the host key of $BK_SFTP_HOST could not be read"
  pat=$(bk_hostpat "$BK_SFTP_HOST" "$BK_SFTP_PORT")
  if [[ -s $BK_KNOWN ]] && grep -qF -- "$pat " "$BK_KNOWN"; then
    if grep -F -- "$pat " "$BK_KNOWN" | LC_ALL=C sort | cmp -s - "$work/scan"; then hk_pin=same
    elif [[ $repin == yes ]]; then hk_pin=new
    else
      # shellcheck disable=SC2034  # read by fail_on (core.sh)
      CC_FAIL_EXTRA="\"host_key\":{\"pinned\":$(json_str "$(bk_fingerprint "$BK_KNOWN")"),\"now\":$(json_str "$hk_fp")}"
      fail_on destination "$EX_FAIL" "the host key of $pat is not the one pinned (pinned $(bk_fingerprint "$BK_KNOWN"), now $hk_fp): nothing was changed. If the server's key was changed on purpose, add --repin (after checking the new fingerprint with its administrator)"
    fi
  else hk_pin=new
  fi
  [[ -z $fp || $fp == "$hk_fp" ]] || refuse fingerprint "the server's host key is now $hk_fp, not $fp, the one confirmed: nothing was changed"
  [[ $hk_pin == new ]] && known_new=$work/scan
fi
host_key=null
[[ -n $hk_fp ]] && host_key="{\"fingerprint\":$(json_str "$hk_fp"),\"pinned\":$(json_str "$hk_pin")}"
backup_json() {
  printf '{"schedule":%s,"day":%s,"time":%s,"keep":%d,"destination":%s,"encrypt":%s}' \
    "$(json_str "$sched")" "$(json_str "$day")" "$(json_str "$time")" "$keep" "$(json_str "$dest")" "$([[ $enc == yes ]] && echo true || echo false)"
}

if [[ $dry == yes ]]; then
  plan_row destination "$old_dest" "$dest"
  plan_row schedule "$old_sched" "$sched"
  [[ $sched == weekly || $old_sched == weekly ]] && plan_row day "$old_day" "$day"
  plan_row time "$old_time" "$time"
  plan_row keep "$old_keep" "$keep"
  plan_row encrypt "$old_enc" "$enc"
  case $pass_change in
    new|same) plan_secret passphrase "$(secret_mask "$BK_SECRET")" '****' "$pass_change" ;;
    removed) plan_secret passphrase '****' '' removed ;;
  esac
  [[ -n $hk_fp ]] && plan_row host_key "$([[ $hk_pin == same ]] && printf '%s' "$hk_fp")" "$hk_fp"
  (IFS=,; printf '{"ok":true,"dry_run":true,"changed":%s,"rows":[%s],"host_key":%s}\n' "$PLAN_CHANGED" "${PLAN_ROWS[*]}" "$host_key")
  exit 0
fi

lock
# stage every file as it will be (temps are no change: an unchanged result needs no journal)
targets=() temps=() modes=() removes=()
want() { targets+=("$1") temps+=("$2") modes+=("$3"); }
t=$(stage "$SETTINGS_INI") || fail "$EX_FAIL" "cannot write in ${SETTINGS_INI%/*}"
ini_set "$t" backup schedule "$sched" backup day "$day" backup time "$time" backup keep "$keep" backup destination "$dest" backup encrypt "$enc" \
  || fail "$EX_FAIL" "cannot update $SETTINGS_INI"
want "$SETTINGS_INI" "$t" "$(stat -c %a -- "$SETTINGS_INI" 2>/dev/null || echo 644)"
sfile=$(secret_file "$BK_SECRET")
case $pass_change in
  new) t=$(stage_secret "$BK_SECRET" "$pass") || fail "$EX_FAIL" "cannot write the backup passphrase"; want "$sfile" "$t" 0600 ;;
  removed) removes+=("$sfile") ;;
esac
if [[ -n $known_new ]]; then
  { mkdir -p -- "$BK_DIR" && chmod 0700 -- "$BK_DIR"; } || fail "$EX_FAIL" "cannot make $BK_DIR"
  t=$(stage "$BK_KNOWN") || fail "$EX_FAIL" "cannot write in $BK_DIR"
  cat -- "$known_new" >"$t"
  want "$BK_KNOWN" "$t" 0600
fi
for u in "$BK_TIMER" "$BK_SERVICE"; do
  if [[ $sched == off ]]; then [[ -e $BK_UNITS/$u ]] && removes+=("$BK_UNITS/$u"); continue; fi
  t=$(stage "$BK_UNITS/$u") || fail "$EX_FAIL" "cannot write in $BK_UNITS"
  if [[ $u == "$BK_TIMER" ]]; then bk_timer_unit "$sched" "$day" "$time" >"$t"; else bk_service_unit >"$t"; fi
  want "$BK_UNITS/$u" "$t" 0644
done
changed=() units_changed=no
for i in "${!targets[@]}"; do
  if cmp -s -- "${temps[i]}" "${targets[i]}"; then rm -f -- "${temps[i]}"; else changed+=("$i"); fi
done
for i in "${changed[@]}"; do [[ ${targets[i]} == "$BK_UNITS"/* ]] && units_changed=yes; done
for f in "${removes[@]}"; do [[ $f == "$BK_UNITS"/* ]] && units_changed=yes; done
if ((${#changed[@]} + ${#removes[@]} == 0)); then
  log "nothing changes: these are the current backup settings (nothing written)"
  printf '{"ok":true,"changed":false,"backup":%s,"host_key":%s}\n' "$(backup_json)" "$host_key"
  exit 0
fi
if [[ $dest == sftp://* ]]; then ch_keygen || fail "$EX_FAIL" "cannot make the appliance's SSH key $CH_KEY"; fi

journal=() backups=()
for i in "${changed[@]}"; do
  b=$(backup "${targets[i]}") || fail "$EX_FAIL" "cannot back up ${targets[i]}"
  journal+=("file	${targets[i]}	$b") backups+=("${targets[i]}" "$b")
done
for f in "${removes[@]}"; do
  b=$(backup "$f") || fail "$EX_FAIL" "cannot back up $f"
  journal+=("file	$f	$b") backups+=("$f" "$b")
done
txn_begin "${journal[@]}" || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"
put_back() { local j; for ((j = 0; j < ${#backups[@]}; j += 2)); do restore "${backups[j]}" "${backups[j + 1]}"; done; }
for i in "${changed[@]}"; do
  commit "${temps[i]}" "${targets[i]}" "${modes[i]}" || { put_back; fail "$EX_FAIL" "cannot replace ${targets[i]}"; }
done
for f in "${removes[@]}"; do rm -f -- "$f" || { put_back; fail "$EX_FAIL" "cannot remove $f"; }; done
log "backup settings written"
if [[ $units_changed == yes ]]; then
  verb=enable; [[ $sched == off ]] && verb=disable
  if ! err=$(bk_timer "$verb" 2>&1); then
    put_back
    audit backup.set "schedule not changed: the timer could not be ${verb}d" "failed, restored"
    fail "$EX_RESTORED" "the timer $BK_TIMER could not be ${verb}d (${err:-no message}); the previous backup settings are back"
  fi
fi
when=$sched; [[ $sched == weekly ]] && when+=" $day"; [[ $sched != off ]] && when+=" $time"
detail="schedule $when, keep $keep, to ${dest:-(none)}, encrypt $enc"
[[ $pass_change == new ]] && detail+=", passphrase $(describe_secret "$pass")"
[[ $hk_pin == new ]] && detail+=", host key $hk_fp pinned"
audit backup.set "$detail" ok
txn_end
log "done"
printf '{"ok":true,"changed":true,"backup":%s,"host_key":%s}\n' "$(backup_json)" "$host_key"
