"""Last touches to the archival PDF, made on WeasyPrint's pydyf objects before the file is written."""

from __future__ import annotations

import zlib

import pydyf

DEFLATE_LEVEL = 6  # pydyf deflates at 9: twice the time for 1 % smaller files (mostly the font subsets)


def finish_archival(document, pdf: pydyf.PDF) -> None:
    """WeasyPrint's `finisher`: sort the attachments' name tree, remove the duplicate /AF entries, then
    serialise each object once."""
    sort_embedded_files(pdf)
    dedupe_associated_files(pdf)
    serialise_once(pdf)


def sort_embedded_files(pdf: pydyf.PDF) -> None:
    """The keys of a name tree must be sorted (ISO 32000-1, 7.9.6); WeasyPrint lists the attachments
    in the order they were given (the JSON, then each table's CSV)."""
    reference = pdf.catalog.get("Names", {}).get("EmbeddedFiles")
    if reference is None:
        return
    tree = pdf.objects[int(reference.split()[0])]
    pairs = sorted(zip(tree["Names"][0::2], tree["Names"][1::2]), key=lambda pair: _string_bytes(pair[0]))
    tree["Names"] = pydyf.Array([item for pair in pairs for item in pair])


def _string_bytes(key) -> bytes:
    value = key.string if isinstance(key, pydyf.String) else key
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def dedupe_associated_files(pdf: pydyf.PDF) -> None:
    """WeasyPrint lists each attachment twice in the catalogue's /AF (from the name tree and from the
    file specifications); keep the first of each, in order."""
    af = pdf.catalog.get("AF")
    if af is None:
        return
    seen: set[bytes] = set()
    unique = [ref for ref in af if not (ref in seen or seen.add(ref))]
    if len(unique) != len(af):
        pdf.catalog["AF"] = pydyf.Array(unique)


class _Serialised(pydyf.Object):
    """An indirect object whose bytes are already made."""

    def __init__(self, original: pydyf.Object):
        super().__init__()
        self.number, self.generation, self.free = original.number, original.generation, original.free
        self._compressible = original.compressible
        if isinstance(original, pydyf.Stream) and original.compress:
            self._data = _deflated(original)
        else:
            self._data = original.data

    @property
    def data(self) -> bytes:
        return self._data

    @property
    def compressible(self) -> bool:
        return self._compressible


def _deflated(stream: pydyf.Stream) -> bytes:
    """The stream's bytes as pydyf writes them, deflated at DEFLATE_LEVEL."""
    plain = pydyf.Stream(stream.stream, compress=False).data  # <</Length n>>\nstream\n…\nendstream
    content = plain.split(b"\nstream\n", 1)[1][: -len(b"\nendstream")]
    extra = pydyf.Dictionary(stream.extra.copy())
    extra["Filter"] = "/FlateDecode"
    packed = zlib.compress(content, DEFLATE_LEVEL)
    extra["Length"] = len(packed)
    return b"\n".join((extra.data, b"stream", packed, b"endstream"))


def serialise_once(pdf: pydyf.PDF) -> None:
    """pydyf computes the file identifier (which PDF/A requires) from the bytes of every object, then
    writes every object: each object is serialised, and each stream deflated, twice. Freeze the bytes
    now, when nothing changes any more (streams deflated at DEFLATE_LEVEL)."""
    for index, obj in enumerate(pdf.objects):
        if obj.free != "f" and obj.number is not None:
            pdf.objects[index] = _Serialised(obj)
