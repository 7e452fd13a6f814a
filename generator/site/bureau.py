"""The finance bureau's view (build --bureau, for its intranet; never on the public site): for each year
listed under `bureau` in site.yaml, every unit expected to publish, whether its disclosure is here, its
check status, and its publication date against the legal deadline, 20 days after the budget's
approval (《预算法》第十四条: 经本级政府财政部门批复后二十日内), the date given in `approved`. Units
on the site that the list does not name are listed too. No date depends on the day of the build."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from generator.diagnostics import Severity

DEADLINE_DAYS = 20


@dataclass
class BureauRow:
    unit_id: str
    name: str
    url: str  # the disclosure page, relative to the site root; "" when not published
    status: str  # 已公开 | 未公开 | 不在名单
    check: str  # 通过 | N 个警告 | —
    published: str  # the date written in the disclosure, "" when none
    timeliness: str  # 按期 | 逾期 N 日 | 未填写公开日期 | 无批复日期 | —


@dataclass
class BureauPage:
    year: int
    approved: str
    deadline: str
    rows: list[BureauRow] = field(default_factory=list)

    @property
    def missing(self) -> list[BureauRow]:
        return [r for r in self.rows if r.status == "未公开"]


def bureau_url(year: int) -> str:
    return f"bureau/{year}/index.html"


def deadline_of(approved: str) -> _dt.date | None:
    try:
        return _dt.date.fromisoformat(approved) + _dt.timedelta(days=DEADLINE_DAYS)
    except ValueError:
        return None


def bureau_page(report, year_settings, disclosure_url) -> BureauPage:
    site = report.site
    deadline = deadline_of(year_settings.approved)
    page = BureauPage(year_settings.year, year_settings.approved, deadline.isoformat() if deadline else "")
    units = {u.id: u for u in site.units}
    listed = list(dict.fromkeys(year_settings.units))
    extra = sorted(u for u, entry in units.items() if u not in listed
                   and any(y.year == year_settings.year for y in entry.years))
    for unit_id in listed + extra:
        unit = units.get(unit_id)
        name = unit.unit.name if unit is not None and unit.unit is not None else unit_id
        ctx = report.context(f"{unit_id}/{year_settings.year}") if unit is not None else None
        if ctx is None:
            page.rows.append(BureauRow(unit_id, name, "", "未公开", "—", "", "—"))
            continue
        published = ctx.disclosure.published
        page.rows.append(BureauRow(unit_id, name, disclosure_url(unit_id, year_settings.year),
                                   "已公开" if unit_id in listed else "不在名单", _check(report, unit_id, year_settings.year),
                                   published, _timeliness(published, deadline)))
    return page


def _check(report, unit_id: str, year: int) -> str:
    found = [d for d in report.all_diagnostics() if d.unit == unit_id and d.year == year and d.acknowledged is None]
    errors = sum(1 for d in found if d.severity is Severity.ERROR)
    warnings = sum(1 for d in found if d.severity is Severity.WARNING)
    if errors:
        return f"{errors} 个错误"
    return f"{warnings} 个警告" if warnings else "通过"


def _timeliness(published: str, deadline: _dt.date | None) -> str:
    if deadline is None:
        return "无批复日期"
    try:
        date = _dt.date.fromisoformat(published)
    except ValueError:
        return "未填写公开日期"
    late = (date - deadline).days
    return "按期" if late <= 0 else f"逾期 {late} 日"


def write_bureau_pages(writer, report, disclosure_url) -> None:
    for year_settings in sorted(writer.settings.bureau, key=lambda b: b.year):
        writer.render("bureau.html", bureau_url(year_settings.year), bureau_page(report, year_settings, disclosure_url),
                      indexed=False)
