"""A build reads each unit's files once (issue 17): the worker that checks a unit renders it from the
contexts its check made. Counted across real parallel builds, worker processes included: every
process (the build's, and each spawned worker through a sitecustomize on its path) logs each YAML
file it parses and each narrative it parses to one file."""

from __future__ import annotations

import collections
import os
from pathlib import Path

import pytest

from generator.bench import make_synthetic
from generator.build import BuildRefused, build
from site_support import CONTENT, ROOT

# Installed in every process of the build: wraps the parsers before generator.content binds them.
COUNTER = '''
import os
from pathlib import Path

import generator.narrative as narrative
import generator.yamlsource as yamlsource


def counted(parse):
    def logged(path, *args, **kwargs):
        with open(os.environ["BUDGETSITE_READ_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\\t{Path(path).resolve()}\\n")
        return parse(path, *args, **kwargs)
    return logged


yamlsource.load_yaml = counted(yamlsource.load_yaml)
narrative.parse_narrative = counted(narrative.parse_narrative)
'''


@pytest.fixture
def read_log(tmp_path, monkeypatch) -> Path:
    """The log every process of a build writes its parses to: this one, patched here, and the
    spawned workers, which run the same patch from a sitecustomize found first on their path."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(COUNTER, encoding="utf-8")
    log = tmp_path / "reads.log"
    log.touch()
    monkeypatch.setenv("BUDGETSITE_READ_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hooks), str(ROOT)]))
    import generator.content as content
    import generator.narrative as narrative
    import generator.yamlsource as yamlsource

    namespace: dict = {}
    exec(COUNTER.split("yamlsource.load_yaml =")[0], namespace)  # the same wrapper, for this process
    for module, name, original in [(yamlsource, "load_yaml", yamlsource.load_yaml),
                                   (content, "load_yaml", content.load_yaml),
                                   (narrative, "parse_narrative", narrative.parse_narrative),
                                   (content, "parse_narrative", content.parse_narrative)]:
        monkeypatch.setattr(module, name, namespace["counted"](original))
    return log


def unit_reads(log: Path, content: Path) -> tuple[collections.Counter, set[str]]:
    """How often each file below content/units was parsed, and the processes that parsed them."""
    units = (content / "units").resolve()
    counts, processes = collections.Counter(), set()
    for line in log.read_text(encoding="utf-8").splitlines():
        pid, path = line.split("\t")
        if Path(path).is_relative_to(units):
            counts[Path(path).relative_to(units).as_posix()] += 1
            processes.add(pid)
    return counts, processes


def unit_files(content: Path) -> set[str]:
    units = content / "units"
    return {p.relative_to(units).as_posix() for p in units.rglob("*") if p.suffix in (".yaml", ".md")}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def content(tmp_path) -> Path:
    """Six units of two years each: enough that a build with two processes checks and renders in both."""
    root = tmp_path / "content"
    make_synthetic(CONTENT, root, 6, 2)
    return root


def test_a_parallel_build_parses_each_unit_file_once(content, read_log, tmp_path):
    result = build(content, tmp_path / "site", jobs=2, search=False)
    counts, processes = unit_reads(read_log, content)
    assert result.rendered == 6
    assert set(counts) == unit_files(content)  # unit.yaml, each year's budget.yaml and narrative.md
    assert {name: n for name, n in counts.items() if n != 1} == {}
    assert len(processes) == 2  # the build's process and a worker shared the units
    assert str(os.getpid()) in processes


def test_units_checked_from_the_cache_are_parsed_once_to_render_them(content, read_log, tmp_path):
    """A change of options renders every unit again while their check results come from the cache:
    each is read once, by the process that renders it, and the site equals a single-process build."""
    output = tmp_path / "site"
    build(content, output, jobs=1, search=False)
    read_log.write_text("", encoding="utf-8")
    result = build(content, output, jobs=3, search=False, live_reload=True)
    counts, processes = unit_reads(read_log, content)
    assert result.rendered == 6
    assert set(counts) == unit_files(content)
    assert {name: n for name, n in counts.items() if n != 1} == {}
    assert len(processes) == 3
    alone = tmp_path / "alone"
    build(content, alone, jobs=1, search=False, live_reload=True, reuse=False)
    assert tree(output) == tree(alone)


def test_a_site_wide_error_found_after_the_workers_checked_their_units_publishes_nothing(content, tmp_path):
    """C003 (one code, two names, in two units) is seen only once every share is checked: the workers
    keep their units unrendered, the build is refused and the output folder never appears."""
    budget = next((content / "units" / "unit-00003").glob("*/budget.yaml"))  # a worker's share (odd units)
    text = budget.read_text(encoding="utf-8")
    assert "- code: '2210201'\n  name: 住房公积金\n" in text
    budget.write_text(text.replace("- code: '2210201'\n  name: 住房公积金\n", "- code: '2210201'\n  name: 住房公积金支出\n"),
                      encoding="utf-8")
    output = tmp_path / "out" / "site"
    with pytest.raises(BuildRefused) as refused:
        build(content, output, jobs=2, search=False)
    assert "C003" in {d.code for d in refused.value.report.diagnostics}
    assert not output.exists()
    assert [p.name for p in output.parent.iterdir() if p.name != ".cache"] == []  # no staging left behind
