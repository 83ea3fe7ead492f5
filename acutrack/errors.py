"""Exceptions raised by acutrack.

Every error a user can cause is a ``ValueError`` subclass whose message names the field,
the value that was given and what is allowed, so a form or the command line can show it
as it is.
"""

from __future__ import annotations

import reprlib
from datetime import date, time

__all__ = ["AcutrackError", "InvalidValue", "JournalError", "shown"]

# A message shows this much of a value: enough to recognise it, short enough for one line
# even when the value is a whole pasted file.
_SHOWN = 60
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _SHOWN


def shown(value: object) -> str:
    """``value`` as an error message shows it: short, quoted when text, times in ISO 8601.

    Text longer than 60 characters is cut and followed by its length, e.g.
    ``'aaaa…' (100,000 characters)``; control characters appear escaped (``\\x1b``), so a
    message never drives the terminal.
    """
    if isinstance(value, str):
        if len(value) <= _SHOWN:
            return repr(value)
        return f"{value[:_SHOWN]!r}… ({len(value):,} characters)"
    if isinstance(value, date | time):  # datetimes and pandas Timestamps too
        return value.isoformat()
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()  # 5, not np.int64(5)
    if isinstance(value, int) and value.bit_length() > 200:  # repr would refuse 4,300 digits
        return f"a whole number of about {value.bit_length() * 0.30103:,.0f} digits"
    return _REPR.repr(value)


class AcutrackError(Exception):
    """Base class of every acutrack error."""


class InvalidValue(AcutrackError, ValueError):
    """A value that acutrack cannot store or use.

    Parameters
    ----------
    field : str
        The field (argument or CSV column) that holds the value.
    value : object
        The value that was given; kept whole for programs, shortened in the message
        (see `shown`).
    allowed : str
        What would have been accepted, in words.
    """

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {shown(value)} is not allowed; {allowed}")


class JournalError(AcutrackError, ValueError):
    """The journal as a whole cannot be used as asked (read-only, damaged header, newer format)."""
