"""The quick check-in: how much does it hurt now?"""

from __future__ import annotations

import ipywidgets as w

from ..answers import Peg
from ..journal import Journal
from ..outcomes import peg_due
from ..records import Rating
from ..timeline import latest_entries
from .base import (
    LABELS,
    WIDE,
    Form,
    PainPicker,
    WhenField,
    location_box,
    notes_box,
    pain_words,
    scale_caption,
    scale_words,
    stress_dropdown,
)

__all__ = ["CheckInForm", "PegQuestions"]

NO_SESSION = ("no session (a plain check-in)", None)


def interference_words(number: int) -> str:
    """How much pain interfered, 0–10, in words (for the PEG-3's last two questions)."""
    return scale_words(
        number, ("does not interfere", "completely interferes"), ("a little", "moderately", "a lot")
    )


# The questions' words by field (Krebs et al. 2009), and the words of their numbers.
PEG_ITEMS = {
    "pain": ("your pain on average", pain_words),
    "enjoyment": ("how pain has interfered with your enjoyment of life", interference_words),
    "activity": ("how pain has interfered with your general activity", interference_words),
}
PEG_LABELS = LABELS | {"pain": "Average pain"}


class PegQuestions:
    """The weekly PEG-3 questions, each 0–10 over the past week, none answered for you.

    Offered with a check-in while `acutrack.outcomes.peg_due`; *Not now* clears them and
    puts them off until the form is made again (the notebook is run again).

    Attributes
    ----------
    items : dict of str to PainPicker
        ``pain``, ``enjoyment`` and ``activity``.
    not_now : Button
    widget : VBox
        Hidden while not due or put off (CSS class ``acutrack-peg``).
    """

    def __init__(self) -> None:
        self.items = {
            field: PainPicker(PEG_LABELS[field], words) for field, (_, words) in PEG_ITEMS.items()
        }
        self.not_now = w.Button(description="Not now")
        self.not_now.on_click(lambda _button: self.put_off())
        self.later = False
        rows: list[w.Widget] = [
            w.HTML("<b>This week's three questions (PEG-3)</b>, saved with the check-in:")
        ]
        for field, (what, _) in PEG_ITEMS.items():
            question = f"Which number best describes {what} during the past week?"
            rows += [w.HTML(f"<small>{question}</small>"), self.items[field].widget]
        self.widget = w.VBox([*rows, self.not_now])
        self.widget.add_class("acutrack-peg")

    @property
    def shown(self) -> bool:
        """Whether the questions are on show (due, and not put off)."""
        return self.widget.layout.display != "none"

    def show(self, due: bool) -> None:
        """Show the questions while due, unless they were put off."""
        self.widget.layout.display = "" if due and not self.later else "none"

    def put_off(self) -> None:
        """*Not now*: clear and hide the questions; nothing of them is saved."""
        self.later = True
        self.reset()
        self.show(False)

    def answers(self) -> dict[str, int] | None:
        """The three answers by field, or None while they are not all shown and given."""
        given = {field: picker.value for field, picker in self.items.items()}
        return given if self.shown and None not in given.values() else None

    def missing(self) -> str | None:
        """What is still to answer once one of them is answered (none at all is a skip)."""
        pickers = self.items.values()
        if not self.shown or all(p.value is None for p in pickers):
            return None
        first = next((m for m in (p.missing() for p in pickers) if m), None)
        return first and f"{first[:-1]}, or press Not now."

    def reset(self) -> None:
        """No answer to any of the three."""
        for picker in self.items.values():
            picker.reset()


class CheckInForm(Form):
    """Record pain now (or at an earlier time), optionally as the follow-up of a session.

    Attributes
    ----------
    pain : PainPicker
        Pain now, unset until chosen.
    when : WhenField
        Now, or when the pain was felt.
    follow_up : Dropdown
        The latest sessions ("how is it two hours later?"), kept in step with the other
        forms on the journal; its first option, ``None``, makes a plain check-in (CSS
        class ``acutrack-follow-up``).
    stress, location, notes, save
        The other controls.
    last_saved : Rating or None
    """

    labels = LABELS | {"pain": "Pain now"}

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.pain = PainPicker(self.labels["pain"])
        self.when = WhenField(journal)
        self.stress = stress_dropdown()
        self.location = location_box()
        self.follow_up = w.Dropdown(
            options=[NO_SESSION],
            description=LABELS["session_id"],
            style=WIDE,
            layout=w.Layout(width="40em", max_width="100%"),
        )
        self.follow_up.add_class("acutrack-follow-up")
        self.notes = notes_box()
        self.peg = PegQuestions()
        self.save = w.Button(description="Save check-in", button_style="primary", icon="check")
        self.last_saved: Rating | None = None
        self.last_peg: Peg | None = None
        self.save.on_click(self._save_once_read)
        self.widget = w.VBox(
            [
                w.HTML("<h4>Quick check-in</h4>"),
                scale_caption(),
                self.pain.widget,
                self.when.widget,
                self.stress,
                self.location,
                self.follow_up,
                self.notes,
                self.peg.widget,
                w.HBox([self.save, self.feedback]),
                self.recent,
            ]
        )
        self.widget.add_class("acutrack-checkin-form")  # a handle for styling and tests
        self.reset()
        self.refresh()

    def reset(self) -> None:
        """Clear what was entered: no pain chosen, now, a plain check-in."""
        self.follow_up.value = None
        self.pain.reset()
        self.when.reset()
        self.stress.value = None
        self.location.value = "lower-back"
        self.notes.value = ""
        self.peg.reset()

    def refresh(self) -> None:
        """List the latest sessions to follow up again; the chosen one stays while listed.

        The weekly questions are shown while due.
        """
        self.peg.show(peg_due(self.journal))
        sessions = [e for e in latest_entries(self.journal, 30) if e.kind == "session"][-8:]
        chosen = self.follow_up.value
        options = [NO_SESSION] + [
            (f"{e.when:%a %d %b %H:%M} {e.what}, pain {e.pain}", e.id) for e in reversed(sessions)
        ]
        self.follow_up.options = options
        # Setting options resets the choice: put it back while the session is still listed.
        self.follow_up.value = chosen if chosen in [v for _, v in options] else None
        super().refresh()

    def _save(self, _button: object = None) -> None:
        if self._refuse_missing(self.pain, self.when, self.peg):
            return
        chosen = self.follow_up.value
        # Another kernel or the command line may have deleted that session meanwhile.
        ok, _ = self._attempt(self.refresh)
        if not ok:
            return
        if chosen is not None and self.follow_up.value is None:
            self.show_error(
                f"The session to follow up ({chosen}) is no longer among the latest sessions "
                "(was it deleted elsewhere?). Choose one in “Follow-up of”, or save without."
            )
            return
        answers, when = self.peg.answers(), self.when.value  # the PEG-3 goes with the check-in
        ok, rating = self._attempt(
            lambda: self.journal.log_rating(
                pain=self.pain.value,
                rated_at=when,
                location=self.location.value,
                session_id=self.follow_up.value,
                stress=self.stress.value,
                notes=self.notes.value,
            )
        )
        if not ok:
            return
        self.last_saved, self.last_peg = rating, None
        said = f"Saved {rating.describe()}"
        if answers:
            ok, self.last_peg = self._attempt(
                lambda: self.journal.log_peg(**answers, answered_at=when),
                f"{said}, but not the weekly questions: ",
            )
            said += f" and the weekly questions: {self.last_peg.describe()}" if ok else ""
        elif self.peg.shown:
            said += "; the weekly questions are left for later"
        if ok:
            self.show_ok(said)
        self.reset()
        self._saved()
