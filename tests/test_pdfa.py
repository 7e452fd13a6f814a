"""The PDF/A-3b claim of the archival PDF, checked clause by clause with pikepdf (tests/pdfa_support.py),
and with veraPDF when it is installed (not available from this machine's registries; docs/pdf.md)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pikepdf
import pytest

from generator.pdf.build import render, unit_job
from pdfa_support import problems

EPOCH = "1700000000"


@pytest.fixture(scope="module")
def archival(example_report) -> bytes:
    """langfang-renda 2023 (text-first template, tables embedded in the text), as `budgetsite pdf` writes it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        ctx = example_report.contexts["langfang-renda/2023"]
        return render(unit_job(ctx, example_report.site), example_report.site)


def test_the_checked_pdfa_clauses_hold(archival):
    assert problems(archival) == []


def test_the_checks_find_what_breaks_them(archival):
    """Each check looks at the file: a copy with the claim, the output intent or a font's file removed, or
    encrypted, is reported."""
    def altered(change) -> bytes:
        with pikepdf.open(io.BytesIO(archival)) as pdf:
            encryption = change(pdf)
            out = io.BytesIO()
            pdf.save(out, encryption=encryption or False)
            return out.getvalue()

    def no_claim(pdf):
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfaid:part"] = "2"

    def no_intent(pdf):
        del pdf.Root["/OutputIntents"]

    def unembedded(pdf):
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in obj:
                        del obj[key]

    def encrypted(pdf):
        return pikepdf.Encryption(owner="o", user="", R=4)

    assert any(p.startswith("6.6.4") for p in problems(altered(no_claim)))
    assert any(p.startswith("6.2.3") for p in problems(altered(no_intent)))
    assert any(p.startswith("6.2.11.4") for p in problems(altered(unembedded)))
    assert any(p.startswith("6.1.3 encrypted") for p in problems(altered(encrypted)))


@pytest.mark.skipif(shutil.which("verapdf") is None, reason="veraPDF not installed (docs/pdf.md)")
def test_verapdf_validates_pdfa3b(archival, tmp_path):
    path = tmp_path / "archival.pdf"
    path.write_bytes(archival)
    result = subprocess.run(["verapdf", "--flavour", "3b", "--format", "text", str(path)], capture_output=True,
                            text=True, timeout=600)
    assert re.search(r"^PASS ", result.stdout, re.M), result.stdout[-3000:]
