"""Stale-year rules (Y002–Y007): what a disclosure copied from last year's still says about last year.

A finance officer starts this year's disclosure from last year's files; the figures get updated, but
years written in the text, the fixed assets' date, acknowledgements and the template chosen for the
old year easily stay as they were. Each rule names the year it expected and the one it found. An
acknowledgement whose `at` is gone from this year's files is D001's (`gone_acknowledgements`).
"""

from __future__ import annotations

import re

from generator.diagnostics import Location, Severity
from generator.narrative import substitute
from generator.rules import rule

E, W = Severity.ERROR, Severity.WARNING

# A comparison with a year: 较2022年, 比2022年, 与2022年相比, 同2022年相比, 比上年（2022年）.
COMPARED_YEAR = re.compile(r"(?:较|比|与|同)\s*(?:上年度?\s*[（(]\s*)?(?P<year>\d{4})\s*年")
# A year the text says is the budget's own: 2023年预算收入, 2023年，我单位安排, 2023年部门“三公”经费, 2023年共计安排.
# Not a year after a comparison word or in a range or a date limit (截至2022年, 2021—2025年).
CLAIMED_YEAR = re.compile(
    r"(?<![较比与同至到止\d—\-－~～])(?P<year>\d{4})\s*年度?"
    r"(?=\s*(?:[，,]\s*)?(?:(?:我|本)(?:单位|部门)|(?:部门|单位)?(?:预算|“三公”)|支出预算|共计安排))"
)
CLAUSE_END = re.compile(r"[，,。；;：:\n]")
EXCERPT_MAX = 40
AS_OF_DATE = re.compile(r"\s*(?P<y>\d{4})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})\s*日?\s*")
AS_OF_YEAR_END = re.compile(r"\s*(?P<y>\d{4})\s*年\s*(?:末|底)\s*")
YEAR_IN_TEXT = re.compile(r"(?<!\d)(?P<year>\d{4})\s*年")
DATA_PATH_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")


def _narrative_lines(ctx) -> list[str]:
    narrative = ctx.entry.narrative
    return [] if narrative is None else narrative.text.splitlines()


def _excerpt(line: str, match: re.Match) -> str:
    """The clause that holds a finding, as the message quotes it (and an acknowledgement's `at` repeats
    it): from the clause's start to its end, past a comma right after the match (“2023年，我单位安排……”).
    A clause that the match begins takes the one before it in the same sentence too, so that the three
    “比2022年增加0万元” of one paragraph are told apart by what they compare."""
    start = _clause_start(line, match.start())
    if start == match.start() and start > 0 and line[start - 1] in "，,":
        start = _clause_start(line, start - 1)
    start = max(start, match.start() - EXCERPT_MAX)
    after = match.end()
    while after < len(line) and line[after] in " ，,":
        after += 1
    end = CLAUSE_END.search(line, after)
    stop = min(end.start() if end else len(line), match.end() + EXCERPT_MAX)
    return line[start:stop]


def _clause_start(line: str, position: int) -> int:
    starts = [m.end() for m in CLAUSE_END.finditer(line, 0, position)]
    return starts[-1] if starts else 0


def _year_findings(ctx, pattern: re.Pattern, expected: int):
    """(line, column, year found, excerpt) for each year the pattern finds that is not `expected`."""
    for number, line in enumerate(_narrative_lines(ctx), start=1):
        for match in pattern.finditer(line):
            found = int(match.group("year"))
            if found != expected:
                yield number, match.start("year") + 1, found, _excerpt(line, match)


@rule("Y002", "正文比较的年度不是上年", E,
      "“比上年增减”比较的是本年与上年（本年度减 1）。正文写“较2022年”“与2022年相比”“比2022年”而年度不是上年，"
      "多半是沿用了往年的正文而未改年份，所述增减也就无从核对。",
      "正文“{excerpt}”比较的是 {found} 年，本年度 {year} 年应与 {expected} 年比较",
      "把比较的年份改为上年（本年度减 1），并核对所述增减额。",
      example="（2024 年度正文）2024年预算收支安排3000.00万元，较2022年预算增加153.57万元")
def compared_year_is_last_year(ctx):
    year = ctx.entry.year
    for line, column, found, excerpt in _year_findings(ctx, COMPARED_YEAR, year - 1):
        yield ctx.report("Y002", ctx.in_narrative(line, column), expected=str(year - 1), found=str(found),
                         subject=excerpt, excerpt=excerpt, year=year)


@rule("Y003", "正文所述本年预算的年度不是本年度", E,
      "正文以“2023年预算收入”“2023年，我单位安排”“2023年部门“三公”经费”等说法陈述本年预算时，年份必须是本年度；"
      "写成别的年份，多半是沿用了往年的正文。",
      "正文“{excerpt}”所述年度为 {found} 年，本年度为 {expected} 年",
      "把年份改为本年度，或改用“本年”。",
      example="（2024 年度正文）2023年，我单位机关运行经费共计安排292.92万元")
def claimed_year_is_this_year(ctx):
    year = ctx.entry.year
    for line, column, found, excerpt in _year_findings(ctx, CLAIMED_YEAR, year):
        yield ctx.report("Y003", ctx.in_narrative(line, column), expected=str(year), found=str(found),
                         subject=excerpt, excerpt=excerpt)


def _as_of(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a written date; a year's 末/底 is its 12-31."""
    match = AS_OF_DATE.fullmatch(text)
    if match:
        return int(match["y"]), int(match["m"]), int(match["d"])
    match = AS_OF_YEAR_END.fullmatch(text)
    return (int(match["y"]), 12, 31) if match else None


def _as_of_finding(ctx):
    """(written, expected, date or None) when fixed_assets.as_of is not the end of last year."""
    assets = ctx.disclosure.fixed_assets
    if assets is None or not assets.as_of.strip():
        return None
    expected = f"{ctx.entry.year - 1}-12-31"
    date = _as_of(assets.as_of)
    if date == (ctx.entry.year - 1, 12, 31):
        return None
    return assets.as_of, expected, date


@rule("Y004", "固定资产截止时间早于上年", E,
      "固定资产占用情况反映上年末（本年度减 1 的 12 月 31 日）的资产。截止时间在上年之前，说明资产表沿用了往年的数据。",
      "固定资产截止时间 {found} 早于上年末 {expected}：资产数据可能沿用了往年",
      "按上年末的资产数据更新固定资产占用情况表，并把 as_of 改为上年末。",
      example="fixed_assets:\n  as_of: '2021-12-31'   # 2023 年度应为 2022-12-31")
def assets_not_older_than_last_year(ctx):
    finding = _as_of_finding(ctx)
    if finding and finding[2] is not None and finding[2][0] < ctx.entry.year - 1:
        yield ctx.report("Y004", ctx.at("fixed_assets", "as_of"), expected=finding[1], found=finding[0],
                         subject="fixed_assets.as_of")


@rule("Y005", "固定资产截止时间不是上年末", W,
      "固定资产占用情况按惯例截至上年末（本年度减 1 的 12 月 31 日）。截止时间是上年年中、本年或以后，"
      "或写法无法识别（应写作 2023-12-31 或 2023年12月31日），请核对。",
      "固定资产截止时间 {found} 不是上年末 {expected}",
      "把 as_of 改为上年末；公开文本确实如此的，记入 acknowledged。",
      example="fixed_assets:\n  as_of: '2023-12-31'   # 2023 年度应为 2022-12-31")
def assets_at_last_year_end(ctx):
    finding = _as_of_finding(ctx)
    if finding and (finding[2] is None or finding[2][0] >= ctx.entry.year - 1):
        yield ctx.report("Y005", ctx.at("fixed_assets", "as_of"), expected=finding[1], found=finding[0],
                         subject="fixed_assets.as_of")


def _path_exists(data, at: str) -> bool:
    """Whether a data path is in budget.yaml: every list item it names exists, and every mapping
    but the last (a figure that is not written, e.g. a derived sum, belongs to a mapping that is)."""
    steps = DATA_PATH_STEP.findall(at)
    node = data
    for i, (key, index) in enumerate(steps):
        last = i == len(steps) - 1
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return False
            node = node[int(index)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return last and isinstance(node, dict)
    return True


def _texts(ctx) -> list[str]:
    """The narrative as written and with its placeholders replaced (as narrative diagnostics quote it)."""
    from generator.rules.narrative_rules import _placeholder_value

    narrative = ctx.entry.narrative
    if narrative is None:
        return []
    return [narrative.text, substitute(narrative.text, lambda name: _placeholder_value(ctx, name))]


def _at_exists(ctx, at: str) -> bool:
    from generator.check import _DATA_PATH

    if _DATA_PATH.match(at):
        data = ctx.entry.budget_doc.data if ctx.entry.budget_doc is not None else None
        return _path_exists(data, at)
    return any(at in text for text in _texts(ctx))


def gone_acknowledgements(ctx) -> list[int]:
    """Indexes of the acknowledgements whose `at` is in neither this year's budget.yaml nor its
    narrative: copied from last year (D001 says so when they match nothing, as they then cannot)."""
    acknowledged = ctx.disclosure.acknowledged
    return [i for i, ack in enumerate(acknowledged) if ack.at.strip() and not _at_exists(ctx, ack.at.strip())]


@rule("Y006", "已确认偏差的理由提到往年", W,
      "确认偏差的理由是针对本年公开文本写的。理由中出现上年之前的年份（本年度减 2 及更早），"
      "多半是连同上年的确认一起复制过来的，理由未必还适用于本年。",
      "已确认偏差（规则 {rule}）的理由提到 {found} 年，早于上年 {expected} 年：可能是从往年复制的确认",
      "按本年的公开文本重写理由；偏差已不存在的，删除该条确认。",
      example="acknowledged:\n  - {rule: A001, at: fixed_assets.total, reason: 2021年公开文本资产总额如此}")
def acknowledgement_reason_is_current(ctx):
    last_year = ctx.entry.year - 1
    for i, ack in enumerate(ctx.disclosure.acknowledged):
        years = [int(m["year"]) for m in YEAR_IN_TEXT.finditer(ack.reason)]
        old = [y for y in years if y < last_year]
        if old:
            yield ctx.report("Y006", ctx.at_value("acknowledged", i, "reason"), expected=str(last_year),
                             found=str(min(old)), subject=f"acknowledged[{i}].reason", rule=ack.rule)


def _profile_location(ctx) -> Location:
    """Where the disclosure's template is chosen: budget.yaml, else unit.yaml, else site.yaml."""
    entry, site = ctx.entry, ctx.site
    if ctx.disclosure.profile:
        return ctx.at("profile")
    unit = entry.unit
    if unit.unit is not None and unit.unit.profile and unit.doc is not None:
        return Location(unit.display, *unit.doc.position(("profile",)))
    if site.settings_doc is not None:
        return Location(site.display(site.settings_doc.path), *site.settings_doc.position(("default_profile",)))
    return ctx.at("year")


@rule("Y007", "公开模板不适用于本年度", W,
      "模板记录它适用的年度（profile 的 years）。各地的公开模板隔几年就会调整（如 2024 年起一些地方改为十一部分），"
      "用于其他年度的模板，章节和表格可能与本年的要求不符：多半是沿用了上年的模板设置。",
      "公开模板“{profile}”适用于 {years}，不适用于 {found} 年度",
      "改用适用于本年度的模板（budget.yaml 或 unit.yaml 的 profile）；模板实际仍在使用的，修改模板的 years。",
      example="profile: generic-dept-2024   # 2023 年度：该模板适用于 2024 年起")
def profile_covers_the_year(ctx):
    profile = ctx.profile
    if profile is None or profile.years is None or profile.years.covers(ctx.entry.year):
        return
    yield ctx.report("Y007", _profile_location(ctx), expected=profile.years.describe(), found=str(ctx.entry.year),
                     subject="profile", profile=profile.id, years=profile.years.describe())
