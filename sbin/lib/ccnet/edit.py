"""Rewriting a YAML file where it changed, and nowhere else.

PyYAML (the only YAML library of a stock Ubuntu appliance) drops comments and reformats
everything it dumps, so a file is never dumped whole: the text is patched. yaml.compose gives
each key's position in the file; a key whose value is unchanged keeps its text byte for byte,
a block mapping whose content changed is patched key by key (recursively), and only a key whose
value changed is written again, in place, at its indentation. So every comment, blank line, key
order, quoting and flow/block style outside the rewritten keys stays as it was.

What is lost: the text of a rewritten key itself, so a comment on its line or between the items
of a list that is rewritten (e.g. between two entries of `addresses:` when the address changes),
and the spelling of its values (quotes, flow style inside it). A file holding anchors/aliases
is refused (ValueError): patching one place of a shared value would change the others unseen.
"""
import yaml


class _Span:
    """Where a key/value pair lies: whole lines [start, end) of the text."""

    def __init__(self, text, key, value):
        self.start = text.rfind('\n', 0, key.start_mark.index) + 1
        last = _last_index(value)
        nl = text.find('\n', last)
        self.end = len(text) if nl < 0 else nl + 1
        self.col = key.start_mark.column
        self.alone = text[self.start:key.start_mark.index].strip() == ''  # the key begins its line


def _last_index(node):
    """The index just after the last character of a node's own text (block collections end
    where the next token begins, after blank lines and comments: their last item is used)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _last_index(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _last_index(node.value[-1])
    return node.end_mark.index


def _has_alias(text):
    for ev in yaml.parse(text):
        if isinstance(ev, yaml.AliasEvent) or getattr(ev, 'anchor', None):
            return True
    return False


def dump_pair(key, value, col):
    """`key: value` as block YAML at column col (lines ending in \\n)."""
    text = yaml.safe_dump({key: value}, default_flow_style=False, sort_keys=False, width=4096, allow_unicode=True)
    return ''.join(' ' * col + line + '\n' for line in text.splitlines())


def dump_flow(value):
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=4096, allow_unicode=True).strip()


def _patch_mapping(text, node, old, new, edits):
    """Edits (start, end, replacement) that turn block mapping `node` (value `old`) into `new`."""
    pairs = []
    for k, v in node.value:
        if not isinstance(k, yaml.ScalarNode):
            raise ValueError('a mapping key that is not a plain value')
        pairs.append((k.value, k, v))
    keys = {name for name, _, _ in pairs}
    oldk = {str(k): k for k in old}
    col = pairs[0][1].start_mark.column
    for name, k, v in pairs:
        span = _Span(text, k, v)
        if not span.alone:
            raise ValueError(f'key {name} does not begin its line')
        if name not in new:
            edits.append((span.start, span.end, ''))
            continue
        was = old.get(oldk.get(name, name))
        if was == new[name] and type(was) is type(new[name]):
            continue
        if isinstance(v, yaml.MappingNode) and not v.flow_style and isinstance(was, dict) and isinstance(new[name], dict) and new[name]:
            _patch_mapping(text, v, was, new[name], edits)
        elif isinstance(v, yaml.MappingNode) and v.flow_style or isinstance(v, yaml.SequenceNode) and v.flow_style:
            # a flow collection stays one: written again in flow style, in place
            edits.append((v.start_mark.index, v.end_mark.index, dump_flow(new[name])))
        else:
            edits.append((span.start, span.end, dump_pair(name, new[name], span.col)))
    added = ''.join(dump_pair(name, value, col) for name, value in new.items() if name not in keys)
    if added:
        last = _Span(text, pairs[-1][1], pairs[-1][2])
        edits.append((last.end, last.end, added if text[last.end - 1:last.end] == '\n' or last.end == 0 else '\n' + added))


def patch(text, old, new):
    """The text of a YAML document whose value is `old`, changed to have the value `new` (a
    mapping) with the least text rewritten. An empty or non-mapping document is written whole,
    its leading comment lines kept."""
    if old == new:
        return text
    root = yaml.compose(text) if text.strip() else None
    if not isinstance(root, yaml.MappingNode) or not root.value:
        head = ''.join(line for line in text.splitlines(keepends=True) if line.startswith('#'))
        return head + yaml.safe_dump(new, default_flow_style=False, sort_keys=False, width=4096)
    if _has_alias(text):
        raise ValueError('the file uses YAML anchors or aliases: it is not rewritten')
    if root.flow_style:
        return text[:root.start_mark.index] + dump_flow(new) + text[root.end_mark.index:]
    edits = []
    _patch_mapping(text, root, old, new, edits)
    # last first; of two insertions at one place (keys added to an inner mapping, then a key added
    # to the mapping around it, both after the same last line) the outer is inserted first, so the
    # inner's keys stay above it, in their mapping
    order = sorted(range(len(edits)), key=lambda i: (edits[i][0], edits[i][1], i), reverse=True)
    for start, end, repl in (edits[i] for i in order):
        text = text[:start] + repl + text[end:]
    return text
