# shellcheck shell=bash
# The master's certificate: read from the master itself (openssl s_client), described for the
# operator (subject, issuer, validity, SHA-256 fingerprint), and pinned when the operator trusts
# it — the usual case of a master with a self-signed certificate (manual ch. 7: "safe to use on
# untrusted networks if using self-signed SSL certificates"). Sourced by test_master.sh and
# trust_master.sh after common.sh.
#
# The pin: etc/confconsole/master-trust.pem, the certificate itself after two comment lines
# ("# host: HOST[:PORT]", "# sha256: AA:BB:..."). For that host, every test (and so the health
# check, which runs test_master.sh --stored) accepts that certificate and no other: the
# connection is bound to its public key (curl --pinnedpubkey), and a different certificate is
# refused loudly before anything (the push token) is sent.
MT_PIN=$(p /etc/confconsole/master-trust.pem)

# mt_fetch HOST PROXY TIMEOUT OUT: the certificate the master at HOST presents (through the
# HTTP PROXY when given), as PEM in file OUT; 1 when none could be read, MT_WHY then saying why
# as openssl met it (refused, a name that does not resolve, no answer in time, no TLS there).
# shellcheck disable=SC2034  # MT_WHY is read by the scripts
mt_fetch() {
  local host=$1 proxy=$2 t=$3 out=$4 name port args err rc
  MT_WHY="not a host name or IP address"
  split_host_port "$host" || return 1
  name=$HP_HOST port=${HP_PORT:-443}
  if is_ipv6 "$name"; then args=(s_client -connect "[$name]:$port")
  else args=(s_client -connect "$name:$port"); fi
  args+=(-showcerts)
  # SNI only for a name (an IP address is not sent, RFC 6066 §3)
  is_ipv4 "$name" || is_ipv6 "$name" || args+=(-servername "$name")
  [[ -n $proxy ]] && args+=(-proxy "${proxy#http://}")
  err=$(mktemp) || { MT_WHY="cannot create a temporary file"; return 1; }
  timeout "$t" openssl "${args[@]}" </dev/null 2>"$err" \
    | awk '/-----BEGIN CERTIFICATE-----/ { on = 1 } on { print } /-----END CERTIFICATE-----/ { exit }' >"$out"
  rc=${PIPESTATUS[0]}
  if [[ -s $out ]]; then rm -f -- "$err"; return 0; fi
  if ((rc == 124)); then MT_WHY="nothing answered with TLS there within $t s"
  elif grep -q 'Connection refused' "$err"; then MT_WHY="connection refused: nothing listens there, or a firewall rejects it"
  elif grep -qE 'Name or service not known|nodename nor servname|Temporary failure in name resolution|BIO_lookup' "$err"; then MT_WHY="the name does not resolve"
  elif [[ -n $proxy ]]; then MT_WHY="the proxy did not open a TLS connection to it"
  else MT_WHY="it answered, but not with a TLS certificate"; fi
  rm -f -- "$err"
  return 1
}

# mt_info PEM → MT_SUBJECT, MT_ISSUER, MT_FROM, MT_UNTIL (as openssl prints them, GMT),
# MT_SHA256 (AA:BB:...), MT_NAMES (the subjectAltName entries, or ""), MT_SELF (yes when issued
# by itself), MT_STATE (valid, expired, not-yet-valid); 1 when PEM is not a certificate
# shellcheck disable=SC2034  # MT_* are read by the scripts
mt_info() {
  local pem=$1 out
  out=$(openssl x509 -in "$pem" -noout -nameopt RFC2253 -subject -issuer -startdate -enddate -fingerprint -sha256 2>/dev/null) || return 1
  MT_SUBJECT=$(sed -n 's/^subject=[ ]*//p' <<<"$out")
  MT_ISSUER=$(sed -n 's/^issuer=[ ]*//p' <<<"$out")
  MT_FROM=$(sed -n 's/^notBefore=//p' <<<"$out")
  MT_UNTIL=$(sed -n 's/^notAfter=//p' <<<"$out")
  MT_SHA256=$(sed -n 's/^sha256 Fingerprint=//Ip' <<<"$out")
  MT_NAMES=$(openssl x509 -in "$pem" -noout -ext subjectAltName 2>/dev/null | sed -n '2,$p' | tr -d ' \n')
  MT_SELF=no
  [[ $MT_SUBJECT == "$MT_ISSUER" ]] && openssl verify -CAfile "$pem" -partial_chain "$pem" >/dev/null 2>&1 && MT_SELF=yes
  MT_STATE=valid
  if ! openssl x509 -in "$pem" -noout -checkend 0 >/dev/null 2>&1; then MT_STATE=expired
  elif (($(date -u -d "$MT_FROM" +%s 2>/dev/null || echo 0) > $(date -u +%s))); then MT_STATE=not-yet-valid; fi
}

# mt_json → the certificate's description as a JSON object (after mt_info)
mt_json() {
  printf '{"subject":%s,"issuer":%s,"not_before":%s,"not_after":%s,"sha256":%s,"names":%s,"self_signed":%s,"state":%s}' \
    "$(json_str "$MT_SUBJECT")" "$(json_str "$MT_ISSUER")" "$(json_str "$MT_FROM")" "$(json_str "$MT_UNTIL")" \
    "$(json_str "$MT_SHA256")" "$(json_str "$MT_NAMES")" "$([[ $MT_SELF == yes ]] && echo true || echo false)" "$(json_str "$MT_STATE")"
}

# mt_pinned HOST → 0 when a pin exists for HOST; MT_PIN_SHA256 its fingerprint
mt_pinned() {
  [[ -f $MT_PIN ]] || return 1
  local h
  h=$(sed -n 's/^# host: //p' "$MT_PIN" | head -n1)
  [[ $h == "$1" ]] || return 1
  MT_PIN_SHA256=$(sed -n 's/^# sha256: //p' "$MT_PIN" | head -n1)
  [[ -n $MT_PIN_SHA256 ]]
}

# mt_pubkey_pin PEM → "sha256//BASE64" of the certificate's public key (curl --pinnedpubkey)
mt_pubkey_pin() {
  local b
  b=$(openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64) || return 1
  printf 'sha256//%s' "$b"
}

# same_fingerprint A B: two SHA-256 fingerprints, written with or without colons, in any case
same_fingerprint() {
  local a=${1//:/} b=${2//:/}
  [[ -n $a && ${a^^} == "${b^^}" ]]
}
