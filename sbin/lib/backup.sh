# shellcheck shell=bash
# backup: scheduled backups (issue 15; the manual's installation workflow "6. a. Schedule
# backups"). Sourced after common.sh and callhome.sh (the appliance's SSH key is Call-Home's,
# CH_KEY, made once by ch_keygen). Settings in appliance.ini [backup] (schedule off|daily|weekly,
# day, time, keep, destination, encrypt yes|no); the passphrase in secrets/backup_passphrase; the
# SFTP server's pinned host key in /etc/confconsole/backup/known_hosts; the timer and its
# service in /etc/systemd/system; the last result in /var/lib/confconsole/backup-state.json.
# shellcheck disable=SC2034  # used by the scripts (set_backup.sh, backup.sh)
{
BK_DIR=$(p /etc/confconsole/backup)
BK_KNOWN=$BK_DIR/known_hosts
BK_STATE=$(p /var/lib/confconsole/backup-state.json)
BK_UNITS=$(p /etc/systemd/system)
BK_TIMER=confconsole-backup.timer
BK_SERVICE=confconsole-backup.service
BK_SECRET=backup_passphrase
BK_LOCK=$(p /run/confconsole/backup.lock)
# a backup's name: confconsole-backup-ID.yaml, .yaml.gpg when encrypted; ID its UTC time to the
# millisecond (YYYYMMDDTHHMMSS.mmmZ), so names sort by time
BK_PREFIX=confconsole-backup-
BK_ID_RE='^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z$'
BK_NAME_RE='^confconsole-backup-([0-9]{8}T[0-9]{6}\.[0-9]{3}Z)\.yaml(\.gpg)?$'
}

# bk_load: the settings into BK_SCHEDULE BK_DAY BK_TIME BK_KEEP BK_DEST BK_ENCRYPT (defaults:
# off, sun, 02:00, 7, none, no); a value the rules refuse is taken as unset (said in the log)
# shellcheck disable=SC2034  # read by the scripts
# and every value refused into BK_REFUSED (one line each: key, value, rule, what is used instead)
bk_load() {
  local v
  BK_REFUSED=()
  bk_refused() { BK_REFUSED+=("[backup] $1 = \"$(esc "$2")\" in ${SETTINGS_INI#"$CC_ROOT"} is refused (${3}): $4 is used"); log "warning: ${BK_REFUSED[-1]}"; }
  v=$(ini_get "$SETTINGS_INI" backup schedule); BK_SCHEDULE=off
  case $v in off|daily|weekly) BK_SCHEDULE=$v ;; '') ;; *) bk_refused schedule "$v" "off, daily or weekly" off ;; esac
  v=$(ini_get "$SETTINGS_INI" backup day); BK_DAY=sun
  if [[ -n $v ]]; then if check_backup_day "$v"; then BK_DAY=$CHECKED; else bk_refused day "$v" "$CHECK_ERR" sun; fi; fi
  v=$(ini_get "$SETTINGS_INI" backup time); BK_TIME=02:00
  if [[ -n $v ]]; then if check_backup_time "$v"; then BK_TIME=$CHECKED; else bk_refused time "$v" "$CHECK_ERR" 02:00; fi; fi
  v=$(ini_get "$SETTINGS_INI" backup keep); BK_KEEP=7
  if [[ -n $v ]]; then if check_backup_keep "$v"; then BK_KEEP=$CHECKED; else bk_refused keep "$v" "$CHECK_ERR" 7; fi; fi
  v=$(ini_get "$SETTINGS_INI" backup destination); BK_DEST=""
  if [[ -n $v ]]; then
    if check_backup_destination "$v"; then BK_DEST=$CHECKED; else bk_refused destination "$v" "$CHECK_ERR" "no destination"; fi
  fi
  BK_ENCRYPT=no
  [[ $(ini_get "$SETTINGS_INI" backup encrypt) == yes ]] && BK_ENCRYPT=yes
  return 0
}

# bk_calendar SCHEDULE DAY TIME → the timer's OnCalendar expression (the appliance's local time)
bk_calendar() {
  local d=${2^}
  if [[ $1 == weekly ]]; then printf '%s *-*-* %s:00' "$d" "$3"; else printf '*-*-* %s:00' "$3"; fi
}

# bk_timer_unit SCHEDULE DAY TIME / bk_service_unit: the units as written under the root. On an
# appliance root other than / the service runs the console on that root (CONFCONSOLE_ROOT).
bk_timer_unit() {
  printf '%s\n' '# Written by confconsole (set_backup.sh): the scheduled backup. Change it in the console.' \
    '[Unit]' 'Description=confconsole scheduled backup' '' \
    '[Timer]' "OnCalendar=$(bk_calendar "$1" "$2" "$3")" 'Persistent=true' "Unit=$BK_SERVICE" '' \
    '[Install]' 'WantedBy=timers.target'
}
bk_service_unit() {
  printf '%s\n' '# Written by confconsole (set_backup.sh): the scheduled backup. Change it in the console.' \
    '[Unit]' 'Description=confconsole scheduled backup (confconsole backup now)' \
    'Wants=network-online.target' 'After=network-online.target' '' \
    '[Service]' 'Type=oneshot'
  [[ -n $CC_ROOT ]] && printf 'Environment=CONFCONSOLE_ROOT=%s\n' "$CC_ROOT"
  printf '%s\n' 'ExecStart=/usr/sbin/confconsole backup now --json'
}

# bk_timer enable|disable: the timer started and enabled, or stopped and disabled, after its
# unit files changed (a demo records it instead; CONFCONSOLE_SERVICE_CMD as svc takes it)
bk_timer() {
  local verb=$1
  if is_demo; then record_host_effect "timer $BK_TIMER $verb"; return 0; fi
  if [[ -n ${CONFCONSOLE_SERVICE_CMD:-} ]]; then "$CONFCONSOLE_SERVICE_CMD" "$verb" "$BK_TIMER" 9>&- </dev/null; return; fi
  if [[ -d /run/systemd/system ]]; then
    systemctl daemon-reload 9>&- </dev/null || return 1
    systemctl "$verb" --now "$BK_TIMER" 9>&- </dev/null
  else
    log "no systemd here: the timer is written but not started"
  fi
}

# ---- SFTP: the appliance's key, the server's pinned host key, batch mode ---------------------
# bk_hostpat HOST PORT → how known_hosts names the server ([HOST]:PORT unless 22)
# bk_dir_problem DIR (a host path): why DIR cannot hold backups, when it cannot: it is there and
# is no directory, or the nearest part of it that is there is no directory (so it cannot be made).
# Prints the cause and returns 1; returns 0 (nothing printed) when it is or can be a directory.
bk_dir_problem() {
  local d=$1 up
  if [[ -e $d || -L $d ]]; then
    [[ -d $d ]] && return 0
    printf 'the backup destination %s is not a directory' "$d"; return 1
  fi
  up=${d%/*}
  while [[ -n $up && ! -e $up ]]; do up=${up%/*}; done
  [[ -z $up || -d $up ]] && return 0
  printf 'the backup destination %s cannot be a directory: %s is a file' "$d" "$up"; return 1
}

bk_hostpat() { if (($2 == 22)); then printf '%s' "$1"; else printf '[%s]:%s' "$1" "$2"; fi; }

# bk_scan HOST PORT OUT: the server's host keys (ssh-keyscan, sorted) into OUT; 1 with the
# reason in BK_ERR when none could be read
bk_scan() {
  local err try
  # a server that answered with its banner but no key in time (a busy one) is asked once more
  for try in 10 30; do
    err=$(ssh-keyscan -T "$try" -p "$2" -t ed25519,ecdsa,rsa -- "$1" 2>&1 >"$3.raw" 9>&-)
    grep -v '^#' -- "$3.raw" | LC_ALL=C sort >"$3"
    rm -f -- "$3.raw"
    [[ -s $3 ]] && return 0
    [[ $err == *SSH-* ]] || break
  done
  BK_ERR="no host key could be read from $1 port $2 (is it an SSH server, and reachable?)${err:+: ${err##*$'\n'}}"
  return 1
}

# bk_fingerprint FILE → the SHA256 fingerprint of its first ED25519 key, else of its first key
bk_fingerprint() {
  local l
  l=$(ssh-keygen -l -E sha256 -f "$1" 2>/dev/null) || return 1
  { grep ' (ED25519)$' <<<"$l" || head -n1 <<<"$l"; } | head -n1 | awk '{ print $2 }'
}

# bk_ssh_opts → BK_SSH_OPTS: sftp's options (batch, our own known_hosts only, strict checking)
bk_ssh_opts() {
  # LogLevel=ERROR: ssh's reason for a refusal (Permission denied (publickey)) is said, its chatter not
  BK_SSH_OPTS=(-F /dev/null -o LogLevel=ERROR -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$BK_KNOWN"
    -o GlobalKnownHostsFile=/dev/null -o UpdateHostKeys=no -o IdentitiesOnly=yes -o IdentityFile="$CH_KEY"
    -o ConnectTimeout=10 -o ServerAliveInterval=15 -o ServerAliveCountMax=4 -P "$BK_SFTP_PORT")
}

# bk_check_pin SCAN: the server's host key now (into SCAN) against the pinned one, before
# anything is sent; 1 with the reason in BK_ERR (and both fingerprints in CC_FAIL_EXTRA, as data)
# when none is pinned, the server cannot be read, or its key is not the pinned one (ssh's
# StrictHostKeyChecking=yes would refuse it too, but not say it as data)
bk_check_pin() {
  local scan=$1 pat
  pat=$(bk_hostpat "$BK_SFTP_HOST" "$BK_SFTP_PORT")
  if ! [[ -s $BK_KNOWN ]] || ! grep -qF -- "$pat " "$BK_KNOWN"; then
    BK_ERR="no host key is pinned for $pat: set the destination again (Change schedule, or confconsole backup set --destination ...) to pin it"
    return 1
  fi
  bk_scan "$BK_SFTP_HOST" "$BK_SFTP_PORT" "$scan" || return 1
  grep -F -- "$pat " "$BK_KNOWN" | LC_ALL=C sort | cmp -s - "$scan" && return 0
  # shellcheck disable=SC2034  # read by fail_on (core.sh)
  CC_FAIL_EXTRA="\"host_key\":{\"pinned\":$(json_str "$(bk_fingerprint "$BK_KNOWN")"),\"now\":$(json_str "$(bk_fingerprint "$scan")")}"
  BK_ERR="the host key of $pat is not the one pinned (pinned $(bk_fingerprint "$BK_KNOWN"), now $(bk_fingerprint "$scan")): nothing was sent or read. If the server's key was changed on purpose, pin the new one: confconsole backup set --repin"
  return 1
}

# bk_sftp BATCH: run sftp's batch file BATCH against the destination; its output in BK_OUT, the
# last line of its errors in BK_ERR
# shellcheck disable=SC2034  # BK_OUT is read by the scripts
bk_sftp() {
  local errf=$1.err rc
  bk_ssh_opts
  BK_OUT=$(sftp -b "$1" "${BK_SSH_OPTS[@]}" -- "$BK_SFTP_USER@$BK_SFTP_HOST" 2>"$errf" 9>&- </dev/null); rc=$?
  # a connection the server closed without a word (a busy server) is tried once more: every batch
  # here may run twice (a put goes to .NAME.part and is renamed; a removal is -rm)
  if ((rc != 0)) && ! tr -d '\r' <"$errf" | grep -v -e '^sftp>' -e '^[[:space:]]*$' | grep -q -v -x 'Connection closed\.\{0,1\}'; then
    log "the SFTP server closed the connection: trying once more"
    BK_OUT=$(sftp -b "$1" "${BK_SSH_OPTS[@]}" -- "$BK_SFTP_USER@$BK_SFTP_HOST" 2>"$errf" 9>&- </dev/null); rc=$?
  fi
  # the cause, not the last word: ssh says why (Permission denied (publickey), Host key
  # verification failed, Connection refused) before sftp's "Connection closed"; no \r
  BK_ERR=$(tr -d '\r' <"$errf" | grep -v -e '^sftp>' -e '^[[:space:]]*$' | grep -v -x 'Connection closed\.\{0,1\}' | tail -n 1)
  [[ -n $BK_ERR ]] || BK_ERR=$(tr -d '\r' <"$errf" | grep -v -e '^sftp>' -e '^[[:space:]]*$' | tail -n 1)
  return "$rc"
}

# ---- the last result ---------------------------------------------------------------------
# bk_state OK CAUSE ID NAME SIZE ENCRYPTED PRUNED: the last result, atomically (read by the menu
# and backup show)
bk_state() {
  local t
  t=$(stage "$BK_STATE") || return 1
  printf '{"time":%s,"ok":%s,"cause":%s,"id":%s,"name":%s,"size":%d,"encrypted":%s,"pruned":%d,"destination":%s}\n' \
    "$(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)")" "$1" "$(json_str "$2")" "$(json_str "$3")" "$(json_str "$4")" "$5" "$6" "$7" "$(json_str "$BK_DEST")" >"$t"
  commit "$t" "$BK_STATE" 0644
}
