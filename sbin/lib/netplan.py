#!/usr/bin/python3
"""netplan.py — the network scripts' YAML reader/writer and address arithmetic.

Called from bash with arguments only (never code built from input):
  show      --yaml F --links F [--pending F] [--unseen F]      the show_network.sh result
  validate  --yaml F --links F --iface IF --mode M [...]       checks a requested change
  render    --yaml F --out F --iface IF --mode M [...]         writes the new YAML
  iface     --yaml F --iface IF                                MODE ADDR PREFIX GW ONLINK (tabs)
  changed   --old F --new F                                    names whose stanza differs
  links-from-yaml --yaml F --out F [--iface IF ...] [--dhcp-address CIDR]
                                                               demo link data (ip -j addr shape)
  json-get  --file F --key K                                   one value of a JSON object
  unseen-add --file F --entry JSON                             appends to a JSON array file
Exit 0 ok; 2 a refused value (stdout: {"field":..,"error":..}); 1 anything else.
"""
import argparse
import copy
import hashlib
import ipaddress
import json
import os
import tempfile
import re
import sys

import yaml

IFNAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.:-]{0,14}$')
LABEL = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$')
KEEP_KEYS = ('match', 'set-name', 'mtu', 'macaddress', 'wakeonlan')


class Refused(Exception):
    def __init__(self, field, error):
        super().__init__(error)
        self.field = field
        self.error = error


def load_yaml(path):
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding='utf-8') as f:
        data = yaml.safe_load(f) or {}
    if not isinstance(data, dict):
        raise ValueError(f'{path}: not a netplan document')
    return data


def ethernets(doc):
    net = doc.get('network') or {}
    eth = net.get('ethernets') or {}
    return eth if isinstance(eth, dict) else {}


def load_links(path):
    if not path or path == '-' or not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as f:
        text = f.read().strip()
    return json.loads(text) if text else []


def link_addrs(link):
    return [f"{a['local']}/{a['prefixlen']}" for a in link.get('addr_info', []) if a.get('family') == 'inet']


def gateway_of(st):
    for r in st.get('routes') or []:
        if isinstance(r, dict) and str(r.get('to')) in ('0.0.0.0/0', 'default'):
            return str(r.get('via')) if r.get('via') is not None else None, bool(r.get('on-link'))
    if st.get('gateway4'):
        return str(st['gateway4']), False
    return None, False


def describe(st):
    """mode, address, prefix, gateway, onlink, dns, search of one ethernets stanza (None: not in the file)."""
    if st is None:
        return {'mode': 'none', 'address': None, 'prefix': None, 'gateway': None, 'onlink': False, 'dns': [], 'search': []}
    st = st or {}
    ns = st.get('nameservers') or {}
    dns = [str(x) for x in ns.get('addresses') or []]
    search = [str(x) for x in ns.get('search') or []]
    gw, onlink = gateway_of(st)
    v4 = [str(a) for a in st.get('addresses') or [] if ':' not in str(a)]
    if st.get('dhcp4') in (True, 'true', 'yes'):
        return {'mode': 'dhcp', 'address': None, 'prefix': None, 'gateway': gw, 'onlink': onlink, 'dns': dns, 'search': search}
    if v4:
        iface = ipaddress.ip_interface(v4[0])
        return {'mode': 'static', 'address': str(iface.ip), 'prefix': iface.network.prefixlen, 'gateway': gw,
                'onlink': onlink, 'dns': dns, 'search': search}
    return {'mode': 'capture', 'address': None, 'prefix': None, 'gateway': None, 'onlink': False, 'dns': [], 'search': []}


ROLE = {'static': 'management', 'dhcp': 'management', 'capture': 'capture', 'none': 'unused'}


def cmd_show(a):
    eth = ethernets(load_yaml(a.yaml))
    links = [l for l in load_links(a.links) if l.get('ifname') != 'lo']
    out = []
    seen = set()
    for l in links:
        name = l.get('ifname')
        seen.add(name)
        d = describe(eth[name] if name in eth else None)
        addrs = link_addrs(l)
        address, prefix = d['address'], d['prefix']
        if d['mode'] == 'dhcp' and addrs:
            i = ipaddress.ip_interface(addrs[0])
            address, prefix = str(i.ip), i.network.prefixlen
        out.append({'name': name, 'mac': l.get('address'), 'state': l.get('operstate', 'UNKNOWN'),
                    'up': 'UP' in (l.get('flags') or []), 'addresses': addrs, 'role': ROLE[d['mode']],
                    'mode': d['mode'], 'address': address, 'prefix': prefix, 'gateway': d['gateway'],
                    'dns': d['dns'], 'search': d['search']})
    for name, st in eth.items():  # configured but not present
        if name in seen:
            continue
        d = describe(st)
        out.append({'name': name, 'mac': None, 'state': 'ABSENT', 'up': False, 'addresses': [], 'role': ROLE[d['mode']],
                    'mode': d['mode'], 'address': d['address'], 'prefix': d['prefix'], 'gateway': d['gateway'],
                    'dns': d['dns'], 'search': d['search']})
    pending = None
    if a.pending and os.path.exists(a.pending):
        with open(a.pending, encoding='utf-8') as f:
            p = json.load(f)
        pending = {k: p.get(k) for k in ('id', 'iface', 'mode', 'address', 'deadline', 'timeout')}
        import time
        pending['remaining'] = max(0, int(p.get('deadline', 0)) - int(time.time()))
    unseen = []
    if a.unseen and os.path.exists(a.unseen):
        with open(a.unseen, encoding='utf-8') as f:
            unseen = json.load(f) or []
    print(json.dumps({'interfaces': out, 'pending': pending, 'rollbacks_unseen': unseen}, separators=(',', ':')))


def parse_prefix(mask):
    if mask is None or mask == '':
        raise Refused('netmask', 'the network mask is required (dotted like 255.255.255.0, or a prefix length like 24)')
    m = mask[1:] if mask.startswith('/') else mask
    if re.fullmatch(r'[0-9]{1,2}', m):
        n = int(m)
        if 1 <= n <= 32:
            return n
        raise Refused('netmask', f'prefix length {mask} is out of range (1-32)')
    if re.fullmatch(r'[0-9]{1,3}(\.[0-9]{1,3}){3}', m):
        try:
            v = int(ipaddress.IPv4Address(m))
        except ipaddress.AddressValueError:
            raise Refused('netmask', f'{mask} is not a network mask (each part 0-255)')
        inv = (~v) & 0xFFFFFFFF
        if v == 0 or (inv & (inv + 1)) != 0:
            raise Refused('netmask', f'{mask} is not a contiguous network mask (its 1 bits must come first, as in 255.255.255.0)')
        return 32 - inv.bit_length()
    raise Refused('netmask', f'{mask} is not a network mask (dotted like 255.255.255.0, or a prefix length like 24)')


def parse_v4(field, value, what):
    if not re.fullmatch(r'[0-9]{1,3}(\.[0-9]{1,3}){3}', value or ''):
        raise Refused(field, f'{what} {value!r} is not an IPv4 address (like 192.0.2.10)')
    try:
        ip = ipaddress.IPv4Address(value)
    except ipaddress.AddressValueError:
        raise Refused(field, f'{what} {value} is not an IPv4 address (each part 0-255)')
    if re.search(r'(^|\.)0[0-9]', value):
        raise Refused(field, f'{what} {value} has a leading zero (ambiguous: write it without)')
    return ip


def split_list(s):
    return [x for x in re.split(r'[\s,]+', s or '') if x]


def check_static(a, eth, links):
    addr = parse_v4('address', a.address, 'address')
    prefix = parse_prefix(a.netmask)
    if addr.is_loopback or addr.is_multicast or addr.is_unspecified or addr.is_reserved or addr.is_link_local or int(addr) >> 24 == 0:
        raise Refused('address', f'{addr} cannot be an interface address (loopback, multicast, link-local or reserved)')
    net = ipaddress.IPv4Network(f'{addr}/{prefix}', strict=False)
    if prefix <= 30:
        if addr == net.network_address:
            raise Refused('address', f'{addr} is the network address of {net}: choose a host address')
        if addr == net.broadcast_address:
            raise Refused('address', f'{addr} is the broadcast address of {net}: choose a host address')
    gw = None
    onlink = False
    if a.gateway:
        gw = parse_v4('gateway', a.gateway, 'gateway')
        if gw == addr:
            raise Refused('gateway', f'the gateway {gw} is the appliance\'s own address')
        if gw not in net:
            if not a.allow_offsubnet_gateway:
                raise Refused('gateway', f'the gateway {gw} is outside the subnet {net} (use --allow-offsubnet-gateway if it is really reachable on this link)')
            onlink = True
        elif prefix <= 30 and gw in (net.network_address, net.broadcast_address):
            raise Refused('gateway', f'the gateway {gw} is the network or broadcast address of {net}')
    for name, st in eth.items():
        if name == a.iface:
            continue
        d = describe(st)
        if d['address'] == str(addr):
            raise Refused('address', f'{addr} is already the address of {name}')
    for l in links:
        if l.get('ifname') in (a.iface,):
            continue
        for c in link_addrs(l):
            if c.split('/')[0] == str(addr):
                raise Refused('address', f'{addr} is already in use on {l.get("ifname")}')
    dns = split_list(a.dns)
    if len(dns) > 3:
        raise Refused('dns', f'at most 3 DNS servers (got {len(dns)})')
    for d in dns:
        try:
            ip = ipaddress.ip_address(d)
        except ValueError:
            raise Refused('dns', f'DNS server {d!r} is not an IP address')
        if ip.is_unspecified or ip.is_multicast or (ip.version == 4 and (ip.is_reserved or str(ip) == '255.255.255.255')):
            raise Refused('dns', f'DNS server {d!r} is not a server address (unspecified, broadcast or multicast)')
        if not re.fullmatch(r'[0-9A-Fa-f:.]+', d) or re.search(r'(^|\.)0[0-9]', d):
            raise Refused('dns', f'DNS server {d!r} is not an IP address in plain form')
    search = split_list(a.domain)
    if len(search) > 6:
        raise Refused('domain', f'at most 6 search domains (got {len(search)})')
    for s in search:
        h = s[:-1] if s.endswith('.') else s
        if not h or len(s) > 253 or re.fullmatch(r'[0-9.]+', h) or not all(LABEL.fullmatch(x) for x in h.split('.')):
            raise Refused('domain', f'search domain {s!r} is not a valid domain name (letters, digits, hyphens; dot-separated labels)')
    return {'address': str(addr), 'prefix': prefix, 'gateway': str(gw) if gw else None, 'onlink': onlink,
            'dns': dns, 'search': search}


def cmd_validate(a):
    eth = ethernets(load_yaml(a.yaml))
    links = load_links(a.links)
    names = [l.get('ifname') for l in links if l.get('ifname') != 'lo']
    if not IFNAME.fullmatch(a.iface or ''):
        raise Refused('interface', f'{a.iface!r} is not an interface name')
    if a.iface not in names:
        raise Refused('interface', f'no interface {a.iface} on this appliance (there are: {", ".join(names) or "none"})')
    res = {'mode': a.mode}
    if a.mode == 'static':
        res.update(check_static(a, eth, links))
    elif a.mode == 'capture':
        mgmt = [n for n, st in eth.items() if ROLE[describe(st)['mode']] == 'management' and n != a.iface]
        if not mgmt:
            raise Refused('interface', f'{a.iface} is the last management interface: the appliance would be unreachable as a capture-only box')
        if a.ssh_local:
            for l in links:
                if l.get('ifname') == a.iface and any(c.split('/')[0] == a.ssh_local for c in link_addrs(l)):
                    raise Refused('interface', f'you are connected through {a.iface} ({a.ssh_local}): making it a capture interface would cut your session')
    print(json.dumps(res, separators=(',', ':')))


def cmd_render(a):
    doc = load_yaml(a.yaml)
    header = []
    if a.yaml and os.path.exists(a.yaml):
        with open(a.yaml, encoding='utf-8') as f:
            for line in f:
                if line.startswith('#'):
                    header.append(line.rstrip('\n'))
                else:
                    break
    net = doc.setdefault('network', {}) or {}
    doc['network'] = net
    net['version'] = 2
    net.setdefault('renderer', 'networkd')
    eth = net.get('ethernets') or {}
    net['ethernets'] = eth
    old = eth.get(a.iface) or {}
    st = {k: old[k] for k in KEEP_KEYS if k in old}
    if a.mode == 'static':
        st['addresses'] = [f'{a.address}/{a.prefix}']
        if a.gateway:
            r = {'to': '0.0.0.0/0', 'via': a.gateway}
            if a.onlink:
                r['on-link'] = True
            st['routes'] = [r]
        ns = {}
        if split_list(a.dns):
            ns['addresses'] = split_list(a.dns)
        if split_list(a.domain):
            ns['search'] = split_list(a.domain)
        if ns:
            st['nameservers'] = ns
    elif a.mode == 'dhcp':
        st['dhcp4'] = True
        st['dhcp4-overrides'] = {'use-dns': True, 'use-domains': True}
    elif a.mode == 'capture':
        st.update({'dhcp4': False, 'dhcp6': False, 'link-local': [], 'accept-ra': False, 'optional': True})
    else:
        raise ValueError(f'unknown mode {a.mode}')
    eth[a.iface] = st
    text = yaml.safe_dump(doc, default_flow_style=False, sort_keys=False)
    with open(a.out, 'w', encoding='utf-8') as f:
        if header:
            f.write('\n'.join(header) + '\n')
        f.write(text)


def cmd_iface(a):
    eth = ethernets(load_yaml(a.yaml))
    d = describe(eth[a.iface] if a.iface in eth else None)
    print('\t'.join([d['mode'], d['address'] or '-', str(d['prefix'] or '-'), d['gateway'] or '-', 'onlink' if d['onlink'] else '-']))


def cmd_changed(a):
    o = ethernets(load_yaml(a.old))
    n = ethernets(load_yaml(a.new))
    for name in list(dict.fromkeys(list(o) + list(n))):
        if o.get(name) != n.get(name):
            print(name)


def fake_mac(name):
    h = hashlib.sha256(name.encode()).digest()
    return '52:54:00:%02x:%02x:%02x' % (h[0], h[1], h[2])


def cmd_links_from_yaml(a):
    eth = ethernets(load_yaml(a.yaml))
    links = load_links(a.out)
    only = set(a.iface or [])
    by = {l['ifname']: l for l in links}
    names = list(eth) if not links else (list(only) if only else [])
    if not links:
        by['lo'] = {'ifindex': 1, 'ifname': 'lo', 'flags': ['LOOPBACK', 'UP', 'LOWER_UP'], 'operstate': 'UNKNOWN',
                    'address': '00:00:00:00:00:00', 'addr_info': [{'family': 'inet', 'local': '127.0.0.1', 'prefixlen': 8}]}
    for name in names:
        d = describe(eth[name] if name in eth else None)
        l = by.get(name) or {'ifindex': len(by) + 1, 'ifname': name, 'address': fake_mac(name)}
        l['flags'] = ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] + (['PROMISC'] if d['mode'] == 'capture' else [])
        l['operstate'] = 'UP'
        info = []
        if d['mode'] == 'static':
            info = [{'family': 'inet', 'local': d['address'], 'prefixlen': d['prefix']}]
        elif d['mode'] == 'dhcp' and a.dhcp_address:
            i = ipaddress.ip_interface(a.dhcp_address)
            info = [{'family': 'inet', 'local': str(i.ip), 'prefixlen': i.network.prefixlen}]
        l['addr_info'] = info
        by[name] = l
    # a temp name of its own: two readers seeding the demo links at once must not share one
    fd, tmp = tempfile.mkstemp(prefix='.links.', dir=os.path.dirname(a.out) or '.')
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        json.dump(list(by.values()), f, indent=1)
        f.write('\n')
    os.chmod(tmp, 0o644)
    os.replace(tmp, a.out)


def cmd_json_get(a):
    with open(a.file, encoding='utf-8') as f:
        v = json.load(f).get(a.key)
    print('' if v is None else v)


def cmd_unseen_add(a):
    items = []
    if os.path.exists(a.file):
        with open(a.file, encoding='utf-8') as f:
            items = json.load(f) or []
    items.append(json.loads(a.entry))
    fd, tmp = tempfile.mkstemp(prefix='.unseen.', dir=os.path.dirname(a.file) or '.')
    os.chmod(tmp, 0o644)
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        json.dump(items, f)
        f.write('\n')
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, a.file)


def main():
    ap = argparse.ArgumentParser(prog='netplan.py')
    sub = ap.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('show'); s.add_argument('--yaml'); s.add_argument('--links'); s.add_argument('--pending'); s.add_argument('--unseen')
    for name in ('validate', 'render'):
        s = sub.add_parser(name)
        s.add_argument('--yaml'); s.add_argument('--links'); s.add_argument('--out'); s.add_argument('--iface', required=True)
        s.add_argument('--mode', required=True); s.add_argument('--address'); s.add_argument('--netmask'); s.add_argument('--prefix')
        s.add_argument('--gateway'); s.add_argument('--dns', default=''); s.add_argument('--domain', default='')
        s.add_argument('--allow-offsubnet-gateway', action='store_true'); s.add_argument('--onlink', action='store_true')
        s.add_argument('--ssh-local')
    s = sub.add_parser('iface'); s.add_argument('--yaml'); s.add_argument('--iface', required=True)
    s = sub.add_parser('changed'); s.add_argument('--old'); s.add_argument('--new')
    s = sub.add_parser('links-from-yaml'); s.add_argument('--yaml'); s.add_argument('--out', required=True)
    s.add_argument('--iface', action='append'); s.add_argument('--dhcp-address')
    s = sub.add_parser('json-get'); s.add_argument('--file', required=True); s.add_argument('--key', required=True)
    s = sub.add_parser('unseen-add'); s.add_argument('--file', required=True); s.add_argument('--entry', required=True)
    a = ap.parse_args()
    try:
        {'show': cmd_show, 'validate': cmd_validate, 'render': cmd_render, 'iface': cmd_iface, 'changed': cmd_changed,
         'links-from-yaml': cmd_links_from_yaml, 'json-get': cmd_json_get, 'unseen-add': cmd_unseen_add}[a.cmd](a)
    except Refused as e:
        print(json.dumps({'field': e.field, 'error': e.error}))
        sys.exit(2)
    except (OSError, ValueError, yaml.YAMLError, KeyError, TypeError) as e:
        print(f'netplan.py: {e}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
