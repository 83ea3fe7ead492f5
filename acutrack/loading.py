"""Reading a journal CSV file into a typed table, reporting every row it cannot use.

Good rows load; a bad row becomes a `Problem` (file, line, field, value, why) and is left
out of the table, never silently. Corrections and tombstones are resolved here, by one
rule for every file (`latest_rows`): the version of an entry with the latest
``recorded_at`` wins, ties and missing times broken by position in the file.

Here are the row-by-row readers (small files, one entry, the history of a file); a whole
entry file read at once into a DataFrame is `acutrack.frames`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .csvstore import (
    Record,
    cell_limit,
    first_line,
    long_cell,
    read_records,
    split_header,
    table_names,
)
from .errors import InvalidValue
from .fields import ACTIONS, ChoiceField, Field, TimeField
from .records import Problem
from .tables import TableSpec
from .words import plural

if TYPE_CHECKING:
    pass

__all__ = ["Row", "Version", "latest_rows", "read_entry", "read_rows", "read_versions"]

_ACTION = ChoiceField("action", choices=ACTIONS, required=False)
_RECORDED = TimeField("recorded_at", required=False)
_BOOKKEEPING = ("action", "recorded_at")
_REUSED = "this id was already used by an earlier row; this later row replaces it"
_AMBIGUOUS = (
    "this id has several rows, and without the column action acutrack cannot tell which "
    "one stands (a correction, a deletion?): restore that column"
)


def __getattr__(name: str) -> re.Pattern[str]:
    """``_WHOLE_TEXT``, the whole numbers `frames` reads, compiled when it is first asked
    for: a cold `acutrack log` does not use it."""
    if name != "_WHOLE_TEXT":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    pattern = globals()[name] = re.compile(r"\s*[+-]?[0-9]{1,30}\s*")
    return pattern


def latest_rows(
    rows: Iterable[tuple[int, str, str, float | None]],
) -> tuple[dict[str, int], list[int]]:
    """Which row of each entry stands: the one rule every reader of the journal follows.

    Parameters
    ----------
    rows : iterable of (position, key, action, recorded)
        The usable rows in file order: position in the file, the entry's key, its action
        (``add``, ``correct`` or ``delete``) and when it was recorded (seconds, or None
        when the file does not say).

    Returns
    -------
    latest : dict
        Key → position of its standing row; deleted entries are left out.
    reused : list of int
        Positions of ``add`` rows whose key an earlier version already used.

    Notes
    -----
    Versions are ordered by ``recorded_at``; a row without one counts as recorded with
    the version of the same entry before it in the file (so it follows that version), and
    equal times keep their order in the file. So re-sorting the rows in a spreadsheet
    changes nothing, a file without times is read in its own order, and one entry's
    standing row depends on its own rows alone (which lets `read_entry` read only those).
    """
    timed = []
    before: dict[str, float] = {}
    for position, key, action, recorded in rows:
        if recorded is not None:
            before[key] = recorded
        timed.append((before.get(key, float("-inf")), position, key, action))
    standing: dict[str, tuple[int, str]] = {}
    reused = []
    for _, position, key, action in sorted(timed):
        if action == "add" and key in standing:
            reused.append(position)
        standing[key] = (position, action)
    latest = {key: pos for key, (pos, action) in standing.items() if action != "delete"}
    return latest, sorted(reused)


def _broken(name: str, header: list[str], broken: list[Record]) -> list[Problem]:
    def why(r: Record) -> str:
        found = f"expected {len(header)} cells but found {len(r.cells)}"
        if r.end <= r.line:
            return f"{found}: a damaged or torn line"
        return (
            f"{found} in one record over lines {r.line}–{r.end}: a quote opened on line "
            f"{r.line} runs on (a torn write leaves this); nothing inside it was read as "
            "an entry"
        )

    def problem(r: Record) -> Problem:
        long = long_cell(r.cells, header)
        if long is None:
            return Problem(name, r.line, "", ",".join(r.cells)[:120], why(r))
        column, cell, too_long = long
        return Problem(name, r.line, column, cell, f"{too_long}: the row was left out")

    return [problem(r) for r in broken]


def _renamed(column: str, header: list[str], spec: TableSpec) -> str:
    """A hint naming a column of the file that may be ``column`` renamed."""
    import difflib  # only for a damaged header

    strangers = [c for c in header if c and c not in spec.columns]
    close = difflib.get_close_matches(column.lower(), [c.lower() for c in strangers], 1, 0.6)
    if not close:
        return ""
    found = next(c for c in strangers if c.lower() == close[0])
    return f" (is the column {found!r} it, renamed?)"


def _header_problems(
    name: str, spec: TableSpec, header: list[str], rows: int
) -> tuple[list[Problem], bool]:
    """What is wrong with a header, and whether that stops its rows from being read."""
    if len(header) == 1 and header[0].count(";") >= 2:
        why = (
            "the cells of this file are separated by ';' (a spreadsheet setting in some "
            "languages); acutrack reads ','. Save it again as CSV with commas"
        )
        return [Problem(name, 1, "", header[0][:120], why)], True
    repeated = sorted({c for c in header if c in spec.columns and header.count(c) > 1})
    found = [Problem(name, 1, c, "", "this column appears twice in the header") for c in repeated]
    missing = [
        c
        for c in spec.columns
        if c not in header and c not in _BOOKKEEPING and c not in spec.added_later
    ]
    for c in missing:
        if c in spec.required_columns:
            why = f"the header lacks this column, so none of its {plural(rows, 'row')} can be read"
        else:
            why = "the header lacks this column, so every row reads it as empty"
        found.append(Problem(name, 1, c, "", why + _renamed(c, header, spec)))
    stops = bool(repeated) or any(c in spec.required_columns for c in missing)
    return sorted(found, key=lambda p: p.field), stops


def _contradiction(spec: TableSpec) -> Callable[[str, str], str]:
    """Why a routine and a condition cannot go together (``""`` when they can)."""
    try:
        catalog = spec.field("routine").catalog  # type: ignore[attr-defined]
        spec.field("condition")
    except InvalidValue:
        return lambda routine, condition: ""

    def why(routine: str, condition: str) -> str:
        fixed = catalog.routine(routine)
        if fixed.condition and condition != fixed.condition:
            other = f"; a {condition} session uses {fixed.twin!r}" if fixed.twin else ""
            return f"routine {routine!r} is always {fixed.condition}{other}"
        return ""

    return why


# Compared by identity, never changed once made, and not shown: a dataclass without the
# generated __eq__, __repr__ and frozen __setattr__ and __delattr__ (each compiled from
# source at import, which every cold `acutrack log` pays) is several times quicker to make.
@dataclass(eq=False, repr=False)
class Row:
    """The latest usable row for one key: its line, parsed values and cells as written."""

    line: int
    values: dict[str, Any]
    cells: dict[str, str]


def _recorded(text: str) -> tuple[float | None, str]:
    """A row's ``recorded_at`` as seconds (None when empty or bad) and why it is bad."""
    try:
        moment = _RECORDED.from_text(text) if text.strip() else None
    except InvalidValue as err:
        return None, err.allowed
    return (None if moment is None else moment.timestamp()), ""


def read_rows(
    path: Path, spec: TableSpec, data: bytes | None = None
) -> tuple[dict[str, Row], list[Problem]]:
    """Load a small file row by row, without pandas (user routines, points, plans).

    Same rules as `load_table`: bad rows are reported, the latest usable row for each key
    wins (`latest_rows`), and a tombstone removes the key. ``data`` is the file's bytes,
    when the caller has read them already.
    """
    header, good, problems = _well_formed(path, spec, data)
    if not good:
        return {}, problems
    rows, found = _resolve(path.name, spec, header, good)
    return rows, sorted(problems + found, key=lambda p: p.line)


@dataclass(eq=False, repr=False)  # as `Row`
class Version:
    """One readable row of a file: an entry's version as it was written."""

    line: int
    key: str
    action: str
    values: dict[str, Any]
    recorded: float | None


def read_versions(
    path: Path, spec: TableSpec, data: bytes | None = None
) -> tuple[list[Version], list[Problem]]:
    """Every readable row of a small file in file order, and what could not be read.

    For readers that need the history rather than the standing entries (which red-flag
    answer stands depends on the order answers were written in). `latest_rows` over the
    versions gives the standing ones, as `read_rows` does. ``data`` as for `read_rows`.
    """
    header, good, problems = _well_formed(path, spec, data)
    parsed, found = _parse(path.name, spec, header, good)
    versions = [
        Version(
            line=record.line,
            key=values[spec.key],
            action=action,
            values=values,
            recorded=_recorded(cells.get("recorded_at", ""))[0],
        )
        for record, cells, values, action in parsed
    ]
    return versions, sorted(problems + found, key=lambda p: p.line)


def _well_formed(
    path: Path, spec: TableSpec, data: bytes | None = None
) -> tuple[list[str], list[Record], list[Problem]]:
    """A file's header, its well-formed records (none when the header stops them all) and
    the problems of its header and of its damaged lines."""
    if data is None:
        if not path.exists():
            return [], [], []
        data = path.read_bytes()
    header, good, broken = read_records(data.decode("utf-8", errors="surrogateescape"))
    if not header:
        return [], [], []
    problems, stops = _header_problems(path.name, spec, header, len(good))
    return header, [] if stops else good, problems + _broken(path.name, header, broken)


_BOM = b"\xef\xbb\xbf"

#: Files up to this size are read whole to find one entry (simple, and quick anyway).
FIND_WHOLE_BELOW = 1 << 20


def read_entry(path: Path, spec: TableSpec, key: str) -> Row | None:
    """The standing row of one entry, reading only the records that mention its key.

    A long journal is not parsed whole to correct or delete one entry: the file is
    searched for the key's bytes, and only records that start at a record boundary (an
    even number of quotes before them, so never a line inside a quoted note) and hold the
    key in the key column are read, with the same rules as `read_rows`. Small files are
    read whole.
    """
    if not path.exists():
        return None
    if path.stat().st_size < FIND_WHOLE_BELOW:
        return read_rows(path, spec)[0].get(key)
    data = path.read_bytes()  # bytes.find and bytes.count run at memory speed
    header = _header_of(data)
    if _header_problems(path.name, spec, header, 0)[1] or spec.key not in header:
        return None
    records = list(_records_mentioning(data, header, header.index(spec.key), key))
    return _resolve(path.name, spec, header, records)[0].get(key)


def _header_of(data: bytes) -> list[str]:
    """The column names of a file's bytes, read from its first line alone, however long."""
    head = data[: data.find(b"\n") + 1 or len(data)].removeprefix(_BOM)
    return split_header(first_line(head.decode("utf-8", "surrogateescape")))[0]


def _records_mentioning(data: bytes, header: list[str], at: int, key: str) -> Iterable[Record]:
    """Whole well-formed records of ``data`` (as `read_records` tells them) whose cell
    ``at`` is ``key``."""
    needle = key.encode("utf-8")
    quotes = line_ends = checked = 0
    position = data.find(needle)
    while position >= 0:
        start = max(data.rfind(b"\n", 0, position), data.rfind(b"\r", 0, position)) + 1
        quotes += data.count(b'"', checked, start)
        line_ends += data.count(b"\n", checked, start) or data.count(b"\r", checked, start)
        checked = start
        if quotes % 2 == 0:  # a record starts here, not a line inside a quoted cell
            end = start
            while True:  # to the end of the record: its quotes balanced, then a line end
                end = data.find(b"\n", end + 1)
                end = len(data) if end < 0 else end + 1
                if data.count(b'"', start, end) % 2 == 0 or end == len(data):
                    break
            chunk = data[start:end].decode("utf-8", errors="surrogateescape")
            with cell_limit(len(chunk)):
                cells = next(csv.reader(io.StringIO(chunk, newline="")), [])
            if (
                len(cells) == len(header)
                and cells[at].strip() == key
                and not long_cell(cells, header)
            ):
                yield Record(line_ends + 1, cells)
        position = data.find(needle, max(position + 1, start + 1))


def _resolve(
    name: str, spec: TableSpec, header: list[str], good: list[Record]
) -> tuple[dict[str, Row], list[Problem]]:
    """The standing row of each key among well-formed records, and the rows' problems."""
    usable, problems = _parse(name, spec, header, good)
    parsed = [(*row, None) for row in usable]
    keys = [values[spec.key] for _, _, values, _, _ in parsed]
    counts = Counter(keys)
    repeated = len(counts) < len(keys)
    for i, (record, cells, values, action, _) in enumerate(parsed):
        # Every row's time (a row without one takes the time of the row before it), but a
        # bad one is reported only between versions of one entry, where it matters.
        recorded, why = _recorded(cells.get("recorded_at", ""))
        parsed[i] = (record, cells, values, action, recorded)
        if why and counts[keys[i]] > 1:
            problems.append(Problem(name, record.line, "recorded_at", cells["recorded_at"], why))
    latest, reused = latest_rows(
        (i, values[spec.key], action, recorded)
        for i, (_, _, values, action, recorded) in enumerate(parsed)
    )
    if repeated and "action" not in header:
        latest = {k: i for k, i in latest.items() if counts[k] == 1}
        problems += [
            Problem(name, parsed[i][0].line, spec.key, keys[i], _AMBIGUOUS)
            for i in range(len(parsed))
            if counts[keys[i]] > 1
        ]
    else:
        problems += [Problem(name, parsed[i][0].line, spec.key, keys[i], _REUSED) for i in reused]
    rows = {key: Row(parsed[i][0].line, parsed[i][2], parsed[i][1]) for key, i in latest.items()}
    return rows, problems


def _parse(
    name: str, spec: TableSpec, header: list[str], good: list[Record]
) -> tuple[list[tuple[Record, dict[str, str], dict[str, Any], str]], list[Problem]]:
    """Each well-formed record parsed (record, cells, values, action), in file order, and
    the problems of the records that cannot be used."""
    problems: list[Problem] = []
    names = table_names(header)
    contradiction = _contradiction(spec)
    parsed: list[tuple[Record, dict[str, str], dict[str, Any], str]] = []
    # Each field's reading of each distinct cell, parsed once: most columns repeat from row
    # to row (a plan's id, routine, condition; the action), and a field's reading of a cell
    # is always the same value (never a mutable one) or the same refusal.
    read: dict[tuple[Field, str], Any] = {}
    for record in good:
        cells = dict(zip(names, record.cells, strict=True))
        errors = []
        action = _read_cell(read, _ACTION, cells.get("action", ""))
        if isinstance(action, InvalidValue):
            errors.append(action)
            action = None
        action = action or "add"
        values = {}
        for f in spec.fields:
            if action == "delete" and f.name != spec.key:
                continue
            value = _read_cell(read, f, cells.get(f.name, ""))
            if isinstance(value, InvalidValue):
                errors.append(value)
            else:
                values[f.name] = value
        if not errors and action != "delete" and {"routine", "condition"} <= values.keys():
            why = contradiction(values["routine"], values["condition"])
            if why:
                errors.append(InvalidValue("condition", values["condition"], why))
        problems += [Problem(name, record.line, e.field, str(e.value), e.allowed) for e in errors]
        if not errors:
            parsed.append((record, cells, values, action))
    return parsed, problems


def _read_cell(read: dict[tuple[Field, str], Any], field: Field, cell: str) -> Any:
    """``field``'s value of ``cell``, or the `InvalidValue` refusing it, via ``read``."""
    try:
        return read[field, cell]
    except KeyError:
        pass
    try:
        value = field.from_text(cell)
    except InvalidValue as err:
        value = err
    read[field, cell] = value
    return value
