"""What the modules of `acutrack.importing` share: the draft of an entry, the refusal, and
the reasons a row is not imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import AcutrackError

# Why a row (or part of one) was not imported: keys of `ImportReport.skipped`.
DAMAGED = "damaged (left out, the rest imported)"
KNOWN = "imported before (also when you deleted the entry since)"
REPEATED = "repeats an earlier row of this file"


class ImportRefused(AcutrackError, ValueError):
    """A file that cannot be imported as asked; the message says why and what to do."""


@dataclass
class Draft:
    """An entry read from a source row before its date is read (which may need the file)."""

    line: int
    kind: str  # "rating" or "medications"
    day: str
    when: str
    identity: tuple[str, ...]
    values: dict[str, Any]
    original: str = ""
    value: int | None = None  # a rating's value on its source's scale
