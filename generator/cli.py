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
) -> None:
    """检查内容：格式、合计、表间关系、科目、正文数字。退出码 0 通过，1 有错误，2 用法错误。"""
    from generator.check import check_site
    from generator.diagnostics import Severity

    started = time.perf_counter()
    report = check_site(content)
    elapsed = time.perf_counter() - started
    shown = [d for d in report.diagnostics if show_info or d.severity is not Severity.INFO or format is Format.json]
    if format is Format.json:
        payload = {"summary": _summary(report, elapsed), "diagnostics": [d.to_json() for d in shown]}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for diagnostic in shown:
            typer.echo(diagnostic.to_text())
        s = _summary(report, elapsed)
        typer.echo(
            f"检查了 {s['units']} 个单位、{s['disclosures']} 份公开：{s['errors']} 个错误，{s['warnings']} 个警告，"
            f"{s['acknowledged']} 个已确认偏差，{s['info']} 个提示（{elapsed:.2f} 秒）"
        )
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
        "seconds": round(elapsed, 3),
    }


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


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
