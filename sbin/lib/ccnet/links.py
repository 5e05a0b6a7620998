"""What each link is, from netplan's merged configuration and the kernel: its kind (ethernet,
bond, vlan, bridge, tunnel, wifi, ...), its members or parent, what uses it (a bond it belongs
to, VLANs and SR-IOV functions on top of it), the match: stanzas that configure it, and whether
the console created it (an ownership mark in our file, so only what we made is deleted).

netplan(5): bonds and bridges list their members under `interfaces:` (netplan ids); a VLAN names
its parent under `link:` with `id:`; an SR-IOV virtual function is an ethernets stanza with
`link:` naming its physical function (which may say `virtual-function-count:`)."""
import fnmatch
import json
import re

# a netplan section → the kind of link it defines
SECTION_KIND = {'ethernets': 'ethernet', 'bonds': 'bond', 'bridges': 'bridge', 'vlans': 'vlan', 'wifis': 'wifi',
                'tunnels': 'tunnel', 'modems': 'modem', 'vrfs': 'vrf', 'dummy-devices': 'dummy',
                'virtual-ethernets': 'veth', 'nm-devices': 'nm-device'}
# the kinds the console configures (addressing; bonds and VLANs also created and deleted)
CONFIGURED = ('ethernet', 'bond', 'vlan')
# why a kind defined in netplan is listed read-only
READ_ONLY = {
    'bridge': 'a bridge: the console does not configure bridges (its netplan file is kept as it is)',
    'tunnel': 'a tunnel: the console does not configure tunnels (its netplan file is kept as it is)',
    'wireguard': 'a WireGuard tunnel: the console does not configure tunnels (its netplan file is kept as it is)',
    'wifi': 'a wireless link: the console does not configure wifi (its netplan file is kept as it is)',
    'modem': 'a modem: the console does not configure modems (its netplan file is kept as it is)',
    'vrf': 'a VRF: the console does not configure VRFs (its netplan file is kept as it is)',
    'dummy': 'a dummy device: the console does not configure it (its netplan file is kept as it is)',
    'veth': 'a virtual Ethernet pair: the console does not configure it (its netplan file is kept as it is)',
    'nm-device': 'a NetworkManager device: the console does not configure it (its netplan file is kept as it is)',
}
# the mark of a bond or VLAN the console created, one comment line in our file per device
OWN_MARK = re.compile(r'^# confconsole created: (bonds|vlans)/(\S+)$', re.M)


def own_mark(section, name):
    return f'# confconsole created: {section}/{name}\n'


def owned(our_text):
    """{(section, name)} the console created, from the marks in our file's text."""
    return set(OWN_MARK.findall(our_text or ''))


# what a port had of its own (its addressing) when a bond took it, one comment line per member in
# our file, so that it gets it back when it leaves the bond (network bond set)
MEMBER_MARK = re.compile(r'^# confconsole bond member: (\S+)/(\S+) had: (\{.*\})\n', re.M)


def member_mark(bond, member, keys):
    return f'# confconsole bond member: {bond}/{member} had: {json.dumps(keys, separators=(",", ":"), default=str)}\n'


def member_marks(our_text):
    """{(bond, member): (the mark's line, the keys the member had)} from our file's text (a
    damaged mark is ignored: the member is then an address-less port)."""
    out = {}
    for m in MEMBER_MARK.finditer(our_text or ''):
        try:
            keys = json.loads(m.group(3))
        except ValueError:
            continue
        if isinstance(keys, dict):
            out[(m.group(1), m.group(2))] = (m.group(0), keys)
    return out


def definitions(files):
    """Every stanza by (section, id), merged across files as netplan merges them, in file order."""
    from .model import merge, stanzas
    out = {}
    for _, t, sid, st in stanzas(files):
        out[(t, sid)] = merge(out.get((t, sid), {}), st if isinstance(st, dict) else {})
    return out


def _matches(st, name, link):
    m = st.get('match')
    if not isinstance(m, dict):
        return False
    if 'name' in m and not fnmatch.fnmatchcase(name, str(m['name'])):
        return False
    mac = (link or {}).get('address')
    if 'macaddress' in m and (not mac or str(m['macaddress']).lower() != mac.lower()):
        return False
    drv = ((link or {}).get('sys') or {}).get('driver')
    drivers = _list(m['driver']) if isinstance(m.get('driver'), list) else [str(m.get('driver'))]
    if 'driver' in m and (not drv or not any(fnmatch.fnmatchcase(drv, d) for d in drivers)):
        return False
    return bool(m.get('name') or m.get('macaddress') or m.get('driver'))


def _list(v):
    """A YAML list as a list of its texts ([] for anything else: a hand-damaged file is shown, not crashed on)."""
    return [str(x) for x in v] if isinstance(v, list) else []


def match_text(st):
    m = st.get('match') or {}
    return ', '.join(f'{k} {v}' for k, v in m.items())


class Topology:
    """The links netplan defines and how they hang together, with the live links."""

    def __init__(self, files, links):
        from .model import present_macs
        self.defs = definitions(files)
        self.links = {l.get('ifname'): l for l in links if l.get('ifname')}
        # a netplan id → the live names it stands for (itself, or what its match: matches)
        self.names_of = {}
        # a name set-name gives → the MAC its match: names (the link's MAC once renamed)
        self.mac_of = {}
        # the match: stanzas naming a MAC no link has (a cloned machine's): they configure no
        # present link (the fresh-MACs review's stale, model.present_macs)
        present = present_macs(links)
        self.stale = set()
        for (t, sid), st in self.defs.items():
            if isinstance(st.get('match'), dict):
                live = [n for n, l in self.links.items() if n != 'lo' and _matches(st, n, l)]
                mac = st['match'].get('macaddress')
                if mac is not None and str(mac).strip().lower() not in present:
                    self.stale.add(sid)
                # set-name: the link is renamed to it (then known by that name). A stale stanza's
                # NIC is absent, listed by that name as such, unless a present link has the name:
                # that link is another NIC (its MAC is not the stanza's), never configured by it
                if st.get('set-name') and str(st['set-name']) not in live and not (sid in self.stale and str(st['set-name']) in self.links):
                    live.append(str(st['set-name']))
                if st.get('set-name') and st['match'].get('macaddress'):
                    self.mac_of[str(st['set-name'])] = str(st['match']['macaddress']).lower()
                self.names_of[sid] = live
            else:
                self.names_of.setdefault(sid, [sid])
        self.master, self.members, self.parent, self.children = {}, {}, {}, {}
        for (t, sid), st in self.defs.items():
            if t in ('bonds', 'bridges', 'vrfs'):
                mem = [n for m in _list(st.get('interfaces')) for n in self.names_of.get(m, [m])]
                self.members[sid] = mem
                for n in mem:
                    self.master[n] = (SECTION_KIND[t], sid)
            if t in ('vlans', 'ethernets') and isinstance(st.get('link'), (str, int)):
                par = self.names_of.get(str(st['link']), [str(st['link'])])
                for n in self.names_of.get(sid, [sid]):
                    self.parent[n] = par[0] if par else str(st['link'])
                for p in par:
                    self.children.setdefault(p, []).append((SECTION_KIND[t] if t == 'vlans' else 'sr-iov', sid))
        # the kernel's view when netplan says nothing: a member's master, a VLAN's parent
        for n, l in self.links.items():
            if l.get('master') and n not in self.master:
                k = ((l.get('linkinfo') or {}).get('info_slave_kind')) or 'bond'
                self.master[n] = (k, l['master'])
            info = l.get('linkinfo') or {}
            if info.get('info_kind') == 'vlan' and l.get('link') and n not in self.parent:
                self.parent[n] = l['link']
                self.children.setdefault(l['link'], []).append(('vlan', n))

    def section_of(self, name):
        """(section, id, stanza) that defines link name: by id, else by a match: (None when none)."""
        found = None
        for (t, sid), st in self.defs.items():
            if isinstance(st.get('match'), dict):
                if name in self.names_of.get(sid, []):
                    found = found or (t, sid, st)
            elif sid == name:
                return t, sid, st
        return found

    def kind_of(self, name):
        """The kind netplan gives link name ('wireguard' for a wireguard tunnel), or None."""
        s = self.section_of(name)
        if not s:
            return None
        t, _, st = s
        if t == 'tunnels' and str(st.get('mode', '')) == 'wireguard':
            return 'wireguard'
        return SECTION_KIND.get(t, t)

    def matched_by(self, name):
        return [f'{sid} (match: {match_text(st)})' for (t, sid), st in self.defs.items()
                if isinstance(st.get('match'), dict) and name in self.names_of.get(sid, [])]

    def facts(self, name):
        """members, parent, vlan id, bond mode, member_of, on_top (VLANs / SR-IOV functions)."""
        s = self.section_of(name)
        st = s[2] if s else {}
        link = self.links.get(name) or {}
        info = (link.get('linkinfo') or {}).get('info_data') or {}
        mode = ((st.get('parameters') or {}).get('mode') if isinstance(st.get('parameters'), dict) else None) or info.get('mode')
        vid = st.get('id') if s and s[0] == 'vlans' else info.get('id') if (link.get('linkinfo') or {}).get('info_kind') == 'vlan' else None
        vid = vid if isinstance(vid, int) and not isinstance(vid, bool) else None  # the shape network show promises
        kernel_members = [n for n, l in self.links.items() if l.get('master') == name]
        # a bond's primary is a netplan id (a match: stanza's): the live link it stands for
        prim = (st.get('parameters') or {}).get('primary') if s and s[0] == 'bonds' and isinstance(st.get('parameters'), dict) else None
        prim = (self.names_of.get(str(prim)) or [str(prim)])[0] if isinstance(prim, (str, int)) and not isinstance(prim, bool) else None
        return {'members': self.members.get(s[1] if s else name) or kernel_members, 'parent': self.parent.get(name), 'bond_primary': prim,
                'vlan_id': vid, 'bond_mode': str(mode) if mode is not None and (s and s[0] == 'bonds' or info.get('mode')) else None,
                'member_of': self.master[name][1] if name in self.master else None,
                'member_of_kind': self.master[name][0] if name in self.master else None,
                'on_top': [{'kind': k, 'name': n} for k, n in self.children.get(name, [])],
                'sriov_pf': bool(st.get('virtual-function-count')) or any(k == 'sr-iov' for k, _ in self.children.get(name, []))}

    def defined_names(self):
        """Every link netplan defines by name (ids without match:, in file order, all sections)."""
        out = []
        for (t, sid), st in self.defs.items():
            for n in self.names_of.get(sid, []) if isinstance(st.get('match'), dict) else [sid]:
                if n not in out:
                    out.append(n)
        return out
