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

    def extend(self, kind: str, doc: YamlDocument) -> None:
        self.documents.append(doc)
        if not isinstance(doc.data, dict):
            return
        table = self.table(kind)
        for code, names in doc.data.items():
            listed = [names] if isinstance(names, str) else [str(n) for n in names or []]
            if listed:
                table[str(code)] = listed


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
