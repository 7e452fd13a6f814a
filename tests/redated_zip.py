"""An Office file saved by openpyxl or python-docx, re-dated as generator/filing dates its exports: the
form the export's former code gave its files (openpyxl and python-docx stamp their core properties with
the current time), so the tests can compare the direct exporters' bytes with it."""

from __future__ import annotations

import io
import re
import zipfile

from generator.filing import DatedZip

CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*")


class RedatedZip(DatedZip):
    """A DatedZip that dates the core properties' created and modified stamps too."""

    def writestr(self, name, data, compress_type=None, compresslevel=None) -> None:
        name = name.filename if isinstance(name, zipfile.ZipInfo) else name
        body = data.encode("utf-8") if isinstance(data, str) else data
        if name == "docProps/core.xml":
            body = CORE_TIMES.sub(rb"\g<1>" + ("%04d-%02d-%02dT%02d:%02d:%02dZ" % self.when).encode(), body)
        super().writestr(name, body)


def deterministic_zip(data: bytes, when) -> bytes:
    """The Office file `data` re-written as a RedatedZip."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with RedatedZip(out, when) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    return out.getvalue()
