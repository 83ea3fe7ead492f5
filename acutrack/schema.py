"""The columns of the journal's CSV files: how each value is checked, written and read back.

One `Field` object per column serves both directions, so a value is judged by the same rule
whether it comes from the API, a form, the command line or a line of a hand-edited file.
Reading a whole column is vectorised with pandas (imported lazily so that logging from the
command line stays fast).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from .catalog import Catalog
from .errors import InvalidValue

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

SCHEMA_VERSION = 1

# A spreadsheet runs a cell that starts with one of these as a formula. Such text is stored
# with a leading apostrophe (the usual CSV-injection guard, shown as text by spreadsheets);
# text that really starts with an apostrophe gets one too, so reading back is exact.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")

ACTIONS = ("add", "correct", "delete")
CONDITIONS = ("real", "sham")
LOCATIONS = ("lower-back", "upper-back", "neck", "buttock-leg")

_ISO = re.compile(
    r"(?P<stamp>\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?)(?P<offset>Z|[+-]\d\d:?\d\d)"
)
_SURROGATE = "[\ud800-\udfff]"
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


def escape_text(text: str) -> str:
    """Text as stored in a CSV cell: guarded against being run as a spreadsheet formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def unescape_text(text: str) -> str:
    """Undo `escape_text`."""
    return text[1:] if text.startswith("'") else text


def _missing(value: object) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class IdField(Field):
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


@dataclass(frozen=True)
class IntField(Field):
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
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif type(value).__module__ == "numpy" and type(value).__name__.startswith(("int", "uint")):
            number = int(value)  # pandas and widgets hand over NumPy integers
        else:
            raise self.reject(value)
        if not self.low <= number <= self.high:
            raise self.reject(value)
        return number


@dataclass(frozen=True)
class PositiveField(Field):
    """A number greater than 0, up to ``high`` (minutes of a session, seconds on a point)."""

    high: float = 600
    unit: str = "minutes"

    def __post_init__(self) -> None:
        allowed = f"expected {self.unit} greater than 0 and at most {self.high:g}"
        object.__setattr__(self, "allowed", allowed)

    def _parse(self, value: object) -> float:
        if isinstance(value, bool):
            raise self.reject(value)
        try:
            number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise self.reject(value) from None
        if not 0 < number <= self.high:  # also false for NaN
            raise self.reject(value)
        return number

    def to_text(self, value: Any) -> str:
        return "" if value is None else f"{value:g}"


@dataclass(frozen=True)
class ChoiceField(Field):
    read_as: ClassVar[str] = "category"
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", f"expected one of {', '.join(self.choices)}")

    def _parse(self, value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in self.choices:
            return value.strip().lower()
        raise self.reject(value)


@dataclass(frozen=True)
class RoutineField(Field):
    read_as: ClassVar[str] = "category"
    catalog: Catalog = field(default_factory=Catalog)

    def _parse(self, value: object) -> str:
        return self.catalog.routine(value).key


@dataclass(frozen=True)
class PointsField(Field):
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
            raise self.reject(value, f"unknown point {err.value!r}; {err.allowed}") from None
        if len(set(points)) != len(points):
            raise self.reject(value, "expected each point at most once")
        return points

    def to_text(self, value: Any) -> str:
        return ";".join(value)


@dataclass(frozen=True)
class TimeField(Field):
    allowed: str = "expected an ISO 8601 date and time, e.g. 2026-11-25T09:30:00+01:00"

    def _parse(self, value: object) -> datetime:
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                raise self.reject(value) from None
        if not isinstance(value, datetime):  # pandas Timestamps are datetimes too
            raise self.reject(value)
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.astimezone()  # no offset given: the computer's local time
        if value < _EARLIEST:
            raise self.reject(value, "expected a date after 1970")
        return value.replace(microsecond=0)

    def from_text(self, text: str) -> datetime:
        # A file must say its offset: a cell without one was changed by hand, and guessing
        # would move the entry silently.
        if not _ISO.fullmatch(text.strip()):
            raise self.reject(text, self.allowed + ", with its UTC offset")
        return self.parse(text)

    def check_not_future(self, value: datetime, now: datetime | None = None) -> datetime:
        """Reject a time more than a day ahead: almost always a typo in the date."""
        now = now or datetime.now(UTC)
        if value > now + timedelta(days=1):
            raise self.reject(value.isoformat(), "expected a time no more than a day ahead")
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
        local, offset, canonical = _canonical_times(cells)
        whys = np.full(len(cells), "", dtype=object)
        for i in np.flatnonzero(~canonical):
            try:
                value = self.from_text(cells[i])
            except InvalidValue as err:
                whys[i] = err.allowed
                continue
            local[i] = np.datetime64(value.replace(tzinfo=None), "s")
            offset[i] = value.utcoffset() // timedelta(minutes=1)
        utc = local - offset.astype("timedelta64[m]")
        return (
            pd.Series(utc.astype("datetime64[ns]")).dt.tz_localize("UTC"),
            pd.Series(local.astype("datetime64[ns]")),
            whys,
        )


_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24]
_MARKS = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (22, ":"))


def _canonical_times(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read cells of the form ``YYYY-MM-DDTHH:MM:SS±HH:MM`` by position, all at once.

    Returns the wall-clock times (``datetime64[s]``, NaT elsewhere), their UTC offsets in
    minutes, and which cells were read: possible dates after 1970 in exactly that form.
    """
    import numpy as np

    n = len(cells)
    ok = np.fromiter(map(len, cells), dtype=np.int64, count=n) == 25
    joined = "".join(cells[ok])
    if not joined.isascii():
        ok &= np.fromiter(map(str.isascii, cells), dtype=bool, count=n)
        joined = "".join(cells[ok])
    # Bytes, one row per cell: arithmetic on small arrays, instead of parsing strings.
    chars = np.zeros((n, 25), dtype=np.uint8)
    chars[ok] = np.frombuffer(joined.encode("ascii"), np.uint8).reshape(-1, 25)
    d = chars - np.uint8(ord("0"))  # wraps around: anything but a digit is above 9
    ok &= (d[:, _DIGITS] <= 9).all(axis=1)
    for position, mark in _MARKS:
        ok &= chars[:, position] == ord(mark)
    ok &= (chars[:, 19] == ord("+")) | (chars[:, 19] == ord("-"))

    def number(*positions: int) -> np.ndarray:
        value = np.zeros(n, dtype=np.int64)
        for p in positions:
            value = value * 10 + d[:, p].astype(np.int64)
        return np.where(ok, value, 0)

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    hour, minute, second = number(11, 12), number(14, 15), number(17, 18)
    offset = np.where(chars[:, 19] == ord("-"), -1, 1) * (number(20, 21) * 60 + number(23, 24))
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    days = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)
    ok &= (hour < 24) & (minute < 60) & (second < 60) & (np.abs(offset) < 24 * 60)
    seconds = (day - 1) * 86_400 + hour * 3600 + minute * 60 + second - offset * 60
    ok &= first.astype(np.int64) * 86_400 + seconds >= 0  # after 1970 in UTC
    local = first.astype("datetime64[s]") + (seconds + offset * 60).astype("timedelta64[s]")
    local[~ok] = np.datetime64("NaT")
    return local, np.where(ok, offset, 0), ok


@dataclass(frozen=True)
class TextField(Field):
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
        if re.search(_SURROGATE, value):
            raise self.reject(
                value, "expected valid UTF-8 text (was the file saved in another encoding?)"
            )
        return value

    def from_text(self, text: str) -> str:
        return self.parse(unescape_text(text))

    def to_text(self, value: Any) -> str:
        return escape_text(value)


@dataclass(frozen=True)
class LabelField(TextField):
    """Short text that repeats from row to row, such as the body area of the pain."""

    read_as: ClassVar[str] = "category"


@dataclass(frozen=True)
class TableSpec:
    """One CSV file of the journal: its name, id prefix, time column and fields."""

    name: str
    id_prefix: str
    time: str | None
    fields: tuple[Field, ...]
    key: str = "id"

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> tuple[str, ...]:
        """Header of a new file: the data fields, then the bookkeeping columns."""
        return (*(f.name for f in self.fields), "action", "recorded_at")

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        """The field called ``name``; `InvalidValue` when the table has none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise InvalidValue("field", name, f"expected one of {', '.join(self.columns[:-2])}")


def session_spec(catalog: Catalog) -> TableSpec:
    """Columns of ``sessions.csv``."""
    return TableSpec(
        "sessions",
        "s",
        "started_at",
        (
            IdField("id"),
            TimeField("started_at"),
            RoutineField("routine", catalog=catalog),
            PointsField("points", catalog=catalog),
            ChoiceField("condition", choices=CONDITIONS),
            PositiveField("duration_min"),
            IntField("pain_before"),
            IntField("pain_after"),
            LabelField("location", default="lower-back", max_length=200),
            TextField("notes"),
        ),
    )


def rating_spec() -> TableSpec:
    """Columns of ``ratings.csv``."""
    return TableSpec(
        "ratings",
        "r",
        "rated_at",
        (
            IdField("id"),
            TimeField("rated_at"),
            IntField("pain"),
            LabelField("location", default="lower-back", max_length=200),
            IdField("session_id", required=False),
            IntField("stress", required=False),
            TextField("notes"),
        ),
    )


KEY_PATTERN = r"[a-z0-9][a-z0-9_-]{0,39}"
CODE_PATTERN = r"[A-Za-z][A-Za-z0-9_-]{0,19}"


def point_spec() -> TableSpec:
    """Columns of ``points.csv``: points the user declares beside the built-in ones."""
    allowed = "expected a code of letters, digits, '-' or '_' starting with a letter (≤ 20)"
    return TableSpec(
        "points",
        "",
        None,
        (
            IdField("code", allowed=allowed, pattern=CODE_PATTERN),
            TextField("name", max_length=100),
            TextField("location", max_length=500),
            TextField("how", max_length=500),
        ),
        key="code",
    )


def routine_spec(catalog: Catalog) -> TableSpec:
    """Columns of ``routines.csv``: the user's own routines."""
    allowed = "expected lower-case letters, digits, '-' or '_' (at most 40)"
    return TableSpec(
        "routines",
        "",
        None,
        (
            IdField("key", allowed=allowed, pattern=KEY_PATTERN),
            TextField("title", max_length=200),
            PointsField("points", catalog=catalog),
            PositiveField("seconds_per_point", high=3600, unit="seconds"),
            IntField("rounds", low=1, high=100),
            ChoiceField("condition", choices=CONDITIONS, required=False),
        ),
        key="key",
    )


def plan_spec(catalog: Catalog) -> TableSpec:
    """Columns of ``plan.csv``: the slots of randomised real/sham experiment plans."""
    return TableSpec(
        "plan",
        "",
        "due",
        (
            IdField("slot"),
            IdField("plan"),
            IntField("block", low=1, high=100_000),
            TimeField("due"),
            RoutineField("routine", catalog=catalog),
            ChoiceField("condition", choices=CONDITIONS),
            IntField("seed", low=0, high=2**31 - 1),
            IdField("session_id", required=False),
        ),
        key="slot",
    )
