# shellcheck shell=bash
# apply_settings: one journaled change of appliance.ini keys (and optionally one secret file),
# then restart a service; restored whole if the service does not come back (restart_or_restore
# says whether the service then runs: exit 3, or exit 7 when it is down).
#   apply_settings ACTION DETAIL SERVICE SECRET_NAME SECRET_VALUE SECTION KEY VALUE [SECTION KEY VALUE ...]
# SECRET_NAME "" for none; SERVICE "" for none. Call after lock.
# APPLY_REMOVE: files the change removes (a secret no mode uses any more): journaled with the
# rest, removed after the settings are written and put back with them on a failed restart or
# by recovery after a kill, so no state ever mixes the new settings with the old file.
# APPLY_CHANGED: false after apply_settings found every value already in place: then nothing
# is written, restarted or audited (an import or an Ansible run of what is there changes
# nothing; issue 15), and the caller says "changed":false.
APPLY_REMOVE=() APPLY_CHANGED=true
apply_settings() {
  local action=$1 detail=$2 service=$3
  if settings_in_place "$4" "$5" "${@:6}"; then
    APPLY_CHANGED=false
    log "nothing changes: these are the current settings (nothing restarted)"
    return 0
  fi
  APPLY_CHANGED=true
  APPLY_JOURNAL=()
  [[ -n $service ]] && APPLY_JOURNAL=("svc	$service")
  apply_files "$4" "$5" "${@:6}"
  [[ -n $service ]] && restart_or_restore "$service" "$action" "$detail" "${APPLY_BACKUPS[@]}"
  audit "$action" "$detail${APPLY_GONE[*]:+; removed ${APPLY_GONE[*]##*/}}" ok
  txn_end
  log "done"
}

# apply_files SECRET_NAME SECRET_VALUE SECTION KEY VALUE [...]: the journaled writing half of
# apply_settings (call after lock), for a writer that then runs its own services: the journal
# holds the files and APPLY_JOURNAL's records (what recovery restarts or stops); on return
# APPLY_BACKUPS is "FILE BACKUP ..." (restart_or_restore's arguments), APPLY_GONE the removed
# files, and the journal is open (the caller ends it: txn_end, or a fail that restores).
APPLY_JOURNAL=() APPLY_BACKUPS=() APPLY_GONE=()
apply_files() {
  local sname=$1 svalue=$2
  shift 2
  local b_ini b_sec="" sfile="" t_ini t_sec="" ini_mode journal backups
  b_ini=$(backup "$SETTINGS_INI") || fail "$EX_FAIL" "cannot back up $SETTINGS_INI"
  journal=("file	$SETTINGS_INI	$b_ini") backups=("$SETTINGS_INI" "$b_ini")
  if [[ -n $sname ]]; then
    sfile=$(secret_file "$sname")
    b_sec=$(backup "$sfile") || fail "$EX_FAIL" "cannot back up the old $sname"
    journal+=("file	$sfile	$b_sec") backups+=("$sfile" "$b_sec")
  fi
  local rf rb gone=() gone_b=()
  for rf in "${APPLY_REMOVE[@]}"; do
    [[ -e $rf ]] || continue
    rb=$(backup "$rf") || fail "$EX_FAIL" "cannot back up $rf"
    journal+=("file	$rf	$rb"); gone+=("$rf"); gone_b+=("$rb")
  done
  journal+=("${APPLY_JOURNAL[@]}")
  txn_begin "${journal[@]}" || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"

  t_ini=$(stage "$SETTINGS_INI") || fail "$EX_FAIL" "cannot write in ${SETTINGS_INI%/*}"
  ini_set "$t_ini" "$@" || fail "$EX_FAIL" "cannot update $SETTINGS_INI"
  if [[ -n $sname ]]; then t_sec=$(stage_secret "$sname" "$svalue") || fail "$EX_FAIL" "cannot write the $sname"; fi
  ini_mode=$(stat -c %a -- "$SETTINGS_INI" 2>/dev/null || echo 644)
  commit "$t_ini" "$SETTINGS_INI" "$ini_mode" || fail "$EX_FAIL" "cannot replace $SETTINGS_INI"
  if [[ -n $t_sec ]] && ! commit "$t_sec" "$sfile" 0600; then
    restore "$SETTINGS_INI" "$b_ini"; fail "$EX_FAIL" "cannot replace $sfile"
  fi
  for rf in "${gone[@]}"; do rm -f -- "$rf" && sync -- "${rf%/*}"; done
  log "settings written"
  local i; for i in "${!gone[@]}"; do backups+=("${gone[i]}" "${gone_b[i]}"); done
  APPLY_BACKUPS=("${backups[@]}") APPLY_GONE=("${gone[@]}")
}

# settings_in_place SECRET_NAME SECRET_VALUE SECTION KEY VALUE...: true when appliance.ini
# already has these values byte for byte, the secret (if any) is the stored one, and no file of
# APPLY_REMOVE exists. Staged in a temp like the change itself (the ini grammar decides).
settings_in_place() {
  local sname=$1 svalue=$2 t rf same=0
  shift 2
  for rf in "${APPLY_REMOVE[@]}"; do [[ -e $rf ]] && return 1; done
  if [[ -n $sname ]]; then [[ $(secret_change "$sname" "$svalue") == same ]] || return 1; fi
  [[ -f $SETTINGS_INI ]] || return 1
  t=$(stage "$SETTINGS_INI") || return 1
  ini_set "$t" "$@" && cmp -s -- "$t" "$SETTINGS_INI" && same=1
  rm -f -- "$t"
  ((same))
}

# changed_json → "true" or "false": what the last apply_settings did, for the result's "changed"
changed_json() { [[ $APPLY_CHANGED == true ]] && echo true || echo false; }

# the service behind an area, from [services] in appliance.ini, or its default
service_for() { local s; s=$(ini_get "$SETTINGS_INI" services "$1"); printf '%s' "${s:-$2}"; }

# restart_or_restore SERVICE ACTION DETAIL FILE BACKUP [FILE BACKUP ...]: restart SERVICE for a
# change just written to the FILEs (call inside the change's journal). Returns 0 when SERVICE
# restarted. When it does not, every FILE gets its BACKUP back ("-": FILE is removed), SERVICE is
# restarted once more, and the script ends saying what is true (issue 9 item 8: "restored" only
# when restored), in its exit code and as data in its JSON, never only in the wording:
#   exit 3 (EX_RESTORED): the previous settings are back and SERVICE runs with them;
#     {"restored":true,"service":{"name":S,"state":"up","error":WHY_THE_NEW_FAILED}}
#   exit 7 (EX_DOWN): the previous settings are back in the files, but SERVICE did not start
#     with them either: it is down, and the message says what to do;
#     {"restored":true,"service":{"name":S,"state":"down","error":...,"restore_error":...}}
#   exit 1: a FILE could not be put back; the journal is kept, so the next writer (or recover.sh
#     at boot) puts it back.
restart_or_restore() {
  local service=$1 action=$2 detail=$3 err err2 state
  shift 3
  log "restarting $service"
  err=$(svc restart "$service" 2>&1) && return 0
  err=${err:-no message}
  log "$service did not restart: $err; restoring the previous settings"
  while (($# >= 2)); do
    if ! restore "$1" "$2"; then
      audit "$action" "$detail" "failed, not restored"
      # shellcheck disable=SC2034  # read by fail_on (core.sh): keep the journal for the next lock holder
      CC_TXN=0
      fail "$EX_FAIL" "$service did not restart with the new settings ($err), and $1 could not be put back from $2; the next change (or recover.sh at boot) retries"
    fi
    shift 2
  done
  if err2=$(svc restart "$service" 2>&1); then
    state=up
  else
    state=down err2=${err2:-no message}
    log "$service did not start with the previous settings either: $err2"
  fi
  CC_FAIL_EXTRA="\"restored\":true,\"service\":{\"name\":$(json_str "$service"),\"state\":\"$state\",\"error\":$(json_str "$err")"
  if [[ $state == up ]]; then
    CC_FAIL_EXTRA+="}"
    audit "$action" "$detail" "failed, restored"
    fail "$EX_RESTORED" "$service did not restart with the new settings ($err); previous settings restored, and $service runs with them"
  fi
  CC_FAIL_EXTRA+=",\"restore_error\":$(json_str "$err2")}"
  audit "$action" "$detail" "failed, restored, $service down"
  fail "$EX_DOWN" "$service did not restart with the new settings ($err); the previous settings are back in the files, but $service did not start with them either ($err2): $service is down. See why with 'systemctl status $service' and 'journalctl -u $service', then start it (Restart all services)"
}
