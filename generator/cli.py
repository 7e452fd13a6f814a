"""The `budgetsite` command line."""

from __future__ import annotations

import json
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    help="预算信息公开网站生成器：检查、生成网站与 PDF。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

ContentOption = typer.Option(Path("content"), "--content", "-c", help="内容目录")


class Format(str, Enum):
    text = "text"
    json = "json"


@app.command()
def check(
    content: Path = ContentOption,
    format: Format = typer.Option(Format.text, "--format", help="输出格式：text 或 json"),
    strict: bool = typer.Option(False, "--strict", help="有警告也视为失败"),
    show_info: bool = typer.Option(False, "--info", help="同时显示提示级诊断"),
    cache_dir: Path = typer.Option(Path("build/.cache"), "--cache-dir", help="检查结果缓存目录（未改动的单位不再重复检查）"),
    no_cache: bool = typer.Option(False, "--no-cache", help="不用缓存，全部重新检查"),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="单位较多时并行检查的进程数（0 为按 CPU 核数）"),
) -> None:
    """检查内容：格式、合计、表间关系、科目、正文数字。退出码 0 通过，1 有错误，2 用法错误。"""
    from generator.check import check_site
    from generator.diagnostics import Severity

    if not content.is_dir():
        typer.echo(f"内容目录不存在：{content}", err=True)
        raise typer.Exit(2)
    started = time.perf_counter()
    report = check_site(content, None if no_cache else cache_dir, jobs=jobs)
    elapsed = time.perf_counter() - started
    shown = [d for d in report.diagnostics if show_info or d.severity is not Severity.INFO or format is Format.json]
    if format is Format.json:
        statements = _statement_rows(report)
        payload = {"summary": {**_summary(report, elapsed), "statements": _statement_counts(statements)},
                   "diagnostics": [d.to_json() for d in shown], "statements": statements}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for diagnostic in shown:
            typer.echo(diagnostic.to_text())
        if show_info:
            _print_statements(_statement_rows(report))
        s = _summary(report, elapsed)
        caused = f"（另有 {s['consequences']} 个由此导致的问题）" if s["consequences"] else ""
        typer.echo(
            f"检查了 {s['units']} 个单位、{s['disclosures']} 份公开：{s['errors']} 个错误{caused}，{s['warnings']} 个警告，"
            f"{s['acknowledged']} 个已确认偏差，{s['info']} 个提示（{elapsed:.2f} 秒）"
        )
        unchecked = sum(1 for d in report.diagnostics if d.code in UNVERIFIABLE_CODES)
        if unchecked:
            typer.echo(f"正文中有 {unchecked} 处金额未能核对（用 --info 逐条列出）")
    raise typer.Exit(1 if report.failed(strict) else 0)


def _summary(report, elapsed: float) -> dict:
    from generator.diagnostics import Severity

    return {
        "units": len(report.site.units),
        "disclosures": len(report.site.years()),
        "errors": report.errors,
        "warnings": report.warnings,
        "info": report.count(Severity.INFO),
        "acknowledged": report.acknowledged,
        "consequences": report.consequences,  # diagnostics nested under the error that explains them
        "seconds": round(elapsed, 3),
    }


UNVERIFIABLE_CODES = ("N009", "N013")
STATE_LABELS = {"verified": "一致", "contradicted": "不符", "unverifiable": "无法核对"}


def _statement_rows(report) -> list[dict]:
    """Every amount the narratives state, with what `check` made of it (units from the cache are read
    again: their statements are not cached)."""
    from generator.figures import label
    from generator.money import fmt_plain
    from generator.rules.narrative_rules import DIRECTION_WORDS, assessed

    rows = []
    for entry in report.site.years():
        ctx = report.context(entry.key)
        if ctx is None:
            continue
        for result in assessed(ctx):
            st = result.statement
            if st.kind == "direction":
                stated = DIRECTION_WORDS[int(st.amount)]
            elif st.kind == "unknown":
                stated = st.excerpt.removesuffix("万元")
            else:
                stated = fmt_plain(st.amount)
            rows.append({
                "unit": ctx.entry.unit.id, "year": ctx.entry.year, "state": result.state, "kind": st.kind,
                "figure": st.figure, "label": label(st.figure) if st.figure else "", "name": st.name,
                "stated": stated, "data": None if result.data is None else fmt_plain(result.data),
                "file": ctx.entry.narrative_display, "line": st.line, "column": st.column,
                "excerpt": st.excerpt, "codes": result.codes, "reason": result.reason,
            })
    return rows


def _statement_counts(rows: list[dict]) -> dict:
    return {state: sum(1 for r in rows if r["state"] == state) for state in STATE_LABELS}


def _print_statements(rows: list[dict]) -> None:
    if not rows:
        return
    typer.echo("正文所述金额：")
    for r in rows:
        what = r["label"] or "未识别的金额"
        if r["name"]:
            what += f"（{r['name']}）"
        data = f"，数据 {r['data']}" if r["data"] is not None else ""
        why = f"：{r['reason']}" if r["reason"] else ""
        codes = f" [{'、'.join(r['codes'])}]" if r["codes"] else ""
        typer.echo(f"  {r['file']}:{r['line']}:{r['column']}: {STATE_LABELS[r['state']]}{codes} {what} 正文 {r['stated']}"
                   f"{data}{why}")
    counts = _statement_counts(rows)
    typer.echo(f"共 {len(rows)} 处：" + "，".join(f"{STATE_LABELS[k]} {v}" for k, v in counts.items()))


@app.command()
def rules() -> None:
    """列出全部检查规则。"""
    from generator.rules import load_all

    for spec in sorted(load_all().values(), key=lambda r: r.code):
        typer.echo(f"{spec.code}  [{spec.severity.label}]  {spec.title}")


@app.command()
def explain(code: str = typer.Argument(..., help="规则代码，如 B001")) -> None:
    """解释一条规则：检查什么、为什么、怎么改。"""
    from generator.rules import load_all

    registry = load_all()
    spec = registry.get(code.upper())
    if spec is None:
        typer.echo(f"没有规则 {code}。可用 `budgetsite rules` 查看全部规则。", err=True)
        raise typer.Exit(2)
    typer.echo(f"{spec.code} {spec.title}（{spec.severity.label}，{spec.family}）\n")
    typer.echo(f"为什么：{spec.rationale}\n")
    typer.echo(f"怎么改：{spec.fix}")
    if spec.example:
        typer.echo(f"\n出错示例：\n{spec.example}")


@app.command()
def schema(
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="写入文件；省略则输出到标准输出"),
    kind: str = typer.Option("budget", "--kind", help="budget（年度数据）、unit、site 或 profile"),
) -> None:
    """输出内容格式的 JSON Schema，供编辑器（VS Code YAML 插件）自动补全与校验。"""
    from generator.schema import json_schema

    try:
        text = json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"
    except KeyError:
        typer.echo(f"未知的类型 {kind}：可用 budget、unit、site、profile", err=True)
        raise typer.Exit(2)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        typer.echo(f"已写入 {output}")


@app.command()
def figures(
    unit: str = typer.Argument(..., help="单位标识"),
    year: int = typer.Argument(..., help="年度"),
    content: Path = ContentOption,
) -> None:
    """列出某单位某年度可在正文占位符中引用的数据项及其值。"""
    from generator.check import check_site
    from generator.figures import label
    from generator.money import fmt_plain

    report = check_site(content)
    ctx = report.contexts.get(f"{unit}/{year}")
    if ctx is None:
        typer.echo(f"找不到 {unit}/{year} 的数据（或其 budget.yaml 有格式错误）", err=True)
        raise typer.Exit(2)
    for name in ctx.figures.names():
        typer.echo(f"{{{{ {name} }}}}\t{fmt_plain(ctx.figures.value(name))}\t{label(name)}")


@app.command()
def bench(
    units: int = typer.Option(100, "--units", "-n", help="样例单位数"),
    years: int = typer.Option(1, "--years", "-y", help="每个单位的年度数"),
    runs: int = typer.Option(3, "--runs", "-r", help="每项重复次数"),
    workdir: Path = typer.Option(Path("build/bench"), "--workdir", help="样例内容与输出目录"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="把结果写成 JSON"),
    pdf: bool = typer.Option(False, "--pdf", help="同时测量 PDF 生成"),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="build 的并行进程数（0 为按 CPU 核数）"),
    peers: bool = typer.Option(False, "--peers", help="同时用 Hugo（+ pagefind）与纯 Python + Jinja2 循环生成同样的页面，给出比值"),
) -> None:
    """性能基准：由示例内容生成 N 个单位 × Y 年的样例站点，测量检查、构建、重建、PDF 的耗时与内存。"""
    from generator.bench import print_table, run_benchmark, write_json

    results = run_benchmark(units, years, runs, workdir, pdf, jobs, peers)
    print_table(results)
    if json_out is not None:
        write_json(results, json_out, units, years)


@app.command()
def pdf(
    content: Path = ContentOption,
    output: Path = typer.Option(Path("build/site"), "--output", "-o", help="输出目录（与网站相同）"),
    unit: Optional[str] = typer.Option(None, "--unit", help="只生成此单位"),
    year: Optional[int] = typer.Option(None, "--year", help="只生成此年度"),
    compendium: bool = typer.Option(False, "--compendium", help="同时生成各年度汇编"),
    plain: bool = typer.Option(False, "--plain", help="生成普通 PDF（不做 PDF/A-3b 归档、不附数据文件）"),
) -> None:
    """生成可打印的 PDF：每个单位每年度一份（PDF/A-3b，内附 JSON 与 CSV），可选年度汇编。"""
    from generator.pdf.command import PdfFailed, Request, run

    started = time.perf_counter()
    try:
        written = run(Request(content, output, unit, year, compendium, not plain), typer.echo)
    except PdfFailed as failure:
        typer.echo(str(failure), err=True)
        raise typer.Exit(1)
    typer.echo(f"共生成 {len(written)} 个 PDF（{time.perf_counter() - started:.1f} 秒）")


@app.command()
def build(
    content: Path = ContentOption,
    output: Path = typer.Option(Path("build/site"), "--output", "-o", help="输出目录"),
    no_search: bool = typer.Option(False, "--no-search", help="不生成全文搜索索引"),
    pdf: bool = typer.Option(False, "--pdf", help="同时生成每个单位每年度的 PDF（与网页共用图表）"),
    compendium: bool = typer.Option(False, "--compendium", help="同时生成各年度汇编 PDF"),
    plain: bool = typer.Option(False, "--plain", help="PDF 不做 PDF/A-3b 归档、不附数据文件"),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="并行进程数（0 为按 CPU 核数）"),
    shard: Optional[str] = typer.Option(None, "--shard", help="只生成第 K 份（共 N 份）单位，如 2/4；用 --merge 合并"),
    merge: list[Path] = typer.Option([], "--merge", help="合并分片：取用该分片输出目录中已生成的单位（可重复）"),
    clean: bool = typer.Option(False, "--clean", help="不复用上次的检查与生成结果，全部重新生成"),
    stats: Optional[Path] = typer.Option(None, "--stats", help="把本次构建的统计（含每份 PDF 耗时）写成 JSON，供基准测试用"),
    bureau: bool = typer.Option(False, "--bureau", help="同时生成财政局内部的公开进度页（bureau/年度/），勿用于公开网站"),
) -> None:
    """生成静态网站（先检查内容；检查不通过则拒绝生成，原有输出保持不变）。未改动的单位直接沿用上次结果。"""
    from generator.build import BuildFailed, BuildRefused, build as build_site, parse_shard

    try:
        part = parse_shard(shard) if shard else None
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2)
    try:
        result = build_site(content, output, search=not no_search, pdf=pdf, compendium=compendium,
                            archival=not plain, jobs=jobs, shard=part, merge=list(merge), reuse=not clean,
                            progress=_progress_bar, bureau=bureau)
    except BuildRefused as refused:
        for diagnostic in refused.report.diagnostics:
            if diagnostic.acknowledged is None:
                typer.echo(diagnostic.to_text(), err=True)
        typer.echo(f"内容未通过检查（{refused.report.errors} 个错误），未生成网站；原有输出未改动。", err=True)
        raise typer.Exit(1)
    except BuildFailed as failure:
        typer.echo(f"{failure}；原有输出未改动。", err=True)
        raise typer.Exit(1)
    if stats is not None:
        stats.write_text(json.dumps({"rendered": result.rendered, "reused": result.reused, "pages": result.pages,
                                     "files": result.files, "seconds": round(result.seconds, 3),
                                     "stages": result.stages, "search_indexed": result.search_indexed,
                                     "search_reused": result.search_reused,
                                     "pdf_seconds": [round(x, 3) for x in result.pdf_seconds]}, ensure_ascii=False),
                         encoding="utf-8")
    if result.up_to_date:
        typer.echo(f"{result.output} 已是最新：内容、模板与设置均未改动（{result.seconds:.2f} 秒）")
        return
    what = f"第 {part[0]}/{part[1]} 份分片：" if part else ""
    typer.echo(f"已生成 {result.output}：{what}{result.units} 个单位、{result.disclosures} 份公开、"
               f"{result.pages} 个页面、{result.files} 个文件；重新生成 {result.rendered} 个单位，"
               f"沿用 {result.reused} 个（{result.seconds:.2f} 秒）")


def _progress_bar(total: int):
    """A rich progress bar for long builds (silent when there is little to do)."""
    from contextlib import contextmanager

    from rich.progress import Progress

    @contextmanager
    def bar():
        if total < 40:
            yield None
            return
        with Progress(transient=True) as progress:
            task = progress.add_task("生成页面", total=total)
            yield lambda: progress.advance(task)

    return bar()


@app.command()
def serve(
    content: Path = ContentOption,
    output: Path = typer.Option(Path("build/preview"), "--output", "-o", help="预览输出目录"),
    port: int = typer.Option(8000, "--port", "-p", help="端口"),
    pdf: bool = typer.Option(False, "--pdf", help="同时生成各单位的 PDF；PDF 进程常驻，改动后只重新生成改动单位的 PDF"),
) -> None:
    """本地预览：生成网站，在 127.0.0.1 上提供服务，内容或主题变化时自动重新生成并刷新浏览器。"""
    from generator.serve import serve as run

    run(content, output, port, pdf)


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def diff(
    unit: str = typer.Argument(..., help="单位标识"),
    year: Optional[int] = typer.Argument(None, help="年度；省略则取该单位最新年度"),
    content: Path = ContentOption,
    format: DiffFormat = typer.Option(DiffFormat.text, "--format", help="输出格式：text、json 或 markdown"),
) -> None:
    """本年与上年逐表逐行比较：功能分类类/款/项、经济分类款、“三公”经费、项目、政府采购；金额与增减%。"""
    from generator.check import check_site
    from generator.diff import markdown, year_diff_of

    if not content.is_dir():
        typer.echo(f"内容目录不存在：{content}", err=True)
        raise typer.Exit(2)
    report = check_site(content)
    found = year_diff_of(report, unit, year)
    if isinstance(found, str):
        typer.echo(found, err=True)
        raise typer.Exit(2)
    if format is DiffFormat.json:
        typer.echo(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(markdown(found), nl=False)


@app.command()
def review(
    base: str = typer.Argument("origin/main", help="比较基准（git 引用），如 origin/main"),
    content: Path = ContentOption,
    format: DiffFormat = typer.Option(DiffFormat.markdown, "--format", help="输出格式：markdown 或 json"),
) -> None:
    """审阅合并请求：列出相对 BASE 改动的公开，逐份 check --strict，并给出数据逐项改动。退出码 0 通过，1 未通过，2 用法错误。"""
    from generator.review import ReviewError, markdown, review as run

    if not content.is_dir():
        typer.echo(f"内容目录不存在：{content}", err=True)
        raise typer.Exit(2)
    try:
        result = run(content, base)
    except ReviewError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2)
    if format is DiffFormat.json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(markdown(result), nl=False)
    raise typer.Exit(0 if result.passed else 1)


@app.command("new-year")
def new_year_command(
    unit: str = typer.Argument(..., help="单位标识（content/units/ 下的目录名）"),
    year: Optional[int] = typer.Option(None, "--year", "-y", help="新年度（默认为最新年度加 1）"),
    content: Path = ContentOption,
) -> None:
    """从最新年度复制出新年度：改年度、固定资产截止时间、适用的模板；去掉上年的偏差确认；正文数字标记待核。"""
    from generator.newyear import NewYearError, new_year

    try:
        result = new_year(content, unit, year)
    except NewYearError as exc:
        typer.echo(f"未生成：{exc}", err=True)
        raise typer.Exit(1)
    typer.echo(f"已生成 {result.target}（复制自 {result.source_year} 年度）")
    changed = "（按年度改用）" if result.profile_changed else ""
    typer.echo(f"  公开模板：{result.profile or '（站点默认）'}{changed}")
    if result.profile_note:
        typer.echo(f"  注意：{result.profile_note}")
    typer.echo(f"  固定资产截止时间：{result.year - 1}-12-31")
    for item in result.dropped:
        typer.echo(f"  已去掉：{item}")
    typer.echo(f"  正文中 {result.marked} 处金额和年份已标记“【待核】”，check 逐条列出（I001），改好后删去标记")


@app.command("new-unit")
def new_unit_command(
    unit: str = typer.Argument(..., help="新单位的标识（小写字母、数字和连字符）"),
    name: str = typer.Option(..., "--name", help="单位全称"),
    profile: str = typer.Option(..., "--profile", help="公开模板标识，如 hebei-langfang-unit"),
    year: int = typer.Option(..., "--year", "-y", help="预算年度"),
    level: str = typer.Option("市级", "--level", help="预算级次：省级、市级、区级、县级、乡镇级"),
    content: Path = ContentOption,
) -> None:
    """按公开模板新建一个没有往年公开的单位：unit.yaml、本年度的 budget.yaml 和按模板章节排好的 narrative.md。"""
    from generator.newyear import NewYearError, new_unit

    if not content.is_dir():
        typer.echo(f"内容目录不存在：{content}（新建站点请先建好该目录）", err=True)
        raise typer.Exit(2)
    had_site = (content / "site.yaml").exists()
    try:
        made = new_unit(content, unit, name, year, profile, level)
    except NewYearError as exc:
        typer.echo(f"未生成：{exc}", err=True)
        raise typer.Exit(1)
    typer.echo(f"已生成 {made}：unit.yaml、{year}/budget.yaml、{year}/narrative.md；待填写处标有“【待核】”")
    if not had_site:
        typer.echo(f"  已新建网站设置 {content / 'site.yaml'}：请改为本网站的名称与发布机关")


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    docx = "docx"
    all = "all"


@app.command("export")
def export_command(
    unit: str = typer.Argument(..., help="单位标识（content/units/ 下的目录名）"),
    year: Optional[int] = typer.Argument(None, help="年度（默认为最新年度）"),
    format: ExportFormat = typer.Option(ExportFormat.all, "--format", "-f", help="xlsx（各标准表）、docx（全文）或 all"),
    output: Path = typer.Option(Path("."), "--output", "-o", help="输出目录"),
    content: Path = ContentOption,
) -> None:
    """导出报送用文件：各标准表为 Excel 工作簿（每表一个工作表，版式同公开文本），全文为 Word 文档。"""
    from generator.check import check_site
    from generator.diagnostics import Severity
    from generator.document import build_document
    from generator.files import write_atomically
    from generator.filing import FORMATS, exported, file_name

    if not content.is_dir():
        typer.echo(f"内容目录不存在：{content}", err=True)
        raise typer.Exit(2)
    report = check_site(content)
    years = sorted(y.year for u in report.site.units if u.id == unit for y in u.years)
    if not years:
        known = "、".join(sorted(u.id for u in report.site.units)) or "（无）"
        typer.echo(f"未导出：没有单位“{unit}”（已有单位：{known}）", err=True)
        raise typer.Exit(2)
    year = year or years[-1]
    ctx = report.contexts.get(f"{unit}/{year}") if year in years else None
    if ctx is None:
        said = "、".join(str(y) for y in years)
        typer.echo(f"未导出：单位“{unit}”没有 {year} 年度（已有年度：{said}）" if year not in years else
                   f"未导出：{unit}/{year} 的数据无法读取（用 budgetsite check 查看）", err=True)
        raise typer.Exit(2)
    errors = [d for d in report.diagnostics if d.unit == unit and d.year == year and d.severity is Severity.ERROR
              and d.acknowledged is None]
    if errors:
        for diagnostic in errors:
            typer.echo(diagnostic.to_text(), err=True)
        typer.echo(f"未导出：{unit}/{year} 未通过检查（{len(errors)} 个错误）", err=True)
        raise typer.Exit(1)
    doc = build_document(ctx, report.site)
    output.mkdir(parents=True, exist_ok=True)
    for fmt in FORMATS if format is ExportFormat.all else (format.value,):
        target = output / file_name(unit, year, fmt)
        write_atomically(target, exported(doc, fmt))
        typer.echo(f"已导出 {target}")


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="预算管理系统导出的 Excel 工作簿（.xlsx、.xls），或公开的 Word 文档（.docx）"),
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help="单位标识（小写字母、数字和连字符）；已有单位则导入为其新年度"),
    year: Optional[int] = typer.Option(None, "--year", "-y", help="预算年度（默认按文件中的表题判断）"),
    profile: Optional[str] = typer.Option(None, "--profile", help="公开模板标识（新单位；默认按文件内容选择）"),
    content: Path = ContentOption,
) -> None:
    """从 Excel 或 Word 导入一个年度：按表题和表头识别各表，写出 budget.yaml（每个值注明来源单元格）；
    合计行不作数据导入，与明细之和核对；无法导入的内容逐条列出。出错时不写任何文件。"""
    from generator.importing import import_file

    if not content.is_dir():
        typer.echo(f"内容目录不存在：{content}", err=True)
        raise typer.Exit(2)
    result = import_file(file, content, unit, year, profile)
    for problem in result.problems:
        typer.echo(problem.text(), err=problem.error)
    for line in result.imported.unmapped:
        typer.echo(f"未导入：{line}")
    if result.failed or result.written is None:
        errors = sum(1 for p in result.problems if p.error)
        typer.echo(f"未导入（{errors} 个错误），未写任何文件", err=True)
        raise typer.Exit(1)
    typer.echo(f"已导入 {result.written}：{'、'.join(result.files)}（识别 {len(result.imported.recognised)} 个表）")
    if result.site_written:
        typer.echo(f"  已新建网站设置 {result.site_written}：请改为本网站的名称与发布机关")
    if result.imported.unmapped:
        typer.echo(f"  {len(result.imported.unmapped)} 处未能导入，已列在 budget.yaml 开头，请手工补录")
    typer.echo("  下一步：budgetsite check 核对导入结果")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
