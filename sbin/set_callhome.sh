#!/usr/bin/env bash
# set_callhome.sh --host H --port 22|443 [--ssl] [--proxy URL] [--proxy-user U] [--user U]
# set_callhome.sh --default [--proxy URL] [--proxy-user U]
# Sets where the appliance calls home ([callhome] in appliance.ini). --ssl wraps SSH in SSL
# (port 443 only). --proxy: none, http://HOST:PORT or socks5://HOST:PORT. --proxy-user U: the
# HTTP proxy's password is read from standard input (never the command line). --user: the login on
# the call-home server (default autossh). --default: port 443 with SSL wrapping, to
# [callhome] default_host (or the current host). Restarts the call-home service when it is
# enabled; restored if it does not come back (exit 3). A stored proxy password is removed,
# in the same journaled change, when the change leaves no proxy user to use it.
# --dry-run: check and normalise everything, change nothing, and print what would be stored
# ({"dry_run":true,"changed","rows"}: the console's review is built from it).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"
# shellcheck source=lib/callhome.sh
. "$here/lib/callhome.sh"

case ${1:-} in -h|--help) cc_help ;; esac
USAGE="usage: set_callhome.sh [--dry-run] --host H --port 22|443 [--ssl] [--proxy URL] [--proxy-user U] [--user U] | --default"
host="" port="" ssl=no proxy="" proxy_user="" user="" dflt=no dry=no
while (($#)); do
  case $1 in
    --host|--port|--proxy|--proxy-user|--user)
      (($# >= 2)) || refuse "${1#--}" "$1 needs a value ($USAGE)"
      case $1 in --host) host=$2 ;; --port) port=$2 ;; --proxy) proxy=$2 ;; --proxy-user) proxy_user=$2 ;; --user) user=$2 ;; esac
      shift 2 ;;
    --ssl) ssl=yes; shift ;;
    --default) dflt=yes; shift ;;
    --dry-run) dry=yes; shift ;;
    --proxy-password*|--password*) refuse_secret_args "proxy password" "echo PASSWORD | set_callhome.sh ... --proxy-user USER" password ;;
    *) usage_error "unknown argument \"$1\" ($USAGE)" ;;
  esac
done
ch_load
if [[ $dflt == yes ]]; then
  [[ -z $host && -z $port && $ssl == no ]] || usage_error "--default sets host, port and SSL itself: give no --host, --port or --ssl with it"
  host=${CH_DEFAULT_HOST:-$CH_HOST}
  [[ -n $host ]] || fail "$EX_USAGE" "no default call-home host: [callhome] default_host is not set and no host is configured"
  port=443 ssl=yes
else
  [[ -n $host && -n $port ]] || usage_error "$USAGE"
fi
accept host check_callhome_host "$host"; host=$CHECKED
accept port check_callhome_port "$port"
accept ssl check_callhome_ssl "$port" "$ssl"
if [[ -n $proxy ]]; then accept proxy check_callhome_proxy "$proxy"; proxy=$CHECKED
else proxy=none; fi
[[ -z $user ]] || accept user check_login_name "$user"
[[ -n $user ]] || user=$CH_USER
secret_name="" secret=""
if [[ -n $proxy_user ]]; then
  accept proxy-user check_proxy_user "$proxy_user" "$proxy"
  read_secret "proxy password"
  accept password check_proxy_password "$SECRET"
  secret_name=callhome_proxy secret=$SECRET
fi

# plan: each setting as it is and as it will be; the password only when a proxy user will use it
plan() {
  ch_load
  plan_row host "$CH_HOST" "$host"
  plan_row port "$CH_PORT" "$port"
  plan_row ssl "$CH_SSL" "$ssl"
  plan_row proxy "$CH_PROXY" "$proxy"
  plan_row user "$CH_USER" "$user"
  plan_row proxy_user "$CH_PROXY_USER" "$proxy_user"
  local f; f=$(ch_proxy_secret)
  if [[ -n $secret_name ]]; then
    plan_secret proxy_password "$([[ -e $f ]] && echo '****')" '****' "$(secret_change callhome_proxy "$secret")"
  elif [[ -e $f ]]; then
    # a password nobody uses any more is not kept (it was the proxy login's, and that is gone)
    APPLY_REMOVE+=("$f"); plan_secret proxy_password '****' '' removed
  fi
}
if [[ $dry == yes ]]; then plan; plan_print; exit 0; fi

lock
plan
if [[ $PLAN_CHANGED == false ]]; then
  # saving what is already set must not drop a live support session by a restart
  log "nothing changes: these are the current settings"
  printf '{"ok":true,"changed":false,"restarted":false}\n'
  exit 0
fi
svc_name=""
[[ $CH_ENABLED == yes ]] && svc_name=$(service_for callhome "$CH_SERVICE")
detail="host $host port $port ssl $ssl proxy $proxy user $user"
[[ -n $secret_name ]] && detail+=" proxy user $proxy_user, password ($(describe_secret "$secret"))"
apply_settings callhome.set "$detail" "$svc_name" "$secret_name" "$secret" \
  callhome host "$host" callhome port "$port" callhome ssl "$ssl" callhome proxy "$proxy" \
  callhome user "$user" callhome proxy_user "$proxy_user"
printf '{"ok":true,"changed":true,"host":%s,"port":%d,"ssl":%s,"proxy":%s,"user":%s,"proxy_user":%s,"restarted":%s}\n' \
  "$(json_str "$host")" "$port" "$([[ $ssl == yes ]] && echo true || echo false)" "$(json_str "$proxy")" \
  "$(json_str "$user")" "$(json_str "$proxy_user")" "$([[ -n $svc_name ]] && echo true || echo false)"
