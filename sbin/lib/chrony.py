#!/usr/bin/env python3
"""chrony's configuration as the console sees it (for set_ntp.sh and show_ntp.sh).

  chrony.py render CONF SERVER...   the new chrony.conf on stdout: the server/pool lines of
                                    CONF (the lines `ntp set` manages) become SERVER..., every
                                    other line is kept byte for byte
  chrony.py sources ROOT CONF [--demo]
                                    JSON on stdout: every time source chrony is configured with
                                    (CONF, its include/confdir/sourcedir files) and every source
                                    the running daemon has (chronyc), each marked by its origin

What `ntp set` owns in chrony.conf (chrony.conf(5)): the `server` and `pool` lines of the main
file, nothing else. A server that was already listed keeps its line as it is (its kind, `pool`
or `server`, and its options: iburst, minpoll, maxpoll, prefer, maxsources, ...); a new one gets
`server HOST [port P] iburst`. `peer`, `refclock`, `include`, `confdir`, `sourcedir` lines, and
every other directive and comment, are kept. Paths in chrony.conf are read under ROOT (the
appliance root, as every path of the console).
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

HEADER = '# NTP servers, set by confconsole (set_ntp.sh)'
COMMENT = ('#', '%', ';', '!')  # chrony.conf(5): a line starting with one of these is a comment
SOURCES = ('server', 'pool', 'peer')
DHCP_DIRS = ('/run/chrony-dhcp', '/var/run/chrony-dhcp')  # Debian/Ubuntu's DHCP hooks write here
STATES = {
    '*': 'selected',
    '+': 'combined',
    '-': 'not combined',
    '?': 'not usable',  # no answer yet, or too few samples (chronyc(1))
    'x': 'falseticker',
    '~': 'too variable',
}
MODES = {'^': 'server', '=': 'peer', '#': 'refclock'}


def words(line):
    """The directive and its arguments, or None for a comment or an empty line."""
    s = line.strip()
    if not s or s.startswith(COMMENT):
        return None
    return s.split()


def option(args, name):
    """The value of option NAME in a source line's arguments (chrony: `port 123`), or None."""
    for i, a in enumerate(args[:-1]):
        if a.lower() == name:
            return args[i + 1]
    return None


def notation(host, port):
    """The console's notation of a source: HOST, HOST:PORT or [IPv6]:PORT (123 is said when given)."""
    if port is None:
        return host
    return f'[{host}]:{port}' if ':' in host else f'{host}:{port}'


def parse_notation(s):
    """HOST, HOST:PORT, [IPv6]:PORT or a bare IPv6 address → (host, port or None)."""
    m = re.fullmatch(r'\[([^\]]+)\](?::(\d+))?', s)
    if m:
        return m.group(1), (int(m.group(2)) if m.group(2) else None)
    if s.count(':') == 1:
        h, p = s.split(':')
        return h, int(p)
    return s, None


def key(host, port):
    """What makes two sources the same: the host (names compare without case) and the port."""
    return host.lower(), 123 if port is None else int(port)


def source_of(args):
    """(host, port or None) of a server/pool/peer line's arguments."""
    p = option(args[2:], 'port')
    return args[1], (int(p) if p and p.isdigit() else None)


# ---- render --------------------------------------------------------------------------------

def render(text, servers):
    """The new chrony.conf text: SERVERS in place of the main file's server/pool lines."""
    lines = text.split('\n')
    if lines[-1] == '':
        lines.pop()
    kept = {}
    first = None
    out = []
    for line in lines:
        w = words(line)
        if line.strip() == HEADER:
            continue
        if w and w[0].lower() in ('server', 'pool') and len(w) >= 2:
            kept.setdefault(key(*source_of(w)), line)
            if first is None:
                first = len(out)
            continue
        out.append(line)
    block = [HEADER]
    for s in servers:
        host, port = parse_notation(s)
        line = kept.get(key(host, port))
        if line is not None:
            print(f'kept as it was: {line.strip()}', file=sys.stderr)
            block.append(line)
        else:
            block.append(f'server {host}' + (f' port {port}' if port is not None else '') + ' iburst')
    if first is None:
        first = len(out)
    out[first:first] = block
    return '\n'.join(out) + '\n'


# ---- sources -------------------------------------------------------------------------------

class Conf:
    """chrony.conf and the files it reads, as chronyd reads them (chrony.conf(5))."""

    def __init__(self, root):
        self.root = root
        self.entries = []
        self.problems = []
        self.socket = '/run/chrony/chronyd.sock'

    def under(self, path):
        return path if self.root in ('', '/') else os.path.join(self.root, path.lstrip('/'))

    def shown(self, path):
        """A path as chrony.conf names it (without the root)."""
        if self.root not in ('', '/') and path.startswith(self.root.rstrip('/') + '/'):
            return path[len(self.root.rstrip('/')):]
        return path

    def read(self, path, origin, depth=0, only_sources=False):
        try:
            with open(path, encoding='utf-8', errors='replace') as f:
                lines = f.read().split('\n')
        except OSError as e:
            self.problems.append(f'cannot read {self.shown(path)}: {e.strerror}')
            return
        main = origin == 'ours'
        for n, line in enumerate(lines, 1):
            w = words(line)
            if not w:
                continue
            d = w[0].lower()
            if d in SOURCES and len(w) >= 2:
                host, port = source_of(w)
                o = origin if not (main and d == 'peer') else 'line'
                self.entries.append({
                    'name': notation(host, port),
                    'kind': d,
                    'origin': o,
                    'file': self.shown(path),
                    'line': n,
                    'text': line.strip(),
                    'options': ' '.join(w[2:]),
                    'daemon': [],
                })
            elif only_sources or depth > 8:
                continue
            elif d == 'refclock' and len(w) >= 3:
                self.entries.append({
                    'name': f'{w[1]} {w[2]}',
                    'kind': 'refclock',
                    'origin': 'line' if main else origin,
                    'file': self.shown(path),
                    'line': n,
                    'text': line.strip(),
                    'options': ' '.join(w[3:]),
                    'daemon': [],
                })
            elif d == 'include' and len(w) >= 2:
                for f in sorted(glob.glob(self.under(w[1]))):
                    self.read(f, 'file', depth + 1)
            elif d in ('confdir', 'sourcedir') and len(w) >= 2:
                ext = '.conf' if d == 'confdir' else '.sources'
                files = {}
                for dirname in w[1:]:
                    try:
                        names = os.listdir(self.under(dirname))
                    except OSError:
                        continue  # chronyd ignores a directory that is not there (DHCP's, until a lease)
                    for name in names:
                        if name.endswith(ext) and name not in files:
                            files[name] = (dirname, os.path.join(self.under(dirname), name))
                for name in sorted(files):
                    dirname, f = files[name]
                    o = 'dhcp' if dirname.rstrip('/') in DHCP_DIRS else 'file'
                    self.read(f, o, depth + 1, only_sources=d == 'sourcedir')
            elif d == 'bindcmdaddress' and len(w) >= 2 and w[1].startswith('/'):
                self.socket = w[1]


def chronyc(sock, *args):
    """chronyc's CSV rows (`-c`), or (None, why) when the daemon does not answer."""
    try:
        r = subprocess.run(['chronyc', '-h', sock, '-c', *args], capture_output=True, text=True, timeout=5, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, 'chronyc did not answer within 5 s'
    if r.returncode != 0:
        return None, (r.stderr.strip() or r.stdout.strip() or f'chronyc exited {r.returncode}').split('\n')[-1]
    return [l.split(',') for l in r.stdout.strip().split('\n') if l], None


def live(conf, demo):
    """The daemon's sources: (rows of {mode, state, name, address, stratum, poll, reach}, daemon info)."""
    if demo:
        return [], {'running': False, 'asked': False, 'error': 'the demo appliance has no chronyd to ask'}
    if shutil.which('chronyc') is None:
        return [], {'running': False, 'asked': False, 'error': 'chronyc is not installed'}
    sock = conf.under(conf.socket)
    if not os.path.exists(sock):
        return [], {'running': False, 'asked': True, 'error': f'chronyd is not running (no command socket {conf.shown(sock)})'}
    named, err = chronyc(sock, '-N', 'sources')
    addrs, err2 = chronyc(sock, '-n', 'sources')
    if named is None:
        # chrony 3.5 has no -N (original names): match by address only
        named, err = addrs, err2
    if named is None:
        return [], {'running': False, 'asked': True, 'error': f'chronyd does not answer: {err}'}
    same = addrs is not None and len(addrs) == len(named)
    rows = []
    for i, f in enumerate(named):
        if len(f) < 6:
            continue
        row = {
            'mode': MODES.get(f[0], f[0]),
            'state': STATES.get(f[1], f[1]),
            'name': f[2],
            'address': addrs[i][2] if same and len(addrs[i]) > 2 else f[2],
            'stratum': int(f[3]) if f[3].isdigit() else 0,
            'reach': f[5],
        }
        rows.append(row)
    return rows, {'running': True, 'asked': True}


def host_of(name):
    return parse_notation(name)[0].lower()


def sources(root, conf_path, demo):
    conf = Conf(root)
    conf.read(conf_path, 'ours')
    rows, daemon = live(conf, demo)
    extra = []
    for row in rows:
        # the first configured source of that name (what chronyd loaded first) has it
        match = next((e for e in conf.entries if e['kind'] != 'refclock' and host_of(e['name']) == row['name'].lower()), None)
        if match is None and row['mode'] == 'refclock':
            match = next((e for e in conf.entries if e['kind'] == 'refclock' and not e['daemon']), None)
        if match is not None:
            match['daemon'].append(row)
        else:
            extra.append({
                'name': row['name'],
                'kind': row['mode'],
                'origin': 'daemon',
                'file': '',
                'line': 0,
                'text': '',
                'options': '',
                'daemon': [row],
            })
    return {
        'ok': True,
        'servers': [e['name'] for e in conf.entries if e['origin'] == 'ours'],
        'sources': conf.entries + extra,
        'daemon': daemon,
        'problems': conf.problems,
    }


def main(argv):
    if len(argv) >= 2 and argv[0] == 'render':
        # bytes that are not UTF-8 (a hand-edited comment) go back out as they came in
        with open(argv[1], 'rb') as f:
            text = f.read().decode('utf-8', 'surrogateescape')
        sys.stdout.buffer.write(render(text, argv[2:]).encode('utf-8', 'surrogateescape'))
        return 0
    if len(argv) >= 3 and argv[0] == 'sources':
        print(json.dumps(sources(argv[1], argv[2], '--demo' in argv[3:])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
