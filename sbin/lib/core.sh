# shellcheck shell=bash
# core: exit codes, the appliance root and paths under it, the human log, JSON output, how a
# script fails or refuses a value, the audit log, and --help. Sourced by common.sh (first).

# Exit codes (the console's src/system/runner.ts EXIT reads them):
# shellcheck disable=SC2034  # not all are used by every script that sources the library
{
  EX_OK=0        # done
  EX_FAIL=1      # failed (nothing was changed, or an internal error)
  EX_USAGE=2     # bad arguments or input: nothing was changed
  EX_RESTORED=3  # the apply failed and the previous state was restored
  EX_LOCKED=4    # another console holds the lock
  EX_TESTFAIL=5  # a test found a problem (nothing was changed)
  EX_PARTIAL=6   # some of several independent steps failed (e.g. one service)
  EX_DOWN=7      # the apply failed, the previous files are back, but their service is down
}

umask 022
export LC_ALL=C

CC_ROOT="${CONFCONSOLE_ROOT:-/}"
CC_ROOT="${CC_ROOT%/}"
CC_SCRIPT="${0##*/}"

# p /etc/x → the path under the appliance root
p() { printf '%s%s' "$CC_ROOT" "$1"; }

SETTINGS_INI=$(p /etc/confconsole/appliance.ini)
AUDIT_LOG=$(p /var/log/confconsole/audit.log)

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

# ---- how a script ends when it does not succeed ----------------------------------------
# fail_on FIELD CODE MESSAGE: log, print the JSON result {"ok":false,"code","error"} (with
# "field":FIELD, what the message is about, unless FIELD is empty), and exit CODE. Every failure
# path leaves the files as they were (untouched or restored), so a change's journal is closed.
# CC_FAIL_EXTRA, when set, holds more members of that object (typed data: apply.sh's service state).
fail_on() {
  local field=$1 code=$2; shift 2
  log "$CC_SCRIPT: $*"
  [[ ${CC_TXN:-} == 1 ]] && txn_end
  if [[ -n $field ]]; then
    printf '{"ok":false,"code":%d,"error":%s,"field":%s%s}\n' "$code" "$(json_str "$*")" "$(json_str "$field")" "${CC_FAIL_EXTRA:+,$CC_FAIL_EXTRA}"
  else
    printf '{"ok":false,"code":%d,"error":%s%s}\n' "$code" "$(json_str "$*")" "${CC_FAIL_EXTRA:+,$CC_FAIL_EXTRA}"
  fi
  exit "$code"
}
# fail CODE MESSAGE: the same, about nothing the operator gave
fail() { fail_on "" "$@"; }
# refuse FIELD MESSAGE: a value the operator gave is refused (exit 2, nothing changed). FIELD is
# the option it came from, without dashes (host, port, proxy-user, servers, token, ...).
refuse() { local field=$1; shift; fail_on "$field" "$EX_USAGE" "$*"; }
# usage_error MESSAGE: the command line itself is wrong (unknown option, a missing argument)
usage_error() { refuse usage "$*"; }

# ---- what cannot be written, and why --------------------------------------------------
# cause_of ERROR_TEXT → the errno text at its end ("Permission denied", "Read-only file
# system", "No space left on device"), lower-case, and for missing rights the way to get
# them. The message of a failed write names this real cause, never a guess (a lock that
# cannot be opened is not "another console").
cause_of() {
  local c=${1%%$'\n'*}
  c=${c##*: }
  [[ -n $c ]] || c="unknown error"
  case $c in
    *'Permission denied'*|*'Operation not permitted'*)
      printf '%s (user %s): changes need root rights: run sudo confconsole' "${c,}" "$(id -un 2>/dev/null || echo "$EUID")" ;;
    *) printf '%s' "${c,}" ;;
  esac
}
# write_cause PATH → nothing (status 0) when this process may create or append to PATH, else
# (status 1) why not: access(2) on PATH, or on the nearest directory above it that exists,
# so a read-only mount counts too. Makes nothing: a check before a change.
write_cause() {
  local f=$1
  if [[ -d $f && $f != */ ]]; then cause_of "Is a directory"; return 1; fi
  while [[ ! -e $f && $f == /*/* ]]; do f=${f%/*}; done
  [[ -e $f ]] || f=/
  [[ -w $f ]] && return 0
  if findmnt -n -o OPTIONS -T "$f" 2>/dev/null | grep -qE '(^|,)ro(,|$)'; then cause_of "Read-only file system"
  else cause_of "Permission denied"; fi
  return 1
}
# need_write WHAT PATH: fail (exit 1) unless PATH can be written, naming WHAT, PATH and the cause
need_write() {
  local cause
  cause=$(write_cause "$2") || fail "$EX_FAIL" "cannot write $1 $2: $cause"
}

# audit ACTION DETAIL RESULT: one line in the audit log. who: the person behind the change
# (sudo keeps SUDO_USER), and their terminal. A line that cannot be written is said; after a
# change that succeeded (RESULT ok...) the script ends with exit 6 (done, not recorded)
# instead of reporting a plain success.
audit() {
  local who tty now err
  who=${SUDO_USER:-${USER:-$(id -un 2>/dev/null || echo unknown)}}
  tty=${CONFCONSOLE_TTY:-$(readlink /proc/$$/fd/2 2>/dev/null || echo none)}
  case $tty in /dev/pts/*|/dev/tty*|/dev/console) ;; *) tty=none ;; esac
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  # one write of one short line: appends from two writers never interleave
  if ! err=$({ mkdir -p -- "${AUDIT_LOG%/*}" && printf '{"time":%s,"user":%s,"tty":%s,"script":%s,"action":%s,"detail":%s,"result":%s}\n' \
    "$(json_str "$now")" "$(json_str "$who")" "$(json_str "$tty")" "$(json_str "$CC_SCRIPT")" \
    "$(json_str "$1")" "$(json_str "$2")" "$(json_str "$3")" >>"$AUDIT_LOG"; } 2>&1); then
    local cause
    cause=$(cause_of "$err")
    log "cannot write the audit log $AUDIT_LOG: $cause"
    [[ $3 == ok* ]] && fail "$EX_PARTIAL" "$1 is done, but it could not be recorded in the audit log $AUDIT_LOG: $cause"
    return 1
  fi
  chmod 0640 "$AUDIT_LOG" 2>/dev/null || true
}

# cc_help: print the running script's header comment — the comment block right after the
# shebang, up to the first line that is not a comment, without its "# " — and exit 0.
cc_help() {
  local line n=0
  while IFS= read -r line; do
    n=$((n + 1))
    ((n == 1)) && [[ $line == '#!'* ]] && continue
    [[ $line == '#'* ]] || break
    line=${line#'#'}
    printf '%s\n' "${line#' '}"
  done <"$0"
  exit "$EX_OK"
}
