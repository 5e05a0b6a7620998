# shellcheck shell=bash
# Secrets: read from stdin only (a process's argv is readable by every user), checked,
# stored 0600 in a 0700 directory, and only ever described by length and a hash prefix.
SECRETS_DIR=$(p /etc/confconsole/secrets)

# read_secret WHAT → SECRET: the first line of stdin; on a terminal, asked for twice without
# echo (a typing error typed blind is caught before it is stored) and refused when they differ
read_secret() {
  local line="" again=""
  if [[ -t 0 ]]; then
    printf 'Enter the %s (it is not shown): ' "$1" >&2
    IFS= read -rs line || true
    printf '\nEnter it again: ' >&2
    IFS= read -rs again || true
    printf '\n' >&2
    [[ $line == "$again" ]] || refuse secret "the two entries of the $1 differ: nothing was changed"
  else
    IFS= read -r line || true
  fi
  SECRET=${line%$'\r'}
}

# describe_secret VALUE → "N chars, hmac abcd1234" (for logs and the audit: never the value): the
# fingerprint is keyed with this appliance's own key (lib/fingerprint.py), so a short secret
# cannot be found from it by brute force; the value goes on stdin, never in argv
describe_secret() { printf '%d chars, hmac %s' "${#1}" "$(printf '%s' "$1" | python3 "$CC_LIB/fingerprint.py" "${CC_ROOT:-/}" 2>/dev/null || echo '(not known)')"; }

# store_secret NAME VALUE: atomically into SECRETS_DIR/NAME, mode 0600 (backed up, journaled by the caller)
secret_file() { printf '%s/%s' "$SECRETS_DIR" "$1"; }
# other_secrets REMOVE NAME...: the stored secrets of the modes a change leaves. They are kept
# unless REMOVE is yes (a push token is shown only once by the master: deleting it without being
# asked loses it); removed ones go in APPLY_REMOVE, so the removal is part of the change's
# journal (lib/apply.sh). Each is a row of the review's plan: kept or removed.
other_secrets() {
  local remove=$1 n f; shift
  for n in "$@"; do
    f=$(secret_file "$n")
    [[ -e $f ]] || continue
    if [[ $remove == yes ]]; then APPLY_REMOVE+=("$f"); plan_secret "$n" "$(secret_mask "$n")" "" removed
    else plan_secret "$n" "$(secret_mask "$n")" "$(secret_mask "$n")" kept; fi
  done
}
# secret_mask NAME → how a stored secret may be shown: "label:****" for a push token, "****"
# for any other, "" when none is stored
secret_mask() {
  local f t=""
  f=$(secret_file "$1")
  [[ -e $f ]] || return 0
  if [[ $1 == push_token ]]; then IFS= read -r t <"$f" || true; printf '%s:****' "${t%%:*}"
  else printf '****'; fi
}
# secret_change NAME VALUE → "new" or "same" (the stored secret is this one)
secret_change() {
  local f t=""
  f=$(secret_file "$1")
  [[ -r $f ]] && IFS= read -r t <"$f"
  if [[ -e $f && $t == "$2" ]]; then printf same; else printf new; fi
}

# ---- the review's plan (--dry-run) --------------------------------------------------------
# A script run with --dry-run checks and normalises everything exactly as it would for the
# change, then prints what it would store instead of storing it:
#   {"ok":true,"dry_run":true,"changed":BOOL,"rows":[{"key","old","new"[,"secret"]}...]}
# The console's review is built from these rows (src/system/plan.ts), so it shows what will be
# stored and only that. "secret" (new|same|kept|removed) says what happens to a stored secret,
# whose old/new are masks ("label:****", "****", "" for none).
PLAN_ROWS=() PLAN_CHANGED=false
plan_row() { # KEY OLD NEW
  PLAN_ROWS+=("{\"key\":$(json_str "$1"),\"old\":$(json_str "$2"),\"new\":$(json_str "$3")}")
  [[ $2 == "$3" ]] || PLAN_CHANGED=true
}
plan_secret() { # KEY OLD_MASK NEW_MASK new|same|kept|removed
  PLAN_ROWS+=("{\"key\":$(json_str "$1"),\"old\":$(json_str "$2"),\"new\":$(json_str "$3"),\"secret\":$(json_str "$4")}")
  [[ $4 == new || $4 == removed ]] && PLAN_CHANGED=true
  return 0
}
plan_print() {
  local IFS=,
  printf '{"ok":true,"dry_run":true,"changed":%s,"rows":[%s]}\n' "$PLAN_CHANGED" "${PLAN_ROWS[*]}"
}

stage_secret() { # NAME VALUE → prints the staged temp path
  local t
  mkdir -p -- "$SECRETS_DIR" && chmod 0700 -- "$SECRETS_DIR"
  t=$(umask 077; stage "$(secret_file "$1")") || return 1
  chmod 0600 -- "$t"
  printf '%s\n' "$2" >"$t"
  printf '%s' "$t"
}

# A secret given as an option the manual never printed is refused (field FIELD) with the way to do it right.
refuse_secret_args() { # WHAT EXAMPLE FIELD
  refuse "$3" "the $1 is read from standard input, never from the command line, where every user can see it: $2"
}
# secret_arg WHAT VALUE HOW → SECRET: the manual's older form, a secret as an argument, still
# accepted (scripts written after the manual keep working) with one warning line: it was
# visible to every user in the process list while the script ran. HOW is the stdin form.
secret_arg() {
  log "warning: the $1 was given on the command line, where every user can read it in the process list (ps); pass it on standard input instead: $3"
  SECRET=${2%$'\r'}
}

# read_hmac WHAT FIELD [ARG HOW] → SECRET: an HMAC token/key from stdin (or from ARG, the
# manual's older form, with the warning of secret_arg), checked, with a warning below 20
read_hmac() {
  if (($# >= 4)); then secret_arg "$1" "$3" "$4"; else read_secret "$1"; fi
  accept "$2" check_hmac "$SECRET" "$1"
  ((${#SECRET} >= 20)) || log "warning: the $1 has ${#SECRET} characters; 20 or more are recommended"
}
