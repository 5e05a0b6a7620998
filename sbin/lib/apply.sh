# shellcheck shell=bash
# apply_settings: one journaled change of appliance.ini keys (and optionally one secret file),
# then restart a service; restored whole if the service does not come back.
#   apply_settings ACTION DETAIL SERVICE SECRET_NAME SECRET_VALUE SECTION KEY VALUE [SECTION KEY VALUE ...]
# SECRET_NAME "" for none; SERVICE "" for none. Call after lock.
# APPLY_REMOVE: files the change removes (a secret no mode uses any more): journaled with the
# rest, removed after the settings are written and put back with them on a failed restart or
# by recovery after a kill, so no state ever mixes the new settings with the old file.
APPLY_REMOVE=()
apply_settings() {
  local action=$1 detail=$2 service=$3 sname=$4 svalue=$5
  shift 5
  local b_ini b_sec="" sfile="" t_ini t_sec="" ini_mode journal
  b_ini=$(backup "$SETTINGS_INI") || fail "$EX_FAIL" "cannot back up $SETTINGS_INI"
  journal=("file	$SETTINGS_INI	$b_ini")
  if [[ -n $sname ]]; then
    sfile=$(secret_file "$sname")
    b_sec=$(backup "$sfile") || fail "$EX_FAIL" "cannot back up the old $sname"
    journal+=("file	$sfile	$b_sec")
  fi
  local rf rb gone=() gone_b=()
  for rf in "${APPLY_REMOVE[@]}"; do
    [[ -e $rf ]] || continue
    rb=$(backup "$rf") || fail "$EX_FAIL" "cannot back up $rf"
    journal+=("file	$rf	$rb"); gone+=("$rf"); gone_b+=("$rb")
  done
  [[ -n $service ]] && journal+=("svc	$service")
  txn_begin "${journal[@]}" || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"

  t_ini=$(stage "$SETTINGS_INI") || fail "$EX_FAIL" "cannot write in ${SETTINGS_INI%/*}"
  while (($# >= 3)); do
    ini_set "$t_ini" "$1" "$2" "$3" || fail "$EX_FAIL" "cannot update $SETTINGS_INI"
    shift 3
  done
  if [[ -n $sname ]]; then t_sec=$(stage_secret "$sname" "$svalue") || fail "$EX_FAIL" "cannot write the $sname"; fi
  ini_mode=$(stat -c %a -- "$SETTINGS_INI" 2>/dev/null || echo 644)
  commit "$t_ini" "$SETTINGS_INI" "$ini_mode" || fail "$EX_FAIL" "cannot replace $SETTINGS_INI"
  if [[ -n $t_sec ]] && ! commit "$t_sec" "$sfile" 0600; then
    restore "$SETTINGS_INI" "$b_ini"; fail "$EX_FAIL" "cannot replace $sfile"
  fi
  for rf in "${gone[@]}"; do rm -f -- "$rf" && sync -- "${rf%/*}"; done
  log "settings written"
  if [[ -n $service ]]; then
    log "restarting $service"
    local err
    if ! err=$(svc restart "$service" 2>&1); then
      log "$service did not restart: ${err:-no message}; restoring the previous settings"
      restore "$SETTINGS_INI" "$b_ini"
      [[ -n $sname ]] && restore "$sfile" "$b_sec"
      local i; for i in "${!gone[@]}"; do restore "${gone[i]}" "${gone_b[i]}"; done
      svc restart "$service" >/dev/null 2>&1 || log "$service did not restart with the previous settings either"
      audit "$action" "$detail" "failed, restored"
      fail "$EX_RESTORED" "$service did not restart with the new settings (${err:-no message}); previous settings restored"
    fi
  fi
  audit "$action" "$detail${gone[*]:+; removed ${gone[*]##*/}}" ok
  txn_end
  log "done"
}

# the service behind an area, from [services] in appliance.ini, or its default
service_for() { local s; s=$(ini_get "$SETTINGS_INI" services "$1"); printf '%s' "${s:-$2}"; }
