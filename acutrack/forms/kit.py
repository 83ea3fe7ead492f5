"""The logging notebook's forms together: one tab each, under a standing red-flag answer.

Kept in one notebook cell so that, after *Run All*, the forms are where the notebook
opens (JupyterLab leaves the view at the last cell it ran). The session form is the one
shown, except when the red-flag screen is due: then the screen comes first.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..journal import Journal
from .change import ChangeForm
from .checkin import CheckInForm
from .correct import CorrectionForm
from .flags import RedFlagBanner
from .guided import GuidedSession
from .medication import MedicationForm
from .screen import ScreenForm
from .session import SessionForm

__all__ = ["LoggingKit"]

HELP = """
<p><b>Log a session</b> you have just done: choose the routine (it fills in its points, real
or sham, and minutes; change any of them), press a button for your pain before and after
(0 no pain, 1–3 mild, 4–6 moderate, 7–9 severe, 10 worst imaginable) and save. Nothing is
chosen for you: <i>Save</i> says what is still missing. <i>When</i> is now, or
<i>earlier</i> for a session you did before.</p>
<p>With an experiment plan running, a tick box offers the plan's next session: tick it only
when this session <i>is</i> that one; unticked, the session is kept off the plan.</p>
<p><b>Guided</b> (a guided session): choose a routine and press <i>Start</i>; each point
is shown on a small body figure, with how to press it, a countdown and a short beep at
each change (untick <i>Sound</i> for silence).</p>
<p><b>Check-in</b>: how much it hurts now, and, two hours after a session, which session
it follows up: that is how long relief lasts. Once a week it also asks three questions
about the past week (PEG-3: pain, and how much it got in the way of enjoying life and of
your activity), saved with the check-in; <i>Not now</i> leaves them for another time.</p>
<p><b>Medicine</b>: what you took, how much, and whether regularly or as needed for pain:
relief soon after a painkiller is not the pressing's.</p>
<p><b>Change</b>: every four weeks, and when an experiment plan is done, one question:
how has your back pain changed since you started?</p>
<p><b>Red flags</b>: ten yes/no questions about rare signs that need a doctor, asked first
on your first visit and then every four weeks. A "yes" that needs a doctor today or at
once stays above the tabs until a later screen says otherwise.</p>
<p><b>Correct</b> (or delete) an entry: both add a row to the file; the earlier rows
stay.</p>
<p>The forms keep up with each other: a session saved in one is offered at once in the
others. Your journal is a folder of CSV files (<code>$ACUTRACK_HOME</code>, else
<code>~/acutrack</code>) that opens in any spreadsheet; nothing leaves this computer.
Stop if pain sharpens or spreads, and see a clinician for severe, rising or new pain.</p>
"""


class LoggingKit:
    """The logging forms in tabs, with a help tab, under a standing red-flag answer.

    Attributes
    ----------
    session, guided, check_in, medication, change, screen, correction : the forms
    banner : RedFlagBanner
        Above the tabs: the latest screen's "yes", if any, kept up to date.
    tabs : Tab
        Opens on the red-flag screen while it is due, else on the session form.
    widget : VBox
        The banner, the change question's reminder when it is due, and the tabs (CSS
        class ``acutrack-kit``).
    """

    def __init__(self, journal: Journal) -> None:
        with journal.snapshot():  # each file read once for the whole kit, not per form
            self.banner = RedFlagBanner(journal)
            self.session = SessionForm(journal)
            self.guided = GuidedSession(journal)
            self.check_in = CheckInForm(journal)
            self.medication = MedicationForm(journal)
            self.change = ChangeForm(journal)
            self.screen = ScreenForm(journal)
            self.correction = CorrectionForm(journal)
        forms = {
            "Log a session": self.session,
            "Guided": self.guided,
            "Check-in": self.check_in,
            "Medicine": self.medication,
            "Change": self.change,
            "Red flags": self.screen,
            "Correct": self.correction,
        }
        self.tabs = w.Tab(
            children=[*(form.widget for form in forms.values()), w.HTML(HELP)],
            titles=(*forms, "Help"),
        )
        if self.screen.due:
            self.tabs.selected_index = list(forms.values()).index(self.screen)
        self.widget = w.VBox([self.banner.widget, self.change.offer, self.tabs])
        self.widget.add_class("acutrack-kit")  # a handle for styling and tests

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
