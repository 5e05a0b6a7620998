# shellcheck shell=bash
# checks: every rule a value from the operator must follow, each decided here once (one
# function per rule), so two scripts never disagree about the same kind of value. The console
# checks the same rules at its fields (src/rules/), and test/system/rules-agree.test.ts proves
# both give the same answers and values; the network scripts' address rules are
# lib/ccnet/checks.py. Sourced by common.sh.
#   is_X VALUE          a predicate: status 0 or 1, nothing set
#   check_X VALUE...    status 0 with the value in canonical form in CHECKED (when it has one),
#                       or 1 with the reason, a sentence for the operator, in CHECK_ERR
#   accept FIELD check_X VALUE...   the check, or the script's refusal of FIELD (exit 2)
CHECK_ERR=""

# checked VALUE: a check's result, the accepted value in canonical form
# shellcheck disable=SC2034  # CHECKED is read by the scripts, after accept
checked() { CHECKED=$1; }
checked ""

# accept FIELD CHECK VALUE...: run the check; when it fails, refuse FIELD with its reason
accept() {
  local field=$1; shift
  CHECK_ERR=""; checked ""
  "$@" || refuse "$field" "${CHECK_ERR:-"\"${2:-}\" is not accepted"}"
}

# ---- addresses, names, ports ------------------------------------------------------------
is_ipv4() {
  local IFS=. o n=0
  [[ $1 =~ ^[0-9.]+$ ]] || return 1
  for o in $1; do
    [[ $o =~ ^(0|[1-9][0-9]{0,2})$ ]] && ((o <= 255)) || return 1
    n=$((n + 1))
  done
  [[ $n -eq 4 && $1 != *. && $1 != .* && $1 != *..* ]]
}
is_ipv6() {
  local s=$1 n=0 g rest
  [[ $s =~ ^[0-9A-Fa-f:.]+$ && ${#s} -le 45 && $s == *:* ]] || return 1
  if [[ $s == *.* ]]; then
    is_ipv4 "${s##*:}" || return 1
    s="${s%:*}:0:0"
  fi
  rest=${s//::/}
  (( ${#s} - ${#rest} <= 2 )) || return 1                   # at most one '::'
  [[ $s == *:::* ]] && return 1
  [[ $s == :* && $s != ::* ]] && return 1
  [[ $s == *: && $s != *:: ]] && return 1
  local IFS=:
  for g in $s; do
    [[ -z $g ]] && continue
    [[ $g =~ ^[0-9A-Fa-f]{1,4}$ ]] || return 1
    n=$((n + 1))
  done
  if [[ $s == *::* ]]; then ((n <= 7)); else ((n == 8)); fi
}
is_hostname() {
  local h=${1%.} label
  [[ -n $h && ${#1} -le 253 ]] || return 1
  # only these characters before $h is split unquoted: a `*` or `?` would be expanded as a file
  # name pattern in the current directory (and "*" become "bin" or "glob")
  [[ $h =~ ^[A-Za-z0-9.-]+$ ]] || return 1
  [[ $h =~ ^[0-9.]+$ ]] && return 1
  local IFS=.
  for label in $h; do
    [[ $label =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$ ]] || return 1
  done
  [[ $h != *..* && $h != .* && $h != *. ]]
}
# a host name, IPv4 or IPv6 address (no port)
is_host() { is_ipv4 "$1" || is_ipv6 "$1" || is_hostname "$1"; }
# decimal even with leading zeros (bash reads 08 as octal)
is_port() { [[ $1 =~ ^[0-9]{1,5}$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }

# is_nowhere ADDR: an address nothing answers at: 0/8, multicast, 240/4 and broadcast (first
# octet 0 or 224 and up); IPv6 :: in any spelling (0::0, ::0, 0:0:0:0:0:0:0:0, ::0.0.0.0) and
# ff00::/8 (a first group of four hex digits ff..: ff::1 is 00ff::1). The console has the same
# rule: isNowhere in src/rules/address.ts.
is_nowhere() {
  if is_ipv4 "$1"; then ((${1%%.*} == 0 || ${1%%.*} >= 224))
  elif is_ipv6 "$1"; then [[ $1 =~ ^[0:.]+$ || ${1,,} =~ ^ff[0-9a-f]{2}: ]]
  else return 1; fi
}

# check_not_nowhere HOST [NAMED]: a host a connection goes to (master, proxy, call-home,
# partner, NTP server) must be somewhere; NAMED is how the message names it (default "HOST")
check_not_nowhere() {
  is_nowhere "$1" || return 0
  CHECK_ERR="${2:-\"$1\"} is not a server address (unspecified, broadcast or multicast)"
  return 1
}

# check_port VALUE [WHAT] → CHECKED the port as a number (1-65535)
check_port() {
  is_port "$1" || { CHECK_ERR="the ${2:+$2 }port must be 1-65535"; return 1; }
  checked "$((10#$1))"
}

# split_host_port VALUE: HOST, HOST:PORT, [IPv6] or [IPv6]:PORT → HP_HOST, HP_PORT (empty for
# none, else a number); 1 with CHECK_ERR when the brackets hold no IPv6 or the port is bad
split_host_port() {
  local s=$1
  HP_HOST=$s HP_PORT=""
  if [[ $s =~ ^\[([^]]+)\](:([0-9]+))?$ ]]; then
    HP_HOST=${BASH_REMATCH[1]} HP_PORT=${BASH_REMATCH[3]}
    is_ipv6 "$HP_HOST" || { CHECK_ERR="\"$s\" is not a valid IPv6 address"; return 1; }
  elif [[ $s =~ ^[^:]+:[^:]*$ ]]; then
    HP_HOST=${s%%:*} HP_PORT=${s#*:}
    [[ -n $HP_PORT ]] || { CHECK_ERR="\"$s\": port must be a number from 1 to 65535"; return 1; }
  fi
  if [[ -n $HP_PORT ]]; then
    is_port "$HP_PORT" || { CHECK_ERR="\"$s\": port must be a number from 1 to 65535"; return 1; }
    HP_PORT=$((10#$HP_PORT))
  fi
  return 0
}

# check_seconds VALUE MIN MAX OPTION → CHECKED whole seconds from MIN to MAX
check_seconds() {
  if ! [[ $1 =~ ^[0-9]{1,6}$ ]] || ((10#$1 < $2 || 10#$1 > $3)); then
    CHECK_ERR="$4 takes $2 to $3 seconds (got '$1')"; return 1
  fi
  checked "$((10#$1))"
}

# ---- NTP servers (set_ntp.sh, test_ntp.sh) -----------------------------------------------
MAX_NTP_SERVERS=8

# parse_server WORD → NTP_HOST (lower case: names, and IPv6 as RFC 5952 §4.3 writes it),
# NTP_PORT (empty for the default) and NTP_KIND (server, or pool for pool:NAME[:PORT], whose NAME
# must be a host name); 1 + CHECK_ERR if bad. Twin: ntpServers in src/rules/ntp.ts.
parse_server() {
  local s=$1 host
  NTP_HOST="" NTP_PORT="" NTP_KIND=server
  if [[ ${s,,} == pool:* ]]; then NTP_KIND=pool s=${s:5}; fi
  [[ -n $s ]] || { CHECK_ERR="empty server name"; return 1; }
  split_host_port "$s" || return 1
  host=$HP_HOST
  if is_ipv4 "$host" || is_ipv6 "$host"; then
    check_not_nowhere "$host" "\"$s\"" || return 1
    [[ $NTP_KIND == pool ]] && { CHECK_ERR="\"$1\": a pool needs a host name, not an address"; return 1; }
  elif [[ $host =~ ^[0-9.]+$ ]]; then CHECK_ERR="\"$s\" is not a valid IPv4 address"; return 1
  elif [[ $host == *:* ]]; then CHECK_ERR="\"$s\" is not a valid IPv6 address"; return 1
  elif is_hostname "$host"; then :
  else CHECK_ERR="\"$s\" is not a valid host name (letters, digits, hyphens and dots)"; return 1
  fi
  NTP_HOST=${host,,} NTP_PORT=$HP_PORT
}

# format_server HOST PORT → SERVER, the canonical form the console also uses (set, not printed:
# no subshell for each server checked)
format_server() {
  if [[ -z $2 ]]; then SERVER=$1
  elif [[ $1 == *:* ]]; then SERVER="[$1]:$2"
  else SERVER="$1:$2"; fi
}

# check_servers WORD... → SERVERS (canonical, pool:NAME for a pool; no host twice, pool or not);
# 1 + CHECK_ERR naming every bad one
check_servers() {
  local w errs=() f x dup seen=()
  SERVERS=()
  (($# > 0)) || { CHECK_ERR="give at least one NTP server"; return 1; }
  (($# <= MAX_NTP_SERVERS)) || { CHECK_ERR="at most $MAX_NTP_SERVERS NTP servers"; return 1; }
  for w in "$@"; do
    if parse_server "$w"; then
      format_server "$NTP_HOST" "$NTP_PORT"; f=$SERVER dup=0
      for x in "${seen[@]}"; do [[ $x == "$f" ]] && dup=1; done
      if ((dup)); then errs+=("\"$w\" is listed twice")
      else seen+=("$f"); [[ $NTP_KIND == pool ]] && f="pool:$f"; SERVERS+=("$f"); fi
    else errs+=("$CHECK_ERR"); fi
  done
  if ((${#errs[@]})); then
    CHECK_ERR=$(printf '%s; ' "${errs[@]}"); CHECK_ERR=${CHECK_ERR%; }
    return 1
  fi
  return 0
}

# ---- the master (set_pushtoken.sh, set_push.sh, test_master.sh) ----------------------------
# check_master_host VALUE → CHECKED host name, IPv4, IPv6, optionally :PORT / [v6]:PORT, in the
# canonical form the console also uses (format_server: lower case, the port in plain decimal)
check_master_host() {
  if ! split_host_port "$1" || ! is_host "$HP_HOST"; then
    CHECK_ERR="\"$1\" is not a host name or IP address (optionally :PORT)"; return 1
  fi
  check_not_nowhere "$HP_HOST" "\"$1\"" || return 1
  format_server "${HP_HOST,,}" "$HP_PORT"
  checked "$SERVER"
}

# a proxy URL never carries a login: the URL is on a command line, where every user can read it
check_no_login_in_url() { # URL HINT
  [[ $1 == *@* ]] || return 0
  CHECK_ERR="proxy credentials are not accepted in a URL: $2"; return 1
}

# check_proxy_address SCHEME HOST:PORT → CHECKED SCHEME://host:port in the canonical form
# (format_server: lower case, the port in plain decimal); [IPv6]:PORT, brackets for IPv6 only
# (RFC 3986 §3.2.2)
check_proxy_address() {
  local scheme=$1 hp=$2 host port
  [[ $hp =~ ^(\[[0-9A-Fa-f:.]+\]|[^:/]+):([0-9]{1,5})$ ]] || { CHECK_ERR="the proxy must be $scheme://HOST:PORT"; return 1; }
  host=${BASH_REMATCH[1]} port=${BASH_REMATCH[2]}
  is_port "$port" || { CHECK_ERR="the proxy port must be 1-65535"; return 1; }
  if [[ $host == \[* ]]; then
    host=${host#[}; host=${host%]}
    is_ipv6 "$host" || { CHECK_ERR="the proxy host \"[$host]\" is not an IPv6 address (brackets are for IPv6 only)"; return 1; }
  fi
  is_host "$host" || { CHECK_ERR="the proxy host \"$host\" is not a host name or IP address"; return 1; }
  check_not_nowhere "$host" "the proxy host \"$host\"" || return 1
  format_server "${host,,}" "$((10#$port))"
  checked "$scheme://$SERVER"
}

# check_master_proxy VALUE → CHECKED http://HOST:PORT (an HTTP proxy; "http://" may be left out,
# and written in any case: a scheme is case-insensitive, RFC 3986 §3.1)
check_master_proxy() {
  local s=${1%/}
  check_no_login_in_url "$s" "they would be visible to every user" || return 1
  [[ ${s,,} == http://* ]] && s=${s:7}
  [[ $s == *://* ]] && { CHECK_ERR="the proxy must be an HTTP proxy: http://HOST:PORT"; return 1; }
  check_proxy_address http "$s"
}

# ---- secrets (read from stdin by the scripts) -----------------------------------------------
# check_push_token VALUE: label:secret, exactly as the master shows it
check_push_token() {
  local t=$1
  [[ -n $t ]] || { CHECK_ERR="no push token given"; return 1; }
  [[ $t == *:* ]] || { CHECK_ERR="a push token is label:secret, exactly as the master shows it (the label is part of the token)"; return 1; }
  [[ ${t%%:*} =~ ^[A-Za-z0-9_.-]{1,64}$ ]] || { CHECK_ERR="the label before ':' must be 1-64 letters, digits, '.', '_' or '-'"; return 1; }
  [[ ${t#*:} =~ ^[A-Za-z0-9+/=_-]{8,256}$ ]] || { CHECK_ERR="the secret after ':' must be 8-256 letters, digits or + / = _ - (no spaces)"; return 1; }
  return 0
}
# check_hmac VALUE WHAT: a pull-mode token or an osSensor key (20+ recommended: the caller warns)
check_hmac() {
  [[ $1 =~ ^[A-Za-z0-9]{5,63}$ ]] || { CHECK_ERR="the $2 must be 5-63 letters and digits (no spaces or symbols)"; return 1; }
  return 0
}
# check_proxy_password VALUE: the HTTP proxy's password (stored as a secret, one line), 1-256
# bytes (LC_ALL=C: \${#1} counts bytes, é is 2), no ASCII control characters
check_proxy_password() {
  [[ -n $1 && ${#1} -le 256 && $1 != *[[:cntrl:]]* ]] \
    || { CHECK_ERR="the proxy password (standard input) must be 1-256 bytes (an accented letter takes 2), no control characters"; return 1; }
}

# ---- Call-Home and the partner (set_callhome.sh, set_partner.sh, callhome.sh) ---------------
# check_callhome_host VALUE → CHECKED (lower case): host name, IPv4 or IPv6, no port
check_callhome_host() {
  is_host "$1" || { CHECK_ERR="\"$1\" is not a host name or IP address"; return 1; }
  check_not_nowhere "$1" || return 1
  checked "${1,,}"
}
check_callhome_port() { [[ $1 == 22 || $1 == 443 ]] || { CHECK_ERR="the call-home port must be 22 or 443"; return 1; }; }
check_callhome_ssl() { # PORT SSL(yes|no)
  [[ $2 == no || $1 == 443 ]] || { CHECK_ERR="SSL wrapping is only used on port 443"; return 1; }
}
# check_callhome_proxy VALUE → CHECKED none | http://HOST:PORT | socks5://HOST:PORT
check_callhome_proxy() {
  local s=${1%/}
  if [[ $s == none || -z $s ]]; then checked none; return 0; fi
  check_no_login_in_url "$s" "give --proxy-user and the password on standard input" || return 1
  [[ $s =~ ^(http|socks5)://(.*)$ ]] || { CHECK_ERR="the proxy must be none, http://HOST:PORT or socks5://HOST:PORT"; return 1; }
  check_proxy_address "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
}
# check_proxy_user USER PROXY: a login for an HTTP proxy (a SOCKS proxy is used without one)
# (never beginning with '-': it is an argument of openssl and of callhome_proxy.sh)
check_proxy_user() {
  [[ $2 == http://* ]] || { CHECK_ERR="--proxy-user needs an HTTP proxy (--proxy http://HOST:PORT): SOCKS proxies are used without a login"; return 1; }
  [[ $1 =~ ^[A-Za-z0-9._@+][A-Za-z0-9._@+-]{0,63}$ ]] || { CHECK_ERR="the proxy user must be 1-64 letters, digits or . _ @ + - (not beginning with -)"; return 1; }
}
# check_login_name USER: the login on the call-home server
check_login_name() {
  [[ $1 =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || { CHECK_ERR="the call-home user must be a login name (lower case letters, digits, _ and -)"; return 1; }
}
# is_appliance_hostname NAME: PREFIX-MIDDLE-LAST (dt-123-01), what the forward ports are computed from
is_appliance_hostname() { [[ $1 =~ ^[A-Za-z][A-Za-z0-9]*-[0-9]{1,9}-[0-9]{1,2}$ ]]; }
check_appliance_hostname() {
  is_appliance_hostname "$1" || { CHECK_ERR="\"$1\" is not an appliance host name of the form NAME-NNN-NN (dt-123-01)"; return 1; }
}

# ---- PCAP (set_pcap.sh, pcap_ring.sh) --------------------------------------------------------
# check_gb VALUE → CHECKED the buffer size in whole GB (0 disables capture; the disk decides the most)
check_gb() {
  [[ $1 =~ ^0*[1-9][0-9]{6,}$ ]] && { CHECK_ERR="$1 GB is too large: at most 6 digits (the disk decides the largest buffer that fits)"; return 1; }
  [[ $1 =~ ^[0-9]{1,6}$ ]] || { CHECK_ERR="\"$1\" is not a whole number of GB (0 disables packet capture)"; return 1; }
  checked "$((10#$1))"
}
check_ring_mb() {
  [[ $1 =~ ^[0-9]{1,9}$ ]] || { CHECK_ERR="--size-mb takes a number"; return 1; }
  checked "$((10#$1))"
}
# an interface name as the kernel has them (1-15 characters), never an option of tcpdump
check_capture_iface() {
  [[ $1 =~ ^[A-Za-z0-9_.@][A-Za-z0-9_.@-]{0,14}$ && $1 != . && $1 != .. ]] || { CHECK_ERR="--iface takes an interface name"; return 1; }
}

# ---- the diagnostic functions (diag.sh; twins in src/rules/diag.ts) ----------------------------
# check_diag_host VALUE → CHECKED: a host to ping or trace, by the rule of every server host
# (check_callhome_host: a name, IPv4 or IPv6, somewhere; never an option: no '-' first)
check_diag_host() { check_callhome_host "$1"; }
# check_diag_name VALUE → CHECKED: a host name to look up (lower case; an address is no name)
check_diag_name() {
  is_hostname "$1" || { CHECK_ERR="\"$1\" is not a host name (letters, digits, hyphens and dots)"; return 1; }
  checked "${1,,}"
}
# check_diag_count VALUE MAX → CHECKED: how many packets, 1 to MAX, in plain decimal
check_diag_count() {
  if ! [[ $1 =~ ^[0-9]{1,6}$ ]] || ((10#$1 < 1 || 10#$1 > $2)); then CHECK_ERR="the count must be a number from 1 to $2"; return 1; fi
  checked "$((10#$1))"
}
# check_capture_filter VALUE → CHECKED: a tcpdump filter expression, 1-200 printable ASCII
# characters, not beginning with '-' (whether tcpdump understands it, tcpdump -d says)
check_capture_filter() {
  [[ ${#1} -ge 1 && ${#1} -le 200 && $1 =~ ^[\ -~]+$ && $1 != -* ]] \
    || { CHECK_ERR="the filter must be 1-200 printable ASCII characters, not beginning with -"; return 1; }
  checked "$1"
}

# ---- network changes (net_rollback.sh; set_network.sh's own rules are in lib/ccnet) ----------
# a change id as set_network.sh makes them (letters, digits, '-'; never beginning with '-')
check_change_id() { [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9-]{0,63}$ ]] || { CHECK_ERR="--timer needs a change id"; return 1; }; }
# a rollback's reason: one line of text for the log, not an option, no control characters
check_reason() {
  [[ -n $1 && ${#1} -le 200 && $1 != -* && $(esc "$1") == "$1" ]] \
    || { CHECK_ERR="--reason needs a text (at most 200 characters, one line, not beginning with -)"; return 1; }
}

# ---- first boot: the console keyboard layout and the admin password (set_keyboard.sh,
# set_password.sh; twins in src/rules/console.ts) --------------------------------------------
# check_keyboard_layout VALUE → CHECKED (ASCII lower case): the shape of an XKB layout name
# (us, gb, de, latam); whether this system has it is the script's question (base.lst)
check_keyboard_layout() {
  local v=${1,,}
  [[ $v =~ ^[a-z][a-z0-9_-]{0,31}$ ]] \
    || { CHECK_ERR="a keyboard layout is its short name: 1-32 letters, digits, _ or -, beginning with a letter (e.g. us, gb, de)"; return 1; }
  checked "$v"
}
# check_admin_password VALUE: 8 or more characters (UTF-8 code points: the bytes less the
# continuation bytes, as LC_ALL=C counts bytes), at most 256 bytes, one line, no control characters
check_admin_password() {
  local chars=${1//[$'\x80'-$'\xbf']/}
  [[ ${#chars} -ge 8 && ${#1} -le 256 && $1 != *[[:cntrl:]]* ]] \
    || { CHECK_ERR="the password must be 8 or more characters on one line (at most 256 bytes; an accented letter takes 2), no control characters"; return 1; }
}

# ---- the command line of every script --------------------------------------------------------
# args_once ARG...: an option given twice is refused (exit 2, field usage), as the console's
# command line refuses it (src/commands/parse.ts): the last one silently winning hides a mistake.
# Option values never begin with '-', so every word that begins with "--" is an option.
args_once() {
  local a given=" "
  for a in "$@"; do
    [[ $a == --?* ]] || continue
    [[ $given == *" ${a%%=*} "* ]] && usage_error "${a%%=*} is given twice"
    given+="${a%%=*} "
  done
  return 0
}
# run for a script of sbin/ on its own arguments when it sources the library (a sourced file
# sees its caller's "$@"); a program that sources the library for its functions is left alone
if [[ $(dirname -- "$(readlink -f -- "$0")") == "$CC_SBIN" ]]; then args_once "$@"; fi

# ---- updates (set_updatekey.sh, set_update_proxy.sh) -------------------------------------
# check_update_key KEY: what APT's auth.conf can carry as a password (tokens split by white
# space, no quoting): 8-256 printable ASCII characters, no space, no # " ' or \.
# Twin: src/rules/updates.ts updateKey.
check_update_key() {
  [[ $1 =~ ^[!-~]{8,256}$ && $1 != *[\#\"\'\\]* ]] \
    || { CHECK_ERR="the update key must be 8-256 printable characters without spaces or # \" ' \\ (as support gave it)"; return 1; }
}
# check_apt_password PASSWORD: a proxy password APT's auth.conf can carry: the proxy password
# rule (check_proxy_password) and no white space, # " ' or \. Twin: src/rules/updates.ts aptPassword.
check_apt_password() {
  check_proxy_password "$1" || return 1
  [[ $1 != *[[:space:]\#\"\'\\]* ]] \
    || { CHECK_ERR="the proxy password for updates cannot contain spaces or # \" ' \\ (APT's auth.conf cannot carry them)"; return 1; }
}

# ---- scheduled backups (set_backup.sh, backup.sh; twins in src/rules/backup.ts) ---------------
# check_backup_time VALUE → CHECKED HH:MM (00:00-23:59; H:MM accepted)
check_backup_time() {
  local t=$1
  t=${t#"${t%%[![:space:]]*}"}; t=${t%"${t##*[![:space:]]}"}
  [[ $t =~ ^([01]?[0-9]|2[0-3]):([0-5][0-9])$ ]] || { CHECK_ERR="\"$t\" is not a time of day HH:MM (00:00-23:59)"; return 1; }
  local h=${BASH_REMATCH[1]}
  ((${#h} == 1)) && h=0$h
  checked "$h:${BASH_REMATCH[2]}"
}
# check_backup_keep VALUE → CHECKED how many backups are kept (1-365)
check_backup_keep() {
  if ! [[ $1 =~ ^[0-9]{1,3}$ ]] || ((10#$1 < 1 || 10#$1 > 365)); then CHECK_ERR="keep takes a whole number of backups, 1-365"; return 1; fi
  checked "$((10#$1))"
}
# check_backup_schedule VALUE → CHECKED off|daily|weekly (any case given, lower case out)
check_backup_schedule() {
  case ${1,,} in off|daily|weekly) checked "${1,,}" ;; *) CHECK_ERR="the schedule is off, daily or weekly"; return 1 ;; esac
}
# check_backup_encrypt VALUE → CHECKED yes|no (any case given, lower case out)
check_backup_encrypt() {
  case ${1,,} in yes|no) checked "${1,,}" ;; *) CHECK_ERR="encrypt takes yes or no"; return 1 ;; esac
}
# check_backup_day VALUE → CHECKED mon..sun (lower case)
check_backup_day() {
  case ${1,,} in mon|tue|wed|thu|fri|sat|sun) checked "${1,,}" ;; *) CHECK_ERR="the day is one of mon tue wed thu fri sat sun"; return 1 ;; esac
}
# check_backup_dir PATH WHAT → CHECKED the canonical absolute path (letters, digits . _ + , = @ - /;
# it goes into sftp batch commands), not / itself, no . or .. component, at most 255
check_backup_dir() {
  local p=$1 what=$2 part out="" IFS=/
  [[ $p =~ ^/[A-Za-z0-9._+,=@/-]*$ && ${#p} -le 255 ]] || { CHECK_ERR="$what must be an absolute path of letters, digits and . _ + , = @ - / (at most 255)"; return 1; }
  for part in $p; do
    [[ -z $part ]] && continue
    [[ $part == . || $part == .. ]] && { CHECK_ERR="$what cannot have . or .. in it"; return 1; }
    out+=/$part
  done
  [[ -n $out ]] || { CHECK_ERR="$what cannot be / itself: give a directory for the backups"; return 1; }
  checked "$out"
}
# check_backup_destination VALUE → CHECKED: a directory, or sftp://USER@HOST[:PORT]/PATH (host lower
# case, :22 left out), or '' for none (any case: no destination); BK_SFTP_USER BK_SFTP_HOST
# BK_SFTP_PORT BK_SFTP_PATH set for an SFTP one
# shellcheck disable=SC2034  # BK_SFTP_* are read by lib/backup.sh
check_backup_destination() {
  local t=$1 rest user host port="" path h
  t=${t#"${t%%[![:space:]]*}"}; t=${t%"${t##*[![:space:]]}"}
  BK_SFTP_USER="" BK_SFTP_HOST="" BK_SFTP_PORT="" BK_SFTP_PATH=""
  [[ ${t,,} == none ]] && { checked ""; return 0; }
  if [[ $t == /* ]]; then
    check_backup_dir "$t" "the directory" || return 1
    [[ $CHECKED =~ ^/(proc|sys|dev)(/|$) ]] && { CHECK_ERR="the directory cannot be under /proc, /sys or /dev"; return 1; }
    return 0
  fi
  [[ $t == sftp://* ]] || { CHECK_ERR="the destination is a directory (/var/backups/confconsole) or sftp://USER@HOST[:PORT]/PATH"; return 1; }
  rest=${t#sftp://}
  [[ $rest == *@* ]] || { CHECK_ERR="an SFTP destination is sftp://USER@HOST[:PORT]/PATH"; return 1; }
  user=${rest%%@*}; rest=${rest#*@}
  [[ $user != */* ]] || { CHECK_ERR="an SFTP destination is sftp://USER@HOST[:PORT]/PATH"; return 1; }
  if [[ $rest == \[* ]]; then
    [[ $rest =~ ^\[([^]/]*)\](.*)$ ]] || { CHECK_ERR="an SFTP destination is sftp://USER@HOST[:PORT]/PATH"; return 1; }
    host=${BASH_REMATCH[1]}; rest=${BASH_REMATCH[2]}; h="[$host]"
  else
    [[ $rest =~ ^([^]/:[]*)(.*)$ ]]; host=${BASH_REMATCH[1]}; rest=${BASH_REMATCH[2]}; h=$host
  fi
  if [[ $rest == :* ]]; then port=${rest#:}; port=${port%%/*}; rest=${rest#:"$port"}; port=":$port"; fi
  [[ -z $rest || $rest == /* ]] || { CHECK_ERR="an SFTP destination is sftp://USER@HOST[:PORT]/PATH"; return 1; }
  path=$rest
  [[ $user =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || { CHECK_ERR="the SFTP user must be a login name (lower case letters, digits, _ and -)"; return 1; }
  if [[ $h == \[* ]]; then is_ipv6 "$host" || { CHECK_ERR="\"$h\" is not a host name or IP address (an IPv6 address in brackets)"; return 1; }
  else { is_ipv4 "$host" || is_hostname "$host"; } || { CHECK_ERR="\"$h\" is not a host name or IP address (an IPv6 address in brackets)"; return 1; }; fi
  is_nowhere "$host" && { CHECK_ERR="\"$host\" is not a server address (unspecified, broadcast or multicast)"; return 1; }
  BK_SFTP_PORT=22
  if [[ -n $port ]]; then
    is_port "${port#:}" || { CHECK_ERR="the SFTP port must be 1-65535"; return 1; }
    BK_SFTP_PORT=$((10#${port#:}))
  fi
  [[ -n $path ]] || { CHECK_ERR="an SFTP destination needs the directory on the server: sftp://USER@HOST[:PORT]/PATH"; return 1; }
  check_backup_dir "$path" "the SFTP directory" || return 1
  BK_SFTP_USER=$user BK_SFTP_HOST=${host,,} BK_SFTP_PATH=$CHECKED
  [[ $h == \[* ]] && h="[${host,,}]" || h=${host,,}
  local p=""; ((BK_SFTP_PORT != 22)) && p=":$BK_SFTP_PORT"
  checked "sftp://$user@$h$p$BK_SFTP_PATH"
}
# check_backup_passphrase VALUE: 8-256 bytes (LC_ALL=C counts bytes), no control characters
check_backup_passphrase() {
  [[ ${#1} -ge 8 && ${#1} -le 256 && $1 != *[[:cntrl:]]* ]] \
    || { CHECK_ERR="the passphrase must be 8-256 bytes of printable characters on one line (an accented letter takes 2)"; return 1; }
}
