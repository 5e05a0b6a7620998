#!/usr/bin/env bash
# inroot.sh ROOT CMD...: runs CMD chrooted into the throwaway root ROOT, in a private mount
# namespace with /proc, /dev (the host's, so a tmux pty is the same device inside) and /sys
# mounted; the mounts vanish with the namespace, so nothing is left mounted on the host.
# A clean environment: no Node on PATH, no variable of the test machine leaks in.
set -euo pipefail
root=$1
shift
# shellcheck disable=SC2016 # the inner script expands its own arguments
exec unshare --mount --propagation private -- sh -ec '
  root=$1; shift
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /sys "$root/sys" 2>/dev/null || true
  mount -t tmpfs tmpfs "$root/run"
  mkdir -p "$root/run/sshd" "$root/run/lock"
  exec env -i TERM="${TERM:-xterm-256color}" LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    chroot "$root" "$@"
' inroot "$root" "$@"
