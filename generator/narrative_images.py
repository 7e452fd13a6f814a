"""The one policy for images in a narrative, shared by `check` (N012), the site and the PDF.

An image the disclosure may show is a file inside the unit's year folder (content/units/<id>/<year>/,
subfolders allowed), written as a relative path without `..` (markdown.is_local_image), of an image
type, that exists and — symlinks followed — still lies inside that folder. The site copies each such file
next to the disclosure's page (units/<id>/<year>/<same path>), where the page's relative <img src> finds
it; the PDF embeds it from the year folder. Anything else is an N012 error in `check` (which `build`
refuses), and the page and the PDF show the alt text instead (markdown.py), so the two outputs agree.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from generator.markdown import is_local_image, references

IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")  # what browsers and WeasyPrint both show


def relative_path(src: str) -> str:
    """The path inside the year folder that an image's src names (the parser percent-encodes it)."""
    return unquote(urlsplit(src.strip()).path)


def image_problem(folder: Path, src: str) -> str:
    """Why the image `src` may not be shown, in Chinese; "" when it is a file the policy allows."""
    if not is_local_image(src):
        return "图片只能引用本年度目录中的文件"
    path = relative_path(src)
    if PurePosixPath(path).suffix.lower() not in IMAGE_TYPES:
        return "不是图片文件（应为 PNG、JPEG、GIF、SVG 或 WebP）"
    year_folder = folder.resolve()
    try:
        resolved = (year_folder / path).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL in the path
        return "文件无法读取"
    if not resolved.is_relative_to(year_folder):
        return "超出本年度目录"
    if not resolved.is_file():
        return "文件不存在"
    return ""


def narrative_images(text: str, folder: Path, parsed=None) -> list[tuple[str, Path]]:
    """(path inside the year folder, resolved file) of every image the narrative `text` shows, once each,
    in path order; images the policy refuses are left out (check reports them). `parsed()`: the text's
    `references`, when something has them already (Narrative.references)."""
    if "![" not in text:  # every image is written so: nothing to parse for
        return []
    found = {}
    for _, src, is_image in references(text) if parsed is None else parsed():
        if is_image and not image_problem(folder, src):
            found[relative_path(src)] = (folder / relative_path(src)).resolve()
    return sorted(found.items())
