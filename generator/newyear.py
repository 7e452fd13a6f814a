"""`budgetsite new-year` and `new-unit`: this year's files started from last year's, or from a profile.

new-year copies the latest year's budget.yaml and narrative.md into the new year's folder with what a
copy must change already changed (year, fixed_assets.as_of, the profile for the year) and what it must
not keep dropped (last year's acknowledgements, previous_year: the repository has last year's figures,
published date and title). The copied figures are still last year's, so the narrative marks every amount
and year it states with REVIEW_MARK; `check` reports each mark (I001) until the officer has looked at it.
The folder is written under a temporary name and renamed at the end: nothing is left on failure.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.yaml_emit import emit
from generator.yamlsource import load_yaml

REVIEW_MARK = "【待核】"
# An amount (1043.55万元, 0万元, 3元, 95%) or a year (2023年) the text states; not inside a {{ figure }}.
STATED = re.compile(r"(?<![\d.{])(?:\d{4}(?=\s*年)|\d+(?:\.\d+)?(?=\s*(?:万元|元|%|％)))")
PLACEHOLDER_OR_MARKER = re.compile(r"\{\{[^{}]*\}\}")


class NewYearError(Exception):
    """A reason the new year cannot be made; its message is for the officer (Chinese)."""


@dataclass
class NewYearResult:
    target: Path
    source_year: int
    year: int
    profile: str
    profile_changed: bool
    dropped: list[str] = field(default_factory=list)  # acknowledgements and fields left behind
    marked: int = 0  # amounts and years marked for review in the narrative
    profile_note: str = ""  # why the profile could not be chosen for the year, if so


def latest_year(unit_dir: Path) -> int:
    years = sorted(int(p.name) for p in unit_dir.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4)
    if not years:
        raise NewYearError(f"{unit_dir}：没有年度目录，无从复制（新单位请用 new-unit）")
    return years[-1]


def mark_for_review(text: str) -> tuple[str, int]:
    """The narrative with REVIEW_MARK before every stated amount and year (placeholders left alone:
    they follow the data)."""
    out, count = [], 0
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("#"):  # headings keep their wording (they are matched to the profile)
            out.append(line)
            continue
        kept = [(m.start(), m.end()) for m in PLACEHOLDER_OR_MARKER.finditer(line)]
        pieces, last = [], 0
        for match in STATED.finditer(line):
            if any(a <= match.start() < b for a, b in kept):
                continue
            pieces.append(line[last:match.start()] + REVIEW_MARK + match.group())
            last = match.end()
            count += 1
        out.append("".join(pieces) + line[last:])
    return "".join(out), count


def choose_profile(site, current: str, year: int) -> str:
    """The profile for `year`: the current one when its `years` cover the year, else the one profile of
    the same kind that covers it (the next template of the same region first: same id prefix)."""
    profile = site.profiles.get(current)
    if profile is None or profile.years is None or profile.years.covers(year):
        return current
    candidates = [p for p in site.profiles.values()
                  if p.kind == profile.kind and p.years is not None and p.years.covers(year)]
    if not candidates:
        return current  # check says so (Y007); no profile is invented here
    prefix = current.rsplit("-", 1)[0]
    candidates.sort(key=lambda p: (not p.id.startswith(prefix), p.id))
    return candidates[0].id


def carry_budget(data: dict, year: int, profile: str, default_profile: str) -> tuple[dict, list[str]]:
    """Last year's budget.yaml data as this year's starting point, and what was left behind."""
    dropped: list[str] = []
    carried = dict(data)
    carried["year"] = year
    for key, why in (("previous_year", "上年数改由仓库中上年度的公开取得"), ("published", "公开日期"),
                     ("title", "标题按模板生成")):
        if key in carried:
            del carried[key]
            dropped.append(f"{key}（{why}）")
    for ack in carried.pop("acknowledged", None) or []:
        where = f"，{ack.get('at')}" if ack.get("at") else ""
        dropped.append(f"acknowledged：{ack.get('rule', '')}{where}（{ack.get('reason', '')}）")
    assets = carried.get("fixed_assets")
    if isinstance(assets, dict):
        carried["fixed_assets"] = {**assets, "as_of": f"{year - 1}-12-31"}
    if profile and profile != default_profile:
        carried = _with_profile(carried, profile)
    elif "profile" in carried and profile == default_profile:
        del carried["profile"]
    return carried, dropped


def _with_profile(data: dict, profile: str) -> dict:
    """`profile` written right after `year`, where a reader looks for it."""
    out = {}
    for key, value in data.items():
        if key == "profile":
            continue
        out[key] = value
        if key == "year":
            out["profile"] = profile
    return out


def new_year(content: Path, unit_id: str, year: int | None = None) -> NewYearResult:
    from generator.content import load_site

    unit_dir = content / "units" / unit_id
    if not (unit_dir / "unit.yaml").is_file():
        raise NewYearError(f"单位不存在：{unit_dir / 'unit.yaml'}")
    source_year = latest_year(unit_dir)
    year = year if year is not None else source_year + 1
    target = unit_dir / str(year)
    if target.exists():
        raise NewYearError(f"{target} 已存在，不覆盖（要重做，先删除或改名该目录）")
    if year <= source_year:
        raise NewYearError(f"{year} 年度不晚于已有的最新年度 {source_year}，new-year 只向后复制")
    source = unit_dir / str(source_year)
    doc = load_yaml(source / "budget.yaml")
    if doc.problems or not isinstance(doc.data, dict):
        first = doc.problems[0] if doc.problems else None
        where = f"{first.line}:{first.column}: {first.message}" if first else "不是映射"
        raise NewYearError(f"{source / 'budget.yaml'}:{where}（先用 check 修正上年度的文件）")
    site = load_site(content, only={unit_id})
    unit = site.units[0].unit if site.units else None
    unit_profile = (unit.profile if unit else "") or (site.settings.default_profile if site.settings else "")
    current = doc.data.get("profile") or unit_profile
    profile = choose_profile(site, current, year)
    budget, dropped = carry_budget(doc.data, year, profile, unit_profile)
    header = (f"由 budgetsite new-year 从 {source_year} 年度复制（{source_year} 年度的文件未改动）。\n"
              f"金额仍是 {source_year} 年度数：请按 {year} 年预算逐项更新；上年数取自仓库中 {source_year} 年度的公开。")
    files = {"budget.yaml": emit(budget, header)}
    marked = 0
    narrative = source / "narrative.md"
    if narrative.is_file():
        files["narrative.md"], marked = mark_for_review(narrative.read_text(encoding="utf-8"))
    write_folder(target, files)
    chosen = site.profiles.get(profile)
    note = "" if chosen is None or chosen.years is None or chosen.years.covers(year) else (
        f"没有适用于 {year} 年度的同类模板，沿用 {profile}（适用于 {chosen.years.describe()}；check 报 Y007）")
    return NewYearResult(target, source_year, year, profile, profile != current, dropped, marked, note)


def write_folder(target: Path, files: dict[str, str | bytes]) -> None:
    """All files of a new folder or none: written into a temporary sibling, renamed to `target` last."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name, data in files.items():
            path = temp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temp, 0o755)
        os.rename(temp, target)  # fails if target appeared meanwhile: never overwritten
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


# ---- new-unit ------------------------------------------------------------------------------------

def new_unit(content: Path, unit_id: str, name: str, year: int, profile_id: str, level: str) -> Path:
    """A unit with no history: unit.yaml, and the year's budget.yaml and narrative.md laid out by the
    profile (its section headings, its tables' markers), every figure left for the officer to write."""
    from generator.content import UNIT_ID, load_site
    if not UNIT_ID.match(unit_id):
        raise NewYearError(f"单位标识“{unit_id}”只能用小写字母、数字和连字符")
    unit_dir = content / "units" / unit_id
    if unit_dir.exists():
        raise NewYearError(f"{unit_dir} 已存在，不覆盖（已有单位的新年度请用 new-year）")
    site = load_site(content, only=set())
    profile = site.profiles.get(profile_id)
    if profile is None:
        raise NewYearError(f"未知的公开模板“{profile_id}”（可用：{'、'.join(sorted(site.profiles))}）")
    unit = {"name": name, "kind": profile.kind, "level": level, "profile": profile_id}
    budget = {"year": year, "institutions": [{"name": name, "nature": "行政", "funding": "财政拨款"}]}
    files = {"unit.yaml": emit(unit, f"由 budgetsite new-unit 按模板 {profile_id} 生成；请核对单位性质、规格等"),
             f"{year}/budget.yaml": emit(budget, "由 budgetsite new-unit 生成：请按本年预算填写各项金额"),
             f"{year}/narrative.md": skeleton_narrative(profile, name, year)}
    write_folder(unit_dir, files)
    write_starter_site(content, profile_id, name)
    return unit_dir


def write_starter_site(content: Path, profile_id: str, publisher: str) -> Path | None:
    """site.yaml for a content folder that has none yet (the first unit of a new site), so that the new
    unit checks and builds at once; the officer then names the site. Written after the unit's folder, so
    a failed run leaves nothing; an existing site.yaml is never touched. The path written, or None."""
    from generator.files import write_atomically

    path = content / "site.yaml"
    if path.exists():
        return None
    settings = {"title": "预算信息公开", "publisher": publisher, "base_path": "/", "default_profile": profile_id}
    write_atomically(path, emit(settings, "网站设置（新建站点时生成）：请改为本网站的名称与发布机关，见 docs/content-format.md"))
    return path


def skeleton_narrative(profile, name: str, year: int) -> str:
    """narrative.md laid out by the profile: its preamble, its section headings with a 【待核】 line to
    write (I001 until written), and its tables' markers (new-unit, and import of a workbook)."""
    from generator.document import numbered

    lines = [_fill(profile.preamble, name, year, profile.kind) if profile.preamble else "", ""]
    for table_id in profile.front_tables:
        lines += [f"{{{{table:{table_id}}}}}", ""]
    for number, spec in enumerate(profile.sections, start=1):
        lines += [f"## {numbered(number, profile.section_numbering)}{spec.title.replace('{kind}', profile.kind)}", ""]
        if not spec.glossary:
            lines += [f"{REVIEW_MARK}（请填写本部分内容）", ""]
        lines += [line for t in spec.tables for line in (f"{{{{table:{t}}}}}", "")]
    return "\n".join(lines).rstrip() + "\n"


def _fill(template: str, unit: str, year: int, kind: str) -> str:
    return template.replace("{unit}", unit).replace("{year}", str(year)).replace("{kind}", kind)
