#!/usr/bin/env bash
# set_password.sh [--dry-run] [--first-boot] < password — a new password for the admin user
# (manual ch. 7: "Create a new password for the darktrace user. This will be the default admin
# user"). Which user: [console] admin_user in appliance.ini, else darktrace. The password is the
# first line of standard input (on a terminal, asked twice without echo): 8 or more characters,
# at most 256 bytes, no control characters (check_admin_password). It goes to chpasswd as one
# "user:password" line on chpasswd's standard input: never in an argument, a file or a log.
# The user must exist on this system (the appliance's own user database: chpasswd has no root
# of ours). On the demo appliance chpasswd is not run: recorded in host-effects.log.
# --first-boot: once the password is set, records that the first-boot steps are done
# (var/lib/confconsole/firstboot.done: the console does not ask them again at its start).
# --dry-run: check the password and the user, change nothing.
# Result: {"ok":true,"user":U,"first_boot":BOOL}. Exit 2 bad password (field password) or no such
# user (field user), 1 chpasswd failed (its reason).
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"

USAGE="usage: set_password.sh [--dry-run] [--first-boot] < password"
FIRSTBOOT=$(p /var/lib/confconsole/firstboot.done)
dry=no first=no
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --dry-run) dry=yes; shift ;;
    --first-boot) first=yes; shift ;;
    *) usage_error "$USAGE (the password comes on standard input, never as an argument)" ;;
  esac
done

user=$(ini_get "$SETTINGS_INI" console admin_user) || fail_on settings "$EX_FAIL" "cannot read $SETTINGS_INI"
user=${user:-darktrace}
read_secret "new password of $user"
accept password check_admin_password "$SECRET"
demo=no; is_demo && demo=yes
if [[ $demo == no ]] && ! getent passwd "$user" >/dev/null; then
  refuse user "there is no user \"$user\" on this system: create it, or name the admin user in $SETTINGS_INI ([console] admin_user)"
fi
if [[ $dry == yes ]]; then
  printf '{"ok":true,"dry_run":true,"user":%s}\n' "$(json_str "$user")"; exit 0
fi

lock
if [[ $demo == yes ]]; then
  record_host_effect "chpasswd (a new password for $user, ${#SECRET} bytes)"
else
  # printf is a bash builtin: the password is in no process's argument list
  if ! err=$(printf '%s:%s\n' "$user" "$SECRET" | chpasswd 9>&- 2>&1); then
    audit password.set "user $user" "failed"
    fail "$EX_FAIL" "chpasswd did not change the password of $user: ${err##*$'\n'}"
  fi
fi
log "the password of $user is changed"
audit password.set "user $user (${#SECRET} bytes)" ok
if [[ $first == yes ]]; then
  t=$(stage "$FIRSTBOOT") || fail "$EX_PARTIAL" "the password is set, but the first-boot record cannot be written in ${FIRSTBOOT%/*}"
  { printf 'first-boot steps done %s (admin user %s)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$user" >"$t" && commit "$t" "$FIRSTBOOT" 0644; } \
    || fail "$EX_PARTIAL" "the password is set, but the first-boot record $FIRSTBOOT cannot be written"
  log "first boot done (recorded in $FIRSTBOOT)"
fi
printf '{"ok":true,"user":%s,"first_boot":%s}\n' "$(json_str "$user")" "$( [[ $first == yes ]] && echo true || echo false)"
