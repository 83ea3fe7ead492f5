"""Reading a journal CSV file into a typed table, reporting every row it cannot use.

Good rows load; a bad row becomes a `Problem` (file, line, field, value, why) and is left
out of the table, never silently. Corrections and tombstones are resolved here: the latest
usable row for each id wins.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
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
            col = pd.Categorical(col, categories=CONDITIONS)
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

    frame = pd.DataFrame(_typed(spec, values))
    frame.insert(2, "local_time", pd.to_datetime(pd.Series(local)).to_numpy(dtype="datetime64[ns]"))
    for name, col in extra.items():
        frame[name] = np.array(col, dtype=object)
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
# Every cell as text (categories or numbers inferred by pandas would lose how it was written).
_CSV = {"dtype": object, "na_filter": False, "skip_blank_lines": False, "engine": "c", "header": 0}


def _line_breaks(data: bytes) -> tuple[np.ndarray, bytes]:
    """Where each physical line ends, in ``data`` with its line breaks made ``\n``."""
    import numpy as np

    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    return (ends if data.endswith(b"\n") else np.append(ends, len(data))), data


def _skipped_lines(data: bytes, width: int) -> tuple[int, list[int]] | None:
    """The number of data lines, and those (1 = the first) the careful reader skips as empty.

    None when a line is not a one-line record of ``width`` cells (a short or long row, a
    line break inside quotes): such files go to the careful reader. Checked for all lines
    at once by counting commas; only lines holding quotes are read as CSV one by one.
    """
    import numpy as np

    ends, data = _line_breaks(data)
    raw = np.frombuffer(data, dtype=np.uint8)
    commas = np.diff(np.searchsorted(np.flatnonzero(raw == ord(",")), ends), prepend=0)
    quoted = np.zeros(len(ends), dtype=bool)
    quoted[np.searchsorted(ends, np.flatnonzero(raw == ord('"')))] = True
    odd = np.flatnonzero(quoted | (commas != width - 1))
    odd = odd[odd > 0]  # the header was read already
    starts = np.concatenate(([0], ends[:-1] + 1))
    skipped = []
    for k in odd:
        try:
            cells = next(csv.reader([data[starts[k] : ends[k]].decode("utf-8")]), [])
        except csv.Error:
            return None  # a quote left open: the record goes on past this line
        if len(cells) == width:
            continue
        if any(c.strip() for c in cells):
            return None
        skipped.append(int(k))
    return len(ends) - 1, skipped


def _fast_records(
    path: Path, whole: bytes, header: list[str]
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Parse a well-formed file with pandas' C reader; None when anything is unusual.

    Only valid UTF-8 files whose every record is one line take this path; the result then
    matches `read_records` (which handles everything else): the same cells and lines,
    wholly empty rows dropped. pandas reads the file by its path (big files in parallel),
    and again from ``whole``, the bytes checked here, if the file changed in between.
    """
    import io

    import numpy as np
    import pandas as pd

    data = whole.removeprefix(_BOM)
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    shape = _skipped_lines(data, len(header))
    if shape is None:
        return None
    count, skipped = shape
    try:
        frame = pd.read_csv(path, names=header, **_CSV)
        with path.open("rb") as again:
            if again.read(len(whole) + 1) != whole:  # a writer came in between
                frame = pd.read_csv(io.BytesIO(whole), names=header, **_CSV)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    lines = np.arange(2, len(frame) + 2)
    if frame.shape != (count, len(header)):
        return None
    if not skipped:
        return frame, lines
    filled = np.ones(len(frame), dtype=bool)
    filled[np.array(skipped) - 1] = False
    return frame[filled].reset_index(drop=True), lines[filled]


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
    fast = _fast_records(path, whole, header)
    if fast is not None:
        raw, lines = fast
    else:
        header, good, broken = read_records(text(), _record_start(spec, header))
        problems += _broken(name, header, broken)
        raw = pd.DataFrame([r.cells for r in good], columns=header, dtype=object)
        lines = np.array([r.line for r in good], dtype=np.int64)

    n = len(raw)
    cells = {
        f.name: pd.Categorical(raw[f.name] if f.name in raw else [""] * n)
        if f.few_values
        else (raw[f.name] if f.name in raw else pd.Series([""] * n)).to_numpy(dtype=object)
        for f in (*spec.fields, _ACTION)
    }
    bad = np.zeros(n, dtype=bool)

    def report(column: str, whys: np.ndarray, applies: np.ndarray) -> None:
        nonlocal bad
        hit = (whys != "") & applies
        for i in np.flatnonzero(hit):
            problems.append(Problem(name, int(lines[i]), column, cells[column][i], whys[i]))
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
    codes = pd.factorize(ids)[0]
    again = np.ones(n, dtype=bool)
    again[np.unique(codes, return_index=True)[1]] = False  # the first row of each id
    again &= ((actions == "add") | pd.isna(actions)) & ~bad
    for i in np.flatnonzero(again):
        problems.append(Problem(name, int(lines[i]), spec.key, ids[i], _REUSED))
    problems.sort(key=lambda p: p.line)

    usable = np.flatnonzero(~bad)
    last_first = np.unique(codes[usable][::-1], return_index=True)[1]
    latest = usable[len(usable) - 1 - last_first]
    keep = np.zeros(n, dtype=bool)
    keep[latest] = True
    keep &= ~deleting
    rows = np.flatnonzero(keep)
    kept = {k: (v.iloc[rows] if isinstance(v, pd.Series) else v[rows]) for k, v in values.items()}
    extra = {c: raw[c].to_numpy(dtype=object)[rows] for c in header if c not in spec.columns}
    return _frame(spec, kept, local.iloc[rows], extra), problems
