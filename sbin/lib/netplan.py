#!/usr/bin/python3
"""netplan.py — the network scripts' YAML reader/writer and address arithmetic (the command
line; the work is in the package ccnet/ next to it: model, checks, demo).

Called from bash with arguments only (never code built from input):
  show      --root R --links F [--pending F] [--unseen F]      the show_network.sh result
  validate  --root R --links F --iface IF --mode M [...]       checks a requested change
  render    --root R --out-root W --links F --iface IF --mode M [...]
                                                               writes the changed files under W
  doc-plan  --root W --links F --doc F [--confirmed F]          a settings document's interfaces, planned in place under W
  link      --op bond|bond-set|vlan|delete --root R --links F --iface NAME [--out-root W] [...]
                                                               checks (and plans) a bond/VLAN made or deleted
  dev-plan  --root R --iface IF                                bond/vlan/gone/link: the device itself
  iface     --root R --iface IF                                MODE ADDR PREFIX GW ONLINK (tabs)
  ip-plan   --root R --iface IF                                the namespace apply's lines
  changed   --old F --new F                                    names whose stanza differs
  links-from-yaml --root R --out F [--iface IF ...] [--dhcp-address CIDR]
                                                               demo link data (ip -j addr shape)
  json-get  --file F --key K                                   one value of a JSON object
  record-check --file F --kind pending|links                   exit 1 naming F when our record (the
                                                               pending change, the demo's links) is damaged
  unseen-add --file F --entry JSON                             appends to a JSON array file
  fresh-macs --root R --links F [--out-root W]                 stale MAC matches and their new
                                                               ports (ccnet/freshmacs.py); writes under W
Exit 0 ok; 2 a refused value (stdout: {"field":..,"error":..}); 1 anything else.
"""
import argparse
import json
import os
import sys
import tempfile

# the package ccnet/ is next to this file, wherever the scripts are installed; no .pyc files
# are written there (the scripts' directory is not a cache)
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
sys.dont_write_bytecode = True

import yaml  # noqa: E402

from ccnet import demo, freshmacs, model, plan  # noqa: E402
from ccnet.checks import Refused, validate, validate_bond, validate_bond_set, validate_delete, validate_vlan  # noqa: E402


def write_json_atomically(path, data, prefix, indent=None, fsync=False):
    # a temp name of its own: two writers at once must not share one
    fd, tmp = tempfile.mkstemp(prefix=prefix, dir=os.path.dirname(path) or '.')
    os.chmod(tmp, 0o644)
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        json.dump(data, f, indent=indent)
        f.write('\n')
        if fsync:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)


def port_kinds(a):
    return tuple(k for k in (a.port_kinds or '').split(',') if k)


def cmd_show(a):
    res = model.show(a.root, model.load_links(a.links), a.pending, a.unseen, port_kinds(a))
    # a hand-written value YAML reads as a date or a number is shown as text
    print(json.dumps(res, separators=(',', ':'), default=str))


def _validate(a):
    files = model.netplan_files(a.root)
    return validate(files, model.load_links(a.links), a.iface, a.mode, address=a.address, netmask=a.netmask,
                    gateway=a.gateway, dns=a.dns, domain=a.domain, allow_offsubnet=a.allow_offsubnet_gateway,
                    ssh_local=a.ssh_local, address6=a.address6, gateway6=a.gateway6, port_kinds=port_kinds(a))


def cmd_validate(a):
    print(json.dumps(_validate(a), separators=(',', ':')))


def _render(a):
    """The change of one interface → ({relative path: new text}, what the review says)."""
    mac = next((l.get('address') for l in model.load_links(a.links) if l.get('ifname') == a.iface), None)
    values = {}
    if a.mode == 'static':
        values = {'address': a.address, 'prefix': a.prefix, 'gateway': a.gateway, 'onlink': a.onlink, 'dns': a.dns, 'domain': a.domain}
    if a.mode in ('static', 'dhcp'):
        values.update({'address6': a.address6, 'gateway6': a.gateway6})
    return plan.plan(a.root, a.iface, mac, a.mode, confirmed=a.confirmed, **values)


def _write_under(root, writes):
    for rel, text in writes.items():
        out = os.path.join(root, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, 'w', encoding='utf-8') as f:
            f.write(text)


def cmd_render(a):
    """Writes the files of the change under --out-root (same relative paths) and prints what
    the review says: {files, kept, moved, dropin, creates}."""
    writes, info = _render(a)
    _write_under(a.out_root, writes)
    print(json.dumps({'files': list(writes), **info}, separators=(',', ':')))


def _link_validate(a):
    files = model.netplan_files(a.root)
    links = model.load_links(a.links)
    addr = {'address': a.address, 'netmask': a.netmask, 'gateway': a.gateway, 'dns': a.dns, 'domain': a.domain,
            'allow_offsubnet': a.allow_offsubnet_gateway, 'address6': a.address6, 'gateway6': a.gateway6}
    if a.op == 'bond':
        return validate_bond(files, links, a.iface, a.members or '', a.bond_mode or '', a.primary or '', a.lacp_rate or '', a.mode,
                             ssh_local=a.ssh_local, port_kinds=port_kinds(a), **addr)
    if a.op == 'bond-set':
        return validate_bond_set(files, links, a.iface, a.members, a.bond_mode, a.primary, a.lacp_rate, ssh_local=a.ssh_local,
                                 port_kinds=port_kinds(a))
    if a.op == 'vlan':
        return validate_vlan(files, links, a.link, a.id, a.iface, a.mode, port_kinds=port_kinds(a), **addr)
    return validate_delete(files, links, a.iface, model.read_text(os.path.join(a.root, model.OUR_FILE)), ssh_local=a.ssh_local)


def cmd_link(a):
    """link --op bond|vlan|delete: checks a bond or VLAN to create, or one to delete, and with
    --out-root writes the files of the change there; prints the checked values and the plan."""
    v = _link_validate(a)
    if not a.out_root:
        print(json.dumps(v, separators=(',', ':')))
        return
    writes, info = _link_plan(a, v)
    _write_under(a.out_root, writes)
    print(json.dumps({'checked': v, 'plan': {'files': list(writes), **info}}, separators=(',', ':')))


def _link_plan(a, v):
    """A checked bond or VLAN made or deleted (_link_validate's v) → (files, what the review says)."""
    values = {}
    if v['mode'] == 'static':  # (a bond changed keeps its addressing: mode 'keep')
        values = {'address': v['address'], 'prefix': v['prefix'], 'gateway': v['gateway'], 'onlink': v['onlink'],
                  'dns': ' '.join(v['dns']), 'domain': ' '.join(v['search'])}
    if v['mode'] in ('static', 'dhcp') and 'address6' in v:
        values.update({'address6': v['address6'], 'gateway6': v['gateway6']})
    if a.op == 'bond':
        macs = {l.get('ifname'): l.get('address') for l in model.load_links(a.links)}
        writes, info = plan.plan_bond(a.root, v['name'], v['members'], v['bond_mode'], v['primary'], v['lacp_rate'], v['mode'],
                                      macs=macs, confirmed=a.confirmed, **values)
    elif a.op == 'bond-set':
        live = model.load_links(a.links)
        macs = {l.get('ifname'): l.get('address') for l in live}
        writes, info = plan.plan_bond_set(a.root, v['name'], v['members'], v['added'], v['removed'], v['bond_mode'], v['primary'],
                                          v['lacp_rate'], v['dropped'], macs=macs, confirmed=a.confirmed, links=live)
    elif a.op == 'vlan':
        writes, info = plan.plan_vlan(a.root, v['name'], v['link_id'], v['id'], v['mode'], add_parent=v['add_parent'],
                                      confirmed=a.confirmed, **values)
    else:
        writes, info = plan.plan_delete(a.root, v['section'], v['name'], confirmed=a.confirmed)
    return writes, info


# a refusal's field of set_network.sh → the key inside an interface of the settings document
DOC_FIELDS = {'netmask': 'prefix', 'domain': 'search', 'members': 'bond.members', 'bond-mode': 'bond.mode',
              'link': 'vlan.link', 'id': 'vlan.id', 'interface': '', 'netplan': '', 'mode': 'mode'}


def _doc_step(a, name, w):
    """One interface of a settings document → the files its change writes (checked as
    set_network.sh checks it: the same validate/plan, the same refusals)."""
    mode = w.get('mode')
    if mode not in ('static', 'dhcp', 'capture') and not (w.get('create') and mode == 'none'):
        raise Refused('mode', f'{name} can be set to static, dhcp or capture here, not {mode}')
    static = mode == 'static'
    v6 = mode in ('static', 'dhcp')
    ns = argparse.Namespace(
        root=a.root, links=a.links, iface=name, mode=mode, ssh_local=a.ssh_local, port_kinds=a.port_kinds, confirmed=a.confirmed,
        address=w.get('address') if static else None, netmask=str(w.get('prefix')) if static and w.get('prefix') is not None else None,
        gateway=(w.get('gateway') or None) if static else None, dns=' '.join(w.get('dns') or []) if static else '',
        domain=' '.join(w.get('search') or []) if static else '', allow_offsubnet_gateway=True,
        address6=(w.get('address6') or '') if v6 else None, gateway6=(w.get('gateway6') or '') if v6 else None)
    if w.get('create'):
        bond, vlan = w.get('bond') or {}, w.get('vlan') or {}
        ns.op = w.get('kind')
        ns.members, ns.bond_mode, ns.primary, ns.lacp_rate = ','.join(bond.get('members') or []), bond.get('mode') or '', '', ''
        ns.link, ns.id = vlan.get('link') or '', str(vlan.get('id') or '')
        return _link_plan(ns, _link_validate(ns))[0]
    v = _validate(ns)
    if static:
        ns.prefix, ns.gateway, ns.onlink, ns.domain = v['prefix'], v.get('gateway'), v.get('onlink'), ' '.join(v.get('search') or [])
    if v6:
        ns.address6, ns.gateway6 = v.get('address6', ns.address6), v.get('gateway6', ns.gateway6)
    return _render(ns)[0]


def cmd_doc_plan(a):
    """doc-plan: the interfaces of a settings document (issue 15; --doc: {NAME: {kind, mode,
    address, prefix, gateway, dns, search, address6, gateway6, create, bond, vlan}}) changed one
    after the other in the netplan files under --root (a scratch copy, rewritten in place): new
    bonds first, then new VLANs, then the rest. Each is checked and planned as set_network.sh
    checks and plans it; a refusal names interfaces.NAME[.KEY]. An interface configured in
    another file too is refused (network set moves it into ours first). Prints the plan."""
    with open(a.doc, encoding='utf-8') as f:
        doc = json.load(f)
    order = sorted(doc, key=lambda n: (0 if doc[n].get('create') and doc[n].get('kind') == 'bond' else 1 if doc[n].get('create') else 2))
    for name in order:
        try:
            writes = _doc_step(a, name, doc[name])
        except Refused as e:
            key = DOC_FIELDS.get(e.field, e.field)
            raise Refused(f'interfaces.{name}' + (f'.{key}' if key else ''), e.error) from None
        other = [r for r in writes if r != model.OUR_FILE]
        if other:
            raise Refused(f'interfaces.{name}', f'{name} is configured in {", ".join(other)} too: change it once with "confconsole network set" (it moves into {model.OUR_FILE}), then import')
        _write_under(a.root, writes)
    print(json.dumps({'files': [model.OUR_FILE], 'kept': [], 'moved': [], 'dropin': None, 'creates': False, 'names': order}, separators=(',', ':')))


def _dev_plan(files, name, links=()):
    from ccnet.links import Topology
    # the live links: a bond member a match: stanza names (no set-name) is its link's name
    topo = Topology(files, list(links))
    sec = topo.section_of(name)
    if not sec:
        return 'gone'
    f = topo.facts(name)
    if sec[0] == 'bonds':
        return '\t'.join(['bond', f['bond_mode'] or 'balance-rr', *f['members']])
    if sec[0] == 'vlans':
        return '\t'.join(['vlan', f['parent'] or '', str(f['vlan_id'])])
    return 'link'


def cmd_dev_plan(a):
    """What an apply must do to the device itself: "bond MODE MEMBER...", "vlan PARENT ID",
    "gone" (no longer defined), or "link" (a plain link), tab-separated."""
    print(_dev_plan(model.netplan_files(a.root), a.iface, model.load_links(a.links)))


def _ours(root):
    """The links the console created (the marks in our file)."""
    from ccnet.links import owned
    return owned(model.read_text(os.path.join(root, model.OUR_FILE)))


def cmd_iface(a):
    files = model.netplan_files(a.root)
    d = model.describe_link(files, a.iface, a.mac, _ours(a.root))
    print('\t'.join([d['mode'], d['address'] or '-', str(d['prefix'] or '-'), d['gateway'] or '-', 'onlink' if d['onlink'] else '-']))


def cmd_ip_plan(a):
    """What networkd would set on one interface, for the namespace apply: the mode, the device
    line ("dev<TAB>" + what dev-plan says), then one line per address ("addr CIDR") and route
    ("route TO VIA onlink|-"), tab-separated. One python start per interface: the rollback's
    time is counted."""
    files = model.netplan_files(a.root)
    st = model.merged_stanza(files, a.iface, a.mac) or {}
    d = model.describe_link(files, a.iface, a.mac, _ours(a.root))
    print(d['mode'])
    print('dev\t' + _dev_plan(files, a.iface))
    if d['mode'] == 'capture':
        return
    for x in st.get('addresses') or []:
        print(f'addr\t{model._addr_text(x)}')
    for r in st.get('routes') or []:
        if isinstance(r, dict) and r.get('to') is not None and r.get('via') is not None:
            to = str(r['to'])
            if to == 'default':
                to = '::/0' if model.is_v6(r['via']) else '0.0.0.0/0'
            print(f"route\t{to}\t{r['via']}\t{'onlink' if r.get('on-link') else '-'}")


def cmd_sys_facts(a):
    """Adds to each link what the kernel says about it under --sys (/sys/class/net): a device
    behind it, a bridge, a bond, a TUN/TAP device, a wireless interface."""
    links = model.load_links(a.links)
    for l in links:
        d = os.path.join(a.sys, os.path.basename(l.get('ifname') or '.'))
        if os.path.isdir(d):
            l['sys'] = {'device': os.path.exists(os.path.join(d, 'device')), 'bridge': os.path.isdir(os.path.join(d, 'bridge')),
                        'bonding': os.path.isdir(os.path.join(d, 'bonding')), 'tun': os.path.exists(os.path.join(d, 'tun_flags')),
                        'wireless': os.path.isdir(os.path.join(d, 'wireless')) or os.path.exists(os.path.join(d, 'phy80211')),
                        # the kernel driver, for a match: {driver: ...} stanza
                        'driver': os.path.basename(os.path.realpath(os.path.join(d, 'device', 'driver'))) if os.path.exists(os.path.join(d, 'device', 'driver')) else None}
    write_json_atomically(a.links, links, '.links.')


def cmd_changed(a):
    # every section: a bond or VLAN made, changed or deleted is applied (and a deleted one removed)
    for name in model.changed(model.devices(model.load_yaml(a.old)), model.devices(model.load_yaml(a.new))):
        print(name)


def cmd_links_from_yaml(a):
    files = model.netplan_files(a.root)
    from ccnet.links import Topology
    topo = Topology(files, [])
    # a link a match: stanza renames (set-name) has the MAC it matches, so the stanza applies to it
    names = list(dict.fromkeys(model.configured_names(files) + list(topo.mac_of)))
    view = {n: model.merged_stanza(files, n, topo.mac_of.get(n)) for n in names}
    links = demo.links_from_yaml(view, model.load_links(a.out), a.iface, a.dhcp_address, {n: topo.kind_of(n) for n in view}, topo.mac_of)
    write_json_atomically(a.out, links, '.links.', indent=1)


def cmd_capture_names(a):
    """The capture interfaces of the netplan files (health check), one a line: the links `show`
    gives the role capture (a bond's or bridge's member, a VLAN or SR-IOV parent, a link the
    console does not configure and an address-less VLAN are none)."""
    for e in model.show(a.root, [])['interfaces']:
        if e['role'] == 'capture':
            print(e['name'])


def cmd_json_get(a):
    with open(a.file, encoding='utf-8') as f:
        v = json.load(f).get(a.key)
    if isinstance(v, list):  # one line an item; a list of lists: one tab-separated line each
        for row in v:
            print('\t'.join(str(x) for x in row) if isinstance(row, list) else row)
    else:
        print('' if v is None else v)


def cmd_record_check(a):
    if os.path.lexists(a.file):
        if not os.path.isfile(a.file):
            raise model.BadRecord(f'{a.file}: damaged (not a file); it is not believed')
        if a.kind == 'pending':
            model.read_pending(a.file)
        elif not all(isinstance(x, dict) for x in model.read_record(a.file, list)):
            raise model.BadRecord(f'{a.file}: damaged (not a list of links); it is not believed')


def cmd_unseen_add(a):
    items = []
    if os.path.exists(a.file):
        with open(a.file, encoding='utf-8') as f:
            items = json.load(f) or []
    items.append(json.loads(a.entry))
    write_json_atomically(a.file, items, '.unseen.', fsync=True)


def cmd_fresh_macs(a):
    # the SSH session's local address (SSH_CONNECTION's third field): its port is never renamed
    mine = (os.environ.get('SSH_CONNECTION') or '').split(' ')[2:3]
    writes, info = freshmacs.plan(a.root, model.netplan_files(a.root), model.load_links(a.links), port_kinds(a), mine[0] if mine else None)
    for rel, text in writes.items() if a.out_root else ():
        out = os.path.join(a.out_root, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, 'w', encoding='utf-8') as f:
            f.write(text)
    print(json.dumps({'files': list(writes), **info}, separators=(',', ':')))


COMMANDS = {'fresh-macs': cmd_fresh_macs, 'link': cmd_link, 'dev-plan': cmd_dev_plan, 'show': cmd_show, 'validate': cmd_validate, 'render': cmd_render, 'iface': cmd_iface, 'ip-plan': cmd_ip_plan, 'sys-facts': cmd_sys_facts,
            'changed': cmd_changed, 'links-from-yaml': cmd_links_from_yaml, 'json-get': cmd_json_get, 'record-check': cmd_record_check,
            'capture-names': cmd_capture_names, 'doc-plan': cmd_doc_plan,
            'unseen-add': cmd_unseen_add}


def parser():
    ap = argparse.ArgumentParser(prog='netplan.py')
    sub = ap.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('show'); s.add_argument('--root', required=True); s.add_argument('--links'); s.add_argument('--pending')
    s.add_argument('--unseen'); s.add_argument('--port-kinds')
    for name in ('validate', 'render'):
        s = sub.add_parser(name)
        s.add_argument('--root', required=True); s.add_argument('--links'); s.add_argument('--out-root'); s.add_argument('--iface', required=True)
        s.add_argument('--mode', required=True); s.add_argument('--address'); s.add_argument('--netmask'); s.add_argument('--prefix')
        s.add_argument('--gateway'); s.add_argument('--dns', default=''); s.add_argument('--domain', default='')
        s.add_argument('--allow-offsubnet-gateway', action='store_true'); s.add_argument('--onlink', action='store_true')
        s.add_argument('--ssh-local'); s.add_argument('--address6'); s.add_argument('--gateway6'); s.add_argument('--port-kinds')
        s.add_argument('--confirmed')
    s = sub.add_parser('link')
    for o in ('root', 'links', 'out-root', 'iface', 'op', 'mode', 'address', 'netmask', 'gateway', 'address6', 'gateway6', 'ssh-local',
              'port-kinds', 'confirmed', 'members', 'bond-mode', 'primary', 'lacp-rate', 'link', 'id'):
        s.add_argument('--' + o)
    s.add_argument('--dns', default=''); s.add_argument('--domain', default='')
    s.add_argument('--allow-offsubnet-gateway', action='store_true')
    s = sub.add_parser('doc-plan')
    for o in ('root', 'links', 'doc', 'confirmed', 'ssh-local', 'port-kinds'):
        s.add_argument('--' + o)
    s = sub.add_parser('dev-plan'); s.add_argument('--root', required=True); s.add_argument('--iface', required=True); s.add_argument('--links')
    for name in ('iface', 'ip-plan'):
        s = sub.add_parser(name); s.add_argument('--root', required=True); s.add_argument('--iface', required=True); s.add_argument('--mac')
    s = sub.add_parser('sys-facts'); s.add_argument('--links', required=True); s.add_argument('--sys', default='/sys/class/net')
    s = sub.add_parser('changed'); s.add_argument('--old'); s.add_argument('--new')
    s = sub.add_parser('links-from-yaml'); s.add_argument('--root', required=True); s.add_argument('--out', required=True)
    s.add_argument('--iface', action='append'); s.add_argument('--dhcp-address')
    s = sub.add_parser('capture-names'); s.add_argument('--root', required=True)
    s = sub.add_parser('json-get'); s.add_argument('--file', required=True); s.add_argument('--key', required=True)
    s = sub.add_parser('record-check'); s.add_argument('--file', required=True); s.add_argument('--kind', choices=('pending', 'links'), required=True)
    s = sub.add_parser('fresh-macs'); s.add_argument('--root', required=True); s.add_argument('--links', required=True)
    s.add_argument('--out-root'); s.add_argument('--port-kinds')
    s = sub.add_parser('unseen-add'); s.add_argument('--file', required=True); s.add_argument('--entry', required=True)
    return ap


def main():
    a = parser().parse_args()
    try:
        COMMANDS[a.cmd](a)
    except Refused as e:
        print(json.dumps({'field': e.field, 'error': e.error}))
        sys.exit(2)
    except model.BadFile as e:
        # a file netplan would reject too: named with its line, the change refused
        print(f'netplan.py: {e}', file=sys.stderr)
        print(json.dumps({'field': 'netplan', 'error': f'a netplan file does not parse: {e}'}))
        sys.exit(2)
    except OSError as e:
        # a file that cannot be read or written: named with its cause (the caller says it)
        what = f'{e.filename}: {e.strerror}' if e.filename else str(e)
        print(f'netplan.py: {what}', file=sys.stderr)
        print(json.dumps({'error': f'cannot read or write {what}'}))
        sys.exit(1)
    except model.BadRecord as e:
        print(f'netplan.py: {e}', file=sys.stderr)
        print(json.dumps({'error': str(e)}))
        sys.exit(1)
    except (ValueError, yaml.YAMLError, KeyError, TypeError) as e:
        print(f'netplan.py: {e}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
