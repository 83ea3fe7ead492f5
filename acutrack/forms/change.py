"""The global impression of change (PGIC): how has your back pain changed since you started?"""

from __future__ import annotations

import html

import ipywidgets as w

from ..answers import PGIC_ANSWERS
from ..journal import Journal
from ..outcomes import pgic_due
from .base import Choice, Form, notes_box

__all__ = ["ChangeForm"]


class ChangeForm(Form):
    """One of the seven answers of the patient global impression of change, 1 to 7.

    The question names the day of the journal's first entry. It is due 4 weeks after the
    start, every 4 weeks after the last answer and when an experiment plan is done
    (`acutrack.outcomes.pgic_due`); it can be answered any time.

    Attributes
    ----------
    change : Choice
        The seven answers as radio buttons, none chosen; values 1 to 7.
    question : HTML
    offer : HTML
        Why it is due now, or empty: the logging kit shows it above its tabs.
    notes, save
    last_saved : Pgic or None
    """

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.question = w.HTML()
        self.change = Choice(
            [(text, number) for number, text in enumerate(PGIC_ANSWERS, start=1)],
            what="one of the seven answers",
            control=w.RadioButtons,
            layout=w.Layout(width="auto"),
        )
        self.change.buttons.add_class("acutrack-pgic")
        self.offer = w.HTML()
        self.notes = notes_box()
        self._lay_out(
            "Change since you started",
            "acutrack-change-form",
            "Save answer",
            self.question,
            self.change.widget,
            self.notes,
        )
        self.refresh()

    def refresh(self) -> None:
        """The day of the first entry in the question, and whether the answer is due."""
        first = self.journal.first_day()
        since = f"Since you started on {first:%d %B %Y}" if first else "Since you started"
        self.question.value = (
            f"<b>{since}, how would you describe the change in your back pain?</b>"
        )
        reason = pgic_due(self.journal, first=first)  # the journal read once, not twice
        self.offer.value = (
            f"<b>Due:</b> how your back pain has changed ({html.escape(reason)}): "
            "a single answer in the <i>Change</i> tab."
            if reason
            else ""
        )

    def _save(self, _button: object = None) -> None:
        if self._refuse_missing(self.change):
            return
        self._store(lambda: self.journal.log_pgic(self.change.value, notes=self.notes.value))

    def reset(self) -> None:
        """No answer chosen, no notes."""
        self.change.reset()
        self.notes.value = ""
