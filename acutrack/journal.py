"""The journal: a folder of append-only CSV files that the user owns.

``sessions.csv`` holds treatment sessions, ``ratings.csv`` pain check-ins, and
``journal.json`` the format version. Logging validates every field, then appends one row
under a lock (constant time, fsynced). Corrections and deletions append too, so the files
keep the whole history; loading keeps the latest row for each id.

This module imports pandas only when a table is loaded, so logging from the command line
stays fast.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import Timeout

from .catalog import POINTS, ROUTINES, Catalog, Point, Routine
from .csvstore import (
    LOCK_TIMEOUT_S,
    append_locked,
    locked,
    private_output,
    read_records,
    roll_back,
    rollback_point,
    write_private,
)
from .errors import InvalidValue, JournalError
from .fields import TimeField
from .loading import Row, read_entry, read_rows
from .records import Problem, Rating, Session, Slot
from .tables import (
    SCHEMA_VERSION,
    TableSpec,
    check_routine,
    import_spec,
    imported_rating_spec,
    medication_spec,
    peg_spec,
    pgic_spec,
    plan_spec,
    point_spec,
    profile_spec,
    rating_spec,
    routine_spec,
    screen_spec,
    session_spec,
)

if TYPE_CHECKING:
    import pandas as pd

    from .answers import Medication, Peg, Pgic, Screen
    from .importing import ImportReport

__all__ = ["Journal", "JournalWarning"]

META_FILE = "journal.json"
# journal.json as acutrack writes it (JSON, two-space indent, a final line break).
_META_TEXT = f'{{\n  "format": "acutrack journal",\n  "schema_version": {SCHEMA_VERSION}\n}}\n'


class JournalWarning(UserWarning):
    """Rows of a journal file could not be loaded (see `Journal.problems`)."""


#: An imported entry's id: its source key's first 16 hexadecimal digits (`import_records`).
_IMPORTED_ID = re.compile(r"[a-z]-[0-9a-f]{16}")
_NO_LEDGER = (
    "an imported entry whose row in imports.csv is missing (an import stopped between its "
    "two writes), so where it came from, its scale and original value are unknown: import "
    "the same file again to restore them (nothing is added twice)"
)
#: How much later than the version it replaces a new version is recorded, at least.
_STEP = timedelta(seconds=1)
#: The earliest day a PGIC answer may count change from.
_FIRST_DAY = date(1970, 1, 1)


def _lock_timeout(given: float | None) -> float:
    """``given``, else ``$ACUTRACK_LOCK_TIMEOUT``, else 30: seconds, finite and not negative."""
    field, value = "lock_timeout", given
    if given is None:
        field, value = "ACUTRACK_LOCK_TIMEOUT", os.environ.get("ACUTRACK_LOCK_TIMEOUT")
    try:
        seconds = float(value) if value not in (None, "") else LOCK_TIMEOUT_S
    except (TypeError, ValueError):
        seconds = math.nan
    if not 0 <= seconds < math.inf:  # also refuses nan
        raise InvalidValue(field, value, "expected a number of seconds, such as 30")
    return seconds


class Journal:
    """A journal folder.

    Parameters
    ----------
    path : str or Path
        The folder. It is created, readable by its owner only, on the first write.
    read_only : bool
        Refuse every write (used for the bundled sample journal).
    clock : callable, optional
        Returns the current time (aware); the default reads the computer's clock. The
        sample generator and tests pass their own.
    make_id : callable, optional
        Makes a new id from a prefix (``"s"`` or ``"r"``); the default is random.
    lock_timeout : float, optional
        Seconds a write waits for another writer's lock before giving up with a
        `JournalError`: ``$ACUTRACK_LOCK_TIMEOUT`` when set, else 30.

    Notes
    -----
    A relative ``path`` is made absolute once, here, so that a journal opened from one
    folder stays the same journal when the working folder changes (a notebook's kernel
    runs elsewhere than the command that started it).

    Times without a UTC offset (a naive ``datetime`` or ``"2026-11-25 09:30"``) are taken
    as the computer's local time and stored with that offset. A local time that the
    clocks skipped (a daylight-saving gap) is refused; one they showed twice is the
    first of the two. Times more than a day in the future are rejected as typos.

    Examples
    --------
    >>> j = Journal(tmp_path)                                      # doctest: +SKIP
    >>> s = j.log_session(pain_before=6, pain_after=3, routine="back")  # doctest: +SKIP
    >>> j.correct(s.id, pain_after=4)                              # doctest: +SKIP
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        clock: Callable[[], datetime] | None = None,
        make_id: Callable[[str], str] | None = None,
        lock_timeout: float | None = None,
    ) -> None:
        if not os.fspath(path).strip():
            raise InvalidValue("journal", path, "expected the path of a folder")
        self.path = Path(path).expanduser().absolute()
        self.read_only = read_only
        self.lock_timeout = _lock_timeout(lock_timeout)
        self._catalog_cache: tuple[tuple, tuple[Catalog, list[Problem]]] | None = None
        self._clock = clock or (lambda: datetime.now().astimezone())
        # os.urandom is what secrets.token_hex reads, without importing secrets at start-up.
        self._make_id = make_id or (lambda prefix: f"{prefix}-{os.urandom(5).hex()}")

    def now(self) -> datetime:
        """The current time by this journal's clock (aware; tests and the sample set it)."""
        return self._clock()

    @classmethod
    def default(cls, **options) -> Journal:
        """The journal in ``$ACUTRACK_HOME``, or ``~/acutrack`` when that is not set.

        ``options`` go to `Journal` (``read_only``, ``clock``, ...).
        """
        return cls(os.environ.get("ACUTRACK_HOME") or Path.home() / "acutrack", **options)

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r}{', read_only=True' if self.read_only else ''})"

    # -- layout --------------------------------------------------------------------------
    @property
    def catalog(self) -> Catalog:
        """The points and routines this journal may use: the built-ins and the user's own."""
        return self._catalog()[0]

    def _catalog(self) -> tuple[Catalog, list[Problem]]:
        """The catalog and its files' problems, read again only when those files change."""
        stamp = tuple(_stamp(self.path / name) for name in ("points.csv", "routines.csv"))
        if self._catalog_cache is None or self._catalog_cache[0] != stamp:
            self._catalog_cache = (stamp, self._read_catalog())
        return self._catalog_cache[1]

    def _read_catalog(self) -> tuple[Catalog, list[Problem]]:
        spec = point_spec()
        rows, problems = read_rows(self.file(spec), spec)
        points = dict(POINTS)
        for code, row in rows.items():
            if code in POINTS:
                why = "a built-in point has this code; choose another"
                problems.append(Problem(spec.filename, row.line, "code", code, why))
            else:
                points[code] = Point(sham=False, **row.values)
        catalog = Catalog(points=points)
        spec = routine_spec(catalog)
        rows, found = read_rows(self.file(spec), spec)
        problems += found
        routines = dict(ROUTINES)
        for key, row in rows.items():
            try:
                check_routine(row.values)
            except InvalidValue as err:
                problems.append(
                    Problem(spec.filename, row.line, err.field, str(err.value), err.allowed)
                )
                continue
            if key in ROUTINES:
                why = "a built-in routine has this key; choose another"
                problems.append(Problem(spec.filename, row.line, "key", key, why))
            else:
                routines[key] = Routine(**row.values)
        return Catalog(points=points, routines=routines), problems

    def _specs(self) -> tuple[TableSpec, ...]:
        """The files of entries that have ids and can be corrected and deleted."""
        return (session_spec(self.catalog), rating_spec(), *_OUTCOME_SPECS, _IMPORTED_RATINGS)

    def add_point(self, code: str, name: str, location: str = "", how: str = "") -> Point:
        """Declare a point of your own, so that routines and sessions may use its code.

        Parameters
        ----------
        code : str
            Letters, digits, ``-`` or ``_``, starting with a letter; not a built-in code.
        name, location, how : str
            What to call it, where it is and how to press it.

        Returns
        -------
        Point
        """
        spec = point_spec(self.catalog)
        values = {
            f.name: f.parse(v)
            for f, v in zip(spec.fields, (code, name, location, how), strict=True)
        }
        if values["code"] in POINTS:
            raise InvalidValue("code", code, "expected a code that is not a built-in point")
        self._put(spec, values)
        return Point(**values)

    def add_routine(
        self,
        key: str,
        points: list[str] | tuple[str, ...] | str,
        seconds_per_point: float = 60,
        rounds: int = 1,
        condition: str | None = None,
        title: str = "",
    ) -> Routine:
        """Define a routine of your own (stored in ``routines.csv`` in the journal).

        Parameters
        ----------
        key : str
            Its name: lower-case letters, digits, ``-`` or ``_``; not a built-in routine.
        points : list of str or str
            Point codes in the order they are pressed: built-in ones or ones declared
            with `add_point`.
        seconds_per_point : float
            How long each point is pressed: 1 to 3600 seconds, and a whole session
            (points × seconds × rounds) no longer than 600 minutes.
        rounds : int
            How many times the sequence is repeated (1–100).
        condition : {"real", "sham"}, optional
            Fix the condition of its sessions, or leave either possible.
        title : str
            A human title.

        Returns
        -------
        Routine
        """
        catalog = self.catalog
        spec = routine_spec(catalog)
        given = dict(
            key=key,
            title=title,
            points=points,
            seconds_per_point=seconds_per_point,
            rounds=rounds,
            condition=condition,
        )
        values = {f.name: f.parse(given[f.name]) for f in spec.fields}
        check_routine(values)
        if values["key"] in ROUTINES:
            raise InvalidValue("key", key, "expected a name that is not a built-in routine")
        self._put(spec, values)
        return Routine(**values)

    def owns(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` is (or could become) a file the journal keeps: data, settings, locks."""
        path = Path(path)
        folder = path.absolute().parent
        if folder.is_dir() and self.path.is_dir():  # the same folder however it is spelt
            inside = folder.samefile(self.path)  # (macOS and Windows ignore letter case)
        else:
            inside = folder.resolve() == self.path.resolve()
        return inside and (path.suffix.lower() in (".csv", ".json") or path.name.startswith("."))

    def private_output(self, path: str | os.PathLike[str]) -> contextlib.AbstractContextManager:
        """`csvstore.private_output`, refusing a name that is one of this journal's files."""
        if self.owns(path):
            raise InvalidValue(
                "file",
                Path(path).name,
                f"expected a name other than those of the journal's files in {self.path}",
            )
        return private_output(path)

    def file(self, spec: TableSpec) -> Path:
        """Path of the CSV file for ``spec``."""
        return self.path / spec.filename

    def _check_folder(self) -> None:
        """Refuse a journal path that is a file, or a link to nothing."""
        if self.path.is_symlink() and not self.path.exists():
            raise JournalError(
                f"{self.path} is a link to {os.readlink(self.path)}, which does not exist"
            )
        if self.path.exists() and not self.path.is_dir():
            raise JournalError(f"{self.path} is a file, not a journal folder")

    def _check_version(self) -> None:
        self._check_folder()
        meta = self.path / META_FILE
        if not meta.exists():
            return
        try:
            text = meta.read_text(encoding="utf-8")
            if text == _META_TEXT:  # as acutrack writes it: no need to parse (or import) JSON
                return
            import json

            version = json.loads(text)["schema_version"]
        except (ValueError, KeyError, TypeError, OSError) as err:
            raise JournalError(f"{meta}: cannot read the schema version ({err})") from None
        # JSON's true, 1.9 or 1e400 are no format version: int() would take them as 1.
        if type(version) is not int or version < 1:
            shown = json.dumps(version)[:40]
            raise JournalError(f"{meta}: schema_version {shown} is not a whole number from 1")
        if version > SCHEMA_VERSION:
            raise JournalError(
                f"{self.path} was written by a newer acutrack (format {version}; this one reads "
                f"up to {SCHEMA_VERSION}). Upgrade acutrack to use it."
            )

    # -- writing -------------------------------------------------------------------------
    def _append(self, spec: TableSpec, values: dict[str, Any], action: str) -> None:
        self._append_many(spec, [values], action)

    def _append_many(self, spec: TableSpec, records: list[dict[str, Any]], action: str) -> None:
        """Write validated records to ``spec``'s file in one locked append."""
        with self._writing(spec):
            self._append_held(spec, records, action)

    @contextlib.contextmanager
    def _writing(self, spec: TableSpec) -> Iterator[None]:
        """Hold ``spec``'s file lock for a write, once the journal can take one.

        The format file is written first, so that an error always means that no row
        was stored (a retry then makes no duplicate). Errors of the file system become
        a `JournalError` saying what went wrong.
        """
        if self.read_only:
            raise JournalError(f"{self.path} is read-only; open your own journal to write.")
        self._check_version()
        try:
            if not (self.path / META_FILE).exists():
                write_private(self.path / META_FILE, _META_TEXT)
            with locked(self.file(spec), self.lock_timeout):
                yield
        except Timeout:
            raise JournalError(
                f"cannot write to {self.path}: another program has held its lock for "
                f"{self.lock_timeout:g} s; nothing was written, try again"
            ) from None
        except OSError as err:
            raise JournalError(
                f"cannot write to {self.path}: {err.strerror or err}; nothing was written"
            ) from err

    def _put(self, spec: TableSpec, values: dict[str, Any]) -> None:
        """Add a keyed row, or correct it when the key stands already (decided under the lock)."""
        with self._writing(spec):
            rows, _ = read_rows(self.file(spec), spec)
            known = rows.get(values[spec.key])
            action = "add" if known is None else "correct"
            self._append_held(spec, [values], action, known and _recorded_at(known))

    def _append_held(
        self,
        spec: TableSpec,
        records: list[dict[str, Any]],
        action: str,
        not_before: datetime | None = None,
    ) -> None:
        """Append while holding the lock; ``recorded_at`` is at least a second after
        ``not_before`` (the version being replaced), whatever the clock says.

        Whole seconds keep the form every reader parses at once; a second's step keeps the
        versions of an entry strictly in order, so sorting a file in a spreadsheet never
        changes which one stands (three versions in one second are recorded 1 s apart).
        """
        now = self._clock().astimezone(UTC).replace(microsecond=0)
        if not_before is not None:
            now = max(now, not_before.astimezone(UTC).replace(microsecond=0) + _STEP)
        recorded_at = now.isoformat(timespec="seconds")
        rows = []
        for values in records:
            row = {f.name: f.to_text(values[f.name]) for f in spec.fields}
            row.update(values.get("_extra", {}))
            row["action"] = action
            row["recorded_at"] = recorded_at
            rows.append(row)
        # A file made by hand may lack the bookkeeping columns; only what carries meaning
        # must find its column (an "add" is what a row without an action means anyway).
        droppable = {"recorded_at"} | ({"action"} if action == "add" else set())
        needed = {*spec.required_columns}
        needed |= {k for row in rows for k, v in row.items() if v and k not in droppable}
        append_locked(self.file(spec), rows, spec.columns, sorted(needed))

    def _session_values(self, spec: TableSpec, given: dict[str, Any]) -> dict[str, Any]:
        """Validate a whole session, filling points, minutes and condition from its routine."""
        # The spec's own catalog: the user's routine and point files are read once per entry.
        catalog = spec.field("routine").catalog  # type: ignore[attr-defined]
        routine = catalog.routine(given["routine"])
        filled = dict(given, routine=routine.key)
        if filled.get("points") is None:
            if not routine.points:
                raise InvalidValue(
                    "points",
                    None,
                    f"expected the points pressed: {routine.key!r} has none of its own",
                )
            filled["points"] = routine.points
        if filled.get("duration_min") is None:
            filled["duration_min"] = routine.default_minutes
        if filled.get("condition") is None:
            filled["condition"] = routine.condition or "real"
        values = {f.name: f.parse(filled.get(f.name)) for f in spec.fields}
        if routine.condition and values["condition"] != routine.condition:
            raise InvalidValue(
                "condition",
                filled["condition"],
                f"expected {routine.condition!r} for routine {routine.key!r} "
                f"(use routine {routine.twin!r} for a {values['condition']} session)",
            )
        return values

    def _rating_values(self, spec: TableSpec, given: dict[str, Any]) -> dict[str, Any]:
        return {f.name: f.parse(given.get(f.name)) for f in spec.fields}

    def _validated(
        self, spec: TableSpec, given: dict[str, Any], changed: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """An entry's values parsed and checked; ``changed`` names the fields being set by
        a correction (None: all), so that a field nobody touched is not checked against
        the clock again."""
        check = self._session_values if spec.name == "sessions" else self._rating_values
        values = check(spec, given)
        time_field = spec.field(spec.time)
        assert isinstance(time_field, TimeField)
        if changed is None or spec.time in changed:
            time_field.check_not_future(values[spec.time], self._clock())
        since = values.get("since") if spec.name == "pgic" else None
        if since is not None and not _FIRST_DAY <= since <= values[spec.time].date():
            raise InvalidValue(
                "since",
                since,
                f"expected the day the change is counted from: on or before the day of the "
                f"answer ({values[spec.time]:%Y-%m-%d}) and no earlier than {_FIRST_DAY}",
            )
        return values

    def log_session(
        self,
        pain_before: int,
        pain_after: int,
        routine: str = "back",
        condition: str | None = None,
        points: list[str] | tuple[str, ...] | str | None = None,
        duration_min: float | None = None,
        location: str = "lower-back",
        started_at: datetime | str | None = None,
        notes: str = "",
        slot: str | None = None,
    ) -> Session:
        """Record one treatment session.

        Parameters
        ----------
        pain_before, pain_after : int
            Pain from 0 (none) to 10 (worst imaginable) before and after the session.
        routine : str
            A built-in routine (``back``, ``stress``, their ``-sham`` twins, ``custom``) or
            one of the user's.
        condition : {"real", "sham"}, optional
            Defaults to the routine's own (``sham`` for a sham routine), else ``real``.
        points : list of str or str, optional
            Point codes pressed; defaults to the routine's points.
        duration_min : float, optional
            Minutes, from 1 second (0.0167) to 600, written like ``2.5``; defaults to the
            routine's timing.
        location : str
            Where it hurts.
        started_at : datetime or str, optional
            When it started; defaults to now. Without an offset, local time is assumed.
        notes : str
            Any text.
        slot : str, optional
            The id of the plan slot this session is (see `plan_slots`): the session fills
            it, once the journal has checked, under the plan's lock, that the slot is open
            and asks for this session's routine and condition (and, in a leave-one-out
            plan, the point left out or pressed). None logs a session off any plan.

        Returns
        -------
        Session
            The stored record, with its new ``id`` and the ``slot`` it filled.

        Raises
        ------
        InvalidValue
            A ``ValueError`` naming the field, the value and what is allowed.
        """
        spec = session_spec(self.catalog)
        given = dict(
            id=self._make_id(spec.id_prefix),
            started_at=started_at if started_at is not None else self._clock(),
            routine=routine,
            points=points,
            condition=condition,
            duration_min=duration_min,
            pain_before=pain_before,
            pain_after=pain_after,
            location=location,
            notes=notes,
        )
        values = self._validated(spec, given)
        if slot is None:
            self._append(spec, values, "add")
            return Session(**values)
        return self._log_into_slot(spec, values, slot)

    def log_many(self, kind: str, entries: list[dict[str, Any]]) -> int:
        """Validate many entries of one kind and append them in one locked write.

        For bringing in a history at once (an import, a benchmark's fixture): each entry
        holds the fields of its file by name (those of `log_session`, `log_rating`, ...;
        it may give its own ``id``); one bad entry stops the whole write, naming the field.

        Parameters
        ----------
        kind : str
            ``"sessions"``, ``"ratings"``, ``"peg"``, ``"pgic"``, ``"medications"``,
            ``"screens"`` or ``"imported_ratings"``.
        entries : list of dict

        Returns
        -------
        int
            How many were stored.
        """
        specs = {spec.name: spec for spec in self._specs()}
        if kind not in specs:
            raise InvalidValue("kind", kind, f"expected one of {', '.join(specs)}")
        spec = specs[kind]
        defaults = {spec.time: self._clock()} | ({"routine": "back"} if kind == "sessions" else {})
        records = [
            self._validated(spec, {"id": self._make_id(spec.id_prefix), **defaults, **entry})
            for entry in entries
        ]
        self._append_many(spec, records, "add")
        return len(records)

    def import_file(
        self,
        app: str,
        path: str | os.PathLike[str],
        *,
        mapping: str | dict[str, str] | None = None,
        scale: str | None = None,
        date_order: str | None = None,
        dry_run: bool = False,
    ) -> ImportReport:
        """Import a file exported from another app: see `acutrack.importing.import_file`."""
        from .importing import import_file

        options = dict(mapping=mapping, scale=scale, date_order=date_order, dry_run=dry_run)
        return import_file(self, app, path, **options)

    def import_records(
        self, items: Sequence[Any], *, app: str, source_file: str, dry_run: bool = False
    ) -> tuple[list[Any], list[Any], list[tuple[Any, InvalidValue]], list[Any]]:
        """Add entries brought in from another app, each source record once, with provenance.

        Parameters
        ----------
        items : sequence
            Each has ``kind`` (``"ratings"``, ``"imported_ratings"`` or
            ``"medications"``), ``values`` (the entry's fields by name, without ``id``),
            ``source_key`` (32 hexadecimal digits naming the source record by its
            content), ``source_row``, ``precision``, ``scale`` and ``original`` (the
            columns of ``imports.csv``, `tables.import_spec`). `acutrack.importing` makes
            them from a file.
        app, source_file : str
            Where they come from (`tables.IMPORT_APPS`; the file's name).
        dry_run : bool
            Decide what would be added, and write nothing.

        Returns
        -------
        added : list
            The items added (or, with ``dry_run``, that would be), in order.
        known : list
            Items already brought in: their key is in the ledger, or their entry's id in
            their file (even as a deleted entry), or an earlier item had the same key.
        invalid : list of (item, InvalidValue)
            Items whose values the journal refuses (a date in the future, say).
        mended : list
            Items whose entry is in its file but whose ledger row is missing (an import
            stopped between the two appends): their ledger rows are written now, so their
            origin, scale and original value are known again.

        Notes
        -----
        An entry's id comes from its source key (``r-`` and 16 hexadecimal digits, longer
        than a logged entry's 10, so the two never meet): an entry whose ledger row was
        lost is still recognised, and its ledger row is made again. The ledger's lock is
        taken first, then each file's; holding them from reading the keys to the last
        append means that two imports of one file at the same time add each record once.
        The entries are appended first (one write per file), then their ledger rows; if
        any append fails, what this call appended is cut off again, so an error means that
        nothing was stored.
        """
        specs = {s.name: s for s in (rating_spec(), _IMPORTED_RATINGS, medication_spec())}
        ledger = import_spec()
        kinds = [name for name in specs if any(item.kind == name for item in items)]
        with contextlib.ExitStack() as held:
            if items and not dry_run:
                for spec in (ledger, *(specs[kind] for kind in kinds)):  # always this order
                    held.enter_context(self._writing(spec))
            known_keys = set(_cells_of(self.file(ledger), "source_key"))
            known_ids = {kind: _cells_of(self.file(specs[kind]), "id") for kind in kinds}
            added: list[Any] = []
            known: list[Any] = []
            invalid: list[tuple[Any, InvalidValue]] = []
            mended: list[Any] = []
            entries: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
            provenance = []
            for item in items:
                spec = specs[item.kind]
                entry_id = f"{spec.id_prefix}-{item.source_key[:16]}"
                if item.source_key in known_keys:
                    known.append(item)
                    continue
                given = dict(
                    entry_id=entry_id,
                    kind=item.kind,
                    source_key=item.source_key,
                    app=app,
                    source_file=source_file,
                    source_row=item.source_row,
                    precision=item.precision,
                    scale=item.scale,
                    original=item.original,
                )
                known_keys.add(item.source_key)
                if entry_id in known_ids[item.kind]:  # its entry is there, its ledger row not
                    provenance.append({f.name: f.parse(given[f.name]) for f in ledger.fields})
                    mended.append(item)
                    continue
                try:
                    values = self._validated(spec, {**item.values, "id": entry_id})
                    row = {f.name: f.parse(given[f.name]) for f in ledger.fields}
                except InvalidValue as err:
                    known_keys.discard(item.source_key)
                    invalid.append((item, err))
                    continue
                entries[item.kind].append(values)
                provenance.append(row)
                added.append(item)
            if dry_run or not provenance:
                return added, known, invalid, mended
            appended = []
            try:
                for kind, records in entries.items():
                    if records:
                        path = self.file(specs[kind])
                        appended.append((path, rollback_point(path)))
                        self._append_held(specs[kind], records, "add")
                self._append_held(ledger, provenance, "add")
            except BaseException:
                for path, point in reversed(appended):
                    with contextlib.suppress(OSError):  # the append's own error is reported
                        roll_back(path, point)
                raise
        return added, known, invalid, mended

    def _log_into_slot(self, spec: TableSpec, values: dict[str, Any], slot_id: str) -> Session:
        """Append a session and fill its plan slot, both under their files' locks.

        The plan's lock is taken first (always in that order), the slot is checked, the
        session appended, then the slot's new version; if that last write fails, the
        session's bytes are cut off again, so the two files never disagree.
        """
        slots_spec = plan_spec(spec.field("routine").catalog)  # type: ignore[attr-defined]
        with self._writing(slots_spec), self._writing(spec):
            rows = self._slot_rows()
            if slot_id not in rows:
                raise InvalidValue("slot", slot_id, "expected the id of a slot of a plan")
            slot = Slot(**rows[slot_id].values)
            if slot.session_id is not None:
                why = f"expected an open slot: session {slot.session_id} did this one"
                raise InvalidValue("slot", slot_id, why)
            session = Session(**values, slot=slot_id)
            same_plan = [Slot(**r.values) for r in rows.values() if r.values["plan"] == slot.plan]
            tested = next((s.leave_out for s in same_plan if s.leave_out), None)
            if not slot.fits(session, tested):
                why = f"expected the session this slot asks for: {slot.describe()}"
                raise InvalidValue("slot", slot_id, why)
            from .plan import paused

            why = paused(self)
            if why:
                why = f"a planned session cannot be logged now: {why}"
                raise InvalidValue("slot", slot_id, why)
            point = rollback_point(self.file(spec))
            self._append_held(spec, [values], "add")
            try:
                done = {**vars(slot), "session_id": session.id}
                self._append_held(slots_spec, [done], "correct", _recorded_at(rows[slot_id]))
            except BaseException:
                roll_back(self.file(spec), point)
                raise
        return session

    def store_plan(self, slots: list[Slot]) -> None:
        """Store a new plan's slots in ``plan.csv``, whole or not at all.

        Raises
        ------
        InvalidValue
            When a slot's id is taken by a plan already in the journal (a plan made again
            with the same seed and start): it would replace that plan's slots.
        """
        spec = plan_spec(self.catalog)
        records = [{f.name: f.parse(getattr(s, f.name)) for f in spec.fields} for s in slots]
        with self._writing(spec):
            taken = set(self._slot_rows()) & {r["slot"] for r in records}
            if taken:
                raise InvalidValue(
                    "slot",
                    sorted(taken)[0],
                    "expected a new plan: this one's slots exist already (same seed and start)",
                )
            self._append_held(spec, records, "add")

    def _slot_rows(self) -> dict[str, Row]:
        spec = plan_spec(self.catalog)
        return read_rows(self.file(spec), spec)[0]

    def plan_slots(self, plan_id: str | None = None, *, kind: str | None = None) -> list[Slot]:
        """The slots of a plan as they now stand, in order (the newest plan by default).

        Parameters
        ----------
        plan_id : str, optional
            Which plan.
        kind : {"real/sham", "leave-out"}, optional
            The newest plan of this kind.
        """
        plans: dict[str, list[Slot]] = {}
        for row in self._slot_rows().values():  # in the order the slots were first written
            plans.setdefault(row.values["plan"], []).append(Slot(**row.values))
        if kind is not None:
            leave_out = kind == "leave-out"
            plans = {k: v for k, v in plans.items() if any(s.leave_out for s in v) == leave_out}
        if plan_id is None and plans:
            plan_id = list(plans)[-1]  # the newest: its first row comes last in the file
        return sorted(plans.get(plan_id, []), key=lambda s: s.slot)

    def log_rating(
        self,
        pain: int,
        rated_at: datetime | str | None = None,
        location: str = "lower-back",
        session_id: str | None = None,
        stress: int | None = None,
        notes: str = "",
    ) -> Rating:
        """Record a pain check-in.

        Parameters
        ----------
        pain : int
            Pain now, 0–10.
        rated_at : datetime or str, optional
            When; defaults to now. Without an offset, local time is assumed.
        location : str
            Where it hurts.
        session_id : str, optional
            The session this rating follows up (e.g. two hours later). Whether that session
            exists is checked by `problems`, not here, so that logging stays constant-time.
        stress : int, optional
            Stress now, 0–10.
        notes : str
            Any text.

        Returns
        -------
        Rating
            The stored record, with its new ``id``.
        """
        spec = rating_spec()
        given = dict(
            rated_at=rated_at,
            pain=pain,
            location=location,
            session_id=session_id,
            stress=stress,
            notes=notes,
        )
        return self._log(spec, given)  # type: ignore[return-value]

    def _log(self, spec: TableSpec, given: dict[str, Any]) -> Any:
        """Validate one new entry of ``spec``'s file, append it and return its record."""
        when = given.get(spec.time)
        given = {"id": self._make_id(spec.id_prefix), **given}
        given[spec.time] = when if when is not None else self._clock()
        values = self._validated(spec, given)
        self._append(spec, values, "add")
        return _RECORDS[spec.name](values)

    def log_peg(
        self,
        pain: int,
        enjoyment: int,
        activity: int,
        answered_at: datetime | str | None = None,
        notes: str = "",
    ) -> Peg:
        """Record a PEG-3 answer: three 0–10 ratings of the past week.

        Parameters
        ----------
        pain : int
            Average pain in the past week, 0 (none) to 10 (as bad as you can imagine).
        enjoyment : int
            How much pain interfered with enjoyment of life, 0 (not at all) to 10
            (completely).
        activity : int
            How much pain interfered with general activity, 0 to 10.
        answered_at : datetime or str, optional
            When; defaults to now.
        notes : str

        Returns
        -------
        Peg
            The stored answer; its ``score`` is the mean of the three.
        """
        given = dict(pain=pain, enjoyment=enjoyment, activity=activity, notes=notes)
        return self._log(peg_spec(), {**given, "answered_at": answered_at})

    def log_pgic(
        self,
        change: int,
        since: date | str | None = None,
        answered_at: datetime | str | None = None,
        notes: str = "",
    ) -> Pgic:
        """Record a patient global impression of change.

        Parameters
        ----------
        change : int
            1 (no change, or worse) to 7 (a great deal better); see
            ``acutrack.answers.PGIC_ANSWERS`` for the words of each answer.
        since : date or str, optional
            The day the question asked about ("since you started on ..."); by default the
            day of the journal's first session or check-in.
        answered_at : datetime or str, optional
            When; defaults to now.
        notes : str

        Returns
        -------
        Pgic
        """
        if since is None:
            since = self.first_day()
        given = dict(change=change, since=since, notes=notes, answered_at=answered_at)
        return self._log(pgic_spec(), given)

    def log_medication(
        self,
        name: str,
        dose: float | str | None = None,
        unit: str = "",
        *,
        as_needed: bool = False,
        taken_at: datetime | str | None = None,
        notes: str = "",
    ) -> Medication:
        """Record a medicine (or another treatment) taken.

        Parameters
        ----------
        name : str
            What, e.g. ``"ibuprofen"``.
        dose : float or str, optional
            How much, in ``unit``.
        unit : str
            E.g. ``"mg"``.
        as_needed : bool
            Taken because of pain (rescue medication) rather than on a schedule.
        taken_at : datetime or str, optional
            When; defaults to now.
        notes : str

        Returns
        -------
        Medication
        """
        use = "as-needed" if as_needed else "regular"
        given = dict(name=name, dose=dose, unit=unit, use=use, notes=notes, taken_at=taken_at)
        return self._log(medication_spec(), given)

    def log_screen(
        self,
        answers: dict[str, str | bool],
        answered_at: datetime | str | None = None,
        notes: str = "",
    ) -> Screen:
        """Record the answers to the red-flag screen (`acutrack.screening.QUESTIONS`).

        Parameters
        ----------
        answers : dict
            Every question's name with ``"yes"`` or ``"no"`` (or True or False).
        answered_at : datetime or str, optional
            When; defaults to now.
        notes : str

        Returns
        -------
        Screen
        """
        spec = screen_spec()
        names = {f.name for f in spec.fields[2:-1]}
        unknown = sorted(set(answers) - names)
        if unknown:
            raise InvalidValue(unknown[0], answers[unknown[0]], "expected a screen question")
        said = {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in answers.items()}
        return self._log(spec, {**said, "notes": notes, "answered_at": answered_at})

    def first_day(self) -> date | None:
        """The day of the first session or check-in (as the clock showed it then), or None
        in an empty journal.

        Read through the tables' vectorised loader: the forms ask it after every save,
        and a row-by-row read of a long journal would make each save wait.
        """
        firsts = [table["local_time"].min() for table in self.entries() if len(table)]
        return min(firsts).date() if firsts else None

    def set_profile(self, *, name: str | None = None, patient_id: str | None = None) -> None:
        """Set the name or id shown on reports and exports (``""`` clears one).

        Never required: a journal without them makes anonymous reports. Each change
        appends to ``profile.csv``, so the file keeps its history like the others.
        """
        spec = profile_spec()
        for key, value in (("name", name), ("patient_id", patient_id)):
            if value is not None:
                self._put(spec, {"key": key, "value": spec.field("value").parse(value.strip())})

    def profile(self) -> dict[str, str]:
        """The name and id the person set, by key (``name``, ``patient_id``); unset are left out."""
        spec = profile_spec()
        rows, _ = read_rows(self.file(spec), spec)
        return {k: row.values["value"] for k, row in rows.items() if row.values["value"]}

    def latest(self, kind: str) -> Any:
        """The latest standing entry of one kind (``"screens"``, ``"peg"``, ...), or None.

        Read without pandas, so that the command line can ask whether a screen is due.
        """
        spec = _OTHER_SPECS.get(kind) or {s.name: s for s in self._specs()}[kind]
        rows, _ = read_rows(self.file(spec), spec)
        # The latest by time; of equal times, the one written last.
        last = max(rows.values(), key=lambda r: (r.values[spec.time], r.line), default=None)
        return _RECORDS[kind](last.values) if last else None

    @contextlib.contextmanager
    def _entry(self, entry_id: str) -> Iterator[tuple[TableSpec, Row]]:
        """The table holding ``entry_id`` and its latest row, read and held under its lock.

        Holding the lock from this read to the append that follows means that no other
        writer's correction or deletion can come in between and be lost.
        """
        for spec in self._specs():
            if not self.file(spec).exists():
                continue
            with contextlib.ExitStack() as held:
                if spec.name == "sessions":  # its slot may change too: the plan's lock first
                    held.enter_context(self._writing(plan_spec(self.catalog)))
                held.enter_context(self._writing(spec))
                row = read_entry(self.file(spec), spec, entry_id)
                if row is not None:
                    yield spec, row
                    return
        raise InvalidValue("id", entry_id, "expected the id of a journal entry that is not deleted")

    def _reopen_slot(self, session: Session | None, session_id: str) -> None:
        """Open again the slot ``session_id`` filled, if the session is gone or no longer fits.

        Called with the plan's and the sessions' locks held (by `_entry`).
        """
        rows = self._slot_rows()
        for row in rows.values():
            slot = Slot(**row.values)
            if slot.session_id != session_id:
                continue
            plan = [Slot(**r.values) for r in rows.values() if r.values["plan"] == slot.plan]
            tested = next((s.leave_out for s in plan if s.leave_out), None)
            if session is not None and slot.fits(session, tested):
                continue
            reopened = {**vars(slot), "session_id": None, "reopened": slot.reopened + 1}
            spec = plan_spec(self.catalog)
            self._append_held(spec, [reopened], "correct", _recorded_at(row))

    def find(self, entry_id: str) -> Any:
        """The standing entry with this id (a `Session`, `Rating`, `Peg`, ...), or None.

        Reads only the records that mention the id (see `loading.read_entry`), so it costs
        little however long the journal is.
        """
        for spec in self._specs():
            row = read_entry(self.file(spec), spec, entry_id.strip())
            if row is not None:
                return _RECORDS[spec.name](row.values)
        return None

    def correct(self, entry_id: str, **changes: Any) -> Any:
        """Change fields of an entry by appending a corrected row with the same id.

        The row is built from the entry's latest version, read under the file's lock,
        with only the named fields changed, so corrections made at the same time by
        other programs to other fields are kept.

        Parameters
        ----------
        entry_id : str
            The id of an entry: a session, check-in, PEG or PGIC answer, medication or
            red-flag screen.
        **changes
            New values by field name, e.g. ``pain_after=4``.

        Returns
        -------
        Session, Rating, Peg, Pgic, Medication or Screen
            The entry as it now stands. A session corrected into one its plan slot does not
            ask for (another routine or condition) opens the slot again.
        """
        with self._entry(entry_id) as (spec, row):
            unknown = [k for k in changes if k == "id" or k not in spec.columns[:-2]]
            if unknown:
                allowed = ", ".join(spec.columns[1:-2])
                raise InvalidValue(unknown[0], changes[unknown[0]], f"fields to change: {allowed}")
            values = self._validated(spec, {**row.values, **changes}, changed=list(changes))
            values["_extra"] = {k: v for k, v in row.cells.items() if k not in spec.columns}
            self._append_held(spec, [values], "correct", _recorded_at(row))
            values.pop("_extra")
            record = _RECORDS[spec.name](values)
            if spec.name == "sessions":
                self._reopen_slot(record, entry_id)
        return record

    def delete(self, entry_id: str) -> None:
        """Delete an entry by appending a tombstone row; earlier rows stay in the file.

        A session that filled a plan's slot opens the slot again.
        """
        with self._entry(entry_id) as (spec, row):
            self._append_held(spec, [row.values], "delete", _recorded_at(row))
            if spec.name == "sessions":
                self._reopen_slot(None, entry_id)

    # -- reading -------------------------------------------------------------------------
    def _load(self, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
        from .loading import load_table

        self._check_version()
        table, problems = load_table(self.file(spec), spec)
        table.attrs.pop("ties", None)  # for `validate` only (see `review`)
        return table, problems

    def _table(self, spec: TableSpec) -> pd.DataFrame:
        from .conflicts import conflict_note

        table, problems = self._load(spec)
        if problems:
            warnings.warn(
                f"{len(problems)} problem(s) in {self.file(spec)}; unreadable rows were left "
                "out. See Journal.problems() or `acutrack validate`.",
                JournalWarning,
                stacklevel=3,
            )
        note = conflict_note(self, spec.name)
        if note:
            warnings.warn(f"{note}.", JournalWarning, stacklevel=3)
        return table

    def sessions(self) -> pd.DataFrame:
        """All current sessions, one row each, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``started_at`` (tz-aware, UTC); ``local_time`` (the wall-clock time
            as recorded, naive); ``routine``; ``points`` (tuple of codes); ``condition``
            (categorical: real, sham); ``duration_min`` (float); ``pain_before`` and
            ``pain_after`` (int, 0–10); ``location``; ``notes``; then any column the user
            added to the file (text). Rows that could not be read are left out and warned
            about (`JournalWarning`); `problems` lists them.
        """
        return self._table(self._specs()[0])

    def ratings(self) -> pd.DataFrame:
        """All current pain check-ins, one row each, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``rated_at`` (tz-aware, UTC); ``local_time``; ``pain`` (int, 0–10);
            ``location``; ``session_id`` (the followed-up session, or missing); ``stress``
            (nullable Int64, 0–10); ``notes``; then any column the user added.
        """
        return self._table(self._specs()[1])

    def peg(self) -> pd.DataFrame:
        """All current PEG-3 answers, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``answered_at`` (UTC); ``local_time``; ``pain``, ``enjoyment``,
            ``activity`` (int, 0–10); ``notes``; ``score`` (float, their mean).
        """
        table = self._table(peg_spec())
        table["score"] = table[["pain", "enjoyment", "activity"]].mean(axis=1)
        return table

    def pgic(self) -> pd.DataFrame:
        """All current answers to the global impression of change, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``answered_at``; ``local_time``; ``change`` (int, 1–7); ``since``
            (a date, or missing); ``notes``.
        """
        return self._table(pgic_spec())

    def medications(self) -> pd.DataFrame:
        """All current medicines and other treatments taken, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``taken_at``; ``local_time``; ``name``; ``dose`` (float, NaN when not
            given); ``unit``; ``use`` (``regular`` or ``as-needed``); ``notes``.
        """
        return self._table(medication_spec())

    def imported_ratings(self) -> pd.DataFrame:
        """Pain ratings imported from another app that are not check-ins: their own series.

        Ratings imported on a scale coarser than 0–10 (Bearable's 0–4 symptoms, say), or
        with only a day and no time of day, are kept in ``imported_ratings.csv``, apart
        from `ratings`, so that weekly trends, verdicts and pain alerts never see them.

        Returns
        -------
        DataFrame
            The columns of `ratings` (``pain`` converted to 0–10, see
            `acutrack.importing.to_ten`), then ``original`` (the value as the source wrote
            it), ``scale`` (e.g. ``0-4``), ``precision`` (``exact``, ``part-of-day`` or
            ``day``), ``app``, ``source_file`` and ``source_row``, from ``imports.csv``.
        """
        columns = ["original", "scale", "precision", "app", "source_file", "source_row"]
        ledger = self.imports().set_index("entry_id")[columns]
        return self._table(_IMPORTED_RATINGS).join(ledger, on="id")

    def imports(self) -> pd.DataFrame:
        """The import ledger: where each imported entry came from, in the order imported.

        Returns
        -------
        DataFrame
            One row per imported entry, deleted ones too (the ledger remembers them, so
            that an import does not bring them back): the columns of ``imports.csv``
            (`tables.import_spec`), ``source_row`` a whole number.
        """
        import pandas as pd

        spec = import_spec()
        rows, problems = read_rows(self.file(spec), spec)
        if problems:
            warnings.warn(
                f"{len(problems)} problem(s) in {self.file(spec)}; see Journal.problems().",
                JournalWarning,
                stacklevel=2,
            )
        table = pd.DataFrame([row.values for row in rows.values()], columns=spec.columns[:-2])
        return table.astype({"source_row": "int64"})

    def screens(self) -> pd.DataFrame:
        """All current red-flag screens, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``answered_at``; ``local_time``; one column per question of
            `acutrack.screening.QUESTIONS` (``yes`` or ``no``); ``notes``.
        """
        return self._table(screen_spec())

    def entries(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Sessions and ratings for a screen or a report, without warnings.

        Rows that cannot be read are left out as by `sessions` and `ratings`, but
        quietly: `problems` and ``acutrack validate`` are where they are reported.
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", JournalWarning)
            return self.sessions(), self.ratings()

    def _imports_without_ledger(self) -> list[Problem]:
        """Imported entries (an id of 16 hexadecimal digits) that ``imports.csv`` lacks."""
        ledger = _cells_of(self.file(import_spec()), "entry_id")
        found = []
        for spec in (rating_spec(), _IMPORTED_RATINGS, medication_spec()):
            for entry_id, line in _cells_of(self.file(spec), "id").items():
                if _IMPORTED_ID.fullmatch(entry_id) and entry_id not in ledger:
                    found.append(Problem(spec.filename, line, "id", entry_id, _NO_LEDGER))
        return found

    def problems(self) -> pd.DataFrame:
        """Everything wrong in the journal's files, without changing them.

        It always answers: a journal it cannot read at all (a damaged ``journal.json``,
        a path that is a file) is one problem in the table, not an error.

        Returns
        -------
        DataFrame
            One row per problem: ``file``, ``line`` (1 is the header; 0 for the file as a
            whole), ``field``, ``value`` (as written) and ``why``.
        """
        return self.review()[2]

    def review(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Sessions, ratings and `problems`, from one reading of the files (for `show`)."""
        import pandas as pd

        from .loading import empty_table, load_table

        columns = ["file", "line", "field", "value", "why"]
        catalog, in_catalog = self._catalog()
        found = list(in_catalog)  # a copy: the catalog's own list is kept for the next call
        sessions_spec, ratings_spec = session_spec(catalog), rating_spec()
        sessions, ratings = empty_table(sessions_spec), empty_table(ratings_spec)
        try:
            self._check_version()
        except JournalError as err:
            meta = Problem(META_FILE, 0, "schema_version", "", str(err))
            if "newer acutrack" in str(err) or not self.path.is_dir():
                # Its files cannot be judged by this version.
                return sessions, ratings, pd.DataFrame([asdict(meta)], columns=columns)
            found = [meta, *found]
        sessions, in_sessions = load_table(self.file(sessions_spec), sessions_spec)
        ratings, in_ratings = load_table(self.file(ratings_spec), ratings_spec)
        found += in_sessions + in_ratings + self._dangling_follow_ups(ratings)
        found += sessions.attrs.pop("ties", []) + ratings.attrs.pop("ties", [])
        slots, in_plan = read_rows(self.file(plan_spec(catalog)), plan_spec(catalog))
        found += in_plan + self._slot_problems(slots, sessions)
        for spec in (*_OUTCOME_SPECS, _IMPORTED_RATINGS):
            table, in_table = load_table(self.file(spec), spec)
            found += in_table + table.attrs.get("ties", [])
        for spec in (profile_spec(), import_spec()):
            found += read_rows(self.file(spec), spec)[1]
        found += self._imports_without_ledger()
        table = pd.DataFrame([asdict(p) for p in found], columns=columns)
        table = table.sort_values(["file", "line"], kind="stable").reset_index(drop=True)
        return sessions, ratings, table

    def _slot_problems(self, rows: dict[str, Row], sessions: pd.DataFrame) -> list[Problem]:
        """Done slots whose session is not in the journal, or is not what the slot asks."""
        named = {row.values["session_id"] for row in rows.values()}
        stored = {s.id: s for s in _records(sessions[sessions["id"].isin(named)])}
        found = []
        for row in rows.values():
            slot = Slot(**row.values)
            if slot.session_id is None:
                continue
            session = stored.get(slot.session_id)
            plan = [Slot(**r.values) for r in rows.values() if r.values["plan"] == slot.plan]
            tested = next((s.leave_out for s in plan if s.leave_out), None)
            if session is None:
                why = "no session in this journal has this id: the slot is not done"
            elif not slot.fits(session, tested):
                why = (
                    f"its session is {session.routine} ({session.condition}), but the slot "
                    f"asks for {slot.describe().split(': ', 1)[1]}"
                )
            else:
                continue
            found.append(Problem("plan.csv", row.line, "session_id", slot.session_id, why))
        return found

    def _dangling_follow_ups(self, ratings: pd.DataFrame) -> list[Problem]:
        """Standing check-ins that follow up a session id no row of sessions.csv has.

        A session that was deleted keeps its id in the file's history, so its follow-ups
        are no problem: the person chose to delete it.
        """
        linked = ratings.dropna(subset=["session_id"])
        if linked.empty:
            return []
        path = self.file(session_spec(Catalog()))
        text = path.read_bytes().decode("utf-8", "surrogateescape") if path.exists() else ""
        header, good, _ = read_records(text)
        at = header.index("id") if "id" in header else None
        known = {r.cells[at].strip() for r in good} if at is not None else set()
        dangling = [
            (rid, sid)
            for rid, sid in zip(linked["id"], linked["session_id"], strict=True)
            if sid not in known
        ]
        lines = self._lines(rating_spec(), {rid for rid, _ in dangling}) if dangling else {}
        why = "no session in this journal has this id"
        name = self.file(rating_spec()).name
        return [Problem(name, lines.get(rid, 0), "session_id", sid, why) for rid, sid in dangling]

    def _lines(self, spec: TableSpec, ids: set[str]) -> dict[str, int]:
        """The line of each entry's standing row."""
        rows, _ = read_rows(self.file(spec), spec)
        return {k: row.line for k, row in rows.items() if k in ids}


_OUTCOME_SPECS = (peg_spec(), pgic_spec(), medication_spec(), screen_spec())
_IMPORTED_RATINGS = imported_rating_spec()
# The entry files whose columns do not depend on the catalog, by name.
_OTHER_SPECS = {spec.name: spec for spec in (*_OUTCOME_SPECS, _IMPORTED_RATINGS)}


def _answer(name: str) -> Callable[[dict[str, Any]], Any]:
    """A record of the outcome measures, imported when first made (see `records`)."""

    def make(values: dict[str, Any]) -> Any:
        from . import answers

        kind = getattr(answers, name)
        return kind.from_values(values) if name == "Screen" else kind(**values)

    return make


# Each entry file's record, made from a row's values.
_RECORDS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "sessions": lambda v: Session(**v),
    "ratings": lambda v: Rating(**v),
    "imported_ratings": lambda v: Rating(**v),
    "peg": _answer("Peg"),
    "pgic": _answer("Pgic"),
    "medications": _answer("Medication"),
    "screens": _answer("Screen"),
}


def _records(sessions: pd.DataFrame) -> list[Session]:
    """The rows of a sessions table as `Session` records."""
    columns = [f for f in Session.__dataclass_fields__ if f in sessions and f != "slot"]
    return [
        Session(**dict(zip(columns, values, strict=True)))
        for values in sessions[columns].itertuples(index=False, name=None)
    ]


def _cells_of(path: Path, column: str) -> dict[str, int]:
    """Every cell of ``column`` in the file, from readable records and damaged ones alike,
    with the line it is first on."""
    if not path.exists():
        return {}
    header, good, broken = read_records(path.read_bytes().decode("utf-8", "surrogateescape"))
    if column not in header:
        return {}
    at = header.index(column)
    found: dict[str, int] = {}
    for r in sorted((*good, *broken), key=lambda r: r.line):
        if len(r.cells) > at:
            found.setdefault(r.cells[at].strip(), r.line)
    return found


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a changed file from an unchanged one without reading it."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _recorded_at(row: Row) -> datetime | None:
    """When ``row`` was written, if its file says so readably."""
    try:
        moment = datetime.fromisoformat(row.cells.get("recorded_at", "").strip())
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None
