#!/usr/bin/env bash
# trust_master.sh --show [--timeout S] HOST [PROXY]
# trust_master.sh --fingerprint SHA256 [--timeout S] HOST [PROXY]
# trust_master.sh --remove
# The master's certificate, for a master whose certificate no CA here vouches for (a self-signed
# one, as masters often have). --show reads the certificate the master at HOST presents (through
# the HTTP PROXY when given) and prints its subject, issuer, validity and SHA-256 fingerprint;
# nothing is changed. --fingerprint trusts it (pins it) when the master presents exactly the
# certificate with that fingerprint — the one the operator compared with the master's — and it
# is valid now: every later test of HOST (test_master.sh, the health check) accepts that
# certificate and refuses any other. --remove forgets it. The pin is
# etc/confconsole/master-trust.pem (one master; a new one replaces it, backed up).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/master.sh
. "$here/lib/master.sh"

USAGE="usage: trust_master.sh --show|--fingerprint SHA256 [--timeout S] HOST [PROXY] | --remove"
what="" fp="" timeout=10
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --show|--remove) [[ -z $what ]] || usage_error "$USAGE"; what=${1#--}; shift ;;
    --fingerprint) [[ -z $what ]] || usage_error "$USAGE"; (($# >= 2)) || refuse fingerprint "--fingerprint needs the SHA-256 fingerprint"
      what=trust fp=$2; shift 2 ;;
    --timeout) accept timeout check_seconds "${2-}" 1 120 --timeout; timeout=$CHECKED; shift 2 ;;
    --) shift; break ;;
    --?*) usage_error "unknown option \"$1\" ($USAGE)" ;;
    *) break ;;
  esac
done
[[ -n $what ]] || usage_error "$USAGE (--show prints the fingerprint to compare with the master's)"

if [[ $what == remove ]]; then
  (($# == 0)) || usage_error "$USAGE"
  lock
  [[ -f $MT_PIN ]] || { log "no master certificate is trusted"; printf '{"ok":true,"removed":false}\n'; exit 0; }
  h=$(sed -n 's/^# host: //p' "$MT_PIN" | head -n1) f=$(sed -n 's/^# sha256: //p' "$MT_PIN" | head -n1)
  backup "$MT_PIN" >/dev/null || fail "$EX_FAIL" "cannot back up $MT_PIN"
  rm -f -- "$MT_PIN" && sync -- "${MT_PIN%/*}"
  audit master.trust "no longer trusted: certificate of $h (SHA-256 $f)" ok
  printf '{"ok":true,"removed":true}\n'
  exit 0
fi

(($# >= 1 && $# <= 2)) || usage_error "$USAGE"
accept host check_master_host "$1"; host=$CHECKED
proxy=""
if (($# == 2)); then accept proxy check_master_proxy "$2"; proxy=$CHECKED; fi
if [[ $what == trust ]]; then
  [[ ${fp//:/} =~ ^[0-9A-Fa-f]{64}$ ]] || refuse fingerprint "\"$fp\" is not a SHA-256 fingerprint (64 hexadecimal digits, with or without colons)"
fi

got=$(mktemp); trap 'rm -f -- "$got"; cleanup_temps' EXIT
log "reading the certificate of https://$host${proxy:+ through $proxy}"
mt_fetch "$host" "$proxy" "$timeout" "$got" || fail "$EX_TESTFAIL" "no certificate could be read from https://$host${proxy:+ through $proxy} ($MT_WHY)"
mt_info "$got" || fail "$EX_TESTFAIL" "https://$host presented something that is not a certificate"
was=false; mt_pinned "$host" && same_fingerprint "$MT_SHA256" "$MT_PIN_SHA256" && was=true
log "subject:  $MT_SUBJECT"
log "issuer:   $MT_ISSUER$([[ $MT_SELF == yes ]] && printf ' (self-signed)')"
log "valid:    $MT_FROM to $MT_UNTIL ($MT_STATE)"
log "SHA-256:  $MT_SHA256"

if [[ $what == show ]]; then
  printf '{"ok":true,"host":%s,"trusted":%s,"certificate":%s}\n' "$(json_str "$host")" "$was" "$(mt_json)"
  exit 0
fi

same_fingerprint "$MT_SHA256" "$fp" \
  || refuse fingerprint "https://$host presents a certificate with SHA-256 $MT_SHA256, not $fp: nothing was trusted (compare again with the fingerprint the master shows)"
case $MT_STATE in
  expired) refuse fingerprint "the certificate of https://$host expired on $MT_UNTIL: it is not trusted; the master needs a new certificate" ;;
  not-yet-valid) refuse fingerprint "the certificate of https://$host is not valid before $MT_FROM: it is not trusted (check the clock, NTP)" ;;
esac

lock
b=$(backup "$MT_PIN") || fail "$EX_FAIL" "cannot back up $MT_PIN"
t=$(stage "$MT_PIN") || fail "$EX_FAIL" "cannot write in ${MT_PIN%/*}"
if ! { printf '# host: %s\n# sha256: %s\n' "$host" "$MT_SHA256" && cat -- "$got"; } >"$t" || ! commit "$t" "$MT_PIN" 0644; then
  restore "$MT_PIN" "$b"; fail "$EX_FAIL" "cannot write $MT_PIN"
fi
audit master.trust "trusted: certificate of $host, subject $MT_SUBJECT, SHA-256 $MT_SHA256" ok
log "trusted: every test of https://$host now accepts this certificate, and refuses any other"
printf '{"ok":true,"host":%s,"trusted":true,"certificate":%s}\n' "$(json_str "$host")" "$(mt_json)"
