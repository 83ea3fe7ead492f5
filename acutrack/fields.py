"""The journal's values: how each column's value is checked, written and read back.

One `Field` object per column serves both directions, so a value is judged by the same rule
whether it comes from the API, a form, the command line or a line of a hand-edited file.
Reading a whole column is vectorised with pandas (imported lazily so that logging from the
command line stays fast). Which fields make which file is in `acutrack.tables`.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, ClassVar

from .catalog import Catalog
from .errors import InvalidValue, shown
from .localtime import local_readings

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

from .timecells import EARLIEST, LATEST, OFFSETS, canonical_times

# A spreadsheet runs a cell that starts with one of these as a formula (the full-width
# forms too, in some locales). Such text is stored with a leading apostrophe (the usual
# CSV-injection guard, shown as text by spreadsheets); text that really starts with an
# apostrophe gets one too, so reading back is exact.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'", "＝", "＋", "－", "＠")

# A spreadsheet opening a CSV file reads these as values instead of text, and writes them
# back changed (0123 → 123, 1e5 → 100000, 3/4 → 04/03/2026, 12:30 → 12:30:00, TRUE →
# true). The rule is broad on purpose: a cell guarded needlessly still reads back exactly.
_CHAR = r"(?:[\d\s.,:/()%$€£¥−+-]|(?<=\d)[et](?=[+−-]?\d))"  # 1e5, 2026-03-04T10:00
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_NUMBER_LIKE = rf"""(?=\D*\d)  # numbers, fractions, dates, times in digits, perhaps with am or pm:
        {_CHAR}+(?:[ap]\.?m?\.?\s*)?  # 0123 1e5 1,5 1.000 (5) 3/4 1-2 3.4.26 12:30 9:30 pm
        # dates with an English month name: 4 Mar, 4-Mar-26, Mar 4, March 2026
      | \s*\d+[\s./-]*{_MONTH}(?:[\s./,-]*\d+)?\s*
      | \s*{_MONTH}(?:[\s./,-]*\d+){{1,2}}\s*
      | \s*(?:true|false)\s*"""

ACTIONS = ("add", "correct", "delete")
CONDITIONS = ("real", "sham")

_ISO = re.compile(
    r"(?P<stamp>\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?)(?P<offset>Z|[+-]\d\d:?\d\d)"
)
_SURROGATE = "[\ud800-\udfff]"
_IN_RANGE = "expected a date after 1970 and before 2200"
_OFFSET = "expected a UTC offset of whole minutes from -12:00 to +14:00"


KEY_PATTERN = r"[a-z0-9][a-z0-9_-]{0,39}"
CODE_PATTERN = r"[A-Za-z][A-Za-z0-9_-]{0,19}"


# Fields are values that nothing changes once made, compared by identity: a dataclass
# without the generated __eq__, __hash__, __repr__ and frozen __setattr__ is created
# several times faster at import, which every `acutrack log` pays. Each has a docstring,
# also for that: dataclass writes one from the signature (inspect, slow) when it lacks one.
_field_class = dataclass(eq=False, repr=False)


def _spreadsheet_would_change(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula or read it as a value."""
    if text.startswith(_FORMULA_START):
        return True
    if not any(c.isdigit() for c in text):  # then only the words true and false are values
        return text.strip().lower() in ("true", "false")
    return bool(_number_like().fullmatch(text))


@functools.cache
def _number_like() -> re.Pattern[str]:
    """The pattern, compiled on first use: a log without digits in its text never needs it."""
    return re.compile(_NUMBER_LIKE, re.IGNORECASE | re.VERBOSE)


def escape_text(text: str) -> str:
    """Text as stored in a CSV cell: guarded against a spreadsheet changing it.

    Formula-like text (``=1+1``, ``@SUM``) and text a spreadsheet would read as a number,
    date, time, percentage, amount or boolean (``0123``, ``1e5``, ``3/4``, ``12:30``,
    ``TRUE``) gets a leading apostrophe, which spreadsheets keep as text. So does text that
    starts with an apostrophe, so that `unescape_text` is its exact inverse.
    """
    return "'" + text if _spreadsheet_would_change(text) else text


def unescape_text(text: str) -> str:
    """Undo `escape_text`."""
    return text[1:] if text.startswith("'") else text


def _missing(value: object) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


@_field_class
class Field:
    """One column: its name, whether it is required, and what values it allows."""

    name: str
    allowed: str = "any text"
    required: bool = True
    #: How a file's column is read in bulk: as ``"text"``, as a ``"category"`` (few distinct
    #: values, each containing letters: pandas then stores each text once), or as whole
    #: ``"number"``s.
    read_as: ClassVar[str] = "text"

    def parse(self, value: object) -> Any:
        """Check ``value`` (from Python or from a file cell) and return it in canonical form.

        Raises
        ------
        InvalidValue
            Naming this field, the value and what is allowed.
        """
        if _missing(value):
            if self.required:
                raise InvalidValue(self.name, value, f"a value is required: {self.allowed}")
            return None
        return self._parse(value)

    def _parse(self, value: object) -> Any:
        return value

    def from_text(self, text: str) -> Any:
        """Read a value from its CSV cell."""
        return self.parse(text)

    def to_text(self, value: Any) -> str:
        """The CSV cell for an already parsed value."""
        return "" if value is None else str(value)

    def reject(self, value: object, allowed: str | None = None) -> InvalidValue:
        return InvalidValue(self.name, value, allowed or self.allowed)

    def column(self, cells: pd.Categorical | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Read a whole column of cells (text, or a categorical of it).

        Returns the parsed values and, for each row, why the cell is bad (``""`` when good),
        as object arrays. Each distinct cell is parsed once.
        """
        import numpy as np
        import pandas as pd

        cells = pd.Categorical(cells)
        values = np.empty(len(cells.categories), dtype=object)  # one by one: tuples stay whole
        whys = np.full(len(cells.categories), "", dtype=object)
        for k, text in enumerate(cells.categories):
            try:
                values[k] = self.from_text(text)
            except InvalidValue as err:
                whys[k] = err.allowed
        return values[cells.codes], whys[cells.codes]


@_field_class
class IdField(Field):
    """An entry's id: letters, digits, ``.``, ``_`` or ``-``, spaces around it dropped."""

    allowed: str = "expected letters, digits, '.', '_' or '-' (at most 64, no spaces)"
    pattern: str = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"

    def _parse(self, value: object) -> str:
        if isinstance(value, str) and re.fullmatch(self.pattern, value.strip()):
            return value.strip()
        raise self.reject(value)

    def column(self, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        # Ids are all different, so instead of one match per cell, one match of them all
        # joined by line breaks tells whether every cell is already a clean id.
        joined = "\n".join(texts.tolist()) + "\n"
        one = f"(?:{self.pattern})" + ("" if self.required else "?")
        if joined.count("\n") == len(texts) and re.fullmatch(f"(?:{one}\n)*", joined):
            values = np.array(texts, dtype=object)
            if not self.required:
                values[values == ""] = None
            return values, np.full(len(texts), "", dtype=object)
        return super().column(texts)  # stray spaces or bad ids: one by one


# Numbers are read as people, spreadsheets and pandas write them: the digits 0-9 (not
# other scripts' digits, which a spreadsheet would keep as text), an optional sign, a point
# for decimals, spaces around. Not Python's own spellings (1_0, 1e5, 0x10, inf, nan), nor a
# decimal comma (is 1,000 a thousand or one?).
_WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*")
_DECIMAL = r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*"  # compiled when first needed
_SIGNIFICANT = "g"  # a decimal keeps the six significant digits its CSV cell holds


@_field_class
class IntField(Field):
    """A whole number from ``low`` to ``high``, written in digits (``5``, ``+5``, `` 5 ``).

    Python and NumPy integers are taken as they are; ``5.0``, ``True`` and text such as
    ``1_0`` or ``٥`` are refused.
    """

    low: int = 0
    high: int = 10

    @property
    def read_as(self) -> str:  # type: ignore[override]
        # An optional number's empty cells would make pandas read the column as text anyway.
        return "number" if self.required else "text"

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "allowed", f"expected a whole number from {self.low} to {self.high}"
        )

    def column(self, cells: pd.Categorical | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        if isinstance(cells, np.ndarray) and cells.dtype.kind in "iu":  # read as numbers already
            whys = np.full(len(cells), "", dtype=object)
            whys[(cells < self.low) | (cells > self.high)] = self.allowed
            return cells, whys
        return super().column(cells)

    def _parse(self, value: object) -> int:
        if isinstance(value, str) and _WHOLE.fullmatch(value):
            try:
                number = int(value)
            except ValueError:  # more digits than Python converts: far out of range anyway
                raise self.reject(value) from None
        elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
            number = int(value)  # also NumPy integers, from pandas and widgets
        else:
            raise self.reject(value)
        if not self.low <= number <= self.high:
            raise self.reject(value)
        return number


@_field_class
class PositiveField(Field):
    """A decimal number from ``least`` to ``high`` (minutes of a session, seconds on a point).

    Text is read as written with the digits 0-9 and a decimal point (``2.5``, ``10``,
    ``.5``); Python and NumPy numbers are taken as they are. The value is kept to the six
    significant digits its CSV cell holds, so what is stored is what reads back.
    """

    high: float = 600
    unit: str = "minutes"
    #: The least value: by default one second, the shortest pressing worth a record.
    least: float = 1 / 60

    def __post_init__(self) -> None:
        allowed = (
            f"expected {self.unit} from {self.least:.3g} to {self.high:g}, "
            "written like 2.5 (a decimal point, digits 0-9)"
        )
        object.__setattr__(self, "allowed", allowed)

    def _parse(self, value: object) -> float:
        written = isinstance(value, str) and re.fullmatch(_DECIMAL, value)
        if not written and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
            raise self.reject(value)
        number = float(format(float(value), _SIGNIFICANT))  # type: ignore[arg-type]
        if not self.least <= number <= self.high:  # also false for NaN
            raise self.reject(value)
        return number

    def to_text(self, value: Any) -> str:
        return "" if value is None else format(value, _SIGNIFICANT)


@_field_class
class ChoiceField(Field):
    """One of a few words (``choices``), in any letter case; stored in lower case."""

    read_as: ClassVar[str] = "category"
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", f"expected one of {', '.join(self.choices)}")

    def _parse(self, value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in self.choices:
            return value.strip().lower()
        raise self.reject(value)


@_field_class
class RoutineField(Field):
    """A routine's key, as ``catalog`` knows it."""

    read_as: ClassVar[str] = "category"
    catalog: Catalog = field(default_factory=Catalog)

    def _parse(self, value: object) -> str:
        return self.catalog.routine(value).key


@_field_class
class PointsField(Field):
    """Points that ``catalog`` knows, each once: ``BL23;BL40`` (or a list of codes)."""

    read_as: ClassVar[str] = "category"
    catalog: Catalog = field(default_factory=Catalog)
    allowed: str = "expected one or more known point codes separated by ';'"

    def _parse(self, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            codes = [c for c in re.split(r"[;,\s]+", value) if c]
        elif isinstance(value, list | tuple):
            codes = list(value)
        else:
            raise self.reject(value)
        if not codes:
            raise self.reject(value)
        try:
            points = tuple(self.catalog.point_code(c) for c in codes)
        except InvalidValue as err:
            raise self.reject(value, f"unknown point {shown(err.value)}; {err.allowed}") from None
        if len(set(points)) != len(points):
            raise self.reject(value, "expected each point at most once")
        return points

    def to_text(self, value: Any) -> str:
        return ";".join(value)


@_field_class
class TimeField(Field):
    """A moment, stored as its wall-clock time with its UTC offset.

    Accepts ISO 8601 text (``2026-11-25T09:30``, with ``Z``, ``+01:00`` or ``+0100``),
    a ``datetime`` or a pandas ``Timestamp``. A time without an offset is the computer's
    local time, and a ``datetime`` in a named zone that zone's. Where the clocks changed,
    such a time is read by the rule (`local_readings`): one they showed twice (02:30 when
    they went back) is the first of the two, and one they skipped (02:30 when they went
    forward) is moved forward by the gap (03:30); a ``datetime`` with ``fold=1`` takes the
    other reading (the second; the time moved back). Give the offset to choose. Offsets
    must be whole minutes from -12:00 to +14:00 (those in use anywhere), dates from 1970
    to 2199 UTC, and seconds' fractions are dropped.
    """

    allowed: str = "expected an ISO 8601 date and time, e.g. 2026-11-25T09:30:00+01:00"

    def _parse(self, value: object) -> datetime:
        when = value
        if isinstance(when, str):
            try:
                when = datetime.fromisoformat(when.strip())
            except ValueError:
                raise self.reject(value) from None
        if hasattr(when, "to_pydatetime"):  # a pandas Timestamp: as a datetime, naive or not
            when = when.to_pydatetime(warn=False)
        if not isinstance(when, datetime):
            raise self.reject(value)
        return self._fixed(when, value).replace(microsecond=0)

    def _fixed(self, when: datetime, value: object) -> datetime:
        """``when`` with its fixed UTC offset, or `InvalidValue` naming ``value`` as given."""
        zone = when.tzinfo if when.utcoffset() is not None else None  # None: local time
        try:
            if isinstance(zone, timezone):  # an offset given: no clock change to read
                moment = when
            else:
                readings = local_readings(when, zone)
                moment = readings.other if when.fold else readings.rule
            utc = moment.astimezone(UTC)
        except (OverflowError, ValueError, OSError):  # years such as 1 or 9999
            raise self.reject(value, _IN_RANGE) from None
        if not EARLIEST <= utc < LATEST:
            raise self.reject(value, _IN_RANGE)
        offset = moment.utcoffset()
        assert offset is not None
        if offset % timedelta(minutes=1) or not OFFSETS[0] <= offset <= OFFSETS[1]:
            raise self.reject(value, _OFFSET)
        return moment.replace(tzinfo=timezone(offset))

    def from_text(self, text: str) -> datetime:
        # A file must say its offset: a cell without one was changed by hand, and guessing
        # would move the entry silently.
        if _missing(text):
            return self.parse(text)  # None where optional
        if not _ISO.fullmatch(text.strip()):
            raise self.reject(text, self.allowed + ", with its UTC offset")
        return self.parse(text)

    def check_not_future(self, value: datetime, now: datetime | None = None) -> datetime:
        """Reject a time more than a day ahead: almost always a typo in the date."""
        now = now or datetime.now(UTC)
        if value > now + timedelta(days=1):
            raise self.reject(value, "expected a time no more than a day ahead")
        return value

    def to_text(self, value: Any) -> str:
        return "" if value is None else value.isoformat(timespec="seconds")

    def read(self, texts: np.ndarray) -> tuple[pd.Series, pd.Series, np.ndarray]:
        """Parse a column at once: UTC times, wall-clock times (NaT where bad), and whys.

        Cells as acutrack writes them (``2026-11-25T09:30:00+01:00``) are read by position,
        all at once; any other spelling, and any impossible date, by `from_text`, one by one.
        """
        import numpy as np
        import pandas as pd

        cells = np.asarray(texts, dtype=object)
        local, offset, canonical = canonical_times(cells)
        whys = np.full(len(cells), "", dtype=object)
        for i in np.flatnonzero(~canonical):
            try:
                value = self.from_text(cells[i])
            except InvalidValue as err:
                whys[i] = err.allowed
                continue
            if value is None:  # an optional time left empty
                continue
            local[i] = np.datetime64(value.replace(tzinfo=None), "s")
            offset[i] = value.utcoffset() // timedelta(minutes=1)
        utc = local - offset.astype("timedelta64[m]")
        return (
            pd.Series(utc.astype("datetime64[ns]")).dt.tz_localize("UTC"),
            pd.Series(local.astype("datetime64[ns]")),
            whys,
        )


@_field_class
class DateField(Field):
    """A calendar day, written ``2026-06-01``."""

    allowed: str = "expected a date written like 2026-06-01"

    def _parse(self, value: object) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d\d-\d\d\s*", value):
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                raise self.reject(value) from None
            if EARLIEST.year <= day.year < LATEST.year:
                return day
        raise self.reject(value)

    def to_text(self, value: Any) -> str:
        return "" if value is None else value.isoformat()


@_field_class
class TextField(Field):
    """Free text of at most ``max_length`` characters, stored safe from spreadsheets."""

    required: bool = False
    default: str = ""
    max_length: int = 10_000

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "allowed", f"expected Unicode text of at most {self.max_length:,} characters"
        )

    def parse(self, value: object) -> str:
        if value is None:
            return self.default
        if not isinstance(value, str) or len(value) > self.max_length:
            raise self.reject(value)
        if not value.isascii() and re.search(_SURROGATE, value):  # compiled only if needed
            raise self.reject(
                value, "expected valid UTF-8 text (was the file saved in another encoding?)"
            )
        if self.required and not value.strip():
            raise self.reject(value, f"a value is required: {self.allowed}")
        return value

    def from_text(self, text: str) -> str:
        return self.parse(unescape_text(text))

    def to_text(self, value: Any) -> str:
        return escape_text(value)


class LabelField(TextField):  # no fields of its own: TextField's dataclass __init__ serves
    """Short text that repeats from row to row, such as the body area of the pain."""

    read_as: ClassVar[str] = "category"


@_field_class
class PointCodeField(IdField):
    """The code of a point being declared, spelt as ``catalog`` spells it when it knows it.

    Codes match case-insensitively, so ``bl23`` *is* the built-in ``BL23`` (and ``ki3`` a
    point ``KI3`` already declared): the journal then refuses or corrects it instead of
    adding a second point that no session could tell apart.
    """

    allowed: str = "expected a code of letters, digits, '-' or '_' starting with a letter (≤ 20)"
    pattern: str = CODE_PATTERN
    catalog: Catalog = field(default_factory=Catalog)

    def _parse(self, value: object) -> str:
        code = super()._parse(value)
        return self.catalog.spelling(code) or code

    def column(self, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return Field.column(self, texts)  # each code respelt, not only checked
