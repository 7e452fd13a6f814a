"""The standard tables of a disclosure, derived from its line items, in a renderer-neutral form.

HTML, PDF and CSV all render these same `Table` objects, so a number appears identically everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from generator.money import fmt


@dataclass
class Cell:
    text: str
    kind: str = "text"  # text | money | number | code | label; in a head block also column | prose
    value: Decimal | None = None
    colspan: int = 1
    rowspan: int = 1

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "number")

    @property
    def lines(self) -> list[str]:
        """The paragraphs of a prose cell: one per non-blank line of the text as written."""
        return [line.strip() for line in self.text.splitlines() if line.strip()]


@dataclass
class Row:
    cells: list[Cell]
    level: int = 0  # classification depth: 0 total, 1 类, 2 款, 3 项; 0 for non-classified rows
    total: bool = False  # a 合计/总计 row, emphasised
    indent: int = 0  # visual indentation of the label cell


@dataclass
class Table:
    id: str  # e.g. "summary", "income", "project_goals-3"
    title: str
    unit_name: str
    year: int
    header: list[list[Cell]]  # header rows; cells may span
    rows: list[Row]
    columns: list[str]  # one flat name per column, for CSV and data packages
    column_kinds: list[str]  # text | money | number | code, per column
    money_unit: str = "万元"
    meta: list[str] = field(default_factory=list)  # extra caption lines, e.g. 截止时间：2022-12-31
    note: str = ""  # e.g. 注：无…，空表列示。
    wide: bool = False  # printed on a landscape page
    empty: bool = False
    caption_extra: str = ""  # an extra caption line
    # Rows printed above the column headers, inside the table: the header grid of a 项目绩效目标表
    # (项目编码, 预算数, 资金支出计划, 绩效目标…). Cells: label (a row's label), column (the label of the
    # value below it), prose (text of paragraphs, see Cell.lines), or values (text, code, money, number).
    head_block: list[list[Cell]] = field(default_factory=list)
    unit_line: str = ""  # the caption's 编制单位 line as the template words it (generator/layout.py)

    def records(self) -> list[list[str]]:
        """Body rows flattened to one text per column (spans repeated), for CSV."""
        out = []
        for row in self.rows:
            flat: list[str] = []
            for cell in row.cells:
                flat.extend([cell.text] * cell.colspan)
            out.append(flat[: len(self.columns)] + [""] * (len(self.columns) - len(flat)))
        return out


def money(value: Decimal | None, blank_zero: bool = True) -> Cell:
    """An amount as published: two decimals, blank for zero."""
    return Cell(fmt(value, blank_zero=blank_zero), "money", value)


def text(value: str, kind: str = "text", colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(value, kind, None, colspan, rowspan)


def head(*labels: str) -> list[Cell]:
    return [Cell(label, "label") for label in labels]


# ---------------------------------------------------------------------------------------------
# Builders. Each takes a BuildInput and returns one Table (or a list, for project goal tables).

from generator.model.budget import FISCAL_SOURCES, SPENDING_KINDS  # noqa: E402
from generator.money import ZERO, total  # noqa: E402

FUND_COLUMNS = (("general_budget", "一般公共预算财政拨款"), ("government_fund", "政府性基金预算财政拨款"),
                ("soe_capital", "国有资本经营预算财政拨款"))


@dataclass
class BuildInput:
    """What every builder needs: the disclosure, its figures, profile, catalogue and unit."""

    disclosure: object
    figures: object
    profile: object
    catalogue: object
    unit: object  # generator.model.Unit

    @property
    def kind(self) -> str:
        return self.profile.kind

    def title(self, table_id: str, default: str) -> str:
        template = self.profile.table_titles.get(table_id, default)
        return template.replace("{kind}", self.kind)

    def new(self, table_id: str, default_title: str, header, columns, kinds, **extra) -> Table:
        return Table(table_id, self.title(table_id, default_title), self.unit.name, self.disclosure.year,
                     header, [], columns, kinds, **extra)


def _hierarchy(lines, catalogue_kind: str, catalogue, columns: int, values_of, levels=(3, 5, 7)) -> list[Row]:
    """合计 row, then every 类/款/项 with subtotals, ordered by code. values_of(line) -> list[Decimal]."""
    sums: dict[str, list[Decimal]] = {}
    names: dict[str, str] = {}
    for line in lines:
        values = values_of(line)
        for size in levels:
            code = line.code[:size]
            bucket = sums.setdefault(code, [ZERO] * columns)
            sums[code] = [a + b for a, b in zip(bucket, values)]
        names[line.code] = line.name
    grand = [total(sums[c][i] for c in sums if len(c) == levels[0]) for i in range(columns)]
    rows = [Row([text(""), text("合计", "label")] + [money(v) for v in grand], level=0, total=True)]
    for code in sorted(sums):
        level = levels.index(len(code)) + 1
        name = names.get(code) or catalogue.name(catalogue_kind, code) or ""
        rows.append(Row([text(code, "code"), text(name, "label")] + [money(v) for v in sums[code]],
                        level=level, indent=level - 1))
    return rows


def _functional_rows(b: BuildInput, lines, spending_columns) -> list[Row]:
    def values(line):
        amounts = [getattr(line, k) for k in spending_columns]
        return [sum(amounts, ZERO)] + amounts

    return _hierarchy(lines, "functional", b.catalogue, len(spending_columns) + 1, values)


def build_expenditure(b: BuildInput) -> Table:
    labels = list(SPENDING_KINDS.values())
    t = b.new("expenditure", "{kind}预算支出总表", [head("科目编码", "科目名称", "合计", *labels)],
              ["科目编码", "科目名称", "合计", *labels], ["code", "text"] + ["money"] * (1 + len(labels)))
    t.rows = _functional_rows(b, b.disclosure.functional, list(SPENDING_KINDS))
    return t


def build_income(b: BuildInput) -> Table:
    groups = b.profile.income_columns
    labels = [g.label for g in groups]
    header = [
        [text("功能分类科目", colspan=2), text("合计", rowspan=2), text("本年收入", colspan=len(groups) + 1),
         text("上年结转", rowspan=2)],
        head("科目编码", "科目名称", "小计", *labels),
    ]
    columns = ["科目编码", "科目名称", "合计", "本年收入小计", *labels, "上年结转"]
    t = b.new("income", "{kind}预算收入总表", header, columns, ["code", "text"] + ["money"] * (len(columns) - 2),
              wide=True)

    def values(line):
        this_year = ZERO if line.carried_over else line.amount
        by_group = [this_year if line.source in g.sources else ZERO for g in groups]
        carried = line.amount if line.carried_over else ZERO
        return [line.amount, this_year, *by_group, carried]

    t.rows = _hierarchy(b.disclosure.functional, "functional", b.catalogue, len(columns) - 2, values)
    return t


def _fund_table(b: BuildInput, table_id: str, default_title: str, source: str) -> Table:
    t = b.new(table_id, default_title, [head("科目编码", "科目名称", "合计", "基本支出", "项目支出")],
              ["科目编码", "科目名称", "合计", "基本支出", "项目支出"], ["code", "text", "money", "money", "money"])
    lines = [line for line in b.disclosure.functional if line.source == source]
    if lines:
        t.rows = _functional_rows(b, lines, ["basic", "project"])
    else:
        t.empty = True
        t.note = b.profile.empty_notes.get(table_id, f"注：无{t.title}，空表列示。")
    return t


def build_general_budget(b: BuildInput) -> Table:
    return _fund_table(b, "general_budget", "{kind}预算一般公共预算财政拨款支出表", "general_budget")


def build_government_fund(b: BuildInput) -> Table:
    return _fund_table(b, "government_fund", "{kind}预算政府性基金预算财政拨款支出表", "government_fund")


def build_soe_capital(b: BuildInput) -> Table:
    return _fund_table(b, "soe_capital", "{kind}预算国有资本经营预算财政拨款支出表", "soe_capital")


def build_basic_economic(b: BuildInput) -> Table:
    header = [[text("经济分类科目", colspan=2), text("一般公共预算基本支出", colspan=3)],
              head("科目编码", "科目名称", "合计", "人员经费", "公用经费")]
    t = b.new("basic_economic", "{kind}预算一般公共预算财政拨款基本支出表", header,
              ["科目编码", "科目名称", "合计", "人员经费", "公用经费"], ["code", "text", "money", "money", "money"])
    t.rows = _hierarchy(b.disclosure.economic, "economic", b.catalogue, 3,
                        lambda line: [line.amount, line.personnel, line.public], levels=(3, 5))
    return t


def _category_amounts(lines) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for line in lines:
        out[line.code[:3]] = out.get(line.code[:3], ZERO) + line.amount
    return out


def build_summary(b: BuildInput) -> Table:
    value = b.figures.value
    header = [[text("收入", colspan=2), text("支出", colspan=2)], head("项目", "预算数", "项目", "预算数")]
    t = b.new("summary", "{kind}预算收支总表", header, ["收入项目", "收入预算数", "支出项目", "支出预算数"],
              ["text", "money", "text", "money"])
    spent = _category_amounts(b.disclosure.functional)
    income = [(r.label, value(f"income.{r.source}")) for r in b.profile.income_rows]
    spending = [(c.label, spent.get(c.code) if c.code else None) for c in b.profile.functional_categories]
    for i in range(max(len(income), len(spending))):
        left = income[i] if i < len(income) else ("", None)
        right = spending[i] if i < len(spending) else ("", None)
        t.rows.append(Row([text(left[0], "label"), money(left[1]), text(right[0], "label"), money(right[1])]))
    for left, lkey, right, rkey in (("本年收入合计", "income.total", "本年支出合计", "expenditure.total"),
                                    ("上年结转结余", "income.carry_over", "年终结转结余", "expenditure.year_end_balance"),
                                    ("收入总计", "income.grand_total", "支出总计", "expenditure.grand_total")):
        t.rows.append(Row([text(left, "label"), money(value(lkey)), text(right, "label"), money(value(rkey))],
                          total=left != "上年结转结余"))
    return t


def build_fiscal_summary(b: BuildInput) -> Table:
    header = [[text("收入", colspan=2), text("支出", colspan=5)],
              head("项目", "金额", "项目", "合计", *[label for _, label in FUND_COLUMNS])]
    columns = ["收入项目", "收入金额", "支出项目", "支出合计", *[label for _, label in FUND_COLUMNS]]
    t = b.new("fiscal_summary", "{kind}预算财政拨款收支总表", header, columns,
              ["text", "money", "text", "money", "money", "money", "money"], wide=True)
    lines = [line for line in b.disclosure.functional if line.source in FISCAL_SOURCES]
    this_year = [line for line in lines if not line.carried_over]
    carried = [line for line in lines if line.carried_over]
    by_fund = {src: _category_amounts([l for l in lines if l.source == src]) for src, _ in FUND_COLUMNS}
    income_labels = ["一、一般公共预算拨款", "二、政府性基金预算拨款", "三、国有资本经营预算拨款"]
    income_values = [total(l.amount for l in this_year if l.source == src) for src, _ in FUND_COLUMNS]
    for i, category in enumerate(b.profile.functional_categories):
        left = (income_labels[i], income_values[i]) if i < 3 else ("", None)
        funds = [by_fund[src].get(category.code) if category.code else None for src, _ in FUND_COLUMNS]
        row_total = total(funds) if any(f is not None for f in funds) else None
        t.rows.append(Row([text(left[0], "label"), money(left[1]), text(category.label, "label"), money(row_total),
                           *[money(f) for f in funds]]))
    spent = [total(l.amount for l in lines if l.source == src) for src, _ in FUND_COLUMNS]
    t.rows.append(Row([text("本年收入合计", "label"), money(total(income_values)), text("本年支出合计", "label"),
                       money(total(spent)), *[money(v) for v in spent]], total=True))
    opening = [total(l.amount for l in carried if l.source == src) for src, _ in FUND_COLUMNS]
    t.rows.append(Row([text("年初财政拨款结转和结余", "label"), money(total(opening)),
                       text("年末财政拨款结转和结余", "label"), money(None), money(None), money(None), money(None)]))
    for label, amount in zip(income_labels, opening):
        t.rows.append(Row([text(label, "label"), money(amount), text(""), money(None), money(None), money(None),
                           money(None)], indent=1))
    grand = total(income_values) + total(opening)
    t.rows.append(Row([text("收入总计", "label"), money(grand), text("支出总计", "label"), money(total(spent)),
                       *[money(v) for v in spent]], total=True))
    return t


def build_three_public(b: BuildInput) -> Table:
    from generator.figures import three_public_by_fund

    header = [[text("项目", rowspan=2), text("资金性质", colspan=4)],
              head("合计", *[label for _, label in FUND_COLUMNS])]
    t = b.new("three_public", "{kind}预算财政拨款“三公”经费支出表", header,
              ["项目", "合计", *[label for _, label in FUND_COLUMNS]], ["text", "money", "money", "money", "money"])
    tp = b.disclosure.three_public
    specs = {row.id: row for row in b.profile.three_public_rows}

    def funds(row_id: str) -> dict[str, Decimal]:
        spec = specs.get(row_id)
        own = three_public_by_fund(getattr(tp, row_id, None))
        if spec is None or not spec.parts:
            return own
        out: dict[str, Decimal] = {}
        for part in spec.parts:
            for src, amount in funds(part).items():
                out[src] = out.get(src, ZERO) + amount
        return out or own  # a row written as one figure, without its parts

    for row in b.profile.three_public_rows:
        amounts = funds(row.id)
        cells = [money(total(amounts.values()), blank_zero=True)] + [money(amounts.get(src)) for src, _ in FUND_COLUMNS]
        t.rows.append(Row([text(row.label, "label")] + cells, total=bool(row.parts) and row.indent == 0 and
                          row.id in ("total", "subtotal"), indent=row.indent))
    return t


def build_institutions(b: BuildInput) -> Table:
    t = b.new("institutions", "{kind}机构设置情况", [head("单位名称", "单位性质", "单位规格", "经费保障形式")],
              ["单位名称", "单位性质", "单位规格", "经费保障形式"], ["text"] * 4, money_unit="")
    rows = b.disclosure.institutions or _default_institutions(b.unit)
    t.rows = [Row([text(r.name), text(r.nature), text(r.rank), text(r.funding)]) for r in rows]
    return t


def _default_institutions(unit):
    from generator.model import Institution

    own = Institution(name=unit.name, nature=unit.nature, rank=unit.rank, funding=unit.funding)
    return [own, *unit.subordinates]


def _merge_down(rows: list[Row], columns: int) -> None:
    """Merge equal consecutive cells in the first `columns` columns (as Word tables do), left to right."""
    for col in range(columns):
        start = 0
        while start < len(rows):
            end = start + 1
            while (end < len(rows) and rows[end].cells[col].text == rows[start].cells[col].text
                   and all(rows[end].cells[c].text == rows[start].cells[c].text for c in range(col))):
                end += 1
            if end - start > 1:
                rows[start].cells[col].rowspan = end - start
                for r in rows[start + 1:end]:
                    r.cells[col].kind = "merged"
            start = end


def build_overall_indicators(b: BuildInput) -> Table:
    labels = ["一级指标", "二级指标", "三级指标", "评（扣）分标准", "绩效指标描述", "符号", "值", "单位", "指标值确定依据"]
    header = [[text("一级指标", rowspan=2), text("二级指标", rowspan=2), text("三级指标", rowspan=2),
               text("评（扣）分标准", rowspan=2), text("绩效指标描述", rowspan=2), text("指标值", colspan=3),
               text("指标值确定依据", rowspan=2)], head("符号", "值", "单位")]
    t = b.new("overall_indicators", "{kind}整体支出绩效指标", header, labels, ["text"] * 9, money_unit="", wide=True)
    for ind in b.disclosure.performance.overall_indicators:
        t.rows.append(Row([text(ind.level1), text(ind.level2), text(ind.level3), text(ind.scoring),
                           text(ind.description), text(ind.comparator), text(ind.value), text(ind.unit),
                           text(ind.basis)]))
    _merge_down(t.rows, 2)
    t.empty = not t.rows
    return t


def build_project_goals(b: BuildInput) -> list[Table]:
    labels = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    tables = []
    for n, project in enumerate(b.disclosure.performance.projects, start=1):
        t = Table(f"project_goals-{n}", f"{n}、{project.name}绩效目标表", b.unit.name, b.disclosure.year,
                  [head(*labels)], [], labels, ["text"] * 6, money_unit="")
        t.head_block = _project_head(project, b.profile.project_goal_head, len(labels))
        for ind in project.indicators:
            t.rows.append(Row([text(ind.level1), text(ind.level2), text(ind.level3), text(ind.description),
                               text(ind.value), text(ind.basis)]))
        _merge_down(t.rows, 1)
        tables.append(t)
    return tables


def _project_head(project, spec, columns: int) -> list[list[Cell]]:
    """The header grid of a project table, row by row as the profile lists it; what was not typed
    stays blank. A row's label takes the first column; equal labels of adjacent rows are merged."""
    has_labels = any(row.label for row in spec)
    grid: list[list[Cell]] = []
    for row in spec:
        width = columns - 1 if has_labels and row.label else columns
        for cells in _head_item(project, row, width):
            if row.label:
                cells.insert(0, Cell(row.label, "label"))
            grid.append(cells)
    _merge_labels(grid)
    return grid


def _head_item(project, row, width: int) -> list[list[Cell]]:
    if row.item == "identity":
        code_span = (width - 2) // 2
        return [[Cell(row.labels[0], "label"), text(project.code, "code", colspan=code_span),
                 Cell(row.labels[1], "label"), text(project.name, colspan=width - 2 - code_span)]]
    if row.item == "funding":
        amounts = [project.amount, project.funding.fiscal, project.funding.other]
        return _labelled_values(row.labels, [_typed_money(a) for a in amounts], width)
    if row.item == "schedule":
        shares = [project.schedule.get(period) for period in row.labels]
        values = [Cell("" if v is None else format(v, "f"), "number", v) for v in shares]
        return _labelled_values(row.labels, values, width)
    written = project.purpose if row.item == "purpose" else project.goal
    if row.labels:
        return [[Cell(row.labels[0], "label"), Cell(written, "prose", colspan=width - 1)]]
    return [[Cell(written, "prose", colspan=width)]]


def _labelled_values(labels: list[str], values: list[Cell], width: int) -> list[list[Cell]]:
    """Column labels on one row and their values under them, spread over `width` columns."""
    spans = _spread(width, len(labels))
    heads = [Cell(label, "column", colspan=span) for label, span in zip(labels, spans)]
    for cell, span in zip(values, spans):
        cell.colspan = span
    return [heads, values]


def _spread(width: int, count: int) -> list[int]:
    """Column spans of `count` cells filling `width` columns, the later cells taking the remainder."""
    base, extra = divmod(width, count)
    return [base + (1 if i >= count - extra else 0) for i in range(count)]


def _typed_money(value: Decimal | None) -> Cell:
    """An amount the author typed, shown as typed (0 is 0.00); one not typed is blank."""
    return Cell(fmt(value), "money", value)


def _merge_labels(grid: list[list[Cell]]) -> None:
    """Merge the row labels of adjacent rows that have the same label (预算规模及资金用途 over three rows)."""
    start = 0
    while start < len(grid):
        first = grid[start][0]
        end = start + 1
        while (first.kind == "label" and first.text and end < len(grid) and grid[end][0].kind == "label"
               and grid[end][0].text == first.text and grid[end][0].colspan == first.colspan):
            grid[end][0].kind = "merged"
            end += 1
        first.rowspan = end - start
        start = end


from generator.model.budget import derived_row  # noqa: E402


def build_procurement(b: BuildInput) -> Table:
    """As published: a project's name and budget once, over its items (rowspan); the 合计 row and the
    per-unit 小计 rows where the profile's layout has them; the fund columns the layout names."""
    year, layout = b.disclosure.year, b.profile.procurement
    fund_keys = [c.key for c in layout.columns]
    fund_labels = [c.label for c in layout.columns]
    header = [
        [text("政府采购项目来源", colspan=2), text("采购物品名称", rowspan=2), text("政府采购目录序号", rowspan=2),
         text("计量单位", rowspan=2), text("数量", rowspan=2), text("单价", rowspan=2),
         text(f"政府采购金额（当年{b.kind}预算安排资金）", colspan=len(fund_keys) + 1),
         text(f"{year}年预留中小微企业份额", rowspan=2)],
        head("项目名称", "预算资金", "合计", *fund_labels),
    ]
    columns = ["项目名称", "预算资金", "采购物品名称", "政府采购目录序号", "计量单位", "数量", "单价", "合计",
               *fund_labels, "预留中小微企业份额"]
    kinds = ["text", "money", "text", "code", "text", "number", "money", "money"] + ["money"] * (len(fund_keys) + 1)
    t = b.new("procurement", "{kind}政府采购预算", header, columns, kinds, wide=True)
    procurement = b.disclosure.procurement
    if not procurement.items:
        t.empty = True
        t.note = b.profile.empty_notes.get("procurement", "注：无政府采购预算，空表列示。")
        if layout.total_row:  # an empty table still prints its 合计 row, blank (seed 000)
            t.rows.append(_procurement_sum_row("合  计", {}, fund_keys))
        return t
    units = procurement.units()
    if layout.total_row:
        t.rows.append(_procurement_sum_row("合  计", _total_cells(b, [p for _, ps in units for p in ps]), fund_keys))
    for unit, projects in units:
        if layout.unit_subtotals and unit:
            cells = _subtotal_cells(procurement.subtotal_of(unit), projects)
            t.rows.append(_procurement_sum_row(layout.subtotal_label.replace("{unit}", unit), cells, fund_keys))
        for project in projects:
            t.rows.extend(_procurement_project_rows(project, fund_keys))
    return t


def _total_cells(b: BuildInput, projects) -> dict:
    """The 合计 row: `total` and `total_row` as published; without `total_row`, the rest by derived_row."""
    procurement = b.disclosure.procurement
    published = procurement.total_row
    cells = derived_row(projects) if published is None else published.model_dump()
    cells["amount"] = b.figures.value("procurement.total") if published is None else procurement.total
    return cells


def _subtotal_cells(published, projects) -> dict:
    """A unit's 小计 row: as published where recorded (and only those cells), else by derived_row."""
    return derived_row(projects) if published is None else published.model_dump()


def _procurement_sum_row(label: str, cells: dict, fund_keys: list[str]) -> Row:
    return Row([text(label, "label"), money(cells.get("budget")), text(""), text(""), text(""), text(""), text(""),
                money(cells.get("amount")), *[money(cells.get(key)) for key in fund_keys],
                money(cells.get("sme_reserved"))], total=True)


def _procurement_project_rows(project, fund_keys: list[str]) -> list[Row]:
    """One row per item; the project's name and budget on its first row, spanning the others (as a merged
    Word cell). The covered cells keep the text, so a CSV line still names its project."""
    rows = []
    for n, i in enumerate(project.items):
        qty = Cell(format(i.quantity, "f") if i.quantity is not None else "", "number", i.quantity)
        name, budget = text(project.name), money(project.budget)
        if n:
            name.kind, budget.kind = "merged", "merged"
        rows.append(Row([name, budget, text(i.item), text(i.catalogue_code, "code"), text(i.measure), qty,
                         money(i.unit_price), money(i.shown_amount), *[money(getattr(i, key)) for key in fund_keys],
                         money(i.sme_reserved)]))
    rows[0].cells[0].rowspan = rows[0].cells[1].rowspan = len(rows)
    return rows


def build_fixed_assets(b: BuildInput) -> Table | None:
    assets = b.disclosure.fixed_assets
    if assets is None:
        return None
    t = b.new("fixed_assets", "{kind}固定资产占用情况表", [head("项目", "数量", "价值（金额单位：万元）")],
              ["项目", "数量", "价值"], ["text", "number", "money"], meta=[f"截止时间：{assets.as_of}"])

    def qty(value) -> Cell:
        return Cell("" if value is None else format(value, "f"), "number", value)

    t.rows.append(Row([text("资产总额", "label"), text("——"), money(b.figures.value("fixed_assets.total"))], total=True))
    for label, line, indent in (("1、房屋（平方米）", assets.buildings, 0),
                                ("其中：办公用房（平方米）", assets.office_buildings, 1),
                                ("2、车辆（台、辆）", assets.vehicles, 0),
                                ("3、单价在20万元以上的设备", assets.equipment, 0),
                                ("4、其他固定资产", assets.other, 0)):
        t.rows.append(Row([text(label, "label"), qty(line.quantity), money(line.value)], indent=indent))
    return t


BUILDERS = {
    "summary": build_summary,
    "income": build_income,
    "expenditure": build_expenditure,
    "fiscal_summary": build_fiscal_summary,
    "general_budget": build_general_budget,
    "basic_economic": build_basic_economic,
    "government_fund": build_government_fund,
    "soe_capital": build_soe_capital,
    "three_public": build_three_public,
    "institutions": build_institutions,
    "overall_indicators": build_overall_indicators,
    "project_goals": build_project_goals,
    "procurement": build_procurement,
    "fixed_assets": build_fixed_assets,
}


def build_tables(b: BuildInput) -> dict[str, list[Table]]:
    """Every table the profile uses, by table id (project_goals gives several)."""
    wanted = list(b.profile.front_tables) + [t for s in b.profile.sections for t in s.tables]
    out: dict[str, list[Table]] = {}
    for table_id in wanted:
        built = BUILDERS[table_id](b)
        out[table_id] = [] if built is None else (built if isinstance(built, list) else [built])
    return out
