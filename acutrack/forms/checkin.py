"""The quick check-in: how much does it hurt now?"""

from __future__ import annotations

import ipywidgets as w

from ..journal import Journal
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
    scale_caption,
    stress_dropdown,
)

__all__ = ["CheckInForm"]

NO_SESSION = ("no session (a plain check-in)", None)


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
        self.save = w.Button(description="Save check-in", button_style="primary", icon="check")
        self.last_saved: Rating | None = None
        self.save.on_click(self._save)
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

    def refresh(self) -> None:
        """List the latest sessions to follow up again; the chosen one stays while listed."""
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
        if self._refuse_missing(self.pain, self.when):
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
        ok, rating = self._attempt(
            lambda: self.journal.log_rating(
                pain=self.pain.value,
                rated_at=self.when.value,
                location=self.location.value,
                session_id=self.follow_up.value,
                stress=self.stress.value,
                notes=self.notes.value,
            )
        )
        if not ok:
            return
        self.last_saved = rating
        self.show_ok(f"Saved {rating.describe()}")
        self.reset()
        self._saved()
