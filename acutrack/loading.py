"""Reading a journal CSV file into a typed table, reporting every row it cannot use.

Good rows load; a bad row becomes a `Problem` (file, line, field, value, why) and is left
out of the table, never silently. Corrections and tombstones are resolved here: the latest
usable row for each id wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .csvstore import Record, read_records
from .errors import InvalidValue
from .records import Problem
from .schema import ACTIONS, CONDITIONS, ChoiceField, IntField, PositiveField, TableSpec, TimeField

if TYPE_CHECKING:
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


def _typed(spec: TableSpec, values: dict[str, pd.Series]) -> dict[str, pd.Series]:
    import pandas as pd

    out = {}
    for f in spec.fields:
        col = values[f.name]
        if isinstance(f, IntField):
            col = col.astype("int64" if f.required else "Int64")
        elif isinstance(f, PositiveField):
            col = col.astype("float64")
        elif isinstance(f, ChoiceField) and f.choices == CONDITIONS:
            col = pd.Categorical(col, categories=CONDITIONS)
        elif isinstance(f, TimeField):
            col = pd.to_datetime(col, utc=True)
        out[f.name] = col
    return out


def empty_table(spec: TableSpec, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table with no rows and the columns and dtypes of a loaded one."""
    import pandas as pd

    empty = pd.Series([], dtype=object)
    return _frame(spec, {f.name: empty for f in spec.fields}, empty, {c: empty for c in extra})


def _frame(
    spec: TableSpec, values: dict[str, pd.Series], local: pd.Series, extra: dict[str, pd.Series]
) -> pd.DataFrame:
    import pandas as pd

    values = {k: v.reset_index(drop=True) for k, v in values.items()}
    frame = pd.DataFrame(_typed(spec, values))
    local = pd.to_datetime(local.reset_index(drop=True))
    frame.insert(2, "local_time", local.to_numpy(dtype="datetime64[ns]"))
    for name, col in extra.items():
        frame[name] = col.to_numpy(dtype=object)
    return frame.sort_values(spec.time, kind="stable").reset_index(drop=True)


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
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    header, good, broken = read_records(text)
    problems = _broken(name, header, broken)
    in_header = _header_problems(name, spec, header, len(good))
    if in_header:
        return empty_table(spec), problems + in_header

    raw = pd.DataFrame([r.cells for r in good], columns=header, dtype=object).astype(str)
    lines = np.array([r.line for r in good], dtype=np.int64)
    for column in (*spec.columns, "action"):
        if column not in raw:
            raw[column] = ""  # optional columns a hand-made or older file may lack

    bad = np.zeros(len(raw), dtype=bool)

    def report(column: str, why: pd.Series, applies: np.ndarray) -> None:
        nonlocal bad
        hit = why.ne("").to_numpy() & applies
        for i in np.flatnonzero(hit):
            problems.append(Problem(name, int(lines[i]), column, raw[column].iat[i], why.iat[i]))
        bad |= hit

    actions, why = _ACTION.column(raw["action"])
    report("action", why, np.ones(len(raw), dtype=bool))
    deleting = actions.eq("delete").to_numpy()
    values = {}
    for f in spec.fields:
        values[f.name], why = f.column(raw[f.name])
        report(f.name, why, np.ones(len(raw), dtype=bool) if f.name == spec.key else ~deleting)

    ids = values[spec.key]
    added = actions.fillna("add").eq("add").to_numpy()
    again = (ids.duplicated() & added & ~bad).to_numpy()
    for i in np.flatnonzero(again):
        problems.append(Problem(name, int(lines[i]), spec.key, ids.iat[i], _REUSED))

    usable = ~bad
    latest = ids[usable].drop_duplicates(keep="last").index
    keep = np.zeros(len(raw), dtype=bool)
    keep[latest] = True
    keep &= ~deleting
    extra = {c: raw[c][keep] for c in header if c not in spec.columns}
    local = TimeField.wall_clock(raw[spec.time][keep])
    return _frame(spec, {k: v[keep] for k, v in values.items()}, local, extra), problems
