"""Initialize fresh MAC addresses (manual ch. 7: "If the option is given, select initialize
fresh MAC addresses"): a cloned virtual machine keeps the netplan files of its original, whose
stanzas match the original's network cards by MAC address (`match: macaddress:`, often with
`set-name:`, as cloud-init writes them). None of those cards is there any more, so none of the
stanzas applies and the clone comes up without its network settings.

stale(): the ethernets stanzas whose match names a MAC no present link has. plan(): each paired
with a present port nothing configures yet (no stanza applies to it by id, name or MAC, and no
other stanza's set-name is its name): first by name (the stanza's set-name, else its id, is the
port's name), then the rest in order (stanzas in file order, ports by name). A pair in order
whose stanza has a set-name other than the port's name renames the port (networkd applies
set-name at boot): never the capture port (live PROMISC: the capture would stop) and never to a
name another interface has or a stanza names (two links would claim it); such a stanza is left
unpaired, with the reason. Only `match: macaddress` is rewritten, in place (edit.patch: every
other key, comment and file kept). A stanza outside etc/netplan (/run, /lib: not ours to edit)
is left, and said."""
import copy
import os
import re

from . import edit
from .model import configured_names, describe, ethernets, link_kind, load_yaml, read_text, stanzas, stanzas_of

_MAC = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')


def _mac(v):
    return str(v).strip().lower() if v is not None else ''


def _natural(name):
    return [int(t) if t.isdigit() else t for t in re.split(r'(\d+)', name)]


def stale(files, links):
    """[{file, id, mac, name, set_name, mode}] for every ethernets stanza matching a MAC no present
    link has (name: its set-name, else its id; set_name: its set-name or None; mode: what it
    makes of its link, model.describe), in file order."""
    present = {_mac(l.get('address')) for l in links}
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


def _capture(link):
    """Whether the link captures now: promiscuous (set for each capture interface by
    confconsole-promisc@, net.sh)."""
    return 'PROMISC' in (link.get('flags') or [])


def pair_refused(s, port, files, links, stale_ids):
    """Why stale stanza s may not be paired in order with port, or None when it may: the capture
    port is never renamed nor given a stanza that does not capture; no port is renamed (set-name)
    to a name another interface has or a stanza configures."""
    new = s['set_name']
    name = str(port.get('ifname'))
    if _capture(port) and new and new != name:
        return f'{name} is the capture interface: set-name {new} would rename it and its capture would stop'
    if _capture(port) and s['mode'] != 'capture':
        return f'{name} is the capture interface: the stanza {s["id"]} ({s["mode"]}) would end its capture'
    if not new or new == name:
        return None
    if any(l.get('ifname') == new for l in links):
        return f'set-name {new} would rename {name} to the name of the present interface {new}'
    owner = _set_names(files, stale_ids + [s['id']]).get(new)
    if owner is not None or new in configured_names(files):
        return f'set-name {new} would rename {name} to {new}, which the stanza {owner or new} already configures'
    return None


def plan(root, files, links, port_kinds=()):
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
        pairs.append({**s, 'old': s['mac'], 'new': _mac(p['address']), 'iface': p['ifname'], 'by': 'name', 'rename': None})
    unpaired = []
    for s in left:  # then in order, the first free port it may take
        why = [r for r in (pair_refused(s, l, files, links, stale_ids) for l in ports) if r]
        p = next((l for l in ports if pair_refused(s, l, files, links, stale_ids) is None), None)
        if p is None:
            unpaired.append({**s, 'why': '; '.join(why) if why else 'no free interface is left for it'})
            continue
        ports.remove(p)
        rename = s['set_name'] if s['set_name'] and s['set_name'] != p['ifname'] else None
        pairs.append({**s, 'old': s['mac'], 'new': _mac(p['address']), 'iface': p['ifname'], 'by': 'order', 'rename': rename})
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
