"""Offline full-text search: pagefind (extended build, which segments Chinese) indexes the output; for pages
opened from disk (file://, where pagefind cannot load), a plain-script index (offline_search.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.site.offline_search import write_index


class SearchIndexError(RuntimeError):
    pass


def index_site(site_dir: Path) -> None:
    """Write pagefind/ (index, fragments, UI files) and search-index.js into site_dir.
    Raises SearchIndexError on failure."""
    write_index(site_dir)
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind", "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind 生成搜索索引失败：{result.stderr.strip() or result.stdout.strip()}")
