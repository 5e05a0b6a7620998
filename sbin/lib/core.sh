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
# demo_paths VAR: in VAR's text, the paths under a demo appliance's root said as the appliance's
# own (/srv/bk, not /tmp/demo/srv/bk), as every screen names them; for what is said (log, fail,
# a recorded cause). A root without its marker is named as it is (is_demo says so).
demo_paths() {
  [[ ${CONFCONSOLE_DEMO:-} == 1 && -n $CC_ROOT && -e $CC_ROOT/.confconsole-demo ]] || return 0
  printf -v "$1" '%s' "${!1//"$CC_ROOT"\//\/}"
}

SETTINGS_INI=$(p /etc/confconsole/appliance.ini)
AUDIT_LOG=$(p /var/log/confconsole/audit.log)

# esc TEXT → TEXT as it may be shown on a terminal: every control shown as a visible escape,
# so a value repeated in a message can never retitle, clear or reorder the operator's screen.
# C0 as \a \b \t \n \v \f \r \e or \xHH, DEL as \x7f, C1 (U+0080-U+009F) and the invisible
# direction marks and overrides (U+061C, U+200E-F, U+2028-9, U+202A-E, U+2066-9) as \uXXXX,
# a byte that is not UTF-8 (a lone 0x9b is CSI to some terminals) as \xHH. Backslashes are
# kept as they are, so escaping twice changes nothing (the console escapes what it repeats
# of a script's message too: src/core/visible.ts, the same rule).
esc() {
  local s=$1 out="" i n b c d e f cp
  # most messages are plain ASCII: no loop
  if [[ $s != *[!\ -~]* ]]; then printf '%s' "$s"; return; fi
  n=${#s}
  for ((i = 0; i < n; i++)); do
    c=${s:i:1}
    printf -v b '%d' "'$c"
    ((b < 0)) && b=$((b + 256))
    if ((b >= 32 && b < 127)); then out+=$c; continue; fi
    case $b in
      7) out+='\a'; continue ;; 8) out+='\b'; continue ;; 9) out+='\t'; continue ;;
      10) out+='\n'; continue ;; 11) out+='\v'; continue ;; 12) out+='\f'; continue ;;
      13) out+='\r'; continue ;; 27) out+='\e'; continue ;;
    esac
    if ((b < 32 || b == 127 || b < 0xc2 || b > 0xf4)); then printf -v c '\\x%02x' "$b"; out+=$c; continue; fi
    # a UTF-8 sequence: its length from the lead byte, its continuation bytes checked
    local len=2; ((b >= 0xe0)) && len=3; ((b >= 0xf0)) && len=4
    cp=$((b & (0x7f >> len))) e=1
    for ((f = 1; f < len; f++)); do
      printf -v d '%d' "'${s:i+f:1}"; ((d < 0)) && d=$((d + 256))
      if ((i + f >= n || d < 0x80 || d > 0xbf)); then e=0; break; fi
      cp=$(((cp << 6) | (d & 0x3f)))
    done
    if ((!e)); then printf -v c '\\x%02x' "$b"; out+=$c; continue; fi
    # an overlong form, a surrogate or beyond U+10FFFF is no character: its lead byte is shown
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) || len == 4 && (cp < 0x10000 || cp > 0x10ffff))); then
      printf -v c '\\x%02x' "$b"; out+=$c; continue
    fi
    if ((cp <= 0x9f || cp == 0x61c || (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))); then
      printf -v c '\\u%04x' "$cp"; out+=$c
    else out+=${s:i:len}; fi
    i=$((i + len - 1))
  done
  printf '%s' "$out"
}

# the human log on stderr, one line a message, every control in it shown escaped (esc)
log() { local m=$*; demo_paths m; printf '%s\n' "$(esc "$m")" >&2; }

# JSON string literal of $1: exact (C0 and DEL as \u00XX), so a reader gets the value itself;
# a message meant for a person is esc'd before (fail_on).
json_str() {
  local s=$1 out="" i c b
  s=${s//\\/\\\\}; s=${s//\"/\\\"}
  if [[ $s == *[$'\x01'-$'\x1f\x7f']* ]]; then
    for ((i = 0; i < ${#s}; i++)); do
      c=${s:i:1}
      printf -v b '%d' "'$c"
      if ((b >= 0 && (b < 32 || b == 127))); then printf -v c '\\u%04x' "$b"; fi
      out+=$c
    done
    s=$out
  fi
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
  local field=$1 code=$2 msg; shift 2
  msg=$*; demo_paths msg; msg=$(esc "$msg")
  printf '%s: %s\n' "$CC_SCRIPT" "$msg" >&2
  [[ ${CC_TXN:-} == 1 ]] && txn_end
  if [[ -n $field ]]; then
    printf '{"ok":false,"code":%d,"error":%s,"field":%s%s}\n' "$code" "$(json_str "$msg")" "$(json_str "$field")" "${CC_FAIL_EXTRA:+,$CC_FAIL_EXTRA}"
  else
    printf '{"ok":false,"code":%d,"error":%s%s}\n' "$code" "$(json_str "$msg")" "${CC_FAIL_EXTRA:+,$CC_FAIL_EXTRA}"
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
  while [[ ! -e $f && $f == */* ]]; do f=${f%/*}; [[ -n $f ]] || f=/; done
  [[ -e $f ]] || f=.
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
  # a journaled change that is done: a revision of the history (lib/history.sh, issue 15)
  if [[ $3 == ok && ${CC_TXN:-} == 1 && $(type -t history_record) == function ]]; then history_record "$1" "$2" "$who" "$tty"; fi
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
