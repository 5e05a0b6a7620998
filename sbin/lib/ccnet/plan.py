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
import os

from . import edit
from .checks import Refused
from .model import (CLOUD_INIT_DISABLE, CLOUD_INIT_DISABLE_TEXT, CLOUD_INIT_FILE, OUR_FILE, kept, load_yaml,
                    merged_stanza, netplan_files, new_stanza, read_text, renderer_of, stanzas_of)


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


def plan(root, iface, mac, mode, confirmed=None, **values):
    """The change → ({relative path: new text} of every file it writes, what the review says:
    {kept, moved, dropin, creates}). Refused (field interface or netplan) as said above."""
    check_file(root, confirmed)
    files = netplan_files(root)
    renderer, rfile = renderer_of(files, iface, mac)
    if renderer != 'networkd':
        raise Refused('interface', f'{iface} is managed by {renderer} (renderer: {renderer} in {rfile}): the console writes '
                                   f'networkd settings, which {renderer} would not use; change it with {renderer}\'s own tools')
    ours_key, moved = iface, []
    for rel, dtype, sid, st in stanzas_of(files, iface, mac):
        if dtype != 'ethernets':
            raise Refused('interface', f'{iface} is configured as a member of {dtype} "{sid}" in {rel}: the console configures plain ports only')
        if rel == OUR_FILE:
            ours_key = sid
        elif rel == CLOUD_INIT_FILE:
            moved.append((rel, sid))
        else:
            raise Refused('interface', f'{iface} is also configured in {rel} ({_keys(st)}): netplan would merge both files, '
                                      f'so {iface} would not get what you set; move or remove that stanza first')
    base = merged_stanza(files, iface, mac) or {}
    new = new_stanza(base, mode, **values)
    writes = {}
    path = os.path.join(root, OUR_FILE)
    text = read_text(path)
    old = load_yaml(path)
    doc = copy.deepcopy(old) or {'network': {'version': 2, 'renderer': 'networkd'}}
    net = doc.setdefault('network', {})
    if not isinstance(net.get('ethernets'), dict):
        net['ethernets'] = {}
    net['ethernets'][ours_key] = new
    writes[OUR_FILE] = edit.patch(text, old, doc)
    for rel, sid in moved:
        p = os.path.join(root, rel)
        old2 = load_yaml(p)
        doc2 = copy.deepcopy(old2)
        del doc2['network']['ethernets'][sid]
        writes[rel] = edit.patch(read_text(p), old2, doc2)
    dropin = None
    if moved and not os.path.exists(os.path.join(root, CLOUD_INIT_DISABLE)):
        dropin = CLOUD_INIT_DISABLE
        writes[dropin] = CLOUD_INIT_DISABLE_TEXT
    info = {'kept': kept(new, mode), 'moved': [{'from': rel, 'id': sid} for rel, sid in moved], 'dropin': dropin,
            'creates': not os.path.exists(path)}
    return writes, info
