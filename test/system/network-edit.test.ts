// ccnet/edit.py, the YAML patcher every network change writes with, on many generated netplan
// files (block and flow styles, indents 2 and 4, comments between lines) and changes (each mode,
// IPv6, a stanza removed, one added): the patched text always reads back as exactly the new
// value, an unchanged value leaves the text byte for byte, and every comment line and every
// other interface's text outside the rewritten keys is still there. One python process, seeded
// (CONFCONSOLE_TEST_SEED replays a failure).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missing } from '../support/requires.js';
import { SBIN, testSeed } from './helpers.js';

const why = missing('system: the netplan YAML patcher', ['/usr/bin/python3']);

const PROG = String.raw`
import copy, json, random, sys, yaml
sys.path.insert(0, sys.argv[1]); sys.dont_write_bytecode = True
from ccnet import edit, model
R = random.Random(int(sys.argv[2])); N = int(sys.argv[3])

def stanza():
    st = {}
    for k in R.sample(['addresses', 'routes', 'nameservers', 'dhcp4', 'dhcp6', 'mtu', 'optional', 'critical', 'accept-ra', 'match', 'wakeonlan'], R.randint(0, 6)):
        if k == 'addresses': st[k] = R.sample(['192.0.2.%d/24' % R.randint(1, 254), '2001:db8:%x::2/64' % R.randint(1, 99), '10.1.0.5/16'], R.randint(1, 3))
        elif k == 'routes': st[k] = [{'to': R.choice(['0.0.0.0/0', '192.168.50.0/24', '::/0', 'default']), 'via': R.choice(['192.0.2.1', '2001:db8::1'])} for _ in range(R.randint(1, 3))]
        elif k == 'nameservers': st[k] = {'addresses': ['192.0.2.53'], 'search': ['x.example']}
        elif k == 'match': st[k] = {'macaddress': '52:54:00:00:00:%02x' % R.randint(0, 255)}
        elif k == 'mtu': st[k] = R.choice([1400, 9000])
        else: st[k] = R.choice([True, False])
    return st

def doc():
    eth = {f'eth{i}': stanza() for i in range(R.randint(1, 3))}
    d = {'network': {'version': 2, 'renderer': 'networkd', 'ethernets': eth}}
    if R.random() < 0.3: d['network']['vlans'] = {'vlan15': {'id': 15, 'link': 'eth0', 'addresses': ['198.51.100.10/24']}}
    return d

def text_of(d):
    style = R.choice(['block', 'block', 'flowstanza', 'flowdoc'])
    if style == 'flowdoc':
        return '# site\n' + yaml.safe_dump(d, default_flow_style=True, width=4096)
    if style == 'flowstanza':
        lines = ['network:', '  version: 2', '  renderer: networkd', '  ethernets:']
        for n, st in d['network']['ethernets'].items():
            lines.append(f'    {n}: ' + edit.dump_flow(st) + ('  # ' + n if R.random() < 0.5 else ''))
        t = '\n'.join(lines) + '\n'
        if 'vlans' in d['network']: t += edit.dump_pair('vlans', d['network']['vlans'], 2)
        return t
    t = yaml.safe_dump(d, default_flow_style=False, sort_keys=False, indent=R.choice([2, 4]), width=4096)
    out = []
    for line in t.splitlines():
        if R.random() < 0.15: out.append(' ' * (len(line) - len(line.lstrip())) + '# note %d' % R.randint(0, 999))
        out.append(line)
    return '\n'.join(out) + '\n'

def change(d):
    new = copy.deepcopy(d); eth = new['network']['ethernets']; what = R.random()
    name = R.choice(list(eth))
    if what < 0.1: del eth[name]; return new, name
    if what < 0.2: eth['eth9'] = stanza(); return new, 'eth9'
    if what < 0.25: return new, None
    mode = R.choice(['static', 'dhcp', 'capture'])
    kw = {}
    if mode == 'static': kw = {'address': '203.0.113.%d' % R.randint(1, 254), 'prefix': 24, 'gateway': R.choice([None, '203.0.113.1']), 'dns': R.choice(['', '192.0.2.53']), 'domain': R.choice(['', 'a.example'])}
    if mode != 'capture' and R.random() < 0.5: kw.update({'address6': R.choice(['', '2001:db8:7::5/64']), 'gateway6': R.choice([None, '', 'fe80::1'])})
    eth[name] = model.new_stanza(eth[name], mode, **kw)
    return new, name

bad = []
for i in range(N):
    d = doc(); t = text_of(d); old = yaml.safe_load(t); new, name = change(old)
    try:
        p = edit.patch(t, old, new)
        got = yaml.safe_load(p)
        problems = []
        if got != new: problems.append('meaning')
        if new == old and p != t: problems.append('unchanged text rewritten')
        # outside the changed stanza every comment line stays (inside it, a comment within a key
        # the change rewrites or removes goes with that key: edit.py says so)
        inside = (0, 0)
        root = yaml.compose(t)
        if name is not None and not root.flow_style:
            net = dict((k.value, v) for k, v in root.value)['network']
            eth = dict((k.value, v) for k, v in net.value)['ethernets']
            for k, v in eth.value:
                if k.value == name:
                    sp = edit._Span(t, k, v); inside = (sp.start, sp.end)
        pos = 0
        for line in t.splitlines(keepends=True):
            # (the last interface removed rewrites ethernets: {} whole, its comments with it)
            if line.strip().startswith('#') and not (inside[0] <= pos < inside[1]) and line not in p and new['network']['ethernets']:
                problems.append('comment lost: ' + line)
            pos += len(line)
        for other, st in old['network']['ethernets'].items():
            if other != name and other in new['network']['ethernets'] and not root.flow_style:
                for k, v in dict((k.value, v) for k, v in dict((k.value, v) for k, v in root.value)['network'].value)['ethernets'].value:
                    if k.value == other:
                        sp = edit._Span(t, k, v)
                        if t[sp.start:sp.end] not in p: problems.append('other interface rewritten: ' + other)
        if problems: bad.append({'case': i, 'problems': problems[:3], 'text': t, 'patched': p})
    except Exception as e:
        bad.append({'case': i, 'problems': [f'{type(e).__name__}: {e}'], 'text': t})
print(json.dumps({'n': N, 'bad': bad[:5], 'nbad': len(bad)}))
`;

describe.skipIf(why !== undefined)('ccnet/edit.py: the YAML patcher', () => {
  it('600 generated files and changes: the meaning is the new value, comments and untouched text stay', () => {
    const seed = testSeed();
    const r = spawnSync('/usr/bin/python3', ['-c', PROG, join(SBIN, 'lib'), String(seed), '600'], { encoding: 'utf8', env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { n: number; nbad: number; bad: unknown[] };
    expect(out.bad, `seed ${seed}: ${out.nbad} of ${out.n} cases`).toEqual([]);
  });
});
