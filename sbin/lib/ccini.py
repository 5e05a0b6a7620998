#!/usr/bin/env python3
"""ccini: the one grammar of appliance.ini, for the scripts (sbin/lib/ini.sh calls it).

The console reads the same grammar in src/system/ccini.ts; test/system/ini-agree.test.ts proves
the two agree on every file (same values, or the same refusal at the same line). A file that
cannot be read one way only is refused, with its line, by every reader and every writer.

Grammar (UTF-8; an optional byte-order mark first; every line ends with LF or CR LF):
  blank     [ \\t]*
  comment   [ \\t]* (; | #) anything
  section   [NAME] [ \\t]* [ (; | #) comment ]      at the start of the line
  key       NAME [ \\t]* = [ \\t]* VALUE [ \\t]* [ [ \\t]+ (; | #) comment ]   at the start
  NAME      [A-Za-z0-9_.-]+ (keys and sections are case-sensitive)
  VALUE     empty | a JSON string "..." | bare text without " ' \\ ; # (a comment after a
            bare value needs a space before its ; or #)
Refused: a line that is none of these (an indented key or section looks like the continuation
of the line before it), a key before any section, a key or section given twice, control
characters (a value decoded from JSON too), invalid UTF-8, a file that does not end with a
newline (cut short), a file with no section (empty or cut short), and a value its key's kind
(ccini-keys.json) does not allow.

Usage (exit 0 ok; 1 the file is damaged or unreadable, the reason on stderr as
"FILE line N: reason"; 2 bad usage or a value refused by its kind):
  ccini.py check FILE                   is FILE readable one way only? (missing: yes)
  ccini.py get FILE SECTION KEY         the decoded value (no newline), empty when absent
  ccini.py records FILE                 SECTION US KEY US VALUE, one a line (sbin/lib/ini.sh)
  ccini.py set FILE SECTION KEY VALUE [SECTION KEY VALUE ...]
                                        rewrite those keys in FILE, every other byte kept
                                        (an empty FILE is a new one: a staged temp);
                                        prints the records of what it wrote
  ccini.py dump FILE...                 one line per FILE: {"ok":true,"sections":{...}} or
                                        {"ok":false,"line":N,"error":"..."} (for the tests)
"""
import json
import os
import re
import sys

NAME = r'[A-Za-z0-9_.-]+'
JSON_STR = r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"'
RE_SECTION = re.compile(r'\[(' + NAME + r')\][ \t]*(?:[;#].*)?')
RE_KEY = re.compile(r'(' + NAME + r')[ \t]*=(.*)')
RE_QUOTED = re.compile(r'(' + JSON_STR + r')[ \t]*(?:[;#].*)?')
# a bare value's comment starts at a ; or # first on the value or after a space
RE_COMMENT = re.compile(r'(?:^|[ \t])[;#]')
RE_UNSAFE = re.compile(r'["\'\\;#]')
# C0 controls but tab, DEL, and the C1 controls: never part of a setting
RE_CONTROL = re.compile(r'[\x00-\x08\x0a-\x1f\x7f-\x9f]')
RE_SURROGATE = re.compile(r'[\ud800-\udfff]')

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ccini-keys.json'), encoding='utf-8') as _f:
    KINDS = json.load(_f)['kinds']


class Damaged(Exception):
    """The file cannot be read one way only: line (1-based, 0 for the whole file) and why."""

    def __init__(self, line, why):
        super().__init__(why)
        self.line = line
        self.why = why


def kind_of(section, key):
    return KINDS.get(section + '.' + key) or KINDS.get('*.' + key) or KINDS.get(section + '.*')


def kind_error(section, key, value):
    """Why `value` is not allowed for SECTION.KEY (ccini-keys.json), or None."""
    k = kind_of(section, key)
    if k is None or value == '':
        return None
    if 'enum' in k and value not in k['enum']:
        return '%s must be one of %s, not %s' % (key, ', '.join(k['enum']), json.dumps(value, ensure_ascii=False))
    if 'int' in k:
        lo, hi = k['int']
        if not re.fullmatch(r'0|[1-9][0-9]{0,8}', value) or not lo <= int(value) <= hi:
            return '%s must be a whole number from %d to %d, not %s' % (key, lo, hi, json.dumps(value, ensure_ascii=False))
    if 'pattern' in k and not re.search(k['pattern'], value):
        return '%s must be %s, not %s' % (key, k['says'], json.dumps(value, ensure_ascii=False))
    return None


def split_lines(data):
    """bytes → [(text, ending)], the BOM dropped. Damaged: 0 bytes, bad UTF-8 (the first bad
    line), a last line without its newline (checked after the lines: parse_lines reports a bad
    line before it)."""
    if data.startswith(b'\xef\xbb\xbf'):
        data = data[3:]
    if data == b'':
        raise Damaged(0, 'the file is empty (0 bytes): it was cut short or never written')
    raws = data.split(b'\n')
    out = []
    for n, raw in enumerate(raws[:-1] if data.endswith(b'\n') else raws, 1):
        ending = '\n'
        if raw.endswith(b'\r') and (n < len(raws) or data.endswith(b'\n')):
            raw, ending = raw[:-1], '\r\n'
        try:
            out.append((raw.decode('utf-8'), ending))
        except UnicodeDecodeError:
            raise Damaged(n, 'bytes that are not UTF-8 text')
    if not data.endswith(b'\n'):
        out[-1] = (out[-1][0], '')
    return out


def parse_lines(lines):
    """[(text, ending)] → (sections {name: {key: value}}, where {(section, key|None): index})."""
    sections, where, current, seen_at = {}, {}, None, {}
    for i, (text, _) in enumerate(lines):
        n = i + 1
        m = RE_CONTROL.search(text)
        if m:
            what = 'a carriage return inside the line' if m.group() == '\r' else 'a control character (0x%02x)' % ord(m.group())
            raise Damaged(n, '%s at column %d' % (what, m.start() + 1))
        stripped = text.strip(' \t')
        if stripped == '' or stripped[0] in ';#':
            continue
        if text[0] in ' \t':
            raise Damaged(n, 'an indented line: it reads as the continuation of the line before; remove the indentation')
        m = RE_SECTION.fullmatch(text)
        if m:
            current = m.group(1)
            if (current, None) in where:
                raise Damaged(n, 'section [%s] again (first at line %d): merge them into one' % (current, where[(current, None)] + 1))
            where[(current, None)] = i
            sections[current] = {}
            continue
        if text.startswith('['):
            raise Damaged(n, 'not a section header: a section is [NAME], NAME of letters, digits, _ . -')
        m = RE_KEY.fullmatch(text)
        if not m:
            raise Damaged(n, 'not "key = value", a [section] or a comment')
        key, rest = m.group(1), m.group(2)
        if current is None:
            raise Damaged(n, 'key %s before any [section]' % key)
        if (current, key) in where:
            raise Damaged(n, '%s set again in [%s] (first at line %d): keep one' % (key, current, where[(current, key)] + 1))
        value = parse_value(n, key, rest)
        err = kind_error(current, key, value)
        if err:
            raise Damaged(n, 'in [%s], %s' % (current, err))
        where[(current, key)] = i
        sections[current][key] = value
    if lines and lines[-1][1] == '':
        raise Damaged(len(lines), 'the last line does not end with a newline: the file may have been cut short (end it with a newline if it is complete)')
    if not sections:
        raise Damaged(0, 'no [section] in it: the file is empty or was cut short')
    return sections, where


def parse_value(n, key, rest):
    """The value after "=": a JSON string, or bare text up to a comment (" ;" or " #")."""
    lead = rest.lstrip(' \t')
    if lead.startswith('"'):
        m = RE_QUOTED.fullmatch(lead)
        if not m:
            raise Damaged(n, 'the value of %s is not one complete JSON string ("..." with \\" and \\\\ escapes): unterminated, a bad escape, or text after it' % key)
        value = json.loads(m.group(1))
        if RE_SURROGATE.search(value):
            raise Damaged(n, 'the value of %s holds a lone UTF-16 surrogate escape' % key)
        if RE_CONTROL.search(value):
            raise Damaged(n, 'the value of %s holds a control character' % key)
        return value
    m = RE_COMMENT.search(rest)
    value = (rest[:m.start()] if m else rest).strip(' \t')
    if RE_UNSAFE.search(value):
        raise Damaged(n, 'the value of %s holds " \' \\ ; or # : put the whole value in double quotes, as a JSON string' % key)
    return value


def read_file(path):
    """→ (lines, sections, where), or None when FILE does not exist. Damaged / OSError otherwise."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        return None
    lines = split_lines(data)
    sections, where = parse_lines(lines)
    return lines, sections, where, data.startswith(b'\xef\xbb\xbf')


def encode(value):
    return json.dumps(value, ensure_ascii=False)


def set_keys(path, triples):
    """Rewrites SECTION.KEY = VALUE for each triple; every other line is kept as it is."""
    # an empty file is a new one here: stage (files.sh) makes an empty temp for a file that does
    # not exist yet; the file itself was checked before it was staged (ini_guard refuses 0 bytes)
    got = read_file(path) if os.path.exists(path) and os.path.getsize(path) > 0 else None
    lines, sections, where, bom = got if got else ([], {}, {}, False)
    ending = lines[0][1] if lines else '\n'
    for section, key, value in triples:
        if not re.fullmatch(NAME, section) or not re.fullmatch(NAME, key):
            raise ValueError('not a section or key name: %s.%s' % (section, key))
        if RE_CONTROL.search(value) or RE_SURROGATE.search(value):
            raise ValueError('the value for %s.%s holds a control character' % (section, key))
        err = kind_error(section, key, value)
        if err:
            raise ValueError('in [%s], %s' % (section, err))
        line = '%s = %s' % (key, encode(value))
        if (section, key) in where:
            i = where[(section, key)]
            lines[i] = (line, lines[i][1])
        elif (section, None) in where:
            # right after the last key (or the header) of the section: blank lines stay below
            last = max(i for (s, _), i in where.items() if s == section)
            lines.insert(last + 1, (line, ending))
            where = {k: (i + 1 if i > last else i) for k, i in where.items()}
            where[(section, key)] = last + 1
        else:
            if lines and lines[-1][0].strip(' \t') != '':
                lines.append(('', ending))
            lines.append(('[%s]' % section, ending))
            where[(section, None)] = len(lines) - 1
            lines.append((line, ending))
            where[(section, key)] = len(lines) - 1
    text = ('\ufeff' if bom else '') + ''.join(t + e for t, e in lines)
    # what we write must read back as written (never a file we would refuse next time)
    sections, _ = parse_lines(split_lines(text.encode('utf-8')))
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write(text)
    return sections


def records(sections):
    """SECTION US KEY US VALUE, one a line: no value holds a control character."""
    for section, keys in sections.items():
        for key, value in keys.items():
            sys.stdout.write('%s\x1f%s\x1f%s\n' % (section, key, value))


def cause(e):
    words = {
        'EISDIR': 'it is a directory, not a file',
        'EACCES': 'permission denied (run sudo)',
        'EPERM': 'permission denied (run sudo)',
        'ENOTDIR': 'a part of its path is not a directory',
        'ELOOP': 'too many symbolic links',
        'EIO': 'input/output error',
    }
    import errno
    return words.get(errno.errorcode.get(e.errno or 0, ''), e.strerror or str(e))


def dump(path):
    """What the tests compare with the console's reader: the sections, or the refusal."""
    try:
        got = read_file(path)
        return {'ok': True, 'sections': got[1] if got else None}
    except Damaged as e:
        return {'ok': False, 'line': e.line, 'error': e.why}
    except OSError as e:
        return {'ok': False, 'line': 0, 'error': 'cannot read it: ' + cause(e)}


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, path = argv[0], argv[1]
    try:
        if cmd == 'check' and len(argv) == 2:
            read_file(path)
        elif cmd == 'get' and len(argv) == 4:
            got = read_file(path)
            sys.stdout.write((got[1].get(argv[2], {}).get(argv[3], '')) if got else '')
        elif cmd == 'set' and len(argv) >= 5 and (len(argv) - 2) % 3 == 0:
            rest = argv[2:]
            records(set_keys(path, [tuple(rest[i:i + 3]) for i in range(0, len(rest), 3)]))
        elif cmd == 'records' and len(argv) == 2:
            got = read_file(path)
            records(got[1] if got else {})
        elif cmd == 'dump':
            for one in argv[1:]:
                print(json.dumps(dump(one), ensure_ascii=False))
        else:
            print('ccini.py: bad usage (ccini.py --help)', file=sys.stderr)
            return 2
    except Damaged as e:
        where = path if e.line == 0 else '%s line %d' % (path, e.line)
        print('%s: %s' % (where, e.why), file=sys.stderr)
        return 1
    except ValueError as e:
        print('ccini.py: %s' % e, file=sys.stderr)
        return 2
    except OSError as e:
        print('%s: cannot read it: %s' % (path, cause(e)), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
