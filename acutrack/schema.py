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
from typing import TYPE_CHECKING, Any

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


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds bytes that were not UTF-8 (decoded with surrogateescape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


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

    def column(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Read a whole column of cells.

        Returns the parsed values and, for each row, why the cell is bad (``""`` when good),
        as object arrays. Columns hold few distinct values (pain, routine, points), so each
        distinct cell is parsed once.
        """
        import numpy as np
        import pandas as pd

        codes, uniques = pd.factorize(np.asarray(texts, dtype=object))
        values = np.empty(len(uniques), dtype=object)  # filled one by one: tuples stay whole
        whys = np.full(len(uniques), "", dtype=object)
        for k, text in enumerate(uniques):
            try:
                values[k] = self.from_text(text)
            except InvalidValue as err:
                whys[k] = err.allowed
        return values[codes], whys[codes]


@dataclass(frozen=True)
class IdField(Field):
    allowed: str = "expected letters, digits, '.', '_' or '-' (at most 64, no spaces)"
    pattern: str = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"

    def _parse(self, value: object) -> str:
        if isinstance(value, str) and re.fullmatch(self.pattern, value.strip()):
            return value.strip()
        raise self.reject(value)

    def column(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        match = re.compile(self.pattern).fullmatch
        stripped = [t.strip() for t in texts]
        why = self.allowed if self.required else self.allowed + ", or empty"
        empty_ok = not self.required
        whys = ["" if (match(t) or (empty_ok and not t)) else why for t in stripped]
        return np.array([t or None for t in stripped], dtype=object), np.array(whys, dtype=object)


@dataclass(frozen=True)
class IntField(Field):
    low: int = 0
    high: int = 10

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "allowed", f"expected a whole number from {self.low} to {self.high}"
        )

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
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", f"expected one of {', '.join(self.choices)}")

    def _parse(self, value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in self.choices:
            return value.strip().lower()
        raise self.reject(value)


@dataclass(frozen=True)
class RoutineField(Field):
    catalog: Catalog = field(default_factory=Catalog)

    def _parse(self, value: object) -> str:
        return self.catalog.routine(value).key


@dataclass(frozen=True)
class PointsField(Field):
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

    def column(self, texts: list[str]) -> tuple[pd.Series, np.ndarray]:
        utc, _, whys = self.read(texts)
        return utc, whys

    def read(self, texts: list[str]) -> tuple[pd.Series, pd.Series, np.ndarray]:
        """Parse a column at once: UTC times, wall-clock times (NaT where bad), and whys.

        Cells as acutrack writes them (``2026-11-25T09:30:00+01:00``) are recognised by
        position, all at once; any other spelling is checked one by one.
        """
        import numpy as np
        import pandas as pd

        stripped = np.array([t.strip() for t in texts], dtype="U40")
        canonical = _canonical_times(stripped)
        local = pd.Series(pd.NaT, index=range(len(texts)), dtype="datetime64[ns]")
        offset = np.zeros(len(texts), dtype="timedelta64[m]")
        if canonical.any():
            rows = np.flatnonzero(canonical)
            picked = stripped[rows]
            local.iloc[rows] = pd.to_datetime(picked.astype("U19"), format="%Y-%m-%dT%H:%M:%S")
            digits = picked.view(np.uint32).reshape(len(rows), -1)[:, 20:25].astype(np.int64) - 48
            minutes = (digits[:, 0] * 10 + digits[:, 1]) * 60 + digits[:, 3] * 10 + digits[:, 4]
            sign = np.where(picked.view(np.uint32).reshape(len(rows), -1)[:, 19] == ord("-"), -1, 1)
            offset[rows] = (sign * minutes).astype("timedelta64[m]")
        for i in np.flatnonzero(~canonical):  # other spellings, one by one
            m = _ISO.fullmatch(str(stripped[i]))
            if m:
                parsed = pd.Timestamp(m.group(0))
                local.iloc[i] = pd.Timestamp(m.group("stamp"))
                offset[i] = np.timedelta64(int(parsed.utcoffset().total_seconds() // 60), "m")
        utc = (local - pd.to_timedelta(offset)).dt.tz_localize("UTC")
        good = (utc >= pd.Timestamp(_EARLIEST)).to_numpy()
        whys = np.where(good, "", self.allowed + ", with its UTC offset").astype(object)
        return utc, local, whys


def _canonical_times(texts: np.ndarray) -> np.ndarray:
    """Which cells read ``YYYY-MM-DDTHH:MM:SS±HH:MM`` exactly (checked by position, vectorised)."""
    import numpy as np

    width = texts.dtype.itemsize // 4
    chars = texts.view(np.uint32).reshape(len(texts), width)
    if width < 26:
        return np.zeros(len(texts), dtype=bool)
    digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24]
    ok = ((chars[:, digits] >= ord("0")) & (chars[:, digits] <= ord("9"))).all(axis=1)
    for position, allowed in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (22, ":")):
        ok &= chars[:, position] == ord(allowed)
    ok &= (chars[:, 19] == ord("+")) | (chars[:, 19] == ord("-"))
    return ok & (chars[:, 25] == 0)  # nothing after the offset


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
            TextField("location", default="lower-back", max_length=200),
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
            TextField("location", default="lower-back", max_length=200),
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
