"""Reading a journal CSV file into a typed table, reporting every row it cannot use.

Good rows load; a bad row becomes a `Problem` (file, line, field, value, why) and is left
out of the table, never silently. Corrections and tombstones are resolved here: the latest
usable row for each id wins.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .csvstore import Record, read_records
from .errors import InvalidValue
from .records import Problem
from .schema import (
    ACTIONS,
    CONDITIONS,
    ChoiceField,
    IntField,
    PositiveField,
    TableSpec,
    TimeField,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["Row", "empty_table", "load_table", "read_rows"]

_ACTION = ChoiceField("action", choices=ACTIONS, required=False)
_REUSED = "this id was already used by an earlier row; this later row replaces it"


def _broken(name: str, header: list[str], broken: list[Record]) -> list[Problem]:
    return [
        Problem(
            name,
            r.line,
            "",
            ",".join(r.cells)[:120],
            f"expected {len(header)} cells but found {len(r.cells)}: a damaged or torn line",
        )
        for r in broken
    ]


def _header_problems(name: str, spec: TableSpec, header: list[str], rows: int) -> list[Problem]:
    repeated = sorted({c for c in header if header.count(c) > 1})
    missing = [c for c in spec.required_columns if c not in header]
    return [
        Problem(name, 1, c, "", "this column appears twice in the header") for c in repeated
    ] + [
        Problem(
            name, 1, c, "", f"the header lacks this column, so none of the {rows} rows can be read"
        )
        for c in missing
    ]


@dataclass(frozen=True)
class Row:
    """The latest usable row for one key: its line, parsed values and cells as written."""

    line: int
    values: dict[str, Any]
    cells: dict[str, str]


def read_rows(path: Path, spec: TableSpec) -> tuple[dict[str, Row], list[Problem]]:
    """Load a small file row by row, without pandas (user routines, points, corrections).

    Same rules as `load_table`: bad rows are reported, the latest usable row for each key
    wins, and a tombstone removes the key.
    """
    if not path.exists():
        return {}, []
    header, good, broken = read_records(path.read_bytes().decode("utf-8", errors="surrogateescape"))
    problems = _broken(path.name, header, broken)
    problems += _header_problems(path.name, spec, header, len(good))
    if problems and problems[-1].line == 1:
        return {}, problems
    latest: dict[str, Row] = {}
    for record in good:
        cells = dict(zip(header, record.cells, strict=True))
        errors = []
        try:
            action = _ACTION.from_text(cells.get("action", "")) or "add"
        except InvalidValue as err:
            errors.append(err)
            action = "add"
        values = {}
        for f in spec.fields:
            if action == "delete" and f.name != spec.key:
                continue
            try:
                values[f.name] = f.from_text(cells.get(f.name, ""))
            except InvalidValue as err:
                errors.append(err)
        problems += [
            Problem(path.name, record.line, e.field, str(e.value), e.allowed) for e in errors
        ]
        if errors:
            continue
        key = values[spec.key]
        if action == "add" and key in latest:
            problems.append(Problem(path.name, record.line, spec.key, key, _REUSED))
        latest.pop(key, None)
        if action != "delete":
            latest[key] = Row(record.line, values, cells)
    return latest, problems


def _typed(spec: TableSpec, values: dict[str, Any]) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    out = {}
    for f in spec.fields:
        col = values[f.name]
        if isinstance(f, IntField):
            col = np.array(col, dtype="int64") if f.required else pd.array(col, dtype="Int64")
        elif isinstance(f, PositiveField):
            col = np.array(col, dtype="float64")
        elif isinstance(f, ChoiceField) and f.choices == CONDITIONS:
            col = np.asarray(col, dtype=object)
            codes = np.select([col == c for c in CONDITIONS], range(len(CONDITIONS)), -1)
            col = pd.Categorical.from_codes(codes, categories=CONDITIONS)
        elif isinstance(f, TimeField):
            col = pd.to_datetime(pd.Series(col), utc=True).reset_index(drop=True)
        else:
            col = pd.Series(col, dtype=object)
        out[f.name] = col
    return out


def empty_table(spec: TableSpec) -> pd.DataFrame:
    """A table with no rows and the columns and dtypes of a loaded one."""
    return _frame(spec, {f.name: [] for f in spec.fields}, [], {})


def _frame(
    spec: TableSpec, values: dict[str, Any], local: Any, extra: dict[str, list[str]]
) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(_typed(spec, values), copy=False)
    frame.insert(2, "local_time", pd.to_datetime(pd.Series(local)).to_numpy(dtype="datetime64[ns]"))
    for name, col in extra.items():
        frame[name] = np.array(col, dtype=object)
    if frame[spec.time].is_monotonic_increasing:  # as appended, usually
        return frame
    return frame.sort_values(spec.time, kind="stable").reset_index(drop=True)


def _record_start(spec: TableSpec, header: list[str]) -> Callable[[list[str]], bool]:
    """Whether the cells of one line look like a record of ``spec`` (an id, then a time)."""
    key, time = header.index(spec.key), header.index(spec.time)
    id_field, time_field = spec.field(spec.key), spec.field(spec.time)

    def starts(cells: list[str]) -> bool:
        try:
            id_field.from_text(cells[key])
            time_field.from_text(cells[time])
        except InvalidValue:
            return False
        return True

    return starts


_BOM = b"\xef\xbb\xbf"
# Empty cells stay "" (not NaN) and blank lines stay rows, so that line numbers hold.
_CSV = {"na_filter": False, "skip_blank_lines": False, "engine": "c", "header": 0}


def _fast_records(
    path: Path, whole: bytes, header: list[str], read_as: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Parse a well-formed file with pandas' C reader; None when anything is unusual.

    Only valid UTF-8 files whose every record is one line take this path; the result then
    matches `read_records` (which handles everything else): the same cells and lines,
    wholly empty rows dropped. pandas reads the file by its path (big files in parallel),
    and again from ``whole``, the bytes checked here, if the file changed in between.
    ``read_as`` names columns to read as ``"number"`` (whole numbers) or ``"category"``
    (texts); if pandas finds anything else in one (a decimal, a text that is all digits),
    the careful reader takes the file, so that every cell is read as written.
    """
    import io

    import numpy as np
    import pandas as pd
    from pandas.api.types import is_string_dtype

    data = whole.removeprefix(_BOM)
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    # Only a quoted cell can hold a line break; without quotes, each line is one record.
    physical = data.count(b"\n") + (not data.endswith(b"\n")) if b'"' in data else None
    read_as = read_as or {}
    dtype = {c: read_as.get(c, object) for c in header if read_as.get(c) != "number"}
    try:
        frame = pd.read_csv(path, names=header, dtype=dtype, **_CSV)
        with path.open("rb") as again:
            if again.read(len(whole) + 1) != whole:  # a writer came in between
                frame = pd.read_csv(io.BytesIO(whole), names=header, dtype=dtype, **_CSV)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None  # e.g. a row longer than the header
    # One record per line (no line break inside quotes), none taken as an index column.
    if frame.shape[1] != len(header) or not isinstance(frame.index, pd.RangeIndex):
        return None
    if physical is not None and len(frame) != physical - 1:
        return None
    for c, how in read_as.items():
        col = frame.get(c)
        if how == "number" and col is not None and col.dtype != np.int64:
            return None
        if how == "category" and col is not None and not is_string_dtype(col.cat.categories):
            return None
    # pandas pads a short row with empty cells: check each row whose last cell is empty.
    skipped = []
    suspects = np.flatnonzero(frame.iloc[:, -1].to_numpy() == "") if len(frame) else []
    lines = data.split(b"\n") if len(suspects) else []
    for i in suspects:
        try:
            cells = next(csv.reader([lines[i + 1].decode("utf-8")]), [])
        except csv.Error:
            return None
        if len(cells) == len(header):
            continue
        if any(c.strip() for c in cells):
            return None
        skipped.append(i)  # a wholly empty row, which the careful reader skips too
    numbers = np.arange(2, len(frame) + 2)
    if not skipped:
        return frame, numbers
    filled = np.ones(len(frame), dtype=bool)
    filled[skipped] = False
    return frame[filled].reset_index(drop=True), numbers[filled]


def _cells(raw: pd.DataFrame, name: str) -> pd.Categorical | np.ndarray:
    """A column for its field to read: numbers, a categorical of texts, or texts."""
    import pandas as pd

    col = raw[name] if name in raw else pd.Series([""] * len(raw), dtype=object)
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.array
    return col.to_numpy() if col.dtype.kind in "iu" else col.to_numpy(dtype=object)


def load_table(path: Path, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """Load one journal file.

    Parameters
    ----------
    path : Path
        The CSV file; a missing file is an empty table.
    spec : TableSpec
        Its columns.

    Returns
    -------
    table : DataFrame
        The latest usable row for every id not deleted, sorted by time: the spec's fields
        (typed), ``local_time`` (the wall-clock time as written, without offset) after the
        time column, and any column the user added (as text).
    problems : list of Problem
        Every line that could not be used, and why.
    """
    import numpy as np
    import pandas as pd

    if not path.exists():
        return empty_table(spec), []
    name = path.name
    whole = path.read_bytes()
    end = whole.find(b"\n")
    first = whole[: end if end >= 0 else None].removeprefix(_BOM)
    header = [c.strip() for c in next(csv.reader([first.decode("utf-8", "surrogateescape")]), [])]

    def text() -> str:
        return whole.removeprefix(_BOM).decode("utf-8", errors="surrogateescape")

    if _header_problems(name, spec, header, 0):
        rows = len(read_records(text())[1])
        return empty_table(spec), _header_problems(name, spec, header, rows)
    problems: list[Problem] = []
    read_as = {f.name: f.read_as for f in (*spec.fields, _ACTION) if f.read_as != "text"}
    fast = _fast_records(path, whole, header, read_as)
    if fast is not None:
        raw, lines = fast
    else:
        header, good, broken = read_records(text(), _record_start(spec, header))
        problems += _broken(name, header, broken)
        raw = pd.DataFrame([r.cells for r in good], columns=header, dtype=object)
        lines = np.array([r.line for r in good], dtype=np.int64)

    n = len(raw)
    cells = {f.name: _cells(raw, f.name) for f in (*spec.fields, _ACTION)}
    bad = np.zeros(n, dtype=bool)

    def report(column: str, whys: np.ndarray, applies: np.ndarray) -> None:
        nonlocal bad
        hit = (whys != "") & applies
        for i in np.flatnonzero(hit):
            cell = str(cells[column][i])
            problems.append(Problem(name, int(lines[i]), column, cell, whys[i]))
        bad |= hit

    everyone = np.ones(n, dtype=bool)
    actions, whys = _ACTION.column(cells["action"])
    report("action", whys, everyone)
    deleting = actions == "delete"
    values: dict[str, Any] = {}
    local = None
    for f in spec.fields:
        if f.name == spec.time:
            values[f.name], local, whys = f.read(cells[f.name])
        else:
            values[f.name], whys = f.column(cells[f.name])
        report(f.name, whys, everyone if f.name == spec.key else ~deleting)

    ids = values[spec.key]
    usable = np.flatnonzero(~bad)
    latest = usable
    if len(set(ids.tolist())) < n:  # corrections, deletions or a reused id
        codes = pd.factorize(ids)[0]
        again = np.ones(n, dtype=bool)
        again[np.unique(codes, return_index=True)[1]] = False  # the first row of each id
        again &= ((actions == "add") | pd.isna(actions)) & ~bad
        for i in np.flatnonzero(again):
            problems.append(Problem(name, int(lines[i]), spec.key, ids[i], _REUSED))
        last_first = np.unique(codes[usable][::-1], return_index=True)[1]
        latest = usable[len(usable) - 1 - last_first]
    problems.sort(key=lambda p: p.line)

    keep = np.zeros(n, dtype=bool)
    keep[latest] = True
    keep &= ~deleting
    rows = np.flatnonzero(keep)
    if len(rows) < n:  # (usually every row is kept: nothing to copy)
        values = {
            k: (v.iloc[rows] if isinstance(v, pd.Series) else v[rows]) for k, v in values.items()
        }
        local = local.iloc[rows]
    extra = {c: raw[c].to_numpy(dtype=object)[rows] for c in header if c not in spec.columns}
    return _frame(spec, values, local, extra), problems
