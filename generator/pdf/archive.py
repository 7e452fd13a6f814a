"""Post-processing of the archival PDF with pikepdf, keeping the output deterministic."""

from __future__ import annotations

import io

import pikepdf


def tidy(data: bytes) -> bytes:
    """Remove duplicate /AF entries (WeasyPrint lists each attachment twice); the file ID stays content-derived."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        af = pdf.Root.get("/AF")
        if af is None:
            return data
        unique, seen = [], set()
        for spec in af:
            key = spec.objgen
            if key not in seen:
                seen.add(key)
                unique.append(spec)
        if len(unique) == len(af):
            return data
        pdf.Root.AF = pikepdf.Array(unique)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()
