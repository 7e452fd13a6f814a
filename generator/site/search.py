"""Offline full-text search: pagefind (extended build, which segments Chinese) indexes the output; for pages
opened from disk (file://, where pagefind cannot load), a plain-script index (offline_search.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.site.offline_search import write_index


class SearchIndexError(RuntimeError):
    pass


def index_site(site_dir: Path, cache_dir: Path | None = None) -> None:
    """Write pagefind/ (index, fragments, UI files) and search-index.js into site_dir, side by side
    (pagefind runs in its own process). Raises SearchIndexError on failure."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind", "--silent"]
    pagefind = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        write_index(site_dir, cache_dir / "offline-search.pickle" if cache_dir is not None else None)
    finally:
        stdout, stderr = pagefind.communicate()
    if pagefind.returncode != 0:
        raise SearchIndexError(f"pagefind 生成搜索索引失败：{stderr.strip() or stdout.strip()}")
