"""A `kill -9` of `build`, `build --pdf` or `serve --pdf`, at several moments (a worker just spawned
and still importing, workers rendering, the PDF process loading WeasyPrint, an idle resident PDF
process), leaves no process behind within 2 s: every worker watches the process that started it from
its first step (generator.workers.spawn_pool), and multiprocessing's resource tracker ends with them.

Each command runs in a session of its own, so its descendants are found by session id in /proc even
after they have been re-parented."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.bench import make_synthetic
from site_support import CONTENT

REPO = Path(__file__).resolve().parents[1]
GRACE = 2.0  # seconds after the kill within which every descendant must be gone
WAIT = 120.0  # bound on waiting for a moment to come (a slow, shared machine)


def session_processes(session: int) -> dict[int, str]:
    """Live (not zombie) processes of `session`, by pid, with their command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found[int(entry.name)] = command
    return found


ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=cwd, env=ENV, start_new_session=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when(process: subprocess.Popen, others: int, delay: float) -> dict[int, str]:
    """Wait until the command has `others` processes besides itself (its workers, the tracker), wait
    `delay` seconds more, then kill -9 it; what was running then."""
    deadline = time.monotonic() + WAIT
    while len(session_processes(process.pid)) < 1 + others:
        if process.poll() is not None:
            pytest.fail(f"{process.args} ended (exit {process.returncode}) before {others} workers were seen")
        if time.monotonic() > deadline:
            pytest.fail(f"{process.args}: never {others} workers")
        time.sleep(0.02)
    time.sleep(delay)
    running = session_processes(process.pid)
    assert process.poll() is None, f"{process.args} ended before the kill"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return running


def assert_none_left(process: subprocess.Popen, running: dict[int, str]) -> None:
    deadline = time.monotonic() + GRACE
    while (left := session_processes(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"still running {GRACE} s after the kill (of {len(running)} then): {left}"


@pytest.fixture(scope="module")
def six_units(tmp_path_factory) -> Path:
    """Six units: enough for a build with -j 2 to check and render half of them in a worker
    (generator.workers.few), the other half in its own process."""
    root = tmp_path_factory.mktemp("lifetime")
    make_synthetic(CONTENT, root / "content", 6, 1)
    return root


# (processes seen besides the build, then seconds before the kill): just spawned, still importing;
# started a moment ago; the worker (and the resource tracker its pool starts) busy checking or rendering.
MOMENTS = [(1, 0.0), (1, 0.4), (2, 1.5)]


@pytest.mark.parametrize("others, delay", MOMENTS)
def test_a_killed_build_leaves_no_worker(six_units, others, delay):
    process = start(["build", "--content", "content", "--output", "build/site", "-j", "2", "--clean"], six_units)
    assert_none_left(process, kill_when(process, others, delay))


@pytest.mark.parametrize("others, delay", [(1, 0.0), (2, 0.8)])
def test_a_killed_pdf_build_leaves_no_pdf_process(six_units, others, delay):
    """After a first build, a rebuild with --pdf starts its PDF process before it plans: killed while
    that process is starting (it has not loaded WeasyPrint, nor run any task)."""
    content = six_units / "content"
    if not (six_units / "build" / ".cache" / "pdfsite.manifest.json").exists():
        subprocess.run([sys.executable, "-m", "generator", "build", "--content", "content", "--output",
                        "build/pdfsite", "--no-search"], cwd=six_units, env=ENV, check=True)
    narrative = next((content / "units" / "unit-00001").glob("*/narrative.md"))
    narrative.write_text(narrative.read_text(encoding="utf-8") + f"\n改动 {others} {delay}。\n", encoding="utf-8")
    process = start(["build", "--content", "content", "--output", "build/pdfsite", "--no-search", "--pdf", "-j", "2"],
                    six_units)
    assert_none_left(process, kill_when(process, others, delay))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("others, delay", [(1, 0.0), (3, 0.5)])
def test_a_killed_serve_with_pdf_leaves_no_process(six_units, others, delay):
    """`serve --pdf` keeps a builder process and, below it, a resident PDF process: killed while they
    start, and later while they are loaded or idle."""
    process = start(["serve", "--content", "content", "--output", "build/preview", "--port", str(free_port()),
                     "--pdf"], six_units)
    assert_none_left(process, kill_when(process, others, delay))
