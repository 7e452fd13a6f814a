"""Offline full-text search, split into fixed buckets so that a rebuild re-indexes only what changed.

Two indexes are written from the same pages: pagefind bundles (extended build, which segments Chinese)
for the site served over http(s), and plain scripts (offline_search.py) for pages opened from disk
(file://), where pagefind cannot load.

Buckets. The site-wide pages (home, years, units index, glossary, …) form the bucket `site`; each unit's
pages go to one of UNIT_BUCKETS buckets chosen by a hash of the unit id, so adding or removing a unit
never moves another, and a unit's pages always share a bucket. Each non-empty bucket gets

    pagefind/<bucket>/          its own pagefind bundle (pagefind's --glob restricted to its pages)
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.files import files_below, link_files
from generator.site import offline_search
from generator.workers import default_jobs

UNIT_BUCKETS = 32  # see docs/site.md "Search buckets" for the choice
SITE_BUCKET = "site"
BUNDLES = "pagefind"  # pagefind/<bucket>/
SCHEME = "search-buckets-1"  # bump when the layout of the bucket files changes
# What a merged (non-primary) bundle needs: pagefind loads nothing else from it.
MERGED_KEEP = re.compile(r"^(pagefind-entry\.json|pagefind\..*\.pf_meta|(index|fragment|filter)/.*)$")
_GLOB_SAFE = re.compile(r"^[A-Za-z0-9._/-]+$")


class SearchIndexError(RuntimeError):
    pass


def unit_bucket(unit_id: str) -> str:
    """A stable assignment: the same unit always falls in the same bucket, whatever else is added."""
    digest = hashlib.sha256(f"search\0{unit_id}".encode("utf-8")).hexdigest()
    return f"u{int(digest[:8], 16) % UNIT_BUCKETS:02d}"


def page_bucket(url: str) -> str:
    """The bucket of a page (its path relative to the site root)."""
    parts = url.split("/")
    return unit_bucket(parts[1]) if len(parts) >= 3 and parts[0] == "units" else SITE_BUCKET


def bucket_names(unit_ids) -> list[str]:
    """The buckets of a site whose units with pages are `unit_ids`: the site bucket (the primary) first."""
    return [SITE_BUCKET] + sorted({unit_bucket(u) for u in unit_ids})


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
               previous: dict[str, BucketOutput] | None = None, jobs: int = 0, *,
               page_keys: dict[str, str] | None = None, link_reused: bool = True,
               shards: list[tuple[Path, dict[str, BucketOutput]]] = ()) -> SearchResult:
    """Write pagefind/<bucket>/ and search-index/<bucket>.js for every bucket of the site in site_dir.
    A bucket whose key is the one `previous` records is linked from `previous_dir` (or, without
    `link_reused`, left where it is, for the caller to keep); the others are indexed, at most `jobs`
    pagefind processes at a time (0: one per core). Raises SearchIndexError on failure.

    `pages`: every page of the site (paths relative to it); site_dir must hold those of the buckets
    that may have to be indexed. `page_keys`: for some pages, a key that changes whenever the page's bytes do (the unit's render
    key), so that the page need not be read to key its bucket. `shards`: (shard output, its buckets) of
    the shards being merged: a bucket a shard indexed under the same key is linked from there."""
    groups = _group(pages)
    keys = {bucket: _bucket_key(site_dir, bucket, urls, page_keys or {}) for bucket, urls in groups.items()}
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
        running = [pool.submit(_index_buckets, site_dir, {b: groups[b] for b in share}) for share in shares if share]
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
                shards: list = ()) -> SearchResult:
    """The search index of a build in `staged`, keyed by page: a unit's pages by its render key, the
    site's own pages by their bytes. `patched_units`: when the build patches `output`, the units of its
    last build (else None). Then only the buckets that hold a rendered or removed unit (and the site
    bucket) can change: the indexer reads a view of their pages made of hard links, what it writes is
    moved into staging, and the other buckets stay where they are in the output."""
    from generator.commit import staging

    page_keys = {f: out.render_key for out in units_out.values() for f in out.files if f.endswith(".html")}
    staged_pages = [f for f in files_below(staged) if f.endswith(".html")]
    pages = [f for f in staged_pages if f not in page_keys] + list(page_keys)
    if patched_units is None:
        return index_site(staged, pages, cache_dir, output, previous, jobs, page_keys=page_keys, shards=shards)
    view = staging(output, "view")
    try:
        link_files(staged, view, staged_pages)
        touched = {page_bucket(f) for unit_id in rendered for f in units_out[unit_id].files}
        touched |= {unit_bucket(unit_id) for unit_id in patched_units - set(units_out)}  # removed
        kept = [f for unit_id, out in units_out.items() if unit_id not in rendered for f in out.files
                if f.endswith(".html") and page_bucket(f) in touched]
        link_files(output, view, kept)
        search = index_site(view, pages, cache_dir, output, previous, jobs, page_keys=page_keys, link_reused=False)
        for bucket in search.indexed:
            for name in search.buckets[bucket].files:
                (staged / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(view / name, staged / name)
        return search
    finally:
        shutil.rmtree(view, ignore_errors=True)


def _group(urls) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for url in sorted(urls):
        if url.startswith(f"{BUNDLES}/"):
            continue
        groups.setdefault(page_bucket(url), []).append(url)
    return dict(sorted(groups.items(), key=lambda item: (item[0] != SITE_BUCKET, item[0])))


def _bucket_key(site_dir: Path, bucket: str, urls: list[str], page_keys: dict[str, str]) -> str:
    """Everything that shapes the bucket's files: its pages, its name and role, pagefind, this code."""
    from generator.fingerprint import code_version

    digest = hashlib.sha256("\0".join([SCHEME, str(UNIT_BUCKETS), bucket, pagefind_version(), code_version()])
                            .encode("utf-8"))
    for url in urls:
        if url in page_keys:
            digest.update(f"\0{url}\0key\0{page_keys[url]}".encode("utf-8"))
            continue
        data = (site_dir / url).read_bytes()
        digest.update(f"\0{url}\0{len(data)}\0".encode("utf-8"))
        digest.update(data)
    return digest.hexdigest()


def _glob(urls: list[str]) -> str:
    """pagefind's --glob for exactly these pages (relative to the site)."""
    for url in urls:
        if not _GLOB_SAFE.match(url):
            raise SearchIndexError(f"无法为搜索索引列出页面：路径“{url}”含有不支持的字符")
    return urls[0] if len(urls) == 1 else "{" + ",".join(urls) + "}"


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


def _index_buckets(site_dir: Path, buckets: dict[str, list[str]]) -> list[str]:
    """Index each bucket into pagefind/<bucket>/ with one pagefind service process; the errors."""
    try:
        with PagefindService() as service:
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
    about one time in thirty when it exits then). They are byte for byte those of
    `pagefind --site … --glob …`."""

    def __init__(self):
        self._errors = tempfile.TemporaryFile()
        self._process = subprocess.Popen([*_executable(), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self._errors)
        self._sent = 0
        self._buffer = bytearray()

    def index(self, site_dir: Path, buckets: dict[str, list[str]]) -> list[str]:
        """Index each bucket's pages (relative to site_dir) into site_dir/pagefind/<bucket>/; the errors.
        Every step is sent for all buckets before its answers are read, so the process never waits."""
        made = self._all([{"type": "NewIndex", "config": None} for _ in buckets])
        failed = [m for m in made if m["type"] != "NewIndex"]
        if failed:
            return [_message(m) for m in failed]
        ids = [m["index_id"] for m in made]
        added = self._all([{"type": "AddDir", "index_id": i, "path": str(site_dir), "glob": _glob(urls)}
                           for i, urls in zip(ids, buckets.values())])
        errors = [_message(m) for m in added if m["type"] != "IndexedDir"]
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

    def _all(self, payloads: list[dict]) -> list[dict]:
        """Send every request, then read the answers; in the requests' order."""
        first = self._sent + 1
        for payload in payloads:
            self._sent += 1
            message = json.dumps({"message_id": self._sent, "payload": payload}).encode("utf-8")
            try:
                self._process.stdin.write(base64.b64encode(message) + b",")
            except BrokenPipeError:
                raise self._died() from None
        try:
            self._process.stdin.flush()
        except BrokenPipeError:
            raise self._died() from None
        answers: dict[int, dict] = {}
        while len(answers) < len(payloads):
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
