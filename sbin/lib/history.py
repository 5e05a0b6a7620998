#!/usr/bin/env python3
"""history: the revisions of the appliance's settings (issue 15), for sbin/lib/history.sh.

Every change a script journals (sbin/lib/files.sh txn_begin) and audits as "ok" becomes one
revision: <root>/var/lib/confconsole/history/NNNNNNNN.json (dir 0700, file 0600, written to a
temp, fsynced, renamed), holding who, when, the area, a one-line summary, and each file of the
change as it was before (the journal's backup) and as it is after (the file now). A secret
(a file under etc/confconsole/secrets or etc/apt/auth.conf.d) is never copied: only its length and the first 8 hex
digits of its SHA-256 (as the audit and `confconsole export` describe secrets). The console reads
the records (src/features/history); a damaged one is named and skipped, never a crash.

Area of a revision: the audit action's first word, with `net` read as `network` (ntp.set → ntp,
callhome.set → callhome, net.set / net.rollback → network, pcap.set → pcap, master.set → master,
ossensor.hmac → ossensor).

Usage:
  history.py record ROOT TXN_FILE KEEP ACTION DETAIL USER TTY FROM SCRIPT RESTORED_FROM
      store one revision from the journal TXN_FILE (its "file PATH BACKUP" records), keep the
      newest KEEP; prints the new id. Exit 1 when it cannot be stored (the reason on stderr).
  history.py plan ROOT ID WORK
      what `history restore ID` writes: the files as they were after revision ID, staged in WORK.
      Lines (TAB-separated): "area AREA", "summary TEXT", "iface IFACE" (network), "file PATH
      SRC MODE", "remove PATH". appliance.ini is shared by every area: only the keys the revision
      changed get their value after it, every other key stays as it is now (so the file comes back
      byte for byte when nothing else changed since). A secret is never written: the restore is
      refused (exit 3) unless the secret in place is the one the revision left. Exit 2: no such
      revision, or it is damaged.
"""
import base64
import hashlib
import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ccini  # noqa: E402  (the one grammar of appliance.ini)
import fingerprint  # noqa: E402  (secret fingerprints keyed per appliance)

FORMAT = 1
HISTORY = '/var/lib/confconsole/history'
INI = '/etc/confconsole/appliance.ini'
SECRETS = '/etc/confconsole/secrets/'
# other files that hold a secret: APT's credentials (the update key, the proxy login)
SECRET_DIRS = (SECRETS, '/etc/apt/auth.conf.d/')


def is_secret(rel, *_paths):
    """A secret: a file of a secrets directory (the netplan files, 0600 as netplan wants them, are
    settings: kept whole, in a record as private as they are, so a network revision can be restored)."""
    return rel.startswith(SECRET_DIRS)
# state of the scripts, not settings (the pending network change, the journal): never recorded
NOT_SETTINGS = ('/var/lib/confconsole/', '/run/')
AREAS = {'net': 'network'}
NAME = re.compile(r'^(\d{8})\.json$')


def area_of(action):
    first = action.split('.', 1)[0]
    return AREAS.get(first, first)


def describe(data, root):
    """A secret as it may be recorded: its length and fingerprint keyed per appliance
    (fingerprint.py: an unsalted hash of a short secret could be reversed), the value without
    its newline."""
    value = data[:-1] if data.endswith(b'\n') else data
    return {'secret': 'omitted', 'length': len(value.decode('utf-8', 'replace')), 'hmac': fingerprint.fingerprint(value, root)}


def same_secret(then, path, root):
    """Whether the secret file at path holds the secret a revision recorded (then: its
    description, None when absent). A revision recorded before the keyed fingerprint has an
    unsalted sha256 prefix: compared as it was, in memory only (never written again)."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        return not then
    if not then:
        return False
    value = data[:-1] if data.endswith(b'\n') else data
    if len(value.decode('utf-8', 'replace')) != then.get('length'):
        return False
    if 'hmac' in then:
        return fingerprint.fingerprint(value, root) == then['hmac']
    return hashlib.sha256(value).hexdigest()[:8] == then.get('sha256')


def said_secret(s):
    """A recorded secret description in words (the one of either kind), 'none' when absent."""
    if not s:
        return 'none'
    return '%d chars, %s %s' % (s['length'], 'hmac' if 'hmac' in s else 'sha256', s.get('hmac', s.get('sha256')))


def content(path, secret, root):
    """A file's state: None (absent), its description (a secret), or its text (base64 if not UTF-8)."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        return None
    if secret:
        return describe(data, root)
    try:
        return {'text': data.decode('utf-8')}
    except UnicodeDecodeError:
        return {'base64': base64.b64encode(data).decode('ascii')}


def raw(state):
    return state['text'].encode('utf-8') if 'text' in state else base64.b64decode(state['base64'])


def write_atomic(path, data, mode=0o600):
    d = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', dir=d)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        os.rename(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    dfd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def ids(hdir):
    try:
        names = os.listdir(hdir)
    except FileNotFoundError:
        return []
    return sorted(int(m.group(1)) for m in map(NAME.match, names) if m)


def record(root, txn, keep, action, detail, user, tty, frm, script, restored_from):
    hdir = root + HISTORY
    os.makedirs(hdir, mode=0o700, exist_ok=True)
    os.chmod(hdir, 0o700)
    files = []
    with open(txn, encoding='utf-8') as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) != 3 or parts[0] != 'file':
                continue
            path, backup = parts[1], parts[2]
            rel = path[len(root):] if root and path.startswith(root) else path
            if rel.startswith(NOT_SETTINGS):
                continue
            secret = is_secret(rel, path, *([] if backup == '-' else [backup]))
            before = None if backup == '-' else content(backup, secret, root)
            after = content(path, secret, root)
            try:
                mode = '%o' % (os.stat(path).st_mode & 0o7777)
            except FileNotFoundError:
                mode = None
            files.append({'path': rel, 'secret': secret, 'mode': mode, 'before': before, 'after': after})
    have = ids(hdir)
    new = (have[-1] + 1) if have else 1
    rec = {
        'format': FORMAT, 'id': new, 'time': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        'user': user, 'tty': tty, 'from': frm or None, 'script': script, 'action': action,
        'area': area_of(action), 'summary': detail, 'restored_from': int(restored_from) if restored_from else None,
        'files': files,
    }
    write_atomic(os.path.join(hdir, '%08d.json' % new), (json.dumps(rec, ensure_ascii=False, indent=1) + '\n').encode('utf-8'))
    for old in (have + [new])[:-keep] if keep > 0 else []:
        try:
            os.unlink(os.path.join(hdir, '%08d.json' % old))
        except FileNotFoundError:
            pass
    print(new)
    return 0


def load(root, rid):
    path = os.path.join(root + HISTORY, '%08d.json' % rid)
    try:
        with open(path, encoding='utf-8') as f:
            rec = json.load(f)
        if rec.get('format') != FORMAT or rec.get('id') != rid or not isinstance(rec.get('files'), list):
            raise ValueError('not a revision record of format %d' % FORMAT)
        for fl in rec['files']:
            if not isinstance(fl.get('path'), str) or not fl['path'].startswith('/') or '/../' in fl['path']:
                raise ValueError('a file without a valid path')
        return rec
    except FileNotFoundError:
        raise LookupError('there is no revision %d (kept in %s)' % (rid, root + HISTORY))
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise LookupError('revision %d is damaged (%s): %s' % (rid, path, e))


def plan(root, rid, work):
    rec = load(root, rid)
    out = ['area\t%s' % rec['area'], 'summary\t%s' % rec.get('summary', '').replace('\t', ' ').replace('\n', ' ')]
    if rec['area'] == 'network':
        out.append('iface\t%s' % rec.get('summary', '').split(':', 1)[0])
    n = 0
    for fl in rec['files']:
        path = root + fl['path']
        after = fl.get('after')
        if fl.get('secret'):
            if not same_secret(after, path, root):
                sys.stderr.write('the secret %s is not the one revision %d left (then: %s; now: %s): '
                                 'restoring the settings around another secret would mix them; set that secret again first\n'
                                 % (fl['path'], rid, said_secret(after), said_secret(content(path, True, root))))
                return 3
            continue
        if after is None:
            out.append('remove\t%s' % path)
            continue
        n += 1
        src = os.path.join(work, str(n))
        merge = fl['path'] == INI and fl.get('before') is not None and os.path.exists(path)
        if merge:
            try:
                b = ccini.parse_lines(ccini.split_lines(raw(fl['before'])))[0]
                a = ccini.parse_lines(ccini.split_lines(raw(after)))[0]
                ccini.read_file(path)
            except ccini.Damaged:
                merge = False  # a damaged file before or now (Restore settings): the whole file as after
        if merge:
            # only the keys this revision changed: the other areas' keys stay as they are now
            triples = [(s, k, v) for s, keys in a.items() for k, v in keys.items() if b.get(s, {}).get(k) != v]
            with open(path, 'rb') as f, open(src, 'wb') as g:
                g.write(f.read())
            if triples:
                ccini.set_keys(src, triples)
        else:
            with open(src, 'wb') as g:
                g.write(raw(after))
        out.append('file\t%s\t%s\t%s' % (path, src, fl.get('mode') or '644'))
    sys.stdout.write(''.join(x + '\n' for x in out))
    return 0


def main(argv):
    try:
        if len(argv) == 11 and argv[0] == 'record':
            return record(argv[1].rstrip('/'), argv[2], int(argv[3] or 200), *argv[4:])
        if len(argv) == 4 and argv[0] == 'plan':
            return plan(argv[1].rstrip('/'), int(argv[2]), argv[3])
    except LookupError as e:
        sys.stderr.write('%s\n' % e.args[0])
        return 2
    except (OSError, ValueError, ccini.Damaged) as e:
        sys.stderr.write('%s\n' % e)
        return 1
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
