#!/usr/bin/env bash
# set_keyboard.sh [--dry-run] LAYOUT | --list — the console keyboard layout (manual ch. 7: "On
# first boot, you will be prompted to set a keyboard layout. This is only applicable to the
# console configuration and will not be applied when using SSH to access the vSensor").
# LAYOUT is an XKB layout's short name (us, gb, de, ...) from this system's list
# (usr/share/X11/xkb/rules/base.lst under the root, else the machine's own: read only). It is
# written as XKBLAYOUT in /etc/default/keyboard (Debian's console-setup file): every other line
# is kept, XKBVARIANT is emptied when the layout changes (a variant belongs to its layout).
# Then applied to the VGA console only: `setupcon -k --force` when console-setup is installed
# and the root is / (elsewhere it would apply this machine's file, not the root's); SSH
# sessions keep their own. On the demo appliance setupcon is recorded, not run.
# --dry-run: check only. --list: {"ok":true,"layouts":[[NAME,DESCRIPTION],...]}.
# Result: {"ok":true,"layout":L,"previous":P|null,"changed":BOOL,"applied":BOOL,"note":TEXT}
# Exit 2 a layout this system does not have (field layout), 3 setupcon failed (file restored).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

USAGE="usage: set_keyboard.sh [--dry-run] LAYOUT | --list"
KB=$(p /etc/default/keyboard)
dry=no list=no
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --dry-run) dry=yes; shift ;;
    --list) list=yes; shift ;;
    --) shift; break ;;
    --?*) usage_error "unknown option \"$1\" ($USAGE)" ;;
    *) break ;;
  esac
done

# the system's list of layouts: the "! layout" section of base.lst ("  NAME  DESCRIPTION")
lst=$(p /usr/share/X11/xkb/rules/base.lst)
[[ -f $lst ]] || lst=/usr/share/X11/xkb/rules/base.lst
layouts() { awk '/^!/ { on = ($2 == "layout"); next } on && NF { n = $1; $1 = ""; sub(/^ +/, ""); print n "\t" $0 }' "$lst"; }
[[ -r $lst ]] || fail_on layout "$EX_FAIL" "this system has no list of keyboard layouts ($lst; Debian package xkb-data)"

if [[ $list == yes ]]; then
  (($# == 0)) || usage_error "$USAGE"
  rows=""
  while IFS=$'\t' read -r n d; do rows+="${rows:+,}[$(json_str "$n"),$(json_str "$d")]"; done < <(layouts)
  printf '{"ok":true,"layouts":[%s]}\n' "$rows"; exit 0
fi
(($# == 1)) || usage_error "$USAGE"
accept layout check_keyboard_layout "$1"; layout=$CHECKED
desc=$(layouts | awk -F'\t' -v l="$layout" '$1 == l { print $2; exit }')
[[ -n $desc ]] || refuse layout "this system has no keyboard layout \"$layout\" (confconsole keyboard list shows them; e.g. us, gb, de)"

# the current value (the file's own quoting: XKBLAYOUT="us" or XKBLAYOUT=us)
previous=$( [[ -f $KB ]] && sed -n 's/^[[:space:]]*XKBLAYOUT=["'\'']\{0,1\}\([^"'\'']*\)["'\'']\{0,1\}[[:space:]]*$/\1/p' "$KB" | tail -n1)
changed=true; [[ $previous == "$layout" ]] && changed=false
if [[ $dry == yes ]]; then
  printf '{"ok":true,"dry_run":true,"layout":%s,"description":%s,"previous":%s,"changed":%s}\n' "$(json_str "$layout")" "$(json_str "$desc")" \
    "$( [[ -n $previous ]] && json_str "$previous" || printf null)" "$changed"
  exit 0
fi

lock
# the layout in place: nothing written, applied or audited (issue 15: "changed":false)
if [[ $changed == false ]]; then
  log "nothing changes: $layout is the layout in place"
  printf '{"ok":true,"layout":%s,"description":%s,"previous":%s,"changed":false,"applied":false,"note":"already the layout in place: nothing changed"}\n' \
    "$(json_str "$layout")" "$(json_str "$desc")" "$(json_str "$previous")"
  exit 0
fi
b=$(backup "$KB") || fail "$EX_FAIL" "cannot back up $KB"
txn_begin "file	$KB	$b" || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"
t=$(stage "$KB") || fail "$EX_FAIL" "cannot write in ${KB%/*}"
if [[ -s $t ]]; then
  # only XKBLAYOUT (and XKBVARIANT when the layout changes) are rewritten; other lines kept
  awk -v l="$layout" -v ch="$changed" '
    /^[[:space:]]*XKBLAYOUT=/ { print "XKBLAYOUT=\"" l "\""; seen = 1; next }
    ch == "true" && /^[[:space:]]*XKBVARIANT=/ { print "XKBVARIANT=\"\""; next }
    { print }
    END { if (!seen) print "XKBLAYOUT=\"" l "\"" }' "$KB" >"$t" || { restore "$KB" "$b"; fail "$EX_FAIL" "cannot write $KB"; }
else
  printf '%s\n' '# KEYBOARD CONFIGURATION FILE (written by confconsole: set_keyboard.sh)' '' 'XKBMODEL="pc105"' \
    "XKBLAYOUT=\"$layout\"" 'XKBVARIANT=""' 'XKBOPTIONS=""' '' 'BACKSPACE="guess"' >"$t" || fail "$EX_FAIL" "cannot write $KB"
fi
commit "$t" "$KB" 0644 || { restore "$KB" "$b"; fail "$EX_FAIL" "cannot replace $KB"; }
log "wrote $KB: XKBLAYOUT=\"$layout\" ($desc)"

applied=false note=""
if is_demo; then
  record_host_effect "setupcon -k --force (console keyboard layout $layout)"
  note="demo appliance: setupcon recorded, not run"
elif [[ ${CC_ROOT:-/} != / && -n ${CC_ROOT:-} ]]; then
  note="the appliance root is not /: setupcon would apply this machine's own file, so it was not run"
elif command -v setupcon >/dev/null; then
  if ! err=$(setupcon -k --force 9>&- </dev/null 2>&1); then
    restore "$KB" "$b"
    audit keyboard.set "layout $layout" "failed, restored"
    fail "$EX_RESTORED" "setupcon could not apply the layout (${err##*$'\n'}); the previous $KB is back"
  fi
  applied=true note="applied to the console (setupcon)"
else
  note="console-setup (setupcon) is not installed: the layout applies from the next boot"
fi
log "$note"
audit keyboard.set "layout ${previous:-unset} -> $layout" ok
txn_end
printf '{"ok":true,"layout":%s,"description":%s,"previous":%s,"changed":%s,"applied":%s,"note":%s}\n' "$(json_str "$layout")" "$(json_str "$desc")" \
  "$( [[ -n $previous ]] && json_str "$previous" || printf null)" "$changed" "$applied" "$(json_str "$note")"
