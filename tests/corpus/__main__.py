"""`python -m tests.corpus`: show how check's diagnostics differ from expected.yaml;
`python -m tests.corpus --update`: write them to expected.yaml."""

from __future__ import annotations

import sys

from . import EXPECTED, dump, load_expected, outcomes


def main(argv: list[str]) -> int:
    now = outcomes()
    if "--update" in argv:
        EXPECTED.write_text(dump(now), encoding="utf-8")
        print(f"wrote {EXPECTED} ({len(now['mutations'])} mutations)")
        return 0
    expected = load_expected()
    if expected == now:
        print(f"expected.yaml is current ({len(now['mutations'])} mutations)")
        return 0
    written, wanted = dump(expected).splitlines() if expected else [], dump(now).splitlines()
    import difflib

    sys.stdout.writelines(line + "\n" for line in difflib.unified_diff(written, wanted, "expected.yaml", "now",
                                                                         lineterm=""))
    print("run `python -m tests.corpus --update` if these changes are intended")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
