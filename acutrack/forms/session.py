"""The session form: log a treatment session in a few clicks."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..catalog import point_label
from ..journal import Journal
from ..plan import shown
from ..records import Session, Slot
from .base import (
    LABELS,
    WIDE,
    Form,
    PainPicker,
    WhenField,
    location_box,
    notes_box,
    scale_caption,
)
from .planned import PlannedSession

__all__ = ["SessionForm", "Suggestion"]

# The seam for an experiment plan: returns the next open slot, or None.
Suggestion = Callable[[], Slot | None]


class SessionForm(Form):
    """Log a session: routine, points, real or sham, minutes, pain before and after.

    Parameters
    ----------
    journal : Journal
        Where entries are written.
    suggest : callable, optional
        Returns the slot an experiment plan expects next (by default the journal's
        active plan's). The form offers it with a tick box, unticked: ticked, the session
        takes the slot's routine and condition and fills the slot; unticked, it is
        logged off the plan.
    quick : bool
        Show only the plan's tick box, the routine, pain before and after and Save (the
        app's quick log): the rest comes from the routine, the session is now.

    Attributes
    ----------
    planned : PlannedSession
        The tick box that says a session is the planned one.
    before, after : PainPicker
        Pain before and after, unset until chosen; Save says so while one is not.
    when : WhenField
        Now, or the date and time of a session done earlier.
    routine, points, condition, minutes, location, notes, save
        The other controls, for tests and for people who script their notebooks.
    last_saved : Session or None
        What the latest click on Save stored.
    """

    def __init__(
        self, journal: Journal, *, suggest: Suggestion | None = None, quick: bool = False
    ) -> None:
        super().__init__(journal)
        self.quick = quick
        self.planned = PlannedSession(
            journal,
            self._follow_plan,
            suggest,
            before=lambda: self.before.value,
            attempt=self._attempt,
        )
        catalog = journal.catalog
        self.routine = w.Dropdown(
            options=[(f"{r.title} [{r.key}]", r.key) for r in catalog.routines.values()],
            description=LABELS["routine"],
            style=WIDE,
            layout=w.Layout(width="32em"),
        )
        self.points = w.SelectMultiple(
            options=[(point_label(p.code, p.name), p.code) for p in catalog.points.values()],
            rows=6,
            description=LABELS["points"],
            style=WIDE,
        )
        self.condition = w.ToggleButtons(
            options=["real", "sham"], description=LABELS["condition"], style=WIDE
        )
        self.minutes = w.BoundedFloatText(
            value=5, min=0, max=600, step=0.5, description=LABELS["duration_min"], style=WIDE
        )
        self.before = PainPicker(LABELS["pain_before"])
        self.after = PainPicker(LABELS["pain_after"])
        self.when = WhenField(journal)
        self.location = location_box()
        self.notes = notes_box()
        self.save = w.Button(description="Save session", button_style="primary", icon="check")
        self.last_saved: Session | None = None

        self.routine.observe(self._fill_from_routine, names="value")
        self.save.on_click(self._save_once_read)
        self.widget = w.VBox(
            [
                w.HTML("<h4>Log a session</h4>"),
                scale_caption(),
                self.before.widget,  # first: a planned routine shows once it is rated
                self.planned.box,
                self.routine,
                self.points,
                self.condition,
                self.minutes,
                self.after.widget,
                self.planned.guess,
                self.when.widget,
                self.location,
                self.notes,
                w.HBox([self.save, self.feedback]),
                self.recent,
            ]
        )
        self.widget.add_class("acutrack-session-form")  # a handle for styling and tests
        if quick:
            for control in (self.points, self.condition, self.minutes, self.when.widget):
                control.layout.display = "none"
            for control in (self.location, self.notes, self.recent):
                control.layout.display = "none"
        self.reset()
        self.refresh_recent()  # the plan's slot was read as the tick box was made

    def _fill_from_routine(self, _change: object = None) -> None:
        routine = self.journal.catalog.routine(self.routine.value)
        self.points.value = routine.points
        self.minutes.value = routine.default_minutes or 5
        if routine.condition:
            self.condition.value = routine.condition
        self.condition.disabled = routine.condition is not None

    def _follow_plan(self) -> None:
        """Ticked: the planned slot's routine, condition and points; unticked: free again."""
        slot = self.planned.chosen
        self.routine.disabled = slot is not None
        blind = slot is not None and self.planned.blind
        for control in (self.condition, self.points):  # their codes would tell the set
            control.layout.display = "none" if blind or self.quick else ""
        if slot is None:
            self._fill_from_routine()
            return
        if blind:  # the routine both sets test; the tick box says what to press
            self._choose(shown(self.journal, slot)[0])
            return
        self._choose(slot.routine)
        self.condition.value = slot.condition
        self.condition.disabled = True
        self.points.value = slot.points_of(self.points.value)
        if slot.pain_before is not None:  # rated when it started, maybe elsewhere
            self.before.value = slot.pain_before

    def _choose(self, routine: str) -> None:
        if self.routine.value == routine:
            self._fill_from_routine()
        else:
            self.routine.value = routine  # fills points, minutes and condition

    def reset(self) -> None:
        """Back to the defaults for the next entry: no pain chosen, now, plan unticked
        (unless a planned session was started and waits to be saved)."""
        self.planned.untick()
        self.routine.disabled = False
        self._choose("back")
        for control in (self.before, self.after, self.when):
            control.reset()
        if self.planned.chosen is not None:
            self._follow_plan()
        self.location.value = "lower-back"
        self.notes.value = ""

    def refresh(self) -> None:
        """The plan's next slot and the latest entries, as the journal holds them now."""
        self.planned.refresh()
        super().refresh()

    def _save(self, _button: object = None) -> None:
        if self._refuse_missing(self.before, self.after, self.when):
            return
        moved = self.planned.still_next()
        if moved:
            self.show_error(moved)
            return
        fields = dict(
            pain_before=self.before.value,
            pain_after=self.after.value,
            routine=self.routine.value,
            condition=self.condition.value,
            points=None if self.planned.blind and self.planned.chosen else list(self.points.value),
            duration_min=self.minutes.value,
            location=self.location.value,
            started_at=self.when.value,
            notes=self.notes.value,
        )
        fields.update(self.planned.fields())  # a blind plan's: its set left to the plan
        session = self._log_session(**fields)
        if session is None:
            return
        self.reset()
        self._saved()
