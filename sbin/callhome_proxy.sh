#!/usr/bin/env bash
# callhome_proxy.sh PROXY_HOST PROXY_PORT USER SECRET_FILE HOST PORT — the call-home
# ProxyCommand through an HTTP proxy that wants a login: CONNECT HOST:PORT with Basic
# authentication (USER and the password in SECRET_FILE, so it is never on a command line),
# then relays standard input/output. Exit 1 when the proxy refuses.

# Only the library's core (esc, cc_help): this is ssh's ProxyCommand, its stdout is the SSH
# stream itself, where the library's JSON results must never go. Messages go to stderr, escaped.
# shellcheck source=lib/core.sh
. "$(dirname -- "$(readlink -f -- "$0")")/lib/core.sh"
say() { printf 'callhome_proxy.sh: %s\n' "$(esc "$*")" >&2; }
case ${1:-} in -h|--help) cc_help ;; esac
(($# == 6)) || { echo "usage: callhome_proxy.sh PROXY_HOST PROXY_PORT USER SECRET_FILE HOST PORT" >&2; exit 2; }
ph=$1 pp=$2 user=$3 sfile=$4 host=$5 port=$6
# (the shell's own messages would repeat the arguments raw: ours say it, escaped)
{ IFS= read -r pass <"$sfile"; } 2>/dev/null || [[ -n ${pass:-} ]] || { say "cannot read $sfile"; exit 1; }
auth=$(printf '%s:%s' "$user" "$pass" | base64 -w0)
unset pass
[[ $host == *:* ]] && host="[$host]"
{ exec 3<>"/dev/tcp/$ph/$pp"; } 2>/dev/null || { say "cannot connect to the proxy $ph:$pp"; exit 1; }
printf 'CONNECT %s:%s HTTP/1.1\r\nHost: %s:%s\r\nProxy-Authorization: Basic %s\r\n\r\n' "$host" "$port" "$host" "$port" "$auth" >&3
IFS= read -r -t 20 line <&3 || { say "no answer from the proxy"; exit 1; }
line=${line%$'\r'}
[[ $line =~ ^HTTP/1\.[01]\ 200 ]] || { say "the proxy refused: $line"; exit 1; }
while IFS= read -r -t 20 line <&3; do [[ ${line%$'\r'} == "" ]] && break; done
cat <&3 &
reader=$!
cat >&3
wait "$reader"
