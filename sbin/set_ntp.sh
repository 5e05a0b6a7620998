#!/usr/bin/env bash
# set_ntp.sh SERVER... — set the appliance's NTP servers.
# SERVER: host name, IPv4, IPv6, HOST:PORT or [IPv6]:PORT. Records them in the appliance
# settings ([ntp] servers) and puts them in chrony.conf in place of its `server` and `pool`
# lines, the only lines this script owns there: a server that was already listed keeps its
# line as it was (a `pool` stays a pool, its options such as iburst, minpoll, maxsources or
# prefer are kept), a new one gets `server HOST [port P] iburst`. Every other line is kept
# (peer, refclock, include, confdir, sourcedir, comments, the rest). Then chrony restarts.
# chrony.conf missing or unreadable: refused (exit 1) naming the file and the cause; this
# script never writes a partial chrony.conf.
# If chrony does not come back, both files are restored: exit 3 when chrony then runs with the
# previous settings, exit 7 when it does not start with them either (it is down).
# The same servers again (both files would come out byte for byte the same): nothing is written
# or restarted, {"changed":false}.
# Exit codes: see lib/common.sh. Result on stdout: {"ok":true,"changed":BOOL,"servers":[...]}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"
# shellcheck source=lib/ntp.sh
. "$here/lib/ntp.sh"

case ${1:-} in -h|--help) cc_help ;; esac
accept servers check_servers "$@"

lock
chrony_conf_readable || fail "$EX_FAIL" "$CHRONY_WHY"
old=$(ini_get "$SETTINGS_INI" ntp servers)

# Stage both files fully before either is renamed into place (before the journal: a temp is
# never a change, and an unchanged result needs no backup, journal, restart or audit).
t_ini=$(stage "$SETTINGS_INI") || fail "$EX_FAIL" "cannot write in ${SETTINGS_INI%/*}"
ini_set "$t_ini" ntp servers "${SERVERS[*]}" || fail "$EX_FAIL" "cannot update $SETTINGS_INI"
t_conf=$(stage "$CHRONY_CONF") || fail "$EX_FAIL" "cannot write in ${CHRONY_CONF%/*}"
t_new=$(stage "$CHRONY_CONF.render") || fail "$EX_FAIL" "cannot write in ${CHRONY_CONF%/*}"
{ python3 "$CC_LIB/chrony.py" render "$t_conf" "${SERVERS[@]}" >"$t_new" && mv -f -- "$t_new" "$t_conf"; } \
  || fail "$EX_FAIL" "cannot render $CHRONY_CONF"
if cmp -s -- "$t_ini" "$SETTINGS_INI" && cmp -s -- "$t_conf" "$CHRONY_CONF"; then
  rm -f -- "$t_ini" "$t_conf"
  log "nothing changes: these are the current servers (chrony was not restarted)"
  printf '{"ok":true,"changed":false,"servers":%s}\n' "$(json_arr "${SERVERS[@]}")"
  exit 0
fi
b_ini=$(backup "$SETTINGS_INI") || fail "$EX_FAIL" "cannot back up $SETTINGS_INI"
b_conf=$(backup "$CHRONY_CONF") || fail "$EX_FAIL" "cannot back up $CHRONY_CONF"
txn_begin "file	$SETTINGS_INI	$b_ini" "file	$CHRONY_CONF	$b_conf" "svc	chrony" \
  || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"
ini_mode=$(stat -c %a -- "$SETTINGS_INI" 2>/dev/null || echo 644)
conf_mode=$(stat -c %a -- "$CHRONY_CONF")
commit "$t_ini" "$SETTINGS_INI" "$ini_mode" || fail "$EX_FAIL" "cannot replace $SETTINGS_INI"
commit "$t_conf" "$CHRONY_CONF" "$conf_mode" || { restore "$SETTINGS_INI" "$b_ini"; fail "$EX_FAIL" "cannot replace $CHRONY_CONF"; }
log "wrote ${#SERVERS[@]} server(s) to $CHRONY_CONF"

restart_or_restore chrony ntp.set "servers: ${old:-(none)} -> ${SERVERS[*]}" "$SETTINGS_INI" "$b_ini" "$CHRONY_CONF" "$b_conf"
audit ntp.set "servers: ${old:-(none)} -> ${SERVERS[*]}" ok
txn_end
log "done"
printf '{"ok":true,"changed":true,"servers":%s}\n' "$(json_arr "${SERVERS[@]}")"
