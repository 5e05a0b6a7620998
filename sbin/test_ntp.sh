#!/usr/bin/env bash
# test_ntp.sh [--timeout SECONDS] SERVER... — ask each NTP server for the time, without
# touching the clock or the settings (chronyd -Q). One line per server on stderr as it
# answers; on stdout {"ok":BOOL,"results":[{"server","ok","offset"|"error"}]}.
# Exit 0 when every server answered, 5 when one did not, 2 for bad arguments.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/ntp.sh
. "$here/lib/ntp.sh"

timeout=5
case ${1:-} in
  -h|--help) cc_help ;;
  --timeout) accept timeout check_seconds "${2-}" 1 60 --timeout; timeout=$CHECKED; shift 2 ;;
esac
accept servers check_servers "$@"
command -v chronyd >/dev/null || fail "$EX_FAIL" "cannot test: chronyd is not installed"

work=$(mktemp -d); trap 'rm -rf -- "$work"; cleanup_temps' EXIT

# Each slow step (a name lookup, a query) runs as a background child that the script waits
# for: a TERM, INT or HUP (the console's Esc cancels with TERM) interrupts the wait at once, and
# the trap stops the child before the script ends. A foreground child would outlive its killed
# script (chronyd -Q kept asking for the whole --timeout).
child=""
# shellcheck disable=SC2317  # called from the traps
stop_child() { [[ -n $child ]] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null; child=""; }
trap 'stop_child; log "cancelled"; exit 130' INT
trap 'stop_child; log "cancelled"; exit 143' TERM HUP
# waited OUT CMD...: run CMD with its output (stdout and stderr) in the file OUT; its exit status
waited() {
  local out=$1 rc; shift
  "$@" >"$out" 2>&1 9>&- </dev/null &
  child=$!
  wait "$child"; rc=$?
  child=""
  return "$rc"
}

results=() all=0
for s in "${SERVERS[@]}"; do
  parse_server "$s"
  if [[ $NTP_HOST != *:* ]] && ! is_ipv4 "$NTP_HOST" && ! waited "$work/getent" getent ahosts "$NTP_HOST"; then
    log "$s: FAILED, the name does not resolve (check the DNS servers)"
    results+=("{\"server\":$(json_str "$s"),\"ok\":false,\"error\":\"name does not resolve\"}"); all=1; continue
  fi
  directive=$(chrony_directive "$s")
  # -Q: query only, never set the clock; private pid file so a running chronyd is untouched
  waited "$work/out" chronyd -Q -t "$timeout" -f /dev/null "pidfile $work/chronyd.pid" "$directive maxsamples 1"
  rc=$?
  out=$(cat -- "$work/out")
  rm -f -- "$work/chronyd.pid"
  offset=$(printf '%s\n' "$out" | sed -n 's/.*wrong by \(-\{0,1\}[0-9.]*\) seconds.*/\1/p' | tail -n1)
  if ((rc == 0)) && [[ -n $offset ]]; then
    log "$s: OK, answered (clock offset ${offset} s)"
    results+=("{\"server\":$(json_str "$s"),\"ok\":true,\"offset\":$offset}")
  else
    why="no answer within ${timeout} s"
    [[ $out == *"Could not"* ]] && why=$(printf '%s' "$out" | grep -m1 'Could not')
    log "$s: FAILED, $why"
    results+=("{\"server\":$(json_str "$s"),\"ok\":false,\"error\":$(json_str "$why")}"); all=1
  fi
done
ok=true; ((all)) && ok=false
printf '{"ok":%s,"results":[%s]}\n' "$ok" "$(IFS=,; printf '%s' "${results[*]}")"
((all)) && exit "$EX_TESTFAIL"
exit 0
