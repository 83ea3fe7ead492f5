"""The quick check-in: how much does it hurt now?"""

from __future__ import annotations

import ipywidgets as w

from ..journal import Journal
from ..records import Rating
from ..timeline import latest_entries
from .base import WIDE, Form, PainSlider, location_box, notes_box, scale_caption, stress_dropdown

__all__ = ["CheckInForm"]


class CheckInForm(Form):
    """Record pain now, optionally as the follow-up of a recent session.

    Attributes
    ----------
    pain, stress, location, follow_up, notes, save
        The controls. ``follow_up`` lists the latest sessions ("how is it two hours
        later?"); its first option, ``None``, makes a plain check-in.
    last_saved : Rating or None
    """

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.pain = PainSlider("Pain now")
        self.stress = stress_dropdown()
        self.location = location_box()
        self.follow_up = w.Dropdown(description="Follow-up of", style=WIDE)
        self.notes = notes_box()
        self.save = w.Button(description="Save check-in", button_style="primary", icon="check")
        self.last_saved: Rating | None = None
        self.save.on_click(self._save)
        self.widget = w.VBox(
            [
                w.HTML("<h4>Quick check-in</h4>"),
                scale_caption(),
                self.pain.widget,
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

    def reset(self) -> None:
        """Clear the form and list the latest sessions to follow up."""
        sessions = [e for e in latest_entries(self.journal, 30) if e.kind == "session"][-8:]
        self.follow_up.options = [("no session (a plain check-in)", None)] + [
            (f"{e.when:%a %d %b %H:%M} {e.what}, pain {e.pain}", e.id) for e in reversed(sessions)
        ]
        self.follow_up.value = None
        self.pain.reset()
        self.stress.value = None
        self.location.value = "lower-back"
        self.notes.value = ""
        self.refresh_recent()

    def _save(self, _button: object = None) -> None:
        ok, rating = self._attempt(
            lambda: self.journal.log_rating(
                pain=self.pain.value,
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
