"""Pieces shared by the forms: pain sliders labelled in words, feedback, recent entries."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..errors import AcutrackError
from ..journal import Journal
from ..plan import next_slot
from ..records import Session, Slot
from ..timeline import latest_entries

__all__ = ["Form", "PainSlider", "PlannedSession", "pain_words"]

LOCATIONS = ("lower-back", "upper-back", "neck", "buttock-leg")
WIDE = {"description_width": "9em"}


def pain_words(pain: int) -> str:
    """The Numeric Rating Scale in words."""
    if pain == 0:
        return "no pain"
    if pain == 10:
        return "worst imaginable"
    return ("mild", "moderate", "severe")[(pain - 1) // 3]


class PainSlider:
    """A 0–10 slider with the value's meaning in words beside it."""

    def __init__(self, description: str, value: int = 5) -> None:
        self.default = value
        self.slider = w.IntSlider(
            value=value, min=0, max=10, description=description, style=WIDE, continuous_update=True
        )
        self.words = w.HTML()
        self.slider.observe(self._show_words, names="value")
        self._show_words()
        self.widget = w.HBox([self.slider, self.words])

    def _show_words(self, _change: object = None) -> None:
        self.words.value = f"<i>{pain_words(self.slider.value)}</i>"

    @property
    def value(self) -> int:
        return self.slider.value

    @value.setter
    def value(self, pain: int) -> None:
        self.slider.value = pain

    def reset(self) -> None:
        self.slider.value = self.default


def location_box(value: str = "lower-back") -> w.Combobox:
    """Where it hurts: the usual places, or any words."""
    return w.Combobox(
        value=value,
        options=LOCATIONS,
        description="Where it hurts",
        style=WIDE,
        ensure_option=False,
    )


def notes_box() -> w.Textarea:
    return w.Textarea(
        value="", description="Notes", placeholder="anything worth remembering", style=WIDE
    )


def stress_dropdown() -> w.Dropdown:
    """Stress 0–10, or "not recorded" (the article names stress as a cause of back pain)."""
    return w.Dropdown(
        options=[("not recorded", None), *[(str(i), i) for i in range(11)]],
        description="Stress 0–10",
        style=WIDE,
    )


def scale_caption() -> w.HTML:
    return w.HTML(
        "<small>Pain: 0 no pain · 1–3 mild · 4–6 moderate · 7–9 severe · "
        "10 worst imaginable</small>"
    )


class Form:
    """A plain class that owns its widgets and shows itself through ``widget``.

    Subclasses build ``self.widget``; `_attempt` runs a journal call and shows its outcome
    in ``self.feedback``: the library's message in red when it refuses, nothing written.
    """

    widget: w.Widget

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.feedback = w.HTML()
        self.recent = w.HTML()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _attempt(self, action: Callable[[], Any]) -> tuple[bool, Any]:
        """Run ``action``: ``(True, result)``, or show the error and return ``(False, None)``."""
        try:
            return True, action()
        except (AcutrackError, OSError) as err:
            self.show_error(str(err))
            return False, None

    def _log_session(self, **fields: Any) -> Session | None:
        """Log a session (into its plan slot when ``slot`` is given) and confirm it."""
        ok, session = self._attempt(lambda: self.journal.log_session(**fields))
        if not ok:
            return None
        self.last_saved = session
        done = f", the planned session {session.slot}" if session.slot else ""
        self.show_ok(f"Saved {session.describe()}{done}")
        return session

    def show_error(self, message: str) -> None:
        self.feedback.value = (
            f'<span class="acutrack-error" style="color:#b00020">⚠ {html.escape(message)}</span>'
        )

    def show_ok(self, message: str) -> None:
        self.feedback.value = (
            f'<span class="acutrack-ok" style="color:#1b5e20">✓ {html.escape(message)}</span>'
        )

    def refresh_recent(self, count: int = 5) -> None:
        """Show the latest sessions and check-ins under the form."""
        try:
            entries = latest_entries(self.journal, count)
        except (AcutrackError, OSError) as err:  # the form still works; say why the list is not
            self.recent.value = f"<i>Cannot list the latest entries: {html.escape(str(err))}</i>"
            return
        lines = [html.escape(f"{e.label()} ({e.id})") for e in reversed(entries)]
        self.recent.value = (
            "<b>Recent entries</b><br>" + "<br>".join(lines) if lines else "<i>No entries yet.</i>"
        )


class PlannedSession:
    """A tick box: "this session is the plan's next one", shown while a plan has one open.

    Ticking it is how a person says which slot a session fills; unticked, a session is
    logged off the plan, whatever its routine. ``source`` gives the next open slot
    (default: the journal's active plan) and ``on_change`` is called when it is ticked or
    unticked.
    """

    def __init__(
        self,
        journal: Journal,
        on_change: Callable[[], None],
        source: Callable[[], Slot | None] | None = None,
    ) -> None:
        self.source = source or (lambda: next_slot(journal))
        self.slot: Slot | None = None
        self.box = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"))
        self.box.observe(lambda _change: on_change(), names="value")
        self.refresh()

    def refresh(self) -> None:
        """Read the next open slot again, unticked."""
        self.slot = self.source()
        self.box.value = False
        if self.slot is not None:
            self.box.description = (
                f"This is the planned session: {self.slot.describe()}, due {self.slot.due:%a %d %b}"
            )
        self.box.layout.display = "" if self.slot is not None else "none"

    @property
    def chosen(self) -> Slot | None:
        """The slot, when the box is ticked."""
        return self.slot if self.box.value else None
