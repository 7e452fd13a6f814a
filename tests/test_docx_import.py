"""`budgetsite import FILE.docx`: a published Word disclosure into budget.yaml, narrative.md and unit.yaml.

Round trip: each example exported to .docx (generator/filing/docx.py), imported into an empty site,
checked and built; its pages show the same tables and its narrative the same sections and paragraphs.
Hand-built documents in the layouts published Word files have (titles above tables, 单位：万元 lines,
headers merged across and down, a 合计 row, a note in the table's last row, headings as plain text with
an ordinal) and bad files: no disclosure, corrupt, password-protected, text in an amount cell.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from docx import Document as WordDocument
from docx.oxml.ns import qn

from docx_support import page_tables
from generator.build import build
from generator.check import check_site
from generator.document import build_document
from generator.filing.docx import write_docx
from generator.importing import import_file
from generator.importing.docx_reader import read_docx
from import_fixtures import budgetsite, empty_site, files_under
from site_support import CONTENT, parse, text_of

EXAMPLES = ["fengnan-renda/2023", "guangyang-zhengfuban/2022", "langfang-renda/2023"]
PERFORMANCE = re.compile(r"^(?:overall_indicators|project_goals-\d+)$")


# ---- round trip ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def original(tmp_path_factory):
    report = check_site(CONTENT)
    assert not report.failed()
    site = tmp_path_factory.mktemp("original") / "site"
    build(CONTENT, site, search=False)
    return report, site


@pytest.fixture(scope="module")
def round_trip(original, tmp_path_factory):
    """key → (the .docx, the import result, the content folder it was imported into)."""
    report, _ = original
    done = {}
    for key in EXAMPLES:
        unit, _ = key.split("/")
        root = tmp_path_factory.mktemp(unit)
        exported = write_docx(report.context(key), report.site, root / f"{unit}.docx")
        content = empty_site(root)
        result = import_file(exported, content, unit, None)
        assert not result.failed, [p.text() for p in result.problems]
        done[key] = (exported, result, content)
    return done


def _with_acknowledgements(key: str, content: Path) -> None:
    """The officer's reasons for the published document's own deviations (acknowledged: in budget.yaml)
    are not in the Word file: copied from the example, as the officer would write them again."""
    source = (CONTENT / "units" / key / "budget.yaml").read_text(encoding="utf-8")
    target = content / "units" / key / "budget.yaml"
    if "\nacknowledged:" in source and "\nacknowledged:" not in target.read_text(encoding="utf-8"):
        block = source[source.index("\nacknowledged:"):]
        target.write_text(target.read_text(encoding="utf-8").rstrip("\n") + "\n" + block, encoding="utf-8")


@pytest.mark.parametrize("key", EXAMPLES)
def test_imported_disclosure_checks_clean(key, round_trip):
    _, result, content = round_trip[key]
    report = check_site(content, reuse=False)
    errors = [d for d in report.diagnostics if d.severity.name == "ERROR"]
    if key == "guangyang-zhengfuban/2022":  # its 固定资产占用情况表 prints 420.74804 and 151.94804 万元
        assert sorted((d.code, d.found) for d in errors) == [("S006", "151.94804"), ("S006", "420.74804")]
        _with_acknowledgements(key, content)
        report = check_site(content, reuse=False)
    assert not report.failed(), [d.to_text() for d in report.all_diagnostics()]
    assert report.warnings == 0


@pytest.mark.parametrize("key", EXAMPLES)
def test_imported_disclosure_renders_the_same_tables(key, original, round_trip, tmp_path):
    _, site = original
    _, result, content = round_trip[key]
    _with_acknowledgements(key, content)
    output = tmp_path / "site"
    build(content, output, search=False)
    before = page_tables(site / "units" / key / "index.html")
    after = page_tables(output / "units" / key / "index.html")
    missing = sorted(set(before) - set(after))
    assert all(PERFORMANCE.match(t) for t in missing), missing  # 绩效 tables: listed as not imported
    assert not set(after) - set(before)
    for table_id, table in after.items():
        assert table == before[table_id], table_id
    assert len(after) >= 3
    unmapped = " ".join(result.imported.unmapped)
    for table_id in missing:
        assert before[table_id]["title"] in re.sub(r"\s+", "", unmapped), table_id


def _sections(page: Path) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) of each narrative section of a built disclosure page."""
    found = []
    for section in parse(page).iter("section"):
        heading = section.find("h2")
        if heading is None or not (section.get("id") or "").startswith("s-"):
            continue
        paragraphs = [re.sub(r"\s+", "", text_of(p)) for p in section  # the narrative's blocks, not the tables'
                      if p.tag in ("p", "h3", "h4", "h5", "ul", "ol", "dl") and "table-note" not in (p.get("class") or "")]
        found.append((text_of(heading).strip(), [p for p in paragraphs if p]))
    return found


@pytest.mark.parametrize("key", EXAMPLES)
def test_narrative_comes_back_under_the_same_headings(key, original, round_trip):
    report, _ = original
    _, result, content = round_trip[key]
    imported = (content / "units" / key / "narrative.md").read_text(encoding="utf-8")
    written = (CONTENT / "units" / key / "narrative.md").read_text(encoding="utf-8")
    headings = [line for line in imported.splitlines() if line.startswith("## ")]
    assert headings == [line for line in written.splitlines() if line.startswith("## ")]
    assert [p for p in imported.split("\n\n") if p.strip()] == [p for p in written.split("\n\n") if p.strip()]
    doc = build_document(report.context(key), report.site)
    assert [s.heading for s in doc.sections][: len(headings)] == [h[3:] for h in headings][: len(doc.sections)]


def test_narrative_sections_render_the_same(original, round_trip, tmp_path):
    _, site = original
    key = "fengnan-renda/2023"
    _, _, content = round_trip[key]
    output = tmp_path / "site"
    build(content, output, search=False)
    before, after = _sections(site / "units" / key / "index.html"), _sections(output / "units" / key / "index.html")
    assert [h for h, _ in after] == [h for h, _ in before]
    assert sum(len(paragraphs) for _, paragraphs in before) > 40
    assert after == before


def test_new_unit_from_the_institutions_table(round_trip):
    _, result, content = round_trip["fengnan-renda/2023"]
    unit = yaml.safe_load((content / "units" / "fengnan-renda" / "unit.yaml").read_text(encoding="utf-8"))
    assert unit["name"] == "唐山市丰南区人民代表大会常务委员会办公室"
    assert (unit["kind"], unit["nature"], unit["rank"], unit["funding"]) == ("部门", "行政", "正科级", "财政拨款")
    assert unit["code"] == "301"  # from the tables' caption line: 301唐山市丰南区…
    assert unit["profile"] == "hebei-tangshan-dept"
    budget = (content / "units" / "fengnan-renda" / "2023" / "budget.yaml").read_text(encoding="utf-8")
    assert "basic: 576.77  # 表5 第6行第5列（部门预算一般公共预算财政拨款支出表）" in budget


# ---- hand-built documents ------------------------------------------------------------------------------

def _table(word, rows: list[list[str]]):
    table = word.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return table


def _merge(table, top_left, bottom_right) -> None:
    """Merge as Word does: the top-left cell keeps its text (gridSpan across, vMerge down)."""
    keep = table.cell(*top_left).text
    for r in range(top_left[0], bottom_right[0] + 1):
        for c in range(top_left[1], bottom_right[1] + 1):
            table.cell(r, c).text = ""
    merged = table.cell(*top_left).merge(table.cell(*bottom_right))
    merged.text = keep


GENERAL_BUDGET = [
    ["科目编码", "科目名称", "一般公共预算财政拨款支出", "", ""],
    ["", "", "合计", "基本支出", "项目支出"],
    ["", "合计", "100.00", "80.00", "20.00"],
    ["201", "一般公共服务支出", "100.00", "80.00", "20.00"],
    ["20101", "人大事务", "100.00", "80.00", "20.00"],
    ["2010101", "行政运行", "80.00", "80.00", ""],
    ["2010102", "一般行政管理事务", "20.00", "", "20.00"],
    ["注：本表按功能分类项级科目列示。", "", "", "", ""],
]


def published_docx(path: Path, general_budget=GENERAL_BUDGET) -> Path:
    """A 部门预算 in the layout published Word files have: headings as plain paragraphs with their
    ordinals, titles and 单位：万元 above the tables, merged header cells, a note in the last row."""
    word = WordDocument()
    word.add_paragraph("测试区人民代表大会常务委员会办公室")
    word.add_paragraph("2024年部门预算信息公开情况说明")
    word.add_paragraph("按照《预算法》、《地方预决算公开操作规程》和《关于进一步推进预算公开工作的实施意见》规定，"
                       "现将测试区人民代表大会常务委员会办公室2024年部门预算公开如下：")
    word.add_paragraph("部门预算一般公共预算财政拨款支出表")
    word.add_paragraph("编制单位：测试区人民代表大会常务委员会办公室        单位：万元")
    table = _table(word, general_budget)
    _merge(table, (0, 0), (1, 0))
    _merge(table, (0, 1), (1, 1))
    _merge(table, (0, 2), (0, 4))
    _merge(table, (7, 0), (7, 4))
    word.add_paragraph("一、部门职责及机构设置情况")
    word.add_paragraph("部门职责：")
    word.add_paragraph("承担区人民代表大会、常务委员会、主任会议的筹备及会务工作。")
    word.add_paragraph("机构设置：")
    word.add_paragraph("部门机构设置情况")
    _table(word, [["单位名称", "单位性质", "单位规格", "经费保障形式"],
                  ["测试区人民代表大会常务委员会办公室本级", "行政", "正科级", "财政拨款"],
                  ["测试区人大代表联络中心", "事业", "股级", "财政拨款"]])
    word.add_paragraph("二、部门预算安排的总体情况")
    word.add_paragraph("（一）收入说明")
    word.add_paragraph("2024年预算收入100.00万元。")
    word.add_paragraph("三、机关运行经费安排情况")
    word.add_paragraph("2024年共计安排10.00万元。")
    word.save(str(path))
    return path


def test_merged_cells_are_read_as_a_workbook_reads_merged_ranges(tmp_path):
    grids, flow = read_docx(published_docx(tmp_path / "公开.docx"))
    xml = WordDocument(str(tmp_path / "公开.docx")).tables[0]._tbl
    assert xml.findall(f".//{qn('w:gridSpan')}") and xml.findall(f".//{qn('w:vMerge')}")
    grid = grids[0]
    assert grid.rows[0] == ["科目编码", "科目名称", "一般公共预算财政拨款支出", "一般公共预算财政拨款支出", "一般公共预算财政拨款支出"]
    assert grid.rows[1][:3] == ["科目编码", "科目名称", "合计"]
    assert sorted(grid.merges) == [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 4), (7, 0, 7, 4)]
    assert grid.title == "部门预算一般公共预算财政拨款支出表"
    assert grid.ref(5, 3) == "表1 第6行第4列（部门预算一般公共预算财政拨款支出表）"
    assert grids[1].title == "部门机构设置情况"  # not “机构设置：”, the text leading into it


def test_hand_built_document_imports(tmp_path):
    content = empty_site(tmp_path)
    result = budgetsite("import", str(published_docx(tmp_path / "公开.docx")), "--unit", "ceshi-renda",
                        "-c", str(content))
    assert result.returncode == 0, result.stdout + result.stderr
    folder = content / "units" / "ceshi-renda"
    budget = (folder / "2024" / "budget.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(budget)
    assert data["year"] == 2024
    assert [(l["code"], l.get("basic"), l.get("project")) for l in data["functional"]] == [
        ("2010101", 80.0, None), ("2010102", None, 20.0)]
    assert "basic: 80.00  # 表1 第6行第4列（部门预算一般公共预算财政拨款支出表）" in budget
    assert "注：本表" not in budget and "I006" not in result.stdout + result.stderr  # the note is no row; subtotals agree
    unit = yaml.safe_load((folder / "unit.yaml").read_text(encoding="utf-8"))
    assert (unit["kind"], unit["nature"], unit["rank"], unit["level"]) == ("部门", "行政", "正科级", "区级")
    assert unit["subordinates"] == [{"name": "测试区人大代表联络中心", "nature": "事业", "rank": "股级", "funding": "财政拨款"}]
    narrative = (folder / "2024" / "narrative.md").read_text(encoding="utf-8")
    assert narrative.startswith("按照《预算法》")
    assert "测试区人民代表大会常务委员会办公室\n" not in narrative  # the title lines are the profile's
    assert "## 一、部门职责及机构设置情况\n\n部门职责：\n\n承担区人民代表大会" in narrative
    assert "机构设置：\n\n{{table:institutions}}\n\n## 二、部门预算安排的总体情况" in narrative
    assert "（一）收入说明\n\n2024年预算收入100.00万元。" in narrative
    assert "部门机构设置情况" not in narrative and "单位：万元" not in narrative  # table captions stay with tables
    out = result.stdout + result.stderr
    assert "公开.docx: I012 [警告] 正文中没有“财政拨款“三公”经费预算情况及增减变化原因”一节" in out


def test_a_subtotal_that_differs_names_the_word_cell(tmp_path):
    rows = [list(r) for r in GENERAL_BUDGET]
    rows[3][3] = "81.00"
    content = empty_site(tmp_path)
    result = import_file(published_docx(tmp_path / "公开.docx", rows), content, "ceshi-renda", None)
    found = [p.text() for p in result.problems if p.code == "I006"]
    assert any(t.startswith("公开.docx:表1 第4行第4列（部门预算一般公共预算财政拨款支出表）: I006") and "80.00" in t
               and "81.00" in t for t in found), found


# ---- bad files: a located diagnostic, nothing written ---------------------------------------------------

def refused(tmp_path: Path, file: Path) -> str:
    content = empty_site(tmp_path / "site")
    before = files_under(content)
    result = budgetsite("import", str(file), "--unit", "ceshi-renda", "-c", str(content))
    assert result.returncode == 1
    assert files_under(content) == before
    assert "未写任何文件" in result.stderr
    return result.stdout + result.stderr


def test_a_document_that_is_no_disclosure(tmp_path):
    word = WordDocument()
    word.add_paragraph("关于召开年度工作会议的通知")
    _table(word, [["姓名", "电话"], ["张三", "12345678"]])
    word.save(str(tmp_path / "通知.docx"))
    out = refused(tmp_path, tmp_path / "通知.docx")
    assert "通知.docx: I011 [错误] 文档中没有可识别的预算公开表格" in out and "1 个表格，均未识别" in out


def test_a_corrupt_document(tmp_path):
    whole = published_docx(tmp_path / "whole.docx").read_bytes()
    (tmp_path / "损坏.docx").write_bytes(whole[: len(whole) // 2])
    out = refused(tmp_path, tmp_path / "损坏.docx")
    assert "损坏.docx: I010 [错误] 文件无法读取（已损坏，或不是 Word .docx 文档）" in out


def test_a_password_protected_document(tmp_path):
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = published_docx(tmp_path / "plain.docx")
    locked = tmp_path / "加密.docx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("密码123", target)
    out = refused(tmp_path, locked)
    assert "加密.docx: I010 [错误] 文件已加密（设有打开密码）" in out


def test_an_old_doc_file_named_docx(tmp_path):
    old = tmp_path / "旧版.docx"  # an OLE compound file without an encryption stream
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    out = refused(tmp_path, old)
    assert "旧版.docx: I010 [错误] 文件是旧版 Word（.doc）格式" in out


def test_text_in_an_amount_cell_names_table_row_and_column(tmp_path):
    rows = [list(r) for r in GENERAL_BUDGET]
    rows[5][3] = "待定"
    out = refused(tmp_path, published_docx(tmp_path / "公开.docx", rows))
    assert "公开.docx:表1 第6行第4列（部门预算一般公共预算财政拨款支出表）: I005 [错误]" in out and "待定" in out


def _contents_control(word, entries: list[str]) -> None:
    """A Word contents field (目录) as Word writes it: a content control of the Table of Contents gallery."""
    from docx.oxml import parse_xml

    paragraphs = "".join(f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p>' for text in entries)
    sdt = parse_xml(
        '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:sdtPr><w:docPartObj>'
        '<w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr>'
        f'<w:sdtContent>{paragraphs}</w:sdtContent></w:sdt>')
    word.element.body.insert(0, sdt)


def test_caption_inside_the_table_and_a_contents_field(tmp_path):
    """Seed 001's layout: the 编制单位 / 预算年度 / 单位：万元 line is the table's first row, the title a
    paragraph above; a 目录 field lists the section headings again."""
    word = WordDocument()
    word.add_paragraph("测试区人民代表大会常务委员会办公室2024年部门预算信息公开情况说明")
    word.add_paragraph("按照《预算法》规定，现将测试区人民代表大会常务委员会办公室2024年部门预算公开如下：")
    word.add_paragraph("部门预算一般公共预算财政拨款支出表")
    rows = [["301测试区人民代表大会常务委员会办公室", "", "预算年度：2024", "", "单位：万元"]] + [list(r) for r in GENERAL_BUDGET]
    table = _table(word, rows)
    _merge(table, (0, 0), (0, 1))
    _merge(table, (0, 2), (0, 3))
    _merge(table, (1, 0), (2, 0))
    _merge(table, (1, 1), (2, 1))
    _merge(table, (1, 2), (1, 4))
    word.add_paragraph("一、部门职责及机构设置情况")
    word.add_paragraph("承担区人民代表大会的会务工作。")
    word.add_paragraph("二、部门预算安排的总体情况")
    word.add_paragraph("2024年预算收入100.00万元。")
    _contents_control(word, ["目录", "一、部门职责及机构设置情况", "二、部门预算安排的总体情况"])
    path = tmp_path / "公开.docx"
    word.save(str(path))
    content = empty_site(tmp_path)
    result = import_file(path, content, "ceshi-renda", None)
    assert not result.failed, [p.text() for p in result.problems]
    folder = content / "units" / "ceshi-renda"
    budget = yaml.safe_load((folder / "2024" / "budget.yaml").read_text(encoding="utf-8"))
    assert [(l["code"], l.get("basic"), l.get("project")) for l in budget["functional"]] == [
        ("2010101", 80.0, None), ("2010102", None, 20.0)]
    assert "basic: 80.00  # 表1 第7行第4列（部门预算一般公共预算财政拨款支出表）" in (
        folder / "2024" / "budget.yaml").read_text(encoding="utf-8")
    narrative = (folder / "2024" / "narrative.md").read_text(encoding="utf-8")
    assert narrative.count("## 一、部门职责及机构设置情况") == 1 and "目录" not in narrative
    assert narrative.startswith("按照《预算法》规定")
    unit = yaml.safe_load((folder / "unit.yaml").read_text(encoding="utf-8"))
    assert (unit["name"], unit.get("code")) == ("测试区人民代表大会常务委员会办公室", "301")


def test_an_existing_unit_gets_the_year_only(round_trip, tmp_path):
    exported, _, _ = round_trip["fengnan-renda/2023"]
    content = empty_site(tmp_path)
    unit_dir = content / "units" / "fengnan-renda"
    unit_dir.mkdir()
    shutil.copy(CONTENT / "units" / "fengnan-renda" / "unit.yaml", unit_dir / "unit.yaml")
    before = (unit_dir / "unit.yaml").read_bytes()
    result = budgetsite("import", str(exported), "--unit", "fengnan-renda", "-c", str(content))
    assert result.returncode == 0, result.stderr
    assert (unit_dir / "unit.yaml").read_bytes() == before
    assert files_under(unit_dir) == ["2023", "2023/budget.yaml", "2023/narrative.md", "unit.yaml"]
    again = budgetsite("import", str(exported), "--unit", "fengnan-renda", "-c", str(content))
    assert again.returncode == 1 and "I009" in again.stderr  # an existing year is never overwritten
