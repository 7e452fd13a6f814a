"""Offline full-text search: pagefind (extended build, which segments Chinese) indexes the output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class SearchIndexError(RuntimeError):
    pass


def index_site(site_dir: Path) -> None:
    """Write pagefind/ (index, fragments, UI files) into site_dir. Raises SearchIndexError on failure."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind", "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind 生成搜索索引失败：{result.stderr.strip() or result.stdout.strip()}")
