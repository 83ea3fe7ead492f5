"""The clinician's report: self-contained HTML with the analysis' own numbers, and a PDF."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest

import acutrack as at
from acutrack import analysis
from acutrack.report import render_pdf, report_tables, write_report
from acutrack.stats.results import fmt


class Page(HTMLParser):
    """Collects what a check needs: images, links, scripts, table cells, text."""

    def __init__(self):
        super().__init__()
        self.images, self.refs, self.tags, self.tables, self.text = [], [], [], {}, []
        self._table = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "img":
            self.images.append(attrs)
        self.refs += [v for k, v in attrs.items() if k in ("src", "href") and v]
        if tag == "table":
            self._table = attrs.get("class")
            self.tables[self._table] = []
        if tag == "tr" and self._table:
            self.tables[self._table].append([])

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._table and self.lasttag == "td":
            self.tables[self._table][-1].append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    write_report(at.sample_journal(), out, pdf=out.with_suffix(".pdf"))
    return out


def test_report_is_self_contained(sample_report):
    text = sample_report.read_text(encoding="utf-8")
    page = parse(text)
    assert len(page.images) == 5  # weekly, calendar, routines, points, body map
    for image in page.images:
        assert image["src"].startswith("data:image/png;base64,")
        assert base64.b64decode(image["src"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
        assert image["alt"]
    assert all(ref.startswith("data:") for ref in page.refs)
    without_images = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)
    assert not re.search(r"https?:|ftp:|url\(|@import|src=.//", without_images)
    assert "script" not in page.tags and "link" not in page.tags
    assert "@media print" in text and "@page" in text


def test_report_holds_the_analysis_numbers(sample_report):
    journal = at.sample_journal()
    sessions, ratings = journal.sessions(), journal.ratings()
    page = parse(sample_report.read_text(encoding="utf-8"))
    words = " ".join(page.text)
    routines = analysis.compare_routines(sessions)
    rows = page.tables["routines"][1:]
    assert [r[0] for r in rows] == list(routines["routine"])
    for row, expected in zip(rows, routines.itertuples(), strict=True):
        assert row[5] == fmt(expected.mean_drop)
        assert row[6] == f"{fmt(expected.ci_low)} to {fmt(expected.ci_high)}"
    assert "p (Holm)" not in page.tables["routines"][0]  # routines are described, not ranked
    points = analysis.rank_points(sessions)
    prows = {r[0]: r for r in page.tables["points"][1:]}
    for p in points.itertuples():
        assert prows[p.point][4] == (
            fmt(p.estimate) if p.helpful or p.estimate == p.estimate else "—"
        )
        assert prows[p.point][6] == p.reason
    assert analysis.pain_change(sessions, ratings).summary() in words
    assert "Period covered: 01 Jun 2026 to 20 Sep 2026" in words
    real_vs_sham = report_tables(journal).real_vs_sham
    assert real_vs_sham.method.startswith("randomisation test within")
    assert real_vs_sham.summary() in words
    for flag in analysis.red_flags(sessions, ratings)["detail"]:
        assert flag in words
    assert "not a diagnosis" in words


def test_pdf_has_a_text_page_and_three_chart_pages(sample_report):
    pdf = sample_report.with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 4


def test_since_keeps_later_entries_only(tmp_path):
    tables = report_tables(at.sample_journal(), since=date(2026, 9, 1))
    assert tables.sessions["local_time"].min() >= pd.Timestamp("2026-09-01")
    assert tables.period[0] >= date(2026, 9, 1)
    assert len(tables.sessions) < len(at.sample_journal().sessions())


@pytest.mark.parametrize("entries", [0, 2])
def test_an_empty_or_nearly_empty_journal_gives_a_short_report(tmp_path, entries):
    journal = at.Journal(tmp_path / "j")
    for _ in range(entries):
        journal.log_rating(4)
    out = write_report(journal, tmp_path / "r.html", pdf=tmp_path / "r.pdf")
    page = parse(out.read_text(encoding="utf-8"))
    words = " ".join(page.text)
    assert "Not enough entries yet" in words and "not a diagnosis" in words
    assert not page.images
    assert render_pdf(report_tables(journal), tmp_path / "again.pdf") == 1


def test_report_from_the_command_line(tmp_path):
    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "acutrack", "--journal", str(at.sample_journal().path), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = run("report", "--out", str(tmp_path / "mine.html"), "--pdf", "--since", "2026-08-01")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mine.html").exists() and (tmp_path / "mine.pdf").exists()
    assert "Period covered: 01 Aug 2026" in (tmp_path / "mine.html").read_text()
    bad = run("report", "--since", "last week", "--out", str(tmp_path / "x.html"))
    assert bad.returncode == 2 and "since" in bad.stderr and not (tmp_path / "x.html").exists()
