"""The date a PDF claims: never the clock, so identical content gives identical bytes."""

from __future__ import annotations

import hashlib
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

EPOCH_2000 = datetime(2000, 1, 1, tzinfo=timezone.utc)


def source_date(paths: list[Path]) -> datetime:
    """SOURCE_DATE_EPOCH if set, else the last git commit touching `paths`, else a date from their bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    committed = _git_commit_time(paths)
    if committed is not None:
        return committed
    return _content_date(paths)


def _git_commit_time(paths: list[Path]) -> datetime | None:
    if not paths:
        return None
    cwd = Path(paths[0]).resolve()
    cwd = cwd if cwd.is_dir() else cwd.parent
    try:
        result = subprocess.run(["git", "log", "-1", "--format=%ct", "--", *[str(Path(p).resolve()) for p in paths]],
                                cwd=cwd, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = result.stdout.strip()
    if result.returncode != 0 or not stamp.isdigit():
        return None
    return datetime.fromtimestamp(int(stamp), tz=timezone.utc)


def _content_date(paths: list[Path]) -> datetime:
    """A stable date derived from the content bytes (uncommitted content): 2000-01-01 plus a hash offset."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                digest.update(file.name.encode() + b"\0" + file.read_bytes())
    offset = int.from_bytes(digest.digest()[:4], "big") % (20 * 365 * 86400)
    return EPOCH_2000 + timedelta(seconds=offset)


def w3c(moment: datetime) -> str:
    """The form WeasyPrint reads from <meta name=dcterms.created>."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
