#!/usr/bin/env bash
# callhome.sh COMMAND — the call-home (reverse SSH tunnel) service of this appliance.
#   enable        [callhome] enabled = yes and start the tunnel (while enabled: restart it)
#   disable       [callhome] enabled = no and stop the tunnel
#   restart       restart the tunnel (enabled only)
#   status        the manual's five checks and the forwards' own (the server's ports really lead
#                 back here): {"ok","enabled","rows":[{"check","status","detail","advice"}]},
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

row_json() { # CHECK STATUS DETAIL ADVICE (the detail repeats what servers and tools said: escaped)
  printf '{"check":%s,"status":%s,"detail":%s,"advice":%s}' "$(json_str "$1")" "$(json_str "$2")" "$(json_str "$(esc "$3")")" "$(json_str "$4")"
}

# the manual's five checks, in its order
C_RUNNING="Call-Home Service running"
C_ENABLED="Call-Home Service Config Enabled"
C_DNS="Call-Home Hostname Resolution by DNS"
C_TCP="Call-Home Remote Host TCP Connectivity"
C_AUTH="Call-Home Authentication"
# not the manual's: a login that works says nothing of the forwards (a stale session on the
# server can hold their ports while every other row reads OK)
C_FWD="Call-Home Port Forwarding"

ADV_RUNNING="Likely the appliance is not working or there is an issue with the cables. Check the cables. The Admin must connect to Management. Does it have internet connection? Check Control Access List."
ADV_ENABLED="This indicates a problem with the Call-Home setting. Call-Home is disabled. Enable it in the Console."
ADV_DNS="Indicates the DNS servers are incorrectly configured. Check your DNS server connection and details."
ADV_TCP="Suggests a Firewall is blocking the connection. Enable a new rule for the firewall to accept it."
ADV_FWD="The Call-Home server does not give this appliance its ports, or they do not lead back here. A stale session of this appliance still holding them is dropped by the server in time (or ask its admin to end it); check the host name (the ports follow from it) and that this appliance's SSH service runs."
ADV_AUTH="Indicates an issue with the network configuration, using the incorrect gateway, or the wrong IP and subnet has been set. The IP and gateway have to have same subnet (for example, on the 192, 10 ranges)."

# probe CMD [SECONDS]: run a transport command (read only) and take the first line it prints
probe() {
  local out err pid i
  out=$(mktemp) err=$(mktemp)
  timeout "${2:-12}" sh -c "exec $1" </dev/null >"$out" 2>"$err" 9>&- &
  pid=$!
  for ((i = 0; i < ${2:-12} * 10; i++)); do
    [[ $(wc -l <"$out") -ge 1 ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  PROBE_LINE=$(head -n1 -- "$out" | tr -d '\r')
  PROBE_ERR=$(grep -v '^$' -- "$err" | tail -n2 | tr '\n' ' ')
  rm -f -- "$out" "$err"
}

# check_forwards: the last row. Through the server (ssh -W, as the server's own side would
# connect) its 127.0.0.1 port for this appliance's SSH must answer with this appliance's own SSH
# banner; when it does not, the tunnel's log says why (ssh's forwarding failure), or nothing
# answers here behind the forward.
check_forwards() {
  local name remote here fwd_err cmd
  if is_demo; then add "$C_FWD" skip "demo appliance: not checked"; return; fi
  if [[ -z $CH_HOST ]]; then add "$C_FWD" skip "not checked: no call-home host set"; return; fi
  if [[ $resolved == no ]]; then add "$C_FWD" skip "not checked: $CH_HOST does not resolve"; return; fi
  if ! ch_running; then add "$C_FWD" skip "not checked: the tunnel is not running"; return; fi
  name=$(ch_hostname)
  if ! ch_ports "$name"; then add "$C_FWD" fail "the host name \"$name\" is not of the form NAME-NNN-NN: the tunnel has no ports" "$ADV_FWD"; return; fi
  if ! ch_local_ports; then add "$C_FWD" fail "bad local target port" "$ADV_FWD"; return; fi
  fwd_err=$(ch_forward_error)
  probe "nc -d -w 3 localhost $CH_LOCAL_SSH" 4; here=$PROBE_LINE
  ch_ssh_opts
  printf -v cmd '%q ' ssh -W "127.0.0.1:$CH_FWD_SSH" "${CH_SSH_OPTS[@]}" "$CH_HOST"
  probe "$cmd" 8; remote=$PROBE_LINE
  if [[ -n $here && $remote == "$here" ]]; then
    add "$C_FWD" ok "the server's 127.0.0.1:$CH_FWD_SSH reaches this appliance's SSH (forwards $CH_FWD_SSH, $CH_FWD_HTTPS)"
  elif [[ -n $fwd_err ]]; then
    add "$C_FWD" fail "the server does not open its ports $CH_FWD_SSH/$CH_FWD_HTTPS for this tunnel, which keeps trying (ssh: ${fwd_err#Error: }); a stale session may still hold them" "$ADV_FWD"
  elif [[ -z $here ]]; then
    add "$C_FWD" fail "nothing answers at localhost:$CH_LOCAL_SSH on this appliance: the server's port $CH_FWD_SSH leads nowhere (is the SSH service running?)" "$ADV_FWD"
  elif [[ -n $remote ]]; then
    add "$C_FWD" fail "the server's 127.0.0.1:$CH_FWD_SSH answers, but not with this appliance's SSH (\"${remote:0:60}\", here: \"${here:0:60}\"): another session holds it" "$ADV_FWD"
  else
    add "$C_FWD" fail "the server's 127.0.0.1:$CH_FWD_SSH does not lead to this appliance${PROBE_ERR:+ ($PROBE_ERR)}" "$ADV_FWD"
  fi
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
    elif [[ ! -f $CH_KEY ]]; then add "$C_AUTH" fail "this appliance has no call-home key yet (Call-Home public key, or confconsole callhome pubkey, makes it)" "$ADV_AUTH"
    else
      local err rc
      ch_ssh_opts
      err=$(timeout 25 ssh -T -o ClearAllForwardings=yes "${CH_SSH_OPTS[@]}" "$CH_HOST" true 2>&1 </dev/null 9>&-); rc=$?
      if ((rc == 0)); then add "$C_AUTH" ok "logged in as $CH_USER"
      elif grep -qiE 'IDENTIFICATION HAS CHANGED|Host key verification failed|host key .*changed' <<<"$err"; then
        add "$C_AUTH" fail "the server's host key changed (not the one in the call-home cache); if the server was reinstalled, disable Call-Home and clear the cache" "$ADV_AUTH"
      elif grep -qi 'Permission denied' <<<"$err"; then
        add "$C_AUTH" fail "key refused: the server does not accept this appliance's key for $CH_USER (give it the key: Call-Home public key, or confconsole callhome pubkey)" "$ADV_AUTH"
      else
        add "$C_AUTH" fail "ssh failed (exit $rc): $(grep -v '^$' <<<"$err" | tail -n1)" "$ADV_AUTH"
      fi
    fi
  fi
  check_forwards
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
    [[ -n $CH_HOST ]] || fail "$EX_USAGE" "no call-home host is set: set one first (Call-Home configuration, or confconsole callhome set --host H --port 22|443, or --default)"
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
    [[ $CH_ENABLED == no ]] || fail "$EX_USAGE" "disable Call-Home first (Enable/Disable Call-Home, or confconsole callhome disable), then clear the cache"
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
