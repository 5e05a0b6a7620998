# shellcheck shell=bash
# ini: appliance.ini through its one grammar, sbin/lib/ccini.py (the console reads the same
# grammar in src/system/ccini.ts; test/system/ini-agree.test.ts proves they agree). A file that
# cannot be read one way only is refused by ini_get and ini_set alike, with its line; a script
# that needs the settings stops before it does anything (ini_guard, below). Sourced by common.sh.
CC_INI_PY="$CC_LIB/ccini.py"
# the settings of one file, read once per script: "SECTION<US>KEY" → value
declare -gA CC_INI_CACHE=()
# the file (and its identity: device, inode, size, mtime) CC_INI_CACHE holds
CC_INI_CACHED=""
# why the last ini_load refused its file ("FILE line N: reason"), for the message
CC_INI_ERROR=""

ccini() { python3 -I -S "$CC_INI_PY" "$@"; }

ini_sig() { stat -c '%d:%i:%s:%y' -- "$1" 2>/dev/null; }

# ini_load FILE: read FILE once for ini_get. Returns 1 with CC_INI_ERROR set (and said on
# stderr) when FILE is damaged or unreadable; a missing FILE holds no keys (factory defaults).
ini_load() {
  local f=$1 sig out
  sig=$(ini_sig "$f")
  CC_INI_CACHE=()
  CC_INI_CACHED=""
  # missing: no keys, and no python3 to say so
  if [[ ! -e $f && ! -L $f ]]; then ini_fill "$f" "$sig" ""; return 0; fi
  # one record a line, SECTION US KEY US VALUE: no value holds a control character (ccini.py)
  if ! out=$(ccini records "$f" 2>&1); then
    CC_INI_ERROR=$out
    log "$out"
    return 1
  fi
  ini_fill "$f" "$sig" "$out"
}

# ini_fill FILE SIG RECORDS: CC_INI_CACHE from ccini.py's records of FILE (as it is at SIG)
ini_fill() {
  local s k v
  CC_INI_CACHE=()
  while IFS=$'\x1f' read -r s k v; do
    [[ -n $s ]] && CC_INI_CACHE["$s"$'\x1f'"$k"]=$v
  done <<<"$3"
  CC_INI_ERROR=""
  CC_INI_CACHED="$1"$'\t'"$2"
}

# ini_get FILE SECTION KEY → the value (decoded), empty when absent. Returns 1 (nothing
# printed, the reason on stderr) when FILE is damaged.
ini_get() {
  local f=$1
  if [[ $CC_INI_CACHED != "$f"$'\t'"$(ini_sig "$f")" ]]; then ini_load "$f" || return 1; fi
  printf '%s' "${CC_INI_CACHE["$2"$'\x1f'"$3"]-}"
}

# ini_set FILE SECTION KEY VALUE [SECTION KEY VALUE ...]: rewrite those keys in FILE in place
# (use on a staged temp), every other line kept byte for byte. Refuses (1, the reason on stderr,
# FILE untouched) a damaged FILE, and a value its key's kind (ccini-keys.json) does not allow.
ini_set() {
  local f=$1 out
  shift
  out=$(ccini set "$f" "$@") || return 1
  # what was written is what ini_get reads next (no second read of the file)
  ini_fill "$f" "$(ini_sig "$f")" "$out"
}

# ini_damaged FILE → the reason FILE cannot be read one way only; exit 1 when it can (or is missing)
ini_damaged() { local out; out=$(ccini check "$1" 2>&1) && return 1; printf '%s' "$out"; }

# What to do about a damaged settings file, said after its reason.
INI_ADVICE="nothing was changed. Fix that line by hand, or put back the last good copy: confconsole appliance restore-settings"

# ini_guard: a script that needs the settings stops here, before it touches anything, when
# appliance.ini is damaged or unreadable (exit 1, the file and line named). The scripts that do
# their work without it (the network, power, recovery, and restoring the settings themselves)
# go on: a damaged settings file must not lock the operator out of them.
ini_guard() {
  case $CC_SCRIPT in
    set_network.sh | show_network.sh | net_*.sh | power.sh | recover.sh | restore_settings.sh | test_ntp.sh | test_master.sh | callhome_proxy.sh | vsensor-health-check.sh) return 0 ;;
  esac
  local a
  for a in "$@"; do [[ $a == -h || $a == --help ]] && return 0; done
  ini_load "$SETTINGS_INI" 2>/dev/null || fail "$EX_FAIL" "$CC_INI_ERROR; $INI_ADVICE"
}

# a damaged or unreadable appliance.ini stops a script that needs it before it does anything
ini_guard "$@"
