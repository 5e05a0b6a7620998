#!/usr/bin/env bash
# set_topology.sh [--dry-run] probe --mode push-token|pull|push --master HOST [--proxy URL]
#                 --retain-search yes|no [--change]        (token on stdin for push-token, pull)
# set_topology.sh [--dry-run] master
# The appliance's role in a distributed deployment (manual ch. 10 "Converting to a Probe"):
#   probe   make this master appliance a probe of the master at HOST, in one of the vSensor's
#           communication modes (lib/masterconn.sh: the same [master] keys and secret files,
#           the push token label:secret or the Pull HMAC token of 5-63 letters and digits read
#           from standard input only, stored 0600). --retain-search no: Advanced Search data is
#           stored centrally on the master. --change: this appliance is a probe already and only
#           its master connection changes.
#   master  make this probe a master again: the master connection and its secrets are removed.
# The role is [topology] role (master, the default, or probe) and [topology] retain_search in
# appliance.ini. Services (data, [services] in appliance.ini): probe_role (default
# "probe-forwarder") runs on a probe only, master_role (default "master-analytics master-search
# master-ui") on a master only. The change stops the one list and starts the other; when a
# service does not start, the files are put back byte for byte and the previous role's services
# run again: exit 3 (restored, running) or 7 (restored, a service is down), as lib/apply.sh does.
# Converting a probe to a probe (without --change) or a master to a master changes nothing:
# exit 2, field "role". Other bad input: exit 2, the field named, nothing changed.
# --dry-run: check everything, change nothing, print the plan ({"dry_run":true,"changed","rows"}).
# Result: {"ok":true,"changed","role","mode","host","proxy","token","retain_search","started","stopped"};
# a --change to the connection in place is "changed":false: nothing written or restarted.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/apply.sh
. "$here/lib/apply.sh"
# shellcheck source=lib/masterconn.sh
. "$here/lib/masterconn.sh"
# shellcheck source=lib/role.sh
. "$here/lib/role.sh"

USAGE="usage: set_topology.sh [--dry-run] probe --mode push-token|pull|push --master HOST [--proxy URL] --retain-search yes|no [--change] [< token] | set_topology.sh [--dry-run] master"
dry=no change=no mode="" host="" proxy="" retain="" role_to=""
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --dry-run) dry=yes; shift ;;
    --change) change=yes; shift ;;
    --mode|--master|--proxy|--retain-search)
      (($# >= 2)) || usage_error "$1 needs a value ($USAGE)"
      case $1 in --mode) mode=$2 ;; --master) host=$2 ;; --proxy) proxy=$2 ;; --retain-search) retain=$2 ;; esac
      shift 2 ;;
    probe|master) [[ -z $role_to ]] || usage_error "$USAGE"; role_to=$1; shift ;;
    *) usage_error "unknown argument \"$1\" ($USAGE)" ;;
  esac
done
[[ -n $role_to ]] || usage_error "$USAGE"

probe_svcs=$(role_services probe)
master_svcs=$(role_services master)

if [[ $role_to == probe ]]; then
  case $mode in
    push-token|pull|push) ;;
    "") refuse mode "choose the communication mode: push-token, pull or push" ;;
    *) refuse mode "\"$mode\" is not a communication mode: push-token, pull or push" ;;
  esac
  accept master check_master_host "$host"; host=$CHECKED
  if [[ -n $proxy ]]; then
    [[ $mode == push-token ]] || refuse proxy "a proxy is only used in Push Token mode"
    accept proxy check_master_proxy "$proxy"; proxy=$CHECKED
  fi
  case $retain in yes|no) ;; *) refuse retain-search "answer yes or no: does the probe retain Advanced Search data?" ;; esac
  mc_read_secret "$mode"
else
  [[ -z $mode$host$proxy$retain && $change == no ]] || usage_error "master takes no options ($USAGE)"
fi

# check_role: probe → probe (without --change) and master → master change nothing: exit 2,
# field "role". Read again once the lock is held: recovery may have rolled an interrupted
# change back, and the role is what the files say after it.
check_role() {
  role_now=$(ini_get "$SETTINGS_INI" topology role); role_now=${role_now:-master}
  if [[ $role_to == master ]]; then
    [[ $role_now == probe ]] || refuse role "this appliance is already a master: nothing was changed"
  elif [[ $change == yes && $role_now != probe ]]; then
    refuse role "this appliance is a master: convert it to a probe first (nothing was changed)"
  elif [[ $change == no && $role_now == probe ]]; then
    refuse role "this appliance is already a probe (of $(ini_get "$SETTINGS_INI" master host)): nothing was changed; to change its master connection use Change the master connection (--change)"
  fi
  return 0
}

plan() {
  plan_row role "$role_now" "$role_to"
  if [[ $role_to == probe ]]; then
    # the other modes' stored secrets are kept, as the vSensor keeps them (a push token is shown once)
    mc_plan "$mode" "$host" "$proxy" no
    plan_row retain_search "$(ini_get "$SETTINGS_INI" topology retain_search)" "$retain"
  else
    # a master has no master: its connection and secrets go, in the same journaled change
    MC_SECRET="" SECRET=""
    mc_plan "" "" "" yes
    plan_row retain_search "$(ini_get "$SETTINGS_INI" topology retain_search)" ""
  fi
}
if [[ $dry == yes ]]; then check_role; plan; plan_print; exit 0; fi

lock
check_role
plan
if [[ $role_to == probe ]]; then
  mc_keys "$mode" "$host" "$proxy"; keys=("${MC_KEYS[@]}" topology role probe topology retain_search "$retain")
  start=$probe_svcs stop=$master_svcs
  detail="probe of https://$host, mode $mode${proxy:+, proxy $proxy}${MC_MASK:+, token $MC_MASK ($(describe_secret "$SECRET"))}, retain search $retain"
  action=topology.convert-to-probe
  [[ $change == yes ]] && action=topology.change-master
else
  mc_keys "" "" ""; keys=("${MC_KEYS[@]}" topology role master topology retain_search "")
  start=$master_svcs stop=$probe_svcs
  detail="master (the master connection and its secrets removed)"
  action=topology.convert-to-master
fi
read -ra start_l <<<"$start"; read -ra stop_l <<<"$stop"
# a --change to the connection in place: nothing written, stopped, started or audited (issue 15)
if [[ $change == yes ]] && settings_in_place "$MC_SECRET" "$SECRET" "${keys[@]}"; then
  log "nothing changes: this is the master connection in place (nothing restarted)"
  printf '{"ok":true,"changed":false,"role":"probe","mode":%s,"host":%s,"proxy":%s,"token":%s,"retain_search":%s,"started":[],"stopped":[],"removed":[]}\n' \
    "$(json_str "$mode")" "$(json_str "$host")" "$(json_str "$proxy")" "$(json_str "$MC_MASK")" "$(json_str "$retain")"
  exit 0
fi

# recovery after a kill: the files back, the services this change starts stopped, the old ones started
APPLY_JOURNAL=()
for s in "${start_l[@]}"; do APPLY_JOURNAL+=("stop	$s"); done
for s in "${stop_l[@]}"; do APPLY_JOURNAL+=("svc	$s"); done
apply_files "$MC_SECRET" "$SECRET" "${keys[@]}"

# switch_or_restore: the previous role's services stopped, this one's started; when one does
# not start, every file gets its backup back and the previous role runs again (exit 3), or
# cannot (exit 7, its services named)
err="" failed=""
for s in "${stop_l[@]}"; do log "stopping $s"; svc stop "$s" >/dev/null 2>&1 || log "warning: $s did not stop"; done
for s in "${start_l[@]}"; do
  log "starting $s"
  if ! err=$(svc start "$s" 2>&1); then failed=$s err=${err:-no message}; break; fi
done
fault_point services
if [[ -n $failed ]]; then
  log "$failed did not start: $err; restoring the previous role"
  set -- "${APPLY_BACKUPS[@]}"
  while (($# >= 2)); do
    if ! restore "$1" "$2"; then
      audit "$action" "$detail" "failed, not restored"
      # shellcheck disable=SC2034  # read by fail_on (core.sh): keep the journal for the next lock holder
      CC_TXN=0
      fail "$EX_FAIL" "$failed did not start ($err), and $1 could not be put back from $2; the next change (or recover.sh at boot) retries"
    fi
    shift 2
  done
  for s in "${start_l[@]}"; do svc stop "$s" >/dev/null 2>&1 || true; done
  down="" err2=""
  for s in "${stop_l[@]}"; do
    e=$(svc start "$s" 2>&1) || { down+="${down:+ }$s" err2+="${err2:+; }$s: ${e:-no message}"; }
  done
  CC_FAIL_EXTRA="\"restored\":true,\"service\":{\"name\":$(json_str "${down:-$failed}"),\"state\":\"$([[ -n $down ]] && echo down || echo up)\",\"error\":$(json_str "$failed: $err")"
  if [[ -z $down ]]; then
    CC_FAIL_EXTRA+="}"
    audit "$action" "$detail" "failed, restored"
    fail "$EX_RESTORED" "$failed did not start ($err); the previous role and settings are restored, and its services run"
  fi
  CC_FAIL_EXTRA+=",\"restore_error\":$(json_str "$err2")}"
  audit "$action" "$detail" "failed, restored, $down down"
  fail "$EX_DOWN" "$failed did not start ($err); the previous settings are back in the files, but $down did not start with them either ($err2): see 'systemctl status $down', then start it (Restart all services)"
fi
audit "$action" "$detail${APPLY_GONE[*]:+; removed ${APPLY_GONE[*]##*/}}" ok
txn_end
log "done: this appliance is a $role_to"
printf '{"ok":true,"changed":true,"role":%s,"mode":%s,"host":%s,"proxy":%s,"token":%s,"retain_search":%s,"started":%s,"stopped":%s,"removed":%s}\n' \
  "$(json_str "$role_to")" "$(json_str "$mode")" "$(json_str "$host")" "$(json_str "$proxy")" "$(json_str "$MC_MASK")" \
  "$(json_str "$retain")" "$(json_arr "${start_l[@]}")" "$(json_arr "${stop_l[@]}")" "$(json_arr "${APPLY_GONE[@]##*/}")"
