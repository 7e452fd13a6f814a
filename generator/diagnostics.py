"""Diagnostics: what a rule reports, where, and how it is printed."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator.money import fmt


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass
class Diagnostic:
    code: str
    severity: Severity
    message: str
    location: Location
    expected: str | None = None
    found: str | None = None
    difference: str | None = None
    acknowledged: str | None = None  # the author's reason, when the deviation is acknowledged
    unit: str | None = None
    year: int | None = None
    subject: str = ""  # what an acknowledgement's `at` matches: a data path or a text excerpt
    extra: dict = field(default_factory=dict)
    # A figure this diagnostic contradicts and the value the rule says it should have (a Decimal): what
    # `generator.consequences` tries, to find the diagnostics that this one explains.
    figure: str | None = None
    should_be: Decimal | None = None
    # Other figures whose correction would also satisfy the rule: the one among them that settles the most
    # other diagnostics, creating none, may explain them instead (then `explained_as` says so).
    alternatives: tuple = ()  # (figure, value), …
    explained_as: str | None = None
    caused_by: str | None = None  # the `key` of the diagnostic that explains this one
    consequences: list["Diagnostic"] = field(default_factory=list)  # filled in by the check, after acknowledgement

    @property
    def key(self) -> str:
        """What identifies a diagnostic within its disclosure: its rule and where it points."""
        return f"{self.code} {self.location}"

    @property
    def counts_as_error(self) -> bool:
        return self.severity is Severity.ERROR and self.acknowledged is None

    def sort_key(self):
        return (self.location.file, self.location.line, self.location.column, self.code, self.message)

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "expected": self.expected,
            "found": self.found,
            "difference": self.difference,
            "acknowledged": self.acknowledged,
            "unit": self.unit,
            "year": self.year,
            "subject": self.subject,
            **({"detail": self.extra["detail"]} if "detail" in self.extra else {}),  # the parser's words, for developers
            "explained_as": self.explained_as if self.consequences else None,
            "consequences": [c.to_json() for c in self.consequences],
        }

    def to_text(self) -> str:
        status = "已确认偏差" if self.acknowledged is not None else self.severity.label
        head = f"{self.location}: {self.code} [{status}] {self.message}"
        details = []
        if self.expected is not None:
            details.append(f"应为 {self.expected}")
        if self.found is not None:
            details.append(f"实为 {self.found}")
        if self.difference is not None:
            details.append(f"差额 {self.difference}")
        if details:
            head += "（" + "，".join(details) + "）"
        if self.acknowledged is not None:
            head += f"\n    确认理由：{self.acknowledged}"
        if self.consequences and self.explained_as:
            head += f"\n    （{self.explained_as}，则本条及以下问题均不再出现）"
        for consequence in self.consequences:
            head += "\n    由此导致：" + consequence.to_text().replace("\n", "\n    ")
        return head


def money_difference(expected: Decimal, found: Decimal) -> str:
    """found − expected as the tables print amounts, with + before a positive difference."""
    diff = found - expected
    sign = "+" if diff > 0 else ""
    return sign + fmt(diff)


def relative(path: Path, root: Path, resolved_root: Path | None = None) -> str:
    """`path` relative to `root` once both are resolved, else as given; `resolved_root` saves resolving
    `root` again when the caller already has it."""
    try:
        return path.resolve().relative_to(resolved_root or root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside `root`, or a link that loops (RuntimeError before 3.13)
        return path.as_posix()
