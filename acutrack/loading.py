"""Reading a journal CSV file into a typed table, reporting every row it cannot use.

Good rows load; a bad row becomes a `Problem` (file, line, field, value, why) and is left
out of the table, never silently. Corrections and tombstones are resolved here: the latest
usable row for each id wins.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .csvstore import read_records
from .records import Problem
from .schema import ACTIONS, CONDITIONS, ChoiceField, IntField, MinutesField, TableSpec, TimeField

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["empty_table", "load_table"]

_ACTION = ChoiceField("action", choices=ACTIONS, required=False)


def _typed(spec: TableSpec, values: dict[str, pd.Series]) -> dict[str, pd.Series]:
    import pandas as pd

    out = {}
    for f in spec.fields:
        col = values[f.name]
        if isinstance(f, IntField):
            col = col.astype("int64" if f.required else "Int64")
        elif isinstance(f, MinutesField):
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
    problems = [
        Problem(
            name,
            r.line,
            "",
            ",".join(r.cells)[:120],
            f"expected {len(header)} cells but found {len(r.cells)}: a damaged or torn line",
        )
        for r in broken
    ]
    repeated = sorted({c for c in header if header.count(c) > 1})
    missing = [c for c in spec.required_columns if c not in header]
    for column, why in [(c, "this column appears twice in the header") for c in repeated] + [
        (c, f"the header lacks this column, so none of the {len(good)} rows can be read")
        for c in missing
    ]:
        problems.append(Problem(name, 1, column, "", why))
    if missing or repeated:
        return empty_table(spec), problems

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
        report(f.name, why, np.ones(len(raw), dtype=bool) if f.name == "id" else ~deleting)

    ids = values["id"]
    added = actions.fillna("add").eq("add").to_numpy()
    again = (ids.duplicated() & added & ~bad).to_numpy()
    for i in np.flatnonzero(again):
        problems.append(
            Problem(
                name,
                int(lines[i]),
                "id",
                ids.iat[i],
                "this id was already used by an earlier row; this later row replaces it",
            )
        )

    usable = ~bad
    latest = ids[usable].drop_duplicates(keep="last").index
    keep = np.zeros(len(raw), dtype=bool)
    keep[latest] = True
    keep &= ~deleting
    extra = {c: raw[c][keep] for c in header if c not in spec.columns}
    local = TimeField.wall_clock(raw[spec.time][keep])
    return _frame(spec, {k: v[keep] for k, v in values.items()}, local, extra), problems
