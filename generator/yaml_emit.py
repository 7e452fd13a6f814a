"""Writing YAML text by hand: block style, keys in the order given, a comment after any value.

`new-year` writes a copied budget.yaml back (and an importer will say where each value came from, as
`# 表5 一般公共预算财政拨款支出表!C12`); yaml.safe_dump can do neither comments nor the project's amount format.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml


@dataclass
class Commented:
    """A value with a comment written after it on its line (after the key, for a mapping or list)."""

    value: Any
    comment: str


_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9+.~][^#:\n]*$")


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text and _PLAIN.match(text) and text == text.strip() and _reads_back(text):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _decimal(value: Decimal) -> str:
    text = format(value, "f")
    return text


def _reads_back(text: str) -> bool:
    try:
        return yaml.safe_load(text) == text
    except yaml.YAMLError:
        return False


def _comment(text: str) -> str:
    return "  # " + " ".join(text.split()) if text else ""


def emit(data: Any, header: str = "") -> str:
    """YAML text for `data` (dicts, lists, scalars, Commented), with `header` as comment lines on top."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    _block(data, 0, lines)
    return "\n".join(lines) + "\n"


def _unwrap(value: Any) -> tuple[Any, str]:
    if isinstance(value, Commented):
        return value.value, value.comment
    return value, ""


def _block(data: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(data, dict):
        for key, raw in data.items():
            value, comment = _unwrap(raw)
            if isinstance(value, (dict, list)) and value:
                out.append(f"{pad}{scalar(key)}:{_comment(comment)}")
                _block(value, indent + (2 if isinstance(value, dict) else 0), out)
            else:
                out.append(f"{pad}{scalar(key)}: {_inline(value)}{_comment(comment)}")
    elif isinstance(data, list):
        for raw in data:
            value, comment = _unwrap(raw)
            if isinstance(value, dict) and value:
                inner: list[str] = []
                _block(value, indent + 2, inner)
                first = inner[0][indent + 2:]
                out.append(f"{pad}- {first}{_comment(comment) if not inner[0].rstrip().endswith(':') else ''}")
                out.extend(inner[1:])
            elif isinstance(value, list) and value:
                out.append(f"{pad}-{_comment(comment)}")
                _block(value, indent + 2, out)
            else:
                out.append(f"{pad}- {_inline(value)}{_comment(comment)}")
    else:
        out.append(pad + _inline(data))


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)
