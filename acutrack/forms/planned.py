"""The plan's tick box in the session forms: start the planned session (pain before first),
then show what to press, and in a blind plan ask which set seems real."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..errors import InvalidValue
from ..journal import Journal
from ..plan import Due, next_slot, press_words, progress, start_planned
from ..records import Slot, still_blind

__all__ = ["PlannedSession"]


def _rate_first() -> None:
    raise InvalidValue(
        "pain_before",
        None,
        "your pain before, rated first: the planned routine (real or sham) is shown once "
        "the session starts",
    )


class PlannedSession:
    """A tick box: "this session is the plan's next one", shown while a plan has one open.

    Ticking it starts the planned session: the pain before must be rated first, then the
    slot is recorded as started (`plan.start_planned`) and only then are its routine and
    real or sham shown (``on_change`` fills them in). Starting commits: a started slot
    stays ticked until its session is saved. Unticked, a session is logged off the plan,
    whatever its routine. ``source`` gives the next open slot (default: the journal's
    active plan), ``before`` the pain before as rated so far, and ``attempt`` runs an
    action and shows its error (the form's `Form._attempt`).
    """

    def __init__(
        self,
        journal: Journal,
        on_change: Callable[[], None],
        source: Callable[[], Slot | None] | None = None,
        *,
        before: Callable[[], int | None] = lambda: None,
        attempt: Callable[[Callable[[], Any]], tuple[bool, Any]] | None = None,
    ) -> None:
        self.journal = journal
        self.source = source or (lambda: next_slot(journal))
        self.before = before
        self.attempt = attempt or (lambda action: (True, action()))
        self.on_change = on_change
        self.slot: Slot | None = None
        self.blind = False
        self.box = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"))
        self.box.add_class("acutrack-planned")
        # Asked of a blind plan's session once it started; never required.
        self.guess = w.ToggleButtons(
            options=[("Set A", "a"), ("Set B", "b"), ("Can't tell", "unsure")],
            value=None,
            description="Which set do you think is the real one? (optional)",
            style={"description_width": "initial"},
        )
        self.guess.add_class("acutrack-guess")
        self.refresh()  # before observing: the form follows a started slot once it is built
        self.box.observe(self._ticked, names="value")

    def _ticked(self, change: dict[str, Any]) -> None:
        slot = self.slot
        if change["new"] and slot is not None and not slot.started:
            pain = self.before()
            if pain is None:
                self.attempt(_rate_first)
                self.box.value = False
                return
            ok, started = self.attempt(lambda: start_planned(self.journal, pain, slot=slot.slot))
            if not ok:
                self.box.value = False
                return
            self.slot = started
            self._describe()
        self.on_change()

    def refresh(self) -> None:
        """Read the next open slot again; the tick stays only while it is the same slot."""
        slot = self.source()
        same = slot is not None and self.slot is not None and slot.slot == self.slot.slot
        self.slot = slot
        if not same and not (slot is not None and slot.started):
            self.box.value = False
        if slot is not None and slot.started and not self.box.value:
            self.box.value = True  # started elsewhere: its routine is shown here too
        self._describe()
        self.box.layout.display = "" if slot is not None else "none"

    def untick(self) -> None:
        """Untick, unless the slot was started: starting commits."""
        if not (self.slot is not None and self.slot.started):
            self.box.value = False

    def _describe(self) -> None:
        slot = self.slot
        self.box.disabled = slot is not None and slot.started  # starting commits
        self.blind = bool(
            slot is not None and slot.blind_set and still_blind(self.journal.plan_slots(slot.plan))
        )
        started_blind = self.blind and slot.started
        self.guess.layout.display = "" if started_blind else "none"
        if not started_blind:
            self.guess.value = None
        if slot is None:
            return
        day = self.journal.now().date()
        done = progress(self.journal.plan_slots(slot.plan), day)
        if slot.started:
            self.box.description = (
                f"The planned session, started {slot.started_at:%a %d %b %H:%M}: "
                f"{press_words(self.journal, slot)}. Save it when done"
            )
        else:  # its routine, real or sham, shows once it starts
            self.box.description = (
                f"This is the planned session ({Due(slot, day).words()}; "
                f"{done.done} of {done.total} done): rate your pain before, then tick"
            )

    def still_next(self) -> str | None:
        """Before a save: None while the ticked slot is still the next, else why not.

        Another program (another kernel, the command line) may have filled it meanwhile;
        then the box shows the new next slot, unticked.
        """
        ticked = self.chosen
        self.refresh()
        if ticked is None or self.chosen is not None:
            return None
        left = f"the next one is due {self.slot.due:%a %d %b}" if self.slot else "none is left"
        return (
            f"The planned session due {ticked.due:%a %d %b} was saved elsewhere meanwhile; "
            f"{left}. Tick the box again if this session is that one."
        )

    @property
    def chosen(self) -> Slot | None:
        """The slot, when the box is ticked."""
        return self.slot if self.box.value else None

    def fields(self) -> dict[str, Any]:
        """What a form passes to log the ticked slot: its id, and in a blind plan the
        guess, with the routine and condition left to the plan (which were given would
        tell the set)."""
        slot = self.chosen
        if slot is None:
            return {"slot": None}
        if not self.blind:
            return {"slot": slot.slot}
        return {"slot": slot.slot, "guess": self.guess.value, "routine": None, "condition": None}
