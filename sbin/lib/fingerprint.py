"""Secret fingerprints for the audit, the history, exported documents and show commands: a
secret's length and the first 8 hex digits of an HMAC-SHA256 keyed with this appliance's own
random key (<root>/etc/confconsole/secrets/fingerprint.key, 0600, made on first use).

Why keyed: an unsalted hash prefix of a short secret (a 5-character pull token, a proxy
password) is found by brute force offline from the audit log; with a key that never leaves the
appliance's secrets directory, the fingerprint only says whether two values on this appliance
are the same (what the history and an import compare).

Usage: fingerprint.py ROOT < value  → the 8 hex digits (the value without one final newline).
       fingerprint.py ROOT --key     → makes the key when there is none (prints nothing)."""
import hashlib
import hmac
import os
import secrets
import sys

KEY_FILE = 'etc/confconsole/secrets/fingerprint.key'


def key(root):
    """The appliance's fingerprint key (bytes), made when there is none: written whole to a
    temporary file and linked into place, so two writers at once agree on one key."""
    path = os.path.join(root or '/', KEY_FILE)
    try:
        with open(path, 'rb') as f:
            k = f.read().strip()
        if k:
            return k
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    # hidden, so a writer killed here leaves nothing that looks like a secret of a setting
    tmp = os.path.join(os.path.dirname(path), '.%s.%d.tmp' % (os.path.basename(path), os.getpid()))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, 'wb') as f:
        f.write(secrets.token_hex(32).encode() + b'\n')
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # another writer made it first: its key is the one
    finally:
        os.unlink(tmp)
    with open(path, 'rb') as f:
        return f.read().strip()


def fingerprint(value, root):
    """The first 8 hex digits of HMAC-SHA256(key, value) (value: bytes)."""
    return hmac.new(key(root), value, hashlib.sha256).hexdigest()[:8]


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[2] == '--key':
        key(sys.argv[1])
        sys.exit(0)
    data = sys.stdin.buffer.read()
    print(fingerprint(data[:-1] if data.endswith(b'\n') else data, sys.argv[1]))
