# shellcheck shell=bash
# NTP: chrony's configuration, for set_ntp.sh and test_ntp.sh (the servers' rules, check_servers
# and parse_server, are in checks.sh).
# shellcheck disable=SC2034  # read by set_ntp.sh
CHRONY_CONF=$(p /etc/chrony/chrony.conf)

# chrony_directive SERVER → "server HOST [port P] iburst"
# shellcheck disable=SC2153  # NTP_HOST and NTP_PORT are set by parse_server (checks.sh)
chrony_directive() {
  parse_server "$1" || return 1
  if [[ -n $NTP_PORT ]]; then printf 'server %s port %s iburst' "$NTP_HOST" "$NTP_PORT"
  else printf 'server %s iburst' "$NTP_HOST"; fi
}
