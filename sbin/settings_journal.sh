#!/usr/bin/env bash
# settings_journal.sh begin AREA | end — the journal of one settings area an import (or a backup's
# restore) is applying through more than one script (issue 15): an area is applied whole or not at
# all. begin: stdin is the area's settings as they are before (JSON, secrets included), kept in
# etc/confconsole/secrets/settings-journal.json (0600: it holds secrets); end: the area is done,
# the journal goes. Killed or failed in between, the next import finds the journal and puts the
# area back as it was (src/settings/journal.ts) before anything else; so does every writing
# command and the console at its start. The journal names its owner (our parent, the import, and
# its start time): one whose import still runs is not an interrupted one.
# Result: {"ok":true,"area":AREA} (begin), {"ok":true} (end).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

JOURNAL=$(p /etc/confconsole/secrets/settings-journal.json)
case ${1:-} in
  -h|--help) cc_help ;;
  begin)
    (($# == 2)) || usage_error "usage: settings_journal.sh begin AREA < SETTINGS.json"
    [[ $2 =~ ^[a-z][a-z0-9-]{0,31}$ ]] || refuse area "an area is 1-32 lower-case letters, digits or -, beginning with a letter"
    lock
    [[ ! -e $JOURNAL ]] || fail "$EX_FAIL" "an interrupted import's journal is there ($JOURNAL): put its area back first (confconsole import puts it back by itself)"
    { mkdir -p -- "${JOURNAL%/*}" && chmod 0700 -- "${JOURNAL%/*}"; } || fail "$EX_FAIL" "cannot make ${JOURNAL%/*}"
    t=$(umask 077; stage "$JOURNAL") || fail "$EX_FAIL" "cannot write in ${JOURNAL%/*}"
    chmod 0600 -- "$t"
    # the settings checked as one JSON object before they are kept (never echoed: they hold secrets)
    python3 -I -S -c 'import json,sys
try: old=json.load(sys.stdin)
except ValueError: sys.exit(1)
if not isinstance(old, dict): sys.exit(1)
owner = {"pid": int(sys.argv[3])}
try:  # field 22 of /proc/PID/stat (after the name in parentheses): tells a reused pid apart
    with open("/proc/%d/stat" % owner["pid"]) as f: owner["start"] = f.read().rsplit(")", 1)[1].split()[19]
except (OSError, IndexError): pass
with open(sys.argv[2], "w") as f: json.dump({"area": sys.argv[1], "old": old, "owner": owner}, f)' "$2" "$t" "$PPID" 9>&- || { rm -f -- "$t"; refuse settings "the settings on standard input are not a JSON object"; }
    commit "$t" "$JOURNAL" 0600 || fail "$EX_FAIL" "cannot write $JOURNAL"
    printf '{"ok":true,"area":%s}\n' "$(json_str "$2")" ;;
  end)
    (($# == 1)) || usage_error "usage: settings_journal.sh end"
    lock
    rm -f -- "$JOURNAL" || fail "$EX_FAIL" "cannot remove $JOURNAL"
    printf '{"ok":true}\n' ;;
  *) usage_error "usage: settings_journal.sh begin AREA < SETTINGS.json | end" ;;
esac
