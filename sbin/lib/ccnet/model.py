"""The netplan model: reading the YAML and the live link data, what a stanza says, roles."""
import ipaddress
import json
import os
import re
import time

import yaml

# keys of an ethernets stanza that a change of mode keeps (they are about the port, not the address)
KEEP_KEYS = ('match', 'set-name', 'mtu', 'macaddress', 'wakeonlan')
ROLE = {'static': 'management', 'dhcp': 'management', 'capture': 'capture', 'none': 'unused'}


def load_yaml(path):
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding='utf-8') as f:
        data = yaml.safe_load(f) or {}
    if not isinstance(data, dict):
        raise ValueError(f'{path}: not a netplan document')
    return data


def yaml_header(path):
    """The comment lines at the top of a YAML file (kept when it is rewritten)."""
    header = []
    if path and os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            for line in f:
                if not line.startswith('#'):
                    break
                header.append(line.rstrip('\n'))
    return header


def ethernets(doc):
    net = doc.get('network') or {}
    eth = net.get('ethernets') or {}
    return eth if isinstance(eth, dict) else {}


def load_links(path):
    """Link data in the shape of `ip -j addr show` ([] when there is none)."""
    if not path or path == '-' or not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as f:
        text = f.read().strip()
    return json.loads(text) if text else []


def link_addrs(link):
    return [f"{a['local']}/{a['prefixlen']}" for a in link.get('addr_info', []) if a.get('family') == 'inet']


def split_list(s):
    """Words separated by spaces or commas (DNS servers, search domains). White space is ASCII's,
    as in the console's words(): python's \\s also splits at U+001C-U+001F and NEL, JavaScript's at
    a no-break space or a BOM, and neither is a separator anyone types."""
    return [x for x in re.split(r'[ \t\n\v\f\r,]+', s or '') if x]


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


def role_of(st):
    return ROLE[describe(st)['mode']]


def show(eth, links, pending_path=None, unseen_path=None):
    """The show_network.sh result: every interface (live, and configured but absent), the
    change waiting for confirmation, the rollbacks no operator has seen yet."""
    links = [l for l in links if l.get('ifname') != 'lo']
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
    if pending_path and os.path.exists(pending_path):
        with open(pending_path, encoding='utf-8') as f:
            p = json.load(f)
        pending = {k: p.get(k) for k in ('id', 'iface', 'mode', 'address', 'deadline', 'timeout')}
        pending['remaining'] = max(0, int(p.get('deadline', 0)) - int(time.time()))
    unseen = []
    if unseen_path and os.path.exists(unseen_path):
        with open(unseen_path, encoding='utf-8') as f:
            unseen = json.load(f) or []
    return {'interfaces': out, 'pending': pending, 'rollbacks_unseen': unseen}


def with_stanza(doc, iface, mode, address=None, prefix=None, gateway=None, onlink=False, dns='', domain=''):
    """doc with the stanza of iface replaced by one of this mode (the port's own keys kept)."""
    net = doc.setdefault('network', {}) or {}
    doc['network'] = net
    net['version'] = 2
    net.setdefault('renderer', 'networkd')
    eth = net.get('ethernets') or {}
    net['ethernets'] = eth
    old = eth.get(iface) or {}
    st = {k: old[k] for k in KEEP_KEYS if k in old}
    if mode == 'static':
        st['addresses'] = [f'{address}/{prefix}']
        if gateway:
            r = {'to': '0.0.0.0/0', 'via': gateway}
            if onlink:
                r['on-link'] = True
            st['routes'] = [r]
        ns = {}
        if split_list(dns):
            ns['addresses'] = split_list(dns)
        if split_list(domain):
            ns['search'] = split_list(domain)
        if ns:
            st['nameservers'] = ns
    elif mode == 'dhcp':
        st['dhcp4'] = True
        st['dhcp4-overrides'] = {'use-dns': True, 'use-domains': True}
    elif mode == 'capture':
        st.update({'dhcp4': False, 'dhcp6': False, 'link-local': [], 'accept-ra': False, 'optional': True})
    else:
        raise ValueError(f'unknown mode {mode}')
    eth[iface] = st
    return doc


def changed(old_eth, new_eth):
    """Names of the interfaces whose stanza differs (in file order, old first)."""
    return [name for name in dict.fromkeys(list(old_eth) + list(new_eth)) if old_eth.get(name) != new_eth.get(name)]
