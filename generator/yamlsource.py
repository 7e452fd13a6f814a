"""Safe YAML loading that remembers where every value was written.

Amounts stay exact: YAML floats are constructed as Decimal from their source text.
Documents are bounded in size and in alias expansion, and duplicate keys are reported.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from generator import yamlhints

MAX_BYTES = 2 * 1024 * 1024
MAX_EXPANDED_NODES = 200_000
# Lists and mappings inside one another: no disclosure needs more than a few levels; tens of thousands
# (a run of "[") overflow the C stack of the parser's composer (a segmentation fault, not an exception).
MAX_DEPTH = 100
# Characters that are not text: C0 controls but tab, line feed and carriage return; DEL; C1 controls;
# the non-characters U+FFFE and U+FFFF. (PyYAML refuses them raw; a "\e" or "\x01" escape makes them.)
# Bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069) make text display in an
# order other than the one written ("Trojan Source"): a reviewer would read one figure, the page another.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "退格", 0x0B: "垂直制表", 0x0C: "换页", 0x1B: "ESC", 0x7F: "DEL",
                 0x85: "NEL", 0xFFFE: "非字符", 0xFFFF: "非字符", 0x202E: "从右至左强制", 0x202D: "从左至右强制",
                 0x202A: "从左至右嵌入", 0x202B: "从右至左嵌入", 0x202C: "嵌入结束", 0x2066: "从左至右隔离",
                 0x2067: "从右至左隔离", 0x2068: "首字隔离", 0x2069: "隔离结束"}
MAX_CONTROL_REPORTS = 20  # per file: the first lines that hold one are enough to find the rest

_Parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # C parser; scalars are typed below

NULLS = {"", "~", "null", "Null", "NULL"}
BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
         "yes": True, "Yes": True, "YES": True, "no": False, "No": False, "NO": False,
         "on": True, "On": True, "ON": True, "off": False, "Off": False, "OFF": False}
INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$")
SPECIAL_FLOAT = re.compile(r"^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$")
STR_TAG, INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
BOOL_TAG, NULL_TAG = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
SEQ_TAG, MAP_TAG = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
UNTAGGED = "tag:budgetsite,untagged"  # a scalar written without a tag, typed by `_scalar` from its text
SAFE_TAGS = {STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG, SEQ_TAG, MAP_TAG, "tag:yaml.org,2002:timestamp"}


class Unsupported(ValueError):
    """A value safe YAML would accept that a disclosure cannot hold; its message is for the officer."""


class UnsafeTag(Exception):
    def __init__(self, node: yaml.Node):
        super().__init__(node.tag)
        self.node = node


_ScalarNode, _SequenceNode, _MappingNode = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode


class _Loader(_Parser):
    """The parser, without PyYAML's resolver work for every node.

    A BaseLoader has no implicit or path resolvers, so its `resolve` always answers the default tag of
    the node's kind (seq, map; for a scalar UNTAGGED, which `_scalar` types); it is only asked about
    nodes without an explicit tag, so explicit tags (`!!python/object`…) still reach `_construct` and
    are refused there, and an explicit `!!str` stays text (`!!str 576.77` is text, as "576.77" is).
    """

    def resolve(self, kind, value, implicit):
        if kind is _ScalarNode:
            return UNTAGGED
        if kind is _SequenceNode:
            return SEQ_TAG
        return MAP_TAG

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


if _Parser.yaml_implicit_resolvers or _Parser.yaml_path_resolvers:  # someone registered resolvers: honour them
    _Loader = _Parser  # noqa: F811
    UNTAGGED = STR_TAG  # noqa: F811 (their resolver tags plain text str: an explicit !!str looks the same)

# Plain text can only be typed when it starts like a number or like one of the words of NULLS and BOOLS.
_NUMBER_START = frozenset("+-.0123456789")
_WORD_START = frozenset(w[0] for w in (*NULLS, *BOOLS) if w)


def _scalar(node: yaml.ScalarNode) -> Any:
    """Type a scalar the way YAML 1.1 safe loading does, but with Decimal for real numbers."""
    if node.tag != UNTAGGED:
        return _tagged_scalar(node)
    text = node.value
    if node.style or text >= "\x80":
        return text  # quoted or block, or starting with a character beyond ASCII: always text
    if not text:
        return None
    first = text[0]
    if first in _NUMBER_START:  # cannot be a null or a bool
        if INT.match(text):
            return int(text.replace("_", ""))
        if FLOAT.match(text):  # every text FLOAT matches has a digit
            return Decimal(text.replace("_", ""))
        return text
    if first in _WORD_START:  # cannot be a number
        if text in NULLS:
            return None
        if text in BOOLS:
            return BOOLS[text]
    return text


def _tagged_scalar(node: yaml.ScalarNode) -> Any:
    """A scalar with any tag: the general rule of `_scalar`."""
    text = node.value
    tag = node.tag
    if tag not in SAFE_TAGS:
        raise UnsafeTag(node)
    plain = node.style in (None, "")
    if tag == STR_TAG and (not plain or UNTAGGED != STR_TAG):
        return text  # quoted or block, or tagged !!str: always text
    if tag in (STR_TAG, NULL_TAG) and text in NULLS:
        return None
    if tag in (STR_TAG, BOOL_TAG) and text in BOOLS:
        return BOOLS[text]
    if tag in (STR_TAG, INT_TAG) and INT.match(text):
        return int(text.replace("_", ""))
    if tag in (STR_TAG, FLOAT_TAG) and FLOAT.match(text) and any(ch.isdigit() for ch in text):
        return Decimal(text.replace("_", ""))
    if tag == FLOAT_TAG and SPECIAL_FLOAT.match(text):
        raise Unsupported("不支持无穷大或非数字")
    return text


def _construct(node: yaml.Node, memo: dict[int, Any] | None, doc: "YamlDocument", aliases: list[int],
               out: list) -> Any:
    """Build plain Python data; duplicate keys reported; appends to `out` the node's entry in the compact
    tree of positions (see `YamlDocument`).

    With a `memo`, shared (aliased) nodes are built once and noted in `aliases`; `memo` is None when the
    text has no anchor, so that no node can be shared. Scalar children are typed in place. (Every node's
    id is taken even without a memo, and lists are built through a generator, so that a document nested
    too deeply still fails as before: lists at the same depth with the same message; mappings, which
    fail only beyond about 990 levels, one level deeper, at another call of the same error.)
    """
    key = id(node)
    if memo is not None and key in memo:
        aliases.append(key)
        out.append(None)  # the document is shared: its compact tree is not used
        return memo[key]
    kind = node.__class__
    mark = node.start_mark
    if kind is _ScalarNode:
        value = _scalar(node)
        out.append(mark.line << 32 | mark.column)
    elif kind is _SequenceNode:
        if node.tag not in SAFE_TAGS:
            raise UnsafeTag(node)
        value = []
        if memo is not None:
            memo[key] = value
        tree = [mark.line << 32 | mark.column, False]
        value.extend(_items(node, memo, doc, aliases, tree))
        out.append(tuple(tree))
    else:
        if node.tag not in SAFE_TAGS:
            raise UnsafeTag(node)
        value = {}
        if memo is not None:
            memo[key] = value
        tree = [mark.line << 32 | mark.column, True]
        for pair in node.value:
            key_node, value_node = pair
            key_id = id(key_node)
            if memo is not None and key_id in memo:
                aliases.append(key_id)
                mapping_key = memo[key_id]
                tree.append(None)
            elif key_node.__class__ is _ScalarNode:
                mapping_key = _scalar(key_node)
                if memo is not None:
                    memo[key_id] = mapping_key
                tree.append(mapping_key)
            else:
                mapping_key = _construct(key_node, memo, doc, aliases, [])
                tree.append(None)  # never used: a list or mapping as key is refused just below
            if mapping_key.__class__ is not str and isinstance(mapping_key, (list, dict)):
                raise yaml.constructor.ConstructorError(None, None, "found unhashable key", key_node.start_mark)
            if mapping_key in value:  # the keys so far: building a value never adds to this mapping
                _duplicate_key(doc, node, pair, mapping_key, memo)
            value_id = id(value_node)
            if memo is not None and value_id in memo:
                aliases.append(value_id)
                value[mapping_key] = memo[value_id]
                tree.append(None)
            elif value_node.__class__ is _ScalarNode:
                item_value = value[mapping_key] = _scalar(value_node)
                if memo is not None:
                    memo[value_id] = item_value
                value_mark = value_node.start_mark
                tree.append(value_mark.line << 32 | value_mark.column)
            else:
                value[mapping_key] = _construct(value_node, memo, doc, aliases, tree)
                key_mark = key_node.start_mark  # where a list or mapping is pointed at (generator.locate)
                doc.key_at[id(tree[-1])] = key_mark.line << 32 | key_mark.column
        out.append(tuple(tree))
    if memo is not None:
        memo[key] = value
    return value


def _items(node: yaml.SequenceNode, memo: dict[int, Any] | None, doc: "YamlDocument", aliases: list[int],
           tree: list):
    """The items of a list, for `_construct`.

    A generator, like the generator expression it replaces, so that nesting costs as much stack as
    before and too deep a document fails at the same depth.
    """
    for item in node.value:
        item_key = id(item)
        if memo is not None and item_key in memo:
            aliases.append(item_key)
            tree.append(None)
            yield memo[item_key]
        elif item.__class__ is _ScalarNode:
            item_value = _scalar(item)
            if memo is not None:
                memo[item_key] = item_value
            mark = item.start_mark
            tree.append(mark.line << 32 | mark.column)
            yield item_value
        else:
            yield _construct(item, memo, doc, aliases, tree)


def _duplicate_key(doc: "YamlDocument", node: yaml.MappingNode, pair: tuple, mapping_key: Any,
                   memo: dict[int, Any] | None) -> None:
    """Report S011 for the key of `pair`, naming the line of the same key's previous occurrence."""
    key_node = pair[0]
    previous = None
    for earlier_pair in node.value:
        if earlier_pair is pair:
            break
        earlier = earlier_pair[0]
        if memo is not None and id(earlier) in memo:
            earlier_key = memo[id(earlier)]
        else:
            earlier_key = _scalar(earlier)  # an earlier key was typed without error, and was a scalar
        if earlier_key == mapping_key:
            previous = earlier
    doc.problems.append(YamlProblem(
        "S011", f"键“{mapping_key}”重复（第 {previous.start_mark.line + 1} 行已出现），后写的值会覆盖先写的值",
        key_node.start_mark.line + 1, key_node.start_mark.column + 1))


Path_ = tuple  # a path into the data: keys and list indexes


@dataclass
class YamlProblem:
    code: str
    message: str
    line: int
    column: int
    path: tuple = ()
    detail: str | None = None  # the parser's own (English) words, for developers; never shown to the officer


@dataclass
class YamlDocument:
    """A loaded YAML file: its data, and where every key and value was written.

    Positions are kept in a compact tree built while the data is constructed, with one entry per node:
    a scalar is its start (`line << 32 | column`, 0-based); a list is the tuple (start, False, item, …);
    a mapping is (start, True, key, value, key, value, …) with keys typed like the data's. Ints and
    tuples of them cost the garbage collector nothing, unlike the composed nodes and their marks,
    which are dropped. A document whose nodes are shared through aliases, or whose construction
    failed, keeps the composed node tree instead (`root`).
    """

    path: Path
    data: Any
    problems: list[YamlProblem] = field(default_factory=list)
    root: Any = None  # the composed node tree, kept only when there is no compact tree
    _tree: Any = field(default=None, repr=False, compare=False)
    # per list or mapping of the compact tree that is a mapping's value (by id): where its key is written
    key_at: dict = field(default_factory=dict, repr=False, compare=False)
    _keys: dict = field(default_factory=dict, repr=False, compare=False)  # per mapping node: typed key -> values
    _first: dict | None = field(default=None, repr=False, compare=False)  # node -> (parent, index) it is indexed under

    def position(self, path: tuple) -> tuple[int, int]:
        """Line and column (1-based) of the value at `path`, or of its nearest ancestor.

        Only the nodes along `path` are visited. The answer is the one a full index of every value by
        its path would give, built depth first with later entries overwriting earlier ones: mapping
        keys match by their typed value (of duplicate keys the last that has the rest of the path
        wins), list items by index, and a node shared through aliases counts only where such a walk
        first meets it (usually at its anchor).
        """
        path = tuple(path)
        for length in range(len(path), -1, -1):
            if self._tree is not None:
                found = _find_in_tree(self._tree, path, 0, length)
                if found is not None:
                    start = found if found.__class__ is int else found[0]
                    return ((start >> 32) + 1, (start & 0xFFFFFFFF) + 1)
            elif self.root is not None:
                node = self._find(self.root, path, 0, length)
                if node is not None:
                    return (node.start_mark.line + 1, node.start_mark.column + 1)
            else:
                break
        return (1, 1)

    def _find(self, node: yaml.Node, path: tuple, i: int, length: int) -> yaml.Node | None:
        """The node a full index would record at path[:length], searching below `node` (at path[:i])."""
        if i == length:
            return node
        step = path[i]
        kind = node.__class__
        if kind is _MappingNode:
            keyed = self._keys.get(id(node))
            if keyed is None:
                keyed = self._keys[id(node)] = _keyed(node)
            candidates = keyed.get(step, ())
        elif kind is _SequenceNode:
            index = _list_index(step, len(node.value))
            candidates = () if index is None else ((index, node.value[index]),)
        else:
            return None
        for index, child in reversed(candidates):  # later entries overwrite earlier ones
            if not self._first_met(child, node, index):
                continue
            found = self._find(child, path, i + 1, length)
            if found is not None:
                return found
        return None

    def _first_met(self, child: yaml.Node, parent: yaml.Node, index: int) -> bool:
        """Whether a depth-first walk meets `child` first as item `index` of `parent`."""
        if self._first is None:
            self._first = {id(self.root): None}
            _first_meetings(self.root, self._first)
        return self._first.get(id(child)) == (id(parent), index)


def _find_in_tree(tree: Any, path: tuple, i: int, length: int) -> Any:
    """The entry of the compact tree a full index would record at path[:length], searching below `tree`."""
    if i == length:
        return tree
    if tree.__class__ is int:
        return None  # a scalar has nothing below it
    step = path[i]
    if tree[1]:  # a mapping: of equal keys, try the last first (later entries overwrite earlier ones)
        for j in range(len(tree) - 2, 1, -2):
            if tree[j] == step:
                found = _find_in_tree(tree[j + 1], path, i + 1, length)
                if found is not None:
                    return found
        return None
    index = _list_index(step, len(tree) - 2)
    return None if index is None else _find_in_tree(tree[index + 2], path, i + 1, length)


def _list_index(step: Any, count: int) -> int | None:
    """The index of a list of `count` items that `step` equals (as in a dict of paths, True is 1), if any."""
    if step.__class__ is int:
        return step if 0 <= step < count else None
    if isinstance(step, str):
        return None
    return next((j for j in range(count) if j == step), None)


def control_name(char: str) -> str:
    """How a message names a control character: U+001B（ESC）."""
    code = ord(char)
    name = CONTROL_NAMES.get(code, "控制字符")
    return f"U+{code:04X}（{name}）"


def control_problems(text: str, what: str = "文本") -> list[YamlProblem]:
    """S015 for the first control character of each line that has one (at most MAX_CONTROL_REPORTS)."""
    problems: list[YamlProblem] = []
    seen_lines: set[int] = set()
    for match in CONTROL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if line in seen_lines:
            continue
        seen_lines.add(line)
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        problems.append(YamlProblem(
            "S015", f"{what}中含有控制字符 {control_name(match.group())}，它不是文字，不能出现在公开内容中",
            line, column, detail=control_name(match.group())))
        if len(problems) >= MAX_CONTROL_REPORTS:
            break
    return problems


def decode_problem(raw: bytes, exc: UnicodeDecodeError) -> YamlProblem:
    """S001 at the first byte that is not UTF-8: its line and column (characters), in Chinese."""
    start = exc.start
    line_start = raw.rfind(b"\n", 0, start) + 1
    line = raw.count(b"\n", 0, start) + 1
    column = len(raw[line_start:start].decode("utf-8-sig", errors="replace")) + 1
    return YamlProblem(
        "S001", f"文件不是 UTF-8 编码：第 {line} 行第 {column} 列的字节 0x{raw[start]:02X} 不能按 UTF-8 读取"
                f"（多为 GBK 等其他编码保存的文件）；请用 UTF-8 编码另存此文件", line, column,
        detail=str(exc))


def load_yaml(path: Path) -> YamlDocument:
    """Load one YAML file; never raises for bad content, returns problems instead."""
    doc = YamlDocument(path=path, data=None)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.problems.append(YamlProblem("S001", f"无法读取文件：{exc.strerror}", 0, 0))
        return doc
    if len(raw) > MAX_BYTES:
        doc.problems.append(
            YamlProblem("S010", f"文件过大（{len(raw)} 字节，上限 {MAX_BYTES} 字节）", 1, 1)
        )
        return doc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        doc.problems.append(decode_problem(raw, exc))
        return doc
    return parse_yaml_text(text, doc)


@functools.lru_cache(maxsize=None)
def load_builtin_yaml(path: Path) -> YamlDocument:
    """The package's own data files (catalogue, profiles, patterns) never change while a process runs."""
    return load_yaml(path)


def parse_yaml_text(text: str, doc: YamlDocument) -> YamlDocument:
    """Parse `text` into `doc`. Checked before the parser sees it: control characters (which it would
    refuse with a message in English) and nesting depth (which could crash it)."""
    controls = control_problems(text) if CONTROL.search(text) else []
    if controls:
        doc.problems.extend(controls)
        return doc
    deep = _too_deep(text)
    if deep is not None:
        doc.problems.append(deep)
        return doc
    doc = _parse(text, doc)
    if doc.data is not None and "\\" in text:  # an escape ("\e", "\x01") may have written a control character
        controls = _escaped_controls(doc)
        if controls:  # like a syntax error: the file is not used (its values would only add consequences)
            doc.problems.extend(controls)
            doc.data = None
    return doc


# A line's leading run of spaces, block indicators ("- ", "? ") and anchors or tags: a block collection
# nested in another starts at a greater column, so block nesting is at most the longest such run.
_BLOCK_PREFIX = re.compile(r"^(?:[ \t]|[-?](?=[ \t])|[&!][^ \t\n]*(?=[ \t])){%d}" % (MAX_DEPTH // 2), re.M)


def _too_deep(text: str) -> YamlProblem | None:
    """S010 where the nesting first goes beyond MAX_DEPTH. Nesting is at most the number of "[" and "{"
    (flow) plus the longest block prefix; only when either could reach half the bound are the parser's
    events read (the parser itself is iterative: only composing the nodes recurses)."""
    if text.count("[") + text.count("{") < MAX_DEPTH // 2 and not _BLOCK_PREFIX.search(text):
        return None
    flow = _deep_flow(text)  # unclosed brackets stop the parser with a syntax error before it gets deep
    if flow is not None:
        return flow
    loader = _Parser(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return YamlProblem(
                        "S010", f"列表或映射嵌套超过 {MAX_DEPTH} 层（多为误输入了大量“[”“{{”或缩进），文件不予解析",
                        mark.line + 1, mark.column + 1)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # a syntax error comes first: the parse reports it
    finally:
        loader.dispose()
    return None


_FLOW_MARKS = re.compile(r"""[\[\]{}#'"\n]""")


def _deep_flow(text: str) -> YamlProblem | None:
    """The first bracket that opens a level beyond MAX_DEPTH, found in the text alone (comments and
    quoted text skipped)."""
    depth, i, length = 0, 0, len(text)
    while True:
        found = _FLOW_MARKS.search(text, i)
        if found is None:
            return None
        at, mark = found.start(), found.group()
        i = at + 1
        before = text[at - 1] if at else "\n"
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, at) + 1
                column = at - (text.rfind("\n", 0, at) + 1) + 1
                return YamlProblem("S010", f"括号“[”“{{”嵌套超过 {MAX_DEPTH} 层（多为误输入），文件不予解析", line, column)
        elif mark in "]}":
            depth = max(depth - 1, 0)
        elif mark == "#" and before in " \t\n":
            end = text.find("\n", at)
            i = length if end < 0 else end
        elif mark in "'\"" and before in " \t\n[{,:-?":  # a quote that opens a quoted scalar
            i = _quote_end(text, at, mark)


def _quote_end(text: str, at: int, quote: str) -> int:
    i = at + 1
    while True:
        end = text.find(quote, i)
        if end < 0:
            return len(text)
        if quote == "'" and text.startswith("''", end):
            i = end + 2
        elif quote == '"' and _escaped(text, end):
            i = end + 1
        else:
            return end + 1


def _escaped(text: str, at: int) -> bool:
    backslashes = 0
    while at - backslashes - 1 >= 0 and text[at - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _escaped_controls(doc: YamlDocument) -> list[YamlProblem]:
    """S015 for each text value (or key) holding a control character, where it is written."""
    problems: list[YamlProblem] = []
    stack: list[tuple[tuple, Any]] = [((), doc.data)]
    while stack and len(problems) < MAX_CONTROL_REPORTS:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and CONTROL.search(key):
                    problems.append(_control_at(doc, path + (key,), CONTROL.search(key).group()))
                stack.append((path + (key,), item))
        elif isinstance(value, list):
            stack.extend((path + (i,), item) for i, item in enumerate(value))
        elif isinstance(value, str) and CONTROL.search(value):
            problems.append(_control_at(doc, path, CONTROL.search(value).group()))
    return sorted(problems, key=lambda p: (p.line, p.column))


def _control_at(doc: YamlDocument, path: tuple, char: str) -> YamlProblem:
    line, column = doc.position(path)
    return YamlProblem("S015", f"值中含有控制字符 {control_name(char)}（由转义写法“\\…”写入），它不是文字，"
                               f"不能出现在公开内容中", line, column, path=path, detail=control_name(char))


def _parse(text: str, doc: YamlDocument) -> YamlDocument:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.data = None
            return doc
        doc.root = node
        aliases: list[int] = []
        tree: list = []
        data = _construct(node, {} if "&" in text else None, doc, aliases, tree)  # no anchor, nothing shared
        if not aliases:  # no node is shared: the compact tree tells every position
            doc._tree, doc.root = tree[0], None
        if aliases:  # bound the expansion before anything walks the data as a tree
            expanded = _expanded_size(node, {})
            if expanded > MAX_EXPANDED_NODES:
                doc.problems.append(
                    YamlProblem("S010", f"别名展开后节点过多（{expanded}，上限 {MAX_EXPANDED_NODES}）", 1, 1)
                )
                return doc
        doc.data = data
    except UnsafeTag as exc:
        mark = exc.node.start_mark
        if exc.node.tag.startswith("!"):  # "!text": a local tag, which is how YAML reads a value that starts with "!"
            message = "值不能以“!”开头（YAML 用它标注类型）；请给整个值加引号，如 '!…'"
        else:
            message = f"不支持的 YAML 标签“{exc.node.tag}”（出于安全考虑只允许普通数据）"
        doc.problems.append(YamlProblem("S001", message, mark.line + 1, mark.column + 1, detail=exc.node.tag))
        doc.data = None
    except yaml.MarkedYAMLError as exc:
        doc.problems.append(_syntax_problem(text, exc))
        doc.data = None
    except RecursionError as exc:
        doc.problems.append(YamlProblem("S001", "YAML 无法解析：括号或缩进嵌套过深", 1, 1, detail=str(exc)))
        doc.data = None
    except (yaml.YAMLError, ValueError, ArithmeticError) as exc:
        message = str(exc) if isinstance(exc, Unsupported) else "写法无法识别（如数字过长）"
        doc.problems.append(YamlProblem("S001", f"YAML 无法解析：{message}", 1, 1, detail=str(exc)))
        doc.data = None
    finally:
        loader.dispose()
    return doc


def _syntax_problem(text: str, exc: yaml.MarkedYAMLError) -> YamlProblem:
    """S001 at the mistake itself, said in Chinese; the parser's own words are kept as `detail` only."""
    detail = " ".join(part for part in (exc.context, exc.problem) if part)
    mistake = yamlhints.explain(text, exc)
    if mistake is not None:
        return YamlProblem("S001", f"YAML 语法错误：{mistake.message}", mistake.line, mistake.column, detail=detail)
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    return YamlProblem("S001", f"YAML 语法错误：{yamlhints.translate(exc)}", line, col, detail=detail)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of nodes after expanding aliases; memoised so a billion-laughs DAG stays cheap."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive aliases
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(item, memo) for item in node.value)
    else:
        size = 1
    memo[key] = min(size, MAX_EXPANDED_NODES + 1)
    return memo[key]


def _keyed(node: yaml.MappingNode) -> dict:
    """A mapping's values by typed key: (pair index, value node) in order; keys that are not scalars are left out."""
    keyed: dict = {}
    for index, (key_node, value_node) in enumerate(node.value):
        if key_node.__class__ is _ScalarNode:
            keyed.setdefault(_scalar_key(key_node), []).append((index, value_node))
    return keyed


def _first_meetings(node: yaml.Node, first: dict) -> None:
    """For every node below `node`: the (parent, index) under which a depth-first walk first meets it.

    The walk follows what the positions are about: values of mappings with scalar keys, and list items.
    """
    if node.__class__ is _MappingNode:
        children = [(index, value_node) for index, (key_node, value_node) in enumerate(node.value)
                    if key_node.__class__ is _ScalarNode]
    elif node.__class__ is _SequenceNode:
        children = list(enumerate(node.value))
    else:
        return
    for index, child in children:
        if id(child) not in first:
            first[id(child)] = (id(node), index)
            _first_meetings(child, first)


def _scalar_key(node: yaml.ScalarNode) -> Any:
    try:
        return _scalar(node)
    except (UnsafeTag, ValueError, ArithmeticError):
        return node.value


def dump_date(value: _dt.date) -> str:
    return value.isoformat()
