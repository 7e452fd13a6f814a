"""Headless Chromium driven over the DevTools protocol, for what `--dump-dom` cannot wait for.

`--dump-dom` with a virtual time budget suits plain scripts, but pagefind searches in a web worker
with WebAssembly and fetches, which virtual time does not wait for. Here the browser is controlled
through `--remote-debugging-pipe` (messages as NUL-terminated JSON on file descriptors 3 and 4), so a
test can load a page and wait, in real time, until a condition holds in it. Standard library only.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WAIT = 90.0  # seconds to wait for a condition before giving up (a bound, not a measurement)


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium with one page."""

    def __init__(self):
        if CHROMIUM is None:
            raise BrowserError("chromium not installed")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def pipes():  # the browser reads commands on fd 3 and writes replies on fd 4
            # Through spare numbers first: the pipes may already be 3 or 4, and dup2 onto the same
            # number would keep the close-on-exec flag.
            os.dup2(to_browser_read, 100)
            os.dup2(from_browser_write, 101)
            os.dup2(100, 3)
            os.dup2(101, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=pipes)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []  # what the browser reported unasked (console messages, log entries, …)
        try:
            targets = self.command("Target.getTargets")["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            self.session = self.command("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
            self.command("Page.enable", session=True)
            self.command("Runtime.enable", session=True)
        except BaseException:
            self.close()
            raise

    def command(self, method: str, session: bool = False, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode("utf-8") + b"\0")
        while True:
            reply = self._read()
            if "method" in reply and "id" not in reply:
                self.events.append(reply)
            elif reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise BrowserError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str) -> None:
        """Load `url` and wait until the new document has loaded."""
        self.evaluate("window.__leaving = true")
        reply = self.command("Page.navigate", session=True, url=url)
        if reply.get("errorText"):
            raise BrowserError(f"{url}: {reply['errorText']}")
        self.wait_for("!window.__leaving && document.readyState === 'complete'")

    def evaluate(self, expression: str):
        result = self.command("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                              awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str):
        """The value of `expression` once it is truthy; BrowserError if it stays falsy for WAIT seconds."""
        deadline = time.monotonic() + WAIT
        while True:
            try:
                value = self.evaluate(expression)
            except BrowserError:  # e.g. the page is navigating
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"still false after {WAIT:.0f} s: {expression}")
            time.sleep(0.2)

    def close(self) -> None:
        try:
            os.close(self._to_browser)
            os.close(self._from_browser)
        except OSError:
            pass
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextlib.contextmanager
def serve(directory: Path, policy: str | None = None):
    """A local web server for `directory`, sending `policy` (if any) as the Content-Security-Policy of
    every response; yields its base URL."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            if policy:
                self.send_header("Content-Security-Policy", policy)
            super().end_headers()

        def log_message(self, format, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
