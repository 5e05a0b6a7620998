#!/usr/bin/env bash
# make-root.sh CACHE DIR: a throwaway Debian root in DIR for installing the package for real
# (test/system/package.test.ts). mmdebstrap builds it once from the mirror apt uses here and
# keeps it as CACHE/root-<hash of the package list>.tar; later runs only unpack the tar (~2 s).
# Never touches this machine's own /usr. Exit 0: DIR is ready; else the reason on stderr.
set -euo pipefail
cache=$1 dir=$2
# what the package Depends on, what the tests use in the root (login, sshd, sudo, systemd-analyze,
# chrony for `ntp show`); the appliance target is Ubuntu 20.04, Debian bookworm is what is
# reachable here and shares the tools
suite=${CONFCONSOLE_TEST_SUITE:-bookworm}
pkgs=systemd,login,passwd,sudo,openssh-server,python3,python3-yaml,iproute2,procps,chrony,ncurses-bin,ncurses-base,libstdc++6,init-system-helpers,debianutils,util-linux
key=$(printf '%s %s v1' "$suite" "$pkgs" | sha256sum | cut -c1-12)
tar=$cache/root-$key.tar
mkdir -p "$cache"
if [[ ! -s $tar ]]; then
  command -v mmdebstrap >/dev/null || { echo "make-root: needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 1; }
  # the mirror the host's apt uses (deb822 or one-line sources), else Debian's
  mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)
  [[ -n $mirror ]] || mirror=$(awk '$1=="deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  tmp=$tar.tmp.$$
  mmdebstrap --quiet --variant=essential --include="$pkgs" --format=tar "$suite" "$tmp" ${mirror:+"$mirror"} >&2
  mv "$tmp" "$tar"
fi
rm -rf "$dir"
mkdir -p "$dir"
tar -C "$dir" -xf "$tar"
