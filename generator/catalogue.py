"""The classification catalogue: functional and economic codes and their official names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.yamlsource import YamlDocument, load_builtin_yaml, load_yaml

BUILTIN = Path(__file__).parent / "data" / "catalogue"


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

    def extend(self, kind: str, doc: YamlDocument) -> None:
        self.documents.append(doc)
        if not isinstance(doc.data, dict):
            return
        table = self.table(kind)
        for code, names in doc.data.items():
            listed = [names] if isinstance(names, str) else [str(n) for n in names or []]
            if listed:
                table[str(code)] = listed


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


def load_catalogue(extra_dir: Path | None) -> Catalogue:
    """Built-in catalogue, then the site's own files of the same shape (which may override)."""
    catalogue = Catalogue()
    for kind in ("functional", "economic"):
        builtin = BUILTIN / f"{kind}.yaml"
        if builtin.exists():
            catalogue.extend(kind, load_builtin_yaml(builtin))
        if extra_dir is not None and (extra_dir / f"{kind}.yaml").exists():
            catalogue.extend(kind, load_yaml(extra_dir / f"{kind}.yaml"))
    return catalogue
