# shellcheck shell=bash
# NTP helpers shared by set_ntp.sh and test_ntp.sh.
CHRONY_CONF=$(p /etc/chrony/chrony.conf)
MAX_NTP_SERVERS=8

# parse_server WORD → sets NTP_HOST and NTP_PORT (empty for the default); 1 + NTP_ERR if bad
parse_server() {
  local s=$1 host=$1 port=""
  NTP_ERR=""
  if [[ $s =~ ^\[([^]]+)\](:([0-9]+))?$ ]]; then
    host=${BASH_REMATCH[1]}; port=${BASH_REMATCH[3]}
    is_ipv6 "$host" || { NTP_ERR="\"$s\" is not a valid IPv6 address"; return 1; }
  elif [[ $s =~ ^[^:]+:[^:]*$ ]]; then
    host=${s%%:*}; port=${s#*:}
    [[ -n $port ]] || { NTP_ERR="\"$s\": port must be a number from 1 to 65535"; return 1; }
  fi
  if [[ -n $port ]] && ! is_port "$port"; then NTP_ERR="\"$s\": port must be a number from 1 to 65535"; return 1; fi
  if is_ipv4 "$host" || is_ipv6 "$host"; then
    if is_nowhere "$host"; then NTP_ERR="\"$s\" is not a server address (unspecified, broadcast or multicast)"; return 1; fi
  elif [[ $host =~ ^[0-9.]+$ ]]; then NTP_ERR="\"$s\" is not a valid IPv4 address"; return 1
  elif [[ $host == *:* ]]; then NTP_ERR="\"$s\" is not a valid IPv6 address"; return 1
  elif is_hostname "$host"; then host=${host,,}
  else NTP_ERR="\"$s\" is not a valid host name (letters, digits, hyphens and dots)"; return 1
  fi
  NTP_HOST=$host; NTP_PORT=${port#0}
  [[ -n $port ]] && NTP_PORT=$((10#$port))
  return 0
}

# format_server HOST PORT → the canonical form the console also uses
format_server() {
  if [[ -z $2 ]]; then printf '%s' "$1"
  elif [[ $1 == *:* ]]; then printf '[%s]:%s' "$1" "$2"
  else printf '%s:%s' "$1" "$2"; fi
}

# check_servers WORD... → sets SERVERS (canonical) or exits with EX_USAGE naming every bad one
check_servers() {
  local w errs=() f x dup
  SERVERS=()
  (($# > 0)) || usage_error "give at least one NTP server"
  (($# <= MAX_NTP_SERVERS)) || usage_error "at most $MAX_NTP_SERVERS NTP servers"
  for w in "$@"; do
    if parse_server "$w"; then
      f=$(format_server "$NTP_HOST" "$NTP_PORT"); dup=0
      for x in "${SERVERS[@]}"; do [[ $x == "$f" ]] && dup=1; done
      if ((dup)); then errs+=("\"$w\" is listed twice"); else SERVERS+=("$f"); fi
    else errs+=("$NTP_ERR"); fi
  done
  if ((${#errs[@]})); then
    local IFS=';'; usage_error "$(printf '%s; ' "${errs[@]}" | sed 's/; $//')"
  fi
}

# chrony_directive SERVER → "server HOST [port P] iburst"
chrony_directive() {
  parse_server "$1" || return 1
  if [[ -n $NTP_PORT ]]; then printf 'server %s port %s iburst' "$NTP_HOST" "$NTP_PORT"
  else printf 'server %s iburst' "$NTP_HOST"; fi
}
