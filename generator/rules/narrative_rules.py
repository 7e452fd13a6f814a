"""Narrative rules (N): the text must state what the tables say, and stay safe to publish."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from generator.diagnostics import Severity
from generator.figures import label
from generator.money import fmt, fmt_plain, quantize, same, total
from generator.narrative import PLACEHOLDER, TABLE_MARKER, heading_problem, section_titles, substitute
from generator.narrative_figures import Statement, extract
from generator.rules import declare, rule

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
# An HTML tag, but not an autolink (<http://…>, <mailto:…>, <someone@example.org>): CommonMark makes those
# links, which the page shows as links.
RAW_HTML = re.compile(r"<(?!(?:https?|ftp)://[^\s<>]+>|mailto:[^\s<>]+>|[^\s<>@:/]+@[^\s<>@]+>)"
                      r"\s*/?\s*[a-zA-Z][^>]*>", re.I)
LINK_TARGET = re.compile(r"!?\[[^\]]*\]\(\s*<?(?P<target>[^)\s>]+)")
CHANGE_PARTS = {
    "change.expenditure.total": ["change.expenditure.basic", "change.expenditure.project"],
    "change.expenditure.basic": ["change.expenditure.personnel", "change.expenditure.public"],
    "change.three_public.subtotal": ["change.three_public.outbound", "change.three_public.vehicle",
                                     "change.three_public.reception"],
    "change.three_public.vehicle": ["change.three_public.vehicle_purchase", "change.three_public.vehicle_operation"],
}


def _statements(ctx):
    """Cached per disclosure: statements and unrecognised amounts of the narrative."""
    cache = ctx.cache
    if "statements" not in cache:
        narrative = ctx.entry.narrative
        if narrative is None or ctx.profile is None:
            cache["statements"] = ([], [])
        else:
            cache["statements"] = extract(narrative, ctx.site.patterns,
                                          lambda s: substitute(s.body, lambda n: _placeholder_value(ctx, n)))
    return cache["statements"]


def _placeholder_value(ctx, name: str) -> str | None:
    value = ctx.figures.value(name)
    if value is None:
        return None
    return fmt_plain(abs(value) if name.startswith("change.") else value)


def _report_statement(ctx, code, st, expected, found, **values):
    return ctx.report(code, ctx.in_narrative(st.line, st.column), expected=expected, found=found,
                      subject=st.excerpt, excerpt=st.excerpt, **values)


# ---- every statement's state: verified, contradicted, or not verifiable (and why) ---------------

VERIFIED, CONTRADICTED, UNVERIFIABLE = "verified", "contradicted", "unverifiable"
DIRECTION_WORDS = {1: "增加", -1: "减少", 0: "持平"}


@dataclass
class Assessed:
    """What `check` concluded about one statement of the narrative."""

    statement: Statement
    state: str = ""  # VERIFIED | CONTRADICTED | UNVERIFIABLE ("" while the sums are still to be done)
    data: Decimal | None = None  # what the data says (for a change or a direction: this year − last year)
    codes: list[str] = field(default_factory=list)  # the diagnostics it gave
    reason: str = ""  # why it could not be verified


@dataclass
class _Finding:
    code: str
    statement: Statement
    expected: object
    found: object
    values: dict


def assessed(ctx) -> list[Assessed]:
    """Cached per disclosure: every statement and unrecognised amount, in text order, with its state."""
    cache = ctx.cache
    if "assessed" not in cache:
        statements, unknown = _statements(ctx)
        findings: list[_Finding] = []
        results = [_against_data(ctx, st, findings) for st in statements]
        _against_sums(ctx, results, findings)
        results += [Assessed(st, UNVERIFIABLE, codes=["N009"], reason=st.reason) for st in unknown]
        results.sort(key=lambda a: (a.statement.line, a.statement.column))
        cache["assessed"], cache["findings"] = results, findings
    return cache["assessed"]


def _findings(ctx, code: str):
    assessed(ctx)
    for f in ctx.cache["findings"]:
        if f.code == code:
            yield _report_statement(ctx, code, f.statement, f.expected, f.found, **f.values)


def _conclude(result: Assessed, findings, code: str, ok: bool, expected, found, **values) -> Assessed:
    if ok:
        result.state = result.state or VERIFIED
    else:
        result.state = CONTRADICTED
        result.codes.append(code)
        findings.append(_Finding(code, result.statement, expected, found, values))
    return result


def _unverifiable(result: Assessed, findings, reason: str) -> Assessed:
    result.state, result.reason = UNVERIFIABLE, reason
    result.codes.append("N013")
    findings.append(_Finding("N013", result.statement, None, None,
                             {"figure": label(result.statement.figure), "reason": reason}))
    return result


def _against_data(ctx, st: Statement, findings) -> Assessed:
    """A value against this year's figure; a change, or a direction, against this year − last year."""
    result = Assessed(st)
    if st.kind in ("item", "change_item"):
        return result  # checked against the sums (N003, N004, N010)
    data = ctx.figures.value(st.figure)
    result.data = data
    if data is None:
        return _unverifiable(result, findings, _missing(ctx, st.figure))
    if st.kind == "value":
        return _conclude(result, findings, "N001", same(data, st.amount), data, st.amount, figure=label(st.figure))
    if st.kind == "change":
        return _conclude(result, findings, "N002", same(data, st.amount), data, st.amount, figure=label(st.figure))
    actual = _sign(data)
    return _conclude(result, findings, "N014", actual == st.amount, DIRECTION_WORDS[actual],
                     DIRECTION_WORDS[int(st.amount)], figure=label(st.figure.removeprefix("change.")),
                     change=fmt(data))


def _sign(amount: Decimal) -> int:
    rounded = quantize(amount)
    return (rounded > 0) - (rounded < 0)


def _missing(ctx, figure: str) -> str:
    """Why the data cannot give `figure`: no such figure this year, or no previous-year figure."""
    base = figure.removeprefix("change.")
    if ctx.figures.value(base) is None:
        return f"无该项数据（budget.yaml 中没有{label(base)}）"
    if not ctx.figures.previous:
        return "无上年数（budget.yaml 没有 previous_year）"
    return f"无上年数（previous_year 中没有{label(base)}）"


def _against_sums(ctx, results: list[Assessed], findings) -> None:
    """Listed projects against 项目支出 (N004) and their own data (N010); a change against the sum of
    the changes it is broken into (N003)."""
    items = [r for r in results if r.statement.kind == "item"]
    amounts = {p.name: p.amount for p in ctx.disclosure.performance.projects if p.amount is not None}
    for r in items:
        if r.statement.name in amounts:
            r.data = amounts[r.statement.name]
            _conclude(r, findings, "N010", same(r.data, r.statement.amount), r.data, r.statement.amount,
                      project=r.statement.name)
    project = ctx.figures.value("expenditure.project")
    if items and project is None:
        for r in items:
            if not r.state:
                _unverifiable(r, findings, _missing(ctx, "expenditure.project"))
    elif items:
        summed = total(r.statement.amount for r in items)
        ok = same(summed, project)
        if not ok:
            findings.append(_Finding("N004", items[0].statement, project, summed, {}))
        for r in items:
            if not ok:
                r.state = CONTRADICTED
                r.codes.append("N004")
            elif not r.state:
                r.state = VERIFIED
    _change_groups(results, findings)


def _change_groups(results: list[Assessed], findings) -> None:
    changes: dict[str, Assessed] = {}  # a 持平 without an amount states a change of exactly 0
    for r in results:
        if r.statement.kind == "change" or (r.statement.kind == "direction" and r.statement.amount == 0):
            changes.setdefault(r.statement.figure, r)
    change_items = [r for r in results if r.statement.kind == "change_item"]
    groups = {whole: [changes[p] for p in parts if p in changes] for whole, parts in CHANGE_PARTS.items()}
    groups["change.expenditure.project"] = change_items
    for whole, parts in groups.items():
        stated = changes.get(whole)
        expected_parts = CHANGE_PARTS.get(whole)
        complete = bool(parts) and (expected_parts is None or len(parts) == len(expected_parts))
        if stated is None or not complete:
            continue
        summed = total(p.statement.amount for p in parts)
        if not same(summed, stated.statement.amount):
            stated.state = CONTRADICTED
            stated.codes.append("N003")
            findings.append(_Finding("N003", stated.statement, summed, stated.statement.amount,
                                     {"figure": label(whole)}))
    # A project's change has no figure of its own in the data: it is as good as the stated total it adds up to.
    whole = changes.get("change.expenditure.project")
    for r in change_items:
        if whole is not None and "N003" in whole.codes:
            r.state = CONTRADICTED
            r.codes.append("N003")
        elif whole is not None and whole.state == VERIFIED:
            r.state = VERIFIED
        else:
            if whole is None:
                reason = "正文未写项目支出的增减总额，各项目增减无从核对"
            elif whole.state == CONTRADICTED:
                reason = "所合计的项目支出增减总额与数据不符，各项目增减无从核对"
            else:
                reason = "所合计的项目支出增减总额本身无法核对"
            r.state, r.reason = UNVERIFIABLE, reason
            r.codes.append("N013")
            findings.append(_Finding("N013", r.statement, None, None,
                                     {"figure": f"项目“{r.statement.name}”的增减额", "reason": reason}))


@rule("N001", "正文所述金额与数据不符", E,
      "正文中的收入、支出、基本支出、人员经费、公用经费、项目支出、“三公”经费、机关运行经费、政府采购、固定资产等金额，必须与表格一致。",
      "正文“{excerpt}”中的{figure}与数据不符", "改正正文或数据；可用占位符 {{ expenditure.basic }} 直接引用数据。",
      example="2023年预算收入1043.56万元（数据为 1043.55）")
def stated_values(ctx):
    yield from _findings(ctx, "N001")


@rule("N002", "正文所述增减额与上年数据不符", E,
      "“比上年增减”应等于本年数减上年数（上年数见 previous_year 或上年度的公开数据）。",
      "正文“{excerpt}”所述{figure}与本年数减上年数不符", "核对正文的增减额或上年数。",
      example="较2022年预算增加195.82万元（本年减上年为 195.00）")
def stated_changes(ctx):
    yield from _findings(ctx, "N002")


@rule("N003", "增减额与其分项之和不符", E,
      "正文把一个增减额拆成几部分说明时，各部分之和应等于总增减额：支出 = 基本支出 + 项目支出，基本支出 = 人员经费 + 公用经费，"
      "“三公”经费 = 因公出国（境）费 + 公务用车购置及运维费 + 公务接待费，公务用车购置及运维费 = 购置费 + 运维费，项目支出 = 所列各项目之和。",
      "正文所述{figure}与其分项增减之和不符", "核对各分项的增减额。",
      example="增加195.82万元，其中基本支出增加178.77万元，项目支出增加17.00万元")
def change_parts(ctx):
    yield from _findings(ctx, "N003")


@rule("N004", "正文列举的项目金额之和与项目支出不符", E,
      "支出说明中逐项列举的项目支出，合计应等于项目支出总额。",
      "正文列举的各项目支出之和与项目支出不符", "补全或改正列举的项目金额。",
      example="项目支出228.05万元，主要为（一）会议费项目支出60.00万元……（合计不等于 228.05）")
def listed_projects(ctx):
    yield from _findings(ctx, "N004")


@rule("N010", "正文所述项目金额与绩效项目金额不符", E,
      "正文列举的项目金额应与该项目绩效目标表（performance.projects）中的金额一致。",
      "正文“{excerpt}”中项目“{project}”的金额与项目数据不符", "核对项目金额。",
      example="（一）会议费项目支出60.00万元（项目数据为 50）")
def listed_project_amounts(ctx):
    yield from _findings(ctx, "N010")


@rule("N009", "正文中有未能识别的金额", I,
      "核对程序只能核对它认得的说法；未识别的金额不会被核对。可改用占位符，或在 content/narrative_patterns.yaml 中补充说法。",
      "正文“{excerpt}”中的金额未能与任何数据项对应，未核对（{reason}）", "改用占位符引用数据，或补充识别规则。",
      example="安排经费12.5万元用于……")
def unrecognised_amounts(ctx):
    for r in assessed(ctx):
        if "N009" in r.codes:
            st = r.statement
            yield ctx.report("N009", ctx.in_narrative(st.line, st.column), subject=st.excerpt, excerpt=st.excerpt,
                             reason=st.reason)


@rule("N013", "正文所述金额无数据可核对", I,
      "正文的说法已被识别，但数据中没有可与之比较的数（如未写 previous_year 或其中缺少该项），这句话没有被核对。"
      "不报告就会让人误以为它已核对无误。",
      "正文“{excerpt}”所述{figure}无法核对：{reason}", "在 budget.yaml 中补上该项数据（上年数写在 previous_year 下）。",
      example="与2022年相比减少0.01万元（previous_year 中没有“三公”经费）")
def unverifiable_statements(ctx):
    yield from _findings(ctx, "N013")


@rule("N014", "正文所述增减方向与数据不符", E,
      "只说“增加”“减少”“持平”而不写金额的句子，也是对本年数减上年数的说法：其正负应与数据一致。",
      "正文“{excerpt}”称{figure}比上年{found}，而本年数减上年数为 {change}", "改正正文的增减说法或上年数。",
      example="公务接待费与2022年相比增加（本年减上年为 -1.5）")
def stated_directions(ctx):
    yield from _findings(ctx, "N014")


declare("N015", "模板章节没有可识别的角色", E,
        "正文的数字按章节的角色（overview、three_public 等）核对；模板中章节标识不是已知角色又未写 role 的章节，"
        "其中的数字不会被核对。",
        "模板章节“{section}”{problem}", "在模板的该章节下写 role，取值为已知角色之一（见 content-format.md）。",
        example="sections: [{id: general, title: 单位预算安排的总体情况}]（未写 role: overview）")

declare("N016", "识别规则指向未知的章节角色", E,
        "narrative_patterns.yaml 中 sections 列出的是章节角色；写了不存在的角色，这条规则永远不会被使用。",
        "识别规则的章节角色“{role}”不存在", "改为已知角色之一：duties、overview、operating_costs、three_public 等。",
        example="- {figure: operating_costs, sections: [operating_cost], pattern: ...}")


def _lines(ctx):
    """The narrative's lines, split once per disclosure for the rules that read them."""
    cache = ctx.cache
    if "lines" not in cache:
        narrative = ctx.entry.narrative
        cache["lines"] = [] if narrative is None else narrative.text.splitlines()
    return cache["lines"]


def _numbered_lines_with(ctx, needle: str):
    """(line number, line) of the narrative's lines that contain `needle`, which every match of the
    rule's pattern contains: other lines need no search."""
    return ((number, line) for number, line in enumerate(_lines(ctx), start=1) if needle in line)


@rule("N005", "占位符引用了不存在的数据项", E,
      "占位符 {{ 名称 }} 会被替换为数据；名称写错则无法替换。", "占位符“{name}”{problem}",
      "使用提示中的名称，或 `budgetsite figures` 列出的名称。", example="{{ expenditure.basik }}")
def unknown_placeholder(ctx):
    for number, line in _numbered_lines_with(ctx, "{{"):
        for match in PLACEHOLDER.finditer(line):
            name = match.group("name").strip()
            if name.startswith("table:"):
                continue
            if ctx.figures.value(name) is None:
                nearest = [] if _known_figure(name) else _nearest_figures(ctx.figures.names(), name)
                yield ctx.report("N005", ctx.in_narrative(number, match.start() + 1),
                                 expected=nearest[0] if nearest else None, found=name, subject=name,
                                 name=name, problem=_placeholder_problem(name, nearest))


@rule("N006", "章节标题与模板不符", E,
      "章节由模板规定；标题写错的章节无法归位，其中的数字也无法核对。", "章节“{heading}”不是模板“{profile}”中的章节：{reason}{hint}",
      "改用提示中最接近的模板章节标题。", example="## 二、部门预算安排总体情况")
def unknown_sections(ctx):
    narrative, profile = ctx.entry.narrative, ctx.profile
    if narrative is None or profile is None:
        return
    written = {s.spec_id for s in narrative.sections}
    for section in (s for s in narrative.sections if s.spec_id is None):
        title = _nearest_title(profile, section.heading, written)
        hint = f"，是否想写“{title}”？" if title else "，模板中也没有相近的章节标题"
        unwritten = [section_titles(profile, s)[0] for s in profile.sections if narrative.section(s.id) is None]
        expected = title or ("尚未写出的章节：" + "、".join(unwritten) if unwritten else "模板各章节都已写出")
        yield ctx.report("N006", ctx.in_narrative(section.line), expected=expected, found=section.heading,
                         subject=section.heading, heading=section.heading, profile=profile.id,
                         reason=heading_problem(section, profile), hint=hint)


@rule("N007", "缺少模板要求的章节", E,
      "公开操作规程要求每个章节都公开，无内容的也应写明“无”。", "缺少章节“{title}”", "补写该章节。",
      example="# narrative.md 中没有 ## 九、其他需要说明的事项")
def missing_sections(ctx):
    narrative, profile = ctx.entry.narrative, ctx.profile
    if narrative is None or profile is None:
        return
    for spec in profile.sections:
        if spec.required and narrative.section(spec.id) is None:
            title = section_titles(profile, spec)[0]
            yield ctx.report("N007", ctx.in_narrative(1), expected=title, subject=spec.id, title=title)


@rule("N008", "表格占位符不可用", E,
      "表格占位符 {{table:…}} 只能放置本章节在模板中包含的表格，且每张表只放一次。",
      "表格占位符“{table}”{problem}", "改正表格标识或移到正确的章节。", example="{{table:procurment}}")
def table_markers(ctx):
    narrative, profile = ctx.entry.narrative, ctx.profile
    if narrative is None or profile is None:
        return
    specs = {s.id: s for s in profile.sections}
    placed = set()
    for section in narrative.sections:
        if "{{" not in section.body:  # every table marker has it
            continue
        allowed = specs[section.spec_id].tables if section.spec_id in specs else []
        for offset, line in enumerate(section.body.splitlines()):
            marker = TABLE_MARKER.match(line)
            if not marker:
                continue
            table = marker.group("table")
            problem = ""
            if table not in allowed:
                problem = "不属于本章节（本章节可放：" + ("、".join(allowed) or "无") + "）"
            elif table in placed:
                problem = "重复放置"
            placed.add(table)
            if problem:
                yield ctx.report("N008", ctx.in_narrative(section.body_line + offset), found=table, subject=table,
                                 table=table, problem=problem)


@rule("N011", "正文含有 HTML 标签", W,
      "为安全起见，正文中的 HTML 不会被执行或显示为格式，只会原样显示为文字。", "正文含有 HTML 标签“{tag}”，将按文字显示",
      "改用 Markdown 语法。", example="<script>alert(1)</script>")
def raw_html(ctx):
    for number, line in _numbered_lines_with(ctx, "<"):
        for match in RAW_HTML.finditer(line):
            yield ctx.report("N011", ctx.in_narrative(number, match.start() + 1), found=match.group(),
                             subject=match.group(), tag=match.group()[:40])


@rule("N012", "正文引用了站外或项目外的文件", E,
      "网站与 PDF 必须自包含、离线可用；图片只能引用本年度目录中的图片文件（网站复制到页面旁，PDF 嵌入），不能引用其他网站、本机文件或本年度目录以外的路径。",
      "正文引用了“{target}”，{problem}", "把文件放到本年度目录中并用相对路径引用；外部网页链接请写成普通链接。",
      example="![](file:///etc/passwd)")
def outside_references(ctx):
    folders = []  # this year's folder and the project's, resolved only if an image needs them

    def resolved():
        if not folders:
            folders.extend((ctx.entry.dir.resolve(), ctx.site.root.resolve().parent))
        return folders

    reported = set()
    for number, line in _numbered_lines_with(ctx, "]("):
        for match in LINK_TARGET.finditer(line):
            target = match.group("target")
            is_image = match.group(0).startswith("!")
            problem = _reference_problem(target, is_image, resolved)
            if problem:
                reported.add(target)
                yield ctx.report("N012", ctx.in_narrative(number, match.start() + 1), found=target, subject=target,
                                 target=target, problem=problem)
    # Two passes, each seeing what the other cannot: the search above finds the script and file links
    # that the parser drops as text (harmless on the page, but the author must hear of them), at their
    # column; the parse below finds what the page would really contain — reference-style images, an image
    # inside a link, a destination on the next line — at its block's line. Each target is reported once.
    narrative = ctx.entry.narrative
    if narrative is None or ("[" not in narrative.text):
        return
    from generator.markdown import is_local_image

    for number, target, is_image in narrative.references():
        problem = _reference_problem(target, is_image, resolved)
        if not problem and is_image and not is_local_image(target):
            problem = "图片只能引用本年度目录中的文件"
        if problem and target not in reported:
            reported.add(target)
            yield ctx.report("N012", ctx.in_narrative(number), found=target, subject=target, target=target,
                             problem=problem)


def _reference_problem(target: str, is_image: bool, folders) -> str:
    """What is wrong with a link or image target; `folders()` gives (this year's folder, the project)."""
    lowered = target.lower()
    if lowered.startswith(("javascript:", "vbscript:", "data:text")):
        return "不允许脚本链接"
    if lowered.startswith("file:"):
        return "不允许引用本机文件"
    if re.match(r"^[a-z][a-z0-9+.-]*:", lowered) or lowered.startswith("//"):
        return "图片不能引用其他网站" if is_image else ""
    if not is_image:
        return ""
    from generator.narrative_images import image_problem  # the policy the site and the PDF follow too

    return image_problem(folders()[0], target)


# ---- did-you-mean for N005 and N006 ------------------------------------------------------------


def _nearest_figures(names: list[str], written: str) -> list[str]:
    """The figure names an unknown placeholder may have meant: by spelling, or by the label written
    in Chinese ({{ 基本支出 }})."""
    labelled = [name for name in names if label(name) == written]
    if labelled:
        return labelled[:3]
    close = _closest(written, names, cutoff=0.6)
    if close or written.isascii():
        return close
    by_label = {label(name): name for name in reversed(names)}  # the first name of a label wins
    return [by_label[text] for text in _closest(written, list(by_label), cutoff=0.5)]


def _closest(written: str, candidates: list[str], cutoff: float) -> list[str]:
    """The candidates most like `written`: the best, and any other nearly as good (at most three)."""
    import difflib

    scored = sorted(((difflib.SequenceMatcher(None, written, c).ratio(), c) for c in candidates),
                    key=lambda pair: -pair[0])
    if not scored or scored[0][0] < cutoff:
        return []
    return [c for score, c in scored[:3] if score >= scored[0][0] - 0.03]


def _known_figure(name: str) -> bool:
    """A figure name the project defines (a disclosure may still have no value for it)."""
    from generator.figures import FIGURE_LABELS

    return name.removeprefix("previous.").removeprefix("change.") in FIGURE_LABELS


def _placeholder_problem(written: str, nearest: list[str]) -> str:
    if _known_figure(written):  # spelled right, but this disclosure has no such figure
        return f"（{label(written)}）在本公开中没有数据，无法替换"
    if nearest:
        shown = "、".join(f"{{{{ {name} }}}}（{label(name)}）" for name in nearest)
        return f"不存在，是否想写 {shown}？"
    return "不存在；可用的名称见 `budgetsite figures`"


def _nearest_title(profile, heading: str, written: set) -> str | None:
    """The template's section title nearest to `heading` by the characters they share; a section
    not yet written wins a close call, since a mistyped heading leaves its own section missing."""
    import difflib

    best, best_score = None, 0.0
    for spec in profile.sections:
        for title in section_titles(profile, spec):
            score = difflib.SequenceMatcher(None, heading, title).ratio() + (0.05 if spec.id not in written else 0)
            if score > best_score:
                best, best_score = section_titles(profile, spec)[0], score
    return best if best_score >= 0.35 else None
