"""`budgetsite build`: check → documents → pages and downloads → search index → swap into place.

The site is rendered into a temporary sibling directory and moved over the previous output only
when everything succeeded, so a failed build leaves the previous site untouched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from generator.check import Report, check_site
from generator.site import SiteBuilder
from generator.site.search import index_site


class BuildRefused(Exception):
    """The content fails `check`; the report says why."""

    def __init__(self, report: Report):
        super().__init__("内容未通过检查")
        self.report = report


@dataclass
class BuildResult:
    output: Path
    units: int
    disclosures: int
    pages: int
    files: int
    seconds: float
    build_id: str


def _staging(output: Path, tag: str) -> Path:
    path = output.parent / f".{output.name}.{tag}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    return path


def _build_id(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _swap(staging: Path, output: Path) -> None:
    """Replace output by staging; the old tree is renamed away first and removed last."""
    old = _staging(output, "old")
    if output.exists():
        os.replace(output, old)
    try:
        os.replace(staging, output)
    except OSError:
        if old.exists():
            os.replace(old, output)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build(content: Path, output: Path, *, search: bool = True, live_reload: bool = False,
          progress=None) -> BuildResult:
    """Build the site. `progress` is an optional factory: progress(total) -> callable advancing one step."""
    started = time.perf_counter()
    report = check_site(content)
    if report.failed():
        raise BuildRefused(report)
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = _staging(output, "tmp")
    staging.mkdir()
    try:
        builder = SiteBuilder(report, staging, output.parent / ".cache" / "charts", live_reload, [output])
        steps = 2 * len(report.contexts)
        with (progress(steps) if progress else nullcontext(None)) as advance:
            builder.documents(advance)
            builder.build(advance)
        _carry_pdfs(output, staging)
        if search:
            index_site(staging)
        build_id = _build_id(staging)
        if live_reload:
            (staging / "build-id.txt").write_text(build_id, encoding="utf-8")
        files = sum(1 for p in staging.rglob("*") if p.is_file())
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(output, len(report.site.units), len(report.contexts), builder.pages, files,
                       time.perf_counter() - started, build_id)


def _carry_pdfs(output: Path, staging: Path) -> None:
    """PDFs (unit PDFs and compendia) are written by `budgetsite pdf` into the output; keep them across rebuilds."""
    if not output.is_dir():
        return
    for pdf in sorted(output.rglob("*.pdf")):
        target = staging / pdf.relative_to(output)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(pdf, target)