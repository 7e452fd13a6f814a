"""The benchmark stays runnable: every stage runs for real on a small synthetic site (no timings
are asserted, only that each stage ran, succeeded and reported what it measured)."""

from __future__ import annotations

import json

from generator.bench import run_benchmark, write_json
from site_support import CONTENT


def test_every_stage_of_the_benchmark_runs_and_is_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(CONTENT.parent)  # the synthetic site is made from ./content
    results = run_benchmark(units=3, years=1, runs=1, workdir=tmp_path / "bench", with_pdf=False, jobs=1)
    names = [m.name for m in results]
    assert names[:3] == ["生成样例内容", "check（无缓存）", "check（有缓存）"]
    assert "build（一个单位改动）" in names and "build（无变化重建）" in names
    for measured in results:
        assert measured.seconds and "失败" not in measured.note, measured
    rebuild = next(m for m in results if m.name == "build（一个单位改动）")
    assert {"plan", "check", "units", "search", "commit"} <= set(rebuild.stages)
    assert set(next(m for m in results if m.name == "build（无变化重建）").stages) == {"plan"}  # stopped there
    write_json(results, tmp_path / "bench.json", 3, 1)
    stored = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert [r["stage"] for r in stored["results"]] == names
