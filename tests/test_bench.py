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
    assert names[:5] == ["生成样例内容", "check（无缓存）", "PyYAML C 解析同样的 YAML", "比值：check ÷ PyYAML C 解析",
                         "check（有缓存）"]
    assert "build（一个单位改动）" in names and "build（无变化重建）" in names
    for measured in results:
        if measured.name.startswith("比值"):  # a ratio of two rows' medians, measured in this run
            assert measured.note.startswith("中位数之比 "), measured
            continue
        assert measured.seconds and "失败" not in measured.note, measured
    assert [n for n in names if n.startswith("build --shard")] == [f"build --shard {k}/4" for k in range(1, 5)]
    assert "build --merge（4 个分片）" in names and "目标" in next(m for m in results if m.name == "最慢分片 + 合并").note
    rebuild = next(m for m in results if m.name == "build（一个单位改动）")
    assert {"plan", "check", "units", "search", "commit"} <= set(rebuild.stages)
    assert set(next(m for m in results if m.name == "build（无变化重建）").stages) == {"plan"}  # stopped there
    site_change = next(m for m in results if m.name == "build（全站设置改动）")
    assert "units" in site_change.stages and "沿用" in site_change.note
    write_json(results, tmp_path / "bench.json", 3, 1)
    stored = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert [r["stage"] for r in stored["results"]] == names


def test_the_pdf_stages_of_the_benchmark_run_and_name_the_units_they_change(tmp_path, monkeypatch):
    monkeypatch.chdir(CONTENT.parent)
    results = run_benchmark(units=3, years=1, runs=1, workdir=tmp_path / "bench", with_pdf=True, jobs=2)
    by_name = {m.name: m for m in results}
    every = by_name["PDF（每份，工作进程内）"]
    assert len(every.seconds) == 3 and every.note == "3 份"
    one_unit = [m for m in results if m.name.startswith("build --pdf（一个单位改动：")]
    assert [m.name for m in one_unit] == ["build --pdf（一个单位改动：unit-00000）", "build --pdf（一个单位改动：unit-00001）"]
    for measured in one_unit:
        assert measured.seconds and "失败" not in measured.note
        pages = int(measured.note.split("PDF ")[1].split(" 页")[0])
        assert pages >= 10  # the examples' disclosures print on 13 to 22 pages
        assert "pdf" in measured.stages  # the rebuild waited for its PDF process


def test_the_peers_build_the_same_disclosures_and_the_ratios_are_printed(tmp_path, monkeypatch):
    from generator.bench_peers import hugo_executable

    monkeypatch.chdir(CONTENT.parent)
    results = run_benchmark(units=3, years=1, runs=1, workdir=tmp_path / "bench", with_pdf=False, jobs=1, peers=True)
    by_name = {m.name: m for m in results}
    assert by_name["build（全量，图表热，无搜索）"].seconds
    assert by_name["Python + Jinja2 循环（1 进程）"].seconds
    jinja_pages = sorted(p.relative_to(tmp_path / "bench" / "jinja").as_posix()
                         for p in (tmp_path / "bench" / "jinja").rglob("index.html"))
    site_pages = sorted(p.relative_to(tmp_path / "bench" / "site").as_posix()
                        for p in (tmp_path / "bench" / "site" / "units").glob("*/*/index.html"))
    assert [p for p in jinja_pages if p != "index.html"] == site_pages  # one page per disclosure, same paths
    page = (tmp_path / "bench" / "jinja" / site_pages[0]).read_text(encoding="utf-8")
    assert "（样例00000）" in page and "<table>" in page and "<p>" in page  # name, figures, narrative
    assert "比值：build 无搜索 ÷ Python + Jinja2" in by_name
    if hugo_executable() is not None:
        assert by_name["Hugo + pagefind"].seconds and "比值：build ÷ (Hugo + pagefind)" in by_name
        hugo_page = tmp_path / "bench" / "hugo" / "public" / site_pages[0]
        assert "（样例00000）" in hugo_page.read_text(encoding="utf-8")
        assert (tmp_path / "bench" / "hugo" / "public" / "pagefind" / "pagefind-entry.json").is_file()
    assert not by_name["build（无变化重建）"].stages.keys() - {"plan"}  # the peers left the build whole
