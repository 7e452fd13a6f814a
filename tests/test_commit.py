"""The published folder is whole at every instant: a build killed at any rename of its commit leaves
every file of the previous site in place, and the next build equals a clean one; `--clean` never
leaves the output missing; two builds never write one output at once."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from generator import commit
from generator.bench import make_synthetic
from generator.build import BuildFailed, build
from generator.manifest import Manifest, directory_id
from site_support import CONTENT

ROOT = Path(__file__).resolve().parents[1]

# A build whose commit is killed (os._exit: no clean-up of any kind) just before its k-th step; with
# k = 0, it runs to the end and prints how many steps its commit took.
KILLED_BUILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    import generator.commit as commit
    from generator.build import build

    content, output, kill_at, clean = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
    steps = [0]

    def counted(step):
        def wrapper(*args):
            steps[0] += 1
            if steps[0] == kill_at:
                os._exit(9)
            return step(*args)
        return wrapper

    commit._move = counted(commit._move)
    commit._exchange = counted(commit._exchange)
    build(content, output, jobs=1, reuse=not clean)
    print(steps[0])
""")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_build(content: Path, output: Path, kill_at: int = 0, clean: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILLED_BUILD, str(content), str(output), str(kill_at),
                           "1" if clean else "0"], capture_output=True, text=True, cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """A built site of three units, the same content with one unit's narrative changed, and a clean
    build of the changed content."""
    root = tmp_path_factory.mktemp("commit")
    before, after = root / "before", root / "after"
    make_synthetic(CONTENT, before, 3, 1)
    shutil.copytree(before, after)
    narrative = next((after / "units" / "unit-00001").glob("*/narrative.md"))
    text = narrative.read_text(encoding="utf-8")
    narrative.write_text(text.replace("一、", "一、 ", 1), encoding="utf-8")
    built = root / "built" / "site"
    build(before, built, jobs=1)
    clean = root / "clean" / "site"
    build(after, clean, jobs=1, reuse=False)
    return before, after, built, clean


def copy_build(built: Path, target: Path) -> Path:
    """The built site with its cache and manifest, elsewhere (hard links would share the files); the
    manifest is told the copy is the folder it describes."""
    shutil.copytree(built.parent, target, symlinks=True)
    output = target / built.name
    path = Manifest.path_for(output)
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["output_id"] = directory_id(output)
    path.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    return output


def previous_files(built: Path) -> list[str]:
    stored = json.loads(Manifest.path_for(built).read_text(encoding="utf-8"))
    return stored["site_files"] + [f for unit in stored["units"].values() for f in unit["files"]]


def test_a_patching_build_killed_at_any_step_of_its_commit_leaves_a_whole_site(sites, tmp_path):
    _, after, built, clean = sites
    listed = previous_files(built)
    counting = run_build(after, copy_build(built, tmp_path / "count"))
    assert counting.returncode == 0, counting.stderr
    steps = int(counting.stdout.split()[-1])
    assert steps >= 8  # the unit, its search bucket, the site bucket, static/, years/, the list pages…
    for k in range(1, steps + 1):
        output = copy_build(built, tmp_path / f"kill-{k}")
        killed = run_build(after, output, kill_at=k)
        assert killed.returncode == 9, (k, killed.stderr)
        missing = [f for f in listed if not (output / f).is_file()]
        assert not missing, (k, missing[:5])
        assert not Manifest.path_for(output).exists()  # the next build trusts nothing of it
        build(after, output, jobs=1)
        assert tree(output) == tree(clean), k
        assert not [p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}.tmp-")]


def test_a_clean_build_never_leaves_the_output_missing(sites, tmp_path):
    before, after, built, clean = sites
    output = copy_build(built, tmp_path / "watched")
    seen, stop = [], threading.Event()

    def watch():
        while not stop.is_set():
            seen.append((output / "index.html").is_file() and (output / "static").is_dir()
                        and (output / "years").is_dir())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        done = run_build(after, output, clean=True)
    finally:
        stop.set()
        watcher.join()
    assert done.returncode == 0, done.stderr
    assert len(seen) > 100 and all(seen)
    assert tree(output) == tree(clean)

    killed = run_build(after, output, kill_at=1, clean=True)  # before the one exchange
    assert killed.returncode == 9
    assert tree(output) == tree(clean)


def test_a_second_build_of_one_output_is_refused_while_the_first_runs(sites, tmp_path):
    before, _, built, _ = sites
    output = copy_build(built, tmp_path / "locked")
    files = tree(output)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from generator.commit import exclusive
        with exclusive(Path({str(output)!r})):
            print("held", flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(BuildFailed, match=f"另一个构建（进程 {holder.pid}）正在生成 .*请等它结束后再试"):
            build(before, output, jobs=1, reuse=False)
        cli = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(before), "--output", str(output)],
                             capture_output=True, text=True, cwd=ROOT)
        assert cli.returncode == 1 and "另一个构建" in cli.stderr and "Traceback" not in cli.stderr
        pdfs = subprocess.run([sys.executable, "-m", "generator", "pdf", "--content", str(before), "--output", str(output)],
                              capture_output=True, text=True, cwd=ROOT)  # `pdf` writes into the output too
        assert pdfs.returncode == 1 and "另一个构建" in pdfs.stderr + pdfs.stdout and "Traceback" not in pdfs.stderr
    finally:
        holder.kill()
        holder.wait()
    assert tree(output) == files
    assert build(before, output, jobs=1).up_to_date  # the lock went with the process that held it


def test_two_builds_started_together_leave_one_whole_site(sites, tmp_path):
    _, after, built, clean = sites
    output = copy_build(built, tmp_path / "together")
    command = [sys.executable, "-m", "generator", "build", "--content", str(after), "--output", str(output), "-j", "1"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
            for _ in range(2)]
    outcomes = [(run.wait(timeout=600), run.stderr.read()) for run in runs]
    for code, errors in outcomes:
        assert code == 0 or (code == 1 and "另一个构建" in errors), errors
    assert any(code == 0 for code, _ in outcomes)
    assert tree(output) == tree(clean)


def test_staging_folders_are_named_for_their_output_and_removed_under_the_lock(tmp_path):
    output = tmp_path / "site"
    other = tmp_path / ".public.tmp-12"  # another output's: not this build's business
    stale = commit.staging(output, "tmp")
    for folder in (other, stale):
        folder.mkdir()
    commit.remove_abandoned(output)
    assert other.is_dir() and not stale.exists()
