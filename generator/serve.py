"""`budgetsite serve`: build, serve on 127.0.0.1, rebuild on change; pages reload via static/livereload.js.

A rebuild depends on `content/`, the site's own theme (`theme:` in site.yaml) and the default theme, so
all three are watched. When site.yaml names another theme, the watched set follows after that rebuild.
"""

from __future__ import annotations

import functools
import http.server
import signal
import threading
from pathlib import Path

import typer

from generator.build import BuildRefused, build
from generator.site.theme import theme_dirs


def _rebuild(content: Path, output: Path, pdf_process=None) -> None:
    """One build of the preview; with `pdf_process` (a resident PDF process), with the PDFs."""
    try:
        result = build(content, output, search=True, live_reload=True, pdf=pdf_process is not None,
                       pdf_process=pdf_process)
        made = f"，{len(result.pdf_seconds)} 份 PDF" if result.pdf_seconds else ""
        typer.echo(f"已重新生成（{result.pages} 个页面{made}，{result.seconds:.2f} 秒）")
    except BuildRefused as refused:
        for diagnostic in refused.report.diagnostics:
            if diagnostic.acknowledged is None:
                typer.echo(diagnostic.to_text(), err=True)
        typer.echo("内容未通过检查，预览保持上一次的结果。", err=True)
    except Exception as error:  # keep serving; show the problem
        typer.echo(f"生成失败：{error}", err=True)


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


def watch_and_rebuild(content: Path, output: Path, stop_event: threading.Event | None = None,
                      pdf_process=None) -> None:
    """Rebuild on every change under the watched paths, until stop_event is set (or Ctrl+C)."""
    from watchfiles import watch

    while True:
        paths = watched_paths(content)
        typer.echo("监视：" + "、".join(str(p) for p in paths))
        for _changes in watch(*paths, stop_event=stop_event):
            _rebuild(content, output, pdf_process)
            if watched_paths(content) != paths:
                break  # site.yaml now names another theme: watch that one instead
        else:
            return  # stopped


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The preview as the web server will serve it: under the site's `base_path`, with its 404 page."""

    output: Path
    base_path: str = "/"

    def log_message(self, format, *args):  # quiet
        pass

    def send_head(self):
        """GET and HEAD alike. Outside base_path, the site root is redirected to it and anything else is
        not found."""
        if self.path.startswith(self.base_path):
            return super().send_head()
        if self.path in ("/", "/index.html"):
            self.send_response(302)
            self.send_header("Location", self.base_path)
            self.end_headers()
        else:
            self.send_error(404)
        return None

    def translate_path(self, path):
        # The directory by path on each request, so the swapped-in tree is always the one served.
        self.directory = str(self.output)
        return super().translate_path("/" + path[len(self.base_path):] if path.startswith(self.base_path) else path)

    def send_error(self, code, message=None, explain=None):
        page = self.output / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _server(output: Path, port: int, base_path: str = "/") -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"output": output, "base_path": base_path})
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(output)))


def _stop_on_terminate(signum, frame) -> None:
    raise SystemExit(128 + signum)


def serve(content: Path, output: Path, port: int, pdf: bool = False) -> None:
    """With `pdf`, one PDF process stays loaded for every rebuild: a changed unit's PDF is rendered
    again at once, while the pages are, without waiting for WeasyPrint to start."""
    from generator.pdf.worker import PdfWorker

    signal.signal(signal.SIGTERM, _stop_on_terminate)  # `kill` stops serve as Ctrl+C does: cleaned up
    pdf_process = PdfWorker(content, resident=True) if pdf else None
    try:
        _rebuild(content, output, pdf_process)
        settings = _settings(content)
        base_path = settings.base_path if settings is not None else "/"
        server = _server(output.resolve(), port, base_path)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        typer.echo(f"预览地址：http://127.0.0.1:{port}{base_path}index.html（Ctrl+C 停止）")
        try:
            watch_and_rebuild(content, output, pdf_process=pdf_process)
        finally:
            server.shutdown()
    finally:
        if pdf_process is not None:
            pdf_process.stop()
