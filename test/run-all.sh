#!/usr/bin/env bash
# The one test command (npm test): sets up what the tests need, runs the four layers, and
# says plainly what did not run and why. CONFCONSOLE_REQUIRE_ALL=1 (CI) fails when any test
# was skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

# System packages the system and end-to-end layers use (Debian/Ubuntu names).
PKGS=(shellcheck netbase tmux chrony openssh-server iproute2 iputils-ping netplan.io dialog whiptail ncurses-bin util-linux procps curl tcpdump openssl dnsmasq isc-dhcp-client python3-yaml autossh stunnel4 tinyproxy dante-server netcat-openbsd ncat traceroute bind9-dnsutils dpkg-dev gnupg xkb-data passwd login openssh-client mmdebstrap lintian binutils ansible-core)
missing_pkgs=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing_pkgs+=("$p"); done
if ((${#missing_pkgs[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing system packages: ${missing_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # twice: a registry hiccup must not turn into skipped tests
    for try in 1 2; do
      apt-get update -qq >/dev/null 2>&1 || true
      apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null 2>&1 && break
      [[ $try == 2 ]] && echo "warning: apt-get could not install: ${missing_pkgs[*]}"
      sleep 5
    done
  else
    echo "note: not root (or no apt-get): cannot install ${missing_pkgs[*]}; tests that need them will be skipped"
  fi
fi

if [[ ! -d node_modules/blessed || ! -d node_modules/blessed-contrib || ! -d node_modules/vitest || ! -d node_modules/string-width || ! -d node_modules/@xterm/addon-unicode11 || ! -d node_modules/yaml || ! -d node_modules/postject ]]; then
  say "installing npm packages"
  if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi || exit 1
fi

say "build and type check"
npm run build --silent || exit 1
npx tsc --noEmit -p . || exit 1

# what did not run is recorded in test/.skipped/ (as test/support/requires.ts does for tests)
rm -rf test/.skipped
say "shellcheck (sbin/)"
shellcheck_skipped=0
if command -v shellcheck >/dev/null; then
  shellcheck -x sbin/*.sh sbin/lib/*.sh || { echo "error: shellcheck found problems in sbin/ (see above)"; exit 1; }
  echo "no findings"
else
  mkdir -p test/.skipped
  echo "shellcheck of sbin/: needs \`shellcheck\`" >test/.skipped/shellcheck.txt
  echo "note: shellcheck is not installed: sbin/ was not checked"
  shellcheck_skipped=1
fi

say "tests (unit, ui, e2e, system)"
results=$(mktemp)
npx vitest run --config test/vitest.config.ts --reporter=default --reporter=json --outputFile="$results" "$@"
rc=$?

read -r passed failed skipped total < <(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests, r.numTotalTests);
' "$results" 2>/dev/null || echo "0 0 0 0")
rm -f "$results"

if [[ -d test/.skipped ]]; then
  say "did not run"
  cat test/.skipped/*.txt
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
if ((rc != 0)); then exit "$rc"; fi
if [[ ${CONFCONSOLE_REQUIRE_ALL:-} == 1 ]] && ((skipped > 0 || total == 0 || shellcheck_skipped)); then
  echo "error: $skipped test(s)$( ((shellcheck_skipped)) && printf ' and shellcheck') did not run (see above); CI requires every test to run"
  exit 1
fi
exit 0
