#!/usr/bin/env bash
# npm run package: dist/confconsole_<version>_<arch>.deb, offline, with dpkg-deb, reproducibly
# (SOURCE_DATE_EPOCH, default the last commit's time: same input, same bytes). xz -1: a sixth of
# xz -6's time for 15 % more bytes (27 MB), as CI builds it in every run.
# Contents (README "The package"): the single executable and its front door, every sbin/*.sh
# (found by glob: new scripts are packaged without editing this file) under /usr/lib/confconsole/sbin
# with a link of the same name in /usr/sbin, their library sbin/lib/** beside them, the systemd
# units sbin/systemd/*, the sudoers drop-in, the conffile, confconsole(8), maintainer scripts.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export TZ=UTC LC_ALL=C.UTF-8
umask 022
version=$(node -p "require('./package.json').version")
arch=$(dpkg --print-architecture)
out=${1:-$top/dist/confconsole_${version}_${arch}.deb}
stage=$top/build/deb
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$(dirname "$out")"

echo "building the single executable" >&2
node packaging/build-exe.mjs "$top/build/exe/confconsole" >/dev/null

lib=$stage/usr/lib/confconsole
install -d "$lib/sbin" "$stage/usr/sbin" "$stage/lib/systemd/system" "$stage/etc/confconsole" "$stage/etc/sudoers.d" \
  "$stage/usr/share/man/man8" "$stage/usr/share/doc/confconsole"
install -m 0755 build/exe/confconsole "$lib/confconsole"
# where the internal-error log's stacks are in the sources (src/system/stackmap.ts)
install -m 0644 build/exe/confconsole.cjs.map "$lib/confconsole.cjs.map"
install -m 0755 packaging/confconsole.sh "$stage/usr/sbin/confconsole"

# the scripts under the manual's names; they find lib/ next to their real path (readlink -f)
for s in sbin/*.sh; do
  name=$(basename "$s")
  install -m 0755 "$s" "$lib/sbin/$name"
  ln -s "../lib/confconsole/sbin/$name" "$stage/usr/sbin/$name"
done
# the library as it is in the checkout (executables stay executable, no caches)
(cd sbin && find lib -type d -name __pycache__ -prune -o -type f -print) | sort | while read -r f; do
  mode=0644
  [[ -x sbin/$f && $(head -c2 "sbin/$f") == '#!' ]] && mode=0755
  install -D -m "$mode" "sbin/$f" "$lib/sbin/$f"
done
units=()
for u in sbin/systemd/*; do
  install -m 0644 "$u" "$stage/lib/systemd/system/"
  units+=("$(basename "$u")")
done
tracked=()
for u in "${units[@]}"; do [[ $u == confconsole-recover.service || $u == *@.service ]] || tracked+=("$u"); done

install -m 0644 packaging/debian/appliance.ini "$stage/etc/confconsole/appliance.ini"
install -m 0440 packaging/debian/sudoers "$stage/etc/sudoers.d/confconsole"
install -m 0644 packaging/debian/copyright "$stage/usr/share/doc/confconsole/copyright"

date_r=$(date -u -d "@$SOURCE_DATE_EPOCH" -R)
# who maintains it: CONFCONSOLE_MAINTAINER, else the last commit's author (same input, same bytes)
maintainer=${CONFCONSOLE_MAINTAINER:-$(git log -1 --format='%an <%ae>' 2>/dev/null || echo 'confconsole maintainers <confconsole@example.com>')}
date_man=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
# the manual page from the command table (the executable's own --help), gzip without a name or time
env -u NODE_EXTRA_CA_CERTS "$lib/confconsole" --help | node packaging/manpage.mjs "$version" "$date_man" | gzip -9n >"$stage/usr/share/man/man8/confconsole.8.gz"
# a manual page per script, from its own --help (the scripts' usage is their header comment)
for s in sbin/*.sh; do
  name=$(basename "$s")
  bash "$s" --help 2>&1 | node packaging/manpage.mjs --script "$name" "$version" "$date_man" | gzip -9n >"$stage/usr/share/man/man8/$name.8.gz"
done
cat <<CHANGES | gzip -9n >"$stage/usr/share/doc/confconsole/changelog.gz"
confconsole ($version) unstable; urgency=medium

  * Built from $(git rev-parse --short HEAD 2>/dev/null || echo "a checkout without git").

 -- $maintainer  $date_r
CHANGES

for m in postinst prerm postrm; do
  sed -e "s/@ALL_UNITS@/${units[*]}/g" -e "s/@TRACKED_UNITS@/${tracked[*]}/g" "packaging/debian/$m" >"$stage/DEBIAN/$m"
  chmod 0755 "$stage/DEBIAN/$m"
done
printf '%s\n' /etc/confconsole/appliance.ini /etc/sudoers.d/confconsole >"$stage/DEBIAN/conffiles"
# lintian: what is kept on purpose (README "The package" says why)
install -D -m 0644 packaging/debian/lintian-overrides "$stage/usr/share/lintian/overrides/confconsole"
size=$(du -k -s --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: confconsole
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: libc6 (>= 2.28), libstdc++6, libgcc-s1 | libgcc1, python3, python3-yaml, sudo, passwd, iproute2, procps
Recommends: chrony, netplan.io, openssh-server, autossh, tcpdump, curl, openssl, ethtool, openssh-client, gpg
Section: admin
Priority: optional
Description: configuration console of the vSensor and master/probe appliance
 A terminal console (menus and a command line) to configure an appliance's
 network, NTP, master connection, Call-Home, PCAP and services. It is the login
 shell of the console user, created by the package, for the VGA console and SSH.
 The console is a single executable (Node.js single-executable application with
 a start-up snapshot): no Node.js installation is needed.
CONTROL
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort | xargs -d '\n' md5sum) >"$stage/DEBIAN/md5sums"

# every file dated SOURCE_DATE_EPOCH; owned by root in the archive
find "$stage" -depth -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz -z1 --build "$stage" "$out" >/dev/null
echo "$out"
