#!/bin/sh
# /usr/sbin/confconsole: the console's front door, installed by the package (packaging/build-deb.sh).
# The console itself is the single executable /usr/lib/confconsole/confconsole; this wrapper
#  - lets the console user (whose login shell this is) run it as root through the sudoers
#    drop-in /etc/sudoers.d/confconsole (exactly this program, nothing else);
#  - guards the terminal without a second Node start: it saves the tty's settings, waits for
#    the console, and when the console died by a signal it could not catch (SIGKILL from an
#    OOM kill or an operator) puts them back, shows the cursor and leaves the alternate screen,
#    so whatever started it (login, sshd, an admin's shell) gets a usable terminal back.
# Ctrl+C, Ctrl+\ and Ctrl+Z reach the console, which decides; this shell only waits (a trap with
# a command, not an ignore: the console gets the default dispositions), so no key drops to a shell.
exe=${CONFCONSOLE_EXE:-/usr/lib/confconsole/confconsole}
user=${CONFCONSOLE_USER:-console}

if [ "$(id -u)" != 0 ] && [ "$(id -un)" = "$user" ]; then
  # sudo resets the environment (TERM and the locale are kept): no CONFCONSOLE_* reaches root
  exec sudo -n -- /usr/sbin/confconsole "$@"
fi

if [ -t 0 ] && [ "$1" != -c ] && saved=$(stty -g 2>/dev/null); then
  trap : INT QUIT TSTP
  "$exe" "$@"
  rc=$?
  if [ "$rc" -gt 128 ]; then
    stty "$saved" 2>/dev/null
    # mouse reports and bracketed paste off, attributes reset, cursor shown, alternate screen left
    [ -t 1 ] && printf '\033[?1000l\033[?1002l\033[?1003l\033[?1006l\033[?2004l\033[0m\033[?25h\033[?1049l\r\n'
  fi
  exit "$rc"
fi
exec "$exe" "$@"
