"""`budgetsite review [BASE]`: what a pull request changes in the content, for the reviewer.

Against BASE (a git ref; the comparison starts at its merge base with HEAD, and ends at the working
tree), it lists the disclosures added, changed and removed, the result of `check --strict` on each,
and each changed disclosure's figure-level diff (generator/versions.py compares the two states the
same way it compares two published versions). Output: Markdown (a GitHub step summary, a GitLab note)
or JSON. Read-only: git is only asked for the merge base, the changed paths and the base files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import versions

YEAR_FILE = re.compile(r"^units/(?P<unit>[^/]+)/(?P<year>[0-9]{4})/")
UNIT_FILE = re.compile(r"^units/(?P<unit>[^/]+)/")


class ReviewError(Exception):
    """Why there is nothing to review (in Chinese)."""


@dataclass
class Changed:
    unit: str
    year: int
    status: str  # 新增 | 修改 | 删除
    errors: list[str] = field(default_factory=list)  # diagnostics as text
    warnings: list[str] = field(default_factory=list)
    correction: object = None  # versions.Correction: what changed against BASE (修改)
    year_diff: object = None  # diff.YearDiff against last year (新增)

    def to_json(self) -> dict:
        out = {"unit": self.unit, "year": self.year, "status": self.status, "errors": self.errors,
               "warnings": self.warnings, "passed": not (self.errors or self.warnings)}
        if self.correction is not None:
            out["changes"] = [s.to_json() for s in self.correction.sections]
            out["narrative"] = self.correction.narrative
        if self.year_diff is not None:
            out["year_diff"] = self.year_diff.to_json()
        return out


@dataclass
class Review:
    base: str
    merge_base: str
    changed: list[Changed]
    site_files: list[str]  # changed files outside units/ (settings, profiles, catalogue)

    @property
    def passed(self) -> bool:
        return all(not (c.errors or c.warnings) for c in self.changed)

    def to_json(self) -> dict:
        return {"base": self.base, "merge_base": self.merge_base, "passed": self.passed,
                "site_files": self.site_files, "disclosures": [c.to_json() for c in self.changed]}


def changed_paths(content: Path, base: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(merge base, [(status, old, new)]) of the content files, paths relative to content/."""
    content = content.resolve()
    found = versions._git_dir(content)
    if found is None:
        raise ReviewError(f"{content} 不在 git 仓库中，无法比较")
    top = found[0]
    merge_base = versions._git(top, "merge-base", base, "HEAD")
    if merge_base is None:
        raise ReviewError(f"找不到 git 引用“{base}”（或它与 HEAD 没有共同祖先）")
    merge_base = merge_base.decode().strip()
    relative = os.path.relpath(content, top)
    out = versions._git(top, "diff", "--name-status", "-M", merge_base, "--", relative)
    untracked = versions._git(top, "ls-files", "--others", "--exclude-standard", "--", relative)
    if out is None or untracked is None:
        raise ReviewError("git diff 失败")
    prefix = relative.rstrip("/") + "/" if relative != "." else ""
    changes = []
    for line in out.decode("utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        status = parts[0][:1]
        old, new = (parts[1], parts[2]) if status in "RC" and len(parts) > 2 else (parts[1], parts[-1])
        changes.append((status, old.removeprefix(prefix), new.removeprefix(prefix)))
    changes += [("A", p, p) for p in (p.removeprefix(prefix) for p in untracked.decode().splitlines()) if p]
    return merge_base, changes


def review(content: Path, base: str) -> Review:
    from generator.check import check_site

    merge_base, changes = changed_paths(content, base)
    touched: dict[tuple[str, int], str] = {}
    units_touched: set[str] = set()
    site_files = []
    for status, old, new in changes:
        for path, gone in ((old, status in "DR"), (new, status == "D")):
            year = YEAR_FILE.match(path)
            if year:
                key = (year["unit"], int(year["year"]))
                touched.setdefault(key, "")
            elif UNIT_FILE.match(path):
                units_touched.add(UNIT_FILE.match(path)["unit"])
            elif not path.startswith("units/") and path not in site_files:
                site_files.append(path)
    report = check_site(content)
    site = report.site
    present = {(u.id, e.year): e for u in site.units for e in u.years}
    for unit in site.units:  # unit.yaml changed: each of its years is affected
        if unit.id in units_touched:
            for entry in unit.years:
                touched.setdefault((unit.id, entry.year), "")
    top = Path(versions._git_dir(content.resolve())[0])
    changed = []
    for unit_id, year in sorted(touched):
        entry = present.get((unit_id, year))
        if entry is None:
            changed.append(Changed(unit_id, year, "删除"))
            continue
        item = _with_check(Changed(unit_id, year, ""), report, entry.key)
        base_version = _base_version(site, entry, top, merge_base, content)
        ctx = report.context(entry.key)
        if base_version is None:
            item.status = "新增"
            if ctx is not None:
                from generator.diff import year_diff_of

                found = year_diff_of(report, unit_id, year)
                item.year_diff = None if isinstance(found, str) else found
        else:
            item.status = "修改"
            if ctx is not None and base_version.disclosure is not None:
                now = versions._Version(versions.State("", "", {}), ctx.disclosure, ctx.figures, _sections(entry))
                item.correction = versions._compare(site, base_version, now)
        changed.append(item)
    return Review(base, merge_base, changed, site_files)


def _with_check(item: Changed, report, key: str) -> Changed:
    from generator.diagnostics import Severity

    unit, year = key.split("/")
    for d in report.all_diagnostics():
        if d.unit == unit and str(d.year) == year and d.acknowledged is None:
            if d.severity is Severity.ERROR:
                item.errors.append(d.to_text())
            elif d.severity is Severity.WARNING:
                item.warnings.append(d.to_text())
    return item


def _base_version(site, entry, top: Path, merge_base: str, content: Path):
    """The disclosure as it is at the merge base (same paths; a renamed folder counts as new)."""
    log = versions.Log(top, [])
    paths = {name: os.path.relpath((entry.dir / name).resolve(), top) for name in versions.DISCLOSURE_FILES}
    texts = versions.read_blobs(log, [(merge_base, p) for p in paths.values()])
    if texts.get((merge_base, paths["budget.yaml"])) is None:
        return None
    state = versions.State(merge_base, "", paths)
    return versions._version(site, entry, state, texts)


def _sections(entry) -> dict[str, tuple[str, str]]:
    sections: dict[str, tuple[str, str]] = {}
    if entry.narrative is not None:
        for section in entry.narrative.sections:
            sections[section.spec_id or section.heading] = (section.heading, section.body.strip())
        sections["preamble"] = ("前言", entry.narrative.preamble.strip())
    return sections


def markdown(result: Review) -> str:
    from generator.diff import markdown as year_markdown, section_markdown

    verdict = "✅ 全部通过 check --strict" if result.passed else "❌ 有未通过 check --strict 的公开"
    out = [f"## 预算公开内容审阅（对比 {result.base}，{result.merge_base[:10]}）", "", verdict, ""]
    if result.site_files:
        out += ["站点设置改动（影响全部单位）：" + "、".join(f"`{p}`" for p in result.site_files), ""]
    if not result.changed:
        out += ["没有公开内容改动。", ""]
    out += ["| 单位 | 年度 | 改动 | 错误 | 警告 |", "|---|---:|---|---:|---:|"]
    out += [f"| {c.unit} | {c.year} | {c.status} | {len(c.errors)} | {len(c.warnings)} |" for c in result.changed]
    out.append("")
    for c in result.changed:
        out += [f"### {c.unit} {c.year}年（{c.status}）", ""]
        if c.errors or c.warnings:
            out += ["```", *c.errors, *c.warnings, "```", ""]
        if c.correction is not None:
            if c.correction.narrative:
                out += ["改动的正文：" + "、".join(c.correction.narrative), ""]
            for section in c.correction.sections:
                out += section_markdown(section, "####")
        elif c.status == "修改":
            out += ["数据与正文均无实质改动。", ""]
        if c.year_diff is not None:
            out += [year_markdown(c.year_diff, "####")]
    return "\n".join(out).rstrip() + "\n"
