#!/usr/bin/env bash
# test_master.sh [--timeout S] [--stored] HOST [PROXY] — a real HTTPS check of the master:
# resolves HOST, connects (through PROXY when given), checks its certificate (against
# etc/confconsole/master-ca.pem when present, else the system's CAs), and with a push token
# (on standard input, or the stored one with --stored) checks the master accepts it.
# Nothing is changed. Result on stdout: {"ok","cause","status","message"}; exit 0 or 5.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"

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
  [[ -r $f ]] || fail "$EX_FAIL" "no push token is stored"
  IFS= read -r token <"$f" || true
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
[[ -f $ca ]] && args+=(--cacert "$ca")
# only the proxy given here: none from the environment (https_proxy) either
if [[ -n $proxy ]]; then args+=(--proxy "$proxy"); else args+=(--noproxy '*'); fi
# The token travels in curl's config on stdin, never in its arguments.
cfg=""
[[ -n $token ]] && cfg="header = \"Authorization: Bearer $token\""
err=$(mktemp); trap 'rm -f -- "$err"; cleanup_temps' EXIT
code=$(printf '%s\n' "$cfg" | curl "${args[@]}" -K - "$url" 2>"$err")
rc=$?
# curl's reason is on its "curl: (N) ..." line; hints may follow it
detail=$(grep -m1 '^curl: ([0-9]*)' "$err" | sed 's/^curl: ([0-9]*) //')
[[ -n $detail ]] || detail=$(head -n 1 "$err")
name=${host%:*}; name=${name#[}; name=${name%]}
proxyhost=${proxy#http://}; proxyhost=${proxyhost%:*}
cause=ok status=${code:-000}
case $rc in
  0)
    case $status in
      2??|3??) msg="Successful connection to https://$host${token:+; the master accepted the push token}" ;;
      401|403) cause=token; msg="the master at https://$host refused the push token (HTTP $status): check the token, label included" ;;
      *) cause=http; msg="https://$host answered HTTP $status" ;;
    esac ;;
  5) cause=proxy; msg="the proxy name \"$proxyhost\" does not resolve (DNS)" ;;
  6) cause=dns; msg="the master's name \"$name\" does not resolve: check the DNS servers, or use its IP address" ;;
  7) if [[ -n $proxy ]]; then cause=proxy; msg="cannot connect to the proxy $proxy (refused)"
     else cause=refused; msg="connection to https://$host refused: nothing listens there, or a firewall rejects it"; fi ;;
  28) cause=timeout; msg="no answer from https://$host within $timeout s: a firewall may drop the traffic, or the address is wrong" ;;
  35) cause=tls; msg="the TLS handshake with https://$host failed ($detail)" ;;
  51|60) cause=certificate; msg="the certificate of https://$host is not trusted or not issued for \"$name\" ($detail)" ;;
  56|97) cause=proxy; msg="the proxy $proxy did not pass the connection ($detail)" ;;
  *) cause=other; msg="the connection to https://$host failed: $detail (curl $rc)" ;;
esac
[[ $status == 407 ]] && { cause=proxy; msg="the proxy $proxy asks for credentials (HTTP 407)"; }
if [[ $cause == ok ]]; then log "OK: $msg"; else log "FAILED: $msg"; fi
printf '{"ok":%s,"cause":%s,"status":%s,"message":%s}\n' "$([[ $cause == ok ]] && echo true || echo false)" \
  "$(json_str "$cause")" "$((10#$status))" "$(json_str "$msg")"
[[ $cause == ok ]] || exit "$EX_TESTFAIL"
