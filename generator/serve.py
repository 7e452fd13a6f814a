"""`budgetsite serve`: build, serve on 127.0.0.1, rebuild on change; pages reload via static/livereload.js."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import typer

from generator.build import BuildRefused, build
from generator.site.theme import DEFAULT_THEME


def _rebuild(content: Path, output: Path) -> None:
    try:
        result = build(content, output, search=True, live_reload=True)
        typer.echo(f"已重新生成（{result.pages} 个页面，{result.seconds:.2f} 秒）")
    except BuildRefused as refused:
        for diagnostic in refused.report.diagnostics:
            if diagnostic.acknowledged is None:
                typer.echo(diagnostic.to_text(), err=True)
        typer.echo("内容未通过检查，预览保持上一次的结果。", err=True)
    except Exception as error:  # keep serving; show the problem
        typer.echo(f"生成失败：{error}", err=True)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # quiet
        pass


def _server(output: Path, port: int) -> http.server.ThreadingHTTPServer:
    # Serve the directory by path each request, so the swapped-in tree is always the one served.
    class Handler(_Handler):
        def translate_path(self, path):
            self.directory = str(output)
            return super().translate_path(path)

    return http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(output)))


def serve(content: Path, output: Path, port: int) -> None:
    from watchfiles import watch

    _rebuild(content, output)
    server = _server(output.resolve(), port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    typer.echo(f"预览地址：http://127.0.0.1:{port}/index.html（Ctrl+C 停止）")
    watched = [content, DEFAULT_THEME]
    try:
        for _changes in watch(*watched):
            _rebuild(content, output)
    finally:
        server.shutdown()
