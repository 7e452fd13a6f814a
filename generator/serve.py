"""`budgetsite serve`: build, serve on 127.0.0.1, rebuild on change; pages reload via static/livereload.js.

A rebuild depends on `content/`, the site's own theme (`theme:` in site.yaml) and the default theme, so
all three are watched. When site.yaml names another theme, the watched set follows after that rebuild.

The server never reads the content itself: every rebuild (check and build) runs in a builder process of
its own, so that content no parser survives (a segfault, a recursion too deep) ends that process and
not the server, which shows what happened and starts a new builder for the next change. While the
content fails `check`, every page of the preview is an error page listing the diagnostics with their
rules' explanations; it polls `build-id.txt` like the pages do and turns back into the page once a
rebuild succeeds.
"""

from __future__ import annotations

import email.utils
import errno
import hashlib
import html
import http.server
import io
import mimetypes
import os
import signal
import sys
import threading
import urllib.parse
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import typer

from generator.site.theme import DEFAULT_THEME, theme_dirs
from generator.workers import spawn_pool, stop_pool

LISTEN_BACKLOG = 128  # connections the kernel queues before accept(): a page and its assets come at once
MAX_PATH = 1024  # characters in a request path below the base path; the site's own are far shorter
BUILD_ID = "build-id.txt"
STOP_SECONDS = 10  # for an idle builder to stop its PDF process and exit


# -- the outcome of a rebuild, made in the builder process -----------------------------------------------

@dataclass
class Problem:
    """One diagnostic as the preview shows it."""

    location: str
    code: str
    severity: str  # 错误, 警告, 提示
    message: str  # with what was expected and found
    title: str = ""  # the rule's
    rationale: str = ""
    fix: str = ""
    consequences: list["Problem"] = field(default_factory=list)


@dataclass
class Outcome:
    """What one rebuild came to: a summary line, or the diagnostics that refused it, or a failure."""

    summary: str = ""
    problems: list[Problem] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # the diagnostics as `check` prints them
    failure: str = ""
    watched: list[Path] = field(default_factory=list)
    base_path: str | None = None  # from site.yaml, when it could be read

    @property
    def ok(self) -> bool:
        return not self.problems and not self.failure

    @property
    def id(self) -> str:
        """What the error page's build-id.txt says: it changes whenever what the page shows changes."""
        text = "\n".join([self.failure, *self.text])
        return "failed-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_resident: dict = {}  # in the builder process: the PDF process kept for every rebuild (`serve --pdf`)


def rebuild_preview(content: Path, output: Path, pdf: bool) -> Outcome:
    """One build of the preview, in the builder process; with `pdf`, with the PDFs."""
    from generator.build import BuildFailed, BuildRefused, build

    pdf_process = None
    if pdf:
        from generator.pdf.worker import PdfWorker

        if "pdf" not in _resident:
            _resident["pdf"] = PdfWorker(content, resident=True)
        pdf_process = _resident["pdf"]
    try:
        result = build(content, output, search=True, live_reload=True, pdf=pdf, pdf_process=pdf_process)
        made = f"，{len(result.pdf_seconds)} 份 PDF" if result.pdf_seconds else ""
        outcome = Outcome(summary=f"已重新生成（{result.pages} 个页面{made}，{result.seconds:.2f} 秒）")
    except BuildRefused as refused:
        shown = [d for d in refused.report.diagnostics if d.acknowledged is None]
        outcome = Outcome(problems=[_problem(d) for d in shown], text=[d.to_text() for d in shown])
    except BuildFailed as failure:
        outcome = Outcome(failure=f"生成失败：{failure}")
    except Exception as error:  # keep serving; show the problem
        outcome = Outcome(failure=f"生成失败：{type(error).__name__}: {error}")
    outcome.watched, outcome.base_path = _settings_outcome(content)
    return outcome


def _problem(diagnostic) -> Problem:
    from generator.rules import load_all

    spec = load_all().get(diagnostic.code)
    details = [f"{word} {value}" for word, value in (("应为", diagnostic.expected), ("实为", diagnostic.found),
                                                     ("差额", diagnostic.difference)) if value is not None]
    message = diagnostic.message + ("（" + "，".join(details) + "）" if details else "")
    return Problem(str(diagnostic.location), diagnostic.code, diagnostic.severity.label, message,
                   spec.title if spec else "", spec.rationale if spec else "", spec.fix if spec else "",
                   [_problem(c) for c in diagnostic.consequences])


def _settings_outcome(content: Path) -> tuple[list[Path], str | None]:
    try:
        settings = _settings(content)
        return watched_paths(content), settings.base_path if settings is not None else None
    except Exception:  # an unreadable site.yaml: the build has said why
        return fallback_watched(content), None


def _settings(content: Path):
    """site.yaml's settings, or None when it is missing or invalid (the build reports why)."""
    from pydantic import ValidationError

    from generator.model import SiteSettings
    from generator.yamlsource import load_yaml

    path = content / "site.yaml"
    if not path.is_file():
        return None
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        return None
    try:
        return SiteSettings.model_validate(doc.data)
    except ValidationError:
        return None


def watched_paths(content: Path) -> list[Path]:
    """What a rebuild reads: content/, the site theme (when configured and present), the default theme."""
    content = content.resolve()
    paths = [content, *theme_dirs(content, _settings(content))]
    return [p for p in dict.fromkeys(paths) if p.is_dir()]


def fallback_watched(content: Path) -> list[Path]:
    """What is watched when site.yaml could not be read: content/ and the default theme."""
    return [p for p in (content.resolve(), DEFAULT_THEME) if p.is_dir()]


# -- the builder process, as the server sees it -------------------------------------------------------

def _quiet_interrupt() -> None:
    """Ctrl+C reaches the whole process group; the server stops the builder (and the builder's own
    workers end with it), so none of them prints a traceback for it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Builder:
    """One process that runs the rebuilds, kept for the next one (its imports, caches and resident PDF
    process stay loaded); replaced by a new one when it dies."""

    def __init__(self, content: Path, output: Path, pdf: bool = False):
        self.content, self.output, self.pdf = content, output, pdf
        self.pool = None
        self.busy = False

    def rebuild(self, changed: list[str] | None = None) -> Outcome:
        if self.pool is None:
            self.pool = spawn_pool(1, initializer=_quiet_interrupt)
        future = self.pool.submit(rebuild_preview, self.content, self.output, self.pdf)
        process = next(iter((getattr(self.pool, "_processes", None) or {}).values()), None)
        self.busy = True
        try:
            outcome = future.result()
            self.busy = False
            return outcome
        except BrokenProcessPool:
            self.busy = False
            self.pool.shutdown(wait=False)
            self.pool = None
            return Outcome(failure=_crash_message(process, changed), watched=fallback_watched(self.content))

    def stop(self) -> None:
        """An idle builder is asked to stop its PDF process and exit, so that it leaves nothing to clean
        up (multiprocessing would warn of leaked semaphores); one still building is stopped at once."""
        if self.pool is None:
            return
        pool, self.pool = self.pool, None
        try:
            if not self.busy:
                pool.submit(_stop_resident).result(timeout=STOP_SECONDS)
                pool.shutdown(wait=True)
                return
        except Exception:
            pass
        stop_pool(pool)


def _stop_resident() -> None:
    """In the builder process, at the end of `serve`."""
    worker = _resident.pop("pdf", None)
    if worker is not None:
        worker.stop()


def _crash_message(process, changed: list[str] | None) -> str:
    code = None
    if process is not None:
        process.join(5)
        code = process.exitcode
    how = f"（信号 {signal.Signals(-code).name}）" if code and code < 0 else (f"（退出码 {code}）" if code else "")
    where = f"刚改动的文件：{'、'.join(changed)}。" if changed else ""
    return (f"生成进程意外退出{how}，多半是某个内容文件无法解析（例如嵌套过深的 YAML）。{where}"
            "改正后保存，预览会重新生成。")


def report(outcome: Outcome) -> None:
    """The outcome in the terminal."""
    if outcome.ok:
        typer.echo(outcome.summary)
        return
    for text in outcome.text:
        typer.echo(text, err=True)
    if outcome.failure:
        typer.echo(outcome.failure, err=True)
    typer.echo("预览暂停：浏览器中列出了上述问题，改正后自动恢复。", err=True)


# -- what the preview serves ------------------------------------------------------------------------

class Preview:
    """The served folder and the last rebuild's outcome (read by the request threads)."""

    def __init__(self, output: Path):
        self.output = output
        self.base_path = "/"
        self.failed: Outcome | None = None
        self.page = b""

    def show(self, outcome: Outcome) -> None:
        if outcome.base_path:
            self.base_path = outcome.base_path
        if outcome.ok:
            self.failed = None
        else:
            self.page = error_page(outcome, self.base_path)
            self.failed = outcome


ERROR_STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; background: #fdf6f6; color: #1a1a1a; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
h1 { color: #a4161a; font-size: 1.5rem; }
ol { padding-left: 1.5rem; }
li.problem { background: #fff; border-left: 4px solid #a4161a; margin: 0 0 1rem; padding: .75rem 1rem; }
li.problem.warning { border-left-color: #b7791f; }
.where code { font-size: 1rem; } .code { font-weight: bold; margin: 0 .5rem; }
.message { margin: .5rem 0; } details { color: #333; } .consequences { color: #555; }
pre { white-space: pre-wrap; background: #fff; padding: 1rem; }
"""

POLL_SCRIPT = """(function () {
  var last = %s, url = %s;
  function poll() {
    fetch(url, { cache: "no-store" }).then(function (r) { return r.ok ? r.text() : last; }).then(function (id) {
      if (id !== last) { window.location.reload(); }
    }).catch(function () {}).finally(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 1000);
})();"""


def error_page(outcome: Outcome, base_path: str) -> bytes:
    """The page shown instead of every page of the preview while the content fails."""
    import json

    shown = [p for p in outcome.problems if p.severity != "提示"]
    hints = len(outcome.problems) - len(shown)
    errors = sum(1 for p in shown if p.severity == "错误")
    if outcome.failure:
        heading, body = "生成失败，预览暂停", f"<pre class=\"failure\">{html.escape(outcome.failure)}</pre>"
    else:
        heading = "内容未通过检查，预览暂停"
        explained: set[str] = set()
        items = "".join(_problem_html(p, explained) for p in shown)
        more = f"另有 {hints} 条提示（运行 budgetsite check --info 查看）。" if hints else ""
        body = (f"<p class=\"summary\">{errors} 个错误，{len(shown) - errors} 个警告。{more}</p>"
                f"<ol class=\"problems\">{items}</ol>")
    script = POLL_SCRIPT % (json.dumps(outcome.id), json.dumps(base_path + BUILD_ID))
    page = (f"<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{heading}</title><style>{ERROR_STYLE}</style></head><body><main id=\"budgetsite-errors\">"
            f"<h1>{heading}</h1><p>改正下列问题并保存后，本页会自动回到预览（与 <code>budgetsite check</code> "
            f"的结果相同）。</p>{body}</main><script>{script}</script></body></html>\n")
    return page.encode("utf-8")


def _problem_html(problem: Problem, explained: set[str]) -> str:
    severity = "error" if problem.severity == "错误" else "warning" if problem.severity == "警告" else "info"
    why = _explanation(problem, explained)
    then = "".join(f"<li>由此导致：<code>{html.escape(c.location)}</code> {html.escape(c.code)} "
                   f"{html.escape(c.message)}{_explanation(c, explained)}</li>" for c in problem.consequences)
    return (f"<li class=\"problem {severity}\"><p class=\"where\"><code>{html.escape(problem.location)}</code>"
            f"<span class=\"code\">{html.escape(problem.code)}</span>[{html.escape(problem.severity)}]</p>"
            f"<p class=\"message\">{html.escape(problem.message)}</p>{why}"
            + (f"<ul class=\"consequences\">{then}</ul>" if then else "") + "</li>")


def _explanation(problem: Problem, explained: set[str]) -> str:
    """The rule's why and how, open for the first diagnostic of each rule on the page."""
    if not (problem.title or problem.rationale):
        return ""
    opened = " open" if problem.code not in explained else ""
    explained.add(problem.code)
    return (f"<details{opened}><summary>{html.escape(problem.code)} {html.escape(problem.title)}</summary>"
            f"<p>为什么：{html.escape(problem.rationale)}</p><p>怎么改：{html.escape(problem.fix)}</p></details>")


def _is_page(relative: str) -> bool:
    """A request the error page stands in for: a folder, an HTML page, or a path without a suffix."""
    last = relative.rsplit("/", 1)[-1]
    return last == "" or last.endswith(".html") or "." not in last


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The preview as the web server will serve it: under the site's `base_path`, with its 404 page;
    only files inside the served folder (symlinks resolved), never a directory listing."""

    preview: Preview

    def log_message(self, format, *args):  # quiet
        pass

    def send_head(self):
        """GET and HEAD alike. Outside base_path, the site root is redirected to it and anything else is
        not found."""
        preview = self.preview
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        if not raw.startswith(preview.base_path):
            if raw in ("/", "/index.html"):
                return self._redirect(preview.base_path, 302)
            return self._not_found()
        relative = urllib.parse.unquote(raw[len(preview.base_path):], errors="surrogateescape")
        if any(ord(c) < 32 or c in "\x7f\\" for c in relative) or ".." in relative.split("/"):
            return self._answer(400, "text/plain; charset=utf-8", "请求路径无效。\n".encode("utf-8"))
        if len(relative) > MAX_PATH:
            return self._not_found()
        failed = preview.failed
        if failed is not None and relative == BUILD_ID:
            return self._answer(200, "text/plain; charset=utf-8", failed.id.encode("utf-8"))
        if failed is not None and _is_page(relative):
            return self._answer(500, "text/html; charset=utf-8", preview.page)
        return self._file(relative, raw)

    def _inside(self, *parts: str) -> str | None:
        """The real path of the file at `parts` below the served folder, when it lies inside it."""
        root = os.path.realpath(self.preview.output)
        target = os.path.realpath(os.path.join(root, *parts))
        return target if target == root or target.startswith(root + os.sep) else None

    def _file(self, relative: str, raw: str):
        parts = [p for p in relative.split("/") if p not in ("", ".")]
        target = self._inside(*parts)
        if target is not None and os.path.isdir(target):
            if not raw.endswith("/"):
                return self._redirect(raw + "/", 301)
            target = self._inside(*parts, "index.html")
        if target is None or not os.path.isfile(target):
            return self._not_found()
        try:
            handle = open(target, "rb")
        except OSError:
            return self._not_found()
        stat = os.fstat(handle.fileno())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(target))
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        self.send_header("Cache-Control", "no-cache")  # a rebuild changes files under the same names
        self.end_headers()
        return handle

    def guess_type(self, path):
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return kind + "; charset=utf-8" if kind.startswith("text/") or kind.endswith("javascript") else kind

    def _redirect(self, location: str, code: int):
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None

    def _not_found(self):
        page = self._inside("404.html")
        try:
            body = Path(page).read_bytes() if page else None
        except OSError:
            body = None
        if body is None:
            body = "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>未找到</title><p>未找到此页面。</p>"
            body = body.encode("utf-8")
        return self._answer(404, "text/html; charset=utf-8", body)

    def _answer(self, code: int, kind: str, body: bytes):
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    def list_directory(self, path):  # never used by send_head above; never a listing either way
        return self._not_found()


class _PreviewServer(http.server.ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def handle_error(self, request, client_address):
        """One line, never a traceback; a browser that closed the connection is not an error."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            typer.echo(f"预览服务处理请求时出错：{type(error).__name__}: {error}", err=True)


def listen(port: int, preview: Preview) -> _PreviewServer:
    """The server bound to 127.0.0.1:`port` (not yet serving). Raises typer.Exit(1) with a message in
    Chinese when the port cannot be had, before anything is built."""
    handler = type("Handler", (_Handler,), {"preview": preview})
    try:
        return _PreviewServer(("127.0.0.1", port), handler)
    except OverflowError:
        typer.echo(f"端口 {port} 无效：应在 1–65535 之间。", err=True)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            typer.echo(f"端口 {port} 已被占用（也许另一个 budgetsite serve 正在运行）：请用 --port 换一个端口，"
                       "或先停止占用它的程序。", err=True)
        elif error.errno == errno.EACCES:
            typer.echo(f"无权使用端口 {port}：请用 1024 以上的端口（--port 8000）。", err=True)
        else:
            typer.echo(f"无法在 127.0.0.1:{port} 上提供预览：{error.strerror or error}", err=True)
    raise typer.Exit(1)


# -- serve ------------------------------------------------------------------------------------------

def watch_and_rebuild(builder: Builder, preview: Preview, paths: list[Path],
                      stop_event: threading.Event | None = None) -> None:
    """Rebuild on every change under the watched paths, until stop_event is set (or Ctrl+C)."""
    from watchfiles import watch

    while True:
        typer.echo("监视：" + "、".join(str(p) for p in paths))
        for changes in watch(*paths, stop_event=stop_event):
            outcome = builder.rebuild(_changed_names(changes, builder.content))
            report(outcome)
            preview.show(outcome)
            if outcome.watched and outcome.watched != paths:
                paths = outcome.watched
                break  # site.yaml now names another theme: watch that one instead
        else:
            return  # stopped


def _changed_names(changes, content: Path) -> list[str]:
    root = content.resolve()
    names = set()
    for _, path in changes:
        try:
            names.add(Path(path).relative_to(root).as_posix())
        except ValueError:
            names.add(str(path))
    return sorted(names)[:5]


def _stop_on_terminate(signum, frame) -> None:
    raise SystemExit(128 + signum)


def serve(content: Path, output: Path, port: int, pdf: bool = False) -> None:
    """With `pdf`, one PDF process stays loaded (in the builder) for every rebuild: a changed unit's PDF
    is rendered again at once, while the pages are, without waiting for WeasyPrint to start."""
    signal.signal(signal.SIGTERM, _stop_on_terminate)  # `kill` stops serve as Ctrl+C does: cleaned up
    preview = Preview(output.resolve())
    server = listen(port, preview)  # a busy port is said before the first build, not after it
    builder = Builder(content, output, pdf)
    serving = False
    try:
        outcome = builder.rebuild()
        report(outcome)
        preview.show(outcome)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        serving = True
        typer.echo(f"预览地址：http://127.0.0.1:{port}{preview.base_path}index.html（Ctrl+C 停止）")
        watch_and_rebuild(builder, preview, outcome.watched or fallback_watched(content))
    finally:
        if serving:
            server.shutdown()
        server.server_close()
        builder.stop()
