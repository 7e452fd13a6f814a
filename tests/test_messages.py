"""Messages a finance officer can act on: the mistakes officers really make in the example disclosures,
each written into a copy of content/ and checked, must be named in Chinese, at the line and column of
the mistake itself (not where the parser noticed it), with the nearest right value where there is one,
and without the parser's English or a regular expression."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.check import check_site

REPO = Path(__file__).resolve().parents[1]
LANGFANG = "units/langfang-renda/2023/budget.yaml"  # 单位预算, block mappings and lists
FENGNAN = "units/fengnan-renda/2023/budget.yaml"  # 部门预算 with functional and economic lines
FENGNAN_TEXT = "units/fengnan-renda/2023/narrative.md"
PARSER_WORDS = ("mapping values", "not allowed", "could not find", "did not find", "while scanning",
                "while parsing", "expected", "found", "token", "context", "stream", "character", "Input should")


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of the example content, which the officer then edits."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    return tmp_path / "content"


def edit_line(content: Path, rel: str, old: str, new: str) -> int:
    """Replace the one line that reads `old` exactly by `new`; return its 1-based number."""
    path = content / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    numbers = [i for i, line in enumerate(lines) if line == old]
    assert len(numbers) == 1, f"{old!r} is not exactly one line of {rel}"
    lines[numbers[0]] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return numbers[0] + 1


def line_of(content: Path, rel: str, text: str) -> int:
    lines = (content / rel).read_text(encoding="utf-8").split("\n")
    numbers = [i + 1 for i, line in enumerate(lines) if line == text]
    assert len(numbers) == 1, f"{text!r} is not exactly one line of {rel}"
    return numbers[0]


def problems_in(content: Path, rel: str, code: str | None = None) -> list:
    report = check_site(content)
    found = [d for d in report.diagnostics if d.location.file.endswith(rel)
             and d.acknowledged is None and (code is None or d.code == code)]
    return found


def only(content: Path, rel: str, code: str):
    everything = problems_in(content, rel)
    found = [d for d in everything if d.code == code]
    assert len(found) == 1, "\n".join(d.to_text() for d in everything) or "（无诊断）"
    return found[0]


def assert_officer_text(message: str) -> None:
    """No parser English and no regular expression: only Chinese, key names in quotes, placeholders and
    the codes and numbers an officer writes."""
    for words in PARSER_WORDS:
        assert words.lower() not in message.lower(), message
    for regex_mark in ("\\d", "(?", "{0,", "^", "[0-9]", "$"):
        assert regex_mark not in message, message
    outside_quotes = re.sub(r"“[^”]*”|\{\{[^}]*\}\}|`[^`]*`|YAML|Tab", "", message)
    assert not re.search(r"[A-Za-z]{2,}", outside_quotes), message


def at(diagnostic, line: int, column: int) -> None:
    assert (diagnostic.location.line, diagnostic.location.column) == (line, column), diagnostic.to_text()


# ---- indentation --------------------------------------------------------------------------------


def test_key_indented_further_than_its_sibling_is_named_on_its_own_line(content):
    line = edit_line(content, LANGFANG, "    general_budget: 2931.61", "      general_budget: 2931.61")
    d = only(content, LANGFANG, "S001")
    at(d, line, 7)  # the key itself; the parser complains at its colon (column 21)
    assert "缩进有误" in d.message and "“general_budget”" in d.message and "多缩进了 2 格" in d.message
    assert "“total”" in d.message and "缩进 4 格" in d.message
    assert_officer_text(d.message)


def test_key_indented_less_than_its_siblings(content):
    line = edit_line(content, LANGFANG, "    general_budget: 2931.61", "   general_budget: 2931.61")
    d = only(content, LANGFANG, "S001")
    at(d, line, 4)
    assert "缩进有误" in d.message and "缩进了 3 格" in d.message and "没有对齐" in d.message
    assert "“total”" in d.message and f"第 {line - 1} 行" in d.message
    assert_officer_text(d.message)


def test_key_dedented_out_of_its_mapping_is_named_not_the_next_line(content):
    line = edit_line(content, LANGFANG, "    basic: 2364.61", "  basic: 2364.61")
    d = only(content, LANGFANG, "S001")
    at(d, line, 3)  # the parser notices only at the next key, project:, one line later
    assert "缩进有误：“basic”应缩进在“expenditure”下" in d.message
    assert f"与第 {line - 1} 行的“total”对齐" in d.message and "只缩进了 2 格" in d.message
    assert_officer_text(d.message)


def test_key_dedented_to_the_top_level_in_the_middle_of_a_mapping(content):
    line = edit_line(content, LANGFANG, "    basic: 2364.61", "basic: 2364.61")
    d = only(content, LANGFANG, "S001")
    at(d, line, 1)
    assert "缩进有误：“basic”应缩进在“expenditure”下" in d.message and "顶格书写" in d.message
    assert_officer_text(d.message)


def test_last_key_dedented_to_the_top_level_says_where_it_belongs(content):
    """A dedented last key parses (as a top-level key): the officer is told where it belongs, not
    “unknown key, did you mean …”."""
    line = edit_line(content, LANGFANG, "  operating_costs: 292.92", "operating_costs: 292.92")
    found = problems_in(content, LANGFANG)
    assert [d.code for d in found if d.code.startswith("S")] == ["S013"], [d.to_text() for d in found]
    d = found[[x.code for x in found].index("S013")]
    at(d, line, 1)
    assert d.message.startswith("缩进有误：“operating_costs”应缩进在“totals”下") and "缩进 2 格" in d.message
    assert "是否想写" not in d.message
    assert d.expected == "totals.operating_costs"
    assert_officer_text(d.message)


def test_last_key_dedented_into_the_outer_mapping(content):
    line = edit_line(content, LANGFANG, "    public: 292.92", "  public: 292.92")
    d = only(content, LANGFANG, "S013")
    at(d, line, 3)
    assert "缩进有误：“public”应缩进在“expenditure”下" in d.message and "缩进了 2 格" in d.message
    assert not problems_in(content, LANGFANG, "S002")


def test_key_dedented_out_of_a_list_item(content):
    line = edit_line(content, LANGFANG, "  funding: 财政拨款", "funding: 财政拨款")
    d = only(content, LANGFANG, "S013")
    at(d, line, 1)
    assert "“funding”应缩进在“institutions”的列表项下" in d.message


def test_amount_of_the_last_line_item_dedented_to_the_top_level(content):
    """The last economic line's amount at the left margin: without the check it would be an unknown
    top-level key, and the line would silently lose its 0.65."""
    line = edit_line(content, FENGNAN, "  personnel: 0.65", "personnel: 0.65")
    d = only(content, FENGNAN, "S013")
    at(d, line, 1)
    assert d.message.startswith("缩进有误：“personnel”应缩进在“economic”的列表项下") and "缩进 2 格" in d.message
    assert not problems_in(content, FENGNAN, "S002")


def test_misspelled_key_still_gets_the_nearest_valid_key(content):
    """An unknown key that is not a dedented one stays S002, with its did-you-mean."""
    line = edit_line(content, LANGFANG, "institutions:", "institution:")
    d = only(content, LANGFANG, "S002")
    at(d, line, 1)
    assert "未知的键“institution”，是否想写“institutions”？" in d.message


def test_list_item_dash_not_under_the_one_above(content):
    line = edit_line(content, FENGNAN, "- code: '2010102'", " - code: '2010102'")
    d = only(content, FENGNAN, "S001")
    at(d, line, 2)
    assert "列表项“-”缩进了 1 格" in d.message and f"第 {line - 3} 行" in d.message
    assert_officer_text(d.message)


# ---- characters -------------------------------------------------------------------------------


def test_full_width_colon(content):
    line = edit_line(content, LANGFANG, "    basic: 2364.61", "    basic：2364.61")
    d = only(content, LANGFANG, "S001")
    at(d, line, len("    basic") + 1)  # the parser complains at the next line
    assert "全角冒号“：”" in d.message and "“basic”" in d.message and "半角冒号“:”" in d.message
    assert_officer_text(d.message)


def test_full_width_colon_on_the_last_key_of_a_mapping(content):
    line = edit_line(content, LANGFANG, "    public: 292.92", "    public：292.92")
    d = only(content, LANGFANG, "S001")
    at(d, line, len("    public") + 1)
    assert "全角冒号" in d.message and "“public”" in d.message


def test_full_width_space_after_the_colon(content):
    line = edit_line(content, LANGFANG, "    basic: 2364.61", "    basic:\u30002364.61")
    d = only(content, LANGFANG, "S001")
    at(d, line, len("    basic:") + 1)
    assert "全角空格" in d.message and "半角空格" in d.message
    assert_officer_text(d.message)


def test_full_width_space_in_the_indentation(content):
    line = edit_line(content, LANGFANG, "    basic: 2364.61", "\u3000\u3000basic: 2364.61")
    d = only(content, LANGFANG, "S001")
    at(d, line, 1)
    assert "行首有全角空格" in d.message


def test_missing_space_after_the_colon(content):
    line = edit_line(content, LANGFANG, "    basic: 2364.61", "    basic:2364.61")
    d = only(content, LANGFANG, "S001")
    at(d, line, len("    basic:") + 1)
    assert "冒号“:”后缺少空格" in d.message and "“basic: 2364.61”" in d.message
    assert_officer_text(d.message)


def test_tab_in_the_indentation(content):
    line = edit_line(content, LANGFANG, "    basic: 2364.61", "\tbasic: 2364.61")
    d = only(content, LANGFANG, "S001")
    at(d, line, 1)
    assert "制表符（Tab）" in d.message and "空格" in d.message
    assert_officer_text(d.message)


def test_unclosed_single_quote_is_named_where_it_opens(content):
    """The quoted text runs on to the next quote, lines further down, where the parser fails."""
    line = edit_line(content, LANGFANG, "  as_of: '2022-12-31'", "  as_of: '2022-12-31")
    d = only(content, LANGFANG, "S001")
    at(d, line, len("  as_of: ") + 1)
    assert "单引号“'”没有闭合" in d.message
    assert_officer_text(d.message)


def test_unclosed_double_quote_is_named_where_it_opens(content):
    line = edit_line(content, LANGFANG, "  as_of: '2022-12-31'", '  as_of: "2022-12-31')
    d = only(content, LANGFANG, "S001")
    at(d, line, len("  as_of: ") + 1)
    assert "双引号“\"”没有闭合" in d.message


def test_duplicate_key_names_both_lines(content):
    first = line_of(content, LANGFANG, "    basic: 2364.61")
    edit_line(content, LANGFANG, "    basic: 2364.61", "    basic: 2364.61\n    basic: 2364.61")
    d = only(content, LANGFANG, "S011")
    at(d, first + 1, 5)
    assert "键“basic”重复" in d.message and f"第 {first} 行已出现" in d.message


def test_text_value_holding_a_colon_and_space(content):
    line = edit_line(content, LANGFANG, "    description: 全年召开会议次数", "    description: 全年召开会议次数: 7次")
    d = only(content, LANGFANG, "S001")
    at(d, line, len("    description: 全年召开会议次数") + 1)
    assert "“description”的值中含有半角冒号加空格" in d.message and "加引号" in d.message
    assert_officer_text(d.message)


# ---- did-you-mean -------------------------------------------------------------------------------


def test_unknown_code_with_a_catalogue_name_gives_the_code_of_that_name(content):
    line = edit_line(content, FENGNAN, "- code: '2010101'", "- code: '2010198'")
    d = only(content, FENGNAN, "C001")
    at(d, line, len("- code: ") + 1)
    # 行政运行 is the name of 2010101 in 财政部《政府收支分类科目》(人大事务 20101 → 01 行政运行)
    assert "功能分类科目 2010198 不在科目目录中；名称“行政运行”在目录中的编码是 2010101" in d.message
    assert d.expected == "2010101"


def test_unknown_code_gives_the_nearest_codes_of_the_same_kuan(content):
    edit_line(content, FENGNAN, "- code: '2010102'", "- code: '2010198'")
    edit_line(content, FENGNAN, "  name: 一般行政管理事务", "  name: 人大其他事务")
    d = only(content, FENGNAN, "C001")
    # 20101 人大事务 has 08 代表工作 and 99 其他人大事务支出, one digit away from 98
    assert "目录中最接近的有：" in d.message
    assert "2010108 代表工作" in d.message and "2010199 其他人大事务支出" in d.message
    suggested = re.findall(r"\b(\d{7}) ", d.message.split("最接近的有：")[1])
    assert len(suggested) == 3 and all(code.startswith("20101") for code in suggested), d.message


def test_mistyped_heading_names_only_the_nearest_title(content):
    line = edit_line(content, FENGNAN_TEXT, "## 九、其他需要说明的事项", "## 九、其他说明事项")
    d = only(content, FENGNAN_TEXT, "N006")
    at(d, line, 1)
    assert "章节“其他说明事项”不是模板" in d.message and "是否想写“其他需要说明的事项”？" in d.message
    assert d.expected == "其他需要说明的事项"
    for other in ("部门职责及机构设置情况", "预算绩效信息", "名词解释"):
        assert other not in d.message and other not in d.expected


def _figure_names(content: Path, unit: str = "fengnan-renda") -> dict[str, str]:
    """`budgetsite figures <unit> 2023`: name → label, as the officer sees them."""
    result = subprocess.run([sys.executable, "-m", "generator", "figures", unit, "2023",
                             "--content", str(content)], capture_output=True, text=True, encoding="utf-8",
                            cwd=REPO, env={**os.environ, "PYTHONUTF8": "1"}, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    return {name.strip("{} "): label for name, _, label in rows}


def test_mistyped_placeholder_suggests_the_nearest_figure_name(content):
    written = "部门职责：{{ expenditure.basik }}"
    path = content / FENGNAN_TEXT
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(4, written)
    path.write_text("\n".join(lines), encoding="utf-8")
    d = only(content, FENGNAN_TEXT, "N005")
    at(d, 5, written.index("{{") + 1)
    names = _figure_names(content)
    assert names["expenditure.basic"] == "基本支出"
    assert "占位符“expenditure.basik”不存在，是否想写 {{ expenditure.basic }}（基本支出）？" in d.message
    assert d.expected == "expenditure.basic"


def test_placeholder_written_as_its_chinese_label(content):
    path = content / FENGNAN_TEXT
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(4, "人员经费{{ 人员经费 }}万元。")
    path.write_text("\n".join(lines), encoding="utf-8")
    d = only(content, FENGNAN_TEXT, "N005")
    assert "是否想写 {{ expenditure.personnel }}（人员经费）？" in d.message


def test_placeholder_of_a_figure_this_disclosure_has_not_is_not_called_a_typo(content):
    """langfang-renda is a 单位 funded wholly by appropriation: it has no 事业收入 (income.business)."""
    rel = "units/langfang-renda/2023/narrative.md"
    assert "income.business" not in _figure_names(content, "langfang-renda")
    path = content / rel
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(4, "事业收入{{ income.business }}万元。")
    path.write_text("\n".join(lines), encoding="utf-8")
    d = only(content, rel, "N005")
    assert d.message == "占位符“income.business”（事业收入）在本公开中没有数据，无法替换"
    assert d.expected is None


# ---- no regular expression, no pydantic English ---------------------------------------------------


def test_malformed_code_says_what_a_code_looks_like(content):
    line = edit_line(content, FENGNAN, "- code: '2010101'", "- code: '20101x'")
    d = only(content, FENGNAN, "S004")
    at(d, line, len("- code: ") + 1)
    assert "3、5 或 7 位数字的科目编码" in d.message and "2010101" in d.message
    assert_officer_text(d.message.replace("“functional[0].code”", ""))


def test_choice_outside_the_allowed_words_lists_them_in_chinese(content):
    line = edit_line(content, "units/langfang-renda/unit.yaml", "kind: 单位", "kind: 单元")
    d = only(content, "units/langfang-renda/unit.yaml", "S004")
    at(d, line, len("kind: ") + 1)
    assert "只能是“部门”或“单位”" in d.message
    assert " or " not in d.message
    assert_officer_text(d.message)


# ---- the command line ----------------------------------------------------------------------------


def test_cli_shows_the_chinese_message_and_keeps_the_parser_words_for_json_only(content):
    line = edit_line(content, LANGFANG, "    basic: 2364.61", "  basic: 2364.61")
    env = {**os.environ, "PYTHONUTF8": "1", "NO_COLOR": "1", "COLUMNS": "200",
           "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)}

    def run(*options):
        result = subprocess.run([sys.executable, "-m", "generator", "check", "--content", "content", *options],
                                cwd=content.parent, env=env, capture_output=True, text=True, encoding="utf-8",
                                timeout=120)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    text = run().stdout
    assert f"content/{LANGFANG}:{line}:3: S001 [错误] YAML 语法错误：缩进有误：“basic”应缩进在“expenditure”下" in text
    assert "mapping values" not in text and "not allowed" not in text
    report = json.loads(run("--format", "json").stdout)
    entries = report["diagnostics"] if isinstance(report, dict) else report
    [s001] = [entry for entry in entries if entry["code"] == "S001"]
    assert (s001["line"], s001["column"]) == (line, 3)
    assert_officer_text(s001["message"])
    assert "mapping values are not allowed" in s001["detail"]  # the parser's words, for a developer


# ---- many small slips --------------------------------------------------------------------------


def test_slips_anywhere_in_the_examples_are_located_on_the_edited_line_in_chinese():
    """One-character slips (a colon, a full-width colon or space, a tab, a quote, a dash, a reserved
    character, a deleted character, a changed indent) on every kind of line of the example files:
    reading never raises, no message carries parser English, and nearly all name the edited line."""
    import random

    from generator.yamlsource import YamlDocument, parse_yaml_text

    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "content").rglob("*.yaml"))]
    slips = [":", "：", "\u3000", "\t", "'", '"', " ", "- ", "@", "|", "*", "&", "!"]
    rng = random.Random(20231)
    located = reported = 0
    for _ in range(1500):
        lines = rng.choice(texts).split("\n")
        number = rng.randrange(len(lines))
        line = lines[number]
        if not line.strip():
            continue
        position = rng.randrange(len(line) + 1)
        kind = rng.randrange(3)
        if kind == 0:
            line = line[:position] + rng.choice(slips) + line[position:]
        elif kind == 1:
            line = line[:position] + line[position + 1:]
        else:
            line = " " * rng.randrange(8) + line.lstrip(" ")
        lines[number] = line
        doc = parse_yaml_text("\n".join(lines), YamlDocument(Path("budget.yaml"), None))
        for problem in doc.problems:
            if problem.code == "S001":
                assert_officer_text(problem.message)
                reported += 1
                located += problem.line == number + 1
    assert reported > 300
    assert located / reported >= 0.95, f"{located} of {reported} on the edited line"
