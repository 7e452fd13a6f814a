"""Year over year from the repository, and the stale-year rules (Y001–Y007, D001's copied case).

Each test starts from a real disclosure: content/units/langfang-renda/2023 (transcribed from the
published 2023 text, seed 000) copied to a temporary content directory as 2023 and again as 2024,
as a finance officer starts the new year. `updated()` then does the officer's work properly — new
year, new figures (project spending +100, so income and spending +100), the narrative's years and
changes rewritten, `previous_year` deleted (last year's folder is in the repository), the assets'
date moved to the end of 2023, a 2024 template — and the tests undo one piece of that work, or
write a restatement, and look at what `check` (and the site) says.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from generator.check import check_site
from generator.rules.cross_unit import GONE

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import describe
except ImportError:  # pragma: no cover
    from tests.conftest import describe

D = Decimal
ROOT = Path(__file__).resolve().parents[1]
UNIT = "langfang-renda"
SOURCE = ROOT / "content" / "units" / UNIT
BUILTIN_PROFILE = ROOT / "generator" / "data" / "profiles" / "hebei-langfang-unit.yaml"
PROFILE_2024 = "hebei-langfang-unit-2024"


@dataclass
class Repo:
    content: Path

    def path(self, year: int, name: str) -> Path:
        return self.content / "units" / UNIT / str(year) / name

    def display(self, year: int, name: str) -> str:
        return f"content/units/{UNIT}/{year}/{name}"

    def text(self, year: int, name: str) -> str:
        return self.path(year, name).read_text(encoding="utf-8")

    def replace(self, year: int, name: str, old: str, new: str, count: int = 1) -> "Repo":
        text = self.text(year, name)
        assert text.count(old) >= count, f"{name} of {year} has no {old!r}"
        self.path(year, name).write_text(text.replace(old, new) if count == -1 else text.replace(old, new, count),
                                         encoding="utf-8")
        return self

    def append(self, year: int, name: str, text: str) -> "Repo":
        self.path(year, name).write_text(self.text(year, name) + text, encoding="utf-8")
        return self

    def line_of(self, year: int, name: str, needle: str) -> int:
        return next(i for i, line in enumerate(self.text(year, name).splitlines(), 1) if needle in line)

    def check(self, cache: Path | None = None):
        return check_site(self.content, cache_dir=cache)


def copied(tmp_path: Path) -> Repo:
    """2023 as published, and 2024 as its plain copy (nothing updated yet)."""
    content = tmp_path / "content"
    (content / "units" / UNIT).mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.yaml", content / "site.yaml")
    shutil.copy(SOURCE / "unit.yaml", content / "units" / UNIT / "unit.yaml")
    for year in (2023, 2024):
        shutil.copytree(SOURCE / "2023", content / "units" / UNIT / str(year))
    # The region's template for 2024 is a new profile file (here: the 2022–2023 one, its years moved on).
    profile = BUILTIN_PROFILE.read_text(encoding="utf-8")
    profile = profile.replace("id: hebei-langfang-unit\n", f"id: {PROFILE_2024}\n")
    profile = re.sub(r"^years: .*$", "years: {from: 2024}", profile, flags=re.MULTILINE)
    (content / "profiles").mkdir()
    (content / "profiles" / f"{PROFILE_2024}.yaml").write_text(profile, encoding="utf-8")
    repo = Repo(content)
    repo.replace(2024, "budget.yaml", "year: 2023\n", "year: 2024\n")
    return repo


PREVIOUS_YEAR_BLOCK = re.compile(r"^# 上年数 = .*?(?=^procurement:)", re.MULTILINE | re.DOTALL)


def updated(tmp_path: Path) -> Repo:
    """The 2024 disclosure written properly from the 2023 copy."""
    repo = copied(tmp_path)
    budget = repo.text(2024, "budget.yaml")
    budget = PREVIOUS_YEAR_BLOCK.sub("", budget)  # last year's folder is here: its figures are last year's
    budget = budget.replace("year: 2024\n", f"year: 2024\nprofile: {PROFILE_2024}\n")
    budget = budget.replace("total: 2931.61", "total: 3031.61").replace("general_budget: 2931.61",
                                                                       "general_budget: 3031.61")
    budget = budget.replace("    project: 567\n", "    project: 667\n")
    budget = budget.replace("as_of: '2022-12-31'", "as_of: '2023-12-31'")
    repo.path(2024, "budget.yaml").write_text(budget, encoding="utf-8")
    narrative = repo.text(2024, "narrative.md").replace("2023", "2024").replace("2022", "2023")
    for old, new in [
        ("2931.61", "3031.61"),
        ("项目支出567万元", "项目支出667万元"),
        ("较2023年预算增加153.57万元，其中：基本支出增加163.87万元，主要为人员经费支出；项目支出减少10.3万元",
         "较2023年预算增加100万元，其中：基本支出增加0万元，主要为人员经费支出；项目支出增加100万元"),
        ("与2023年相比减少1.5万元", "与2023年相比增加0万元"),
        ("公务接待费1.5万元，减少1.5万元", "公务接待费1.5万元，增加0万元"),
    ]:
        assert old in narrative, old
        narrative = narrative.replace(old, new)
    repo.path(2024, "narrative.md").write_text(narrative, encoding="utf-8")
    return repo


def of(report, code: str, year: int = 2024) -> list:
    return [d for d in report.diagnostics if d.code == code and d.year == year and d.acknowledged is None]


def unacknowledged(report, year: int = 2024) -> list:
    return [d for d in report.diagnostics if d.year == year and d.acknowledged is None and d.severity.value != "info"]


# ---- previous-year figures from last year's folder -------------------------------------------------


def test_the_updated_copy_checks_clean_with_last_years_figures_from_its_folder(tmp_path):
    repo = updated(tmp_path)
    report = repo.check()
    assert unacknowledged(report) == [], describe(report)
    figures = report.contexts[f"{UNIT}/2024"].figures
    # as 2023 published them (seed 000), though 2024's budget.yaml has no previous_year
    assert figures.value("previous.expenditure.total") == D("2931.61")
    assert figures.value("previous.expenditure.basic") == D("2364.61")
    assert figures.value("previous.three_public.subtotal") == D("37.43")
    assert figures.value("change.expenditure.project") == D("100")
    assert figures.value("change.three_public.reception") == D("0")


def test_without_previous_year_n002_verifies_a_stated_change_against_last_years_folder(tmp_path):
    repo = updated(tmp_path).replace(2024, "narrative.md", "较2023年预算增加100万元", "较2023年预算增加153.57万元")
    report = repo.check()
    [n002] = [d for d in of(report, "N002") if "153.57" in d.subject]
    assert (n002.expected, n002.found) == ("100.00", "153.57")
    assert n002.location.file == repo.display(2024, "narrative.md")
    assert n002.location.line == repo.line_of(2024, "narrative.md", "较2023年预算增加153.57万元")


def test_a_restated_previous_year_figure_that_differs_is_one_y001_and_wins(tmp_path):
    """Last year's 公务接待费 restated as 2.00 (2023 published 1.5): one Y001 at the figure written, none
    for the 三公 subtotal and total derived from it; the restatement is what 比上年 is computed from."""
    restated = "previous_year:\n  three_public:\n    reception: 2.00\n  source: 重述\nprocurement:\n"
    repo = updated(tmp_path).replace(2024, "budget.yaml", "procurement:\n", restated)
    repo.replace(2024, "narrative.md", "与2023年相比增加0万元", "与2023年相比减少0.5万元")
    repo.replace(2024, "narrative.md", "公务接待费1.5万元，增加0万元", "公务接待费1.5万元，减少0.5万元")
    report = repo.check()
    [y001] = of(report, "Y001")
    assert y001.subject == "previous_year.three_public.reception"
    assert (y001.expected, y001.found) == ("1.50", "2.00")
    assert y001.location.file == repo.display(2024, "budget.yaml")
    assert y001.location.line == repo.line_of(2024, "budget.yaml", "reception: 2.00")
    assert "以本年 previous_year 所写为准" in y001.message
    figures = report.contexts[f"{UNIT}/2024"].figures
    assert figures.value("previous.three_public.reception") == D("2.00")
    assert figures.value("previous.three_public.subtotal") == D("37.93")  # 35.93 + 2.00: derived again
    assert figures.value("previous.expenditure.total") == D("2931.61")  # not restated: from 2023's folder
    assert of(report, "N002") == [], describe(report)  # the text's −0.5 is checked against the restatement
    assert [d.code for d in unacknowledged(report)] == ["Y001"], describe(report)


def test_a_restatement_acknowledged_passes(tmp_path):
    repo = updated(tmp_path).replace(2024, "budget.yaml", "procurement:\n",
                                     "previous_year:\n  three_public:\n    reception: 1.50\nprocurement:\n")
    assert unacknowledged(repo.check()) == []  # written, and equal to last year's: nothing to say
    repo.replace(2024, "budget.yaml", "reception: 1.50", "reception: 2.00")
    repo.replace(2024, "narrative.md", "与2023年相比增加0万元", "与2023年相比减少0.5万元")
    repo.replace(2024, "narrative.md", "公务接待费1.5万元，增加0万元", "公务接待费1.5万元，减少0.5万元")
    _acknowledge(repo, "Y001", "previous_year.three_public.reception", "上年公务接待费决算调整后重述为2.00万元")
    report = repo.check()
    assert unacknowledged(report) == [], describe(report)
    assert [d.code for d in report.diagnostics if d.year == 2024 and d.acknowledged] == ["Y001"]


def test_last_years_previous_year_copied_unchanged_is_reported_once_per_figure(tmp_path):
    """The plain copy keeps 2023's previous_year (2022's figures): one Y001 per figure written there."""
    repo = copied(tmp_path)
    report = repo.check()
    subjects = sorted(d.subject for d in of(report, "Y001"))
    assert subjects == sorted(f"previous_year.{n}" for n in (
        "totals.income.total", "totals.expenditure.total", "totals.expenditure.basic", "totals.expenditure.project",
        "three_public.reception")), describe(report)
    assert len({(d.location.line, d.location.column) for d in of(report, "Y001")}) == len(subjects)


def test_a_change_to_last_years_budget_reaches_this_years_check_through_the_cache(tmp_path):
    repo = updated(tmp_path)
    cache = tmp_path / "cache"
    assert unacknowledged(repo.check(cache)) == []
    assert unacknowledged(repo.check(cache)) == []  # from the cache
    # 2023's project spending corrected upwards by 10 (and its totals): 2024's stated +100 no longer holds
    for old, new in [("total: 2931.61", "total: 2941.61"), ("general_budget: 2931.61", "general_budget: 2941.61"),
                     ("    project: 567\n", "    project: 577\n")]:
        repo.replace(2023, "budget.yaml", old, new, count=-1)
    report = repo.check(cache)
    changes = {d.subject: (d.expected, d.found) for d in of(report, "N002")}
    assert changes["较2023年预算增加100万元"] == ("90.00", "100.00"), describe(report)
    assert changes["项目支出增加100万元"] == ("90.00", "100.00"), describe(report)
    assert f"{UNIT}/2024" in report.contexts  # the unit's key covers 2023's files: checked again, not reused
    assert report.context(f"{UNIT}/2024").figures.value("previous.expenditure.total") == D("2941.61")


def test_builders_get_the_previous_figures_check_used(tmp_path):
    """A unit whose result comes from the cache is read again for the site and PDF (unit_contexts): its
    previous figures are still last year's folder's, with this year's restatement."""
    repo = updated(tmp_path).replace(2024, "budget.yaml", "procurement:\n",
                                     "previous_year:\n  three_public:\n    reception: 2.00\nprocurement:\n")
    cache = tmp_path / "cache"
    checked = repo.check(cache).contexts[f"{UNIT}/2024"].figures
    reread = repo.check(cache)
    assert f"{UNIT}/2024" not in reread.contexts  # reused from the cache
    figures = reread.context(f"{UNIT}/2024").figures
    assert figures.previous == checked.previous
    assert figures.value("previous.three_public.subtotal") == D("37.93")


def test_the_unit_page_shows_the_changes_check_verified(tmp_path):
    from generator.build import build
    from site_support import parse, text_of

    repo = updated(tmp_path).replace(2024, "budget.yaml", "procurement:\n",
                                     "previous_year:\n  three_public:\n    reception: 2.00\nprocurement:\n")
    repo.replace(2024, "narrative.md", "与2023年相比增加0万元", "与2023年相比减少0.5万元")
    repo.replace(2024, "narrative.md", "公务接待费1.5万元，增加0万元", "公务接待费1.5万元，减少0.5万元")
    _acknowledge(repo, "Y001", "previous_year.three_public.reception", "上年公务接待费决算调整后重述为2.00万元")
    output = tmp_path / "site"
    build(repo.content, output, search=False)
    page = parse(output / "units" / UNIT / "index.html")
    [table] = [t for t in page.iter("table") if text_of(t.find("caption")) == "比上年增减（单位：万元）"]
    [row] = [[text_of(c).strip() for c in tr if c.tag in ("th", "td")] for tr in table.find("tbody").iter("tr")]
    # income and spending +100 on 2023's folder; 三公 37.43 against the restated 37.93
    # 收入总计 = 本年收入合计 + 上年结转 in both years; 支出总计 is in neither (no 年终结转结余): unknown
    assert row == ["2024年", "100.00", "—", "0.00", "100.00", "-0.50"]


# ---- stale years in the narrative ---------------------------------------------------------------------


def test_a_2024_narrative_comparing_with_2022_is_y002(tmp_path):
    repo = updated(tmp_path).replace(2024, "narrative.md", "较2023年预算增加100万元", "较2022年预算增加100万元")
    report = repo.check()
    [y002] = of(report, "Y002")
    assert (y002.expected, y002.found) == ("2023", "2022")
    assert y002.location.file == repo.display(2024, "narrative.md")
    line = repo.line_of(2024, "narrative.md", "较2022年预算")
    assert (y002.location.line, y002.location.column) == (line, repo.text(2024, "narrative.md").splitlines()[
        line - 1].index("2022年") + 1)
    assert "较2022年预算增加100万元" in y002.message


@pytest.mark.parametrize("wording", ["较2022年预算增加100万元", "与2022年相比增加100万元", "比2022年增加100万元",
                                     "同2022年相比增加100万元", "比上年（2022年）增加100万元"])
def test_every_wording_of_a_comparison_names_its_year(tmp_path, wording):
    repo = updated(tmp_path).replace(2024, "narrative.md", "较2023年预算增加100万元", wording)
    [y002] = of(repo.check(), "Y002")
    assert wording in y002.subject and y002.found == "2022"
    repo.replace(2024, "narrative.md", wording, wording.replace("2022", "2023"))
    assert of(repo.check(), "Y002") == []


def test_the_plain_copy_is_told_which_years_are_stale(tmp_path):
    """Every comparison with 2022 and every “2023年……” claim of the copied text, each at its place."""
    repo = copied(tmp_path)
    report = repo.check()
    y002, y003 = of(report, "Y002"), of(report, "Y003")
    assert {d.found for d in y002} == {"2022"} and len(y002) == repo.text(2024, "narrative.md").count("2022年")
    assert any("较2022年预算增加153.57万元" in d.subject for d in y002)
    assert any(d.subject.startswith("2023年，我单位机关运行经费共计安排292.92万元") for d in y003)
    assert {d.found for d in y003} == {"2023"} and all(d.expected == "2024" for d in y003)
    # 2023 itself, as published, says nothing of the kind
    assert of(report, "Y002", 2023) == [] and of(report, "Y003", 2023) == []


def test_a_2024_text_stating_this_years_budget_as_2023_is_y003(tmp_path):
    repo = updated(tmp_path).replace(2024, "narrative.md", "2024年，我单位机关运行经费", "2023年，我单位机关运行经费")
    [y003] = of(repo.check(), "Y003")
    assert (y003.expected, y003.found) == ("2024", "2023")
    assert y003.location.line == repo.line_of(2024, "narrative.md", "2023年，我单位机关运行经费")


# ---- the fixed assets' date -------------------------------------------------------------------------


@pytest.mark.parametrize("as_of, code", [
    ("2022-12-31", "Y004"),  # copied with last year's asset table
    ("2021年12月31日", "Y004"),
    ("2023-06-30", "Y005"),  # last year, but not its end
    ("2024-12-31", "Y005"),  # this year's end has not come
    ("去年年底", "Y005"),  # not a date
    ("2023年12月31日", None),
    ("2023-12-31", None),
])
def test_fixed_assets_as_of_is_the_end_of_last_year(tmp_path, as_of, code):
    repo = updated(tmp_path).replace(2024, "budget.yaml", "as_of: '2023-12-31'", f"as_of: '{as_of}'")
    report = repo.check()
    found = of(report, "Y004") + of(report, "Y005")
    if code is None:
        assert found == [], describe(report)
        return
    [diagnostic] = found
    assert diagnostic.code == code and (diagnostic.expected, diagnostic.found) == ("2023-12-31", as_of)
    assert diagnostic.location.line == repo.line_of(2024, "budget.yaml", "as_of:")


# ---- acknowledgements copied from last year -----------------------------------------------------------


ACKNOWLEDGED = "acknowledged:\n  - rule: {rule}\n    at: {at}\n    reason: {reason}\n"


def _acknowledge(repo: Repo, rule: str, at: str, reason: str) -> Repo:
    return repo.append(2024, "budget.yaml", ACKNOWLEDGED.format(rule=rule, at=at, reason=reason))


def test_an_acknowledgement_whose_reason_names_a_year_before_last_is_y006(tmp_path):
    """2024's text really has a deviation (1696.90 for 1696.91), acknowledged with a reason copied
    from an acknowledgement of 2023's file, which spoke of the 2022 text."""
    repo = updated(tmp_path).replace(2024, "narrative.md", "固定资产金额为1696.91万元", "固定资产金额为1696.90万元")
    _acknowledge(repo, "N001", "固定资产金额为1696.90万元", "与2022年公开文本一致，按公开文本如实保留")
    report = repo.check()
    [y006] = of(report, "Y006")
    assert (y006.expected, y006.found) == ("2023", "2022")
    assert y006.location.line == repo.line_of(2024, "budget.yaml", "reason: 与2022年公开文本")
    assert [d.acknowledged for d in report.diagnostics if d.code == "N001" and d.year == 2024] == [
        "与2022年公开文本一致，按公开文本如实保留"]  # it still acknowledges: Y006 only doubts its reason
    # a reason about last year's text or this year's is fine
    repo.replace(2024, "budget.yaml", "reason: 与2022年公开文本", "reason: 与2023年公开文本")
    assert of(repo.check(), "Y006") == []


def test_y006_itself_can_be_acknowledged(tmp_path):
    repo = updated(tmp_path).replace(2024, "narrative.md", "固定资产金额为1696.91万元", "固定资产金额为1696.90万元")
    _acknowledge(repo, "N001", "固定资产金额为1696.90万元", "自2021年起公开文本均如此")
    repo.replace(2024, "budget.yaml", "    reason: 自2021年起公开文本均如此\n",
                 "    reason: 自2021年起公开文本均如此\n  - rule: Y006\n    at: acknowledged[0].reason\n"
                 "    reason: 理由说的是历年情况\n")
    report = repo.check()
    assert unacknowledged(report) == [], describe(report)


def test_an_acknowledgement_whose_place_is_gone_is_d001_saying_so(tmp_path):
    """An acknowledgement of 2023's “2023年预算收入…” copied into 2024, whose text now says 2024年."""
    repo = _acknowledge(updated(tmp_path), "N001", "2023年预算收入2931.61万元", "公开文本如此")
    report = repo.check()
    [d001] = of(report, "D001")
    assert GONE in d001.message and d001.severity.value == "warning"
    assert d001.location.line == repo.line_of(2024, "budget.yaml", "- rule: N001")
    assert of(report, "Y006") == []
    # at a place that is still there but no longer wrong: D001 without the remark
    repo.replace(2024, "budget.yaml", "at: 2023年预算收入2931.61万元", "at: fixed_assets.total")
    [d001] = of(repo.check(), "D001")
    assert GONE not in d001.message


def test_a_data_path_that_no_longer_exists_is_gone(tmp_path):
    repo = _acknowledge(updated(tmp_path), "F001", "performance.projects[7].schedule", "公开文本如此")
    [d001] = of(repo.check(), "D001")
    assert GONE in d001.message


# ---- profiles and their years ------------------------------------------------------------------------


def test_a_profile_used_outside_its_years_is_y007_where_it_is_chosen(tmp_path):
    """The copy keeps unit.yaml's hebei-langfang-unit (2022–2023) for 2024."""
    repo = updated(tmp_path).replace(2024, "budget.yaml", f"profile: {PROFILE_2024}\n", "")
    report = repo.check()
    [y007] = of(report, "Y007")
    assert (y007.expected, y007.found) == ("2022—2023 年", "2024")
    assert y007.location.file == f"content/units/{UNIT}/unit.yaml"
    unit_yaml = (repo.content / "units" / UNIT / "unit.yaml").read_text(encoding="utf-8").splitlines()
    assert unit_yaml[y007.location.line - 1].startswith("profile: hebei-langfang-unit")
    assert of(report, "Y007", 2023) == []  # 2023 is within its years
    # chosen in budget.yaml: pointed at there
    repo.replace(2024, "budget.yaml", "year: 2024\n", "year: 2024\nprofile: hebei-langfang-unit\n")
    [y007] = of(repo.check(), "Y007")
    assert y007.location.file == repo.display(2024, "budget.yaml")
    assert y007.location.line == repo.line_of(2024, "budget.yaml", "profile: hebei-langfang-unit")


def test_builtin_profiles_declare_their_years(tmp_path):
    report = check_site(ROOT / "content")
    years = {pid: (p.years.from_, p.years.to) for pid, p in report.site.profiles.items()}
    assert years == {"hebei-langfang-unit": (2022, 2023), "hebei-tangshan-dept": (2023, None),
                     "generic-dept-2024": (2024, None)}


def test_profile_years_out_of_order_are_a_located_error(tmp_path):
    repo = updated(tmp_path)
    path = repo.content / "profiles" / f"{PROFILE_2024}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("years: {from: 2024}", "years: {from: 2025, to: 2024}"),
                    encoding="utf-8")
    report = repo.check()
    found = [d for d in report.diagnostics if d.location.file.endswith(f"{PROFILE_2024}.yaml")]
    assert found and found[0].location.line > 0 and found[0].severity.value == "error", describe(report)


@pytest.mark.parametrize("vehicle, operation, subtotal, y001", [
    ("35.93", D("35.93"), D("37.43"), 0),  # the same as 2023's purchase + operation: nothing restated
    ("30.00", None, D("31.50"), 1),  # restated as a whole: 2023's split no longer holds
])
def test_a_restated_part_replaces_last_years_split_of_it(tmp_path, vehicle, operation, subtotal, y001):
    repo = updated(tmp_path).replace(2024, "budget.yaml", "procurement:\n",
                                     f"previous_year:\n  three_public:\n    vehicle: {vehicle}\nprocurement:\n")
    report = repo.check()
    assert [d.subject for d in of(report, "Y001")] == ["previous_year.three_public.vehicle"] * y001
    figures = report.contexts[f"{UNIT}/2024"].figures
    assert figures.value("previous.three_public.vehicle") == D(vehicle)
    assert figures.value("previous.three_public.vehicle_operation") == operation
    assert figures.value("previous.three_public.subtotal") == subtotal


def test_the_benchmarks_consecutive_synthetic_years_still_check(tmp_path):
    """`budgetsite bench --years 3` copies one year into three: its years are moved (narrative, as_of)
    and its previous_year kept as an acknowledged restatement, so that its content still passes."""
    from generator.bench import make_synthetic

    make_synthetic(ROOT / "content", tmp_path / "content", 3, 3)
    report = check_site(tmp_path / "content")
    assert not report.failed(), describe(report)
    stale = {d.code for d in report.diagnostics if d.code in ("Y002", "Y003", "Y004", "Y005", "N002")}
    assert stale == set(), describe(report)


# ---- a previous year recorded in part ---------------------------------------------------------------


def test_a_previous_three_public_recorded_in_part_leaves_its_sum_unverifiable_not_contradicted(site_tree):
    """A first year's previous_year that names only some 三公 parts (those whose change the text gives)
    says nothing of the others: "与2022年持平" on the 三公 sum is unverifiable (N013), never a false N014/N002
    from a sum of the parts written; the parts written are still verified."""
    from conftest import DELETE, UNIT_ID, YEAR, of_code

    site_tree.patch_budget({"previous_year": {"three_public": {"outbound": DELETE, "vehicle": DELETE}}})
    report = site_tree.check()
    codes = {(d.code, d.subject) for d in report.all_diagnostics()}
    assert not [c for c in codes if c[0] in ("N002", "N014")], describe(report)
    unverifiable = [d for d in of_code(report, "N013") if "“三公”经费预算安排9.50万元，与2022年持平" in d.subject]
    assert unverifiable and "无上年数" in unverifiable[0].message, describe(report)
    from generator.rules.narrative_rules import assessed

    states = [r.state for r in assessed(report.context(f"{UNIT_ID}/{YEAR}"))
              if r.statement.figure == "change.three_public.reception"]
    assert states == ["verified"]
