"""Where a diagnostic points in a YAML file: at the offending value itself, or at what introduces it.

`YamlDocument.position(path)` gives where a value *starts*: for a block mapping or list that is its first
entry (`previous_year:` → the line of `source:` or `totals:` below it), which reads as if that entry were
at fault. `locate` points at a written scalar where it is written, at a mapping or list by the key that
introduces it, and at a value that is not written by its nearest written ancestor, treated the same way.
"""

from __future__ import annotations

import yaml

from generator.yamlsource import YamlDocument, _Parser


def locate(doc: YamlDocument, path: tuple) -> tuple[int, int]:
    """1-based line and column for the value at `path` (keys and list indexes), as described above."""
    found = _locate_in_tree(doc, tuple(path)) if doc.root is None else None
    if found is not None:
        return found
    node = compose_root(doc)
    if node is None:
        return doc.position(tuple(path))
    here = _mark(node)
    for part in path:
        child, key_node = _child(node, part)
        if child is None:
            break  # not written: stay at the nearest ancestor that is
        node = child
        here = _mark(key_node) if key_node is not None and not isinstance(child, yaml.ScalarNode) else _mark(child)
    return here


def compose_root(doc: YamlDocument) -> yaml.Node | None:
    """The document's node tree, composed again from the file the first time it is asked for."""
    if doc.root is None:
        doc.root = _compose(doc)  # kept: a disclosure with one problem often has several
    return doc.root


def _locate_in_tree(doc: YamlDocument, path: tuple) -> tuple[int, int] | None:
    """`locate` from the loader's compact tree of positions and the positions of the keys that introduce
    lists and mappings (`YamlDocument.key_at`), without composing the file again; None where that tree
    cannot answer as the node tree would (no tree, or a mapping on the way with a key that is not text,
    whose written form the tree does not keep)."""
    tree = doc._tree
    if tree is None or doc.data is None:  # no tree, or a document refused after loading (S015)
        return None
    here = tree if tree.__class__ is int else tree[0]
    for part in path:
        if tree.__class__ is int:
            break  # a scalar has nothing below it
        if tree[1]:
            keys = tree[2::2]
            if any(key.__class__ is not str for key in keys):
                return None
            text = str(part)
            index = max((j for j, key in enumerate(keys) if key == text), default=None)
            if index is None:
                break
            tree = tree[3 + 2 * index]
            here = tree if tree.__class__ is int else doc.key_at[id(tree)]
        else:
            if not isinstance(part, int) or isinstance(part, bool) or not 0 <= part < len(tree) - 2:
                break
            tree = tree[2 + part]
            here = tree if tree.__class__ is int else tree[0]
    return (here >> 32) + 1, (here & 0xFFFFFFFF) + 1


def _child(node: yaml.Node, part) -> tuple[yaml.Node | None, yaml.Node | None]:
    """The value node for `part` inside `node`, and the key node that introduces it (None in a list)."""
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and not isinstance(part, bool):
        return (node.value[part], None) if 0 <= part < len(node.value) else (None, None)
    if isinstance(node, yaml.MappingNode):
        found: tuple[yaml.Node | None, yaml.Node | None] = (None, None)
        for key_node, value_node in node.value:  # the last of duplicate keys is the one that counts
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                found = (value_node, key_node)
        return found
    return None, None


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _compose(doc: YamlDocument) -> yaml.Node | None:
    """The node tree, composed again from the file: the loader keeps only value positions, not where
    keys are written, and this is needed only for the few values a diagnostic points at."""
    if doc.data is None:
        return None
    try:
        loader = _Parser(doc.path.read_bytes().decode("utf-8-sig"))
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
