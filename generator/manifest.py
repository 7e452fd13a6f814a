"""What a build wrote, unit by unit, so that the next build (or the merge of shards) can reuse it.

The manifest lives beside the output, in `<output parent>/.cache/<output name>.manifest.json`, never
inside the published folder. Each unit's entry records the key it was rendered under
(`render_key`), the files it wrote (relative to the output) and the summaries the list pages need.
With the search index, it records each search bucket's key and files
(`generator/site/search.py`), so that unchanged buckets are linked instead of indexed again.
The manifest also records the identity of the output directory it describes: if the folder was
replaced by something else, nothing in it is trusted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.files import write_atomically

FORMAT = 4  # 4: data package resources kept as lines of JSON


@dataclass
class UnitOutput:
    render_key: str
    files: list[str]
    pages: int
    summaries: list[dict]  # generator.site.builder.DisclosureSummary as JSON


@dataclass
class Manifest:
    options_key: str = ""
    content_keys: dict[str, str] = field(default_factory=dict)  # unit id -> fingerprint of its files
    units: dict[str, UnitOutput] = field(default_factory=dict)
    output_id: list[int] = field(default_factory=list)  # (device, inode, mtime) of the output directory
    complete: bool = False  # a whole site (not a shard)
    site_files: list[str] = field(default_factory=list)  # files that belong to no unit (list pages, search…)
    search: dict[str, dict] = field(default_factory=dict)  # search bucket -> {"key", "files"}

    @staticmethod
    def path_for(output: Path) -> Path:
        return output.parent / ".cache" / f"{output.name}.manifest.json"

    @classmethod
    def read(cls, output: Path) -> "Manifest":
        """The manifest of `output`, or an empty one when it is missing, unreadable or stale."""
        try:
            stored = json.loads(cls.path_for(output).read_text(encoding="utf-8"))
            if stored.get("format") != FORMAT or stored.get("output_id") != directory_id(output):
                return cls()
            units = {k: UnitOutput(**v) for k, v in stored["units"].items()}
            return cls(stored["options_key"], stored["content_keys"], units, stored["output_id"], stored["complete"],
                       stored["site_files"], dict(stored.get("search", {})))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def write(self, output: Path) -> None:
        self.output_id = directory_id(output)
        payload = {"format": FORMAT, "options_key": self.options_key, "content_keys": self.content_keys,
                   "output_id": self.output_id, "complete": self.complete, "site_files": self.site_files,
                   "units": {k: vars(v) for k, v in sorted(self.units.items())},
                   "search": dict(sorted(self.search.items()))}
        # dumps, not dump: only the one-shot encoder is the C one (seconds for a thousand units)
        write_atomically(self.path_for(output), json.dumps(payload, ensure_ascii=False))

    def file_count(self) -> int:
        return len(self.site_files) + sum(len(u.files) for u in self.units.values())

    @classmethod
    def forget(cls, output: Path) -> None:
        """Something outside `build` changed the output (e.g. `budgetsite pdf`): trust nothing in it."""
        cls.path_for(output).unlink(missing_ok=True)


def directory_id(path: Path) -> list[int]:
    try:
        stat = path.stat()
    except OSError:
        return []
    return [stat.st_dev, stat.st_ino, stat.st_mtime_ns]
