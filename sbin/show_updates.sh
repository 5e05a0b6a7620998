#!/usr/bin/env bash
# show_updates.sh — what Updates shows (manual ch. 7): whether an update key is set (its length
# and a hash prefix, never the key), the repository, the proxy for updates, the vSensor packages
# installed with their versions (dpkg's database), when they were last installed or upgraded
# (APT's history.log, rotated ones too) and when the repository's index was last fetched
# (APT's lists), and where the repository settings come from (updates.conf or the built-in
# placeholder) with what is wrong in updates.conf (said, never a failure: the rest is shown).
# Changes nothing:
#   {"key_set":BOOL,"key":{"length":N}|null,"repository":URL,
#    "config":{"file":PATH,"exists":BOOL,"from_file":[KEY...],"suite","components","packages","login","error":TEXT|null},
#    "proxy":"http://host:port"|null,"proxy_user":U|null,"packages":[{"package","version"|null}],
#    "last_upgrade":"YYYY-MM-DD HH:MM:SS"|null,"last_index_update":"YYYY-MM-DDTHH:MM:SSZ"|null,"demo":BOOL}
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/updates.sh
. "$here/lib/updates.sh"

case ${1:-} in -h|--help) cc_help ;; '') ;; *) usage_error "usage: show_updates.sh" ;; esac
upd_conf_load --lenient

key=null
if upd_key_set; then
  pw=$(awk '$1 == "password" { print $2; exit }' "$UPD_AUTH" 2>/dev/null) || pw=""
  # its length only: a hash of a short key would let it be guessed offline (a show writes nothing, so no keyed fingerprint)
  [[ -n $pw ]] && key="{\"length\":${#pw}}"
  unset pw
fi

# the End-Date of the last transaction in APT's history that installed or upgraded one of them
last_upgrade=$(
  logs=()
  for f in "$(p /var/log/apt)"/history.log.*.gz; do [[ -e $f ]] && logs+=("$f"); done
  # oldest first: history.log.N.gz (highest N) ... history.log.1.gz, then history.log
  mapfile -t logs < <(printf '%s\n' "${logs[@]}" | sort -t. -k3,3nr)
  [[ -e $(p /var/log/apt/history.log) ]] && logs+=("$(p /var/log/apt/history.log)")
  ((${#logs[@]})) || exit 0
  zcat -f -- "${logs[@]}" 2>/dev/null | awk -v pkgs=" ${UPD_PACKAGES} " '
    /^Start-Date:/ { hit = 0 }
    /^(Install|Upgrade|Reinstall): / { n = split($0, a, /[ ,]+/); for (i = 2; i <= n; i++) { p = a[i]; sub(/:.*/, "", p); if (index(pkgs, " " p " ")) hit = 1 } }
    /^End-Date:/ { if (hit) { last = $2 " " $3 } }
    END { if (last != "") print last }'
)
# the newest index file of the repository (APT names them after the URL)
last_index=""
f=$(find "$(p /var/lib/apt/lists)" -maxdepth 1 -name "${UPD_HOSTPORT//\//_}*Release" -printf '%T@ %p\n' 2>/dev/null | sort -nr | head -n1)
[[ -n $f ]] && last_index=$(date -u -d "@${f%% *}" +%Y-%m-%dT%H:%M:%SZ)

proxy=$(upd_proxy_now) puser=$(upd_proxy_user_now)
demo=false; is_demo && demo=true
jn() { if [[ -n $1 ]]; then json_str "$1"; else printf null; fi; }
key_set=false; upd_key_set && key_set=true
exists=false; [[ -e $UPD_CONF ]] && exists=true
from=""
for k in "${UPD_FROM_FILE[@]}"; do from+="${from:+,}$(json_str "$k")"; done
config=$(printf '{"file":%s,"exists":%s,"from_file":[%s],"suite":%s,"components":%s,"packages":%s,"login":%s,"error":%s}' \
  "$(json_str "$UPD_CONF")" "$exists" "$from" "$(json_str "$UPD_SUITE")" "$(json_str "$UPD_COMPONENTS")" "$(json_str "$UPD_PACKAGES")" "$(json_str "$UPD_LOGIN")" "$(jn "$UPD_CONF_ERROR")")
printf '{"ok":true,"key_set":%s,"key":%s,"repository":%s,"config":%s,"proxy":%s,"proxy_user":%s,"packages":%s,"last_upgrade":%s,"last_index_update":%s,"demo":%s}\n' \
  "$key_set" "$key" "$(json_str "$UPD_URL")" "$config" "$(jn "$proxy")" "$(jn "$puser")" "$(upd_installed_json)" "$(jn "$last_upgrade")" "$(jn "$last_index")" "$demo"
