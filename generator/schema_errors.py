"""Turn pydantic validation errors into located, Chinese diagnostics (codes S002–S007)."""

from __future__ import annotations

from decimal import Decimal

import difflib
import re
import types
import typing
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, RootModel, ValidationError

from generator.diagnostics import Diagnostic, Location, Severity
from generator.locate import compose_root, locate
from generator.model.base import CODE_PATTERN
from generator.model.site import BASE_PATH_PATTERN
from generator.yamlsource import YamlDocument

_TYPE_NAMES = {
    "int_parsing": "整数",
    "int_type": "整数",
    "string_type": "文本",
    "bool_parsing": "是/否（true/false）",
    "bool_type": "是/否（true/false）",
    "list_type": "列表（每项以“- ”开头）",
    "dict_type": "映射（“键: 值”）",
    "model_type": "映射（“键: 值”）",
    "model_attributes_type": "映射（“键: 值”）",
    "decimal_parsing": "数字",
    "decimal_type": "数字",
    "float_parsing": "数字",
}


def validate(doc: YamlDocument, model: type[BaseModel], display: str) -> tuple[Any, list[Diagnostic]]:
    """Validate a loaded document; return the model instance (or None) and every problem found."""
    data = doc.data if doc.data is not None else {}
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_diagnostic(error, doc, model, display) for error in _one_branch_per_union(exc.errors())]


_SHAPE_ERRORS = {"dict_type", "list_type", "model_type", "model_attributes_type"}


def _one_branch_per_union(errors: list[dict]) -> list[dict]:
    """Pydantic reports a value that fails a union (`amount | {fund: amount}`) once per branch; keep
    only the branch that fits what was written (a mapping, or a single value), so one mistake gives
    one diagnostic."""
    branches: dict[tuple, dict[str, list[dict]]] = {}
    for error in errors:
        split = _union_branch(error["loc"])
        if split is not None:
            node, label = split
            branches.setdefault(node, {}).setdefault(label, []).append(error)
    dropped: set[int] = set()
    for node, by_label in branches.items():
        if len(by_label) < 2:
            continue
        misfits = [label for label, found in by_label.items()
                   if any(_rejects_shape(error, len(node) + 1) for error in found)]
        keep = [label for label in by_label if label not in misfits] or list(by_label)[:1]
        for label, found in by_label.items():
            if label not in keep:
                dropped.update(id(error) for error in found)
    return [error for error in errors if id(error) not in dropped]


def _union_branch(loc: tuple) -> tuple[tuple, str] | None:
    """(the path of the union value, the branch label) for an error inside a union, else None."""
    for i, part in enumerate(loc):
        if isinstance(part, str) and ("[" in part or part in ("function-before", "function-after")) and i:
            return tuple(loc[:i]), part
    return None


def _rejects_shape(error: dict, depth: int) -> bool:
    """The branch refused the written value as a whole: a mapping where an amount is expected, or the reverse."""
    if len(error["loc"]) != depth:
        return False
    return error["type"] in _SHAPE_ERRORS or isinstance(error.get("input"), (dict, list))


def _diagnostic(error: dict, doc: YamlDocument, model: type[BaseModel], display: str) -> Diagnostic:
    loc = _clean_loc(error["loc"])
    line, col = doc.position(loc)
    kind = error["type"]
    where = _dotted(loc)
    if kind == "extra_forbidden":
        key = loc[-1] if loc else ""
        dedented = _dedented_from(doc, model, loc)
        if dedented is not None:
            return _dedented_key(dedented, loc, display)
        line, col = _key_position(doc, loc) or (line, col)  # the key is the mistake, not its value below
        allowed = _fields_at(model, loc[:-1])
        guess = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
        hint = f"，是否想写“{guess[0]}”？" if guess else ""
        return Diagnostic(
            "S002", Severity.ERROR, f"未知的键“{key}”{hint}", Location(display, line, col),
            expected="、".join(allowed) if allowed else None, found=str(key), extra={"path": where},
        )
    if kind == "literal_error" and error["loc"] and error["loc"][-1] == "[key]":
        # a key of a mapping whose keys are fixed, e.g. the funds of a 三公 amount: {general_budget: 8}
        key = str(error.get("input", loc[-1] if loc else ""))
        allowed = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
        hint = f"，是否想写“{guess[0]}”？" if guess else ""
        return Diagnostic(
            "S002", Severity.ERROR, f"未知的键“{key}”{hint}", Location(display, line, col),
            expected="、".join(allowed) if allowed else None, found=key, extra={"path": where},
        )
    if kind == "unused_key":
        # a known key that would change nothing here (generator/model/profile.py): refused like an unknown one
        ctx = error.get("ctx", {})
        key_line, key_col = locate(doc, loc)
        return Diagnostic(
            "S002", Severity.ERROR, f"“{where}”在此不起作用：{ctx.get('reason', '')}", Location(display, key_line, key_col),
            expected=ctx.get("expected") or None, found=str(loc[-1]) if loc else None, extra={"path": where},
        )
    if kind == "missing":
        # the value is not written: point at the mapping that lacks it (its key), not at its first entry
        parent_line, parent_col = locate(doc, loc[:-1])
        return Diagnostic(
            "S003", Severity.ERROR, f"缺少必填项“{where}”", Location(display, parent_line, parent_col),
            expected=str(loc[-1]), found="（未填写）", extra={"path": where},
        )
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", error["msg"]))
        code = "S005" if "文本" in message else "S004"
        return Diagnostic(code, Severity.ERROR, f"“{where}”：{message}", Location(display, line, col),
                          found=_show(error.get("input")), extra={"path": where})
    return Diagnostic(
        "S004", Severity.ERROR, f"“{where}”的值不符合要求：{_explain(error)}", Location(display, line, col),
        expected=_expected(error), found=_show(error.get("input")), extra={"path": where},
    )


def _clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's union-branch labels so the path matches the YAML."""
    cleaned = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or part in ("function-before", "function-after")):
            continue
        if isinstance(part, str) and part.startswith(("decimal", "int", "str", "dict")) and cleaned:
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "（文件顶层）"


def _explain(error: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind in _TYPE_NAMES:
        return f"应为{_TYPE_NAMES[kind]}"
    if kind == "literal_error":
        choices = _choices(error)
        if len(choices) <= 2:
            return f"只能是{'或'.join(choices)}"
        return f"只能是{'、'.join(choices)}之一"
    if kind == "string_pattern_mismatch":
        return f"应为{_pattern_meaning(ctx.get('pattern'))[0]}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {ctx.get('le', ctx.get('lt'))}"
    return _OTHER_KINDS.get(kind, "写法不符合要求")  # never pydantic's English message


# What a pattern asks for, in words: an officer cannot read a regular expression.
_PATTERN_MEANINGS = {  # pattern: (what it asks for, that in short)
    CODE_PATTERN: (" 3、5 或 7 位数字的科目编码（类 3 位、款 5 位、项 7 位，如 \"2010101\"）", "3、5 或 7 位数字"),
    BASE_PATH_PATTERN: ("以“/”开头并以“/”结尾的路径（如 / 或 /yusuan/）", "以“/”开头并以“/”结尾"),
}
_OTHER_KINDS = {
    "date_parsing": "应为日期，如 2022-12-31",
    "date_type": "应为日期，如 2022-12-31",
    "date_from_datetime_parsing": "应为日期，如 2022-12-31",
    "string_too_short": "不能为空",
    "too_short": "项数太少",
    "too_long": "项数太多",
    "string_too_long": "文字太长",
    "enum": "不是可选的值之一",
    "finite_number": "应为有限的数字",
    "decimal_max_digits": "数字位数太多",
    "decimal_max_places": "小数位数太多",
}


def _pattern_meaning(pattern: str | None) -> tuple[str, str | None]:
    return _PATTERN_MEANINGS.get(pattern or "", ("规定的格式", None))


def _choices(error: dict) -> list[str]:
    """The values a Literal allows, as “a”“b”, from pydantic's "'a' or 'b'"."""
    expected = str(error.get("ctx", {}).get("expected", ""))
    return [f"“{choice}”" for choice in re.findall(r"'([^']*)'", expected)] or [expected]


def _expected(error: dict) -> str | None:
    kind = error["type"]
    if kind in _TYPE_NAMES:
        return _TYPE_NAMES[kind]
    if kind == "literal_error":
        return "、".join(choice.strip("“”") for choice in _choices(error))
    if kind == "string_pattern_mismatch":
        return _pattern_meaning(error.get("ctx", {}).get("pattern"))[1]
    return None


def _show(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):  # a number as the author wrote it, not Python's Decimal('…')
        text = str(value)
    else:
        text = repr(value) if not isinstance(value, str) else f"\"{value}\""
    return text if len(text) <= 60 else text[:57] + "…"


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names allowed at `loc` inside `model` (for did-you-mean)."""
    current: Any = model
    if issubclass(model, RootModel):  # a list at the top of the file: start from its item type
        current = model.model_fields["root"].annotation
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return []
            current = field.annotation
        else:
            current = _unwrap_mapping(current)
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """Optional[X] / list[X] / X | None → X (the model inside, if any)."""
    for _ in range(4):
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            models = [a for a in typing.get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else annotation
            if not models:
                break
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            break
    return annotation


def _unwrap_mapping(annotation: Any) -> Any:
    if typing.get_origin(annotation) is dict:
        return typing.get_args(annotation)[1]
    return annotation


# ---- a key dedented out of the mapping it belongs to ---------------------------------------------


@dataclass(frozen=True)
class _Dedented:
    key_line: int
    key_column: int  # 1-based
    home: tuple  # the path of the mapping the key belongs in
    home_name: str  # how the officer sees that mapping: the key that introduces it
    home_column: int  # 1-based column of that mapping's keys
    in_list: bool  # the mapping is an item of a list


def _dedented_key(found: _Dedented, loc: tuple, display: str) -> Diagnostic:
    key = str(loc[-1])
    where = f"“{found.home_name}”的列表项" if found.in_list else f"“{found.home_name}”"
    indent = "顶格书写" if found.key_column == 1 else f"缩进了 {found.key_column - 1} 格"
    return Diagnostic(
        "S013", Severity.ERROR,
        f"缩进有误：“{key}”应缩进在{where}下（与那里的键对齐，缩进 {found.home_column - 1} 格），现在{indent}",
        Location(display, found.key_line, found.key_column),
        expected=f"{_dotted(found.home)}.{key}", found=_dotted(loc), extra={"path": _dotted(loc)},
    )


def _dedented_from(doc: YamlDocument, model: type[BaseModel], loc: tuple) -> _Dedented | None:
    """Where an unknown key belongs when it is a key of the mapping written just above it, and is
    indented less than that mapping's keys: it was dedented out of it (the last key of a mapping
    dedented by a level parses, as a key of the outer mapping)."""
    if not loc or not isinstance(loc[-1], str):
        return None
    parent = _node_at(compose_root(doc), loc[:-1])
    if not isinstance(parent, yaml.MappingNode):
        return None
    pairs = [pair for pair in parent.value if isinstance(pair[0], yaml.ScalarNode)]
    index = max((i for i, (k, _) in enumerate(pairs) if k.value == loc[-1]), default=None)
    if not index:
        return None
    key_node = pairs[index][0]
    previous_key, previous_value = pairs[index - 1]
    found = None
    for path, name, node, in_list in _last_mappings(loc[:-1] + (previous_key.value,), previous_key.value,
                                                     previous_value):
        if node.start_mark.column <= key_node.start_mark.column:
            break  # not indented further than the key: the key was not dedented out of it
        if loc[-1] in _fields_at(model, path):
            found = _Dedented(key_node.start_mark.line + 1, key_node.start_mark.column + 1, path, name,
                              node.start_mark.column + 1, in_list)
    return found


def _key_position(doc: YamlDocument, loc: tuple) -> tuple[int, int] | None:
    """Line and column (1-based) where the last key of `loc` is written."""
    if not loc or not isinstance(loc[-1], str):
        return None
    parent = _node_at(compose_root(doc), loc[:-1])
    if not isinstance(parent, yaml.MappingNode):
        return None
    keys = [k for k, _ in parent.value if isinstance(k, yaml.ScalarNode) and k.value == loc[-1]]
    return (keys[-1].start_mark.line + 1, keys[-1].start_mark.column + 1) if keys else None


def _last_mappings(path: tuple, name: str, node: yaml.Node):
    """The mappings a reader leaves, innermost last, after the lines of `node`: `node` itself if it is a
    mapping, then the value of its last key, and so on; a list counts by its last item."""
    in_list = False
    while True:
        if isinstance(node, yaml.SequenceNode) and node.value:
            path, node, in_list = path + (len(node.value) - 1,), node.value[-1], True
            continue
        if not isinstance(node, yaml.MappingNode) or not node.value:
            return
        yield path, name, node, in_list
        last_key, node = node.value[-1]
        if not isinstance(last_key, yaml.ScalarNode):
            return
        path, name, in_list = path + (last_key.value,), last_key.value, False


def _node_at(node: yaml.Node | None, path: tuple) -> yaml.Node | None:
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in reversed(node.value) if isinstance(k, yaml.ScalarNode) and k.value == str(part)),
                        None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node
