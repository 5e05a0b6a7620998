#!/usr/bin/env bash
# set_update_proxy.sh http://HOST:PORT [--user USER] | --none — the HTTP(S) proxy of the package
# manager only (Updates > Proxy for updates; nothing else on the appliance uses it):
#   Acquire::http::Proxy and Acquire::https::Proxy in etc/apt/apt.conf.d/80confconsole-proxy.
# With --user the proxy password is read from standard input (asked twice, without echo, on a
# terminal) and stored with the login in etc/apt/auth.conf.d/confconsole-proxy.conf (0600):
# apt.conf.d stays readable by every user's apt, so no password goes there.
# When an update key is set, the repository's index is then fetched through the proxy: a proxy
# that refuses the login (HTTP 407) or cannot be reached is not kept (exit 5, "cause"), the
# previous proxy settings are back. --none removes the proxy (and its login).
# The proxy in place given again: "changed":false, nothing written, fetched or audited.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/updates.sh
. "$here/lib/updates.sh"

USAGE="usage: set_update_proxy.sh http://HOST:PORT [--user USER] (password on stdin) | --none"
url="" user="" none=no
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --none) none=yes; shift ;;
    --user) (($# >= 2)) || usage_error "--user needs a user name ($USAGE)"; user=$2; shift 2 ;;
    --password*) refuse_secret_args "proxy password" "echo PASSWORD | set_update_proxy.sh URL --user USER" password ;;
    --?*) usage_error "unknown option \"$1\" ($USAGE)" ;;
    *) [[ -z $url ]] || usage_error "one proxy URL only ($USAGE)"; url=$1; shift ;;
  esac
done
if [[ $none == yes ]]; then
  [[ -z $url && -z $user ]] || usage_error "--none takes no URL or user ($USAGE)"
else
  [[ -n $url ]] || usage_error "$USAGE"
  accept proxy check_master_proxy "$url"; url=${CHECKED:-}
  if [[ -n $user ]]; then
    accept user check_proxy_user "$user" "$url"
    read_secret "proxy password"
    accept password check_apt_password "$SECRET"
  fi
fi
upd_conf_load

lock
# the proxy in place (the same files, byte for byte): nothing written, fetched or audited (issue 15)
same() { [[ -f $1 && $(<"$1") == "$2" ]]; }
proxy_text() { printf '// written by confconsole (Updates > Proxy for updates): the package manager'"'"'s proxy only\nAcquire::http::Proxy "%s/";\nAcquire::https::Proxy "%s/";' "$url" "$url"; }
auth_text() { printf 'machine %s\nlogin %s\npassword %s' "$url" "$user" "$SECRET"; }
if { [[ $none == yes && ! -e $UPD_PROXY && ! -e $UPD_PROXY_AUTH ]]; } ||
  { [[ $none == no ]] && same "$UPD_PROXY" "$(proxy_text)" && if [[ -n $user ]]; then same "$UPD_PROXY_AUTH" "$(auth_text)"; else [[ ! -e $UPD_PROXY_AUTH ]]; fi; }; then
  log "nothing changes: this is the proxy for updates in place"
  jp=null ju=null
  [[ $none == no ]] && jp=$(json_str "$url")
  [[ -n $user ]] && ju=$(json_str "$user")
  printf '{"ok":true,"changed":false,"proxy":%s,"user":%s,"checked":false,"cause":""}\n' "$jp" "$ju"
  exit 0
fi
upd_begin "$UPD_PROXY" "$UPD_PROXY_AUTH"
if [[ $none == yes ]]; then
  upd_drop "$UPD_PROXY"; upd_drop "$UPD_PROXY_AUTH"
  what="no proxy"
else
  upd_put "$UPD_PROXY" 0644 "$(proxy_text)"
  if [[ -n $user ]]; then
    upd_put "$UPD_PROXY_AUTH" 0600 "$(auth_text)"
    what="$url, user $user, password ($(describe_secret "$SECRET"))"
  else
    upd_drop "$UPD_PROXY_AUTH"
    what="$url, no login"
  fi
fi
log "proxy for updates: $what"

checked=false
if [[ $none == no ]] && upd_key_set && ! is_demo; then
  upd_apt_setup
  checked=true
  if ! upd_index_update && [[ $UPD_CAUSE == proxy_* || $UPD_CAUSE == unresolved ]]; then
    upd_restore
    audit updates.proxy "$what" "failed ($UPD_CAUSE), not changed"
    # shellcheck disable=SC2034  # read by fail_on (core.sh)
    CC_FAIL_EXTRA="\"checked\":true,$(upd_cause_json)"
    field=proxy; [[ $UPD_CAUSE == proxy_refused ]] && field=password
    fail_on "$field" "$EX_TESTFAIL" "the package index could not be fetched through $url: $(upd_cause_text); the previous proxy settings are kept"
  fi
fi
audit updates.proxy "$what" ok
txn_end
jp=null ju=null
[[ $none == no ]] && jp=$(json_str "$url")
[[ -n $user ]] && ju=$(json_str "$user")
printf '{"ok":true,"changed":true,"proxy":%s,"user":%s,"checked":%s,"cause":%s}\n' "$jp" "$ju" "$checked" "$(json_str "${UPD_CAUSE:-}")"
