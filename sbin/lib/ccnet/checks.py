"""The rules a requested network change must follow. A refused value raises Refused(field,
error): field is set_network.sh's option the value came from, error a sentence for the operator.
The console checks the same rules in src/rules/network.ts; test/system/rules-agree.test.ts
proves both give the same answers and values."""
import ipaddress
import re

from .model import configured_names, describe, kind_and_why, link_addrs, merged_stanza, split_list

IFNAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.:-]{0,14}$')
LABEL = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$')


class Refused(Exception):
    def __init__(self, field, error):
        super().__init__(error)
        self.field = field
        self.error = error


def parse_prefix(mask):
    """A network mask, dotted (contiguous) or a prefix length → the prefix length."""
    if mask is None or mask == '':
        raise Refused('netmask', 'the network mask is required (dotted like 255.255.255.0, or a prefix length like 24)')
    if re.fullmatch(r'/?[0-9]{1,2}', mask):  # a / goes with a prefix length only (/24, not /255.255.255.0)
        n = int(mask.lstrip('/'))
        if 1 <= n <= 32:
            return n
        raise Refused('netmask', f'prefix length {mask} is out of range (1-32)')
    if re.fullmatch(r'[0-9]{1,3}(\.[0-9]{1,3}){3}', mask):
        try:
            if re.search(r'(^|\.)0[0-9]', mask):  # refused by python 3.9.5 and later, not before
                raise ipaddress.AddressValueError(mask)
            v = int(ipaddress.IPv4Address(mask))
        except ipaddress.AddressValueError:
            raise Refused('netmask', f'{mask} is not a network mask (each part 0-255, no leading zeros)')
        inv = (~v) & 0xFFFFFFFF
        if v == 0 or (inv & (inv + 1)) != 0:
            raise Refused('netmask', f'{mask} is not a contiguous network mask (its 1 bits must come first, as in 255.255.255.0)')
        return 32 - inv.bit_length()
    raise Refused('netmask', f'{mask} is not a network mask (dotted like 255.255.255.0, or a prefix length like 24)')


def parse_v4(field, value, what):
    """A dotted IPv4 address without leading zeros."""
    if not re.fullmatch(r'[0-9]{1,3}(\.[0-9]{1,3}){3}', value or ''):
        raise Refused(field, f'{what} {value!r} is not an IPv4 address (like 192.0.2.10)')
    try:
        ip = ipaddress.IPv4Address(value)
    except ipaddress.AddressValueError:
        raise Refused(field, f'{what} {value} is not an IPv4 address (each part 0-255)')
    if re.search(r'(^|\.)0[0-9]', value):
        raise Refused(field, f'{what} {value} has a leading zero (ambiguous: write it without)')
    return ip


def check_address(addr, prefix):
    """An interface address: a host address of its network → the network."""
    if addr.is_loopback or addr.is_multicast or addr.is_unspecified or addr.is_reserved or addr.is_link_local or int(addr) >> 24 == 0:
        raise Refused('address', f'{addr} cannot be an interface address (loopback, multicast, link-local or reserved)')
    net = ipaddress.IPv4Network(f'{addr}/{prefix}', strict=False)
    if prefix <= 30:
        if addr == net.network_address:
            raise Refused('address', f'{addr} is the network address of {net}: choose a host address')
        if addr == net.broadcast_address:
            raise Refused('address', f'{addr} is the broadcast address of {net}: choose a host address')
    return net


def check_address_free(iface, addr, eth, links, field='address'):
    """Not the address of another interface, in the YAML (eth: name → merged stanza) or live."""
    for name, st in eth.items():
        if name == iface:
            continue
        d = describe(st)
        if str(addr) in (d['address'], d['address6']):
            raise Refused(field, f'{addr} is already the address of {name}')
    for l in links:
        if l.get('ifname') in (iface,):
            continue
        for c in link_addrs(l):
            if ipaddress.ip_address(c.split('/')[0]) == addr:
                raise Refused(field, f'{addr} is already in use on {l.get("ifname")}')


def check_gateway(gateway, addr, prefix, net, allow_offsubnet):
    """The default gateway → (address, on-link): in the subnet, or on-link when allowed."""
    gw = parse_v4('gateway', gateway, 'gateway')
    onlink = False
    if gw == addr:
        raise Refused('gateway', f'the gateway {gw} is the appliance\'s own address')
    if gw not in net:
        if not allow_offsubnet:
            raise Refused('gateway', f'the gateway {gw} is outside the subnet {net} (use --allow-offsubnet-gateway if it is really reachable on this link)')
        onlink = True
    elif prefix <= 30 and gw in (net.network_address, net.broadcast_address):
        raise Refused('gateway', f'the gateway {gw} is the network or broadcast address of {net}')
    return gw, onlink


def is_nowhere(ip):
    """An address nothing answers at, as the console's isNowhere says: IPv4 0.0.0.0/8 ("this
    network", RFC 1122 §3.2.1.3: a source only) and 224.0.0.0/3 (multicast, reserved, broadcast);
    IPv6 :: and ff00::/8. From the address's bits: ipaddress's is_* of IPv4-mapped IPv6 addresses
    changed in python 3.13."""
    n = int(ip)
    if ip.version == 4:
        return n >> 24 == 0 or n >> 24 >= 224
    return n == 0 or n >> 120 == 0xFF


def check_dns(value):
    """Up to 3 DNS servers, IP addresses in plain form that something answers at."""
    dns = split_list(value)
    if len(dns) > 3:
        raise Refused('dns', f'at most 3 DNS servers (got {len(dns)})')
    for d in dns:
        try:
            ip = ipaddress.ip_address(d)
        except ValueError:
            raise Refused('dns', f'DNS server {d!r} is not an IP address')
        if is_nowhere(ip):
            raise Refused('dns', f'DNS server {d!r} is not a server address (unspecified, broadcast or multicast)')
        # a leading zero is ambiguous in a dotted quad only (octal to some tools, RFC 6943 §3.1.1):
        # in an IPv6 group it is plain hex (0123::1, RFC 4291 §2.2)
        dotted = d.rsplit(':', 1)[-1]
        if not re.fullmatch(r'[0-9A-Fa-f:.]+', d) or ('.' in dotted and re.search(r'(^|\.)0[0-9]', dotted)):
            raise Refused('dns', f'DNS server {d!r} is not an IP address in plain form')
    return dns


def check_domains(value):
    """Up to 6 search domains (RFC 1123 labels) → in lower case (names are case-insensitive, RFC
    4343), as the console writes them."""
    search = split_list(value)
    if len(search) > 6:
        raise Refused('domain', f'at most 6 search domains (got {len(search)})')
    for s in search:
        h = s[:-1] if s.endswith('.') else s
        if not h or len(s) > 253 or re.fullmatch(r'[0-9.]+', h) or not all(LABEL.fullmatch(x) for x in h.split('.')):
            raise Refused('domain', f'search domain {s!r} is not a valid domain name (letters, digits, hyphens; dot-separated labels)')
    return [s.lower() for s in search]


def check_static(iface, address, netmask, gateway, dns, domain, allow_offsubnet, eth, links):
    addr = parse_v4('address', address, 'address')
    prefix = parse_prefix(netmask)
    net = check_address(addr, prefix)
    gw, onlink = check_gateway(gateway, addr, prefix, net, allow_offsubnet) if gateway else (None, False)
    check_address_free(iface, addr, eth, links)
    return {'address': str(addr), 'prefix': prefix, 'gateway': str(gw) if gw else None, 'onlink': onlink,
            'dns': check_dns(dns), 'search': check_domains(domain)}


def parse_v6_cidr(value):
    """A static IPv6 interface address with its prefix length (2001:db8::5/64) → (address,
    prefix). Refuses a missing or out-of-range prefix (1-128), and addresses no interface may
    have: unspecified, loopback, multicast, link-local (fe80::/10: the kernel makes one on every
    link), IPv4-mapped (RFC 4291 §2.5)."""
    m = re.fullmatch(r'([0-9A-Fa-f:.]+)/([0-9]{1,3})', value or '')
    if not m:
        raise Refused('address6', f'{value!r} is not an IPv6 address with its prefix length (like 2001:db8::5/64)')
    try:
        ip = ipaddress.IPv6Address(m.group(1))
    except ipaddress.AddressValueError:
        raise Refused('address6', f'{m.group(1)!r} is not an IPv6 address')
    if '.' in m.group(1):
        raise Refused('address6', f'{m.group(1)} is not an IPv6 interface address (an embedded IPv4 form)')
    n = int(m.group(2))
    if not 1 <= n <= 128 or m.group(2) != str(n):
        raise Refused('address6', f'prefix length /{m.group(2)} is out of range (1-128)')
    if ip.is_unspecified or ip.is_loopback or ip.is_multicast or ip.is_link_local or int(ip) >> 32 == 0xFFFF:
        raise Refused('address6', f'{ip} cannot be an interface address (unspecified, loopback, multicast, link-local or IPv4-mapped)')
    return ip, n


def check_gateway6(gateway6, addr6, prefix6):
    """The IPv6 default gateway: a router on the link, so inside the prefix of the static
    address, or link-local (fe80::/10, what routers announce: RFC 4861 §4.2). Not the
    address itself, nor unspecified, loopback or multicast."""
    try:
        gw = ipaddress.IPv6Address(gateway6 or '')
    except ipaddress.AddressValueError:
        raise Refused('gateway6', f'the IPv6 gateway {gateway6!r} is not an IPv6 address')
    if '.' in gateway6 or gw.is_unspecified or gw.is_loopback or gw.is_multicast:
        raise Refused('gateway6', f'the IPv6 gateway {gateway6} is not a router address')
    if addr6 is not None and gw == addr6:
        raise Refused('gateway6', f'the IPv6 gateway {gw} is the appliance\'s own address')
    if gw.is_link_local:
        return gw
    if addr6 is None:
        raise Refused('gateway6', f'the IPv6 gateway {gw} is not on the link: give a link-local gateway (fe80::...) or a static IPv6 address in its subnet')
    net = ipaddress.IPv6Network(f'{addr6}/{prefix6}', strict=False)
    if gw not in net:
        raise Refused('gateway6', f'the IPv6 gateway {gw} is outside {net} and not link-local (fe80::/10)')
    return gw


def check_static6(address6, gateway6):
    """The optional IPv6 part of a change → (address/prefix or '', gateway or '')."""
    addr6, prefix6 = parse_v6_cidr(address6) if address6 else (None, None)
    gw = check_gateway6(gateway6, addr6, prefix6) if gateway6 else None
    return (f'{addr6}/{prefix6}' if addr6 else ''), (str(gw) if gw else '')


def check_capture(iface, eth, links, ssh_local):
    """Another management interface remains, and the operator's session does not come in here."""
    mgmt = [n for n, st in eth.items() if describe(st)['mode'] in ('static', 'dhcp', 'ipv6') and n != iface]
    if not mgmt:
        raise Refused('interface', f'{iface} is the last management interface: the appliance would be unreachable as a capture-only box')
    if ssh_local:
        for l in links:
            if l.get('ifname') == iface and any(ipaddress.ip_address(c.split('/')[0]) == ipaddress.ip_address(ssh_local) for c in link_addrs(l)):
                raise Refused('interface', f'you are connected through {iface} ({ssh_local}): making it a capture interface would cut your session')


def view(files, links):
    """Every interface → its merged stanza (None when no file configures it)."""
    names = [l.get('ifname') for l in links if l.get('ifname') != 'lo']
    macs = {l.get('ifname'): l.get('address') for l in links}
    return {n: merged_stanza(files, n, macs.get(n)) for n in dict.fromkeys(names + configured_names(files))}


def _seen(files, links, name, port_kinds=()):
    """What the netplan files and the live links say of the interface name (refuses nothing) →
    (topo, sec, kind, why): their links.Topology, the section defining it (Topology.section_of,
    None when none), its kind, and why the console does not configure it (model.kind_and_why,
    None when it does). The start of validate, validate_bond_set and validate_vlan."""
    from .links import Topology
    topo = Topology(files, links)
    link = next((l for l in links if l.get('ifname') == name), None)
    return (topo, topo.section_of(name), *kind_and_why(name, link, topo, port_kinds))


def validate(files, links, iface, mode, address=None, netmask=None, gateway=None, dns='', domain='',
             allow_offsubnet=False, ssh_local=None, address6=None, gateway6=None, port_kinds=()):
    """A requested change of one interface → what it will be ({mode, address, prefix, ...}).
    files: the netplan files (model.netplan_files), what netplan merges."""
    names = [l.get('ifname') for l in links if l.get('ifname') != 'lo']
    if not IFNAME.fullmatch(iface or ''):
        raise Refused('interface', f'{iface!r} is not an interface name')
    topo, sec, _, why = _seen(files, links, iface, port_kinds)
    if iface not in names and not (sec and sec[0] in ('bonds', 'vlans')):
        raise Refused('interface', f'no interface {iface} on this appliance (there are: {", ".join(names) or "none"})')
    if why:
        raise Refused('interface', f'{iface} is {why}: the console configures Ethernet ports, bonds and VLANs only (it is left as it is)')
    facts = topo.facts(iface)
    if facts['member_of']:
        raise Refused('interface', f"{iface} is a member of {facts['member_of_kind']} {facts['member_of']}: its addressing is {facts['member_of']}'s (configure {facts['member_of']})")
    if mode == 'capture' and facts['on_top']:
        top = ', '.join(f"{t['name']} ({'VLAN' if t['kind'] == 'vlan' else 'SR-IOV function'})" for t in facts['on_top'])
        raise Refused('interface', f"{top} sits on {iface}: a capture interface carries no VLAN or SR-IOV function (delete it first)")
    if mode == 'capture' and sec and sec[0] == 'vlans':
        raise Refused('interface', f'{iface} is a VLAN: capture on its parent {facts["parent"]} (a capture interface sees every VLAN)')
    eth = view(files, links)
    res = {'mode': mode}
    if mode == 'static':
        res.update(check_static(iface, address, netmask, gateway, dns, domain, allow_offsubnet, eth, links))
    elif mode == 'capture':
        check_capture(iface, eth, links, ssh_local)
    if mode in ('static', 'dhcp') and (address6 is not None or gateway6 is not None):
        # a gateway alone is checked against the static IPv6 address the interface keeps
        cur = describe(eth.get(iface))
        a6, g6 = check_static6(address6 if address6 is not None else (f"{cur['address6']}/{cur['prefix6']}" if cur['address6'] else ''), gateway6)
        if address6 is not None:
            if a6:
                check_address_free(iface, ipaddress.ip_interface(a6).ip, eth, links, 'address6')
            res['address6'] = a6
        if gateway6 is not None:
            res['gateway6'] = g6
    return res


# ---- bonds and VLANs (twins: src/rules/links.ts; rules-agree.test.ts fuzzes both) --------------

# netplan's bond modes (netplan(5) "Properties for device type bonds: mode"; netplan refuses others:
# "unknown bond mode")
BOND_MODES = ('balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb')
# the modes with a primary member (the kernel's bonding.rst: "primary ... only valid for
# active-backup(1), balance-tlb (5) and balance-alb (6) mode")
PRIMARY_MODES = ('active-backup', 'balance-tlb', 'balance-alb')
LACP_RATES = ('slow', 'fast')


def check_link_name(field, name, what):
    """A bond's or VLAN's name: an interface name of at most 15 characters (IFNAMSIZ)."""
    if not IFNAME.fullmatch(name or '') or ':' in name:
        raise Refused(field, f'{what} {name!r} is not an interface name (letters, digits, "_", "-", "."; 1-15 characters)')
    return name


def check_bond(name, members, mode, primary='', lacp_rate=''):
    """A bond's name, members (comma or space separated), mode and parameters, as netplan and the
    kernel take them → (name, [members], mode, primary or '', lacp rate or ''). Refuses an
    unknown mode, no member or one named twice, a primary that is no member or in a mode without
    one, a LACP rate outside 802.3ad (the only mode that speaks LACP)."""
    check_link_name('name', name, 'the bond name')
    mem = split_list(members)
    if not mem:
        raise Refused('members', 'a bond needs at least one member (e.g. eth1,eth2)')
    for m in mem:
        check_link_name('members', m, 'member')
    if len(set(mem)) != len(mem):
        raise Refused('members', 'a member is named twice')
    if name in mem:
        raise Refused('members', f'{name} cannot be a member of itself')
    if mode not in BOND_MODES:
        raise Refused('bond-mode', f'{mode!r} is not a bond mode (one of {", ".join(BOND_MODES)})')
    if primary:
        if mode not in PRIMARY_MODES:
            raise Refused('primary', f'a primary member is for {", ".join(PRIMARY_MODES)} only, not {mode}')
        if primary not in mem:
            raise Refused('primary', f'the primary {primary!r} is not one of the members ({", ".join(mem)})')
    if lacp_rate:
        if lacp_rate not in LACP_RATES:
            raise Refused('lacp-rate', f'the LACP rate {lacp_rate!r} is slow or fast')
        if mode != '802.3ad':
            raise Refused('lacp-rate', f'a LACP rate is for mode 802.3ad only, not {mode}')
    return name, mem, mode, primary or '', lacp_rate or ''


def check_vlan_id(value):
    """A VLAN id: 1-4094 in plain digits (0 is priority tagging, 4095 reserved: IEEE 802.1Q;
    netplan refuses more than 4094)."""
    if not re.fullmatch(r'[1-9][0-9]{0,3}', value or '') or not 1 <= int(value) <= 4094:
        raise Refused('id', f'VLAN id {value!r} is not 1-4094')
    return int(value)


def _session_on(links, names, ssh_local):
    """The link among names whose addresses carry the operator's session (None: none)."""
    if not ssh_local:
        return None
    me = ipaddress.ip_address(ssh_local)
    for l in links:
        if l.get('ifname') in names and any(ipaddress.ip_address(c.split('/')[0]) == me for c in link_addrs(l)):
            return l.get('ifname')
    return None


def _addressing(name, mode, links, files, skip, address=None, netmask=None, gateway=None, dns='', domain='', allow_offsubnet=False,
                address6=None, gateway6=None):
    """The addressing of a new bond or VLAN, checked as set's (the members' own addresses are
    free: the bond takes them over)."""
    eth = {n: st for n, st in view(files, links).items() if n not in skip}
    others = [l for l in links if l.get('ifname') not in skip]
    res = {'mode': mode}
    if mode == 'static':
        res.update(check_static(name, address, netmask, gateway, dns, domain, allow_offsubnet, eth, others))
    if mode in ('static', 'dhcp') and (address6 or gateway6):
        a6, g6 = check_static6(address6 or '', gateway6 or '')
        if a6:
            check_address_free(name, ipaddress.ip_interface(a6).ip, eth, others, 'address6')
        res['address6'], res['gateway6'] = a6, g6
    return res


def _whole_match(topo, name, chosen, field, what):
    """Refuses link name when a match: stanza configures it together with links not chosen:
    netplan names a bond's members and a VLAN's link by netplan id, so every link the stanza
    matches would join the bond (or carry the VLAN), not name alone."""
    from .links import match_text
    sec = topo.section_of(name)
    if sec and isinstance(sec[2].get('match'), dict):
        others = [n for n in topo.names_of.get(sec[1], []) if n not in chosen]
        if others:
            raise Refused(field, f"{name} is configured by {sec[1]} (match: {match_text(sec[2])}), which also configures {', '.join(others)}: "
                                 f"netplan would {what} all of them (choose them all, or give {name} a stanza of its own first)")


def _defined_before_ours(files, sec, link):
    """Refuses a VLAN parent only a file netplan reads after ours defines (cloud-init's moves into
    ours with the VLAN, plan._take_along): netplan needs it defined in the same or an earlier file
    and would refuse the VLAN ("interface ... is not defined")."""
    import os
    from .model import CLOUD_INIT_FILE, OUR_FILE, stanzas
    if not sec:
        return
    rels = [rel for rel, _, sid, _ in stanzas(files) if sid == sec[1]]
    late = [rel for rel in rels if rel != CLOUD_INIT_FILE and os.path.basename(rel) > os.path.basename(OUR_FILE)]
    if rels and len(late) == len(rels):
        raise Refused('link', f'{link} is defined in {late[0]}, which netplan reads after {OUR_FILE}: a VLAN in {OUR_FILE} cannot name it '
                              f'(netplan: "interface {sec[1]} is not defined"); define {link} in {OUR_FILE} first, or add the VLAN to {late[0]} by hand')


def _new_name(topo, links, name):
    if name in [l.get('ifname') for l in links] or topo.section_of(name):
        raise Refused('name', f'{name} already exists: choose another name')


def _check_members(topo, links, joining, chosen, port_kinds, bond=None):
    """Refuses a link joining a bond (create and change alike): no such interface, not an
    Ethernet port the console configures, a member of another bond, carrying a VLAN, or one of
    several links a match: stanza configures (chosen: every member the bond will have)."""
    byname = {l.get('ifname'): l for l in links}
    for m in joining:
        if m not in byname:
            raise Refused('members', f'no interface {m} on this appliance')
        kind, why = kind_and_why(m, byname[m], topo, port_kinds)
        if kind != 'ethernet' or why and not topo.facts(m)['member_of']:
            raise Refused('members', f'{m} is {why or "a " + kind}: only Ethernet ports can be bond members')
        f = topo.facts(m)
        if f['member_of'] and f['member_of'] != bond:
            raise Refused('members', f"{m} is already a member of {f['member_of']}")
        if f['on_top']:
            raise Refused('members', f"{', '.join(t['name'] for t in f['on_top'])} sits on {m}: delete it first")
        _whole_match(topo, m, chosen, 'members', 'make members of the bond')


def _keeps_session(links, joining, ssh_local, res):
    """Refuses enslaving the port the operator's session comes in on unless the bond keeps that
    very address (res: the bond's addressing as describe/_addressing give it: its static IPv4
    address, or its static IPv6 address/prefix)."""
    me = _session_on(links, joining, ssh_local)
    if not me:
        return
    ip = ipaddress.ip_address(ssh_local)
    a6 = res.get('address6') or ''
    kept = res.get('mode') == 'static' and res.get('address') == str(ip) if ip.version == 4 else bool(a6) and ipaddress.ip_interface(a6).ip == ip
    if not kept:
        how = f'--static --address {ip}' if ip.version == 4 else f'--address6 {ip}/PREFIX'
        raise Refused('members', f'you are connected through {me} ({ssh_local}): enslaving it would cut your session unless the bond '
                                 f'keeps that address (give the bond {how})')


def _not_last_management(files, links, joining, gone):
    """Refuses enslaving (to a bond without an address) the links that carry the last management
    interface; gone: every link that stops being one (the joining ports)."""
    eth = view(files, links)
    managing = {n for n, st in eth.items() if describe(st)['mode'] in ('static', 'dhcp', 'ipv6')}
    if not managing - set(gone):
        # named: the joining ports that manage (a capture port joining with them is no part of it)
        last = [n for n in joining if n in managing] or list(joining)
        said = f'{last[0]} is the last management interface' if len(last) == 1 else f'{", ".join(last)} are the last management interfaces'
        raise Refused('members', f'{said}: in a bond without an address the appliance would be unreachable')


def validate_bond(files, links, name, members, bond_mode, primary='', lacp_rate='', mode='none', ssh_local=None, port_kinds=(), **addr):
    """A new bond → {name, members, bond_mode, primary, lacp_rate, mode, address...}. Each member
    is an Ethernet port the console configures, in no other bond and carrying no VLAN; the bond
    never strands the operator: the port the session comes in on may be enslaved only when the
    bond takes over that very address (static), and a capture bond leaves a management interface."""
    from .links import Topology
    name, mem, bond_mode, primary, lacp_rate = check_bond(name, members, bond_mode, primary, lacp_rate)
    topo = Topology(files, links)
    _new_name(topo, links, name)
    _check_members(topo, links, mem, mem, port_kinds)
    if mode not in ('static', 'dhcp', 'capture', 'none'):
        raise Refused('mode', f'unknown addressing {mode}')
    res = _addressing(name, mode, links, files, set(mem), **addr)
    _keeps_session(links, mem, ssh_local, res)
    if mode in ('capture', 'none'):
        _not_last_management(files, links, mem, mem)
    res.update({'name': name, 'members': mem, 'bond_mode': bond_mode, 'primary': primary, 'lacp_rate': lacp_rate})
    return res


# the bond parameters of netplan(5) that apply to some modes only (the kernel's bonding.rst for
# each option); a mode change drops those the new mode does not take. Those not listed apply to
# every mode (mii-monitor-interval, up-delay, down-delay, all-slaves-active, resend-igmp...).
# Twin: src/rules/links.ts BOND_MODE_PARAMS, paramsNotFor (rules-agree.test.ts).
MODE_PARAMS = {
    'primary': PRIMARY_MODES,
    'primary-reselect-policy': PRIMARY_MODES,
    'lacp-rate': ('802.3ad',),
    'ad-select': ('802.3ad',),
    'min-links': ('802.3ad',),
    'transmit-hash-policy': ('balance-xor', '802.3ad', 'balance-tlb'),
    'packets-per-slave': ('balance-rr',),
    'fail-over-mac-policy': ('active-backup',),
    'gratuitous-arp': ('active-backup',),
    'learn-packet-interval': ('balance-tlb', 'balance-alb'),
    # ARP monitoring: not with 802.3ad, balance-tlb, balance-alb (bonding.rst, arp_interval)
    'arp-interval': ('balance-rr', 'active-backup', 'balance-xor', 'broadcast'),
    'arp-ip-targets': ('balance-rr', 'active-backup', 'balance-xor', 'broadcast'),
    'arp-validate': ('balance-rr', 'active-backup', 'balance-xor', 'broadcast'),
    'arp-all-targets': ('balance-rr', 'active-backup', 'balance-xor', 'broadcast'),
}


def params_not_for(params, mode):
    """The keys of a bond's parameters (a mapping) that mode does not take (MODE_PARAMS); refuses
    a mode that is not netplan's."""
    if mode not in BOND_MODES:
        raise Refused('bond-mode', f'{mode!r} is not a bond mode (one of {", ".join(BOND_MODES)})')
    return [k for k in params if k in MODE_PARAMS and mode not in MODE_PARAMS[k]]


def validate_bond_set(files, links, name, members=None, bond_mode=None, primary=None, lacp_rate=None, ssh_local=None, port_kinds=()):
    """A change of an existing bond's mode, parameters or members (None: not given, kept as it is;
    primary or lacp_rate '': removed) → {name, members, added, removed, bond_mode, primary,
    lacp_rate, dropped (parameters the new mode does not take), mode: 'keep'}. The result is
    checked by check_bond (the rules of create); a member that joins is refused as create refuses
    it (_check_members, _keeps_session with the bond's own address, _not_last_management). A
    bond another file or renderer owns is refused later, by plan.Change.take."""
    check_link_name('interface', name, 'the bond name')
    topo, sec, _, why = _seen(files, links, name, port_kinds)
    if not sec or sec[0] != 'bonds':
        raise Refused('interface', f'{name} is no bond defined in the netplan files')
    if why:
        raise Refused('interface', f'{name} is {why}')
    f = topo.facts(name)
    params = sec[2].get('parameters') if isinstance(sec[2].get('parameters'), dict) else {}
    first = lambda sid: (topo.names_of.get(str(sid)) or [str(sid)])[0]  # noqa: E731 (a netplan id → its link)
    old_mem = list(f['members'])
    mode = bond_mode if bond_mode is not None else str(params.get('mode') or 'balance-rr')
    want = members if members is not None else ','.join(old_mem)
    # given, or kept when the new mode takes it (else dropped, and the review says so)
    keep = lambda key, given: given if given is not None else str(params[key]) if key in params and not params_not_for({key: 1}, mode) else ''  # noqa: E731
    prim = keep('primary', None if primary is None else primary)
    if primary is None and prim:
        prim = first(prim)
    name, mem, mode, prim, lacp = check_bond(name, want, mode, prim, keep('lacp-rate', lacp_rate))
    added = [m for m in mem if m not in old_mem]
    removed = [m for m in old_mem if m not in mem]
    _check_members(topo, links, added, mem, port_kinds, bond=name)
    d = describe(merged_stanza(files, name, None))
    _keeps_session(links, added, ssh_local, {'mode': d['mode'], 'address': d['address'],
                                             'address6': f"{d['address6']}/{d['prefix6']}" if d['address6'] else ''})
    if added and d['mode'] not in ('static', 'dhcp', 'ipv6'):
        _not_last_management(files, links, added, added)
    return {'name': name, 'mode': 'keep', 'members': mem, 'added': added, 'removed': removed, 'bond_mode': mode,
            'primary': prim, 'lacp_rate': lacp, 'dropped': params_not_for(params, mode)}


def validate_vlan(files, links, link, vid, name='', mode='static', port_kinds=(), **addr):
    """A new VLAN → {name (vlanID when not given), link, link_id (the parent's netplan id),
    add_parent (a port netplan does not define yet), id, mode, address...}. The parent is an
    Ethernet port or a bond the console configures, not a bond member; one VLAN per id and parent."""
    vid = check_vlan_id(vid)
    name = check_link_name('name', name or f'vlan{vid}', 'the VLAN name')
    topo, sec, kind, why = _seen(files, links, link, port_kinds)
    _new_name(topo, links, name)
    if not IFNAME.fullmatch(link or ''):
        raise Refused('link', f'{link!r} is not an interface name')
    if not sec and not any(l.get('ifname') == link for l in links):
        raise Refused('link', f'no interface {link} on this appliance')
    f = topo.facts(link)
    if f['member_of']:
        raise Refused('link', f"{link} is a member of {f['member_of']}: put the VLAN on {f['member_of']}")
    if why or kind not in ('ethernet', 'bond'):
        raise Refused('link', f'{link} is {why or "a " + kind}: a VLAN goes on an Ethernet port or a bond')
    _whole_match(topo, link, [link], 'link', 'put the VLAN on')
    _defined_before_ours(files, sec, link)
    for (t, sid), st in topo.defs.items():
        if t == 'vlans' and str(st.get('id')) == str(vid) and topo.names_of.get(str(st.get('link')), [str(st.get('link'))])[:1] == [link]:
            raise Refused('id', f'VLAN {vid} is already on {link} ({sid})')
    if mode not in ('static', 'dhcp', 'none'):
        raise Refused('mode', 'a VLAN is a management link (static or DHCP): capture on its parent, which sees every VLAN')
    res = _addressing(name, mode, links, files, set(), **addr)
    res.update({'name': name, 'link': link, 'link_id': sec[1] if sec else link, 'add_parent': None if sec else link, 'id': vid})
    return res


def validate_delete(files, links, name, our_text, ssh_local=None):
    """A bond or VLAN to delete → {name, section}: only one the console created (its mark in our
    file), carrying no VLAN, not the operator's session, not the last management interface."""
    from .links import Topology, owned
    from .model import OUR_FILE
    if not IFNAME.fullmatch(name or ''):
        raise Refused('interface', f'{name!r} is not an interface name')
    topo = Topology(files, links)
    sec = topo.section_of(name)
    if not sec or sec[0] not in ('bonds', 'vlans'):
        raise Refused('interface', f'{name} is no bond or VLAN defined in the netplan files: only those the console created can be deleted')
    if (sec[0], sec[1]) not in owned(our_text):
        raise Refused('interface', f'{name} was not created by the console (no mark in {OUR_FILE}): it is left as it is; remove it by hand if you must')
    f = topo.facts(name)
    if f['on_top']:
        raise Refused('interface', f"{', '.join(t['name'] for t in f['on_top'])} sits on {name}: delete it first")
    me = _session_on(links, [name], ssh_local)
    if me:
        raise Refused('interface', f'you are connected through {name} ({ssh_local}): deleting it would cut your session')
    eth = view(files, links)
    mgmt = [n for n, st in eth.items() if describe(st)['mode'] in ('static', 'dhcp', 'ipv6')]
    if mgmt == [name]:
        raise Refused('interface', f'{name} is the last management interface: the appliance would be unreachable')
    return {'name': name, 'mode': 'none', 'section': sec[0], 'members': f['members'] if sec[0] == 'bonds' else []}
