"""The app's one page: quick log, guided session, check-in, the plan, two weeks, the report.

Everything is a form of `acutrack.forms`, so the page follows the journal as the notebook
forms do: a session saved in the quick log shows at once in the chart and the check-in.
"""

from __future__ import annotations

import base64
import html
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..forms import CheckInForm, GuidedSession, SessionForm
from ..forms.base import Form
from ..forms.flags import RedFlagBanner
from ..journal import Journal
from ..plan import Due, next_slot, progress

__all__ = ["AppPage", "ReportMaker", "TwoWeeksChart"]

DAYS_SHOWN = 14
# Widgets as wide as the page and no wider, whatever the phone: the forms' rows of buttons
# wrap instead of making the page scroll sideways.
STYLE = """
<style>
.acutrack-app { max-width: 960px; margin: 0 auto; padding: 0 8px; box-sizing: border-box; }
.acutrack-app .widget-box, .acutrack-app .widget-html, .acutrack-app .widget-image,
.acutrack-app .widget-html-content { max-width: 100%; box-sizing: border-box; }
.acutrack-app .widget-toggle-buttons .widget-toggle-button { margin-bottom: 4px; }
.acutrack-app .widget-toggle-buttons { flex-wrap: wrap; height: auto; max-width: 100%; }
.acutrack-app .widget-dropdown, .acutrack-app .widget-text, .acutrack-app .widget-textarea
  { max-width: 100%; }
.acutrack-app .widget-dropdown { width: auto !important; }
.acutrack-app .widget-dropdown > select { min-width: 0; }
.acutrack-app img { max-width: 100%; height: auto; }
.acutrack-app .acutrack-planned, .acutrack-app .acutrack-planned * { white-space: normal;
  overflow: visible; text-overflow: clip; height: auto; line-height: 1.3; }
.acutrack-app h2 { margin: 18px 0 4px; font-size: 1.25em; }
.acutrack-download { display: inline-block; margin: 4px 8px 4px 0; padding: 6px 12px;
  border-radius: 4px; background: #1f6f8b; color: white !important; text-decoration: none; }
</style>
"""


class TwoWeeksChart(Form):
    """ "Your last two weeks": pain day by day with sessions marked, and the plan's next slot.

    Redrawn whenever any form on the journal saves (see `Form`).
    """

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.next = w.HTML()
        self.next.add_class("acutrack-next-slot")
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", max_width="720px"))
        self.chart.add_class("acutrack-two-weeks")
        self.widget = w.VBox([self.next, self.chart, self.feedback])
        self._attempt(self.refresh)

    def refresh(self) -> None:
        """Draw the chart and read the plan's next slot again."""
        from matplotlib.figure import Figure

        from ..analysis import daily_pain, pain_readings
        from ..plots import figure_png, plot_daily_pain

        slot = next_slot(self.journal)
        day = self.journal.now().date()
        self.next.value = (
            f"<b>Planned session</b>: {Due(slot, day).words()}. Plan: "
            f"{progress(self.journal.plan_slots(slot.plan), day).words()}. "
            "In the quick log, rate your pain before, then tick its box: the routine shows then."
            if slot
            else ""
        )
        sessions, ratings = self.journal.sessions_and_ratings()
        since = self.journal.now() - timedelta(days=DAYS_SHOWN)
        sessions = sessions[sessions["started_at"] >= since]
        ratings = ratings[ratings["rated_at"] >= since]
        # Small enough that its words stay legible when a phone shrinks it to its width.
        fig = Figure(figsize=(6.4, 3.6), dpi=110, layout="constrained")
        ax = fig.subplots()
        imported = self.journal.imported_ratings()
        daily = daily_pain(pain_readings(sessions, ratings))
        plot_daily_pain(
            daily, sessions=sessions, imported=imported[imported["rated_at"] >= since], ax=ax
        )
        ax.set_title(f"Your last two weeks: {len(sessions)} session(s), {len(ratings)} check-in(s)")
        self.chart.value = figure_png(fig)


class ReportMaker(Form):
    """Buttons that make the clinician's report (HTML, and PDF) and offer it for download."""

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.make = w.Button(description="Make the report", icon="file", button_style="info")
        self.make.on_click(self._make)
        self.links = w.HTML()
        self.links.add_class("acutrack-report-links")
        self.widget = w.VBox([w.HBox([self.make, self.feedback]), self.links])

    def _make(self, _button: object = None) -> None:
        from ..report import write_report

        with tempfile.TemporaryDirectory() as folder:
            page, paper = Path(folder) / "report.html", Path(folder) / "report.pdf"
            ok, _ = self._attempt(lambda: write_report(self.journal, page, pdf=paper))
            if not ok:
                return
            day = f"{self.journal.now():%Y-%m-%d}"
            self.links.value = "".join(
                _download(path.read_bytes(), f"acutrack-report-{day}{path.suffix}", kind, label)
                for path, kind, label in (
                    (page, "text/html", "Download the report (HTML)"),
                    (paper, "application/pdf", "Download the report (PDF)"),
                )
            )
        self.show_ok("Report made: download it below, then print it or send it to your clinician.")


def _download(data: bytes, name: str, kind: str, label: str) -> str:
    """A link that downloads ``data``: no file is left on the computer by the page itself."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="acutrack-download" download="{html.escape(name)}" '
        f'href="data:{kind};base64,{encoded}">{html.escape(label)}</a>'
    )


class AppPage:
    """The whole app on one page, top to bottom.

    Attributes
    ----------
    banner : RedFlagBanner
    quick : SessionForm
        The quick log (``quick=True``): pain before and after, routine, Save.
    guided : GuidedSession
    check_in : CheckInForm
    two_weeks : TwoWeeksChart
    report : ReportMaker
    widget : VBox
        CSS class ``acutrack-app``.
    """

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.banner = RedFlagBanner(journal)
        self.quick = SessionForm(journal, quick=True)
        self.guided = GuidedSession(journal)
        self.check_in = CheckInForm(journal)
        self.two_weeks = TwoWeeksChart(journal)
        self.report = ReportMaker(journal)
        # The forms carry their own titles; the other parts get one here.
        parts = (
            self.quick.widget,
            self.guided.widget,
            self.check_in.widget,
            w.HTML("<h2>Your last two weeks</h2>"),
            self.two_weeks.widget,
            w.HTML("<h2>For your clinician</h2>"),
            self.report.widget,
        )
        self.widget = w.VBox(
            [
                w.HTML(STYLE + "<h1>acutrack</h1>"),
                self.banner.widget,
                *parts,
                w.HTML(
                    f"<p><small>Your journal: {html.escape(str(journal.path))}. Nothing "
                    "leaves this computer.</small></p>"
                ),
            ]
        )
        self.widget.add_class("acutrack-app")

    @classmethod
    def for_default_journal(cls) -> AppPage:
        """The page on ``$ACUTRACK_HOME`` (set by ``acutrack app``), else ``~/acutrack``."""
        return cls(Journal.default())

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def __getattr__(name: str):
    if name == "TwoWeeks":  # its old name, for one release: it is a chart, not a form to fill
        import warnings

        warnings.warn("TwoWeeks is now TwoWeeksChart", DeprecationWarning, stacklevel=2)
        return TwoWeeksChart
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
