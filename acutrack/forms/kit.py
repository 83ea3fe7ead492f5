"""The logging notebook's forms together: one tab each, the session form first.

Kept in one notebook cell so that, after *Run All*, the session form is where the
notebook opens (JupyterLab leaves the view at the last cell it ran).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..journal import Journal
from .checkin import CheckInForm
from .correct import CorrectionForm
from .guided import GuidedSession
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
<p><b>Guided session</b>: choose a routine and press <i>Start</i>; each point is shown on a
small body figure, with how to press it, a countdown and a short beep at each change
(untick <i>Sound</i> for silence).</p>
<p><b>Check-in</b>: how much it hurts now, and, two hours after a session, which session
it follows up: that is how long relief lasts.</p>
<p><b>Correct or delete</b>: both add a row to the file; the earlier rows stay.</p>
<p>The forms keep up with each other: a session saved in one is offered at once in the
others. Your journal is a folder of CSV files (<code>$ACUTRACK_HOME</code>, else
<code>~/acutrack</code>) that opens in any spreadsheet; nothing leaves this computer.
Stop if pain sharpens or spreads, and see a clinician for severe, rising or new pain.</p>
"""


class LoggingKit:
    """The four logging forms in tabs, with a help tab.

    Attributes
    ----------
    session, guided, check_in, correction : the forms
    widget : Tab
    """

    def __init__(self, journal: Journal) -> None:
        self.session = SessionForm(journal)
        self.guided = GuidedSession(journal)
        self.check_in = CheckInForm(journal)
        self.correction = CorrectionForm(journal)
        forms = (self.session, self.guided, self.check_in, self.correction)
        self.widget = w.Tab(
            children=[*(form.widget for form in forms), w.HTML(HELP)],
            titles=("Log a session", "Guided session", "Check-in", "Correct or delete", "Help"),
        )
        self.widget.add_class("acutrack-kit")  # a handle for styling and tests

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
