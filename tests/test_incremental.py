"""Incremental, parallel and sharded builds, and the check cache: each gives exactly what a clean,
single-process build (or an uncached check) gives."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.bench import make_synthetic
from generator.build import BuildRefused, build, in_shard, parse_shard
from generator.check import check_site
from generator.manifest import Manifest
from generator.site.buckets import SITE_BUCKET, Buckets
from site_support import CONTENT, parse

FIVE = Buckets.for_units(5)  # the search buckets of the five-unit sites below


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(a: Path, b: Path) -> None:
    left, right = tree(a), tree(b)
    assert sorted(left) == sorted(right)
    different = [name for name in left if left[name] != right[name]]
    assert not different, different[:10]


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    """Five units (copies of the examples under new names and amounts): enough for two workers."""
    root = tmp_path_factory.mktemp("incremental") / "content"
    make_synthetic(CONTENT, root, 5, 1)
    return root


@pytest.fixture(scope="module")
def clean(content, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("clean") / "site"
    build(content, output, jobs=1, reuse=False)
    return output


@pytest.fixture
def work(content, tmp_path) -> Path:
    """A copy of the synthetic content that a test may edit."""
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    return copy


def edit(content: Path, unit: str, old: str, new: str) -> None:
    path = next((content / "units" / unit).glob("*/narrative.md"))
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_parallel_build_equals_single_process_build(content, clean, tmp_path):
    result = build(content, tmp_path / "site", jobs=2)
    assert result.rendered == 5
    assert_same_tree(clean, tmp_path / "site")


def test_unchanged_content_is_a_no_op(content, tmp_path):
    output = tmp_path / "site"
    build(content, output, jobs=1)
    before = output.stat().st_ino, (output / "index.html").stat().st_mtime_ns
    again = build(content, output, jobs=1)
    assert again.up_to_date and again.rendered == 0
    assert (output.stat().st_ino, (output / "index.html").stat().st_mtime_ns) == before


def test_one_changed_unit_is_the_only_one_rendered_and_the_site_equals_a_clean_build(work, tmp_path):
    output = tmp_path / "site"
    build(work, output, jobs=1)
    edit(work, "unit-00001", "一、", "一、 ")  # a visible change in one unit's narrative
    result = build(work, output, jobs=1)
    assert (result.rendered, result.reused) == (1, 4)
    fresh = tmp_path / "fresh"
    build(work, fresh, jobs=1, reuse=False)
    assert_same_tree(fresh, output)


def test_a_rebuild_patches_the_output_in_place_and_leaves_unchanged_units_untouched(work, tmp_path):
    output = tmp_path / "site"
    build(work, output, jobs=1, search=False)
    kept = output / "units" / "unit-00002" / "index.html"
    before = output.stat().st_ino, kept.stat().st_ino, kept.stat().st_mtime_ns
    edit(work, "unit-00001", "一、", "一、 ")
    build(work, output, jobs=1, search=False)
    assert (output.stat().st_ino, kept.stat().st_ino, kept.stat().st_mtime_ns) == before


def test_removed_units_and_years_leave_the_patched_site(work, tmp_path):
    output, fresh = tmp_path / "site", tmp_path / "fresh"
    build(work, output, jobs=1)
    shutil.rmtree(work / "units" / "unit-00004")
    result = build(work, output, jobs=1)
    assert not (output / "units" / "unit-00004").exists()
    assert (result.rendered, result.reused) == (0, 4)
    build(work, fresh, jobs=1, reuse=False)
    assert_same_tree(fresh, output)

    years = sorted({p.name for p in (work / "units").glob("*/*") if p.is_dir()})
    assert len(years) == 2  # the examples span two years: remove every disclosure of the older one
    for folder in (work / "units").glob(f"*/{years[0]}"):
        shutil.rmtree(folder)
    for unit in [p for p in (work / "units").iterdir() if not any(q.is_dir() for q in p.iterdir())]:
        shutil.rmtree(unit)
    build(work, output, jobs=1)  # every page's navigation changes: every unit is rendered again
    assert not (output / "years" / years[0]).exists()
    assert not (output / f"datapackage-{years[0]}.json").exists()
    build(work, fresh, jobs=1, reuse=False)
    assert_same_tree(fresh, output)


def search_files(output: Path) -> dict[str, list[str]]:
    """Each search bucket's files, as the build's manifest records them."""
    return {bucket: entry["files"] for bucket, entry in Manifest.read(output).search.items()}


def inodes(root: Path, files: list[str]) -> dict[str, int]:
    return {name: (root / name).stat().st_ino for name in files}


def test_one_changed_unit_reindexes_only_its_search_bucket(work, tmp_path):
    """A visible change in one unit: its bucket is indexed again (pagefind and the offline script), every
    other bucket is linked from the last build (same inodes), and the site equals a clean build."""
    output = tmp_path / "site"
    first = build(work, output, jobs=1)
    buckets = FIVE.names(f"unit-{n:05d}" for n in range(5))
    assert first.search_indexed == buckets and first.search_reused == []
    before = search_files(output)
    assert sorted(before) == sorted(buckets)
    linked = {b: inodes(output, files) for b, files in before.items()}
    narrative = next((work / "units" / "unit-00001").glob("*/narrative.md"))
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n本单位补充说明：已更新联系方式。\n", encoding="utf-8")
    result = build(work, output, jobs=1)
    changed = FIVE.unit("unit-00001")
    assert (result.rendered, result.reused) == (1, 4)
    assert result.search_indexed == [changed]  # the site's own pages did not change
    assert sorted(result.search_reused) == sorted(b for b in buckets if b != changed)
    for bucket in result.search_reused:
        assert search_files(output)[bucket] == before[bucket]
        assert inodes(output, before[bucket]) == linked[bucket], bucket  # linked, not written again
    assert "已更新联系方式" in (output / f"search-index/{changed}.js").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    build(work, fresh, jobs=1, reuse=False)
    assert_same_tree(fresh, output)


def test_a_removed_unit_is_taken_out_of_the_search_bucket_it_shared(work, tmp_path, monkeypatch):
    import generator.site.buckets as buckets

    monkeypatch.setattr(buckets, "MIN_UNIT_BUCKETS", 1)  # every unit in one bucket
    monkeypatch.setattr(buckets, "SPREAD", 0)
    output, fresh = tmp_path / "site", tmp_path / "fresh"
    build(work, output, jobs=1)
    shutil.rmtree(work / "units" / "unit-00004")
    result = build(work, output, jobs=1)
    assert result.rendered == 0 and "u00" in result.search_indexed  # indexed again from the other units
    build(work, fresh, jobs=1, reuse=False)
    assert_same_tree(fresh, output)


def test_a_site_growing_past_its_bucket_count_is_regrouped_as_a_clean_build_groups_it(work, tmp_path, monkeypatch):
    """At least √(4 × units) buckets: five units make eight buckets, four units four. The rebuild after a
    unit is removed indexes the new buckets, drops the old ones, and equals a clean build."""
    import generator.site.buckets as buckets

    monkeypatch.setattr(buckets, "MIN_UNIT_BUCKETS", 1)
    monkeypatch.setattr(buckets, "SPREAD", 4)
    output, fresh = tmp_path / "site", tmp_path / "fresh"
    build(work, output, jobs=1)
    eight = {p.name for p in (output / "pagefind").iterdir()} - {SITE_BUCKET}
    assert eight <= {f"u{n:02d}" for n in range(8)} and len(eight) >= 3
    shutil.rmtree(work / "units" / "unit-00004")
    result = build(work, output, jobs=1)
    four = {p.name for p in (output / "pagefind").iterdir()} - {SITE_BUCKET}
    assert four <= {"u00", "u01", "u02", "u03"} and sorted(result.search_indexed) == sorted(four | {SITE_BUCKET})
    assert not eight <= four  # the groups changed: not a bucket of the old grouping was kept under its name
    listed = [d for d in parse(output / "search.html").iter("div") if d.get("id") == "search"]
    assert listed[0].get("data-search-buckets").split() == [SITE_BUCKET] + sorted(four)
    build(work, fresh, jobs=1, reuse=False)
    assert_same_tree(fresh, output)


def test_a_commit_cut_short_is_not_trusted_by_the_next_build(work, tmp_path, monkeypatch):
    import generator.commit as commit

    output = tmp_path / "site"
    build(work, output, jobs=1, search=False)
    edit(work, "unit-00001", "一、", "一、 ")
    real_move, calls = commit._move, []

    def failing_move(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError("disk gone")
        return real_move(source, target)

    monkeypatch.setattr(commit, "_move", failing_move)
    monkeypatch.setattr(commit, "_exchange", lambda a, b: False)  # every step a rename
    with pytest.raises(OSError):
        build(work, output, jobs=1, search=False)
    monkeypatch.undo()
    again = build(work, output, jobs=1, search=False)
    assert again.rendered == 5  # nothing of the half-patched output was trusted
    fresh = tmp_path / "fresh"
    build(work, fresh, jobs=1, reuse=False, search=False)
    assert_same_tree(fresh, output)


def test_staging_left_by_a_killed_build_is_removed(content, tmp_path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = [tmp_path / f".site.tmp-{gone.stdout.strip()}",  # that process has exited
                 tmp_path / ".site.view-1"]  # pid 1 is alive, but no build holds the lock: a reused pid
    for folder in abandoned:
        (folder / "units").mkdir(parents=True)
    build(content, tmp_path / "site", jobs=1, search=False)
    assert not any(folder.exists() for folder in abandoned)
    for _ in range(600):  # the abandoned folders are freed by a detached process: wait for it
        left = [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]
        if not left:
            break
        time.sleep(0.1)
    assert not left


def test_an_added_unit_moves_no_other_unit_between_search_buckets(work, tmp_path):
    output = tmp_path / "site"
    build(work, output, jobs=1)
    before = search_files(output)
    linked = {b: inodes(output, files) for b, files in before.items()}
    assignment = {f"unit-{n:05d}": FIVE.unit(f"unit-{n:05d}") for n in range(5)}
    more = tmp_path / "more"
    make_synthetic(CONTENT, more, 6, 1)  # the same five units and one more
    shutil.copytree(more / "units" / "unit-00005", work / "units" / "unit-00005")
    added = FIVE.unit("unit-00005")
    result = build(work, output, jobs=1)
    assert {u: FIVE.unit(u) for u in assignment} == assignment
    assert result.search_indexed == sorted({SITE_BUCKET, added})  # the units index lists the new unit
    assert sorted(result.search_reused) == sorted(set(before) - {SITE_BUCKET, added})
    for bucket in result.search_reused:
        assert inodes(output, before[bucket]) == linked[bucket], bucket
    fresh = tmp_path / "fresh"
    build(work, fresh, jobs=1, reuse=False)
    assert_same_tree(fresh, output)


def test_search_buckets_are_spread_and_do_not_depend_on_the_other_units():
    ids = [f"unit-{n:05d}" for n in range(400)]
    many = Buckets.for_units(len(ids))
    alone = [many.unit(i) for i in ids]
    assert len(set(alone)) == many.count and max(alone.count(b) for b in set(alone)) < 3 * 400 / many.count
    assert many.names(ids[:10])[0] == SITE_BUCKET and many.names(reversed(ids)) == many.names(ids)


def test_the_bucket_count_grows_with_the_site_and_doubling_splits_each_bucket_in_two():
    sizes = (0, 3, 512, 513, 1000, 2048, 2049, 3000, 8192, 8193)
    assert [Buckets.for_units(n).count for n in sizes] == [32, 32, 32, 64, 64, 64, 128, 128, 128, 256]
    ids = [f"unit-{n:05d}" for n in range(300)]
    small, large = Buckets(32), Buckets(64)
    assert {small.unit(i) for i in ids} == {f"u{n:02d}" for n in range(32)}
    assert all(int(large.unit(i)[1:]) % 32 == int(small.unit(i)[1:]) for i in ids)  # a split, no reshuffle
    assert Buckets(128).unit(ids[0]).startswith("u") and len(Buckets(128).unit(ids[0])) == 4  # u000…u127, sorted


def test_a_changed_theme_template_renders_every_unit_again(work, tmp_path):
    theme = tmp_path / "mytheme" / "templates"
    theme.mkdir(parents=True)
    site_yaml = work / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "theme: mytheme\n", encoding="utf-8")
    output = tmp_path / "site"
    build(work, output, jobs=1)
    footer = (Path(__file__).parents[1] / "themes" / "default" / "templates" / "base.html").read_text(encoding="utf-8")
    (theme / "base.html").write_text(footer.replace("</footer>", "<p>本地主题</p></footer>"), encoding="utf-8")
    result = build(work, output, jobs=1)
    assert (result.rendered, result.reused) == (5, 0)
    assert "本地主题" in (output / "units" / "unit-00000" / "index.html").read_text(encoding="utf-8")


def test_shards_merge_into_the_single_build(content, clean, tmp_path, monkeypatch):
    """Each shard checks, renders and indexes its own units only; the merge reads no unit, indexes only
    the site's own pages, and gives the single build's site, file for file."""
    import generator.check as checking
    import generator.content as loading

    parts, indexed = [], set()
    for k in (1, 2, 3):
        output = tmp_path / f"shard-{k}" / "site"
        result = build(content, output, jobs=1, shard=(k, 3))
        units = {p.name for p in (output / "units").iterdir()} if (output / "units").exists() else set()
        assert units == {f"unit-{n:05d}" for n in range(5) if in_shard(f"unit-{n:05d}", (k, 3), FIVE)}
        assert not (output / "index.html").exists()  # list pages belong to the merge
        assert result.units == len(units)
        assert sorted(result.search_indexed) == sorted({FIVE.unit(u) for u in units})  # its own buckets
        indexed.update(result.search_indexed)
        parts.append(output)

    def no_reading(*args, **kwargs):
        raise AssertionError("the merge read a unit's files")

    monkeypatch.setattr(loading, "load_unit", no_reading)
    monkeypatch.setattr(checking, "load_unit", no_reading)
    merged = tmp_path / "merged" / "site"
    result = build(content, merged, jobs=1, merge=parts, reuse=False)  # --clean: nothing from an earlier merge
    assert (result.rendered, result.reused) == (0, 5)
    assert result.search_indexed == [SITE_BUCKET] and sorted(result.search_reused) == sorted(indexed)
    assert_same_tree(clean, merged)


def test_shards_of_the_examples_merge_into_the_single_build(tmp_path):
    single = tmp_path / "single" / "site"
    build(CONTENT, single, jobs=1, reuse=False)
    parts = []
    for k in (1, 2, 3):
        parts.append(tmp_path / f"shard-{k}" / "site")
        build(CONTENT, parts[-1], jobs=1, shard=(k, 3))
    merged = tmp_path / "merged" / "site"
    result = build(CONTENT, merged, jobs=1, merge=parts)
    assert result.rendered == 0
    assert_same_tree(single, merged)


def test_shard_parts_cover_every_unit_once():
    ids = [f"unit-{n:05d}" for n in range(200)]
    owners = [[k for k in range(1, 5) if in_shard(i, (k, 4), Buckets.for_units(len(ids)))] for i in ids]
    assert all(len(o) == 1 for o in owners)
    assert all(any(o == [k] for o in owners) for k in range(1, 5))


@pytest.mark.parametrize("text", ["0/3", "4/3", "a/b", "3", "1/33"])
def test_bad_shard_is_refused_in_chinese(text):
    with pytest.raises(ValueError, match="分片"):
        parse_shard(text)


def test_cached_check_reports_what_a_full_check_reports(work, tmp_path):
    cache = tmp_path / "cache"
    check_site(work, cache)
    # A name that disagrees with another unit's (C003) and an amount edit: the cached units must
    # still take part in the site-wide rules.
    budget = work / "units" / "unit-00003" / next(p.name for p in (work / "units" / "unit-00003").iterdir()
                                                    if p.is_dir()) / "budget.yaml"
    text = budget.read_text(encoding="utf-8")
    budget.write_text(text.replace("name: 行政运行", "name: 行政运转", 1), encoding="utf-8")
    cached = check_site(work, cache)
    full = check_site(work)
    shown = [json.dumps(d.to_json(), ensure_ascii=False, sort_keys=True) for d in cached.diagnostics]
    assert shown == [json.dumps(d.to_json(), ensure_ascii=False, sort_keys=True) for d in full.diagnostics]
    assert any(d.code == "C003" for d in cached.diagnostics)
    assert len(cached.contexts) == 1  # only the edited unit was read again


def test_the_check_cache_reads_and_writes_one_record_per_unit(work, tmp_path, monkeypatch):
    """A one-unit change rewrites that unit's record (and the index of keys), no other; a unit whose
    record is lost or damaged is checked again; a removed unit's record is deleted."""
    from generator import check_cache

    cache = tmp_path / "cache"
    first = check_site(work, cache)
    records = {p.name: p.stat().st_mtime_ns for p in cache.glob("check-*/units/*.pickle")}
    assert sorted(records) == [f"unit-{n:05d}.pickle" for n in range(5)]
    edit(work, "unit-00001", "一、", "一、 ")
    time.sleep(0.01)
    check_site(work, cache)
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("check-*/units/*.pickle")}
    assert [name for name in records if after[name] != records[name]] == ["unit-00001.pickle"]

    next(cache.glob("check-*/units/unit-00002.pickle")).write_bytes(b"not a pickle")
    loaded = []
    real_load = check_cache._load
    monkeypatch.setattr(check_cache, "_load", lambda path: loaded.append(path.name) or real_load(path))
    again = check_site(work, cache)
    assert sorted(k.split("/")[0] for k in again.contexts) == ["unit-00002"]  # only the damaged one re-read
    assert sorted(loaded) == ["index.pickle"] + sorted(records)  # each read once, the damaged one too
    assert [d.to_json() for d in again.diagnostics] == [d.to_json() for d in check_site(work).diagnostics]

    shutil.rmtree(work / "units" / "unit-00004")
    check_site(work, cache)
    assert not list(cache.glob("check-*/units/unit-00004.pickle"))
    assert len(first.facts) == 5


def test_unchanged_files_are_known_by_their_stat_and_a_changed_one_is_read(work, tmp_path, monkeypatch):
    from generator import fingerprint

    monkeypatch.setattr(fingerprint, "RACY_SECONDS", 0)  # the copies were made just now
    long_ago = time.time() - 3600
    for path in work.rglob("*"):
        os.utime(path, (long_ago, long_ago))
    time.sleep(0.05)  # the memo is written after every change time, as it would be minutes later
    cache = tmp_path / "cache"
    first = fingerprint.content_keys(work, cache)
    assert first == fingerprint.content_keys(work)  # the same keys as reading every file

    real_hash = fingerprint.hash_tree
    monkeypatch.setattr(fingerprint, "hash_tree", lambda *a: pytest.fail("an unchanged unit was read"))
    assert fingerprint.content_keys(work, cache) == first

    narrative = next((work / "units" / "unit-00002").glob("*/narrative.md"))
    text = narrative.read_text(encoding="utf-8")
    narrative.write_text(text.replace("一、", "二、", 1), encoding="utf-8")  # same size
    os.utime(narrative, (long_ago, long_ago))  # and the same time: only its inode change time differs
    monkeypatch.setattr(fingerprint, "hash_tree", real_hash)
    second = fingerprint.content_keys(work, cache)
    assert second == fingerprint.content_keys(work)
    assert [u for u in first if first[u] != second[u]] == ["unit-00002"]


def test_a_check_shared_by_worker_processes_reports_what_one_process_reports(work, tmp_path, monkeypatch):
    import generator.check as checking

    budget = next((work / "units" / "unit-00003").glob("*/budget.yaml"))
    budget.write_text(budget.read_text(encoding="utf-8").replace("name: 行政运行", "name: 行政运转", 1),
                      encoding="utf-8")  # C003 across units, found from facts made in two processes
    edit(work, "unit-00001", "一、", "一、 ")
    shutil.copytree(work / "units" / "unit-00002", work / "units" / "unit-00000_copy")  # S009, reported once
    alone = check_site(work, jobs=1)
    monkeypatch.setattr(checking, "PARALLEL_UNITS", 2)
    shared = check_site(work, tmp_path / "cache", jobs=2)
    shown = [json.dumps(d.to_json(), ensure_ascii=False, sort_keys=True) for d in shared.diagnostics]
    assert shown == [json.dumps(d.to_json(), ensure_ascii=False, sort_keys=True) for d in alone.diagnostics]
    assert any(d.code == "C003" for d in shared.diagnostics)
    assert [d.code for d in shared.diagnostics].count("S009") == 1
    assert len(shared.contexts) < 5  # some units were read by the worker, not here
    again = check_site(work, tmp_path / "cache", jobs=2)  # the workers' results were cached
    assert [json.dumps(d.to_json(), ensure_ascii=False, sort_keys=True) for d in again.diagnostics] == shown
    assert again.contexts == {}


def test_build_with_pdfs_links_them_and_reuses_them(tmp_path):
    work = tmp_path / "content"
    shutil.copytree(CONTENT, work)
    output = tmp_path / "site"
    first = build(work, output, pdf=True, search=False)
    pdf = output / "units" / "langfang-renda" / "2023" / "langfang-renda-2023.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and len(first.pdf_seconds) == 3
    page = (output / "units" / "langfang-renda" / "2023" / "index.html").read_text(encoding="utf-8")
    assert 'href="langfang-renda-2023.pdf"' in page
    before = pdf.read_bytes()
    touched = build(work, output, pdf=True, search=False, reuse=False)
    assert touched.rendered == 3 and pdf.read_bytes() == before  # deterministic PDFs

    # A one-unit rebuild hands the PDF to a process of its own while the pages go on; the PDF it
    # writes is the one a clean build writes.
    edit(work, "langfang-renda", "一、", "一、 ")
    changed = build(work, output, pdf=True, search=False, jobs=2)
    assert (changed.rendered, len(changed.pdf_seconds)) == (1, 1)
    assert "pdf" in changed.stages  # waited for the PDF process at the end
    assert pdf.read_bytes() != before
    edit(work, "langfang-renda", "一、 ", "一、")
    reverted = build(work, output, pdf=True, search=False, jobs=2)
    assert reverted.rendered == 1 and pdf.read_bytes() == before
    assert multiprocessing.active_children() == []


def test_a_pdf_process_started_before_the_plan_is_stopped_when_the_plan_has_no_pdf_for_it(content, tmp_path):
    """With --pdf and an earlier build, a PDF process starts before the plan is known. Nothing to
    build, many units to build (their PDFs are made by the page workers) or content that fails the
    check: the process is stopped, and the build leaves no process behind."""
    work = tmp_path / "content"
    shutil.copytree(content, work)
    output = tmp_path / "site"
    build(work, output, pdf=True, search=False, jobs=2)

    assert build(work, output, pdf=True, search=False, jobs=2).up_to_date
    assert multiprocessing.active_children() == []

    for unit in sorted(p.name for p in (work / "units").iterdir()):
        edit(work, unit, "一、", "一、 ")
    many = build(work, output, pdf=True, search=False, jobs=2)
    assert many.rendered == 5 and len(many.pdf_seconds) == 5 and "pdf" not in many.stages
    assert multiprocessing.active_children() == []

    unit = sorted(p.name for p in (work / "units").iterdir())[0]
    budget = next((work / "units" / unit).glob("*/budget.yaml"))
    budget.write_text(budget.read_text(encoding="utf-8") + "\n: 不是 YAML\n", encoding="utf-8")
    with pytest.raises(BuildRefused):
        build(work, output, pdf=True, search=False, jobs=2)
    assert multiprocessing.active_children() == []


def test_the_pdf_process_renders_jobs_and_stops_at_once_when_told(tmp_path):
    from generator.pdf.html import Job
    from generator.pdf.worker import PdfWorker

    with PdfWorker(CONTENT) as worker:
        worker.submit(Job('<html lang="zh-CN"><body><p>预算公开</p></body></html>'), tmp_path / "a.pdf", False)
        (seconds,) = worker.results()
    assert seconds > 0 and (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    assert multiprocessing.active_children() == []

    worker = PdfWorker(CONTENT)
    (process,) = multiprocessing.active_children()
    worker.stop()  # while it is still loading WeasyPrint
    assert not process.is_alive() and multiprocessing.active_children() == []


def test_a_resident_pdf_process_serves_every_rebuild_and_outlives_a_failed_one(content, tmp_path):
    """`serve --pdf` keeps one PDF process: each rebuild's PDFs come from it (the same process), equal
    a clean build's, and a build refused by the check leaves it running for the next."""
    from generator.pdf.worker import PdfWorker

    work, output, clean = tmp_path / "content", tmp_path / "site", tmp_path / "clean"
    shutil.copytree(content, work)
    unit = sorted(p.name for p in (work / "units").iterdir())[0]
    resident = PdfWorker(work, resident=True)
    try:
        build(work, output, pdf=True, search=False, jobs=2, pdf_process=resident)
        (process,) = multiprocessing.active_children()
        edit(work, unit, "一、", "一、 ")
        changed = build(work, output, pdf=True, search=False, jobs=2, pdf_process=resident)
        assert changed.rendered == 1 and len(changed.pdf_seconds) == 1
        budget = next((work / "units" / unit).glob("*/budget.yaml"))
        valid = budget.read_text(encoding="utf-8")
        budget.write_text(valid + "\n: 不是 YAML\n", encoding="utf-8")
        with pytest.raises(BuildRefused):
            build(work, output, pdf=True, search=False, jobs=2, pdf_process=resident)
        budget.write_text(valid, encoding="utf-8")
        edit(work, unit, "一、 ", "一、  ")
        again = build(work, output, pdf=True, search=False, jobs=2, pdf_process=resident)
        assert again.rendered == 1 and len(again.pdf_seconds) == 1
        assert multiprocessing.active_children() == [process] and process.is_alive()
    finally:
        resident.close()
    assert multiprocessing.active_children() == []
    build(work, clean, pdf=True, search=False, jobs=1)
    pdf = next((output / "units" / unit).glob("*/*.pdf"))
    assert pdf.read_bytes() == (clean / pdf.relative_to(output)).read_bytes()


def test_a_resident_pdf_process_that_died_is_replaced(content, tmp_path):
    """The resident PDF process of `serve --pdf` dies (out of memory, say): the build that needed it
    fails with a message, not a traceback, and the next one starts a new process."""
    from generator.build import BuildFailed
    from generator.pdf.worker import PdfWorker

    work, output = tmp_path / "content", tmp_path / "site"
    shutil.copytree(content, work)
    build(work, output, search=False, pdf=True, jobs=2)
    unit = sorted(p.name for p in (work / "units").iterdir())[0]
    resident = PdfWorker(work, resident=True)
    try:
        resident.loading.result()
        (first,) = multiprocessing.active_children()
        first.kill()
        first.join()
        made = None
        for attempt in range(2):  # the pool may learn of the death only when it next hands out a job
            edit(work, unit, "一、", "一、 " if attempt == 0 else "一、  ")
            try:
                made = build(work, output, search=False, pdf=True, jobs=2, pdf_process=resident)
                break
            except BuildFailed as failed:
                assert "生成 PDF 的进程意外退出" in str(failed)
                edit(work, unit, "一、 ", "一、")
        assert made is not None and made.rendered == 1 and len(made.pdf_seconds) == 1
        (second,) = multiprocessing.active_children()
        assert second.pid != first.pid
    finally:
        resident.stop()


def test_a_pdf_process_exits_when_the_process_that_started_it_is_killed(tmp_path):
    """An idle resident PDF process is not told when `serve` is killed: it notices, and exits."""
    code = ("import multiprocessing, sys, time\n"
            "from pathlib import Path\n"
            "from generator.pdf.worker import PdfWorker\n"
            "if __name__ == '__main__':\n"
            "    worker = PdfWorker(Path(sys.argv[1]), resident=True)\n"
            "    worker.loading.result()\n"
            "    print(multiprocessing.active_children()[0].pid, flush=True)\n"
            "    time.sleep(120)\n")
    script = tmp_path / "starts_a_pdf_process.py"
    script.write_text(code, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script), str(CONTENT)], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        assert _running(child)
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 15
        while _running(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _running(child)
    finally:
        parent.kill()
        parent.stdout.close()


def _running(pid: int) -> bool:
    """Whether the process exists and is not a zombie."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_making_a_pdf_job_does_not_load_weasyprint():
    """A build's own process makes PDF jobs for its PDF process: it need not load WeasyPrint (~0.8 s)."""
    code = ("import sys; from pathlib import Path; from generator.check import check_site; "
            "from generator.pdf.build import unit_job; from generator.parallel import render_units; "
            "r = check_site(Path(sys.argv[1])); job = unit_job(r.contexts['langfang-renda/2023'], r.site); "
            "assert job.html.startswith('<!DOCTYPE html>') and job.files; "
            "print('weasyprint' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(CONTENT)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_failed_search_index_fails_the_build_and_leaves_the_output_as_it_was(content, tmp_path, monkeypatch):
    from generator.build import BuildFailed
    from generator.site import search

    output = tmp_path / "site"
    build(content, output, jobs=1)
    before = tree(output)
    edit_dir = tmp_path / "content"
    shutil.copytree(content, edit_dir)
    unit = sorted(p.name for p in (edit_dir / "units").iterdir())[0]
    edit(edit_dir, unit, "一、", "一、 ")
    failing = "import sys; sys.stderr.write('索引写入失败（测试）'); sys.exit(3)"  # a pagefind that fails
    monkeypatch.setattr(search, "_executable", lambda: [sys.executable, "-c", failing])
    with pytest.raises(BuildFailed, match="pagefind 生成搜索索引失败：pagefind 服务进程意外退出：索引写入失败（测试）"):
        build(edit_dir, output, jobs=1)
    assert tree(output) == before


def test_a_worker_process_that_dies_fails_the_build_with_a_message_and_leaves_the_output(content, tmp_path,
                                                                                         monkeypatch):
    from generator.build import WORKER_DIED, BuildFailed
    from generator.parallel import UnitWorkers
    from generator.workers import spawn_pool

    output = tmp_path / "site"
    build(content, output, jobs=1)
    before = tree(output)

    def dying_check(self, content_dir, unit_ids, keys):  # the worker is killed as the kernel's OOM killer would
        self.pools.append(spawn_pool(1))
        self.held.update((unit_id, len(self.pools)) for unit_id in unit_ids)
        return self.pools[-1].submit(os._exit, 9)

    monkeypatch.setattr(UnitWorkers, "check", dying_check)
    with pytest.raises(BuildFailed) as failed:
        build(content, output, jobs=2, reuse=False)
    assert str(failed.value) == WORKER_DIED
    assert tree(output) == before
