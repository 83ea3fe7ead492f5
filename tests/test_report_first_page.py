"""The report's first page: what a clinician reads in a minute, on one sheet of A4 or Letter."""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import stat
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from html.parser import HTMLParser

import matplotlib.dates as mdates
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfFile, RendererPdf
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path as TextPath

import acutrack as at
from acutrack import analysis, report
from acutrack.cli import main
from acutrack.plots.trend import ALERT_COLOUR
from acutrack.report import PAPERS, first_page, measure, render_html, render_pdf, report_tables
from acutrack.screening import QUESTIONS
from acutrack.stats.results import fmt, fmt_ci, fmt_p

pytestmark = pytest.mark.slow  # reports, servers or simulations: seconds each

NAME, PATIENT_ID = "Alex Example", "AX-0042"
PRIVATE_NOTE = "private: <b>kept at home</b>"
START = datetime.fromisoformat("2026-10-05T08:00:00+02:00")  # a Monday


def _screen(**yes: bool) -> dict[str, str]:
    return {q.name: "yes" if yes.get(q.name) else "no" for q in QUESTIONS}


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    """The sample journal (16 weeks, a finished plan, PEG, PGIC, ibuprofen, screens), named."""
    folder = tmp_path_factory.mktemp("rich") / "journal"
    shutil.copytree(at.sample_journal().path, folder, ignore=shutil.ignore_patterns(".*"))
    journal = at.Journal(folder)
    journal.set_profile(name=NAME, patient_id=PATIENT_ID)
    return journal


def one_week(folder, screen: dict[str, str] | None = None) -> at.Journal:
    """Seven days of check-ins, a few real and sham sessions, one PEG, one ibuprofen."""
    journal = at.Journal(folder)
    for day in range(7):
        morning = START + timedelta(days=day)
        journal.log_rating(5 + day % 3, rated_at=morning)
        journal.log_rating(4 + day % 2, rated_at=morning + timedelta(hours=11))
        routine = "back" if day % 2 else "back-sham"
        journal.log_session(6, 4, routine=routine, started_at=morning + timedelta(hours=6))
    journal.log_rating(5, rated_at=START + timedelta(days=2, hours=3), notes=PRIVATE_NOTE)
    journal.log_peg(6, 5, 7, answered_at=START + timedelta(days=6, hours=12))
    journal.log_medication(
        "ibuprofen", 400, "mg", as_needed=True, taken_at=START + timedelta(days=3, hours=5)
    )
    if screen is not None:
        journal.log_screen(screen, answered_at=START + timedelta(days=6, hours=13))
    return journal


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    return one_week(tmp_path_factory.mktemp("week") / "journal")


@pytest.fixture(scope="module")
def flagged(tmp_path_factory):
    screen = _screen(bladder_bowel=True, night_pain=True)
    return one_week(tmp_path_factory.mktemp("flag") / "journal", screen)


@pytest.fixture(scope="module")
def tables(rich, week, flagged):
    return {
        "rich": report_tables(rich),
        "week": report_tables(week),
        "flag": report_tables(flagged),
    }


@pytest.fixture(scope="module")
def pages(tables):
    return {name: render_html(t) for name, t in tables.items()}


class FirstSection(HTMLParser):
    """The text, images and stressed rows of the first page's section of a report."""

    def __init__(self):
        super().__init__()
        self.text, self.images, self.flag, self.stressed = [], [], [], []
        self._depth = 0
        self._in_flag = self._in_stressed = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("class") == "first-page":
            self._depth = 1
        elif self._depth and tag == "section":
            self._depth += 1
        if not self._depth:
            return
        if tag == "img":
            self.images.append(attrs["alt"])
        self._in_flag |= attrs.get("class") == "flag"
        self._in_stressed |= tag == "tr" and attrs.get("class") == "stress"

    def handle_endtag(self, tag):
        if self._depth and tag == "section":
            self._depth -= 1
        self._in_flag &= tag != "div"
        self._in_stressed &= tag != "tr"

    def handle_data(self, data):
        if self._depth:
            self.text.append(data)
            (self.flag if self._in_flag else []).append(data)
            (self.stressed if self._in_stressed else []).append(data)

    @property
    def words(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text).replace("\u00a0", " "))


def first_section(text: str) -> FirstSection:
    parser = FirstSection()
    parser.feed(text)
    return parser


def test_first_page_of_a_rich_journal_stands_alone(rich, tables, pages):
    page = first_section(pages["rich"])
    words = page.words
    sessions, ratings = rich.sessions_and_ratings()
    change = analysis.pain_change(sessions, ratings)
    assert change.enough and change.start[1] < change.end[0]  # the windows do not overlap
    assert f"Name: {NAME} · ID: {PATIENT_ID}" in words
    assert f"Made on {datetime.now():%d %b %Y}" in words
    assert f"Period covered: 01 Jun 2026 to 20 Sep 2026 · {len(sessions)} sessions" in words
    (s0, s1), (e0, e1) = change.start, change.end
    assert (
        f"Typical pain now {fmt(change.end_mean)} ({e0:%d %b} to {e1:%d %b %Y}) against "
        f"{fmt(change.start_mean)} at the start ({s0:%d %b} to {s1:%d %b %Y})" in words
    )
    assert f"95 % CI {fmt_ci(change.ci)}" in words and change.detectable_words() in words
    assert analysis.peg_change(rich.peg()).summary() in words
    pgic = analysis.latest_pgic(rich.pgic())
    assert f"“{pgic.words}” ({pgic.change} of 7), answered {pgic.day:%d %b %Y}" in words
    rescue = tables["rich"].rescue
    assert rescue.start == change.start and rescue.end == change.end
    assert rescue.summary() in words and "a week now" in words
    screen = rich.latest("screens")
    assert f"No warning signs at the screen of {screen.answered_at:%d %b %Y}." in words
    for detail in tables["rich"].alerts["detail"]:
        assert detail in words
    # The verdict in one line, with and without sessions after as-needed medication.
    every, without = tables["rich"].rescue_check.attrs["results"]
    row = next(
        text for label, text, _ in first_page(tables["rich"]).rows if label.startswith("Real")
    )
    row = row.replace("\u00a0", " ")
    assert row.startswith("Real relieved more than sham: real − sham +")
    assert fmt_p(every.p_value) in row and fmt_p(without.p_value) in row
    left = tables["rich"].rescue_check["left_out"].iloc[1]
    assert left and f"Without the {left} session" in row
    assert "within 4 h after as-needed medication" in row
    assert page.images == ["weekly pain trend"]  # the chart, and nothing from later pages
    for later in ("Routines described", "Which points went with more relief", "Daily pain"):
        assert later not in words
    assert not re.search(r"\bnan\b|NaN|n/a", words)


def test_a_one_week_journal_says_plainly_there_is_too_little(week, pages):
    words = first_section(pages["week"]).words
    assert "Pain now against the start: too little data yet." in words
    assert "needs two separate 7-day windows" in words and "you have 7 days" in words
    assert "Average pain so far:" in words
    assert "One answer so far: 6.0 on 11 Oct 2026" in words  # PEG
    assert "1 dose logged; too little data to compare now with the start" in words
    assert "Not yet screened" in words
    assert "Impression of change Not answered yet." in words
    assert "Not judged: no randomised plan; 3 real, 4 sham sessions" in words
    assert "Logged for Since 05 Oct 2026 (1 week): acute" in words
    assert not re.search(r"\bnan\b|NaN|n/a|\binf\b|NaT", words)
    assert first_section(pages["week"]).images == ["daily pain"]


def test_the_one_week_change_no_longer_compares_a_week_with_itself(week):
    sessions, ratings = week.sessions_and_ratings()
    change = analysis.pain_change(sessions, ratings)
    # The first and the last 7 days of a 7-day journal are the same days: no comparison.
    assert not change.enough and change.span == 7
    assert change.start is None and pd.isna(change.change) and pd.isna(change.ci[0])


def test_a_yes_on_the_red_flag_screen_is_on_the_first_page(flagged, tables, pages):
    page = first_section(pages["flag"])
    flag = " ".join(page.flag)
    assert flag.startswith("Emergency: act now (red-flag screen of 11 Oct 2026)")
    assert "New problems passing urine" in flag and "Call your local emergency number" in flag
    stressed = " ".join(page.stressed)
    assert "Red-flag screen" in stressed and "2 answers yes, set out above" in stressed
    assert "Pain at night that does not ease" in flag
    assert "No warning signs" not in page.words
    # ... and first in the PDF, right under the header.
    texts = [
        t.get_text()
        for t in report._first_pdf_page(tables["flag"], first_page(tables["flag"]), "A4").texts
    ]
    assert texts.index("Emergency: act now (red-flag screen of 11 Oct 2026)") < 6


def test_a_soon_answer_is_stressed_without_the_emergency_box(tmp_path):
    journal = one_week(tmp_path / "j", _screen(weight_loss=True))
    page = first_page(report_tables(journal))
    assert page.flag is None  # the box is for emergency and same-day answers
    (screen,) = [(text, stress) for label, text, stress in page.rows if label == "Red-flag screen"]
    assert screen[0].startswith("See your doctor soon (red-flag screen of 11 Oct 2026)")
    assert screen[1] is True


def test_notes_only_with_notes(week, tables, pages, monkeypatch, capsys):
    assert tables["week"].notes["text"].tolist() == [PRIVATE_NOTE]
    assert "kept at home" not in pages["week"]
    said = render_html(tables["week"], notes=True)
    assert "Wed 07 Oct 2026 11:00 · check-in: private: &lt;b&gt;kept at home&lt;/b&gt;" in said
    # The command line asks for notes only with --notes.
    asked = []
    monkeypatch.setattr(report, "write_report", lambda *a, **options: asked.append(options))
    for flag in ([], ["--notes"]):
        assert main(["--journal", str(week.path), "report", "--out", "r.html", *flag]) == 0
    assert [options["notes"] for options in asked] == [False, True]
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert "a first page to read in a minute" in capsys.readouterr().out


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_every_file_the_report_writes_is_private(tmp_path):
    journal = at.Journal(tmp_path / "j")
    journal.log_rating(4)
    old = os.umask(0o022)
    try:
        out = at.report.write_report(journal, tmp_path / "r.html", pdf=tmp_path / "r.pdf")
    finally:
        os.umask(old)
    written = sorted(p for p in tmp_path.iterdir() if p.is_file())
    assert written == [out, tmp_path / "r.pdf"]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_tiny_p_values_read_p_below_a_thousandth(tables):
    t = tables["rich"]
    every, without = (replace(r, p_value=2e-5) for r in t.rescue_check.attrs["results"])
    check = t.rescue_check.copy()
    check.attrs["results"] = (every, without)
    shown = replace(t, rescue_check=check, real_vs_sham=every)
    text = render_html(shown).replace("\u00a0", " ")
    assert first_section(text).words.count("p < 0.001") == 2
    assert not re.search(r"p\s*=?\s*0\.000", text)


# -- the analysis behind it -------------------------------------------------------------
def test_the_measures_now_against_the_start(week, tables):
    peg = week.peg()
    assert analysis.peg_change(peg.iloc[:0]).summary() == "Not answered yet."
    week_two = pd.concat(
        [
            peg,
            peg.assign(
                answered_at=peg["answered_at"] + pd.Timedelta(days=7),
                local_time=peg["local_time"] + pd.Timedelta(days=7),
                score=4.0,
            ),
        ]
    )
    change = analysis.peg_change(week_two)
    assert (change.first_score, change.last_score, change.change) == (6.0, 4.0, -2.0)
    assert "change −2.0 points (2 weekly answers; no interval" in change.summary()
    # As-needed doses are counted in the pain comparison's windows, per week.
    meds = week.medications()
    days = (pd.Timestamp("2026-10-05").date(), pd.Timestamp("2026-10-11").date())
    later = (pd.Timestamp("2026-10-12").date(), pd.Timestamp("2026-10-18").date())
    doses = analysis.rescue_doses(meds, days, later)
    assert (doses.start_doses, doses.end_doses) == (1, 0)
    assert doses.summary().startswith("0 a week now (12 Oct to 18 Oct) against 1 at the start")
    regular = meds.assign(use="regular")
    assert analysis.rescue_doses(regular, days, later).summary() == "None logged in this period."
    assert analysis.latest_pgic(week.pgic()).summary() == "Not answered yet."


def test_real_against_sham_without_sessions_after_rescue(week):
    sessions, ratings = week.sessions_and_ratings()
    check = analysis.real_vs_sham_rescue(sessions, week.medications(), ratings=ratings)
    # The ibuprofen of 08 Oct 13:00 came an hour before that day's session (a real one).
    assert check["sessions"].tolist() == [
        "all sessions",
        "without sessions after as-needed medication",
    ]
    assert check["left_out"].tolist() == [0, 1]
    assert check["n_real"].tolist() == [3, 2] and check["n_sham"].tolist() == [4, 4]
    assert check["plan_state"].tolist() == ["no plan", "no plan"]
    assert analysis.real_vs_sham_line(check).startswith("Not judged: no randomised plan")


def test_points_not_shown_are_counted_by_reason(tables):
    points = tables["rich"].points
    counts = analysis.why_not_more_relief(points)
    assert sum(n for _, n in counts) == (~points["more_relief"]).sum() > 0


def test_the_body_map_names_every_point(tables):
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    fig = Figure(figsize=(8, 6), layout="tight")  # as in the report
    FigureCanvasAgg(fig)
    ax = at.plots.plot_body_map(tables["rich"].points, ax=fig.add_subplot(), labels="all")
    labels = {t.get_gid(): t for t in ax.texts if (t.get_gid() or "").startswith("label-")}
    # Every acupoint on the map; sham spots are no points to find.
    assert set(labels) == {f"label-{code}" for code, p in at.POINTS.items() if p.map and not p.sham}
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    # The words alone (an annotation's own box also holds its line to the spot).
    boxes = [Text.get_window_extent(t, renderer) for t in labels.values()]
    for i, box in enumerate(boxes):
        assert all(_apart(box, other, slack=0) for other in boxes[i + 1 :])
    with pytest.raises(ValueError, match="`labels` must be one of"):
        at.plots.plot_body_map(tables["rich"].points, ax=fig.add_subplot(), labels="some")


# -- one sheet ---------------------------------------------------------------------------
def _apart(a, b, slack: float = 1.0) -> bool:
    """Whether two boxes (pixels) do not overlap, give or take ``slack``."""
    return (
        a.x1 <= b.x0 + slack or b.x1 <= a.x0 + slack or a.y1 <= b.y0 + slack or b.y1 <= a.y0 + slack
    )


def _pdf_renderer(fig):
    """What lays the figure out in its PDF: matplotlib's PDF renderer, in points."""
    fig.set_dpi(72)
    return RendererPdf(PdfFile(io.BytesIO()), 72, *fig.get_size_inches()[::-1])


def _said(fig) -> str:
    return " ".join(a.get_text() for a in fig.texts).replace("\n", " ")


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("name", ["rich", "week", "flag"])
def test_the_first_pdf_page_fits_one_sheet(tables, name, paper):
    t = tables[name]
    fig = report._first_pdf_page(t, first_page(t), paper)
    assert tuple(fig.get_size_inches()) == PAPERS[paper]
    renderer = _pdf_renderer(fig)
    page = fig.bbox
    words, said = first_page(t), _said(fig)
    # The first page's words, every one of them, whole.
    for expected in (words.title, words.facts, words.headline, words.basis, words.footer):
        assert expected in said
    for label, text, _ in words.rows:
        assert label in said and text in said
    boxes = [a.get_window_extent(renderer) for a in fig.texts if a.get_text()]
    for box in boxes:  # on the sheet, and nothing printed over anything else
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= page.x1 and box.y1 <= page.y1
    for i, box in enumerate(boxes):
        assert all(_apart(box, other) for other in boxes[i + 1 :])
    (chart,) = [ax for ax in fig.axes if ax.get_gid() == "first-page-chart"]
    tight = chart.get_tightbbox(renderer)
    assert tight.x0 >= 0 and tight.y0 >= 0 and tight.x1 <= page.x1 and tight.y1 <= page.y1
    assert all(_apart(tight, box) for box in boxes)
    assert tight.height / 72 >= 2.4  # a chart one can read
    # Pain alerts end with the last day logged, never in the future.
    last = t.weekly.attrs["last_day"] if not t.shortfall else t.daily["day"].max()
    red = to_rgba(ALERT_COLOUR, 0.15)
    spans = [p for p in chart.patches if p.get_facecolor() == red]
    assert len(spans) == len(t.alerts)
    limit = mdates.date2num(last + pd.Timedelta(days=1))
    assert all(p.get_x() + p.get_width() <= limit + 1e-9 for p in spans)


WORDS_OF_ANY_SCRIPT = (
    "Après la séance, douleur 3 — 背中の痛み 漢字 😀 → ≥ 2 points; "
    "https://example.org/a/very/long/address/that/no/line/can/hold/whole/at/this/size/at/all "
    + "Wall of Text; AVATAR Type Yoke LTA "
    * 8
)


MISSING_GLYPHS = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")


@MISSING_GLYPHS
@pytest.mark.parametrize("size", [7.5, 9.5, 12.5])
def test_pdf_lines_of_any_script_fit_their_width_and_waste_little(size):
    font = report.pdf.FontProperties(size=size)
    width = 3.2  # inches
    lines = report.pdf._Sheet._wrap(WORDS_OF_ANY_SCRIPT, font, width).split("\n")
    assert " ".join(lines).replace(" ", "") == WORDS_OF_ANY_SCRIPT.strip().replace(" ", "")

    def drawn(s: str) -> float:  # as the font's layout draws it, kerning and fallbacks included
        return TextPath.get_text_width_height_descent(s, font, ismath=False)[0]

    limit = width * 72
    assert all(drawn(line) <= limit for line in lines)
    # Greedy, and measured closely: the next word would not have fitted.
    for line, after in itertools.pairwise(lines):
        assert drawn(f"{line} {after.split(' ')[0]}") > 0.99 * limit, (line, after)


@MISSING_GLYPHS
@pytest.mark.parametrize("style", [{}, {"weight": "bold"}, {"style": "italic"}])
def test_text_is_measured_as_the_pdf_renderer_measures_it(style):
    renderer = RendererPdf(PdfFile(io.BytesIO()), 72, 11, 8.5)
    for size in (7.5, 9.5, 12.5):
        font = FontProperties(size=size, **style)
        for line in WORDS_OF_ANY_SCRIPT.split(";"):
            w, h, d = renderer.get_text_width_height_descent(line, font, ismath=False)
            ours = measure.Measure(72).get_text_width_height_descent(line, font)
            assert ours[1:] == pytest.approx((h, d), abs=0.01)
            # Advances, where the renderer's width is the ink's: apart by the end bearings.
            assert ours[0] == pytest.approx(w, abs=0.1 * size)


@MISSING_GLYPHS
def test_a_pdf_with_notes_in_any_script(week, tables):
    t = tables["week"]
    notes = t.notes.assign(text=WORDS_OF_ANY_SCRIPT)
    buffer = io.BytesIO()
    assert render_pdf(replace(t, notes=notes), buffer, notes=True) >= 2
    assert buffer.getvalue().startswith(b"%PDF")


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_pdf_opens_with_the_first_page(tables, paper, monkeypatch):
    saved = []

    class Recording(report.pdf.PdfPages):
        def savefig(self, figure=None, **kwargs):
            saved.append(figure)
            super().savefig(figure, **kwargs)

    monkeypatch.setattr(report.pdf, "PdfPages", Recording)
    t = tables["flag"]
    buffer = io.BytesIO()
    count = render_pdf(t, buffer, paper=paper)
    pdf = buffer.getvalue()
    assert len(re.findall(rb"/Type /Page\b", pdf)) == count == len(saved) >= 4
    width, height = (72 * x for x in PAPERS[paper])
    assert len(re.findall(f"/MediaBox \\[ 0 0 {width:g} {height:g} \\]".encode(), pdf)) == count
    words = first_page(t)
    first, later = _said(saved[0]), " ".join(_said(f) for f in saved[1:])
    assert words.headline in first and words.flag[0] in first
    assert [ax.get_gid() for ax in saved[0].axes] == ["first-page-chart"]
    assert words.headline not in later and "Routines described" in later


# -- one sheet in a browser --------------------------------------------------------------
MM = 96 / 25.4  # CSS pixels in a millimetre
SHEETS = {"A4": (210, 297), "Letter": (215.9, 279.4)}


@pytest.mark.browser
@pytest.mark.parametrize("name", ["rich", "week", "flag"])
def test_the_printed_first_page_fits_one_sheet_of_a4_and_letter(
    browser,
    pages,
    name,
    tmp_path,
):
    path = tmp_path / "report.html"
    path.write_text(pages[name], encoding="utf-8")
    page = browser.new_page()

    def sheets(keep: str | None = None) -> dict[str, int]:
        """Pages printed on each paper, of the whole report or of ``keep`` only."""
        page.goto(path.as_uri())
        if keep:
            page.evaluate(f"document.querySelectorAll('{keep}').forEach(e => e.remove())")
        return {p: len(re.findall(rb"/Type /Page\b", page.pdf(format=p))) for p in SHEETS}

    try:
        whole = sheets()
        rest = sheets("body > section.first-page")
        alone = sheets("body > :not(.first-page)")
        assert alone == {"A4": 1, "Letter": 1}
        # The first page is a sheet of its own: the rest starts on the next one.
        assert whole == {paper: n + 1 for paper, n in rest.items()}
        page.emulate_media(media="print")
        after = "getComputedStyle(document.querySelector('section.first-page')).breakAfter"
        assert page.evaluate(after) == "page"
        for width, height in SHEETS.values():
            # Nothing cut off: printed at the sheet's width, nothing runs past the edge.
            page.set_viewport_size({"width": int((width - 24) * MM), "height": int(height * MM)})
            assert page.evaluate("document.documentElement.scrollWidth") <= (width - 24) * MM
            overflow = page.evaluate(
                """() => [...document.querySelectorAll('.first-page *')]
                    .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
                    .map(e => e.tagName)"""
            )
            assert not overflow, (width, overflow)
    finally:
        page.close()
