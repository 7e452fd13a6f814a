"""The parts of PDF/A-3b (ISO 19005-3) that can be checked by reading the file with pikepdf, clause by
clause, for want of a conformance validator on the build machine (veraPDF is Java from
software.verapdf.org or Maven Central, neither reachable here; tests/test_pdfa.py runs it when a
`verapdf` command is on PATH). docs/pdf.md lists what is and is not covered."""

from __future__ import annotations

import io

import pikepdf

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def problems(data: bytes) -> list[str]:
    """What in the PDF `data` breaks one of the checked clauses; [] when none."""
    found = _header(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for check in (_file_structure, _metadata, _output_intent, _fonts, _no_actions, _annotations,
                      _embedded_files, _filters):
            found.extend(check(pdf))
    return found


def _header(data: bytes) -> list[str]:
    """6.1.2: %PDF-1.n, then a comment line of at least four bytes above 127 (marks the file binary)."""
    lines = data[:64].split(b"\n")
    found = [] if lines[0].startswith(b"%PDF-1.") or lines[0].startswith(b"%PDF-2.") else ["6.1.2 header"]
    second = lines[1] if len(lines) > 1 else b""
    if not (second.startswith(b"%") and sum(b > 127 for b in second[1:5]) == 4):
        found.append("6.1.2 no binary comment after the header")
    return found


def _file_structure(pdf) -> list[str]:
    """6.1.3: a file identifier in the trailer, no encryption."""
    found = []
    if "/ID" not in pdf.trailer:
        found.append("6.1.3 no /ID in the trailer")
    if "/Encrypt" in pdf.trailer or pdf.is_encrypted:
        found.append("6.1.3 encrypted")
    return found


def _metadata(pdf) -> list[str]:
    """6.6.2: XMP in the catalogue, with pdfaid part 3 and conformance B; 6.6.3: the document information
    dictionary agrees with it. (A filtered metadata stream is forbidden by PDF/A-1 only, so not checked.)"""
    found = []
    stream = pdf.Root.get("/Metadata")
    if stream is None:
        return ["6.6.2 no XMP metadata"]
    meta = pdf.open_metadata()
    if meta.get("pdfaid:part") != "3" or meta.get("pdfaid:conformance") != "B":
        found.append(f"6.6.4 pdfaid {meta.get('pdfaid:part')}{meta.get('pdfaid:conformance')}, not 3B")
    info = pdf.trailer.get("/Info")
    pairs = {"/Title": "dc:title", "/Author": "dc:creator", "/Producer": "pdf:Producer",
             "/Keywords": "pdf:Keywords", "/Creator": "xmp:CreatorTool"}
    for key, prop in pairs.items():
        if info is not None and key in info:
            written = meta.get(prop)
            written = "; ".join(written) if isinstance(written, list) else written  # dc:creator is a sequence
            if str(info[key]) != str(written):
                found.append(f"6.6.3 {key} {str(info[key])!r} but XMP {prop} {written!r}")
    return found


def _output_intent(pdf) -> list[str]:
    """6.2.3: a PDF/A output intent whose destination profile is an ICC profile of as many components."""
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
    if len(intents) != 1:
        return [f"6.2.3 {len(intents)} GTS_PDFA1 output intents"]
    profile = intents[0].get("/DestOutputProfile")
    if profile is None:
        return ["6.2.3 no DestOutputProfile"]
    icc = profile.read_bytes()
    if icc[36:40] != b"acsp":
        return ["6.2.3 DestOutputProfile is not an ICC profile"]
    components = {b"RGB ": 3, b"GRAY": 1, b"CMYK": 4}.get(icc[16:20])
    if components != int(profile.get("/N", 0)):
        return [f"6.2.3 ICC colour space {icc[16:20]!r} but /N {profile.get('/N')}"]
    return []


def _fonts_of(resources, seen: set) -> list:
    fonts = []
    if resources is None:
        return fonts
    for font in (resources.get("/Font") or {}).values():
        if font.objgen not in seen:
            seen.add(font.objgen)
            fonts.append(font)
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.objgen not in seen and xobject.get("/Subtype") == "/Form":
            seen.add(xobject.objgen)
            fonts.extend(_fonts_of(xobject.get("/Resources"), seen))
    return fonts


def _fonts(pdf) -> list[str]:
    """6.2.11.4: every font used is embedded (Type 3 fonts are drawn by the file itself)."""
    found, seen = [], set()
    for page in pdf.pages:
        for font in _fonts_of(page.obj.get("/Resources"), seen):
            if font.get("/Subtype") == "/Type3":
                continue
            descendants = font.get("/DescendantFonts") or [font]
            for each in descendants:
                descriptor = each.get("/FontDescriptor")
                if descriptor is None or not any(key in descriptor for key in FONT_FILES):
                    found.append(f"6.2.11.4 font {font.get('/BaseFont')} not embedded")
    return found


def _no_actions(pdf) -> list[str]:
    """6.5, 6.6.1: no JavaScript, no additional actions on the catalogue, no Launch actions."""
    found = []
    names = pdf.Root.get("/Names") or {}
    if "/JavaScript" in names:
        found.append("6.6.1 JavaScript name tree")
    if "/AA" in pdf.Root:
        found.append("6.6.2 catalogue additional actions")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") in ("/JavaScript", "/Launch", "/Sound", "/Movie",
                                                                       "/ResetForm", "/ImportData"):
            found.append(f"6.6.1 action {obj.get('/S')}")
    return found


def _annotations(pdf) -> list[str]:
    """6.3.2, 6.3.3: allowed annotation types only, each printed (the Print flag), none hidden."""
    found = []
    for number, page in enumerate(pdf.pages, 1):
        for annotation in page.obj.get("/Annots") or []:
            subtype = annotation.get("/Subtype")
            if subtype in ("/Sound", "/Movie", "/Screen", "/3D", "/RichMedia"):
                found.append(f"6.3.1 page {number}: {subtype} annotation")
            if subtype != "/Popup" and (int(annotation.get("/F", 0)) & 0b100111) != 0b100:
                found.append(f"6.3.2 page {number}: {subtype} annotation flags {annotation.get('/F')}")
    return found


def _embedded_files(pdf) -> list[str]:
    """6.8 (PDF/A-3): each embedded file has a MIME type and a modification date, its file specification
    /F, /UF and /AFRelationship, and is listed in the catalogue's /AF."""
    found = []
    listed = {spec.objgen for spec in pdf.Root.get("/AF", [])}
    for name, attached in pdf.attachments.items():
        spec = attached.obj
        for key in ("/F", "/UF", "/AFRelationship"):
            if key not in spec:
                found.append(f"6.8 {name}: no {key}")
        if spec.objgen not in listed:
            found.append(f"6.8 {name}: not in the catalogue's /AF")
        stream = spec["/EF"]["/F"]
        if "/Subtype" not in stream:
            found.append(f"6.8 {name}: no MIME type (/Subtype)")
        if "/ModDate" not in (stream.get("/Params") or {}):
            found.append(f"6.8 {name}: no /Params /ModDate")
    return found


def _filters(pdf) -> list[str]:
    """6.1.7.2: no LZWDecode (nor Crypt) filter."""
    found = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            filters = obj.get("/Filter")
            filters = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
            if any(str(f) in ("/LZWDecode", "/Crypt") for f in filters):
                found.append(f"6.1.7.2 a stream with {filters}")
    return found
