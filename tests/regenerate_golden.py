"""Regenerate tests/golden from the frozen example content (tests/fixtures/examples): `python -m tests.regenerate_golden`."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from generator.build import build
from tests.site_support import EXAMPLES, GOLDEN, GOLDEN_PAGES


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(EXAMPLES, site, search=False)
        for page in GOLDEN_PAGES:
            target = GOLDEN / page
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site / page, target)
            print(f"wrote {target.relative_to(GOLDEN.parent.parent)}")


if __name__ == "__main__":
    main()
