# shellcheck shell=bash
# history: every change a script journals and audits as done becomes a revision (issue 15),
# whoever ran the script (the console, a command, Ansible, a person at a shell). The records and
# their format: sbin/lib/history.py. Sourced by common.sh; called by core.sh `audit`.
HISTORY_PY="$CC_LIB/history.py"

# history_record ACTION DETAIL USER TTY: store the change under way (the journal TXN_FILE, still
# open: its backups are the files before, the files now are after) as a revision, and keep the
# newest [history] keep of appliance.ini (default 200). Who: USER, TTY, and the SSH client's
# address when the script runs in an SSH session. CC_HISTORY_FROM: the revision a restore puts
# back. A revision that cannot be stored is said on stderr; the change itself stands (the audit
# log keeps its role as the record of every change).
history_record() {
  [[ -f $TXN_FILE ]] || return 0
  local keep from err
  keep=$(ini_get "$SETTINGS_INI" history keep 2>/dev/null)
  [[ $keep =~ ^[1-9][0-9]{0,5}$ ]] || keep=200
  from=${SSH_CONNECTION:-${SSH_CLIENT:-}}; from=${from%% *}
  if ! err=$(python3 -I -S "$HISTORY_PY" record "$CC_ROOT" "$TXN_FILE" "$keep" "$1" "$2" "$3" "$4" "$from" "$CC_SCRIPT" "${CC_HISTORY_FROM:-}" 2>&1 9>&-); then
    log "warning: the change is done, but it could not be kept in the history: ${err##*$'\n'}"
    return 0
  fi
  # in the journal too: a change killed before its end is rolled back with its revision
  printf 'rev\t%s\n' "$err" >>"$TXN_FILE" 2>/dev/null || true
  log "kept as revision $err"
}

# history_forget ID: remove revision ID (recover: the change it recorded was rolled back)
history_forget() {
  [[ $1 =~ ^[0-9]+$ ]] || return 0
  rm -f -- "$CC_ROOT/var/lib/confconsole/history/$(printf '%08d' "$1").json"
}
