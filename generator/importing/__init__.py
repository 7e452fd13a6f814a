"""`budgetsite import`: the budget system's export (.xlsx, .xls) or a published Word disclosure (.docx)
into budget.yaml (and narrative.md, and unit.yaml for a unit new to the site).

Nothing is written when the file cannot be read, holds no disclosure table, or has an amount that is
not a number: the problems are listed, each naming file, sheet (or Word table) and cell. Otherwise the
year's folder is written whole (temporary folder renamed, generator.newyear.write_folder), every value
commented with its cell, and what could not be mapped is listed in the file's head and on the screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.yaml_emit import Commented, emit
from generator.importing.grids import ReadError, read_workbook
from generator.importing.mapping import Mapper
from generator.importing.tables import UNIT_LINE, YEAR, Imported, Problem, Recognised, normal, recognise

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
KIND = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*(?:度)?\s*(?P<kind>部门|单位)预算")
BUDGET_YEAR = re.compile(r"预算年度[:：](?P<year>(?:19|20)\d{2})")
UNIT_CODE = re.compile(r"^(?P<code>\d{3,12})\s*(?P<name>\S.*)$")


@dataclass
class ImportResult:
    imported: Imported
    written: Path | None = None
    files: list[str] = field(default_factory=list)
    profile: str = ""
    site_written: Path | None = None  # site.yaml, made when the content folder had none

    @property
    def problems(self) -> list[Problem]:
        return self.imported.problems

    @property
    def failed(self) -> bool:
        return any(p.error for p in self.problems)


def read_file(path: Path) -> tuple[Imported, list, dict[str, list[Recognised]]]:
    out = Imported()
    flow = None  # a Word document's paragraphs and tables in order (generator/importing/docx_reader.py)
    if not path.is_file():
        out.problems.append(Problem("I002", str(path), "文件不存在"))
        return out, flow, {}
    suffix = path.suffix.lower()
    try:
        if suffix in WORKBOOK_SUFFIXES:
            grids = read_workbook(path)
        elif suffix == ".docx":
            return _read_docx(path, out)
        else:
            out.problems.append(Problem("I002", path.name, "不支持的文件类型", expected=".xlsx、.xls 或 .docx",
                                        found=suffix or "（无扩展名）"))
            return out, flow, {}
    except ReadError as exc:
        out.problems.append(Problem(exc.code, path.name, str(exc)))
        return out, flow, {}
    tables: dict[str, list[Recognised]] = {}
    for grid in grids:
        rec = recognise(grid)
        if rec is None:
            if any(v is not None for row in grid.rows for v in row):
                out.unmapped.append(f"{grid.file}:{grid.name}：未识别为预算公开表格（标题、表头都不是标准表），未导入")
            continue
        tables.setdefault(rec.id, []).append(rec)
        out.recognised.append(f"{rec.id} ← {grid.name}")
    if not tables:
        out.problems.append(Problem("I003", path.name, "文件中没有可识别的预算公开表格（按表题和表头识别）",
                                    expected="收支总表、支出总表、“三公”经费表、机构设置表等", found=f"{len(grids)} 个工作表或表格，均未识别"))
        return out, flow, tables
    _identity(out, tables, flow)
    Mapper(out, tables).run()
    return out, flow, tables


def _read_docx(path: Path, out: Imported):
    """A Word disclosure: its tables recognised and mapped as a workbook's sheets are (I010 when the
    file cannot be read, I011 when no table is a disclosure's)."""
    from generator.importing.docx_reader import read_docx

    try:
        grids, flow = read_docx(path)
    except ReadError as exc:
        out.problems.append(Problem("I010", path.name, str(exc)))
        return out, None, {}
    tables = _recognised(out, grids)
    if not tables:
        out.problems.append(Problem("I011", path.name, "文档中没有可识别的预算公开表格（按表题和表头识别），不是预算公开文件？",
                                    expected="收支总表、支出总表、“三公”经费表、机构设置表等",
                                    found=f"{len(grids)} 个表格，均未识别"))
        return out, flow, tables
    _identity(out, tables, flow)
    Mapper(out, tables).run()
    return out, flow, tables


def _recognised(out: Imported, grids) -> dict[str, list[Recognised]]:
    tables: dict[str, list[Recognised]] = {}
    for grid in grids:
        rec = recognise(grid)
        if rec is None:
            if any(v is not None for row in grid.rows for v in row):
                out.unmapped.append(f"{grid.file}:{grid.name}：未识别为预算公开表格（标题、表头都不是标准表），未导入")
            continue
        tables.setdefault(rec.id, []).append(rec)
        out.recognised.append(f"{rec.id} ← {grid.name}")
    return tables


def _identity(out: Imported, tables: dict[str, list[Recognised]], flow: list) -> None:
    """The unit's name and the year, from the title of the document or the tables' captions."""
    lines = [p.text.strip() for p in flow.paragraphs if p.text.strip()][:3] if flow else []
    for recs in tables.values():
        for rec in recs:
            lines += rec.grid.above + [" ".join(str(v) for v in row if v is not None) for row in rec.grid.rows[:rec.header_end]]
    for recs in tables.values():  # a caption row: the unit's name (after its code) beside 单位：万元
        for rec in recs:
            for row in rec.grid.rows[:rec.header_end]:
                texts = [str(v).strip() for v in row if v is not None]
                if not out.unit_name and len(texts) >= 2 and normal(texts[-1]).startswith("单位：") and \
                        not UNIT_LINE.match(normal(texts[0])):
                    code = UNIT_CODE.match(texts[0])
                    out.unit_name = code.group("name") if code else texts[0]
                    if code:
                        out.data.setdefault("_unit_code", code.group("code"))
    for line in lines:
        match = UNIT_LINE.match(normal(line.split("\t")[0])) or UNIT_LINE.match(normal(line))
        if match and not out.unit_name:
            name = match.group("name")
            code = UNIT_CODE.match(name)
            out.unit_name = code.group("name") if code else name
            if code:
                out.data.setdefault("_unit_code", code.group("code"))
        kind = KIND.search(normal(line))
        if kind and out.year is None:
            out.year = int(kind.group("year"))
            out.data.setdefault("_kind", kind.group("kind"))
            if not out.unit_name:
                out.unit_name = normal(line)[:kind.start()]
    stated = [int(m.group("year")) for line in lines for m in BUDGET_YEAR.finditer(normal(line))]
    if stated and (out.year is None or out.year not in stated):
        out.year = max(set(stated), key=stated.count)  # the tables' own 预算年度 line
    if out.year is None:
        years = [int(m.group("year")) for line in lines for m in YEAR.finditer(line)]
        out.year = years[0] if years else None
    for line in lines:  # a Word caption line "301唐山市…\t预算年度：2023年\t单位：万元": the unit's code before its name
        code = UNIT_CODE.match(line.split("\t")[0].strip()) if "\t" in line else None
        if code and normal(code.group("name")) == normal(out.unit_name):
            out.data.setdefault("_unit_code", code.group("code"))


def import_file(path: Path, content: Path, unit_id: str | None, year: int | None,
                profile_id: str | None = None, level: str | None = None) -> ImportResult:
    from generator.content import UNIT_ID, load_site
    from generator.importing.narrative import narrative_markdown, pick_profile, unit_fields
    from generator.importing.stated import take_stated_figures
    from generator.newyear import skeleton_narrative, write_folder, write_starter_site

    imported, flow, tables = read_file(path)
    result = ImportResult(imported)
    if result.failed:
        return result
    year = year or imported.year
    if year is None:
        imported.problems.append(Problem("I008", path.name, "无法从文件判断预算年度", expected="--year 2024"))
    if not unit_id or not UNIT_ID.match(unit_id):
        imported.problems.append(Problem("I008", path.name, "请用 --unit 指定单位标识（小写字母、数字和连字符）",
                                         found=unit_id or "（未指定）"))
    if result.failed:
        return result
    unit_dir = content / "units" / unit_id
    target = unit_dir / str(year)
    if target.exists():
        imported.problems.append(Problem("I009", str(target), "该年度目录已存在，不覆盖", expected="一个尚无该年度的单位"))
        return result
    site = load_site(content, only={unit_id})
    existing = site.units[0].unit if site.units and site.units[0].unit else None
    kind = imported.data.pop("_kind", None) or (existing.kind if existing else None)
    code = imported.data.pop("_unit_code", "")
    profile = pick_profile(site, profile_id or (existing.profile if existing else ""), kind, year, imported, flow, tables)
    result.profile = profile.id if profile else ""
    files: dict[str, str] = {}
    if flow and profile is not None:
        files["narrative.md"] = narrative_markdown(flow, tables, profile, imported, path.name)
        last_year_held = bool(site.units) and any(e.year == year - 1 for e in site.units[0].years)
        take_stated_figures(files["narrative.md"], profile, site.patterns, imported, year, not last_year_held)
    elif profile is not None:  # a workbook has tables only: the text is the officer's to write (I001 lists it)
        files["narrative.md"] = skeleton_narrative(profile, imported.unit_name or unit_id, year)
    data = {"year": year, **_ordered(imported.data)}
    unmapped = "\n".join(f"未导入：{line}" for line in imported.unmapped)
    where = "表格序号、行与列" if flow else "工作表!单元格"  # a Word file has tables, not sheets
    if flow:
        where += "，或正文行号"
    header = f"由 budgetsite import 从 {path.name} 导入；每个值后注明来源（{where}）。\n" + unmapped
    files = {"budget.yaml": emit(data, header.strip()), **files}
    if existing is None:
        unit = {"name": imported.unit_name or unit_id, "code": code, "kind": kind or (profile.kind if profile else "单位"),
                "level": level or _level(imported.unit_name), "profile": result.profile}
        unit.update(unit_fields(imported, unit["kind"]))
        unit = {k: v for k, v in unit.items() if v != ""}
        write_folder(unit_dir, {"unit.yaml": emit(unit, f"由 budgetsite import 从 {path.name} 生成"),
                                **{f"{year}/{name}": text for name, text in files.items()}})
        result.files = ["unit.yaml"] + [f"{year}/{name}" for name in files]
        result.written = unit_dir
        if profile is not None:
            result.site_written = write_starter_site(content, profile.id, unit["name"])
    else:
        write_folder(target, files)
        result.files = list(files)
        result.written = target
    return result


ORDER = ("institutions", "functional", "economic", "totals", "three_public", "previous_year", "procurement",
         "fixed_assets")


def _ordered(data: dict) -> dict:
    return {k: data[k] for k in ORDER if k in data} | {k: v for k, v in data.items() if k not in ORDER}


def _level(name: str) -> str:
    for word, level in (("省", "省级"), ("区", "区级"), ("县", "县级"), ("乡", "乡镇级"), ("镇", "乡镇级")):
        if word in name.replace("省人民", "").replace("河北省", ""):
            if word == "省" and "市" in name:
                continue
            return level
    return "市级"
