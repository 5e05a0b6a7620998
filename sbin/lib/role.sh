# shellcheck shell=bash
# The appliance's role (manual ch. 10 "Converting to a Probe") and the services it runs: one
# owner for set_topology.sh (which starts the one list and stops the other), restart_services.sh
# (restarts them), the Healthcheck (checks they run) and Appliance information (lists them).
# [topology] role in appliance.ini: master (the default) or probe; a vSensor has no role.
# [services] probe_role (default "probe-forwarder") runs on a probe only, master_role (default
# "master-analytics master-search master-ui") on a master only. Needs ini.sh (common.sh).

# appliance_role → master or probe on the master/probe appliance, "" on a vSensor
appliance_role() {
  local r
  [[ $(ini_get "$SETTINGS_INI" appliance profile) == vsensor ]] && return 0
  r=$(ini_get "$SETTINGS_INI" topology role)
  printf '%s' "${r:-master}"
}

# role_services ROLE → the services only ROLE (master or probe) runs, space separated
role_services() {
  local s
  case $1 in
    probe) s=$(ini_get "$SETTINGS_INI" services probe_role); printf '%s' "${s:-probe-forwarder}" ;;
    master) s=$(ini_get "$SETTINGS_INI" services master_role); printf '%s' "${s:-master-analytics master-search master-ui}" ;;
  esac
}

# appliance_services → every service this appliance runs, one a line: [services] names, then
# those of its role (none on a vSensor), each once
appliance_services() {
  local n seen=" " all mine
  read -r -a all <<<"$(ini_get "$SETTINGS_INI" services names)"
  read -r -a mine <<<"$(role_services "$(appliance_role)")"
  for n in "${all[@]}" "${mine[@]}"; do
    [[ $seen == *" $n "* ]] && continue
    seen+="$n "
    printf '%s\n' "$n"
  done
}
