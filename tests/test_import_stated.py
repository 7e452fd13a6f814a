"""`budgetsite import` of a Word disclosure whose figures are stated only in its text (seed 002, 廊坊市人大:
its 收支 tables are not in the published text), and of a first unit into a folder with no site yet.

The figures are compared with the example content, which is that document transcribed by hand, number
for number; the Word file imported is the example exported for filing (generator/filing/docx.py)."""

from __future__ import annotations

import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml
from docx import Document as WordDocument

from generator.check import check_site
from generator.filing.docx import write_docx
from import_fixtures import budgetsite, empty_site
from site_support import CONTENT

KEY = "langfang-renda/2023"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    report = check_site(CONTENT)
    return write_docx(report.context(KEY), report.site, tmp_path_factory.mktemp("word") / "langfang-renda.docx")


def _import(content: Path, word: Path, unit: str = "langfang-renda"):
    result = budgetsite("import", str(word), "--unit", unit, "-c", str(content))
    assert result.returncode == 0, result.stdout + result.stderr
    text = (content / "units" / unit / "2023" / "budget.yaml").read_text(encoding="utf-8")
    return result, yaml.safe_load(text), text


def _leaves(data, prefix=()) -> dict[tuple, D]:
    if isinstance(data, dict):
        return {k: v for key, value in data.items() for k, v in _leaves(value, prefix + (key,)).items()}
    return {prefix: D(str(data))} if isinstance(data, (int, float, str)) and str(data)[:1].isdigit() else {}


def _transcribed() -> dict:
    return yaml.safe_load((CONTENT / "units" / KEY / "budget.yaml").read_text(encoding="utf-8"))


def test_figures_stated_only_in_the_text_are_the_published_ones(exported, tmp_path):
    content = empty_site(tmp_path)
    _, data, text = _import(content, exported)
    original = _transcribed()
    for block in ("totals", "three_public"):
        imported, written = _leaves(data[block]), _leaves(original[block])
        assert imported == {path: value for path, value in written.items() if path in imported}, block
        assert len(imported) >= len(written) - 1
    assert _leaves(data["totals"])[("expenditure", "basic")] == D("2364.61")
    assert D(str(data["procurement"]["total"])) == D(str(original["procurement"]["total"]))
    assert data["fixed_assets"]["planned_purchases"] == original["fixed_assets"]["planned_purchases"]
    # each value names the line of narrative.md that states it
    narrative = (content / "units" / KEY / "narrative.md").read_text(encoding="utf-8").splitlines()
    assert "basic: 2364.61  # 正文第39行“基本支出2364.61万元”" in text
    assert "基本支出2364.61万元" in narrative[38]


def test_last_year_comes_from_the_stated_changes(exported, tmp_path):
    content = empty_site(tmp_path)
    _, data, text = _import(content, exported)
    previous, published = _leaves(data["previous_year"]), _leaves(_transcribed()["previous_year"])
    assert previous and {path: value for path, value in previous.items() if path in published} == {
        path: value for path, value in published.items() if path in previous}
    # the transcriber also inferred 上年 出国费 0 (the 三公 fell by what 接待费 fell); the import takes only
    # what a sentence states, here the 三公 sum's change (37.43 less the stated −1.5)
    assert {path: value for path, value in previous.items() if path not in published} == {
        ("three_public", "subtotal"): D("38.93")}
    assert previous[("totals", "expenditure", "total")] == D("2778.04")  # 2931.61 less the stated 153.57
    assert "推算自正文第" in text and data["previous_year"]["source"]


def test_the_imported_text_is_verified_not_left_unverifiable(exported, tmp_path):
    content = empty_site(tmp_path)
    _import(content, exported)
    report = check_site(content, reuse=False)
    codes = [d.code for d in report.all_diagnostics()]
    assert not report.failed() and report.warnings == 0
    assert "N013" not in codes and "N009" not in codes  # every stated figure has its value to be checked against


def test_a_figure_stated_twice_differently_is_not_imported(exported, tmp_path):
    word = WordDocument(str(exported))
    paragraph = next(p for p in word.paragraphs if "支出预算2931.61万元" in p.text)
    paragraph.add_run("另安排支出预算2900.00万元。")
    changed = tmp_path / "改动.docx"
    word.save(str(changed))
    content = empty_site(tmp_path)
    result, data, text = _import(content, changed)
    assert "total" not in data["totals"]["expenditure"]
    assert data["totals"]["expenditure"]["basic"] == 2364.61  # the other figures of the sentence still are
    listed = [line for line in result.stdout.splitlines() if "所述不一致" in line]
    assert len(listed) == 1 and "2931.61" in listed[0] and "2900.00" in listed[0]
    assert "所述不一致，未导入" in text.split("\nyear:")[0]  # and at the head of budget.yaml


def test_a_held_last_year_is_not_restated_from_the_text(exported, tmp_path):
    content = empty_site(tmp_path)
    last_year = content / "units" / "langfang-renda" / "2022"
    shutil.copytree(CONTENT / "units" / "langfang-renda", last_year.parent)
    (last_year.parent / "2023").rename(last_year)
    budget = last_year / "budget.yaml"
    budget.write_text(budget.read_text(encoding="utf-8").replace("year: 2023", "year: 2022", 1), encoding="utf-8")
    _, data, _ = _import(content, exported)
    assert "previous_year" not in data  # the repository's 2022 gives last year's figures (see figures.compute)
    assert data["totals"]["expenditure"]["total"] == 2931.61


def test_a_first_unit_in_an_empty_folder_gets_site_settings(exported, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    result, _, _ = _import(content, exported)
    settings = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
    assert settings["publisher"] == "廊坊市人民代表大会常务委员会办公室"
    assert settings["default_profile"] == "hebei-langfang-unit"
    assert "已新建网站设置" in result.stdout
    report = check_site(content, reuse=False)
    assert not report.failed(), [d.to_text() for d in report.all_diagnostics()]


def test_an_existing_site_yaml_is_left_as_it_is(exported, tmp_path):
    content = empty_site(tmp_path)
    before = (content / "site.yaml").read_bytes()
    result, _, _ = _import(content, exported)
    assert (content / "site.yaml").read_bytes() == before and "已新建网站设置" not in result.stdout


def test_new_unit_in_an_empty_folder_gets_site_settings(tmp_path):
    content = tmp_path / "content"
    missing = budgetsite("new-unit", "ceshi-ju", "--name", "测试局", "--profile", "hebei-langfang-unit", "-y", "2024",
                         "-c", str(content))
    assert missing.returncode == 2 and "内容目录不存在" in missing.stderr and not content.exists()
    content.mkdir()
    result = budgetsite("new-unit", "ceshi-ju", "--name", "测试局", "--profile", "hebei-langfang-unit", "-y", "2024",
                        "-c", str(content))
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))["publisher"] == "测试局"
    report = check_site(content, reuse=False)
    assert {d.code for d in report.all_diagnostics() if d.severity.name == "ERROR"} == {"I001"}
