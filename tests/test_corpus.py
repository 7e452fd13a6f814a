"""The check corpus (tests/corpus/): the example content and its mutations give exactly the
diagnostics expected.yaml records, so a change to a rule shows which diagnostics it adds or removes.
Regenerate with `python -m tests.corpus --update` after an intended change, and read the diff."""

from __future__ import annotations

import pytest

from corpus import Patch, diagnostics_of, difference, load_expected, mutations

EXPECTED = load_expected()
MUTATIONS = mutations()
HINT = "run `python -m tests.corpus --update` if the change is intended, and review the diff of expected.yaml"


def test_expected_covers_exactly_the_mutations():
    assert list(EXPECTED.get("mutations", {})) == [m.id for m in MUTATIONS], HINT


def test_example_content_gives_the_recorded_diagnostics_and_no_error():
    found = diagnostics_of(None)
    assert found == EXPECTED["baseline"], HINT
    assert all(d.get("acknowledged") or d["code"] in ("N009", "N013") for d in found), \
        "the example content must check clean: only acknowledged deviations and unchecked-amount notices"


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_mutation_gives_the_recorded_diagnostics(mutation):
    assert difference(EXPECTED["baseline"], diagnostics_of(mutation)) == EXPECTED["mutations"][mutation.id], HINT


def test_a_patch_whose_text_is_missing_fails(tmp_path):
    """A patch whose text is not in the file fails loudly, so a case cannot silently test nothing."""
    (tmp_path / "site.yaml").write_text("title: 示例\n", encoding="utf-8")
    with pytest.raises(ValueError, match="has no"):
        Patch("site.yaml", old="这段文字不在文件里").apply(tmp_path)
