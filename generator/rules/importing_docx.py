"""What `budgetsite import` reports for a Word disclosure (.docx) beyond the workbook's codes
(generator/rules/importing_rules.py: an amount cell holding text is I005 in a Word table too): I010–I012,
reported while reading the file (generator/importing/docx_reader.py, narrative.py), scope "import"."""

from __future__ import annotations

from generator.diagnostics import Severity
from generator.rules import rule

E, W = Severity.ERROR, Severity.WARNING


def declare(code: str, title: str, severity: Severity, rationale: str, message: str, fix: str, example: str) -> None:
    rule(code, title, severity, rationale, message, fix, scope="import", example=example)(None)

declare("I010", "Word 文件无法读取", E,
        "损坏的、设有打开密码的或旧版 .doc 文件读不出表格和正文；导入就此停止，什么也不写，免得留下半份公开。",
        "{file}：文件无法读取（{detail}）",
        "在 Word 中打开该文件：设有密码的，取消密码（文件→信息→保护文档→用密码进行加密，清空密码）；"
        "旧版 .doc 或 WPS 文件，另存为“Word 文档（*.docx）”；损坏的，请从公开网站重新下载原文件。",
        example="budgetsite import 2023年预算公开.doc   # 旧版格式，或设有打开密码")
declare("I011", "Word 文件中没有预算公开表格", E,
        "导入按表题和表头识别收支总表、支出总表、“三公”经费表、机构设置表等；一个也认不出时，这份文件多半不是"
        "预算公开（如通知、决算说明），导入不写任何文件。",
        "{file}：文档中没有可识别的预算公开表格",
        "确认选对了文件：应是公开的《……年单位（部门）预算信息公开情况说明》Word 原文；表格须是 Word 表格"
        "（不是图片），表题写在表格上方或表格第一行。",
        example="budgetsite import 关于做好预算公开工作的通知.docx")
declare("I012", "正文中缺少模板要求的一节", W,
        "导入按公开模板的章节标题（如“三、机关运行经费安排情况”）把正文分节；模板要求而文中找不到的一节，"
        "narrative.md 中就没有它，检查会报告缺节。常见原因是标题措辞与模板不同，或标题前没有序号。",
        "{file}：正文中没有“{title}”一节",
        "在 narrative.md 中按模板补写这一节（## 三、机关运行经费安排情况），或把原文中对应的段落移到这个标题下；"
        "措辞不同的标题可在模板的 aliases 中登记。",
        example="三、机关运行经费情况   # 模板标题为“机关运行经费安排情况”")
