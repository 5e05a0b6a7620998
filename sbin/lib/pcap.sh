# shellcheck shell=bash
# The rolling capture buffer: a ring of N files of C MB (tcpdump -C C -W N) in PCAP_DIR.
PCAP_DIR=$(p /var/lib/confconsole/pcap)

# bytes in use by the current ring
pcap_used_bytes() { [[ -d $PCAP_DIR ]] && du -sb -- "$PCAP_DIR" 2>/dev/null | cut -f1 || echo 0; }
# the nearest existing directory (the buffer's own may not exist yet)
pcap_fs_dir() { local d=$PCAP_DIR; while [[ ! -d $d ]]; do d=$(dirname -- "$d"); done; printf '%s' "$d"; }
pcap_reserve_gb() {
  local total; total=$(df -B1 --output=size -- "$(pcap_fs_dir)" | tail -n 1 | tr -d ' ')
  local r=$((total / 20 / 1000000000)); ((r < 1)) && r=1; printf '%d' "$r"
}
pcap_max_gb() {
  local avail used; avail=$(df -B1 --output=avail -- "$(pcap_fs_dir)" | tail -n 1 | tr -d ' ')
  used=$(pcap_used_bytes)
  local m=$(( (avail + used) / 1000000000 - $(pcap_reserve_gb) )); ((m < 0)) && m=0; printf '%d' "$m"
}
# pcap_geometry SIZE_MB → "FILE_MB COUNT": 100 MB files, or 4 files for small buffers
pcap_geometry() {
  local mb=$1
  if ((mb >= 400)); then printf '100 %d' $((mb / 100)); else local c=$((mb / 4)); ((c < 1)) && c=1; printf '%d 4' "$c"; fi
}
