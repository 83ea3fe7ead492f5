"""Pieces shared by the forms: the pain picker, the "when" field, feedback, recent entries.

Every form on one journal folder is kept in step: a save in one refreshes the others in
the same kernel at once (`Form._saved`); forms in another kernel read the journal again
before they save.
"""

from __future__ import annotations

import html
import weakref
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..errors import AcutrackError, InvalidValue, shown
from ..journal import Journal
from ..localtime import local_readings
from ..plan import (
    log_planned,
    planned_words,
)
from ..records import Session
from ..timeline import latest_entries

__all__ = ["Choice", "Form", "PainPicker", "WhenField", "pain_words"]

LOCATIONS = ("lower-back", "upper-back", "neck", "buttock-leg")
WIDE = {"description_width": "9em"}

#: The words the forms show for each journal field, so that a refusal from the journal
#: reads in the form's words ("Minutes: 0.0 is not allowed; …"), not in the file's.
LABELS = {
    "pain_before": "Pain before",
    "pain_after": "Pain after",
    "pain": "Pain",
    "duration_min": "Minutes",
    "points": "Points",
    "routine": "Routine",
    "condition": "Real or sham",
    "location": "Where it hurts",
    "notes": "Notes",
    "stress": "Stress 0–10",
    "session_id": "Follow-up of",
    "started_at": "When",
    "rated_at": "When",
    "slot": "Planned session",
    "id": "Entry",
    "enjoyment": "Enjoyment of life",
    "activity": "General activity",
    "change": "Change",
    "since": "Since",
    "name": "Medicine",
    "dose": "Dose",
    "unit": "Unit",
    "use": "Regular or as needed",
    "taken_at": "When",
    "answered_at": "When",
}

#: What to do instead, for fields the forms offer as a choice: the journal's "expected
#: codes separated by ';'" means nothing to someone who picks points from a list.
CHOOSE = {"points": "choose at least one point"}

# Every open form, by journal folder; weak, so that a closed or forgotten form drops out.
_OPEN: dict[Path, weakref.WeakSet[Form]] = {}


def scale_words(number: int, ends: tuple[str, str], thirds: tuple[str, str, str]) -> str:
    """A number of a 0–10 scale in words: the words of its ends, or of its third of 1–9."""
    if number in (0, 10):
        return ends[number // 10]
    return thirds[(number - 1) // 3]


def pain_words(pain: int) -> str:
    """The Numeric Rating Scale in words."""
    return scale_words(pain, ("no pain", "worst imaginable"), ("mild", "moderate", "severe"))


class Choice:
    """Buttons of which none is chosen until the person chooses one.

    There is deliberately no starting value: a form cannot save an answer nobody gave.

    Parameters
    ----------
    options : list of (label, value)
    description : str
        The label before the buttons (``""`` for none).
    what : str, optional
        What to choose, for `missing` ("Choose *what* first."); by default the
        description in lower case.
    control : type
        ``ToggleButtons`` (the default) or ``RadioButtons``.
    **kwargs
        Passed to the control (``tooltips``, ``style``, ``layout``).

    Attributes
    ----------
    buttons : ToggleButtons or RadioButtons
    widget : Widget
        What a form shows (the buttons; subclasses may add to it).
    """

    def __init__(
        self,
        options: list[tuple[str, Any]],
        description: str = "",
        *,
        what: str | None = None,
        control: type[w.ToggleButtons | w.RadioButtons] = w.ToggleButtons,
        **kwargs: Any,
    ) -> None:
        self.description = description
        self.what = what or description.lower()
        self.buttons = control(options=options, value=None, description=description, **kwargs)
        self.widget: w.Widget = self.buttons

    @property
    def value(self) -> Any:
        return self.buttons.value

    @value.setter
    def value(self, chosen: Any) -> None:
        self.buttons.value = chosen

    def missing(self) -> str | None:
        """What to do before saving, while nothing is chosen."""
        return f"Choose {self.what} first." if self.value is None else None

    def reset(self) -> None:
        self.buttons.value = None


class PainPicker(Choice):
    """A 0–10 scale as eleven large buttons, none chosen until the person chooses one.

    Parameters
    ----------
    description : str
        The label, e.g. ``"Pain before"``; `missing` words its message from it.
    words : callable
        A number's meaning in words (default `pain_words`), shown beside the buttons and
        as each button's tooltip.

    Attributes
    ----------
    buttons : ToggleButtons
        The control (CSS class ``acutrack-pain``), at least 300 px wide; each button is
        labelled with its number and has the number's meaning as its tooltip.
    widget : HBox
        The buttons with the chosen value's meaning in words beside them.
    """

    def __init__(self, description: str, words: Callable[[int], str] = pain_words) -> None:
        super().__init__(
            [(str(i), i) for i in range(11)],
            description,
            what=f"{description.lower()} (0–10)",
            tooltips=[f"{i}: {words(i)}" for i in range(11)],
            style={**WIDE, "button_width": "3.3em"},
            layout=w.Layout(width="40em", max_width="100%"),
        )
        self.buttons.add_class("acutrack-pain")
        self._words_of = words
        self.words = w.HTML()
        self.buttons.observe(self._show_words, names="value")
        self._show_words()
        self.widget = w.HBox([self.buttons, self.words])

    def _show_words(self, _change: object = None) -> None:
        chosen = self.buttons.value
        self.words.value = (
            f"<i>{'not chosen yet' if chosen is None else self._words_of(chosen)}</i>"
        )

    @property
    def value(self) -> int | None:
        return self.buttons.value

    @value.setter
    def value(self, pain: int | None) -> None:
        self.buttons.value = None if pain is None else int(pain)


class WhenField:
    """When it happened: now (the default), or an earlier date and time.

    A date and time that the clocks showed twice (when they went back) or skipped (when
    they went forward) names no single moment: `missing` refuses it, as the command line
    does, and offers its two readings in ``reading`` to choose from (the journal's API
    would take the first, or the time moved forward).

    Parameters
    ----------
    journal : Journal
        Its clock fills in the date and time offered when "earlier" is chosen.
    now_label : str
        What the default means, e.g. ``"now"`` or ``"when Start was pressed"``.

    Attributes
    ----------
    choice : Dropdown
        ``"now"`` or ``"earlier"`` (CSS class ``acutrack-when``).
    at : NaiveDatetimePicker
        The date and time (local), shown only for "earlier".
    reading : RadioButtons
        The two moments ``at`` may mean where the clocks changed (CSS class
        ``acutrack-reading``), shown only once a save was refused for it.
    """

    def __init__(self, journal: Journal, now_label: str = "now") -> None:
        self.journal = journal
        self.choice = w.Dropdown(
            options=[(now_label, "now"), ("earlier: choose date and time", "earlier")],
            value="now",
            description=LABELS["started_at"],
            style=WIDE,
        )
        self.choice.add_class("acutrack-when")
        self.at = w.NaiveDatetimePicker(description="Date and time", style=WIDE)
        self.reading = w.RadioButtons(options=[], description="Which one", style=WIDE)
        self.reading.add_class("acutrack-reading")
        self.choice.observe(self._show, names="value")
        self.at.observe(self._forget_readings, names="value")
        self.widget = w.VBox([self.choice, self.at, self.reading])
        self._forget_readings()
        self._show()

    def _forget_readings(self, _change: object = None) -> None:
        """Another date and time: the readings offered for the one before no longer apply."""
        self.reading.options = []
        self.reading.layout.display = "none"

    def _show(self, _change: object = None) -> None:
        earlier = self.choice.value == "earlier"
        if earlier and self.at.value is None:
            # A start close to what people mean ("an hour ago" is one change away), on this
            # computer's clock, as the journal reads a time without an offset.
            now = self.journal.now().astimezone().replace(tzinfo=None)
            self.at.value = now.replace(second=0, microsecond=0)
        self.at.layout.display = "" if earlier else "none"

    @property
    def value(self) -> datetime | None:
        """The chosen local time (with its UTC offset when a reading was chosen), or None
        for now (the journal then uses its clock)."""
        if self.choice.value != "earlier":
            return None
        return self.reading.value or self.at.value

    def missing(self) -> str | None:
        """What is still to be chosen: the date and time, or which moment it means where
        the clocks changed (then both are offered in ``reading``); None when nothing is."""
        if self.choice.value != "earlier":
            return None
        if self.at.value is None:
            return "Choose the date and time (When) first."
        if self.reading.value is not None:
            return None
        try:
            readings = local_readings(self.at.value)
        except (OverflowError, OSError, ValueError):  # the journal says which dates it takes
            return None
        if not readings.change:
            return None
        self.reading.options = [
            (f"{moment.isoformat(' ', 'minutes')} ({words})", moment)
            for moment, words in zip((readings.rule, readings.other), readings.words(), strict=True)
        ]
        self.reading.value = None
        self.reading.layout.display = ""
        return f"{LABELS['started_at']}: {readings.refusal('Choose it below, then save again.')}"

    def reset(self) -> None:
        self.choice.value = "now"
        self.at.value = None


def location_box(value: str = "lower-back") -> w.Combobox:
    """Where it hurts: the usual places, or any words."""
    return w.Combobox(
        value=value,
        options=LOCATIONS,
        description=LABELS["location"],
        style=WIDE,
        ensure_option=False,
    )


def notes_box() -> w.Textarea:
    return w.Textarea(
        value="", description=LABELS["notes"], placeholder="anything worth remembering", style=WIDE
    )


def stress_dropdown() -> w.Dropdown:
    """Stress 0–10, or "not recorded" (the article names stress as a cause of back pain)."""
    return w.Dropdown(
        options=[("not recorded", None), *[(str(i), i) for i in range(11)]],
        description=LABELS["stress"],
        style=WIDE,
    )


def scale_caption() -> w.HTML:
    return w.HTML(
        "<small>Pain: 0 no pain · 1–3 mild · 4–6 moderate · 7–9 severe · "
        "10 worst imaginable</small>"
    )


def _close_all(widget: w.Widget) -> None:
    for child in getattr(widget, "children", ()):
        _close_all(child)
    widget.close()


def refresh_forms(journal: Journal) -> None:
    """Bring every open form on ``journal``'s folder up to date (after a save, or when the
    day turns under an open page)."""
    with journal.snapshot():  # one reading of each file for them all
        for form in list(_OPEN.get(journal.path, ())):
            form._attempt(form.refresh)


class Form:
    """A plain class that owns its widgets and shows itself through ``widget``.

    Subclasses build ``self.widget``; `_attempt` runs a journal call and shows its outcome
    in ``self.feedback``: the library's message in red, in the form's words (`LABELS`),
    when it refuses, nothing written. After a save, `_saved` refreshes every open form on
    the same journal folder; subclasses say in `refresh` what they read from the journal.

    Attributes
    ----------
    labels : dict
        Field name → the words this form shows for it.
    last_saved : record or None
        What the latest click on Save stored.
    """

    widget: w.Widget
    labels: dict[str, str] = LABELS
    last_saved: Any = None

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.feedback = w.HTML()
        self.recent = w.HTML()
        _OPEN.setdefault(journal.path, weakref.WeakSet()).add(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close the form's widgets; it no longer follows the journal."""
        _OPEN.get(self.journal.path, weakref.WeakSet()).discard(self)
        _close_all(self.widget)

    def refresh(self) -> None:
        """Show what the journal holds now; what the person has entered stays."""
        self.refresh_recent()

    def _saved(self) -> None:
        """After a write: bring this form and every other open one on the journal up to date."""
        refresh_forms(self.journal)

    def _attempt(self, action: Callable[[], Any], done: str = "") -> tuple[bool, Any]:
        """Run ``action``: ``(True, result)``, or show the error and return ``(False, None)``.

        ``done`` goes before the error: what was stored before ``action`` failed.
        """
        try:
            return True, action()
        except InvalidValue as err:
            self.show_error(done + self._in_words(err))
        except (AcutrackError, OSError) as err:
            self.show_error(done + str(err))
        return False, None

    def _in_words(self, err: InvalidValue) -> str:
        """The journal's refusal with the form's label for the field."""
        label = self.labels.get(err.field, err.field)
        if err.field in CHOOSE:
            return f"{label}: {CHOOSE[err.field]}."
        return f"{label}: {shown(err.value)} is not allowed; {err.allowed}"

    def reset(self) -> None:
        """Clear what was entered, ready for the next entry."""

    def _lay_out(self, title: str, css: str, save: str, *parts: w.Widget) -> None:
        """Build ``widget``: the title, ``parts``, then a *save* button with the feedback.

        The button (``self.save``) calls the subclass's ``_save``; ``css`` is the class
        that styling and tests find the form by.
        """
        self.save = w.Button(description=save, button_style="primary", icon="check")
        self.save.on_click(self._save_once_read)
        self.widget = w.VBox(
            [w.HTML(f"<h4>{html.escape(title)}</h4>"), *parts, w.HBox([self.save, self.feedback])]
        )
        self.widget.add_class(css)

    def _save_once_read(self, *button: object) -> None:
        """Save, reading each journal file once for the checks, the write and every form's
        refresh after it (a file written is read again, once)."""
        with self.journal.snapshot():
            self._save(*button)

    def _store(self, action: Callable[[], Any]) -> Any:
        """Write with ``action`` and say what was stored; then clear this form and bring
        every open form up to date. Returns the record, or None when it was refused."""
        ok, record = self._attempt(action)
        if ok:
            self.last_saved = record
            self.show_ok(f"Saved {record.describe()}")
            self.reset()
            self._saved()
        return record

    def _refuse_missing(self, *controls: Choice | WhenField) -> bool:
        """Say what is still to be chosen, if anything (then nothing is saved)."""
        missing = next((m for m in (c.missing() for c in controls) if m), None)
        if missing:
            self.show_error(missing)
        return missing is not None

    def _log_session(self, **fields: Any) -> Session | None:
        """Log a session (into its plan slot when ``slot`` is given) and confirm it."""
        slot = fields.pop("slot", None)
        guess = fields.pop("guess", None)
        ok, session = self._attempt(
            lambda: (
                log_planned(self.journal, **fields, slot=slot, guess=guess)
                if slot
                else self.journal.log_session(**fields)
            )
        )
        if not ok:
            return None
        self.last_saved = session
        done = planned_words(self.journal, session)
        said = self.journal.as_shown(session).describe()
        self.show_ok(f"Saved {said}{f', {done}' if done else ''}")
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
