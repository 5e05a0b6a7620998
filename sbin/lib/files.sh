# shellcheck shell=bash
# files: atomic writes with backups, the journal of a change of several files, and the one
# writers' lock. Sourced by common.sh.
BACKUP_DIR=$(p /var/backups/confconsole)
LOCK_FILE=$(p /run/confconsole/lock)
# journal of the change under way: survives a power loss (not in /run)
TXN_FILE=$(p /var/lib/confconsole/txn)

# take the one writers' lock; fd 9 must be closed for daemons we start (9>&-).
# From here on the change runs to its end (or its restore) even if the console that started
# it dies: a hang-up or a closed pipe must not stop it halfway.
# Exit 4 only when another console holds the lock; a lock, journal, backup directory or
# audit log this process cannot write is exit 1 with the real cause (no rights: run sudo).
lock() {
  local err rc
  trap '' HUP PIPE
  err=$({ mkdir -p -- "${LOCK_FILE%/*}" && : >>"$LOCK_FILE"; } 2>&1) \
    || fail "$EX_FAIL" "cannot open the writers' lock $LOCK_FILE: $(cause_of "$err")"
  exec 9>>"$LOCK_FILE" || fail "$EX_FAIL" "cannot open the writers' lock $LOCK_FILE"
  flock -E 75 -w "${CONFCONSOLE_LOCK_WAIT:-15}" 9; rc=$?
  ((rc == 75)) && fail "$EX_LOCKED" "another console is applying a change (lock $LOCK_FILE); try again when it is done"
  ((rc == 0)) || fail "$EX_FAIL" "cannot take the writers' lock $LOCK_FILE (flock exit $rc)"
  # what every change writes besides its own files: refused before anything is touched
  need_write "the change journal" "$TXN_FILE"
  need_write "the backups in" "$BACKUP_DIR/"
  need_write "the audit log" "$AUDIT_LOG"
  recover
}

# ---- interrupted changes ----------------------------------------------------------------
# A change of several files (or files and a service) is journaled: txn_begin lists what to
# put back, txn_end clears it. A writer killed in between (kill -9, power loss) leaves the
# journal, and the next lock holder (or recover.sh at boot) rolls the change back whole.
# Records, one a line, fields split by a TAB:
#   file PATH BACKUP  put BACKUP back over PATH ("-": PATH did not exist, remove it)
#   svc NAME          restart NAME once the files are back (it runs on what they say)
#   stop NAME         stop NAME once the files are back (a service the change started:
#                     set_topology.sh), before any svc record is restarted
#   net IFACES NETNS  apply the restored netplan YAML to IFACES (space-separated) — in network
#                     namespace NETNS when the change ran in one (tests) — so the interfaces
#                     run what the file says again (on the demo appliance: its link record)
#   rev ID            the history's revision of this change (written at its audit): forgotten
txn_begin() {
  local t line
  t=$(stage "$TXN_FILE") || return 1
  : >"$t"
  for line in "$@"; do printf '%s\n' "$line" >>"$t"; done
  commit "$t" "$TXN_FILE" 0600 && CC_TXN=1 && fault_point txn_begin
}
# shellcheck disable=SC2034  # CC_TXN is read by fail_on (core.sh): a failure closes the journal
txn_end() { fault_point txn_end; rm -f -- "$TXN_FILE"; sync -- "${TXN_FILE%/*}" 2>/dev/null || true; CC_TXN=0; }
# recover: roll back the change the journal describes, if any (call with the lock held). Files
# first, then what runs on them (services, interfaces); every temp file a dead writer left in
# the journaled directories and the writers' own goes too. Killed midway, it runs again whole.
recover() {
  local kind a b what=() later=() dirs=() d result=ok
  # a writer killed outside a journaled change can leave a temp too (net_confirm.sh)
  for d in /etc/confconsole /etc/confconsole/secrets /etc/chrony /etc/netplan /var/lib/confconsole; do
    [[ -d $CC_ROOT$d ]] && drop_temps "$CC_ROOT$d"
  done
  [[ -f $TXN_FILE ]] || return 0
  log "an earlier change was interrupted: putting back the settings from before it"
  dirs+=("${TXN_FILE%/*}")
  while IFS=$'\t' read -r kind a b; do
    case $kind in
      file) restore "$a" "$b" && what+=("${a#"$CC_ROOT"}"); dirs+=("${a%/*}") ;;
      svc|net) later+=("$kind"$'\t'"$a"$'\t'"$b") ;;
      stop) svc stop "$a" >/dev/null 2>&1 || { log "$a did not stop"; result="$a did not stop"; } ;;
      rev) history_forget "$a" ;;  # the change it recorded is undone (lib/history.sh)
    esac
  done <"$TXN_FILE"
  for d in "${later[@]}"; do
    IFS=$'\t' read -r kind a b <<<"$d"
    case $kind in
      svc) svc restart "$a" >/dev/null 2>&1 || { log "$a did not restart"; result="$a did not restart"; } ;;
      net) recover_net "$a" "$b" || result="interfaces $a not re-applied" ;;
    esac
  done
  for d in "${dirs[@]}"; do drop_temps "$d"; done
  audit recover "interrupted change rolled back: ${what[*]:-nothing to restore}" "$result"
  txn_end
}
# recover_net IFACES NETNS: the interfaces back on the restored YAML, by the apply path
# set_network.sh uses (lib/net.sh net_apply), in the namespace the change ran in
recover_net() {
  local ifcs=() ns=$2
  read -ra ifcs <<<"$1"
  ((${#ifcs[@]})) || return 0
  [[ $(type -t net_apply) == function ]] || . "$CC_LIB/net.sh" || return 1
  log "applying the restored network settings: ${ifcs[*]}"
  CONFCONSOLE_NETNS=$ns net_apply "${ifcs[@]}" || { log "the restored network settings did not apply: ${ifcs[*]}"; return 1; }
}

# fault_point EVENT: for the fault harness (test/fault/) only — when CONFCONSOLE_FAULT_AT names
# EVENT, the writer dies here as a kill -9 would kill it (its whole process group).
# CONFCONSOLE_FAULT_SKIP=FILE:N: only the (N+1)th writer to reach it dies (counted in FILE), the
# ones before and after pass: one writer of an import dies there (test/system/settings-kill.test.ts)
fault_point() {
  [[ -n ${CONFCONSOLE_FAULT_AT:-} && $CONFCONSOLE_FAULT_AT == "$1" ]] || return 0
  if [[ -n ${CONFCONSOLE_FAULT_SKIP:-} ]]; then
    local f=${CONFCONSOLE_FAULT_SKIP%:*} c=0
    [[ -f $f ]] && read -r c <"$f"
    echo $((c + 1)) >"$f"
    ((c == ${CONFCONSOLE_FAULT_SKIP##*:})) || return 0
  fi
  log "fault harness: killed at $1"
  kill -KILL 0
}

# ---- atomic files -------------------------------------------------------------------
CC_TEMPS=()
cleanup_temps() { local t; for t in "${CC_TEMPS[@]}"; do rm -f -- "$t"; done; }
trap cleanup_temps EXIT

# drop_temps DIR: remove every temp file (.NAME.cc-XXXXXX) in DIR but this writer's own (their
# names carry its pid: stage runs in a subshell, so no list of them reaches the script). Only
# with the lock held: then any other is a dead writer's (kill -9 mid-change) — a secret staged
# for a change that never happened included.
drop_temps() {
  local t
  for t in "$1"/.*.cc-*; do
    [[ -f $t || -L $t ]] || continue
    [[ ${t##*/} == .*.cc-"$$"-* ]] && continue
    rm -f -- "$t"
  done
}

# stage FILE → prints a temp path in FILE's dir holding FILE's current content (or empty).
# It first removes the temps dead writers left in that directory (drop_temps).
stage() {
  local dest=$1 dir tmp
  dir=$(dirname -- "$dest")
  mkdir -p -- "$dir"
  drop_temps "$dir"
  tmp=$(mktemp "$dir/.${dest##*/}.cc-$$-XXXXXX") || return 1
  CC_TEMPS+=("$tmp")
  if [[ -f $dest ]]; then cat -- "$dest" >"$tmp"; fi
  fault_point "stage:${dest##*/}"
  printf '%s' "$tmp"
}

# commit TMP FILE MODE: fsync, rename over FILE, fsync the directory
commit() {
  local tmp=$1 dest=$2 mode=${3:-0644}
  fault_point "commit:${dest##*/}"
  chmod "$mode" -- "$tmp" && sync -- "$tmp" && mv -f -- "$tmp" "$dest" && sync -- "$(dirname -- "$dest")" \
    && fault_point "committed:${dest##*/}"
}

# backup FILE → prints the backup path ("-" when FILE did not exist); keeps the last 10
backup() {
  local f=$1 name b
  if [[ ! -e $f ]]; then printf -- '-'; return 0; fi
  mkdir -p -- "$BACKUP_DIR"; chmod 0700 "$BACKUP_DIR"
  name=$(printf '%s' "${f#"$CC_ROOT"}" | tr '/' '_')
  b="$BACKUP_DIR/${name#_}.$(date -u +%Y%m%dT%H%M%S).$$"
  cp -p -- "$f" "$b" || return 1
  # shellcheck disable=SC2012
  ls -1t -- "$BACKUP_DIR/${name#_}".* 2>/dev/null | tail -n +11 | xargs -r rm -f --
  printf '%s' "$b"
}

# restore FILE BACKUP: atomically put the backup back (or remove FILE if it did not exist)
restore() {
  local f=$1 b=$2 tmp
  if [[ $b == - ]]; then rm -f -- "$f"; return 0; fi
  tmp=$(stage "$f") && cat -- "$b" >"$tmp" && commit "$tmp" "$f" "$(stat -c %a -- "$b")"
}
