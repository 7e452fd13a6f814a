"""The print theme's tables, without rendering a PDF: column widths for the fixed table layout (from the
table model, equal money columns, room for every amount, the automatic layout when they cannot fit, the
geometry of print.css) and the caption line."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from generator.document import build_document
from generator.pdf import columns, pagination
from generator.pdf.build import unit_job
from generator.pdf.columns import column_widths, text_em
from generator.pdf.html import environment, theme_dir
from generator.pdf.pagination import table_layout
from generator.tables import Row, Table, head, money, text


@pytest.fixture(scope="module")
def report(example_report):
    return example_report


@pytest.fixture(scope="module")
def tables(report):
    return [t for ctx in report.contexts.values() for t in build_document(ctx, report.site).tables]


def test_every_example_table_gets_widths_summing_to_100(tables):
    for t in tables:
        widths = column_widths(t)
        assert widths is not None, t.id
        assert len(widths) == len(t.columns) and all(w > 0 for w in widths), t.id
        assert sum(widths) == pytest.approx(100, abs=0.01), t.id


def test_money_columns_are_equal_and_hold_every_amount(tables):
    for t in tables:
        layout = table_layout(t)  # the widths on the page the table is printed on
        widths = layout.widths
        money_columns = [i for i, kind in enumerate(t.column_kinds) if kind == "money"]
        assert len({widths[i] for i in money_columns}) <= 1, t.id
        for row in t.rows:
            for i, cell in enumerate(row.cells):
                if cell.kind == "money" and cell.text:
                    available_mm = widths[i] / 100 * columns.CONTENT_WIDTH[layout.landscape]
                    needed_mm = text_em(cell.text) * columns.FONT_SIZE[t.wide] + columns.PADDING
                    assert needed_mm <= available_mm, (t.id, cell.text)


def test_code_columns_stay_narrower_than_name_columns(tables):
    for t in tables:
        if t.column_kinds[:2] == ["code", "text"] and t.rows:
            widths = column_widths(t)
            assert widths[0] < widths[1], t.id


def _table(amount: str, count: int) -> Table:
    labels = [f"列{n}" for n in range(count)]
    t = Table("x", "测试表", "单位", 2023, [head("项目", *labels)], [], ["项目", *labels],
              ["text"] + ["money"] * count)
    t.rows = [Row([text("合计", "label")] + [money(Decimal(amount)) for _ in range(count)], total=True)]
    return t


def test_header_cells_below_a_rowspan_belong_to_their_own_column():
    header = [[text("编码", rowspan=2), text("金额", colspan=2)], head("AMOUNT-IN-TEN-THOUSAND-YUAN", "短")]
    t = Table("x", "测试表", "单位", 2023, header, [], ["编码", "甲", "乙"], ["code", "money", "money"])
    t.rows = [Row([text("201", "code"), money(Decimal("1.00")), money(Decimal("2.00"))])]
    widths = column_widths(t)
    assert widths[0] < 10 and widths[1] == widths[2]  # the long title widens the money columns, not the code


def test_automatic_layout_when_the_amounts_cannot_fit():
    assert column_widths(_table("1.00", 8)) is not None
    assert column_widths(_table("123456789012.00", 20)) is None


def test_html_has_one_col_per_column_and_the_fixed_layout(report):
    html = unit_job(report.contexts["fengnan-renda/2023"], report.site, drawn=[]).html
    tables = re.findall(r'<table class="data fixed" data-table="([^"]+)">\s*<colgroup>(.*?)</colgroup>', html, re.S)
    document = build_document(report.contexts["fengnan-renda/2023"], report.site)
    assert [t for t, _ in tables] == [t.id for t in document.tables]
    for (table_id, cols), table in zip(tables, document.tables):
        assert cols.count("<col ") == len(table.columns), table_id


def test_geometry_agrees_with_print_css():
    css = (theme_dir() / "print.css").read_text(encoding="utf-8")

    def mm(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(mm|pt)", value).groups()
        return float(number) * (columns.PT if unit == "pt" else 1)

    portrait = re.search(r"@page \{\s*size: A4 portrait;\s*margin: (\S+) (\S+) (\S+) (\S+);", css).groups()
    landscape = re.search(r"@page landscape \{ size: A4 landscape; margin: (\S+) (\S+) (\S+) (\S+);", css).groups()
    assert columns.CONTENT_WIDTH[False] == pytest.approx(210 - mm(portrait[1]) - mm(portrait[3]))
    assert columns.CONTENT_WIDTH[True] == pytest.approx(297 - mm(landscape[1]) - mm(landscape[3]))
    assert pagination.MARGINS[False] == pytest.approx(tuple(mm(m) for m in portrait))
    assert pagination.MARGINS[True] == pytest.approx(tuple(mm(m) for m in landscape))
    line_height = re.search(r"table\.data \{[^}]*line-height: ([\d.]+);", css).group(1)
    assert pagination.LINE_HEIGHT == pytest.approx(float(line_height))
    padding_v = re.search(r"table\.data th, table\.data td \{[^}]*padding: (\S+) (\S+);", css).group(1)
    assert pagination.CELL_PADDING_V == pytest.approx(2 * mm(padding_v))
    assert columns.FONT_SIZE[False] == pytest.approx(mm(re.search(r"--size-table: (\S+);", css).group(1)))
    assert columns.FONT_SIZE[True] == pytest.approx(mm(re.search(r"--size-table-wide: (\S+);", css).group(1)))
    padding = re.search(r"table\.data th, table\.data td \{[^}]*padding: (\S+) (\S+);", css).group(2)
    assert columns.PADDING == pytest.approx(2 * mm(padding))
    assert columns.RULE == pytest.approx(mm(re.search(r"--rule: (\S+) solid", css).group(1)))
    for level in (1, 2, 3):
        indent = re.search(rf"td\.indent-{level} {{ padding-left: ([\d.]+)em; }}", css).group(1)
        assert float(indent) == pytest.approx(level * columns.INDENT)
    assert "white-space: nowrap" in re.search(r"td\.money, table\.data td\.number \{[^}]*\}", css).group(0)
    assert "white-space: nowrap" in re.search(r"table\.data td\.code \{[^}]*\}", css).group(0)


@pytest.mark.parametrize("name, flex", [("某某单位", False), ("Some Office 某单位", True)])
def test_caption_items_are_separated_by_one_space(name, flex):
    """The caption is justified on the spaces between its items; a name with spaces keeps the flex layout."""
    t = _table("1.00", 2)
    t.unit_name = name
    html = environment(theme_dir()).from_string(
        '{% from "_macros.html.j2" import table_block %}{{ table_block(t, "x") }}').render(t=t)
    caption = re.search(r'<p class="(table-caption[^"]*)">\s*(.*?)\s*</p>', html, re.S)
    assert (caption.group(1) == "table-caption flex") == flex
    assert caption.group(2) == (f"<span>编制单位：{name}</span> <span>预算年度：2023年</span> "
                                '<span class="money-unit">单位：万元</span>')


def test_cover_name_fits_its_line_and_breaks_only_between_words():
    from generator.pdf import cover

    short = cover.fitted("唐山市丰南区人民代表大会常务委员会办公室")
    assert short.lines == ("唐山市丰南区人民代表大会常务委员会办公室",) and cover.SMALLEST <= short.size < cover.LARGEST
    assert cover.fitted("某市财政局").size == cover.LARGEST
    long = cover.fitted("河北省廊坊市广阳区人民代表大会常务委员会办公室机关事务服务中心信息化管理办公室")
    assert len(long.lines) == 2 and "".join(long.lines).startswith("河北省")
    assert long.lines[0].endswith(("会", "室", "心", "区", "市", "局")), long.lines  # after a word
    for line in long.lines:
        assert text_em(line) * long.size * columns.PT <= cover.LINE_WIDTH + 0.01
    css = (theme_dir() / "print.css").read_text(encoding="utf-8")
    assert re.search(r"\.cover-title \{[^}]*width: 150mm;", css) and cover.LINE_WIDTH == 150


def test_publication_date_is_the_contents_or_blank():
    from generator.pdf.cover import publication_date

    assert publication_date("2023-02-10") == "2023年2月10日"
    assert publication_date("") == ""
    assert publication_date("2023年2月") == "2023年2月"  # as written


def test_landscape_only_when_the_columns_need_it():
    wide = _table("1.00", 14)
    wide.wide = True
    assert table_layout(wide).landscape is False  # 15 short columns fit a portrait page: no turn
    crowded = _table("123456789.00", 14)
    crowded.wide = True
    assert table_layout(crowded).landscape is True  # amounts that cannot fit portrait
    empty = _table("1.00", 20)
    empty.wide, empty.empty, empty.rows = True, True, []
    assert table_layout(empty).landscape is False  # an empty table stays portrait with its note


def test_last_rows_kept_to_fill_a_fifth_of_the_next_page():
    t = _table("1.00", 3)
    t.rows = t.rows * 60
    keep = table_layout(t).keep
    assert 1 in keep and 2 not in keep  # the first two rows stay with the header
    last = sorted(k for k in keep if k > 10)
    assert last == list(range(last[0], 60))
    heights = pagination._heights(t, False, table_layout(t).widths)
    kept_height = heights[0] + sum(heights[1 + last[0]:])
    assert kept_height >= pagination.MIN_FILL * pagination.text_height(False)


def test_headings_before_a_table_and_notes_after_it_go_with_the_table():
    from generator.document import HtmlBlock, TableBlock
    from generator.pdf.html import print_blocks

    t = _table("1.00", 2)
    blocks = [HtmlBlock('<p>正文。</p>\n<h4 id="x">（四）单位整体支出绩效指标</h4>\n'), TableBlock(t),
              HtmlBlock("<p>注：无政府采购预算，空表列示。</p>\n<p>其后的正文。</p>\n")]
    printed = print_blocks(blocks)
    assert [b.kind for b in printed] == ["html", "lead", "table", "note", "html"]
    assert printed[1].html == '<h4 id="x">（四）单位整体支出绩效指标</h4>' and printed[1].table is t
    assert printed[3].html == "<p>注：无政府采购预算，空表列示。</p>" and printed[3].table is t
    assert "其后的正文" in printed[4].html and "正文。" in printed[0].html
    # a heading in the middle of the narrative stays where it is
    assert [b.kind for b in print_blocks([HtmlBlock("<h4>甲</h4><p>乙</p>"), TableBlock(t)])] == ["html", "table"]
