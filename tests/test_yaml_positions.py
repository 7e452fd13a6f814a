"""Where a value was written: `YamlDocument.position` walks only along the requested path.

Its answers must be those of a full index of every value by its path (how positions used to be
found): nested keys, list items, the nearest written ancestor for a path that is not there, the last
of duplicate keys, and aliases counted only where they are first met.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from generator.yamlsource import YamlDocument, parse_yaml_text

BUDGET = """\
year: 2023
totals:
  income:
    total: 1043.55
    general_budget: 1000
functional:
  - code: "2010101"
    basic: 576.77
  - code: "2010102"
    project:   12.5
"""


def parse(text: str) -> YamlDocument:
    return parse_yaml_text(text, YamlDocument(Path("budget.yaml"), None))


def full_index(text: str) -> dict[tuple, tuple[int, int]]:
    """The reference: every value's position by path, depth first, later entries overwriting earlier
    ones, a node shared through aliases recorded only where it is first met."""
    positions: dict[tuple, tuple[int, int]] = {}
    seen: set[int] = set()

    def walk(node, path):
        if id(node) in seen:
            return
        seen.add(id(node))
        positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = parse(key_node.value + "\n").data if not key_node.style else key_node.value
                    walk(value_node, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,))

    walk(yaml.compose(text, Loader=yaml.BaseLoader), ())
    return positions


def indexed_position(positions: dict, path: tuple) -> tuple[int, int]:
    while path:
        if path in positions:
            return positions[path]
        path = path[:-1]
    return positions.get((), (1, 1))


def test_nested_keys_and_list_items():
    doc = parse(BUDGET)
    assert doc.position(("year",)) == (1, 7)
    assert doc.position(("totals",)) == (3, 3)  # a mapping starts at its first key
    assert doc.position(("totals", "income", "general_budget")) == (5, 21)
    assert doc.position(("functional", 0)) == (7, 5)
    assert doc.position(("functional", 1, "project")) == (10, 16)
    assert doc.position(()) == (1, 1)


def test_missing_paths_fall_back_to_the_nearest_written_ancestor():
    doc = parse(BUDGET)
    assert doc.position(("totals", "income", "carry_over")) == doc.position(("totals", "income")) == (4, 5)
    assert doc.position(("functional", 5, "basic")) == doc.position(("functional",)) == (7, 3)
    assert doc.position(("functional", "0")) == (7, 3)  # a key is not an index
    assert doc.position(("year", "deeper")) == (1, 7)  # nothing is below a scalar
    assert doc.position(("nowhere", "at", "all")) == (1, 1)


def test_keys_match_by_their_typed_value():
    doc = parse('1: one\n"1": quoted\nno: false\n2.50: amount\n')
    assert doc.position((1,)) == (1, 4)
    assert doc.position(("1",)) == (2, 6)
    assert doc.position((False,)) == (3, 5)
    assert doc.position((Decimal("2.5"),)) == (4, 7)
    assert doc.position(("no",)) == (1, 1)  # `no` is a bool, not text


def test_duplicate_keys_the_last_wins_but_only_where_it_has_the_path():
    doc = parse("a:\n  x: 1\n  y: 2\na:\n  x: 3\n")
    assert [p.code for p in doc.problems] == ["S011"]
    assert doc.position(("a",)) == (5, 3)
    assert doc.position(("a", "x")) == (5, 6)
    assert doc.position(("a", "y")) == (3, 6)  # only the first `a` has y


def test_aliases_count_where_first_met():
    text = "doc:\n  a: &shared\n    b: 1\n  c: *shared\n  d: &n 5\n  e: *n\n"
    doc = parse(text)
    assert doc.position(("doc", "a", "b")) == (3, 8)
    assert doc.position(("doc", "c", "b")) == (2, 3)  # the alias is not indexed: its parent is
    assert doc.position(("doc", "c")) == (2, 3)
    assert doc.position(("doc", "e")) == (2, 3)
    assert doc.position(("doc", "d")) == (5, 6)


@pytest.mark.parametrize("text", [
    BUDGET,
    "a: {x: 1, y: [1, 2, {z: 3}]}\na: {x: 2}\nb: [[1], [2, [3]]]\n",
    "1: a\ntrue: b\n1.0: c\n~: d\n'': e\nyes: f\n",
    "base: &b {k: 1, l: [1, 2]}\nuse: [*b, {m: *b}]\nagain: *b\nb2: &s 7\nlist: [*s, *s]\n",
    "&r {a: *r, b: [*r, 1]}\n",
    "- &x [1, 2]\n- *x\n- {x: *x, y: &y [*x]}\n- *y\n",
])
def test_position_agrees_with_a_full_index(text):
    doc = parse(text)
    positions = full_index(text)
    probes = set(positions)
    for path in positions:
        probes.update({path + ("missing",), path + (0,), path + (7,), path[:-1] + ("missing",) + path[-1:]})
    for path in probes:
        assert doc.position(path) == indexed_position(positions, path), path
