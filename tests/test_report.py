"""The clinician's report: self-contained HTML with the analysis' own numbers, and a PDF."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest

import acutrack as at
from acutrack import analysis
from acutrack.report import render_html, render_pdf, report_tables, write_report
from acutrack.stats.results import fmt

pytestmark = pytest.mark.slow  # reports, servers or simulations: seconds each


class Page(HTMLParser):
    """Collects what a check needs: images, links, scripts, table cells and their kinds, text.

    ``tables`` holds each table's rows of cell text (the header row empty), ``kinds`` the
    class of every header and cell, row by row.
    """

    def __init__(self):
        super().__init__()
        self.images, self.refs, self.tags, self.text = [], [], [], []
        self.tables, self.kinds = {}, {}
        self._table = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "img":
            self.images.append(attrs)
        self.refs += [v for k, v in attrs.items() if k in ("src", "href") and v]
        if tag == "table":
            self._table = attrs.get("class")
            self.tables[self._table], self.kinds[self._table] = [], []
        if tag == "tr" and self._table:
            self.tables[self._table].append([])
            self.kinds[self._table].append([])
        if tag in ("th", "td") and self._table:
            self.kinds[self._table][-1].append(attrs.get("class"))

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
def sample_tables():
    return report_tables(at.sample_journal())


@pytest.fixture(scope="module")
def every_point(sample_tables):
    """The sample's report listing every point pressed, not only those with more relief."""
    return render_html(sample_tables, all_points=True)


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


def test_report_holds_the_analysis_numbers(sample_report, every_point):
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
    # By default only points that went with more relief are listed (the sample has none),
    # the others counted; sham spots never.
    assert not points["more_relief"].any() and "points" not in page.tables
    assert (
        "No point is shown going with more relief; 8 other points pressed: 4 could not be "
        "separated from the rest of their routine, 4 had too few sessions without them." in words
    )
    prows = {r[0]: r for r in parse(every_point).tables["points"][1:]}
    acupoints = analysis.points_to_show(points, all_points=True)
    assert len(prows) == len(acupoints) < len(points)
    for p in acupoints.itertuples():
        assert prows[p.point][4] == (
            fmt(p.estimate) if p.more_relief or p.estimate == p.estimate else "—"
        )
        assert prows[p.point][6] == p.reason
    assert analysis.pain_change(sessions, ratings).summary() in words
    assert "Period covered: 01 Jun 2026 to 20 Sep 2026" in words
    real_vs_sham = report_tables(journal).real_vs_sham
    assert real_vs_sham.method.startswith("randomisation test within")
    assert real_vs_sham.summary() in words
    alerts = analysis.pain_alerts(sessions, ratings)
    assert len(alerts)  # the sample's own, shown under their new name
    for alert in alerts["detail"]:
        assert alert in words
    # Pain alerts are not called red flags: those are the screen's.
    assert "Pain alerts" in words and "red flag" not in words.lower()
    assert "No warning signs at the screen of" in words
    assert "not a diagnosis" in words


ROUTINE_KINDS = ["text", "text"] + ["number"] * 6
POINT_KINDS = ["text", "text"] + ["number"] * 4 + ["text"]


def test_cells_align_by_the_kind_of_their_column(every_point):
    page = parse(every_point)
    for name, kinds in (("routines", ROUTINE_KINDS), ("points", POINT_KINDS)):
        assert page.kinds[name], name
        assert all(row == kinds for row in page.kinds[name]), name
    # A number column keeps its alignment where a value is missing.
    assert any(row[4] == "—" for row in page.tables["points"][1:])


def test_what_a_person_typed_is_text_however_it_looks(sample_tables):
    hostile = '<img src=x onerror="alert(1)"> & <b>12</b>'
    points = sample_tables.points.assign(name=hostile, reason="3.5")
    routines = sample_tables.routines.assign(routine="2026")  # a name that looks like a number
    alerts = sample_tables.alerts.assign(detail=hostile)
    assert len(alerts)  # the sample has pain alerts, whose text is shown
    tables = replace(sample_tables, points=points, routines=routines, alerts=alerts)
    page = parse(render_html(tables, title="<script>alert(1)</script>", all_points=True))
    assert "script" not in page.tags and "b" not in page.tags
    assert len(page.images) == 5 and all(i["src"].startswith("data:") for i in page.images)
    assert [r[0] for r in page.tables["routines"][1:]] == ["2026"] * len(routines)
    assert {(r[1], r[6]) for r in page.tables["points"][1:]} == {(hostile, "3.5")}
    assert all(row == ROUTINE_KINDS for row in page.kinds["routines"])
    assert all(row == POINT_KINDS for row in page.kinds["points"])
    words = " ".join(page.text)
    assert hostile in words and "<script>alert(1)</script>" in words


def test_html_and_pdf_names_that_differ_in_case_only_are_one_file(tmp_path):
    # macOS and Windows ignore letter case: the PDF would replace the HTML page.
    with pytest.raises(at.InvalidValue, match="another file than the HTML file"):
        write_report(at.Journal(tmp_path / "j"), tmp_path / "r.html", pdf=tmp_path / "R.HTML")
    assert list(tmp_path.iterdir()) == []


def test_pdf_has_the_first_page_the_details_and_two_chart_pages(sample_report):
    pdf = sample_report.with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 4
    assert len(re.findall(rb"/MediaBox \[ 0 0 595.44 841.68 \]", pdf)) == 4  # A4 by default


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
    assert "Period covered: 01 Aug 2026" in (tmp_path / "mine.html").read_text(encoding="utf-8")
    bad = run("report", "--since", "last week", "--out", str(tmp_path / "x.html"))
    assert bad.returncode == 2 and "since" in bad.stderr and not (tmp_path / "x.html").exists()
