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
txn_begin() { # "file<TAB>PATH<TAB>BACKUP" | "svc<TAB>NAME" ...
  local t line
  t=$(stage "$TXN_FILE") || return 1
  : >"$t"
  for line in "$@"; do printf '%s\n' "$line" >>"$t"; done
  commit "$t" "$TXN_FILE" 0600 && CC_TXN=1
}
# shellcheck disable=SC2034  # CC_TXN is read by fail_on (core.sh): a failure closes the journal
txn_end() { rm -f -- "$TXN_FILE"; sync -- "${TXN_FILE%/*}" 2>/dev/null || true; CC_TXN=0; }
recover() {
  [[ -f $TXN_FILE ]] || return 0
  local kind a b what=()
  log "an earlier change was interrupted: putting back the settings from before it"
  while IFS=$'\t' read -r kind a b; do
    case $kind in
      file) restore "$a" "$b" && what+=("${a#"$CC_ROOT"}") ;;
      svc) svc restart "$a" >/dev/null 2>&1 || log "$a did not restart" ;;
    esac
  done <"$TXN_FILE"
  audit recover "interrupted change rolled back: ${what[*]:-nothing to restore}" ok
  txn_end
}

# ---- atomic files -------------------------------------------------------------------
CC_TEMPS=()
cleanup_temps() { local t; for t in "${CC_TEMPS[@]}"; do rm -f -- "$t"; done; }
trap cleanup_temps EXIT

# stage FILE → prints a temp path in FILE's dir holding FILE's current content (or empty)
stage() {
  local dest=$1 dir tmp
  dir=$(dirname -- "$dest")
  mkdir -p -- "$dir"
  # a kill -9 mid-write can leave a temp behind; we hold the lock, so any is a dead writer's
  find "$dir" -maxdepth 1 -name ".${dest##*/}.cc-*" -delete 2>/dev/null || true
  tmp=$(mktemp "$dir/.${dest##*/}.cc-XXXXXX") || return 1
  CC_TEMPS+=("$tmp")
  if [[ -f $dest ]]; then cat -- "$dest" >"$tmp"; fi
  printf '%s' "$tmp"
}

# commit TMP FILE MODE: fsync, rename over FILE, fsync the directory
commit() {
  local tmp=$1 dest=$2 mode=${3:-0644}
  chmod "$mode" -- "$tmp" && sync -- "$tmp" && mv -f -- "$tmp" "$dest" && sync -- "$(dirname -- "$dest")"
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
