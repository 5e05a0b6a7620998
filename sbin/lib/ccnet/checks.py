"""The rules a requested network change must follow. A refused value raises Refused(field,
error): field is set_network.sh's option the value came from, error a sentence for the operator.
The console checks the same rules in src/rules/network.ts; test/system/rules-agree.test.ts
proves both give the same answers and values."""
import ipaddress
import re

from .model import describe, link_addrs, role_of, split_list

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


def check_address_free(iface, addr, eth, links):
    """Not the address of another interface, in the YAML or live."""
    for name, st in eth.items():
        if name == iface:
            continue
        if describe(st)['address'] == str(addr):
            raise Refused('address', f'{addr} is already the address of {name}')
    for l in links:
        if l.get('ifname') in (iface,):
            continue
        for c in link_addrs(l):
            if c.split('/')[0] == str(addr):
                raise Refused('address', f'{addr} is already in use on {l.get("ifname")}')


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


def validate(eth, links, iface, mode, address=None, netmask=None, gateway=None, dns='', domain='',
             allow_offsubnet=False, ssh_local=None):
    """A requested change of one interface → what it will be ({mode, address, prefix, ...})."""
    names = [l.get('ifname') for l in links if l.get('ifname') != 'lo']
    if not IFNAME.fullmatch(iface or ''):
        raise Refused('interface', f'{iface!r} is not an interface name')
    if iface not in names:
        raise Refused('interface', f'no interface {iface} on this appliance (there are: {", ".join(names) or "none"})')
    res = {'mode': mode}
    if mode == 'static':
        res.update(check_static(iface, address, netmask, gateway, dns, domain, allow_offsubnet, eth, links))
    elif mode == 'capture':
        mgmt = [n for n, st in eth.items() if role_of(st) == 'management' and n != iface]
        if not mgmt:
            raise Refused('interface', f'{iface} is the last management interface: the appliance would be unreachable as a capture-only box')
        if ssh_local:
            for l in links:
                if l.get('ifname') == iface and any(c.split('/')[0] == ssh_local for c in link_addrs(l)):
                    raise Refused('interface', f'you are connected through {iface} ({ssh_local}): making it a capture interface would cut your session')
    return res
