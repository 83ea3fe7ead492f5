"""Medicines (and other treatments) taken: the analysis tells relief after them apart."""

from __future__ import annotations

import ipywidgets as w

from ..journal import Journal
from .base import LABELS, WIDE, Choice, Form, WhenField, notes_box

__all__ = ["MedicationForm"]

UNITS = ("mg", "g", "ml", "tablets", "drops")


class MedicationForm(Form):
    """Record a medicine taken: name, dose, unit, regular or as needed, and when.

    Attributes
    ----------
    name : Combobox
        Any name; the names used before are offered, the latest first.
    dose : Text
        Optional; a number.
    unit : Combobox
    use : Choice
        Regular (on a schedule) or as needed (for pain); none chosen until the person
        chooses, since as-needed medicine shortly before a session can explain its relief.
    when : WhenField
    notes, save
    last_saved : Medication or None
    """

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.name = w.Combobox(
            description=LABELS["name"],
            placeholder="e.g. ibuprofen",
            ensure_option=False,
            style=WIDE,
        )
        self.dose = w.Text(description=LABELS["dose"], placeholder="optional, e.g. 400", style=WIDE)
        self.unit = w.Combobox(
            options=UNITS,
            description=LABELS["unit"],
            placeholder="e.g. mg",
            ensure_option=False,
            style=WIDE,
        )
        self.use = Choice(
            [("regular", False), ("as needed, for pain", True)],
            LABELS["use"],
            what="regular or as needed",
            style=WIDE,
        )
        self.when = WhenField(journal)
        self.notes = notes_box()
        self._lay_out(
            "Medicine taken",
            "acutrack-medication-form",
            "Save medicine",
            self.name,
            self.dose,
            self.unit,
            self.use.widget,
            self.when.widget,
            self.notes,
        )
        self.refresh()

    def refresh(self) -> None:
        """Offer the names used before, the latest first."""
        taken = self.journal.medications().sort_values("taken_at", ascending=False)
        self.name.options = tuple(dict.fromkeys(taken["name"]))

    def reset(self) -> None:
        """Clear what was entered: no name, dose or choice, now."""
        for control in (self.name, self.dose, self.unit, self.notes):
            control.value = ""
        self.use.reset()
        self.when.reset()

    def _save(self, _button: object = None) -> None:
        if not self.name.value.strip():
            self.show_error("Write the medicine's name first.")
            return
        if self._refuse_missing(self.use, self.when):
            return
        self._store(
            lambda: self.journal.log_medication(
                self.name.value,
                self.dose.value,
                self.unit.value,
                as_needed=self.use.value,
                taken_at=self.when.value,
                notes=self.notes.value,
            )
        )
