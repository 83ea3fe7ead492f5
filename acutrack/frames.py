"""A journal file read whole, at once, into a typed DataFrame (`load_table`).

The vectorised reader: pandas' C parser reads a well-formed file (`_fast_records`), the
careful record reader of `acutrack.csvstore` anything unusual, and whole columns are
checked at once. The rules it shares with the row-by-row readers (which version of an
entry stands, what a bad header or a torn row is) are `acutrack.loading`'s.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .csvstore import (
    CELL_LIMIT,
    read_records,
    table_names,
)
from .errors import InvalidValue
from .fields import CONDITIONS, ChoiceField, IntField, PositiveField, TimeField
from .records import Problem
from .tables import TableSpec

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

from .loading import (
    _ACTION,
    _AMBIGUOUS,
    _BOM,
    _RECORDED,
    _REUSED,
    _WHOLE_TEXT,
    _broken,
    _contradiction,
    _header_of,
    _header_problems,
    latest_rows,
)

__all__ = ["empty_table", "load_table"]


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
        # The user's own column keeps its name unless the table already has one like it.
        frame[f"{name} (your column)" if name in frame else name] = np.array(col, dtype=object)
    if frame[spec.time].is_monotonic_increasing:  # as appended, usually
        return frame
    return frame.sort_values(spec.time, kind="stable").reset_index(drop=True)


# Empty cells stay "" (not NaN) and blank lines stay rows, so that line numbers hold.
_CSV = {"na_filter": False, "skip_blank_lines": False, "engine": "c", "header": 0}


def _fast_records(
    whole: bytes, header: list[str], read_as: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Parse a well-formed file with pandas' C reader; None when anything is unusual.

    Only valid UTF-8 files whose every record is one line take this path; the result then
    matches `read_records` (which handles everything else): the same cells and lines,
    wholly empty rows dropped. pandas parses ``whole``, the bytes checked here: the file
    is read once.
    ``read_as`` names columns to read as ``"number"`` (whole numbers) or ``"category"``
    (texts); a column in which pandas finds anything else (a decimal, a text that is all
    digits) is read again as written, so that its cells are judged one by one without
    sending a long file to the careful reader for one odd cell.
    """

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
    if _line_over(data, CELL_LIMIT):  # a cell may be too long: `read_records` tells
        return None
    # Only a quoted cell can hold a line break; without quotes, each line is one record.
    physical = data.count(b"\n") + (not data.endswith(b"\n")) if b'"' in data else None
    read_as = read_as or {}
    dtype = {c: read_as.get(c, object) for c in header if read_as.get(c) != "number"}
    try:
        frame = pd.read_csv(io.BytesIO(whole), names=header, dtype=dtype, **_CSV)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None  # e.g. a row longer than the header
    # One record per line (no line break inside quotes), none taken as an index column.
    if frame.shape[1] != len(header) or not isinstance(frame.index, pd.RangeIndex):
        return None
    if physical is not None and len(frame) != physical - 1:
        return None
    odd = [
        c
        for c, how in read_as.items()
        if c in frame
        and (
            (how == "number" and frame[c].dtype != np.int64)
            or (how == "category" and not is_string_dtype(frame[c].cat.categories))
        )
    ]
    if odd:  # e.g. one decimal pain: only those columns again, as written
        again = pd.read_csv(
            io.BytesIO(whole), names=header, usecols=odd, dtype=dict.fromkeys(odd, object), **_CSV
        )
        for c in odd:
            frame[c] = again[c].to_numpy()
    # pandas pads a short row with empty cells: check each row whose last cell is empty.
    skipped = []
    suspects = np.flatnonzero(frame.iloc[:, -1].to_numpy() == "") if len(frame) else []
    lines = data.split(b"\n") if len(suspects) else []
    for i in suspects:
        try:
            cells = next(csv.reader([lines[i + 1].decode("utf-8")]), [])
        except csv.Error:
            return None
        if any(c.strip() for c in cells):
            if len(cells) == len(header):
                continue
            return None
        skipped.append(i)  # a row without any text, which the careful reader skips too
    numbers = np.arange(2, len(frame) + 2)
    if not skipped:
        return frame, numbers
    filled = np.ones(len(frame), dtype=bool)
    filled[skipped] = False
    return frame[filled].reset_index(drop=True), numbers[filled]


def _line_over(data: bytes, limit: int) -> bool:
    """Whether a line of ``data`` (lines end in ``\\n``) is longer than ``limit`` bytes.

    Only a line that covers a whole block of ``limit // 2`` bytes can be, so only such
    lines are measured: a file of short lines costs one search per block.
    """
    step = limit // 2
    for block in range(0, len(data), step):
        if data.find(b"\n", block, block + step) >= 0:
            continue
        end = data.find(b"\n", block)
        if (len(data) if end < 0 else end) - data.rfind(b"\n", 0, block) - 1 > limit:
            return True
    return False


def _cells(raw: pd.DataFrame, name: str) -> pd.Categorical | np.ndarray:
    """A column for its field to read: numbers, a categorical of texts, or texts."""
    import pandas as pd

    col = raw[name] if name in raw else pd.Series([""] * len(raw), dtype=object)
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.array
    return col.to_numpy() if col.dtype.kind in "iu" else col.to_numpy(dtype=object)


def load_table(
    path: Path, spec: TableSpec, data: bytes | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Load one journal file.

    Parameters
    ----------
    path : Path
        The CSV file; a missing or empty file is an empty table.
    spec : TableSpec
        Its columns.
    data : bytes, optional
        The file's bytes, when the caller has read them already.

    Returns
    -------
    table : DataFrame
        The latest usable row for every id not deleted, sorted by time: the spec's fields
        (typed), ``local_time`` (the wall-clock time as written, without offset) after the
        time column, and any column the user added (as text; one named like a column of
        the table gets `` (your column)`` after its name).
    problems : list of Problem
        Every line that could not be used, and why.
    """
    if data is None and not path.exists():
        return empty_table(spec), []
    name = path.name
    whole = path.read_bytes() if data is None else data
    header = _header_of(whole)
    text = whole.removeprefix(_BOM).decode("utf-8", errors="surrogateescape") if header else ""
    if not text.strip():
        return empty_table(spec), []
    problems, stops = _header_problems(name, spec, header, 0)
    if stops:
        _, good, _ = read_records(text)
        return empty_table(spec), _header_problems(name, spec, header, len(good))[0]
    names = table_names(header)
    raw, lines, broken = _raw_cells(name, spec, header, names, whole, text)
    problems += broken
    cells = {f.name: _cells(raw, f.name) for f in (*spec.fields, _ACTION, _RECORDED)}
    report = _reporter(name, spec, cells, lines, problems)
    values, local, actions, deleting, bad = _checked(spec, cells, len(raw), report)
    latest, ties = _standing(
        name, spec, header, values[spec.key], actions, cells, lines, bad, report, problems
    )
    problems.sort(key=lambda p: p.line)
    table = _kept_frame(spec, raw, names, values, local, latest, deleting)
    # Not a problem of reading (nothing is left out), so kept apart: `validate` shows them.
    table.attrs["ties"] = ties
    return table, problems


def _raw_cells(
    name: str, spec: TableSpec, header: list[str], names: list[str], whole: bytes, text: str
) -> tuple[pd.DataFrame, np.ndarray, list[Problem]]:
    """Cells and line numbers: fast when the file is plain, else carefully (torn rows reported)."""
    import numpy as np
    import pandas as pd

    read_as = {f.name: f.read_as for f in (*spec.fields, _ACTION) if f.read_as != "text"}
    fast = _fast_records(whole, names, read_as)
    if fast is not None:
        return *fast, []
    _, good, broken = read_records(text)
    raw = pd.DataFrame([r.cells for r in good], columns=names, dtype=object)
    lines = np.array([r.line for r in good], dtype=np.int64)
    return raw, lines, _broken(name, header, broken)


def _reporter(
    name: str, spec: TableSpec, cells: dict[str, Any], lines: np.ndarray, problems: list[Problem]
) -> Callable[[str, np.ndarray, np.ndarray], np.ndarray]:
    """A `report(column, whys, applies)` so every check records its cells' problems alike."""
    import numpy as np

    numbers = {f.name for f in spec.fields if isinstance(f, IntField)}

    def report(column: str, whys: np.ndarray, applies: np.ndarray) -> np.ndarray:
        hit = (whys != "") & applies
        for i in np.flatnonzero(hit):
            cell = str(cells[column][i])
            if column in numbers and _WHOLE_TEXT.fullmatch(cell):
                cell = str(int(cell))  # as read, " 11" and "+11" are 11, by either reader
            problems.append(Problem(name, int(lines[i]), column, cell, whys[i]))
        return hit

    return report


def _checked(
    spec: TableSpec, cells: dict[str, Any], n: int, report: Callable[..., np.ndarray]
) -> tuple[dict[str, Any], Any, np.ndarray, np.ndarray, np.ndarray]:
    """Each column typed and its bad cells reported, so only usable rows compete to stand."""
    import numpy as np

    bad = np.zeros(n, dtype=bool)
    everyone = np.ones(n, dtype=bool)
    actions, whys = _ACTION.column(cells["action"])
    bad |= report("action", whys, everyone)
    deleting = actions == "delete"
    values: dict[str, Any] = {}
    local = None
    for f in spec.fields:
        if f.name == spec.time:
            values[f.name], local, whys = f.read(cells[f.name])
        else:
            values[f.name], whys = f.column(cells[f.name])
        bad |= report(f.name, whys, everyone if f.name == spec.key else ~deleting)
    bad |= report("condition", _contradictions(spec, cells, n), ~deleting & ~bad)
    return values, local, actions, deleting, bad


def _standing(
    name: str,
    spec: TableSpec,
    header: list[str],
    ids: Any,
    actions: np.ndarray,
    cells: dict[str, Any],
    lines: np.ndarray,
    bad: np.ndarray,
    report: Callable[..., np.ndarray],
    problems: list[Problem],
) -> tuple[np.ndarray, list[Problem]]:
    """Which usable row stands for each entry once versions replace each other; and the ties."""
    import numpy as np
    import pandas as pd

    n = len(bad)
    usable = np.flatnonzero(~bad)
    codes = pd.factorize(ids)[0]
    counts = np.bincount(codes[usable], minlength=codes.max() + 1 if n else 0)
    if not (counts > 1).any():  # no corrections, deletions or reused ids
        return usable, []
    versions = usable[counts[codes[usable]] > 1]
    # When a row was written matters only between versions of one entry.
    recorded, _, whys = _RECORDED.read(cells["recorded_at"])
    whys[np.asarray(cells["recorded_at"], dtype=object) == ""] = ""  # missing is fine
    report("recorded_at", whys, np.isin(np.arange(n), versions))
    stamps = recorded.to_numpy(dtype="datetime64[s]")
    standing, reused = latest_rows(
        (
            int(i),
            ids[i],
            actions[i] or "add",
            None if np.isnat(stamps[i]) else int(stamps[i].astype(np.int64)),
        )
        for i in versions
    )
    ambiguous = "action" not in header
    if ambiguous:
        for i in versions:
            problems.append(Problem(name, int(lines[i]), spec.key, ids[i], _AMBIGUOUS))
        standing = {}
    for i in reused if not ambiguous else []:
        problems.append(Problem(name, int(lines[i]), spec.key, ids[i], _REUSED))
    single = usable[counts[codes[usable]] == 1]
    latest = np.sort(np.concatenate([single, np.array(list(standing.values()), dtype=int)]))
    return latest, _ties(name, versions, codes, stamps, lines, cells, actions)


def _kept_frame(
    spec: TableSpec,
    raw: pd.DataFrame,
    names: list[str],
    values: dict[str, Any],
    local: Any,
    latest: np.ndarray,
    deleting: np.ndarray,
) -> pd.DataFrame:
    """The table of standing rows that are not deletions (copied only when some are dropped)."""
    import numpy as np
    import pandas as pd

    n = len(raw)
    keep = np.zeros(n, dtype=bool)
    keep[latest] = True
    keep &= ~deleting
    rows = np.flatnonzero(keep)
    if len(rows) < n:  # (usually every row is kept: nothing to copy)
        values = {
            k: (v.iloc[rows] if isinstance(v, pd.Series) else v[rows]) for k, v in values.items()
        }
        local = local.iloc[rows]
    extra = {c: raw[c].to_numpy(dtype=object)[rows] for c in names if c not in spec.columns}
    return _frame(spec, values, local, extra)


_TIE = (
    "recorded at the same second as line {other}, another version of this entry: only "
    "their order in the file decides which stands, so sorting the file would change it. "
    "Correct the entry once more to settle it"
)


def _ties(name, versions, codes, stamps, lines, cells, actions) -> list[Problem]:
    """Corrections and deletions recorded in the same second as another version of their
    entry, the later line reported (an ``add`` that reuses an id is reported as such).

    acutrack never writes such a pair (each version is recorded at least a second after
    the one it replaces); an older version of it, or a hand edit, may have.
    """
    import numpy as np

    timed = versions[~np.isnat(stamps[versions])]
    ordered = timed[np.lexsort((lines[timed], stamps[timed], codes[timed]))]
    same = (codes[ordered][1:] == codes[ordered][:-1]) & (
        stamps[ordered][1:] == stamps[ordered][:-1]
    )
    same &= np.isin(np.asarray(actions, dtype=object)[ordered][1:], ("correct", "delete"))
    return [
        Problem(
            name,
            int(lines[j]),
            "recorded_at",
            cells["recorded_at"][j],
            _TIE.format(other=int(lines[i])),
        )
        for i, j in zip(ordered[:-1][same], ordered[1:][same], strict=True)
    ]


def _contradictions(spec: TableSpec, cells: dict[str, Any], n: int) -> np.ndarray:
    """Why each row's routine and condition cannot go together (``""`` where they can).

    Judged once per distinct pair of cells as written, not row by row.
    """
    import numpy as np
    import pandas as pd

    whys = np.full(n, "", dtype=object)
    if "condition" not in cells or "routine" not in cells or not n:
        return whys
    why = _contradiction(spec)
    routine, condition = pd.Categorical(cells["routine"]), pd.Categorical(cells["condition"])
    width = len(condition.categories) + 1
    pairs, inverse = np.unique(
        routine.codes.astype(np.int64) * width + condition.codes, return_inverse=True
    )
    for k, pair in enumerate(pairs.tolist()):
        r, c = divmod(pair, width)
        try:  # a cell that does not parse is reported as such already
            key = spec.field("routine").from_text(routine.categories[r])
            state = spec.field("condition").from_text(condition.categories[c])
        except (InvalidValue, IndexError):
            continue
        whys[inverse == k] = why(key, state)
    return whys
