#!/usr/bin/env bash
# upgrade_vsensor.sh [--phase download|install] — upgrade the vSensor packages (manual ch. 7
# "Upgrading a vSensor"; the first time, install them): the package index of the vSensor
# repository is updated, then the packages named in etc/confconsole/updates.conf are installed
# or upgraded to the repository's version — those packages only, with what they depend on.
# Progress lines on stderr: "download: N% ..." and "install: N% Unpacking ..." (APT's
# APT::Status-Fd). Two phases, so that stopping is safe only where it is:
#   --phase download  index update, the plan, the download into APT's cache; stopped (TERM)
#                     at any point, nothing is installed. {"phase":"download","changes":[...]}
#   --phase install   unpack and configure what was downloaded (no download): not to be
#                     stopped; runs to its end even if the console goes
# Without --phase: both. Afterwards restart the confconsole ("restart_console":true).
# Exit 0 done (or nothing to do: "changes":[]); 2 no update key set; 5 the update key was
# refused ("cause":"refused"); 1 failed ("cause" as set_updatekey.sh says it); 4 locked. The
# demo appliance runs no package manager: refused (exit 1), nothing done.
# shellcheck disable=SC2034  # CC_FAIL_EXTRA is read by fail_on (core.sh)
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/updates.sh
. "$here/lib/updates.sh"

USAGE="usage: upgrade_vsensor.sh [--phase download|install]"
phase=all
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --phase) [[ ${2:-} == download || ${2:-} == install ]] || usage_error "--phase is download or install ($USAGE)"; phase=$2; shift 2 ;;
    *) usage_error "unknown argument \"$1\" ($USAGE)" ;;
  esac
done
upd_conf_load
upd_key_set || refuse key "no update key is set: set the key support gave you first (Updates > UpdateKey, or confconsole updates set-key)"
if is_demo; then
  fail "$EX_FAIL" "this is the demo appliance: it runs no package manager, so nothing was downloaded or installed (an appliance would run apt-get install ${UPD_PKGS[*]} from $UPD_URL)"
fi
lock
upd_apt_setup
out=$(mktemp) || fail "$EX_FAIL" "cannot create a temporary file"
CC_TEMPS+=("$out")

# changes_json: what `apt-get install` would do, from its simulation ("Inst P [OLD] (NEW ...)")
changes_json() {
  local line pkg old new res="" re='^Inst ([^ ]+) (\[([^]]*)\] )?\(([^ ]+)'
  while IFS= read -r line; do
    [[ $line =~ $re ]] || continue
    pkg=${BASH_REMATCH[1]} old=${BASH_REMATCH[3]} new=${BASH_REMATCH[4]}
    res+="${res:+,}{\"package\":$(json_str "$pkg"),\"from\":$([[ -n $old ]] && json_str "$old" || echo null),\"to\":$(json_str "$new")}"
  done
  printf '[%s]' "$res"
}
apt_failed() { # WHAT: the failure of the last apt-get run, its cause typed
  upd_classify "$(cat -- "$out")"
  [[ -n $UPD_CAUSE ]] || UPD_CAUSE=failed UPD_REASON=$(grep -m1 '^E: ' -- "$out" || tail -n1 -- "$out")
  UPD_REASON=${UPD_REASON#E: }
  CC_FAIL_EXTRA=$(upd_cause_json)
  audit updates.upgrade "$1" "failed ($UPD_CAUSE)"
  [[ $UPD_CAUSE == refused ]] && fail_on key "$EX_TESTFAIL" "$(upd_cause_text)"
  [[ $UPD_CAUSE == locked ]] && fail "$EX_LOCKED" "$(upd_cause_text)"
  fail "$EX_FAIL" "$1 failed: $(upd_cause_text)"
}

changes="[]"
if [[ $phase != install ]]; then
  # stopped while downloading: apt-get is stopped too; its cache keeps what it had, nothing is installed
  trap '[[ -n $UPD_APT_PID ]] && kill -TERM "$UPD_APT_PID" 2>/dev/null; fail "$EX_FAIL" "cancelled before anything was installed: the vSensor packages are as they were"' TERM INT
  if ! upd_index_update; then
    CC_FAIL_EXTRA=$(upd_cause_json)
    audit updates.upgrade "index update of $UPD_URL" "failed ($UPD_CAUSE)"
    [[ $UPD_CAUSE == refused ]] && fail_on key "$EX_TESTFAIL" "$(upd_cause_text): set the right key (Updates > UpdateKey)"
    fail "$EX_FAIL" "the package index update failed: $(upd_cause_text)"
  fi
  upd_apt -s install "${UPD_PKGS[@]}" >"$out" 2>&1 || apt_failed "planning the upgrade"
  changes=$(changes_json <"$out")
  if [[ $changes == "[]" ]]; then
    log "the vSensor packages are up to date"
  else
    log "to install: $(grep -c '^Inst ' -- "$out") package(s)"
    upd_apt_run "$out" -y --download-only install "${UPD_PKGS[@]}" || apt_failed "downloading the packages"
  fi
  trap - TERM INT
  if [[ $phase == download ]]; then
    printf '{"ok":true,"phase":"download","changes":%s,"packages":%s}\n' "$changes" "$(upd_installed_json)"
    exit 0
  fi
fi

# install: from APT's cache only (--no-download); not stopped by the console going away
trap '' TERM INT HUP PIPE
before=$(upd_installed | tr '\t\n' '= ')
upd_apt_run "$out" -y --no-download install "${UPD_PKGS[@]}" || apt_failed "installing the packages"
after=$(upd_installed | tr '\t\n' '= ')
if [[ $before == "$after" ]]; then
  audit updates.upgrade "${UPD_PKGS[*]}" "ok, up to date"
  printf '{"ok":true,"phase":"install","changed":false,"restart_console":false,"packages":%s}\n' "$(upd_installed_json)"
  exit 0
fi
audit updates.upgrade "${before% } -> ${after% }" ok
log "done: ${after% }"
printf '{"ok":true,"phase":"install","changed":true,"restart_console":true,"packages":%s}\n' "$(upd_installed_json)"
