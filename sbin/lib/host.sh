# shellcheck shell=bash
# host: effects on the host (services), or on the demo appliance their record instead.
# Sourced by common.sh.
HOST_EFFECTS_LOG=$(p /var/log/confconsole/host-effects.log)
# A demo root is marked by this file's existence (its content does not matter), so no damage to
# appliance.ini can make a demo act on the host. The console writes it with --demo (src/demo.ts).
DEMO_MARKER=$(p /.confconsole-demo)

# is_demo: is this a demo appliance (never touch the host)? Yes when the console says so
# (CONFCONSOLE_DEMO=1, src/cli.ts with --demo) or the root carries DEMO_MARKER. When the two
# records disagree with appliance.ini's `demo = true` (as far as that file can be read), the
# script is refused (exit 1) rather than guessing: it never reaches the host on a doubt.
is_demo() {
  local said=""
  # read in this shell (a subshell's read is lost); a damaged file says nothing: the marker decides
  if [[ $CC_INI_CACHED != "$SETTINGS_INI"$'\t'"$(ini_sig "$SETTINGS_INI")" ]]; then ini_load "$SETTINGS_INI" 2>/dev/null; fi
  [[ -z $CC_INI_ERROR ]] && said=${CC_INI_CACHE[appliance$'\x1f'demo]-}
  if [[ -e $DEMO_MARKER || -L $DEMO_MARKER ]]; then
    [[ -z $said || $said == true ]] && return 0
    fail "$EX_FAIL" "$DEMO_MARKER marks a demo appliance but $SETTINGS_INI says demo = $said: nothing was done on the host (remove the marker for a real appliance, or set demo = true)"
  fi
  if [[ ${CONFCONSOLE_DEMO:-} == 1 ]]; then
    fail "$EX_FAIL" "the console runs a demo appliance, but $CC_ROOT/ has no demo marker ($DEMO_MARKER): nothing was done on the host (start the console with --demo again)"
  fi
  [[ $said == true ]] || return 1
  fail "$EX_FAIL" "$SETTINGS_INI says demo = true, but $CC_ROOT/ has no demo marker ($DEMO_MARKER): nothing was done on the host (start the console with --demo to mark it, or remove demo = true on a real appliance)"
}

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
  # at boot (recover.sh --boot, a unit ordered before the services): queued, not waited for (the
  # service waits for that unit to end: waiting for it would never end)
  if [[ -d /run/systemd/system ]]; then systemctl ${CC_BOOT:+--no-block} "$verb" "$name" 9>&- </dev/null
  else service "$name" "$verb" 9>&- </dev/null; fi
}

# svc_active NAME: 0 when the service runs (read only: nothing is started or recorded). On the
# demo appliance a service runs unless the last effect recorded for it stopped it.
svc_active() {
  local name=$1 last
  if is_demo; then
    last=$(grep -F " service $name " "$HOST_EFFECTS_LOG" 2>/dev/null | tail -n 1)
    [[ $last != *" service $name stop" ]]; return
  fi
  if [[ -n ${CONFCONSOLE_SERVICE_CMD:-} ]]; then "$CONFCONSOLE_SERVICE_CMD" is-active "$name" 9>&- </dev/null; return; fi
  if [[ -d /run/systemd/system ]]; then systemctl is-active --quiet "$name" 9>&- </dev/null
  else service "$name" status >/dev/null 2>&1 9>&- </dev/null; fi
}

# A root whose records of being a demo disagree is refused before anything is done (is_demo
# refuses, and here it is asked first, so no change is half made when it does).
case " $* " in *" -h "* | *" --help "*) ;; *) is_demo || true ;; esac
