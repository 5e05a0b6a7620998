#!/usr/bin/env python3
"""Counts the distinct hosts seen on capture interfaces (sbin/count_devices.sh runs it).

Reads Ethernet frames from AF_PACKET sockets bound to the interfaces (no tcpdump process, no
shell), or replays a pcap file at its own pace (--pcap: the demo appliance's recorded capture,
which never sniffs the host). A host is a source IP address (IPv4, IPv6, or an ARP sender); a
frame with no source address counts for its source MAC. Frames the appliance sends itself are
not counted.

Streams JSON lines on stdout, flushed as they are written:
  {"type":"host","ip","mac","hosts"}              a new host (at most --host-lines a second)
  {"type":"tick","hosts","packets","bytes","elapsed","left"}   once a second
  {"type":"summary",...}                           last: the hosts sorted by packets
Bounded: --seconds of wall time, --max-hosts hosts in the table (more are counted as
"untracked", never stored), frames read in batches from a fixed-size buffer. SIGTERM/SIGINT
end the window early: the summary is still written (what was seen until then).
"""
import argparse
import json
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SNAP = 256  # the headers are all we read


def mac_text(b):
    return ':'.join('%02x' % x for x in b)


def source_of(frame):
    """(ip, mac) of a frame's sender; ip '' when the frame carries none we know."""
    if len(frame) < 14:
        return None
    mac = mac_text(frame[6:12])
    etype = struct.unpack('!H', frame[12:14])[0]
    off = 14
    # 802.1Q / QinQ tags
    while etype in (0x8100, 0x88A8) and len(frame) >= off + 4:
        etype = struct.unpack('!H', frame[off + 2:off + 4])[0]
        off += 4
    ip = ''
    if etype == 0x0800 and len(frame) >= off + 20:
        ip = socket.inet_ntop(socket.AF_INET, frame[off + 12:off + 16])
    elif etype == 0x86DD and len(frame) >= off + 40:
        ip = socket.inet_ntop(socket.AF_INET6, frame[off + 8:off + 24])
    elif etype == 0x0806 and len(frame) >= off + 28:
        ip = socket.inet_ntop(socket.AF_INET, frame[off + 14:off + 18])
    if ip in ('0.0.0.0', '::'):
        ip = ''  # not yet addressed (DHCP, DAD): the MAC stands for it
    return ip, mac


class Table:
    def __init__(self, cap):
        self.cap = cap
        self.hosts = {}
        self.untracked = 0
        self.untracked_keys = set()
        self.packets = 0
        self.bytes = 0

    def add(self, src, length, now):
        """Counts one frame; returns the host when it is new."""
        self.packets += 1
        self.bytes += length
        ip, mac = src
        key = ip or 'mac:' + mac
        h = self.hosts.get(key)
        if h is not None:
            h['packets'] += 1
            h['bytes'] += length
            h['last_seen'] = now
            return None
        if len(self.hosts) >= self.cap:
            # bounded memory: beyond the cap only a count of distinct keys up to the cap again
            if len(self.untracked_keys) < self.cap and key not in self.untracked_keys:
                self.untracked_keys.add(key)
                self.untracked += 1
            return None
        h = {'ip': ip, 'mac': mac, 'packets': 1, 'bytes': length, 'first_seen': now, 'last_seen': now}
        self.hosts[key] = h
        return h

    def count(self):
        return len(self.hosts) + self.untracked


def out(obj):
    sys.stdout.write(json.dumps(obj, separators=(',', ':')) + '\n')
    sys.stdout.flush()


def counter(iface, name):
    try:
        with open('/sys/class/net/%s/statistics/%s' % (iface, name)) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def pcap_frames(path):
    """(relative seconds, frame) of each packet of a pcap file (classic format, Ethernet)."""
    with open(path, 'rb') as f:
        head = f.read(24)
        if len(head) < 24:
            raise ValueError('not a pcap file')
        magic = struct.unpack('<I', head[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            end = '<'
        elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
            end = '>'
        else:
            raise ValueError('not a pcap file')
        nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
        linktype = struct.unpack(end + 'I', head[20:24])[0]
        if linktype != 1:
            raise ValueError('not an Ethernet capture')
        t0 = None
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, orig = struct.unpack(end + 'IIII', rec)
            data = f.read(min(incl, 65535))
            if incl > 65535:
                f.seek(incl - 65535, 1)
            t = sec + frac / (1e9 if nano else 1e6)
            t0 = t if t0 is None else t0
            yield t - t0, data, orig


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--iface', action='append', default=[])
    ap.add_argument('--pcap')
    ap.add_argument('--seconds', type=float, default=30)
    ap.add_argument('--max-hosts', type=int, default=10000)
    ap.add_argument('--max-list', type=int, default=1000)
    ap.add_argument('--host-lines', type=int, default=50)
    a = ap.parse_args()

    stop = {'why': ''}

    def on_signal(signum, _frame):
        stop['why'] = 'stopped'
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    table = Table(a.max_hosts)
    start = time.monotonic()
    deadline = start + a.seconds
    wall0 = time.time()
    before = {i: counter(i, 'rx_packets') for i in a.iface}
    socks = []
    if not a.pcap:
        for i in a.iface:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.bind((i, 0))
            s.setblocking(False)
            socks.append(s)
    frames = pcap_frames(a.pcap) if a.pcap else None
    pending = None  # the next pcap frame, waiting for its time
    next_tick = start + 1
    lines_this_second = 0
    while not stop['why']:
        now = time.monotonic()
        if now >= deadline:
            break
        if now >= next_tick:
            out({'type': 'tick', 'hosts': table.count(), 'packets': table.packets, 'bytes': table.bytes,
                 'elapsed': round(now - start), 'left': max(0, round(deadline - now))})
            next_tick += 1
            lines_this_second = 0
        wait = max(0.0, min(deadline, next_tick) - now)
        got = []
        if frames is not None:
            if pending is None:
                pending = next(frames, None)
                if pending is None:
                    frames = None
                    continue
            due = start + pending[0]
            if due <= now:
                got.append((pending[1], pending[2]))
                pending = None
            else:
                try:
                    time.sleep(min(wait, due - now))
                except InterruptedError:
                    pass
        elif socks:
            try:
                ready, _, _ = select.select(socks, [], [], wait)
            except InterruptedError:
                continue
            for s in ready:
                for _ in range(256):  # a batch, then the clock is looked at again
                    try:
                        data, addr = s.recvfrom(SNAP)
                    except (BlockingIOError, InterruptedError):
                        break
                    if addr[2] == PACKET_OUTGOING:
                        continue
                    got.append((data, len(data)))
        else:
            time.sleep(wait)
        t = time.time()
        for data, length in got:
            src = source_of(data)
            if src is None:
                continue
            h = table.add(src, length, t)
            if h is not None and lines_this_second < a.host_lines:
                lines_this_second += 1
                out({'type': 'host', 'ip': h['ip'], 'mac': h['mac'], 'hosts': table.count()})

    for s in socks:
        s.close()
    hosts = sorted(table.hosts.values(), key=lambda h: (-h['packets'], -h['bytes'], h['ip'] or h['mac']))
    after = {i: counter(i, 'rx_packets') for i in a.iface}
    out({
        'type': 'summary',
        'ifaces': a.iface,
        'demo': bool(a.pcap),
        'stopped': bool(stop['why']),
        'seconds': round(time.monotonic() - start, 1),
        'started': wall0,
        'count': table.count(),
        'untracked': table.untracked,
        'packets': table.packets,
        'bytes': table.bytes,
        'rx_packets': {i: (None if before[i] is None or after[i] is None else after[i] - before[i]) for i in a.iface},
        'hosts': [{k: h[k] for k in ('ip', 'mac', 'packets', 'bytes', 'last_seen')} for h in hosts[:a.max_list]],
        'listed': min(len(hosts), a.max_list),
    })


if __name__ == '__main__':
    try:
        main()
    except (OSError, ValueError) as e:
        sys.stderr.write('count_devices: %s\n' % e)
        sys.exit(1)
