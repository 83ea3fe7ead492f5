"""Reading a column of ISO 8601 times all at once, by the position of their bytes.

Times as acutrack writes them (``2026-11-25T09:30:00+01:00``) are checked and converted
with arithmetic on a small array of bytes instead of being parsed one string at a time;
any other spelling is left to `acutrack.fields.TimeField.from_text`. Both accept the same
times, bounded by the limits here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["EARLIEST", "LATEST", "OFFSETS", "canonical_times"]

# pandas holds times (in nanoseconds) only up to 2262: a journal's dates end well before.
EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)
# The UTC offsets in use anywhere since 1972.
OFFSETS = (timedelta(hours=-12), timedelta(hours=14))

_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24]
_MARKS = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (22, ":"))


def canonical_times(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read cells of the form ``YYYY-MM-DDTHH:MM:SS±HH:MM`` by position, all at once.

    Returns the wall-clock times (``datetime64[s]``, NaT elsewhere), their UTC offsets in
    minutes, and which cells were read: possible times in exactly that form that
    `TimeField.from_text` accepts (dates from 1970 to 2199 UTC, offsets -12:00 to +14:00).
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
    low, high = (limit // timedelta(minutes=1) for limit in OFFSETS)
    ok &= (hour < 24) & (minute < 60) & (second < 60) & (low <= offset) & (offset <= high)
    seconds = (day - 1) * 86_400 + hour * 3600 + minute * 60 + second - offset * 60
    utc = first.astype(np.int64) * 86_400 + seconds
    ok &= (utc >= EARLIEST.timestamp()) & (utc < LATEST.timestamp())  # as `TimeField._fixed`
    local = first.astype("datetime64[s]") + (seconds + offset * 60).astype("timedelta64[s]")
    local[~ok] = np.datetime64("NaT")
    return local, np.where(ok, offset, 0), ok
