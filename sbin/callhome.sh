#!/usr/bin/env bash
# callhome.sh COMMAND — the call-home (reverse SSH tunnel) service of this appliance.
#   enable        [callhome] enabled = yes and start the tunnel (while enabled: restart it)
#   disable       [callhome] enabled = no and stop the tunnel
#   restart       restart the tunnel (enabled only)
#   status        the five checks: {"ok","enabled","rows":[{"check","status","detail","advice"}]},
#                 status "ok", "fail" (advice: the manual's) or "skip" (not made; detail: why);
#                 exit 5 when a row is "fail"
#   clear-cache   forget the server's host key (known_hosts); call-home must be disabled first
#   show          the settings as JSON
#   ports NAME    the partner forward ports of host name NAME: {"ssh":..,"https":..}
#   pubkey        this appliance's public key, one line: ssh-rsa AAAA... autossh@HOSTNAME
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/callhome.sh
. "$here/lib/callhome.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"

usage() { usage_error "usage: callhome.sh enable|disable|restart|status|clear-cache|show|ports HOSTNAME|pubkey"; }
# dual call-home: the partner's tunnel follows Call-Home (enabled, restarted, stopped with it)
partner_follow() {
  [[ $PT_ENABLED == yes ]] || return 0
  local err
  if err=$(svc "$1" "$CH_PARTNER_SERVICE" 2>&1); then audit "callhome.partner.$1" "$CH_PARTNER_SERVICE" ok
  else log "warning: the partner connection did not $1: ${err:-no message}"; audit "callhome.partner.$1" "$CH_PARTNER_SERVICE" failed; fi
}

case ${1:-} in -h|--help) cc_help ;; esac
(($# >= 1)) || usage
cmd=$1; shift
case $cmd in
  ports) (($# == 1)) || usage_error "usage: callhome.sh ports HOSTNAME" ;;
  enable|disable|restart|status|clear-cache|show|pubkey) (($# == 0)) || usage_error "callhome.sh $cmd takes no arguments" ;;
  *) usage ;;
esac
service=$(service_for callhome "$CH_SERVICE")

row_json() { # CHECK STATUS DETAIL ADVICE
  printf '{"check":%s,"status":%s,"detail":%s,"advice":%s}' "$(json_str "$1")" "$(json_str "$2")" "$(json_str "$3")" "$(json_str "$4")"
}

# the manual's five checks, in its order
C_RUNNING="Call-Home Service running"
C_ENABLED="Call-Home Service Config Enabled"
C_DNS="Call-Home Hostname Resolution by DNS"
C_TCP="Call-Home Remote Host TCP Connectivity"
C_AUTH="Call-Home Authentication"

ADV_RUNNING="Likely the appliance is not working or there is an issue with the cables. Check the cables. The Admin must connect to Management. Does it have internet connection? Check Control Access List."
ADV_ENABLED="This indicates a problem with the Call-Home setting. Call-Home is disabled. Enable it in the Console."
ADV_DNS="Indicates the DNS servers are incorrectly configured. Check your DNS server connection and details."
ADV_TCP="Suggests a Firewall is blocking the connection. Enable a new rule for the firewall to accept it."
ADV_AUTH="Indicates an issue with the network configuration, using the incorrect gateway, or the wrong IP and subnet has been set. The IP and gateway have to have same subnet (for example, on the 192, 10 ranges)."

# probe CMD: run a transport command (read only) and take the first line it prints
probe() {
  local out err pid i
  out=$(mktemp) err=$(mktemp)
  timeout 12 sh -c "exec $1" </dev/null >"$out" 2>"$err" 9>&- &
  pid=$!
  for ((i = 0; i < 120; i++)); do
    [[ $(wc -l <"$out") -ge 1 ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  PROBE_LINE=$(head -n1 -- "$out" | tr -d '\r')
  PROBE_ERR=$(grep -v '^$' -- "$err" | tail -n2 | tr '\n' ' ')
  rm -f -- "$out" "$err"
}

do_status() {
  ch_load
  local rows=() failed=0 detail resolved=yes
  # add CHECK STATUS DETAIL [ADVICE]: STATUS ok | fail | skip (the check was not made: DETAIL
  # says why); the manual's ADVICE goes with a fail only
  add() {
    # each row on stderr as it is made: the console streams them while the next check runs
    log "$(printf '%-4s %s: %s' "${2^^}" "$1" "$3")"
    rows+=("$(row_json "$1" "$2" "$3" "$([[ $2 == fail ]] && printf '%s' "${4:-}")")")
    [[ $2 == fail ]] && failed=1
    return 0
  }
  # begin CHECK: said before a check that may take its time, so the console names the one under way
  begin() { log "Checking $1..."; }

  begin "$C_RUNNING"
  if ch_running; then add "$C_RUNNING" ok "the tunnel is running${CH_PID:+ (pid $CH_PID)}"
  else add "$C_RUNNING" fail "the call-home tunnel is not running" "$ADV_RUNNING"; fi

  begin "$C_ENABLED"
  if [[ $CH_ENABLED == yes ]]; then add "$C_ENABLED" ok "enabled, to ${CH_HOST:-(no host)} port $CH_PORT"
  else add "$C_ENABLED" fail "Call-Home is disabled" "$ADV_ENABLED"; fi

  if is_demo; then
    add "$C_DNS" skip "demo appliance: not checked"
    add "$C_TCP" skip "demo appliance: not checked"
    add "$C_AUTH" skip "demo appliance: not checked"
  elif [[ -z $CH_HOST ]]; then
    add "$C_DNS" fail "no call-home host set" "$ADV_DNS"
    add "$C_TCP" skip "not checked: no call-home host set"
    add "$C_AUTH" skip "not checked: no call-home host set"
  else
    # DNS
    begin "$C_DNS"
    if is_ipv4 "$CH_HOST" || is_ipv6 "$CH_HOST"; then add "$C_DNS" skip "$CH_HOST is an IP address: nothing to resolve"
    elif [[ $CH_PROXY != none ]]; then add "$C_DNS" skip "skipped: the proxy resolves $CH_HOST"
    elif detail=$(timeout 10 getent ahosts "$CH_HOST" 2>/dev/null | awk '{print $1}' | sort -u | tr '\n' ' ') && [[ -n $detail ]]; then
      add "$C_DNS" ok "$CH_HOST resolves to ${detail% }"
    else resolved=no; add "$C_DNS" fail "$CH_HOST does not resolve" "$ADV_DNS"; fi
    # TCP: the transport, then the server's SSH- banner
    local pc
    pc=$(ch_transport probe)
    pc=${pc//%h/$(q "$CH_HOST")}; pc=${pc//%p/$CH_PORT}
    begin "$C_TCP"
    if [[ $resolved == no ]]; then add "$C_TCP" skip "not checked: $CH_HOST does not resolve"
    else
      probe "$pc"
      if [[ $PROBE_LINE == SSH-* ]]; then add "$C_TCP" ok "$CH_HOST port $CH_PORT answers: $PROBE_LINE"
      elif [[ -n $PROBE_LINE ]]; then add "$C_TCP" fail "$CH_HOST port $CH_PORT answers, but not with SSH: ${PROBE_LINE:0:80}" "$ADV_TCP"
      else add "$C_TCP" fail "no SSH server reached at $CH_HOST port $CH_PORT${PROBE_ERR:+: $PROBE_ERR}" "$ADV_TCP"; fi
    fi
    # authentication: log in and run `true`, no forwards
    begin "$C_AUTH"
    if [[ $resolved == no ]]; then add "$C_AUTH" skip "not checked: $CH_HOST does not resolve"
    elif [[ ! -f $CH_KEY ]]; then add "$C_AUTH" fail "this appliance has no call-home key yet (callhome.sh pubkey makes it)" "$ADV_AUTH"
    else
      local err rc
      ch_ssh_opts
      err=$(timeout 25 ssh -T -o ClearAllForwardings=yes "${CH_SSH_OPTS[@]}" "$CH_HOST" true 2>&1 </dev/null 9>&-); rc=$?
      if ((rc == 0)); then add "$C_AUTH" ok "logged in as $CH_USER"
      elif grep -qiE 'IDENTIFICATION HAS CHANGED|Host key verification failed|host key .*changed' <<<"$err"; then
        add "$C_AUTH" fail "the server's host key changed (not the one in the call-home cache); if the server was reinstalled, disable Call-Home and clear the cache" "$ADV_AUTH"
      elif grep -qi 'Permission denied' <<<"$err"; then
        add "$C_AUTH" fail "key refused: the server does not accept this appliance's key for $CH_USER (give it the key from callhome.sh pubkey)" "$ADV_AUTH"
      else
        add "$C_AUTH" fail "ssh failed (exit $rc): $(grep -v '^$' <<<"$err" | tail -n1)" "$ADV_AUTH"
      fi
    fi
  fi
  local IFS=,
  printf '{"ok":%s,"enabled":%s,"rows":[%s]}\n' "$( ((failed)) && echo false || echo true)" \
    "$([[ $CH_ENABLED == yes ]] && echo true || echo false)" "${rows[*]}"
  ((failed)) && exit "$EX_TESTFAIL"
  exit "$EX_OK"
}

case $cmd in
  ports)
    accept hostname check_appliance_hostname "$1"
    ch_ports "$1"
    printf '{"ok":true,"hostname":%s,"ssh":%d,"https":%d}\n' "$(json_str "$1")" "$CH_FWD_SSH" "$CH_FWD_HTTPS" ;;
  show)
    ch_load
    name=$(ch_hostname) ports=null
    ch_ports "$name" && ports=$(printf '{"ssh":%d,"https":%d}' "$CH_FWD_SSH" "$CH_FWD_HTTPS")
    printf '{"ok":true,"enabled":%s,"host":%s,"port":%s,"ssl":%s,"proxy":%s,"user":%s,"proxy_user":%s,"default_host":%s,"hostname":%s,"ports":%s,"key":%s,"partner":{"enabled":%s,"host":%s,"port":%s}}\n' \
      "$([[ $CH_ENABLED == yes ]] && echo true || echo false)" "$(json_str "$CH_HOST")" "$(json_str "$CH_PORT")" \
      "$([[ $CH_SSL == yes ]] && echo true || echo false)" "$(json_str "$CH_PROXY")" "$(json_str "$CH_USER")" \
      "$(json_str "$CH_PROXY_USER")" "$(json_str "${CH_DEFAULT_HOST:-$CH_HOST}")" "$(json_str "$name")" "$ports" "$([[ -f $CH_KEY ]] && echo true || echo false)" \
      "$([[ $PT_ENABLED == yes ]] && echo true || echo false)" "$(json_str "$PT_HOST")" "$(json_str "$PT_PORT")" ;;
  status) do_status ;;
  pubkey)
    if [[ ! -f $CH_KEY || ! -f $CH_KEY.pub ]]; then
      lock
      ch_keygen || fail "$EX_FAIL" "cannot create the call-home key $CH_KEY"
      log "created the call-home key $CH_KEY"
      audit callhome.keygen "new RSA key $(ssh-keygen -l -f "$CH_KEY.pub" | awk '{print $2}')" ok
    fi
    key=$(ch_pubkey) || fail "$EX_FAIL" "cannot read $CH_KEY.pub"
    printf '{"ok":true,"pubkey":%s}\n' "$(json_str "$key")" ;;
  enable)
    lock; ch_load
    [[ -n $CH_HOST ]] || fail "$EX_USAGE" "no call-home host is set: set one first (set_callhome.sh --host H --port 22|443, or --default)"
    ch_keygen || fail "$EX_FAIL" "cannot create the call-home key $CH_KEY"
    if [[ $CH_ENABLED == yes ]]; then
      log "Call-Home is already enabled: restarting it"
      err=$(svc restart "$service" 2>&1) || { audit callhome.restart "$service" failed; fail "$EX_FAIL" "$service did not restart: ${err:-no message}"; }
      audit callhome.restart "$service" ok
      partner_follow restart
      printf '{"ok":true,"enabled":true,"restarted":true}\n'
    else
      apply_settings callhome.enable "enabled = yes, to $CH_HOST port $CH_PORT" "$service" "" "" callhome enabled yes
      partner_follow restart
      printf '{"ok":true,"enabled":true,"restarted":false}\n'
    fi ;;
  restart)
    lock; ch_load
    [[ $CH_ENABLED == yes ]] || fail "$EX_USAGE" "Call-Home is disabled: enable it instead"
    err=$(svc restart "$service" 2>&1) || { audit callhome.restart "$service" failed; fail "$EX_FAIL" "$service did not restart: ${err:-no message}"; }
    audit callhome.restart "$service" ok
    partner_follow restart
    printf '{"ok":true,"enabled":true,"restarted":true}\n' ;;
  disable)
    lock; ch_load
    apply_settings callhome.disable "enabled = no" "" "" "" callhome enabled no
    partner_follow stop
    log "stopping $service"
    if ! err=$(svc stop "$service" 2>&1); then
      audit callhome.stop "$service" failed
      fail "$EX_PARTIAL" "Call-Home is disabled in the settings, but $service did not stop: ${err:-no message}"
    fi
    printf '{"ok":true,"enabled":false}\n' ;;
  clear-cache)
    lock; ch_load
    [[ $CH_ENABLED == no ]] || fail "$EX_USAGE" "disable Call-Home first (callhome.sh disable), then clear the cache"
    if [[ -f $CH_KNOWN ]]; then
      if ! ssh-keygen -R "$CH_ALIAS" -f "$CH_KNOWN" >/dev/null 2>&1; then rm -f -- "$CH_KNOWN"; fi
      rm -f -- "$CH_KNOWN.old"
      # nothing else is kept there: an empty cache is no cache
      [[ -s $CH_KNOWN ]] || rm -f -- "$CH_KNOWN"
      audit callhome.clear-cache "known host keys of $CH_ALIAS removed" ok
      log "the call-home cache is cleared"
      printf '{"ok":true,"cleared":true}\n'
    else
      audit callhome.clear-cache "nothing cached" ok
      printf '{"ok":true,"cleared":false}\n'
    fi ;;
esac
