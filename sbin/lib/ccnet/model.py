"""The netplan model: the YAML files and the live link data, what netplan makes of them for one
interface (every file that configures it, merged as netplan merges), what a stanza says (modes,
IPv4 and IPv6 addresses, roles), the new stanza of a change (only the keys the console manages
replaced), and what kind of link each interface is."""
import copy
import fnmatch
import ipaddress
import json
import os
import re
import time

import yaml

ROLE = {'static': 'management', 'dhcp': 'management', 'ipv6': 'management', 'capture': 'capture', 'none': 'unused'}
# the keys a capture interface gets, with their values (removed again when it leaves capture)
CAPTURE = {'dhcp4': False, 'dhcp6': False, 'link-local': [], 'accept-ra': False, 'optional': True}
# the device types of a netplan file (a stanza under any of them configures the interface)
DEVICE_TYPES = ('ethernets', 'bonds', 'bridges', 'vlans', 'wifis', 'tunnels', 'modems', 'vrfs', 'dummy-devices',
                'virtual-ethernets', 'nm-devices')
# where netplan reads its files, later directories overriding a file of the same name (netplan(5))
NETPLAN_DIRS = ('lib/netplan', 'etc/netplan', 'run/netplan')
OUR_FILE = 'etc/netplan/01-netcfg.yaml'
CLOUD_INIT_FILE = 'etc/netplan/50-cloud-init.yaml'
# cloud-init's documented way to stop writing the network configuration (cloud-init docs,
# "Network configuration: disabling"): without it 50-cloud-init.yaml comes back at boot
CLOUD_INIT_DISABLE = 'etc/cloud/cloud.cfg.d/99-disable-network-config.cfg'
CLOUD_INIT_DISABLE_TEXT = '# written by confconsole: the network configuration is etc/netplan/01-netcfg.yaml\nnetwork: {config: disabled}\n'


class BadFile(ValueError):
    """A netplan file that does not parse, or is no netplan document: file and line named."""


class BadRecord(ValueError):
    """One of our own JSON records (the pending change, the unseen rollbacks) that is damaged:
    the file named, never believed (issue 10 item 4: a damaged file is reported, not trusted)."""


def read_record(path, shape):
    """The JSON value of our record at `path`, of type `shape` (dict or list); BadRecord naming
    the file when it does not parse or is not that shape (OSError when it cannot be read)."""
    try:
        with open(path, encoding='utf-8') as f:
            v = json.loads(f.read())
    except ValueError as e:  # not UTF-8 (UnicodeDecodeError) or not JSON
        raise BadRecord(f'{path}: damaged (not JSON: {e}); it is not believed') from None
    if not isinstance(v, shape):
        raise BadRecord(f'{path}: damaged (not a JSON {"object" if shape is dict else "list"}); it is not believed')
    return v


def read_pending(path):
    """The record of the network change waiting for confirmation at `path` (a dict with at least
    id, iface, deadline (epoch seconds) and backup), or BadRecord naming the file when any of these
    is missing or not of its kind: confirming or rolling back from a half record would keep or put
    back the wrong settings. OSError when it cannot be read."""
    p = read_record(path, dict)
    for key in ('id', 'iface', 'backup'):
        if not isinstance(p.get(key), str) or not p[key]:
            raise BadRecord(f'{path}: damaged (no {key}); it is not believed')
    if not isinstance(p.get('deadline'), int) or isinstance(p.get('deadline'), bool):
        raise BadRecord(f'{path}: damaged: its deadline is not a time')
    return p


def load_yaml(path):
    if not path or not os.path.exists(path):
        return {}
    try:
        with open(path, encoding='utf-8') as f:
            data = yaml.safe_load(f) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, 'problem_mark', None)
        where = f'{path}:{mark.line + 1}:{mark.column + 1}' if mark else path
        raise BadFile(f'{where}: {getattr(e, "problem", None) or e}')
    except UnicodeDecodeError as e:
        raise BadFile(f'{path}: not UTF-8 text ({e.reason} at byte {e.start})')
    if not isinstance(data, dict):
        raise BadFile(f'{path}:1: not a netplan document (a mapping with network: is expected)')
    return data


def read_text(path):
    if not path or not os.path.exists(path):
        return ''
    with open(path, encoding='utf-8') as f:
        return f.read()


def ethernets(doc):
    net = doc.get('network') or {}
    eth = net.get('ethernets') or {}
    return eth if isinstance(eth, dict) else {}


def netplan_files(root):
    """The netplan files under root in the order netplan reads them: [(relative path, data)].
    By file name across lib/, etc/ and run/netplan; a name in run/ hides the same name in etc/,
    one in etc/ the same in lib/."""
    by_name = {}
    for d in NETPLAN_DIRS:
        full = os.path.join(root, d)
        if not os.path.isdir(full):
            continue
        for name in os.listdir(full):
            if name.endswith('.yaml') and os.path.isfile(os.path.join(full, name)):
                by_name[name] = f'{d}/{name}'
    return [(rel, load_yaml(os.path.join(root, rel))) for _, rel in sorted(by_name.items())]


def merge(a, b):
    """b over a as netplan merges files: mappings key by key, lists appended, values replaced."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = merge(a[k], v) if k in a else copy.deepcopy(v)
        return out
    if isinstance(a, list) and isinstance(b, list):
        return a + copy.deepcopy(b)
    return copy.deepcopy(b)


def applies(sid, st, name, mac):
    """Whether stanza sid configures the interface name (with MAC mac): by its id, or by its
    match: (name glob, MAC), as networkd matches links."""
    m = st.get('match') if isinstance(st, dict) else None
    if not isinstance(m, dict):
        return sid == name
    if st.get('set-name'):
        # the link renamed: netplan's .network matches Name=<set-name> (and the MAC); the name
        # glob is the link's original name (.link's OriginalName=)
        return name == str(st['set-name']) and ('macaddress' not in m or bool(mac) and str(m['macaddress']).lower() == mac.lower())
    if 'name' in m and not fnmatch.fnmatchcase(name, str(m['name'])):
        return False
    if 'macaddress' in m and (not mac or str(m['macaddress']).lower() != mac.lower()):
        return False
    return bool(m.get('name') or m.get('macaddress')) or sid == name


def stanzas(files):
    """Every stanza of netplan files [(file, doc)], in file order then section order then file
    text order: (file, device type, id as text, stanza). The one walk over netplan's device
    sections (netplan(5)); a section that is not a mapping (a hand-damaged file) is skipped."""
    for rel, doc in files:
        net = (doc or {}).get('network') or {}
        if not isinstance(net, dict):
            continue
        for t in DEVICE_TYPES:
            devs = net.get(t) or {}
            if not isinstance(devs, dict):
                continue
            for sid, st in devs.items():
                yield rel, t, str(sid), st


def stanzas_of(files, name, mac=None):
    """Every stanza that configures interface name: [(file, device type, id, stanza)]."""
    return [(rel, t, sid, st or {}) for rel, t, sid, st in stanzas(files) if applies(sid, st or {}, name, mac)]


def renderer_of(files, name, mac=None):
    """(renderer, file that says so) for an interface: its stanza's, else the last global one."""
    r, where = 'networkd', None
    for rel, doc in files:
        net = doc.get('network') or {}
        if net.get('renderer'):
            r, where = str(net['renderer']), rel
    for rel, _, _, st in stanzas_of(files, name, mac):
        if isinstance(st, dict) and st.get('renderer'):
            r, where = str(st['renderer']), rel
    return r, where


def merged_stanza(files, name, mac=None):
    """What netplan computes for one interface: its stanzas in file order, merged (None: none)."""
    found = stanzas_of(files, name, mac)
    if not found:
        return None
    out = {}
    for _, _, _, st in found:
        out = merge(out, st if isinstance(st, dict) else {})
    return out


def configured_names(files):
    """The interfaces named by a stanza id (no match:) of any section (ethernets, bonds, vlans,
    bridges, ...), in file order."""
    names = []
    for _, _, sid, st in stanzas(files):
        if not (isinstance(st, dict) and isinstance(st.get('match'), dict)) and sid not in names:
            names.append(sid)
    return names


def load_links(path):
    """Link data in the shape of `ip -j -d addr show` ([] when there is none)."""
    if not path or path == '-' or not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as f:
        text = f.read().strip()
    return json.loads(text) if text else []


def present_macs(links):
    """The MAC addresses the present links have, lower case: a `match: macaddress` outside this
    set is stale (a cloned machine's), for the fresh-MACs review and the interface list alike."""
    return {str(l.get('address')).strip().lower() for l in links if l.get('address')}


def link_addrs(link):
    """The link's IPv4 and global IPv6 addresses, CIDR (link-local ones are on every link)."""
    out = []
    for fam in ('inet', 'inet6'):
        for a in link.get('addr_info', []):
            if a.get('family') == fam and a.get('scope', 'global') != 'link':
                out.append(f"{a['local']}/{a['prefixlen']}")
    return out


def split_list(s):
    """Words separated by spaces or commas (DNS servers, search domains). White space is ASCII's,
    as in the console's words(): python's \\s also splits at U+001C-U+001F and NEL, JavaScript's at
    a no-break space or a BOM, and neither is a separator anyone types."""
    return [x for x in re.split(r'[ \t\n\v\f\r,]+', s or '') if x]


def _addr_text(a):
    """An addresses: entry (a string, or a one-key mapping with options) → its CIDR text."""
    return str(next(iter(a))) if isinstance(a, dict) and a else str(a)


def is_v6(text):
    return ':' in str(text)


def is_default(r, v6):
    """Whether route r is a default route of that family (to: default, 0.0.0.0/0, ::/0)."""
    if not isinstance(r, dict):
        return False
    to = str(r.get('to'))
    if to == 'default':
        return is_v6(r.get('via', '')) == v6
    return to == ('::/0' if v6 else '0.0.0.0/0')


def gateway_of(st, v6=False):
    for r in st.get('routes') or []:
        if is_default(r, v6):
            return str(r.get('via')) if r.get('via') is not None else None, bool(r.get('on-link'))
    old = st.get('gateway6' if v6 else 'gateway4')
    return (str(old), False) if old else (None, False)


def _true(v):
    return v in (True, 'true', 'yes', 'on')


def describe(st):
    """What one (merged) stanza says: mode (static, dhcp, ipv6 = IPv6 only, capture; none = not
    configured), the IPv4 address/prefix/gateway, the first static IPv6 address/prefix and the
    IPv6 gateway, DHCPv6, DNS and search domains, and the routes other than the default ones."""
    d = {'mode': 'none', 'address': None, 'prefix': None, 'gateway': None, 'onlink': False, 'dns': [], 'search': [],
         'address6': None, 'prefix6': None, 'gateway6': None, 'dhcp6': False, 'routes': []}
    if st is None:
        return d
    st = st if isinstance(st, dict) else {}
    ns = st.get('nameservers') or {}
    d['dns'] = [str(x) for x in ns.get('addresses') or []]
    d['search'] = [str(x) for x in ns.get('search') or []]
    addrs = [_addr_text(a) for a in st.get('addresses') or []]
    v4 = [a for a in addrs if not is_v6(a)]
    v6 = [a for a in addrs if is_v6(a)]
    d['gateway'], d['onlink'] = gateway_of(st)
    d['gateway6'], _ = gateway_of(st, True)
    d['dhcp6'] = _true(st.get('dhcp6'))
    d['routes'] = [f"{r.get('to')} via {r.get('via')}" if r.get('via') else str(r.get('to'))
                   for r in st.get('routes') or [] if isinstance(r, dict) and not is_default(r, False) and not is_default(r, True)]
    if v6:
        i6 = ipaddress.ip_interface(v6[0])
        d['address6'], d['prefix6'] = str(i6.ip), i6.network.prefixlen
    if _true(st.get('dhcp4')):
        d['mode'] = 'dhcp'
    elif v4:
        i = ipaddress.ip_interface(v4[0])
        d['mode'], d['address'], d['prefix'] = 'static', str(i.ip), i.network.prefixlen
    elif v6 or d['dhcp6'] or _true(st.get('accept-ra')):
        d['mode'] = 'ipv6'
    else:
        d['mode'] = 'capture'
        d['gateway'] = d['gateway6'] = None
        d['onlink'] = False
    return d


def role_of(st):
    return ROLE[describe(st)['mode']]


def describe_link(files, name, mac=None, ours=()):
    """describe() of what netplan merges for link name, with the mode its section allows: a VLAN
    without addressing is 'none', never 'capture' (a VLAN sees one VLAN's traffic only: the console
    captures on its parent, and never makes a VLAN promiscuous; netplan's sriov_vlan example has
    such a VLAN, a hardware filter). So is a bond the console created without an address (ours:
    links.owned of our file) and without the capture keys: made "for VLANs", not a capture bond
    (which gets the capture keys), so neither the list nor the health check counts it as one."""
    st = merged_stanza(files, name, mac)
    d = describe(st)
    secs = [(t, sid) for _, t, sid, _ in stanzas_of(files, name, mac)]
    if d['mode'] == 'capture' and any(t == 'vlans' for t, _ in secs):
        d['mode'] = 'none'
    elif d['mode'] == 'capture' and any(t == 'bonds' and (t, sid) in ours for t, sid in secs) and not any(k in (st or {}) for k in CAPTURE):
        d['mode'] = 'none'
    return d


# ---- what kind of link an interface is (by what the kernel says, never by its name) ----------

def link_kind(link, port_kinds=()):
    """(kind, reason): kind 'port' for a network port of the machine (the kernel shows a device
    behind it: PCI, virtio, vmxnet, USB, and no virtual link kind), else the link's kind with
    why the console does not configure it. port_kinds: kernel link kinds a test namespace
    declares to stand for ports (its veth pairs; no real device can be made there)."""
    info = (link.get('linkinfo') or {})
    kind = info.get('info_kind')
    sysf = link.get('sys') or {}
    ltype = link.get('link_type')
    if kind and kind in port_kinds:
        return 'port', None
    if ltype == 'loopback' or link.get('ifname') == 'lo':
        return 'loopback', 'the loopback interface'
    if sysf.get('bridge') or kind == 'bridge':
        return 'bridge', 'a bridge (software switch) made on this machine, e.g. by a container engine'
    if sysf.get('bonding') or kind == 'bond':
        return 'bond', 'a bond of other interfaces'
    if sysf.get('tun') or kind == 'tun':
        return 'tun', 'a TUN/TAP device of a program (VPN, virtual machine)'
    if sysf.get('wireless'):
        return 'wireless', 'a wireless interface (netplan configures it under wifis:, not as a port)'
    if kind:
        return kind, f'a virtual link ({kind}) made on this machine, not a network port'
    if ltype not in (None, 'ether'):
        return str(ltype), f'a {ltype} link, not an Ethernet port'
    if sysf and not sysf.get('device'):
        return 'virtual', 'a virtual link (the kernel shows no device behind it)'
    return 'port', None


# ---- the show result ---------------------------------------------------------------------------

def kind_and_why(name, link, topo, port_kinds=()):
    """(kind, why it is read-only or None) of one link: what the kernel says first (a veth or a
    TUN/TAP device named like a port is no port), then what netplan defines it as. Bonds and
    VLANs are configurable when netplan defines them (a hand-made one is left alone)."""
    from .links import CONFIGURED, READ_ONLY
    nk = topo.kind_of(name)
    kk, kwhy = link_kind(link, port_kinds) if link else ('port', None)
    if name == 'lo' or kk == 'loopback':
        return 'loopback', 'the loopback interface: the console does not configure it (its netplan file is kept as it is)'
    if kk in ('bond', 'vlan') or kk == 'port' and nk in ('bond', 'vlan'):
        kind = kk if kk != 'port' else nk
        if nk != kind:
            return kind, f'a {kind} not defined in the netplan files (made by hand or by another tool): the console leaves it as it is'
        return kind, None
    if kk != 'port':
        return kk, kwhy
    kind = nk or 'ethernet'
    if kind not in CONFIGURED:
        return kind, READ_ONLY.get(kind, f'a {kind} link: the console does not configure it')
    return kind, None


def role_text(role, facts):
    """The role in words: a member names its bond, a parent the links on top of it."""
    if role == 'member':
        return f"member of {facts['member_of']}"
    if role == 'parent':
        top = [t['name'] for t in facts['on_top']]
        vl = [t['name'] for t in facts['on_top'] if t['kind'] == 'vlan']
        return f"VLAN parent of {', '.join(vl)}" if vl else f"SR-IOV parent{' of ' + ', '.join(top) if top else ''}"
    return role


def _entry(name, link, files, port_kinds, topo=None, ours=()):
    from .links import Topology
    topo = topo or Topology(files, [link] if link else [])
    # an absent link a match: stanza renames (set-name) by its MAC: shown as that stanza says
    mac = link.get('address') if link else topo.mac_of.get(name)
    st = merged_stanza(files, name, mac)
    owners = list(dict.fromkeys(rel for rel, _, _, _ in stanzas_of(files, name, mac)))
    d = describe_link(files, name, mac, ours)
    addrs = link_addrs(link) if link else []
    address, prefix = d['address'], d['prefix']
    if d['mode'] == 'dhcp' and addrs and not is_v6(addrs[0]):
        i = ipaddress.ip_interface(addrs[0])
        address, prefix = str(i.ip), i.network.prefixlen
    kind, why = kind_and_why(name, link, topo, port_kinds)
    facts = topo.facts(name)
    role = ROLE[d['mode']]
    if facts['member_of']:
        role = 'member'
        why = why or f"a member of {facts['member_of_kind']} {facts['member_of']}: configure {facts['member_of']} instead"
    elif role in ('capture', 'unused') and (facts['on_top'] or facts['sriov_pf']):
        role = 'parent'
    elif role == 'capture' and why:
        role = 'unused'  # the console makes no capture interface of a link it does not configure
    sec = topo.section_of(name)
    renderer, rfile = renderer_of(files, name, mac)
    if why is None and renderer != 'networkd':
        # read-only as a change of it is refused (plan.Change.take): said before it is tried
        why = f'managed by {renderer} (renderer: {renderer} in {rfile}): the console writes networkd settings only'
    return {'name': name, 'mac': mac, 'state': link.get('operstate', 'UNKNOWN') if link else 'ABSENT',
            'up': 'UP' in (link.get('flags') or []) if link else False, 'addresses': addrs, 'role': role,
            'role_text': role_text(role, facts), 'mode': d['mode'], 'address': address, 'prefix': prefix,
            'gateway': d['gateway'], 'dns': d['dns'],
            'search': d['search'], 'address6': d['address6'], 'prefix6': d['prefix6'], 'gateway6': d['gateway6'],
            'dhcp6': d['dhcp6'], 'routes': d['routes'], 'kind': kind, 'configurable': why is None, 'why': why,
            'members': facts['members'], 'parent': facts['parent'], 'vlan_id': facts['vlan_id'], 'bond_mode': facts['bond_mode'], 'bond_primary': facts['bond_primary'],
            'member_of': facts['member_of'], 'on_top': facts['on_top'], 'matched_by': topo.matched_by(name),
            'created_here': bool(sec and (sec[0], sec[1]) in ours),
            'files': owners, 'renderer': renderer, 'renderer_file': rfile, 'config': st}


def show(root, links, pending_path=None, unseen_path=None, port_kinds=()):
    """The show_network.sh result: every interface (live, and configured but absent) with the
    files that configure it and what netplan makes of them, the change waiting for confirmation,
    the rollbacks no operator has seen yet, and whether our file is there. Every link netplan
    defines is there (bonds, VLANs, bridges, tunnels, wifi...); a match: stanza is listed under
    `matches` with the links it matches, never as an interface of its own."""
    from .links import Topology, match_text, owned
    files = netplan_files(root)
    lo = next((l for l in links if l.get('ifname') == 'lo'), None)
    links = [l for l in links if l.get('ifname') != 'lo']
    topo = Topology(files, links)
    ours = owned(read_text(os.path.join(root, OUR_FILE)))
    out = [_entry(l.get('ifname'), l, files, port_kinds, topo, ours) for l in links]
    seen = {l.get('ifname') for l in links}
    # the loopback interface is listed only when a netplan file configures it (read-only)
    out += [_entry(n, lo if n == 'lo' else None, files, port_kinds, topo, ours) for n in topo.defined_names() if n not in seen]
    # stale: its MAC is no link's (Initialize fresh MAC addresses is for it), mac: that MAC
    matches = [{'id': sid, 'section': t, 'match': match_text(st), 'links': topo.names_of.get(sid, []), 'stale': sid in topo.stale,
                **({'mac': str(st['match']['macaddress']).strip().lower()} if sid in topo.stale else {})}
               for (t, sid), st in topo.defs.items() if isinstance(st.get('match'), dict)]
    pending = None
    if pending_path and os.path.exists(pending_path):
        p = read_pending(pending_path)
        pending = {k: p.get(k) for k in ('id', 'iface', 'mode', 'address', 'deadline', 'timeout')}
        # every interface the change touches (net_fresh_macs.sh records them all; one otherwise)
        many = p.get('ifaces')
        pending['ifaces'] = [str(x) for x in many] if isinstance(many, list) and many and all(isinstance(x, str) for x in many) else [p['iface']]
        pending['remaining'] = max(0, p['deadline'] - int(time.time()))
    unseen = []
    if unseen_path and os.path.exists(unseen_path):
        unseen = read_record(unseen_path, list)
    return {'interfaces': out, 'matches': matches, 'pending': pending, 'rollbacks_unseen': unseen, 'netplan': file_state(root, files)}


def file_state(root, files):
    """Our file, whether it is there, the other netplan files, and the problem when ours is
    missing (the console then refuses a change: it never writes a partial configuration)."""
    ours = os.path.exists(os.path.join(root, OUR_FILE))
    others = [rel for rel, _ in files if rel != OUR_FILE]
    problem = None
    if not ours and not others:
        problem = f'{OUR_FILE} is missing and no other netplan file is there: the network is not configured by netplan, or the file was lost'
    return {'file': OUR_FILE, 'exists': ours, 'others': others, 'problem': problem}


# ---- the new stanza of a change ------------------------------------------------------------------

def _without_capture(st):
    for k, v in CAPTURE.items():
        if k in st and st[k] == v and type(st[k]) is type(v):
            del st[k]


def new_stanza(old, mode, address=None, prefix=None, gateway=None, onlink=False, dns='', domain='',
               address6=None, gateway6=None):
    """The stanza after a change: old (its keys in their order) with only the keys the console
    manages for this mode replaced. IPv4: the IPv4 entries of addresses, dhcp4, dhcp4-overrides,
    the IPv4 default route and gateway4, nameservers' addresses and search. IPv6 (only when
    address6 is not None; '' removes): the IPv6 entries of addresses; the IPv6 default route and
    gateway6 (only when gateway6 is not None). Capture: every address and route, and the capture keys. Everything else is kept."""
    st = copy.deepcopy(old) if isinstance(old, dict) else {}
    was_capture = describe(st)['mode'] == 'capture' and bool(st)
    if mode == 'capture':
        for k in ('addresses', 'routes', 'gateway4', 'gateway6', 'nameservers', 'dhcp4-overrides', 'dhcp6-overrides'):
            st.pop(k, None)
        st.update(copy.deepcopy(CAPTURE))
        return st
    if was_capture:
        _without_capture(st)
    addrs = list(st.get('addresses') or [])
    routes = list(st.get('routes') or [])
    v6addrs = [a for a in addrs if is_v6(_addr_text(a))]
    routes = [r for r in routes if not is_default(r, False)]
    st.pop('gateway4', None)
    v4addrs = []
    if mode == 'static':
        st.pop('dhcp4', None)
        st.pop('dhcp4-overrides', None)
        v4addrs = [f'{address}/{prefix}']
    elif mode == 'dhcp':
        st['dhcp4'] = True
        ov = st.get('dhcp4-overrides') if isinstance(st.get('dhcp4-overrides'), dict) else {}
        st['dhcp4-overrides'] = {**ov, 'use-dns': True, 'use-domains': True}
    else:
        raise ValueError(f'unknown mode {mode}')
    new_routes = []
    if mode == 'static' and gateway:
        r = {'to': '0.0.0.0/0', 'via': gateway}
        if onlink:
            r['on-link'] = True
        new_routes.append(r)
    if address6 is not None:
        v6addrs = [address6] if address6 else []
    if gateway6 is not None:
        routes = [r for r in routes if not is_default(r, True)]
        st.pop('gateway6', None)
        if gateway6:
            new_routes.append({'to': '::/0', 'via': gateway6})
    addrs = v4addrs + v6addrs
    routes = new_routes + routes
    _set_or_drop(st, 'addresses', addrs)
    _set_or_drop(st, 'routes', routes)
    ns = dict(st.get('nameservers') or {}) if isinstance(st.get('nameservers'), dict) else {}
    if mode == 'static':
        _set_or_drop(ns, 'addresses', split_list(dns))
        _set_or_drop(ns, 'search', split_list(domain))
    else:
        ns.pop('addresses', None)
        ns.pop('search', None)
    _set_or_drop(st, 'nameservers', ns)
    return st


def _set_or_drop(d, key, value):
    if value:
        d[key] = value
    else:
        d.pop(key, None)


MANAGED = ('dhcp4', 'dhcp4-overrides', 'gateway4', 'gateway6', 'nameservers')


def kept(st, mode):
    """What a change to mode leaves as it was on the interface (st: the new stanza), one line
    each, for the review."""
    out = []
    for k, v in (st or {}).items():
        if k == 'addresses':
            out += [f'IPv6 address {_addr_text(a)}' for a in v or [] if is_v6(_addr_text(a))]
        elif k == 'routes':
            out += [f"route {r.get('to')}{' via ' + str(r.get('via')) if r.get('via') else ''}" for r in v or []
                    if isinstance(r, dict) and not is_default(r, False) and not is_default(r, True)]
        elif k not in MANAGED and k not in CAPTURE:
            out.append(f'{k}: {json.dumps(v, separators=(", ", ": "))}')
        elif k in CAPTURE and k != 'dhcp4' and mode != 'capture':
            out.append(f'{k}: {json.dumps(v)}')
    return out


def changed(old_eth, new_eth):
    """Names of the interfaces whose stanza differs (in file order, old first)."""
    return [name for name in dict.fromkeys(list(old_eth) + list(new_eth)) if old_eth.get(name) != new_eth.get(name)]


def devices(doc):
    """Every stanza of a netplan document by id, whatever its section (ethernets, bonds, vlans...),
    as (section, stanza): a change that moves a link between sections changes it too."""
    return {sid: (t, st) for _, t, sid, st in stanzas([(None, doc)])}
