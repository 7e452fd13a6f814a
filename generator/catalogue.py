"""The classification catalogue: functional and economic codes and their official names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.yamlsource import YamlDocument, YamlProblem, load_builtin_yaml, load_yaml

BUILTIN = Path(__file__).parent / "data" / "catalogue"
CODE_LENGTHS = {"functional": (3, 5, 7), "economic": (3, 5)}  # 类, 款, 项 (the economic one has no 项)
KIND_NAMES = {"functional": "功能分类", "economic": "经济分类"}


@dataclass
class Catalogue:
    functional: dict[str, list[str]] = field(default_factory=dict)
    economic: dict[str, list[str]] = field(default_factory=dict)
    documents: list[YamlDocument] = field(default_factory=list)

    def table(self, kind: str) -> dict[str, list[str]]:
        return self.functional if kind == "functional" else self.economic

    def name(self, kind: str, code: str) -> str | None:
        names = self.table(kind).get(code)
        return names[0] if names else None

    def accepts(self, kind: str, code: str, name: str) -> bool:
        return name in self.table(kind).get(code, [])

    def codes_named(self, kind: str, code: str, name: str | None) -> list[str]:
        """The codes at `code`'s level whose official name (or alias) is `name`, nearest to `code` first."""
        if not name:
            return []
        table = self.table(kind)
        return sorted((c for c, names in table.items() if len(c) == len(code) and name in names),
                      key=lambda c: _nearness(c, code))

    def nearest(self, kind: str, code: str, limit: int = 3) -> list[str]:
        """Codes of the catalogue at `code`'s level that an unknown `code` may have meant: those of the
        same 款, then of the same 类, then any; each group by the number of digits to change."""
        candidates = (c for c in self.table(kind) if len(c) == len(code) and c != code)
        return sorted(candidates, key=lambda c: _nearness(c, code))[:limit]

    def extend(self, kind: str, doc: YamlDocument, trusted: bool = False) -> None:
        """Add a catalogue file's codes. A site's own file is checked first: each entry that is not a code
        of its level with a name (or a list of names) is reported where it is written (S016) and left out."""
        self.documents.append(doc)
        if not trusted:
            entries_problems(kind, doc)
        if not isinstance(doc.data, dict):
            return
        table = self.table(kind)
        for code, names in doc.data.items():
            if not trusted and _entry_problem(kind, code, names) is not None:
                continue
            listed = [names] if isinstance(names, str) else [str(n) for n in names or []]
            if listed:
                table[str(code)] = listed


def entries_problems(kind: str, doc: YamlDocument) -> None:
    """S016 problems of a site catalogue file, added to the document's problems (reported with them)."""
    if doc.data is None:
        return  # empty, or unreadable (already reported)
    if not isinstance(doc.data, dict):
        doc.problems.append(YamlProblem(
            "S016", f"科目目录文件应为“编码: 名称”的映射，实为{_shape(doc.data)}", 1, 1, path=()))
        return
    for code, names in doc.data.items():
        problem = _entry_problem(kind, code, names)
        if problem is not None:
            line, column = doc.position((code,))
            doc.problems.append(YamlProblem("S016", problem, line, column, path=(code,)))


def _entry_problem(kind: str, code, names) -> str | None:
    lengths = CODE_LENGTHS[kind]
    written = str(code) if isinstance(code, (str, int)) and not isinstance(code, bool) else None
    if written is None or not (written.isascii() and written.isdigit() and len(written) in lengths):
        shown = "、".join(str(n) for n in lengths)
        return f"科目编码“{code}”不合法：{KIND_NAMES[kind]}编码应为 {shown} 位数字（建议加引号，如 \"2010101\"）"
    listed = [names] if isinstance(names, str) else names if isinstance(names, list) else None
    if not listed or not all(isinstance(n, str) and n.strip() for n in listed):
        return (f"科目 {written} 的名称应为文字，或文字的列表（第一个为正式名称，其余为别名），"
                f"实为{_shape(names)}")
    return None


def _shape(value) -> str:
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表" if value else "空列表"
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"是/否 {value}"
    return f"“{value}”" if isinstance(value, str) else f"数字 {value}"


def _nearness(candidate: str, code: str) -> tuple:
    """Sort key: same 款 (5 digits), then same 类 (3), then the digits to change, then the code itself."""
    shared = 5 if candidate[:5] == code[:5] else 3 if candidate[:3] == code[:3] else 0
    return (-shared, _edit_distance(candidate, code), candidate)


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the digits to change, insert or delete to turn `a` into `b`."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def load_catalogue(extra_dir: Path | None, may_read=None) -> Catalogue:
    """Built-in catalogue, then the site's own files of the same shape (which may override).
    `may_read(path)`: whether a site file may be read (see content.readable)."""
    catalogue = Catalogue()
    for kind in ("functional", "economic"):
        builtin = BUILTIN / f"{kind}.yaml"
        if builtin.exists():
            catalogue.extend(kind, load_builtin_yaml(builtin), trusted=True)
        own = extra_dir / f"{kind}.yaml" if extra_dir is not None else None
        if own is not None and (may_read is None or may_read(own)) and own.exists():
            catalogue.extend(kind, load_yaml(own))
    return catalogue
