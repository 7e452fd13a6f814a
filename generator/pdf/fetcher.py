"""The only way WeasyPrint may load a resource: files inside the project, and data: URLs.

The check stage (rule N012) rejects narratives that reference remote hosts or files outside the
project; this fetcher is the second line of defence and stops the rendering instead of fetching.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class ResourceRefused(FatalURLFetchingError):
    """A resource the PDF may not load. Stops the rendering (WeasyPrint lets BaseException through)."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"PDF 拒绝加载资源“{url}”：{reason}")
        self.url = url
        self.reason = reason


class SafeFetcher(URLFetcher):
    """Serve file: URLs under one of `roots`, and data: URLs; refuse everything else."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols=("file", "data"))
        self.roots = [Path(r).resolve() for r in roots]

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ResourceRefused(url, "不允许从网络或其他协议加载，只能引用项目内的文件")
        path = self.local_path(url)
        if not path.is_file():
            raise ResourceRefused(url, "文件不存在")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})

    def local_path(self, url: str) -> Path:
        """The resolved path of a file: URL, refused unless it lies inside one of the roots."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ResourceRefused(url, "不允许引用其他主机上的文件")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ResourceRefused(url, "超出项目目录")
        return path
