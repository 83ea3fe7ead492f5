"""The report's speed by construction: each chart drawn once for the HTML page and the PDF,
and nothing imported that the page does not show (the timings are `make bench`'s)."""

import base64
import re
import subprocess
import sys
from datetime import datetime, timedelta

import numpy as np
import pytest

import acutrack as at
import acutrack.report.pdf as pdf_module
from acutrack.report import charts, report_tables, write_report

pytestmark = pytest.mark.slow  # reports and fresh processes: seconds each


def test_html_and_pdf_show_each_chart_drawn_once(tmp_path, monkeypatch):
    drawings, sheets = [], []
    draw = charts.figure_pixels

    def counted(fig, **kwargs):
        drawings.append(draw(fig, **kwargs))
        return drawings[-1]

    class Recording(pdf_module.PdfPages):
        def savefig(self, figure=None, **kwargs):
            sheets.append(figure)
            super().savefig(figure, **kwargs)

    monkeypatch.setattr(charts, "figure_pixels", counted)
    monkeypatch.setattr(pdf_module, "PdfPages", Recording)
    out = write_report(at.sample_journal(), tmp_path / "r.html", pdf=tmp_path / "r.pdf")

    assert len(drawings) == len(charts.CHARTS)  # the weekly chart and the four later ones
    html = out.read_text(encoding="utf-8")
    embedded = [base64.b64decode(s) for s in re.findall(r"data:image/png;base64,([^\"]+)", html)]
    assert sorted(embedded) == sorted(png for _, png in drawings)
    # The PDF's chart pages place the very pixels of the HTML page's later charts.
    placed = [im.get_array() for fig in sheets for ax in fig.axes for im in ax.get_images()]
    later = [pixels[..., :3] for pixels, _ in drawings[1:]]
    assert len(placed) == len(later) == 4
    assert all(any(np.array_equal(p, q) for q in later) for p in placed)


def test_charts_laid_out_once_keep_every_label_on_their_figure(tmp_path):
    start = datetime.fromisoformat("2026-10-05T08:00:00+02:00")
    nine_days = at.Journal(tmp_path / "j", clock=lambda: start + timedelta(days=9))
    for day in range(9):  # too few for weeks: pain day by day
        nine_days.log_rating(4 + day % 4, rated_at=start + timedelta(days=day))
        nine_days.log_session(6, 3, started_at=start + timedelta(days=day, hours=2))
    for journal in (at.sample_journal(), nine_days):
        t = report_tables(journal)
        for key in charts.MARGINS:
            fig = charts.figure(t, key)
            charts.figure_pixels(fig)
            page, renderer = fig.bbox, fig.canvas.get_renderer()
            for ax in fig.axes:
                box = ax.get_tightbbox(renderer)
                inside = page.x0 <= box.x0 and box.x1 <= page.x1
                assert inside and page.y0 <= box.y0 and box.y1 <= page.y1, (key, box)


IMPORTED = """
import sys
import acutrack as at
from acutrack.report import write_report
write_report(at.Journal(sys.argv[1]), sys.argv[2])
heavy = ("matplotlib", "scipy", "statsmodels", "acutrack.plots", "acutrack.report.pdf")
print(" ".join(sorted(m for m in sys.modules if m.startswith(heavy))))
"""


def _imported(journal, out) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORTED, str(journal), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(done.stdout.split())


def test_a_report_imports_only_what_its_page_needs(tmp_path):
    # An empty journal's page has no chart: no matplotlib, SciPy or statistics package.
    assert _imported(tmp_path / "empty", tmp_path / "empty.html") == set()
    # The sample's page draws charts, but writes no PDF and fits its model with NumPy.
    sample = _imported(at.sample_journal().path, tmp_path / "sample.html")
    assert "matplotlib" in sample
    assert not {"statsmodels", "matplotlib.backends.backend_pdf", "acutrack.report.pdf"} & sample
