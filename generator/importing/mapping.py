"""Each recognised table's rows as budget.yaml data. Every value is Commented with its cell."""

from __future__ import annotations

import re
from decimal import Decimal

from generator.yaml_emit import Commented
from generator.importing.tables import (CODE, FUND_OF_TABLE, MONEY_UNIT, ORDINAL_PREFIX, AmountError, Imported,
                                        Problem, Recognised, amount, normal)
from generator.model.budget import PROCUREMENT_FUNDS, SOURCE_LABELS, SPENDING_KINDS

ZERO = Decimal(0)
WAN = Decimal(1)
YUAN = Decimal("0.0001")
SOURCE_BY_LABEL = {normal(label): key for key, label in SOURCE_LABELS.items()} | {
    "一般公共预算收入": "general_budget", "一般公共预算拨款": "general_budget", "政府性基金预算拨款": "government_fund",
    "基金预算收入": "government_fund", "国有资本经营预算拨款": "soe_capital", "国有资本经营预算收入": "soe_capital",
    "财政专户核拨收入": "special_account", "单位资金收入": "unit_funds", "单位资金": "unit_funds",
    "经营收入": "operating"}
INCOME_TOTALS = {"本年收入合计": "total", "上年结转结余": "carry_over", "上年结转": "carry_over", "收入总计": "grand_total",
                 "用事业基金弥补收支差额": None}
EXPENDITURE_TOTALS = {"本年支出合计": "total", "年终结转结余": "year_end_balance", "支出总计": "grand_total"}
INCOME_COLUMN_SOURCES = {"财政专户收入": "special_account", "事业收入": "business", "经营收入": "operating",
                         "上级补助收入": "higher_subsidy", "附属单位上缴收入": "affiliate_remit", "其他收入": "other"}
THREE_PUBLIC_ROWS = (  # label words → field, in the order tried
    ("公务用车购置费", "vehicle_purchase"), ("公务用车运行维护费", "vehicle_operation"), ("运行维护费", "vehicle_operation"),
    ("公务用车购置及", "vehicle"), ("教学科研", "outbound_research"), ("其他人员", "outbound_other"),
    ("因公出国", "outbound"), ("公务接待", "reception"), ("会议费", "meeting"), ("培训费", "training"),
    ("小计", "subtotal"), ("合计", "total"))
ASSET_ROWS = (("办公用房", "office_buildings"), ("房屋", "buildings"), ("车辆", "vehicles"), ("20万元", "equipment"),
              ("设备", "equipment"), ("其他", "other"))
AS_OF = re.compile(r"(?:截止时间|截止日期|截至)[:：]?\s*(?P<y>\d{4})\s*[-年.]\s*(?P<m>\d{1,2})\s*[-月.]\s*(?P<d>\d{1,2})")


class Mapper:
    """Maps the recognised tables of one file into `out` (an Imported)."""

    def __init__(self, out: Imported, tables: dict[str, list[Recognised]]):
        self.out, self.tables = out, tables

    # -- helpers
    def scale(self, rec: Recognised) -> Decimal:
        head = " ".join(rec.grid.above + [" ".join(str(v) for v in row if v is not None) for row in rec.grid.rows[:rec.header_end]])
        match = MONEY_UNIT.search(head.replace(" ", ""))
        return YUAN if match and match.group("unit") == "元" else WAN

    def column(self, rec: Recognised, *words: str, avoid: tuple = (), required: bool = True) -> int | None:
        for index, header in enumerate(rec.columns):
            if all(w in header for w in words) and not any(a in header for a in avoid):
                return index
        if required:
            self.problem("I004", rec, rec.header_start, None, f"“{rec.title or rec.id}”缺少“{'、'.join(words)}”列",
                         expected="、".join(words), found="、".join(c for c in rec.columns if c) or "（无表头）")
        return None

    def problem(self, code, rec, row, column, message, expected=None, found=None, error=True) -> None:
        grid = rec.grid
        where = f"{grid.file}:{grid.ref(row, column) if column is not None else grid.name + ' 第' + str(row + 1) + '行'}"
        self.out.problems.append(Problem(code, where, message, expected, found, error))

    def money(self, rec: Recognised, row: int, column: int | None) -> Decimal | None:
        if column is None:
            return None
        try:
            return amount(rec.grid, row, column, self.scale(rec))
        except AmountError as exc:
            self.problem("I005", rec, row, column, "金额单元格中是文字，不是数字", expected="数字（万元）或空白",
                         found=str(exc))
            return None

    def cited(self, value, rec: Recognised, row: int, column: int | None = None) -> Commented:
        return Commented(value, rec.grid.ref(row, column) if column is not None else f"{rec.grid.name} 第{row + 1}行")

    def code_of(self, rec: Recognised, row: int, column: int) -> str:
        value = rec.grid.rows[row][column] if column < len(rec.grid.rows[row]) else None
        text = normal(format(value, "f") if isinstance(value, Decimal) else str(value or ""))
        return text[:-2] if text.endswith(".0") else text

    def body(self, rec: Recognised):
        return range(rec.header_end, rec.body_end)

    # -- classification tables
    def coded_rows(self, rec: Recognised):
        """(row, code, name) of the rows with a classification code, and the 合计 rows as code ""."""
        code_col = self.column(rec, "编码")
        name_col = self.column(rec, "名称", required=False)
        if code_col is None:
            return []
        if name_col is None:
            name_col = code_col + 1
        rows = []
        for r in self.body(rec):
            code = self.code_of(rec, r, code_col)
            name = normal(rec.grid.text(r, name_col))
            if CODE.match(code):
                rows.append((r, code, rec.grid.text(r, name_col)))
            elif name in ("合计", "总计") or normal(rec.grid.text(r, code_col)) in ("合计", "总计"):
                rows.append((r, "", "合计"))
            elif code or name:
                self.out.unmapped.append(f"{rec.grid.file}:{rec.grid.name} 第{r + 1}行“{code}{name}”：不是科目行，未导入")
        return rows

    def compare_subtotals(self, rec: Recognised, rows, columns: dict[str, int], leaf: int) -> None:
        """Every 类/款 and 合计 row against the sum of its leaf rows (leaf: the code length of data rows)."""
        leaves = [(r, code) for r, code, _ in rows if len(code) == leaf]
        for r, code, name in rows:
            if len(code) == leaf:
                continue
            for key, c in columns.items():
                shown = self.money(rec, r, c) or ZERO
                derived = sum((self.money(rec, lr, c) or ZERO for lr, lc in leaves if lc.startswith(code)), ZERO)
                if shown != derived:
                    self.problem("I006", rec, r, c, f"{code or '合计'}{name if code else ''}行的“{rec.columns[c]}”与其下明细之和不符",
                                 expected=f"{derived:.2f}", found=f"{shown:.2f}", error=False)

    def functional(self) -> None:
        lines: dict[tuple[str, str], dict] = {}
        fiscal_seen = False
        for table_id, fund in FUND_OF_TABLE.items():
            for rec in self.tables.get(table_id, []):
                fiscal_seen = True
                cols = {"basic": self.column(rec, "基本支出"), "project": self.column(rec, "项目支出")}
                if None in cols.values():
                    continue
                rows = self.coded_rows(rec)
                self.compare_subtotals(rec, rows, cols | {"total": self.column(rec, "合计", required=False)}
                                       if self.column(rec, "合计", required=False) is not None else cols, 7)
                for r, code, name in rows:
                    if len(code) != 7:
                        continue
                    line = {"code": self.cited(code, rec, r), "name": name}
                    if fund != "general_budget":
                        line["source"] = fund
                    for key, c in cols.items():
                        value = self.money(rec, r, c)
                        if value:
                            line[key] = self.cited(value, rec, r, c)
                    lines[(code, fund)] = line
        for rec in self.tables.get("expenditure", []):
            self._remainder(rec, lines, fiscal_seen)
        if lines:
            self.out.data["functional"] = [lines[k] for k in sorted(lines)]

    def _remainder(self, rec: Recognised, lines: dict, fiscal_seen: bool) -> None:
        """The 支出总表's 项 amounts beyond the fiscal tables': funds of another source, taken from the
        收入总表 row of the same code when it shows exactly one source."""
        cols = {k: self.column(rec, label, required=k in ("basic", "project")) for k, label in SPENDING_KINDS.items()}
        cols = {k: c for k, c in cols.items() if c is not None}
        rows = self.coded_rows(rec)
        self.compare_subtotals(rec, rows, cols, 7)
        income = self._income_sources()
        for r, code, name in rows:
            if len(code) != 7:
                continue
            rest = {}
            for key, c in cols.items():
                shown = self.money(rec, r, c) or ZERO
                fiscal = sum((getattr_or(line, key) for (lc, _), line in lines.items() if lc == code), ZERO)
                if shown - fiscal:
                    rest[key] = (shown - fiscal, c)
            if not rest:
                continue
            sources = income.get(code, set())
            if not fiscal_seen and sources <= {"fiscal"}:
                sources = {"general_budget"}
            sources.discard("fiscal")
            if len(sources) != 1:
                said = "、".join(sorted(sources)) or "收入总表中无此科目"
                self.out.unmapped.append(f"{rec.grid.file}:{rec.grid.name} 第{r + 1}行 {code}{name}：支出总表比财政拨款表多出的"
                                         f"金额无法判定资金来源（{said}），未导入")
                continue
            source = sources.pop()
            line = {"code": self.cited(code, rec, r), "name": name}
            if source != "general_budget":
                line["source"] = source
            for key, (value, c) in rest.items():
                line[key] = Commented(value, rec.grid.ref(r, c) + (" 减财政拨款表所列" if fiscal_seen else ""))
            lines[(code, source)] = line

    def _income_sources(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for rec in self.tables.get("income", []):
            columns = {c: s for label, s in INCOME_COLUMN_SOURCES.items()
                       if (c := self.column(rec, label, required=False)) is not None}
            fiscal = self.column(rec, "财政拨款", required=False)
            carried = self.column(rec, "上年结转", required=False)
            for r, code, _ in self.coded_rows(rec):
                here = {s for c, s in columns.items() if self.money(rec, r, c)}
                if fiscal is not None and self.money(rec, r, fiscal):
                    here.add("fiscal")
                if carried is not None and self.money(rec, r, carried):
                    self.out.unmapped.append(f"{rec.grid.file}:{rec.grid.ref(r, carried)} {code} 上年结转：导入时未区分结转资金，请在 "
                                             "functional 中按 carried_over 补录")
                found[code] = here
        return found

    def economic(self) -> None:
        out = []
        for rec in self.tables.get("basic_economic", []):
            cols = {"personnel": self.column(rec, "人员经费"), "public": self.column(rec, "公用经费")}
            if None in cols.values():
                continue
            rows = self.coded_rows(rec)
            total = self.column(rec, "合计", required=False)
            self.compare_subtotals(rec, rows, cols if total is None else {**cols, "total": total}, 5)
            for r, code, name in rows:
                if len(code) != 5:
                    continue
                line = {"code": self.cited(code, rec, r), "name": name}
                for key, c in cols.items():
                    value = self.money(rec, r, c)
                    if value:
                        line[key] = self.cited(value, rec, r, c)
                out.append(line)
        if out:
            self.out.data["economic"] = out

    def summary(self) -> None:
        income, expenditure = {}, {}
        for rec in self.tables.get("summary", []):
            pairs = [(c, c + 1) for c, header in enumerate(rec.columns)
                     if "项目" in header and c + 1 < len(rec.columns) and ("预算数" in rec.columns[c + 1]
                                                                        or "金额" in rec.columns[c + 1])]
            if len(pairs) < 2:
                self.column(rec, "项目", "预算数")
                continue
            for label_col, value_col in pairs:
                for r in self.body(rec):
                    label = ORDINAL_PREFIX.sub("", normal(rec.grid.text(r, label_col)))
                    if not label:
                        continue
                    value = self.money(rec, r, value_col)
                    key = SOURCE_BY_LABEL.get(label) or INCOME_TOTALS.get(label)
                    if key and label_col == pairs[0][0]:
                        income[key] = self.cited(value or ZERO, rec, r, value_col)
                    elif label in EXPENDITURE_TOTALS and label_col == pairs[1][0]:
                        expenditure[EXPENDITURE_TOTALS[label]] = self.cited(value or ZERO, rec, r, value_col)
        totals = {}
        if income:
            totals["income"] = income
        if expenditure:
            totals["expenditure"] = expenditure
        if totals:
            self.out.data["totals"] = totals

    def three_public(self) -> None:
        for rec in self.tables.get("three_public", []):
            label_col = self.column(rec, "项目")
            funds = {k: self.column(rec, words, required=False) for k, words in
                     (("general_budget", "一般公共预算"), ("government_fund", "政府性基金"), ("soe_capital", "国有资本"))}
            funds = {k: c for k, c in funds.items() if c is not None}
            total_col = self.column(rec, "合计", required=not funds)
            if label_col is None:
                continue
            out = {}
            for r in self.body(rec):
                label = normal(rec.grid.text(r, label_col))
                key = next((k for words, k in THREE_PUBLIC_ROWS if words in label), None)
                if key is None:
                    if label:
                        self.out.unmapped.append(f"{rec.grid.file}:{rec.grid.name} 第{r + 1}行“{label}”：不是“三公”经费表的行，未导入")
                    continue
                by_fund = {k: self.money(rec, r, c) for k, c in funds.items()}
                shown = {k: v for k, v in by_fund.items() if v}
                if set(shown) - {"general_budget"}:
                    out[key] = {k: self.cited(v, rec, r, funds[k]) for k, v in shown.items()}
                elif funds:
                    out[key] = self.cited(shown.get("general_budget", ZERO), rec, r, funds.get("general_budget"))
                else:
                    out[key] = self.cited(self.money(rec, r, total_col) or ZERO, rec, r, total_col)
            if "vehicle" in out and ("vehicle_purchase" in out or "vehicle_operation" in out):
                del out["vehicle"]  # the parts are given: the 购置及运维费 row is their sum, derived
            if out:
                self.out.data["three_public"] = out

    def institutions(self) -> None:
        for rec in self.tables.get("institutions", []):
            cols = {"name": self.column(rec, "单位名称"), "nature": self.column(rec, "性质"),
                    "rank": self.column(rec, "规格", required=False), "funding": self.column(rec, "经费", required=False)}
            if cols["name"] is None or cols["nature"] is None:
                continue
            rows = []
            for r in self.body(rec):
                row = {k: rec.grid.text(r, c) for k, c in cols.items() if c is not None and rec.grid.text(r, c)}
                if row.get("name"):
                    row["name"] = self.cited(row["name"], rec, r)
                    rows.append(row)
            if rows:
                self.out.data["institutions"] = rows

    def fixed_assets(self) -> None:
        for rec in self.tables.get("fixed_assets", []):
            label_col, qty_col = self.column(rec, "项目"), self.column(rec, "数量")
            value_col = self.column(rec, "价值", required=False)
            if value_col is None:
                value_col = self.column(rec, "金额")
            if None in (label_col, qty_col, value_col):
                continue
            text = " ".join(rec.grid.above + [" ".join(str(v) for v in row if v is not None) for row in rec.grid.rows])
            date = AS_OF.search(text)
            assets: dict = {"as_of": f"{date['y']}-{int(date['m']):02d}-{int(date['d']):02d}" if date else ""}
            if not date:
                self.out.unmapped.append(f"{rec.grid.file}:{rec.grid.name}：未找到截止时间，fixed_assets.as_of 须补填")
            for r in self.body(rec):
                label = normal(rec.grid.text(r, label_col))
                if "资产总额" in label:
                    value = self.money(rec, r, value_col)
                    if value is not None:
                        assets["total"] = self.cited(value, rec, r, value_col)
                    continue
                key = next((k for words, k in ASSET_ROWS if words in label), None)
                if key is None:
                    if label:
                        self.out.unmapped.append(f"{rec.grid.file}:{rec.grid.name} 第{r + 1}行“{label}”：不是固定资产表的行，未导入")
                    continue
                line = {}
                quantity = self.money(rec, r, qty_col)
                value = self.money(rec, r, value_col)
                if quantity is not None:
                    line["quantity"] = self.cited(quantity, rec, r, qty_col)
                if value is not None:
                    line["value"] = self.cited(value, rec, r, value_col)
                if line:
                    assets[key] = line
            self.out.data["fixed_assets"] = assets

    def procurement(self) -> None:
        for rec in self.tables.get("procurement", []):
            item_col = self.column(rec, "采购物品", required=False) or self.column(rec, "品目")
            if item_col is None:
                continue
            cols = {"project": self.column(rec, "项目名称", required=False),
                    "project_budget": self.column(rec, "预算资金", required=False),
                    "catalogue_code": self.column(rec, "目录", required=False),
                    "measure": self.column(rec, "计量单位", required=False),
                    "quantity": self.column(rec, "数量", required=False),
                    "unit_price": self.column(rec, "单价", required=False),
                    "amount": self.column(rec, "政府采购金额", "合计", required=False),
                    "sme_reserved": self.column(rec, "中小", required=False)}
            for key, label in PROCUREMENT_FUNDS.items():
                cols[key] = self.column(rec, label, required=False)
            texts = ("project", "catalogue_code", "measure")
            items, last = [], None
            for r in self.body(rec):
                first = normal(rec.grid.text(r, 0))
                if first.replace(" ", "") in ("合计", "总计") or first.endswith("小计"):
                    total = self.money(rec, r, cols["amount"]) if cols["amount"] is not None else None
                    if first in ("合计", "总计") and total is not None:
                        self.out.data.setdefault("procurement", {})["total"] = self.cited(total, rec, r, cols["amount"])
                    continue
                name = rec.grid.text(r, item_col)
                if not name:
                    continue
                item: dict = {}
                for key, c in cols.items():
                    if c is None:
                        continue
                    if key in texts:
                        if rec.grid.text(r, c):
                            item[key] = self.cited(rec.grid.text(r, c), rec, r, c)
                    else:
                        value = self.money(rec, r, c)
                        if value:
                            item[key] = self.cited(value, rec, r, c)
                item["item"] = self.cited(name, rec, r, item_col)
                same_project = last is not None and _plain(last.get("project")) == _plain(item.get("project")) \
                    and _plain(last.get("project_budget")) == _plain(item.get("project_budget"))
                if same_project:  # a merged project cell: the budget counts once, on the first item
                    item.pop("project_budget", None)
                else:
                    last = item
                items.append(item)
            proc = self.out.data.setdefault("procurement", {})
            proc["items"] = items
            self.out.data["procurement"] = {"items": items, **{k: v for k, v in proc.items() if k != "items"}}

    def not_imported(self) -> None:
        for table_id in ("overall_indicators", "project_goals", "fiscal_summary"):
            for rec in self.tables.get(table_id, []):
                why = "由其他表推算，仅作核对" if table_id == "fiscal_summary" else "绩效指标表尚不能导入，请在 performance 中录入"
                self.out.unmapped.append(f"{rec.grid.file}:{rec.grid.name}“{rec.title or table_id}”：{why}")

    def run(self) -> None:
        for step in (self.summary, self.functional, self.economic, self.three_public, self.institutions,
                     self.procurement, self.fixed_assets, self.not_imported):
            step()


def getattr_or(line: dict, key: str) -> Decimal:
    value = line.get(key)
    return value.value if isinstance(value, Commented) else (value or ZERO)


def _plain(value):
    return value.value if isinstance(value, Commented) else value
