"""The demo appliance's link data (the `ip -j addr show` shape), made from the netplan YAML,
and its traffic counters (one profile with the console's: demo-traffic.json)."""
import hashlib
import ipaddress
import json
import math
import os

from .model import describe


def fake_mac(name):
    """A stable locally administered MAC for an interface name (QEMU's 52:54:00 prefix)."""
    h = hashlib.sha256(name.encode()).digest()
    return '52:54:00:%02x:%02x:%02x' % (h[0], h[1], h[2])


def links_from_yaml(eth, links, only=(), dhcp_address=None, kinds=None, macs=None):
    """links updated to what the YAML says (eth: interface → its merged stanza): every interface when there are no links yet,
    else only the interfaces named (after an apply). A DHCP interface gets dhcp_address; a new link
    the MAC macs gives it (a match: stanza's), else one made from its name."""
    only = set(only or [])
    by = {l['ifname']: l for l in links}
    names = list(eth) if not links else (list(only) if only else [])
    if not links:
        by['lo'] = {'ifindex': 1, 'ifname': 'lo', 'flags': ['LOOPBACK', 'UP', 'LOWER_UP'], 'operstate': 'UNKNOWN',
                    'address': '00:00:00:00:00:00', 'addr_info': [{'family': 'inet', 'local': '127.0.0.1', 'prefixlen': 8}]}
    kinds = kinds or {}
    for name in names:
        if name not in eth and ((by.get(name) or {}).get('linkinfo') or {}).get('info_kind') in ('bond', 'vlan'):
            del by[name]  # a bond or VLAN deleted: gone, as networkd's is after the apply
            continue
        d = describe(eth[name] if name in eth else None)
        l = by.get(name) or {'ifindex': len(by) + 1, 'ifname': name, 'address': (macs or {}).get(name) or fake_mac(name)}
        l['flags'] = ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] + (['PROMISC'] if d['mode'] == 'capture' else [])
        l['operstate'] = 'UP'
        info = []
        if d['mode'] == 'static':
            info = [{'family': 'inet', 'local': d['address'], 'prefixlen': d['prefix']}]
        elif d['mode'] == 'dhcp' and dhcp_address:
            i = ipaddress.ip_interface(dhcp_address)
            info = [{'family': 'inet', 'local': str(i.ip), 'prefixlen': i.network.prefixlen}]
        if d['address6']:
            info.append({'family': 'inet6', 'local': d['address6'], 'prefixlen': d['prefix6'], 'scope': 'global'})
        if name == 'lo':
            # the loopback keeps what the kernel gives it; netplan's addresses come on top
            l['flags'], info = ['LOOPBACK', 'UP', 'LOWER_UP'], [{'family': 'inet', 'local': '127.0.0.1', 'prefixlen': 8}] + info
        l['addr_info'] = info
        if kinds.get(name) in ('bond', 'vlan'):
            l['linkinfo'] = {'info_kind': kinds[name]}
        by[name] = l
    return list(by.values())


def counters(capture, ms, profile_path=None):
    """The demo's counters of an interface at wall time ms (rx_bytes, tx_bytes, rx_packets,
    tx_packets, rx_dropped) from demo-traffic.json, as the console's demoSample computes them:
    one profile, so the Healthcheck sees the traffic Interface stats shows."""
    path = profile_path or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'demo-traffic.json')
    with open(path, encoding='utf-8') as f:
        prof = json.load(f)
    k = prof['capture' if capture else 'other']
    t = ms / 1000 - prof['epoch_s']
    b = k['base'] * t + (k['amp'] * k['period']) / (2 * math.pi) * (1 - math.cos((2 * math.pi * t) / k['period']))
    return {'rx_bytes': math.floor(b), 'tx_bytes': math.floor(b / k['tx_div']) if k['tx_div'] else 0,
            'rx_packets': math.floor(b / k['size']), 'tx_packets': math.floor(b / k['tx_div'] / k['size']) if k['tx_div'] else 0,
            'rx_dropped': math.floor((t % 86400) / k['drop_every_s']) if k['drop_every_s'] else 0}
