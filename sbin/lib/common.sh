# shellcheck shell=bash
# Shared by every sbin/ script: the appliance's only writers. Sourced, not run.
#
# Contract of every script (they are a CLI of their own, as the manual's set_*.sh are):
#   - paths are resolved under CONFCONSOLE_ROOT (default /);
#   - arguments are checked before anything is touched; secrets come on stdin, never argv;
#   - one lock serializes all writers (two consoles never interleave);
#   - files are written atomically (temp in the same dir, fsync, rename, fsync dir) after a
#     backup, and restored from it when the apply fails;
#   - a human log goes to stderr (line by line, the console streams it), one JSON result
#     object to stdout, and every change to the audit log (never a secret).
# Exit codes:
EX_OK=0        # done
EX_FAIL=1      # failed (nothing was changed, or an internal error)
EX_USAGE=2     # bad arguments or input: nothing was changed
EX_RESTORED=3  # the apply failed and the previous state was restored
EX_LOCKED=4    # another console holds the lock
EX_TESTFAIL=5  # a test found a problem (nothing was changed)
EX_PARTIAL=6   # some of several independent steps failed (e.g. one service)

set -uo pipefail
umask 022
export LC_ALL=C

CC_ROOT="${CONFCONSOLE_ROOT:-/}"
CC_ROOT="${CC_ROOT%/}"
CC_SCRIPT="${0##*/}"

# p /etc/x → the path under the appliance root
p() { printf '%s%s' "$CC_ROOT" "$1"; }

SETTINGS_INI=$(p /etc/confconsole/appliance.ini)
AUDIT_LOG=$(p /var/log/confconsole/audit.log)
HOST_EFFECTS_LOG=$(p /var/log/confconsole/host-effects.log)
BACKUP_DIR=$(p /var/backups/confconsole)
LOCK_FILE=$(p /run/confconsole/lock)
# journal of the change under way: survives a power loss (not in /run)
TXN_FILE=$(p /var/lib/confconsole/txn)

log() { printf '%s\n' "$*" >&2; }

# JSON string literal of $1 (control characters dropped: no accepted value has them).
json_str() {
  local s
  s=$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037')
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/\\t}; s=${s//$'\r'/\\r}
  printf '"%s"' "$s"
}
# JSON array of strings from the arguments
json_arr() {
  local out="" x
  for x in "$@"; do out+="${out:+,}$(json_str "$x")"; done
  printf '[%s]' "$out"
}

# fail CODE MESSAGE: log, print the JSON result, audit when something was attempted, exit
fail() {
  local code=$1; shift
  log "$CC_SCRIPT: $*"
  # every failure path leaves the files as they were (untouched or restored): journal done
  [[ ${CC_TXN:-} == 1 ]] && txn_end
  printf '{"ok":false,"code":%d,"error":%s}\n' "$code" "$(json_str "$*")"
  exit "$code"
}
usage_error() { fail "$EX_USAGE" "$*"; }

# who: the person behind the change (sudo keeps SUDO_USER), and their terminal
audit() { # action detail result
  local who tty now
  who=${SUDO_USER:-${USER:-$(id -un 2>/dev/null || echo unknown)}}
  tty=${CONFCONSOLE_TTY:-$(readlink /proc/$$/fd/2 2>/dev/null || echo none)}
  case $tty in /dev/pts/*|/dev/tty*|/dev/console) ;; *) tty=none ;; esac
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  mkdir -p "${AUDIT_LOG%/*}"
  # one write of one short line: appends from two writers never interleave
  printf '{"time":%s,"user":%s,"tty":%s,"script":%s,"action":%s,"detail":%s,"result":%s}\n' \
    "$(json_str "$now")" "$(json_str "$who")" "$(json_str "$tty")" "$(json_str "$CC_SCRIPT")" \
    "$(json_str "$1")" "$(json_str "$2")" "$(json_str "$3")" >>"$AUDIT_LOG"
  chmod 0640 "$AUDIT_LOG" 2>/dev/null || true
}

# take the one writers' lock; fd 9 must be closed for daemons we start (9>&-).
# From here on the change runs to its end (or its restore) even if the console that started
# it dies: a hang-up or a closed pipe must not stop it halfway.
lock() {
  trap '' HUP PIPE
  mkdir -p "${LOCK_FILE%/*}"
  exec 9>>"$LOCK_FILE"
  if ! flock -w "${CONFCONSOLE_LOCK_WAIT:-15}" 9; then
    fail "$EX_LOCKED" "another console is applying a change (lock $LOCK_FILE); try again when it is done"
  fi
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

# ---- INI (read back by the console with the `ini` package) --------------------------
# Values are written as JSON strings, which `ini` decodes with JSON.parse: every character a
# validator accepts round-trips unchanged (;, #, =, quotes, spaces).
ini_set() { # FILE SECTION KEY VALUE  (edits FILE in place: use on a staged temp)
  local f=$1 out
  out=$(S=$2 K=$3 V=$(json_str "$4") awk '
    BEGIN { sec = ENVIRON["S"]; key = ENVIRON["K"]; line = key " = " ENVIRON["V"]; insec = 0; done = 0; seen = 0; blanks = 0 }
    # blank lines are held back so a new key goes right after the last key of the section
    /^[ \t]*$/ { blanks++; next }
    /^[ \t]*\[[^]]*\][ \t]*$/ {
      if (insec && !done) { print line; done = 1 }
      flush()
      h = $0; gsub(/^[ \t]*\[|\][ \t]*$/, "", h); insec = (h == sec); if (insec) seen = 1
      print; next
    }
    insec && !done && /=/ {
      k = $0; sub(/=.*/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", k)
      if (k == key) { flush(); print line; done = 1; next }
    }
    { flush(); print }
    END {
      if (!done) { if (!seen) { if (NR > 0) print ""; print "[" sec "]" } print line }
      flush()
    }
    function flush() { while (blanks > 0) { print ""; blanks-- } }
  ' "$f") || return 1
  printf '%s\n' "$out" >"$f"
}

ini_get() { # FILE SECTION KEY → the value (JSON-quoted values decoded), empty when absent
  local f=$1
  [[ -f $f ]] || return 0
  S=$2 K=$3 awk '
    BEGIN { sec = ENVIRON["S"]; key = ENVIRON["K"]; insec = 0 }
    /^[ \t]*\[[^]]*\][ \t]*$/ { h = $0; gsub(/^[ \t]*\[|\][ \t]*$/, "", h); insec = (h == sec); next }
    insec && /=/ {
      k = $0; sub(/=.*/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", k)
      if (k != key) next
      v = $0; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
      if (v ~ /^".*"$/) {
        v = substr(v, 2, length(v) - 2); out = ""
        for (i = 1; i <= length(v); i++) {
          c = substr(v, i, 1)
          if (c == "\\") { i++; c = substr(v, i, 1); if (c == "n") c = "\n"; else if (c == "t") c = "\t"; else if (c == "r") c = "\r" }
          out = out c
        }
        v = out
      } else { sub(/[ \t]*[;#].*$/, "", v) }
      print v; exit
    }
  ' "$f"
}

# ---- effects on the host --------------------------------------------------------------
is_demo() { [[ $(ini_get "$SETTINGS_INI" appliance demo) == true ]]; }

# the demo appliance records what would have been done to the host instead of doing it
record_host_effect() {
  mkdir -p "${HOST_EFFECTS_LOG%/*}"
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$HOST_EFFECTS_LOG"
}

# svc VERB NAME: restart/reload a service (fd 9 closed: a daemon must not inherit the lock)
svc() {
  local verb=$1 name=$2
  if is_demo; then record_host_effect "service $name $verb"; return 0; fi
  if [[ -n ${CONFCONSOLE_SERVICE_CMD:-} ]]; then "$CONFCONSOLE_SERVICE_CMD" "$verb" "$name" 9>&- </dev/null; return; fi
  if [[ -d /run/systemd/system ]]; then systemctl "$verb" "$name" 9>&- </dev/null
  else service "$name" "$verb" 9>&- </dev/null; fi
}

# ---- validation shared by scripts ----------------------------------------------------
# is_nowhere ADDR: an address nothing answers at: 0/8, multicast, 240/4, broadcast; IPv6 ::, ff00::/8
is_nowhere() {
  if is_ipv4 "$1"; then ((${1%%.*} == 0 || ${1%%.*} >= 224))
  elif is_ipv6 "$1"; then [[ $1 =~ ^[0:]+$ || ${1,,} == ff* ]]
  else return 1; fi
}
is_ipv4() {
  local IFS=. o n=0
  [[ $1 =~ ^[0-9.]+$ ]] || return 1
  for o in $1; do
    [[ $o =~ ^(0|[1-9][0-9]{0,2})$ ]] && ((o <= 255)) || return 1
    n=$((n + 1))
  done
  [[ $n -eq 4 && $1 != *. && $1 != .* && $1 != *..* ]]
}
is_ipv6() {
  local s=$1 head tail n=0 g rest
  [[ $s =~ ^[0-9A-Fa-f:.]+$ && ${#s} -le 45 && $s == *:* ]] || return 1
  if [[ $s == *.* ]]; then
    tail=${s##*:}; is_ipv4 "$tail" || return 1
    s="${s%:*}:0:0"
  fi
  rest=${s//::/}
  (( ${#s} - ${#rest} <= 2 )) || return 1                   # at most one '::'
  [[ $s == *:::* ]] && return 1
  [[ $s == :* && $s != ::* ]] && return 1
  [[ $s == *: && $s != *:: ]] && return 1
  local IFS=:
  for g in $s; do
    [[ -z $g ]] && continue
    [[ $g =~ ^[0-9A-Fa-f]{1,4}$ ]] || return 1
    n=$((n + 1))
  done
  if [[ $s == *::* ]]; then ((n <= 7)); else ((n == 8)); fi
}
is_hostname() {
  local h=${1%.} label
  [[ -n $h && ${#1} -le 253 ]] || return 1
  [[ $h =~ ^[0-9.]+$ ]] && return 1
  local IFS=.
  for label in $h; do
    [[ $label =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$ ]] || return 1
  done
  [[ $h != *..* && $h != .* && $h != *. ]]
}
# decimal even with leading zeros (bash reads 08 as octal)
is_port() { [[ $1 =~ ^[0-9]{1,5}$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }
