"""The rule catalogue (docs/rules.md), generated from the rules themselves so it never drifts.

`python -m generator.rules_doc` rewrites docs/rules.md; a test fails when the file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.rules import FAMILIES, Rule, load_all

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
SCOPES = {"load": "读取文件时", "disclosure": "每份公开", "site": "全站（跨单位、跨年度）",
          "import": "导入 Excel、Word 文件时（budgetsite import；有错误则不写任何文件）"}
FAMILY_SCOPES = {"D": "全部规则执行之后"}  # declared like load-time codes, but reported after every rule ran
HEADER = """\
# 检查规则一览

<!-- 本文件由 `python -m generator.rules_doc` 根据规则定义生成，请勿手工修改。 -->

`budgetsite check` 对每份公开逐条执行下列规则。每条诊断都写明文件、行、列和规则代码，例如
`content/units/x/2023/budget.yaml:42:7: B001 [错误] …`；用 `budgetsite explain 代码` 可在命令行查看同样的说明。

- **错误**：必须改正，或者——公开文本本身如此时——在 budget.yaml 的 `acknowledged` 中记录为已确认偏差并写明理由；
- **警告**：应当核对；`budgetsite check --strict` 时也视为失败；
- **提示**：仅供参考，`budgetsite check --info` 时显示。
"""


def render() -> str:
    """The whole catalogue as Markdown."""
    rules = sorted(load_all().values(), key=lambda r: r.code)
    parts = [HEADER, _summary(rules)]
    for letter, family in _families(rules):
        members = [r for r in rules if r.code[0] == letter]
        parts.append(f"## {family}（{letter}）\n")
        parts.extend(_rule_section(r) for r in members)
    return "\n".join(parts).rstrip("\n") + "\n"


def _families(rules: list[Rule]) -> list[tuple[str, str]]:
    """Families in the order FAMILIES lists them, then any unlisted letter."""
    letters = list(FAMILIES) + sorted({r.code[0] for r in rules} - set(FAMILIES))
    present = {r.code[0] for r in rules}
    return [(letter, FAMILIES.get(letter, "其他")) for letter in letters if letter in present]


def _summary(rules: list[Rule]) -> str:
    counts = {label: 0 for label in ("错误", "警告", "提示")}
    for r in rules:
        counts[r.severity.label] += 1
    listing = "、".join(f"{label} {n} 条" for label, n in counts.items() if n)
    rows = ["| 代码 | 级别 | 规则 |", "|---|---|---|"]
    rows += [f"| [{r.code}](#{r.code.lower()}) | {r.severity.label} | {r.title} |" for r in rules]
    return f"共 {len(rules)} 条规则：{listing}。\n\n" + "\n".join(rows) + "\n"


def _rule_section(r: Rule) -> str:
    lines = [
        f'<a id="{r.code.lower()}"></a>',
        f"### {r.code} {r.title}\n",
        f"- 级别：{r.severity.label}",
        f"- 检查时机：{FAMILY_SCOPES.get(r.code[0], SCOPES.get(r.scope, r.scope))}\n",
        "**检查什么、为什么**\n",
        f"{r.rationale}\n",
    ]
    if r.example:
        lines += ["**出错示例**\n", _code_block(r.example, "markdown" if r.code[0] == "N" else "yaml")]
    lines += ["**怎么改**\n", f"{r.fix}\n"]
    return "\n".join(lines)


def _code_block(text: str, language: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text.rstrip()}\n{fence}\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m generator.rules_doc [FILE]` writes the catalogue (docs/rules.md by default);
    `--check` only says whether docs/rules.md is current (exit 1 when it is not)."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--check"]:
        current = DOC_PATH.is_file() and DOC_PATH.read_text(encoding="utf-8") == render()
        print(f"{DOC_PATH} 已是最新" if current else f"{DOC_PATH} 已过期：运行 python -m generator.rules_doc")
        return 0 if current else 1
    if len(args) > 1 or (args and args[0].startswith("-")):
        print("用法：python -m generator.rules_doc [输出文件] | --check", file=sys.stderr)
        return 2
    target = Path(args[0]) if args else DOC_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"已写入 {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
