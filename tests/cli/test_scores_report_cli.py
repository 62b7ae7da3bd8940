"""`flask scores report PERIOD [--agency CODE] --out DIR` writes printable HTML reports."""
from __future__ import annotations

from tests import scoring_support as s


def test_report_for_the_province_and_each_agency(app, runner, directory, tmp_path):
    s.file_reports(app.config, s.SXD, 5, category="harassment")
    s.file_reports(app.config, s.SKHDT, 4, category="harassment")
    result = runner.invoke(args=["scores", "report", "2025H1", "--out", str(tmp_path),
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2025H1-TB-SKHDT.html", "2025H1-TB-SXD.html", "2025H1-province.html"]
    sxd = (tmp_path / "2025H1-TB-SXD.html").read_text(encoding="utf-8")
    skhdt = (tmp_path / "2025H1-TB-SKHDT.html").read_text(encoding="utf-8")
    assert "@media print" in sxd and "<style>" in sxd
    assert '<td class="harassment">5</td>' in sxd
    assert '<td class="harassment">fewer than 5</td>' in skhdt
    assert '<td class="harassment">9</td>' in (tmp_path / "2025H1-province.html").read_text(
        encoding="utf-8")


def test_one_agency_in_vietnamese(app, runner, directory, tmp_path):
    result = runner.invoke(args=["scores", "report", "2025H1", "--agency", s.SXD,
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "2025H1-TB-SXD.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page and "Báo cáo" in page


def test_bad_period_and_agency(runner, directory, tmp_path):
    assert "unknown period" in runner.invoke(
        args=["scores", "report", "2025H7", "--out", str(tmp_path)]).output
    assert "unknown agency" in runner.invoke(
        args=["scores", "report", "2025H1", "--agency", "NOPE", "--out", str(tmp_path)]).output
