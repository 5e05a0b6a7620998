#!/usr/bin/env bash
# set_ntp.sh SERVER... — set the appliance's NTP servers.
# SERVER: host name, IPv4, IPv6, HOST:PORT or [IPv6]:PORT. Records them in the appliance
# settings ([ntp] servers), rewrites the server lines of chrony.conf (other lines kept) and
# restarts chrony; if chrony does not come back, both files are restored (exit 3).
# Exit codes: see lib/common.sh. Result on stdout: {"ok":true,"servers":[...]}.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/ntp.sh
. "$here/lib/ntp.sh"

case ${1:-} in -h|--help) cc_help ;; esac
accept servers check_servers "$@"

lock
old=$(ini_get "$SETTINGS_INI" ntp servers)
b_ini=$(backup "$SETTINGS_INI") || fail "$EX_FAIL" "cannot back up $SETTINGS_INI"
b_conf=$(backup "$CHRONY_CONF") || fail "$EX_FAIL" "cannot back up $CHRONY_CONF"
txn_begin "file	$SETTINGS_INI	$b_ini" "file	$CHRONY_CONF	$b_conf" "svc	chrony" \
  || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"

# Stage both files fully before either is renamed into place.
t_ini=$(stage "$SETTINGS_INI") || fail "$EX_FAIL" "cannot write in ${SETTINGS_INI%/*}"
ini_set "$t_ini" ntp servers "${SERVERS[*]}" || fail "$EX_FAIL" "cannot update $SETTINGS_INI"
t_conf=$(stage "$CHRONY_CONF") || fail "$EX_FAIL" "cannot write in ${CHRONY_CONF%/*}"
block=$(printf '# NTP servers, set by confconsole (set_ntp.sh)\n'; for s in "${SERVERS[@]}"; do chrony_directive "$s"; printf '\n'; done)
t_new=$(stage "$CHRONY_CONF.render") || fail "$EX_FAIL" "cannot write in ${CHRONY_CONF%/*}"
{ B=$block awk '
  BEGIN { b = ENVIRON["B"]; put = 0 }
  /^# NTP servers, set by confconsole/ { next }
  /^[ \t]*(server|pool|peer)[ \t]/ { if (!put) { print b; put = 1 } next }
  { print }
  END { if (!put) print b }
' "$t_conf" >"$t_new" && mv -f -- "$t_new" "$t_conf"; } || fail "$EX_FAIL" "cannot render $CHRONY_CONF"
ini_mode=$(stat -c %a -- "$SETTINGS_INI" 2>/dev/null || echo 644)
conf_mode=$(stat -c %a -- "$CHRONY_CONF" 2>/dev/null || echo 644)
commit "$t_ini" "$SETTINGS_INI" "$ini_mode" || { txn_end; fail "$EX_FAIL" "cannot replace $SETTINGS_INI"; }
commit "$t_conf" "$CHRONY_CONF" "$conf_mode" || { restore "$SETTINGS_INI" "$b_ini"; txn_end; fail "$EX_FAIL" "cannot replace $CHRONY_CONF"; }
log "wrote ${#SERVERS[@]} server(s) to $CHRONY_CONF"

log "restarting chrony"
if ! err=$(svc restart chrony 2>&1); then
  log "chrony did not restart: ${err:-no message}; restoring the previous settings"
  restore "$SETTINGS_INI" "$b_ini"; restore "$CHRONY_CONF" "$b_conf"
  svc restart chrony >/dev/null 2>&1 || log "chrony did not restart with the previous settings either"
  audit ntp.set "servers: ${old:-(none)} -> ${SERVERS[*]}" "failed, restored"
  txn_end
  fail "$EX_RESTORED" "chrony did not restart with the new servers (${err:-no message}); previous settings restored"
fi
audit ntp.set "servers: ${old:-(none)} -> ${SERVERS[*]}" ok
txn_end
log "done"
printf '{"ok":true,"servers":%s}\n' "$(json_arr "${SERVERS[@]}")"
