"""Correcting or deleting a recent entry (both append to the journal; nothing is erased)."""

from __future__ import annotations

import dataclasses
import html
from datetime import datetime

import ipywidgets as w

from ..journal import Journal
from ..screening import QUESTIONS
from ..timeline import every_entry
from .base import LABELS, WIDE, Form, PainPicker, location_box, notes_box, stress_dropdown

__all__ = ["CorrectionForm"]


class CorrectionForm(Form):
    """Pick a recent entry, change its fields and save a correction, or delete it.

    Attributes
    ----------
    entry : RadioButtons
        The latest entries of every kind, newest first, kept in step with the other
        forms on the journal; "no entries yet" (value None) on an empty journal.
    pain_before, pain_after, minutes, condition : controls for a session
    pain, stress : controls for a check-in
    location : control for both
    notes : control for every kind
    other : HTML
        What a PEG or PGIC answer, a medicine or a screen holds, in a line.
    values : dict of str to Text
        Its fields (not its time or note), by name, each in a text box as the journal
        writes it; the journal checks what is typed, as for ``acutrack correct --set``.
    save, confirm_delete, delete : the actions; delete needs ``confirm_delete`` ticked.
    """

    labels = LABELS | {q.name: q.text for q in QUESTIONS}

    def __init__(self, journal: Journal, *, count: int = 15) -> None:
        super().__init__(journal)
        self.count = count
        # A list, not a menu: an entry's words wrap on a phone, where a menu cuts them.
        self.entry = w.RadioButtons(
            description=LABELS["id"], style=WIDE, layout=w.Layout(width="40em", max_width="100%")
        )
        self.entry.add_class("acutrack-entry")
        self.pain_before = PainPicker(LABELS["pain_before"])
        self.pain_after = PainPicker(LABELS["pain_after"])
        self.minutes = w.BoundedFloatText(
            min=0, max=600, step=0.5, description=LABELS["duration_min"], style=WIDE
        )
        self.condition = w.ToggleButtons(
            options=["real", "sham"], description=LABELS["condition"], style=WIDE
        )
        self.pain = PainPicker(LABELS["pain"])
        self.stress = stress_dropdown()
        self.location = location_box()
        self.notes = notes_box()
        self.save = w.Button(description="Save correction", button_style="primary", icon="pencil")
        self.confirm_delete = w.Checkbox(description="Yes, delete this entry", indent=False)
        self.delete = w.Button(description="Delete", button_style="danger", icon="trash")
        self.session_box = w.VBox(
            [self.pain_before.widget, self.pain_after.widget, self.minutes, self.condition]
        )
        self.rating_box = w.VBox([self.pain.widget, self.stress])
        self.other = w.HTML()
        self.values: dict[str, w.Text] = {}
        self.values_box = w.VBox()
        self.entry.observe(self._load, names="value")
        self.save.on_click(lambda _: self._save_once_read())
        self.delete.on_click(lambda _: self._delete())
        self.widget = w.VBox(
            [
                w.HTML("<h4>Correct or delete an entry</h4>"),
                self.entry,
                self.session_box,
                self.rating_box,
                self.other,
                self.values_box,
                self.location,
                self.notes,
                w.HBox([self.save, self.confirm_delete, self.delete]),
                self.feedback,
            ]
        )
        self.widget.add_class("acutrack-correction-form")  # a handle for styling and tests
        self._kind: str | None = None  # "sessions", "ratings" or "other" of the entry shown
        self._loaded: dict | None = None  # its values as the form showed them
        self._blind = False  # whether it is a session of a blind plan still running
        self._relisting = False
        self.reload()

    def reload(self, keep: str | None = None) -> None:
        """List the latest entries again and show ``keep`` if still listed, else the newest."""
        entries = list(reversed(every_entry(self.journal, self.count)))
        ids = [e.id for e in entries]
        self._list([(e.label(), e.id) for e in entries], keep if keep in ids else None)
        self._load()

    def refresh(self) -> None:
        """List the latest entries again; the entry being edited stays, with its edits."""
        chosen = self.entry.value
        entries = every_entry(self.journal, self.count)
        if chosen in [e.id for e in entries]:
            self._list([(e.label(), e.id) for e in reversed(entries)], chosen)
        else:
            self.reload()

    def _list(self, options: list[tuple[str, str]], chosen: str | None) -> None:
        """Set the entry list and choice without loading values (the caller decides)."""
        self.entry.unobserve(self._load, names="value")
        try:
            self.entry.options = options or [("no entries yet", None)]
            self.entry.value = chosen or self.entry.options[0][1]
        finally:
            self.entry.observe(self._load, names="value")

    def _current(self) -> tuple[str, dict] | None:
        """``("sessions" | "ratings" | "other", row)`` of the chosen entry, missing values
        as None; for another kind, its note and its description (``what``).

        None when the entry is no longer in the journal (deleted elsewhere).
        """
        for kind, table in (
            ("sessions", self.journal.sessions()),
            ("ratings", self.journal.ratings()),
        ):
            match = table[table["id"] == self.entry.value]
            if len(match):
                row = match.astype(object).where(match.notna(), None).iloc[0].to_dict()
                return kind, row
        record = self.journal.find(self.entry.value)
        if record is None:
            return None
        fields: dict[str, object] = {}
        for name in (f.name for f in dataclasses.fields(record) if f.name not in ("id", "notes")):
            value = getattr(record, name)
            if isinstance(value, dict):  # a screen's answers, each a field of its own
                fields.update(value)
            elif not isinstance(value, datetime):  # (its time: `acutrack correct --at`)
                fields[name] = value
        return "other", {"notes": record.notes, "what": record.describe(), "fields": fields}

    def _shown(self) -> dict:
        """The values the form shows for the chosen entry's fields."""
        if self._kind == "sessions":
            shown = {
                "pain_before": self.pain_before.value,
                "pain_after": self.pain_after.value,
                "duration_min": self.minutes.value,
            }
            if not self._blind:  # a blind plan's session keeps its set hidden, and fixed
                shown["condition"] = self.condition.value
        elif self._kind == "ratings":
            shown = {"pain": self.pain.value, "stress": self.stress.value}
        else:
            return {name: box.value for name, box in self.values.items()} | {
                "notes": self.notes.value
            }
        return shown | {"location": self.location.value, "notes": self.notes.value}

    def _load(self, _change: object = None) -> None:
        self.confirm_delete.value = False
        self._kind, self._loaded, self._blind = None, None, False
        self.session_box.layout.display = self.rating_box.layout.display = "none"
        self.other.value = ""
        self.values, self.values_box.children = {}, ()
        self.location.layout.display = ""
        if self.entry.value is None:
            return
        ok, found = self._attempt(self._current)
        if not ok:
            return
        if found is None:
            self._gone()
            return
        self._kind, row = found
        if self._kind == "other":
            self.location.layout.display = "none"
            self.other.value = f"<b>{html.escape(row['what'])}</b>"
            self.values = {name: w.Text(value=_text(v)) for name, v in row["fields"].items()}
            self.values_box.children = [
                part
                for name, box in self.values.items()
                for part in (w.HTML(f"<small>{html.escape(self.labels[name])}</small>"), box)
            ]
            self.notes.value = row["notes"]
            self._loaded = self._shown()
            return
        is_session = self._kind == "sessions"
        self.session_box.layout.display = "" if is_session else "none"
        self.rating_box.layout.display = "none" if is_session else ""
        if is_session:
            self.pain_before.value, self.pain_after.value = row["pain_before"], row["pain_after"]
            self.minutes.value = row["duration_min"]
            self._blind = row["id"] in self.journal.blinded_sessions()
            self.condition.layout.display = "none" if self._blind else ""
            self.condition.value = "real" if self._blind else row["condition"]
        else:
            self.pain.value = row["pain"]
            self.stress.value = None if row["stress"] is None else int(row["stress"])
        self.location.value, self.notes.value = row["location"], row["notes"]
        # What the form showed, as the controls hold it: a save sends only what the person
        # changed since, so it never writes back a value another program corrected meanwhile.
        self._loaded = self._shown()

    def _gone(self) -> None:
        """The chosen entry is no longer in the journal: say so and list the entries again."""
        self.show_error(
            f"Entry {self.entry.value} is no longer in the journal (was it deleted elsewhere?); "
            "the list of entries was reloaded."
        )
        if not self._relisting:  # once: the fresh list could, in a race, lose one too
            self._relisting = True
            try:
                self.reload()
            finally:
                self._relisting = False

    def _changes(self) -> dict:
        assert self._loaded is not None
        return {k: v for k, v in self._shown().items() if v != self._loaded[k]}

    def _still_there(self) -> bool:
        """Whether the chosen entry is still in the journal (if not, say so and reload)."""
        ok, found = self._attempt(self._current)
        if ok and found is None:
            self._gone()
        return ok and found is not None

    def _save(self) -> None:
        if self._loaded is None:
            self.show_error("There is no entry to correct yet.")
            return
        changes = self._changes()
        if not changes:
            self.show_error("Nothing was changed, so nothing was saved.")
            return
        if not self._still_there():
            return
        entry_id = self.entry.value
        ok, record = self._attempt(lambda: self.journal.correct(entry_id, **changes))
        if ok:
            changed = ", ".join(self.labels[field].lower() for field in changes)
            said = self.journal.as_shown(record).describe()
            self.show_ok(f"Corrected {said} (changed: {changed})")
            self.reload(keep=entry_id)
            self._saved()

    def _delete(self) -> None:
        if self._loaded is None:
            self.show_error("There is no entry to delete.")
            return
        if not self.confirm_delete.value:
            self.show_error("Tick “Yes, delete this entry” first.")
            return
        if not self._still_there():
            return
        entry_id = self.entry.value
        ok, _ = self._attempt(lambda: self.journal.delete(entry_id))
        if not ok:
            return
        self.show_ok(f"Deleted {entry_id}; its earlier rows stay in the file as history.")
        self.reload()
        self._saved()


def _text(value: object) -> str:
    """A value as a person would type it: ``400``, not ``400.0``; nothing for no value."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
