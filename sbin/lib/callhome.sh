# shellcheck shell=bash
# Call-home: a reverse SSH tunnel (autossh) from the appliance to the call-home server, which
# then reaches the appliance's SSH and HTTPS through ports on its own loopback. Sourced after
# common.sh. Settings in appliance.ini [callhome] (enabled, host, port 22|443, ssl, proxy,
# user, proxy_user) and [partner] (host, port, enabled); the key and the known_hosts cache in
# /etc/confconsole/callhome.
CH_DIR=$(p /etc/confconsole/callhome)
CH_KEY=$CH_DIR/id_rsa
CH_KNOWN=$CH_DIR/known_hosts
CH_CA=$CH_DIR/ca.pem
CH_PIDFILE=$(p /run/confconsole/callhome.pid)
# the tunnel's log: autossh's own lines (one "starting ssh" per attempt) and ssh's messages,
# begun afresh at each start of the service; status reads why the forwards fail from it
CH_LOG=$(p /run/confconsole/callhome.log)
CH_ALIAS=callhome
CH_SERVICE=confconsole-callhome
# dual call-home: the partner's tunnel is a second service of the same script (--partner)
# shellcheck disable=SC2034  # used by the scripts (callhome_tunnel.sh, callhome.sh, set_partner.sh)
{
  CH_PARTNER_PIDFILE=$(p /run/confconsole/callhome-partner.pid)
  CH_PARTNER_LOG=$(p /run/confconsole/callhome-partner.log)
  CH_PARTNER_SERVICE=confconsole-callhome-partner
}

# ch_load: the settings into CH_* variables
# shellcheck disable=SC2034  # CH_* and PT_* are read by the scripts
ch_load() {
  CH_ENABLED=$(ini_get "$SETTINGS_INI" callhome enabled)
  [[ $CH_ENABLED == yes ]] || CH_ENABLED=no
  CH_HOST=$(ini_get "$SETTINGS_INI" callhome host)
  CH_PORT=$(ini_get "$SETTINGS_INI" callhome port)
  [[ -n $CH_PORT ]] || CH_PORT=22
  CH_SSL=$(ini_get "$SETTINGS_INI" callhome ssl)
  [[ $CH_SSL == yes ]] || CH_SSL=no
  CH_PROXY=$(ini_get "$SETTINGS_INI" callhome proxy)
  [[ -n $CH_PROXY ]] || CH_PROXY=none
  CH_USER=$(ini_get "$SETTINGS_INI" callhome user)
  [[ -n $CH_USER ]] || CH_USER=autossh
  CH_PROXY_USER=$(ini_get "$SETTINGS_INI" callhome proxy_user)
  CH_DEFAULT_HOST=$(ini_get "$SETTINGS_INI" callhome default_host)
  PT_HOST=$(ini_get "$SETTINGS_INI" partner host)
  PT_PORT=$(ini_get "$SETTINGS_INI" partner port)
  PT_ENABLED=$(ini_get "$SETTINGS_INI" partner enabled)
  [[ $PT_ENABLED == yes ]] || PT_ENABLED=no
}

# the appliance's host name: /etc/hostname under the root, else the running host's
ch_hostname() {
  local h=""
  [[ -f $(p /etc/hostname) ]] && h=$(head -n1 -- "$(p /etc/hostname)" | tr -d '[:space:]')
  [[ -n $h ]] || h=$(hostname 2>/dev/null)
  printf '%s' "$h"
}

# ch_ports HOSTNAME → CH_FWD_SSH, CH_FWD_HTTPS (the manual's formula); 1 when the name is not
# PREFIX-MIDDLE-LAST (dt-123-01): 10000|30000 + 10 × (MIDDLE mod 1000) + LAST
# shellcheck disable=SC2034  # CH_FWD_SSH and CH_FWD_HTTPS are read by the scripts
ch_ports() {
  is_appliance_hostname "$1" || return 1
  local last=${1##*-} mid=${1%-*}
  mid=$((10#${mid##*-} % 1000)) last=$((10#$last))
  CH_FWD_SSH=$((10000 + 10 * mid + last))
  CH_FWD_HTTPS=$((30000 + 10 * mid + last))
}

# ch_local_ports → CH_LOCAL_SSH, CH_LOCAL_HTTPS: what the forwards lead to on this appliance
# (22 and 443; the tests' env CONFCONSOLE_CALLHOME_LOCAL_SSH / _HTTPS); 1 when one is no port
# shellcheck disable=SC2034  # read by callhome_tunnel.sh and callhome.sh status
ch_local_ports() {
  CH_LOCAL_SSH=${CONFCONSOLE_CALLHOME_LOCAL_SSH:-22}
  CH_LOCAL_HTTPS=${CONFCONSOLE_CALLHOME_LOCAL_HTTPS:-443}
  is_port "$CH_LOCAL_SSH" && is_port "$CH_LOCAL_HTTPS"
}

# ch_forward_error → the last forwarding failure ssh logged since the tunnel started, empty when
# there is none (a success is silent: the status's probe through the server says that)
ch_forward_error() {
  [[ -f $CH_LOG ]] || return 0
  # (ssh ends its lines with \r\n when it has a terminal somewhere: the \r is no part of them)
  tail -n 200 -- "$CH_LOG" | tr -d '\r' | awk '/forwarding failed|cannot listen|administratively prohibited/ { e = $0 } END { printf "%s", e }'
}

# the proxy's HOST:PORT as nc -x / openssl -proxy / ncat --proxy take it
ch_proxy_hp() { local hp=${CH_PROXY#*://}; printf '%s' "$hp"; }

q() { printf '%q' "$1"; }
ch_proxy_host() { local h; h=$(ch_proxy_hp); h=${h%:*}; h=${h#[}; printf '%s' "${h%]}"; }
ch_proxy_secret() { printf '%s/callhome_proxy' "$(p /etc/confconsole/secrets)"; }

# ch_transport MODE → the command that carries the SSH stream to %h %p (empty: direct TCP).
# MODE ssh: a ProxyCommand; MODE probe: the same transport, reading only (for the TCP check).
ch_transport() {
  local mode=$1 hp cmd=""
  hp=$(ch_proxy_hp)
  if [[ $CH_SSL == yes ]]; then
    case $CH_PROXY in
      socks5://*)
        cmd="ncat --ssl --ssl-verify"
        [[ -f $CH_CA ]] && cmd+=" --ssl-trustfile $(q "$CH_CA")"
        cmd+=" --proxy $(q "$hp") --proxy-type socks5"
        [[ $mode == probe ]] && cmd+=" --recv-only"
        cmd+=" %h %p" ;;
      *)
        cmd="openssl s_client -quiet -verify_quiet -verify_return_error"
        [[ -f $CH_CA ]] && cmd+=" -CAfile $(q "$CH_CA")"
        cmd+=" -servername %h -verify_hostname %h -connect %h:%p"
        [[ $CH_PROXY == http://* ]] && cmd+=" -proxy $(q "$hp")"
        if [[ $CH_PROXY == http://* && -n $CH_PROXY_USER ]]; then
          cmd+=" -proxy_user $(q "$CH_PROXY_USER") -proxy_pass $(q "file:$(ch_proxy_secret)")"
        fi ;;
    esac
  else
    local d=""; [[ $mode == probe ]] && d="-d "
    case $CH_PROXY in
      http://*)
        if [[ -n $CH_PROXY_USER ]]; then
          cmd="$(q "$CC_SBIN/callhome_proxy.sh") $(q "$(ch_proxy_host)") $(q "${hp##*:}") $(q "$CH_PROXY_USER") $(q "$(ch_proxy_secret)") %h %p"
        else cmd="nc ${d}-X connect -x $(q "$hp") %h %p"; fi ;;
      socks5://*) cmd="nc ${d}-X 5 -x $(q "$hp") %h %p" ;;
      *) [[ $mode == probe ]] && cmd="nc ${d}-w 10 %h %p" ;;
    esac
  fi
  printf '%s' "$cmd"
}

# ch_ssh_opts → CH_SSH_OPTS: the options every call-home ssh uses (tunnel and checks)
ch_ssh_opts() {
  local pc
  CH_SSH_OPTS=(-F /dev/null -o BatchMode=yes -o HostKeyAlias="$CH_ALIAS" -o UserKnownHostsFile="$CH_KNOWN"
    -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=accept-new -o UpdateHostKeys=no
    -o IdentitiesOnly=yes -o IdentityFile="$CH_KEY" -o ConnectTimeout=10 -p "$CH_PORT" -l "$CH_USER")
  pc=$(ch_transport ssh)
  [[ -n $pc ]] && CH_SSH_OPTS+=(-o ProxyCommand="$pc")
  return 0
}

# ch_keygen: the appliance's key pair (RSA, no passphrase), made once
ch_keygen() {
  mkdir -p -- "$CH_DIR" && chmod 0700 -- "$CH_DIR" || return 1
  [[ -f $CH_KEY && -f $CH_KEY.pub ]] && return 0
  rm -f -- "$CH_KEY" "$CH_KEY.pub"
  ssh-keygen -q -t rsa -b 3072 -N '' -C "autossh@$(ch_hostname)" -f "$CH_KEY" </dev/null >/dev/null || return 1
  chmod 0600 -- "$CH_KEY"
}

# the public key in the one-line form the partner's authorized_keys takes
ch_pubkey() {
  local t k
  read -r t k _ <"$CH_KEY.pub" || return 1
  printf '%s %s autossh@%s' "$t" "$k" "$(ch_hostname)"
}

# is the tunnel running? (demo: the last recorded start/stop of the service) → CH_PID
# shellcheck disable=SC2034  # CH_PID is read by callhome.sh status
ch_running() {
  if is_demo; then
    local last
    last=$(grep -E " service $CH_SERVICE (start|restart|stop)$" "$HOST_EFFECTS_LOG" 2>/dev/null | tail -n1)
    [[ -n $last && $last != *" stop" ]]; return
  fi
  local pid
  [[ -f $CH_PIDFILE ]] || return 1
  read -r pid <"$CH_PIDFILE" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE 'autossh|callhome_tunnel' || return 1
  CH_PID=$pid
}
