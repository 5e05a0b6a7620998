#!/usr/bin/env bash
# restart_services.sh [--list] — restart all appliance services, in the order the settings list
# them ([services] names in appliance.ini), then those of the appliance's role (a probe's or a
# master's, lib/role.sh), then the Call-Home tunnels while Call-Home is enabled (a stopped tunnel
# stays stopped: restarting a unit starts it). One line per service on stderr as it finishes; on
# stdout {"ok":BOOL,"results":[{"service","ok","error"?}]}. Exit 0, or 6 when one failed.
# --list: restart nothing; {"ok":true,"role":"master"|"probe"|"","services":[...]} (the services
# this appliance runs without the tunnels: what Appliance information lists).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/callhome.sh
. "$here/lib/callhome.sh"
# shellcheck source=lib/role.sh
. "$here/lib/role.sh"

list=no
case ${1:-} in -h|--help) cc_help ;; --list) list=yes ;; '') ;; *) usage_error "takes no arguments but --list" ;; esac

if [[ $list == yes ]]; then
  mapfile -t names < <(appliance_services)
  printf '{"ok":true,"role":%s,"services":%s}\n' "$(json_str "$(appliance_role)")" "$(json_arr "${names[@]}")"
  exit 0
fi
lock
mapfile -t names < <(appliance_services)
((${#names[@]})) || fail "$EX_FAIL" "no services are listed in $SETTINGS_INI ([services] names)"
for n in "${names[@]}"; do
  [[ $n =~ ^[A-Za-z0-9@._-]+$ ]] || fail "$EX_FAIL" "bad service name \"$n\" in $SETTINGS_INI"
done
ch_load
tunnels=()
if [[ $CH_ENABLED == yes ]]; then tunnels+=("$CH_SERVICE"); [[ $PT_ENABLED == yes ]] && tunnels+=("$CH_PARTNER_SERVICE"); fi
for t in "${tunnels[@]}"; do [[ " ${names[*]} " == *" $t "* ]] || names+=("$t"); done

results=() failed=0 i=0
for n in "${names[@]}"; do
  i=$((i + 1))
  if err=$(svc restart "$n" 2>&1); then
    log "[$i/${#names[@]}] $n: restarted"
    results+=("{\"service\":$(json_str "$n"),\"ok\":true}")
  else
    err=$(printf '%s' "$err" | tail -n 1)
    log "[$i/${#names[@]}] $n: FAILED ${err:-(no message)}"
    results+=("{\"service\":$(json_str "$n"),\"ok\":false,\"error\":$(json_str "${err:-failed}")}")
    failed=$((failed + 1))
  fi
done
ok=true; ((failed)) && ok=false
audit services.restart "${#names[@]} services: ${names[*]}" "$([[ $ok == true ]] && echo ok || echo "$failed failed")"
printf '{"ok":%s,"results":[%s]}\n' "$ok" "$(IFS=,; printf '%s' "${results[*]}")"
((failed)) && exit "$EX_PARTIAL"
exit 0
