"""Narrative rules (N): the text must state what the tables say, and stay safe to publish."""

from __future__ import annotations

import re

from generator.diagnostics import Severity
from generator.figures import label
from generator.money import fmt_plain, same, total
from generator.narrative import PLACEHOLDER, TABLE_MARKER, section_titles, substitute
from generator.narrative_figures import extract
from generator.rules import rule

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
RAW_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
LINK_TARGET = re.compile(r"!?\[[^\]]*\]\(\s*<?(?P<target>[^)\s>]+)")
CHANGE_PARTS = {
    "change.expenditure.total": ["change.expenditure.basic", "change.expenditure.project"],
    "change.expenditure.basic": ["change.expenditure.personnel", "change.expenditure.public"],
    "change.three_public.subtotal": ["change.three_public.outbound", "change.three_public.vehicle",
                                     "change.three_public.reception"],
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


@rule("N001", "正文所述金额与数据不符", E,
      "正文中的收入、支出、基本支出、人员经费、公用经费、项目支出、“三公”经费、机关运行经费、政府采购、固定资产等金额，必须与表格一致。",
      "正文“{excerpt}”中的{figure}与数据不符", "改正正文或数据；可用占位符 {{ expenditure.basic }} 直接引用数据。",
      example="2023年预算收入1043.56万元（数据为 1043.55）")
def stated_values(ctx):
    yield from _compare_with_data(ctx, "N001", "value")


@rule("N002", "正文所述增减额与上年数据不符", E,
      "“比上年增减”应等于本年数减上年数（上年数见 previous_year 或上年度的公开数据）。",
      "正文“{excerpt}”所述{figure}与本年数减上年数不符", "核对正文的增减额或上年数。",
      example="较2022年预算增加195.82万元（本年减上年为 195.00）")
def stated_changes(ctx):
    yield from _compare_with_data(ctx, "N002", "change")


def _compare_with_data(ctx, code: str, kind: str):
    """Statements of one kind (a value, or a change against last year) that the data contradicts."""
    statements, _ = _statements(ctx)
    for st in statements:
        data = ctx.figures.value(st.figure) if st.kind == kind else None
        if data is not None and not same(data, st.amount):
            yield _report_statement(ctx, code, st, data, st.amount, figure=label(st.figure))


@rule("N003", "增减额与其分项之和不符", E,
      "正文把一个增减额拆成几部分说明时，各部分之和应等于总增减额。",
      "正文所述{figure}与其分项增减之和不符", "核对各分项的增减额。",
      example="增加195.82万元，其中基本支出增加178.77万元，项目支出增加17.00万元")
def change_parts(ctx):
    statements, _ = _statements(ctx)
    changes = {}
    for st in statements:
        if st.kind == "change":
            changes.setdefault(st.figure, st)
    items = [st for st in statements if st.kind == "change_item"]
    groups = {whole: [changes[p] for p in parts if p in changes] for whole, parts in CHANGE_PARTS.items()}
    groups["change.expenditure.project"] = items
    for whole, parts in groups.items():
        stated = changes.get(whole)
        expected_parts = CHANGE_PARTS.get(whole)
        complete = bool(parts) and (expected_parts is None or len(parts) == len(expected_parts))
        if stated is None or not complete:
            continue
        summed = total(p.amount for p in parts)
        if not same(summed, stated.amount):
            yield _report_statement(ctx, "N003", stated, summed, stated.amount, figure=label(whole))


@rule("N004", "正文列举的项目金额之和与项目支出不符", E,
      "支出说明中逐项列举的项目支出，合计应等于项目支出总额。",
      "正文列举的各项目支出之和与项目支出不符", "补全或改正列举的项目金额。",
      example="项目支出228.05万元，主要为（一）会议费项目支出60.00万元……（合计不等于 228.05）")
def listed_projects(ctx):
    statements, _ = _statements(ctx)
    items = [st for st in statements if st.kind == "item"]
    project = ctx.figures.value("expenditure.project")
    if items and project is not None:
        summed = total(st.amount for st in items)
        if not same(summed, project):
            yield _report_statement(ctx, "N004", items[0], project, summed)


@rule("N010", "正文所述项目金额与绩效项目金额不符", E,
      "正文列举的项目金额应与该项目绩效目标表（performance.projects）中的金额一致。",
      "正文“{excerpt}”中项目“{project}”的金额与项目数据不符", "核对项目金额。",
      example="（一）会议费项目支出60.00万元（项目数据为 50）")
def listed_project_amounts(ctx):
    statements, _ = _statements(ctx)
    amounts = {p.name: p.amount for p in ctx.disclosure.performance.projects if p.amount is not None}
    for st in statements:
        if st.kind == "item" and st.name in amounts and not same(amounts[st.name], st.amount):
            yield _report_statement(ctx, "N010", st, amounts[st.name], st.amount, project=st.name)


@rule("N009", "正文中有未能识别的金额", I,
      "核对程序只能核对它认得的说法；未识别的金额不会被核对。可改用占位符，或在 content/narrative_patterns.yaml 中补充说法。",
      "正文“{excerpt}”中的金额未能与任何数据项对应，未核对", "改用占位符引用数据，或补充识别规则。",
      example="安排经费12.5万元用于……")
def unrecognised_amounts(ctx):
    _, unknown = _statements(ctx)
    for st in unknown:
        yield ctx.report("N009", ctx.in_narrative(st.line, st.column), subject=st.excerpt, excerpt=st.excerpt)


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
      "章节由模板规定；标题写错的章节无法归位，其中的数字也无法核对。", "章节“{heading}”不是模板“{profile}”中的章节{hint}",
      "改用提示中最接近的模板章节标题。", example="## 二、部门预算安排总体情况")
def unknown_sections(ctx):
    narrative, profile = ctx.entry.narrative, ctx.profile
    if narrative is None or profile is None:
        return
    written = {s.spec_id for s in narrative.sections}
    for section in (s for s in narrative.sections if s.spec_id is None):
        title = _nearest_title(profile, section.heading, written)
        hint = f"，是否想写“{title}”？" if title else "，模板中也没有相近的章节标题"
        yield ctx.report("N006", ctx.in_narrative(section.line), expected=title, found=section.heading,
                         subject=section.heading, heading=section.heading, profile=profile.id, hint=hint)


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
      "网站与 PDF 必须自包含、离线可用；图片等资源只能引用本单位目录中的文件，不能引用其他网站或项目外的路径。",
      "正文引用了“{target}”，{problem}", "把文件放到本年度目录中并用相对路径引用；外部网页链接请写成普通链接。",
      example="![](file:///etc/passwd)")
def outside_references(ctx):
    folders = []  # this year's folder and the project's, resolved only if an image needs them

    def resolved():
        if not folders:
            folders.extend((ctx.entry.dir.resolve(), ctx.site.root.resolve().parent))
        return folders

    for number, line in _numbered_lines_with(ctx, "]("):
        for match in LINK_TARGET.finditer(line):
            target = match.group("target")
            is_image = match.group(0).startswith("!")
            problem = _reference_problem(target, is_image, resolved)
            if problem:
                yield ctx.report("N012", ctx.in_narrative(number, match.start() + 1), found=target, subject=target,
                                 target=target, problem=problem)


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
    base, project = folders()
    resolved = (base / target).resolve() if not target.startswith("/") else None
    if resolved is None or not resolved.is_relative_to(project):
        return "超出项目目录"
    if not resolved.exists():
        return "文件不存在"
    return ""


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
