"""What changed between two states of a disclosure: this year against last year (`budgetsite diff`, the
site's 与上年比较 page, `budgetsite review`) or one published version against the next (generator/versions.py).

Each section compares one table line by line: the named figures, the 三公 parts, the functional
classification (类/款/项), the economic 款, the projects and the procurement items. An amount neither
side gives is unknown (None, shown "—"), never zero; a line present on one side only of a table that
lists every line (a classification, the projects) is zero on the other side, and marked 新增 or 取消.
Itemised sections are sorted by the size of the change, each 款 under its 类 and each 项 under its 款.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from generator.figures import FIGURE_LABELS, Figures, UNKNOWN
from generator.money import ZERO, fmt, fmt_plain, same

# The named figures compared, in the order a disclosure states them (三公 on their own section).
HEADLINE = [n for n in FIGURE_LABELS if not n.startswith("three_public.")]
THREE_PUBLIC = [n for n in FIGURE_LABELS if n.startswith("three_public.")]
ADDED, REMOVED = "新增", "取消"


@dataclass
class Line:
    key: str  # a figure's name, a code, or a project's name
    label: str
    before: Decimal | None
    after: Decimal | None
    depth: int = 0  # 0 for a 类 or a flat line, 1 for a 款, 2 for a 项
    status: str = ""  # ADDED, REMOVED or ""
    note: str = ""  # e.g. where the previous figure comes from (上年数为本年重述)

    @property
    def title(self) -> str:
        """The label as shown: a classification code before its name."""
        return f"{self.key} {self.label}".strip() if self.key[:1].isdigit() else self.label

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def percent(self) -> Decimal | None:
        """The change in % of the earlier amount, to one decimal; None when that amount is zero or unknown."""
        change = self.change
        if change is None or not self.before:
            return None
        return (change * 100 / self.before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def changed(self) -> bool:
        if self.before is None or self.after is None:
            return (self.before is None) != (self.after is None)
        return not same(self.before, self.after)

    def to_json(self) -> dict:
        def amount(value):
            return None if value is None else fmt(value)

        return {"key": self.key, "label": self.label, "before": amount(self.before), "after": amount(self.after),
                "change": amount(self.change), "percent": None if self.percent is None else str(self.percent),
                "depth": self.depth, "status": self.status, "note": self.note}


@dataclass
class Section:
    id: str
    title: str
    lines: list[Line] = field(default_factory=list)
    note: str = ""  # why a section cannot be compared, or how to read it

    @property
    def changed_lines(self) -> list[Line]:
        return [line for line in self.lines if line.changed]

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "note": self.note, "lines": [line.to_json() for line in self.lines]}


@dataclass
class Side:
    """One state of a disclosure: its data and its figures (a check context has both)."""

    disclosure: object  # generator.model.Disclosure
    figures: Figures


def shown(amount: Decimal | None) -> str:
    return UNKNOWN if amount is None else fmt(amount)


def shown_change(amount: Decimal | None) -> str:
    if amount is None:
        return UNKNOWN
    return ("+" if amount > 0 else "") + fmt(amount)


def shown_percent(percent: Decimal | None) -> str:
    if percent is None:
        return UNKNOWN
    return ("+" if percent > 0 else "") + f"{percent}%"


# ---- this year against last year ---------------------------------------------------------------------

@dataclass
class YearDiff:
    unit_id: str
    unit_name: str
    year: int
    base: str  # "disclosed": last year's disclosure is here; "written": only this year's previous_year; "none"
    sections: list[Section]

    @property
    def base_text(self) -> str:
        return {"disclosed": f"{self.year - 1}年公开（本站所收）",
                "written": f"本年公开所列的{self.year - 1}年数（上年公开未收入本站）",
                "none": "无上年数据"}[self.base]

    def to_json(self) -> dict:
        return {"unit": self.unit_id, "name": self.unit_name, "year": self.year, "previous_year": self.year - 1,
                "base": self.base, "sections": [s.to_json() for s in self.sections]}


def year_diff(unit_id: str, unit_name: str, this: Side, last: Side | None, catalogue) -> YearDiff:
    """This year against last year: the named figures as `check` uses them (last year's disclosure, or
    what this year's `previous_year` restates or gives), and, when last year's disclosure is here, its
    tables line by line."""
    figures = this.figures
    base = "disclosed" if last is not None else ("written" if figures.previous else "none")
    sections = [
        _figure_section("figures", "主要指标", HEADLINE, figures, figures.previous),
        _figure_section("three_public", "财政拨款“三公”经费", THREE_PUBLIC, figures, figures.previous),
    ]
    if last is None:
        why = "上年公开未收入本站，无法逐行比较。"
        sections += [Section(id, title, note=why) for id, title in ITEMISED]
    else:
        sections += itemised(last.disclosure, this.disclosure, catalogue)
        restated = _restated_names(figures)
        if restated:
            labels = "、".join(FIGURE_LABELS.get(n, n) for n in restated)
            note = (f"本年公开重述了上年的{labels}，与上年公开不同；主要指标按重述数比较，以下明细按上年公开比较。")
            for section in sections[2:]:
                section.note = (section.note + " " + note).strip()
    return YearDiff(unit_id, unit_name, this.disclosure.year, base, sections)


def _restated_names(figures: Figures) -> list[str]:
    """Figures whose previous-year value this year restates: written in previous_year and different from
    last year's disclosure (figures._previous uses the restated one)."""
    disclosed = figures.previous_disclosed
    if disclosed is None:
        return []
    return [n for n, v in sorted(figures.previous_restated.items())
            if n in disclosed and not same(disclosed[n], v)]


def _figure_section(id: str, title: str, names: list[str], after: Figures, before: dict) -> Section:
    restated = set(_restated_names(after))
    lines = []
    for name in names:
        now, then = after.value(name), before.get(name)
        if now is None and then is None:
            continue
        note = "上年数为本年重述" if then is not None and name in restated else ""
        lines.append(Line(name, FIGURE_LABELS[name], then, now, note=note))
    return Section(id, title, lines)


# ---- line by line: shared by the year diff and the version diff ----------------------------------------

ITEMISED = [
    ("functional", "支出功能分类（类/款/项）"),
    ("economic", "基本支出经济分类（类/款）"),
    ("projects", "项目（绩效目标表）"),
    ("procurement", "政府采购"),
]


def itemised(before, after, catalogue) -> list[Section]:
    """The itemised tables of two disclosures (Disclosure models), line by line."""
    return [
        _hierarchy_section("functional", ITEMISED[0][1], before.functional, after.functional, catalogue,
                           (3, 5, 7), lambda line: line.amount),
        _hierarchy_section("economic", ITEMISED[1][1], before.economic, after.economic, catalogue,
                           (3, 5), lambda line: line.amount),
        _named_section("projects", ITEMISED[2][1], _projects(before), _projects(after)),
        _named_section("procurement", ITEMISED[3][1], _procurement(before), _procurement(after)),
    ]


def _sums(lines, levels, amount_of, kind: str, catalogue) -> tuple[dict[str, Decimal], dict[str, str]]:
    sums: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    for line in lines:
        for size in levels:
            code = line.code[:size]
            sums[code] = sums.get(code, ZERO) + amount_of(line)
        if line.name:
            names[line.code] = line.name
    return sums, {code: names.get(code) or catalogue.name(kind, code) or "" for code in sums}


def _hierarchy_section(id, title, before_lines, after_lines, catalogue, levels, amount_of) -> Section:
    if not before_lines or not after_lines:
        missing = "上年" if not before_lines else "本年"
        if not before_lines and not after_lines:
            return Section(id, title, note="两者均未录入明细。")
        return Section(id, title, note=f"{missing}未录入明细，无法逐行比较。")
    before, names_before = _sums(before_lines, levels, amount_of, id, catalogue)
    after, names_after = _sums(after_lines, levels, amount_of, id, catalogue)
    lines = {}
    for code in set(before) | set(after):
        then, now = before.get(code), after.get(code)
        status = ADDED if then is None else REMOVED if now is None else ""
        lines[code] = Line(code, names_after.get(code) or names_before.get(code, ""), then or ZERO, now or ZERO,
                           depth=levels.index(len(code)), status=status)
    return Section(id, title, _by_size_in_tree(lines, levels))


def _by_size_in_tree(lines: dict[str, Line], levels) -> list[Line]:
    """Each level sorted by the size of its change (then by code), every line right under its parent."""
    def key(line: Line):
        change = line.change
        return (-(abs(change) if change is not None else ZERO), line.key)

    out: list[Line] = []

    def place(parent: str, depth: int) -> None:
        children = [l for c, l in lines.items() if len(c) == levels[depth] and c.startswith(parent)]
        for line in sorted(children, key=key):
            out.append(line)
            if depth + 1 < len(levels):
                place(line.key, depth + 1)

    place("", 0)
    return out


def _projects(d) -> dict[str, tuple[str, Decimal | None]]:
    return {p.name: (p.name, p.amount) for p in d.performance.projects}


def _procurement(d) -> dict[str, tuple[str, Decimal | None]]:
    out: dict[str, tuple[str, Decimal | None]] = {}
    for project in d.procurement.projects():
        for item in project.items:
            label = "：".join(part for part in (project.unit, project.name, item.item) if part)
            previous = out.get(label, (label, ZERO))[1]
            out[label] = (label, previous + item.shown_amount)
    return out


def _named_section(id, title, before: dict, after: dict) -> Section:
    lines = []
    for key in set(before) | set(after):
        label = (after.get(key) or before.get(key))[0]
        if key not in before:
            lines.append(Line(key, label, ZERO if after[key][1] is not None else None, after[key][1], status=ADDED))
        elif key not in after:
            lines.append(Line(key, label, before[key][1], ZERO if before[key][1] is not None else None,
                              status=REMOVED))
        else:
            lines.append(Line(key, label, before[key][1], after[key][1]))
    if not lines:
        return Section(id, title, note="两者均无。")
    return Section(id, title, sorted(lines, key=_size_key))


def _size_key(line: Line):
    change = line.change
    return (change is None, -(abs(change) if change is not None else ZERO), line.key)


# ---- output -------------------------------------------------------------------------------------------

def markdown(diff: YearDiff, heading: str = "##") -> str:
    out = [f"{heading} {diff.unit_name} {diff.year}年 与上年比较", "",
           f"上年数据：{diff.base_text}。单位：万元。", ""]
    for section in diff.sections:
        out += section_markdown(section, heading + "#")
    return "\n".join(out).rstrip() + "\n"


def section_markdown(section: Section, heading: str = "###", only_changed: bool = False) -> list[str]:
    out = [f"{heading} {section.title}", ""]
    if section.note:
        out += [section.note, ""]
    lines = section.changed_lines if only_changed else section.lines
    if not lines:
        if not section.note:
            out += ["无变化。", ""]
        return out
    out += ["| 项目 | 上年 | 本年 | 增减 | 增减% | 说明 |", "|---|---:|---:|---:|---:|---|"]
    for line in lines:
        label = ("　" * line.depth) + line.title
        why = "；".join(part for part in (line.status, line.note) if part)
        out.append(f"| {_cell(label)} | {shown(line.before)} | {shown(line.after)} | {shown_change(line.change)} | "
                   f"{shown_percent(line.percent)} | {_cell(why)} |")
    return out + [""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def plain(amount: Decimal | None) -> str | None:
    return None if amount is None else fmt_plain(amount)


def year_diff_of(report, unit_id: str, year: int | None) -> YearDiff | str:
    """The year diff of a checked site's disclosure (the unit's latest year when `year` is None), or why
    there is none (a message in Chinese)."""
    unit = next((u for u in report.site.units if u.id == unit_id), None)
    if unit is None:
        return f"找不到单位 {unit_id}"
    years = sorted(e.year for e in unit.years)
    if year is None:
        if not years:
            return f"单位 {unit_id} 没有年度数据"
        year = years[-1]
    ctx = report.context(f"{unit_id}/{year}")
    if ctx is None:
        return f"找不到 {unit_id}/{year} 的数据（或其 budget.yaml 有格式错误）"
    last = report.context(f"{unit_id}/{year - 1}")
    name = ctx.entry.unit.unit.name if ctx.entry.unit.unit else unit_id
    return year_diff(unit_id, name, Side(ctx.disclosure, ctx.figures),
                     None if last is None else Side(last.disclosure, last.figures), report.site.catalogue)
