"""Versions of a published disclosure from the content's git history, on a temporary repository built
here: the commit dates give the publication and correction dates, and each correction lists what it
changed (figures, line items, sections) with the 更正说明 the officer wrote."""

from __future__ import annotations

import os
import subprocess
from decimal import Decimal as D
from pathlib import Path

from generator.build import build
from generator.check import check_site
from generator.content import load_site
from generator.versions import history_of
from site_support import parse, text_of

try:
    from conftest import UNIT_ID, YEAR, SiteTree, codes, describe, of_code
except ImportError:  # pragma: no cover
    from tests.conftest import UNIT_ID, YEAR, SiteTree, codes, describe, of_code


def git(root: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "财政局", "GIT_AUTHOR_EMAIL": "cz@example.org",
           "GIT_COMMITTER_NAME": "财政局", "GIT_COMMITTER_EMAIL": "cz@example.org"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T10:00:00+08:00"
    return subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True,
                          text=True).stdout


def commit(tree: SiteTree, date: str, message: str) -> None:
    tree.write()
    git(tree.root, "add", "-A", "content")
    git(tree.root, "commit", "-q", "-m", message, date=date)


def repository(tmp_path: Path) -> SiteTree:
    """Published on 2023-02-10, then corrected on 2023-03-15: 5.00 of 行政运行 was 住房公积金 (the
    totals stay), and section 九 gains a sentence."""
    tree = SiteTree(tmp_path).patch_site({"versions": True})
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tree, "2023-02-10", "2023 年预算公开")
    budget = tree.year().budget
    budget["functional"][0]["basic"] = D("45.00")  # 2010101 行政运行 50 → 45
    budget["functional"][4]["basic"] = D("15.00")  # 2210201 住房公积金 10 → 15
    budget["corrections"] = [{"date": "2023-03-15", "note": "行政运行与住房公积金科目录入有误，更正。"}]
    tree.year().narrative += "\n更正：住房公积金科目金额已更正。\n"
    commit(tree, "2023-03-15", "更正科目")
    return tree


def test_two_commits_give_the_publication_and_the_correction(tmp_path):
    tree = repository(tmp_path)
    report = check_site(tree.content)
    assert not report.failed(strict=True), describe(report)
    site = load_site(tree.content)
    history = history_of(site, site.units[0].years[0])
    assert history.published == "2023-02-10"
    assert [c.date for c in history.corrections] == ["2023-03-15"]
    correction = history.corrections[0]
    assert correction.note == "行政运行与住房公积金科目录入有误，更正。"
    lines = {line.key: (line.before, line.after) for s in correction.sections for line in s.lines}
    assert lines["2010101"] == (D("50.00"), D("45.00"))
    assert lines["2210201"] == (D("10.00"), D("15.00"))
    assert lines["221"] == (D("10.00"), D("15.00"))
    assert "expenditure.total" not in lines  # the totals did not change
    assert correction.narrative == ["其他需要说明的事项"]


def test_the_page_shows_the_dates_the_changes_and_the_note(tmp_path):
    tree = repository(tmp_path)
    output = tmp_path / "out"
    build(tree.content, output, search=False)
    page = parse(output / "units" / UNIT_ID / str(YEAR) / "index.html")
    block = next(s for s in page.iter("section") if s.get("id") == "versions")
    text = text_of(block)
    assert "2023-02-10" in text and "2023-03-15" in text
    assert "行政运行与住房公积金科目录入有误，更正。" in text
    rows = [[text_of(c).strip() for c in tr] for tr in block.iter("tr")]
    assert ["2010101 行政运行", "50.00", "45.00", "-5.00", "-10.0%", ""] in [r[:6] for r in rows]


def test_a_correction_without_its_note_is_a_warning(tmp_path):
    tree = repository(tmp_path)
    tree.year().budget.pop("corrections")
    commit(tree, "2023-03-16", "删去更正说明")
    report = check_site(tree.content)
    found = of_code(report, "V001")
    assert [d.message for d in found] and "2023-03-15" in found[0].message
    assert report.failed(strict=True)


def test_a_note_for_no_correction_is_a_warning(tmp_path):
    tree = repository(tmp_path)
    tree.year().budget["corrections"].append({"date": "2023-04-01", "note": "无此更正"})
    commit(tree, "2023-03-20", "多写一条说明")
    assert "V002" in codes(check_site(tree.content))


def test_outside_git_nothing_changes(tmp_path):
    tree = SiteTree(tmp_path).patch_site({"versions": True})
    tree.write()
    report = check_site(tree.content)
    assert not report.failed(strict=True), describe(report)
    site = load_site(tree.content)
    assert history_of(site, site.units[0].years[0]) is None


def test_a_renamed_unit_keeps_its_history_and_a_deleted_unit_does_not_break_the_build(tmp_path):
    tree = repository(tmp_path)
    tree.add_unit("other-office")
    commit(tree, "2023-04-01", "另一单位")
    git(tmp_path, "mv", f"content/units/{UNIT_ID}", "content/units/renamed-office")
    unit = tmp_path / "content" / "units" / "renamed-office" / "unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace(f"id: {UNIT_ID}", "id: renamed-office"), encoding="utf-8")
    git(tmp_path, "rm", "-q", "-r", "content/units/other-office")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "改名、删除", date="2023-05-01")
    report = check_site(tree.content)
    assert not report.failed(strict=True), describe(report)
    site = load_site(tree.content)
    history = history_of(site, site.units[0].years[0])
    assert history.published == "2023-02-10"
    assert [c.date for c in history.corrections] == ["2023-03-15"]
    output = tmp_path / "out"
    build(tree.content, output, search=False)
    assert (output / "units" / "renamed-office" / str(YEAR) / "index.html").is_file()
    assert not (output / "units" / "other-office").exists()


def test_the_pdf_shows_the_corrections(tmp_path):
    tree = repository(tmp_path)
    output = tmp_path / "out"
    build(tree.content, output, search=False, pdf=True, archival=False)
    pdf = output / "units" / UNIT_ID / str(YEAR) / f"{UNIT_ID}-{YEAR}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    tail = text[text.index("更正记录"):]
    assert "2023-02-10" in tail and "2023-03-15" in tail
    assert "行政运行与住房公积金科目录入有误，更正。" in tail
    assert "50.00" in tail and "45.00" in tail
