#!/usr/bin/env bash
# callhome_tunnel.sh — the call-home service's ExecStart (confconsole-callhome.service): reads
# [callhome] from appliance.ini and execs `autossh -M 0` holding a reverse SSH tunnel to the
# call-home server. The server reaches this appliance's SSH and HTTPS on its own 127.0.0.1 at
# the ports of the host-name formula (dt-123-01 → 11231 and 31231). Writes its pid to
# /run/confconsole/callhome.pid. Exit 78 when call-home is disabled or not configured.
# ssh exits when a forward cannot be opened (ExitOnForwardFailure: the server's port is held,
# say by a stale session, or not permitted) and autossh tries again; every attempt and ssh's
# reason go to /run/confconsole/callhome.log too (begun afresh here), where callhome.sh status
# reads why the forwards fail.
# --partner: the partner's tunnel instead (dual call-home, confconsole-callhome-partner.service):
# to [partner] host and port, plain SSH (through the same proxy), the same key and ports.
# Env (tests): CONFCONSOLE_CALLHOME_LOCAL_SSH / CONFCONSOLE_CALLHOME_LOCAL_HTTPS override the
# local target ports (22 / 443); CONFCONSOLE_CALLHOME_ALIVE the ServerAliveInterval (30).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/callhome.sh
. "$here/lib/callhome.sh"

partner=no
case ${1:-} in -h|--help) cc_help ;; --partner) partner=yes; shift ;; esac
(($# == 0)) || usage_error "usage: callhome_tunnel.sh [--partner]"
EX_CONFIG=78

ch_load
[[ $CH_ENABLED == yes ]] || { log "call-home is disabled ([callhome] enabled = no)"; exit "$EX_CONFIG"; }
if [[ $partner == yes ]]; then
  # dual call-home: the same tunnel to the partner's SSH server (its own host key alias)
  [[ $PT_ENABLED == yes && -n $PT_HOST && -n $PT_PORT ]] || { log "no partner connection set ([partner])"; exit "$EX_CONFIG"; }
  CH_HOST=$PT_HOST CH_PORT=$PT_PORT CH_SSL=no CH_ALIAS=partner CH_PIDFILE=$CH_PARTNER_PIDFILE CH_LOG=$CH_PARTNER_LOG
fi
[[ -n $CH_HOST ]] || { log "no call-home host set ([callhome] host)"; exit "$EX_CONFIG"; }
name=$(ch_hostname)
ch_ports "$name" || { log "the host name \"$name\" is not of the form NAME-NNN-NN: no forward ports"; exit "$EX_CONFIG"; }
ch_local_ports || { log "bad local target port"; exit "$EX_CONFIG"; }
ch_keygen || { log "cannot create the call-home key $CH_KEY"; exit "$EX_FAIL"; }
ch_ssh_opts

mkdir -p -- "${CH_PIDFILE%/*}"
printf '%s\n' "$$" >"$CH_PIDFILE"
: >"$CH_LOG"
export AUTOSSH_GATETIME=0 AUTOSSH_LOGFILE=$CH_LOG
log "calling home to $CH_USER@$CH_HOST port $CH_PORT (ssl $CH_SSL, proxy $CH_PROXY): server 127.0.0.1:$CH_FWD_SSH → ssh, 127.0.0.1:$CH_FWD_HTTPS → https"
# ssh's messages to the service's log and to CH_LOG (tee: the same lines in both)
exec autossh -M 0 -N "${CH_SSH_OPTS[@]}" \
  -o ExitOnForwardFailure=yes -o ServerAliveInterval="${CONFCONSOLE_CALLHOME_ALIVE:-30}" -o ServerAliveCountMax=3 \
  -R "127.0.0.1:$CH_FWD_SSH:localhost:$CH_LOCAL_SSH" -R "127.0.0.1:$CH_FWD_HTTPS:localhost:$CH_LOCAL_HTTPS" \
  "$CH_HOST" 2> >(tee -a -- "$CH_LOG" >&2)
