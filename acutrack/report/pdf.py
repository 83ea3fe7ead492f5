"""The report as a PDF, drawn by matplotlib's own PDF backend on A4 or Letter.

`_Sheet` lays out pages: wrapped text measured in its font, rules, boxes and charts. The
first page stands alone on one sheet (smaller type when its words need room); the
details follow, then two pages of charts.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import BinaryIO

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from .. import analysis
from ..catalog import point_label
from ..csvstore import private_output
from ..errors import InvalidValue
from ..stats.results import fmt
from ..stats.scales import DIFFERENCE, interval_words
from . import measure
from .charts import PDF_PAGES, drawn, pain_over_time
from .details import (
    POINTS_INTRO,
    ROUTINES_INTRO,
    note_lines,
    points_shown,
    rescue_details,
    screen_details,
)
from .first_page import NOT_ENOUGH, TITLE, FirstPage, first_page
from .gather import ReportTables
from .paper import PAPERS

__all__ = ["PAPERS", "render_pdf"]

_MARGIN = 0.55  # inches on every side
_INK, _RED, _GREY, _RULE = "#222222", "#b71c1c", "#555555", "#cccccc"
#: Height of the first page's chart (inches): at least, and at most.
_CHART_MIN, _CHART_MAX = 2.8, 4.2
#: Room around the chart's Axes for its title, tick labels and axis labels (inches).
_CHART_PAD = {"left": 0.6, "right": 0.25, "bottom": 0.55, "top": 0.3}
#: Width of the first page's column of measure names (inches).
_LABEL_WIDTH = 1.55
#: Space between two charts on a page of charts (inches).
_CHART_GAP = 0.3


class _Sheet:
    """Pages of one paper size, filled from the top with wrapped text and charts.

    Positions are in inches from the page's lower left corner. Text is wrapped by
    measuring it in the font, not by counting characters, so no line runs past the
    margin whatever its letters; every text is plain (a ``$`` a person typed is no
    formula).
    """

    def __init__(self, paper: str, scale: float = 1.0):
        self.size = PAPERS[paper]
        self.scale = scale
        self.pages: list[Figure] = []
        self.new_page()

    def new_page(self) -> None:
        self.pages.append(Figure(figsize=self.size))
        self.top, self.bottom = self.size[1] - _MARGIN, _MARGIN

    @property
    def fig(self) -> Figure:
        return self.pages[-1]

    @property
    def width(self) -> float:
        return self.size[0] - 2 * _MARGIN

    @staticmethod
    def _wrap(text: str, font: FontProperties, width: float) -> str:
        """``text`` with line breaks, so that no line is wider than ``width`` inches."""
        # The font's own widths, without the hinting of any one resolution: those of the PDF.
        limit = width * 72 * 0.99

        def fits(s: str) -> bool:
            return measure.width(s, font) <= limit

        lines = []
        for paragraph in text.split("\n"):
            line, words = "", paragraph.split(" ")
            while words:
                n = _words_that_fit(line, words, font, limit)
                line = _joined(line, words[:n])
                if n == len(words):
                    break
                word, words = words[n], words[n + 1 :]
                if line:
                    lines.append(line)
                while not fits(word):  # wider than a line (a link, say): break it
                    cut = _longest_start(word, fits)
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return "\n".join(lines)

    def _put(self, x: float, text: str, font: FontProperties, colour: str) -> tuple[Text, float]:
        """Place wrapped ``text`` with its top at ``self.top``; return it and its height."""
        artist = self.fig.text(
            _MARGIN + x,
            self.top,
            text,
            transform=self.fig.dpi_scale_trans,
            fontproperties=font,
            color=colour,
            va="top",
            ha="left",
            parse_math=False,
        )
        box = artist.get_window_extent(measure.Measure(self.fig.dpi))
        return artist, box.height / self.fig.dpi

    def block(
        self,
        parts: Sequence[tuple[float, float, str, dict]],
        *,
        after: float = 0.07,
        breakable: bool = True,
    ) -> float:
        """Texts side by side, each ``(x, width, text, font)``, moving down past the tallest.

        On a later page a block that does not fit starts a new page; the first page never
        breaks (`breakable` False), its layout is checked instead. Returns the top of the
        block.
        """
        for attempt in (0, 1):
            placed = []
            for x, width, text, style in parts:
                style = dict(style)
                colour = style.pop("colour", _INK)
                font = FontProperties(size=style.pop("size", 9.5) * self.scale, **style)
                placed.append(self._put(x, self._wrap(text, font, width), font, colour))
            height = max(h for _, h in placed)
            fresh = self.top == self.size[1] - _MARGIN
            if not attempt and breakable and not fresh and self.top - height < self.bottom:
                for artist, _ in placed:
                    artist.remove()
                self.new_page()
                continue
            break
        top = self.top
        self.top -= height + after * self.scale
        return top

    def text(self, text: str, *, breakable: bool = True, after: float = 0.07, **style) -> float:
        """One paragraph across the page; see `block`."""
        return self.block([(0.0, self.width, text, style)], after=after, breakable=breakable)

    def rule(self, y: float) -> None:
        """A thin line across the text column at height ``y``."""
        self.fig.add_artist(
            Line2D(
                [_MARGIN, _MARGIN + self.width],
                [y, y],
                transform=self.fig.dpi_scale_trans,
                color=_RULE,
                linewidth=0.6,
            )
        )

    def box(self, top: float, colour: str, face: str) -> None:
        """A framed box behind what was placed from ``top`` down to here."""
        pad = 0.06
        self.fig.add_artist(
            Rectangle(
                (_MARGIN - pad, self.top),
                self.width + 2 * pad,
                top - self.top + pad,
                transform=self.fig.dpi_scale_trans,
                edgecolor=colour,
                facecolor=face,
                linewidth=1.5,
                zorder=-1,
            )
        )
        self.top -= 0.1

    def footer(self, text: str, **style) -> None:
        """``text`` at the foot of the page; what follows stays above it."""
        font = FontProperties(size=style.pop("size", 7.5) * self.scale, **style)
        artist = self.fig.text(
            _MARGIN,
            _MARGIN,
            self._wrap(text, font, self.width),
            transform=self.fig.dpi_scale_trans,
            fontproperties=font,
            color=_GREY,
            va="bottom",
            parse_math=False,
        )
        height = artist.get_window_extent(measure.Measure(self.fig.dpi)).height / self.fig.dpi
        self.bottom = _MARGIN + height + 0.12

    def axes(self, height: float):
        """Axes for a chart filling ``height`` inches below here (its labels included)."""
        w, h = self.size
        pad = _CHART_PAD
        bottom = self.top - height
        rect = [
            (_MARGIN + pad["left"]) / w,
            (bottom + pad["bottom"]) / h,
            (self.width - pad["left"] - pad["right"]) / w,
            (height - pad["bottom"] - pad["top"]) / h,
        ]
        self.top = bottom
        return self.fig.add_axes(rect)


def _joined(line: str, words: Sequence[str]) -> str:
    """``line`` with ``words`` added, a space before each (none at the start of a line)."""
    for word in words:
        line = f"{line} {word}" if line else word
    return line


def _words_that_fit(line: str, words: Sequence[str], font: FontProperties, limit: float) -> int:
    """How many of ``words`` fit after ``line`` within ``limit`` points (widths add up)."""
    width = measure.width(line, font)
    for n, word in enumerate(words):
        width += measure.width(f" {word}" if line or n else word, font)
        if width > limit:
            return n
    return len(words)


def _longest_start(word: str, fits) -> int:
    """The length of the longest start of ``word`` that fits, shorter than the word and at
    least 1 (found by halving: a start grows with each letter)."""
    low, high = 1, len(word) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if fits(word[:middle]):
            low = middle
        else:
            high = middle - 1
    return low


def _first_pdf_page(t: ReportTables, page: FirstPage, paper: str) -> Figure:
    """The first page on one sheet of ``paper``: smaller type when the words need room.

    The first scale that leaves the chart at least `_CHART_MIN` inches is kept.
    """
    for scale in (1.0, 0.92, 0.85, 0.78, 0.7):
        sheet = _Sheet(paper, scale)
        _first_words(sheet, page)
        if not page.chart or sheet.top - sheet.bottom >= _CHART_MIN * scale:
            break
    if not page.chart:
        sheet.text(NOT_ENOUGH[0], size=12.5, weight="bold", after=0.05, breakable=False)
        sheet.text(NOT_ENOUGH[1], size=9.5, breakable=False)
    else:
        height = min(sheet.top - sheet.bottom, _CHART_MAX)
        ax = sheet.axes(height)
        ax.set_gid("first-page-chart")
        pain_over_time(t, ax)
    return sheet.fig


def _first_words(sheet: _Sheet, page: FirstPage) -> None:
    sheet.footer(page.footer, style="italic")
    fixed = {"breakable": False}
    sheet.text(page.title, size=16, weight="bold", after=0.02, **fixed)
    sheet.text("Report for the clinician", size=10, colour=_GREY, after=0.05, **fixed)
    if page.who:
        sheet.text(page.who, size=10.5, weight="bold", after=0.03, **fixed)
    sheet.text(page.facts, size=8.5, colour=_GREY, after=0.1, **fixed)
    if page.flag:
        top = sheet.text(page.flag[0], size=11.5, weight="bold", colour=_RED, after=0.03, **fixed)
        sheet.text(page.flag[1], size=9.5, colour=_RED, after=0.04, **fixed)
        sheet.box(top + 0.06, _RED, "#fdecea")
    if page.unread:
        sheet.text(page.unread, size=9.5, weight="bold", colour=_RED, **fixed)
    sheet.text(page.headline, size=12, weight="bold", after=0.03, **fixed)
    sheet.text(page.basis, size=8.5, colour=_GREY, after=0.08, **fixed)
    sheet.rule(sheet.top + 0.03)
    label = _LABEL_WIDTH * sheet.scale
    for name, words, stress in page.rows:
        colour = _RED if stress else _INK
        sheet.block(
            [
                (0.0, label - 0.1, name, {"size": 9, "weight": "bold"}),
                (label, sheet.width - label, words, {"size": 9, "colour": colour}),
            ],
            after=0.05,
            breakable=False,
        )
        sheet.rule(sheet.top + 0.025)
    sheet.top -= 0.08


def _details_pdf(t: ReportTables, paper: str, *, notes: bool, all_points: bool) -> list[Figure]:
    """The later pages' words (the charts have pages of their own)."""
    sheet = _Sheet(paper)
    sections: list[tuple[str, list[str]]] = []
    if t.enough:
        points, hidden = points_shown(t.points, all_points)
        listed = [
            f"{point_label(p.point, p.name)}: {fmt(p.estimate)} points "
            f"({interval_words((p.ci_low, p.ci_high), DIFFERENCE)})"
            for p in points.itertuples()
        ]
        sections += [
            ("Pain now and at the start", [t.change.summary(), t.episode.summary()]),
            ("Pain alerts", [analysis.pain_alerts_summary(t.alerts)]),
            ("Red-flag screen", [screen_details(t)]),
            ("Routines described", [ROUTINES_INTRO]),
            (
                "Which points went with more relief",
                [POINTS_INTRO, *listed, *([hidden] if hidden else [])],
            ),
            ("Real against sham", [t.real_vs_sham.summary(), rescue_details(t.rescue_check)]),
        ]
    if notes and len(t.notes):
        sections.append(("Notes", note_lines(t.notes)))
    for heading, paragraphs in sections:
        sheet.text(heading, size=12.5, weight="bold", after=0.05)
        for paragraph in paragraphs:
            sheet.text(paragraph, size=9.5)
        sheet.top -= 0.12
    return sheet.pages if sections else []


def _chart_page(t: ReportTables, keys: Sequence[str], paper: str, *, all_points: bool) -> Figure:
    """Charts one under the other, as drawn for the HTML page (`charts.drawn`: drawn once).

    Each spans the text column at its own proportions; all shrink alike when the page
    needs it. Their pixels go into the PDF as they are (no resampling).
    """
    w, h = PAPERS[paper]
    images = [drawn(t, key, all_points=all_points).pixels for key in keys]
    heights = [(w - 2 * _MARGIN) * p.shape[0] / p.shape[1] for p in images]
    room = h - 2 * _MARGIN - _CHART_GAP * (len(images) - 1)
    scale = min(1.0, room / sum(heights))
    fig = Figure(figsize=(w, h))
    top = h - _MARGIN
    for pixels, height in zip(images, heights, strict=True):
        width, height = (w - 2 * _MARGIN) * scale, height * scale
        ax = fig.add_axes(((w - width) / 2 / w, (top - height) / h, width / w, height / h))
        ax.imshow(pixels[..., :3], interpolation="none", aspect="auto")
        ax.set_axis_off()
        top -= height + _CHART_GAP
    return fig


def render_pdf(
    t: ReportTables,
    path: str | os.PathLike[str] | BinaryIO,
    *,
    title: str = TITLE,
    paper: str = "A4",
    notes: bool = False,
    all_points: bool = False,
) -> int:
    """Write the report as a PDF (matplotlib's PDF backend); returns its page count.

    Parameters
    ----------
    t : ReportTables
    path : str, PathLike or binary file
        A file name (the file is made readable by its owner only) or a binary file open
        for writing.
    title : str
    paper : {"A4", "Letter"}
    notes, all_points : bool
        As for `render_html`.

    Returns
    -------
    int
        The number of pages: the first page, the details, then two pages of charts.
    """
    if paper not in PAPERS:
        raise InvalidValue("paper", paper, f"expected one of {', '.join(PAPERS)}")
    if isinstance(path, str | os.PathLike):
        with private_output(path) as file:
            return render_pdf(t, file, title=title, paper=paper, notes=notes, all_points=all_points)
    page = first_page(t, title=title)
    pages = [_first_pdf_page(t, page, paper)]
    pages += _details_pdf(t, paper, notes=notes, all_points=all_points)
    if t.enough:
        pages += [_chart_page(t, keys, paper, all_points=all_points) for keys in PDF_PAGES]
    with PdfPages(path, metadata={"Title": title, "Creator": "acutrack"}) as pdf:
        for figure in pages:
            pdf.savefig(figure)
    return len(pages)
