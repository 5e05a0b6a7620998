"""The files a change of one interface writes, and what it says about them for the review.

netplan merges every file that configures an interface (model.merge), so writing our file alone
while another file also configures the interface gives a mix nobody asked for. A change
therefore makes our file the interface's only owner, or is refused:
  - cloud-init's 50-cloud-init.yaml: its stanza is moved into our file (its keys we do not
    manage kept) and removed there, and cloud-init is told to stop writing the network
    configuration (etc/cloud/cloud.cfg.d/99-disable-network-config.cfg), or it would write the
    stanza back at the next boot. The review says so; a rollback puts every file back.
  - any other file (a site file, /run/netplan, /lib/netplan), or a renderer other than
    networkd (NetworkManager on desktops): refused, naming the file.
Our own file missing is refused when it was lost (the confirmed copy exists) or when no netplan
file is there at all: the console never writes a partial configuration over a lost one."""
import copy
import json
import os

from . import edit
from .checks import Refused
from .links import member_mark, member_marks, own_mark
from .model import (_addr_text, CAPTURE, CLOUD_INIT_DISABLE, CLOUD_INIT_DISABLE_TEXT, CLOUD_INIT_FILE, OUR_FILE, kept, load_yaml,
                    merged_stanza, netplan_files, new_stanza, read_text, renderer_of, stanzas, stanzas_of)


def _keys(st):
    return ', '.join(str(k) for k in (st or {})) or 'an empty stanza'


def check_file(root, confirmed=None):
    """Refuses a change when our file is missing and may not be created from nothing."""
    if os.path.exists(os.path.join(root, OUR_FILE)):
        return
    if confirmed and os.path.exists(confirmed):
        raise Refused('netplan', f'{OUR_FILE} is missing (lost or removed by hand): restore the last confirmed settings first '
                                 f'(Restore > Last confirmed settings, or network set IFACE --restore-confirmed); '
                                 f'a change of one interface would write a file without the others')
    if not [rel for rel, _ in netplan_files(root)]:
        raise Refused('netplan', f'{OUR_FILE} is missing and no other netplan file is there: the console does not write a '
                                 f'configuration that would hold one interface only (restore the file from a backup)')


# the keys of a stanza that give it an address (a bond member has none: the bond has them)
ADDRESSING = ('addresses', 'dhcp4', 'dhcp6', 'dhcp4-overrides', 'dhcp6-overrides', 'routes', 'gateway4', 'gateway6',
              'nameservers', 'accept-ra', 'link-local', 'ipv6-privacy', 'optional')


class Change:
    """One change of our file (and of cloud-init's, whose stanzas move into ours): stanzas taken
    over, written, dropped, and the marks of what the console created."""

    def __init__(self, root, confirmed=None):
        check_file(root, confirmed)
        self.root, self.files = root, netplan_files(root)
        self.path = os.path.join(root, OUR_FILE)
        self.text, self.old = read_text(self.path), load_yaml(self.path)
        self.doc = copy.deepcopy(self.old) or {'network': {'version': 2, 'renderer': 'networkd'}}
        self.moved, self.marks, self.unmarks = [], [], []

    def take(self, name, mac=None, section='ethernets', what=None):
        """Makes our file the only owner of link name (in section): → (its id in our file, its
        merged stanza). Refused: another renderer, another section, another file (cloud-init's
        stanza moves)."""
        what = what or name
        renderer, rfile = renderer_of(self.files, name, mac)
        if renderer != 'networkd':
            raise Refused('interface', f'{what} is managed by {renderer} (renderer: {renderer} in {rfile}): the console writes '
                                       f'networkd settings, which {renderer} would not use; change it with {renderer}\'s own tools')
        key = name
        for rel, dtype, sid, st in stanzas_of(self.files, name, mac):
            if dtype != section:
                raise Refused('interface', f'{what} is configured under {dtype} ("{sid}") in {rel}, not under {section}: the console leaves it as it is')
            if rel == OUR_FILE:
                key = sid
            elif rel == CLOUD_INIT_FILE:
                if (rel, section, sid) not in self.moved:
                    self.moved.append((rel, section, sid))
            else:
                raise Refused('interface', f'{what} is also configured in {rel} ({_keys(st)}): netplan would merge both files, '
                                          f'so {what} would not get what you set; move or remove that stanza first')
        return key, merged_stanza(self.files, name, mac) or {}

    def put(self, section, key, stanza):
        net = self.doc.setdefault('network', {})
        if not isinstance(net.get(section), dict):
            net[section] = {}
        net[section][key] = stanza

    def drop(self, section, key):
        net = self.doc.get('network') or {}
        del net[section][key]
        if not net[section]:
            del net[section]

    def writes(self):
        """{relative path: new text}, and the cloud-init drop-in written (or None)."""
        text = edit.patch(self.text, self.old, self.doc)
        for m in self.unmarks:
            text = text.replace(m, '')
        for m in self.marks:
            text += ('' if not text or text.endswith('\n') else '\n') + m
        out = {OUR_FILE: text}
        by_file = {}
        for rel, section, sid in self.moved:
            by_file.setdefault(rel, []).append((section, sid))
        for rel, items in by_file.items():
            p = os.path.join(self.root, rel)
            old2 = load_yaml(p)
            doc2 = copy.deepcopy(old2)
            for section, sid in items:
                del doc2['network'][section][sid]
            out[rel] = edit.patch(read_text(p), old2, doc2)
        dropin = None
        if self.moved and not os.path.exists(os.path.join(self.root, CLOUD_INIT_DISABLE)):
            dropin = CLOUD_INIT_DISABLE
            out[dropin] = CLOUD_INIT_DISABLE_TEXT
        return out, dropin

    def info(self, kept_lines, dropin, **more):
        return {'kept': kept_lines, 'moved': [{'from': rel, 'id': sid} for rel, _, sid in self.moved], 'dropin': dropin,
                'creates': not os.path.exists(self.path), **more}


def _section_of(files, name, mac):
    """The section link name is defined in: bonds or vlans when netplan says so, else ethernets."""
    for _, dtype, _, _ in stanzas_of(files, name, mac):
        if dtype in ('bonds', 'vlans'):
            return dtype
    return 'ethernets'


def member_stanza(old, capture):
    """A bond member's stanza: old without its addressing (the bond has it), every other key kept;
    a capture bond's member gets the capture keys (promiscuous, no address)."""
    st = {k: v for k, v in (old or {}).items() if k not in ADDRESSING}
    if capture:
        st.update(copy.deepcopy(CAPTURE))
    return st


def _take_along(c, ids):
    """The links a bond or VLAN names (netplan ids: its members, its parent) that only cloud-init's
    file defines, moved into ours with it, unchanged: netplan needs a link defined in the same
    file or an earlier one ("interface 'eth3' is not defined"), and ours is read first."""
    for sid in ids:
        found = [(rel, t, st) for rel, t, s, st in stanzas(c.files) if s == sid]
        if found and all(rel == CLOUD_INIT_FILE and not (isinstance(st, dict) and 'match' in st) for rel, _, st in found):
            key, base = c.take(sid, None, found[0][1])
            c.put(found[0][1], key, base)


def plan(root, iface, mac, mode, confirmed=None, **values):
    """The change → ({relative path: new text} of every file it writes, what the review says:
    {kept, moved, dropin, creates}). Refused (field interface or netplan) as said above. A bond or
    VLAN is written in its own section (bonds:, vlans:); a bond made the capture interface takes
    its members with it (each gets the capture keys)."""
    c = Change(root, confirmed)
    section = _section_of(c.files, iface, mac)
    key, base = c.take(iface, mac, section)
    new = new_stanza(base, mode, **values)
    c.put(section, key, new)
    if section in ('bonds', 'vlans'):
        _take_along(c, [str(m) for m in base.get('interfaces') or []] if section == 'bonds' else [str(base.get('link'))])
    members = []
    if section == 'bonds' and mode == 'capture':
        for m in base.get('interfaces') or []:
            mkey, mbase = c.take(str(m))
            c.put('ethernets', mkey, member_stanza(mbase, True))
            members.append(str(m))
    writes, dropin = c.writes()
    return writes, c.info(kept(new, mode) + ([f'members {", ".join(members)}: promiscuous, no address'] if members else []), dropin)


def _addressing(mode, values):
    if mode == 'none':
        return {}
    return new_stanza({}, mode, **values)


def _keep_own(c, bond, member, old, new):
    """Marks in our file what a port joining a bond gives up (old's keys that new lacks or changes),
    so that it gets them back when it leaves (plan_bond_set)."""
    had = {k: v for k, v in old.items() if k in ADDRESSING and (k not in new or new[k] != v)}
    if had:
        c.marks.append(member_mark(bond, member, had))


def plan_bond(root, name, members, bond_mode, primary, lacp_rate, mode, macs=None, confirmed=None, **values):
    """A new bond: its stanza under bonds: (members, parameters: mode, primary, lacp-rate,
    mii-monitor-interval 100 so a dead link is noticed, and the addressing of mode), each member's
    stanza without addressing (capture keys for a capture bond), and the mark that the console
    made it (so only it may be deleted)."""
    c = Change(root, confirmed)
    keys, lost = [], []
    for m in members:
        mkey, mbase = c.take(m, (macs or {}).get(m), 'ethernets', f'member {m}')
        st = member_stanza(mbase, mode == 'capture')
        lost += [f'{m}: {k}' for k in mbase if k in ADDRESSING and k not in st]
        _keep_own(c, name, m, mbase, st)
        c.put('ethernets', mkey, st)
        keys.append(mkey)
    params = {'mode': bond_mode}
    if primary:
        params['primary'] = keys[members.index(primary)]
    if lacp_rate:
        params['lacp-rate'] = lacp_rate
    params['mii-monitor-interval'] = 100
    c.put('bonds', name, {'interfaces': keys, 'parameters': params, **_addressing(mode, values)})
    c.marks.append(own_mark('bonds', name))
    writes, dropin = c.writes()
    return writes, c.info([], dropin, members_lose=lost)


def _taken(c, member, had):
    """(address, link) when an address member had is another link's now (the bond took it over
    with the session), else None: it is not given back twice."""
    ip = lambda a: _addr_text(a).split('/')[0]  # noqa: E731 (an address entry, plain or with options)
    mine = {ip(a) for a in had.get('addresses') or []}
    for _, _, sid, st in stanzas(c.files):
        if sid != member and isinstance(st, dict):
            for a in st.get('addresses') or []:
                if ip(a) in mine:
                    return ip(a), sid
    return None


def _is_capture(st):
    """A stanza with every capture key (the console's capture interface)."""
    return all(k in st and st[k] == v and type(st[k]) is type(v) for k, v in CAPTURE.items())


def plan_bond_set(root, name, members, added, removed, bond_mode, primary, lacp_rate, dropped, macs=None, confirmed=None, links=None):
    """An existing bond changed (checks.validate_bond_set's values): its interfaces: and the
    parameters we manage (mode, primary, lacp-rate; those the new mode does not take, dropped),
    every other key of the bond kept. A member that joins loses its addressing, as in create
    (capture keys when the bond captures); a member that leaves is a plain port again: its stanza
    as it is, without the capture keys the bond gave it (an address-less port)."""
    c = Change(root, confirmed)
    key, base = c.take(name, None, 'bonds')
    capture = _is_capture(base)
    ids = {str(m): str(m) for m in base.get('interfaces') or []}
    from .links import Topology
    # with the live links: a member a match: stanza names (no set-name) is known by its link's name
    topo = Topology(c.files, links or [])
    for sid in list(ids):  # the netplan id of each current member, by the link it names
        for n in topo.names_of.get(sid, [sid]):
            ids[n] = sid
    lost, lines = [], []
    for m in added:
        mkey, mbase = c.take(m, (macs or {}).get(m), 'ethernets', f'member {m}')
        st = member_stanza(mbase, capture)
        lost += [f'{m}: {k}' for k in mbase if k in ADDRESSING and k not in st]
        _keep_own(c, name, m, mbase, st)
        c.put('ethernets', mkey, st)
        ids[m] = mkey
    marks = member_marks(c.text)
    for m in removed:
        mkey, mbase = c.take(m, (macs or {}).get(m), 'ethernets', f'member {m}')
        st = {k: v for k, v in mbase.items() if not (capture and k in CAPTURE)}
        line, had = marks.get((name, m), (None, {}))
        taken = _taken(c, m, had)
        if line:
            c.unmarks.append(line)
        if taken:
            lines.append(f'{m} leaves the bond: a port without an address (what it had, {taken[0]}, is now the address of {taken[1]})')
        elif line:
            st.update(copy.deepcopy(had))
            lines.append(f'{m} leaves the bond and gets back what it had: {", ".join(f"{k}: {json.dumps(v, default=str)}" for k, v in had.items())}')
        else:
            lines.append(f'{m} leaves the bond: a port without an address' + (' (its capture keys go with the bond)' if capture and st != mbase else ''))
        c.put('ethernets', mkey, st)
    new = copy.deepcopy(base)
    new['interfaces'] = [ids.get(m, m) for m in members]
    params = dict(new.get('parameters') or {}) if isinstance(new.get('parameters'), dict) else {}
    params['mode'] = bond_mode
    for k in dropped:
        if k in params:
            del params[k]
            lines.append(f'{k} removed: mode {bond_mode} does not take it')
    for k, v in (('primary', ids.get(primary, primary) if primary else ''), ('lacp-rate', lacp_rate)):
        if v:
            params[k] = v
        else:
            params.pop(k, None)
    new['parameters'] = params
    c.put('bonds', key, new)
    writes, dropin = c.writes()
    return writes, c.info([], dropin, members_lose=lost, bond_changes=lines)


def plan_vlan(root, name, link_id, vid, mode, add_parent=None, confirmed=None, **values):
    """A new VLAN under vlans: (id, link: the parent's netplan id, the addressing of mode); a
    parent netplan does not define yet gets an empty stanza (netplan needs the link defined);
    and the mark that the console made it."""
    c = Change(root, confirmed)
    if add_parent:
        key, base = c.take(add_parent)
        c.put('ethernets', key, base)
    else:
        _take_along(c, [str(link_id)])
    c.put('vlans', name, {'id': vid, 'link': link_id, **_addressing(mode, values)})
    c.marks.append(own_mark('vlans', name))
    writes, dropin = c.writes()
    return writes, c.info([], dropin)


def plan_delete(root, section, name, confirmed=None):
    """Removes a bond or VLAN the console created (its stanza and mark); a bond's members keep
    their stanzas as they are."""
    c = Change(root, confirmed)
    c.drop(section, name)
    c.unmarks.append(own_mark(section, name))
    # what its members had stays marked no longer (they stay as they are)
    c.unmarks += [line for (bond, _), (line, _) in member_marks(c.text).items() if section == 'bonds' and bond == name]
    writes, dropin = c.writes()
    return writes, c.info([], dropin)
