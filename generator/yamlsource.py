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

MAX_BYTES = 2 * 1024 * 1024
MAX_EXPANDED_NODES = 200_000

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
SAFE_TAGS = {STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG, "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
             "tag:yaml.org,2002:timestamp"}


class UnsafeTag(Exception):
    def __init__(self, node: yaml.Node):
        super().__init__(node.tag)
        self.node = node


def _scalar(node: yaml.ScalarNode) -> Any:
    """Type a scalar the way YAML 1.1 safe loading does, but with Decimal for real numbers."""
    text = node.value
    tag = node.tag
    if tag not in SAFE_TAGS:
        raise UnsafeTag(node)
    plain = node.style in (None, "")
    if tag == STR_TAG and not plain:
        return text  # quoted or block: always text
    if tag in (STR_TAG, NULL_TAG) and text in NULLS:
        return None
    if tag in (STR_TAG, BOOL_TAG) and text in BOOLS:
        return BOOLS[text]
    if tag in (STR_TAG, INT_TAG) and INT.match(text):
        return int(text.replace("_", ""))
    if tag in (STR_TAG, FLOAT_TAG) and FLOAT.match(text) and any(ch.isdigit() for ch in text):
        return Decimal(text.replace("_", ""))
    if tag == FLOAT_TAG and SPECIAL_FLOAT.match(text):
        raise ValueError("不支持无穷大或非数字")
    return text


def _construct(node: yaml.Node, memo: dict[int, Any], doc: "YamlDocument", aliases: list[int]) -> Any:
    """Build plain Python data; shared (aliased) nodes are built once and noted; duplicate keys reported."""
    key = id(node)
    if key in memo:
        aliases.append(key)
        return memo[key]
    if isinstance(node, yaml.ScalarNode):
        value = _scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        if node.tag not in SAFE_TAGS:
            raise UnsafeTag(node)
        value = []
        memo[key] = value
        value.extend(_construct(item, memo, doc, aliases) for item in node.value)
    else:
        if node.tag not in SAFE_TAGS:
            raise UnsafeTag(node)
        value = {}
        memo[key] = value
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            mapping_key = _construct(key_node, memo, doc, aliases)
            if isinstance(mapping_key, (list, dict)):
                raise yaml.constructor.ConstructorError(None, None, "found unhashable key", key_node.start_mark)
            line = key_node.start_mark.line + 1
            if mapping_key in first_line:
                doc.problems.append(YamlProblem(
                    "S011", f"键“{mapping_key}”重复（第 {first_line[mapping_key]} 行已出现），后写的值会覆盖先写的值",
                    line, key_node.start_mark.column + 1))
            first_line[mapping_key] = line
            value[mapping_key] = _construct(value_node, memo, doc, aliases)
    memo[key] = value
    return value


Path_ = tuple  # a path into the data: keys and list indexes


@dataclass
class YamlProblem:
    code: str
    message: str
    line: int
    column: int
    path: tuple = ()


@dataclass
class YamlDocument:
    """A loaded YAML file: its data and the position of every key and value."""

    path: Path
    data: Any
    _positions: dict[tuple, tuple[int, int]] | None = None
    problems: list[YamlProblem] = field(default_factory=list)
    root: Any = None  # the composed node tree, indexed lazily: positions are needed only to report

    @property
    def positions(self) -> dict[tuple, tuple[int, int]]:
        if self._positions is None:
            self._positions = {}
            if self.root is not None:
                _index(self.root, (), self._positions, set())
        return self._positions

    def position(self, path: tuple) -> tuple[int, int]:
        """Line and column (1-based) of the value at `path`, or of its nearest ancestor."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))


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
        doc.problems.append(YamlProblem("S001", f"文件不是 UTF-8 编码（第 {exc.start} 字节）", 1, 1))
        return doc
    return parse_yaml_text(text, doc)


@functools.lru_cache(maxsize=None)
def load_builtin_yaml(path: Path) -> YamlDocument:
    """The package's own data files (catalogue, profiles, patterns) never change while a process runs."""
    return load_yaml(path)


def parse_yaml_text(text: str, doc: YamlDocument) -> YamlDocument:
    loader = _Parser(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.data = None
            return doc
        doc.root = node
        aliases: list[int] = []
        data = _construct(node, {}, doc, aliases)
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
        doc.problems.append(YamlProblem("S001", f"不支持的 YAML 标签“{exc.node.tag}”（出于安全考虑只允许普通数据）",
                                        mark.line + 1, mark.column + 1))
        doc.data = None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        doc.problems.append(YamlProblem("S001", f"YAML 语法错误：{_zh_problem(exc)}", line, col))
        doc.data = None
    except (yaml.YAMLError, ValueError, ArithmeticError, RecursionError) as exc:
        doc.problems.append(YamlProblem("S001", f"YAML 无法解析：{exc}", 1, 1))
        doc.data = None
    finally:
        loader.dispose()
    return doc


def _zh_problem(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    translations = {
        "found character '\\t' that cannot start any token": "不能用制表符（Tab）缩进",
        "found a tab character that violates indentation": "不能用制表符（Tab）缩进",
        "found a tab character where an indentation space is expected": "不能用制表符（Tab）缩进",
        "mapping values are not allowed here": "此处不允许出现“键: 值”（检查冒号后是否缺空格或缩进是否对齐）",
        "could not find expected ':'": "缺少冒号“:”",
        "found undefined alias": "引用了未定义的别名",
        "did not find expected key": "缩进不一致，找不到预期的键",
        "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
        "expected <block end>, but found '-'": "列表项“-”的缩进不一致",
        "found unhashable key": "键不能是列表或映射",
    }
    for english, chinese in translations.items():
        if problem.startswith(english):
            return chinese
    return f"{problem}（{exc.context or ''}）" if exc.context else problem


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


def _index(node: yaml.Node, path: tuple, positions: dict, seen_nodes: set[int]) -> None:
    """Record the line and column of every value by its path (aliases point at their anchor)."""
    if id(node) in seen_nodes:
        return
    seen_nodes.add(id(node))
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                _index(value_node, path + (_scalar_key(key_node),), positions, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, path + (i,), positions, seen_nodes)


def _scalar_key(node: yaml.ScalarNode) -> Any:
    try:
        return _scalar(node)
    except (UnsafeTag, ValueError, ArithmeticError):
        return node.value


def dump_date(value: _dt.date) -> str:
    return value.isoformat()
