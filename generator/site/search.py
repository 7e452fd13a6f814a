"""Offline full-text search, split into buckets so that a rebuild re-indexes only what changed.

Two indexes are written from the same pages: pagefind bundles (extended build, which segments Chinese)
for the site served over http(s), and plain scripts (offline_search.py) for pages opened from disk
(file://), where pagefind cannot load.

Buckets (generator/site/buckets.py). The site-wide pages form the bucket `site`; each unit's pages go
to one of the site's unit buckets, whose number grows with the site. Each non-empty bucket gets

    pagefind/<bucket>/          its own pagefind bundle (an index of its pages alone)
    search-index/<bucket>.js    its part of the offline index

The `site` bundle is the primary one: it carries pagefind's runtime (pagefind.js, the WebAssembly, the
UI); the browser merges the others into it (`mergeIndex`), so they keep only their index files.

Reuse. A bucket's key hashes its pages (names and bytes), its name and role, the pagefind version and
the code version. A bucket whose key equals the one the previous build recorded (in its manifest) is
linked from the previous output instead of indexed again; the others are indexed, concurrently.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from generator.files import files_below, link_files
from generator.site import offline_search
from generator.site.buckets import BUNDLES, SITE_BUCKET, Buckets
from generator.workers import default_jobs

SCHEME = "search-buckets-1"  # bump when the layout of the bucket files changes
# What a merged (non-primary) bundle needs: pagefind loads nothing else from it.
MERGED_KEEP = re.compile(r"^(pagefind-entry\.json|pagefind\..*\.pf_meta|(index|fragment|filter)/.*)$")
WARM_UP_PAGE = '<html lang="zh-CN"><body><main data-pagefind-body><p>部门预算信息公开</p></main></body></html>'


class SearchIndexError(RuntimeError):
    pass


def bundle_dir(bucket: str) -> str:
    return f"{BUNDLES}/{bucket}/"


@dataclass
class BucketOutput:
    """What one bucket wrote (relative to the output), and the key it was indexed under."""

    key: str
    files: list[str]


@dataclass
class SearchResult:
    buckets: dict[str, BucketOutput] = field(default_factory=dict)
    indexed: list[str] = field(default_factory=list)  # buckets indexed by this build
    reused: list[str] = field(default_factory=list)  # buckets linked from the previous output


def index_site(site_dir: Path, pages: list[str], cache_dir: Path | None = None, previous_dir: Path | None = None,
               previous: dict[str, BucketOutput] | None = None, jobs: int = 0, *, buckets: Buckets,
               page_keys: dict[str, str] | None = None, link_reused: bool = True,
               shards: list[tuple[Path, dict[str, BucketOutput]]] = (),
               warm: "PagefindService | None" = None, keys: dict[str, str] | None = None) -> SearchResult:
    """Write pagefind/<bucket>/ and search-index/<bucket>.js for every bucket of the site in site_dir.
    A bucket whose key is the one `previous` records is linked from `previous_dir` (or, without
    `link_reused`, left where it is, for the caller to keep); the others are indexed, at most `jobs`
    pagefind processes at a time (0: one per core). Raises SearchIndexError on failure.

    `pages`: every page of the site (paths relative to it); site_dir must hold those of the buckets
    that may have to be indexed. `page_keys`: for some pages, a key that changes whenever the page's bytes do (the unit's render
    key), so that the page need not be read to key its bucket. `shards`: (shard output, its buckets) of
    the shards being merged: a bucket a shard indexed under the same key is linked from there. `warm`: a
    service started (and warmed) earlier, which takes the first share of the buckets. `keys`: the
    buckets' keys (`bucket_keys`), when the caller has them."""
    groups = buckets.group(pages)
    keys = keys or bucket_keys(site_dir, groups, page_keys or {}, buckets)
    result = SearchResult()
    todo, reuse = [], []
    for bucket in groups:
        found = _indexed_before(bucket, keys[bucket], [(previous_dir, previous or {}), *shards])
        if found is not None:
            reuse.append(found)
            result.buckets[bucket] = BucketOutput(keys[bucket], list(found[1].files))
            result.reused.append(bucket)
        else:
            todo.append(bucket)
    services = max(1, min(jobs or default_jobs(), len(todo)))
    shares = [todo[n::services] for n in range(services)]
    with ThreadPoolExecutor(max_workers=services) as pool:
        running = [pool.submit(_index_buckets, site_dir, {b: groups[b] for b in share}, warm if n == 0 else None)
                   for n, share in enumerate(shares) if share]
        # Meanwhile, in this process: the unchanged buckets are linked, the offline index is written.
        for source, before in reuse:
            if link_reused or source != previous_dir:  # a shard's bucket is always linked in
                link_files(source, site_dir, before.files)
        cache = cache_dir / "offline-search" if cache_dir is not None else None
        for bucket in todo:
            offline_search.write_bucket(site_dir, bucket, groups[bucket],
                                        cache / f"{bucket}.pickle" if cache is not None else None)
        errors = [failure for future in running for failure in future.result()]
    if errors:
        raise SearchIndexError(f"pagefind 生成搜索索引失败：{errors[0]}")
    if cache_dir is not None:
        (cache_dir / "offline-search.pickle").unlink(missing_ok=True)  # the single cache of earlier versions
    for bucket in todo:
        if bucket != SITE_BUCKET:
            _prune_merged(site_dir / bundle_dir(bucket))
        files = sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / bundle_dir(bucket)).rglob("*")
                       if p.is_file())
        result.buckets[bucket] = BucketOutput(keys[bucket], files + [offline_search.script_path(bucket)])
        result.indexed.append(bucket)
    result.buckets = dict(sorted(result.buckets.items()))
    return result


def _indexed_before(bucket: str, key: str, sources: list) -> tuple[Path, BucketOutput] | None:
    """Where the bucket was indexed under this key already, with its files all there: the previous
    output, or a shard being merged."""
    for root, buckets in sources:
        before = buckets.get(bucket)
        if (root is not None and before is not None and before.key == key
                and all((root / f).is_file() for f in before.files)):
            return root, before
    return None


def index_build(staged: Path, output: Path, cache_dir: Path, previous: dict[str, BucketOutput],
                patched_units: set[str] | None, units_out: dict, rendered: set[str], jobs: int,
                shards: list = (), *, buckets: Buckets, warm: "PagefindService | None" = None) -> SearchResult:
    """The search index of a build in `staged`, keyed by page: a unit's pages by its render key, the
    site's own pages by their bytes. `patched_units`: when the build patches `output`, the units of its
    last build (else None). Then only the buckets that hold a rendered or removed unit (and the site
    bucket) can change: the indexer reads a view of their pages made of hard links, what it writes is
    moved into staging, and the other buckets stay where they are in the output. Which buckets can
    change is told by their keys (a rendered unit changes its pages' keys, a removed one the bucket's
    list of pages, a new bucket count every bucket's name and members)."""
    from generator.commit import staging

    page_keys = {f: out.render_key for out in units_out.values() for f in out.files if f.endswith(".html")}
    staged_pages = [f for f in files_below(staged) if f.endswith(".html")]
    pages = [f for f in staged_pages if f not in page_keys] + list(page_keys)
    if patched_units is None:
        return index_site(staged, pages, cache_dir, output, previous, jobs, buckets=buckets, page_keys=page_keys,
                          shards=shards, warm=warm)
    view = staging(output, "view")
    try:
        link_files(staged, view, staged_pages)
        groups = buckets.group(pages)
        keys = bucket_keys(staged, groups, page_keys, buckets)  # a unit's pages are keyed without reading them
        stale = {b for b in groups if b not in previous or previous[b].key != keys[b]}
        kept = [f for unit_id, out in units_out.items() if unit_id not in rendered for f in out.files
                if f.endswith(".html") and buckets.page(f) in stale]
        link_files(output, view, kept)
        search = index_site(view, pages, cache_dir, output, previous, jobs, buckets=buckets, page_keys=page_keys,
                            link_reused=False, warm=warm, keys=keys)
        for bucket in search.indexed:
            for name in search.buckets[bucket].files:
                (staged / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(view / name, staged / name)
        return search
    finally:
        shutil.rmtree(view, ignore_errors=True)


def bucket_keys(site_dir: Path, groups: dict[str, list[str]], page_keys: dict[str, str], buckets: Buckets) -> dict[str, str]:
    """Each bucket's key; `groups`: its pages (Buckets.group)."""
    return {bucket: _bucket_key(site_dir, bucket, urls, page_keys, buckets) for bucket, urls in groups.items()}


def _bucket_key(site_dir: Path, bucket: str, urls: list[str], page_keys: dict[str, str], buckets: Buckets) -> str:
    """Everything that shapes the bucket's files: its pages, its name and role, pagefind, this code."""
    from generator.fingerprint import code_version

    digest = hashlib.sha256("\0".join([SCHEME, str(buckets.count), bucket, pagefind_version(), code_version()])
                            .encode("utf-8"))
    for url in urls:
        if url in page_keys:
            digest.update(f"\0{url}\0key\0{page_keys[url]}".encode("utf-8"))
            continue
        data = (site_dir / url).read_bytes()
        digest.update(f"\0{url}\0{len(data)}\0".encode("utf-8"))
        digest.update(data)
    return digest.hexdigest()


def page_url(path: str) -> str:
    """The address pagefind records for a page (path relative to the site): a folder's index.html is
    the folder, as pagefind's own directory walk names it."""
    return "/" + (path[: -len("index.html")] if path == "index.html" or path.endswith("/index.html") else path)


def _page_requests(site_dir: Path, pages_by_index: dict[int, list[str]]) -> Iterator[dict]:
    """One AddFile request a page, each index's pages in path order (Buckets.group sorts them). A page
    that cannot be read fails the search stage (SearchIndexError, raised through index_site)."""
    for index_id, urls in pages_by_index.items():
        for url in urls:
            try:
                contents = (site_dir / url).read_bytes().decode("utf-8", "replace")
            except OSError as error:
                raise SearchIndexError(f"无法读取要编入搜索索引的页面 {url}：{error.strerror or error}") from None
            yield {"type": "AddFile", "index_id": index_id, "url": page_url(url), "file_path": None,
                   "file_contents": contents}


@functools.lru_cache(maxsize=None)
def _executable() -> list[str]:
    """The pagefind binary itself (the extended build when installed), started without a Python in front."""
    try:
        from pagefind.service import get_executable

        found = get_executable()
        if found is not None and os.access(found, os.X_OK):
            return [str(found)]
    except ImportError:
        pass
    return [sys.executable, "-m", "pagefind"]


@functools.lru_cache(maxsize=None)
def pagefind_version() -> str:
    try:
        done = subprocess.run([*_executable(), "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        raise SearchIndexError(f"无法运行 pagefind：{error}") from None
    if done.returncode != 0:
        raise SearchIndexError(f"无法运行 pagefind：{done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def _index_buckets(site_dir: Path, buckets: dict[str, list[str]], warm: "PagefindService | None") -> list[str]:
    """Index each bucket into pagefind/<bucket>/ with one pagefind service process (`warm`, which its
    owner closes, or one started now); the errors."""
    try:
        with nullcontext(warm) if warm is not None else PagefindService() as service:
            errors = service.index(site_dir, buckets)
    except (OSError, ValueError) as error:
        return [str(error)]
    return errors + [f"未生成 {bundle_dir(b)}pagefind-entry.json" for b in buckets
                     if not errors and not (site_dir / bundle_dir(b) / "pagefind-entry.json").is_file()]


class PagefindService:
    """One `pagefind --service` process indexing many buckets: each bucket is an index of its own in
    the process, so pagefind starts once, not once per bucket (about 0.3 s each). Requests are base64
    JSON messages ended by a comma on its stdin, answers the same on its stdout: the protocol of
    pagefind's Python API, spoken here directly and synchronously, since that API waits a tenth of a
    second for every answer. The bundle's files are asked for (GetFiles) and written here: the
    service answers a WriteFiles before its files are all on disk (an empty pagefind-entry.json
    about one time in thirty when it exits then). The service handles one request after another, so
    the pages of an index are in the order they were sent."""

    def __init__(self):
        self._errors = tempfile.TemporaryFile()
        self._process = subprocess.Popen([*_executable(), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self._errors)
        self._sent = 0
        self._buffer = bytearray()
        self._warming: threading.Thread | None = None

    def warm_up(self) -> "PagefindService":
        """Index one small Chinese page and drop it, in a thread: pagefind's first Chinese page loads the
        dictionary that segments Chinese (about 0.3 s), which then happens while the build does other
        work. What the service indexes afterwards is byte for byte what a cold one writes (tested)."""
        self._warming = threading.Thread(target=self._index_and_drop, args=(WARM_UP_PAGE,), daemon=True)
        self._warming.start()
        return self

    def _index_and_drop(self, page: str) -> None:
        try:
            index_id = self._all([{"type": "NewIndex", "config": None}])[0]["index_id"]
            self._all([{"type": "AddFile", "index_id": index_id, "url": "/", "file_contents": page,
                        "file_path": None}])
            self._all([{"type": "DeleteIndex", "index_id": index_id}])
        except (OSError, ValueError, KeyError):
            pass  # a service that died is reported by the requests that need it

    def _warmed(self) -> None:
        if self._warming is not None:
            self._warming.join()
            self._warming = None

    def index(self, site_dir: Path, buckets: dict[str, list[str]]) -> list[str]:
        """Index each bucket's pages (relative to site_dir) into site_dir/pagefind/<bucket>/; the errors.
        Every step is sent for all buckets before its answers are read, so the process never waits.
        The pages are sent one by one in path order (AddFile): pagefind's own directory walk (AddDir)
        takes them in the order the file system lists them, and the order of a bundle's pages is in its
        bytes, so the same pages gave other bundles on tmpfs than on ext4."""
        self._warmed()
        made = self._all([{"type": "NewIndex", "config": None} for _ in buckets])
        failed = [m for m in made if m["type"] != "NewIndex"]
        if failed:
            return [_message(m) for m in failed]
        ids = [m["index_id"] for m in made]
        added = self._all(_page_requests(site_dir, dict(zip(ids, buckets.values()))))
        errors = [_message(m) for m in added if m["type"] != "IndexedFile"]
        if errors:
            return errors
        bundles = self._all([{"type": "GetFiles", "index_id": i} for i in ids])
        errors = [_message(m) for m in bundles if m["type"] != "GetFiles"]
        for bucket, bundle in zip(buckets, bundles if not errors else []):
            root = site_dir / bundle_dir(bucket)
            for item in bundle["files"]:
                if bucket == SITE_BUCKET or MERGED_KEEP.match(item["path"]):  # see _prune_merged
                    target = root / item["path"]
                    if not target.resolve().is_relative_to(root.resolve()):
                        return [f"pagefind 给出了索引目录以外的路径：{item['path']}"]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(base64.b64decode(item["content"]))
        return errors

    def _all(self, payloads: Iterable[dict]) -> list[dict]:
        """Send every request, then read the answers; in the requests' order. `payloads` may be a
        generator: each request is made just before it is sent, so the pages are never all in memory."""
        first = self._sent + 1
        for payload in payloads:
            self._sent += 1
            message = json.dumps({"message_id": self._sent, "payload": payload}, ensure_ascii=False)
            try:
                self._process.stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
            except BrokenPipeError:
                raise self._died() from None
        try:
            self._process.stdin.flush()
        except BrokenPipeError:
            raise self._died() from None
        answers: dict[int, dict] = {}
        expected = self._sent - first + 1
        while len(answers) < expected:
            answer = json.loads(base64.b64decode(self._read_message()))
            number = answer.get("message_id")
            if number is None:  # an unreadable request: pagefind returns it
                original = json.loads(answer["payload"].get("original_message") or "{}")
                number = original.get("message_id")
            answers[number] = answer["payload"]
        return [answers[n] for n in range(first, self._sent + 1)]

    def _read_message(self) -> bytes:
        while True:
            end = self._buffer.find(b",")
            if end >= 0:
                message = bytes(self._buffer[:end])
                del self._buffer[:end + 1]
                return message
            chunk = self._process.stdout.read1(1 << 20)
            if not chunk:
                raise self._died()
            self._buffer += chunk

    def _died(self) -> OSError:
        self._process.wait()
        self._errors.seek(0)
        detail = self._errors.read().decode("utf-8", "replace").strip()
        return OSError(f"pagefind 服务进程意外退出{('：' + detail) if detail else ''}")

    def __enter__(self) -> "PagefindService":
        return self

    def __exit__(self, failure, *details) -> None:
        """The end of its input tells the process to finish; it may still be writing the bundles it
        has answered for, so it is waited for (killed only when the build failed, or it hangs)."""
        self._warmed()
        try:
            self._process.stdin.close()
        except OSError:
            pass
        try:
            self._process.wait(timeout=5 if failure is not None else 600)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._errors.close()


def _message(payload: dict) -> str:
    return str(payload.get("message") or payload)


def _prune_merged(bundle: Path) -> None:
    """A merged bundle runs on the primary's code: drop its copy of pagefind's runtime and UI."""
    for path in sorted(bundle.rglob("*"), reverse=True):
        relative = path.relative_to(bundle).as_posix()
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif not MERGED_KEEP.match(relative):
            path.unlink()
