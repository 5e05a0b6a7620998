# shellcheck shell=bash
# updates: the package repository of the vSensor packages, its credential (the update key), the
# package manager's proxy, and APT run on the appliance root (manual ch. 7 "Upgrading a
# vSensor"). Sourced by set_updatekey.sh, set_update_proxy.sh, upgrade_vsensor.sh,
# show_updates.sh (after common.sh).
#
# Files (the contract with the other screens, e.g. the health check: the key is set ⇔ UPD_AUTH exists):
#   etc/confconsole/updates.conf                    where the packages come from (below; optional)
#   etc/apt/auth.conf.d/confconsole-updates.conf    the update key, APT netrc format, 0600
#   etc/apt/sources.list.d/confconsole-updates.list the repository (never the key)
#   etc/apt/apt.conf.d/80confconsole-updates        the repository's CA, when updates.conf names one
#   etc/apt/apt.conf.d/80confconsole-proxy          Acquire::http(s)::Proxy (never a password)
#   etc/apt/auth.conf.d/confconsole-proxy.conf      the proxy's login and password, 0600
# apt.conf.d is read by every user's apt (apt-cache, apt list) and must stay world-readable, so
# no secret goes there: apt_auth.conf(5) is APT's place for repository and proxy logins.
# shellcheck disable=SC2034  # not every script uses every file
{
UPD_CONF=$(p /etc/confconsole/updates.conf)
UPD_AUTH=$(p /etc/apt/auth.conf.d/confconsole-updates.conf)
UPD_LIST=$(p /etc/apt/sources.list.d/confconsole-updates.list)
UPD_APTCONF=$(p /etc/apt/apt.conf.d/80confconsole-updates)
UPD_PROXY=$(p /etc/apt/apt.conf.d/80confconsole-proxy)
UPD_PROXY_AUTH=$(p /etc/apt/auth.conf.d/confconsole-proxy.conf)
}

# upd_conf_load [--lenient]: the repository from updates.conf (`key = value` lines, # comments),
# each key defaulting to the built-in value (a placeholder for the vendor's repository until
# the vendor's values are put in updates.conf: README "Updates"). Keys: url (https only: the
# key must never travel in clear), suite, components, packages (the vSensor packages,
# space-separated), login (the user name sent with the key), signed_by (the archive keyring, a
# path on the appliance), ca_info (a CA file for the repository's HTTPS, a path on the
# appliance; empty: the system's CAs). UPD_FROM_FILE: the keys updates.conf sets. A wrong file
# (unknown key, an empty or invalid value) fails naming the file, the key and what it needs;
# --lenient (what show_updates.sh reads) keeps the built-in value of that key instead and says
# why in UPD_CONF_ERROR (the first problem), so the rest can still be shown.
# shellcheck disable=SC2120  # --lenient: show_updates.sh's only; the writers fail on a wrong file
upd_conf_load() {
  UPD_URL=https://packages.darktrace.com/vsensor UPD_SUITE=focal UPD_COMPONENTS=main
  UPD_PACKAGES=darktrace-vsensor UPD_LOGIN=vsensor
  UPD_SIGNED_BY=/usr/share/keyrings/darktrace-vsensor-archive-keyring.gpg UPD_CA_INFO=""
  UPD_FROM_FILE=() UPD_CONF_ERROR=""
  local k v lenient=false def_url=$UPD_URL def_login=$UPD_LOGIN def_packages=$UPD_PACKAGES
  [[ ${1:-} == --lenient ]] && lenient=true
  _upd_bad() { if [[ $lenient == true ]]; then [[ -n $UPD_CONF_ERROR ]] || UPD_CONF_ERROR="$UPD_CONF: $1"; else fail "$EX_FAIL" "$UPD_CONF: $1"; fi; }
  # a refused value falls back to the built-in one: no longer "from the file" (show says which is used)
  _upd_builtin() { local -a kept=(); local x; for x in "${UPD_FROM_FILE[@]}"; do [[ $x == "$1" ]] || kept+=("$x"); done; UPD_FROM_FILE=("${kept[@]}"); }
  if [[ -e $UPD_CONF && ! -r $UPD_CONF ]] || [[ -d $UPD_CONF ]]; then
    _upd_bad "cannot be read"
  elif [[ -f $UPD_CONF ]]; then
    while IFS='=' read -r k v || [[ -n $k ]]; do
      k=${k//[[:space:]]/}
      [[ -z $k || $k == \#* ]] && continue
      v=${v#"${v%%[![:space:]]*}"}; v=${v%"${v##*[![:space:]]}"}
      case $k in
        url|suite|packages|login) [[ -n $v ]] || { _upd_bad "$k is empty: give the vendor's value, or remove the line to use the built-in one"; continue; } ;;
      esac
      case $k in
        url) UPD_URL=${v%/} ;; suite) UPD_SUITE=$v ;; components) UPD_COMPONENTS=$v ;;
        packages) UPD_PACKAGES=$v ;; login) UPD_LOGIN=$v ;; signed_by) UPD_SIGNED_BY=$v ;; ca_info) UPD_CA_INFO=$v ;;
        *) _upd_bad "unknown key \"$k\" (url, suite, components, packages, login, signed_by, ca_info)"; continue ;;
      esac
      UPD_FROM_FILE+=("$k")
    done <"$UPD_CONF"
  fi
  [[ $UPD_URL =~ ^https://([^/@[:space:]]+)(/[^[:space:]]*)?$ ]] \
    || { _upd_bad "url must be https://HOST[:PORT][/PATH] (the update key is never sent in clear), not \"$UPD_URL\""; UPD_URL=$def_url; _upd_builtin url; [[ $UPD_URL =~ ^https://([^/@[:space:]]+)(/[^[:space:]]*)?$ ]]; }
  UPD_HOSTPORT=${BASH_REMATCH[1]} UPD_PATH=${BASH_REMATCH[2]}
  UPD_HOST=${UPD_HOSTPORT%:*}
  [[ $UPD_LOGIN =~ ^[A-Za-z0-9._@+-]{1,64}$ ]] || { _upd_bad "login must be 1-64 letters, digits or . _ @ + -"; UPD_LOGIN=$def_login; _upd_builtin login; }
  [[ $UPD_PACKAGES =~ ^[a-z0-9][a-z0-9+.-]+( +[a-z0-9][a-z0-9+.-]+)*$ ]] || { _upd_bad "packages must be Debian package names, space-separated"; UPD_PACKAGES=$def_packages; _upd_builtin packages; }
  read -ra UPD_PKGS <<<"$UPD_PACKAGES"
  unset -f _upd_bad _upd_builtin
}

# upd_default_url: the repository is the built-in placeholder (updates.conf sets no url)
upd_default_url() { [[ " ${UPD_FROM_FILE[*]} " != *" url "* ]]; }

# upd_key_set: is an update key stored (the contract above)?
upd_key_set() { [[ -f $UPD_AUTH ]]; }

# the lines of the files this library writes (the key itself only in upd_auth_text)
upd_list_text() {
  printf '# written by confconsole (Updates > UpdateKey): the vSensor packages; the update key is in %s\n' "${UPD_AUTH#"$CC_ROOT"}"
  printf 'deb [signed-by=%s] %s/ %s%s\n' "$(p "$UPD_SIGNED_BY")" "$UPD_URL" "$UPD_SUITE" "${UPD_COMPONENTS:+ $UPD_COMPONENTS}"
}
upd_auth_text() { # KEY — without a scheme APT sends it over https only (apt_auth.conf(5))
  printf 'machine %s%s\nlogin %s\npassword %s\n' "$UPD_HOSTPORT" "$UPD_PATH" "$UPD_LOGIN" "$1"
}
upd_aptconf_text() {
  printf '// written by confconsole (Updates > UpdateKey): the CA of the vSensor repository\n'
  printf 'Acquire::https::%s::CaInfo "%s";\n' "$UPD_HOST" "$(p "$UPD_CA_INFO")"
}

# ---- APT on the appliance root ----------------------------------------------------------
# On a root other than / (a test's, an image being prepared) APT reads and writes only under
# it: its configuration, lists, cache and log through Dir (set in an APT_CONFIG file, since
# apt reads apt.conf.d before the command line), and dpkg installs with --root. On the demo
# appliance no package manager runs at all (the scripts check is_demo first).
UPD_APT_ENV=() UPD_APT_OPTS=()
upd_apt_setup() {
  local cfg d
  UPD_APT_ENV=(DEBIAN_FRONTEND=noninteractive) UPD_APT_OPTS=(-o "Dpkg::Options::=--force-confold" -o "Dpkg::Options::=--force-confdef")
  [[ -z $CC_ROOT ]] && return 0
  for d in /var/lib/apt/lists/partial /var/cache/apt/archives/partial /var/log/apt /etc/apt/apt.conf.d /etc/apt/preferences.d /var/lib/dpkg/info /var/lib/dpkg/updates; do
    mkdir -p -- "$(p "$d")" || fail "$EX_FAIL" "cannot create $(p "$d")"
  done
  [[ -e $(p /var/lib/dpkg/status) ]] || : >"$(p /var/lib/dpkg/status)"
  cfg=$(mktemp) || fail "$EX_FAIL" "cannot create a temporary file"
  CC_TEMPS+=("$cfg")
  printf 'Dir "%s/";\n' "$CC_ROOT" >"$cfg"
  UPD_APT_ENV+=(APT_CONFIG="$cfg")
  UPD_APT_OPTS+=(-o "Dpkg::Options::=--root=$CC_ROOT")
}
# upd_apt ARGS... : apt-get on the root, stdin closed, the writers' lock not inherited
upd_apt() { env "${UPD_APT_ENV[@]}" apt-get "${UPD_APT_OPTS[@]}" "$@" </dev/null 9>&-; }

# upd_classify APT_OUTPUT → UPD_CAUSE, UPD_HTTP, UPD_REASON: why APT could not fetch from the
# repository, as a typed cause read from APT's own lines (LC_ALL=C: its fixed English texts):
#   refused        the repository answered 401/403: the update key was refused
#   proxy_refused  the proxy answered 407: its login was refused (or none was given)
#   proxy_unreachable  the proxy for updates (UPD_PROXY_HP, host:port) could not be reached
#   unresolved     a host name did not resolve
#   unreachable    no connection (refused, timed out, no route)
#   tls            the certificate could not be verified
#   not_found      404: the repository has no such suite
#   signature      the index is not signed by the configured key
#   locked         another package manager holds APT's lock
#   failed         anything else
# UPD_CAUSE is "" when APT fetched everything.
upd_classify() {
  local out=$1 line reason=""
  UPD_CAUSE="" UPD_HTTP="" UPD_REASON=""
  while IFS= read -r line; do
    case $line in
      [EW]': Failed to fetch '*) [[ -z $reason ]] && reason=${line#*Failed to fetch } && reason=${reason#* } ;;
      'E: Could not get lock'*|'E: Unable to acquire the dpkg frontend lock'*|'E: Unable to lock'*) UPD_CAUSE=locked UPD_REASON=${line#E: }; return 0 ;;
      *NO_PUBKEY*|*'is not signed'*|*BADSIG*|*EXPKEYSIG*|*'signatures were invalid'*) [[ -z $reason ]] && reason=${line#[EW]: } ;;
    esac
  done <<<"$out"
  [[ -z $reason ]] && { grep -q '^E: ' <<<"$out" || return 0; reason=$(grep -m1 '^E: ' <<<"$out"); reason=${reason#E: }; }
  reason=${reason#"${reason%%[![:space:]]*}"}
  UPD_REASON=${reason%% \[IP:*}
  case $reason in
    *'407 Proxy Authentication Required'*|*'Invalid response from proxy: HTTP/'*' 401 '*|*'Invalid response from proxy: HTTP/'*' 403 '*)
      UPD_CAUSE=proxy_refused UPD_HTTP=407 ;;
    *"Could not connect to ${UPD_PROXY_HP:-"-none-"} "*|*"Could not resolve '${UPD_PROXY_HP%:*}'"*) UPD_CAUSE=proxy_unreachable ;;
    401\ *|403\ *) UPD_CAUSE=refused UPD_HTTP=${reason%% *} ;;
    404\ *) UPD_CAUSE=not_found UPD_HTTP=404 ;;
    *'Could not resolve'*|*'Temporary failure resolving'*) UPD_CAUSE=unresolved ;;
    *'Could not connect'*|*'Connection refused'*|*'timed out'*|*'Failed to connect'*|*'Unable to connect'*|*'No route to host'*|*'Network is unreachable'*) UPD_CAUSE=unreachable ;;
    *[Cc]ertificate*|*'SSL'*|*'TLS'*|*'handshake'*) UPD_CAUSE=tls ;;
    *NO_PUBKEY*|*'is not signed'*|*BADSIG*|*EXPKEYSIG*|*'signatures were invalid'*) UPD_CAUSE=signature ;;
    *) UPD_CAUSE=failed ;;
  esac
}

# upd_index_update: `apt-get update` of the vSensor repository alone (the other sources are
# neither fetched nor judged) → status 0 when it fetched, else 1 with UPD_CAUSE etc. set.
# APT exits 0 when a fetch failed but an older index was kept: its own lines decide.
upd_index_update() {
  local out rc
  UPD_PROXY_HP=$(upd_proxy_now); UPD_PROXY_HP=${UPD_PROXY_HP#http://}
  log "updating the package index of $UPD_URL"
  # no retries: a check of the key or the proxy says at once what it found
  out=$(upd_apt -o Acquire::Retries=0 -o "Dir::Etc::sourcelist=sources.list.d/${UPD_LIST##*/}" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 update 2>&1); rc=$?
  upd_classify "$out"
  if [[ -z $UPD_CAUSE && $rc != 0 ]]; then UPD_CAUSE=failed UPD_REASON=$(tail -n1 <<<"$out"); fi
  [[ -z $UPD_CAUSE ]] && return 0
  log "the package index update failed ($UPD_CAUSE): $UPD_REASON"
  return 1
}

# upd_cause_text → the operator's sentence for UPD_CAUSE (the typed cause stays in the JSON);
# a repository that could not be found on the built-in placeholder URL says where the vendor's goes
upd_cause_text() {
  local where=""
  case $UPD_CAUSE in unresolved|unreachable|tls|not_found|signature) upd_default_url && where="; the repository is the built-in placeholder $UPD_URL: put the vendor's url (and packages) in $UPD_CONF" ;; esac
  _upd_cause_text; printf '%s' "$where"
}
_upd_cause_text() {
  case $UPD_CAUSE in
    refused) printf 'the update key was refused by %s (HTTP %s)' "$UPD_HOSTPORT" "$UPD_HTTP" ;;
    proxy_refused) printf 'the proxy for updates refused the login (HTTP 407): check its user and password (Proxy for updates)' ;;
    proxy_unreachable) printf 'the proxy for updates %s could not be reached: %s' "$UPD_PROXY_HP" "$UPD_REASON" ;;
    unresolved) printf 'a host name could not be resolved (%s): check DNS and the proxy for updates' "$UPD_REASON" ;;
    unreachable) printf 'the repository (or the proxy for updates) could not be reached: %s' "$UPD_REASON" ;;
    tls) printf "the repository's certificate could not be verified: %s" "$UPD_REASON" ;;
    not_found) printf 'the repository %s has no suite %s (HTTP 404)' "$UPD_URL" "$UPD_SUITE" ;;
    signature) printf 'the repository index is not signed by the configured key (%s): %s' "$UPD_SIGNED_BY" "$UPD_REASON" ;;
    locked) printf 'another package manager is running (%s); try again when it is done' "$UPD_REASON" ;;
    *) printf 'the package manager failed: %s' "$UPD_REASON" ;;
  esac
}
# upd_cause_json → ,"cause":...,"http":... members for a failure's JSON (CC_FAIL_EXTRA)
upd_cause_json() {
  printf '"cause":%s%s' "$(json_str "$UPD_CAUSE")" "${UPD_HTTP:+,\"http\":$UPD_HTTP}"
}

# upd_installed → lines "PACKAGE<TAB>VERSION" of the vSensor packages installed on the root
# (VERSION empty when not installed), from dpkg's own database
upd_installed() {
  local pkg line
  for pkg in "${UPD_PKGS[@]}"; do
    line=$(dpkg-query --admindir="$(p /var/lib/dpkg)" -W -f '${db:Status-Status}\t${Version}' "$pkg" 2>/dev/null) || line=""
    if [[ $line == installed$'\t'* ]]; then printf '%s\t%s\n' "$pkg" "${line#*$'\t'}"; else printf '%s\t\n' "$pkg"; fi
  done
}
# upd_installed_json → [{"package":P,"version":V|null}...]
upd_installed_json() {
  local out="" pkg ver
  while IFS=$'\t' read -r pkg ver; do
    out+="${out:+,}{\"package\":$(json_str "$pkg"),\"version\":$([[ -n $ver ]] && json_str "$ver" || echo null)}"
  done < <(upd_installed)
  printf '[%s]' "$out"
}
# upd_none_installed: none of the vSensor packages is installed (the first installation is to come)
upd_none_installed() { ! upd_installed | grep -q $'\t.'; }

# upd_progress: reads APT's status lines (APT::Status-Fd) on stdin and logs one human line each
# time the step or its whole percent changes: download (dlstatus) and install (pmstatus, the
# unpack and configure of each package).
upd_progress() {
  local kind pkg pct msg line last=""
  while IFS=: read -r kind pkg pct msg; do
    pct=${pct%%.*}
    case $kind in
      dlstatus) line="download: ${pct}% ${msg}" ;;
      pmstatus) [[ $pkg == dpkg-exec ]] && continue; line="install: ${pct}% ${msg}" ;;
      pmerror) line="install error: ${pkg}: ${msg}" ;;
      *) continue ;;
    esac
    [[ $line == "$last" ]] || log "$line"
    last=$line
  done
}

# upd_apt_run OUT ARGS... : apt-get ARGS with its progress logged (upd_progress) and its own
# output in the file OUT; in the background and waited for, so a TERM trap of the caller runs
# at once (UPD_APT_PID is apt-get's, for the trap to stop it) → apt-get's exit status
UPD_APT_PID=""
upd_apt_run() {
  local out=$1; shift
  env "${UPD_APT_ENV[@]}" apt-get "${UPD_APT_OPTS[@]}" -o APT::Status-Fd=3 "$@" </dev/null 9>&- 3> >(upd_progress) >"$out" 2>&1 &
  UPD_APT_PID=$!
  wait "$UPD_APT_PID"
}

# upd_proxy_now → the proxy for updates as stored: "http://host:port" or "" (none)
upd_proxy_now() {
  local line
  [[ -f $UPD_PROXY ]] || return 0
  line=$(grep -m1 -E '^Acquire::https?::Proxy "' "$UPD_PROXY") || return 0
  line=${line#*\"}; line=${line%%\"*}
  printf '%s' "${line%/}"
}
# upd_proxy_user_now → the proxy login as stored, or ""
upd_proxy_user_now() {
  [[ -r $UPD_PROXY_AUTH ]] || return 0
  awk '$1 == "login" { print $2; exit }' "$UPD_PROXY_AUTH"
}

# ---- one journaled change of these files ------------------------------------------------
# upd_begin FILE...: back up each FILE and open the change's journal (a writer killed midway is
# rolled back whole by the next lock holder); UPD_BACKUPS holds FILE BACKUP pairs
UPD_BACKUPS=()
upd_begin() {
  local f b journal=()
  for f in "$@"; do
    b=$(backup "$f") || fail "$EX_FAIL" "cannot back up $f"
    UPD_BACKUPS+=("$f" "$b"); journal+=("file	$f	$b")
  done
  txn_begin "${journal[@]}" || fail "$EX_FAIL" "cannot write the change journal $TXN_FILE"
}
# upd_put FILE MODE TEXT: FILE atomically holds TEXT, with MODE (staged under umask 077: a
# secret is never readable by others, not even for a moment)
upd_put() {
  local t
  mkdir -p -- "${1%/*}" || fail "$EX_FAIL" "cannot create ${1%/*}"
  t=$(umask 077; stage "$1") || fail "$EX_FAIL" "cannot write in ${1%/*}"
  { printf '%s\n' "$3" >"$t" && commit "$t" "$1" "$2"; } || fail "$EX_FAIL" "cannot replace $1"
}
# upd_drop FILE: FILE removed (it is in the journal: put back if the change is rolled back)
upd_drop() { rm -f -- "$1" && sync -- "${1%/*}" 2>/dev/null; return 0; }
# upd_restore: every file of the change back as it was before it (then the journal is closed by fail)
upd_restore() {
  local i
  for ((i = 0; i < ${#UPD_BACKUPS[@]}; i += 2)); do
    restore "${UPD_BACKUPS[i]}" "${UPD_BACKUPS[i + 1]}" || log "cannot put back ${UPD_BACKUPS[i]}"
  done
}
