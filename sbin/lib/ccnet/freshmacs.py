"""Initialize fresh MAC addresses (manual ch. 7: "If the option is given, select initialize
fresh MAC addresses"): a cloned virtual machine keeps the netplan files of its original, whose
stanzas match the original's network cards by MAC address (`match: macaddress:`, often with
`set-name:`, as cloud-init writes them). None of those cards is there any more, so none of the
stanzas applies and the clone comes up without its network settings.

stale(): the ethernets stanzas whose match names a MAC no present link has. plan(): each paired
with a present port nothing configures yet (its MAC matched by no stanza, its name the id of no
stanza without a match): first by name (the stanza's set-name, else its id, is the port's
name), then the rest in order (stanzas in file order, ports by name). Only `match: macaddress`
is rewritten, in place (edit.patch: every other key, comment and file kept). A stanza outside
etc/netplan (/run, /lib: not ours to edit) is left, and said."""
import copy
import os
import re

from . import edit
from .model import ethernets, link_kind, load_yaml, read_text

_MAC = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')


def _mac(v):
    return str(v).strip().lower() if v is not None else ''


def _natural(name):
    return [int(t) if t.isdigit() else t for t in re.split(r'(\d+)', name)]


def stale(files, links):
    """[{file, id, mac, name}] for every ethernets stanza matching a MAC no present link has
    (name: its set-name, else its id), in file order."""
    present = {_mac(l.get('address')) for l in links}
    out = []
    for rel, doc in files:
        for sid, st in ethernets(doc).items():
            m = st.get('match') if isinstance(st, dict) else None
            if not isinstance(m, dict) or 'macaddress' not in m:
                continue
            mac = _mac(m['macaddress'])
            if mac not in present:
                out.append({'file': rel, 'id': str(sid), 'mac': mac, 'name': str(st.get('set-name') or sid)})
    return out


def free_ports(files, links, port_kinds=()):
    """The ports no stanza configures: not matched by MAC, not named by a stanza without a
    match (its id). Sorted by name."""
    matched, named = set(), set()
    for _, doc in files:
        for sid, st in ethernets(doc).items():
            m = st.get('match') if isinstance(st, dict) else None
            if isinstance(m, dict) and 'macaddress' in m:
                matched.add(_mac(m['macaddress']))
            elif not isinstance(m, dict):
                named.add(str(sid))
    ports = [l for l in links if l.get('ifname') != 'lo' and link_kind(l, port_kinds)[0] == 'port'
             and _MAC.match(_mac(l.get('address'))) and _mac(l.get('address')) not in matched and l.get('ifname') not in named]
    return sorted(ports, key=lambda l: _natural(str(l.get('ifname'))))


def plan(root, files, links, port_kinds=()):
    """({relative path: new text}, {stale, pairs, unpaired, skipped}). pairs: [{file, id, old,
    new, iface, by: name|order}]; unpaired: stale stanzas no free port is left for; skipped:
    stale stanzas in a file the console does not edit."""
    old = stale(files, links)
    ports = free_ports(files, links, port_kinds)
    skipped = [s for s in old if not s['file'].startswith('etc/netplan/')]
    to_pair = [s for s in old if s['file'].startswith('etc/netplan/')]
    pairs, left = [], []
    for s in to_pair:  # by name first
        p = next((l for l in ports if l.get('ifname') == s['name']), None)
        if p is None:
            left.append(s)
            continue
        ports.remove(p)
        pairs.append({**s, 'old': s['mac'], 'new': _mac(p['address']), 'iface': p['ifname'], 'by': 'name'})
    unpaired = []
    for s in left:  # then in order
        if not ports:
            unpaired.append(s)
            continue
        p = ports.pop(0)
        pairs.append({**s, 'old': s['mac'], 'new': _mac(p['address']), 'iface': p['ifname'], 'by': 'order'})
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
