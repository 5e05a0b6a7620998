#!/usr/bin/env bash
# pcap_ring.sh [--size-mb MB] [--iface IF] — the capture service: a size-bounded ring of
# capture files on the capture interface ([pcap] size_gb and iface in appliance.ini), run by
# the vsensor-pcap service. Files beyond the ring (left by a larger size) are removed first.
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=lib/pcap.sh
. "$here/lib/pcap.sh"

mb="" iface=""
while (($#)); do
  case $1 in
    -h|--help) cc_help ;;
    --size-mb) accept size-mb check_ring_mb "${2-}"; mb=$CHECKED; shift 2 ;;
    --iface) accept iface check_capture_iface "${2-}"; iface=$2; shift 2 ;;
    *) usage_error "unknown argument $1" ;;
  esac
done
if [[ -z $mb ]]; then gb=$(ini_get "$SETTINGS_INI" pcap size_gb); [[ $gb =~ ^[0-9]+$ ]] || gb=0; mb=$((10#$gb * 1000)); fi
[[ -n $iface ]] || iface=$(ini_get "$SETTINGS_INI" pcap iface)
iface=${iface:-eth1}
((mb > 0)) || fail "$EX_FAIL" "packet capture is disabled ([pcap] size_gb is 0)"
read -r size count <<<"$(pcap_geometry "$mb")"
mkdir -p -- "$PCAP_DIR"; chmod 0750 -- "$PCAP_DIR"
# Files this ring will not overwrite (a ring that shrank, or one whose numbers have another
# width: tcpdump pads them to the digits of count-1) would hold disk space forever.
width=${#count}; ((count - 1 < 10 ** (width - 1))) && width=$((width - 1)); ((width < 1)) && width=1
for f in "$PCAP_DIR"/ring.pcap*; do
  [[ -e $f ]] || continue
  n=${f##*ring.pcap}
  if ! { [[ $n =~ ^[0-9]+$ && ${#n} -eq $width ]] && ((10#$n < count)); }; then rm -f -- "$f"; fi
done
log "capturing on $iface into $count files of $size MB in $PCAP_DIR"
# -B 16384: a 16 MiB kernel buffer, so a burst on the mirror port while the disk is busy is
# kept rather than dropped (the default 2 MiB is about 1400 full-size packets)
exec tcpdump -i "$iface" -n -s 0 -B 16384 -C "$size" -W "$count" -w "$PCAP_DIR/ring.pcap" -Z root 9>&-
