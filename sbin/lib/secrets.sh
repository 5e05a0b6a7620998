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

# A secret given as an argument is refused (field FIELD) with the way to do it right.
refuse_secret_args() { # WHAT EXAMPLE FIELD
  refuse "$3" "the $1 is read from standard input, never from the command line, where every user can see it: $2"
}

# read_hmac WHAT FIELD → SECRET: an HMAC token/key from stdin, checked, with a warning below 20
read_hmac() {
  read_secret "$1"
  accept "$2" check_hmac "$SECRET" "$1"
  ((${#SECRET} >= 20)) || log "warning: the $1 has ${#SECRET} characters; 20 or more are recommended"
}
