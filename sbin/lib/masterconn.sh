# shellcheck shell=bash
# The master connection one appliance keeps, shared by the vSensor's Setup > Master writers
# (set_pushtoken.sh, set_dcip_hmac.sh, set_push.sh) and the appliance's topology writer
# (set_topology.sh): the same [master] keys of appliance.ini (mode, host, proxy, token_label),
# the same secret files (secrets/push_token for Push Token, secrets/pull_hmac for Pull: 0600,
# read from stdin only, described by mask, length and hash prefix only), the same review rows.
# Sourced after common.sh and secrets.sh.

# mc_secret_name MODE → the secret file MODE uses ("" for legacy Push)
mc_secret_name() {
  case $1 in push-token) printf push_token ;; pull) printf pull_hmac ;; *) ;; esac
}

# mc_read_secret MODE → SECRET (checked, field "token"), MC_SECRET (its file name, "" for
# none), MC_MASK (how it may be shown: label:**** or ****). From standard input only (a
# terminal asks twice, without echo); the rules are src/rules/tokens.ts's twins.
MC_SECRET="" MC_MASK=""
mc_read_secret() {
  SECRET="" MC_SECRET=$(mc_secret_name "$1") MC_MASK=""
  case $1 in
    push-token) read_secret "push token"; accept token check_push_token "$SECRET"; MC_MASK="${SECRET%%:*}:****" ;;
    pull) read_hmac "pull-mode HMAC token" token; MC_MASK='****' ;;
  esac
}

# mc_plan MODE HOST PROXY REMOVE: the review rows of a master connection (after MC_SECRET,
# MC_MASK and SECRET are set): mode, host, proxy, the mode's secret, and the other modes'
# stored secrets (kept, or removed when REMOVE is yes: they join APPLY_REMOVE)
mc_plan() {
  local n others=()
  plan_row mode "$(ini_get "$SETTINGS_INI" master mode)" "$1"
  plan_row host "$(ini_get "$SETTINGS_INI" master host)" "$2"
  plan_row proxy "$(ini_get "$SETTINGS_INI" master proxy)" "$3"
  [[ -n $MC_SECRET ]] && plan_secret "$MC_SECRET" "$(secret_mask "$MC_SECRET")" "$MC_MASK" "$(secret_change "$MC_SECRET" "$SECRET")"
  for n in push_token pull_hmac; do [[ $n == "$MC_SECRET" ]] || others+=("$n"); done
  other_secrets "$4" "${others[@]}"
}

# mc_keys MODE HOST PROXY → MC_KEYS: the [master] keys as apply_settings takes them
# shellcheck disable=SC2034  # read by the writers
MC_KEYS=()
mc_keys() {
  local label=""
  [[ $1 == push-token ]] && label=${SECRET%%:*}
  # shellcheck disable=SC2034  # read by the writers
  MC_KEYS=(master mode "$1" master host "$2" master proxy "$3" master token_label "$label")
}
