# shellcheck shell=bash
# No `set -e` (only -u and pipefail): every step that can fail is checked where it runs (|| fail ...), because set -e is ignored in functions called from if/&&/|| and would exit a half-done change before it is restored.
set -uo pipefail
#
# The one file every sbin/ script sources (the appliance's only writers). Sourced, not run.
#
# Contract of every script (they are a CLI of their own, as the manual's set_*.sh are):
#   - paths are resolved under CONFCONSOLE_ROOT (default /);
#   - arguments are checked before anything is touched; secrets come on stdin, never argv;
#   - one lock serializes all writers (two consoles never interleave);
#   - files are written atomically (temp in the same dir, fsync, rename, fsync dir) after a
#     backup, and restored from it when the apply fails;
#   - a human log goes to stderr (line by line, the console streams it), one JSON result
#     object to stdout, and every change to the audit log (never a secret);
#   - a refused value exits 2 with {"ok":false,"code":2,"error":MESSAGE,"field":OPTION};
#   - -h/--help prints the script's header comment (cc_help).
# Exit codes (EX_* in core.sh): 0 done, 1 failed, 2 bad arguments or input (nothing changed),
# 3 failed and the previous state restored, 4 another console holds the lock, 5 a test found a
# problem, 6 some of several independent steps failed, 7 failed, the previous files restored, but
# their service did not come back with them either (it is down).
#
# The library by concern, sourced here in this order:
#   core.sh    exit codes, the root and paths under it (p), log, JSON, fail/refuse/usage_error,
#              the audit log, cc_help (--help)
#   ini.sh     ini_set / ini_get (appliance.ini through ccini.py; the console reads it with src/system/ccini.ts, same grammar)
#   host.sh    effects on the host: is_demo, record_host_effect, svc
#   files.sh   atomic files (stage/commit/backup/restore), the journal (txn_begin/txn_end/
#              recover), the writers' lock
#   checks.sh  every rule a value from the operator must follow, one function per rule
#   history.sh every journaled change that is done kept as a revision (history.py)
# and, by the scripts that need them: apply.sh, secrets.sh, ntp.sh, pcap.sh, callhome.sh, net.sh
# (netplan.py and its package ccnet/ for the network scripts' YAML and address work; chrony.py
# for chrony.conf's lines and the daemon's sources, used by set_ntp.sh and show_ntp.sh).

# where the library and the scripts are (absolute: a script may be run through a symlink)
CC_LIB=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")
# shellcheck disable=SC2034  # used by lib/net.sh and lib/callhome.sh
CC_SBIN=${CC_LIB%/lib}

# shellcheck source=core.sh
. "$CC_LIB/core.sh"
# shellcheck source=ini.sh
. "$CC_LIB/ini.sh"
# shellcheck source=host.sh
. "$CC_LIB/host.sh"
# shellcheck source=files.sh
. "$CC_LIB/files.sh"
# shellcheck source=checks.sh
. "$CC_LIB/checks.sh"
# shellcheck source=history.sh
. "$CC_LIB/history.sh"
