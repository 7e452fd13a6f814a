"""budget.yaml: one unit's figures for one year. Every figure is typed once."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, Optional

from pydantic import Field

from generator.model.base import Code, Strict, Text, described
from generator.model.identity import Institution
from generator.model.performance import Performance
from generator.money import Money

Source = Literal[
    "general_budget",
    "government_fund",
    "soe_capital",
    "special_account",
    "business",
    "operating",
    "higher_subsidy",
    "affiliate_remit",
    "other",
]
SOURCE_LABELS: dict[str, str] = {
    "general_budget": "一般公共预算拨款收入",
    "government_fund": "政府性基金预算拨款收入",
    "soe_capital": "国有资本经营预算拨款收入",
    "special_account": "财政专户管理资金收入",
    "business": "事业收入",
    "operating": "事业单位经营收入",
    "higher_subsidy": "上级补助收入",
    "affiliate_remit": "附属单位上缴收入",
    "other": "其他收入",
}
FISCAL_SOURCES = ("general_budget", "government_fund", "soe_capital")
SPENDING_KINDS: dict[str, str] = {
    "basic": "基本支出",
    "project": "项目支出",
    "operating": "经营支出",
    "remit": "上解上级支出",
    "affiliate": "对附属单位补助支出",
}


class FunctionalLine(Strict):
    """支出功能分类 项级明细：一个科目、一个资金来源的一行。"""

    code: Code = described("功能分类科目编码，通常为 7 位项级编码，如 2010101")
    name: Text = described("科目名称；省略时取科目目录中的名称，填写时须与目录一致", default="")
    source: Source = described("资金来源，默认 general_budget（一般公共预算拨款）", default="general_budget")
    carried_over: bool = described("是否为上年结转资金（计入“上年结转”列）", default=False)
    basic: Money = described("基本支出", default=Decimal(0))
    project: Money = described("项目支出", default=Decimal(0))
    operating: Money = described("经营支出", default=Decimal(0))
    remit: Money = described("上解上级支出", default=Decimal(0))
    affiliate: Money = described("对附属单位补助支出", default=Decimal(0))

    @property
    def amount(self) -> Decimal:
        return self.basic + self.project + self.operating + self.remit + self.affiliate


class EconomicLine(Strict):
    """一般公共预算财政拨款基本支出 经济分类 款级明细。"""

    code: Code = described("部门预算支出经济分类科目编码（5 位款级），如 30101")
    name: Text = described("科目名称；省略时取目录名称", default="")
    personnel: Money = described("人员经费", default=Decimal(0))
    public: Money = described("公用经费", default=Decimal(0))

    @property
    def amount(self) -> Decimal:
        return self.personnel + self.public


FundAmounts = dict[Source, Money]
ThreePublicValue = Money | dict[Literal["general_budget", "government_fund", "soe_capital"], Money]


class ThreePublic(Strict):
    """财政拨款“三公”经费（及会议费、培训费）。可写一个金额（一般公共预算），或按资金性质分列。"""

    outbound: Optional[ThreePublicValue] = described("因公出国（境）费", default=None)
    outbound_research: Optional[ThreePublicValue] = described("其中：教学科研人员学术交流合作（2024 模板）", default=None)
    outbound_other: Optional[ThreePublicValue] = described("其中：其他人员因公出国（境）（2024 模板）", default=None)
    vehicle_purchase: Optional[ThreePublicValue] = described("公务用车购置费", default=None)
    vehicle_operation: Optional[ThreePublicValue] = described("公务用车运行维护费", default=None)
    reception: Optional[ThreePublicValue] = described("公务接待费", default=None)
    meeting: Optional[ThreePublicValue] = described("会议费（计入合计，不计入“三公”小计）", default=None)
    training: Optional[ThreePublicValue] = described("培训费（计入合计，不计入“三公”小计）", default=None)
    vehicle: Optional[ThreePublicValue] = described("公众公开的“公务用车购置及运维费”（仅在无法拆分购置/运维时填写）", default=None)
    subtotal: Optional[ThreePublicValue] = described("按公开文本记录的“三公”经费小计（用于核对）", default=None)
    total: Optional[ThreePublicValue] = described("按公开文本记录的合计（用于核对）", default=None)


class IncomeTotals(Strict):
    total: Optional[Money] = described("本年收入合计", default=None)
    general_budget: Optional[Money] = described("一般公共预算拨款收入", default=None)
    government_fund: Optional[Money] = described("政府性基金预算拨款收入", default=None)
    soe_capital: Optional[Money] = described("国有资本经营预算拨款收入", default=None)
    special_account: Optional[Money] = described("财政专户管理资金收入", default=None)
    business: Optional[Money] = described("事业收入", default=None)
    operating: Optional[Money] = described("事业单位经营收入", default=None)
    higher_subsidy: Optional[Money] = described("上级补助收入", default=None)
    affiliate_remit: Optional[Money] = described("附属单位上缴收入", default=None)
    other: Optional[Money] = described("其他收入", default=None)
    unit_funds: Optional[Money] = described("单位资金收入（事业收入、经营收入等非财政拨款之和）", default=None)
    carry_over: Optional[Money] = described("上年结转结余", default=None)
    grand_total: Optional[Money] = described("收入总计", default=None)


class ExpenditureTotals(Strict):
    total: Optional[Money] = described("本年支出合计", default=None)
    basic: Optional[Money] = described("基本支出", default=None)
    project: Optional[Money] = described("项目支出", default=None)
    operating: Optional[Money] = described("经营支出", default=None)
    remit: Optional[Money] = described("上解上级支出", default=None)
    affiliate: Optional[Money] = described("对附属单位补助支出", default=None)
    personnel: Optional[Money] = described("人员经费", default=None)
    public: Optional[Money] = described("公用经费", default=None)
    year_end_balance: Optional[Money] = described("年终结转结余", default=None)
    grand_total: Optional[Money] = described("支出总计", default=None)


class Totals(Strict):
    """按公开文本（或预算系统导出）记录的合计数。有明细时与明细推算值核对；无明细时作为数据来源。"""

    income: IncomeTotals = Field(default_factory=IncomeTotals, description="收入合计数")
    expenditure: ExpenditureTotals = Field(default_factory=ExpenditureTotals, description="支出合计数")
    operating_costs: Optional[Money] = described("机关运行经费（按口径应等于公用经费）", default=None)


class PreviousYear(Strict):
    """上年预算数，用于“比上年增减”的核对。"""

    totals: Totals = Field(default_factory=Totals, description="上年合计数")
    three_public: ThreePublic = Field(default_factory=ThreePublic, description="上年“三公”经费")
    source: Text = described("数据来源说明，如“由本年公开文本所述增减额推算”", default="")


PROCUREMENT_FUNDS: dict[str, str] = {  # the fund-source columns an item may fill, with their usual labels
    "general_budget": "一般公共预算拨款",
    "government_fund": "基金预算拨款",
    "soe_capital": "国有资本经营预算拨款",
    "special_account": "财政专户核拨",
    "unit_funds": "单位资金",
    "carry_over": "上年结转结余",
    "fiscal_carry_over": "财政拨款结转",
    "non_fiscal_carry_over": "非财政拨款结转结余",
}
ProcurementFund = Literal["general_budget", "government_fund", "soe_capital", "special_account", "unit_funds",
                          "carry_over", "fiscal_carry_over", "non_fiscal_carry_over"]


class ProcurementItem(Strict):
    """政府采购预算的一行（一个采购物品）。同一项目的后续物品省略 project_budget（项目名称可省略或照写），
    即归入上一行的项目，项目预算资金只记一次，如公开表中合并的单元格。"""

    unit: Text = described("所属单位名称（部门预算按单位列示小计时填写；省略则与上一行相同）", default="")
    project: Text = described("政府采购项目来源：项目名称", default="")
    project_budget: Optional[Money] = described("项目预算资金（每个项目只写一次，写在其第一个物品上）", default=None)
    item: Text = described("采购物品名称")
    catalogue_code: Text = described("政府采购目录序号，如 A02010105", default="")
    measure: Text = described("计量单位，如 套、台", default="")
    quantity: Optional[Decimal] = described("数量", default=None)
    unit_price: Optional[Money] = described("单价", default=None)
    general_budget: Money = described("一般公共预算拨款", default=Decimal(0))
    government_fund: Money = described("基金预算拨款", default=Decimal(0))
    soe_capital: Money = described("国有资本经营预算拨款", default=Decimal(0))
    special_account: Money = described("财政专户核拨", default=Decimal(0))
    unit_funds: Money = described("单位资金", default=Decimal(0))
    carry_over: Money = described("上年结转结余（模板只有一列结转结余时）", default=Decimal(0))
    fiscal_carry_over: Money = described("财政拨款结转", default=Decimal(0))
    non_fiscal_carry_over: Money = described("非财政拨款结转结余", default=Decimal(0))
    amount: Optional[Money] = described("政府采购金额合计（按公开文本记录，用于核对）", default=None)
    sme_reserved: Optional[Money] = described("预留中小微企业份额", default=None)

    @property
    def funded(self) -> Decimal:
        return sum((getattr(self, key) for key in PROCUREMENT_FUNDS), Decimal(0))

    @property
    def shown_amount(self) -> Decimal:
        """The 合计 column of the item's row: as published, else the sum of its fund columns."""
        return self.amount if self.amount is not None else self.funded


class ProcurementRow(Strict):
    """公开表中一行合计或小计的各栏（按公开文本记录；未写的栏在表中留空）。"""

    budget: Optional[Money] = described("预算资金栏", default=None)
    general_budget: Optional[Money] = described("一般公共预算拨款", default=None)
    government_fund: Optional[Money] = described("基金预算拨款", default=None)
    soe_capital: Optional[Money] = described("国有资本经营预算拨款", default=None)
    special_account: Optional[Money] = described("财政专户核拨", default=None)
    unit_funds: Optional[Money] = described("单位资金", default=None)
    carry_over: Optional[Money] = described("上年结转结余", default=None)
    fiscal_carry_over: Optional[Money] = described("财政拨款结转", default=None)
    non_fiscal_carry_over: Optional[Money] = described("非财政拨款结转结余", default=None)
    sme_reserved: Optional[Money] = described("预留中小微企业份额", default=None)


class ProcurementSubtotal(ProcurementRow):
    """某所属单位的小计行，按公开文本记录。"""

    unit: Text = described("所属单位名称（与采购明细的 unit 相同）")
    amount: Optional[Money] = described("政府采购金额合计栏", default=None)


class ProcurementProject:
    """One project of the table: its name and budget, once, and its items (with their indexes in `items`)."""

    def __init__(self, unit: str, name: str, budget: Optional[Decimal], first: int):
        self.unit, self.name, self.budget, self.first = unit, name, budget, first
        self.items: list[ProcurementItem] = []

    @property
    def indexes(self) -> range:
        return range(self.first, self.first + len(self.items))


class Procurement(Strict):
    items: list[ProcurementItem] = described("采购明细（每个物品一行，按公开表的顺序）", default_factory=list)
    total: Optional[Money] = described("按公开文本记录的合计行“合计”栏（政府采购预算总额，用于核对）", default=None)
    total_row: Optional[ProcurementRow] = described(
        "合计行其余各栏，按公开文本记录；填写后未写的栏留空，省略则按明细推算", default=None)
    subtotals: list[ProcurementSubtotal] = described("各所属单位的小计行，按公开文本记录", default_factory=list)

    def projects(self) -> list[ProcurementProject]:
        """The items grouped into projects: an item without project_budget whose project is omitted or the
        same as the previous item's (and in the same unit) continues that project."""
        projects: list[ProcurementProject] = []
        unit = ""
        for index, item in enumerate(self.items):
            unit = item.unit or unit
            last = projects[-1] if projects else None
            continues = (last is not None and item.project_budget is None and last.unit == unit
                         and item.project in ("", last.name))
            if not continues:
                last = ProcurementProject(unit, item.project, item.project_budget, index)
                projects.append(last)
            last.items.append(item)
        return projects

    def units(self) -> list[tuple[str, list[ProcurementProject]]]:
        """The projects of each unit, in the order of the table ("" for items given no unit)."""
        groups: list[tuple[str, list[ProcurementProject]]] = []
        for project in self.projects():
            if not groups or groups[-1][0] != project.unit:
                groups.append((project.unit, []))
            groups[-1][1].append(project)
        return groups

    def subtotal_of(self, unit: str) -> Optional[ProcurementSubtotal]:
        return next((s for s in self.subtotals if s.unit == unit), None)


def derived_row(projects: list[ProcurementProject]) -> dict[str, Optional[Decimal]]:
    """A 合计 or 小计 row's cells by the documented rule: each column the sum of its items; 预算资金 the sum
    of the project budgets, each project once (blank if a project has none); 预留份额 blank if none is recorded."""
    items = [item for project in projects for item in project.items]
    budgets = [project.budget for project in projects]
    sme = [item.sme_reserved for item in items if item.sme_reserved is not None]
    row: dict[str, Optional[Decimal]] = {
        "budget": sum(budgets, Decimal(0)) if budgets and None not in budgets else None,
        "amount": sum((item.shown_amount for item in items), Decimal(0)),
        **{key: sum((getattr(item, key) for item in items), Decimal(0)) for key in PROCUREMENT_FUNDS},
        "sme_reserved": sum(sme, Decimal(0)) if sme else None,
    }
    return row


class AssetLine(Strict):
    quantity: Optional[Decimal] = described("数量（平方米、辆、台件）", default=None)
    value: Optional[Money] = described("价值（万元）", default=None)


class FixedAssets(Strict):
    """固定资产占用情况表及本年拟购置情况。"""

    as_of: Text = described("截止时间，如 2022-12-31")
    total: Optional[Money] = described("资产总额（按公开文本记录，用于核对）", default=None)
    buildings: AssetLine = Field(default_factory=AssetLine, description="房屋（平方米）")
    office_buildings: AssetLine = Field(default_factory=AssetLine, description="其中：办公用房（平方米）")
    vehicles: AssetLine = Field(default_factory=AssetLine, description="车辆（台、辆）")
    equipment: AssetLine = Field(default_factory=AssetLine, description="单价在 20 万元以上的设备")
    other: AssetLine = Field(default_factory=AssetLine, description="其他固定资产")
    planned_purchases: Optional[Money] = described("本年度拟购置固定资产总额", default=None)
    planned_in_procurement: bool = described("拟购置资产是否已列入政府采购预算", default=False)


class Acknowledgement(Strict):
    """已确认的偏差：公开文本如此，如实保留，并说明理由。"""

    rule: Text = described("规则代码，如 P004")
    at: Text = described(
        "偏差所在：数据路径（如 fixed_assets.total；写 fixed_assets 则包括其下各项），或正文诊断引号内的原文（须完整）；"
        "省略则匹配该规则在本年度的全部诊断", default="")
    reason: Text = described("理由（为什么公开文本如此、为何不更正）")


class CorrectionNote(Strict):
    """更正说明：公开后更正的日期与说明（站点启用 versions 时，与 git 记录的更正逐日对应）。"""

    date: Text = described("更正日期（提交更正的日期），如 2024-03-15")
    note: Text = described("更正说明：更正了什么、为什么")


class Disclosure(Strict):
    """budget.yaml：某单位某年度的预算公开数据。"""

    year: int = described("预算年度", ge=1990, le=2100)
    profile: Text = described("公开模板标识；省略时用 unit.yaml 或站点默认模板", default="")
    title: Text = described("标题（省略时按模板生成）", default="")
    published: Text = described("公开日期，如 2023-02-10", default="")
    corrections: list[CorrectionNote] = described("更正说明：公开后每次更正一条（日期与说明）", default_factory=list)
    institutions: list[Institution] = described("机构设置表；省略时由单位信息生成", default_factory=list)
    functional: list[FunctionalLine] = described("支出功能分类 项级明细", default_factory=list)
    economic: list[EconomicLine] = described("一般公共预算基本支出 经济分类 款级明细", default_factory=list)
    totals: Totals = Field(default_factory=Totals, description="按公开文本记录的合计数")
    three_public: ThreePublic = Field(default_factory=ThreePublic, description="财政拨款“三公”经费")
    previous_year: PreviousYear = Field(default_factory=PreviousYear, description="上年预算数")
    procurement: Procurement = Field(default_factory=Procurement, description="政府采购预算")
    fixed_assets: Optional[FixedAssets] = described("国有资产（固定资产）信息", default=None)
    performance: Performance = Field(default_factory=Performance, description="预算绩效信息")
    acknowledged: list[Acknowledgement] = described("已确认的偏差", default_factory=list)
