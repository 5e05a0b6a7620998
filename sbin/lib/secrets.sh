# shellcheck shell=bash
# Secrets: read from stdin only (a process's argv is readable by every user), checked,
# stored 0600 in a 0700 directory, and only ever described by length and a hash prefix.
SECRETS_DIR=$(p /etc/confconsole/secrets)

# read_secret WHAT → SECRET: the first line of stdin; on a terminal, asked for without echo
read_secret() {
  local line=""
  if [[ -t 0 ]]; then
    printf 'Enter the %s (it is not shown): ' "$1" >&2
    IFS= read -rs line || true
    printf '\n' >&2
  else
    IFS= read -r line || true
  fi
  SECRET=${line%$'\r'}
}

# describe_secret VALUE → "N chars, sha256 abcd1234" (for logs and the audit: never the value)
describe_secret() { printf '%d chars, sha256 %s' "${#1}" "$(printf '%s' "$1" | sha256sum | cut -c1-8)"; }

# store_secret NAME VALUE: atomically into SECRETS_DIR/NAME, mode 0600 (backed up, journaled by the caller)
secret_file() { printf '%s/%s' "$SECRETS_DIR" "$1"; }
# drop_secrets ACTION NAME...: after a change of mode, the secrets of the modes no longer in use
# are not kept on disk (a token nobody uses is only a risk); each removal is audited
drop_secrets() {
  local action=$1 n f; shift
  for n in "$@"; do
    f=$(secret_file "$n")
    [[ -e $f ]] || continue
    rm -f -- "$f" && audit "$action" "$n removed (no longer used)" ok
  done
}
stage_secret() { # NAME VALUE → prints the staged temp path
  local t
  mkdir -p -- "$SECRETS_DIR" && chmod 0700 -- "$SECRETS_DIR"
  t=$(umask 077; stage "$(secret_file "$1")") || return 1
  chmod 0600 -- "$t"
  printf '%s\n' "$2" >"$t"
  printf '%s' "$t"
}

# A token given as an argument is refused with the way to do it right.
refuse_secret_args() { # WHAT EXAMPLE
  usage_error "the $1 is read from standard input, never from the command line, where every user can see it: $2"
}

check_push_token() {
  local t=$1
  [[ -n $t ]] || { TOKEN_ERR="no push token given"; return 1; }
  [[ $t == *:* ]] || { TOKEN_ERR="a push token is label:secret, exactly as the master shows it (the label is part of the token)"; return 1; }
  [[ ${t%%:*} =~ ^[A-Za-z0-9_.-]{1,64}$ ]] || { TOKEN_ERR="the label before ':' must be 1-64 letters, digits, '.', '_' or '-'"; return 1; }
  [[ ${t#*:} =~ ^[A-Za-z0-9+/=_-]{8,256}$ ]] || { TOKEN_ERR="the secret after ':' must be 8-256 letters, digits or + / = _ - (no spaces)"; return 1; }
  return 0
}
# read_hmac WHAT → SECRET: an HMAC token/key from stdin, checked, with a warning below 20
read_hmac() {
  read_secret "$1"
  check_hmac "$SECRET" "$1" || usage_error "$TOKEN_ERR"
  ((${#SECRET} >= 20)) || log "warning: the $1 has ${#SECRET} characters; 20 or more are recommended"
}
check_hmac() { # VALUE WHAT
  [[ $1 =~ ^[A-Za-z0-9]{5,63}$ ]] || { TOKEN_ERR="the $2 must be 5-63 letters and digits (no spaces or symbols)"; return 1; }
  return 0
}

# check_host VALUE → MASTER_HOST (host name, IPv4, IPv6, optionally :PORT / [v6]:PORT)
check_master_host() {
  local s=$1 host=$1 port=""
  if [[ $s =~ ^\[([^]]+)\](:([0-9]+))?$ ]]; then host=${BASH_REMATCH[1]}; port=${BASH_REMATCH[3]}; is_ipv6 "$host" || return 1
  elif [[ $s =~ ^[^:]+:[^:]*$ ]]; then host=${s%%:*}; port=${s#*:}; [[ -n $port ]] || return 1; fi
  [[ -z $port ]] || is_port "$port" || return 1
  is_ipv4 "$host" || is_ipv6 "$host" || is_hostname "$host" || return 1
  MASTER_HOST=${s,,}
}

# check_proxy VALUE → PROXY_URL (http://HOST:PORT; credentials are not taken on the command line)
check_proxy() {
  local s=${1%/} hp
  [[ $s == *@* ]] && { PROXY_ERR="proxy credentials are not accepted in a URL (they would be visible to every user)"; return 1; }
  hp=${s#http://}
  [[ $hp == *://* ]] && { PROXY_ERR="the proxy must be an HTTP proxy: http://HOST:PORT"; return 1; }
  [[ $hp =~ ^(\[[0-9A-Fa-f:.]+\]|[^:/]+):([0-9]{1,5})$ ]] || { PROXY_ERR="the proxy must be http://HOST:PORT"; return 1; }
  local host=${BASH_REMATCH[1]} port=${BASH_REMATCH[2]}
  host=${host#[}; host=${host%]}
  is_port "$port" || { PROXY_ERR="the proxy port must be 1-65535"; return 1; }
  is_ipv4 "$host" || is_ipv6 "$host" || is_hostname "$host" || { PROXY_ERR="the proxy host \"$host\" is not a host name or IP address"; return 1; }
  PROXY_URL="http://${hp,,}"
}
