"""Initialize fresh MAC addresses (manual ch. 7: "If the option is given, select initialize
fresh MAC addresses"): a cloned virtual machine keeps the netplan files of its original, whose
stanzas match the original's network cards by MAC address (`match: macaddress:`, often with
`set-name:`, as cloud-init writes them). None of those cards is there any more, so none of the
stanzas applies and the clone comes up without its network settings.

stale(): the ethernets stanzas whose match names a MAC no present link has. plan(): each paired
with a present port nothing configures yet (no stanza applies to it by id, name or MAC, and no
other stanza's set-name is its name): first by name (the stanza's set-name, else its id, is the
port's name), then the rest in order (stanzas in file order, ports by name: deterministic, and
each pair says why it was made). A pair in order whose stanza has a set-name other than the
port's name renames the port (networkd applies set-name at boot). The rest of the
configuration relies on a live port's name, so such a port is never renamed: the capture port
(PROMISC now, or its confconsole-promisc@ unit enabled), a port with an address (the SSH
session's among them), a port another stanza names (a VLAN's link, a bond's or bridge's
member); nor is any port renamed to a name another interface has, a stanza configures, or a
second stanza also sets (two links would claim it). A stanza that cannot be paired safely is
left unpaired, with the reason. Only `match: macaddress` is rewritten, in place (edit.patch: every
other key, comment and file kept). A stanza outside etc/netplan (/run, /lib: not ours to edit)
is left, and said."""
import copy
import os
import re

from . import edit
from .model import configured_names, describe, ethernets, link_addrs, link_kind, load_yaml, present_macs, read_text, stanzas, stanzas_of

_MAC = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')


def _mac(v):
    return str(v).strip().lower() if v is not None else ''


def _natural(name):
    return [int(t) if t.isdigit() else t for t in re.split(r'(\d+)', name)]


def stale(files, links):
    """[{file, id, mac, name, set_name, mode}] for every ethernets stanza matching a MAC no present
    link has (name: its set-name, else its id; set_name: its set-name or None; mode: what it
    makes of its link, model.describe), in file order."""
    present = present_macs(links)
    out = []
    for rel, doc in files:
        for sid, st in ethernets(doc).items():
            m = st.get('match') if isinstance(st, dict) else None
            if not isinstance(m, dict) or 'macaddress' not in m:
                continue
            mac = _mac(m['macaddress'])
            if mac not in present:
                sn = str(st['set-name']) if st.get('set-name') else None
                out.append({'file': rel, 'id': str(sid), 'mac': mac, 'name': sn or str(sid), 'set_name': sn, 'mode': describe(st)['mode']})
    return out


def _set_names(files, but=()):
    """{set-name: stanza id} of every stanza other than the ids in but."""
    return {str(st['set-name']): sid for _, _, sid, st in stanzas(files)
            if isinstance(st, dict) and st.get('set-name') and sid not in but}


def free_ports(files, links, port_kinds=(), stale_ids=()):
    """The ports no stanza configures: no stanza applies to them (by id, match name or MAC), and
    no stanza other than the stale ones (stale_ids) renames a link to their name. Sorted by name."""
    taken = _set_names(files, stale_ids)
    ports = [l for l in links if l.get('ifname') != 'lo' and link_kind(l, port_kinds)[0] == 'port'
             and _MAC.match(_mac(l.get('address'))) and l.get('ifname') not in taken
             and not stanzas_of(files, str(l.get('ifname')), _mac(l.get('address')))]
    return sorted(ports, key=lambda l: _natural(str(l.get('ifname'))))


def _capture(link, root='/'):
    """Whether the link captures: promiscuous now, or its confconsole-promisc@ unit enabled (net.sh
    enables one per capture interface; it sets PROMISC at every boot, by the interface's name)."""
    wants = os.path.join(root, 'etc/systemd/system/multi-user.target.wants', f"confconsole-promisc@{link.get('ifname')}.service")
    return 'PROMISC' in (link.get('flags') or []) or os.path.lexists(wants)


def _referrers(files, name):
    """The stanzas that name interface name as a link or member: [(device type, id, key)]
    (a VLAN's link; a bond's or bridge's interfaces; a tunnel's or VRF's, ... any `link` or
    `interfaces` key), in file order."""
    out = []
    for _, t, sid, st in stanzas(files):
        if not isinstance(st, dict):
            continue
        if str(st.get('link', '')) == name:
            out.append((t, sid, 'link'))
        ifs = st.get('interfaces')
        if isinstance(ifs, list) and name in [str(i) for i in ifs]:
            out.append((t, sid, 'interfaces'))
    return out


def relied_on(port, files, root='/', mine=None):
    """Why the rest of the configuration relies on the port's present name (None: nothing does):
    it captures, it carries an address (mine: the SSH session's local address, named as such),
    or another stanza names it. A port renamed away from such a name breaks what relies on it."""
    name = str(port.get('ifname'))
    if _capture(port, root):
        return f'{name} is the capture interface (its capture is bound to the name {name})'
    addrs = link_addrs(port)
    if mine and any(a.split('/')[0] == mine for a in addrs):
        return f'{name} carries your SSH session ({mine})'
    if addrs:
        return f'{name} is in use (it has the address {addrs[0]})'
    refs = _referrers(files, name)
    if refs:
        t, sid, key = refs[0]
        return f'the {t} stanza {sid} names {name} ({key})'
    return None


def pair_refused(s, port, files, links, stale_ids, root='/', mine=None, stale_all=()):
    """Why stale stanza s may not be paired in order with port, or None when it may: the capture
    port is never given a stanza that does not capture; a port the configuration relies on
    (relied_on) is never renamed; no port is renamed (set-name) to a name another interface has,
    a stanza configures, or another stale stanza also sets."""
    new = s['set_name']
    name = str(port.get('ifname'))
    if _capture(port, root) and new and new != name:
        return f'{name} is the capture interface: set-name {new} would rename it and its capture would stop'
    if _capture(port, root) and s['mode'] != 'capture':
        return f'{name} is the capture interface: the stanza {s["id"]} ({s["mode"]}) would end its capture'
    if not new or new == name:
        return None
    why = relied_on(port, files, root, mine)
    if why:
        return f'{why}: set-name {new} would rename it'
    twin = next((o['id'] for o in stale_all if o['id'] != s['id'] and o['set_name'] == new), None)
    if twin is not None:
        return f'set-name {new} is also the set-name of the stanza {twin}: two interfaces would claim the name {new}'
    if any(l.get('ifname') == new for l in links):
        return f'set-name {new} would rename {name} to the name of the present interface {new}'
    owner = _set_names(files, stale_ids + [s['id']]).get(new)
    if owner is not None or new in configured_names(files):
        return f'set-name {new} would rename {name} to {new}, which the stanza {owner or new} already configures'
    return None


def plan(root, files, links, port_kinds=(), mine=None):
    """({relative path: new text}, {stale, pairs, unpaired, skipped}). pairs: [{file, id, old,
    new, iface, by: name|order, rename: the port's new name or None}]; unpaired: stale stanzas
    no free port is left for, each with why; skipped: stale stanzas in a file the console does
    not edit."""
    old = stale(files, links)
    stale_ids = [s['id'] for s in old]
    ports = free_ports(files, links, port_kinds, stale_ids)
    skipped = [s for s in old if not s['file'].startswith('etc/netplan/')]
    to_pair = [s for s in old if s['file'].startswith('etc/netplan/')]
    pairs, left = [], []
    for s in to_pair:  # by name first
        p = next((l for l in ports if l.get('ifname') == s['name']), None)
        if p is None:
            left.append(s)
            continue
        ports.remove(p)
        pairs.append({**s, 'old': s['mac'], 'new': _mac(p['address']), 'iface': p['ifname'], 'by': 'name', 'rename': None, 'note': f"{p['ifname']} has the stanza's name"})
    unpaired = []
    for s in left:  # then in order: the first free port (by name) it may take
        refused = [(l, pair_refused(s, l, files, links, stale_ids, root, mine, old)) for l in ports]
        p = next((l for l, r in refused if r is None), None)
        if p is None:
            why = [r for _, r in refused if r]
            unpaired.append({**s, 'why': '; '.join(why) if why else 'no free interface is left for it'})
            continue
        ports.remove(p)
        rename = s['set_name'] if s['set_name'] and s['set_name'] != p['ifname'] else None
        # the review says why this port: none has the stanza's name; the ones passed over, and why
        passed = [r for l, r in refused if r and _natural(str(l['ifname'])) < _natural(str(p['ifname']))]
        note = f"no free interface is named {s['name']}; {p['ifname']} is the first free one by name" + (f" it may take ({'; '.join(passed)})" if passed else '')
        pairs.append({**s, 'old': s['mac'], 'new': _mac(p['address']), 'iface': p['ifname'], 'by': 'order', 'rename': rename, 'note': note})
    pairs.sort(key=lambda x: [i for i, s in enumerate(old) if s['file'] == x['file'] and s['id'] == x['id']][0])
    writes = {}
    for rel in dict.fromkeys(p['file'] for p in pairs):
        path = os.path.join(root, rel)
        doc = load_yaml(path)
        new = copy.deepcopy(doc)
        for p in pairs:
            if p['file'] == rel:
                new['network']['ethernets'][p['id']]['match']['macaddress'] = p['new']
        writes[rel] = edit.patch(read_text(path), doc, new)
    for p in pairs:
        del p['mac']
    return writes, {'stale': old, 'pairs': pairs, 'unpaired': unpaired, 'skipped': skipped}
