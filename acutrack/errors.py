"""Exceptions raised by acutrack.

Every error a user can cause is a ``ValueError`` subclass whose message names the field,
the value that was given and what is allowed, so a form or the command line can show it
as it is.
"""

from __future__ import annotations

__all__ = ["AcutrackError", "InvalidValue", "JournalError"]


class AcutrackError(Exception):
    """Base class of every acutrack error."""


class InvalidValue(AcutrackError, ValueError):
    """A value that acutrack cannot store or use.

    Parameters
    ----------
    field : str
        The field (argument or CSV column) that holds the value.
    value : object
        The value that was given.
    allowed : str
        What would have been accepted, in words.
    """

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {value!r} is not allowed; {allowed}")


class JournalError(AcutrackError, ValueError):
    """The journal as a whole cannot be used as asked (read-only, damaged header, newer format)."""
