#!/usr/bin/env bash
# show_ntp.sh — the time sources: the NTP servers set in chrony.conf (the `server` and `pool`
# lines `ntp set` manages) and every other source chrony has, each marked by its origin:
#   ours    a server/pool line of chrony.conf (what set_ntp.sh sets)
#   line    another source line of chrony.conf (peer, refclock), kept by set_ntp.sh
#   dhcp    a file of `sourcedir /run/chrony-dhcp` (servers a DHCP lease gave)
#   file    a file chrony.conf reads (include, confdir, another sourcedir)
#   daemon  a source the running chronyd has that no file names (chronyc add, chrony 3's DHCP hook)
# and, when chronyd runs (asked with chronyc on its command socket; never on the demo
# appliance), what the daemon does with each (selected, combined, not usable, ...).
# Reads only. On stdout {"ok":true,"servers":[...],"sources":[{name,kind,origin,file,line,
# text,options,daemon:[{mode,state,name,address,stratum,reach}]}],"daemon":{running,asked,error?},
# "problems":[...]}. Exit 1 when chrony.conf is missing or unreadable (the file and the cause said).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/ntp.sh
. "$here/lib/ntp.sh"

case ${1:-} in -h|--help) cc_help ;; '') ;; *) usage_error "takes no arguments" ;; esac
chrony_conf_readable || fail "$EX_FAIL" "$CHRONY_WHY"
demo=()
is_demo && demo=(--demo)
python3 "$CC_LIB/chrony.py" sources "${CC_ROOT:-/}" "$CHRONY_CONF" "${demo[@]}" 9>&- || fail "$EX_FAIL" "cannot read the time sources of $CHRONY_CONF"
