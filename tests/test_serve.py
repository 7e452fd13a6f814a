"""`budgetsite serve`, run for real as a subprocess on a temporary site: it serves over HTTP and rebuilds
when a file of the site's own theme changes (build-id.txt and the served page change)."""

from __future__ import annotations

import html
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal as D
from pathlib import Path

import pytest

from generator.serve import watched_paths
from generator.site.theme import DEFAULT_THEME

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import SiteTree
except ImportError:  # pragma: no cover
    from tests.conftest import SiteTree

REPO = Path(__file__).resolve().parents[1]
GLOSSARY = (DEFAULT_THEME / "templates" / "glossary.html").read_text(encoding="utf-8")
TIMEOUT = 90  # seconds for one rebuild to show up, generous for slow CI machines


def themed(text: str) -> str:
    """The default glossary template with a marker paragraph."""
    return GLOSSARY.replace("<h1>名词解释</h1>", f"<h1>名词解释</h1>\n<p class=\"marker\">{text}</p>")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    data = fetch_bytes(url)
    return None if data is None else data.decode("utf-8")


def fetch_bytes(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def descendants(pid: int) -> set[int]:
    """The processes below `pid` (from /proc): its children, theirs, and so on."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), [pid]
    while todo:
        above = todo.pop()
        below = {child for child, parent in parents.items() if parent == above}
        todo.extend(below - found)
        found |= below
    return found


class Serve:
    """`python -m generator serve` in the site's directory; output in files, not pipes (no blocking)."""

    def __init__(self, root: Path, *options: str, base_path: str = "/"):
        self.root = root
        self.port = free_port()
        self.host = f"http://127.0.0.1:{self.port}"
        self.base = self.host + base_path
        self.log = root / "serve.log"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
               "PYTHONUNBUFFERED": "1", "PYTHONUTF8": "1", "NO_COLOR": "1"}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "generator", "serve", "--content", "content", "--output", "build/preview",
                 "--port", str(self.port), *options], cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def build_id(self) -> str | None:
        return fetch(self.base + "build-id.txt")

    def wait_ready(self) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"serve exited:\n{self.output()}"
            build_id = self.build_id()
            if build_id and "监视" in self.output():
                return build_id
            time.sleep(0.2)
        pytest.fail(f"serve not ready after {TIMEOUT} s:\n{self.output()}")

    def change_and_wait(self, path: Path, text: str, old_id: str) -> str:
        """Write `text` to `path` until a rebuild shows (rewritten every few seconds: the watcher may only
        just be starting), then return the new build id."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            poke = time.monotonic() + 8
            while time.monotonic() < min(poke, deadline):
                assert self.process.poll() is None, f"serve exited:\n{self.output()}"
                build_id = self.build_id()
                if build_id and build_id != old_id:
                    return build_id
                time.sleep(0.2)
        pytest.fail(f"no rebuild after changing {path}:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def themed_site(site_tree) -> SiteTree:
    site_tree.patch_site({"theme": "mytheme"})
    site_tree.write()
    (site_tree.root / "mytheme" / "templates").mkdir(parents=True)
    (site_tree.root / "mytheme" / "templates" / "glossary.html").write_text(themed("主题第一版"), encoding="utf-8")
    return site_tree


def test_watched_paths_include_the_site_theme(themed_site):
    root = themed_site.root.resolve()
    assert watched_paths(themed_site.content) == [root / "content", root / "mytheme", DEFAULT_THEME]
    (themed_site.content / "site.yaml").write_text(
        (themed_site.content / "site.yaml").read_text(encoding="utf-8").replace("mytheme", "missing"),
        encoding="utf-8")
    assert watched_paths(themed_site.content) == [root / "content", DEFAULT_THEME]  # absent: nothing to watch


def test_serve_rebuilds_when_the_site_theme_changes(themed_site):
    root = themed_site.root
    server = Serve(root)
    try:
        first = server.wait_ready()
        page = fetch(server.base + "glossary.html")
        assert page and "主题第一版" in page
        assert "static/livereload.js" in page  # the preview reloads itself

        # a template of the site theme changes → rebuilt, served, and a new build id for livereload
        second = server.change_and_wait(root / "mytheme" / "templates" / "glossary.html", themed("主题第二版"),
                                        first)
        page = fetch(server.base + "glossary.html")
        assert page and "主题第二版" in page and "主题第一版" not in page
        assert (root / "build" / "preview" / "build-id.txt").read_text(encoding="utf-8") == second

        # a static file of the site theme is copied over the default one
        css = "/* 站点主题 */\nbody { color: #111; }\n"
        third = server.change_and_wait(root / "mytheme" / "static" / "site.css", css, second)
        assert fetch(server.base + "static/site.css") == css

        # site.yaml names another theme: after that rebuild, the new theme directory is the one watched
        other = root / "othertheme" / "templates" / "glossary.html"
        other.parent.mkdir(parents=True)
        other.write_text(themed("另一主题"), encoding="utf-8")
        site_yaml = themed_site.content / "site.yaml"
        fourth = server.change_and_wait(
            site_yaml, site_yaml.read_text(encoding="utf-8").replace("theme: mytheme", "theme: othertheme"), third)
        assert "另一主题" in fetch(server.base + "glossary.html")
        server.change_and_wait(other, themed("另一主题第二版"), fourth)
        assert "另一主题第二版" in fetch(server.base + "glossary.html")
    finally:
        server.stop()
    assert server.process.returncode is not None


def test_serve_with_pdf_keeps_one_pdf_process_and_renders_the_changed_units_pdf(site_tree):
    import io

    import pypdf

    from conftest import UNIT_ID, YEAR

    site_tree.write()
    root = site_tree.root
    pdf_url = f"units/{UNIT_ID}/{YEAR}/{UNIT_ID}-{YEAR}.pdf"
    server = Serve(root, "--pdf")
    try:
        first = server.wait_ready()
        assert f'href="{UNIT_ID}-{YEAR}.pdf"' in fetch(server.base + f"units/{UNIT_ID}/{YEAR}/index.html")
        before = fetch_bytes(server.base + pdf_url)
        assert before and before.startswith(b"%PDF")
        processes = descendants(server.process.pid)
        assert len(processes) >= 3  # the builder, its PDF process, multiprocessing's tracker: kept between rebuilds

        narrative = site_tree.content / "units" / UNIT_ID / str(YEAR) / "narrative.md"
        text = narrative.read_text(encoding="utf-8") + "\n本单位预览用的新增段落。\n"
        server.change_and_wait(narrative, text, first)
        after = fetch_bytes(server.base + pdf_url)
        assert after != before
        pages = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(after)).pages)
        assert "预览用的新增段落" in pages.replace(" ", "").replace("\n", "")
        assert "1 份 PDF" in server.output()
        assert descendants(server.process.pid) == processes  # the same PDF process did it
    finally:
        server.stop()
    # SIGTERM stopped it as Ctrl+C does, cleaning up (130 while watching, 143 while building; not -15)
    assert server.process.returncode in (130, 143)
    deadline = time.monotonic() + 10  # its helpers (the PDF process, multiprocessing's tracker) exit too
    while any(running(pid) for pid in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(running(pid) for pid in processes)


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_preview_is_served_under_the_base_path_with_the_404_page(site_tree):
    site_tree.patch_site({"base_path": "/yusuan/"})
    site_tree.write()
    server = Serve(site_tree.root, base_path="/yusuan/")
    try:
        server.wait_ready()
        assert "/yusuan/index.html" in server.output()
        home = fetch(server.base + "index.html")
        assert home and fetch(server.host + "/") == home  # the root redirects to the base path
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.base + "units/no-such-unit/", timeout=5)
        assert missing.value.code == 404
        page = missing.value.read().decode("utf-8")
        assert page == (site_tree.root / "build" / "preview" / "404.html").read_text(encoding="utf-8")
        assert 'href="/yusuan/static/' in page and fetch(server.host + "/yusuan/static/site.css")  # its links work
        with pytest.raises(urllib.error.HTTPError) as outside:
            urllib.request.urlopen(server.host + "/static/site.css", timeout=5)  # not where the site is
        assert outside.value.code == 404
    finally:
        server.stop()


# -- a preview that survives its content and its requests ---------------------------------------------

def fetch_status(url: str) -> tuple[int, str]:
    """The status and body of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def raw_request(port: int, target: bytes) -> int:
    """The status of `GET target` sent as is (urllib would quote or refuse what a probe sends)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1])


def wait_for_id(server: Serve, accept, what: str) -> str:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        assert server.process.poll() is None, f"serve exited:\n{server.output()}"
        build_id = server.build_id()
        if build_id and accept(build_id):
            return build_id
        time.sleep(0.2)
    pytest.fail(f"{what} never showed:\n{server.output()}")


def unit_page(server: Serve) -> str:
    from conftest import UNIT_ID, YEAR

    return server.base + f"units/{UNIT_ID}/{YEAR}/index.html"


def test_serve_survives_a_budget_no_parser_survives_and_returns_when_it_is_fixed(site_tree):
    """50,000 nested `[` crash the YAML parser (a segfault): the builder process dies, the server goes on
    answering, shows what happened on every page, and turns back into the preview once the file is fixed."""
    from conftest import UNIT_ID, YEAR

    site_tree.write()
    server = Serve(site_tree.root)
    budget = site_tree.content / "units" / UNIT_ID / str(YEAR) / "budget.yaml"
    good = budget.read_text(encoding="utf-8")
    try:
        first = server.wait_ready()
        budget.write_text("[" * 50000 + "\n", encoding="utf-8")
        failed = wait_for_id(server, lambda i: i.startswith("failed-"), "the error page")
        status, page = fetch_status(unit_page(server))
        assert status == 500 and "预览暂停" in page and "budget.yaml" in page
        assert fetch_status(server.base + "static/site.css")[0] == 200  # the rest is still served
        budget.write_text(good, encoding="utf-8")
        back = wait_for_id(server, lambda i: i != failed, "the fixed preview")
        assert back == first  # the same content as before: the same build
        status, page = fetch_status(unit_page(server))
        assert status == 200 and "预览暂停" not in page
        assert "Traceback" not in server.output()
    finally:
        server.stop()


def test_an_invalid_edit_shows_every_diagnostic_with_its_rule_and_a_fix_brings_the_page_back(site_tree):
    """What `check` says about the content, in the browser: every diagnostic's file:line:col, code,
    message and the rule's explanation; then the page itself again once the content checks clean."""
    from generator.check import check_site
    from generator.diagnostics import Severity
    from generator.rules import load_all

    site_tree.write()
    server = Serve(site_tree.root)
    try:
        first = server.wait_ready()
        good = fetch_status(unit_page(server))[1]
        site_tree.patch_budget({"totals": {"income": {"total": D("101.00")}},
                                "three_public": {"subtotal": D("9.60")}})
        site_tree.write()
        expected = [d for d in check_site(site_tree.content).diagnostics
                    if d.acknowledged is None and d.severity is not Severity.INFO]
        assert len({d.code for d in expected}) >= 2  # two rules at least
        failed = wait_for_id(server, lambda i: i != first, "the error page")
        assert failed.startswith("failed-")
        status, page = fetch_status(unit_page(server))
        assert status == 500
        registry = load_all()
        for d in expected + [c for d in expected for c in d.consequences]:  # with those they explain
            assert str(d.location) in page and d.location.line > 0  # file:line:col
            assert html.escape(d.message) in page and d.code in page
            assert html.escape(registry[d.code].rationale) in page and html.escape(registry[d.code].fix) in page
        assert fetch_status(server.base + "index.html")[1] == page  # every page shows it
        assert "预览暂停" in server.output()  # and the terminal says so too

        site_tree.patch_budget({"totals": {"income": {"total": D("100.00")}}, "three_public": {"subtotal": D("9.50")}})
        site_tree.write()
        wait_for_id(server, lambda i: not i.startswith("failed-"), "the fixed page")
        assert fetch_status(unit_page(server)) == (200, good)
    finally:
        server.stop()


def test_the_browser_shows_the_diagnostics_and_returns_to_the_page(site_tree):
    """In headless Chromium: the page on screen turns into the diagnostics after an invalid edit, and
    back into the page (the same address) after the fix, by itself."""
    from browser_support import CHROMIUM, Browser

    if CHROMIUM is None:
        pytest.skip("chromium not installed")
    site_tree.write()
    server = Serve(site_tree.root)
    try:
        server.wait_ready()
        with Browser() as browser:
            browser.open(unit_page(server))
            title = browser.evaluate("document.querySelector('h1').textContent")
            time.sleep(1.5)  # livereload has read the current build id
            site_tree.patch_budget({"totals": {"income": {"total": D("101.00")}}})
            site_tree.write()
            browser.wait_for("document.getElementById('budgetsite-errors') !== null")
            text = browser.evaluate("document.body.innerText")
            assert "budget.yaml:" in text and "为什么" in text and "怎么改" in text
            site_tree.patch_budget({"totals": {"income": {"total": D("100.00")}}})
            site_tree.write()
            browser.wait_for("document.getElementById('budgetsite-errors') === null && !!document.querySelector('h1')")
            assert browser.evaluate("document.querySelector('h1').textContent") == title
            assert browser.evaluate("location.href") == unit_page(server)
    finally:
        server.stop()


def test_request_paths_that_probe_the_server_get_400_or_404_and_never_a_traceback(site_tree):
    site_tree.write()
    server = Serve(site_tree.root)
    try:
        server.wait_ready()
        preview = site_tree.root / "build" / "preview"
        (preview / "passwd.html").symlink_to("/etc/passwd")  # a symlink out of the served folder
        (preview / "etc").symlink_to("/etc")
        secret = site_tree.root / "secret.txt"
        secret.write_text("机密", encoding="utf-8")
        probes = {
            b"/index.html%00": 400, b"/%00": 400, b"/units/%00/x.html": 400, b"/a%0d%0aSet-Cookie:x": 400,
            b"/../secret.txt": 400, b"/%2e%2e/secret.txt": 400, b"/static/%2e%2e/%2e%2e/secret.txt": 400,
            b"/..%2fsecret.txt": 400, b"/%5c..%5csecret.txt": 400,
            b"/passwd.html": 404, b"/etc/passwd": 404, b"/etc/": 404,
            b"/static/": 404,  # a folder without index.html: no listing
            b"/" + b"a" * 5000: 404, b"/" + b"a/" * 3000: 404, b"/%ff%fe.html": 404,
        }
        found = {target: raw_request(server.port, target) for target in probes}
        assert found == probes
        assert raw_request(server.port, b"/static") == 301  # a folder: to its address with a slash
        assert raw_request(server.port, b"/index.html") == 200
        assert "Traceback" not in server.output() and "root:" not in server.output()
    finally:
        server.stop()


def test_twenty_concurrent_requests_are_answered_without_a_stall(site_tree):
    """The listen backlog holds a page and its assets requested at once (a backlog of 5 made some wait
    a second for a SYN retry)."""
    from concurrent.futures import ThreadPoolExecutor

    site_tree.write()
    server = Serve(site_tree.root)
    try:
        server.wait_ready()

        def timed(_):
            started = time.monotonic()
            status = fetch_status(server.base + "static/site.css")[0]
            return status, time.monotonic() - started

        for _ in range(3):
            with ThreadPoolExecutor(20) as pool:
                results = list(pool.map(timed, range(20)))
            assert all(status == 200 for status, _ in results)
            assert max(seconds for _, seconds in results) < 0.9, results
    finally:
        server.stop()


def test_a_busy_port_is_said_in_chinese_before_anything_is_built(site_tree):
    site_tree.write()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
        done = subprocess.run([sys.executable, "-m", "generator", "serve", "--content", "content", "--output",
                               "build/preview", "--port", str(port)], cwd=site_tree.root, env=env,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"端口 {port} 已被占用" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (site_tree.root / "build" / "preview").exists()  # refused before the build
