# shellcheck shell=bash
# checks: the value checks shared by scripts. Sourced by common.sh.

# is_nowhere ADDR: an address nothing answers at: 0/8, multicast, 240/4, broadcast; IPv6 ::, ff00::/8
is_nowhere() {
  if is_ipv4 "$1"; then ((${1%%.*} == 0 || ${1%%.*} >= 224))
  elif is_ipv6 "$1"; then [[ $1 =~ ^[0:]+$ || ${1,,} == ff* ]]
  else return 1; fi
}
is_ipv4() {
  local IFS=. o n=0
  [[ $1 =~ ^[0-9.]+$ ]] || return 1
  for o in $1; do
    [[ $o =~ ^(0|[1-9][0-9]{0,2})$ ]] && ((o <= 255)) || return 1
    n=$((n + 1))
  done
  [[ $n -eq 4 && $1 != *. && $1 != .* && $1 != *..* ]]
}
is_ipv6() {
  local s=$1 head tail n=0 g rest
  [[ $s =~ ^[0-9A-Fa-f:.]+$ && ${#s} -le 45 && $s == *:* ]] || return 1
  if [[ $s == *.* ]]; then
    tail=${s##*:}; is_ipv4 "$tail" || return 1
    s="${s%:*}:0:0"
  fi
  rest=${s//::/}
  (( ${#s} - ${#rest} <= 2 )) || return 1                   # at most one '::'
  [[ $s == *:::* ]] && return 1
  [[ $s == :* && $s != ::* ]] && return 1
  [[ $s == *: && $s != *:: ]] && return 1
  local IFS=:
  for g in $s; do
    [[ -z $g ]] && continue
    [[ $g =~ ^[0-9A-Fa-f]{1,4}$ ]] || return 1
    n=$((n + 1))
  done
  if [[ $s == *::* ]]; then ((n <= 7)); else ((n == 8)); fi
}
is_hostname() {
  local h=${1%.} label
  [[ -n $h && ${#1} -le 253 ]] || return 1
  [[ $h =~ ^[0-9.]+$ ]] && return 1
  local IFS=.
  for label in $h; do
    [[ $label =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$ ]] || return 1
  done
  [[ $h != *..* && $h != .* && $h != *. ]]
}
# decimal even with leading zeros (bash reads 08 as octal)
is_port() { [[ $1 =~ ^[0-9]{1,5}$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }
