"""The journal's tables as tidy CSV files, with ``data-dictionary.csv`` describing every
column (the descriptions are in `acutrack.export.dictionary`)."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from ..csvstore import ensure_private_dir
from ..errors import InvalidValue
from ..fields import escape_text
from .common import day, load, stamps
from .dictionary import COLUMNS, OWN_COLUMN, TIME, TIME_WHAT, WORDS

if TYPE_CHECKING:
    import pandas as pd

    from ..journal import Journal

DICTIONARY_FILE = "data-dictionary.csv"


def _tidy(name: str, table: pd.DataFrame, notes: bool) -> tuple[pd.DataFrame, list[tuple]]:
    """``table`` as written to CSV, and its dictionary rows."""
    import pandas as pd

    known = COLUMNS[name]
    time = next(c for c in known if c in TIME_WHAT)
    out = pd.DataFrame(index=table.index)
    rows = []
    for column in table.columns:
        if column == "local_time":  # its wall-clock time is in the time column's text
            continue
        described = known.get(column, OWN_COLUMN)
        if not notes and described in WORDS:
            continue
        values = table[column]
        if described[0] == "whole number":  # whole even with a gap (NaN makes them floats)
            values = values.astype("Int64")
        if column == time:
            cells = stamps(values, table["local_time"])
        elif column == "points":
            cells = [" ".join(p) for p in values]
        elif column == "since":
            cells = [day(v) or "" for v in values]
        elif described[0] == "text":
            # Guarded like the journal's own cells, so a spreadsheet shows them as written.
            cells = ["" if pd.isna(v) else escape_text(str(v)) for v in values]
        else:
            cells = values.astype(object).where(values.notna(), "")
            if column == "score":
                cells = [c if c == "" else round(c, 2) for c in cells]
        out[column] = list(cells)
        kind, unit, meaning = described
        if described is TIME:
            meaning = meaning.format(what=TIME_WHAT[column])
        rows.append((name, column, kind, unit, meaning))
    return out, rows


def write_csv(
    journal: Journal, folder: str | os.PathLike[str], *, notes: bool = False
) -> list[Path]:
    """Write the journal's tables as tidy CSV files, with a data dictionary.

    One file per table (``sessions.csv``, ``ratings.csv``, ``imported_ratings.csv``,
    ``peg.csv``, ``pgic.csv``, ``medications.csv``, ``screens.csv``), each as loaded: one
    row per entry as it stands (corrections applied, deletions left out), times in ISO
    8601 with the UTC offset they were recorded with, points separated by spaces, and
    nothing where a value is missing. Imported ratings keep their value as the app wrote
    it, its scale, how exactly the app gave the time, and the app and row they came from.
    ``data-dictionary.csv`` describes every column written: ``table``, ``column``,
    ``type``, ``unit_or_range`` and ``meaning``. Text that a spreadsheet would take for a
    formula or a number starts with an apostrophe, as in the journal's own files.

    Parameters
    ----------
    journal : Journal
    folder : str or Path
        Where to write; created (readable by its owner only) if missing. Files of the same
        names there are replaced.
    notes : bool
        Also export the notes, any columns the person added to the files themselves, and
        the names of the files ratings were imported from.

    Returns
    -------
    list of Path
        The files written, the dictionary last.

    Raises
    ------
    InvalidValue
        When ``folder`` is the journal's own folder.

    Examples
    --------
    >>> write_csv(at.Journal.default(), "for-my-clinic")  # doctest: +SKIP
    [PosixPath('for-my-clinic/sessions.csv'), ..., PosixPath('for-my-clinic/data-dictionary.csv')]
    """
    import pandas as pd

    folder = Path(folder)
    if journal.owns(folder / DICTIONARY_FILE):
        raise InvalidValue(
            "folder", str(folder), f"expected a folder other than the journal's own, {journal.path}"
        )
    tables = load(journal)
    texts, dictionary = {}, []
    for name, table in tables.items():
        tidy, rows = _tidy(name, table, notes)
        texts[f"{name}.csv"] = tidy.to_csv(index=False, lineterminator="\n")
        dictionary += rows
    columns = ["table", "column", "type", "unit_or_range", "meaning"]
    frame = pd.DataFrame(dictionary, columns=columns).map(escape_text)
    texts[DICTIONARY_FILE] = frame.to_csv(index=False, lineterminator="\n")
    ensure_private_dir(folder)
    paths = [folder / name for name in texts]
    # Every file is opened before any is written: where one cannot go, none is replaced.
    with ExitStack() as stack:
        files = [stack.enter_context(journal.private_output(p)) for p in paths]
        for file, text in zip(files, texts.values(), strict=True):
            file.write(text.encode("utf-8"))
    return paths
