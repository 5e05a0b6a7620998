#!/usr/bin/env bash
# restore_settings.sh BACKUP — put a copy of appliance.ini from var/backups/confconsole back
# (the console shows the copy and what changes first: confconsole appliance restore-settings,
# or Appliance Admin > Restore settings). BACKUP must be one of the copies the scripts keep of
# etc/confconsole/appliance.ini, and read one way only (sbin/lib/ccini.py). The file it replaces,
# damaged or not, is kept among the backups too. Works while appliance.ini is damaged: that is
# what it is for. Exit 0 restored; 1 failed (nothing changed); 2 BACKUP is not such a copy, or is
# damaged too; 4 locked. Result on stdout: {"ok":true,"restored":BACKUP,"kept":COPY|"-"}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

case ${1:-} in -h|--help) cc_help ;; esac
[[ $# -eq 1 ]] || usage_error "usage: restore_settings.sh BACKUP"
b=$1
copy_of=$(printf '%s' "${SETTINGS_INI#"$CC_ROOT"}" | tr '/' '_') # as files.sh backup names it
copy_of=${copy_of#_}
case ${b#"$BACKUP_DIR/"} in
  "$copy_of".*/* | */*) refuse backup "not a copy of appliance.ini in $BACKUP_DIR: $b" ;;
  "$copy_of".*) ;;
  *) refuse backup "not a copy of appliance.ini in $BACKUP_DIR: $b" ;;
esac
[[ -f $b && ! -L $b ]] || refuse backup "no such copy: $b"
if why=$(ini_damaged "$b"); then refuse backup "that copy cannot be read one way only either: $why"; fi
if [[ -d $SETTINGS_INI ]]; then fail "$EX_FAIL" "$SETTINGS_INI is a directory, not a file: move it away first (nothing was changed)"; fi

lock
# the copy is read before backup() rotates the old ones away
t=$(stage "$SETTINGS_INI") || fail "$EX_FAIL" "cannot write in ${SETTINGS_INI%/*}"
cat -- "$b" >"$t" || fail "$EX_FAIL" "cannot read $b"
kept=$(backup "$SETTINGS_INI") || fail "$EX_FAIL" "cannot keep a copy of the current $SETTINGS_INI (nothing was changed)"
# journaled like every change: a kill puts the replaced file back, and the change is a revision
# of the history (lib/history.sh) once audited
if [[ $kept != - ]]; then txn_begin "file	$SETTINGS_INI	$kept" || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"; fi
commit "$t" "$SETTINGS_INI" "$(stat -c %a -- "$b")" || fail "$EX_FAIL" "cannot replace $SETTINGS_INI (nothing was changed)"
log "restored $SETTINGS_INI from $b; the file it replaced is kept as $kept"
audit settings.restore "appliance.ini from ${b##*/} (the replaced file kept as ${kept##*/})" ok
[[ ${CC_TXN:-0} == 1 ]] && txn_end
printf '{"ok":true,"restored":%s,"kept":%s}\n' "$(json_str "$b")" "$(json_str "$kept")"
