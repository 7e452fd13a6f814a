"""File and format rules (S): most are reported while reading; S006–S008 are checked on the data."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from generator.diagnostics import Severity
from generator.money import decimals_of
from generator.rules import declare, rule

E, W = Severity.ERROR, Severity.WARNING

declare("S001", "YAML 语法错误或文件无法读取", E,
        "文件读不出来，其中的任何数字都无法核对和发布。",
        "YAML 语法错误：{detail}",
        "按提示的行列修正：同一层的键左对齐；冒号用半角“:”，后面加一个空格；引号成对；缩进只用半角空格"
        "（不用 Tab 或全角空格）；值中含有“: ”时给整个值加引号。",
        example="functional:\n  - code: \"2010101\"\n   basic: 576.77   # 缩进不一致")
declare("S002", "未知的键", E,
        "拼错的键会被悄悄忽略，数据就丢了；因此任何未定义的键都是错误。公开模板中不起作用的设置"
        "（如为模板中没有的表格写标题、空表说明或版式，表头改写中写了表中没有的表头）同样是错误。",
        "未知的键“{key}”", "改成提示中最接近的合法键名，或删除该键；不起作用的设置按提示改正或删除。",
        example="totals:\n  income:\n    totl: 1043.55   # 应为 total")
declare("S003", "缺少必填项或必需文件", E,
        "缺少必需的信息，表格和正文无法生成。", "缺少必填项“{field}”", "补上该项。",
        example="# unit.yaml 中缺少 name")
declare("S004", "值的类型不对", E,
        "类型错误的值无法参与计算。", "“{field}”的值不符合要求", "按提示改成正确的类型。",
        example="year: 二〇二三")
declare("S005", "金额写成了文本", E,
        "带引号或千分位逗号的金额是文本，不是数字；文本无法精确求和。",
        "金额应为数字，实际写成了文本", "去掉引号和逗号，直接写数字，如 1043.55。",
        example="basic: \"1,043.55\"")
declare("S009", "单位或年度的目录、标识不合法", E,
        "单位标识会成为网址和文件名的一部分，必须安全、稳定，且不能指向 content/ 之外。",
        "目录或标识不合法", "目录名只用小写字母、数字和连字符；年度目录为四位年份；unit.yaml 的 id 与目录名一致。",
        example="content/units/../../etc/")
declare("S010", "文件过大、嵌套过深或别名展开过多", E,
        "防止恶意或失误的超大文件、成千上万层嵌套的列表或映射（如误输入的一长串“[”，会使解析程序崩溃）、"
        "YAML 别名炸弹拖垮构建。这样的文件不予解析。", "文件过大、嵌套过深或别名展开过多",
        "拆分文件；删除多余的“[”“{”，嵌套不超过 100 层；不要用 YAML 别名大量复制内容。", example="a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n# ……逐层翻十倍，展开后达数十亿个值")
declare("S014", "符号链接指向 content/ 之外、循环或断开", E,
        "网站只发布 content/ 中的内容：指向其他位置的符号链接会把本机上的任意文件（系统文件、其他单位的数据）"
        "带进检查和网站；循环或断开的链接读不出内容。这样的链接一律不予读取。",
        "符号链接不可用", "把文件本身复制到 content/ 中（不用符号链接），或让链接指向 content/ 内存在的文件；"
        "删除循环或断开的链接。",
        example="content/site.yaml -> /etc/passwd")
declare("S015", "文本中含有控制字符", E,
        "NUL、ESC 等控制字符和 U+FFFE、U+FFFF 不是文字：在网页和 PDF 中显示为方框或乱码，会截断文本，"
        "或被终端、表格软件当作指令执行；双向文字控制符（U+202A–U+202E、U+2066–U+2069）使文字显示的顺序与写下的不同，"
        "审核时看到的数字可能不是网页上显示的数字。它们多是从其他软件复制粘贴时带入的。含有它的 YAML 文件不予使用，"
        "正文中的控制字符不会出现在网页和 PDF 中。",
        "含有控制字符", "删除该字符（它通常不可见：可删除整段后重新输入）；需要换行就直接换行，缩进用空格；"
        "YAML 中不要用“\\e”“\\x01”之类的转义写法。",
        example='name: "行政运行\\e[31m"')
declare("S016", "科目目录文件的条目不合法", E,
        "站点补充的科目目录（content/catalogue/functional.yaml、economic.yaml）用来核对各单位数据中的科目编码和名称；"
        "格式不对的条目无法使用，核对结果就会出错。不合法的条目不予使用。",
        "科目目录条目不合法", "每行写“编码: 名称”：编码为加引号的数字，功能分类 3、5 或 7 位，经济分类 3 或 5 位；"
        "名称为文字，有别名时写成列表，第一个为正式名称。",
        example='"2010101": 5   # 名称应为文字，如 "2010101": 行政运行')
declare("S011", "YAML 中的键重复", E,
        "重复的键只有最后一个生效，前面的数字会被悄悄丢弃。", "键重复", "删除或合并重复的键。",
        example="totals:\n  income:\n    total: 1\n    total: 2")
declare("S013", "键少缩进，落到了外层", E,
        "少缩进了一级的键会变成外层映射的键：它本该属于的那一项就缺了这个数，外层则多出一个不认识的键。",
        "缩进有误：“{key}”应缩进在“{home}”下", "把该键缩进到与它所属映射中其他键对齐（同一层的键缩进格数相同）。",
        example="totals:\n  expenditure:\n    basic: 80.00\npublic: 20.00   # 应与 basic 对齐，缩进 4 格")
declare("S012", "未知的公开模板", E,
        "模板决定章节与表格；找不到模板就无法核对和生成。", "未知的公开模板", "使用已定义的模板标识，或在 content/profiles/ 中新增模板。",
        example="profile: hebei-2099")


def _is_amount(value) -> bool:
    return isinstance(value, (Decimal, int)) and not isinstance(value, bool)  # `basic: -12` is an int


def _suspect(amount: Decimal) -> bool:
    """Whether S006 or S007 may report the amount: more than two decimals, or negative."""
    return amount < 0 or decimals_of(amount) > 2


def _suspects_below(container, path: list, out: list) -> list:
    """The suspect numbers below a dict or list with their paths, in document order (quantities
    included: they are checked too), except below a `schedule` key: a spending plan's percentages are
    not money. `path` is the container's path, as a list that the walk extends and restores."""
    for key, item in (container.items() if isinstance(container, dict) else enumerate(container)):
        if key == "schedule":
            continue
        kind = item.__class__
        if kind is str:  # most values are text
            continue
        if kind is Decimal:
            if item < 0 or decimals_of(item) > 2:
                out.append((tuple(path) + (key,), item))
        elif kind is int:  # no decimals
            if item < 0:
                out.append((tuple(path) + (key,), Decimal(item)))
        elif isinstance(item, (dict, list)):
            path.append(key)
            _suspects_below(item, path, out)
            path.pop()
        elif _is_amount(item) and _suspect(Decimal(item)):
            out.append((tuple(path) + (key,), Decimal(item)))
    return out


def _suspect_amounts(ctx) -> list:
    """The raw amounts S006 and S007 look at that either may report, found in one walk per disclosure;
    each rule applies its own test to them."""
    cache = ctx.cache
    if "suspect_amounts" not in cache:
        data = ctx.entry.budget_doc.data or {}
        if isinstance(data, (dict, list)):
            cache["suspect_amounts"] = _suspects_below(data, [], [])
        else:
            cache["suspect_amounts"] = [((), Decimal(data))] if _is_amount(data) and _suspect(Decimal(data)) else []
    return cache["suspect_amounts"]


def dotted(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@rule("S006", "金额超过两位小数", E,
      "公开金额以万元为单位、保留两位小数；多出的位数通常是从其他单位换算时带入的，核对时会产生误差。",
      "金额 {amount} 有 {places} 位小数，应最多两位", "四舍五入到两位小数；若公开文本确实如此，记录为已确认偏差。",
      example="fixed_assets:\n  total: 420.74804")
def more_than_two_decimals(ctx):
    for path, amount in _suspect_amounts(ctx):
        if path and path[-1] == "quantity":
            continue
        places = decimals_of(amount)
        if places > 2:
            yield ctx.report("S006", ctx.at(*path), expected="两位小数", found=amount, subject=dotted(path),
                             amount=amount, places=places)


@rule("S007", "出现负数", E,
      "预算数、资产数、数量都不可能为负；负数多是把“减少”录成了负号。",
      "“{path}”为负数 {amount}", "改为正数；增减变化写在正文中，不录入负数。",
      example="basic: -12.00")
def negative_amount(ctx):
    for path, amount in _suspect_amounts(ctx):
        if amount < 0:
            # a quantity is a count, not money: shown as typed, not with two decimals
            found = format(amount, "f") if path[-1] == "quantity" else amount
            yield ctx.report("S007", ctx.at(*path), expected="≥ 0", found=found, subject=dotted(path),
                             path=dotted(path), amount=amount)


@rule("S008", "科目重复", E,
      "同一科目（同一资金来源）录入两次会使合计翻倍。",
      "科目 {code} 重复录入（{what}）", "合并为一行。",
      example="functional:\n  - {code: \"2010101\", basic: 1}\n  - {code: \"2010101\", basic: 2}")
def duplicate_codes(ctx):
    d = ctx.disclosure
    seen = Counter()
    for i, line in enumerate(d.functional):
        key = (line.code, line.source, line.carried_over)
        seen[key] += 1
        if seen[key] == 2:
            yield ctx.report("S008", ctx.at("functional", i, "code"), found=line.code, subject=f"functional[{i}]",
                             code=line.code, what=f"功能分类，资金来源 {line.source}")
    seen_econ = Counter()
    for i, line in enumerate(d.economic):
        seen_econ[line.code] += 1
        if seen_econ[line.code] == 2:
            yield ctx.report("S008", ctx.at("economic", i, "code"), found=line.code, subject=f"economic[{i}]",
                             code=line.code, what="经济分类")
