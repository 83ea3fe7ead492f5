"""The app's one page: the whole logging kit, what is due today, two weeks, the report.

Everything is a form of `acutrack.forms`, the very ones the notebook's `LoggingKit` shows,
so the page follows the journal as the notebook forms do: a session saved in the session
log shows at once in the Today card, the chart and the check-in.
"""

from __future__ import annotations

import asyncio
import base64
import html
import importlib
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..forms import (
    ChangeForm,
    CheckInForm,
    CorrectionForm,
    GuidedSession,
    MedicationForm,
    ScreenForm,
    SessionForm,
)
from ..forms.base import Form, refresh_forms
from ..forms.flags import RedFlagBanner
from ..journal import Journal
from ..outcomes import PEG_EVERY, peg_due, pgic_due, pgic_next
from ..plan import Due, next_slot, progress
from ..screening import SCREEN_EVERY, screen_due
from ..testclock import clock_from_environment
from ..words import plural

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["AppPage", "ReportMaker", "TodayCard", "TwoWeeksChart", "two_weeks_figure"]

DAYS_SHOWN = 14
#: How often an open page looks whether the day has turned (seconds): a page left open
#: past midnight says what is due on the new day within this.
DAY_CHECK = 300.0
#: What making the report imports, loaded this many seconds after the page is built, while
#: the person reads it: the button then takes about 3 s, not 5.
REPORT_MODULES = ("scipy.stats", "acutrack.report.html", "acutrack.report.pdf")
WARM_AFTER = 2.0

#: The Today card's lines, in the order shown.
TODAY = {
    "plan": "Planned session",
    "check_in": "Check-in",
    "peg": "This week's three questions (PEG-3)",
    "pgic": "Change since you started",
    "screen": "Red-flag screen",
}
# Widgets as wide as the page and no wider, whatever the phone: the forms' rows of buttons
# wrap instead of making the page scroll sideways. Each section has its <h2>, so the forms'
# own <h4> titles, which would repeat it, are hidden here.
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
.acutrack-app .acutrack-two-weeks { margin-left: 0; margin-right: 0; }
.acutrack-app .acutrack-planned, .acutrack-app .acutrack-planned * { white-space: normal;
  overflow: visible; text-overflow: clip; height: auto; line-height: 1.3; }
.acutrack-app h2 { margin: 18px 0 4px; font-size: 1.25em; }
.acutrack-app .widget-hbox { flex-wrap: wrap; }
/* Tap targets at least 44 px high, whatever their text. */
.acutrack-app .widget-button, .acutrack-app .widget-toggle-button,
.acutrack-app .widget-dropdown > select { min-height: 44px; height: auto; }
.acutrack-app .widget-dropdown, .acutrack-app .widget-toggle-buttons { height: auto; }
/* A button keeps its width beside a message; the message wraps (under it on a phone). */
.acutrack-app .widget-hbox > .widget-button { flex: 0 0 auto; max-width: 100%; }
.acutrack-app .widget-hbox > .widget-html { flex: 1 1 12em; min-width: 0; }
.acutrack-app .widget-html-content { white-space: normal; overflow-wrap: anywhere;
  height: auto; line-height: 1.4; }
/* A control with its label: no wider than the page, its bar or menu shrinking to fit. */
.acutrack-app .widget-inline-hbox { max-width: 100%; height: auto; }
.acutrack-app .widget-hprogress { width: auto; min-width: 0; }
.acutrack-app .widget-hprogress .progress { flex: 1 1 auto; min-width: 0; height: 16px;
  align-self: center; }
.acutrack-app .widget-dropdown > select { flex: 1 1 auto; min-width: 0; max-width: 32em; }
@media (max-width: 600px) {
  /* Voilà's margins around the page's one output would cost a phone 40 px of its width
     (Voilà's page is body.jp-Notebook; JupyterLab's is not, and keeps its own). */
  body.jp-Notebook .lm-BoxPanel-child, body.jp-Notebook .jp-Cell,
  body.jp-Notebook .jp-OutputArea-output { padding-left: 0 !important;
    padding-right: 0 !important; margin-left: 0 !important; }
  /* On a phone each label goes above its control, which gets the whole width. */
  .acutrack-app .widget-inline-hbox { flex-wrap: wrap; }
  .acutrack-app .widget-inline-hbox > .widget-label { width: 100% !important;
    text-align: left; flex: 0 0 100%; max-width: 100%; }
  .acutrack-app .widget-vbox > .widget-hprogress, .acutrack-app .widget-vbox > .widget-dropdown
    { width: auto !important; align-self: stretch; }
  .acutrack-app .widget-hbox > .widget-html { flex-basis: 100%; }
  /* A question above its yes/no buttons, not under them, where they cannot sit side by side. */
  .acutrack-app .acutrack-question { flex-direction: column-reverse; flex-wrap: nowrap; }
  .acutrack-app .widget-dropdown > select { font-size: 12px; padding-left: 4px;
    padding-right: 4px; }
}
/* Radio answers as long as a sentence wrap, each line of it in its own room. */
.acutrack-app .widget-radio-box label { height: auto; min-height: 44px; display: flex;
  align-items: center; white-space: normal; line-height: 1.3; }
.acutrack-app .widget-radio-box input { order: -1; flex: 0 0 auto; margin: 0 8px 0 0; }
.acutrack-app .widget-select, .acutrack-app .widget-radio, .acutrack-app .widget-checkbox,
.acutrack-app .widget-datetimepicker { max-width: 100%; }
/* A list as wide as its longest entry (the points' names), never scrolling sideways. */
.acutrack-app .widget-select { width: auto; }
.acutrack-app .widget-select > select { width: auto; flex: 0 1 auto; min-width: 0; }
.acutrack-app h4 { display: none; }
.acutrack-today { border: 1px solid #1f6f8b; border-radius: 6px; padding: 4px 12px;
  background: #f3f8fa; }
.acutrack-today ul { margin: 4px 0; padding-left: 1.2em; }
.acutrack-today li { margin: 2px 0; }
.acutrack-today li.acutrack-due { font-weight: bold; }
.acutrack-download { display: inline-flex; align-items: center; min-height: 44px;
  box-sizing: border-box; margin: 4px 8px 4px 0; padding: 6px 12px;
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
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", max_width=CHART_MAX_WIDTH))
        self.chart.add_class("acutrack-two-weeks")
        self.widget = w.VBox([self.next, self.chart, self.feedback])
        self._attempt(self.refresh)

    def refresh(self) -> None:
        """Draw the chart and read the plan's next slot again."""
        from ..plots import figure_png

        slot = next_slot(self.journal)
        day = self.journal.now().date()
        self.next.value = (
            f"<b>Planned session</b>: {Due(slot, day).words()}. Plan: "
            f"{progress(self.journal.plan_slots(slot.plan), day).words()}. "
            "In the session log, rate your pain before, then tick its box: the routine shows then."
            if slot
            else ""
        )
        self.chart.value = figure_png(two_weeks_figure(self.journal))


#: The chart's size in inches and its smallest text in points: drawn 4.0 in wide (440 px
#: in the 110 dpi PNG) and shrunk to the ~315 px a 360 px phone leaves it, 11 pt text is
#: 12 px on screen. The page shows it at most `CHART_MAX_WIDTH` wide, so that on a computer
#: it is not blown up either.
CHART_SIZE, CHART_FONT, CHART_MAX_WIDTH = (4.0, 4.6), 11, "520px"


def two_weeks_figure(journal: Journal) -> Figure:
    """The last two weeks' pain day by day with the sessions, up to and including today.

    Narrow, with large words and the legend under the chart, for a phone's width.
    """
    import textwrap

    import matplotlib.dates as mdates
    import pandas as pd
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    from ..analysis import daily_pain, pain_readings
    from ..plots import plot_daily_pain

    sessions, ratings = journal.sessions_and_ratings()
    now = journal.now()
    since = now - timedelta(days=DAYS_SHOWN)
    sessions = sessions[sessions["started_at"] >= since]
    ratings = ratings[ratings["rated_at"] >= since]
    imported = journal.imported_ratings()
    imported = imported[imported["rated_at"] >= since]
    daily = daily_pain(pain_readings(sessions, ratings))
    with rc_context({"font.size": CHART_FONT, "legend.fontsize": CHART_FONT}):
        fig = Figure(figsize=CHART_SIZE, layout="constrained")
        ax = fig.subplots()
        plot_daily_pain(daily, sessions=sessions, imported=imported, ax=ax)
        ax.set_title(
            f"{plural(len(sessions), 'session')}, {plural(len(ratings), 'check-in')}"
            + (f", {plural(len(imported), 'imported rating')}" if len(imported) else ""),
            fontsize=CHART_FONT + 1,
        )
        legend = ax.get_legend()
        if legend is not None:  # under the chart, never over the data
            handles, labels = ax.get_legend_handles_labels()
            legend.remove()
            fig.legend(
                handles,
                [textwrap.fill(label, 40) for label in labels],
                loc="outside lower center",
                fontsize=CHART_FONT,
                frameon=False,
            )
            today = pd.Timestamp(now.date())
            ax.set_xlim(today - pd.Timedelta(days=DAYS_SHOWN - 0.5), today + pd.Timedelta(days=1))
            ticks = [today - pd.Timedelta(days=3 * k) for k in range(4, -1, -1)]
            ax.set_xticks(ticks, [t.strftime("%a\n%d %b") for t in ticks[:-1]] + ["today"])
            ax.xaxis.set_minor_locator(mdates.DayLocator())
            ax.set_xlabel(f"Day ({today:%Y})")
            ax.set_ylabel("Pain (0–10)")
        for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            label.set_fontsize(CHART_FONT)
    return fig


class ReportMaker(Form):
    """Buttons that make the clinician's report (HTML, and PDF) and offer it for download."""

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.make = w.Button(description="Make the report", icon="file", button_style="info")
        self.make.on_click(self._make)
        self.links = w.HTML()
        self.links.add_class("acutrack-report-links")
        self.widget = w.VBox([w.HBox([self.make, self.feedback]), self.links])
        self._warming = _later(WARM_AFTER, _warm_report)

    def close(self) -> None:
        """Close the widgets, and load nothing more for a report no one can ask for."""
        if self._warming:
            self._warming.cancel()
        super().close()

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


class TodayCard(Form):
    """What is due today, in words: the plan's next session, the check-in, PEG-3, the
    impression of change and the red-flag screen.

    Each is judged as its form judges it (`next_slot`, `peg_due`, `pgic_due`,
    `screen_due`), read again whenever any form on the journal saves (see `Form`). A
    plan's session is told by its day alone: never real or sham, never its id.

    Attributes
    ----------
    words : dict of str to str
        ``plan`` (only while a plan has a session open), ``check_in``, ``peg``, ``pgic``
        and ``screen``: each one's line in words, without its heading.
    due : set of str
        The keys of ``words`` that are due today (shown in bold).
    card : HTML
    widget : VBox
        CSS class ``acutrack-today``.
    """

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.words: dict[str, str] = {}
        self.due: set[str] = set()
        self.card = w.HTML()
        self.widget = w.VBox([self.card, self.feedback])
        self.widget.add_class("acutrack-today")
        self._attempt(self.refresh)

    def refresh(self) -> None:
        """Read again what is due: a save anywhere may have changed any of it."""
        now = self.journal.now()
        day = now.date()  # the person's day, as the plan forms count it
        self.words, self.due = {}, set()
        for key, (due, said) in (
            ("plan", self._plan(day)),
            ("check_in", self._check_in(now)),
            ("peg", self._peg(now)),
            ("pgic", self._pgic(now)),
            ("screen", self._screen(now)),
        ):
            if said:
                self.words[key] = said
                if due:
                    self.due.add(key)
        items = (
            f'<li class="{"acutrack-due" if key in self.due else "acutrack-not-due"}">'
            f"{html.escape(TODAY[key])}: {html.escape(said)}</li>"
            for key, said in self.words.items()
        )
        self.card.value = f"<ul>{''.join(items)}</ul>"

    def _plan(self, day: date) -> tuple[bool, str]:
        slot = next_slot(self.journal)
        if slot is None:
            return False, ""
        done = progress(self.journal.plan_slots(slot.plan), day).words()
        if slot.started:
            return True, f"started {slot.started_at:%a %H:%M}: save it under Log a session ({done})"
        due = Due(slot, day)
        said = f"{due.words()} (plan: {done}); under Log a session, rate your pain, then tick"
        return not due.early, said

    def _check_in(self, now: datetime) -> tuple[bool, str]:
        last = self.journal.latest("ratings")
        if last is not None and last.rated_at.astimezone(now.tzinfo).date() == now.date():
            return False, f"done today at {last.rated_at.astimezone(now.tzinfo):%H:%M}"
        return True, "due: none yet today. How much does it hurt now?"

    def _peg(self, now: datetime) -> tuple[bool, str]:
        if peg_due(self.journal, now):
            return True, "due: three questions about the past week, saved with the check-in"
        last = self.journal.latest("peg")
        return False, f"next due {_day(last.answered_at + PEG_EVERY, now)}"

    def _pgic(self, now: datetime) -> tuple[bool, str]:
        first = self.journal.first_day()
        reason = pgic_due(self.journal, now, first=first)
        if reason:
            return True, f"due ({reason}): one answer, under Change"
        if first is None:
            return False, "asked 4 weeks after your first entry"
        return False, f"next asked {_day(pgic_next(self.journal, now, first=first), now)}"

    def _screen(self, now: datetime) -> tuple[bool, str]:
        last = self.journal.latest("screens")
        if screen_due(last.answered_at if last else None, now):
            return True, "due: ten yes/no questions, a minute, under Red flags"
        return False, f"next due {_day(last.answered_at + SCREEN_EVERY, now)}"


def _day(moment: datetime, now: datetime) -> str:
    """A day as the card says it: "today", else "Tue 01 Dec" (on the clock of ``now``)."""
    day = moment.astimezone(now.tzinfo).date()
    return "today" if day == now.date() else f"{day:%a %d %b}"


class AppPage:
    """The whole kit on one page, section under section (no tabs: on a phone their titles
    are cut): the `LoggingKit`'s forms, what is due today, two weeks and the report.

    The red-flag screen comes first while it is due (as the kit opens on it), else near the
    end; the first session form on the page is the session log.

    Attributes
    ----------
    banner : RedFlagBanner
        The standing red-flag answer, at the top.
    today : TodayCard
        What is due today, under the banner.
    session : SessionForm
        The session log, in full: *When* (now or earlier), where it hurts and notes too.
    quick : SessionForm
        The session log's old name (it was a quick log).
    guided : GuidedSession
    check_in : CheckInForm
        With the weekly PEG-3 while due.
    change : ChangeForm
    medication : MedicationForm
    screen : ScreenForm
    correction : CorrectionForm
    two_weeks : TwoWeeksChart
    report : ReportMaker
    sections : dict of str to Widget
        Each section by its heading, in the order shown.
    widget : VBox
        CSS class ``acutrack-app``.
    """

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        with journal.snapshot():  # each file read once for the whole page, not per form
            self.banner = RedFlagBanner(journal)
            self.today = TodayCard(journal)
            self.session = self.quick = SessionForm(journal)
            self.guided = GuidedSession(journal)
            self.check_in = CheckInForm(journal)
            self.change = ChangeForm(journal)
            self.medication = MedicationForm(journal)
            self.screen = ScreenForm(journal)
            self.correction = CorrectionForm(journal)
            self.two_weeks = TwoWeeksChart(journal)
            self.report = ReportMaker(journal)
        screen = {"Red flags": self.screen.widget}
        # Decided once, as the kit does: a screen just saved stays where it was answered.
        self.sections: dict[str, w.Widget] = {
            "Today": self.today.widget,
            **(screen if self.screen.due else {}),
            "Log a session": self.session.widget,
            "Guided session": self.guided.widget,
            "Check-in": self.check_in.widget,
            "Medicine": self.medication.widget,
            "Change": self.change.widget,
            "Your last two weeks": self.two_weeks.widget,
            "Correct or delete": self.correction.widget,
            **({} if self.screen.due else screen),
            "For your clinician": self.report.widget,
        }
        parts = [
            part
            for title, widget in self.sections.items()
            for part in (w.HTML(f"<h2>{html.escape(title)}</h2>"), widget)
        ]
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
        self._day = journal.now().date()
        self._timer = _every(DAY_CHECK, self.new_day)

    def new_day(self) -> bool:
        """Bring the page up to date if the day has turned since it last looked.

        A page left open past midnight would otherwise still say "done today" of
        yesterday's check-in, and end its chart on yesterday. The page calls this every
        `DAY_CHECK` seconds while a kernel runs it.

        Returns
        -------
        bool
            Whether the day had turned (and every form read the journal again).
        """
        day = self.journal.now().date()
        if day == self._day:
            return False
        self._day = day
        refresh_forms(self.journal)
        return True

    def close(self) -> None:
        """Close the page's widgets; its forms no longer follow the journal."""
        if self._timer:
            self._timer.cancel()
        for form in (
            *(self.banner, self.today, self.session, self.guided, self.check_in),
            *(self.medication, self.change, self.correction, self.screen),
            *(self.two_weeks, self.report),
        ):
            form.close()
        self.widget.close()

    @classmethod
    def for_default_journal(cls) -> AppPage:
        """The page on ``$ACUTRACK_HOME`` (set by ``acutrack app``), else ``~/acutrack``; on
        the clock the test suite may set (`acutrack.testclock`)."""
        return cls(Journal.default(clock=clock_from_environment()))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


class _Every:
    """Calls an action every so many seconds on the event loop that runs the page's kernel."""

    def __init__(self, loop: asyncio.AbstractEventLoop, seconds: float, action) -> None:
        self.loop, self.seconds, self.action = loop, seconds, action
        self.handle = loop.call_later(seconds, self._tick)

    def _tick(self) -> None:
        self.action()
        self.handle = self.loop.call_later(self.seconds, self._tick)

    def cancel(self) -> None:
        self.handle.cancel()


def _warm_report() -> None:
    """Import `REPORT_MODULES`, so that *Make the report* need not."""
    for name in REPORT_MODULES:
        importlib.import_module(name)


def _kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the kernel running the page; None outside one (a script: no event
    loop turns between its lines)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _later(seconds: float, action) -> asyncio.TimerHandle | None:
    """``action`` called once, ``seconds`` from now, while a kernel runs the page."""
    loop = _kernel_loop()
    return loop.call_later(seconds, action) if loop else None


def _every(seconds: float, action) -> _Every | None:
    """``action`` called every ``seconds`` while a kernel runs the page."""
    loop = _kernel_loop()
    return _Every(loop, seconds, action) if loop else None


def __getattr__(name: str):
    if name == "TwoWeeks":  # its old name, for one release: it is a chart, not a form to fill
        import warnings

        warnings.warn("TwoWeeks is now TwoWeeksChart", DeprecationWarning, stacklevel=2)
        return TwoWeeksChart
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
