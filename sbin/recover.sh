#!/usr/bin/env bash
# recover.sh [--boot] — roll back a change that was interrupted (kill, crash, power loss)
# before it ended, from the journal the scripts keep: its files put back, the services and
# interfaces it touched brought back onto them, the temp files it left removed. Run at boot;
# every writer also does it first. --boot: before the network is up (the unit at boot), the
# restored netplan YAML is generated, not applied (networkd, started next, reads it), and a
# service is restarted without waiting (the services start after this unit).
# Then an area a killed import left half applied (its settings journal, settings_journal.sh) is
# put back by the console's own recovery, `confconsole recover` (src/settings/journal.ts
# recoverArea, as the console's start and every writing command do it): the journal's owner is
# checked first (an import that still runs is left alone), the area applied as it was before
# through its own scripts, the journal removed.
# Exit 0 (also when there was nothing to do); result on stdout {"ok":true,"recovered":BOOL}
# (BOOL: something was put back). Exit 1 when the interrupted import's area could not be put
# back (the reason said; its journal is kept for the console's next start).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

case ${1:-} in -h|--help) cc_help ;; --boot) export CC_BOOT=1 ;; '') ;; *) usage_error "takes no argument but --boot (see --help)" ;; esac
(($# <= 1)) || usage_error "takes at most one option (--boot)"
had=false; [[ -f $TXN_FILE ]] && had=true
lock
# a network change nobody confirmed before a power loss: roll it back (net_rollback.sh takes the
# lock itself, so ours is released first; its JSON goes to the log, ours stays the last line)
if [[ -f $(p /var/lib/confconsole/net-pending.json) ]]; then
  exec 9>&-
  if "$here/net_rollback.sh" --reason "unconfirmed at boot" >&2; then had=true; else log "the pending network change could not be rolled back"; fi
fi

# the console: installed beside sbin/ (/usr/lib/confconsole/confconsole), or this source tree's
console_cmd() {
  local c
  for c in "$here/../confconsole" "$here/../bin/confconsole"; do
    [[ -f $c && -x $c ]] && { printf '%s' "$c"; return 0; }
  done
  return 1
}
JOURNAL=$(p /etc/confconsole/secrets/settings-journal.json)
if [[ -e $JOURNAL ]]; then
  # the area's scripts take the lock themselves
  exec 9>&-
  console=$(console_cmd) || fail "$EX_FAIL" "an interrupted import left $JOURNAL, but the console that puts its area back is not installed beside $here"
  args=(--root "${CC_ROOT:-/}"); [[ ${CONFCONSOLE_DEMO:-} == 1 ]] && args=(--demo "${args[@]}")
  out=$("$console" "${args[@]}" recover --json </dev/null 9>&-); rc=$?
  # typed: the command's "recovered" (its wording is only said)
  back=$(printf '%s' "$out" | python3 -I -S -c 'import json,sys
try: d = json.loads(sys.stdin.read().strip().splitlines()[-1])
except (ValueError, IndexError): sys.exit(1)
print("true" if d.get("recovered") is True else "false")') || back=""
  if ((rc != 0)) || [[ -z $back ]]; then
    why=$(printf '%s' "$out" | python3 -I -S -c 'import json,sys
try: print(json.loads(sys.stdin.read().strip().splitlines()[-1]).get("error") or "")
except (ValueError, IndexError): pass' 2>/dev/null)
    fail "$EX_FAIL" "the area an interrupted import left half applied was not put back: ${why:-confconsole recover ended with exit $rc}"
  fi
  [[ $back == true ]] && { had=true; log "an interrupted import's area is back as it was before that import"; }
fi
printf '{"ok":true,"recovered":%s}\n' "$had"
