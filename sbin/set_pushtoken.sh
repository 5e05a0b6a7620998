#!/usr/bin/env bash
# set_pushtoken.sh [--dry-run] [--remove-old-secret] HOST [PROXY] — connect this vSensor to its
# master in Push Token mode. The push token (label:secret, as the master shows it once) is read
# from standard input, never from the command line:   set_pushtoken.sh master.example.com < token-file
# HOST: the master's host name (recommended for cloud masters) or IP, optionally :PORT.
# PROXY: optional http://HOST:PORT. Restarts the probe service; restored if it fails (exit 3; 7 when it stays down
# with the old settings too).
# The Pull mode's HMAC token, when one is stored, is kept unless --remove-old-secret is given
# (removed in the same journaled change). --dry-run: check everything, change nothing, and print
# what would be stored ({"dry_run":true,"changed","rows"}).
# The manual's older form `set_pushtoken.sh TOKEN HOST [PROXY]` still works, with a warning:
# a token on the command line is visible to every user in the process list.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"
# shellcheck source=lib/masterconn.sh
. "$here/lib/masterconn.sh"

USAGE="usage: set_pushtoken.sh [--dry-run] [--remove-old-secret] HOST [PROXY] < token"
HOW="echo 'label:secret' | set_pushtoken.sh HOST [PROXY]"
dry=no remove=no
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --dry-run) dry=yes; shift ;;
    --remove-old-secret) remove=yes; shift ;;
    --) shift; break ;;
    --?*) usage_error "unknown option \"$1\" ($USAGE)" ;;
    *) break ;;
  esac
done
token_arg=""
# The manual's form puts the token first. A token (label:secret, secret 8+ characters) is never
# a HOST[:PORT] (a port has at most 5 digits), so the two forms cannot be confused.
if (($# >= 2)) && check_push_token "$1" && ! check_master_host "$1"; then token_arg=$1; shift; fi
(($# >= 1 && $# <= 2)) || usage_error "$USAGE"
accept host check_master_host "$1"; host=$CHECKED
proxy=""
if (($# == 2)); then accept proxy check_master_proxy "$2"; proxy=$CHECKED; fi
if [[ -n $token_arg ]]; then
  secret_arg "push token" "$token_arg" "$HOW"; accept token check_push_token "$SECRET"
  MC_SECRET=push_token MC_MASK="${SECRET%%:*}:****"
else mc_read_secret push-token; fi
label=${SECRET%%:*}

plan() { mc_plan push-token "$host" "$proxy" "$remove"; }
if [[ $dry == yes ]]; then plan; plan_print; exit 0; fi

lock
plan
mc_keys push-token "$host" "$proxy"
apply_settings master.set "mode push-token, master https://$host${proxy:+, proxy $proxy}, token $label:**** ($(describe_secret "$SECRET"))" \
  "$(service_for probe vsensor-probe)" push_token "$SECRET" "${MC_KEYS[@]}"
printf '{"ok":true,"changed":%s,"mode":"push-token","host":%s,"proxy":%s,"token":%s,"removed":%s}\n' "$(changed_json)" "$(json_str "$host")" "$(json_str "$proxy")" \
  "$(json_str "$label:****")" "$(json_arr "${APPLY_REMOVE[@]##*/}")"
