"""Safe YAML loading that remembers where every value was written.

Amounts stay exact: YAML floats are constructed as Decimal from their source text.
Documents are bounded in size and in alias expansion, and duplicate keys are reported.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 2 * 1024 * 1024
MAX_EXPANDED_NODES = 200_000

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader whose floats become Decimal and whose dates stay ISO text."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        raise yaml.constructor.ConstructorError(None, None, "不支持无穷大或非数字", node.start_mark)
    return Decimal(text)


def _construct_date_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date_text)

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
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)

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


def parse_yaml_text(text: str, doc: YamlDocument) -> YamlDocument:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.data = None
            doc.positions[()] = (1, 1)
            return doc
        expanded = _expanded_size(node, {})
        if expanded > MAX_EXPANDED_NODES:
            doc.problems.append(
                YamlProblem("S010", f"别名展开后节点过多（{expanded}，上限 {MAX_EXPANDED_NODES}）", 1, 1)
            )
            return doc
        _index(node, (), doc)
        doc.data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        doc.problems.append(YamlProblem("S001", f"YAML 语法错误：{_zh_problem(exc)}", line, col))
        doc.data = None
    except (yaml.YAMLError, ValueError, ArithmeticError) as exc:
        doc.problems.append(YamlProblem("S001", f"YAML 无法解析：{exc}", 1, 1))
        doc.data = None
    finally:
        loader.dispose()
    return doc


def _zh_problem(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    translations = {
        "found character '\\t' that cannot start any token": "不能用制表符（Tab）缩进",
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


def _index(node: yaml.Node, path: tuple, doc: YamlDocument) -> None:
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                line = key_node.start_mark.line + 1
                doc.problems.append(
                    YamlProblem(
                        "S011",
                        f"键“{key}”重复（第 {seen[key]} 行已出现），后写的值会覆盖先写的值",
                        line,
                        key_node.start_mark.column + 1,
                        path + (key,),
                    )
                )
            seen[key] = key_node.start_mark.line + 1
            if key is not None:
                _index(value_node, path + (_scalar_key(key_node),), doc)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, path + (i,), doc)


def _scalar_key(node: yaml.ScalarNode) -> Any:
    if node.tag == "tag:yaml.org,2002:int":
        try:
            return int(node.value)
        except ValueError:
            return node.value
    return node.value


def dump_date(value: _dt.date) -> str:
    return value.isoformat()
