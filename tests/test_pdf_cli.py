"""`budgetsite pdf`: paths, atomic writes, refusal of content that fails check."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app

CONTENT = Path(__file__).resolve().parents[1] / "content"


def test_writes_unit_pdf_where_the_site_links_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = CliRunner().invoke(app, ["pdf", "--content", str(CONTENT), "--output", str(tmp_path),
                                      "--unit", "guangyang-zhengfuban", "--year", "2022"])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "units" / "guangyang-zhengfuban" / "2022" / "guangyang-zhengfuban-2022.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "秒" in result.output and "页" in result.output
    assert not list(tmp_path.rglob("*.tmp"))


def test_refuses_content_that_fails_check(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    narrative = content / "units" / "guangyang-zhengfuban" / "2022" / "narrative.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\n\n![](/etc/passwd)\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["pdf", "--content", str(content), "--output", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "N012" in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_unit_is_an_error(tmp_path):
    result = CliRunner().invoke(app, ["pdf", "--content", str(CONTENT), "--output", str(tmp_path), "--unit", "nope"])
    assert result.exit_code == 1
