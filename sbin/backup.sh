#!/usr/bin/env bash
# backup.sh show|now|list|fetch ID FILE — the backups of the appliance's settings (issue 15;
# confconsole backup ...; Appliance Admin / Setup > Backups). Settings: set_backup.sh.
#   show        the settings, the pinned host key, the appliance's public key, the last result:
#               {"ok":true,"backup":{...},"host_key":FP|null,"public_key":KEY|null,"last":{...}|null}
#   now         store the settings document on standard input (confconsole export --secrets
#               --yaml, which confconsole backup now sends) as a new backup: encrypted with gpg
#               (AES256, the stored passphrase, given on a file descriptor, never argv) when
#               encrypt = yes, written 0600 under a temporary name and renamed (in the directory,
#               or on the SFTP server in sftp's batch mode with our own known_hosts and
#               StrictHostKeyChecking=yes, after the server's key was compared with the pinned
#               one); then the backups beyond keep are deleted, oldest first. The result (time,
#               ok or failed and why, size, destination) is kept for the menu and backup show.
#               {"ok":true,"id":ID,"name":NAME,"size":N,"encrypted":BOOL,"pruned":[NAMES]}
#   list        the backups at the destination, newest first: {"ok":true,"backups":[{"id","name",
#               "size","encrypted"}...]}
#   fetch ID FILE   the backup ID, decrypted, into FILE (made 0600; it must not exist). An
#               encrypted one needs the passphrase: a line on standard input, or (empty) the
#               stored one; without it, or with the wrong one, refused (field passphrase).
# Backups never take the writers' lock (a slow server must not hold up changes); two backups at
# once are refused (exit 4). Exit 0 done; 1 failed (the cause named; recorded as the last
# result); 2 bad input (field named); 4 another backup runs.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/secrets.sh
. "$here/lib/secrets.sh"
# shellcheck source=lib/callhome.sh
. "$here/lib/callhome.sh"
# shellcheck source=lib/backup.sh
. "$here/lib/backup.sh"

case ${1:-} in -h|--help) cc_help ;; esac
verb=${1:-}
case $verb in
  show|now|list) (($# == 1)) || usage_error "usage: backup.sh $verb" ;;
  fetch) (($# == 3)) || usage_error "usage: backup.sh fetch ID FILE" ;;
  *) usage_error "usage: backup.sh show|now|list|fetch ID FILE" ;;
esac
bk_load
# in /tmp, whatever TMPDIR says: its paths go into sftp batch commands, and mktemp's are plain
work=$(mktemp -d /tmp/cc-backup.XXXXXXXX) || fail "$EX_FAIL" "cannot make a scratch directory in /tmp"
chmod 0700 "$work"
partial=""
trap 'rm -rf -- "$work"; [[ -n $partial ]] && rm -f -- "$partial"; cleanup_temps' EXIT
sftp_dest=no
if [[ $BK_DEST == sftp://* ]]; then check_backup_destination "$BK_DEST"; sftp_dest=yes; fi
local_dir() { p "$BK_DEST"; }

# list_names → the backups' names at the destination, oldest first, with their sizes: NAME SIZE
list_names() {
  local n s
  if [[ $sftp_dest == yes ]]; then
    printf 'ls -ln %s\n' "$BK_SFTP_PATH" >"$work/ls.batch"
    bk_sftp "$work/ls.batch" || return 1
    # ls -ln: MODE LINKS UID GID SIZE MONTH DAY TIME|YEAR NAME (names are ours: no spaces)
    while read -r _ _ _ _ s _ _ _ n; do
      n=${n##*/}
      [[ $n =~ $BK_NAME_RE && $s =~ ^[0-9]+$ ]] && printf '%s %s\n' "$n" "$s"
    done <<<"$BK_OUT" | LC_ALL=C sort
  else
    BK_ERR=$(bk_dir_problem "$(local_dir)") || return 1
    [[ -d $(local_dir) ]] || return 0
    for n in "$(local_dir)"/"$BK_PREFIX"*; do
      [[ -f $n && ${n##*/} =~ $BK_NAME_RE ]] && printf '%s %s\n' "${n##*/}" "$(stat -c %s -- "$n")"
    done | LC_ALL=C sort
  fi
}
need_dest() { [[ -n $BK_DEST ]] || refuse destination "no backup destination is set: confconsole backup set --destination DIR|sftp://USER@HOST[:PORT]/PATH"; }

case $verb in
show)
  hk=null pk=null last=null last_damaged=null cal=null
  [[ $BK_SCHEDULE == off ]] || cal=$(json_str "$(bk_calendar "$BK_SCHEDULE" "$BK_DAY" "$BK_TIME")")
  [[ -s $BK_KNOWN ]] && hk=$(json_str "$(bk_fingerprint "$BK_KNOWN")")
  [[ -f $CH_KEY.pub ]] && pk=$(json_str "$(ch_pubkey)")
  # the last result as JSON; a damaged record is said as such (last_damaged), never taken for "none yet"
  if [[ -e $BK_STATE ]] && ! last=$(python3 -I -S -c 'import json,sys
v = json.load(open(sys.argv[1]))
if not isinstance(v, dict) or not isinstance(v.get("time"), str) or not isinstance(v.get("ok"), bool): sys.exit(1)
print(json.dumps(v))' "$BK_STATE" 2>/dev/null); then
    log "warning: the last backup's result $BK_STATE is damaged: not believed"
    last=null last_damaged=$(json_str "the record of the last backup (${BK_STATE#"$CC_ROOT"}) is damaged; the next backup writes it again")
  fi
  printf '{"ok":true,"backup":{"schedule":%s,"day":%s,"time":%s,"keep":%d,"destination":%s,"encrypt":%s},"passphrase_set":%s,"calendar":%s,"host_key":%s,"public_key":%s,"last":%s,"last_damaged":%s,"refused":[%s]}\n' \
    "$(json_str "$BK_SCHEDULE")" "$(json_str "$BK_DAY")" "$(json_str "$BK_TIME")" "$BK_KEEP" "$(json_str "$BK_DEST")" \
    "$([[ $BK_ENCRYPT == yes ]] && echo true || echo false)" "$([[ -e $(secret_file "$BK_SECRET") ]] && echo true || echo false)" \
    "$cal" "$hk" "$pk" "$last" "$last_damaged" "$(for r in "${BK_REFUSED[@]}"; do printf '%s,' "$(json_str "$r")"; done | sed 's/,$//')"
  ;;
list)
  need_dest
  if [[ $sftp_dest == yes ]]; then bk_check_pin "$work/scan" || fail_on destination "$EX_FAIL" "$BK_ERR"; fi
  # not in $(...): the cause (BK_ERR) is set in this shell
  list_names >"$work/names" || fail_on destination "$EX_FAIL" "cannot list $BK_DEST: ${BK_ERR:-sftp failed}"
  names=$(<"$work/names")
  rows=()
  while read -r n s; do
    [[ -n $n ]] || continue
    [[ $n =~ $BK_NAME_RE ]]
    rows+=("{\"id\":$(json_str "${BASH_REMATCH[1]}"),\"name\":$(json_str "$n"),\"size\":$s,\"encrypted\":$([[ -n ${BASH_REMATCH[2]} ]] && echo true || echo false)}")
  done < <(LC_ALL=C sort -r <<<"$names")
  (IFS=,; printf '{"ok":true,"destination":%s,"backups":[%s]}\n' "$(json_str "$BK_DEST")" "${rows[*]}")
  ;;
now)
  need_dest
  { mkdir -p -- "${BK_LOCK%/*}" && exec 8>>"$BK_LOCK"; } || fail "$EX_FAIL" "cannot open the backup lock $BK_LOCK"
  flock -n 8 || fail "$EX_LOCKED" "another backup is running (lock $BK_LOCK)"
  trap '' HUP PIPE
  id=$(date -u +%Y%m%dT%H%M%S.%3NZ)
  name=$BK_PREFIX$id.yaml enc=false
  # failed CAUSE [FIELD]: recorded as the last result, then the script's failure; an upload that
  # had begun leaves no .NAME.part on the server (removed, or said)
  failed() {
    trap - TERM INT
    local cause=$1
    [[ -z $remote_part ]] || cause+=$(remove_part)
    demo_paths cause
    bk_state false "$cause" "$id" "$name" 0 "$enc" 0 || log "cannot record the result in $BK_STATE"
    fail_on "${2:-}" "$EX_FAIL" "$cause"
  }
  # remove_part: best effort, the partial upload removed from the server → '' or what is left
  # there, to add to the cause. An upload that never began (sftp printed no 'put': no login) has
  # nothing to remove.
  remove_part() {
    local began=yes part=$remote_part out=$BK_OUT
    remote_part=""
    [[ $put_sent == yes && $out != *'sftp> put '* ]] && began=no
    [[ $began == yes ]] || return 0
    printf -- 'rm %s\n' "$part" >"$work/rmpart.batch"
    if bk_sftp "$work/rmpart.batch"; then log "the partial upload $part is removed from the server"
    elif [[ $BK_ERR == *'No such file'* ]]; then :
    else printf '; the partial upload %s could not be removed from the server (%s): remove it by hand' "$part" "${BK_ERR:-sftp failed}"; fi
  }
  remote_part="" put_sent=no
  # cancelled (Esc in the console: TERM to the group): said as the last result; the EXIT trap
  # removes the partial file (nothing at the destination is replaced before the last rename)
  trap 'failed "cancelled before the backup was complete: nothing was replaced"' TERM INT
  doc=$work/doc
  (umask 077; cat >"$doc") || failed "cannot read the settings document from standard input"
  [[ -s $doc ]] || failed "the settings document on standard input is empty"
  head -n 5 -- "$doc" | grep -q -E '^format: ("confconsole-settings"|confconsole-settings)$' || failed "standard input is not a settings document (confconsole export --secrets --yaml)"
  out=$doc
  if [[ $BK_ENCRYPT == yes ]]; then
    sf=$(secret_file "$BK_SECRET")
    [[ -r $sf ]] || failed "encrypted backups are set but no passphrase is stored ($sf): set it again (Change schedule)" passphrase
    name+=.gpg enc=true
    mkdir -m 0700 -- "$work/gnupg" || failed "cannot make a scratch directory for gpg"
    gpg --batch --yes --quiet --no-options --homedir "$work/gnupg" --pinentry-mode loopback --passphrase-fd 3 \
      --symmetric --cipher-algo AES256 --s2k-digest-algo SHA512 --output "$work/doc.gpg" -- "$doc" 3<"$sf" 2>"$work/gpg.err" 9>&- </dev/null \
      || failed "gpg could not encrypt the backup: $(tail -n 1 -- "$work/gpg.err")"
    out=$work/doc.gpg
  fi
  chmod 0600 -- "$out"
  size=$(stat -c %s -- "$out")
  said="$size bytes"; [[ $enc == true ]] && said+=", encrypted"
  log "backup $name: $said"
  if [[ $sftp_dest == yes ]]; then
    bk_check_pin "$work/scan" || failed "$BK_ERR" destination
    ch_keygen || failed "cannot make the appliance's SSH key $CH_KEY"
    printf -- '-mkdir %s\nput %s %s/.%s.part\nchmod 600 %s/.%s.part\nrename %s/.%s.part %s/%s\n' "$BK_SFTP_PATH" "$out" \
      "$BK_SFTP_PATH" "$name" "$BK_SFTP_PATH" "$name" "$BK_SFTP_PATH" "$name" "$BK_SFTP_PATH" "$name" >"$work/put.batch"
    log "sending it to $BK_SFTP_USER@$BK_SFTP_HOST port $BK_SFTP_PORT, $BK_SFTP_PATH"
    remote_part=$BK_SFTP_PATH/.$name.part BK_OUT=""
    if ! bk_sftp "$work/put.batch"; then put_sent=yes; failed "sftp could not store it on $BK_SFTP_HOST: ${BK_ERR:-no message}" destination; fi
    remote_part=""
  else
    d=$(local_dir)
    # a directory made here is only root's; one that was there keeps its owner and mode (only what we own)
    if ! err=$(bk_dir_problem "$d"); then failed "$err" destination
    elif [[ ! -d $d ]]; then
      err=$({ mkdir -p -- "$d" && chmod 0700 -- "$d"; } 2>&1) || failed "cannot make the backup directory $d: $(cause_of "$err")" destination
    fi
    t=$(mktemp "$d/.$name.XXXXXX") || failed "cannot write in $d: $(write_cause "$d/x")" destination
    partial=$t
    { cat -- "$out" >"$t" && chmod 0600 -- "$t" && sync -- "$t" && mv -f -- "$t" "$d/$name" && sync -- "$d"; } 2>/dev/null \
      || { rm -f -- "$t"; failed "cannot write $d/$name: $(write_cause "$d/$name")" destination; }
    partial=""
  fi
  log "stored"
  # keep the newest BK_KEEP: the others go, oldest first (only after this one is stored)
  mapfile -t all < <(list_names | awk '{ print $1 }')
  pruned=()
  if ((${#all[@]} > BK_KEEP)); then
    pruned=("${all[@]:0:${#all[@]}-BK_KEEP}")
    if [[ $sftp_dest == yes ]]; then
      for n in "${pruned[@]}"; do printf -- '-rm %s/%s\n' "$BK_SFTP_PATH" "$n"; done >"$work/rm.batch"
      bk_sftp "$work/rm.batch" || log "warning: the older backups could not all be deleted: ${BK_ERR:-sftp failed}"
    else
      for n in "${pruned[@]}"; do rm -f -- "$(local_dir)/$n"; done
    fi
    log "deleted ${#pruned[@]} older backup(s) (keep $BK_KEEP)"
  fi
  bk_state true "" "$id" "$name" "$size" "$enc" "${#pruned[@]}" || log "warning: cannot record the result in $BK_STATE"
  audit backup.now "$name to $BK_DEST ($said; ${#pruned[@]} older deleted)" ok
  printf '{"ok":true,"id":%s,"name":%s,"size":%d,"encrypted":%s,"destination":%s,"pruned":%s}\n' \
    "$(json_str "$id")" "$(json_str "$name")" "$size" "$enc" "$(json_str "$BK_DEST")" "$(json_arr "${pruned[@]}")"
  ;;
fetch)
  id=$2 file=$3
  [[ $id =~ $BK_ID_RE ]] || refuse id "not a backup id (YYYYMMDDTHHMMSS.mmmZ, from confconsole backup list): $id"
  [[ ! -e $file && ! -L $file ]] || refuse file "$file exists: give a new file"
  need_dest
  IFS= read -r pass || true
  pass=${pass%$'\r'}
  if [[ $sftp_dest == yes ]]; then bk_check_pin "$work/scan" || fail_on destination "$EX_FAIL" "$BK_ERR"; fi
  # not in $(...): the cause (BK_ERR) is set in this shell
  list_names >"$work/names" || fail_on destination "$EX_FAIL" "cannot list $BK_DEST: ${BK_ERR:-sftp failed}"
  names=$(<"$work/names")
  name=$(awk -v a="$BK_PREFIX$id.yaml" -v b="$BK_PREFIX$id.yaml.gpg" '$1 == a || $1 == b { print $1; exit }' <<<"$names")
  [[ -n $name ]] || refuse id "there is no backup $id at $BK_DEST (confconsole backup list)"
  got=$work/got
  if [[ $sftp_dest == yes ]]; then
    printf 'get %s/%s %s\n' "$BK_SFTP_PATH" "$name" "$got" >"$work/get.batch"
    bk_sftp "$work/get.batch" || fail_on destination "$EX_FAIL" "sftp could not fetch $name from $BK_SFTP_HOST: ${BK_ERR:-no message}"
  else
    cp -- "$(local_dir)/$name" "$got" || fail "$EX_FAIL" "cannot read $(local_dir)/$name"
  fi
  if [[ $name == *.gpg ]]; then
    sf=$(secret_file "$BK_SECRET")
    if [[ -z $pass ]]; then
      [[ -r $sf ]] || refuse passphrase "$name is encrypted and no passphrase is stored here: give its passphrase (confconsole backup restore $id --passphrase-stdin)"
      IFS= read -r pass <"$sf" || true
    fi
    mkdir -m 0700 -- "$work/gnupg" || fail "$EX_FAIL" "cannot make a scratch directory for gpg"
    (umask 077; gpg --batch --quiet --no-options --homedir "$work/gnupg" --pinentry-mode loopback --passphrase-fd 3 --status-fd 4 \
      --decrypt --output "$work/plain" -- "$got" 3<<<"$pass" 4>"$work/status" 2>"$work/gpg.err" 9>&- </dev/null)
    # gpg's status says which: a wrong passphrase (BAD_PASSPHRASE) or a file it cannot read to its
    # end (DECRYPTION_FAILED alone: cut or damaged)
    if grep -qE '^\[GNUPG:\] (BAD_PASSPHRASE|ERROR [^ ]* [0-9]*_BAD_PASSPHRASE)' "$work/status"; then
      refuse passphrase "the passphrase does not decrypt $name (it was encrypted with another one)"
    fi
    grep -q '^\[GNUPG:\] DECRYPTION_OKAY' "$work/status" \
      || fail "$EX_FAIL" "$name is damaged: gpg could not decrypt it to its end ($(grep -m1 -v '^gpg: handle plaintext' -- "$work/gpg.err" | sed 's/^gpg: //'))"
    got=$work/plain
  fi
  { (umask 077; cat -- "$got" >"$file") && chmod 0600 -- "$file"; } || fail "$EX_FAIL" "cannot write $file: $(write_cause "$file")"
  printf '{"ok":true,"id":%s,"name":%s,"encrypted":%s,"size":%d}\n' "$(json_str "$id")" "$(json_str "$name")" \
    "$([[ $name == *.gpg ]] && echo true || echo false)" "$(stat -c %s -- "$file")"
  ;;
esac
