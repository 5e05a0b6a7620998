#!/usr/bin/env python3
"""Writes capture.pcap: the demo appliance's recorded mirror traffic (count_devices.sh --demo
replays it; the demo never sniffs the host). Deterministic: 28 hosts of an office LAN, most
appearing in the first seconds (the manual: "the number will rapidly jump"), a few later,
about 25 s of traffic. Run it again only to change the demo data."""
import random
import struct

rng = random.Random(12)
hosts = [('10.0.0.%d' % (10 + i), '52:54:00:12:%02x:%02x' % (i // 256, i % 256)) for i in range(20)]
hosts += [('10.0.1.%d' % (50 + i), '52:54:00:34:00:%02x' % i) for i in range(6)]
hosts += [('fd00::%x' % (0x100 + i), '52:54:00:56:00:%02x' % i) for i in range(2)]
first = {h: (0.2 + 0.15 * i if i < 18 else 4 + 2.2 * (i - 18)) for i, h in enumerate(hosts)}
weight = {h: rng.choice([1, 1, 1, 2, 4, 8]) for h in hosts}


def ipv4(s):
    return bytes(int(x) for x in s.split('.'))


def ipv6(s):
    import socket
    return socket.inet_pton(socket.AF_INET6, s)


def frame(h, size):
    ip, mac = h
    dst = bytes.fromhex('525400ffff01')
    src = bytes.fromhex(mac.replace(':', ''))
    if ':' in ip:
        hdr = struct.pack('!IHBB', 0x60000000, size - 54, 17, 64) + ipv6(ip) + ipv6('fd00::1')
        return dst + src + b'\x86\xdd' + hdr + bytes(size - 54)
    hdr = struct.pack('!BBHHHBBH', 0x45, 0, size - 14, 0, 0, 64, 6, 0) + ipv4(ip) + ipv4('10.0.0.1')
    return dst + src + b'\x08\x00' + hdr + bytes(size - 34)


pkts = []
for h in hosts:
    t = first[h]
    while t < 25:
        pkts.append((t, frame(h, rng.choice([60, 60, 120, 590, 1514]))))
        t += rng.expovariate(weight[h] / 2.0)
pkts.sort(key=lambda p: p[0])
with open('capture.pcap', 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    base = 1767225600
    for t, data in pkts:
        sec = int(t)
        usec = int((t - sec) * 1e6)
        snap = data[:60]  # headers are all the demo needs
        f.write(struct.pack('<IIII', base + sec, usec, len(snap), len(data)) + snap)
print(len(pkts), 'packets')
