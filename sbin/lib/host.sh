# shellcheck shell=bash
# host: effects on the host (services), or on the demo appliance their record instead.
# Sourced by common.sh.
HOST_EFFECTS_LOG=$(p /var/log/confconsole/host-effects.log)

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
