"""What `budgetsite import` reports (I002–I009): rules of the importer, documented in the catalogue
like every other code; reported while reading the file (generator/importing/), before anything is
written. An error means nothing was written."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.rules import rule

E, W = Severity.ERROR, Severity.WARNING


def _imported(code: str, title: str, severity: Severity, rationale: str, message: str, fix: str,
              example: str) -> None:
    rule(code, title, severity, rationale, message, fix, scope="import", example=example)(None)


_imported("I002", "导入的文件无法读取", E,
          "文件不存在、类型不支持，或已损坏、不完整（如下载中断的 .xlsx），其中的数字都无从取得；"
          "只读出一部分就导入，会把残缺的数据当作完整的预算。",
          "{file}：文件无法读取", "确认文件路径；在 Excel 中打开该文件，另存为 .xlsx 后重新导入。",
          example="budgetsite import 预算表.xlsx   # 文件只下载了一半")
_imported("I003", "文件中没有预算公开表格", E,
          "按表题（收支总表、支出总表、“三公”经费支出表……）和表头识别各表，而不是按工作表的位置；一个表也认不出，"
          "说明这不是预算管理系统导出的公开报表，导入只会得到空的数据。",
          "{file}：没有可识别的预算公开表格", "导入预算管理一体化系统导出的部门（单位）预算公开报表；"
          "若表题被改过，改回标准表题（如“一般公共预算财政拨款支出表”）。",
          example="工作表“Sheet1”：姓名、电话、地址")
_imported("I004", "表格缺少必需的列", E,
          "表认出来了，但缺少取数所需的列（如支出表没有“项目支出”），按位置猜测只会把数填到错的栏里。",
          "{where}：“{table}”缺少“{column}”列", "恢复该列的表头（导出时不要删改列），或在该列表头写上标准名称。",
          example="一般公共预算财政拨款支出表：科目编码、科目名称、合计、基本支出   # 缺“项目支出”")
_imported("I005", "金额单元格中是文字", E,
          "金额栏只能是数字或空白（空白即零）；“约30万”“待定”之类的文字无法求和，也不能替它猜一个数。"
          "以文本格式保存的数字（如 '576.77）照常读取。",
          "{where}：金额单元格中是文字“{found}”", "把该单元格改为数字（万元），没有金额则留空。",
          example="D12: 约30万")
_imported("I006", "合计行与明细之和不符", W,
          "类、款行和合计行不作为数据导入（网站由明细推算），但公开报表上印的小计必须等于明细之和；"
          "不符时逐格指出，以便核对导出的报表本身。",
          "{where}：{row}行的“{column}”为 {found}，其下明细之和为 {expected}",
          "核对该行与其下各项；若报表本身有误，修正报表后重新导入，或在 budget.yaml 中如实录入并登记已确认偏差。",
          example="201 一般公共服务支出 802.49，其下 2010101 + 2010102 = 802.50")
_imported("I007", "文件已加密", E,
          "设有打开密码的工作簿是加密的容器，不输入密码无法读出任何内容；导入不处理密码。",
          "{file}：文件已加密（设有打开密码）", "在 Excel 中打开，文件 → 信息 → 保护工作簿 → 用密码进行加密，"
          "清空密码后保存，再导入。", example="预算表.xlsx（打开时要求输入密码）")
_imported("I008", "无法确定单位或年度", E,
          "导入要写到 content/units/单位/年度/ 下；文件的表题中找不到年度，或没有给出单位标识，就不知道写到哪里。",
          "{file}：无法确定{what}", "用 --unit 给出单位标识（小写字母、数字和连字符），必要时用 --year 给出年度。",
          example="budgetsite import 预算表.xlsx   # 未给 --unit")
_imported("I009", "要导入的年度已存在", E,
          "导入从不覆盖已有内容：该年度的文件可能已经改过、核过，覆盖就丢了这些修改。",
          "{where}：该年度目录已存在，不覆盖", "导入到另一年度，或先把已有年度目录移走（在版本库中可随时找回）。",
          example="content/units/fengnan-renda/2023/ 已存在")
