"""Bringing a history in from other apps: Bearable, Privacy Friendly Pain Diary, any CSV.

A source file is read into *items* (one per entry to make: a pain rating or a medicine),
each with a ``source_key`` that names the source record by its content, and handed to
`Journal.import_records`, which adds each record once, however often, and however
overlapping, the exports it comes in. Everything not brought in is counted by reason,
with the rows it was on.

Conventions (the README's "Import from other apps" gives them to people):

- A time given as a part of the day becomes a representative time (`PART_OF_DAY`); a time
  missing, or "all day", becomes 12:00. The precision (``exact``, ``part-of-day``,
  ``day``) is kept with the entry in the ledger, ``imports.csv``. Times without a UTC
  offset are the computer's local time, as everywhere in the journal.
- A rating on a 0-to-N scale other than 0–10 becomes 0–10 by `to_ten`; the original value
  and its scale are kept in the ledger. Such ratings, and ratings given only a day, go to
  ``imported_ratings.csv`` (`Journal.imported_ratings`): trends, verdicts and pain alerts
  read check-ins alone.
- Dates such as ``03/04/21`` need to know whether the day or the month comes first: from
  the file itself when one of its dates has a number above 12 there, else from
  ``date_order``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..csvstore import Record
from ..errors import InvalidValue, shown
from ..tables import IMPORT_APPS
from . import moments, reading, sources
from .common import DAMAGED, KNOWN, REPEATED, Draft, ImportRefused
from .moments import PART_OF_DAY, WHOLE_DAY

if TYPE_CHECKING:
    from ..journal import Journal

__all__ = [
    "PART_OF_DAY",
    "WHOLE_DAY",
    "ImportRefused",
    "ImportReport",
    "by_source",
    "import_file",
    "imported_source",
    "to_ten",
]

_SCALE = re.compile(r"\s*0\s*[-–]\s*([0-9]{1,3})\s*")
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a digit of another script: ٤, ४, ４
_EXAMPLES = 3  # examples shown for each reason a row was skipped
_DAMAGED_SHOWN = 10


def to_ten(value: int, top: int) -> int:
    """A rating on a 0-to-``top`` scale as a whole number on 0–10, rounded half up.

    ``value × 10 / top``: on 0–4, 0 1 2 3 4 become 0 3 5 8 10; on 0–3, 0 1 2 3 become
    0 3 7 10.
    """
    return (20 * value + top) // (2 * top)  # exact integer arithmetic: no float ties


@dataclass(frozen=True)
class Item:
    """One entry to make from a source record (see `Journal.import_records`)."""

    kind: str
    values: dict[str, Any]
    source_key: str
    source_row: int
    precision: str
    scale: str
    original: str
    word: str = ""  # the part of the day its time stands for, if it is not exact
    decided: str = ""  # how its local time was read, when daylight saving made it unclear


@dataclass
class ImportReport:
    """What an import added (or, in a dry run, would add) and what it left out, and why.

    Attributes
    ----------
    app, file : str
        The source's app and the file's name.
    rows : int
        Records read from the file (its header aside).
    dry_run : bool
        Nothing was written.
    added : list of Item
        The entries made (or that would be), each with its source row.
    skipped : dict
        Reason → list of ``(row, what)``: every row (or part of one) not imported.
    left_out : dict
        A column of the source that acutrack has no place for → how many rows had it.
    notes : list of str
        How dates, times and scales were read.
    mended : list of Item
        Entries imported before whose ledger rows were missing (an import stopped
        between its two writes): their rows are written again (or, in a dry run, would be).
    """

    app: str
    file: str
    rows: int = 0
    dry_run: bool = False
    added: list[Item] = field(default_factory=list)
    skipped: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    left_out: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    mended: list[Item] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many entries of each kind were added: ``ratings``, ``imported_ratings``, ..."""
        return dict(Counter(item.kind for item in self.added))

    def skip(self, reason: str, row: int, what: str = "") -> None:
        self.skipped.setdefault(reason, []).append((row, what))

    def summary(self) -> str:
        """The report in a few lines for people (what ``acutrack import`` prints)."""
        lines = [f"{APP_NAMES[self.app]} file {shown(self.file)}: {self.rows} rows read."]
        lines += self.notes
        lines += _times_used(self.added) + _clock_changes(self.added)
        counts = self.counts()
        made = [
            f"{counts[kind]} {one if counts[kind] == 1 else many}{where}"
            for kind, (one, many, where) in _KIND_WORDS.items()
            if counts.get(kind)
        ]
        verb = "Would add" if self.dry_run else "Added"
        lines.append(f"{verb} {len(self.added)}" + (f": {', '.join(made)}." if made else "."))
        if self.mended:
            lines.append(
                f"{'Would restore' if self.dry_run else 'Restored'} where "
                f"{len(self.mended)} entries imported before came from (their record in "
                "imports.csv was missing)."
            )
        if self.skipped:
            lines.append(f"Not imported: {sum(map(len, self.skipped.values()))}")
        for reason, rows in self.skipped.items():
            cut = _DAMAGED_SHOWN if reason == DAMAGED else _EXAMPLES
            examples = "; ".join(f"row {n}{f' {what}' if what else ''}" for n, what in rows[:cut])
            more = f"; … {len(rows) - cut} more" if len(rows) > cut else ""
            lines.append(f"  {len(rows)} {reason}: {examples}{more}")
        if self.left_out:
            parts = ", ".join(f"{name} on {n} rows" for name, n in self.left_out.items())
            lines.append(f"Not kept from any row (acutrack has no place for it): {parts}.")
        if self.dry_run:
            lines.append("Nothing was written (dry run).")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


#: Each app's name for people.
APP_NAMES = {"bearable": "Bearable", "pain-diary": "Privacy Friendly Pain Diary", "csv": "CSV"}
_KIND_WORDS = {  # (one, more, where they go)
    "ratings": ("pain rating", "pain ratings", " on 0–10 (with your check-ins)"),
    "imported_ratings": (
        "pain rating",
        "pain ratings",
        " on another scale or without a time of day (kept apart from your check-ins: shown "
        "on the pain charts on their days, not averaged)",
    ),
    "medications": ("medicine", "medicines", ""),
}


def imported_source(app: str, scale: str) -> str:
    """Where imported ratings came from and on what scale, in words.

    Parameters
    ----------
    app : str
        The app as `Journal.imported_ratings` gives it (``bearable``, ...); empty when
        its record is lost.
    scale : str
        The source's scale, ``"0-4"``; empty when its record is lost.

    Returns
    -------
    str
        E.g. ``"from Bearable, 0–4 scale shown as 0–10"``.
    """
    source = f"from {APP_NAMES.get(app, 'another app')}"
    if not scale:
        return f"{source}, shown on 0–10"
    scale = scale.replace("-", "–")
    return f"{source}, {scale} scale" + ("" if scale == "0–10" else " shown as 0–10")


def by_source(imported: Any) -> Iterator[tuple[str, Any]]:
    """Imported ratings grouped by the app and scale they came from.

    Parameters
    ----------
    imported : DataFrame
        As `Journal.imported_ratings` returns.

    Yields
    ------
    (str, DataFrame)
        Each source in words (`imported_source`) and its ratings, in order of first
        appearance.
    """
    keys = [imported["app"].fillna(""), imported["scale"].fillna("")]
    for (app, scale), rows in imported.groupby(keys, sort=False):
        yield imported_source(app, scale), rows


def _times_used(items: list[Item]) -> list[str]:
    """A line saying which representative times were used, if any."""
    words = Counter(item.word for item in items if item.precision != "exact")
    if not words:
        return []
    parts = [
        f"{word} → {(PART_OF_DAY.get(word) or WHOLE_DAY):%H:%M} ({n})"
        for word, n in sorted(words.items(), key=lambda kv: PART_OF_DAY.get(kv[0], WHOLE_DAY))
    ]
    return ["Times given as a part of the day or not at all: " + ", ".join(parts) + "."]


def _clock_changes(items: list[Item]) -> list[str]:
    """A line naming the local times that daylight saving made unclear, if any."""
    decided = [item for item in items if item.decided]
    if not decided:
        return []
    examples = "; ".join(f"row {item.source_row} {item.decided}" for item in decided[:_EXAMPLES])
    more = f"; … {len(decided) - _EXAMPLES} more" if len(decided) > _EXAMPLES else ""
    times = "local time" if len(decided) == 1 else "local times"
    return [f"Daylight saving: {len(decided)} {times} read by the rule: {examples}{more}."]


def import_file(
    journal: Journal,
    app: str,
    path: str | Path,
    *,
    mapping: str | dict[str, str] | None = None,
    scale: str | None = None,
    date_order: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import pain ratings and medicines from another app's export into ``journal``.

    Parameters
    ----------
    journal : Journal
    app : {"bearable", "pain-diary", "csv"}
        Bearable's CSV export (long format: ``date, weekday, time of day, category,
        rating/amount, detail, notes``, or with ``date formatted`` after ``date``);
        Privacy Friendly Pain Diary's CSV export (the export of its pull request #18:
        ``Date, Conditions, Pain Level (0-10), Body Regions, Pain nature, Times of pain,
        Drug Intakes, Comment``); or any CSV file with ``mapping``.
    path : str or Path
        The file.
    mapping : str or dict, optional
        For ``csv`` only: which column holds what, ``"time=Date,pain=Pain Level"``, with
        ``location=`` and ``notes=`` optional.
    scale : str, optional
        The source's pain scale, ``"0-4"`` style: for ``csv`` (default 0-10) and
        ``bearable`` (default 0-4, its symptom scale; ``0-3`` for an export rated so).
    date_order : {"DMY", "MDY"}, optional
        Whether ``03/04/21`` is 3 April or March 4. Required when the file's own dates do
        not tell (no date in it has a day above 12).
    dry_run : bool
        Report what would be added and write nothing.

    Returns
    -------
    ImportReport
        What was added (or would be) and what was not, with reasons and row numbers.

    Raises
    ------
    ImportRefused
        When the file cannot be imported as asked: unreadable, not the app's format,
        dates that need ``date_order``. Nothing is written then.
    InvalidValue
        For a bad ``mapping``, ``scale`` or ``date_order``.

    Notes
    -----
    Each source record is imported once: its ``source_key`` (a hash of what identifies
    it, never its row number) goes into ``imports.csv`` with the entry it made, so the
    same file imported again adds nothing, a later overlapping export adds only its new
    records, and a record whose entry you deleted is not brought back. A record repeated
    within one file is imported once. A damaged row (a date that does not exist, pain 11
    on 0–10, a wrong number of cells) is reported with its line; the rest is imported.

    Examples
    --------
    >>> report = import_file(j, "csv", "sheet.csv", mapping="time=Date,pain=Pain")  # doctest: +SKIP
    >>> report.counts()                                                   # doctest: +SKIP
    {'ratings': 41, 'imported_ratings': 3}
    """
    if app not in IMPORT_APPS:
        raise InvalidValue("app", app, f"expected one of {', '.join(IMPORT_APPS)}")
    order = moments.date_order(date_order)
    if mapping is not None and app != "csv":
        raise ImportRefused(f"--map is for `import csv`; a {APP_NAMES[app]} file has its own")
    if scale is not None and app == "pain-diary":
        raise ImportRefused("--scale is not for the Pain Diary: its pain levels are 0-10")
    path = Path(path)
    report = ImportReport(app, path.name, dry_run=dry_run)
    drafts, top = _drafts(journal, app, path, report, mapping, scale)
    items = _items(
        drafts, report, app, top, moments.resolve_order(drafts, order, report, path.name)
    )
    _stored(
        journal.import_records(items, app=app, source_file=path.name[:255], dry_run=dry_run), report
    )
    return report


def _drafts(journal, app, path, report, mapping, scale) -> tuple[list, int]:
    """The file read by its app's reader (streamed): its drafts, and the top of its scale."""
    with reading.opened(path, journal.path) as source:
        header = _header(source.header, path.name)
        report.notes += [source.note] if source.note else []
        records = _counted(source.records, report)
        if app == "bearable":
            top = scale_top(scale, 4)
            return sources.bearable(header, records, report, top, scale is not None), top
        if app == "pain-diary":
            return sources.pain_diary(header, records, report), 10
        top = scale_top(scale, 10)
        at = sources.mapping(mapping, header)
        return sources.generic(header, records, report, at, top), top


def _stored(outcome, report: ImportReport) -> None:
    """What `Journal.import_records` added, knew, refused and mended, into ``report``."""
    added, known, invalid, mended = outcome
    report.added, report.mended = added, mended
    for item in known:
        report.skip(KNOWN, item.source_row)
    for item, err in invalid:
        report.skip(DAMAGED, item.source_row, f"{err.field}: {err.allowed} ({shown(err.value)})")
    report.skipped = {
        reason: sorted(rows)
        for reason, rows in sorted(report.skipped.items(), key=lambda kv: -len(kv[1]))
    }


def scale_top(text: str | None, default: int) -> int:
    """The top of a 0-to-N scale given as ``"0-4"`` (``default`` when None).

    Raises
    ------
    InvalidValue
        For anything but a scale from 0 to 1–100.
    """
    if text is None:
        return default
    match = _SCALE.fullmatch(text)
    if not match or not 1 <= int(match[1]) <= 100:
        raise InvalidValue("scale", text, "expected a scale such as 0-4 or 0-10 (0 to 1–100)")
    return int(match[1])


def _header(header: list[str], name: str) -> list[str]:
    """The header, unless it shows that the file's cells are not separated by commas."""
    if len(header) == 1:
        for separator, word in ((";", "';'"), ("\t", "tabs")):
            if separator in header[0]:
                raise ImportRefused(
                    f"the cells of {shown(name)} are separated by {word}; save it again as "
                    "CSV with commas"
                )
    return header


def _counted(records: Iterator[tuple[Record, str]], report: ImportReport) -> Iterator[Record]:
    """The well-formed records; each record is counted, each damaged one reported."""
    for record, damage in records:
        report.rows += 1
        if damage:
            report.skip(DAMAGED, record.line, damage)
        else:
            yield record


def _items(
    drafts: list[Draft], report: ImportReport, app: str, top: int, order: str | None
) -> list[Item]:
    """The drafts as items for the journal: dated, keyed, converted; in-file repeats once."""
    items = []
    first: dict[str, int] = {}
    for draft in drafts:
        # One rule with the command line: digits are 0-9; ٤ is not read as 4.
        foreign = next(
            (t for t in (draft.day, draft.when, draft.original) if _OTHER_DIGIT.search(t)), None
        )
        if foreign is not None:
            report.skip(
                DAMAGED,
                draft.line,
                f"{shown(foreign)} has digits other than 0-9, which acutrack does not read",
            )
            continue
        try:
            moment, precision, word = moments.moment(draft, order)
        except ValueError as err:
            what = draft.day if not draft.when else f"{draft.day} {draft.when}"
            report.skip(DAMAGED, draft.line, f"date or time {shown(what)}: {err}")
            continue
        # Keyed by the time as the file gives it, before daylight saving is applied.
        when = moment.isoformat() if precision == "exact" else f"{moment.date()} {precision} {word}"
        key = hashlib.sha256("\x1f".join((app, when, *draft.identity)).encode()).hexdigest()[:32]
        if key in first:
            report.skip(REPEATED, draft.line, f"(row {first[key]})")
            continue
        first[key] = draft.line
        moment, decided = moments.local(moment)
        values = dict(draft.values)
        if draft.kind == "medications":
            values["taken_at"] = moment
            kind, scale = "medications", ""
        else:
            if draft.value is None or draft.value > top:
                report.skip(
                    DAMAGED,
                    draft.line,
                    f"pain {shown(draft.original)} is not a whole number from 0 to {top}",
                )
                continue
            values["rated_at"] = moment
            values["pain"] = to_ten(draft.value, top)
            joins = top == 10 and precision != "day"
            kind, scale = ("ratings" if joins else "imported_ratings"), f"0-{top}"
        items.append(
            Item(kind, values, key, draft.line, precision, scale, draft.original, word, decided)
        )
    return items
