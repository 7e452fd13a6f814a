"""Reading content/: bad input never raises, every problem is reported with file:line:column and a
code, all problems are reported in one run, and money is exact Decimal from file to figure."""

from __future__ import annotations

import os
import shutil
import time
from decimal import Decimal

import pytest

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import DELETE, UNIT_ID, YEAR, SiteTree, codes, describe, dump_yaml, of_code
except ImportError:  # pragma: no cover
    from tests.conftest import DELETE, UNIT_ID, YEAR, SiteTree, codes, describe, dump_yaml, of_code
from generator.check import check_site
from generator.model import Disclosure
from generator.yamlsource import MAX_BYTES, load_yaml

D = Decimal
BUDGET_REL = f"units/{UNIT_ID}/{YEAR}/budget.yaml"


def only(report, code):
    found = of_code(report, code)
    assert len(found) == 1, f"expected one {code}:\n{describe(report)}"
    return found[0]


def assert_located(tree: SiteTree, diagnostic, path, line: int | None = None, column: int | None = None):
    """The diagnostic names the file as the author sees it, with a real line and column."""
    assert diagnostic.location.file == tree.display(path)
    assert diagnostic.location.line >= 1 and diagnostic.location.column >= 1
    if line is not None:
        assert diagnostic.location.line == line, diagnostic.to_text()
    if column is not None:
        assert diagnostic.location.column == column, diagnostic.to_text()
    text = diagnostic.to_text()
    assert text.startswith(f"{tree.display(path)}:{diagnostic.location.line}:{diagnostic.location.column}: "
                           f"{diagnostic.code} ")


def raw_budget(tree: SiteTree, old: str, new: str) -> None:
    text = dump_yaml(tree.year().budget)
    assert old in text
    tree.put_file(BUDGET_REL, text.replace(old, new, 1))


def line_number(tree: SiteTree, path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# ---- malformed YAML ------------------------------------------------------------------------


def test_tab_indentation_is_a_located_syntax_error(site_tree):
    raw_budget(site_tree, "  basic: 50.00", "\tbasic: 50.00")
    report = site_tree.check()
    d = only(report, "S001")
    assert_located(site_tree, d, site_tree.budget_path(), line=line_number(site_tree, site_tree.budget_path(), "\tbasic"))
    assert d.message.startswith("YAML 语法错误")
    assert report.failed()


def test_tab_indentation_message_is_chinese_and_names_the_tab(site_tree):
    raw_budget(site_tree, "  basic: 50.00", "\tbasic: 50.00")
    d = only(site_tree.check(), "S001")
    assert "制表符" in d.message or "Tab" in d.message


def test_unclosed_bracket_is_a_located_syntax_error(site_tree):
    site_tree.put_file(BUDGET_REL, "year: 2023\nfunctional: [{code: '2010101', basic: 1}\nprofile: x\n")
    d = only(site_tree.check(), "S001")
    assert_located(site_tree, d, site_tree.budget_path())
    assert d.location.line in (2, 3)


def test_non_utf8_file_is_reported_not_raised(site_tree):
    site_tree.put_file(BUDGET_REL, "year: 2023\ntitle: 预算\n".encode("gb18030"))
    d = only(site_tree.check(), "S001")
    assert "UTF-8" in d.message
    assert d.location.file == site_tree.display(site_tree.budget_path())


def test_deeply_nested_yaml_is_reported_not_raised(site_tree):
    site_tree.put_file(BUDGET_REL, "year: " + "[" * 3000 + "]" * 3000 + "\n")
    report = site_tree.check()  # must not raise RecursionError
    assert codes(report) & {"S001", "S010"}, describe(report)


def test_python_tags_are_rejected_and_never_executed(site_tree, tmp_path):
    marker = tmp_path / "pwned"
    site_tree.put_file(BUDGET_REL, f"year: 2023\ntitle: !!python/object/apply:os.system ['touch {marker}']\n")
    report = site_tree.check()
    d = only(report, "S001")
    assert_located(site_tree, d, site_tree.budget_path(), line=2)
    assert not marker.exists()
    assert report.contexts == {}


# ---- schema: unknown, missing, wrong type --------------------------------------------------


def test_unknown_key_suggests_the_closest_one(site_tree):
    site_tree.patch_budget({"totals": {"income": {"totl": D("100.00")}}})
    d = only(site_tree.check(), "S002")
    assert_located(site_tree, d, site_tree.budget_path(), line=line_number(site_tree, site_tree.budget_path(), "totl:"))
    assert "totl" in d.message and "是否想写“total”" in d.message


def test_unknown_top_level_key_in_unit_yaml(site_tree):
    site_tree.patch_unit({"nmae": "测试"})
    d = only(site_tree.check(), "S002")
    assert_located(site_tree, d, site_tree.unit_path(), line=line_number(site_tree, site_tree.unit_path(), "nmae"))
    assert "“name”" in d.message


def test_missing_required_field(site_tree):
    site_tree.patch_budget({"fixed_assets": {"as_of": DELETE}})
    site_tree.patch_unit({"name": DELETE})
    report = site_tree.check()
    found = {d.location.file: d for d in of_code(report, "S003")}
    budget, unit = found[site_tree.display(site_tree.budget_path())], found[site_tree.display(site_tree.unit_path())]
    assert "fixed_assets.as_of" in budget.message
    assert_located(site_tree, budget, site_tree.budget_path())
    assert "name" in unit.message
    assert_located(site_tree, unit, site_tree.unit_path(), line=1)


def test_wrong_type(site_tree):
    site_tree.patch_budget({"year": "二〇二三", "fixed_assets": {"planned_in_procurement": "也许"}})
    report = site_tree.check()
    found = of_code(report, "S004")
    assert len(found) == 2, describe(report)
    year, flag = sorted(found, key=lambda d: d.location.line)
    assert_located(site_tree, year, site_tree.budget_path(), line=1)
    assert year.expected == "整数" and "二〇二三" in year.found
    assert "是/否" in flag.message


def test_misspelled_fund_of_a_three_public_amount_is_one_diagnostic(site_tree):
    """A 三公 amount may be one number or a mapping by fund: a misspelled fund is one mistake, one S002."""
    site_tree.patch_budget({"three_public": {"reception": {"general_budgt": D("3.00"), "government_fund": D("2.00")}}})
    report = site_tree.check()
    found = [d for d in report.diagnostics if d.location.file == site_tree.display(site_tree.budget_path())]
    assert [d.code for d in found] == ["S002"], describe(report)
    [d] = found
    assert "general_budgt" in d.message and "是否想写“general_budget”" in d.message
    assert d.found == "general_budgt" and "government_fund" in d.expected
    assert_located(site_tree, d, site_tree.budget_path(),
                   line=line_number(site_tree, site_tree.budget_path(), "general_budgt:"))


@pytest.mark.parametrize("written, code, words", [
    ("8,00", "S005", "写成了文本"),  # a single amount written as text: not also “should be a mapping”
    ({"general_budget": "8,00"}, "S005", "写成了文本"),  # a fund's amount as text: not also “should be a number”
    (True, "S004", "是/否"),
])
def test_wrong_three_public_value_is_one_diagnostic(site_tree, written, code, words):
    site_tree.patch_budget({"previous_year": {"three_public": {"reception": written}}})
    report = site_tree.check()
    found = [d for d in report.diagnostics if d.location.file == site_tree.display(site_tree.budget_path())]
    assert [d.code for d in found] == [code], describe(report)
    assert words in found[0].message and "previous_year.three_public.reception" in found[0].message


@pytest.mark.parametrize("written, suggestion", [("1,043.55", "1043.55"), ("100.00", "100.00"), ("1，043.55", "1043.55")])
def test_amount_written_as_text(site_tree, written, suggestion):
    site_tree.patch_budget({"totals": {"income": {"total": written}}})
    d = only(site_tree.check(), "S005")
    assert_located(site_tree, d, site_tree.budget_path())
    assert site_tree.line(d.location.file, d.location.line).strip().startswith("total:")
    assert f"请直接写 {suggestion}" in d.message


def test_comma_that_is_not_a_thousands_separator_gets_no_false_suggestion(site_tree):
    site_tree.patch_budget({"totals": {"income": {"total": "5,00"}}})
    d = only(site_tree.check(), "S005")
    assert "500" not in d.message and "请去掉引号" in d.message


def test_code_written_as_a_yaml_number_is_read_as_its_text(site_tree):
    budget = site_tree.year().budget
    budget["functional"][0]["code"] = int(budget["functional"][0]["code"])
    report = site_tree.check()
    assert not report.failed(), "\n".join(d.to_text() for d in report.diagnostics)
    assert report.contexts[next(iter(report.contexts))].disclosure.functional[0].code == str(
        budget["functional"][0]["code"])


def test_binary_float_from_python_is_refused():
    with pytest.raises(ValueError):
        Disclosure.model_validate({"year": 2023, "functional": [{"code": "2010101", "basic": 0.1}]})


# ---- checked on the data: decimals, negatives, duplicates, catalogue -----------------------


def test_more_than_two_decimals(site_tree):
    site_tree.patch_budget({"fixed_assets": {"other": {"value": D("5.004")}}})
    d = only(site_tree.check(), "S006")
    assert_located(site_tree, d, site_tree.budget_path(), line=line_number(site_tree, site_tree.budget_path(), "5.004"))
    assert d.found == "5.004"


def test_quantities_and_spending_plans_may_have_more_decimals(site_tree):
    site_tree.year().budget["procurement"]["items"][0]["quantity"] = D("2.000")
    site_tree.year().budget["performance"]["projects"][0]["schedule"]["3月底"] = D("25.125")
    assert "S006" not in codes(site_tree.check())


@pytest.mark.parametrize("amount", [D("-12.00"), -12], ids=["decimal", "integer"])
def test_negative_amount(site_tree, amount):
    site_tree.year().budget["procurement"]["items"][0]["sme_reserved"] = amount
    d = only(site_tree.check(), "S007")
    assert_located(site_tree, d, site_tree.budget_path(), line=line_number(site_tree, site_tree.budget_path(), "sme_reserved"))
    assert "-12" in d.message


def test_duplicate_codes_in_both_classifications(site_tree):
    budget = site_tree.year().budget
    budget["functional"].append({"code": "2010101", "basic": D("0.00")})
    budget["economic"].append({"code": "30101", "personnel": D("0.00")})
    found = of_code(site_tree.check(), "S008")
    assert sorted(d.subject for d in found) == ["economic[7]", "functional[5]"]
    # the same code with another fund source is a separate row, not a duplicate
    tree = SiteTree(site_tree.root.parent / "other")
    tree.year().budget["functional"].append({"code": "2010101", "source": "government_fund", "basic": D("0.00")})
    assert "S008" not in codes(tree.check())


def test_item_whose_kuan_is_missing_from_the_catalogue(site_tree):
    site_tree.year().budget["functional"][1]["code"] = "2019801"  # 类 201 exists, 款 20198 does not
    site_tree.year().budget["functional"][1]["name"] = ""
    report = site_tree.check()
    d = only(report, "H001")
    assert_located(site_tree, d, site_tree.budget_path(), line=line_number(site_tree, site_tree.budget_path(), "2019801"))
    assert "20198" in d.message and d.found == "20198"
    assert "C001" in codes(report)  # and the 项 itself is unknown


def test_site_catalogue_adds_a_new_code(site_tree):
    site_tree.year().budget["functional"][1].update(code="2019801", name="新设科目")
    site_tree.put_file("catalogue/functional.yaml", '"20198": 新设款\n"2019801": 新设科目\n')
    assert not codes(site_tree.check()) & {"C001", "C002", "H001"}


# ---- directories and identifiers -------------------------------------------------------------


@pytest.mark.parametrize("name", ["Demo_Office", "..hidden", "单位", "-lead"])
def test_unit_directory_must_be_a_slug(site_tree, name):
    site_tree.write()
    (site_tree.content / "units" / name).mkdir()
    d = only(site_tree.check(), "S009")
    assert d.location.file == f"content/units/{name}"
    assert d.found == name


def test_year_directory_must_be_four_digits(site_tree):
    site_tree.write()
    (site_tree.content / "units" / UNIT_ID / "23").mkdir()
    d = only(site_tree.check(), "S009")
    assert d.location.file == f"content/units/{UNIT_ID}/23"


def test_unit_id_must_match_its_directory(site_tree):
    site_tree.patch_unit({"id": "other-office"})
    d = only(site_tree.check(), "S009")
    assert_located(site_tree, d, site_tree.unit_path(), line=line_number(site_tree, site_tree.unit_path(), "id:"))
    assert (d.expected, d.found) == (UNIT_ID, "other-office")


def test_unit_id_with_path_traversal_is_rejected(site_tree):
    site_tree.patch_unit({"id": "../../etc"})
    report = site_tree.check()
    d = only(report, "S009")
    assert d.found == "../../etc"
    assert_located(site_tree, d, site_tree.unit_path(), line=line_number(site_tree, site_tree.unit_path(), "id:"))
    assert report.failed()


def test_budget_year_must_match_its_directory(site_tree):
    site_tree.patch_budget({"year": 2022})
    d = only(site_tree.check(), "S009")
    assert_located(site_tree, d, site_tree.budget_path(), line=1)


def test_unit_directory_may_not_point_outside_content(site_tree):
    site_tree.write()
    outside = site_tree.root / "outside"
    shutil.copytree(site_tree.content / "units" / UNIT_ID, outside)
    (outside / "unit.yaml").write_text(site_tree.unit_path().read_text(encoding="utf-8").replace(UNIT_ID, "evil"),
                                       encoding="utf-8")
    os.symlink(outside, site_tree.content / "units" / "evil", target_is_directory=True)
    report = check_site(site_tree.content)
    assert "S014" in codes(report)
    assert "evil" not in [unit.id for unit in report.site.units]


# ---- bounds: alias bombs, huge files ---------------------------------------------------------


def test_alias_bomb_is_refused_quickly(site_tree):
    lines = ['a: &a ["笑", "笑", "笑", "笑", "笑", "笑", "笑", "笑", "笑", "笑"]']
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    site_tree.put_file(BUDGET_REL, "\n".join(lines) + "\n")
    started = time.perf_counter()
    report = site_tree.check()
    assert time.perf_counter() - started < 2
    d = only(report, "S010")
    assert_located(site_tree, d, site_tree.budget_path())


def test_small_aliases_are_fine(site_tree):
    site_tree.patch_budget({"institutions": DELETE})
    raw_budget(site_tree, "functional:\n", "institutions:\n- &row {name: 所属事业单位, nature: 事业}\n- *row\nfunctional:\n")
    report = site_tree.check()
    assert report.diagnostics == [], describe(report)
    institutions = report.contexts[f"{UNIT_ID}/{YEAR}"].disclosure.institutions
    assert [i.name for i in institutions] == ["所属事业单位", "所属事业单位"]


def test_oversize_file_is_refused(site_tree):
    site_tree.put_file(BUDGET_REL, "year: 2023\n" + "#" * MAX_BYTES + "\n")
    d = only(site_tree.check(), "S010")
    assert_located(site_tree, d, site_tree.budget_path(), line=1)


def test_duplicate_keys(site_tree):
    raw_budget(site_tree, "  income:\n    total: 100.00\n", "  income:\n    total: 1.00\n    total: 100.00\n")
    d = only(site_tree.check(), "S011")
    assert_located(site_tree, d, site_tree.budget_path(), line=line_number(site_tree, site_tree.budget_path(), "total: 1.00") + 1)
    assert "total" in d.message


def test_unknown_profile(site_tree):
    site_tree.patch_budget({"profile": "hebei-2099"})
    d = only(site_tree.check(), "S012")
    assert_located(site_tree, d, site_tree.budget_path(), line=line_number(site_tree, site_tree.budget_path(), "profile:"))
    assert d.found == "hebei-2099" and "hebei-tangshan-dept" in d.expected


# ---- missing files ----------------------------------------------------------------------------


@pytest.mark.parametrize("relative", ["site.yaml", f"units/{UNIT_ID}/unit.yaml", f"units/{UNIT_ID}/{YEAR}/narrative.md",
                                      BUDGET_REL])
def test_missing_required_file(site_tree, relative):
    site_tree.put_file(relative, None)
    report = site_tree.check()
    assert any(d.code == "S003" and d.location.file == f"content/{relative}" for d in report.diagnostics), \
        describe(report)
    assert report.failed()


def test_content_directory_that_does_not_exist(tmp_path):
    report = check_site(tmp_path / "nowhere")
    assert codes(report) == {"S009"}
    assert report.failed()


# ---- all problems in one run -------------------------------------------------------------------


def test_one_run_reports_every_problem(site_tree):
    site_tree.patch_budget({
        "year": "二〇二三",  # wrong type
        "totals": {"income": {"totl": D("1.00"), "total": "1,043.55"}},  # unknown key, amount as text
    })
    site_tree.patch_unit({"level": "国家级"})  # and another file is wrong too
    report = site_tree.check()
    assert [d.code for d in report.diagnostics if d.location.file.endswith("budget.yaml")] == ["S004", "S005", "S002"]
    assert [d.code for d in report.diagnostics if d.location.file.endswith("unit.yaml")] == ["S004"]
    assert all(d.location.line > 0 for d in report.diagnostics)


def test_every_disclosure_is_checked_even_when_another_is_broken(site_tree):
    site_tree.add_unit("zeta-office")
    site_tree.patch_budget({"fixed_assets": {"office_buildings": {"quantity": 600}}}, unit="zeta-office")
    site_tree.put_file(BUDGET_REL, "year: [\n")
    report = site_tree.check()
    assert {(d.code, d.unit or d.location.file.split("/")[2]) for d in report.diagnostics} == {
        ("S001", UNIT_ID), ("A002", "zeta-office")}


# ---- money is Decimal --------------------------------------------------------------------------


def test_loaded_amounts_are_exact_decimals(site_tree):
    site_tree.patch_budget({"totals": {"income": {"total": D("1043.50")}}})
    site_tree.write()
    data = load_yaml(site_tree.budget_path()).data
    amount = data["totals"]["income"]["total"]
    assert type(amount) is Decimal and str(amount) == "1043.50"
    assert type(data["year"]) is int
    assert type(data["fixed_assets"]["as_of"]) is str  # dates stay as written
    disclosure = Disclosure.model_validate(data)
    assert type(disclosure.totals.income.total) is Decimal
    assert type(disclosure.functional[0].basic) is Decimal
    assert all(type(line.amount) is Decimal for line in disclosure.functional)


def test_sums_are_exact(site_tree):
    site_tree.patch_budget({
        "functional": [{"code": "2010101", "basic": D("0.1")}, {"code": "2010102", "basic": D("0.2")},
                       {"code": "2080505", "basic": 1}],
        "economic": [{"code": "30101", "personnel": D("0.1")}, {"code": "30102", "personnel": D("0.2")},
                     {"code": "30201", "public": 1}],
    })
    report = site_tree.check()
    figures = report.contexts[f"{UNIT_ID}/{YEAR}"].figures
    assert figures.derived["expenditure.basic"] == Decimal("1.3")
    assert str(figures.derived["expenditure.basic"]) == "1.3"  # not 1.3000000000000000444
    assert type(figures.derived["expenditure.personnel"]) is Decimal
    assert figures.derived["expenditure.personnel"] == Decimal("0.3")
    assert 0.1 + 0.2 != 0.3  # what binary floats would have given


def test_site_narrative_patterns_are_validated_like_any_content_file(site_tree):
    site_tree.write()
    patterns = site_tree.content / "narrative_patterns.yaml"
    patterns.write_text("- {figure: expenditure.basic, sections: [overview], patern: \"基本经费{amount}万元\"}\n",
                        encoding="utf-8")
    report = site_tree.check()
    d = only(report, "S002")
    assert "是否想写“pattern”" in d.message
    assert d.location.file.endswith("narrative_patterns.yaml") and d.location.line == 1
    assert report.failed()


def test_site_narrative_patterns_are_used_before_the_built_in_ones(site_tree):
    site_tree.write()
    (site_tree.content / "narrative_patterns.yaml").write_text(
        "- {figure: expenditure.basic, sections: [overview], pattern: \"保运转经费{amount}万元\"}\n", encoding="utf-8")
    year = site_tree.year()
    year.narrative = year.narrative.replace("### （一）收入说明", "### （一）收入说明\n\n保运转经费99.00万元。", 1)
    d = only(site_tree.check(), "N001")
    assert d.found == "99.00" or d.found == "99"
