# shellcheck shell=bash
# NTP: chrony's configuration, for set_ntp.sh, show_ntp.sh and test_ntp.sh (the servers' rules,
# check_servers and parse_server, are in checks.sh; chrony.conf's lines in chrony.py).
# shellcheck disable=SC2034  # read by set_ntp.sh
CHRONY_CONF=$(p /etc/chrony/chrony.conf)
# chrony's own default configuration (Debian and Ubuntu ship it here), named when it is missing
CHRONY_DEFAULT=/usr/share/chrony/chrony.conf

# chrony_directive SERVER → "server HOST [port P] iburst"
# shellcheck disable=SC2153  # NTP_HOST and NTP_PORT are set by parse_server (checks.sh)
chrony_directive() {
  parse_server "$1" || return 1
  if [[ -n $NTP_PORT ]]; then printf 'server %s port %s iburst' "$NTP_HOST" "$NTP_PORT"
  else printf 'server %s iburst' "$NTP_HOST"; fi
}

# chrony_conf_readable: 0 when chrony.conf is a file we can read; else 1 and CHRONY_WHY names
# the file and the cause (issue 10 item 7: a file the console does not own wholly is never
# recreated partially: missing, it is reported, not written with only the server lines).
chrony_conf_readable() {
  local err
  CHRONY_WHY=""
  if [[ ! -e $CHRONY_CONF && ! -L $CHRONY_CONF ]]; then
    CHRONY_WHY="chrony's configuration $CHRONY_CONF does not exist: it is not the console's to create (it holds more than the servers). Reinstall chrony or copy its default ($CHRONY_DEFAULT) there, then set the servers again"
  elif [[ -d $CHRONY_CONF ]]; then
    CHRONY_WHY="cannot read chrony's configuration $CHRONY_CONF: it is a directory, not a file"
  elif ! err=$(LC_ALL=C cat -- "$CHRONY_CONF" 2>&1 >/dev/null); then
    err=${err##*: }
    CHRONY_WHY="cannot read chrony's configuration $CHRONY_CONF: ${err:-unreadable}"
    [[ $err == *'ermission denied'* ]] && CHRONY_WHY+=" (run sudo confconsole, or give this user read rights)"
  fi
  [[ -z $CHRONY_WHY ]]
}
