"""Themes: Jinja2 templates and static files, a site theme layered over the default one."""

from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

DEFAULT_THEME = Path(__file__).resolve().parents[2] / "themes" / "default"


def theme_dirs(content: Path, settings) -> list[Path]:
    """Site theme first (when configured), then the default theme."""
    dirs = []
    if settings is not None and settings.theme:
        dirs.append((content.parent / settings.theme).resolve())
    dirs.append(DEFAULT_THEME)
    return dirs


def cell_class(cell, row=None) -> str:
    classes = ["num" if cell.numeric else cell.kind]
    if row is not None and row.indent and cell.kind == "label":
        classes.append(f"indent-{row.indent}")
    return " ".join(classes)


def row_class(row) -> str:
    classes = [f"lvl-{row.level}"] if row.level else []
    if row.total:
        classes.append("total")
    if row.indent:
        classes.append(f"indent-row-{row.indent}")
    return " ".join(classes)


def is_row_header(row, index: int, cell) -> bool:
    """The label cells are row headers; a table without label cells uses its first column."""
    if not cell.text:
        return False
    if cell.kind == "label":
        return True
    return index == 0 and not any(c.kind == "label" for c in row.cells) and not cell.numeric


@dataclass(frozen=True)
class RowView:
    cls: str  # the row's classes
    cells: Markup  # its cells as HTML: <th scope="row" …> for row headers, <td …> for the others


def body_rows(table) -> list[RowView]:
    """A table's body rows with each cell's markup made here, once: tables are most of a disclosure
    page, and three template calls and three escapes per cell cost more than the rest of the page.
    The cell text is escaped; classes and spans are the generator's own."""
    views = []
    for row in table.rows:
        cells, index = [], 0
        for cell in row.cells:
            if cell.kind == "merged":
                continue
            spans = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
            tag, scope = ("th", ' scope="row"') if is_row_header(row, index, cell) else ("td", "")
            cells.append(f'<{tag}{scope} class="{cell_class(cell, row)}"{spans}>{escape(cell.text)}</{tag}>')
            index += 1
        views.append(RowView(row_class(row), Markup("".join(cells))))
    return views


def environment(dirs: list[Path]) -> jinja2.Environment:
    """One environment per theme per process, so compiled templates are kept. It is keyed by the
    template files and their times too: a template added to a site theme must replace the default's."""
    return _environment(tuple(dirs), _template_stamps(dirs))


def _template_stamps(dirs: list[Path]) -> tuple:
    stamps = []
    for d in dirs:
        for path in sorted((d / "templates").rglob("*")) if (d / "templates").is_dir() else []:
            stamps.append((str(path), path.stat().st_mtime_ns))
    return tuple(stamps)


@functools.lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...], stamps: tuple) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d / "templates")) for d in dirs])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    env.globals.update(cell_class=cell_class, row_class=row_class, is_row_header=is_row_header, body_rows=body_rows)
    return env


def copy_static(dirs: list[Path], output: Path) -> None:
    """Default static files first, then the site theme's on top (same name wins)."""
    target = output / "static"
    for d in reversed(dirs):
        if (d / "static").is_dir():
            shutil.copytree(d / "static", target, dirs_exist_ok=True)
