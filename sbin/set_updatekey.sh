#!/usr/bin/env bash
# set_updatekey.sh — set the update key support gave for this vSensor (manual ch. 7 "Upgrading a
# vSensor"), read from standard input (on a terminal it is asked for twice, without echo):
#   set_updatekey.sh < key-file
# Configures the repository of the vSensor packages (etc/confconsole/updates.conf says where it
# is) with the key as its credential in APT's auth.conf.d (0600; never in a sources line or on a
# command line), then updates that repository's package index to see whether the key is accepted:
#   "changed":false (exit 0): this key is the one in place; nothing written or fetched
#   exit 0  accepted ({"accepted":true,"first_time":BOOL,...}; first_time: no vSensor package is
#           installed yet, the first installation is carried out from here: upgrade_vsensor.sh)
#   exit 5  the repository refused the key (HTTP 401/403; "cause":"refused"): nothing was changed
#   exit 6  the key is stored but could not be checked ("cause": unreachable, unresolved, tls,
#           proxy_refused, signature, not_found, locked, failed): fix that, then Upgrade
# On the demo appliance the key is stored but no package manager runs ("checked":false).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/updates.sh
. "$here/lib/updates.sh"

USAGE="usage: set_updatekey.sh < key"
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --) shift; break ;;
    --?*) usage_error "unknown option \"$1\" ($USAGE)" ;;
    *) refuse_secret_args "update key" "echo KEY | set_updatekey.sh" key ;;
  esac
done
read_secret "update key"
accept key check_update_key "$SECRET"
upd_conf_load

lock
# the key in place (the same files byte for byte): nothing written, fetched or audited (issue 15)
same() { [[ -f $1 && $(<"$1") == "$2" ]]; }
if same "$UPD_AUTH" "$(upd_auth_text "$SECRET")" && same "$UPD_LIST" "$(upd_list_text)" && { [[ -z $UPD_CA_INFO ]] || same "$UPD_APTCONF" "$(upd_aptconf_text)"; }; then
  first=false; upd_none_installed && first=true
  log "nothing changes: this update key is the one in place"
  printf '{"ok":true,"changed":false,"checked":false,"accepted":null,"first_time":%s,"packages":%s}\n' "$first" "$(upd_installed_json)"
  exit 0
fi
what="update key ($(describe_secret "$SECRET")) for $UPD_URL"
files=("$UPD_AUTH" "$UPD_LIST")
[[ -n $UPD_CA_INFO ]] && files+=("$UPD_APTCONF")
upd_begin "${files[@]}"
upd_put "$UPD_AUTH" 0600 "$(upd_auth_text "$SECRET")"
upd_put "$UPD_LIST" 0644 "$(upd_list_text)"
[[ -n $UPD_CA_INFO ]] && upd_put "$UPD_APTCONF" 0644 "$(upd_aptconf_text)"
log "update key stored in ${UPD_AUTH}; repository ${UPD_URL} in ${UPD_LIST}"

first=false; upd_none_installed && first=true
if is_demo; then
  record_host_effect "apt-get update of $UPD_URL (not run: demo appliance)"
  audit updates.key "$what" "ok, not checked (demo)"
  txn_end
  printf '{"ok":true,"changed":true,"checked":false,"demo":true,"accepted":null,"first_time":%s,"packages":%s}\n' "$first" "$(upd_installed_json)"
  exit 0
fi
upd_apt_setup
if upd_index_update; then
  audit updates.key "$what" ok
  txn_end
  printf '{"ok":true,"changed":true,"checked":true,"accepted":true,"first_time":%s,"packages":%s}\n' "$first" "$(upd_installed_json)"
  exit 0
fi
CC_FAIL_EXTRA="\"checked\":true,$(upd_cause_json)"
if [[ $UPD_CAUSE == refused ]]; then
  upd_restore
  audit updates.key "$what" "refused (HTTP $UPD_HTTP), not changed"
  CC_FAIL_EXTRA+=',"accepted":false'
  fail_on key "$EX_TESTFAIL" "$(upd_cause_text): nothing was changed (check the key support gave you)"
fi
audit updates.key "$what" "ok, not checked ($UPD_CAUSE)"
txn_end
CC_FAIL_EXTRA+=',"accepted":null,"stored":true'
fail "$EX_PARTIAL" "the update key is stored, but whether it is accepted is not known: $(upd_cause_text)"
