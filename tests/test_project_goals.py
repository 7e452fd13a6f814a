"""项目绩效目标表: the 2024-style header grid (项目编码, 预算数 and its split, 用途, 资金支出计划, 绩效目标) as
rows of the table in the site and the PDF, in the order the published form has them; and the simpler
tables of the Langfang and Tangshan templates as their published disclosures (seeds 000, 001, 003) print
them: one 绩效目标 row above the indicator rows.

The 2024 project is written as real YAML (block scalars for the paragraphs, as an author writes them)
into a temporary content tree on the generic-dept-2024 profile; its shape is DOMAIN.md §3's.
"""

from __future__ import annotations

import copy
import csv
import html
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from generator.build import build
from generator.pdf.build import render, unit_job
from site_support import parse, text_of

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import BUDGET, NARRATIVE, UNIT_ID, YEAR, SiteTree, _FixtureDumper, describe
except ImportError:  # pragma: no cover
    from tests.conftest import BUDGET, NARRATIVE, UNIT_ID, YEAR, SiteTree, _FixtureDumper, describe

D = Decimal
CODE = "13080024P008878100032"
PURPOSE = ["保障机关物业管理、文印服务等日常运转支出。", "单次采购<5万元的零星办公用品按规定据实列支。"]
GOAL = ["1.做好机关业务工作和后勤服务工作，保障各项工作正常运转。", "2.按计划完成年度立法和监督任务，提升监督工作实效。"]
INDICATORS = [  # seed 000's 机关工作经费
    ("产出指标", "数量指标", "物业服务数量", "物业管理服务项目数量", "≥3项", "合同约定"),
    ("产出指标", "数量指标", "立法任务数", "全年立法任务数", "≥1部", "立法计划安排"),
    ("产出指标", "质量指标", "服务质量达标率", "物业服务质量达标率", "≥90%", "根据合同验收报告"),
    ("产出指标", "成本指标", "资金成本", "严格控制资金成本", "≤176万元", "根据财政预算安排"),
    ("效益指标", "社会效益指标", "推动地方立法", "推动地方性法规立法工作", "推动", "《中华人民共和国立法法》"),
    ("满意度指标", "服务对象满意度指标", "物业服务满意度", "机关工作人员对物业服务满意度", "≥90%", "满意度测评"),
]
INDICATOR_HEAD = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
TITLE = "1、机关工作经费绩效目标表"


def _indicator(row: tuple) -> dict:
    return dict(zip(("level1", "level2", "level3", "description", "value", "basis"), row))


def _project(name: str, indicators: list[tuple]) -> dict:
    return {
        "name": name,
        "code": CODE,
        "amount": D("176"),
        "funding": {"fiscal": D("176")},  # 其他资金 not typed: a blank cell
        "purpose": "\n".join(PURPOSE),
        "schedule": {"3月底": 25, "6月底": 50, "10月底": 80, "12月底": 100},
        "goal": "\n".join(GOAL),
        "indicators": [_indicator(r) for r in indicators],
    }


# The narrative of the base fixture with §五 split as the 2024 template does, and the sections renumbered.
NARRATIVE_2024 = (NARRATIVE
                  .replace("## 九、其他需要说明的事项", "## 十、其他需要说明的事项")
                  .replace("## 八、名词解释", "## 九、名词解释")
                  .replace("## 七、国有资产信息", "## 八、国有资产信息")
                  .replace("## 六、政府采购预算情况", "## 七、政府采购预算情况")
                  .replace("## 五、预算绩效信息", "## 五、部门整体绩效目标")
                  .replace("{{table:overall_indicators}}\n\n{{table:project_goals}}",
                           "{{table:overall_indicators}}\n\n## 六、部门项目预算安排情况及绩效目标\n\n"
                           "本部门项目的绩效目标见下表。\n\n{{table:project_goals}}"))


class _AuthorDumper(_FixtureDumper):
    """Text of several lines as a literal block (`goal: |`), as an author types it."""


_AuthorDumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def _tree_2024(root: Path, projects: list[dict]) -> SiteTree:
    tree = SiteTree(root)
    tree.patch_unit({"profile": "generic-dept-2024"})
    spec = tree.year()
    spec.narrative = NARRATIVE_2024
    budget = copy.deepcopy(BUDGET)
    budget["performance"]["projects"] = projects
    # The fixture's project spending is 20.00: a 176.00 project is more (F003), acknowledged as authors do.
    budget["acknowledged"] = [{"rule": "F003", "at": "performance.projects",
                               "reason": "测试用项目取自公开文本，金额大于本测试单位的项目支出。"},
                              # the fixture's year is 2023; the 2024 template applies from 2024 (Y007)
                              {"rule": "Y007", "reason": "测试用：2024 年起的模板用于 2023 年度的测试单位。"}]
    spec.budget = budget
    text = yaml.dump(budget, Dumper=_AuthorDumper, allow_unicode=True, sort_keys=False, width=1000)
    assert "goal: |" in text and "purpose: |" in text
    tree.put_file(f"units/{UNIT_ID}/{YEAR}/budget.yaml", text)
    return tree


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> SiteTree:
    many = INDICATORS * 9  # a second project long enough to run onto a second page
    return _tree_2024(tmp_path_factory.mktemp("goals2024"),
                      [_project("机关工作经费", INDICATORS), _project("人大代表活动经费", many)])


@pytest.fixture(scope="module")
def report(tree):
    result = tree.check()
    found = [(d.code, d.acknowledged is not None) for d in result.diagnostics]
    assert found == [("F003", True), ("Y007", True)], describe(result)
    return result


@pytest.fixture(scope="module")
def site(tree, report) -> Path:
    output = tree.root / "out" / "site"
    build(tree.content, output, search=False)
    return output


def _table(page_path: Path, table_id: str):
    page = parse(page_path)
    tables = [t for t in page.iter("table") if t.get("id") == f"t-{table_id}"]
    assert len(tables) == 1, table_id
    return tables[0]


def _cells(tr) -> list:
    return [c for c in tr if c.tag in ("th", "td")]


def _texts(tr) -> list[str]:
    return [text_of(c).strip() for c in _cells(tr)]


def _head_block(table) -> list:
    return [tr for tr in table.find("thead").iter("tr") if "head-block" in (tr.get("class") or "")]


def _width(tr, carried: int = 0) -> int:
    return carried + sum(int(c.get("colspan", "1")) for c in _cells(tr))


def test_grid_rows_in_published_order_with_labels_and_values(site):
    table = _table(site / "units" / UNIT_ID / str(YEAR) / "index.html", "project_goals-1")
    rows = _head_block(table)
    assert [_texts(tr) for tr in rows] == [
        ["项目编码", CODE, "项目名称", "机关工作经费"],
        ["预算规模及资金用途", "预算数（万元）", "其中：财政资金", "其他资金"],
        ["176.00", "176.00", ""],
        ["用途", "".join(PURPOSE)],
        ["资金支出计划（%）", "3月底", "6月底", "10月底", "12月底"],
        ["25", "50", "80", "100"],
        ["绩效目标", "".join(GOAL)],
    ]
    # then the indicator column headers, and one body row per indicator
    header_rows = [tr for tr in table.find("thead").iter("tr") if tr not in rows]
    assert [_texts(tr) for tr in header_rows] == [INDICATOR_HEAD]
    assert len(list(table.find("tbody").iter("tr"))) == len(INDICATORS)
    # row labels are row headers; the labels of the values under them column headers
    labels = [(c.text, c.get("scope")) for tr in rows for c in _cells(tr) if c.tag == "th"]
    assert ("项目编码", "row") in labels and ("预算规模及资金用途", "row") in labels and ("绩效目标", "row") in labels
    assert ("其中：财政资金", "col") in labels and ("3月底", "col") in labels
    # every row fills the table's six columns (the merged label counted where it spans)
    assert [_width(tr) for tr in rows] == [6, 6, 5, 5, 6, 5, 6]
    assert [c.get("rowspan") for c in _cells(rows[1])][:1] == ["3"]
    assert [c.get("rowspan") for c in _cells(rows[4])][:1] == ["2"]


def test_amounts_in_cells_and_blank_stays_blank(site):
    table = _table(site / "units" / UNIT_ID / str(YEAR) / "index.html", "project_goals-1")
    amounts = _cells(_head_block(table)[2])
    assert [(c.tag, c.get("class"), text_of(c)) for c in amounts] == [
        ("td", "num", "176.00"), ("td", "num", "176.00"), ("td", "num", "")]
    caption = text_of(table.find("caption"))
    assert not re.search(r"\d+\.\d{2}", caption) and "绩效目标：" not in caption  # no amount, no goal outside the cells
    assert "0.00" not in text_of(table)


def test_paragraphs_are_kept_and_escaped(site):
    page_path = site / "units" / UNIT_ID / str(YEAR) / "index.html"
    rows = _head_block(_table(page_path, "project_goals-1"))
    purpose, goal = _cells(rows[3])[-1], _cells(rows[6])[-1]
    assert [text_of(p) for p in purpose.iter("p")] == PURPOSE
    assert [text_of(p) for p in goal.iter("p")] == GOAL
    assert "单次采购&lt;5万元" in page_path.read_text(encoding="utf-8")  # the “<” is text, not markup


def test_data_exports(site):
    data = site / "units" / UNIT_ID / str(YEAR)
    with (data / "data" / "project_goals-1.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == INDICATOR_HEAD
    assert [tuple(r) for r in rows[1:]] == INDICATORS  # one row per indicator, every cell written out
    disclosure = json.loads((data / f"{UNIT_ID}-{YEAR}.json").read_text(encoding="utf-8"))["disclosure"]
    project = disclosure["performance"]["projects"][0]
    assert project["code"] == CODE
    assert D(project["amount"]) == 176 and D(project["funding"]["fiscal"]) == 176
    assert project["funding"]["other"] is None  # not typed: no 0 made up
    assert project["purpose"].split("\n") == PURPOSE and project["goal"].split("\n") == GOAL
    assert {k: D(v) for k, v in project["schedule"].items()} == {"3月底": 25, "6月底": 50, "10月底": 80, "12月底": 100}


# --- the PDF ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf(report, tree, tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        data = render(unit_job(report.contexts[f"{UNIT_ID}/{YEAR}"], report.site), report.site)
    path = tmp_path_factory.mktemp("pdf") / "goals.pdf"
    path.write_bytes(data)
    return path


def _pdftotext(path: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(path: Path) -> list[str]:
    return [_squeezed(page) for page in _pdftotext(path).split("\f")]


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')


def _words(path: Path, page: int) -> list[tuple[float, float, str]]:
    """(top, left, text) of each word pdftotext finds on a page (1-based), top to bottom."""
    bbox = _pdftotext(path, "-bbox", "-f", str(page), "-l", str(page))
    return [(float(y), float(x), html.unescape(t)) for x, y, t in WORD.findall(bbox)]


def _top(words, item: str, below: float = -1.0) -> float:
    """Where `item` begins below `below`: the first word it starts with (a cell's text wraps into
    several words) or that starts with it."""
    for top, _, word in words:
        if top > below and len(word) >= 2 and (item.startswith(word) or word.startswith(item)):
            return top
    raise AssertionError(f"{item!r} not found")


def test_pdf_grid_precedes_the_indicators_in_published_order(pdf):
    page = next(n for n, text in enumerate(_pages(pdf), start=1) if _squeezed(TITLE) in text and CODE in text)
    words = _words(pdf, page)
    title = _top(words, TITLE)
    # each row of the grid below the one before, as the form prints them, then the indicator headers
    rows = [CODE, "预算数（万元）", "176.00", PURPOSE[0], PURPOSE[1], "3月底", "25", GOAL[0], GOAL[1], "一级指标"]
    tops = [_top(words, item, title) for item in rows]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), list(zip(rows, tops))
    # the row labels beside their rows: 项目编码 first, 绩效目标 after the schedule, before the indicators
    assert _top(words, "项目编码", title) == tops[0]
    assert tops[6] < _top(words, "绩效目标", title) < tops[-1]
    grid = [word for top, _, word in words if title < top < tops[-1]]
    assert "0.00" not in grid and grid.count("176.00") == 2  # 预算数 and 财政资金; 其他资金 blank
    # the two paragraphs begin at the same left edge, the second on a line of its own
    lefts = {item: next(x for y, x, w in words if y == _top(words, item, title)) for item in GOAL}
    assert lefts[GOAL[0]] == lefts[GOAL[1]]


def test_pdf_repeats_the_indicator_headers_not_the_grid(pdf):
    """A project table that runs onto the next page repeats its column headers there, as the other
    tables do; the grid above them is printed once."""
    pages = _pages(pdf)
    title = _squeezed("2、人大代表活动经费绩效目标表")
    first = max(n for n, text in enumerate(pages, start=1) if title in text)  # its page, not the contents'
    following = _words(pdf, first + 1)
    assert [w for w in _words(pdf, first) if w[2] == CODE]  # the grid, on the table's first page
    texts = [w for _, _, w in following]
    assert CODE not in texts and not any(w.startswith("资金支出") for w in texts)  # not repeated
    heads = [_top(following, label) for label in INDICATOR_HEAD[:3]]
    first_row = min(top for top, _, w in following if w in ("产出指标", "效益指标", "满意度指标", "数量指标"))
    assert max(heads) < first_row  # the column headers head the continued rows
    description = _squeezed(INDICATORS[0][3])
    rest = "".join(pages[first - 1:])
    assert rest[rest.index(title):].count(description) == 9  # every row printed,
    assert description in pages[first]  # some on the next page: the table does run on


def test_pdf_grid_and_indicators_share_the_columns(report):
    """The grid is a table of its own (so that it is not repeated), on the indicator table's columns."""
    printed = unit_job(report.contexts[f"{UNIT_ID}/{YEAR}"], report.site, drawn=[]).html
    pairs = re.findall(r'<table class="data head-block fixed" data-table="project_goals-1-head">(<colgroup>.*?</colgroup>)'
                       r'.*?</table>\s*<table class="data fixed" data-table="project_goals-1">(<colgroup>.*?</colgroup>)',
                       printed, re.S)
    assert len(pairs) == 1
    grid_columns, indicator_columns = pairs[0]
    assert grid_columns == indicator_columns and grid_columns.count("<col ") == len(INDICATOR_HEAD)


# --- the example content: the Langfang and Tangshan templates print one 绩效目标 row ---------------------

# Each seed's first project table as published: its title, the 绩效目标 row, then the indicator headers.
SEED_TABLES = {
    "langfang-renda/2023": ("1、机关工作经费绩效目标表", "1.目标内容1做好机关业务工作和后勤服务工作，保障各项工作正常运转。"),  # seed 000
    "fengnan-renda/2023": ("1、公务车购置绩效目标表", "1.根据车辆控办批准情况，预计10月底之前完成车辆购置工作。"),  # seed 001
    "guangyang-zhengfuban/2022": ("1.政务管理经费绩效目标表", "1.通过项目的开展满足工作所需经费开支，保障区政府办工作有序进行，"
                                  "保障广阳区人民政府办公室完成上级布置的各项工作，加大管理力度，维护社会稳定。"),  # seed 003
}


@pytest.mark.parametrize("disclosure", sorted(SEED_TABLES))
def test_example_projects_render_as_their_seeds(example_site, disclosure):
    title, goal = SEED_TABLES[disclosure]
    table = _table(example_site / "units" / disclosure / "index.html", "project_goals-1")
    assert text_of(table.find("caption").find("span")).endswith(title[2:])  # the numbering is the layout's
    assert [_texts(tr) for tr in _head_block(table)] == [["绩效目标", goal]]
    assert [_texts(tr) for tr in table.find("thead").iter("tr")][-1] == INDICATOR_HEAD
    # nothing else above the indicators: the seeds print no 项目金额, 项目编码 or schedule there
    caption = text_of(table.find("caption"))
    assert not re.search(r"\d+\.\d{2}", caption) and "绩效目标：" not in caption and "项目编码" not in caption


def test_axe_finds_no_violation_in_the_grid(site, tmp_path):
    """WCAG 2.1 AA (axe-core in headless Chromium) on the 2024 page: the grid's th and td in the thead."""
    from test_site_a11y import RUNNER, assert_no_violation, instrument

    copy_of_site = tmp_path / "site"
    shutil.copytree(site, copy_of_site)
    page = f"units/{UNIT_ID}/{YEAR}/index.html"
    dom = assert_no_violation(instrument(copy_of_site, [page], RUNNER), page)
    assert 'class="head-block"' in dom  # the grid was on the page axe checked
