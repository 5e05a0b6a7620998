#!/usr/bin/env bash
# test_master.sh [--timeout S] [--stored] HOST [PROXY] — a real HTTPS check of the master:
# resolves HOST, connects (through PROXY when given), checks its certificate, and with a push
# token (on standard input, or the stored one with --stored) checks the master accepts it.
# The certificate: the one the operator trusted for HOST (etc/confconsole/master-trust.pem,
# trust_master.sh) and no other — a different one is refused (cause "pin") before the token is
# sent; else one issued by etc/confconsole/master-ca.pem when present, else the system's CAs.
# A certificate that is not trusted is described (subject, issuer, validity, SHA-256) so the
# operator can compare it with the master's and trust it.
# Nothing is changed. Result on stdout: {"ok","cause","status","message","certificate"}; exit 0 or 5.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/master.sh
. "$here/lib/master.sh"

timeout=10 stored=0
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --timeout) accept timeout check_seconds "${2-}" 1 120 --timeout; timeout=$CHECKED; shift 2 ;;
    --stored) stored=1; shift ;;
    --*) usage_error "unknown option $1" ;;
    *) break ;;
  esac
done
(($# >= 1 && $# <= 2)) || usage_error "usage: test_master.sh [--timeout S] [--stored] HOST [PROXY] [< token]"
accept host check_master_host "$1"; host=$CHECKED
proxy=""
if (($# == 2)); then accept proxy check_master_proxy "$2"; proxy=$CHECKED; fi
token=""
if ((stored)); then
  f=$(secret_file push_token)
  # missing is a state (none stored); anything else that keeps the token from being used names the
  # file, so the operator sets it again rather than rechecking a token they never typed
  [[ -e $f || -L $f ]] || fail "$EX_FAIL" "no push token is stored"
  damaged="the stored push token ${f#"$CC_ROOT"} cannot be used"
  again="set it again (Setup > Master > Push Token)"
  [[ -f $f ]] || fail "$EX_FAIL" "$damaged: it is not a file; $again"
  [[ -r $f ]] || fail "$EX_FAIL" "$damaged: it is not readable; $again"
  IFS= read -r token <"$f" || true
  [[ -n $token ]] || fail "$EX_FAIL" "$damaged: it is empty; $again"
  CHECK_ERR=""
  check_push_token "$token" || fail "$EX_FAIL" "$damaged: it is damaged ($CHECK_ERR); $again"
elif [[ ! -t 0 ]]; then
  IFS= read -r token || true
  token=${token%$'\r'}
fi
if [[ -n $token ]]; then accept token check_push_token "$token"; fi

url="https://$host/"
log "testing the connection to https://$host${proxy:+ through $proxy}"
ca=$(p /etc/confconsole/master-ca.pem)
args=(--proto '=https' --silent --show-error --output /dev/null --write-out '%{http_code}'
      --connect-timeout "$timeout" --max-time "$timeout")
err=$(mktemp); got=$(mktemp); trap 'rm -f -- "$err" "$got"; cleanup_temps' EXIT
name=${host%:*}; name=${name#[}; name=${name%]}
proxyhost=${proxy#http://}; proxyhost=${proxyhost%:*}
cert="null" pinned=false

# result CAUSE MESSAGE [STATUS]: the one JSON answer; exit 0 for ok, 5 for a problem found
result() {
  local cause=$1 msg=$2 status=${3:-0}
  if [[ $cause == ok ]]; then log "OK: $msg"; else log "FAILED: $msg"; fi
  printf '{"ok":%s,"cause":%s,"status":%s,"message":%s,"pinned":%s,"certificate":%s}\n' "$([[ $cause == ok ]] && echo true || echo false)" \
    "$(json_str "$cause")" "$((10#$status))" "$(json_str "$msg")" "$pinned" "$cert"
  [[ $cause == ok ]] || exit "$EX_TESTFAIL"
  exit 0
}

if mt_pinned "$host"; then
  pinned=true
  # the trusted certificate, and only it: read what the master presents now and compare, before
  # the token goes anywhere; the connection itself is then bound to that public key
  if mt_fetch "$host" "$proxy" "$timeout" "$got" && mt_info "$got"; then
    cert=$(mt_json)
    if ! same_fingerprint "$MT_SHA256" "$MT_PIN_SHA256"; then
      result pin "THE CERTIFICATE OF https://$host HAS CHANGED since it was trusted (trusted SHA-256 $MT_PIN_SHA256, now $MT_SHA256): someone may be intercepting the connection, or the master has a new certificate. Nothing was sent to it. If the master's certificate was replaced, compare the new fingerprint with the master's and trust it again (confconsole master trust)."
    fi
    [[ $MT_STATE == valid ]] || result certificate "the trusted certificate of https://$host is $MT_STATE (valid $MT_FROM to $MT_UNTIL): the master needs a new certificate, to be trusted again"
  fi
  args+=(--insecure --pinnedpubkey "$(mt_pubkey_pin "$MT_PIN")")
elif [[ -f $ca ]]; then
  args+=(--cacert "$ca")
fi
# only the proxy given here: none from the environment (https_proxy) either
if [[ -n $proxy ]]; then args+=(--proxy "$proxy"); else args+=(--noproxy '*'); fi
# The token travels in curl's config on stdin, never in its arguments.
cfg=""
[[ -n $token ]] && cfg="header = \"Authorization: Bearer $token\""
code=$(printf '%s\n' "$cfg" | curl "${args[@]}" -K - "$url" 2>"$err")
rc=$?
# curl's reason is on its "curl: (N) ..." line; hints may follow it
detail=$(grep -m1 '^curl: ([0-9]*)' "$err" | sed 's/^curl: ([0-9]*) //')
[[ -n $detail ]] || detail=$(head -n 1 "$err")
status=${code:-000}

# not_trusted: the certificate a CA check refused, described so the operator can judge it
not_trusted() {
  local why=$detail
  if mt_fetch "$host" "$proxy" "$timeout" "$got" && mt_info "$got"; then
    cert=$(mt_json)
    case $MT_STATE in
      expired) why="it expired on $MT_UNTIL" ;;
      not-yet-valid) why="it is not valid before $MT_FROM" ;;
      *) if [[ $MT_SELF == yes ]]; then why="it is self-signed"; else why="it is issued by $MT_ISSUER, which is not trusted here"; fi
         [[ $detail == *"match"* || $detail == *"alternative"* ]] && why+=", and not issued for \"$name\" ($detail)" ;;
    esac
    log "subject:  $MT_SUBJECT"
    log "issuer:   $MT_ISSUER"
    log "valid:    $MT_FROM to $MT_UNTIL"
    log "SHA-256:  $MT_SHA256"
    [[ $MT_STATE == valid ]] && log "if this is the fingerprint the master shows, trust it: confconsole master trust --host $host --fingerprint $MT_SHA256"
    result certificate "the certificate of https://$host is not trusted: $why"
  fi
  result certificate "the certificate of https://$host is not trusted or not issued for \"$name\" ($detail)"
}

case $rc in
  0)
    case $status in
      2??|3??) result ok "Successful connection to https://$host$([[ $pinned == true ]] && printf " (its trusted certificate)")${token:+; the master accepted the push token}" "$status" ;;
      401|403) result token "the master at https://$host refused the push token (HTTP $status): check the token, label included" "$status" ;;
      407) result proxy "the proxy $proxy asks for credentials (HTTP 407)" "$status" ;;
      *) result http "https://$host answered HTTP $status" "$status" ;;
    esac ;;
  5) result proxy "the proxy name \"$proxyhost\" does not resolve (DNS)" ;;
  6) result dns "the master's name \"$name\" does not resolve: check the DNS servers, or use its IP address" ;;
  7) if [[ -n $proxy ]]; then result proxy "cannot connect to the proxy $proxy (refused)"
     else result refused "connection to https://$host refused: nothing listens there, or a firewall rejects it"; fi ;;
  28) result timeout "no answer from https://$host within $timeout s: a firewall may drop the traffic, or the address is wrong" ;;
  35) result tls "the TLS handshake with https://$host failed ($detail)" ;;
  51|60) not_trusted ;;
  90) result pin "THE CERTIFICATE OF https://$host HAS CHANGED since it was trusted (its public key is not the trusted one): nothing was sent to it" ;;
  56|97) [[ $status == 407 ]] && result proxy "the proxy $proxy asks for credentials (HTTP 407)"
         result proxy "the proxy $proxy did not pass the connection ($detail)" ;;
  *) result other "the connection to https://$host failed: $detail (curl $rc)" ;;
esac
