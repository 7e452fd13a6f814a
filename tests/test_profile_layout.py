"""Template layout options (Profile.table_layout, unit_line, section_numbering, empty_notes, report_title)
tested against the published disclosures: a site copies an example unit and a built-in profile into a
tmp content folder, edits the copy as docs/content-format.md §六 says, and the built pages (and one PDF)
must print what the published document prints.

Seed 001 (唐山市丰南区人大办 2023, example unit fengnan-renda) prints every standard table with a 序号
column, a 栏次 row numbering every other column 1, 2, 3…, the unit code before the unit name
(“301唐山市丰南区人民代表大会常务委员会办公室”), and the economic table's group header as
“支出部门经济分类科目”. Seed 000 (廊坊市人大办 2023, langfang-renda) says “无政府采购预算，空表列示” in
its text and in the note under the table, twice in all; seed 001 says “注：无政府采购预算，空表列示。” once.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.build import build
from generator.check import check_site
from generator.document import build_document
from generator.layout import header_texts
from generator.tables import BuildInput, build_tables
from site_support import CONTENT, parse, text_of

BUILTIN = Path(__file__).resolve().parents[1] / "generator" / "data" / "profiles"
FENGNAN = "唐山市丰南区人民代表大会常务委员会办公室"


def copy_site(root: Path, *units: str) -> Path:
    """content/ with site.yaml and the given example units."""
    content = root / "content"
    content.mkdir(parents=True)
    shutil.copyfile(CONTENT / "site.yaml", content / "site.yaml")
    for unit in units:
        shutil.copytree(CONTENT / "units" / unit, content / "units" / unit)
    return content


def copy_profile(content: Path, builtin: str, new_id: str, edits: str = "", replace: dict | None = None) -> Path:
    """A built-in profile copied into content/profiles/ under a new id, with lines changed and added."""
    text = (BUILTIN / f"{builtin}.yaml").read_text(encoding="utf-8").replace(f"id: {builtin}\n", f"id: {new_id}\n")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    path = content / "profiles" / f"{new_id}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text + edits, encoding="utf-8")
    return path


def use_profile(content: Path, unit: str, profile: str) -> None:
    path = content / "units" / unit / "unit.yaml"
    text = path.read_text(encoding="utf-8")
    lines = [f"profile: {profile}" if line.startswith("profile:") else line for line in text.splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def built_page(content: Path, unit: str, year: int):
    output = content.parent / "site"
    build(content, output, search=False)
    return output, parse(output / "units" / unit / str(year) / "index.html")


def table(page, table_id: str):
    found = [t for t in page.iter("table") if t.get("id") == f"t-{table_id}"]
    assert found, table_id
    return found[0]


def row_texts(row) -> list[str]:
    return [text_of(c).strip() for c in row if c.tag in ("td", "th")]


def header_rows(t) -> list[list[str]]:
    return [row_texts(r) for r in t.find("thead").iter("tr")]


def body_rows(t) -> list[list[str]]:
    return [row_texts(r) for r in t.find("tbody").iter("tr")]


def section(page, section_id: str):
    return next(s for s in page.iter("section") if s.get("id") == f"s-{section_id}")


# ---- seed 001: 序号, 栏次, unit code, header wording ----------------------------------------------------

@pytest.fixture(scope="module")
def seed_001(tmp_path_factory):
    """The example unit on the built-in 唐山 profile, which lays its tables out as seed 001 prints them."""
    content = copy_site(tmp_path_factory.mktemp("seed001"), "fengnan-renda")
    output, page = built_page(content, "fengnan-renda", 2023)
    return content, output, page


def test_summary_has_serial_column_and_column_numbers_as_published(seed_001):
    _, _, page = seed_001
    t = table(page, "summary")
    header = header_rows(t)
    assert header[0] == ["序号", "收入", "支出"]  # seed 001 lines 6–8
    assert header[-1] == ["栏次", "1", "2", "3", "4"]  # lines 16–20
    rows = body_rows(t)
    assert rows[0][:3] == ["1", "一、一般公共预算拨款收入", "1043.55"]  # lines 22–26
    assert rows[9][:4] == ["10", "", "", "十、卫生健康支出"]  # lines 76–80
    assert rows[-1] == ["34", "收入总计", "1043.55", "支出总计", "1043.55"]  # lines 220–225
    assert [r[0] for r in rows] == [str(n) for n in range(1, 35)]


def test_income_table_numbers_its_twelve_columns(seed_001):
    _, _, page = seed_001
    t = table(page, "income")
    assert header_rows(t)[-1] == ["栏次", *[str(n) for n in range(1, 13)]]  # seed 001 lines 253–265
    rows = body_rows(t)
    assert rows[0][:4] == ["1", "", "合计", "1043.55"]  # lines 267–271
    assert rows[1][:4] == ["2", "201", "一般公共服务支出", "802.49"]  # lines 281–285


def test_economic_table_header_worded_as_published(seed_001):
    _, _, page = seed_001
    t = table(page, "basic_economic")
    header = header_rows(t)
    assert header[0] == ["序号", "支出部门经济分类科目", "一般公共预算基本支出"]  # seed 001 lines 1257–1259
    assert "经济分类科目" not in header[0]
    assert body_rows(t)[0] == ["1", "", "合计", "815.50", "718.09", "97.41"]  # lines 1270–1276


def test_empty_fund_table_keeps_serial_header_and_note(seed_001):
    _, _, page = seed_001
    t = table(page, "government_fund")
    assert header_rows(t)[0][0] == "序号" and header_rows(t)[-1] == ["栏次", "1", "2", "3", "4", "5"]
    notes = [text_of(p) for p in page.iter("p") if p.get("class") == "table-note"]
    assert "注：无政府基金预算财政拨款预算，空表列示。" in notes  # seed 001 line 1485


def test_unit_line_has_the_unit_code(seed_001):
    _, _, page = seed_001
    caption = text_of(table(page, "summary").find("caption"))
    assert f"301{FENGNAN}" in caption  # seed 001 line 2
    sections_caption = text_of(table(page, "institutions").find("caption"))
    assert f"301{FENGNAN}" in sections_caption


def test_tables_without_layout_are_unchanged(seed_001):
    _, _, page = seed_001
    t = table(page, "fixed_assets")
    assert header_rows(t) == [["项目", "数量", "价值（金额单位：万元）"]]
    assert body_rows(t)[0][0] == "资产总额"


def test_csv_has_the_serial_column(seed_001):
    _, output, _ = seed_001
    data = (output / "units" / "fengnan-renda" / "2023" / "data" / "summary.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0] == ["序号", "收入项目", "收入预算数", "支出项目", "支出预算数"]
    assert rows[1] == ["1", "一、一般公共预算拨款收入", "1043.55", "一、一般公共服务支出", "802.49"]
    assert rows[-1][0] == "34" and all(len(r) == 5 for r in rows)
    economic = (output / "units" / "fengnan-renda" / "2023" / "data" / "basic_economic.csv").read_text(encoding="utf-8-sig")
    assert economic.splitlines()[0] == "序号,科目编码,科目名称,合计,人员经费,公用经费"


def test_pdf_prints_serial_and_column_numbers(seed_001):
    from generator.pdf.build import render, unit_job

    content, _, _ = seed_001
    report = check_site(content)
    ctx = report.contexts["fengnan-renda/2023"]
    pdf = content.parent / "fengnan.pdf"
    pdf.write_bytes(render(unit_job(ctx, report.site), report.site, archival=False))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert f"301{FENGNAN}" in text
    assert "栏次 1 2 3 4" in lines  # 收支总表
    assert "栏次 1 2 3 4 5 6 7 8 9 10 11 12" in lines  # 收入总表
    assert any(line.startswith("34 收入总计 1043.55 支出总计 1043.55") for line in lines)
    assert "支出部门经济分类科目" in text


# ---- section numbering, arabic ordinals, report_title "" --------------------------------------------


def test_arabic_ordinals_written_and_printed(tmp_path):
    """The same narrative with headings 1、… 6、 …: accepted, and printed in the 1、 style."""
    content = copy_site(tmp_path, "langfang-renda")
    copy_profile(content, "hebei-langfang-unit", "langfang-arabic", 'section_numbering: "1、"\n')
    use_profile(content, "langfang-renda", "langfang-arabic")
    narrative = content / "units" / "langfang-renda" / "2023" / "narrative.md"
    text = narrative.read_text(encoding="utf-8")
    text = text.replace("## 六、政府采购预算情况", "## 6、政府采购预算情况").replace("## 七、", "## 7.")
    text = text.replace("## 九、", "## （九）")
    narrative.write_text(text, encoding="utf-8")
    report = check_site(content)
    assert not [d for d in report.diagnostics if d.code == "N006"]
    _, page = built_page(content, "langfang-renda", 2023)
    headings = [text_of(h) for h in page.iter("h2") if (h.get("id") or "").startswith("s-")]
    assert headings[0] == "1、单位职责及机构设置情况"
    assert "6、政府采购预算情况" in headings and "7、国有资产信息" in headings
    assert headings[-1] == "9、其他需要说明的事项"


@pytest.mark.parametrize("style, sixth", [("（一）", "（六）政府采购预算情况"), ("一、", "六、政府采购预算情况")])
def test_other_numbering_styles(tmp_path, style, sixth):
    content = copy_site(tmp_path, "langfang-renda")
    copy_profile(content, "hebei-langfang-unit", "langfang-style", f'section_numbering: "{style}"\n')
    use_profile(content, "langfang-renda", "langfang-style")
    report = check_site(content)
    doc = build_document(report.contexts["langfang-renda/2023"], report.site)
    assert sixth in [s.heading for s in doc.sections]


def test_unrecognised_ordinal_is_named_in_n006(tmp_path):
    content = copy_site(tmp_path, "langfang-renda")
    narrative = content / "units" / "langfang-renda" / "2023" / "narrative.md"
    text = narrative.read_text(encoding="utf-8")
    lines = text.splitlines()
    line = lines.index("## 六、政府采购预算情况") + 1
    text = text.replace("## 六、政府采购预算情况", "## 第六部分 政府采购预算情况")
    text = text.replace("## 九、其他需要说明的事项", "## 九、其它需要说明的事项")
    narrative.write_text(text, encoding="utf-8")
    report = check_site(content)
    found = {d.location.line: d for d in report.diagnostics if d.code == "N006"}
    ordinal = found[line]
    assert "序号“第六部分”的写法无法识别" in ordinal.message
    words = found[lines.index("## 九、其他需要说明的事项") + 1]
    assert "标题文字“其它需要说明的事项”" in words.message
    assert words.expected == "其他需要说明的事项"  # the nearest title, not all nine
    assert "是否想写“其他需要说明的事项”" in words.message


def test_empty_report_title_prints_no_heading(tmp_path):
    content = copy_site(tmp_path, "fengnan-renda")
    copy_profile(content, "hebei-tangshan-dept", "tangshan-untitled",
                 replace={'report_title: "{kind}预算报表"\n': 'report_title: ""\n'})
    use_profile(content, "fengnan-renda", "tangshan-untitled")
    _, page = built_page(content, "fengnan-renda", 2023)
    report = next(s for s in page.iter("section") if s.get("id") == "report")
    assert report.find("h2") is None and report.get("aria-label") == "部门预算报表"
    assert "预算报表" not in "".join(text_of(h) for h in page.iter("h2"))
    toc = next(n for n in page.iter("nav") if n.get("class") == "toc")
    links = {a.get("href"): text_of(a) for a in toc.iter("a")}
    assert links["#report"] == "部门预算报表"
    assert table(page, "summary") is not None


# ---- empty notes: every table kind, said once ------------------------------------------------------------


def _count(element, phrase: str) -> int:
    return text_of(element).count(phrase)


def test_note_said_once_when_the_narrative_says_it(tmp_path):
    """Seed 001 prints “注：无政府采购预算，空表列示。” once; seed 000 says it twice (text and note)."""
    content = copy_site(tmp_path, "fengnan-renda", "langfang-renda")
    output = tmp_path / "site"
    build(content, output, search=False)
    fengnan = parse(output / "units" / "fengnan-renda" / "2023" / "index.html")
    assert _count(section(fengnan, "procurement"), "无政府采购预算，空表列示") == 1
    assert table(fengnan, "procurement") is not None  # the empty table itself is still shown
    langfang = parse(output / "units" / "langfang-renda" / "2023" / "index.html")
    assert _count(section(langfang, "procurement"), "无政府采购预算，空表列示") == 2
    # the front tables have no narrative around them: their notes stay
    notes = [text_of(p) for p in fengnan.iter("p") if p.get("class") == "table-note"]
    assert notes == ["注：无政府基金预算财政拨款预算，空表列示。", "注：无国有资本经营预算财政拨款预算，空表列示。"]


def test_note_kept_when_the_narrative_does_not_say_it(tmp_path):
    content = copy_site(tmp_path, "fengnan-renda")
    narrative = content / "units" / "fengnan-renda" / "2023" / "narrative.md"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace("注：无政府采购预算，空表列示。\n", ""),
                         encoding="utf-8")
    _, page = built_page(content, "fengnan-renda", 2023)
    procurement = section(page, "procurement")
    assert _count(procurement, "无政府采购预算，空表列示") == 1
    assert [text_of(p) for p in procurement.iter("p") if p.get("class") == "table-note"] == ["注：无政府采购预算，空表列示。"]


def test_note_said_once_when_the_narrative_words_it_differently(tmp_path):
    content = copy_site(tmp_path, "fengnan-renda")
    narrative = content / "units" / "fengnan-renda" / "2023" / "narrative.md"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace(
        "注：无政府采购预算，空表列示。\n", "本部门本年度未安排政府采购预算，按规定空表列示。\n"), encoding="utf-8")
    _, page = built_page(content, "fengnan-renda", 2023)
    procurement = section(page, "procurement")
    assert _count(procurement, "空表列示") == 1
    assert not [p for p in procurement.iter("p") if p.get("class") == "table-note"]


def test_one_sentence_stands_for_one_table(site_tree):
    """Two empty tables around one 空表列示 sentence: it is the first table's note; the second keeps its own."""
    profile = (BUILTIN / "hebei-tangshan-dept.yaml").read_text(encoding="utf-8").replace(
        "id: hebei-tangshan-dept", "id: two-empty")
    profile = profile.replace("tables: [procurement]}", "tables: [procurement, fixed_assets]}")
    profile = profile.replace("{id: assets, title: 国有资产信息, tables: [fixed_assets]}", "{id: assets, title: 国有资产信息}")
    profile = profile.replace("empty_notes:\n", "empty_notes:\n  fixed_assets: 注：无固定资产，空表列示。\n")
    site_tree.put_file("profiles/two-empty.yaml", profile)
    site_tree.patch_unit({"profile": "two-empty"})
    site_tree.patch_budget({"procurement": {"items": [], "total": 0}})
    del site_tree.year().budget["fixed_assets"]
    site_tree.replace_in_narrative("{{table:procurement}}",
                                   "{{table:procurement}}\n\n本年度无政府采购，空表列示。\n\n{{table:fixed_assets}}")
    site_tree.replace_in_narrative("{{table:fixed_assets}}\n\n## 八", "## 八")
    report = site_tree.check()
    (ctx,) = report.contexts.values()
    doc = build_document(ctx, report.site)
    shown = {t.id: t for t in doc.tables}
    assert shown["procurement"].note == ""
    assert shown["fixed_assets"].note == "注：无固定资产，空表列示。"


def test_notes_for_every_table_kind(site_tree):
    """Empty notes of tables other than the fund and procurement tables: the 三公 table with no amount,
    no indicator, no project, no fixed-asset data — each table is shown with its header and note."""
    site_tree.patch_budget({"three_public": {"vehicle_operation": 0, "reception": 0, "subtotal": 0, "total": 0},
                            "performance": {"overall_indicators": [], "projects": []}})
    del site_tree.year().budget["fixed_assets"]
    notes = {
        "three_public": "注：无“三公”经费预算，空表列示。",
        "overall_indicators": "注：无整体支出绩效指标，空表列示。",
        "project_goals": "注：无项目绩效目标，空表列示。",
        "fixed_assets": "注：无固定资产，空表列示。",
    }
    profile = (BUILTIN / "hebei-tangshan-dept.yaml").read_text(encoding="utf-8").replace(
        "id: hebei-tangshan-dept", "id: every-note")
    profile = profile.replace("empty_notes:\n", "empty_notes:\n" + "".join(f"  {k}: {v}\n" for k, v in notes.items()))
    site_tree.put_file("profiles/every-note.yaml", profile)
    site_tree.patch_unit({"profile": "every-note"})
    content = site_tree.write()
    report = check_site(content)
    (ctx,) = report.contexts.values()
    doc = build_document(ctx, report.site)
    shown = {t.id: t for t in doc.tables}
    for table_id, note in notes.items():
        assert shown[table_id].note == note, table_id
    assert shown["project_goals"].title == "绩效目标表" and shown["project_goals"].header[0][0].text == "一级指标"
    assert shown["fixed_assets"].rows == []
    labels = [next(c.text for c in r.cells if c.kind != "serial") for r in shown["three_public"].rows]
    assert labels[:2] == ["合计", "“三公”经费小计"]


# ---- settings without effect are refused --------------------------------------------------------------


def _profile_problems(tmp_path, edits: str, replace: dict | None = None):
    content = copy_site(tmp_path)
    path = copy_profile(content, "hebei-langfang-unit", "broken", edits, replace)
    report = check_site(content)
    return path, [d for d in report.diagnostics if d.location.file.endswith("profiles/broken.yaml")]


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize("edits, where, message", [
    ("  soe_capital: 注：无国有资本经营预算财政拨款预算，空表列示。\n", "soe_capital:", "本模板不含表格“soe_capital”"),
    ("  fixed_asets: 注：无固定资产，空表列示。\n", "fixed_asets:", "未知的键“fixed_asets”，是否想写“fixed_assets”"),
])
def test_empty_note_for_a_table_the_template_lacks(tmp_path, edits, where, message):
    path, problems = _profile_problems(tmp_path, "", {"empty_notes:\n": "empty_notes:\n" + edits})
    assert [d.code for d in problems] == ["S002"], problems
    assert message in problems[0].message
    assert problems[0].location.line == _line_of(path, where)


def test_rows_of_a_table_the_template_lacks(tmp_path):
    path, problems = _profile_problems(tmp_path, "three_public_rows:\n  - {id: total, label: 合计}\n")
    assert [d.code for d in problems] == ["S002"]
    assert "只用于表格 three_public" in problems[0].message
    assert problems[0].location.line == _line_of(path, "three_public_rows:")


def test_header_wording_of_a_header_the_table_lacks(tmp_path):
    path, problems = _profile_problems(tmp_path, "table_layout:\n  procurement:\n    headers: {经济分类科目: 支出部门经济分类科目}\n")
    assert [d.code for d in problems] == ["S002"]
    assert "表格“procurement”的表头中没有“经济分类科目”" in problems[0].message
    assert "政府采购目录序号" in problems[0].expected
    assert problems[0].location.line == _line_of(path, "经济分类科目")


def test_layout_of_a_table_the_template_lacks_and_a_report_title_without_front_tables(tmp_path):
    path, problems = _profile_problems(tmp_path, "report_title: 预算报表\ntable_layout:\n  summary: {serial: true}\n")
    assert sorted(d.location.line for d in problems) == [_line_of(path, "report_title:"), _line_of(path, "summary:")]
    assert {d.code for d in problems} == {"S002"}


@pytest.mark.parametrize("edits, key", [
    ("table_layout:\n  procurement: {seriel: true}\n", "seriel"),
    ("unit_lines: \"{unit}\"\n", "unit_lines"),
])
def test_misspelt_layout_keys_are_refused(tmp_path, edits, key):
    path, problems = _profile_problems(tmp_path, edits)
    assert [d.code for d in problems] == ["S002"]
    assert f"未知的键“{key}”" in problems[0].message
    assert problems[0].location.line == _line_of(path, key)


def test_letters_style_numbers_text_columns_with_stems(site_tree):
    """栏次 as 决算-style forms print it: 甲、乙… over the text columns, 1、2… over the amounts."""
    profile = (BUILTIN / "hebei-tangshan-dept.yaml").read_text(encoding="utf-8").replace(
        "id: hebei-tangshan-dept", "id: letters")
    # the built-in profile's own layout of the 支出总表 replaced, one for the asset table added
    profile = profile.replace("  expenditure: *published\n", "  expenditure: {column_numbers: letters}\n"
                              "  fixed_assets: {serial: true, column_numbers: letters}\n")
    site_tree.put_file("profiles/letters.yaml", profile)
    site_tree.patch_unit({"profile": "letters"})
    report = site_tree.check()
    assert not report.failed()
    (ctx,) = report.contexts.values()
    shown = {t.id: t for t in build_document(ctx, report.site).tables}
    assert [c.text for c in shown["expenditure"].header[-1]] == ["甲", "乙", "1", "2", "3", "4", "5", "6"]
    assert [c.text for c in shown["fixed_assets"].header[-1]] == ["栏次", "甲", "1", "2"]
    assert shown["fixed_assets"].columns == ["序号", "项目", "数量", "价值"]
    assert [r.cells[0].text for r in shown["fixed_assets"].rows] == ["1", "2", "3", "4", "5", "6"]


def test_unit_line_must_name_the_unit(tmp_path):
    _, problems = _profile_problems(tmp_path, 'unit_line: "编制单位：{code}"\n')
    assert [d.code for d in problems] == ["S004"]


def test_builtin_profiles_load_cleanly():
    report = check_site(CONTENT)
    assert not [d for d in report.diagnostics if "data/profiles" in d.location.file]


# ---- the header words a profile may name are the ones the tables print ---------------------------------


def test_header_vocabulary_matches_the_built_tables(example_report):
    for key, ctx in example_report.contexts.items():
        unit = ctx.entry.unit.unit
        built = build_tables(BuildInput(ctx.disclosure, ctx.figures, ctx.profile, example_report.site.catalogue, unit))
        for table_id, tables in built.items():
            known = set(header_texts(table_id, ctx.profile, ctx.disclosure.year))
            for t in tables:
                printed = {c.text for row in t.header for c in row}
                assert printed <= known, (key, table_id, printed - known)


def test_a_procurement_layout_without_its_table_is_refused(tmp_path):
    """`procurement` (and `project_goal_head`) have defaults, so only a written one is judged: written in
    a template that shows no 政府采购预算 table, it would change nothing."""
    no_table = {"{id: procurement, title: 政府采购预算情况, tables: [procurement]}": "{id: procurement, title: 政府采购预算情况}",
                "  procurement: \"{kind}政府采购预算\"\n": "",
                "empty_notes:\n  procurement: 注：无政府采购预算，空表列示。\n": ""}
    path, problems = _profile_problems(tmp_path, "", no_table)
    refused = [d for d in problems if "只用于表格 procurement" in d.message]
    assert [d.code for d in refused] == ["S002"], [d.to_text() for d in problems]
    assert refused[0].location.line == _line_of(path, "procurement:")
