#!/usr/bin/python3
"""netplan.py — the network scripts' YAML reader/writer and address arithmetic (the command
line; the work is in the package ccnet/ next to it: model, checks, demo).

Called from bash with arguments only (never code built from input):
  show      --yaml F --links F [--pending F] [--unseen F]      the show_network.sh result
  validate  --yaml F --links F --iface IF --mode M [...]       checks a requested change
  render    --yaml F --out F --iface IF --mode M [...]         writes the new YAML
  iface     --yaml F --iface IF                                MODE ADDR PREFIX GW ONLINK (tabs)
  changed   --old F --new F                                    names whose stanza differs
  links-from-yaml --yaml F --out F [--iface IF ...] [--dhcp-address CIDR]
                                                               demo link data (ip -j addr shape)
  json-get  --file F --key K                                   one value of a JSON object
  unseen-add --file F --entry JSON                             appends to a JSON array file
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

from ccnet import demo, model  # noqa: E402
from ccnet.checks import Refused, validate  # noqa: E402


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


def cmd_show(a):
    eth = model.ethernets(model.load_yaml(a.yaml))
    res = model.show(eth, model.load_links(a.links), a.pending, a.unseen)
    print(json.dumps(res, separators=(',', ':')))


def cmd_validate(a):
    eth = model.ethernets(model.load_yaml(a.yaml))
    res = validate(eth, model.load_links(a.links), a.iface, a.mode, address=a.address, netmask=a.netmask,
                   gateway=a.gateway, dns=a.dns, domain=a.domain, allow_offsubnet=a.allow_offsubnet_gateway,
                   ssh_local=a.ssh_local)
    print(json.dumps(res, separators=(',', ':')))


def cmd_render(a):
    header = model.yaml_header(a.yaml)
    doc = model.with_stanza(model.load_yaml(a.yaml), a.iface, a.mode, address=a.address, prefix=a.prefix,
                            gateway=a.gateway, onlink=a.onlink, dns=a.dns, domain=a.domain)
    text = yaml.safe_dump(doc, default_flow_style=False, sort_keys=False)
    with open(a.out, 'w', encoding='utf-8') as f:
        if header:
            f.write('\n'.join(header) + '\n')
        f.write(text)


def cmd_iface(a):
    eth = model.ethernets(model.load_yaml(a.yaml))
    d = model.describe(eth[a.iface] if a.iface in eth else None)
    print('\t'.join([d['mode'], d['address'] or '-', str(d['prefix'] or '-'), d['gateway'] or '-', 'onlink' if d['onlink'] else '-']))


def cmd_changed(a):
    for name in model.changed(model.ethernets(model.load_yaml(a.old)), model.ethernets(model.load_yaml(a.new))):
        print(name)


def cmd_links_from_yaml(a):
    eth = model.ethernets(model.load_yaml(a.yaml))
    links = demo.links_from_yaml(eth, model.load_links(a.out), a.iface, a.dhcp_address)
    write_json_atomically(a.out, links, '.links.', indent=1)


def cmd_json_get(a):
    with open(a.file, encoding='utf-8') as f:
        v = json.load(f).get(a.key)
    print('' if v is None else v)


def cmd_unseen_add(a):
    items = []
    if os.path.exists(a.file):
        with open(a.file, encoding='utf-8') as f:
            items = json.load(f) or []
    items.append(json.loads(a.entry))
    write_json_atomically(a.file, items, '.unseen.', fsync=True)


COMMANDS = {'show': cmd_show, 'validate': cmd_validate, 'render': cmd_render, 'iface': cmd_iface,
            'changed': cmd_changed, 'links-from-yaml': cmd_links_from_yaml, 'json-get': cmd_json_get,
            'unseen-add': cmd_unseen_add}


def parser():
    ap = argparse.ArgumentParser(prog='netplan.py')
    sub = ap.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('show'); s.add_argument('--yaml'); s.add_argument('--links'); s.add_argument('--pending'); s.add_argument('--unseen')
    for name in ('validate', 'render'):
        s = sub.add_parser(name)
        s.add_argument('--yaml'); s.add_argument('--links'); s.add_argument('--out'); s.add_argument('--iface', required=True)
        s.add_argument('--mode', required=True); s.add_argument('--address'); s.add_argument('--netmask'); s.add_argument('--prefix')
        s.add_argument('--gateway'); s.add_argument('--dns', default=''); s.add_argument('--domain', default='')
        s.add_argument('--allow-offsubnet-gateway', action='store_true'); s.add_argument('--onlink', action='store_true')
        s.add_argument('--ssh-local')
    s = sub.add_parser('iface'); s.add_argument('--yaml'); s.add_argument('--iface', required=True)
    s = sub.add_parser('changed'); s.add_argument('--old'); s.add_argument('--new')
    s = sub.add_parser('links-from-yaml'); s.add_argument('--yaml'); s.add_argument('--out', required=True)
    s.add_argument('--iface', action='append'); s.add_argument('--dhcp-address')
    s = sub.add_parser('json-get'); s.add_argument('--file', required=True); s.add_argument('--key', required=True)
    s = sub.add_parser('unseen-add'); s.add_argument('--file', required=True); s.add_argument('--entry', required=True)
    return ap


def main():
    a = parser().parse_args()
    try:
        COMMANDS[a.cmd](a)
    except Refused as e:
        print(json.dumps({'field': e.field, 'error': e.error}))
        sys.exit(2)
    except (OSError, ValueError, yaml.YAMLError, KeyError, TypeError) as e:
        print(f'netplan.py: {e}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
